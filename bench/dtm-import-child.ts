/**
 * One DTM import in a fresh process, printing its peak resident memory and peak JavaScript heap:
 * `npm run bench` runs it with a capped heap for files of different sizes, to show memory stays
 * flat as the file grows. The file is sent as an HTTP upload is, in pieces from disk, so what is
 * measured is the import's own memory, not a copy of the file held by the benchmark.
 */
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PgliteDatabase, PostgresDatabase, type Database } from '../src/core/db.js';
import { migrate } from '../src/core/migrate.js';
import { importUpload, prepareOperation } from './dtm.js';
import { receiveRoundFile } from '../src/displacement/dtm-uploads.js';
import { BENCH, MALI } from './dtm.js';
import { highWaterMark } from './memory.js';

async function main(): Promise<void> {
  const file = process.argv[2]!;
  const url = process.env.BENCH_CHILD_DATABASE_URL;
  // PGlite in a data folder, as a country office's laptop runs it: in memory, every table would be
  // in the process's RSS and the figure would measure the database's size, not the import.
  const folder = url ? null : mkdtempSync(path.join(os.tmpdir(), 'liptako-dtm-child-'));
  const db: Database = url ? PostgresDatabase.open(url, { max: 2 }) : await PgliteDatabase.open(folder!);
  // Sampled rather than read once at the end: the heap shrinks after a collection, RSS does not always show it.
  let peakHeap = 0;
  let peakRss = 0;
  const sample = (): void => {
    const memory = process.memoryUsage();
    peakHeap = Math.max(peakHeap, memory.heapUsed);
    peakRss = Math.max(peakRss, memory.rss);
  };
  const sampler = setInterval(sample, 20);
  try {
    await migrate(db);
    await prepareOperation(db);
    if (statSync(file).size === 0) throw new Error('empty bench file');
    // What the process holds before the import (the code, PGlite's WASM instance): the import's own share is the rest.
    const baseRss = process.memoryUsage.rss();
    const upload = await receiveRoundFile(db, createReadStream(file), { fileName: 'bench-1.csv', actor: BENCH, operation: MALI.code });
    await importUpload(db, upload, 1);
    sample();
    // The kernel's high-water mark of this process (bench/memory.ts: not resourceUsage().maxRSS, which
    // carries the parent's RSS); the 20 ms samples where there is no /proc.
    const maxRss = highWaterMark() ?? peakRss;
    console.log(`maxRssMb=${Math.round(maxRss / 1024 / 1024)} peakHeapUsedMb=${Math.round(peakHeap / 1024 / 1024)} rssBeforeImportMb=${Math.round(baseRss / 1024 / 1024)}`);
  } finally {
    clearInterval(sampler);
    await db.close();
    if (folder !== null) rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
