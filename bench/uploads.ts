/**
 * Upload memory: peak RSS of the built server while four 200 MB round files are uploaded at
 * once over loopback (two people, two uploads each: the most the per-person allowance lets
 * through). Uploads are stored part by part as they arrive, so the peak should stay far below
 * the bodies' size (goal: under 400 MB). RSS is read from /proc/<pid>/status (VmRSS sampled
 * every 50 ms, VmHWM the kernel's own high-water mark), before the uploads and during them.
 * Memory, unlike time, is hardly moved by a busy machine.
 *
 * Run by `npm run bench` (BENCH_ONLY=uploads for this one alone; BENCH_UPLOAD_MB and
 * BENCH_UPLOADS change the size and count). Needs `npm run build`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { systemActor } from '../src/access/audit.js';
import * as access from '../src/access/service.js';
import { PgliteDatabase, PostgresDatabase, type Database } from '../src/core/db.js';
import { migrate } from '../src/core/migrate.js';
import { createScratchDatabase } from '../test/faults/server.js';
import { builtAppPresent, launchServer } from '../test/support/server.js';

const HEADER = 'Admin1 Pcode,Admin2 Pcode,Location code,Location name,Population group,Households,Individuals,Females,Males,Reason,Origin Admin1 Pcode,Assessment date\n';

/** A generated round file of exactly `bytes` bytes, produced as it is sent (never whole in the bench either). */
function roundFileStream(bytes: number, seed: number): Readable {
  let sent = 0;
  let row = 0;
  return new Readable({
    read() {
      if (sent >= bytes) {
        this.push(null);
        return;
      }
      let chunk = sent === 0 ? HEADER : '';
      while (chunk.length < 64 * 1024) {
        row += 1;
        const admin2 = `ML05${String((row * 7 + seed) % 100).padStart(2, '0')}`;
        const individuals = (row * 7919 + seed) % 5000;
        chunk += `ML05,${admin2},L${seed}-${row},Site ${row},idp,${Math.ceil(individuals / 6)},${individuals},${Math.floor(individuals / 2)},${Math.ceil(individuals / 2)},conflict,ML06,2021-03-31\n`;
      }
      const buffer = Buffer.from(chunk).subarray(0, bytes - sent);
      sent += buffer.length;
      this.push(buffer);
    },
  });
}

function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
}

const MB = (bytes: number): string => `${Math.round(bytes / (1024 * 1024))} MB`;

/** Two people who may import DTM rounds, each with an API token. */
async function uploaders(db: Database): Promise<string[]> {
  await migrate(db);
  const tokens: string[] = [];
  for (const index of [1, 2]) {
    const user = await access.createUser(db, systemActor('bench'), {
      email: `uploader${index}@bench.liptako.org`,
      name: `Uploader ${index}`,
      password: 'correct horse battery staple 2021',
      organisationId: null,
      assignments: [{ role: 'im-officer', scope: { kind: 'response' } }],
    });
    const { secret } = await access.issueToken(
      db,
      { kind: 'user', userId: user.id, email: user.email, name: user.name, language: 'en', organisationId: null, assignments: [], via: 'system' },
      { name: 'bench', expiresInDays: 1 },
    );
    tokens.push(secret);
  }
  return tokens;
}

function upload(base: URL, token: string, bytes: number, seed: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      new URL(`/api/dtm/uploads?fileName=bench-upload-${seed}.csv`, base),
      { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'content-length': String(bytes) } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    roundFileStream(bytes, seed).pipe(request);
  });
}

export async function benchUploads(database: 'pglite' | 'postgres', postgresUrl: string | null): Promise<void> {
  if (!builtAppPresent()) {
    console.log('  upload memory      skipped: run `npm run build` first (the benchmark starts the built server)');
    return;
  }
  const sizeMb = Number(process.env.BENCH_UPLOAD_MB ?? 200);
  const count = Number(process.env.BENCH_UPLOADS ?? 4);
  const bytes = sizeMb * 1024 * 1024;
  const cleanup: Array<() => Promise<void> | void> = [];
  try {
    let launch: Parameters<typeof launchServer>[0];
    let tokens: string[];
    if (database === 'postgres') {
      const scratch = await createScratchDatabase(postgresUrl!, 'liptako_bench_uploads');
      cleanup.push(() => scratch.drop());
      const db = PostgresDatabase.open(scratch.url, { max: 1 });
      try {
        tokens = await uploaders(db);
      } finally {
        await db.close();
      }
      launch = { command: 'serve', runtime: 'built', databaseUrl: scratch.url };
    } else {
      const folder = mkdtempSync(path.join(os.tmpdir(), 'liptako-bench-uploads-'));
      cleanup.push(() => rmSync(folder, { recursive: true, force: true }));
      const dataDir = path.join(folder, 'data');
      const db = await PgliteDatabase.open(dataDir);
      try {
        tokens = await uploaders(db);
      } finally {
        await db.close();
      }
      launch = { command: 'serve', runtime: 'built', dataDir };
    }
    const server = await launchServer({ ...launch, env: { LOG_LEVEL: 'warn' } });
    cleanup.push(() => server.stop());
    const base = new URL(server.url);
    // A few ordinary requests first, so "before" is a server that has served, not a cold one.
    for (let index = 0; index < 20; index += 1) await fetch(`${server.url}/api/health`).then((response) => response.arrayBuffer());
    const before = memoryOf(server.pid);
    let peakRss = before.rss;
    const sampler = setInterval(() => {
      try {
        peakRss = Math.max(peakRss, memoryOf(server.pid).rss);
      } catch {
        // the process ended; the uploads will say why
      }
    }, 50);
    const started = performance.now();
    let results: Array<{ status: number; body: string }>;
    try {
      results = await Promise.all(Array.from({ length: count }, (_, index) => upload(base, tokens[index % tokens.length]!, bytes, index + 1)));
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - started) / 1000;
    const after = memoryOf(server.pid);
    peakRss = Math.max(peakRss, after.rss);
    const statuses = results.map((result) => result.status);
    const failed = results.find((result) => result.status !== 201);
    console.log(
      `  upload memory      ${count} × ${sizeMb} MB at once: RSS ${MB(before.rss)} before (peak since start ${MB(before.hwm)}) → peak ${MB(peakRss)} during (VmHWM ${MB(after.hwm)}); goal < 400 MB` +
        `   ${seconds.toFixed(1)} s, statuses ${statuses.join(',')}   load average ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}`,
    );
    if (failed !== undefined) console.log(`    an upload failed: ${failed.status} ${failed.body.slice(0, 300)}`);
  } finally {
    for (const step of cleanup.reverse()) await step();
  }
}
