/**
 * Partner activity reporting over HTTP: organisations folding, sectors, periods and their locks,
 * reports and their workflow, who sees what; bad input refused with a catalogued error and
 * nothing stored.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/harness.js';
import { call } from '../support/http.js';
import { createReport, reportBody, reportCount, seedResponse, total } from '../support/response.js';

describeEachDatabase('response (4W) reports', (context) => {
  it('folds case, accents and spaces into one organisation and proposes, never makes, other merges', async () => {
    await seedResponse(context.app, context.db);
    const same = await call(context.app, 'POST', '/api/response/organisations', { acronym: 'acf ', name: 'Action  contre la faim', orgTypeCode: '437' });
    expect(same.statusCode).toBe(409);
    expect(same.body.error!.code).toBe('response.organisation.exists');
    const dotted = await call<{ organisation: { id: number }; proposals: Array<{ acronym: string; score: number }> }>(context.app, 'POST', '/api/response/organisations', {
      acronym: 'A.C.F.',
      name: 'Action Contre la Faim Mali',
      orgTypeCode: '437',
    });
    expect(dotted.statusCode, dotted.text).toBe(201);
    expect(dotted.body.proposals[0]).toMatchObject({ acronym: 'ACF' });
    const badType = await call(context.app, 'POST', '/api/response/organisations', { acronym: 'XYZ', name: 'X Y Z', orgTypeCode: '999' });
    expect(badType.statusCode).toBe(400);
    expect(badType.body.error!.code).toBe('response.organisation.typeUnknown');
    expect(badType.body.error!.message).toContain('HAPI');
  });

  it('stores a report with its place resolved, the provider’s name kept and the sector label read', async () => {
    const seed = await seedResponse(context.app, context.db);
    const reply = await createReport(context.as('partner'), seed.tpn, { sector: 'EHA' });
    expect(reply.statusCode, reply.text).toBe(201);
    expect(reply.body.report).toMatchObject({
      status: 'draft',
      country: 'ML',
      sectorCode: 'WSH',
      location: { level: 2, admin1: 'ML05', admin2: 'ML0501', providerAdmin2Name: 'Bandiagara' },
    });
  });

  it('refuses bad input with a catalogued error in French and English, storing nothing', async () => {
    const seed = await seedResponse(context.app, context.db);
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ sector: 'Pêche artisanale' }, 422, 'response.sector.unknown'],
      [{ reportingOrganisationId: 999_999 }, 404, 'response.organisation.notFound'],
      [{ figures: [total('reached', 100), { measure: 'reached', group: 'all', sex: 'f', age: '18-59', value: 80 }, { measure: 'reached', group: 'all', sex: 'm', age: '18-59', value: 40 }] }, 422, 'response.figures.partsAboveTotal'],
      [{ figures: [total('reached', 10), total('reached-new', 20)] }, 422, 'response.figures.newAboveReached'],
      [{ activity: 'SHL-kits' }, 422, 'response.activity.sectorMismatch'],
      [{ activity: 'no-such-activity' }, 404, 'response.activity.notFound'],
      [{ location: { pcode: 'ML' } }, 422, 'response.location.level'],
      [{ location: { pcode: 'ML9999' } }, 404, 'geo.unit.notFound'],
      [{ month: '2021-13' }, 400, 'response.period.invalid'],
    ];
    for (const [over, status, code] of cases) {
      const reply = await createReport(context.app, seed.tpn, over);
      expect(reply.statusCode, `${code}: ${reply.text}`).toBe(status);
      expect(reply.body.error!.code).toBe(code);
      const french = await call(context.app, 'POST', '/api/response/reports?lang=fr', reportBody(seed.tpn, over), { 'accept-language': 'fr' });
      expect(french.body.error!.code).toBe(code);
      expect(french.body.error!.message).not.toBe(reply.body.error!.message);
    }
    expect(await reportCount(context.db)).toBe(0);
    const [periods] = await context.db.query<{ count: number }>('SELECT count(*)::int AS count FROM response_period');
    expect(periods!.count).toBe(0);
  });

  it('lets a partner report only for its own organisation and see only its organisation’s drafts', async () => {
    const seed = await seedResponse(context.app, context.db);
    const other = await createReport(context.as('partner'), seed.acf);
    expect(other.statusCode).toBe(403);
    expect(other.body.error!.code).toBe('response.report.ownOrganisation');
    await createReport(context.app, seed.acf);
    const own = await createReport(context.as('partner'), seed.tpn);
    expect(own.statusCode).toBe(201);
    const list = await call<{ reports: Array<{ id: number }> }>(context.as('partner'), 'GET', '/api/response/reports');
    expect(list.body.reports.map((report) => report.id)).toEqual([own.body.report.id]);
    // A viewer reads published reports only; drafts belong to their organisation and its coordinators.
    const viewer = await call<{ reports: unknown[] }>(context.as('viewer'), 'GET', '/api/response/reports');
    expect(viewer.body.reports).toHaveLength(0);
    const coordinator = await call<{ reports: unknown[] }>(context.as('imOfficerMali'), 'GET', '/api/response/reports');
    expect(coordinator.body.reports).toHaveLength(2);
    // The Niger enumerator reads the response but not Mali's drafts.
    const niger = await call<{ reports: unknown[] }>(context.as('enumeratorNiger'), 'GET', '/api/response/reports');
    expect(niger.body.reports).toHaveLength(0);
  });

  it('moves reports draft → submitted → approved → published in bulk, rejections with a comment', async () => {
    const seed = await seedResponse(context.app, context.db);
    const ids: number[] = [];
    for (const pcode of ['ML0501', 'ML0502', 'ML0503']) ids.push((await createReport(context.as('partner'), seed.tpn, { location: { pcode } })).body.report.id);
    expect((await call(context.as('partner'), 'POST', '/api/response/reports/submit', { ids })).statusCode).toBe(200);
    const noComment = await call(context.as('imOfficerMali'), 'POST', '/api/response/reports/decisions', { ids: [ids[2]], decision: 'rejected' });
    expect(noComment.body.error!.code).toBe('response.report.commentRequired');
    expect((await call(context.as('imOfficerMali'), 'POST', '/api/response/reports/decisions', { ids: [ids[2]], decision: 'rejected', comment: 'Bankass, pas Djenné' })).statusCode).toBe(200);
    const approve = await call<{ changed: number }>(context.as('imOfficerMali'), 'POST', '/api/response/reports/decisions', { ids: ids.slice(0, 2), decision: 'approved' });
    expect(approve.body.changed).toBe(2);
    // Publishing a rejected one with the approved ones: none is published.
    const mixed = await call(context.as('imOfficerMali'), 'POST', '/api/response/reports/decisions', { ids, decision: 'published' });
    expect(mixed.statusCode).toBe(409);
    expect(mixed.body.error!.code).toBe('response.report.transition');
    const [published] = await context.db.query<{ count: number }>("SELECT count(*)::int AS count FROM response_report WHERE status = 'published'");
    expect(published!.count).toBe(0);
    // The partner corrects the rejected report; an approved one is no longer theirs to change.
    const approved = await call(context.as('partner'), 'PUT', `/api/response/reports/${ids[0]}`, { ...reportBody(seed.tpn), version: 3 });
    expect(approved.body.error!.code).toBe('response.report.notEditable');
    expect((await call(context.as('imOfficerMali'), 'POST', '/api/response/reports/decisions', { ids: ids.slice(0, 2), decision: 'published' })).statusCode).toBe(200);
    const viewer = await call<{ reports: Array<{ status: string }> }>(context.as('viewer'), 'GET', '/api/response/reports');
    expect(viewer.body.reports.map((report) => report.status)).toEqual(['published', 'published']);
  });

  it('answers 409 to every persona writing to a locked period, and audits the unlock with its reason', async () => {
    const seed = await seedResponse(context.app, context.db);
    const draft = (await createReport(context.as('partner'), seed.tpn)).body.report;
    const [period] = await context.db.query<{ id: number }>('SELECT id::int AS id FROM response_period');
    expect((await call(context.as('imOfficerMali'), 'POST', `/api/response/periods/${period!.id}/status`, { status: 'closed' })).statusCode).toBe(200);
    const closed = await createReport(context.as('partner'), seed.tpn);
    expect(closed.body.error!.code).toBe('response.period.closed');
    expect((await call(context.as('imOfficerMali'), 'POST', `/api/response/periods/${period!.id}/status`, { status: 'locked' })).statusCode).toBe(200);
    const before = await reportCount(context.db);
    for (const persona of ['admin', 'imOfficerMali', 'partner'] as const) {
      const created = await createReport(context.as(persona), seed.tpn);
      expect(created.statusCode, persona).toBe(409);
      expect(created.body.error!.code).toBe('response.period.locked');
      const submitted = await call(context.as(persona), 'POST', '/api/response/reports/submit', { ids: [draft.id] });
      expect(submitted.statusCode, persona).toBe(409);
      const reopened = await call(context.as(persona), 'POST', `/api/response/periods/${period!.id}/status`, { status: 'open' });
      expect(reopened.statusCode === 409 || reopened.statusCode === 403, persona).toBe(true);
    }
    expect(await reportCount(context.db)).toBe(before);
    expect((await call(context.as('imOfficerMali'), 'POST', `/api/response/periods/${period!.id}/unlock`, { reason: 'late WASH figures' })).statusCode).toBe(403);
    const noReason = await call(context.app, 'POST', `/api/response/periods/${period!.id}/unlock`, { reason: ' ' });
    expect(noReason.body.error!.code).toBe('response.period.reasonRequired');
    const unlocked = await call<{ period: { status: string } }>(context.app, 'POST', `/api/response/periods/${period!.id}/unlock`, { reason: 'late WASH figures' });
    expect(unlocked.body.period.status).toBe('closed');
    const [audit] = await context.db.query<{ summary: { reason: string } }>("SELECT summary FROM audit_event WHERE action = 'response.period.unlock' AND outcome = 'success'");
    expect(audit!.summary.reason).toBe('late WASH figures');
  });

  it('exports the reports one may see as CSV and XLSX with an HXL 3W row, and records the export', async () => {
    const seed = await seedResponse(context.app, context.db);
    await createReport(context.app, seed.acf);
    await createReport(context.as('partner'), seed.tpn, { location: { pcode: 'ML0502', providerAdmin2Name: 'Bankass' } });
    const csv = await context.as('partner').inject({ method: 'GET', url: '/api/response/reports/export?format=csv', headers: { 'accept-language': 'en' } });
    expect(csv.statusCode, csv.body).toBe(200);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[1]).toContain('#org+acronym,#sector+code,#activity+code');
    // The partner's own report only: ACF's draft is not theirs.
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain('TPN,WSH,WSH-latrines,ML,ML05,');
    expect(lines[2]).toContain('ML0502,Bankass');
    const xlsx = await context.app.inject({ method: 'GET', url: '/api/response/reports/export?format=xlsx' });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const audit = await context.db.query<{ actor: string }>("SELECT actor FROM audit_event WHERE action = 'response.export' AND outcome = 'success' ORDER BY id");
    expect(audit.map((row) => row.actor)).toEqual(['partner@test.liptako.org', 'admin@test.liptako.org']);
  });
});
