/**
 * Integration test harness. Every suite declared with `describeEachDatabase` runs on PGlite and,
 * when TEST_DATABASE_URL is set, on PostgreSQL too. Each suite gets its own database, a copy of
 * the run's template (migrated from the project's migrations once per run, with the personas:
 * test/support/database-template.ts), or migrated on the spot when the template was not made;
 * each test runs inside a transaction that is rolled back, so tests cannot see each other's data.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, inject } from 'vitest';
import { PgliteDatabase, PostgresDatabase, type Database, type DatabaseKind, type Queryable, type SessionQueryable } from '../../src/core/db.js';
import type { InjectOptions } from 'fastify';
import { buildApp, type BuildAppOptions } from '../../src/core/http.js';
import { MODULES } from '../../src/modules.js';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import { migrate } from '../../src/core/migrate.js';
import type { ResponseViolation } from '../../src/core/response-check.js';
import { versionsChanged } from '../../src/core/versions.js';
import { jobsIdle } from '../../src/core/jobs.js';
import { createPersonas, type Persona, type PersonaTokens } from './personas.js';
import { databaseUrl, onServer, type DatabaseTemplates } from './database-template.js';

export { PERSONAS, TEST_PASSWORD, type Persona } from './personas.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || null;

export const databaseKinds: DatabaseKind[] = TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

/** Creates a PostgreSQL database for one test file (empty, or a copy of `template`); returns its URL and a way to drop it. */
export async function createScratchDatabase(template?: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (TEST_DATABASE_URL === null) throw new Error('TEST_DATABASE_URL is not set');
  const server = TEST_DATABASE_URL;
  const name = `liptako_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onServer(server, template === undefined ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${template}`);
  return { url: databaseUrl(server, name), drop: () => onServer(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** The run's database templates; absent when the file runs under a config without the global setup. */
function runTemplates(): DatabaseTemplates | undefined {
  return inject('databaseTemplates');
}

async function dumpOf(file: string): Promise<Blob> {
  return new Blob([await readFile(file)]);
}

/** An empty database of the given kind (not migrated), and how to dispose of it. */
export async function openEmptyDatabase(kind: DatabaseKind): Promise<{ db: Database; dispose: () => Promise<void> }> {
  if (kind === 'pglite') {
    const templates = runTemplates();
    const db = templates === undefined ? await PgliteDatabase.open() : await PgliteDatabase.open(undefined, { loadDataDir: await dumpOf(templates.pglite.emptyDumpFile) });
    return { db, dispose: () => db.close() };
  }
  const scratch = await createScratchDatabase();
  const db = PostgresDatabase.open(scratch.url, { max: 2 });
  return {
    db,
    dispose: async () => {
      await db.close();
      await scratch.drop();
    },
  };
}

/**
 * A database migrated to this version and holding only what the migrations seed (no personas), a
 * copy of the run's template before its personas were made, or migrated on the spot without it.
 */
export async function openMigratedEmptyDatabase(kind: DatabaseKind): Promise<{ db: Database; dispose: () => Promise<void> }> {
  const templates = runTemplates();
  if (kind === 'pglite' && templates !== undefined) {
    const db = await PgliteDatabase.open(undefined, { loadDataDir: await dumpOf(templates.pglite.migratedDumpFile) });
    return { db, dispose: () => db.close() };
  }
  if (kind === 'postgres' && templates?.postgres) {
    return openScratchCopy(templates.postgres.migratedDatabase);
  }
  const opened = await openEmptyDatabase(kind);
  await migrate(opened.db);
  return opened;
}

/** A PostgreSQL database copied from a template database of the run, dropped by its dispose. */
async function openScratchCopy(template: string): Promise<{ db: Database; dispose: () => Promise<void> }> {
  const scratch = await createScratchDatabase(template);
  const db = PostgresDatabase.open(scratch.url, { max: 2 });
  const dispose = async (): Promise<void> => {
    await db.close();
    await scratch.drop();
  };
  return { db, dispose };
}

/**
 * A new PGlite data folder (for a `liptako` command run by the test) at this version's migration
 * level with only what the migrations seed: the run's template before the personas, or migrated
 * on the spot without it. Tests of a first start migrate an empty folder through the command.
 */
export async function openMigratedDataFolder(dataDir: string): Promise<PgliteDatabase> {
  const templates = runTemplates();
  if (templates === undefined) {
    const db = await PgliteDatabase.open(dataDir);
    await migrate(db);
    return db;
  }
  return PgliteDatabase.open(dataDir, { loadDataDir: await dumpOf(templates.pglite.migratedDumpFile) });
}

/**
 * A migrated database with the personas, copied from the run's template when the integration
 * tier's global setup made one (another config, e.g. a single file run with its own, may not).
 */
async function openMigratedDatabase(kind: DatabaseKind): Promise<{ db: Database; dispose: () => Promise<void>; tokens: PersonaTokens }> {
  const templates = runTemplates();
  if (kind === 'pglite' && templates !== undefined) {
    const db = await PgliteDatabase.open(undefined, { loadDataDir: await dumpOf(templates.pglite.dumpFile) });
    return { db, dispose: () => db.close(), tokens: templates.pglite.tokens };
  }
  if (kind === 'postgres' && templates?.postgres) {
    const { db, dispose } = await openScratchCopy(templates.postgres.database);
    return { db, dispose, tokens: templates.postgres.tokens };
  }
  const opened = await openEmptyDatabase(kind);
  await migrate(opened.db);
  return { ...opened, tokens: await createPersonas(opened.db) };
}

/** A Database whose every statement goes to the current test's rolled-back session. */
class RollbackDatabase implements Database {
  current: SessionQueryable | null = null;

  constructor(readonly kind: DatabaseKind) {}

  private session(): SessionQueryable {
    if (this.current === null) throw new Error('No test is running: use the database inside it() only.');
    return this.current;
  }

  query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    return this.session().query<Row>(sql, params);
  }

  exec(script: string): Promise<void> {
    return this.session().exec(script);
  }

  copyText(table: string, columns: readonly string[], text: string): Promise<void> {
    return this.session().copyText(table, columns, text);
  }

  private queue: Promise<unknown> = Promise.resolve();

  /**
   * One transaction at a time, as on PGlite's single connection: two requests' savepoints on the
   * one test session would otherwise interleave, and releasing the first would release the second.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const session = this.session();
    const run = this.queue.then(() => session.transaction(work));
    this.queue = run.catch(() => undefined);
    return run;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The app as seen by one persona: every inject carries that persona's API token. */
function appAs(app: LiptakoApp, token: string | null): LiptakoApp {
  return new Proxy(app, {
    get(target, property, receiver) {
      if (property !== 'inject' || token === null) return Reflect.get(target, property, receiver) as unknown;
      return (options: InjectOptions) =>
        target.inject({ ...options, headers: { authorization: `Bearer ${token}`, ...(options.headers ?? {}) } });
    },
  });
}

export interface TestContext {
  readonly kind: DatabaseKind;
  /** The database, inside the current test's transaction. */
  readonly db: Database;
  /** The HTTP app in-process (use app.inject), signed in as the administrator. */
  readonly app: LiptakoApp;
  /** The same app seen by another persona ('anonymous' sends no credentials). */
  as(persona: Persona): LiptakoApp;
  /** A persona's API token, for clients that do not go through inject (raw sockets). */
  tokenOf(persona: Exclude<Persona, 'anonymous'>): string;
}

/**
 * Declares a suite once per database kind. `setup` may register extra routes on the app
 * before it is readied (e.g. a route that throws, to test the 500 path); `build` passes
 * settings to buildApp (e.g. trustProxy).
 */
export function describeEachDatabase(
  name: string,
  body: (context: TestContext) => void,
  options: { setup?: (app: LiptakoApp, db: Database) => void; build?: Partial<Omit<BuildAppOptions, 'db'>> } = {},
): void {
  for (const kind of databaseKinds) {
    describe(`${name} [${kind}]`, () => {
      let real: Database | undefined;
      let dispose: (() => Promise<void>) | undefined;
      let release: (() => void) | undefined;
      const rollback = new RollbackDatabase(kind);
      let app: LiptakoApp | undefined;
      const violations: ResponseViolation[] = [];
      let tokens: PersonaTokens | undefined;

      beforeAll(async () => {
        const opened = await openMigratedDatabase(kind);
        real = opened.db;
        dispose = opened.dispose;
        tokens = opened.tokens;
        app = await buildApp({
          db: rollback,
          modules: MODULES,
          logLevel: false,
          webRoot: null,
          // Every answer a test receives is checked against the schema the OpenAPI document publishes,
          // a 2xx status the route does not declare included (test/integration/openapi.test.ts
          // holds every declared one to a real schema).
          checkResponses: (violation) => violations.push(violation),
          ...options.build,
        });
        options.setup?.(app, rollback);
        await app.ready();
      });

      afterAll(async () => {
        await app?.close();
        await dispose?.();
      });

      beforeEach(async () => {
        if (real instanceof PgliteDatabase) {
          rollback.current = real.session();
        } else if (real instanceof PostgresDatabase) {
          const opened = await real.session();
          rollback.current = opened.session;
          release = opened.release;
        }
        await rollback.current!.exec('BEGIN');
      });

      afterEach(async () => {
        const misfits = violations.splice(0);
        // A job a request started in the background must end inside its own test's transaction.
        await jobsIdle();
        await rollback.current?.exec('ROLLBACK');
        rollback.current = null;
        // The rolled-back versions may come back: cached published answers must not outlive the test.
        versionsChanged(true);
        if (misfits.length > 0) {
          throw new Error(`answers their OpenAPI schema does not describe:\n${misfits.map((v) => `  ${v.method} ${v.route} ${v.status}: ${v.problem}`).join('\n')}`);
        }
        release?.();
        release = undefined;
      });

      const as = (persona: Persona): LiptakoApp => {
        if (app === undefined || tokens === undefined) throw new Error('The app is built in beforeAll.');
        return appAs(app, persona === 'anonymous' ? null : tokens[persona]);
      };
      body({
        kind,
        db: rollback,
        get app() {
          return as('admin');
        },
        as,
        tokenOf: (persona) => {
          if (tokens === undefined) throw new Error('The tokens are made in beforeAll.');
          return tokens[persona];
        },
      });
    });
  }
}
