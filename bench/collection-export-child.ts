/**
 * One CSV zip export in a fresh server process, then `COPY … TO` of the same rows, printing the
 * export's time, its peak resident memory and heap, and COPY's time: the collection benchmark runs
 * it over 100,000 and 1,000,000 submissions to show the export's memory does not grow with the
 * number of submissions and how it keeps up with COPY measured in the same run. The process serves
 * the real route and reads its own answer, throwing the bytes away as they come. It runs with a
 * capped heap: an export whose memory grew with the submissions would fail here, not only show a
 * bigger figure.
 */
import { highWaterMark } from './memory.js';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { PostgresDatabase } from '../src/core/db.js';
import { buildApp } from '../src/core/http.js';
import { MODULES } from '../src/modules.js';

/** The rows COPY writes: the export's submissions, their XML as received. */
export const copySelect = (formId: number): string =>
  `SELECT s.id, s.instance_id, s.root_instance_id, s.xml, s.received_at, s.review_state FROM collection_submission s WHERE s.form_id = ${formId} AND s.current ORDER BY s.id`;

export async function copyToStdout(url: string, formId: number): Promise<{ ms: number; bytes: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let bytes = 0;
    const copied = performance.now();
    for await (const chunk of client.query(copyTo(`COPY (${copySelect(formId)}) TO STDOUT WITH (FORMAT csv)`)) as AsyncIterable<Buffer>) bytes += chunk.length;
    return { ms: performance.now() - copied, bytes };
  } finally {
    await client.end();
  }
}

/** One export over HTTP, its bytes read and thrown away: its size and time (ms). */
export async function timedExport(address: string, exportPath: string, token: string): Promise<[number, number]> {
  const started = performance.now();
  const response = await fetch(`${address}${exportPath}`, { headers: { authorization: `Bearer ${token}` } });
  let bytes = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  if (response.status !== 200) throw new Error(`export: ${response.status}`);
  return [bytes, performance.now() - started];
}

async function main(): Promise<void> {
  const [exportPath, token, formId] = process.argv.slice(2) as [string, string, string];
  const url = process.env.BENCH_CHILD_DATABASE_URL!;
  const db = PostgresDatabase.open(url, { max: 4 });
  const app = await buildApp({ db, modules: MODULES, logLevel: false, webRoot: null });
  try {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    let heapPeak = 0;
    let rssPeak = 0;
    const sampler = setInterval(() => {
      const memory = process.memoryUsage();
      heapPeak = Math.max(heapPeak, memory.heapUsed);
      rssPeak = Math.max(rssPeak, memory.rss);
    }, 100);
    const [bytes, ms] = await timedExport(address, exportPath, token).finally(() => clearInterval(sampler));
    // VmHWM, this process's own peak: resourceUsage().maxRSS carries the RSS of the parent it was
    // forked from (1.5 GB after the PGlite part of the bench), which hid the export's own figure.
    const maxRss = (highWaterMark() ?? rssPeak) / 1024;
    const copy = await copyToStdout(url, Number(formId));
    console.log(`bytes=${bytes} ms=${Math.round(ms)} maxRssMb=${Math.round(maxRss / 1024)} heapPeakMb=${Math.round(heapPeak / 1024 / 1024)} copyMs=${Math.round(copy.ms)} copyBytes=${copy.bytes}`);
  } finally {
    await app.close();
    await db.close();
  }
}

// Imported by bench/collection.ts for copyToStdout and timedExport; run as a child process for the export.
if (process.argv[1]?.endsWith('collection-export-child.ts')) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
