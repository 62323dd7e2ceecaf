/**
 * Field collection benchmarks (`npm run bench`, BENCH_ONLY=collection for these alone):
 * - Submissions: BENCH_COLLECTION_SUBMISSIONS (default 20,000) generated submissions of the demo
 *   site form (with a repeat) posted as multipart by 20 concurrent clients over loopback to the
 *   real server, p50/p95 per submission and submissions/s, against a raw INSERT of the same XML
 *   into a bare table by the same 20 clients, in the same run.
 * - Export: the CSV zip of those submissions over HTTP (time, peak RSS of the process), against
 *   one SELECT of the same rows' XML, in the same run.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { systemActor } from '../src/access/audit.js';
import * as collection from '../src/collection/service.js';
import type { Database } from '../src/core/db.js';
import { buildApp } from '../src/core/http.js';
import { DEMO_SITE_FORM, siteSubmissionXml } from '../src/demo/collection-demo.js';
import { MODULES } from '../src/modules.js';

const CLIENTS = 20;

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

function submissionXml(index: number): string {
  return siteSubmissionXml({
    instanceId: `uuid:${randomUUID()}`,
    siteName: `Site ${index}`,
    admin2: 'ML0501',
    siteType: 'spontaneous',
    households: 10 + (index % 500),
    individuals: 60 + (index % 3000),
    location: '14.35 -3.61 300 5',
    photo: null,
    needs: [
      { priority: 'water', people: index % 700 },
      { priority: 'food', people: index % 300 },
    ],
    start: '2021-05-10T09:00:00.000Z',
  });
}

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

export async function benchCollection(db: Database): Promise<void> {
  const count = Number(process.env.BENCH_COLLECTION_SUBMISSIONS ?? 20_000);
  const actor = systemActor('bench');
  const project = await collection.createProject(db, actor, { name: `Bench ${randomUUID()}`, country: 'ML' });
  const form = await collection.uploadForm(db, actor, project.id, { bytes: Buffer.from(DEMO_SITE_FORM), publish: true });
  const phone = await collection.createAppUser(db, actor, project.id, { name: 'bench phone', formIds: [form.form.id] }, '');
  const app = await buildApp({ db, modules: MODULES, logLevel: false, webRoot: null });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const xmls = Array.from({ length: count }, (_, index) => submissionXml(index));
    const posts = await concurrently(count, async (index) => {
      const body = new FormData();
      body.append('xml_submission_file', new Blob([xmls[index]!], { type: 'text/xml' }), 'submission.xml');
      const response = await fetch(`${address}${phone.serverUrl}/submission`, { method: 'POST', body, headers: { 'x-openrosa-version': '1.0' } });
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`submission ${index}: ${response.status}`);
    });
    await db.exec('CREATE TABLE IF NOT EXISTS bench_raw_submission (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, instance_id text UNIQUE, xml text)');
    const raw = await concurrently(count, async (index) => {
      await db.query('INSERT INTO bench_raw_submission (instance_id, xml) VALUES ($1, $2)', [`raw-${index}`, xmls[index]]);
    });
    const rate = (count / posts.wallMs) * 1000;
    const rawRate = (count / raw.wallMs) * 1000;
    console.log(
      `  Submissions ×${count} (${CLIENTS} clients, loopback)  ${rate.toFixed(0)}/s, p50 ${percentile(posts.durations, 50).toFixed(1)} ms, p95 ${percentile(posts.durations, 95).toFixed(1)} ms` +
        ` | raw INSERT ${rawRate.toFixed(0)}/s, p50 ${percentile(raw.durations, 50).toFixed(1)} ms | ratio ${(rate / rawRate).toFixed(3)}`,
    );

    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const before = process.memoryUsage().rss;
    const exportStarted = performance.now();
    const response = await fetch(`${address}/api/collection/projects/${project.id}/forms/suivi_sites_demo/submissions.csv.zip`, {
      headers: { authorization: `Bearer ${await benchToken(db)}` },
    });
    let bytes = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    const exportMs = performance.now() - exportStarted;
    clearInterval(sampler);
    if (response.status !== 200) throw new Error(`export: ${response.status}`);
    const selectStarted = performance.now();
    const rows = await db.query<{ xml: string }>('SELECT xml FROM collection_submission WHERE form_id = $1 AND current', [form.form.id]);
    const selectMs = performance.now() - selectStarted;
    console.log(
      `  CSV zip export ×${rows.length}  ${(exportMs / 1000).toFixed(2)} s (${(bytes / 1024 / 1024).toFixed(1)} MB zip), process RSS ${(before / 1024 / 1024).toFixed(0)} → peak ${(peak / 1024 / 1024).toFixed(0)} MB` +
        ` | one SELECT of the same XML ${(selectMs / 1000).toFixed(2)} s | ratio ${(selectMs / exportMs).toFixed(3)}`,
    );
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
