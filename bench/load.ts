/**
 * Load test (`npm run test:load`): the built server under many concurrent clients, on loopback
 * only, bounded in time and in requests, stopping by itself.
 *
 * For each database (PGlite in a temporary folder; PostgreSQL in a scratch database created and
 * dropped on the server of LOAD_DATABASE_URL or TEST_DATABASE_URL, when one is set) it starts
 * `node bin/liptako.js start` (migrations, demo data) on a free port, signs in demo accounts,
 * then runs LOAD_CLIENTS clients (default 100) for LOAD_SECONDS (default 30) against the DTM
 * dashboard, the plans and the public APIs, one request at a time each, while an IM officer
 * uploads and imports a small generated DTM round file again and again, each time as a new
 * round. It prints requests/s, p50/p95/p99 latency overall and per endpoint, and every error
 * (non-2xx, timeout, network) with its count; it exits non-zero if there was any error.
 *
 * Settings (environment): LOAD_SECONDS, LOAD_CLIENTS, LOAD_DATABASES (`pglite`, `postgres` or
 * `pglite,postgres`; default both when a database URL is set, else PGlite), LOAD_DATABASE_URL,
 * LOAD_MAX_REQUESTS (default 1,000,000), LOAD_TIMEOUT_MS (per request, default 10,000),
 * LOAD_SESSIONS (clients signed in with a session cookie, default 10; the others are anonymous,
 * as public-API callers and visitors are), LOAD_IMPORTERS (default 1), LOAD_IMPORT_ROWS (default
 * 300), LOAD_ACCEPT_ENCODING (default `gzip, deflate, br`, as a browser sends), LOAD_THINK_MS
 * (a pause between one client's requests; default 0: each client asks again as soon as it is
 * answered, so 100 clients keep 100 requests in flight, a harsher load than 100 people reading),
 * LOAD_SERVER_NODE_ARGS (options for the server's node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`),
 * LOAD_PROCESSES (PostgreSQL only, default 1: that many server processes on the one database, the
 * clients spread over them in turn as a round-robin proxy would; docs/scaling.md).
 *
 * Before the load, each endpoint is asked alone, one request at a time (a first request, then 20
 * more): what one caller waits on an idle server.
 *
 * The goal stated in issue 6: zero errors and p99 ≤ 250 ms on PostgreSQL on a 2-core machine. The
 * clients run on the same machine as the server and compete with it for the CPU.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { demoOperation } from '../src/demo/dtm-geography.js';
import { generateBenchRound } from '../src/demo/dtm-generator.js';
import { writeRoundCsv } from '../src/demo/round-file.js';
import { createScratchDatabase } from '../test/faults/server.js';
import { builtAppPresent, launchServer, type LaunchedServer } from '../test/support/server.js';

// ---- settings ------------------------------------------------------------------------------------

function setting(name: string, fallback: number, minimum = 1): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < minimum) throw new Error(`${name} must be a number ≥ ${minimum}, not "${raw}"`);
  return value;
}

const SECONDS = setting('LOAD_SECONDS', 30);
const CLIENTS = Math.floor(setting('LOAD_CLIENTS', 100));
const MAX_REQUESTS = Math.floor(setting('LOAD_MAX_REQUESTS', 1_000_000));
const TIMEOUT_MS = setting('LOAD_TIMEOUT_MS', 10_000);
const SESSIONS = Math.min(CLIENTS, Math.floor(setting('LOAD_SESSIONS', 10, 0)));
const IMPORTERS = Math.floor(setting('LOAD_IMPORTERS', 1, 0));
const IMPORT_ROWS = Math.floor(setting('LOAD_IMPORT_ROWS', 300));
const ACCEPT_ENCODING = process.env.LOAD_ACCEPT_ENCODING ?? 'gzip, deflate, br';
const THINK_MS = setting('LOAD_THINK_MS', 0, 0);
/** Options for the server's node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where its time goes. */
const SERVER_NODE_ARGS = process.env.LOAD_SERVER_NODE_ARGS?.trim().split(/\s+/) ?? [];
const DATABASE_URL = process.env.LOAD_DATABASE_URL?.trim() || process.env.TEST_DATABASE_URL?.trim() || null;
/** Server processes on one PostgreSQL database; PGlite is one process per data folder. */
const PROCESSES = Math.floor(setting('LOAD_PROCESSES', 1));
const DATABASES = (process.env.LOAD_DATABASES?.trim() || (DATABASE_URL ? 'pglite,postgres' : 'pglite')).split(',').map((kind) => kind.trim());
/** After the run, how long in-flight requests and the last import may take before being abandoned. */
const DRAIN_MS = 120_000;

const OPERATION = demoOperation('MLI-CONFLICT');
const PLAN = 'IOM-CSAHEL-2021';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '']);

// ---- one HTTP exchange -----------------------------------------------------------------------------

interface Exchange {
  status: number;
  body: Buffer;
  headers: http.IncomingHttpHeaders;
}

class TimedOut extends Error {}

function exchange(
  agent: http.Agent,
  base: URL,
  method: string,
  url: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number } = {},
): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body);
    const request = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method,
        path: url,
        headers: { ...(body === undefined ? {} : { 'content-length': String(body.length) }), ...options.headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks), headers: response.headers });
        });
        response.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      },
    );
    const timer = setTimeout(() => request.destroy(new TimedOut(`no answer within ${options.timeoutMs ?? TIMEOUT_MS} ms`)), options.timeoutMs ?? TIMEOUT_MS);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(body);
  });
}

function json<T>(result: Exchange, what: string, expected: number): T {
  if (result.status !== expected) throw new Error(`${what}: HTTP ${result.status} ${result.body.toString('utf8').slice(0, 500)}`);
  return JSON.parse(result.body.toString('utf8')) as T;
}

// ---- what is measured ------------------------------------------------------------------------------

type Outcome = number | 'timeout' | 'network';

class Recorder {
  readonly latencies = new Map<string, number[]>();
  readonly bytes = new Map<string, number>();
  readonly errors = new Map<string, number>();
  readonly examples = new Map<string, string>();
  requests = 0;

  record(endpoint: string, ms: number, outcome: Outcome, detail?: string, bytes = 0): void {
    this.requests += 1;
    this.bytes.set(endpoint, (this.bytes.get(endpoint) ?? 0) + bytes);
    let list = this.latencies.get(endpoint);
    if (list === undefined) this.latencies.set(endpoint, (list = []));
    list.push(ms);
    const ok = typeof outcome === 'number' && outcome >= 200 && outcome < 300;
    if (!ok) {
      const key = `${endpoint} → ${outcome}`;
      this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
      if (!this.examples.has(key) && detail !== undefined) this.examples.set(key, detail.slice(0, 300));
    }
  }

  /** A failure that is not one request (an import job that did not succeed). */
  fail(what: string, detail: string): void {
    this.errors.set(what, (this.errors.get(what) ?? 0) + 1);
    if (!this.examples.has(what)) this.examples.set(what, detail.slice(0, 300));
  }

  errorCount(): number {
    return [...this.errors.values()].reduce((sum, count) => sum + count, 0);
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function timed(recorder: Recorder, endpoint: string, work: () => Promise<Exchange>): Promise<Exchange | null> {
  const started = performance.now();
  try {
    const result = await work();
    recorder.record(endpoint, performance.now() - started, result.status, result.status >= 300 ? result.body.toString('utf8') : undefined, result.body.length);
    return result;
  } catch (error) {
    const outcome = error instanceof TimedOut ? 'timeout' : 'network';
    recorder.record(endpoint, performance.now() - started, outcome, String(error));
    return null;
  }
}

// ---- the run ---------------------------------------------------------------------------------------

interface Endpoint {
  name: string;
  url: string;
}

function endpoints(admin2: string): Endpoint[] {
  const dtm = `/api/dtm/operations/${OPERATION.code}`;
  return [
    { name: 'dtm operations', url: '/api/dtm/operations' },
    { name: 'dtm summary', url: `${dtm}/summary` },
    { name: 'dtm admin level 1', url: `${dtm}/admin?level=1` },
    { name: 'dtm admin level 2', url: `${dtm}/admin?level=2` },
    { name: 'dtm trend', url: `${dtm}/trend` },
    { name: 'dtm locations', url: `${dtm}/locations?admin2=${encodeURIComponent(admin2)}` },
    { name: 'plans', url: '/api/plans' },
    { name: 'plan', url: `/api/plans/${PLAN}` },
    { name: 'hapi funding', url: '/hapi/v2/coordination-context/funding' },
    { name: 'hapi idps', url: '/hapi/v2/affected-people/idps?limit=100' },
    { name: 'dtm v3 admin1', url: `/dtm/v3/displacement/admin1?Operation=${encodeURIComponent(OPERATION.name)}` },
  ];
}

const DEMO_READERS = [
  { email: 'viewer@demo.liptako.org', password: 'demo-Lecture-Seule-2021' },
  { email: 'manager@demo.liptako.org', password: 'demo-Budget-Objectifs-2021' },
  { email: 'admin@demo.liptako.org', password: 'demo-Direction-Sahel-2021' },
];
const IM_OFFICER = { email: 'im.mali@demo.liptako.org', password: 'demo-IM-Mopti-2021' };

async function signIn(agent: http.Agent, base: URL, account: { email: string; password: string }): Promise<{ cookie: string; csrf: string }> {
  const result = await exchange(agent, base, 'POST', '/api/auth/sign-in', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
    timeoutMs: 60_000,
  });
  const body = json<{ csrfToken: string }>(result, `sign in ${account.email}`, 200);
  const setCookie = result.headers['set-cookie']?.find((cookie) => cookie.startsWith('liptako_session='));
  if (setCookie === undefined) throw new Error(`sign in ${account.email}: no session cookie`);
  return { cookie: setCookie.split(';')[0]!, csrf: body.csrfToken };
}

/** An API token for the IM officer (imports), created through a session as the web app would. */
async function importToken(agent: http.Agent, base: URL): Promise<string> {
  const session = await signIn(agent, base, IM_OFFICER);
  const result = await exchange(agent, base, 'POST', '/api/tokens', {
    headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrf },
    body: JSON.stringify({ name: 'load test', expiresInDays: 1, password: IM_OFFICER.password }),
    timeoutMs: 60_000,
  });
  return json<{ secret: string }>(result, 'create an API token', 201).secret;
}

function roundFile(round: number): string {
  const rows = generateBenchRound(round, IMPORT_ROWS, { errorRate: 0 });
  return [...writeRoundCsv(rows, { ageRanges: OPERATION.ageRanges, style: 'en', hxl: false })].join('');
}

function dayAfter(start: string, days: number): string {
  return new Date(Date.parse(`${start}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

interface ImportStats {
  started: number;
  succeeded: number;
  jobMs: number[];
}

async function importer(agent: http.Agent, base: URL, token: string, recorder: Recorder, firstRound: number, step: number, until: () => boolean, stats: ImportStats): Promise<void> {
  const auth = { authorization: `Bearer ${token}` };
  for (let round = firstRound; !until() && round <= 10_000; round += step) {
    stats.started += 1;
    const started = performance.now();
    const uploaded = await timed(recorder, 'import: upload', () =>
      exchange(agent, base, 'POST', `/api/dtm/uploads?fileName=load-r${round}.csv&operation=${OPERATION.code}`, {
        headers: { ...auth, 'content-type': 'text/csv' },
        body: roundFile(round),
      }),
    );
    if (uploaded === null || uploaded.status !== 201) continue;
    const upload = (JSON.parse(uploaded.body.toString('utf8')) as { upload: { id: number; sheets: Array<{ mapping: Record<string, string | null> }> } }).upload;
    const reference = dayAfter('2022-01-01', round - firstRound);
    const begun = await timed(recorder, 'import: start', () =>
      exchange(agent, base, 'POST', `/api/dtm/uploads/${upload.id}/import`, {
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          operation: OPERATION.code,
          roundNumber: round,
          assessmentType: 'SA',
          referenceDate: reference,
          collectionStart: dayAfter(reference, -20),
          collectionEnd: reference,
          mapping: upload.sheets[0]?.mapping,
        }),
      }),
    );
    if (begun === null || begun.status !== 202) continue;
    let job = (JSON.parse(begun.body.toString('utf8')) as { job: { id: number; status: string; message: string | null } }).job;
    const deadline = Date.now() + DRAIN_MS;
    while (job.status === 'running' || job.status === 'queued') {
      if (Date.now() > deadline) {
        recorder.fail('import: job', `job ${job.id} still ${job.status} after ${DRAIN_MS} ms`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      const polled = await timed(recorder, 'import: job status', () => exchange(agent, base, 'GET', `/api/dtm/jobs/${job.id}`, { headers: auth }));
      if (polled !== null && polled.status === 200) job = (JSON.parse(polled.body.toString('utf8')) as { job: typeof job }).job;
    }
    if (job.status === 'succeeded') {
      stats.succeeded += 1;
      stats.jobMs.push(performance.now() - started);
    } else {
      recorder.fail(`import: job ${job.status}`, `round ${round}: ${job.message ?? ''}`);
    }
  }
}

async function reader(agent: http.Agent, base: URL, list: readonly Endpoint[], client: number, headers: Record<string, string>, recorder: Recorder, until: () => boolean): Promise<void> {
  // Each client starts at a different place in the list, so every endpoint is always being asked.
  for (let index = client; !until(); index += 1) {
    const endpoint = list[index % list.length]!;
    await timed(recorder, endpoint.name, () => exchange(agent, base, 'GET', endpoint.url, { headers }));
    if (THINK_MS > 0) await new Promise((resolve) => setTimeout(resolve, THINK_MS));
  }
}

interface RunReport {
  database: string;
  processes: number;
  seconds: number;
  recorder: Recorder;
  /** Each endpoint asked alone on the idle server, before the load. */
  alone: Recorder;
  imports: ImportStats;
  startupSeconds: number;
  /** The machine's load average (1 minute) just before the clients started. */
  loadBefore: number;
}

/** Each endpoint asked alone, anonymously, one request at a time: a first request, then `repeats` more. */
async function askAlone(agent: http.Agent, base: URL, list: readonly Endpoint[], repeats: number): Promise<Recorder> {
  const alone = new Recorder();
  const headers = { 'accept-encoding': ACCEPT_ENCODING, 'accept-language': 'fr' };
  for (const endpoint of list) {
    await timed(alone, `${endpoint.name} (first)`, () => exchange(agent, base, 'GET', endpoint.url, { headers }));
    for (let repeat = 0; repeat < repeats; repeat += 1) await timed(alone, endpoint.name, () => exchange(agent, base, 'GET', endpoint.url, { headers }));
  }
  return alone;
}

async function runOn(database: 'pglite' | 'postgres'): Promise<RunReport> {
  const cleanup: Array<() => Promise<void> | void> = [];
  try {
    let launchOptions: Parameters<typeof launchServer>[0];
    if (database === 'postgres') {
      if (DATABASE_URL === null) throw new Error('LOAD_DATABASES asks for postgres but neither LOAD_DATABASE_URL nor TEST_DATABASE_URL is set');
      const host = new URL(DATABASE_URL).hostname;
      if (!LOOPBACK.has(host)) throw new Error(`the load test runs on loopback only: the database host is ${host}`);
      const scratch = await createScratchDatabase(DATABASE_URL, 'liptako_load');
      cleanup.push(() => scratch.drop());
      launchOptions = { command: 'start', runtime: 'built', databaseUrl: scratch.url };
    } else {
      const folder = mkdtempSync(path.join(os.tmpdir(), 'liptako-load-'));
      cleanup.push(() => rmSync(folder, { recursive: true, force: true }));
      launchOptions = { command: 'start', runtime: 'built', dataDir: path.join(folder, 'data') };
    }
    const processes = database === 'postgres' ? PROCESSES : 1;
    const startedAt = performance.now();
    process.stdout.write(`\n${database}: starting the built server (migrations and demo data)… `);
    const server: LaunchedServer = await launchServer({ ...launchOptions, nodeArgs: SERVER_NODE_ARGS, startTimeoutMs: 900_000 });
    cleanup.push(() => server.stop());
    const servers = [server];
    // The others join the migrated, demo-filled database as a second server of an office would.
    for (let index = 1; index < processes; index += 1) {
      const other = await launchServer({ ...launchOptions, command: 'serve', nodeArgs: SERVER_NODE_ARGS, startTimeoutMs: 300_000 });
      cleanup.push(() => other.stop());
      servers.push(other);
    }
    const startupSeconds = (performance.now() - startedAt) / 1000;
    console.log(`ready in ${startupSeconds.toFixed(1)} s (${servers.map((one) => `${one.url}, pid ${one.pid}`).join('; ')})`);

    const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS + IMPORTERS + 8, maxFreeSockets: CLIENTS + IMPORTERS + 8 });
    cleanup.push(() => agent.destroy());
    const bases = servers.map((one) => new URL(one.url));
    const base = bases[0]!;

    const sessions: Array<{ cookie: string }> = [];
    for (let index = 0; index < SESSIONS; index += 1) sessions.push(await signIn(agent, base, DEMO_READERS[index % DEMO_READERS.length]!));
    const token = IMPORTERS > 0 ? await importToken(agent, base) : '';
    const admin = json<{ units: Array<{ pcode: string }> }>(
      await exchange(agent, base, 'GET', `/api/dtm/operations/${OPERATION.code}/admin?level=2`),
      'admin2 units of the latest round',
      200,
    );
    const list = endpoints(admin.units[0]?.pcode ?? 'ML0501');
    const alone = await askAlone(agent, base, list, 20);

    const recorder = new Recorder();
    const loadBefore = os.loadavg()[0]!;
    const imports: ImportStats = { started: 0, succeeded: 0, jobMs: [] };
    const runStarted = performance.now();
    const endAt = runStarted + SECONDS * 1000;
    const until = (): boolean => performance.now() >= endAt || recorder.requests >= MAX_REQUESTS;
    process.stdout.write(`${database}: ${CLIENTS} clients (${SESSIONS} signed in${THINK_MS > 0 ? `, ${THINK_MS} ms between requests` : ''}) and ${IMPORTERS} importer(s) for ${SECONDS} s… `);
    const work = [
      ...Array.from({ length: CLIENTS }, (_, client) => {
        const headers: Record<string, string> = { 'accept-encoding': ACCEPT_ENCODING, 'accept-language': client % 2 === 0 ? 'fr' : 'en' };
        if (client < SESSIONS) headers.cookie = sessions[client]!.cookie;
        // Sessions and tokens live in the database: any process answers any client.
        return reader(agent, bases[client % bases.length]!, list, client, headers, recorder, until);
      }),
      ...Array.from({ length: IMPORTERS }, (_, index) => importer(agent, bases[index % bases.length]!, token, recorder, 1_000 + index, IMPORTERS, until, imports)),
    ];
    // Bounded: whatever is still running DRAIN_MS after the end is abandoned and reported.
    const drained = await Promise.race([
      Promise.all(work).then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), SECONDS * 1000 + DRAIN_MS).unref()),
    ]);
    if (!drained) recorder.fail('run: not drained', `clients still busy ${DRAIN_MS} ms after the end`);
    const seconds = (performance.now() - runStarted) / 1000;
    console.log('done');
    for (const one of servers) if (!one.alive()) recorder.fail('server: exited', one.output().slice(-2000));
    return { database, processes, seconds, recorder, alone, imports, startupSeconds, loadBefore };
  } finally {
    for (const step of cleanup.reverse()) {
      try {
        await step();
      } catch (error) {
        console.warn('cleanup failed:', error);
      }
    }
  }
}

// ---- the report ------------------------------------------------------------------------------------

const ms = (value: number): string => (Number.isNaN(value) ? '—' : value < 10 ? value.toFixed(1) : value.toFixed(0));

function printReport(report: RunReport): void {
  const { recorder } = report;
  const all = [...recorder.latencies.values()].flat().sort((a, b) => a - b);
  const errors = recorder.errorCount();
  console.log(
    `\n=== ${report.database} · ${report.processes} server process${report.processes === 1 ? '' : 'es'} · ${CLIENTS} clients · ${report.seconds.toFixed(1)} s · ${os.cpus().length} CPUs · load average ${report.loadBefore.toFixed(2)} before the clients, ${os.loadavg().map((value) => value.toFixed(1)).join(' ')} after`,
  );
  console.log('each endpoint alone on the idle server (anonymous, one request at a time):');
  for (const [name, values] of [...report.alone.latencies.entries()].filter(([name]) => !name.endsWith('(first)'))) {
    const sorted = [...values].sort((a, b) => a - b);
    const first = report.alone.latencies.get(`${name} (first)`)?.[0];
    console.log(`  ${name.padEnd(20)} first ${ms(first ?? Number.NaN).padStart(6)} ms · then p50 ${ms(percentile(sorted, 50)).padStart(5)} ms · max ${ms(sorted.at(-1) ?? Number.NaN).padStart(5)} ms`);
  }
  if (report.alone.errorCount() > 0) console.log(`  errors alone: ${[...report.alone.errors.keys()].join(', ')}`);
  console.log(`requests ${recorder.requests} · ${(recorder.requests / report.seconds).toFixed(1)}/s · errors ${errors}`);
  console.log(`latency ms · p50 ${ms(percentile(all, 50))} · p95 ${ms(percentile(all, 95))} · p99 ${ms(percentile(all, 99))} · max ${ms(all.at(-1) ?? Number.NaN)}`);
  const reads = [...recorder.latencies.entries()].filter(([name]) => !name.startsWith('import:')).flatMap(([, values]) => values).sort((a, b) => a - b);
  console.log(`  reads only (dashboard, plans, public APIs) · p50 ${ms(percentile(reads, 50))} · p95 ${ms(percentile(reads, 95))} · p99 ${ms(percentile(reads, 99))}`);
  const rows = [...recorder.latencies.entries()].sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(...rows.map(([name]) => name.length), 8);
  console.log(`${'endpoint'.padEnd(width)}  ${'requests'.padStart(8)}  ${'p50'.padStart(6)}  ${'p95'.padStart(6)}  ${'p99'.padStart(6)}  ${'max'.padStart(6)}  ${'KB/resp'.padStart(7)}  errors`);
  for (const [name, values] of rows) {
    const sorted = [...values].sort((a, b) => a - b);
    const failed = [...recorder.errors.entries()].filter(([key]) => key.startsWith(`${name} → `)).reduce((sum, [, count]) => sum + count, 0);
    console.log(
      `${name.padEnd(width)}  ${String(sorted.length).padStart(8)}  ${ms(percentile(sorted, 50)).padStart(6)}  ${ms(percentile(sorted, 95)).padStart(6)}  ${ms(percentile(sorted, 99)).padStart(6)}  ${ms(sorted.at(-1) ?? Number.NaN).padStart(6)}  ${((recorder.bytes.get(name) ?? 0) / 1024 / Math.max(1, sorted.length)).toFixed(1).padStart(7)}  ${failed}`,
    );
  }
  const jobs = [...report.imports.jobMs].sort((a, b) => a - b);
  console.log(`imports: ${report.imports.started} started, ${report.imports.succeeded} succeeded (${IMPORT_ROWS} rows each) · upload to job done p50 ${ms(percentile(jobs, 50))} ms, max ${ms(jobs.at(-1) ?? Number.NaN)} ms`);
  if (errors > 0) {
    console.log('errors:');
    for (const [key, count] of [...recorder.errors.entries()].sort(([, a], [, b]) => b - a)) {
      console.log(`  ${String(count).padStart(6)} × ${key}${recorder.examples.has(key) ? `  e.g. ${recorder.examples.get(key)!.replace(/\s+/g, ' ')}` : ''}`);
    }
  }
  if (report.database === 'postgres') {
    const p99 = percentile(all, 99);
    console.log(`goal on PostgreSQL (zero errors, p99 ≤ 250 ms): ${errors === 0 && p99 <= 250 ? 'met' : 'missed'} (errors ${errors}, p99 ${ms(p99)} ms)`);
  }
}

async function main(): Promise<number> {
  if (!builtAppPresent()) {
    console.error('Liptako is not built: run `npm run build` first.');
    return 2;
  }
  if (PROCESSES > 1 && DATABASES.includes('pglite')) {
    console.error('LOAD_PROCESSES > 1 needs PostgreSQL (LOAD_DATABASES=postgres): PGlite is one process per data folder');
    return 2;
  }
  for (const database of DATABASES) {
    if (database !== 'pglite' && database !== 'postgres') {
      console.error(`LOAD_DATABASES: unknown database "${database}" (pglite or postgres)`);
      return 2;
    }
  }
  console.log(`Load test: ${CLIENTS} clients for ${SECONDS} s on ${DATABASES.join(', then ')}; at most ${MAX_REQUESTS} requests per run; timeout ${TIMEOUT_MS} ms per request.`);
  let failed = false;
  for (const database of DATABASES as Array<'pglite' | 'postgres'>) {
    const report = await runOn(database);
    printReport(report);
    if (report.recorder.errorCount() > 0 || report.alone.errorCount() > 0) failed = true;
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('load test failed:', error);
    process.exit(1);
  },
);
