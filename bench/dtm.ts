/**
 * DTM benchmarks, each figure beside a baseline measured in the same run:
 * - import of a generated 200,000-row round file (read, validate, stage, swap into the round)
 *   in rows/s, against a raw COPY of the same file into a bare table of text columns;
 * - peak memory of the import in a child process for 200,000 and 1,000,000 rows (flat = good);
 * - dashboard API calls over in-process HTTP with ≥ 2,000,000 stored figure rows, p50/p95,
 *   against the same aggregate SQL run directly.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { systemActor } from '../src/access/audit.js';
import { PgliteDatabase, PostgresDatabase, type Database } from '../src/core/db.js';
import { buildApp } from '../src/core/http.js';
import { MODULES } from '../src/modules.js';
import { demoGazetteerCsv } from '../src/demo/demo.js';
import { roundTotals, adminTotals, trend, locationsOfRound } from '../src/displacement/aggregate-queries.js';
import { DEFAULT_AGE_RANGES } from '../src/shared/displacement.js';
import { generateBenchRound } from '../src/demo/dtm-generator.js';
import * as q from '../src/displacement/queries.js';
import { writeRoundCsvFile } from '../src/demo/round-file.js';
import { startImport } from '../src/displacement/dtm-imports.js';
import { uploadRoundFile, type UploadView } from '../src/displacement/dtm-uploads.js';
import { importGeoFile } from '../src/geo/geo-imports.js';

/** The benchmarks act as the system (`system:bench` in the audit log). */
export const BENCH = systemActor('bench');

export const MALI = { code: 'MLI-CONFLICT', name: 'Mali Conflict', nameFr: 'Conflit au Mali', country: 'ML', ageRanges: [...DEFAULT_AGE_RANGES] };

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

export async function writeBenchFile(folder: string, rows: number): Promise<string> {
  const file = path.join(folder, `bench-round-${rows}.csv`);
  await writeRoundCsvFile(file, generateBenchRound(2021, rows), { ageRanges: DEFAULT_AGE_RANGES, style: 'en', hxl: false, delimiter: ',', bom: false });
  return file;
}

export async function prepareOperation(db: Database): Promise<void> {
  await importGeoFile(db, { bytes: new TextEncoder().encode(demoGazetteerCsv()), fileName: 'demo-gazetteer.csv', actor: BENCH });
  await q.upsertOperation(db, MALI);
}

/** Imports a round file through the real path (upload preview, job, validation, staging, swap). */
export async function importFile(db: Database, bytes: Uint8Array, roundNumber: number): Promise<void> {
  const upload = await uploadRoundFile(db, { bytes, fileName: `bench-${roundNumber}.csv`, actor: BENCH, operation: MALI.code });
  await importUpload(db, upload, roundNumber);
}

/** Imports an upload into round `roundNumber` with the mapping its preview suggested. */
export async function importUpload(db: Database, upload: UploadView, roundNumber: number): Promise<void> {
  await startImport(
    db,
    upload.id,
    { operation: MALI.code, roundNumber, assessmentType: 'SA', referenceDate: '2021-06-30', collectionStart: '2021-06-01', collectionEnd: '2021-06-27', mapping: upload.sheets[0]!.mapping },
    { actor: BENCH, background: false },
  );
}

async function rawCopy(db: Database, url: string | null, bytes: Uint8Array, header: string[]): Promise<number> {
  const columns = header.map((_name, index) => `c${index} text`).join(', ');
  if (db instanceof PgliteDatabase) {
    await db.exec(`DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy (${columns})`);
    const [, ms] = await timed(() => db.pglite.query("COPY bench_copy FROM '/dev/blob' WITH (FORMAT csv, HEADER true)", [], { blob: new Blob([new Uint8Array(bytes)]) }));
    return ms;
  }
  const client = new pg.Client({ connectionString: url! });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy (${columns})`);
    const [, ms] = await timed(async () => {
      await pipeline(Readable.from([Buffer.from(bytes)]), client.query(copyFrom('COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)')));
    });
    await client.query('DROP TABLE bench_copy');
    return ms;
  } finally {
    await client.end();
  }
}

export async function benchDtmImport(db: Database, url: string | null, file: string, rows: number): Promise<void> {
  await prepareOperation(db);
  const bytes = readFileSync(file);
  const header = bytes.subarray(0, bytes.indexOf(10)).toString('utf8').trim().split(',');
  const copyMs = await rawCopy(db, url, bytes, header);
  const [, importMs] = await timed(() => importFile(db, bytes, 1));
  const rate = (rows / importMs) * 1000;
  const copyRate = (rows / copyMs) * 1000;
  console.log(
    `  DTM import         ${rows} rows: ${rate.toFixed(0)} rows/s (${(importMs / 1000).toFixed(1)} s)   baseline raw COPY: ${copyRate.toFixed(0)} rows/s   ratio ${(rate / copyRate).toFixed(3)}   (load ${os.loadavg().map((load) => load.toFixed(2)).join(' ')})`,
  );
}

/** The JavaScript heap the import child may use (BENCH_DTM_CHILD_HEAP_MB): an import that outgrows it fails. */
export const CHILD_HEAP_MB = Number(process.env.BENCH_DTM_CHILD_HEAP_MB ?? 256);

/**
 * Peak RSS, peak heapUsed and RSS before the import (MB) of an import in a fresh process with a capped heap
 * (bench/dtm-import-child.ts), for a file of `rows` rows. BENCH_DTM_CHILD_NODE_ARGS adds Node flags (--cpu-prof).
 */
export function peakMemory(file: string, databaseUrl: string | null): { rss: number; heap: number; before: number } | null {
  const nodeArgs = (process.env.BENCH_DTM_CHILD_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  const child = spawnSync(process.execPath, [`--max-old-space-size=${CHILD_HEAP_MB}`, ...nodeArgs, '--import', 'tsx', path.join(import.meta.dirname, 'dtm-import-child.ts'), file], {
    env: { ...process.env, BENCH_CHILD_DATABASE_URL: databaseUrl ?? '' },
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const match = /maxRssMb=(\d+) peakHeapUsedMb=(\d+) rssBeforeImportMb=(\d+)/.exec(child.stdout);
  if (child.status !== 0 || !match) {
    console.log(`  (memory child failed: ${child.stderr.slice(-400)})`);
    return null;
  }
  return { rss: Number(match[1]), heap: Number(match[2]), before: Number(match[3]) };
}

/**
 * Fills an operation with `rounds` SA rounds of `locations` locations each, straight in SQL (the
 * dashboard benchmark is about reading; the import has its own benchmark), then builds each
 * round's summary as an import would.
 */
async function fillFigures(db: Database, rounds: number, locations: number): Promise<void> {
  const [operation] = await db.query<{ id: number }>('SELECT id FROM dtm_operation WHERE code = $1', [MALI.code]);
  const operationId = operation!.id;
  const admin2 = (await db.query<{ pcode: string; parent_pcode: string }>("SELECT pcode, parent_pcode FROM admin_unit WHERE country = 'ML' AND level = 2 ORDER BY pcode")).map(
    (row) => [row.pcode, row.parent_pcode] as const,
  );
  await db.query(
    `INSERT INTO dtm_location (operation_id, code, name, admin1_pcode, admin2_pcode, location_type)
     SELECT $1, 'L' || g, 'Site ' || g, ($2::text[])[1 + g % $4], ($3::text[])[1 + g % $4], 'site' FROM generate_series(1, $5) g`,
    [operationId, admin2.map(([, parent]) => parent), admin2.map(([pcode]) => pcode), admin2.length, locations],
  );
  const [upload] = await db.query<{ id: number }>(
    `INSERT INTO file_upload (module, file_name, sha256, size_bytes, complete, created_by) VALUES ('dtm', 'bench.csv', repeat('0', 64), 0, true, 'bench') RETURNING id::int AS id`,
  );
  const existing = await q.roundsOf(db, operationId);
  const first = Math.max(0, ...existing.map((round) => round.number)) + 1;
  for (let number = first; number < first + rounds; number += 1) {
    const round = await q.insertRound(db, {
      operationId,
      number,
      assessmentType: 'SA',
      referenceDate: `20${String(15 + Math.floor(number / 6)).padStart(2, '0')}-${String(1 + ((number * 2) % 12)).padStart(2, '0')}-28`,
      collectionStart: null,
      collectionEnd: null,
      actor: 'bench',
    });
    const importId = await q.insertImport(db, {
      operationId,
      roundId: round.id,
      jobId: null,
      uploadId: upload!.id,
      sheet: null,
      headerRow: 1,
      mapping: {},
      rowsRead: locations,
      actor: 'bench',
    });
    await db.query(
      `INSERT INTO dtm_figure (operation_id, round_id, import_id, source_row, location_id, admin1_pcode, admin2_pcode, population_group,
         households, individuals, females, males, f1, f2, f3, f4, m1, m2, m3, m4, reason, origin_admin1_pcode)
       SELECT l.operation_id, $2, $3, row_number() OVER () + 1, l.id, l.admin1_pcode, l.admin2_pcode, 'idp',
              v.ind / 6, v.ind, v.ind / 2, v.ind - v.ind / 2, v.ind / 10, v.ind / 5, v.ind / 6, v.ind / 2 - v.ind / 10 - v.ind / 5 - v.ind / 6,
              v.ind / 10, v.ind / 5, v.ind / 6, (v.ind - v.ind / 2) - v.ind / 10 - v.ind / 5 - v.ind / 6,
              (ARRAY['conflict', 'insecurity', 'natural-disaster', 'other'])[1 + l.id % 4], l.admin1_pcode
         FROM dtm_location l, LATERAL (SELECT (50 + (l.id * 7919 + $4 * 104729) % 900)::int AS ind) v
        WHERE l.operation_id = $1`,
      [operationId, round.id, importId, number],
    );
    await q.rebuildSummary(db, operationId, round.id);
    await q.setRoundStatus(db, round, 'published', 'bench');
  }
  await db.exec('ANALYZE');
}

export async function benchDashboard(db: Database, rounds: number, locations: number): Promise<void> {
  await fillFigures(db, rounds, locations);
  const [count] = await db.query<{ count: number }>('SELECT count(*)::int AS count FROM dtm_figure');
  const app = await buildApp({ db, modules: MODULES, logLevel: false, webRoot: null });
  await app.ready();
  const operation = (await q.operationByCode(db, MALI.code))!;
  const latest = (await q.roundsOf(db, operation.id)).at(-1)!;
  const calls = [
    '/api/dtm/operations',
    `/api/dtm/operations/${MALI.code}/summary?assessmentType=SA`,
    `/api/dtm/operations/${MALI.code}/admin?level=1&assessmentType=SA`,
    `/api/dtm/operations/${MALI.code}/admin?level=2&assessmentType=SA`,
    `/api/dtm/operations/${MALI.code}/trend?assessmentType=SA`,
    `/api/dtm/operations/${MALI.code}/locations?assessmentType=SA&admin2=ML0501&limit=100`,
  ];
  const sql: Array<() => Promise<unknown>> = [
    () => q.operations(db),
    () => roundTotals(db, latest, 'idp'),
    () => adminTotals(db, 'ML', latest, 'idp', 1, null),
    () => adminTotals(db, 'ML', latest, 'idp', 2, null),
    () => trend(db, operation.id, 'SA', 'idp', false),
    () => locationsOfRound(db, latest, 'idp', 'ML0501', 100, 0),
  ];
  // Warm caches once, as a dashboard that has been opened before.
  for (const url of calls) await app.inject({ method: 'GET', url });
  const httpTimes: number[] = [];
  const sqlTimes: number[] = [];
  const perCall = calls.map(() => ({ http: [] as number[], sql: [] as number[] }));
  for (let repeat = 0; repeat < 30; repeat += 1) {
    for (const [index, url] of calls.entries()) {
      const [response, httpMs] = await timed(() => app.inject({ method: 'GET', url }));
      if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      httpTimes.push(httpMs);
      const [, sqlMs] = await timed(sql[index]!);
      sqlTimes.push(sqlMs);
      perCall[index]!.http.push(httpMs);
      perCall[index]!.sql.push(sqlMs);
    }
  }
  // For scale: the same key figure computed from the figures themselves, without the summary table.
  const [, naiveMs] = await timed(() =>
    db.query('SELECT sum(individuals), sum(households) FROM dtm_figure WHERE operation_id = $1 AND round_id = $2', [operation.id, latest.id]),
  );
  await app.close();
  httpTimes.sort((a, b) => a - b);
  sqlTimes.sort((a, b) => a - b);
  const line = (times: number[]): string => `p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms`;
  // Which call sets the p95: each call's own figures.
  for (const [index, url] of calls.entries()) {
    const { http, sql: raw } = perCall[index]!;
    http.sort((a, b) => a - b);
    raw.sort((a, b) => a - b);
    console.log(`    ${url.replace(`/api/dtm/operations/${MALI.code}`, '…').padEnd(52)} HTTP p50 ${percentile(http, 50).toFixed(1)} / p95 ${percentile(http, 95).toFixed(1)} ms   SQL p50 ${percentile(raw, 50).toFixed(1)} / p95 ${percentile(raw, 95).toFixed(1)} ms`);
  }
  console.log(
    `  DTM dashboard      ${count!.count} figure rows, ${calls.length} calls × 30: HTTP ${line(httpTimes)}   baseline raw SQL: ${line(sqlTimes)}   ratio p95 ${(percentile(httpTimes, 95) / percentile(sqlTimes, 95)).toFixed(2)}   (one round summed from figures without the summary table: ${naiveMs.toFixed(0)} ms)`,
  );
}

export function benchFolder(): { folder: string; dispose: () => void } {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'liptako-bench-'));
  return { folder, dispose: () => rmSync(folder, { recursive: true, force: true }) };
}

export { PgliteDatabase, PostgresDatabase };
