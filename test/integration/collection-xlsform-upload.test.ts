/**
 * An XLSForm uploaded to a project: converted, stored as the XForm phones download, served by
 * formList; a refused workbook names every problem with its sheet, row and column, in French or
 * English, and stores nothing. The real REACH MSNA form of ../shared/data goes all the way.
 */
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { countRows } from '../support/access.js';
import { sharedFixture } from '../support/fixtures.js';
import { describeEachDatabase } from '../support/harness.js';
import { send } from '../support/http.js';
import { seedCollection } from '../support/collection.js';

const REACH = sharedFixture('xlsforms/REACH_2024_MSNA-kobo-tool_draft_v11.xlsx');

async function workbook(survey: unknown[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('survey');
  for (const row of survey) sheet.addRow(row);
  return Buffer.from(await book.xlsx.writeBuffer());
}

const upload = (app: Parameters<typeof send>[0], projectId: number, bytes: Buffer, fileName: string, language = 'en') =>
  send<{ form: { formId: string }; version: { version: string; source: string; questions: number; repeats: number }; warnings: string[] }>(
    app,
    'POST',
    `/api/collection/projects/${projectId}/forms?publish=true&fileName=${encodeURIComponent(fileName)}`,
    { payload: bytes, headers: { 'content-type': 'application/octet-stream', 'accept-language': language } },
  );

describeEachDatabase('collection: XLSForm upload', (context) => {
  it('converts a small XLSForm without settings, stores it and serves it to the phones', async () => {
    const seed = await seedCollection(context.app);
    const bytes = await workbook([
      ['type', 'name', 'label::Français (fr)', 'label::English (en)', 'required'],
      ['text', 'site', 'Nom du site', 'Site name', 'yes'],
      ['integer', 'menages', 'Ménages', 'Households', ''],
    ]);
    const reply = await upload(context.app, seed.projectId, bytes, 'evaluation_rapide.xlsx');
    expect(reply.statusCode, reply.text).toBe(201);
    expect(reply.body.form.formId).toBe('evaluation_rapide');
    expect(reply.body.version).toMatchObject({ source: 'xlsform', questions: expect.any(Number) as number });
    expect(reply.body.version.version).toMatch(/^[0-9a-f]{12}$/);
    // The phone was given only the demo form; a signed-in officer sees both.
    const list = await send(context.app, 'GET', `/v1/projects/${seed.projectId}/formList`);
    expect(list.text).toContain('<formID>evaluation_rapide</formID>');
    // The same workbook again is the same version: nothing new.
    expect((await upload(context.app, seed.projectId, bytes, 'evaluation_rapide.xlsx')).statusCode).toBe(200);
  });

  it('refuses a workbook with a formula and an unknown type, naming each place, storing nothing', async () => {
    const seed = await seedCollection(context.app);
    const versions = await countRows(context.db, 'collection_form_version');
    const bytes = await workbook([
      ['type', 'name', 'label'],
      ['text', 'site', { formula: 'CONCAT("a","b")', result: 'ab' }],
      ['barcode', 'code', 'Code'],
    ]);
    const reply = await upload(context.app, seed.projectId, bytes, 'hostile.xlsx', 'fr');
    expect(reply.statusCode).toBeGreaterThanOrEqual(400);
    expect(reply.statusCode).toBeLessThan(500);
    expect(reply.body.error!.message).toMatch(/Feuille survey, (ligne|cellule) /);
    const details = reply.body.error!.details as Array<{ code: string; sheet: string; row: number; column?: string; message: string }>;
    expect(details.map((problem) => problem.code)).toEqual(expect.arrayContaining(['collection.xlsform.formula']));
    expect(details.length).toBeGreaterThanOrEqual(2);
    for (const problem of details) expect(problem.message).toMatch(/^Feuille survey, (ligne|cellule) /);
    expect(await countRows(context.db, 'collection_form_version')).toBe(versions);
    const broken = await upload(context.app, seed.projectId, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(100)]), 'broken.xlsx');
    expect(broken.statusCode).toBe(400);
  });

  it.skipIf(!REACH.exists)(REACH.title('converts and serves the REACH MSNA XLSForm (548 rows, repeats, cascades, English and French)'), async () => {
    const seed = await seedCollection(context.app);
    const reply = await upload(context.app, seed.projectId, Buffer.from(REACH.bytes()), 'REACH_2024_MSNA-kobo-tool_draft_v11.xlsx');
    expect(reply.statusCode, reply.text.slice(0, 500)).toBe(201);
    expect(reply.body.version.repeats).toBe(4);
    expect(reply.body.version.questions).toBeGreaterThan(250);
    expect(reply.body.warnings.length).toBeGreaterThan(0);
    const list = await send(context.app, 'GET', `/v1/projects/${seed.projectId}/formList`);
    expect(list.text).toContain(`<formID>${reply.body.form.formId}</formID>`);
  }, 60_000);
});
