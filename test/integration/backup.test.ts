/**
 * Backup and restore: a database full of real committed data (the demo, boundaries, population, a
 * contribution, users, a session, an API token, the audit log) is backed up, restored into a new
 * database, and compared table by table, row by row. Damaged, foreign and too-new files are
 * refused with catalogue errors and leave the target exactly as it was.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, systemActor } from '../../src/access/audit.js';
import * as access from '../../src/access/service.js';
import { backupDatabase } from '../../src/core/backup.js';
import { quoteIdent } from '../../src/core/backup-schema.js';
import { readBackupHeader } from '../../src/core/backup-reader.js';
import { restoreDatabase } from '../../src/core/restore.js';
import { SEEDED_BY_MIGRATIONS, type BackupReport } from '../../src/core/backup-format.js';
import { PgliteDatabase, type Database } from '../../src/core/db.js';
import { AppError } from '../../src/core/errors.js';
import { loadMigrations, migrate, migrationLevel } from '../../src/core/migrate.js';
import { DEMO_GAZETTEER_FILE, DEMO_PLAN_FILE, demoGazetteerCsv } from '../../src/demo/demo.js';
import { importGeoFile } from '../../src/geo/geo-imports.js';
import { addContribution } from '../../src/plans/contributions.js';
import { importPlanFile } from '../../src/plans/plan-imports.js';
import { liptakoEntry } from '../support/cli.js';
import { databaseKinds, openEmptyDatabase, openMigratedDataFolder, openMigratedEmptyDatabase } from '../support/harness.js';
import { squaresGeoJson } from '../support/geo.js';
import { CSAHEL } from '../support/plans.js';

const TEST = systemActor('test');

const PASSWORD = 'correct horse battery staple 2021';
const codeLevel = loadMigrations().length;

let workDir: string;
beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'liptako-backup-'));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Everything a restore must reproduce: every row of every table, the ledger and the sequences. */
async function snapshot(db: Database): Promise<Record<string, string[]>> {
  return db.transaction(async (tx) => {
    // Both sides print values the same way, whatever the server's settings.
    await tx.exec("SET LOCAL TimeZone = 'UTC'; SET LOCAL extra_float_digits = 3; SET LOCAL DateStyle = 'ISO, YMD'");
    const tables = await tx.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    );
    const result: Record<string, string[]> = {};
    for (const { name } of tables) {
      const rows = await tx.query<{ row: string }>(`SELECT t::text AS row FROM ${quoteIdent(name)} AS t ORDER BY t::text`);
      result[name] = rows.map((row) => row.row);
    }
    const sequences = await tx.query<{ name: string }>(
      "SELECT format('%I.%I', schemaname, sequencename) AS name FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1",
    );
    result['(sequences)'] = [];
    for (const { name } of sequences) {
      const [state] = await tx.query<{ state: string }>(`SELECT last_value::text || ' ' || is_called::text AS state FROM ${name}`);
      result['(sequences)'].push(`${name} ${state?.state ?? ''}`);
    }
    return result;
  });
}

/**
 * Fills a migrated database through the services, as people would: the demo's geography and plan
 * (not its DTM rounds, whose 70,000 rows would make each of the restores below take tens of
 * seconds), boundaries, population, a contribution, users, a session, a token, audit events.
 */
async function fill(db: Database): Promise<{ token: string }> {
  await importGeoFile(db, { bytes: new TextEncoder().encode(demoGazetteerCsv()), fileName: DEMO_GAZETTEER_FILE, actor: TEST });
  await importPlanFile(db, { bytes: readFileSync(DEMO_PLAN_FILE), fileName: path.basename(DEMO_PLAN_FILE), actor: TEST });
  await importGeoFile(db, {
    bytes: new TextEncoder().encode(
      squaresGeoJson(1, [
        { pcode: 'ML05', name: 'Mopti', x: -4.123456789012345, y: 14 },
        { pcode: 'ML06', name: 'Tombouctou', x: -3, y: 16.000000000000004, size: 0.1 },
      ]),
    ),
    fileName: 'mli_adm1.geojson',
    actor: TEST,
  });
  await importGeoFile(db, {
    bytes: new TextEncoder().encode('ADM1_PCODE,ADM1_FR,T_TL,F_TL,M_TL,year\nML05,Mopti,2614680,1312000,1302680,2022\nML06,Tombouctou,1000000,,,2022\n'),
    fileName: 'mli_pop_adm1.csv',
    actor: TEST,
  });
  await addContribution(
    db,
    { principal: { kind: 'system', name: 'test' }, requestId: 'backup test' },
    CSAHEL,
    { donor: 'Royaume de Belgique — « test »', currency: 'XOF', amount: 123456789.5, usdPerEur: 1.0837, status: 'paid', paidOn: '2021-06-30', earmark: { level: 'plan' } },
  );
  const organisation = await access.createOrganisation(db, TEST, { name: 'Organisation d’essai', acronym: 'OE' });
  const user = await access.createUser(db, TEST, {
    email: 'backup.user@test.liptako.org',
    name: 'Aïssata Maïga',
    password: PASSWORD,
    organisationId: organisation.id,
    assignments: [{ role: 'im-officer', scope: { kind: 'country', value: 'ML' } }],
  });
  const signedIn = await access.signIn(db, { email: user.email, password: PASSWORD, address: '127.0.0.1', requestId: 'backup-test' });
  const { secret } = await access.issueToken(db, signedIn.principal, { name: 'sauvegarde', expiresInDays: 30, verbs: ['geo.read'] });
  await recordAudit(db, { principal: signedIn.principal, requestId: null }, {
    action: 'test.event',
    objectType: 'thing',
    objectId: 42,
    summary: { text: 'ligne\nsuivante "guillemets" \\ ☃ 𝄞 \u2028', nothing: null, nested: { list: [1.5, null, -0, 1e-300] } },
  });
  await recordAudit(db, TEST, { action: 'test.failure', objectType: null, outcome: 'failure', summary: {} });
  return { token: secret };
}

function appError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  throw error;
}

async function refused(work: Promise<unknown>): Promise<AppError> {
  try {
    await work;
  } catch (error) {
    return appError(error);
  }
  throw new Error('expected an AppError, the restore succeeded');
}

/** Rewrites a backup file: its lines through `change`, gzip again. */
function rewrite(file: string, target: string, change: (lines: string[]) => string[]): string {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
  writeFileSync(target, gzipSync(change(lines).join('\n')));
  return target;
}

for (const kind of databaseKinds) {
  // Each test opens new databases; a PGlite one takes seconds to start on a loaded machine.
  describe(`backup and restore [${kind}]`, { timeout: 180_000 }, () => {
    let source: Database;
    /** Databases kept for the whole suite (the source, the first restore) and those of one test. */
    const disposers: Array<() => Promise<void>> = [];
    let scratch: Array<() => Promise<void>> = [];
    let file: string;
    let report: BackupReport;
    let expected: Record<string, string[]>;
    let token: string;
    let restored: Database;

    /** A new empty database, or `migrated`: a copy of the run's migrated template without personas. */
    const fresh = async (options: { keep?: boolean; migrated?: boolean } = {}): Promise<Database> => {
      const opened = options.migrated === true ? await openMigratedEmptyDatabase(kind) : await openEmptyDatabase(kind);
      (options.keep === true ? disposers : scratch).push(opened.dispose);
      return opened.db;
    };

    // A PGlite database holds its memory until closed: each test's are closed when it ends.
    afterEach(async () => {
      for (const dispose of scratch.reverse()) await dispose();
      scratch = [];
    });

    beforeAll(async () => {
      source = await fresh({ keep: true, migrated: true });
      ({ token } = await fill(source));
      file = path.join(workDir, `${kind}.liptako-backup.gz`);
      report = await backupDatabase(source, file);
      expected = await snapshot(source);
    });

    afterAll(async () => {
      for (const dispose of disposers.reverse()) await dispose();
    });

    it('writes a gzip file of JSON lines whose header names the format, the migration level and the tables', async () => {
      const header = await readBackupHeader(file);
      expect(header).toMatchObject({ format: 'liptako-backup', version: 1, migrationLevel: codeLevel, database: kind });
      expect(header.migrations.map((migration) => migration.version)).toEqual(loadMigrations().map((migration) => migration.version));
      const names = header.tables.map((table) => table.name);
      expect(names).not.toContain('schema_migrations');
      // Parents before children: a table comes after every table it refers to.
      expect(names.indexOf('geo_import')).toBeLessThan(names.indexOf('admin_unit'));
      expect(names.indexOf('admin_unit')).toBeLessThan(names.indexOf('admin_unit_geometry'));
      expect(names.indexOf('plan')).toBeLessThan(names.indexOf('contribution'));
      expect(names.indexOf('app_user')).toBeLessThan(names.indexOf('audit_event'));
      const rawColumn = header.tables.find((table) => table.name === 'geo_import')?.columns.find((column) => column.name === 'raw');
      expect(rawColumn).toEqual({ name: 'raw', type: 'bytea', encoding: 'base64' });
      expect(report.rows).toBe(header.tables.reduce((sum, table) => sum + table.rows, 0));
      const lines = gunzipSync(readFileSync(file)).toString('utf8').trimEnd().split('\n');
      expect(lines).toHaveLength(1 + header.tables.length * 2 + report.rows + 1);
      expect(JSON.parse(lines.at(-1)!)).toEqual({ end: 'liptako-backup', tables: header.tables.length, rows: report.rows });
    });

    it('restores every table row by row into a new database: data, audit log, raw files, sequences, ledger', async () => {
      restored = await fresh({ keep: true });
      const progress: number[] = [];
      const result = await restoreDatabase(restored, file, { onProgress: (done) => progress.push(done) });
      expect(result).toMatchObject({ rows: report.rows, replacedData: false, migrationLevel: codeLevel });
      expect(progress.at(-1)).toBe(report.rows);

      const actual = await snapshot(restored);
      expect(Object.keys(actual)).toEqual(Object.keys(expected));
      for (const table of Object.keys(expected)) expect(actual[table], table).toEqual(expected[table]);
      // The comparison covered real content, not empty tables.
      for (const table of ['admin_unit', 'admin_unit_geometry', 'admin_unit_population', 'geo_import', 'plan', 'contribution', 'app_user', 'user_session', 'api_token', 'audit_event', 'schema_migrations']) {
        expect(expected[table]?.length, table).toBeGreaterThan(0);
      }
      const [raw] = await restored.query<{ same: boolean }>(
        "SELECT bool_and(raw = convert_to($1, 'UTF8')) AS same FROM geo_import WHERE file_name = 'mli_pop_adm1.csv'",
        ['ADM1_PCODE,ADM1_FR,T_TL,F_TL,M_TL,year\nML05,Mopti,2614680,1312000,1302680,2022\nML06,Tombouctou,1000000,,,2022\n'],
      );
      expect(raw?.same).toBe(true);
    });

    it('leaves the restored database working: credentials, the append-only audit log, new ids after the old ones', async () => {
      const principal = await access.authenticate(restored, { bearerToken: token });
      expect(principal).toMatchObject({ kind: 'user', email: 'backup.user@test.liptako.org' });
      const signedIn = await access.signIn(restored, { email: 'backup.user@test.liptako.org', password: PASSWORD, address: '127.0.0.1', requestId: 'after-restore' });
      expect(signedIn.principal.kind).toBe('user');
      await expect(restored.query("UPDATE audit_event SET action = 'rewritten'")).rejects.toThrow();
      await expect(restored.query('DELETE FROM audit_event')).rejects.toThrow();
      const [ids] = await restored.query<{ newest: number; restored: number }>(
        "SELECT max(id) FILTER (WHERE request_id = 'after-restore') AS newest, max(id) FILTER (WHERE request_id IS DISTINCT FROM 'after-restore') AS restored FROM audit_event",
      );
      expect(ids!.newest).toBeGreaterThan(ids!.restored);
    });

    it('counts a freshly migrated database as empty, and round-trips through streams too', async () => {
      const migrated = await fresh();
      await migrate(migrated);
      for (const table of SEEDED_BY_MIGRATIONS) expect((await migrated.query(`SELECT 1 FROM ${quoteIdent(table)} LIMIT 1`)).length).toBe(1);
      const chunks: Buffer[] = [];
      const sink = new PassThrough();
      sink.on('data', (chunk: Buffer) => chunks.push(chunk));
      const streamed = await backupDatabase(source, sink);
      expect(streamed.bytes).toBe(Buffer.concat(chunks).length);
      await restoreDatabase(migrated, Readable.from([Buffer.concat(chunks)]));
      // The ledger's dates too are those of the backup, not of the migration just run.
      expect(await snapshot(migrated)).toEqual(expected);
    });

    it('refuses to restore over data without force, and replaces it all with force', async () => {
      const target = await fresh();
      await restoreDatabase(target, file);
      await recordAudit(target, TEST, { action: 'written.after.restore', objectType: null });
      await access.createOrganisation(target, TEST, { name: 'Arrivée après la restauration' });
      const before = await snapshot(target);

      const error = await refused(restoreDatabase(target, file));
      expect(error.code).toBe('backup.targetNotEmpty');
      expect(error.localisedMessage('en')).toMatch(/--force/);
      expect(error.localisedMessage('en')).toMatch(/tables \w+/);
      expect(await snapshot(target)).toEqual(before);

      const forced = await restoreDatabase(target, file, { force: true });
      expect(forced.replacedData).toBe(true);
      expect(await snapshot(target)).toEqual(expected);
    });

    it('refuses files that are not Liptako backups, changing nothing', async () => {
      const target = await fresh();
      const cases: Array<[string, Buffer]> = [
        ['empty', Buffer.alloc(0)],
        ['plain text', Buffer.from('Location,Admin Level,P-Code\nMLI,1,ML05\n')],
        ['not gzipped', gunzipSync(readFileSync(file))],
        ['gzipped CSV', gzipSync('Location,Admin Level,P-Code\nMLI,1,ML05\n')],
        ['gzipped JSON of something else', gzipSync('{"format":"other","version":1}\n')],
        ['gzipped binary', gzipSync(Buffer.from([0, 1, 2, 3, 255, 254]))],
      ];
      for (const [name, bytes] of cases) {
        const junk = path.join(workDir, `${kind}-junk.bin`);
        writeFileSync(junk, bytes);
        const error = await refused(restoreDatabase(target, junk));
        expect(error.code, name).toBe('backup.notBackup');
      }
      expect(await migrationLevel(target)).toBe(0);
      const version2 = rewrite(file, path.join(workDir, `${kind}-v2.gz`), ([header = '', ...rest]) => [header.replace('"version":1', '"version":2'), ...rest]);
      expect((await refused(restoreDatabase(target, version2))).code).toBe('backup.formatUnsupported');
      expect(await migrationLevel(target)).toBe(0);
    });

    it('refuses a truncated or damaged backup and leaves the target as it was, even when forced', async () => {
      const target = await fresh();
      await restoreDatabase(target, file);
      await recordAudit(target, TEST, { action: 'before.damaged.restore', objectType: null });
      const before = await snapshot(target);
      const bytes = readFileSync(file);

      const truncated = path.join(workDir, `${kind}-truncated.gz`);
      writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
      expect((await refused(restoreDatabase(target, truncated, { force: true }))).code).toBe('backup.truncated');
      expect(await snapshot(target)).toEqual(before);

      // Cut at a line boundary: the gzip stream is whole, the content is not.
      const cut = rewrite(file, path.join(workDir, `${kind}-cut.gz`), (lines) => lines.slice(0, Math.floor(lines.length * 0.8)));
      expect((await refused(restoreDatabase(target, cut, { force: true }))).code).toBe('backup.truncated');
      expect(await snapshot(target)).toEqual(before);

      const damaged = Buffer.from(bytes);
      for (let index = Math.floor(damaged.length / 2); index < Math.floor(damaged.length / 2) + 16; index += 1) damaged[index] = damaged[index]! ^ 0x5a;
      const flipped = path.join(workDir, `${kind}-flipped.gz`);
      writeFileSync(flipped, damaged);
      expect(['backup.corrupt', 'backup.truncated', 'backup.rowRefused']).toContain((await refused(restoreDatabase(target, flipped, { force: true }))).code);
      expect(await snapshot(target)).toEqual(before);

      const auditStart = (lines: string[]): number => lines.indexOf(JSON.stringify({ table: 'audit_event' }));
      const shortRow = rewrite(file, path.join(workDir, `${kind}-short-row.gz`), (lines) => {
        const at = auditStart(lines) + 1;
        lines[at] = JSON.stringify((JSON.parse(lines[at]!) as unknown[]).slice(1));
        return lines;
      });
      const shortError = await refused(restoreDatabase(target, shortRow, { force: true }));
      expect(shortError.code).toBe('backup.corrupt');
      expect(shortError.localisedMessage('fr')).toMatch(/ligne \d+/);
      expect(await snapshot(target)).toEqual(before);

      const badValue = rewrite(file, path.join(workDir, `${kind}-bad-value.gz`), (lines) => {
        const at = auditStart(lines) + 1;
        const row = JSON.parse(lines[at]!) as Array<string | null>;
        row[1] = 'not a timestamp';
        lines[at] = JSON.stringify(row);
        return lines;
      });
      const valueError = await refused(restoreDatabase(target, badValue, { force: true }));
      expect(valueError.code).toBe('backup.rowRefused');
      expect(valueError.params.table).toBe('audit_event');
      expect(await snapshot(target)).toEqual(before);
    });

    it('refuses a backup from a newer Liptako, or from other migrations, changing nothing', async () => {
      const target = await fresh();
      const newer = rewrite(file, path.join(workDir, `${kind}-newer.gz`), ([header = '', ...rest]) => {
        const parsed = JSON.parse(header) as { migrationLevel: number; migrations: Array<Record<string, unknown>> };
        parsed.migrationLevel += 1;
        parsed.migrations.push({ version: parsed.migrationLevel, name: 'from_the_future', checksum: '0'.repeat(64), appliedAt: '2099-01-01 00:00:00+00' });
        return [JSON.stringify(parsed), ...rest];
      });
      const error = await refused(restoreDatabase(target, newer));
      expect(error.code).toBe('backup.newerSchema');
      expect(error.params).toEqual({ backupLevel: codeLevel + 1, codeLevel });
      expect(await migrationLevel(target)).toBe(0);

      const forked = rewrite(file, path.join(workDir, `${kind}-forked.gz`), ([header = '', ...rest]) => {
        const parsed = JSON.parse(header) as { migrations: Array<{ checksum: string }> };
        parsed.migrations[0]!.checksum = 'f'.repeat(64);
        return [JSON.stringify(parsed), ...rest];
      });
      expect((await refused(restoreDatabase(target, forked))).code).toBe('backup.migrationMismatch');
      expect(await migrationLevel(target)).toBe(0);
    });

    it('restores an older backup by migrating to its level, then to this version; refuses it over a newer schema', async () => {
      const old = await oldBackup(path.join(workDir, `${kind}-old.gz`));
      const header = await readBackupHeader(old);
      expect(header.migrationLevel).toBe(4);
      const target = await fresh();
      const result = await restoreDatabase(target, old);
      expect(result.migrationLevel).toBe(codeLevel);
      expect((await target.query<{ count: number }>('SELECT count(*)::int AS count FROM audit_event'))[0]?.count).toBe(1);

      if (codeLevel > 4) {
        const newerTarget = await fresh({ migrated: true });
        const before = await snapshot(newerTarget);
        const error = await refused(restoreDatabase(newerTarget, old));
        expect(error.code).toBe('backup.targetNewer');
        expect(await snapshot(newerTarget)).toEqual(before);
      }
    });

    it('refuses to back up a database without a Liptako schema, and leaves no file behind', async () => {
      const empty = await fresh();
      const target = path.join(workDir, `${kind}-nothing.gz`);
      expect((await refused(backupDatabase(empty, target))).code).toBe('backup.sourceEmpty');
      expect(() => readFileSync(target)).toThrow(/ENOENT/);
    });

    /** A backup taken at migration level 4 (before later modules), with one audit event. */
    async function oldBackup(target: string): Promise<string> {
      const old = await fresh();
      await migrate(old, { target: 4 });
      await recordAudit(old, TEST, { action: 'old.event', objectType: null, summary: { level: 4 } });
      await backupDatabase(old, target);
      return target;
    }
  });
}

describe('liptako backup and liptako restore', () => {
  function liptako(dataDir: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, [...liptakoEntry(), ...args], {
      env: { ...process.env, LIPTAKO_DATA_DIR: dataDir, DATABASE_URL: '', LANG: 'en_GB.UTF-8', LC_ALL: '', LC_MESSAGES: '' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('has help saying that PostgreSQL backups can run live', () => {
    const backup = liptako(path.join(workDir, 'unused'), 'backup', '--help');
    expect(backup.status).toBe(0);
    expect(backup.stdout.replace(/\s+/g, ' ')).toMatch(/On PostgreSQL it can run while the server runs/);
  }, 60_000);

  // Seven commands, each starting Node and PGlite (and tsx when the build is not up to date): about a minute, several on a loaded machine.
  it('backs up a PGlite folder and restores it into another; refuses a busy folder, data without --force, and junk', async () => {
    const first = path.join(workDir, 'cli-first');
    const second = path.join(workDir, 'cli-second');
    const file = path.join(workDir, 'cli.liptako-backup.gz');
    // The first folder, filled in-process (one command less to start: each costs seconds).
    const seeded = await openMigratedDataFolder(first);
    try {
      await importPlanFile(seeded, { bytes: readFileSync(DEMO_PLAN_FILE), fileName: 'iom-csahel-2021.yaml', actor: TEST });
    } finally {
      await seeded.close();
    }

    const backup = liptako(first, 'backup', file);
    expect(backup.stderr).toBe('');
    expect(backup.status).toBe(0);
    expect(backup.stdout).toMatch(/Backup of PGlite in .* written to .*cli\.liptako-backup\.gz: .*tables, \d+ rows, migration level \d+/);
    expect(backup.stdout).toMatch(/encrypted/);

    const restore = liptako(second, 'restore', file);
    expect(restore.stderr).toBe('');
    expect(restore.status).toBe(0);
    expect(restore.stdout).toMatch(/Restored cli\.liptako-backup\.gz .* into PGlite in .*cli-second/);

    const again = liptako(second, 'restore', file);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^liptako: The target database already holds data .*--force/);
    const forced = liptako(second, 'restore', '--force', file);
    expect(forced.status).toBe(0);
    expect(forced.stdout).toMatch(/replaced \(--force\)/);

    const db = await PgliteDatabase.open(second);
    try {
      const plans = await db.query<{ code: string }>('SELECT code FROM plan');
      expect(plans.map((plan) => plan.code)).toEqual([CSAHEL]);
      const actions = (await db.query<{ action: string }>('SELECT action FROM audit_event ORDER BY id')).map((row) => row.action);
      // The backup carries the first folder's log; restoring adds its own line.
      expect(actions).toContain('plan.import');
      expect(actions.filter((action) => action === 'backup.restore')).toHaveLength(1);
    } finally {
      await db.close();
    }

    // The first folder in use by another process (the server): refused with the catalogued message.
    writeFileSync(path.join(first, 'liptako.lock'), String(process.pid));
    try {
      const busy = liptako(first, 'backup', path.join(workDir, 'busy.gz'));
      expect(busy.status).toBe(1);
      expect(busy.stderr).toMatch(/^liptako: Another Liptako process \(pid \d+\) is using the data folder/);
    } finally {
      rmSync(path.join(first, 'liptako.lock'), { force: true });
    }

    const junk = path.join(workDir, 'junk.gz');
    writeFileSync(junk, 'not a backup');
    const notBackup = liptako(path.join(workDir, 'cli-third'), 'restore', junk);
    expect(notBackup.status).toBe(1);
    expect(notBackup.stderr).toMatch(/^liptako: This file is not a Liptako backup/);

    const nowhere = liptako(path.join(workDir, 'no-such-folder'), 'backup', path.join(workDir, 'nothing.gz'));
    expect(nowhere.status).toBe(1);
    expect(nowhere.stderr).toMatch(/^liptako: There is nothing to back up/);
  }, 600_000);
});
