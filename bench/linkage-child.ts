/**
 * Duplicate detection over a registry already stored, in a fresh process (bench/linkage.ts starts
 * it): its kernel high-water mark (VmHWM, bench/memory.ts) is then detection's own peak, not the
 * storing's garbage nor, for PGlite, the initdb of a new data folder (some 840 MB of RSS before any
 * registration). Opens PostgreSQL at BENCH_CHILD_DATABASE_URL or the PGlite data folder
 * BENCH_CHILD_PGLITE_FOLDER, as a server opens its existing database; prints each phase, then one
 * line `result=<JSON>`.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { systemActor } from '../src/access/audit.js';
import { detectDuplicates } from '../src/assistance/service.js';
import { parseDataKeys, useDataKeys } from '../src/core/data-keys.js';
import { PgliteDatabase, PostgresDatabase, type Database } from '../src/core/db.js';
import { highWaterMark, megabytes, phasePrinter } from './memory.js';

const mb = megabytes;

async function main(): Promise<void> {
  useDataKeys(parseDataKeys(process.env.BENCH_CHILD_DATA_KEY ?? '', 'bench key'));
  const url = process.env.BENCH_CHILD_DATABASE_URL;
  const folder = process.env.BENCH_CHILD_PGLITE_FOLDER;
  if (!url && !folder) throw new Error('BENCH_CHILD_DATABASE_URL or BENCH_CHILD_PGLITE_FOLDER: the stored registry to open');
  const db: Database = url ? PostgresDatabase.open(url, { max: 4 }) : await PgliteDatabase.open(folder);
  // PGlite's own memory: its WebAssembly heap, which grows and never shrinks (an upper bound of what
  // the engine holds; the rest of the process is Node and Liptako). Emscripten's module type is not
  // installed: the one field read is typed here.
  const engineBytes = (): number | null => (db instanceof PgliteDatabase ? (db.pglite.Module as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer.byteLength : null);
  const engine = (): string => (engineBytes() === null ? '' : `, PGlite heap ${mb(engineBytes()!)}`);
  try {
    await db.query('SELECT 1');
    const before = process.memoryUsage.rss();
    const hwmBefore = highWaterMark();
    console.log(`    opened: RSS ${mb(before)}${engine()}${hwmBefore === null ? '' : `, high-water mark ${mb(hwmBefore)}`} (load ${loadavg()[0]!.toFixed(1)})`);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const onPhase = phasePrinter(engine);
    const result = await detectDuplicates(db, systemActor('bench'), { onPhase });
    const cpu = process.cpuUsage(cpuBefore);
    console.log(
      `result=${JSON.stringify({ result, detectMs: performance.now() - started, cpuSeconds: (cpu.user + cpu.system) / 1e6, hwm: highWaterMark(), before, engine: engineBytes(), load: loadavg() })}`,
    );
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
