/** Assistance outputs: households and people reached per admin2, sector, type, sex × age and donor, with small counts hidden. */
import { expect, it } from 'vitest';
import type { Cell } from '../../src/assistance/disclosure.js';
import type { Outputs } from '../../src/assistance/outputs.js';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import { register, seedAssistance, type PersonSpec } from '../support/assistance.js';
import { describeEachDatabase } from '../support/harness.js';
import { call } from '../support/http.js';

const WITH_CHILD: readonly PersonSpec[] = [
  { givenNames: 'Hamadoun', familyName: 'Cissé', sex: 'm', birthYear: 1980, relation: 'head', phone: '+223 70 11 22 33' },
  { givenNames: 'Fatoumata', familyName: 'Diallo', sex: 'f', birthYear: 1985, relation: 'spouse' },
  { givenNames: 'Kadidia', familyName: 'Cissé', sex: 'f', birthYear: 2018, relation: 'child' },
];
const COUPLE: readonly PersonSpec[] = [
  { givenNames: 'Boubacar', familyName: 'Traoré', sex: 'm', birthYear: 1980, relation: 'head' },
  { givenNames: 'Aïssata', familyName: 'Maïga', sex: 'f', birthYear: 1985, relation: 'spouse' },
];
const ELDER: readonly PersonSpec[] = [{ givenNames: 'Mariam', familyName: 'Kanouté', sex: 'f', birthYear: 1950, relation: 'head', phone: '+223 66 55 44 33' }];

async function distribute(app: LiptakoApp, organisationId: number, type: string, pcode: string, households: readonly number[]): Promise<void> {
  const planned = await call<{ distribution: { id: number } }>(app, 'POST', '/api/assistance/distributions', {
    organisationId,
    type,
    quantity: 1,
    location: { pcode },
    startsOn: '2021-04-01',
    endsOn: '2021-04-30',
    label: `${type} ${pcode}`,
  });
  expect(planned.statusCode, planned.text).toBe(201);
  const sheet = await call(app, 'POST', `/api/assistance/distributions/${planned.body.distribution.id}/receipts/bulk`, {
    receipts: households.map((householdId) => ({ householdId, receivedBy: 'chef de ménage', receivedAt: '2021-04-12' })),
  });
  expect(sheet.statusCode, sheet.text).toBe(201);
}

const shown = (cells: readonly Cell[]): string[] => cells.map((cell) => cell.display);
/** No line may hold exactly one hidden cell: it would be the total minus the others. */
const safe = (cells: readonly Cell[]): boolean => cells.filter((cell) => cell.value === null).length !== 1;

describeEachDatabase('assistance outputs', (context) => {
  it('counts households and people reached per admin2, type, sector and sex × age, hides small counts and their complements, and holds no name or phone', async () => {
    const seed = await seedAssistance(context.app, context.db);
    const partner = context.as('partner');
    const bandiagara: number[] = [];
    for (let i = 0; i < 6; i++) bandiagara.push(await register(partner, seed.tpn, i < 2 ? WITH_CHILD : COUPLE));
    const elder = await register(partner, seed.tpn, ELDER, { location: { pcode: 'ML0502' } });
    await distribute(partner, seed.tpn, 'nfi-kit', 'ML0501', bandiagara);
    await distribute(partner, seed.tpn, 'nfi-kit', 'ML0502', [elder]);
    await distribute(partner, seed.tpn, 'wash-kit', 'ML0501', bandiagara.slice(0, 3));

    const reply = await call<Outputs>(context.app, 'GET', '/api/assistance/outputs?country=ML');
    expect(reply.statusCode, reply.text).toBe(200);
    const out = reply.body;
    expect(out.threshold).toBe(5);
    // 7 households, 6 × 2 + 2 children + 1 = 15 people, each once whatever they received.
    expect(shown(out.byAdmin2.total)).toEqual(['7', '15']);
    // Bankass has one household of one person: hidden, and Bandiagara with it, or 7 − 6 would say 1.
    expect(out.byAdmin2.rows.map((row) => [row.key, ...shown(row.cells)])).toEqual([
      ['ML0501', 'x', 'x'],
      ['ML0502', '<5', '<5'],
    ]);
    expect(out.byAdmin2.columns).toEqual(['households', 'people']);
    expect(out.byAdmin2.rows[0]!.label).toMatch(/ \(ML0501\)$/);
    const wash = out.byType.rows.find((row) => row.key === 'wash-kit')!;
    expect(shown(wash.cells)).toEqual(['<5', '8']);
    for (const table of [out.byAdmin2, out.byType, out.bySector, out.byContribution]) {
      for (const column of [0, 1]) expect(safe([...table.rows.map((row) => row.cells[column]!), table.total[column]!])).toBe(true);
    }
    expect(out.bySector.rows.map((row) => row.key)).toEqual(['SHL', 'WSH']);
    expect(out.byContribution.rows.map((row) => [row.key, row.label])).toEqual([['none', 'Not linked to a contribution']]);

    // Sex × age (age at the receipt): women 0-4: 2, 18-59: 6, 60+: 1; men 18-59: 6.
    const sexAge = out.bySexAge;
    expect(sexAge.columns).toEqual(['0-4', '5-17', '18-59', '60+', 'unknown']);
    expect(sexAge.rows.map((row) => [row.key, ...shown(row.cells), row.total.display])).toEqual([
      ['f', '<5', '0', '6', '<5', '0', '9'],
      ['m', '0', '0', '6', '0', '0', '6'],
    ]);
    expect([...shown(sexAge.totals), sexAge.total.display]).toEqual(['<5', '0', '12', '<5', '0', '15']);
    for (const row of sexAge.rows) expect(safe([...row.cells, row.total])).toBe(true);
    for (let c = 0; c < sexAge.columns.length; c++) expect(safe([...sexAge.rows.map((row) => row.cells[c]!), sexAge.totals[c]!])).toBe(true);

    const text = reply.text;
    for (const secret of ['Cissé', 'Maïga', 'Kanouté', 'Hamadoun', '70112233', '66554433', 'householdid', 'memberid']) expect(text.toLowerCase()).not.toContain(secret.toLowerCase());

    // In French, the labels follow; a reader may raise the threshold, never lower it.
    const french = await call<Outputs>(context.app, 'GET', '/api/assistance/outputs?threshold=10', undefined, { 'accept-language': 'fr' });
    expect(french.body.bySector.rows.map((row) => row.label)).toEqual(['Abris et AME', 'Eau, hygiène et assainissement']);
    expect(shown(french.body.byAdmin2.total)).toEqual(['<10', '15']);
    const lower = await call(context.app, 'GET', '/api/assistance/outputs?threshold=3', undefined, { 'accept-language': 'fr' });
    expect(lower.statusCode).toBe(400);
    expect(lower.body.error!.code).toBe('assistance.outputs.threshold');
    expect(lower.body.error!.message).toContain('entre 5 et 100');
    const period = await call(context.app, 'GET', '/api/assistance/outputs?from=2021-02-30');
    expect(period.statusCode).toBe(400);
    expect(period.body.error!.code).toBe('assistance.outputs.period');
    const may = await call<Outputs>(context.app, 'GET', '/api/assistance/outputs?from=2021-05-01&to=2021-05-31');
    expect(shown(may.body.byAdmin2.total)).toEqual(['0', '0']);

    // Consent withdrawn: the household no longer counts anywhere.
    expect((await call(partner, 'POST', `/api/assistance/households/${elder}/consent/withdraw`, {})).statusCode).toBe(200);
    const after = await call<Outputs>(context.app, 'GET', '/api/assistance/outputs');
    expect(after.body.byAdmin2.rows.map((row) => row.key)).toEqual(['ML0501']);
    expect(shown(after.body.byAdmin2.total)).toEqual(['6', '14']);

    // Scope: another partner's outputs hold none of TPN's distributions; the viewer reads them all.
    const acf = await call<Outputs>(seed.acfPartner, 'GET', '/api/assistance/outputs');
    expect(acf.statusCode, acf.text).toBe(200);
    expect(acf.body.byAdmin2.rows).toEqual([]);
    expect(shown(acf.body.byAdmin2.total)).toEqual(['0', '0']);
    const viewer = await call<Outputs>(context.as('viewer'), 'GET', '/api/assistance/outputs');
    expect(shown(viewer.body.byAdmin2.total)).toEqual(['6', '14']);
    expect((await call(context.as('anonymous'), 'GET', '/api/assistance/outputs')).statusCode).toBe(401);
  }, 120_000);
});
