/**
 * Field collection benchmarks (`npm run bench`, BENCH_ONLY=collection for these alone), on the
 * REACH MSNA form (../shared/data/xlsforms, converted by the product's XLSForm converter; the
 * demo site form when that folder is absent):
 * - Submissions: BENCH_COLLECTION_SUBMISSIONS (default 100,000) synthetic submissions
 *   (bench/form-submissions.ts) posted as multipart by 20 concurrent clients over loopback to the
 *   real server, p50/p95 per submission and submissions/s, against a raw INSERT of the same XML
 *   into a bare table by the same 20 clients, in the same run.
 * - Export: the CSV zip of those submissions and their repeats over HTTP, against `COPY … TO` of
 *   the same rows, in the same run (goal ≥ 0.2 × COPY).
 * - Export memory (PostgreSQL; PGlite keeps the whole database inside the process): peak RSS of
 *   a fresh server process exporting, at the posted count and at each size of
 *   BENCH_COLLECTION_MEMORY_SUBMISSIONS (default 1,000,000; rows copied in SQL from the posted
 *   ones). Goal ≤ 300 MB, flat.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { systemActor } from '../src/access/audit.js';
import * as collection from '../src/collection/service.js';
import { readXForm } from '../src/collection/xform.js';
import { convertXlsForm } from '../src/collection/xlsform.js';
import { PgliteDatabase, type Database } from '../src/core/db.js';
import { buildApp } from '../src/core/http.js';
import { DEMO_SITE_FORM } from '../src/demo/collection-demo.js';
import { MODULES } from '../src/modules.js';
import { submissionShape, syntheticSubmission } from './form-submissions.js';

const CLIENTS = 20;
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
  const select = `SELECT s.id, s.instance_id, s.root_instance_id, s.xml, s.received_at, s.review_state FROM collection_submission s WHERE s.form_id = ${formId} AND s.current ORDER BY s.id`;
  const started = performance.now();
  if (db instanceof PgliteDatabase) {
    const result = await db.pglite.query(`COPY (${select}) TO '/dev/blob' WITH (FORMAT csv)`);
    return { ms: performance.now() - started, bytes: result.blob?.size ?? 0 };
  }
  const client = new pg.Client({ connectionString: url! });
  await client.connect();
  try {
    let bytes = 0;
    const copied = performance.now();
    for await (const chunk of client.query(copyTo(`COPY (${select}) TO STDOUT WITH (FORMAT csv)`)) as AsyncIterable<Buffer>) bytes += chunk.length;
    return { ms: performance.now() - copied, bytes };
  } finally {
    await client.end();
  }
}

/** Peak RSS of the export served by a fresh process (bench/collection-export-child.ts). */
function exportInChild(url: string, exportPath: string, token: string): string {
  const child = spawnSync(process.execPath, [`--max-old-space-size=${CHILD_HEAP_MB}`, '--import', 'tsx', path.join(import.meta.dirname, 'collection-export-child.ts'), exportPath, token], {
    env: { ...process.env, BENCH_CHILD_DATABASE_URL: url },
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const match = /bytes=(\d+) ms=(\d+) maxRssMb=(\d+) heapPeakMb=(\d+)/.exec(child.stdout);
  if (match === null) return `failed (${child.stderr.slice(-300)})`;
  return `peak RSS ${match[3]} MB, heap ${match[4]} MB (${(Number(match[2]) / 1000).toFixed(1)} s, ${megabytes(Number(match[1]))} zip)`;
}

/** Grows the form's submissions to `target` by copying the posted ones in SQL (new instance ids). */
async function replicate(db: Database, formId: number, target: number): Promise<number> {
  const [{ count }] = (await db.query<{ count: number }>('SELECT count(*)::int AS count FROM collection_submission WHERE form_id = $1 AND current', [formId])) as [{ count: number }];
  if (count >= target) return count;
  const copies = Math.ceil((target - count) / count);
  for (let copy = 1; copy <= copies; copy++) {
    await db.query(
      `INSERT INTO collection_submission (form_id, form_version_id, version, instance_id, root_instance_id, instance_name, xml, xml_sha256, device_id, app_user_id, submitted_by, received_at, review_state, answers)
       SELECT form_id, form_version_id, version, instance_id || '-copy' || $2::text, root_instance_id || '-copy' || $2::text, instance_name, xml, xml_sha256, device_id, app_user_id, submitted_by, received_at, review_state, answers
         FROM collection_submission WHERE form_id = $1 AND current AND instance_id NOT LIKE '%-copy%' ORDER BY id LIMIT $3`,
      [formId, copy, Math.min(count, target - count * copy)],
    );
  }
  return target;
}

export async function benchCollection(db: Database, url: string | null = null): Promise<void> {
  const count = Number(process.env.BENCH_COLLECTION_SUBMISSIONS ?? 100_000);
  const memorySizes = (process.env.BENCH_COLLECTION_MEMORY_SUBMISSIONS ?? '1000000').split(',').map(Number).filter((size) => size > 0);
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
    const exportPath = `/api/collection/projects/${project.id}/forms/${encodeURIComponent(definition.formId)}/submissions.csv.zip`;
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const before = process.memoryUsage().rss;
    const exportStarted = performance.now();
    const response = await fetch(`${address}${exportPath}`, { headers: { authorization: `Bearer ${token}` } });
    let bytes = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    const exportMs = performance.now() - exportStarted;
    clearInterval(sampler);
    if (response.status !== 200) throw new Error(`export: ${response.status}`);
    const copy = await copyOut(db, url, form.form.id);
    console.log(
      `  CSV zip export ×${count} with repeats  ${(exportMs / 1000).toFixed(2)} s (${megabytes(bytes)} zip), this process's RSS ${megabytes(before)} → peak ${megabytes(peak)}` +
        ` | COPY … TO of the same rows ${(copy.ms / 1000).toFixed(2)} s (${megabytes(copy.bytes)}) | ratio ${(copy.ms / exportMs).toFixed(3)} (goal ≥ 0.2)`,
    );
    if (url === null) {
      console.log('  CSV zip export memory: measured on PostgreSQL (PGlite keeps the database in this process)');
      return;
    }
    const figures = [`${count} → ${exportInChild(url, exportPath, token)}`];
    for (const size of memorySizes.filter((size) => size > count)) {
      await replicate(db, form.form.id, size);
      figures.push(`${size} → ${exportInChild(url, exportPath, token)}`);
    }
    console.log(`  CSV zip export memory (fresh server process, heap capped at ${CHILD_HEAP_MB} MB; goal ≤ 300 MB RSS, flat): ${figures.join('; ')}`);
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
