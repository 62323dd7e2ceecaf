/**
 * The plan page's link to what partners reached: approved and published 4W reports of activities
 * counting towards a plan activity area, aggregated without double counting, against the area's
 * target and funding. Figures are worked out by hand.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase, type TestContext } from '../support/harness.js';
import { call } from '../support/http.js';
import { paidUsd } from '../support/access.js';
import { CSAHEL, loadCsahelPlan } from '../support/plans.js';
import { createReport, seedResponse, total } from '../support/response.js';
import type { PlanAreasView } from '../../src/response/plan-areas.js';
import type { PlanView } from '../../src/plans/service.js';

async function approved(context: TestContext, organisation: number, over: Record<string, unknown>, publish = false): Promise<number> {
  const created = await createReport(context.app, organisation, over);
  expect(created.statusCode, created.text).toBe(201);
  const id = created.body.report.id;
  await call(context.app, 'POST', '/api/response/reports/submit', { ids: [id] });
  const decided = await call(context.app, 'POST', '/api/response/reports/decisions', { ids: [id], decision: 'approved' });
  expect(decided.statusCode, decided.text).toBe(200);
  if (publish) await call(context.app, 'POST', '/api/response/reports/decisions', { ids: [id], decision: 'published' });
  return id;
}

/** The 2021 plan's WASH area with a target of 1,000 people and 50,000 USD paid against it; two WASH activities counting towards it. */
async function scene(context: TestContext): Promise<{ tpn: number; acf: number; nrc: number }> {
  await loadCsahelPlan(context.app);
  const seed = await seedResponse(context.app, context.db);
  const plan = (await call<PlanView>(context.app, 'GET', `/api/plans/${CSAHEL}`)).body;
  const wash = plan.objectives.flatMap((objective) => objective.areas).find((area) => area.code === 'wash')!;
  const revised = await call(context.app, 'PATCH', `/api/plans/${CSAHEL}/areas/${wash.id}`, { version: wash.version, peopleTargeted: 1000, reason: 'test target' });
  expect(revised.statusCode, revised.text).toBe(200);
  const paid = await call(context.app, 'POST', `/api/plans/${CSAHEL}/contributions`, paidUsd(50_000, { earmark: { level: 'activity-area', activityAreaId: wash.id } }));
  expect(paid.statusCode, paid.text).toBe(201);
  for (const activity of [
    { code: 'WSH-wells', sector: 'WSH', nameEn: 'Water points', nameFr: 'Points d’eau', unit: 'people', plan: CSAHEL, activityArea: 'wash' },
    { code: 'WSH-kits', sector: 'WSH', nameEn: 'Hygiene kits', nameFr: 'Kits d’hygiène', unit: 'people', plan: CSAHEL, activityArea: 'wash' },
  ]) {
    const reply = await call(context.app, 'POST', '/api/response/activities', activity);
    expect(reply.statusCode, reply.text).toBe(201);
  }
  return seed;
}

const washOf = async (context: TestContext, query = ''): Promise<PlanAreasView['areas'][number]> => {
  const reply = await call<PlanAreasView>(context.as('viewer'), 'GET', `/api/response/plan-areas?plan=${CSAHEL}${query}`);
  expect(reply.statusCode, reply.text).toBe(200);
  return reply.body.areas.find((area) => area.code === 'wash')!;
};

describeEachDatabase('response reached by plan activity area', (context) => {
  it('takes the maximum across activities in one admin2 and month, adds admin2, counts against the target and shows the funding', async () => {
    const seed = await scene(context);
    // Bandiagara, March: 300 and 500 people by two activities of the same area: 500, not 800.
    await approved(context, seed.tpn, { activity: 'WSH-wells', figures: [total('reached', 300)] }, true);
    await approved(context, seed.acf, { activity: 'WSH-kits', figures: [total('reached', 500)] });
    expect(await washOf(context)).toMatchObject({ peopleReached: 500, peopleTargeted: 1000, percentReached: 50, activities: ['WSH-kits', 'WSH-wells'], admin2Count: 1 });
    // Bankass (another admin2) adds its 300.
    await approved(context, seed.nrc, { activity: 'WSH-wells', location: { pcode: 'ML0502' }, figures: [total('reached', 300)] });
    const wash = await washOf(context);
    expect(wash).toMatchObject({ peopleReached: 800, percentReached: 80, above100: false, admin2Count: 2, months: ['2021-03'] });
    expect(wash.funding).toMatchObject({ fundedUsd: 50_000, requiredUsd: 2_200_000 });
    // A draft, a submitted and a rejected report count for nothing.
    await createReport(context.app, seed.acf, { activity: 'WSH-wells', location: { pcode: 'ML0505' }, figures: [total('reached', 9000)] });
    const submitted = await createReport(context.app, seed.acf, { activity: 'WSH-kits', location: { pcode: 'ML0503' }, figures: [total('reached', 7000)] });
    await call(context.app, 'POST', '/api/response/reports/submit', { ids: [submitted.body.report.id] });
    expect((await washOf(context)).peopleReached).toBe(800);
    // Later months add their new beneficiaries only: April in Bandiagara reached 600, of whom 100 new.
    await approved(context, seed.tpn, { month: '2021-04', activity: 'WSH-wells', figures: [total('reached', 600), total('reached-new', 100)] });
    expect(await washOf(context)).toMatchObject({ peopleReached: 900, percentReached: 90, months: ['2021-03', '2021-04'] });
    // Filtered on another country: nothing reached there.
    expect((await washOf(context, '&country=BF')).peopleReached).toBeNull();
    // Areas without linked activities show their target and nothing reached.
    const reply = await call<PlanAreasView>(context.as('viewer'), 'GET', `/api/response/plan-areas?plan=${CSAHEL}`);
    expect(reply.body.areas.find((area) => area.code === 'health')).toMatchObject({ peopleReached: null, percentReached: null, activities: [] });
  });

  it('refuses an unknown plan or country with a catalogued error, in French and English', async () => {
    await loadCsahelPlan(context.app);
    const missing = await call<{ error: { code: string; message: string } }>(context.as('viewer'), 'GET', '/api/response/plan-areas?plan=NOPE-2021', undefined, { 'accept-language': 'fr' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body.error.code).toBe('plans.notFound');
    const country = await call<{ error: { code: string } }>(context.as('viewer'), 'GET', `/api/response/plan-areas?plan=${CSAHEL}&country=Z1`);
    expect(country.statusCode).toBeGreaterThanOrEqual(400);
    expect(country.body.error.code).toBe('geo.country.unknown');
  });
});
