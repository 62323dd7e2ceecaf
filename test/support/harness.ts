/**
 * Integration test harness. Every suite declared with `describeEachDatabase` runs on PGlite and,
 * when TEST_DATABASE_URL is set, on PostgreSQL too. Each test file gets its own freshly migrated
 * database (built from the project's migrations, never a dump); each test runs inside a
 * transaction that is rolled back, so tests cannot see each other's data.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import { PgliteDatabase, PostgresDatabase, type Database, type DatabaseKind, type Queryable, type SessionQueryable } from '../../src/core/db.js';
import type { InjectOptions } from 'fastify';
import { systemActor } from '../../src/access/audit.js';
import * as access from '../../src/access/service.js';
import type { AssignmentInput } from '../../src/access/service.js';
import { buildApp, type BuildAppOptions } from '../../src/core/http.js';
import { MODULES } from '../../src/modules.js';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import { migrate } from '../../src/core/migrate.js';
import type { ResponseViolation } from '../../src/core/response-check.js';
import { versionsChanged } from '../../src/core/versions.js';
import { jobsIdle } from '../../src/core/jobs.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || null;

export const databaseKinds: DatabaseKind[] = TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

/** Creates an empty PostgreSQL database for one test file; returns its URL and a way to drop it. */
export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (TEST_DATABASE_URL === null) throw new Error('TEST_DATABASE_URL is not set');
  const name = `liptako_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** An empty database of the given kind (not migrated), and how to dispose of it. */
export async function openEmptyDatabase(kind: DatabaseKind): Promise<{ db: Database; dispose: () => Promise<void> }> {
  if (kind === 'pglite') {
    const db = await PgliteDatabase.open();
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

export type Persona = 'admin' | 'imOfficerMali' | 'programmeManager' | 'enumeratorNiger' | 'partner' | 'viewer' | 'anonymous';

/** The named people of permission tests: each with a role, a scope and an API token. */
export const PERSONAS: Record<Exclude<Persona, 'anonymous'>, { email: string; role: string; scope: AssignmentInput['scope'] }> = {
  admin: { email: 'admin@test.liptako.org', role: 'administrator', scope: { kind: 'response' } },
  imOfficerMali: { email: 'im.mali@test.liptako.org', role: 'im-officer', scope: { kind: 'country', value: 'ML' } },
  programmeManager: { email: 'manager@test.liptako.org', role: 'programme-manager', scope: { kind: 'response' } },
  enumeratorNiger: { email: 'enum.niger@test.liptako.org', role: 'enumerator', scope: { kind: 'country', value: 'NE' } },
  partner: { email: 'partner@test.liptako.org', role: 'partner-reporter', scope: { kind: 'organisation', value: 'ORG' } },
  viewer: { email: 'viewer@test.liptako.org', role: 'viewer', scope: { kind: 'response' } },
};

export const TEST_PASSWORD = 'correct horse battery staple 2021';

async function createPersonas(db: Database): Promise<Record<Exclude<Persona, 'anonymous'>, string>> {
  const organisation = await access.createOrganisation(db, systemActor('test'), { name: 'Test Partner NGO', acronym: 'TPN' });
  const tokens = {} as Record<Exclude<Persona, 'anonymous'>, string>;
  for (const [persona, definition] of Object.entries(PERSONAS) as Array<[Exclude<Persona, 'anonymous'>, (typeof PERSONAS)[keyof typeof PERSONAS]]>) {
    const scope = definition.scope.kind === 'organisation' ? { kind: 'organisation' as const, value: String(organisation.id) } : definition.scope;
    const user = await access.createUser(db, systemActor('test'), {
      email: definition.email,
      name: persona,
      password: TEST_PASSWORD,
      organisationId: definition.scope.kind === 'organisation' ? organisation.id : null,
      assignments: [{ role: definition.role, scope }],
    });
    const { secret } = await access.issueToken(
      db,
      { kind: 'user', userId: user.id, email: user.email, name: user.name, language: 'fr', organisationId: user.organisationId, assignments: [], via: 'system' },
      { name: 'tests', expiresInDays: 1 },
    );
    tokens[persona] = secret;
  }
  return tokens;
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
      let tokens: Record<Exclude<Persona, 'anonymous'>, string> | undefined;

      beforeAll(async () => {
        const opened = await openEmptyDatabase(kind);
        real = opened.db;
        dispose = opened.dispose;
        await migrate(real);
        tokens = await createPersonas(real);
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
