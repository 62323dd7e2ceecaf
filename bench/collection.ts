/**
 * Field collection benchmarks (`npm run bench`, BENCH_ONLY=collection for these alone), on the
 * REACH MSNA form (../shared/data/xlsforms, converted by the product's XLSForm converter; the
 * demo site form when that folder is absent):
 * - Submissions: BENCH_COLLECTION_SUBMISSIONS (default 100,000) synthetic submissions
 *   (bench/form-submissions.ts) posted as multipart by 20 concurrent clients over loopback to the
 *   real server, p50/p95 per submission and submissions/s, against a raw INSERT of the same XML
 *   into a bare table by the same 20 clients, in the same run.
 * - Export: the CSV zip of those submissions and their repeats over HTTP, against `COPY … TO` of
 *   the same rows, in the same run (goal ≥ 0.2 × COPY), the database settled first (`settle`).
 * - Export memory (PostgreSQL; PGlite keeps the whole database inside the process): peak RSS of
 *   a fresh server process exporting, at the posted count and at each size of
 *   BENCH_COLLECTION_MEMORY_SUBMISSIONS (default 1,000,000; rows copied in SQL from the posted
 *   ones). Goal ≤ 300 MB, flat. BENCH_COLLECTION_CHILD_NODE_ARGS passes flags to that process
 *   (`--cpu-prof --cpu-prof-dir=/tmp/profiles` to see where an export's time goes).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { systemActor } from '../src/access/audit.js';
import * as collection from '../src/collection/service.js';
import { readXForm } from '../src/collection/xform.js';
import { convertXlsForm } from '../src/collection/xlsform.js';
import { PgliteDatabase, type Database } from '../src/core/db.js';
import { buildApp } from '../src/core/http.js';
import { DEMO_SITE_FORM } from '../src/demo/collection-demo.js';
import { MODULES } from '../src/modules.js';
import { submissionShape, syntheticSubmission } from './form-submissions.js';
import { copySelect, copyToStdout, timedExport } from './collection-export-child.js';

const CLIENTS = 20;
/** Extra Node flags for the export child, e.g. `--cpu-prof --cpu-prof-dir=…` to profile the export. */
const CHILD_NODE_ARGS = (process.env.BENCH_COLLECTION_CHILD_NODE_ARGS ?? '').split(' ').filter((flag) => flag !== '');
/** The export child's heap cap: an export that grew with the submissions would run out of it. */
const CHILD_HEAP_MB = Number(process.env.BENCH_COLLECTION_CHILD_HEAP_MB ?? 128);
const MSNA = path.resolve(process.cwd(), '../shared/data/xlsforms/REACH_2024_MSNA-kobo-tool_draft_v11.xlsx');

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Runs `count` jobs on CLIENTS concurrent workers; returns each job's duration (ms) and the wall time. */
async function concurrently(count: number, job: (index: number) => Promise<void>): Promise<{ durations: number[]; wallMs: number }> {
  const durations: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let index = next++; index < count; index = next++) {
        const begun = performance.now();
        await job(index);
        durations.push(performance.now() - begun);
      }
    }),
  );
  return { durations: durations.sort((a, b) => a - b), wallMs: performance.now() - started };
}

async function benchForm(): Promise<{ xform: string; label: string }> {
  if (!existsSync(MSNA)) {
    console.log('  (../shared/data/xlsforms absent: the demo site form stands in for the REACH MSNA)');
    return { xform: DEMO_SITE_FORM, label: 'demo site form' };
  }
  const converted = await convertXlsForm(readFileSync(MSNA));
  if (!('xform' in converted)) throw new Error(`MSNA conversion: ${JSON.stringify(converted.problems.slice(0, 3))}`);
  return { xform: converted.xform, label: 'REACH MSNA' };
}

/** `COPY (the export's rows) TO` on the same database: the floor an export can be compared with. */
async function copyOut(db: Database, url: string | null, formId: number): Promise<{ ms: number; bytes: number }> {
  if (db instanceof PgliteDatabase) {
    const started = performance.now();
    const result = await db.pglite.query(`COPY (${copySelect(formId)}) TO '/dev/blob' WITH (FORMAT csv)`);
    return { ms: performance.now() - started, bytes: result.blob?.size ?? 0 };
  }
  return copyToStdout(url!, formId);
}

/** The machine's load beside each figure: others use it, so only ratios measured in the same run compare. */
const load = (): string => `load ${loadavg()[0]!.toFixed(2)}`;

/** Time, rate and COPY ratio of one export of `count` submissions. */
const exportFigures = (count: number, exportMs: number, copyMs: number): string =>
  `${(exportMs / 1000).toFixed(1)} s, ${((count / exportMs) * 1000).toFixed(0)} submissions/s | COPY … TO ${(copyMs / 1000).toFixed(1)} s | ratio ${(copyMs / exportMs).toFixed(3)} (goal ≥ 0.2)`;

/** The export served by a fresh process (bench/collection-export-child.ts): time, COPY ratio, peak RSS and heap. */
function exportInChild(url: string, exportPath: string, token: string, formId: number, count: number): string {
  const child = spawnSync(process.execPath, [`--max-old-space-size=${CHILD_HEAP_MB}`, ...CHILD_NODE_ARGS, '--import', 'tsx', path.join(import.meta.dirname, 'collection-export-child.ts'), exportPath, token, String(formId)], {
    env: { ...process.env, BENCH_CHILD_DATABASE_URL: url },
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const match = /bytes=(\d+) ms=(\d+) maxRssMb=(\d+) heapPeakMb=(\d+) copyMs=(\d+)/.exec(child.stdout);
  if (match === null) return `failed (${child.stderr.slice(-300)})`;
  return `${exportFigures(count, Number(match[2]), Number(match[5]))}, peak RSS ${match[3]} MB, heap ${match[4]} MB (${megabytes(Number(match[1]))} zip; ${load()})`;
}

/**
 * The database at rest before an export is timed, as it is when an office exports submissions
 * received over weeks: the gigabytes just posted written out and the table vacuumed and analysed,
 * as the checkpointer and autovacuum would have done meanwhile. Timed right after posting, the
 * export (and the COPY after it) shared the two cores with that backlog (100,000 posted: 42 s).
 */
async function settle(db: Database): Promise<void> {
  if (!(db instanceof PgliteDatabase)) await db.exec('CHECKPOINT');
  await db.exec('VACUUM ANALYZE collection_submission');
}

/** Grows the form's submissions to `target` by copying the posted ones in SQL (new instance ids, unique to each target). */
async function replicate(db: Database, formId: number, target: number): Promise<number> {
  const [{ count, posted }] = (await db.query<{ count: number; posted: number }>(
    `SELECT count(*)::int AS count, (count(*) FILTER (WHERE instance_id NOT LIKE '%-copy%'))::int AS posted FROM collection_submission WHERE form_id = $1 AND current`,
    [formId],
  )) as [{ count: number; posted: number }];
  let have = count;
  for (let copy = 1; have < target; copy++) {
    const rows = Math.min(posted, target - have);
    await db.query(
      `INSERT INTO collection_submission (form_id, form_version_id, version, instance_id, root_instance_id, instance_name, xml, xml_sha256, device_id, app_user_id, submitted_by, received_at, review_state, answers)
       SELECT form_id, form_version_id, version, instance_id || '-copy' || $2::text || '-' || $4::text, root_instance_id || '-copy' || $2::text || '-' || $4::text, instance_name, xml, xml_sha256, device_id, app_user_id, submitted_by, received_at, review_state, answers
         FROM collection_submission WHERE form_id = $1 AND current AND instance_id NOT LIKE '%-copy%' ORDER BY id LIMIT $3`,
      [formId, copy, rows, target],
    );
    have += rows;
  }
  return have;
}

export async function benchCollection(db: Database, url: string | null = null): Promise<void> {
  const count = Number(process.env.BENCH_COLLECTION_SUBMISSIONS ?? 100_000);
  const sizes = (variable: string, fallback: string): number[] => (process.env[variable] ?? fallback).split(',').map(Number).filter((size) => size > 0);
  const memorySizes = sizes('BENCH_COLLECTION_MEMORY_SUBMISSIONS', '1000000');
  const pgliteSizes = sizes('BENCH_COLLECTION_PGLITE_SUBMISSIONS', '');
  const actor = systemActor('bench');
  const { xform, label } = await benchForm();
  const definition = readXForm(xform);
  const shape = submissionShape(definition);
  const project = await collection.createProject(db, actor, { name: `Bench ${randomUUID()}`, country: 'ML' });
  const form = await collection.uploadForm(db, actor, project.id, { bytes: Buffer.from(xform), publish: true });
  const phone = await collection.createAppUser(db, actor, project.id, { name: 'bench phone', formIds: [form.form.id] }, '');
  const submissionOf = (index: number, instanceId: string): string => syntheticSubmission(shape, definition.formId, definition.version, index, instanceId);
  const sampleBytes = Buffer.byteLength(submissionOf(0, 'uuid:sample'));
  const app = await buildApp({ db, modules: MODULES, logLevel: false, webRoot: null });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const posts = await concurrently(count, async (index) => {
      const body = new FormData();
      body.append('xml_submission_file', new Blob([submissionOf(index, `uuid:${randomUUID()}`)], { type: 'text/xml' }), 'submission.xml');
      const response = await fetch(`${address}${phone.serverUrl}/submission`, { method: 'POST', body, headers: { 'x-openrosa-version': '1.0' } });
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`submission ${index}: ${response.status}`);
    });
    await db.exec('CREATE TABLE IF NOT EXISTS bench_raw_submission (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, instance_id text UNIQUE, xml text)');
    const raw = await concurrently(count, async (index) => {
      await db.query('INSERT INTO bench_raw_submission (instance_id, xml) VALUES ($1, $2)', [`raw-${index}`, submissionOf(index, `uuid:${randomUUID()}`)]);
    });
    await db.exec('DROP TABLE bench_raw_submission');
    const rate = (count / posts.wallMs) * 1000;
    const rawRate = (count / raw.wallMs) * 1000;
    console.log(
      `  Submissions ×${count} of the ${label} (${definition.questions.length} nodes, ~${(sampleBytes / 1024).toFixed(1)} KB each; ${CLIENTS} clients, loopback)  ${rate.toFixed(0)}/s, p50 ${percentile(posts.durations, 50).toFixed(1)} ms, p95 ${percentile(posts.durations, 95).toFixed(1)} ms` +
        ` | raw INSERT ${rawRate.toFixed(0)}/s, p50 ${percentile(raw.durations, 50).toFixed(1)} ms | ratio ${(rate / rawRate).toFixed(3)}`,
    );

    const token = await benchToken(db);
    await settle(db);
    const exportPath = `/api/collection/projects/${project.id}/forms/${encodeURIComponent(definition.formId)}/submissions.csv.zip`;
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const before = process.memoryUsage().rss;
    const [bytes, exportMs] = await timedExport(address, exportPath, token);
    clearInterval(sampler);
    const copy = await copyOut(db, url, form.form.id);
    console.log(
      `  CSV zip export ×${count} with repeats (this process)  ${exportFigures(count, exportMs, copy.ms)}; ${megabytes(bytes)} zip, COPY ${megabytes(copy.bytes)}; RSS ${megabytes(before)} → peak ${megabytes(peak)} (${load()})`,
    );
    if (url === null) {
      // PGlite keeps the database in this process: its memory is not the export's, only the ratio is.
      for (const size of pgliteSizes.filter((size) => size > count)) {
        await replicate(db, form.form.id, size);
        await settle(db);
        const [, ms] = await timedExport(address, exportPath, token);
        const copied = await copyOut(db, url, form.form.id);
        console.log(`  CSV zip export ×${size} (copies of the posted submissions, this process)  ${exportFigures(size, ms, copied.ms)} (${load()})`);
      }
      console.log('  CSV zip export memory: measured on PostgreSQL (PGlite keeps the database in this process)');
      return;
    }
    console.log(`  CSV zip export in a fresh server process (heap capped at ${CHILD_HEAP_MB} MB; goal ≤ 300 MB RSS, flat):`);
    console.log(`    ×${count}: ${exportInChild(url, exportPath, token, form.form.id, count)}`);
    for (const size of memorySizes.filter((size) => size > count)) {
      const started = performance.now();
      await replicate(db, form.form.id, size);
      await settle(db);
      console.log(`    ×${size} (copies of the posted submissions, made in ${((performance.now() - started) / 1000).toFixed(0)} s): ${exportInChild(url, exportPath, token, form.form.id, size)}`);
    }
  } finally {
    await app.close();
  }
}

/** An administrator's API token for the export (the bench reads as a person would). */
async function benchToken(db: Database): Promise<string> {
  const access = await import('../src/access/service.js');
  const email = `bench-${randomUUID()}@bench.liptako.org`;
  const user = await access.createUser(db, systemActor('bench'), {
    email,
    name: 'bench',
    password: 'correct horse battery staple 2021',
    organisationId: null,
    assignments: [{ role: 'administrator', scope: { kind: 'response' } }],
  });
  const { secret } = await access.issueToken(
    db,
    { kind: 'user', userId: user.id, email: user.email, name: user.name, language: 'fr', organisationId: null, assignments: [], via: 'system' },
    { name: 'bench', expiresInDays: 1 },
  );
  return secret;
}
