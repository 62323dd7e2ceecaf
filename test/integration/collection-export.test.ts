/**
 * The CSV zip of a form's submissions: one file for the form and one per repeat, keys that do
 * not change when a submission is edited, columns aligned by question path across versions,
 * formulas neutralised, review-state filter, and an audit row for the export.
 */
import { expect, it } from 'vitest';
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
    expect(audit!.n).toBe(3);
    // Other countries' officers do not get it.
    expect((await send(context.as('enumeratorNiger'), 'GET', url)).statusCode).toBe(404);
  });
});
