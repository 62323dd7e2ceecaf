/**
 * Starts the built Liptako (bin/liptako.js start) on a free port with its own data folder, for
 * end-to-end tests; and finds Debian's Chromium for playwright-core.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
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

async function freePort(): Promise<number> {
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

export interface RunningServer {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * A data folder with the demo loaded, built once per version of the migrations and of the built
 * demo code, then copied for each server: the DTM demo takes most of a minute to load on a busy
 * machine, and every browser test file would otherwise pay for it.
 */
function demoTemplate(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync('migrations').sort()) hash.update(readFileSync(path.join('migrations', file)));
  for (const folder of ['dist/demo', 'dist/displacement']) {
    for (const file of readdirSync(folder).sort()) if (file.endsWith('.js')) hash.update(readFileSync(path.join(folder, file)));
  }
  const template = path.join(tmpdir(), `liptako-e2e-demo-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(template)) return template;
  const building = mkdtempSync(path.join(tmpdir(), 'liptako-e2e-demo-building-'));
  const result = spawnSync(process.execPath, ['bin/liptako.js', 'demo'], {
    env: { ...process.env, LIPTAKO_DATA_DIR: building, DATABASE_URL: '', LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (result.status !== 0) throw new Error(`liptako demo failed:\n${result.stdout}\n${result.stderr}`);
  rmSync(path.join(building, 'liptako.lock'), { force: true });
  try {
    renameSync(building, template);
  } catch {
    // Another test file built it meanwhile: theirs is as good.
    rmSync(building, { recursive: true, force: true });
  }
  return template;
}

export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'liptako-e2e-'));
  if (env.LIPTAKO_DATA_DIR === undefined) cpSync(demoTemplate(), dataDir, { recursive: true });
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['bin/liptako.js', 'start', '--port', String(port), '--host', '127.0.0.1'], {
    env: { ...process.env, LIPTAKO_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Liptako exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Liptako did not answer within 240 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
