/** The `liptako` command, run as users run it: a child process on its own data folder. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/access/audit.js';
import { PgliteDatabase } from '../../src/core/db.js';
import { demoGazetteerCsv } from '../../src/demo/demo.js';
import { upsertOperation } from '../../src/displacement/queries.js';
import { importGeoFile } from '../../src/geo/geo-imports.js';
import { liptakoEntry } from '../support/cli.js';
import { openMigratedDataFolder } from '../support/harness.js';
import { csvOf, EN_HEADERS, MALI, siteRow } from '../support/dtm.js';
import { gazetteerCsv, squaresGeoJson } from '../support/geo.js';

let workDir: string;

function liptako(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return liptakoIn('data', ...args);
}

/** The command on its own data folder (`folder` under the test's work folder). */
function liptakoIn(folder: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...liptakoEntry(), ...args], {
    env: { ...process.env, LIPTAKO_DATA_DIR: path.join(workDir, folder), DATABASE_URL: '', LANG: 'en_GB.UTF-8', LIPTAKO_ADMIN_PASSWORD: 'le fleuve Niger traverse Mopti en crue' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Each command is a synchronous child process of up to 120 s (the timeout below): Vitest cannot
// interrupt one, and two in a test outlast the tier's 60 s on a loaded machine.
describe('the liptako command', { timeout: 300_000 }, () => {
  beforeAll(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'liptako-cli-'));
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it.each(['', 'serve', 'start', 'migrate', 'demo', 'geo', 'geo import', 'plans', 'plans import', 'users unlock'])('has help for `liptako %s`', (command) => {
    const result = liptako(...command.split(' ').filter(Boolean), '--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Usage: liptako/);
  });

  it('imports a gazetteer and boundaries, reports them, and changes nothing the second time', () => {
    const gazetteer = path.join(workDir, 'mli.csv');
    writeFileSync(gazetteer, gazetteerCsv([['MLI', 1, 'ML05', 'Mopti', 'MLI', '2021-12-20'], ['MLI', 1, 'ML06', 'Tombouctou', 'MLI', '2021-12-20']]));
    const boundaries = path.join(workDir, 'mli_adm1.geojson');
    writeFileSync(boundaries, squaresGeoJson(1, [{ pcode: 'MLI05', name: 'Mopti', x: -4, y: 14 }, { pcode: 'ML07', name: 'Gao', x: 0, y: 16 }]));

    const first = liptako('geo', 'import', gazetteer, boundaries);
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/mli\.csv: gazetteer · ML admin1/);
    expect(first.stdout).toMatch(/added 2 · updated 0 · unchanged 0 · refused 0/);
    expect(first.stdout).toMatch(/in the file but not in the gazetteer \(1\): ML07/);
    expect(first.stdout).toMatch(/in the gazetteer but without geometry \(1\): ML06/);

    const again = liptako('geo', 'import', gazetteer);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/already imported/);
  });

  it('imports the 2021 plan definition once; the second time changes nothing', () => {
    const first = liptako('plans', 'import', 'plans/iom-csahel-2021.yaml');
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/plan IOM-CSAHEL-2021: added/);
    const again = liptako('plans', 'import', 'plans/iom-csahel-2021.yaml');
    expect(again.stdout).toMatch(/already imported/);
    const bad = path.join(workDir, 'bad-plan.yaml');
    writeFileSync(bad, 'code: X\nobjectives: {');
    const refused = liptako('plans', 'import', bad);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^liptako: /);
  });

  it('fails with a clear message and exit code 1 on a bad file, a missing file or a bad option', () => {
    const junk = path.join(workDir, 'junk.geojson');
    writeFileSync(junk, '{"type":"FeatureCollection","features":[');
    const bad = liptako('geo', 'import', junk);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^liptako: /);
    expect(bad.stderr).not.toMatch(/at .*\.[jt]s:\d+/);

    const missing = liptako('geo', 'import', path.join(workDir, 'nowhere.csv'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/ENOENT|no such file/);

    const badDate = liptako('geo', 'import', '--valid-from', '2025-13-01', junk);
    expect(badDate.status).not.toBe(0);
    expect(badDate.stderr).toMatch(/YYYY-MM-DD/);
  });

  it('`users unlock` clears the sign-in slow-down of an account from every address, and says so in the audit log', async () => {
    expect(liptako('users', 'create-admin', '--email', 'chef@ngo.example', '--name', 'Cheffe Admin').status).toBe(0);
    const throttled = async (): Promise<number> => {
      const db = await PgliteDatabase.open(path.join(workDir, 'data'));
      try {
        await db.query("INSERT INTO sign_in_throttle (email, address, failures, retry_at) VALUES ('chef@ngo.example', '203.0.113.5', 12, now() + interval '10 minutes') ON CONFLICT DO NOTHING");
        return (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM sign_in_throttle WHERE email = 'chef@ngo.example'"))[0]!.n;
      } finally {
        await db.close();
      }
    };
    expect(await throttled()).toBe(1);
    const unlocked = liptako('users', 'unlock', '--email', 'Chef@ngo.example');
    expect(unlocked.stderr).toBe('');
    expect(unlocked.status).toBe(0);
    expect(unlocked.stdout).toMatch(/chef@ngo\.example/);
    const db = await PgliteDatabase.open(path.join(workDir, 'data'));
    try {
      expect((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM sign_in_throttle")).at(0)!.n).toBe(0);
      expect((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_event WHERE action = 'user.unlock' AND actor = 'system:cli'")).at(0)!.n).toBe(1);
    } finally {
      await db.close();
    }
    const unknown = liptako('users', 'unlock', '--email', 'nobody@ngo.example');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/^liptako: /);
  });

  it('records `dtm import --publish` and `dtm retry` in the audit log as system:cli, each in its own transaction', async () => {
    const seeded = await openMigratedDataFolder(path.join(workDir, 'dtm'));
    try {
      await importGeoFile(seeded, { bytes: new TextEncoder().encode(demoGazetteerCsv()), fileName: 'demo-gazetteer.csv', actor: systemActor('test') });
      await upsertOperation(seeded, MALI);
    } finally {
      await seeded.close();
    }
    const round = ['--operation', MALI.code, '--type', 'SA', '--date', '2021-03-31'];
    const good = path.join(workDir, 'round-1.csv');
    writeFileSync(good, csvOf(EN_HEADERS, [siteRow('ML0501-0001', 'ML0501', 1200), siteRow('ML0601-0001', 'ML0601', 3000)]));
    const published = liptakoIn('dtm', 'dtm', 'import', good, '--round', '1', ...round, '--publish');
    expect(published.status, published.stderr).toBe(0);
    expect(published.stdout).toMatch(/published/);
    // Every row of this file has a population group nobody knows: the job fails, and is retried.
    const bad = path.join(workDir, 'round-2.csv');
    writeFileSync(bad, csvOf(EN_HEADERS, [siteRow('ML0501-0002', 'ML0501', 10, { 'Population group': 'Martians' })]));
    expect(liptakoIn('dtm', 'dtm', 'import', bad, '--round', '2', ...round).status).toBe(1);

    const events = async (): Promise<Array<{ actor: string; action: string; object_type: string; object_id: string; summary: Record<string, unknown> }>> => {
      const db = await PgliteDatabase.open(path.join(workDir, 'dtm'));
      try {
        return await db.query("SELECT actor, action, object_type, object_id, summary FROM audit_event WHERE action LIKE 'dtm.%' ORDER BY id");
      } finally {
        await db.close();
      }
    };
    const before = await events();
    expect(before.every((event) => event.actor === 'system:cli')).toBe(true);
    expect(before.map((event) => event.action)).toEqual(['dtm.upload', 'dtm.import.start', 'dtm.round.import', 'dtm.round.publish', 'dtm.upload', 'dtm.import.start']);
    const publish = before.find((event) => event.action === 'dtm.round.publish')!;
    const stored = before.find((event) => event.action === 'dtm.round.import')!;
    expect(publish).toMatchObject({ object_type: 'dtm-round', object_id: stored.object_id, summary: { operation: MALI.code, number: 1, status: 'published' } });
    const failedJob = before.at(-1)!.object_id;

    const retried = liptakoIn('dtm', 'dtm', 'retry', failedJob);
    expect(retried.status).toBe(1);
    const after = await events();
    expect(after.slice(before.length)).toMatchObject([{ actor: 'system:cli', action: 'dtm.import.retry', object_type: 'dtm-import-job', summary: { retryOf: Number(failedJob), round: 2 } }]);
    expect(after.at(-1)!.object_id).not.toBe(failedJob);
  }, 300_000);

  it('answers in French when the terminal is French', () => {
    const junk = path.join(workDir, 'empty.csv');
    writeFileSync(junk, '');
    const result = spawnSync(process.execPath, [...liptakoEntry(), 'geo', 'import', junk], {
      env: { ...process.env, LIPTAKO_DATA_DIR: path.join(workDir, 'data'), DATABASE_URL: '', LANG: 'fr_FR.UTF-8', LC_ALL: '', LC_MESSAGES: '' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/fichier|vide/i);
  });
});
