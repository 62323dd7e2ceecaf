/**
 * 5W/3W files imported into the response, in the shapes Excel and Kobo really make them: a notes
 * sheet first, a hidden list sheet, title rows above the header, an HXL row, French headers,
 * identical rows, `#N/A`, names without P-codes, serial dates, a formula's saved result. Counts
 * stated; a second import of the same file is a no-op; bad input gets a catalogued error in
 * French and English with nothing stored.
 */
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import { describeEachDatabase } from '../support/harness.js';
import { call } from '../support/http.js';
import { importFiveW, previewFiveW, startFiveW, uploadFiveW } from '../support/five-w.js';
import { reportCount, seedResponse } from '../support/response.js';
import { zipEntries } from '../support/zip.js';

const HEADERS = ['Organisation', 'Nom complet', 'Bailleur de fonds', 'Région', 'Cercle', 'admin2Pcod', 'Secteur/Cluster', 'Activité', 'Nombre Bénéficiaire', 'Femmes', 'Date Débute'];
const HXL = ['#org+acronym', '#org+name', '#org+funding', '#adm1+name', '#adm2+name', '#adm2+code', '#sector', '#activity+name', '#beneficiary', '#beneficiary+f', '#date+start'];
type Cell = string | number | null | { formula: string; result?: number };

/** Seven rows of March 2021 in Mopti: two identical, one by names only (accents lost), one `#N/A`, one formula with its saved result. */
const ROWS: Cell[][] = [
  ['ACF', 'Action contre la Faim', 'ECHO', 'Mopti', 'Bandiagara', 'MLI0501', 'EHA', 'Latrines', 1200, 600, 44256],
  ['ACF', 'Action contre la Faim', 'ECHO', 'Mopti', 'Bandiagara', 'MLI0501', 'EHA', 'Latrines', 1200, 600, 44256],
  ['NRC', 'Norwegian Refugee Council', 'BHA', 'Mopti', 'Bankass', 'ML0502', 'Abris/AME', 'Kits AME', null, null, 44260],
  ['AMSS', 'Association Malienne pour la Survie au Sahel', null, 'MOPTI', 'Djenné', null, 'Santé', 'Cliniques mobiles', 300, null, 44270],
  ['A.C.F', 'Action Contre la Faim Mali', null, 'Mopti', 'Koro', 'ML0505', 'WASH', 'Forages', 900, '#N/A', 44275],
  ['NRC', 'Norwegian Refugee Council', null, 'Mopti', 'Mopti', 'ML0506', 'Education', 'Classes', { formula: '200*2', result: 400 }, 150, 44280],
];

async function workbook(rows: readonly Cell[][] = ROWS, edit?: (data: ExcelJS.Worksheet) => void): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  const notes = book.addWorksheet('Lisez-moi');
  notes.addRow(['Matrice 5W — Mali, mars 2021']);
  notes.addRow(['Remplir une ligne par activité et par cercle.']);
  book.addWorksheet('Listes', { state: 'hidden' }).addRow(['Secteur', 'EHA', 'Abris/AME', 'Santé']);
  const data = book.addWorksheet('5W');
  data.addRow(['Cluster EHA — matrice 5W']);
  data.mergeCells(1, 1, 1, 6);
  data.addRow(['Mise à jour : avril 2021']);
  data.addRow([]);
  data.addRow(HEADERS);
  data.addRow(HXL);
  for (const row of rows) data.addRow(row.map((cell) => cell));
  edit?.(data);
  // A visible list sheet after the data, as templates have: skipped, the data sheet scores highest.
  book.addWorksheet('Listes secteurs').addRow(['EHA', 'Abris/AME', 'Santé', 'Education']);
  return new Uint8Array(await book.xlsx.writeBuffer());
}

function csvFile(rows: ReadonlyArray<ReadonlyArray<string | number | null>>, headers = HEADERS): string {
  const text = (value: string | number | null): string => (value === null ? '' : /[,"]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : String(value));
  return [headers.join(','), ...rows.map((row) => row.map(text).join(','))].join('\n');
}

async function frenchAndEnglish(app: LiptakoApp, uploadId: number, body: Record<string, unknown>, code: string): Promise<void> {
  for (const language of ['en', 'fr'] as const) {
    const { start, job } = await startFiveW(app, uploadId, body, language);
    const error = job === null ? { code: start.body.error!.code, message: start.body.error!.message } : { code: job.error?.code, message: job.message };
    expect(error.code, JSON.stringify(job ?? start.body)).toBe(code);
    expect(error.message, language).toMatch(language === 'fr' ? /[éèàù’«]|ligne|fichier/i : /row|file|the/i);
  }
}

describeEachDatabase('5W/3W file import', (context) => {
  it('imports a workbook as Excel makes it: notes, hidden and list sheets skipped, title rows, HXL, names only, identical rows kept; again, a no-op', async () => {
    await seedResponse(context.app, context.db);
    const officer = context.as('imOfficerMali');
    const bytes = await workbook();
    const upload = await uploadFiveW(officer, bytes, '5W mars 2021.xlsx');
    expect(upload.statusCode, upload.text).toBe(201);
    const view = upload.body.upload;
    expect(view.sheets.map((sheet) => sheet.name)).toEqual(['Lisez-moi', '5W', 'Listes secteurs']);
    expect(view.suggestedSheet).toBe('5W');
    const sheet = view.sheets.find((candidate) => candidate.name === '5W')!;
    expect(sheet).toMatchObject({ headerRow: 4, hasDates: true, hasSector: true, missing: [] });
    expect(sheet.columns).toMatchObject({ orgAcronym: 'Organisation', orgName: 'Nom complet', donor: 'Bailleur de fonds', admin2Code: 'admin2Pcod', admin2Name: 'Cercle', beneficiaries: 'Nombre Bénéficiaire', female: 'Femmes', dateStart: 'Date Débute' });

    const before = await reportCount(context.db);
    const { job } = await startFiveW(officer, view.id, {});
    expect(job!.status, JSON.stringify(job)).toBe('succeeded');
    const result = job!.result!;
    expect(result).toMatchObject({ alreadyImported: false, rowsRead: 6, rowsStored: 6, rowsRefused: 0, status: 'submitted', periods: ['2021-03'], formulasUsed: 1 });
    // ACF, NRC known; AMSS and "A.C.F" new — "A.C.F" is proposed as ACF, never merged.
    expect(result.organisations.afterFolding).toBe(4);
    expect(result.organisations.known).toBe(2);
    expect(result.organisations.created.map((organisation) => organisation.acronym).sort()).toEqual(['A.C.F', 'AMSS']);
    expect(result.organisations.created.find((organisation) => organisation.acronym === 'A.C.F')!.proposals[0]).toMatchObject({ acronym: 'ACF' });
    expect(result.places).toEqual({ byLevel: { admin2: 6 }, byName: 1, coarser: 0 });
    expect(result.sectors).toEqual({ WSH: 3, SHL: 1, HEA: 1, EDU: 1 });
    // ECHO and BHA, donors of three rows, are no organisation of the response: noted, not created.
    expect(result.byRule).toEqual({ 'cell.error': 1, 'organisation.partnerUnknown': 3 });
    expect(await reportCount(context.db)).toBe(before + 6);
    const [stored] = await context.db.query<{ statuses: string[]; blanks: number; djenne: string }>(
      `SELECT array_agg(DISTINCT status) AS statuses,
              count(*) FILTER (WHERE figures = '[]'::jsonb)::int AS blanks,
              max(admin2_pcode) FILTER (WHERE provider_admin2_name = 'Djenné') AS djenne
         FROM response_report WHERE import_id = $1`,
      [result.importId],
    );
    // Submitted for review; NRC's blank figures are "not reported" (no cell), never 0; Djenné found by name.
    expect(stored).toEqual({ statuses: ['submitted'], blanks: 1, djenne: 'ML0503' });

    const again = await importFiveW(officer, bytes, 'copie.xlsx');
    expect(again.result).toMatchObject({ alreadyImported: true, importId: result.importId, rowsStored: 6 });
    expect(await reportCount(context.db)).toBe(before + 6);
    const audit = await context.db.query<{ action: string }>("SELECT action FROM audit_event WHERE action LIKE 'response.import%' ORDER BY id");
    expect(audit.map((row) => row.action)).toEqual(expect.arrayContaining(['response.import.upload', 'response.import.start', 'response.import']));
    const list = await call<{ imports: Array<{ id: number; reports: Record<string, number> }> }>(officer, 'GET', '/api/response/imports');
    expect(list.body.imports[0]).toMatchObject({ id: result.importId, reports: { submitted: 6 } });
  });

  it('lets a partner import its own organisation’s rows only, and asks for the period of a file without dates', async () => {
    await seedResponse(context.app, context.db);
    const partner = context.as('partner');
    const own = csvFile([['TPN', '', '', 'Mopti', 'Bandiagara', 'ML0501', 'EHA', 'Latrines', 500, 200]], HEADERS.slice(0, 10));
    const upload = await uploadFiveW(partner, own, 'tpn.csv');
    expect(upload.statusCode, upload.text).toBe(201);
    expect(upload.body.upload.sheets[0]).toMatchObject({ hasDates: false, missing: [] });
    await frenchAndEnglish(partner, upload.body.upload.id, {}, 'response.import.periodRequired');
    const { job } = await startFiveW(partner, upload.body.upload.id, { month: '2021-04' });
    expect(job!.result).toMatchObject({ rowsStored: 1, periods: ['2021-04'], organisations: { afterFolding: 1, created: [] } });

    const before = await reportCount(context.db);
    const other = await uploadFiveW(partner, csvFile([['TPN', '', '', 'Mopti', 'Bandiagara', 'ML0501', 'EHA', 'x', 5, 1], ['ACF', '', '', 'Mopti', 'Bankass', 'ML0502', 'EHA', 'x', 5, 1]], HEADERS.slice(0, 10)), 'mixed.csv');
    await frenchAndEnglish(partner, other.body.upload.id, { month: '2021-04' }, 'response.import.otherOrganisation');
    // An unknown organisation too: a partner never creates one.
    const unknown = await uploadFiveW(partner, csvFile([['ONG Inconnue', '', '', 'Mopti', 'Bankass', 'ML0502', 'EHA', 'x', 5, 1]], HEADERS.slice(0, 10)), 'unknown.csv');
    await frenchAndEnglish(partner, unknown.body.upload.id, { month: '2021-04' }, 'response.import.otherOrganisation');
    expect(await reportCount(context.db)).toBe(before);
    // Another person's upload is not the partner's to see; a file without a sector column needs the sector.
    const officerUpload = await uploadFiveW(context.as('imOfficerMali'), own, 'tpn.csv');
    expect((await previewFiveW(partner, officerUpload.body.upload.id)).statusCode).toBe(404);
    const noSector = await uploadFiveW(partner, csvFile([['TPN', 'Mopti', 'ML0501', 10]], ['Organisation', 'Région', 'admin2Pcod', 'Nombre Bénéficiaire']), 'no-sector.csv');
    await frenchAndEnglish(partner, noSector.body.upload.id, { month: '2021-04' }, 'response.import.sectorRequired');
    const { job: withSector } = await startFiveW(partner, noSector.body.upload.id, { month: '2021-04', sector: 'WSH' });
    expect(withSector!.result).toMatchObject({ rowsStored: 1, sectors: { WSH: 1 } });
  });

  it('refuses bad rows with nothing stored — unknown sector, unknown place, parts above totals — or stores the others when asked', async () => {
    await seedResponse(context.app, context.db);
    const officer = context.as('imOfficerMali');
    const before = await reportCount(context.db);
    const file = csvFile([
      ['ACF', '', '', 'Mopti', 'Bandiagara', 'ML0501', 'EHA', 'Latrines', 100, 20, '2021-03-05'],
      ['ACF', '', '', 'Mopti', 'Bandiagara', 'ML0501', 'Pêche artisanale', 'Pirogues', 100, 20, '2021-03-05'],
      ['ACF', '', '', 'Mopti', 'Nulle-part', '', 'EHA', 'Latrines', 100, 20, '2021-03-05'],
      ['ACF', '', '', 'Mopti', 'Bandiagara', 'ML0501', 'EHA', 'Latrines', 100, 140, '2021-03-05'],
    ]);
    const upload = await uploadFiveW(officer, file, 'bad-rows.csv');
    await frenchAndEnglish(officer, upload.body.upload.id, {}, 'response.import.refusedRows');
    const { job: refused } = await startFiveW(officer, upload.body.upload.id, {});
    expect(refused!.error!.details!.byRule).toMatchObject({ 'sector.unknown': 1, 'place.unknown': 1, 'figures.partsAboveTotal': 1 });
    expect(await reportCount(context.db)).toBe(before);
    const { job } = await startFiveW(officer, upload.body.upload.id, { skipRefusedRows: true });
    expect(job!.result).toMatchObject({ rowsRead: 4, rowsStored: 1, rowsRefused: 3 });
    expect(await reportCount(context.db)).toBe(before + 1);
    // Every row refused: an error even when the others may be stored.
    const allBad = await uploadFiveW(officer, csvFile([['ACF', '', '', 'Mopti', 'Bandiagara', 'ML0501', 'Pêche', 'x', 1, 0, '2021-03-05']]), 'all-bad.csv');
    await frenchAndEnglish(officer, allBad.body.upload.id, { skipRefusedRows: true }, 'response.import.noRows');
  });

  it('answers 409 response.period.locked for a file reporting in a locked period, whoever imports, storing nothing', async () => {
    await seedResponse(context.app, context.db);
    const period = await call<{ period: { id: number } }>(context.app, 'POST', '/api/response/periods', { country: 'ML', month: '2021-02' });
    for (const status of ['closed', 'locked']) await call(context.app, 'POST', `/api/response/periods/${period.body.period.id}/status`, { status });
    const before = await reportCount(context.db);
    const file = csvFile([['ACF', '', '', 'Mopti', 'Bandiagara', 'ML0501', 'EHA', 'Latrines', 100, 20, '2021-02-10']]);
    for (const persona of ['admin', 'imOfficerMali'] as const) {
      const upload = await uploadFiveW(context.as(persona), file, 'feb.csv');
      const { job } = await startFiveW(context.as(persona), upload.body.upload.id, {});
      expect(job!.error!.code).toBe('response.period.locked');
      expect(job!.message).toContain('locked');
    }
    const organisations = await context.db.query('SELECT 1 FROM response_import');
    expect(organisations).toHaveLength(0);
    expect(await reportCount(context.db)).toBe(before);
  });

  it('reads a phantom sheet whose used range says A1:Z1048576 at once, and refuses a formula without a saved result', async () => {
    await seedResponse(context.app, context.db);
    const officer = context.as('imOfficerMali');
    const phantom = await workbook(ROWS.slice(0, 3), (data) => {
      // A formatted cell at the sheet's last row: Excel then says the used range ends there.
      data.getCell('Z1048576').style = { font: { bold: true } };
    });
    expect([...(await zipEntries(phantom)).values()].some((entry) => entry.toString().includes('A1:Z1048576'))).toBe(true);
    const started = Date.now();
    const job = await importFiveW(officer, phantom, 'phantom.xlsx');
    expect(job.result).toMatchObject({ rowsRead: 3, rowsStored: 3 });
    expect(Date.now() - started).toBeLessThan(20_000);

    const before = await reportCount(context.db);
    const formula = await workbook([['ACF', 'Action contre la Faim', null, 'Mopti', 'Bandiagara', 'ML0501', 'EHA', 'x', { formula: 'SUM(Z1:Z9)' }, null, 44256]]);
    const upload = await uploadFiveW(officer, formula, 'formula.xlsx');
    await frenchAndEnglish(officer, upload.body.upload.id, {}, 'response.import.formulaWithoutValue');
    expect(await reportCount(context.db)).toBe(before);
  });

  it('refuses an empty file, a file that is not a table and a zip that is not a workbook at upload, keeping nothing', async () => {
    await seedResponse(context.app, context.db);
    const officer = context.as('imOfficerMali');
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    const zip = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6]);
    for (const [bytes, status, code] of [
      [new Uint8Array(0), 422, 'import.empty'],
      ['\n\n', 422, 'import.empty'],
      [png, 415, 'import.notText'],
      [zip, 422, 'import.brokenXlsx'],
    ] as const) {
      for (const language of ['en', 'fr']) {
        const reply = await uploadFiveW(officer, bytes, 'file.bin', 'ML', { 'accept-language': language });
        expect(reply.statusCode, reply.text).toBe(status);
        expect(reply.body.error!.code).toBe(code);
      }
    }
    const kept = await context.db.query("SELECT 1 FROM file_upload WHERE module = 'response'");
    expect(kept).toHaveLength(0);
    // Outside the caller's countries: refused before a byte is stored.
    const niger = await uploadFiveW(officer, 'Organisation,Région\nACF,Tillabéri', 'ne.csv', 'NE');
    expect(niger.statusCode).toBe(403);
    expect(niger.body.error!.code).toBe('response.import.forbidden');
    const job = await call(officer, 'GET', '/api/response/imports/jobs/999999');
    expect(job.statusCode).toBe(404);
  });
});
