/**
 * Registry files imported as Excel and Kobo users really make them: a notes sheet first, a hidden
 * list sheet, a title row above French headers, one row per person with a household key, a date
 * cell, a phone written with spaces. All households registered in one go, each through the
 * registry's own checks; the same file again is a no-op. Bad input — a formula, 10,000 identical
 * rows, a malformed phone or date, a birth year in the future — gets every finding with its row,
 * column and reason in French and English, and nothing is stored.
 */
import { unsealPerson } from '../../src/assistance/queries.js';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import type { RegistryUploadView } from '../../src/assistance/registry-imports.js';
import { count, seedAssistance } from '../support/assistance.js';
import { describeEachDatabase } from '../support/harness.js';
import { call, send, type Reply } from '../support/http.js';

const HEADERS = ['N° ménage', 'Lieu', 'Site', 'Statut', 'Prénoms', 'Nom', 'Sexe', 'Année de naissance', 'Date de naissance', 'Lien avec le chef', 'Téléphone', 'Consentement donné par', 'Date du consentement'];
type Cell = string | number | Date | null | { formula: string; result?: string | number };

/** Two households of Bandiagara, five people, as an enumerator typed them. */
const ROWS: Cell[][] = [
  ['M-001', 'ML0501', 'SITE-01', 'PDI', 'Mahamadou Ousmane', 'Maïga', 'H', 1978, null, 'Chef de ménage', '+223 76 12 34 56', 'le chef de ménage', new Date(Date.UTC(2021, 2, 10))],
  ['M-001', 'ML0501', 'SITE-01', 'PDI', 'Aïssata', 'Touré', 'F', 1985, null, 'Conjointe', null, null, null],
  ['M-001', 'ML0501', 'SITE-01', 'PDI', 'Kadidia', 'Maïga', 'F', null, new Date(Date.UTC(2015, 5, 1)), 'Fille', null, null, null],
  ['M-002', 'ML0501', null, 'Hôte', 'Fatoumata', 'Cissé', 'Femme', 1990, null, 'Chef', '76 55 44 33', 'la cheffe de ménage', '12/03/2021'],
  ['M-002', 'ML0501', null, 'Hôte', 'Oumar', 'Cissé', 'Homme', 2012, null, 'Fils', null, null, null],
];

interface Job {
  id: number;
  status: string;
  result: { rowsRead: number; households: number; people: number; householdIds: number[]; alreadyImported?: boolean } | null;
  error: { code: string; params: Record<string, unknown>; details?: { findingCount?: number; findings?: Array<{ code: string; row: number; params: Record<string, unknown>; message: { en: string; fr: string } }> } } | null;
  message: string | null;
}

async function workbook(rows: readonly Cell[][] = ROWS): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  const notes = book.addWorksheet('Lisez-moi');
  notes.addRow(['Registre des ménages — Bandiagara, mars 2021']);
  notes.addRow(['Une ligne par personne ; le même N° ménage pour tout le ménage.']);
  book.addWorksheet('Listes', { state: 'hidden' }).addRow(['Sexe', 'F', 'H']);
  const data = book.addWorksheet('Registre');
  data.addRow(['Registre ONG TPN — Bandiagara']);
  data.mergeCells(1, 1, 1, 6);
  data.addRow(HEADERS);
  for (const row of rows) data.addRow([...row]);
  return new Uint8Array(await book.xlsx.writeBuffer());
}

function csvFile(rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  const text = (value: string | number | null): string => (value === null ? '' : /[,"\n]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : String(value));
  return [HEADERS.join(','), ...rows.map((row) => row.map(text).join(','))].join('\r\n');
}

async function upload(app: LiptakoApp, organisationId: number, bytes: string | Uint8Array, fileName: string): Promise<Reply<{ upload: RegistryUploadView }>> {
  return send<{ upload: RegistryUploadView }>(app, 'POST', `/api/assistance/imports/uploads?fileName=${encodeURIComponent(fileName)}&organisationId=${organisationId}`, {
    headers: { 'content-type': 'application/octet-stream' },
    payload: Buffer.from(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes),
  });
}

async function waitFor(app: LiptakoApp, id: number, language: 'en' | 'fr' = 'en'): Promise<Job> {
  for (let attempt = 0; attempt < 3000; attempt += 1) {
    const reply = await call<{ job: Job }>(app, 'GET', `/api/assistance/imports/jobs/${id}`, undefined, { 'accept-language': language });
    if (reply.statusCode !== 200) throw new Error(reply.text);
    if (reply.body.job.status !== 'running' && reply.body.job.status !== 'queued') return reply.body.job;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`job ${id} did not finish`);
}

async function importFile(app: LiptakoApp, organisationId: number, bytes: string | Uint8Array, fileName: string, language: 'en' | 'fr' = 'en'): Promise<Job> {
  const sent = await upload(app, organisationId, bytes, fileName);
  expect(sent.statusCode, sent.text).toBe(201);
  const start = await call<{ job: Job }>(app, 'POST', `/api/assistance/imports/uploads/${sent.body.upload.id}/start`, {}, { 'accept-language': language });
  expect(start.statusCode, start.text).toBe(202);
  return waitFor(app, start.body.job.id, language);
}

describeEachDatabase('registry file import', (context) => {
  it('imports a workbook as Excel makes it (notes and hidden sheets skipped, a title row, French headers and values, date cells); again, a no-op', async () => {
    const seed = await seedAssistance(context.app, context.db);
    const partner = context.as('partner');
    const bytes = await workbook();
    const sent = await upload(partner, seed.tpn, bytes, 'registre-bandiagara.xlsx');
    expect(sent.statusCode, sent.text).toBe(201);
    expect(sent.body.upload.suggestedSheet).toBe('Registre');
    expect(sent.body.upload.sheets.map((sheet) => sheet.name)).not.toContain('Listes');
    const sheet = sent.body.upload.sheets.find((candidate) => candidate.name === 'Registre')!;
    expect(sheet.headerRow).toBe(2);
    expect(sheet.missing).toEqual([]);
    expect(sheet.columns).toMatchObject({ household: 'N° ménage', pcode: 'Lieu', givenNames: 'Prénoms', familyName: 'Nom', birthDate: 'Date de naissance', consentBy: 'Consentement donné par' });

    const job = await importFile(partner, seed.tpn, bytes, 'registre-bandiagara.xlsx');
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    expect(job.result).toMatchObject({ rowsRead: 5, households: 2, people: 5 });
    expect(await count(context.db, 'assistance_household')).toBe(2);
    expect(await count(context.db, 'assistance_member')).toBe(5);
    // Names and phones are sealed in the database (core/data-keys.ts): opened here with the test key.
    const people = (
      await context.db.query<{ given_names: string; birth_year: number; birth_date: string; phone: string | null; relation: string; status: string }>(
        "SELECT m.given_names, m.birth_year::int AS birth_year, to_char(m.birth_date, 'YYYY-MM-DD') AS birth_date, m.phone, m.relation, h.displacement_status AS status FROM assistance_member m JOIN assistance_household h ON h.id = m.household_id",
      )
    ).map(unsealPerson);
    expect(people.find((person) => person.given_names === 'Kadidia')).toMatchObject({ birth_year: 2015, birth_date: '2015-06-01', phone: null });
    expect(people.find((person) => person.given_names === 'Fatoumata')).toMatchObject({ phone: '76554433', relation: 'head', status: 'host' });
    const [consent] = await context.db.query<{ given_at: string }>("SELECT to_char(given_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS given_at FROM assistance_consent ORDER BY id LIMIT 1");
    expect(consent!.given_at).toBe('2021-03-10');
    // The import and each registration are on record, with counts only.
    const audit = await context.db.query<{ action: string }>("SELECT action FROM audit_event WHERE action LIKE 'assistance.%' AND outcome = 'success' ORDER BY id");
    expect(audit.map((row) => row.action)).toEqual(['assistance.import.upload', 'assistance.import.upload', 'assistance.import.start', 'assistance.household.register', 'assistance.household.register', 'assistance.import.store']);

    const again = await importFile(partner, seed.tpn, bytes, 'registre-bandiagara.xlsx');
    expect(again.result).toMatchObject({ households: 2, alreadyImported: true });
    expect(await count(context.db, 'assistance_household')).toBe(2);

    // The raw files hold names and phones: a week on, the next upload drops them, imported or not; the households stay.
    const kept = async () => Number((await context.db.query<{ n: number }>("SELECT count(*)::int AS n FROM file_upload WHERE module = 'assistance'"))[0]!.n);
    expect(await kept()).toBe(3);
    await context.db.query("UPDATE file_upload SET created_at = now() - interval '8 days' WHERE module = 'assistance'");
    expect((await upload(partner, seed.tpn, bytes, 'registre-bandiagara.xlsx')).statusCode).toBe(201);
    expect(await kept()).toBe(1);
    expect(await count(context.db, 'assistance_household')).toBe(2);
  }, 120_000);

  it('refuses a file with a formula, a malformed phone and date, a birth year in the future: every finding with row and column, in French and English, nothing stored', async () => {
    const seed = await seedAssistance(context.app, context.db);
    const future = new Date().getUTCFullYear() + 3;
    const rows: Cell[][] = ROWS.map((row) => [...row]);
    rows[1]![5] = { formula: 'CONCATENATE("Tou","ré")', result: 'Touré' };
    rows[3]![10] = '76 AB 44 33';
    rows[4]![8] = '31/02/2012';
    rows[2]![7] = future;
    rows[2]![8] = null;
    const bytes = await workbook(rows);
    for (const language of ['en', 'fr'] as const) {
      const job = await importFile(context.as('partner'), seed.tpn, bytes, `registre-${language}.xlsx`, language);
      expect(job.status).toBe('failed');
      expect(job.error!.code).toBe('assistance.import.refused');
      const findings = job.error!.details!.findings!;
      expect(findings.map((finding) => [finding.row, finding.code, finding.params.column])).toEqual([
        [4, 'assistance.import.formula', 'Nom'],
        [5, 'assistance.import.birthFuture', 'Année de naissance'],
        [6, 'assistance.import.phone', 'Téléphone'],
        [7, 'assistance.import.date', 'Date de naissance'],
      ]);
      expect(findings[2]!.message.en).toBe('Row 6, column “Téléphone”: “76 AB 44 33” is not a phone number (8 to 15 digits, an optional + first).');
      expect(findings[2]!.message.fr).toBe('Ligne 6, colonne « Téléphone » : « 76 AB 44 33 » n’est pas un numéro de téléphone (8 à 15 chiffres, un + facultatif devant).');
      expect(findings[1]!.message.fr).toContain(`né(e) en ${future}`);
      expect(job.message).toMatch(language === 'fr' ? /^4 problème\(s\) dans le fichier, le premier à la ligne 4 \(colonne « Nom »\)\. Rien n’a été enregistré/ : /^4 problem\(s\) in the file, the first on row 4 \(column “Nom”\)\. Nothing was stored/);
    }
    expect(await count(context.db, 'assistance_household')).toBe(0);
    expect(await count(context.db, 'assistance_member')).toBe(0);
  }, 120_000);

  it('refuses 10,000 identical rows (a block pasted again) as one finding, and a CSV formula as text, storing nothing', async () => {
    const seed = await seedAssistance(context.app, context.db);
    const row = ['M-009', 'ML0501', 'SITE-02', 'IDP', 'Boubacar', 'Diallo', 'M', 1970, '', 'head', '70998877', 'head of household', '2021-03-11'];
    const pasted = await importFile(context.as('partner'), seed.tpn, csvFile(Array.from({ length: 10_000 }, () => row)), 'registre-colle.csv');
    expect(pasted.status).toBe('failed');
    const findings = pasted.error!.details!.findings!;
    expect(findings.map((finding) => [finding.code, finding.row, finding.params.first, finding.params.count])).toEqual([['assistance.import.repeated', 3, 2, 10_000]]);
    expect(pasted.error!.details!.findingCount).toBe(1);

    const formula = await importFile(context.as('partner'), seed.tpn, csvFile([['M-010', 'ML0501', '', 'IDP', '=HYPERLINK("http://x";"Awa")', 'Traoré', 'F', 1991, '', 'head', '', 'head of household', '']]), 'registre-formule.csv', 'fr');
    expect(formula.error!.details!.findings!.map((finding) => [finding.code, finding.row, finding.params.column])).toEqual([['assistance.import.formula', 2, 'Prénoms']]);
    expect(formula.message).toContain('Rien n’a été enregistré');

    // An unknown place is found before anything is written, and refused with the rest.
    const place = await importFile(context.as('partner'), seed.tpn, csvFile([['M-011', 'ML9999', '', 'IDP', 'Awa', 'Traoré', 'F', 1991, '', 'head', '', 'head of household', '']]), 'registre-lieu.csv');
    expect(place.error!.details!.findings!.map((finding) => finding.code)).toEqual(['assistance.import.place']);
    expect(await count(context.db, 'assistance_household')).toBe(0);
  }, 180_000);

  it('answers a sheet without the columns a registration needs, another organisation and an unknown upload with catalogued errors', async () => {
    const seed = await seedAssistance(context.app, context.db);
    const sent = await upload(context.as('partner'), seed.tpn, 'Nom,Prénoms\nMaïga,Awa\n', 'noms.csv');
    expect(sent.statusCode, sent.text).toBe(201);
    expect(sent.body.upload.sheets[0]!.missing).toEqual(['household', 'pcode', 'sex', 'relation', 'consentBy']);
    const start = await call(context.as('partner'), 'POST', `/api/assistance/imports/uploads/${sent.body.upload.id}/start`, {}, { 'accept-language': 'fr' });
    expect(start.statusCode).toBe(422);
    expect(start.body.error!.code).toBe('assistance.import.columnsMissing');
    expect(start.body.error!.message).toContain('household, pcode, sex, relation, consentBy');
    const other = await upload(context.as('partner'), seed.acf, await workbook(), 'registre.xlsx');
    expect(other.statusCode).toBe(403);
    expect(other.body.error!.code).toBe('assistance.import.ownOrganisation');
    const stranger = await call(seed.acfPartner, 'POST', `/api/assistance/imports/uploads/${sent.body.upload.id}/start`, {});
    expect(stranger.statusCode).toBe(404);
    expect(stranger.body.error!.code).toBe('assistance.import.uploadNotFound');
    expect(await count(context.db, 'assistance_household')).toBe(0);
  }, 120_000);
});
