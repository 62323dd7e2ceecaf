/** Distributions: a list built from the registry with consent respected, one receipt per household, the refusal of a second, the trace by area and donor. */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/harness.js';
import { call } from '../support/http.js';
import { paidUsd } from '../support/access.js';
import { CSAHEL, loadCsahelPlan } from '../support/plans.js';
import { distributionBody, MAIGA_FIRST, MAIGA_SECOND, register, seedAssistance, type PersonSpec } from '../support/assistance.js';
import type { Queryable } from '../../src/core/db.js';
import type { LiptakoApp } from '../../src/core/http-kit.js';

const OTHER: readonly PersonSpec[] = [{ givenNames: 'Fatoumata', familyName: 'Cissé', sex: 'f', birthYear: 1990, relation: 'head' }];
const THIRD: readonly PersonSpec[] = [{ givenNames: 'Boubacar', familyName: 'Diallo', sex: 'm', birthYear: 1970, relation: 'head' }];

interface Distribution { id: number; listed: number; received: number; status: string; activityAreaId: number | null; contributionId: number | null }

async function receipts(db: Queryable, where = 'true'): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM assistance_receipt WHERE ${where}`);
  return row!.n;
}

async function plan(app: LiptakoApp, organisationId: number, over: Record<string, unknown> = {}) {
  return call<{ distribution: Distribution }>(app, 'POST', '/api/assistance/distributions', distributionBody(organisationId, { label: 'Kits AME Mopti avril', ...over }));
}

const receipt = (householdId: number, over: Record<string, unknown> = {}) => ({ householdId, receivedBy: 'chef de ménage', receivedAt: '2021-04-12', proof: 'empreinte', ...over });

describeEachDatabase('assistance distributions', (context) => {
  it('builds the list without withdrawn households, stores one receipt, refuses a second with who and when, and traces it to the plan area and the donor', async () => {
    const seed = await seedAssistance(context.app, context.db);
    await loadCsahelPlan(context.app);
    const donor = await call<{ contribution: { id: number } }>(context.app, 'POST', `/api/plans/${CSAHEL}/contributions`, paidUsd(50_000));
    expect(donor.statusCode, donor.text).toBe(201);
    const first = await register(context.as('partner'), seed.tpn, MAIGA_FIRST);
    const second = await register(context.as('partner'), seed.tpn, OTHER);
    const withdrawn = await register(context.as('partner'), seed.tpn, THIRD);
    expect((await call(context.as('partner'), 'POST', `/api/assistance/households/${withdrawn}/consent/withdraw`, {})).statusCode).toBe(200);

    const planned = await plan(context.as('partner'), seed.tpn, { plan: { code: CSAHEL, activityArea: 'shelter-nfi', contributionId: donor.body.contribution.id } });
    expect(planned.statusCode, planned.text).toBe(201);
    const distribution = planned.body.distribution;
    expect(distribution.listed).toBe(2);
    expect(distribution.activityAreaId).not.toBeNull();

    const list = await call<{ households: Array<{ householdId: number; receipt: unknown }> }>(context.as('partner'), 'GET', `/api/assistance/distributions/${distribution.id}`);
    expect(list.body.households.map((h) => h.householdId).sort()).toEqual([first, second].sort());

    const ok = await call(context.as('partner'), 'POST', `/api/assistance/distributions/${distribution.id}/receipts`, receipt(first));
    expect(ok.statusCode, ok.text).toBe(201);
    const again = await call(context.as('partner'), 'POST', `/api/assistance/distributions/${distribution.id}/receipts`, receipt(first, { receivedAt: '2021-04-13' }));
    expect(again.statusCode).toBe(409);
    expect(again.body.error!.code).toBe('assistance.receipt.already');
    expect(again.body.error!.message).toContain('TPN');
    expect(again.body.error!.message).toContain('2021-04-12');
    const french = await call(context.as('partner'), 'POST', `/api/assistance/distributions/${distribution.id}/receipts`, receipt(first), { 'accept-language': 'fr' });
    expect(french.body.error!.message).toContain('déjà reçu');
    expect(await receipts(context.db)).toBe(1);

    // Two posts at once for the other household: exactly one is stored, the other is told who and when.
    const both = await Promise.all([
      call(context.as('partner'), 'POST', `/api/assistance/distributions/${distribution.id}/receipts`, receipt(second)),
      call(context.as('partner'), 'POST', `/api/assistance/distributions/${distribution.id}/receipts`, receipt(second)),
    ]);
    expect(both.map((reply) => reply.statusCode).sort()).toEqual([201, 409]);
    expect(await receipts(context.db, `household_id = ${second}`)).toBe(1);

    const trace = await call<{ byActivityArea: Array<{ name: string; households: number; people: number; value: number; currency: string }>; byContribution: Array<{ name: string; households: number; value: number }> }>(
      context.as('viewer'), 'GET', `/api/assistance/trace/${CSAHEL}`,
    );
    expect(trace.statusCode, trace.text).toBe(200);
    expect(trace.body.byActivityArea).toHaveLength(1);
    expect(trace.body.byActivityArea[0]).toMatchObject({ households: 2, people: 3, value: 170, currency: 'USD' });
    expect(trace.body.byActivityArea[0]!.name).toContain('shelter-nfi');
    expect(trace.body.byContribution[0]).toMatchObject({ households: 2, value: 170 });
    expect(trace.body.byContribution[0]!.name).toContain('ECHO');

    const audit = await context.db.query<{ action: string }>("SELECT action FROM audit_event WHERE action LIKE 'assistance.receipt.%' OR action LIKE 'assistance.distribution.%' ORDER BY id");
    // The planning and every receipt post, the refused ones included, are in the audit log.
    expect(audit.filter((row) => row.action === 'assistance.distribution.plan')).toHaveLength(1);
    expect(audit.filter((row) => row.action === 'assistance.receipt.record').length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a receipt for a household a reviewer merged with one another partner already served with the same kit in the same month', async () => {
    const seed = await seedAssistance(context.app, context.db);
    const tpnHousehold = await register(context.as('partner'), seed.tpn, MAIGA_FIRST);
    const acfHousehold = await register(seed.acfPartner, seed.acf, MAIGA_SECOND);
    expect((await call(context.app, 'POST', '/api/assistance/duplicates/detect', {})).statusCode).toBe(200);
    const [pair] = await context.db.query<{ id: number }>('SELECT id::int AS id FROM assistance_duplicate ORDER BY score DESC LIMIT 1');
    const tpnDistribution = (await plan(context.as('partner'), seed.tpn)).body.distribution;
    const acfDistribution = (await plan(seed.acfPartner, seed.acf, { label: 'ACF kits AME', startsOn: '2021-04-15', endsOn: '2021-05-15' })).body.distribution;
    expect((await call(context.as('partner'), 'POST', `/api/assistance/distributions/${tpnDistribution.id}/receipts`, receipt(tpnHousehold))).statusCode).toBe(201);

    // The reviewer says "same person": from then on the two households are one for receipts.
    expect((await call(context.app, 'POST', `/api/assistance/duplicates/${pair!.id}/decision`, { decision: 'same' })).statusCode).toBe(200);
    const refused = await call(seed.acfPartner, 'POST', `/api/assistance/distributions/${acfDistribution.id}/receipts`, receipt(acfHousehold, { receivedAt: '2021-04-20' }));
    expect(refused.statusCode, refused.text).toBe(409);
    expect(refused.body.error!.code).toBe('assistance.receipt.mergedAlready');
    expect(refused.body.error!.message).toContain('TPN');
    expect(refused.body.error!.message).not.toContain('Maïga');
    expect(await receipts(context.db)).toBe(1);

    // Undoing the merge lets the ACF household receive: the refusal followed the reviewer's decision.
    expect((await call(context.app, 'POST', `/api/assistance/duplicates/${pair!.id}/undo`, {})).statusCode).toBe(200);
    expect((await call(seed.acfPartner, 'POST', `/api/assistance/distributions/${acfDistribution.id}/receipts`, receipt(acfHousehold))).statusCode).toBe(201);

    // Partners see their own organisation's distributions only.
    const seen = await call<{ distributions: Distribution[] }>(seed.acfPartner, 'GET', '/api/assistance/distributions');
    expect(seen.body.distributions.map((d) => d.id)).toEqual([acfDistribution.id]);
    expect((await call(seed.acfPartner, 'GET', `/api/assistance/distributions/${tpnDistribution.id}`)).statusCode).toBe(404);
  });

  it('refuses bad input with a catalogued error in French and English and stores nothing', async () => {
    const seed = await seedAssistance(context.app, context.db);
    const own = await register(context.as('partner'), seed.tpn, MAIGA_FIRST);
    const withdrawn = await register(context.as('partner'), seed.tpn, OTHER);
    const acfHousehold = await register(seed.acfPartner, seed.acf, THIRD);
    const distribution = (await plan(context.as('partner'), seed.tpn)).body.distribution;
    expect((await call(context.as('partner'), 'POST', `/api/assistance/households/${withdrawn}/consent/withdraw`, {})).statusCode).toBe(200);

    const planCases: Array<[string, Record<string, unknown>, string]> = [
      ['an unknown type', { type: 'food-basket' }, 'assistance.type.unknown'],
      ['a negative quantity', { quantity: -5 }, 'assistance.distribution.quantity'],
      ['a huge quantity', { quantity: 1e9 }, 'assistance.distribution.quantity'],
      ['an end before the start', { startsOn: '2021-05-01', endsOn: '2021-04-01' }, 'assistance.distribution.period'],
      ['the 30th of February', { startsOn: '2021-02-30' }, 'assistance.distribution.period'],
      ['an admin1', { location: { pcode: 'ML05' } }, 'assistance.household.location'],
      ['another organisation', { organisationId: seed.acf }, 'assistance.distribution.ownOrganisation'],
    ];
    for (const [what, over, code] of planCases) {
      const english = await plan(context.as('partner'), over.organisationId === undefined ? seed.tpn : (over.organisationId as number), over);
      expect(english.body.error?.code, `${what}: ${english.text}`).toBe(code);
      const french = await call(context.as('partner'), 'POST', '/api/assistance/distributions', { organisationId: seed.tpn, type: 'nfi-kit', quantity: 1, location: { pcode: 'ML0501' }, startsOn: '2021-04-01', endsOn: '2021-04-30', label: 'x', ...over }, { 'accept-language': 'fr' });
      expect(french.body.error?.message, what).not.toBe(english.body.error?.message);
    }
    const [rows] = await context.db.query<{ n: number }>('SELECT count(*)::int AS n FROM assistance_distribution');
    expect(rows!.n).toBe(1);

    const receiptCases: Array<[string, Record<string, unknown>, number, string]> = [
      ['an unknown household', receipt(999_999), 404, 'assistance.household.notFound'],
      ['a household of another organisation', receipt(acfHousehold), 404, 'assistance.household.notFound'],
      ['a household that withdrew consent', receipt(withdrawn), 409, 'assistance.receipt.consentWithdrawn'],
      ['a date to come', receipt(own, { receivedAt: '2999-01-01' }), 400, 'assistance.receipt.date'],
      ['a formula for who received', receipt(own, { receivedBy: '=cmd()' }), 400, 'assistance.receipt.receivedBy'],
    ];
    for (const [what, body, status, code] of receiptCases) {
      const reply = await call(context.as('partner'), 'POST', `/api/assistance/distributions/${distribution.id}/receipts`, body);
      expect(reply.statusCode, `${what}: ${reply.text}`).toBe(status);
      expect(reply.body.error!.code, what).toBe(code);
    }
    const sheet = await call(context.as('partner'), 'POST', `/api/assistance/distributions/${distribution.id}/receipts/bulk`, { receipts: [receipt(own), receipt(withdrawn)] });
    expect(sheet.statusCode, sheet.text).toBe(409);
    expect(sheet.body.error!.code).toBe('assistance.receipt.consentWithdrawn');
    expect((sheet.body.error as { details?: { line: number } }).details).toEqual({ line: 2 });
    expect(await receipts(context.db)).toBe(0);

    expect((await call(context.as('partner'), 'POST', `/api/assistance/distributions/${distribution.id}/close`, {})).statusCode).toBe(200);
    const closed = await call(context.as('partner'), 'POST', `/api/assistance/distributions/${distribution.id}/receipts`, receipt(own));
    expect(closed.statusCode).toBe(409);
    expect(closed.body.error!.code).toBe('assistance.distribution.closed');
    expect(await receipts(context.db)).toBe(0);
  });

  it('records a sheet of receipts whole', async () => {
    const seed = await seedAssistance(context.app, context.db);
    const households = [await register(context.as('partner'), seed.tpn, MAIGA_FIRST), await register(context.as('partner'), seed.tpn, OTHER)];
    const distribution = (await plan(context.as('partner'), seed.tpn, { type: 'cash-transfer', quantity: 2 })).body.distribution;
    const sheet = await call<{ recorded: number }>(context.as('partner'), 'POST', `/api/assistance/distributions/${distribution.id}/receipts/bulk`, { receipts: households.map((id) => receipt(id)) });
    expect(sheet.statusCode, sheet.text).toBe(201);
    expect(sheet.body.recorded).toBe(2);
    const list = await call<{ distribution: Distribution & { valuePerHousehold: number } }>(context.as('partner'), 'GET', `/api/assistance/distributions/${distribution.id}`);
    expect(list.body.distribution).toMatchObject({ received: 2, valuePerHousehold: 200 });
  });
});
