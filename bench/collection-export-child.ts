/**
 * One CSV zip export in a fresh server process, printing its peak resident memory: the collection
 * benchmark runs it over 100,000 and 1,000,000 submissions to show the export's memory does not
 * grow with the number of submissions. The process serves the real route and reads its own
 * answer, throwing the bytes away as they come. It runs with a capped heap: an export whose
 * memory grew with the submissions would fail here, not only show a bigger figure.
 */
import { PostgresDatabase } from '../src/core/db.js';
import { buildApp } from '../src/core/http.js';
import { MODULES } from '../src/modules.js';

async function main(): Promise<void> {
  const [exportPath, token] = process.argv.slice(2) as [string, string];
  const db = PostgresDatabase.open(process.env.BENCH_CHILD_DATABASE_URL!, { max: 4 });
  const app = await buildApp({ db, modules: MODULES, logLevel: false, webRoot: null });
  try {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    let heapPeak = 0;
    const sampler = setInterval(() => {
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }, 100);
    const started = performance.now();
    const response = await fetch(`${address}${exportPath}`, { headers: { authorization: `Bearer ${token}` } });
    let bytes = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    clearInterval(sampler);
    if (response.status !== 200) throw new Error(`export: ${response.status}`);
    console.log(`bytes=${bytes} ms=${Math.round(performance.now() - started)} maxRssMb=${Math.round(process.resourceUsage().maxRSS / 1024)} heapPeakMb=${Math.round(heapPeak / 1024 / 1024)}`);
  } finally {
    await app.close();
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
