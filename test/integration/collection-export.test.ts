/**
 * The CSV zip of a form's submissions: one file for the form and one per repeat, keys that do
 * not change when a submission is edited, columns aligned by question path across versions,
 * formulas neutralised, review-state filter, and an audit row for the export.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { readSubmission, storedAnswers } from '../../src/collection/submission.js';
import { describeEachDatabase } from '../support/harness.js';
import { send } from '../support/http.js';
import { zipEntries } from '../support/zip.js';
import { DEMO_FORM_ID, DEMO_SITE_FORM, postSubmission, seedCollection, siteAnswers, siteSubmissionXml, xmlPart } from '../support/collection.js';

const lines = (csv: Buffer): string[][] =>
  csv
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n')
    .map((line) => line.split(','));

describeEachDatabase('collection: CSV zip export', (context) => {
  it('writes the form and its repeat as two files with stable keys, aligned across versions', async () => {
    const seed = await seedCollection(context.app);
    const phone = context.as('anonymous');
    const first = siteAnswers({ siteName: '=HYPERLINK("http://x")', needs: [{ priority: 'water', people: 10 }, { priority: 'food', people: 20 }] });
    const second = siteAnswers({ siteName: 'Socoura', needs: [{ priority: 'health', people: 5 }] });
    for (const answers of [first, second]) expect((await postSubmission(phone, seed.phoneBase, [xmlPart(siteSubmissionXml(answers))])).statusCode).toBe(201);
    const url = `/api/collection/projects/${seed.projectId}/forms/${DEMO_FORM_ID}/submissions.csv.zip`;
    const before = await send(context.app, 'GET', url);
    expect(before.statusCode).toBe(200);
    expect(before.headers['content-type']).toBe('application/zip');
    const zip = await zipEntries(new Uint8Array(before.raw));
    expect([...zip.keys()].sort()).toEqual([`${DEMO_FORM_ID}-need.csv`, `${DEMO_FORM_ID}.csv`]);
    const main = lines(zip.get(`${DEMO_FORM_ID}.csv`)!);
    expect(main[0]).toEqual(expect.arrayContaining(['site_name', 'households', 'meta-instanceID', 'SubmissionDate', 'ReviewState', 'KEY']));
    expect(main).toHaveLength(3);
    // A formula typed on a phone is text in Excel.
    expect(zip.get(`${DEMO_FORM_ID}.csv`)!.toString()).toContain(`"'=HYPERLINK(""http://x"")"`);
    const need = lines(zip.get(`${DEMO_FORM_ID}-need.csv`)!);
    expect(need[0]).toEqual(['need-priority', 'need-people', 'PARENT_KEY', 'KEY']);
    expect(need.slice(1)).toEqual(
      expect.arrayContaining([
        ['water', '10', first.instanceId, `${first.instanceId}/need[1]`],
        ['food', '20', first.instanceId, `${first.instanceId}/need[2]`],
        ['health', '5', second.instanceId, `${second.instanceId}/need[1]`],
      ]),
    );

    // Answers are stored split by table when received, each question by its place in the version (no paths stored again and again).
    const [stored] = await context.db.query<{ answers: string; xml: string }>('SELECT answers::text AS answers, xml FROM collection_submission WHERE instance_id = $1', [second.instanceId]);
    expect(stored!.answers).toContain('"Socoura"');
    expect(stored!.answers).not.toContain('/data/site_name');
    expect(stored!.answers.length).toBeLessThan(stored!.xml.length / 2);
    // Answers stored by path (before they were packed) read to the same bytes…
    const repeats = new Set(['/data/need']);
    for (const row of await context.db.query<{ id: number; xml: string }>('SELECT id::int AS id, xml FROM collection_submission')) {
      await context.db.query('UPDATE collection_submission SET answers = $2::json WHERE id = $1', [row.id, JSON.stringify(storedAnswers(readSubmission(row.xml, repeats).answers, repeats))]);
    }
    const byPath = await zipEntries(new Uint8Array((await send(context.app, 'GET', url)).raw));
    for (const [name, bytes] of zip) expect(byPath.get(name)!.toString('utf8'), name).toBe(bytes.toString('utf8'));
    // …and so does a submission received before answers were stored at all, from its XML.
    await context.db.query('UPDATE collection_submission SET answers = NULL');
    const fromXml = await zipEntries(new Uint8Array((await send(context.app, 'GET', url)).raw));
    for (const [name, bytes] of zip) expect(fromXml.get(name)!.toString('utf8'), name).toBe(bytes.toString('utf8'));

    // An edit keeps its keys; a new version with one more question adds a column and shifts none.
    const edit = { ...first, siteName: 'Sinai', deprecatedId: first.instanceId, instanceId: `uuid:${crypto.randomUUID()}` };
    expect((await postSubmission(phone, seed.phoneBase, [xmlPart(siteSubmissionXml(edit))])).statusCode).toBe(201);
    const v2 = DEMO_SITE_FORM.replace('2021050101', '2021060101').replace('<households/>', '<households/>\n          <water_points/>');
    expect((await send(context.app, 'POST', `/api/collection/projects/${seed.projectId}/forms?publish=true`, { payload: Buffer.from(v2), headers: { 'content-type': 'application/xml' } })).statusCode).toBe(201);
    const after = await zipEntries(new Uint8Array((await send(context.app, 'GET', url)).raw));
    const afterMain = lines(after.get(`${DEMO_FORM_ID}.csv`)!);
    const keyColumn = afterMain[0]!.indexOf('KEY');
    expect(afterMain.slice(1).map((row) => row[keyColumn]).sort()).toEqual([first.instanceId, second.instanceId].sort());
    expect(afterMain[0]!.slice(0, main[0]!.length - 5)).toEqual(main[0]!.slice(0, main[0]!.length - 5));
    expect(afterMain[0]).toContain('water_points');
    const afterNeed = lines(after.get(`${DEMO_FORM_ID}-need.csv`)!);
    expect(afterNeed.slice(1).map((row) => row[3])).toEqual(expect.arrayContaining([`${first.instanceId}/need[1]`, `${first.instanceId}/need[2]`]));

    // Filtered on review state; the export is in the audit log.
    const approvedOnly = await zipEntries(new Uint8Array((await send(context.app, 'GET', `${url}?reviewState=approved`)).raw));
    expect(lines(approvedOnly.get(`${DEMO_FORM_ID}.csv`)!)).toHaveLength(1);
    const [audit] = await context.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_event WHERE action = 'collection.submissions.export'");
    expect(audit!.n).toBe(5);
    // Other countries' officers do not get it.
    expect((await send(context.as('enumeratorNiger'), 'GET', url)).statusCode).toBe(404);
  });
});

describeEachDatabase('collection: CSV zip export, temporary files', (context) => {
  it('reads the submissions in one pass and leaves no temporary file behind', async () => {
    const seed = await seedCollection(context.app);
    const phone = context.as('anonymous');
    for (const people of [3, 4]) {
      const answers = siteAnswers({ siteName: 'Mopti', needs: [{ priority: 'water', people }, { priority: 'food', people }] });
      expect((await postSubmission(phone, seed.phoneBase, [xmlPart(siteSubmissionXml(answers))])).statusCode).toBe(201);
    }
    // The export spools its repeats under the temporary folder of the moment (os.tmpdir() reads TMPDIR).
    const temporary = await mkdtemp(path.join(tmpdir(), 'liptako-export-test-'));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = temporary;
    try {
      const response = await send(context.app, 'GET', `/api/collection/projects/${seed.projectId}/forms/${DEMO_FORM_ID}/submissions.csv.zip`);
      expect(response.statusCode).toBe(200);
      const need = lines((await zipEntries(new Uint8Array(response.raw))).get(`${DEMO_FORM_ID}-need.csv`)!);
      expect(need).toHaveLength(5);
      // Each file of the zip is piped as soon as it is added: the repeat's file once ran a pass of its own and left it behind.
      expect(await readdir(temporary)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      await rm(temporary, { recursive: true, force: true });
    }
  });
});

describeEachDatabase('collection: export options', (context) => {
  it('splits select-multiples, writes labels in French or English, drops group names and filters by date', async () => {
    const seed = await seedCollection(context.app);
    const phone = context.as('anonymous');
    // A later version asks the site type as a select-multiple: its columns come from every version.
    const v2 = DEMO_SITE_FORM.replace('2021050101', '2021060101').replace('<select1 ref="/data/site_type">', '<select ref="/data/site_type">').replace('</select1>\n    <input ref="/data/households">', '</select>\n    <input ref="/data/households">');
    expect(v2).toContain('<select ref="/data/site_type">');
    expect((await send(context.app, 'POST', `/api/collection/projects/${seed.projectId}/forms?publish=true`, { payload: Buffer.from(v2), headers: { 'content-type': 'application/xml' } })).statusCode).toBe(201);
    const answers = siteAnswers({ siteType: 'camp host' as 'camp' /* a select-multiple answer: two codes */, needs: [{ priority: 'water', people: 4 }] });
    expect((await postSubmission(phone, seed.phoneBase, [xmlPart(siteSubmissionXml(answers))])).statusCode).toBe(201);
    const url = `/api/collection/projects/${seed.projectId}/forms/${DEMO_FORM_ID}/submissions.csv.zip`;
    const fetch = async (query: string): Promise<Map<string, Buffer>> => {
      const reply = await send(context.app, 'GET', `${url}?${query}`);
      expect(reply.statusCode, reply.text).toBe(200);
      return zipEntries(new Uint8Array(reply.raw));
    };

    const split = lines((await fetch('splitSelectMultiple=true')).get(`${DEMO_FORM_ID}.csv`)!);
    const header = split[0]!;
    expect(header).toEqual(expect.arrayContaining(['site_type/camp', 'site_type/spontaneous', 'site_type/host']));
    expect(header).not.toContain('site_type');
    const at = (name: string): string => split[1]![header.indexOf(name)]!;
    expect([at('site_type/camp'), at('site_type/spontaneous'), at('site_type/host')]).toEqual(['1', '0', '1']);

    const english = await fetch('labels=en');
    expect(english.get(`${DEMO_FORM_ID}.csv`)!.toString()).toContain('Planned site ; Host families');
    expect(english.get(`${DEMO_FORM_ID}-need.csv`)!.toString()).toContain('"Water, sanitation and hygiene"');
    const french = await fetch('labels=fr');
    expect(french.get(`${DEMO_FORM_ID}.csv`)!.toString()).toContain('Site planifié ; Familles d’accueil');
    expect(french.get(`${DEMO_FORM_ID}-need.csv`)!.toString()).toContain('Eau, hygiène et assainissement');

    const short = lines((await fetch('groupPaths=false')).get(`${DEMO_FORM_ID}.csv`)!);
    expect(short[0]).toContain('instanceID');
    expect(short[0]).not.toContain('meta-instanceID');
    expect(lines((await fetch('groupPaths=true')).get(`${DEMO_FORM_ID}.csv`)!)[0]).toContain('meta-instanceID');

    // A date range outside the submission's reception leaves only the header; one around it keeps it.
    expect(lines((await fetch('from=2999-01-01T00:00:00Z')).get(`${DEMO_FORM_ID}.csv`)!)).toHaveLength(1);
    expect(lines((await fetch('from=2020-01-01T00:00:00Z&to=2999-01-01T00:00:00Z&reviewState=received')).get(`${DEMO_FORM_ID}.csv`)!)).toHaveLength(2);
    expect((await send(context.app, 'GET', `${url}?labels=de`)).statusCode).toBe(400);
  });

  it('writes an Excel workbook with a sheet for the form and one for the repeat, with the same options', async () => {
    const seed = await seedCollection(context.app);
    const phone = context.as('anonymous');
    const sent = [siteAnswers({ siteName: 'Sinai', needs: [{ priority: 'water', people: 10 }, { priority: 'food', people: 20 }] }), siteAnswers({ siteName: 'Socoura', needs: [{ priority: 'health', people: 5 }] })];
    for (const answers of sent) expect((await postSubmission(phone, seed.phoneBase, [xmlPart(siteSubmissionXml(answers))])).statusCode).toBe(201);
    const reply = await send(context.app, 'GET', `/api/collection/projects/${seed.projectId}/forms/${DEMO_FORM_ID}/submissions.xlsx?labels=en`);
    expect(reply.statusCode, reply.text).toBe(200);
    expect(reply.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(reply.raw as unknown as Parameters<typeof workbook.xlsx.load>[0]); // exceljs types an older Buffer
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([DEMO_FORM_ID, `${DEMO_FORM_ID}-need`]);
    const values = (sheet: ExcelJS.Worksheet): unknown[][] => sheet.getSheetValues().slice(1).map((row) => (Array.isArray(row) ? row.slice(1) : []));
    const main = values(workbook.worksheets[0]!);
    expect(main).toHaveLength(3);
    expect(main[0]).toEqual(expect.arrayContaining(['site_name', 'KEY']));
    const key = main[0]!.indexOf('KEY');
    expect(main.slice(1).map((row) => row[key]).sort()).toEqual(sent.map((answers) => answers.instanceId).sort());
    const need = values(workbook.worksheets[1]!);
    expect(need[0]).toEqual(['need-priority', 'need-people', 'PARENT_KEY', 'KEY']);
    expect(need.slice(1)).toEqual(expect.arrayContaining([['Water, sanitation and hygiene', '10', sent[0]!.instanceId, `${sent[0]!.instanceId}/need[1]`]]));
    expect(need).toHaveLength(4);
  });
});
