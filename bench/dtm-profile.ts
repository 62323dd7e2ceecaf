/**
 * Where a DTM import's wall time goes on PostgreSQL (`npx tsx bench/dtm-profile.ts [rows]`, with
 * BENCH_DATABASE_URL): every statement the import sends is timed (pg's Client.query wrapped), and
 * the JavaScript phases (CSV reading alone, reading + validation) are timed over the same file.
 * Prints one line per statement kind (count, total ms) and the raw COPY of the same file beside it.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PostgresDatabase } from '../src/core/db.js';
import { migrate } from '../src/core/migrate.js';
import { openTable, readRows } from '../src/core/table-files.js';
import { headerScore, suggestMapping } from '../src/displacement/fields.js';
import { columnIndex, validateRow, type RoundRules } from '../src/displacement/validate.js';
import { DEFAULT_AGE_RANGES } from '../src/shared/displacement.js';
import { benchFolder, importUpload, prepareOperation, writeBenchFile, BENCH, MALI } from './dtm.js';
import { nameIndexes, uploadRoundFile } from '../src/displacement/dtm-uploads.js';

const rows = Number(process.argv[2] ?? 200_000);
const url = process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const load = (): string => os.loadavg().map((value) => value.toFixed(2)).join(' ');

const timings = new Map<string, { count: number; ms: number }>();
function note(key: string, ms: number): void {
  const entry = timings.get(key) ?? { count: 0, ms: 0 };
  entry.count += 1;
  entry.ms += ms;
  timings.set(key, entry);
}
function keyOf(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().slice(0, 90);
}

// Every statement of every client: its time from being asked to its answer (queueing included).
type AnyQuery = (this: pg.Client, ...args: unknown[]) => unknown;
const original = (pg.Client.prototype as unknown as { query: AnyQuery }).query;
(pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  const first = args[0];
  const started = performance.now();
  // pg.Pool's query passes a callback: timed when it is called back.
  const last = args.length - 1;
  const callback = args[last];
  const sqlOf = typeof first === 'string' ? first : (first as { text?: unknown } | null)?.text;
  if (typeof callback === 'function' && typeof sqlOf === 'string') {
    args[last] = (...answer: unknown[]) => {
      note(keyOf(sqlOf), performance.now() - started);
      (callback as (...a: unknown[]) => void)(...answer);
    };
    return original.apply(this, args);
  }
  const result = original.apply(this, args);
  if (typeof sqlOf === 'string' && result instanceof Promise) void result.then(() => note(keyOf(sqlOf), performance.now() - started), () => undefined);
  return result;
};

// The staging COPYs (pg-copy-streams' stream is not a query promise): timed where they are sent.
type CopyText = (this: PostgresDatabase, table: string, columns: readonly string[], text: string) => Promise<void>;
const copyText = (PostgresDatabase.prototype as unknown as { copyText: CopyText }).copyText;
(PostgresDatabase.prototype as unknown as { copyText: CopyText }).copyText = async function (table, columns, text) {
  const started = performance.now();
  await copyText.call(this, table, columns, text);
  note(`COPY ${table} (sent and stored; its text built before)`, performance.now() - started);
};

async function main(): Promise<void> {
  const { folder, dispose } = benchFolder();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const name = `liptako_profile_${process.pid}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  const db = PostgresDatabase.open(scratch.toString(), { max: 4 });
  // PROFILE_EXPLAIN=1: the plan and buffers of every statement over 300 ms, as notices (auto_explain; superuser).
  if (process.env.PROFILE_EXPLAIN) {
    db.pool.on('connect', (client) => {
      client.on('notice', (notice) => console.log(notice.message));
      void client.query("LOAD 'auto_explain'; SET auto_explain.log_min_duration = 300; SET auto_explain.log_analyze = on; SET auto_explain.log_buffers = on; SET auto_explain.log_level = notice");
    });
  }
  try {
    const file = await writeBenchFile(folder, rows);
    const bytes = readFileSync(file);
    await migrate(db);
    await prepareOperation(db);

    // JavaScript alone: reading the CSV, then reading and validating every row.
    let started = performance.now();
    let count = 0;
    const table = (await openTable(readRows(new Uint8Array(bytes), 'csv'), { headerRow: null, headerScore }))!;
    for await (const batch of table.rows) count += batch.length;
    const readMs = performance.now() - started;
    const mapping = suggestMapping(table.headers, table.hxl, DEFAULT_AGE_RANGES);
    const columns = columnIndex(table.headers, mapping);
    const { units, ...names } = await nameIndexes(db, 'ML', '2021-06-30');
    const rules: RoundRules = {
      country: 'ML', assessmentType: 'SA', ageRanges: DEFAULT_AGE_RANGES, householdSizeMin: 1, householdSizeMax: 30,
      collectionStart: '2021-06-01', collectionEnd: '2021-06-27', units, names, insideAdmin2: null,
    };
    started = performance.now();
    const again = (await openTable(readRows(new Uint8Array(bytes), 'csv'), { headerRow: null, headerScore }))!;
    let figures = 0;
    for await (const batch of again.rows) for (const row of batch) figures += validateRow(row, columns, rules).figures.length;
    const readValidateMs = performance.now() - started;
    console.log(`JS alone (load ${load()}): CSV read ${count} rows ${readMs.toFixed(0)} ms (${((readMs * 1000) / count).toFixed(1)} µs/row); read + validate ${readValidateMs.toFixed(0)} ms (${figures} figures)`);

    // Raw COPY of the same bytes, as bench/dtm.ts does.
    const header = bytes.subarray(0, bytes.indexOf(10)).toString('utf8').trim().split(',');
    const client = new pg.Client({ connectionString: scratch.toString() });
    await client.connect();
    await client.query(`CREATE TABLE bench_copy (${header.map((_h, index) => `c${index} text`).join(', ')})`);
    started = performance.now();
    await pipeline(Readable.from([bytes]), client.query(copyFrom('COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)')));
    const copyMs = performance.now() - started;
    await client.query('DROP TABLE bench_copy');
    await client.end();
    console.log(`raw COPY ${copyMs.toFixed(0)} ms (${((rows / copyMs) * 1000).toFixed(0)} rows/s) (load ${load()})`);

    timings.clear();
    started = performance.now();
    const upload = await uploadRoundFile(db, { bytes, fileName: 'bench-1.csv', actor: BENCH, operation: MALI.code });
    const uploadMs = performance.now() - started;
    const uploadSql = [...timings.values()].reduce((sum, entry) => sum + entry.ms, 0);
    console.log(`upload (store + preview) ${uploadMs.toFixed(0)} ms, of which SQL ${uploadSql.toFixed(0)} ms`);
    timings.clear();
    started = performance.now();
    await importUpload(db, upload, 1);
    const importMs = performance.now() - started;
    const total = uploadMs + importMs;
    console.log(`import job ${importMs.toFixed(0)} ms; upload + import ${total.toFixed(0)} ms = ${((rows / total) * 1000).toFixed(0)} rows/s, ratio ${(copyMs / total).toFixed(3)} (load ${load()})`);
    const sorted = [...timings.entries()].sort((a, b) => b[1].ms - a[1].ms);
    let sqlMs = 0;
    for (const [key, { count: n, ms }] of sorted) {
      sqlMs += ms;
      if (ms >= 20) console.log(`  ${ms.toFixed(0).padStart(7)} ms ×${String(n).padEnd(4)} ${key}`);
    }
    console.log(`  SQL total ${sqlMs.toFixed(0)} ms; the rest of the import job (JS: read, validate, COPY text, waiting) ${(importMs - sqlMs).toFixed(0)} ms`);
  } finally {
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
