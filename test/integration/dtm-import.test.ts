import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/harness.js';
import { csvOf, EN_HEADERS, importRound, MALI, seedMali, siteRow, upload, waitForJob, type JobBody } from '../support/dtm.js';
import { call } from '../support/http.js';
import { workbookPartLast } from '../support/zip.js';

interface IssuesBody {
  total: number;
  issues: Array<{ id: number; row: number; column: string | null; value: string | null; rule: string; severity: string; status: string; message: string; figureId: number | null }>;
}
interface RoundBody {
  report: { round: { id: number; status: string }; openErrors: number; openWarnings: number; canPublish: boolean; imports: Array<{ rowsRead: number; rowsStored: number; superseded: boolean }> };
}
interface SummaryBody {
  round: { id: number; number: number } | null;
  totals: { individuals: number; households: number; females: number; males: number; locations: number } | null;
  change: { individuals: number; pct: number | null } | null;
  availableTypes: string[];
}

const CLEAN = csvOf(EN_HEADERS, [siteRow('ML0501-0001', 'ML0501', 1200), siteRow('ML0501-0002', 'ML0501', 600), siteRow('ML0601-0001', 'ML0601', 3000)]);

describeEachDatabase('DTM round import', (context) => {
  const ready = async (): Promise<void> => seedMali(context.app, context.db);

  it('previews a file, suggests the mapping, imports it as a draft round and keeps each figure’s source row', async () => {
    await ready();
    const preview = await upload(context.app, CLEAN, 'mopti-r1.csv');
    expect(preview.statusCode).toBe(201);
    const sheet = preview.body.upload.sheets[0]!;
    expect(sheet.rows).toBe(3);
    expect(sheet.missing).toEqual([]);
    expect(sheet.mapping).toMatchObject({ 'Admin2 Pcode': 'admin2Pcode', Individuals: 'individuals', Households: 'households', 'Location code': 'locationCode' });

    const { job } = await importRound(context.app, CLEAN, { roundNumber: 1 });
    expect(job?.status, JSON.stringify(job)).toBe('succeeded');
    expect(job?.result).toMatchObject({ rowsRead: 3, rowsStored: 3, errors: 0, warnings: 0, alreadyImported: false });
    const roundId = job!.result!.roundId as number;

    const round = await call<RoundBody>(context.app, 'GET', `/api/dtm/rounds/${roundId}`);
    expect(round.body.report).toMatchObject({ round: { status: 'draft' }, openErrors: 0, openWarnings: 0, canPublish: true });

    const summary = await call<SummaryBody>(context.app, 'GET', `/api/dtm/operations/${MALI.code}/summary?round=${roundId}`);
    expect(summary.body.totals).toMatchObject({ individuals: 4800, locations: 3 });

    const locations = await call<{ locations: Array<{ code: string; sourceRow: number }> }>(context.app, 'GET', `/api/dtm/operations/${MALI.code}/locations?round=${roundId}&admin2=ML0501`);
    expect(locations.body.locations.map((location) => [location.code, location.sourceRow])).toEqual([
      ['ML0501-0001', 2],
      ['ML0501-0002', 3],
    ]);
  });

  it('treats the same file again as a no-op', async () => {
    await ready();
    const first = await importRound(context.app, CLEAN, { roundNumber: 1 });
    const again = await importRound(context.app, CLEAN, { roundNumber: 1 }, 'copy.csv');
    expect(again.job?.result).toMatchObject({ alreadyImported: true, importId: first.job!.result!.importId });
    const round = await call<RoundBody>(context.app, 'GET', `/api/dtm/rounds/${first.job!.result!.roundId as number}`);
    expect(round.body.report.imports).toHaveLength(1);
  });

  it('reports errors and warnings by row, column and rule, in French, and publishes only once each is decided', async () => {
    await ready();
    const rows = [
      siteRow('S1', 'ML0501', 1000),
      siteRow('S2', 'ML9999', 500, { 'Admin1 Pcode': 'ML05' }), // unknown P-code
      siteRow('S3', 'ML0501', 300, { Individuals: 'n/a' }), // not a number
      siteRow('S4', 'ML0501', 300, { Households: -4 }), // negative
      siteRow('S5', 'ML0501', 300, { Females: 400 }), // parts above their total
      siteRow('S1', 'ML0501', 900), // same location twice
      siteRow('S6', 'ML0501', 700, { Females: 100, Males: 100 }), // parts do not sum (warning)
      siteRow('S7', 'ML0501', 700, { Households: 20 }), // household size 35 (warning)
      siteRow('S8', 'ML0501', 700, { 'Assessment date': '2021-06-01' }), // outside the period (warning)
    ];
    const { job } = await importRound(context.app, csvOf(EN_HEADERS, rows), { roundNumber: 1 });
    expect(job?.status).toBe('succeeded');
    expect(job?.result).toMatchObject({ rowsRead: 9, rowsStored: 4, errors: 5, warnings: 3 });
    expect(job?.result?.byRule).toMatchObject({ pcodeUnknown: 1, notANumber: 1, negative: 1, partsAboveTotal: 1, duplicateLocation: 1, partsDoNotSum: 1, householdSize: 1, dateOutsidePeriod: 1 });
    const roundId = job!.result!.roundId as number;

    const issues = await call<IssuesBody>(context.app, 'GET', `/api/dtm/rounds/${roundId}/issues`, undefined, { 'accept-language': 'fr' });
    const byRule = Object.fromEntries(issues.body.issues.map((issue) => [issue.rule, issue]));
    expect(byRule.pcodeUnknown).toMatchObject({ row: 3, column: 'Admin2 Pcode', value: 'ML9999', severity: 'error' });
    expect(byRule.pcodeUnknown!.message).toMatch(/référentiel/);
    expect(byRule.duplicateLocation).toMatchObject({ row: 7, value: 'S1' });
    expect(byRule.duplicateLocation!.message).toMatch(/ligne 2/);
    expect(byRule.householdSize).toMatchObject({ row: 9, severity: 'warning' });
    expect(byRule.householdSize!.figureId).not.toBeNull();

    const early = await call(context.app, 'POST', `/api/dtm/rounds/${roundId}/status`, { status: 'published' });
    expect(early.statusCode).toBe(409);
    expect(early.body.error?.code).toBe('dtm.round.openIssues');

    const errors = issues.body.issues.filter((issue) => issue.severity === 'error').map((issue) => issue.id);
    const warnings = issues.body.issues.filter((issue) => issue.severity === 'warning');
    // An error cannot be waved through; it is excluded (the row stays out) or fixed by a new import.
    const wrong = await call(context.app, 'POST', `/api/dtm/rounds/${roundId}/decisions`, { ids: errors, decision: 'accepted' });
    expect(wrong.statusCode).toBe(422);
    expect((await call(context.app, 'POST', `/api/dtm/rounds/${roundId}/decisions`, { ids: errors, decision: 'excluded', comment: 'checked with the field team' })).statusCode).toBe(200);
    const size = warnings.find((issue) => issue.rule === 'householdSize')!;
    const fixed = await call(context.app, 'POST', `/api/dtm/rounds/${roundId}/decisions`, { ids: [size.id], decision: 'fixed', values: { households: 120 } });
    expect(fixed.statusCode, fixed.text).toBe(200);
    const rest = warnings.filter((issue) => issue.id !== size.id).map((issue) => issue.id);
    const accepted = await call<RoundBody>(context.app, 'POST', `/api/dtm/rounds/${roundId}/decisions`, { ids: rest, decision: 'accepted' });
    expect(accepted.body.report).toMatchObject({ openErrors: 0, openWarnings: 0, canPublish: true });

    const published = await call<{ round: { status: string } }>(context.app, 'POST', `/api/dtm/rounds/${roundId}/status`, { status: 'published' });
    expect(published.statusCode, published.text).toBe(200);
    expect(published.body.round.status).toBe('published');
    const summary = await call<SummaryBody>(context.app, 'GET', `/api/dtm/operations/${MALI.code}/summary?assessmentType=SA`);
    expect(summary.body.totals).toMatchObject({ individuals: 1000 + 700 * 3, households: Math.round(1000 / 6) + 117 + 120 + 117 });

    // A published round is frozen: no new import, no more decisions.
    const again = await importRound(context.app, CLEAN, { roundNumber: 1 });
    expect(again.started.statusCode).toBe(409);
    expect(again.started.body.error?.code).toBe('dtm.round.notDraft');
  });

  it('flags a location that moved by more than 50 % and 500 people since the previous round', async () => {
    await ready();
    const first = await importRound(context.app, CLEAN, { roundNumber: 1 });
    expect(first.job?.status).toBe('succeeded');
    const second = csvOf(EN_HEADERS, [siteRow('ML0501-0001', 'ML0501', 3000), siteRow('ML0501-0002', 'ML0501', 900), siteRow('ML0601-0001', 'ML0601', 3100)]);
    const { job } = await importRound(context.app, second, { roundNumber: 2, referenceDate: '2021-05-31', collectionStart: '2021-03-01', collectionEnd: '2021-05-31' });
    expect(job?.result?.byRule).toEqual({ changeVsPrevious: 1 });
    const issues = await call<IssuesBody>(context.app, 'GET', `/api/dtm/rounds/${job!.result!.roundId as number}/issues`);
    expect(issues.body.issues).toHaveLength(1);
    expect(issues.body.issues[0]).toMatchObject({
      rule: 'changeVsPrevious',
      value: '3000',
      severity: 'warning',
      row: 2,
      location: { code: 'ML0501-0001' },
      params: { previous: 1200, current: 3000, previousRound: 1, change: '+150 %' },
    });
    // The warning points at the figure, so the reviewer can fix it in place.
    expect(issues.body.issues[0]!.figureId).toEqual(expect.any(Number));
    expect(issues.body.issues[0]!.message).toContain('1200');
  });

  it('compares each population group of a row with the same group of the previous round', async () => {
    await ready();
    // One row, two groups: displaced people unchanged, returnees up from 1,000 to 2,600.
    const headers = [...EN_HEADERS, 'Returnees'];
    const first = await importRound(context.app, csvOf(headers, [siteRow('ML0501-0001', 'ML0501', 1200, { Returnees: 1000 })]), { roundNumber: 1 });
    expect(first.job?.status).toBe('succeeded');
    const second = csvOf(headers, [siteRow('ML0501-0001', 'ML0501', 1200, { Returnees: 2600 })]);
    const { job } = await importRound(context.app, second, { roundNumber: 2, referenceDate: '2021-05-31', collectionStart: '2021-03-01', collectionEnd: '2021-05-31' });
    expect(job?.result?.byRule).toEqual({ changeVsPrevious: 1 });
    const issues = await call<IssuesBody>(context.app, 'GET', `/api/dtm/rounds/${job!.result!.roundId as number}/issues`);
    expect(issues.body.issues).toHaveLength(1);
    expect(issues.body.issues[0]).toMatchObject({ value: '2600', row: 2, params: { previous: 1000, current: 2600, change: '+160 %' } });
  });

  it('never adds baseline (BA) and site (SA) figures together', async () => {
    await ready();
    const sa = await importRound(context.app, CLEAN, { roundNumber: 1, assessmentType: 'SA' });
    const baRows = csvOf(EN_HEADERS, [siteRow('', 'ML0501', 10_000, { 'Location code': null, 'Location name': null }), siteRow('', 'ML0601', 20_000, { 'Location code': null, 'Location name': null })]);
    const ba = await importRound(context.app, baRows, { roundNumber: 1, assessmentType: 'BA' }, 'ba.csv');
    expect(ba.job?.status, JSON.stringify(ba.job)).toBe('succeeded');
    for (const job of [sa.job!, ba.job!]) {
      expect((await call(context.app, 'POST', `/api/dtm/rounds/${job.result!.roundId as number}/status`, { status: 'published' })).statusCode).toBe(200);
    }
    const baSummary = await call<SummaryBody>(context.app, 'GET', `/api/dtm/operations/${MALI.code}/summary?assessmentType=BA`);
    const saSummary = await call<SummaryBody>(context.app, 'GET', `/api/dtm/operations/${MALI.code}/summary?assessmentType=SA`);
    expect(baSummary.body.totals?.individuals).toBe(30_000);
    expect(saSummary.body.totals?.individuals).toBe(4800);
    expect(baSummary.body.availableTypes).toEqual(['BA', 'SA']);
    const admin = await call<{ units: Array<{ pcode: string; individuals: number }> }>(context.app, 'GET', `/api/dtm/operations/${MALI.code}/admin?level=2&assessmentType=BA`);
    expect(admin.body.units.find((unit) => unit.pcode === 'ML0501')?.individuals).toBe(10_000);
  });

  it('replaces a draft round’s figures when a corrected file is imported', async () => {
    await ready();
    await importRound(context.app, CLEAN, { roundNumber: 1 });
    const corrected = csvOf(EN_HEADERS, [siteRow('ML0501-0001', 'ML0501', 1300)]);
    const { job } = await importRound(context.app, corrected, { roundNumber: 1 }, 'corrected.csv');
    const summary = await call<SummaryBody>(context.app, 'GET', `/api/dtm/operations/${MALI.code}/summary?round=${job!.result!.roundId as number}`);
    expect(summary.body.totals).toMatchObject({ individuals: 1300, locations: 1 });
    const round = await call<RoundBody>(context.app, 'GET', `/api/dtm/rounds/${job!.result!.roundId as number}`);
    expect(round.body.report.imports.map((entry) => entry.superseded)).toEqual([false, true]);
  });

  it('reads a French semicolon CSV with a BOM and an HXL row, and an XLSX with a notes sheet and real dates', async () => {
    await ready();
    const french = ['Pcode région', 'Pcode cercle', 'Code site', 'Nom site', 'Ménages', 'Individus', 'Femmes', 'Hommes', 'Raison du déplacement', 'Date de collecte'];
    const hxl = ['#adm1+code', '#adm2+code', '#loc+code', '#loc+name', '#affected+hh', '#affected+ind', '#affected+f', '#affected+m', '#cause', '#date+reported'];
    const rows = [{ 'Pcode région': 'MLI05', 'Pcode cercle': 'MLI0501 ', 'Code site': 'A', 'Nom site': 'Sévaré', Ménages: 200, Individus: '1 250', Femmes: 650, Hommes: 600, 'Raison du déplacement': 'Conflit', 'Date de collecte': '15/03/2021' }];
    const csv = `\uFEFF${csvOf(french, rows, { hxl, delimiter: ';' })}`;
    const preview = await upload(context.app, csv, 'fr.csv');
    expect(preview.body.upload.sheets[0]!.hxl).toEqual(hxl);
    expect(preview.body.upload.sheets[0]!.missing).toEqual([]);
    const { job } = await importRound(context.app, csv, { roundNumber: 1 }, 'fr.csv');
    expect(job?.result).toMatchObject({ rowsStored: 1, errors: 0, warnings: 0 });

    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Lisez-moi').addRow(['Données DTM synthétiques']);
    const sheet = workbook.addWorksheet('Round 2');
    sheet.addRow(['Admin2 Pcode', 'Location code', 'Individuals', 'Households', 'Assessment date']);
    sheet.addRow(['ML0501', 'A', 1300, 200, new Date(Date.UTC(2021, 4, 20))]);
    sheet.addRow(['ML0502', 'B', 400, 70, 44336]);
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
    const xlsx = await upload(context.app, bytes, 'r2.xlsx');
    expect(xlsx.body.upload.sheets.map((entry) => entry.name)).toEqual(['Lisez-moi', 'Round 2']);
    const second = await importRound(context.app, bytes, { roundNumber: 2, sheet: 'Round 2', referenceDate: '2021-05-31', collectionStart: '2021-05-01', collectionEnd: '2021-05-31' }, 'r2.xlsx');
    expect(second.job?.result, JSON.stringify(second.job)).toMatchObject({ rowsStored: 2, errors: 0, warnings: 0 });
  });

  it('imports a workbook by its data sheet’s real name when the zip stores the workbook part last, and lets the user choose the header row', async () => {
    await ready();
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Lisez-moi').addRow(['Données DTM synthétiques']);
    const data = workbook.addWorksheet('Données');
    data.addRow(['DTM Mali — round 3']);
    data.addRow(['Admin2 Pcode', 'Location code', 'Individuals', 'Households', 'Assessment date']);
    data.addRow(['ML0501', 'A', 1300, 200, new Date(Date.UTC(2021, 2, 20))]);
    const bytes = await workbookPartLast(new Uint8Array(await workbook.xlsx.writeBuffer()));
    const uploaded = await upload(context.app, bytes, 'r3.xlsx');
    expect(uploaded.body.upload.sheets.map((entry) => entry.name)).toEqual(['Lisez-moi', 'Données']);
    expect((uploaded.body.upload as unknown as { suggestedSheet: string }).suggestedSheet).toBe('Données');
    const chosen = await call<{ sheet: { headerRow: number; headers: string[] } }>(context.app, 'GET', `/api/dtm/uploads/${uploaded.body.upload.id}/sheet?sheet=${encodeURIComponent('Données')}&headerRow=1`);
    expect(chosen.body.sheet).toMatchObject({ headerRow: 1, headers: ['DTM Mali — round 3'] });
    const empty = await call(context.app, 'GET', `/api/dtm/uploads/${uploaded.body.upload.id}/sheet?sheet=${encodeURIComponent('Données')}&headerRow=40`);
    expect(empty.body.error?.code).toBe('import.headerRowEmpty');
    const { job } = await importRound(context.app, bytes, { roundNumber: 3, sheet: 'Données', collectionStart: '2021-03-01', collectionEnd: '2021-03-31' }, 'r3.xlsx');
    expect(job?.result, JSON.stringify(job)).toMatchObject({ rowsStored: 1, errors: 0, warnings: 0 });
  });

  it('takes the same file with a corrected mapping as a new import that replaces the findings; the same file and mapping again is a no-op', async () => {
    await ready();
    // The females column mapped as households by mistake: each row's household size (about two
    // people) is a warning. The corrected mapping clears them.
    const wrong = Object.fromEntries(EN_HEADERS.map((header) => [header, null])) as Record<string, string | null>;
    Object.assign(wrong, { 'Admin2 Pcode': 'admin2Pcode', 'Location code': 'locationCode', Individuals: 'individuals', Females: 'households' });
    const first = await importRound(context.app, CLEAN, { roundNumber: 1, mapping: wrong });
    expect(first.job?.result).toMatchObject({ alreadyImported: false, warnings: 3 });
    const roundId = first.job!.result!.roundId as number;
    const warningsOf = async () => (await call<IssuesBody>(context.app, 'GET', `/api/dtm/rounds/${roundId}/issues`)).body.issues.map((issue) => issue.rule);
    expect(await warningsOf()).toEqual(['householdSize', 'householdSize', 'householdSize']);

    const corrected = { ...wrong, Females: 'females', Males: 'males', Households: 'households' };
    const second = await importRound(context.app, CLEAN, { roundNumber: 1, mapping: corrected });
    expect(second.job?.result).toMatchObject({ alreadyImported: false, warnings: 0 });
    expect(second.job!.result!.importId).not.toBe(first.job!.result!.importId);
    expect(await warningsOf()).toEqual([]);
    const round = await call<RoundBody>(context.app, 'GET', `/api/dtm/rounds/${roundId}`);
    expect(round.body.report.imports.map((entry) => entry.superseded)).toEqual([false, true]);

    const third = await importRound(context.app, CLEAN, { roundNumber: 1, mapping: corrected });
    expect(third.job?.result).toMatchObject({ alreadyImported: true, importId: second.job!.result!.importId });
    expect(await warningsOf()).toEqual([]);
  });

  it('refuses an import whose mapping lacks a required field, naming it', async () => {
    await ready();
    const uploaded = await upload(context.app, CLEAN, 'x.csv');
    const response = await call(context.app, 'POST', `/api/dtm/uploads/${uploaded.body.upload.id}/import`, {
      operation: MALI.code,
      roundNumber: 1,
      assessmentType: 'SA',
      referenceDate: '2021-03-31',
      mapping: { 'Admin2 Pcode': 'admin2Pcode' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.body.error?.code).toBe('dtm.import.mappingIncomplete');
    expect(response.body.error?.message).toContain('individuals');
  });

  it('lets the CLI-style retry run an import again after it failed', async () => {
    await ready();
    const uploaded = await upload(context.app, CLEAN, 'retry.csv');
    const started = await call<JobBody>(context.app, 'POST', `/api/dtm/uploads/${uploaded.body.upload.id}/import`, {
      operation: MALI.code,
      roundNumber: 1,
      assessmentType: 'SA',
      referenceDate: '2021-03-31',
      mapping: uploaded.body.upload.sheets[0]!.mapping,
    });
    const job = await waitForJob(context.app, started.body.job.id);
    expect(job.status).toBe('succeeded');
    const retry = await call(context.app, 'POST', `/api/dtm/jobs/${job.id}/retry`);
    expect(retry.statusCode).toBe(409);
  });
});
