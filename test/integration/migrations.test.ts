import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../../src/core/db.js';
import { fileUploadBytes } from '../../src/core/file-uploads.js';
import { buildApp } from '../../src/core/http.js';
import { loadMigrations, migrate, migrationLevel } from '../../src/core/migrate.js';
import { roundsOfBinding } from '../../src/displacement/binding-queries.js';
import { uploadById } from '../../src/displacement/queries.js';
import { MODULES } from '../../src/modules.js';
import { databaseKinds, openEmptyDatabase } from '../support/harness.js';
import { createPersonas } from '../support/personas.js';

const one = async <Row extends object>(db: Queryable, sql: string, params: unknown[] = []): Promise<Row> => (await db.query<Row>(sql, params))[0]!;

/**
 * A database at 0024, when DTM kept its uploads in dtm_upload: a response upload holding
 * file_upload's first id (so DTM's new ids meet old ones), a round file in two parts imported
 * into round 1 (its job failed once, retry pending), the extract of a bound collection form
 * imported into round 2 with a finding on a submission's row, a second extract never imported,
 * and an upload cut half-way by a crash.
 */
async function dtmAt24(db: Database) {
  await db.query("INSERT INTO file_upload (module, file_name, sha256, size_bytes, parts, scope, complete, created_by) VALUES ('response', 'w.csv', repeat('a', 64), 1, 1, 'ML', true, 'someone')");
  const operation = (await one<{ id: number }>(db, "INSERT INTO dtm_operation (code, name, name_fr, country) VALUES ('MLI-MOVE', 'Mali move', 'Mali déménagement', 'ML') RETURNING id::int AS id")).id;
  const round = async (number: number) =>
    (await one<{ id: number }>(db, "INSERT INTO dtm_round (operation_id, number, assessment_type, reference_date, created_by) VALUES ($1, $2, 'SA', '2026-11-30', 'officer') RETURNING id::int AS id", [operation, number])).id;
  const upload = async (fileName: string, pieces: readonly string[], extra: { operation: number | null; binding?: number; complete?: boolean }) => {
    const bytes = Buffer.from(pieces.join(''), 'utf8');
    const complete = extra.complete ?? true;
    const { id } = await one<{ id: number }>(
      db,
      'INSERT INTO dtm_upload (file_name, sha256, size_bytes, parts, created_by, complete, operation_id, binding_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id::int AS id',
      [fileName, complete ? createHash('sha256').update(bytes).digest('hex') : null, bytes.length, pieces.length, 'officer', complete, extra.operation, extra.binding ?? null],
    );
    for (const [part, piece] of pieces.entries()) await db.query("INSERT INTO dtm_upload_part (upload_id, part, bytes) VALUES ($1, $2, convert_to($3, 'UTF8'))", [id, part, piece]);
    return { id, bytes };
  };
  const importOf = async (roundId: number, uploaded: { id: number; bytes: Buffer }, fileName: string) =>
    (
      await one<{ id: number }>(
        db,
        `INSERT INTO dtm_import (operation_id, round_id, file_name, sha256, size_bytes, upload_id, header_row, mapping, rows_read, rows_stored, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, 1, '{}', 2, 2, 'officer') RETURNING id::int AS id`,
        [operation, roundId, fileName, createHash('sha256').update(uploaded.bytes).digest('hex'), uploaded.bytes.length, uploaded.id],
      )
    ).id;

  const roundFile = await upload('round-1.csv', ['admin2_pcode,site,individuals\r\nML0501,Site A', ',120\r\nML0502,Site B,80\r\n'], { operation });
  await importOf(await round(1), roundFile, 'round-1.csv');
  await db.query(
    `INSERT INTO job (kind, status, input, created_by, finished_at) VALUES ('dtm-import', 'failed', $1, 'officer', now())`,
    [JSON.stringify({ uploadId: roundFile.id, fileName: 'round-1.csv', target: { operation: 'MLI-MOVE', roundNumber: 1 } })],
  );

  const project = (await one<{ id: number }>(db, "INSERT INTO collection_project (name, country, created_by) VALUES ('Sites', 'ML', 'officer') RETURNING id::int AS id")).id;
  const form = (await one<{ id: number }>(db, "INSERT INTO collection_form (project_id, xml_form_id, title, created_by) VALUES ($1, 'sites', 'Sites', 'officer') RETURNING id::int AS id", [project])).id;
  const submission = async (instanceId: string) =>
    (
      await one<{ id: number }>(
        db,
        "INSERT INTO collection_submission (form_id, instance_id, root_instance_id, xml, xml_sha256, submitted_by, review_state) VALUES ($1, $2, $2, '<data/>', repeat('b', 64), 'phone', 'approved') RETURNING id::int AS id",
        [form, instanceId],
      )
    ).id;
  const submissions = [await submission('uuid:one'), await submission('uuid:two')];
  const binding = (
    await one<{ id: number }>(
      db,
      "INSERT INTO dtm_form_binding (form_id, operation_id, assessment_type, mapping, created_by, updated_by) VALUES ($1, $2, 'SA', '{}', 'officer', 'officer') RETURNING id::int AS id",
      [form, operation],
    )
  ).id;
  const sources = async (uploadId: number) => {
    for (const [index, id] of submissions.entries()) {
      await db.query('INSERT INTO dtm_upload_source (upload_id, source_row, submission_id, instance_id) VALUES ($1, $2, $3, $4)', [uploadId, index + 2, id, `uuid:${index === 0 ? 'one' : 'two'}`]);
    }
  };
  const extract = await upload('sites-1.csv', ['instanceID,/data/site\r\nuuid:one,A\r\nuuid:two,B\r\n'], { operation, binding });
  await sources(extract.id);
  const round2 = await round(2);
  const extractImport = await importOf(round2, extract, 'sites-1.csv');
  await db.query(
    "INSERT INTO dtm_issue (operation_id, round_id, import_id, source_row, column_name, value, rule, severity) VALUES ($1, $2, $3, 3, '/data/site', 'B', 'pcodeUnknown', 'error')",
    [operation, round2, extractImport],
  );
  const unimported = await upload('sites-2.csv', ['instanceID,/data/site\r\nuuid:one,A\r\nuuid:two,B\r\n'], { operation, binding });
  await sources(unimported.id);
  await upload('cut.csv', ['admin2_pcode'], { operation: null, complete: false });
  return { operation, roundFile, round2, extract, binding, submissions };
}

/** A description of the schema precise enough to tell two installations apart. */
async function describeSchema(db: Queryable): Promise<unknown> {
  const columns = await db.query(
    `SELECT table_name, column_name, data_type, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = 'public'
      ORDER BY table_name, column_name`,
  );
  const constraints = await db.query(
    `SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS definition
       FROM pg_constraint WHERE connamespace = 'public'::regnamespace
      ORDER BY 1, 2`,
  );
  const indexes = await db.query(
    `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`,
  );
  return { columns, constraints, indexes };
}

for (const kind of databaseKinds) {
  describe(`migrations [${kind}]`, () => {
    it('a fresh database and one upgraded step by step end in the same schema', async () => {
      const fresh = await openEmptyDatabase(kind);
      const upgraded = await openEmptyDatabase(kind);
      try {
        await migrate(fresh.db);
        const all = loadMigrations();
        for (let target = 1; target <= all.length; target++) {
          await migrate(upgraded.db, { target });
          expect(await migrationLevel(upgraded.db)).toBe(target);
        }
        expect(await describeSchema(upgraded.db)).toEqual(await describeSchema(fresh.db));
        expect(await migrationLevel(fresh.db)).toBe(all.length);
      } finally {
        await fresh.dispose();
        await upgraded.dispose();
      }
    });

    it('applying migrations twice changes nothing', async () => {
      const { db, dispose } = await openEmptyDatabase(kind);
      try {
        expect((await migrate(db)).length).toBe(loadMigrations().length);
        expect(await migrate(db)).toEqual([]);
      } finally {
        await dispose();
      }
    });

    it('refuses to run when an applied migration was edited', async () => {
      const { db, dispose } = await openEmptyDatabase(kind);
      try {
        await migrate(db);
        const edited = loadMigrations().map((migration, index) => (index === 0 ? { ...migration, checksum: 'edited' } : migration));
        await expect(migrate(db, { migrations: edited })).rejects.toThrow(/was changed after it was applied/);
      } finally {
        await dispose();
      }
    });

    it('moves DTM uploads into core’s upload store: a database at 0024 with imports still serves their raw files and source rows', async () => {
      const { db, dispose } = await openEmptyDatabase(kind);
      try {
        await migrate(db, { target: 24 });
        const before = await dtmAt24(db);
        await migrate(db);
        expect(await db.query("SELECT to_regclass('dtm_upload') IS NULL AS gone, to_regclass('dtm_upload_part') IS NULL AS parts_gone")).toEqual([{ gone: true, parts_gone: true }]);
        expect(await db.query("SELECT module, file_name, complete, scope FROM file_upload ORDER BY id")).toEqual([
          { module: 'response', file_name: 'w.csv', complete: true, scope: 'ML' },
          { module: 'dtm', file_name: 'round-1.csv', complete: true, scope: String(before.operation) },
          { module: 'dtm', file_name: 'sites-1.csv', complete: true, scope: String(before.operation) },
          { module: 'dtm', file_name: 'sites-2.csv', complete: true, scope: String(before.operation) },
          { module: 'dtm', file_name: 'cut.csv', complete: false, scope: null },
        ]);

        // The round file's import, and the job a retry would run again, name its new id; the bytes are as sent, part by part.
        const { upload_id: roundFileId } = await one<{ upload_id: number }>(db, "SELECT upload_id::int AS upload_id FROM dtm_import WHERE file_name = 'round-1.csv'");
        expect(await one(db, "SELECT (input ->> 'uploadId')::int AS id FROM job WHERE kind = 'dtm-import'")).toEqual({ id: roundFileId });
        const kept = await uploadById(db, roundFileId);
        expect(kept).toMatchObject({ parts: 2, operation_id: before.operation, sha256: createHash('sha256').update(before.roundFile.bytes).digest('hex') });
        expect(Buffer.from(await fileUploadBytes(db, kept!)).equals(before.roundFile.bytes)).toBe(true);

        const { upload_id: extractId } = await one<{ upload_id: number }>(db, "SELECT upload_id::int AS upload_id FROM dtm_import WHERE file_name = 'sites-1.csv'");
        expect(await db.query('SELECT source_row, instance_id FROM dtm_upload_source WHERE upload_id = $1 ORDER BY source_row', [extractId])).toEqual([
          { source_row: 2, instance_id: 'uuid:one' },
          { source_row: 3, instance_id: 'uuid:two' },
        ]);
        expect((await roundsOfBinding(db, before.binding)).map((round) => round.file_name)).toEqual(['sites-1.csv']);

        const tokens = await createPersonas(db);
        const app = await buildApp({ db, modules: MODULES, logLevel: false, webRoot: null });
        try {
          const headers = { authorization: `Bearer ${tokens.admin}` };
          const sheet = await app.inject({ method: 'GET', url: `/api/dtm/uploads/${roundFileId}/sheet`, headers });
          expect(sheet.statusCode, sheet.body).toBe(200);
          expect(sheet.json<{ sheet: { headers: string[]; samples: string[][] } }>().sheet).toMatchObject({ headers: ['admin2_pcode', 'site', 'individuals'], samples: [['ML0501', 'Site A', '120'], ['ML0502', 'Site B', '80']] });
          const issues = await app.inject({ method: 'GET', url: `/api/dtm/rounds/${before.round2}/issues`, headers });
          expect(issues.statusCode, issues.body).toBe(200);
          expect(issues.json<{ issues: Array<{ row: number; source: unknown }> }>().issues.map((issue) => ({ row: issue.row, source: issue.source }))).toEqual([
            { row: 3, source: { instanceId: 'uuid:two', submissionId: before.submissions[1] } },
          ]);
        } finally {
          await app.close();
        }

        // Deleting an extract takes its source rows and its binding's link with it (what the sweep of stale uploads relies on).
        const { id: unimported } = await one<{ id: number }>(db, "SELECT id::int AS id FROM file_upload WHERE file_name = 'sites-2.csv'");
        await db.query('DELETE FROM file_upload WHERE id = $1', [unimported]);
        expect(await db.query('SELECT count(*)::int AS n FROM dtm_upload_source WHERE upload_id = $1 UNION ALL SELECT count(*)::int FROM dtm_binding_extract WHERE upload_id = $1', [unimported])).toEqual([{ n: 0 }, { n: 0 }]);
      } finally {
        await dispose();
      }
    });

    it('every foreign key has an index that starts with its columns', async () => {
      const { db, dispose } = await openEmptyDatabase(kind);
      try {
        await migrate(db);
        const unindexed = await db.query<{ constraint_name: string }>(
          `SELECT c.conname AS constraint_name
             FROM pg_constraint c
            WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
              AND NOT EXISTS (
                SELECT 1 FROM pg_index i
                 WHERE i.indrelid = c.conrelid
                   AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] = c.conkey)`,
        );
        expect(unindexed).toEqual([]);
      } finally {
        await dispose();
      }
    });
  });
}
