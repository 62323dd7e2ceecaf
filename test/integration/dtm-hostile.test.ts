/**
 * Malformed and hostile round files: each gets a clear, catalogued answer and nothing is stored
 * (no upload kept, no round, no figure).
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/harness.js';
import { csvOf, EN_HEADERS, importRound, seedMali, siteRow, upload } from '../support/dtm.js';
import { call } from '../support/http.js';
import { writeZip, type ZipEntry } from '../support/zip.js';

const zipOf = (entries: ZipEntry[]): Buffer => Buffer.from(writeZip(entries));

async function smallWorkbook(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Round');
  sheet.addRow(['Admin2 Pcode', 'Location code', 'Individuals']);
  for (let index = 0; index < 50; index += 1) sheet.addRow(['ML0501', `L${index}`, 100 + index]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describeEachDatabase('hostile DTM round files', (context) => {
  const nothingStored = async (): Promise<void> => {
    const [uploads] = await context.db.query<{ count: number }>("SELECT count(*)::int AS count FROM file_upload WHERE module = 'dtm'");
    const [figures] = await context.db.query<{ count: number }>('SELECT count(*)::int AS count FROM dtm_figure');
    const [rounds] = await context.db.query<{ count: number }>('SELECT count(*)::int AS count FROM dtm_round');
    expect({ uploads: uploads!.count, figures: figures!.count, rounds: rounds!.count }).toEqual({ uploads: 0, figures: 0, rounds: 0 });
  };

  it('refuses a truncated workbook', async () => {
    await seedMali(context.app, context.db);
    const whole = await smallWorkbook();
    const response = await upload(context.app, whole.subarray(0, Math.floor(whole.length * 0.6)), 'cut.xlsx', { 'accept-language': 'fr' });
    expect(response.statusCode).toBe(422);
    expect(response.body.error?.code).toBe('import.brokenXlsx');
    expect(response.body.error?.message).toMatch(/tronqué/);
    await nothingStored();
  });

  it('refuses a zip bomb disguised as a workbook without inflating it', async () => {
    await seedMali(context.app, context.db);
    const bomb = zipOf([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(64 * 1024 * 1024), deflate: true },
    ]);
    expect(bomb.length).toBeLessThan(200_000);
    const response = await upload(context.app, bomb, 'r1.xlsx');
    expect(response.statusCode).toBe(413);
    expect(response.body.error?.code).toBe('import.zipBomb');
    await nothingStored();
  });

  it('refuses a zip that is not a workbook, an old .xls, binary junk and an empty file', async () => {
    await seedMali(context.app, context.db);
    const notWorkbook = zipOf([{ name: 'photo.jpg', data: Buffer.from('not really') }]);
    expect((await upload(context.app, notWorkbook, 'r.xlsx')).body.error?.code).toBe('import.brokenXlsx');
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]);
    const old = await upload(context.app, xls, 'r.xls');
    expect(old.statusCode).toBe(415);
    expect(old.body.error?.code).toBe('import.oldExcel');
    const junk = Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256));
    expect((await upload(context.app, junk, 'junk.csv')).body.error?.code).toBe('import.notText');
    expect((await upload(context.app, '', 'empty.csv')).body.error?.code).toBe('import.empty');
    expect((await upload(context.app, '\n\n  \n', 'blank.csv')).body.error?.code).toBe('import.empty');
    await nothingStored();
  });

  it('refuses a 500 MB CSV before reading it', async () => {
    await seedMali(context.app, context.db);
    const chunk = Buffer.alloc(1024 * 1024, 'ML0501,1,100\n');
    let sent = 0;
    const body = new Readable({
      read() {
        sent += chunk.length;
        this.push(sent > 500 * 1024 * 1024 ? null : chunk);
      },
    });
    const response = await context.app.inject({
      method: 'POST',
      url: '/api/dtm/uploads?fileName=huge.csv',
      headers: { 'content-type': 'text/csv', 'content-length': String(500 * 1024 * 1024) },
      payload: body,
    });
    expect(response.statusCode).toBe(413);
    expect(response.json<{ error: { code: string } }>().error.code).toBe('request.tooLarge');
    await nothingStored();
  });

  it('never evaluates formulas: CSV formulas in counts are errors, in names inert text; workbook formulas keep their cached value only', async () => {
    await seedMali(context.app, context.db);
    const rows = [
      siteRow('F1', 'ML0501', 500, { 'Location name': '=HYPERLINK("http://evil.example","x")' }),
      siteRow('F2', 'ML0501', 500, { Individuals: '=1+1' }),
    ];
    const { job } = await importRound(context.app, csvOf(EN_HEADERS, rows), { roundNumber: 1 });
    expect(job?.result).toMatchObject({ rowsStored: 1, byRule: { notANumber: 1 } });
    const [stored] = await context.db.query<{ name: string }>("SELECT name FROM dtm_location WHERE code = 'F1'");
    expect(stored!.name).toBe('=HYPERLINK("http://evil.example","x")');

    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Round');
    sheet.addRow(['Admin2 Pcode', 'Location code', 'Individuals']);
    sheet.addRow(['ML0501', 'W1', { formula: '200*5', result: 1000 }]);
    sheet.addRow(['ML0501', 'W2', { formula: 'WEBSERVICE("http://evil.example")' }]);
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
    const second = await importRound(context.app, bytes, { roundNumber: 2 }, 'formulas.xlsx');
    expect(second.job?.result).toMatchObject({ rowsStored: 1, byRule: { missingValue: 1 } });
    const [w1] = await context.db.query<{ individuals: number }>(
      "SELECT f.individuals FROM dtm_figure f JOIN dtm_location l ON l.id = f.location_id WHERE l.code = 'W1'",
    );
    expect(w1!.individuals).toBe(1000);
  });

  it('keeps injection attempts and huge values as inert, refused or bounded data', async () => {
    await seedMali(context.app, context.db);
    const rows = [
      siteRow("X'); DROP TABLE dtm_figure; --", 'ML0501', 500, { 'Location name': '<script>alert(1)</script>' }),
      siteRow('BIG', 'ML0501', 500, { Individuals: '99999999999999999999' }),
      siteRow('LONG', 'ML0501', 500, { Reason: 'x'.repeat(100_000) }),
    ];
    const { job } = await importRound(context.app, csvOf(EN_HEADERS, rows), { roundNumber: 1 });
    expect(job?.status).toBe('succeeded');
    expect(job?.result).toMatchObject({ rowsStored: 1, byRule: { tooLarge: 1, unknownValue: 1 } });
    const issues = await call<{ issues: Array<{ value: string | null }> }>(context.app, 'GET', `/api/dtm/rounds/${job!.result!.roundId as number}/issues`);
    expect(Math.max(...issues.body.issues.map((issue) => issue.value?.length ?? 0))).toBeLessThanOrEqual(201);
    const [figures] = await context.db.query<{ count: number }>('SELECT count(*)::int AS count FROM dtm_figure');
    expect(figures!.count).toBe(1);
  });

  it('reads a vocabulary cell spelled like a JavaScript object member as an unknown value, not as a match', async () => {
    await seedMali(context.app, context.db);
    const rows = [
      siteRow('OK', 'ML0501', 500, { Reason: 'conflit' }),
      siteRow('C1', 'ML0501', 500, { Reason: 'constructor' }),
      siteRow('C2', 'ML0501', 500, { Reason: ' Constructor ' }),
    ];
    const { job } = await importRound(context.app, csvOf(EN_HEADERS, rows), { roundNumber: 1 });
    expect(job?.status).toBe('succeeded');
    expect(job?.result).toMatchObject({ rowsStored: 1, byRule: { unknownValue: 2 } });
  });

  it('refuses import bodies that are not what the schema says, and unknown uploads', async () => {
    await seedMali(context.app, context.db);
    const uploaded = await upload(context.app, csvOf(EN_HEADERS, [siteRow('A', 'ML0501', 100)]), 'a.csv');
    const id = uploaded.body.upload.id;
    const base = { operation: 'MLI-CONFLICT', roundNumber: 1, assessmentType: 'SA', referenceDate: '2021-03-31' };
    expect((await call(context.app, 'POST', `/api/dtm/uploads/${id}/import`, { ...base, roundNumber: 'one' })).statusCode).toBe(400);
    expect((await call(context.app, 'POST', `/api/dtm/uploads/${id}/import`, { ...base, assessmentType: 'BA+SA' })).statusCode).toBe(400);
    expect((await call(context.app, 'POST', `/api/dtm/uploads/${id}/import`, { ...base, referenceDate: '31/03/2021' })).statusCode).toBe(400);
    expect((await call(context.app, 'POST', `/api/dtm/uploads/${id}/import`, { ...base, extra: 1 })).statusCode).toBe(400);
    const period = await call(context.app, 'POST', `/api/dtm/uploads/${id}/import`, { ...base, collectionStart: '2021-04-01', collectionEnd: '2021-03-01' });
    expect(period.body.error?.code).toBe('dtm.round.badPeriod');
    expect((await call(context.app, 'POST', `/api/dtm/uploads/999999/import`, base)).body.error?.code).toBe('dtm.upload.notFound');
    expect((await call(context.app, 'POST', `/api/dtm/uploads/${id}/import`, { ...base, operation: 'NOPE' })).statusCode).toBe(404);
    const [rounds] = await context.db.query<{ count: number }>('SELECT count(*)::int AS count FROM dtm_round');
    expect(rounds!.count).toBe(0);
  });
});
