/**
 * What the coordinator reads: people reached without double counting, presence, gaps against the
 * IDP caseload of the latest published DTM round, overlaps; and the HDX HAPI operational presence
 * (published reports only). Expected figures are worked out by hand in each test.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase, type TestContext } from '../support/harness.js';
import { csvOf, EN_HEADERS, importRound, siteRow } from '../support/dtm.js';
import { call } from '../support/http.js';
import { createReport, seedResponse, total, type ResponseSeed } from '../support/response.js';
import type { Dashboard } from '../../src/response/presence.js';

async function approved(context: TestContext, organisation: number, over: Record<string, unknown>, publish = false): Promise<number> {
  const created = await createReport(context.app, organisation, over);
  expect(created.statusCode, created.text).toBe(201);
  const id = created.body.report.id;
  await call(context.app, 'POST', '/api/response/reports/submit', { ids: [id] });
  await call(context.app, 'POST', '/api/response/reports/decisions', { ids: [id], decision: 'approved' });
  if (publish) await call(context.app, 'POST', '/api/response/reports/decisions', { ids: [id], decision: 'published' });
  return id;
}

/** A published Mali site assessment: 1,800 IDPs in Bandiagara (ML0501), 5,000 in Koro (ML0505), 400 in Djenné (ML0503). */
async function publishedRound(context: TestContext): Promise<void> {
  const csv = csvOf(EN_HEADERS, [siteRow('ML0501-0001', 'ML0501', 1200), siteRow('ML0501-0002', 'ML0501', 600), siteRow('ML0505-0001', 'ML0505', 5000), siteRow('ML0503-0001', 'ML0503', 400)]);
  const { job } = await importRound(context.app, csv, { roundNumber: 1 });
  const roundId = job!.result!.roundId as number;
  const issues = await context.db.query<{ id: number }>('SELECT id::int AS id FROM dtm_issue WHERE round_id = $1', [roundId]);
  if (issues.length > 0) await call(context.app, 'POST', `/api/dtm/rounds/${roundId}/decisions`, { ids: issues.map((issue) => issue.id), decision: 'accepted' });
  const published = await call(context.app, 'POST', `/api/dtm/rounds/${roundId}/status`, { status: 'published' });
  expect(published.statusCode, published.text).toBe(200);
}

async function scene(context: TestContext): Promise<ResponseSeed> {
  const seed = await seedResponse(context.app, context.db);
  await publishedRound(context);
  // Bandiagara, WASH, March: two activities of TPN (300 and 500 people) and ACF's latrines (200).
  await approved(context, seed.tpn, { activity: 'WSH-latrines', figures: [total('targeted', 600), total('reached', 300)] }, true);
  await approved(context, seed.tpn, { activity: 'WSH-hygiene', figures: [total('targeted', 400), total('reached', 500)] }, true);
  await approved(context, seed.acf, { activity: 'WSH-latrines', figures: [total('reached', 200)] });
  // Bankass, WASH (300) and kits (200 + 150 items, two organisations).
  await approved(context, seed.nrc, { location: { pcode: 'ML0502' }, figures: [total('reached', 300)] }, true);
  await approved(context, seed.nrc, { location: { pcode: 'ML0502' }, sector: 'SHL', activity: 'SHL-kits', figures: [total('reached', 200)] }, true);
  await approved(context, seed.acf, { location: { pcode: 'ML0502' }, sector: 'Abris/AME', activity: 'SHL-kits', figures: [total('reached', 150)] });
  // A draft and a submitted report count for nothing.
  await createReport(context.app, seed.acf, { location: { pcode: 'ML0505' } });
  return seed;
}

describeEachDatabase('response presence, gaps and overlaps', (context) => {
  it('takes the maximum across activities, adds kits, finds gaps against the DTM caseload and lists overlaps', async () => {
    await scene(context);
    const reply = await call<Dashboard>(context.as('viewer'), 'GET', '/api/response/dashboard?country=ML&month=2021-03&threshold=1000');
    expect(reply.statusCode, reply.text).toBe(200);
    const dashboard = reply.body;
    const reached = (sector: string, admin2: string, unit = 'people') => dashboard.reached.find((row) => row.sector === sector && row.admin2 === admin2 && row.unit === unit);
    // 300, 500 (TPN) and 200 (ACF) people in Bandiagara's WASH: the largest, 500, not 1,000.
    expect(reached('WSH', 'ML0501')).toMatchObject({ reached: 500, targeted: 600, coverage: 83.3, above100: false });
    // Kits add: 200 + 150.
    expect(reached('SHL', 'ML0502', 'items')!.reached).toBe(350);
    // Bandiagara's 500 and Bankass's 300 WASH people add up to 800 for Mopti and for Mali.
    expect(dashboard.totals.filter((row) => row.sector === 'WSH' && row.unit === 'people').map((row) => [row.admin1, row.reached])).toEqual([
      ['ML05', 800],
      [null, 800],
    ]);
    // Inter-sector in Bankass: WASH 300 people; the shelter kits are items, not people.
    expect(dashboard.interSector).toEqual([
      { admin2: 'ML0501', reached: 500 },
      { admin2: 'ML0502', reached: 300 },
    ]);
    expect(dashboard.presence.find((row) => row.sector === 'WSH' && row.admin2 === 'ML0501')!.organisations).toEqual(['ACF', 'TPN']);
    // Koro (5,000 IDPs) has nobody in WASH or shelter; Bandiagara (1,800) nobody in shelter; Djenné (400) is under the threshold.
    expect(dashboard.gaps).toEqual([
      { admin2: 'ML0505', sector: 'SHL', caseload: 5000 },
      { admin2: 'ML0505', sector: 'WSH', caseload: 5000 },
      { admin2: 'ML0501', sector: 'SHL', caseload: 1800 },
    ]);
    expect(dashboard.overlaps).toEqual([
      { activity: 'WSH-latrines', place: 'ML0501', month: '2021-03', organisations: ['ACF', 'TPN'] },
      { activity: 'SHL-kits', place: 'ML0502', month: '2021-03', organisations: ['ACF', 'NRC'] },
    ]);
    expect(dashboard.caseloadSource).toEqual([{ operation: 'Mali Conflict', assessmentType: 'SA', round: 1 }]);
  });

  it('publishes operational presence as HDX HAPI does: published reports only, one row per organisation × sector × admin2 × month', async () => {
    await scene(context);
    const reply = await call<{ data: Array<Record<string, unknown>> }>(context.as('anonymous'), 'GET', '/hapi/v2/coordination-context/operational-presence?location_code=MLI');
    expect(reply.statusCode, reply.text).toBe(200);
    // TPN's two WASH activities in Bandiagara are one row; ACF's approved-only reports are not published.
    expect(reply.body.data.map((row) => `${String(row.org_acronym)} ${String(row.sector_code)} ${String(row.admin2_code)}`)).toEqual(['TPN WSH ML0501', 'NRC SHL ML0502', 'NRC WSH ML0502']);
    expect(reply.body.data[0]).toEqual({
      location_code: 'MLI',
      location_name: 'Mali',
      admin1_code: 'ML05',
      admin1_name: 'Mopti',
      provider_admin1_name: null,
      admin2_code: 'ML0501',
      admin2_name: 'Bandiagara',
      provider_admin2_name: 'Bandiagara',
      admin_level: 2,
      org_acronym: 'TPN',
      org_name: 'Test Partner NGO',
      org_type_code: '441',
      org_type_description: 'National NGO',
      sector_code: 'WSH',
      sector_name: 'Water Sanitation Hygiene',
      reference_period_start: '2021-03-01T00:00:00',
      reference_period_end: '2021-03-31T23:59:59',
    });
    const filtered = await call<{ data: unknown[] }>(context.app, 'GET', '/hapi/v2/coordination-context/operational-presence?admin2_code=ML0502&sector_code=SHL&org_name=norwegian');
    expect(filtered.body.data).toHaveLength(1);
    expect((await call<{ data: unknown[] }>(context.app, 'GET', '/hapi/v2/coordination-context/operational-presence?location_code=BFA')).body.data).toEqual([]);
    const page = await call<{ data: Array<Record<string, unknown>> }>(context.app, 'GET', '/hapi/v2/coordination-context/operational-presence?limit=1&offset=1');
    expect(page.body.data.map((row) => row.org_acronym)).toEqual(['NRC']);
    const csv = await context.app.inject({ method: 'GET', url: '/hapi/v2/coordination-context/operational-presence?output_format=csv' });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.replace(/^\uFEFF/, '').split('\n')[0]!.trim()).toBe('location_code,location_name,admin1_code,admin1_name,provider_admin1_name,admin2_code,admin2_name,provider_admin2_name,admin_level,org_acronym,org_name,org_type_code,org_type_description,sector_code,sector_name,reference_period_start,reference_period_end');
    const tooMany = await call(context.app, 'GET', '/hapi/v2/coordination-context/operational-presence?limit=10001');
    expect(tooMany.statusCode).toBe(400);
  });

  it('answers operational presence with a strong ETag and 304 until another report is published', async () => {
    const seed = await scene(context);
    const url = '/hapi/v2/coordination-context/operational-presence?location_code=MLI';
    const first = await context.app.inject({ method: 'GET', url });
    expect(first.statusCode, first.body).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{20,}"$/);
    expect((await context.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } })).statusCode).toBe(304);
    // Approving is not publishing: the answer stays the same.
    await approved(context, seed.acf, { location: { pcode: 'ML0505' }, figures: [total('reached', 50)] });
    expect((await context.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } })).statusCode).toBe(304);
    // Publishing one changes it, and the new answer holds the new row.
    await approved(context, seed.acf, { location: { pcode: 'ML0503' }, figures: [total('reached', 40)] }, true);
    const after = await call<{ data: Array<Record<string, unknown>> }>(context.app, 'GET', url, undefined, { 'if-none-match': etag });
    expect(after.statusCode).toBe(200);
    expect(after.body.data.map((row) => `${String(row.org_acronym)} ${String(row.admin2_code)}`)).toContain('ACF ML0503');
  });
});
