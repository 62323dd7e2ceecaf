/**
 * A power cut in the middle of an import: the `liptako dtm import` process is killed (SIGKILL,
 * no chance to clean up) while it reads a large round file. The previous round must be exactly
 * as it was, the new round must not exist, and the same import run again must complete.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/access/audit.js';
import { PgliteDatabase } from '../../src/core/db.js';
import { demoGazetteerCsv } from '../../src/demo/demo.js';
import { generateBenchRound } from '../../src/demo/dtm-generator.js';
import { upsertOperation } from '../../src/displacement/queries.js';
import { writeRoundCsvFile } from '../../src/demo/round-file.js';
import { importGeoFile } from '../../src/geo/geo-imports.js';
import { liptakoEntry } from '../support/cli.js';
import { openMigratedDataFolder } from '../support/harness.js';
import { csvOf, EN_HEADERS, MALI, siteRow } from '../support/dtm.js';

let workDir: string;
const dataDir = (): string => path.join(workDir, 'data');
const env = (): NodeJS.ProcessEnv => ({ ...process.env, LIPTAKO_DATA_DIR: dataDir(), DATABASE_URL: '', LANG: 'en_GB.UTF-8' });
const IMPORT_ARGS = ['--operation', MALI.code, '--round', '2', '--type', 'SA', '--date', '2021-06-30'];

interface Snapshot {
  rounds: Array<{ number: number; status: string }>;
  figures: number;
  individuals: number;
  summary: string;
  stage: number;
  jobs: Array<{ status: string }>;
}

async function snapshot(): Promise<Snapshot> {
  const db = await PgliteDatabase.open(dataDir());
  try {
    const rounds = await db.query<{ number: number; status: string }>('SELECT number, status FROM dtm_round ORDER BY number');
    const [figures] = await db.query<{ count: number; individuals: number }>('SELECT count(*)::int AS count, COALESCE(sum(individuals), 0)::bigint AS individuals FROM dtm_figure');
    const [summary] = await db.query<{ digest: string }>("SELECT md5(string_agg(s::text, '|' ORDER BY s::text)) AS digest FROM dtm_summary s");
    const [stage] = await db.query<{ count: number }>('SELECT count(*)::int AS count FROM dtm_figure_stage');
    const jobs = await db.query<{ status: string }>('SELECT status FROM job ORDER BY id');
    return { rounds, figures: figures!.count, individuals: Number(figures!.individuals), summary: summary!.digest, stage: stage!.count, jobs };
  } finally {
    await db.close();
  }
}

function liptako(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...liptakoEntry(), ...args], { env: env(), encoding: 'utf8', timeout: 300_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the import and kills it with SIGKILL once it reports having read `rows` rows. */
function importKilledAfter(file: string, rows: number): Promise<{ killed: boolean; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...liptakoEntry(), 'dtm', 'import', file, ...IMPORT_ARGS], { env: env() });
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = [...stderr.matchAll(/read (\d+) of/g)].at(-1);
      if (!killed && match && Number(match[1]) >= rows) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', () => resolve({ killed, stderr }));
  });
}

describe('an import killed half-way', () => {
  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'liptako-crash-'));
    const db = await openMigratedDataFolder(dataDir());
    try {
      await importGeoFile(db, { bytes: new TextEncoder().encode(demoGazetteerCsv()), fileName: 'demo-gazetteer.csv', actor: systemActor('test') });
      await upsertOperation(db, MALI);
    } finally {
      await db.close();
    }
    const first = path.join(workDir, 'round-1.csv');
    writeFileSync(first, csvOf(EN_HEADERS, [siteRow('ML0501-0001', 'ML0501', 1200), siteRow('ML0601-0001', 'ML0601', 3000)]));
    const result = liptako('dtm', 'import', first, '--operation', MALI.code, '--round', '1', '--type', 'SA', '--date', '2021-03-31', '--publish');
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status, result.stderr).toBe(0);
    await writeRoundCsvFile(path.join(workDir, 'round-2.csv'), generateBenchRound(7, 100_000, { errorRate: 0 }), {
      ageRanges: MALI.ageRanges,
      style: 'en',
      hxl: false,
    });
  }, 300_000);
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('leaves the previous round intact, and the import runs to completion when run again', async () => {
    const before = await snapshot();
    expect(before.rounds).toEqual([{ number: 1, status: 'published' }]);
    expect(before.individuals).toBe(4200);

    const crash = await importKilledAfter(path.join(workDir, 'round-2.csv'), 30_000);
    expect(crash.killed, crash.stderr).toBe(true);

    const after = await snapshot();
    expect(after.rounds).toEqual(before.rounds);
    expect({ figures: after.figures, individuals: after.individuals, summary: after.summary }).toEqual({
      figures: before.figures,
      individuals: before.individuals,
      summary: before.summary,
    });
    // The killed job is still marked running. Its staged rows lived in an UNLOGGED table, which
    // PostgreSQL empties when it recovers from a crash; the restart sweeps them anyway.
    expect(after.jobs.at(-1)?.status).toBe('running');

    const again = liptako('dtm', 'import', path.join(workDir, 'round-2.csv'), ...IMPORT_ARGS);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/import\(s\) cut short|rows read 100000 · stored 100000/);
    const done = await snapshot();
    expect(done.rounds).toEqual([
      { number: 1, status: 'published' },
      { number: 2, status: 'draft' },
    ]);
    expect(done.figures).toBe(before.figures + 100_000);
    expect(done.stage).toBe(0);
    expect(done.jobs.map((job) => job.status)).toEqual(['succeeded', 'interrupted', 'succeeded']);
  }, 600_000);
});
