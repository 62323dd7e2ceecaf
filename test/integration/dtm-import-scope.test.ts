/**
 * DTM uploads, import jobs, findings and saved mappings, attacked as issue 17 found them: the
 * Niger enumerator (dtm.import in Niger only) against the Mali IM officer's files. Each attack
 * answers as if the object did not exist (404, the same body as for an id never used), stores
 * nothing, and echoes no cell of the Mali file.
 */
import { expect, it } from 'vitest';
import { importFailureForLog } from '../../src/displacement/dtm-imports.js';
import { upsertOperation } from '../../src/displacement/queries.js';
import { AppError } from '../../src/core/errors.js';
import { countRows } from '../support/access.js';
import { csvOf, EN_HEADERS, MALI, seedMali, siteRow, upload, waitForJob, type JobBody } from '../support/dtm.js';
import { describeEachDatabase } from '../support/harness.js';
import { call } from '../support/http.js';

const NIGER = { code: 'NER-CONFLICT', name: 'Niger Conflict', nameFr: 'Conflit au Niger', country: 'NE', ageRanges: ['0-4', '5-17', '18-59', '60+'] };

/** A Mali file whose cells an attacker would want: a secret-looking location name. */
const SECRET = 'Site-secret-Ménaka';
const maliFile = (): string => csvOf(EN_HEADERS, [siteRow('ML-S-1', 'ML0501', 120, { 'Location name': SECRET }), siteRow('ML-S-2', 'ML0502', 80)]);

const target = (operation: string, roundNumber = 1) => ({
  operation,
  roundNumber,
  assessmentType: 'SA',
  referenceDate: '2021-03-31',
  collectionStart: '2021-03-01',
  collectionEnd: '2021-03-31',
});

describeEachDatabase('DTM imports are scoped to the caller’s countries', (context) => {
  async function seed() {
    await seedMali(context.app, context.db);
    await upsertOperation(context.db, NIGER);
    const sent = await upload(context.as('imOfficerMali'), maliFile(), 'mali-r1.csv', {}, MALI.code);
    expect(sent.statusCode, JSON.stringify(sent.body)).toBe(201);
    return sent.body.upload;
  }

  /** The Mali officer's import, with a mapping that makes every row fail: a failed job whose findings hold Mali's cells. */
  async function failedMaliJob(uploadId: number, headers: readonly string[]) {
    const hostile = Object.fromEntries(headers.map((header) => [header, header === 'Location name' ? 'individuals' : header === 'Admin2 Pcode' ? 'admin2Pcode' : null]));
    const started = await call<JobBody>(context.as('imOfficerMali'), 'POST', `/api/dtm/uploads/${uploadId}/import`, { ...target(MALI.code), mapping: hostile });
    expect(started.statusCode, started.text).toBe(202);
    const job = await waitForJob(context.as('imOfficerMali'), started.body.job.id);
    expect(job.status).toBe('failed');
    return job;
  }

  it('refuses the Niger enumerator the Mali officer’s upload: import, preview and probing answer 404, like an id never used, and nothing is stored', async () => {
    const mali = await seed();
    const jobsBefore = await countRows(context.db, 'job');
    const enumerator = context.as('enumeratorNiger');
    const hostile = Object.fromEntries(mali.sheets[0]!.headers.map((header) => [header, header === 'Location name' ? 'individuals' : header === 'Admin2 Pcode' ? 'admin2Pcode' : null]));

    const intoNiger = await call(enumerator, 'POST', `/api/dtm/uploads/${mali.id}/import`, { ...target(NIGER.code), mapping: hostile });
    const never = await call(enumerator, 'POST', `/api/dtm/uploads/${mali.id + 1000}/import`, { ...target(NIGER.code), mapping: hostile });
    expect(intoNiger.statusCode).toBe(404);
    expect(intoNiger.body.error?.code).toBe('dtm.upload.notFound');
    expect(never.statusCode).toBe(404);
    expect(intoNiger.text.replace(String(mali.id), 'ID')).toBe(never.text.replace(String(mali.id + 1000), 'ID'));
    // Into Mali itself: the enumerator may not import there at all.
    expect((await call(enumerator, 'POST', `/api/dtm/uploads/${mali.id}/import`, { ...target(MALI.code), mapping: hostile })).statusCode).toBe(403);

    for (const path of [`/api/dtm/uploads/${mali.id}/sheet`, `/api/dtm/uploads/${mali.id}/sheet?headerRow=2&operation=${NIGER.code}`, `/api/dtm/uploads/${mali.id}/sheet?operation=${MALI.code}`]) {
      const preview = await call(enumerator, 'GET', path);
      expect(preview.statusCode, path).toBe(404);
      expect(preview.text).not.toContain(SECRET);
    }
    // Sequential ids: every Mali upload reads as missing.
    for (let id = 1; id <= mali.id + 2; id += 1) expect((await call(enumerator, 'GET', `/api/dtm/uploads/${id}/sheet`)).statusCode, `upload ${id}`).toBe(404);
    expect(await countRows(context.db, 'job')).toBe(jobsBefore);
    // The Mali officer still previews it.
    const own = await call<{ sheet: { headers: string[] } }>(context.as('imOfficerMali'), 'GET', `/api/dtm/uploads/${mali.id}/sheet`);
    expect(own.statusCode, own.text).toBe(200);
  });

  it('hides Mali’s import jobs from the Niger enumerator, by id, in the list and for retry: no file name, mapping, e-mail or cell', async () => {
    const mali = await seed();
    const job = await failedMaliJob(mali.id, mali.sheets[0]!.headers);
    const enumerator = context.as('enumeratorNiger');

    // The Mali officer sees the findings with the cells; that is their file.
    const own = await call<JobBody>(context.as('imOfficerMali'), 'GET', `/api/dtm/jobs/${job.id}`);
    expect(own.text).toContain(SECRET);

    const byId = await call(enumerator, 'GET', `/api/dtm/jobs/${job.id}`);
    expect(byId.statusCode).toBe(404);
    expect(byId.body.error?.code).toBe('dtm.job.notFound');
    const list = await call<{ jobs: Array<{ id: number }> }>(enumerator, 'GET', '/api/dtm/jobs?limit=200');
    expect(list.statusCode).toBe(200);
    expect(list.body.jobs.map((listed) => listed.id)).not.toContain(job.id);
    for (const text of [byId.text, list.text]) {
      for (const leak of [SECRET, 'mali-r1.csv', 'im.mali@test.liptako.org', 'Location name']) expect(text).not.toContain(leak);
    }
    const retry = await call(enumerator, 'POST', `/api/dtm/jobs/${job.id}/retry`, {});
    expect(retry.statusCode).toBe(404);
    expect((await call<JobBody>(context.as('imOfficerMali'), 'GET', `/api/dtm/jobs/${job.id}`)).body.job.status).toBe('failed');
    // The Mali officer's list has it.
    const maliList = await call<{ jobs: Array<{ id: number }> }>(context.as('imOfficerMali'), 'GET', '/api/dtm/jobs?limit=200');
    expect(maliList.body.jobs.map((listed) => listed.id)).toContain(job.id);
  });

  it('refuses an upload sent for another country’s operation before storing a byte', async () => {
    await seed();
    const uploadsBefore = await countRows(context.db, 'file_upload', "module = 'dtm'");
    const sent = await upload(context.as('enumeratorNiger'), maliFile(), 'into-mali.csv', {}, MALI.code);
    expect(sent.statusCode).toBe(403);
    expect(await countRows(context.db, 'file_upload', "module = 'dtm'")).toBe(uploadsBefore);
  });

  it('keeps an upload sent without an operation to the person who sent it', async () => {
    await seed();
    const sent = await upload(context.as('imOfficerMali'), maliFile(), 'no-operation.csv');
    expect(sent.statusCode, JSON.stringify(sent.body)).toBe(201);
    expect((await call(context.as('imOfficerMali'), 'GET', `/api/dtm/uploads/${sent.body.upload.id}/sheet`)).statusCode).toBe(200);
    expect((await call(context.as('enumeratorNiger'), 'GET', `/api/dtm/uploads/${sent.body.upload.id}/sheet`)).statusCode).toBe(404);
    expect((await call(context.app, 'GET', `/api/dtm/uploads/${sent.body.upload.id}/sheet`)).statusCode).toBe(404);
  });

  it('does not pre-confirm for Niger a column mapping confirmed for Mali’s files', async () => {
    const mali = await seed();
    const sheet = mali.sheets[0]!;
    // The Mali officer confirms a mapping (with a column set aside) and imports.
    const confirmed = { ...sheet.mapping, Reason: null };
    const started = await call<JobBody>(context.as('imOfficerMali'), 'POST', `/api/dtm/uploads/${mali.id}/import`, { ...target(MALI.code), mapping: confirmed });
    expect(started.statusCode, started.text).toBe(202);
    await waitForJob(context.as('imOfficerMali'), started.body.job.id);

    const again = await upload(context.as('imOfficerMali'), maliFile(), 'mali-r2.csv', {}, MALI.code);
    expect(again.body.upload.sheets[0]!.mappingConfirmed).toBe(true);
    expect(again.body.upload.sheets[0]!.mapping.Reason).toBeNull();

    const niger = await upload(context.as('enumeratorNiger'), maliFile(), 'niger-r1.csv', {}, NIGER.code);
    expect(niger.statusCode, JSON.stringify(niger.body)).toBe(201);
    expect(niger.body.upload.sheets[0]!.mappingConfirmed).toBe(false);
    expect(niger.body.upload.sheets[0]!.mapping.Reason).toBe('reason');
  });

  it('logs a failed import with its code and counts, never a cell of the file', async () => {
    const mali = await seed();
    const job = await failedMaliJob(mali.id, mali.sheets[0]!.headers);
    const failure = new AppError('dtm.import.noValidRows', {}, { details: { findings: [{ row: 2, column: 'Location name', value: SECRET, rule: 'notANumber' }] } });
    const logged = JSON.stringify(importFailureForLog(failure));
    expect(logged).toContain('dtm.import.noValidRows');
    expect(logged).toContain('"findings":1');
    expect(logged).not.toContain(SECRET);
    expect(JSON.stringify(importFailureForLog(new Error(`invalid input syntax for type integer: "${SECRET}"`)))).not.toContain(SECRET);
    expect(job.error?.code).toBeDefined();
  });
});
