/** Distribution lists and receipts as XLSX for the field team: consent respected, names opt-in and held, formulas defused, every download audited. */
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { MAIGA_FIRST, register, seedAssistance, type PersonSpec } from '../support/assistance.js';
import { describeEachDatabase } from '../support/harness.js';
import { call, send, type Reply } from '../support/http.js';

const OTHER: readonly PersonSpec[] = [
  { givenNames: 'Fatoumata', familyName: 'Cissé', sex: 'f', birthYear: 1990, relation: 'head', phone: '+223 66 10 20 30' },
  { givenNames: 'Oumar', familyName: 'Cissé', sex: 'm', birthYear: 2012, relation: 'child' },
];
const GONE: readonly PersonSpec[] = [{ givenNames: 'Boubacar', familyName: 'Diallo', sex: 'm', birthYear: 1970, relation: 'head', phone: '+223 70 99 88 77' }];

async function sheetOf(reply: Reply): Promise<unknown[][]> {
  expect(reply.statusCode, reply.text).toBe(200);
  expect(reply.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(reply.raw as unknown as Parameters<typeof workbook.xlsx.load>[0]); // exceljs types an older Buffer
  expect(workbook.worksheets).toHaveLength(1);
  const sheet = workbook.worksheets[0]!;
  // Nothing in the file is a formula: every cell is a plain value.
  sheet.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
  return sheet.getSheetValues().slice(1).map((row) => (Array.isArray(row) ? row.slice(1) : []));
}

describeEachDatabase('assistance distribution sheets', (context) => {
  it('gives the field team its list and receipts as XLSX: withdrawn consent left out, names only opted-in and held, formulas defused, each download audited', async () => {
    const seed = await seedAssistance(context.app, context.db);
    const partner = context.as('partner');
    const maiga = await register(partner, seed.tpn, MAIGA_FIRST);
    // A site typed as a formula by a spreadsheet user reaches the registry as text.
    const cisse = await register(partner, seed.tpn, OTHER, { location: { pcode: 'ML0501', site: '=HYPERLINK("http://x","site")' } });
    const gone = await register(partner, seed.tpn, GONE);
    expect((await call(partner, 'POST', `/api/assistance/households/${gone}/consent/withdraw`, {})).statusCode).toBe(200);
    const planned = await call<{ distribution: { id: number } }>(partner, 'POST', '/api/assistance/distributions', {
      organisationId: seed.tpn,
      type: 'nfi-kit',
      quantity: 1,
      location: { pcode: 'ML0501' },
      startsOn: '2021-04-01',
      endsOn: '2021-04-30',
      label: 'Kits AME Bandiagara',
    });
    expect(planned.statusCode, planned.text).toBe(201);
    const id = planned.body.distribution.id;
    const receipt = await call(partner, 'POST', `/api/assistance/distributions/${id}/receipts`, { householdId: maiga, receivedBy: 'chef de ménage', receivedAt: '2021-04-12', proof: '@SUM(1+1)*cmd' });
    expect(receipt.statusCode, receipt.text).toBe(201);

    // The partner's list: no names or phones (it holds no personal verb), households with consent only.
    const list = await sheetOf(await send(partner, 'GET', `/api/assistance/distributions/${id}/list.xlsx`, { headers: { 'accept-language': 'fr' } }));
    expect(String(list[0]![0])).toMatch(/^Kits AME Bandiagara — TPN — nfi-kit × 1 — ML0501 — 2021-04-01 → 2021-04-30$/);
    expect(list[1]).toEqual(['Ménage', 'Site', 'Membres', 'Reçu le', 'Reçu par', 'Signature ou empreinte']);
    const rows = list.slice(2);
    expect(rows.map((row) => row[0]).sort()).toEqual([maiga, cisse].sort());
    expect(rows.find((row) => row[0] === cisse)![1]).toBe('\'=HYPERLINK("http://x","site")');
    const received = rows.find((row) => row[0] === maiga)!;
    expect(received[2]).toBe(2);
    expect(received[3]).toEqual(new Date('2021-04-12T00:00:00Z'));
    expect(received[4]).toBe('chef de ménage');
    const partnerText = JSON.stringify(list);
    for (const secret of ['Maïga', 'Cissé', 'Diallo', '76123456', '66102030', '70998877']) expect(partnerText).not.toContain(secret);

    // Personal fields are opt-in and need the personal verb: the partner asking gets a catalogued 403, and no file.
    const refused = await send(partner, 'GET', `/api/assistance/distributions/${id}/list.xlsx?fields=name`);
    expect(refused.statusCode).toBe(403);
    expect(refused.body.error!.code).toBe('assistance.export.personal');

    // The IM officer asks for names and phones: the head, or the first consenting member when the head withdrew.
    expect((await call(context.app, 'POST', `/api/assistance/households/${cisse}/consent/withdraw`, { memberId: await headOf(cisse) })).statusCode).toBe(200);
    const named = await sheetOf(await send(context.as('imOfficerMali'), 'GET', `/api/assistance/distributions/${id}/list.xlsx?fields=name&fields=phone`));
    expect(named[1]).toEqual(['Household', 'Site', 'Members', 'Representative', 'Phone', 'Received on', 'Received by', 'Signature or thumbprint']);
    const byHousehold = new Map(named.slice(2).map((row) => [row[0], row]));
    // A phone starting with + is defused like any text (core/exports.ts): the apostrophe is the price.
    expect(byHousehold.get(maiga)!.slice(3, 5)).toEqual(['Mahamadou Ousmane Maïga', "'+22376123456"]);
    expect(byHousehold.get(cisse)!.slice(2, 5)).toEqual([1, 'Oumar Cissé']);
    expect(JSON.stringify(named)).not.toContain('Fatoumata');
    expect(JSON.stringify(named)).not.toContain('Diallo');

    // Receipts: the one recorded, its proof defused.
    const receipts = await sheetOf(await send(context.as('imOfficerMali'), 'GET', `/api/assistance/distributions/${id}/receipts.xlsx`));
    expect(receipts[1]).toEqual(['Household', 'Site', 'Members', 'Received on', 'Received by', 'Proof', 'Recorded by', 'Recorded at (UTC)']);
    expect(receipts.slice(2).map((row) => [row[0], row[5]])).toEqual([[maiga, "'@SUM(1+1)*cmd"]]);

    // Each download is a read of personal data on record, with the fields asked for (a refused read sends nothing and, as every refused read, is not recorded).
    const audit = await context.db.query<{ outcome: string; object_id: string; summary: { sheet?: string; fields?: string[]; households?: number } }>(
      "SELECT outcome, object_id, summary FROM audit_event WHERE action = 'assistance.distribution.export' ORDER BY id",
    );
    expect(audit.map((row) => [row.outcome, row.summary.sheet ?? null, row.summary.fields ?? null, row.summary.households ?? null])).toEqual([
      ['success', 'list', [], 2],
      ['success', 'list', ['name', 'phone'], 2],
      ['success', 'receipts', [], 1],
    ]);
    expect(audit.every((row) => row.object_id === String(id))).toBe(true);

    // Consent withdrawn after receiving: gone from both sheets.
    expect((await call(partner, 'POST', `/api/assistance/households/${maiga}/consent/withdraw`, {})).statusCode).toBe(200);
    expect((await sheetOf(await send(partner, 'GET', `/api/assistance/distributions/${id}/receipts.xlsx`))).slice(2)).toEqual([]);
    expect((await sheetOf(await send(partner, 'GET', `/api/assistance/distributions/${id}/list.xlsx`))).slice(2).map((row) => row[0])).toEqual([cisse]);

    // Another organisation's partner learns nothing: 404, as for any distribution not its own.
    const other = await send(seed.acfPartner, 'GET', `/api/assistance/distributions/${id}/list.xlsx`);
    expect(other.statusCode).toBe(404);
    expect(other.body.error!.code).toBe('assistance.distribution.notFound');
    expect((await send(partner, 'GET', `/api/assistance/distributions/${id}/list.xlsx?fields=address`)).statusCode).toBe(400);
  }, 120_000);

  async function headOf(household: number): Promise<number> {
    const [row] = await context.db.query<{ id: number }>("SELECT id::int AS id FROM assistance_member WHERE household_id = $1 AND relation = 'head'", [household]);
    return row!.id;
  }
});
