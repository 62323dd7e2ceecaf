/**
 * A Liptako server in a child process that fault tests and the load test can kill, restart and
 * watch: the approach of test/support/server.ts, plus the process id, a chosen data folder or
 * database, restarts on the same port, SIGKILL, and scratch PostgreSQL databases.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import * as access from '../../src/access/service.js';
import type { Database } from '../../src/core/db.js';
import { migrate } from '../../src/core/migrate.js';
import { DEMO_PLAN_FILE } from '../../src/demo/demo.js';
import { addContribution, importPlanFile, type ContributionInput } from '../../src/plans/service.js';

/** Liptako's root folder (where package.json is), whatever the current folder. */
export const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);

export function builtAppPresent(): boolean {
  return existsSync(path.join(ROOT, 'dist/cli/main.js'));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface LaunchOptions {
  /** `start` migrates, loads the demo once and serves; `serve` migrates and serves. */
  command?: 'start' | 'serve';
  /** `built`: node bin/liptako.js (needs `npm run build`); `source`: the TypeScript through tsx. */
  runtime?: 'built' | 'source';
  /** PGlite folder (ignored when databaseUrl is set). */
  dataDir?: string;
  /** PostgreSQL database; null or absent: PGlite in dataDir. */
  databaseUrl?: string | null;
  /** Reuse a port across restarts; default a free one. */
  port?: number;
  /** How long to wait for /api/health to answer 200 (a first start loads the demo). */
  startTimeoutMs?: number;
  env?: Record<string, string>;
  /** Options for node itself, e.g. ['--cpu-prof'] to profile the server. */
  nodeArgs?: readonly string[];
}

export interface LaunchedServer {
  url: string;
  port: number;
  pid: number;
  output: () => string;
  alive: () => boolean;
  /** Resolves when the process has exited: its exit code, or the signal that ended it. */
  exited: Promise<number | NodeJS.Signals>;
  /** Sends a signal and waits for the process to end. */
  kill: (signal: NodeJS.Signals) => Promise<number | NodeJS.Signals>;
  /** SIGTERM (graceful), SIGKILL after 10 s. */
  stop: () => Promise<void>;
}

/** The server ended before it answered: its exit code and what it printed. */
export class ServerExitedError extends Error {
  constructor(
    readonly exitCode: number | NodeJS.Signals,
    readonly output: string,
  ) {
    super(`Liptako exited (${exitCode}) before answering:\n${output}`);
    this.name = 'ServerExitedError';
  }
}

const OUTPUT_LIMIT = 256 * 1024;

export function spawnLiptako(args: readonly string[], options: { runtime?: 'built' | 'source'; env: NodeJS.ProcessEnv; nodeArgs?: readonly string[] }): ChildProcess {
  const entry = options.runtime === 'source' ? ['--import', 'tsx', 'src/cli/main.ts'] : ['bin/liptako.js'];
  return spawn(process.execPath, [...(options.nodeArgs ?? []), ...entry, ...args], { cwd: ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function launchServer(options: LaunchOptions = {}): Promise<LaunchedServer> {
  const port = options.port ?? (await freePort());
  const databaseUrl = options.databaseUrl ?? '';
  if (databaseUrl === '' && options.dataDir === undefined) throw new Error('launchServer needs a dataDir or a databaseUrl');
  const child = spawnLiptako([options.command ?? 'start', '--port', String(port), '--host', '127.0.0.1'], {
    runtime: options.runtime,
    nodeArgs: options.nodeArgs,
    env: {
      ...process.env,
      LIPTAKO_DATA_DIR: options.dataDir ?? '',
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      LANG: 'en_GB.UTF-8',
      ...options.env,
    },
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output += chunk.toString();
    // A long run logs a lot; the end is what explains a failure.
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT / 2);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let ended: number | NodeJS.Signals | null = null;
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('exit', (code, signal) => {
      ended = signal ?? code ?? -1;
      resolve(ended);
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 180_000);
  for (;;) {
    if (ended !== null) throw new ServerExitedError(ended, output);
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`Liptako did not answer within ${options.startTimeoutMs ?? 180_000} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const kill = async (signal: NodeJS.Signals): Promise<number | NodeJS.Signals> => {
    if (ended === null) child.kill(signal);
    return exited;
  };
  return {
    url,
    port,
    pid: child.pid ?? -1,
    output: () => output,
    alive: () => ended === null,
    exited,
    kill,
    stop: async () => {
      if (ended !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Creates an empty database on the server of `serverUrl`; returns its URL and how to drop it. */
export async function createScratchDatabase(serverUrl: string, prefix = 'liptako_scratch'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface HttpResult<Body = Record<string, unknown>> {
  status: number;
  body: Body & { error?: { code: string; message: string } };
  text: string;
}

/** One JSON request to a running server; never throws for an HTTP status. */
export async function request<Body = Record<string, unknown>>(
  base: string,
  method: string,
  url: string,
  options: { token?: string; body?: unknown; language?: string; timeoutMs?: number } = {},
): Promise<HttpResult<Body>> {
  const headers: Record<string, string> = { 'accept-language': options.language ?? 'en' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${url}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  const text = await response.text();
  let body: HttpResult<Body>['body'];
  try {
    body = JSON.parse(text) as HttpResult<Body>['body'];
  } catch {
    body = {} as HttpResult<Body>['body'];
  }
  return { status: response.status, body, text };
}

export const PLAN = 'IOM-CSAHEL-2021';

/** A contribution body: every field says `state`, so a record mixing two states shows at once. */
export function contributionState(state: number): ContributionInput {
  return {
    donor: `Donor state ${state}`,
    currency: 'USD',
    amount: 1_000 + state,
    status: state % 2 === 0 ? 'paid' : 'commitment',
    pledgedOn: '2021-02-01',
    committedOn: '2021-03-01',
    paidOn: state % 2 === 0 ? '2021-04-15' : null,
    earmark: { level: 'plan' },
    description: `Written as state ${state}`,
  };
}

/**
 * Migrates `db`, imports the demo plan, creates a programme manager with an API token and one
 * contribution (state 0). What the fault tests start from, without the demo's DTM rounds.
 */
export async function seedPlan(db: Database): Promise<{ token: string; contributionId: number }> {
  await migrate(db);
  await importPlanFile(db, { bytes: readFileSync(DEMO_PLAN_FILE), fileName: path.basename(DEMO_PLAN_FILE), actor: 'faults' });
  const user = await access.createUser(db, {
    email: 'faults@test.liptako.org',
    name: 'Fault tests',
    password: 'correct horse battery staple 2021',
    organisationId: null,
    assignments: [{ role: 'programme-manager', scope: { kind: 'response' } }],
  });
  const { secret } = await access.issueToken(
    db,
    { kind: 'user', userId: user.id, email: user.email, name: user.name, language: 'en', organisationId: null, assignments: [], via: 'system' },
    { name: 'faults', expiresInDays: 1 },
  );
  const contribution = await addContribution(db, PLAN, contributionState(0), 'faults');
  return { token: secret, contributionId: contribution.id };
}
