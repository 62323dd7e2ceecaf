/**
 * The one way tests, fault tests and benchmarks start Liptako: `launchServer` runs the built (or
 * source) server in a child process on a free port, with a data folder or a PostgreSQL database,
 * and can kill, restart and watch it; `startServer` is the browser tests' server with the demo
 * loaded. Also finds Debian's Chromium for playwright-core.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumAvailable(): boolean {
  const present = existsSync(CHROMIUM_PATH);
  if (!present) console.warn(`[skipped] no Chromium at ${CHROMIUM_PATH}: install Debian's chromium package or set CHROMIUM_PATH`);
  return present;
}

export function builtAppAvailable(): boolean {
  const present = existsSync(path.resolve('dist/cli/main.js')) && existsSync(path.resolve('dist/web/index.html'));
  if (!present) console.warn('[skipped] Liptako is not built: run `npm run build` (npm test does it)');
  return present;
}

export interface RunningServer {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Blocks this thread for `ms` (the callers are synchronous, and only wait on another process). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A build lock older than this was left by a run that was killed: it is taken over. */
const STALE_BUILD_LOCK_MS = 15 * 60_000;

/**
 * A data folder with the demo loaded, built once per version of the migrations and of the built
 * demo code, then copied for each server: the DTM demo takes most of a minute to load on a busy
 * machine, and every browser test file would otherwise pay for it. Browser test files run two at
 * a time: the first to take the lock (a folder beside the template) builds it, the others wait
 * for it instead of building it again beside it.
 */
function demoTemplate(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync('migrations').sort()) hash.update(readFileSync(path.join('migrations', file)));
  for (const folder of ['dist/demo', 'dist/displacement']) {
    for (const file of readdirSync(folder).sort()) if (file.endsWith('.js')) hash.update(readFileSync(path.join(folder, file)));
  }
  const template = path.join(tmpdir(), `liptako-e2e-demo-${hash.digest('hex').slice(0, 16)}`);
  const lock = `${template}.lock`;
  for (;;) {
    if (existsSync(template)) return template;
    try {
      mkdirSync(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        // released meanwhile: look again
      }
      if (age > STALE_BUILD_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      else sleepSync(250);
      continue;
    }
    try {
      buildDemoTemplate(template);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
    return template;
  }
}

function buildDemoTemplate(template: string): void {
  const building = mkdtempSync(path.join(tmpdir(), 'liptako-e2e-demo-building-'));
  const result = spawnSync(process.execPath, ['bin/liptako.js', 'demo'], {
    env: { ...process.env, LIPTAKO_DATA_DIR: building, DATABASE_URL: '', LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (result.status !== 0) {
    rmSync(building, { recursive: true, force: true });
    throw new Error(`liptako demo failed:\n${result.stdout}\n${result.stderr}`);
  }
  rmSync(path.join(building, 'liptako.lock'), { force: true });
  renameSync(building, template);
}

/** A fresh data folder holding a copy of the demo template (the caller removes it). */
export function demoCopy(): string {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'liptako-e2e-'));
  cpSync(demoTemplate(), dataDir, { recursive: true });
  return dataDir;
}

/** The built Liptako with the demo loaded (a copy of the demo template), for browser tests. */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const dataDir = env.LIPTAKO_DATA_DIR === undefined ? demoCopy() : mkdtempSync(path.join(tmpdir(), 'liptako-e2e-'));
  const server = await launchServer({ dataDir: env.LIPTAKO_DATA_DIR ?? dataDir, env, startTimeoutMs: 240_000 });
  return {
    url: server.url,
    output: server.output,
    stop: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

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
