/**
 * Sphere checks on the 4W dashboard: the seeded thresholds with their source, a place whose
 * reports break one, the flag following an edited threshold, and refused edits.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase, type TestContext } from '../support/harness.js';
import { call } from '../support/http.js';
import { createReport, seedResponse, total } from '../support/response.js';
import type { Dashboard } from '../../src/response/presence.js';
import type { SphereThreshold } from '../../src/response/sphere.js';

async function approved(context: TestContext, organisation: number, over: Record<string, unknown>): Promise<void> {
  const created = await createReport(context.app, organisation, over);
  expect(created.statusCode, created.text).toBe(201);
  await call(context.app, 'POST', '/api/response/reports/submit', { ids: [created.body.report.id] });
  await call(context.app, 'POST', '/api/response/reports/decisions', { ids: [created.body.report.id], decision: 'approved' });
}

const flagsOf = async (context: TestContext): Promise<Array<[string, string, number]>> => {
  const reply = await call<Dashboard>(context.as('viewer'), 'GET', '/api/response/dashboard?country=ML&month=2021-03');
  expect(reply.statusCode, reply.text).toBe(200);
  return reply.body.sphereFlags.map((flag) => [flag.threshold, flag.place, flag.ratio]);
};

describeEachDatabase('response: Sphere checks', (context) => {
  it('flags 1,200 people served by 20 latrines (60 a latrine) for both phases, and follows an edited threshold', async () => {
    const seed = await seedResponse(context.app, context.db);
    const listed = await call<{ thresholds: SphereThreshold[] }>(context.as('viewer'), 'GET', '/api/response/sphere-thresholds');
    expect(listed.body.thresholds.map((threshold) => [threshold.code, threshold.comparison, threshold.value])).toEqual([
      ['covered_m2_per_person', 'below', 3.5],
      ['people_per_handpump', 'above', 500],
      ['people_per_latrine_acute', 'above', 50],
      ['people_per_latrine_after', 'above', 20],
      ['people_per_tap', 'above', 250],
      ['water_litres_per_person_day', 'below', 15],
      ['people_per_well', 'above', 400],
    ]);
    expect(listed.body.thresholds.find((threshold) => threshold.code === 'people_per_latrine_acute')!.source).toBe('Sphere Handbook 2018, WASH standard 3.2');

    const latrines = await call(context.app, 'POST', '/api/response/activities', { code: 'WSH-latrines-built', sector: 'WSH', nameEn: 'Latrines built', nameFr: 'Latrines construites', unit: 'items', sphereIndicator: 'latrines' });
    expect(latrines.statusCode, latrines.text).toBe(201);
    // Bandiagara, March: 1,200 people served, 20 latrines (two reports of 12 and 8). Bankass: 300 people, 10 latrines (30 a latrine).
    await approved(context, seed.tpn, { activity: 'WSH-hygiene', figures: [total('reached', 1200)] });
    await approved(context, seed.tpn, { activity: 'WSH-latrines-built', figures: [total('reached', 12)] });
    await approved(context, seed.acf, { activity: 'WSH-latrines-built', figures: [total('reached', 8)] });
    await approved(context, seed.nrc, { location: { pcode: 'ML0502' }, activity: 'WSH-hygiene', figures: [total('reached', 300)] });
    await approved(context, seed.nrc, { location: { pcode: 'ML0502' }, activity: 'WSH-latrines-built', figures: [total('reached', 10)] });

    expect(await flagsOf(context)).toEqual([
      ['people_per_latrine_acute', 'ML0501', 60],
      ['people_per_latrine_after', 'ML0501', 60],
      ['people_per_latrine_after', 'ML0502', 30],
    ]);

    // The acute threshold raised to 70: Bandiagara's 60 is no longer flagged for the acute phase.
    const edited = await call<{ threshold: SphereThreshold }>(context.app, 'PUT', '/api/response/sphere-thresholds/people_per_latrine_acute', { value: 70, source: 'Cluster WASH Mali, 2021' });
    expect(edited.statusCode, edited.text).toBe(200);
    expect(edited.body.threshold).toMatchObject({ value: 70, source: 'Cluster WASH Mali, 2021' });
    expect(edited.body.threshold.changedBy).not.toBeNull();
    expect(await flagsOf(context)).toEqual([
      ['people_per_latrine_after', 'ML0501', 60],
      ['people_per_latrine_after', 'ML0502', 30],
    ]);
    const audit = await context.db.query<{ action: string }>("SELECT action FROM audit_event WHERE action = 'response.sphere.threshold'");
    expect(audit.length).toBeGreaterThanOrEqual(1);
  });

  it('refuses an unknown threshold, a value of zero and a Sphere indicator on an activity counted in people, changing nothing', async () => {
    await seedResponse(context.app, context.db);
    const unknown = await call<{ error: { code: string; message: string } }>(context.app, 'PUT', '/api/response/sphere-thresholds/people_per_shower', { value: 10 }, { 'accept-language': 'fr' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'response.sphere.unknownThreshold', message: 'Aucun seuil Sphere « people_per_shower ».' });
    const zero = await call(context.app, 'PUT', '/api/response/sphere-thresholds/people_per_tap', { value: 0 });
    expect(zero.statusCode).toBe(400);
    const people = await call<{ error: { code: string } }>(context.app, 'POST', '/api/response/activities', { code: 'WSH-served', sector: 'WSH', nameEn: 'Served', nameFr: 'Servis', unit: 'people', sphereIndicator: 'latrines' });
    expect(people.statusCode).toBe(422);
    expect(people.body.error.code).toBe('response.sphere.itemsOnly');
    const [tap] = await context.db.query<{ value: string }>("SELECT value::text FROM response_sphere_threshold WHERE code = 'people_per_tap'");
    expect(tap!.value).toBe('250');
    expect(await context.db.query("SELECT 1 FROM response_activity WHERE code = 'WSH-served'")).toEqual([]);
  });
});
