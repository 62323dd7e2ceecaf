/**
 * The database boundary. Liptako speaks PostgreSQL SQL to either PGlite (embedded, the default)
 * or a PostgreSQL server (DATABASE_URL). Everything above this file sees one interface, and
 * database errors are translated into catalogue errors here and nowhere else.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite, type Transaction as PgliteTransaction } from '@electric-sql/pglite';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { AppError, UNWRITABLE_CODES } from './errors.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Queryable {
  readonly kind: DatabaseKind;
  /** One parameterised statement. */
  query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** A script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
  /** Runs `work` in a transaction; nested calls become savepoints. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** COPY … FROM STDIN of rows in COPY's text format (tab-separated, \N for NULL: copyTextValue), on this connection or transaction. */
  copyText(table: string, columns: readonly string[], text: string): Promise<void>;
}

export interface Database extends Queryable {
  close(): Promise<void>;
}

// Dates stay 'YYYY-MM-DD' strings: a JS Date would shift them with the server's time zone.
const DATE_OID = 1082;
const INT8_OID = 20;
const identity = (value: string): string => value;

// node-postgres says that a connection was lost or could not be made by message only, without a
// SQLSTATE or a system error code (the server went away mid-query, a pool connect timed out).
const CONNECTION_LOST_MESSAGES = new Set([
  'Connection terminated',
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'timeout exceeded when trying to connect',
]);

/** SQLSTATE → catalogue. Anything not listed is a programming error and stays a 500. */
export function translateDbError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  if (code === '' && error instanceof Error && CONNECTION_LOST_MESSAGES.has(error.message)) {
    return new AppError('db.unavailable', {}, { cause: error });
  }
  if (code === '23505') return new AppError('resource.exists', {}, { cause: error });
  if (code === '23503') return new AppError('reference.missing', {}, { cause: error });
  if (code === '23514' || code === '23502' || code.startsWith('22')) {
    return new AppError('value.rejected', {}, { cause: error });
  }
  if (code === '40001' || code === '40P01') return new AppError('db.retry', {}, { cause: error });
  if (code === '53100') return new AppError('db.full', {}, { cause: error });
  if (
    code.startsWith('08') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'ETIMEDOUT'
  ) {
    return new AppError('db.unavailable', {}, { cause: error });
  }
  return error;
}

async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateDbError(error);
  }
}

/**
 * A single connection already inside a transaction (a PGlite transaction, a checked-out pg
 * client, or a test's rolled-back session). Nested transactions become savepoints so that a
 * service can always call `transaction()` without knowing who called it.
 */
export class SessionQueryable implements Queryable {
  private savepoints = 0;
  /**
   * The last statement asked for: the next one waits for it. One connection runs one statement at
   * a time; pg 8 queues a second one itself but warns that pg 9 will refuse it, and callers sharing
   * a session (a test's rolled-back session under concurrent requests, Promise.all in a service) do ask.
   */
  private previous: Promise<unknown> = Promise.resolve();

  constructor(
    readonly kind: DatabaseKind,
    private readonly run: (sql: string, params: readonly unknown[]) => Promise<object[]>,
    private readonly runScript: (script: string) => Promise<void>,
    private readonly runCopy: (sql: string, text: string) => Promise<void>,
  ) {}

  query<Row extends object = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return this.inTurn(() => translated(async () => (await this.run(sql, params)) as Row[]));
  }

  exec(script: string): Promise<void> {
    return this.inTurn(() => translated(() => this.runScript(script)));
  }

  /** COPY on the session's own connection, so the rows are the transaction's (and see its temporary tables). */
  copyText(table: string, columns: readonly string[], text: string): Promise<void> {
    return this.inTurn(() => translated(() => this.runCopy(copyStatement(table, columns), text)));
  }

  private inTurn<T>(statement: () => Promise<T>): Promise<T> {
    const result = this.previous.then(statement);
    this.previous = result.catch(() => undefined);
    return result;
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const name = `sp_${++this.savepoints}`;
    await this.exec(`SAVEPOINT ${name}`);
    try {
      const result = await work(this);
      await this.exec(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await this.exec(`ROLLBACK TO SAVEPOINT ${name}`);
      throw error;
    }
  }
}

/** COPY's statement; PGlite reads the rows from the blob given with the query as /dev/blob. */
function copyStatement(table: string, columns: readonly string[]): string {
  return `COPY ${table} (${columns.join(', ')}) FROM STDIN`;
}

function pgliteCopy(sql: string): string {
  return sql.replace(/FROM STDIN$/, "FROM '/dev/blob'");
}

function pgliteSession(tx: Pick<PgliteTransaction, 'query' | 'exec'>): SessionQueryable {
  return new SessionQueryable(
    'pglite',
    async (sql, params) => (await tx.query<object>(sql, params as unknown[])).rows,
    async (script) => {
      await tx.exec(script);
    },
    async (sql, text) => {
      await tx.query(pgliteCopy(sql), [], { blob: new Blob([text]) });
    },
  );
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** System error codes of a folder that cannot be written to. */

/**
 * PGlite is one process's database: a second process opening the same folder (a CLI import while
 * the server runs) would corrupt it. A lock file with the owner's pid prevents that; a lock left
 * by a process that no longer exists (power cut) is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, 'liptako.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      const release = (): void => rmSync(lockFile, { force: true });
      process.once('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockFile, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) {
        throw new AppError('db.locked', { pid: owner, folder: dataDir });
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new AppError('db.locked', { pid: '?', folder: dataDir });
}

// ---- waiting for PGlite's one connection ----------------------------------------------------------

const waitLimit = new AsyncLocalStorage<{ maxWaitMs: number }>();

/**
 * Runs `work` with a limit on how long its statements may wait for PGlite's single connection:
 * past it they fail with `db.busy` (503, Retry-After) instead of hanging. The HTTP layer runs
 * every request this way; background jobs, the CLI and the demo wait as long as it takes.
 */
export function withWaitLimit<T>(maxWaitMs: number, work: () => T): T {
  return waitLimit.run({ maxWaitMs }, work);
}

/** Runs `work` without a wait limit (a background job started by a request). */
export function withoutWaitLimit<T>(work: () => T): T {
  return waitLimit.run({ maxWaitMs: Number.POSITIVE_INFINITY }, work);
}

/**
 * PGlite runs inside this process, so its shared buffers are this process's memory: PostgreSQL's
 * 128 MB default added ~85 MB to the server's resident size (measured: 283 → 200 MB on opening a
 * data folder). The operating system's page cache still holds the files; 32 MB keeps the hot
 * pages of the dashboards' indexes.
 */
const PGLITE_SETTINGS = ['shared_buffers=32MB'];

/**
 * First come, first served access to PGlite's one connection, with a bounded wait. A request
 * that waits too long gets `db.busy` and a Retry-After estimated from the queue ahead of it and
 * how long each turn has taken lately.
 */
export class FairGate {
  private held = false;
  private readonly queue: Array<{ grant: () => void; refuse: (error: unknown) => void; timer?: NodeJS.Timeout }> = [];
  /** Recent time a turn holds the connection (ms, moving average). */
  private holdMs = 5;

  get waiting(): number {
    return this.queue.length;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire(waitLimit.getStore()?.maxWaitMs ?? Number.POSITIVE_INFINITY);
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.holdMs = this.holdMs * 0.9 + (performance.now() - started) * 0.1;
      this.release();
    }
  }

  private acquire(maxWaitMs: number): Promise<void> {
    if (!this.held && this.queue.length === 0) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry: (typeof this.queue)[number] = { grant: resolve, refuse: reject };
      if (Number.isFinite(maxWaitMs)) {
        entry.timer = setTimeout(() => {
          const index = this.queue.indexOf(entry);
          if (index < 0) return;
          this.queue.splice(index, 1);
          const retryAfter = Math.min(60, Math.max(1, Math.ceil((this.queue.length * this.holdMs) / 1000)));
          reject(new AppError('db.busy', { seconds: retryAfter }, { retryAfter }));
        }, maxWaitMs);
      }
      this.queue.push(entry);
    });
  }

  private release(): void {
    const next = this.queue.shift();
    if (next === undefined) {
      this.held = false;
      return;
    }
    if (next.timer !== undefined) clearTimeout(next.timer);
    next.grant();
  }
}

export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  /** Every top-level statement and transaction takes its turn here (PGlite has one connection). */
  readonly gate = new FairGate();

  private constructor(
    readonly pglite: PGlite,
    private readonly unlock: () => void,
  ) {}

  /**
   * `dataDir` undefined means in memory (tests); `loadDataDir`, a dump of another PGlite's data
   * folder (dumpDataDir) to start from instead of a new cluster (the tests' migrated template).
   */
  static async open(dataDir?: string, options: { loadDataDir?: Blob } = {}): Promise<PgliteDatabase> {
    let unlock = (): void => undefined;
    if (dataDir !== undefined) {
      try {
        mkdirSync(dataDir, { recursive: true });
        unlock = lockDataDir(dataDir);
      } catch (error) {
        // A read-only, full or forbidden folder: say so before PGlite tries to write in it.
        const code = (error as NodeJS.ErrnoException).code ?? '';
        if (UNWRITABLE_CODES.has(code)) throw new AppError('db.folderNotWritable', { folder: dataDir, reason: code }, { cause: error });
        throw error;
      }
    }
    try {
      const pglite = await PGlite.create({ dataDir, loadDataDir: options.loadDataDir, postgresqlconf: PGLITE_SETTINGS, parsers: { [DATE_OID]: identity, [INT8_OID]: Number } });
      return new PgliteDatabase(pglite, unlock);
    } catch (error) {
      unlock();
      throw error;
    }
  }

  query<Row extends object = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return translated(() => this.gate.run(async () => (await this.pglite.query<Row>(sql, params as unknown[])).rows));
  }

  exec(script: string): Promise<void> {
    return translated(() =>
      this.gate.run(async () => {
        await this.pglite.exec(script);
      }),
    );
  }

  // PGlite's own transaction holds its single connection for the duration, so concurrent
  // requests queue behind a write instead of slipping into it; the gate makes that queue fair
  // and bounded.
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return translated(() => this.gate.run(() => this.pglite.transaction((tx) => work(pgliteSession(tx)))));
  }

  /** COPY … FROM STDIN of rows in COPY's text format, as one blob (PGlite reads it as /dev/blob). */
  copyText(table: string, columns: readonly string[], text: string): Promise<void> {
    return translated(() =>
      this.gate.run(async () => {
        await this.pglite.query(pgliteCopy(copyStatement(table, columns)), [], { blob: new Blob([text]) });
      }),
    );
  }

  /** A raw session on the single connection, for the test harness's per-test rollback. */
  session(): SessionQueryable {
    return pgliteSession(this.pglite);
  }

  async close(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
    this.unlock();
  }
}

const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown => {
    if (oid === DATE_OID) return identity;
    if (oid === INT8_OID) return Number;
    // pg types its own parser table loosely; the cast below restores the public signature.
    return pg.types.getTypeParser(oid, format) as unknown;
  }) as typeof pg.types.getTypeParser,
};

function clientSession(client: pg.ClientBase): SessionQueryable {
  return new SessionQueryable(
    'postgres',
    async (sql, params) => (await client.query<object>(sql, params as unknown[])).rows,
    async (script) => {
      await client.query(script);
    },
    // A COPY refused by the server (a bad value) ends its protocol cleanly: the transaction fails and rolls back as any statement's would.
    (sql, text) => pipeline(Readable.from([text]), client.query(copyFrom(sql))),
  );
}

export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;

  private constructor(readonly pool: pg.Pool) {}

  static open(connectionString: string, options: { max?: number } = {}): PostgresDatabase {
    const pool = new pg.Pool({
      connectionString,
      max: options.max ?? 10,
      types: pgTypes,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle client losing its server (restart, network) must not crash the process.
    pool.on('error', () => undefined);
    return new PostgresDatabase(pool);
  }

  query<Row extends object = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return translated(async () => (await this.pool.query<Row>(sql, params as unknown[])).rows);
  }

  exec(script: string): Promise<void> {
    return translated(async () => {
      await this.pool.query(script);
    });
  }

  /**
   * A connection checked out of the pool for `work`, thrown away afterwards if it broke. The pool
   * stops listening to a client's 'error' while it is checked out: a server restart meanwhile would
   * otherwise be an unhandled 'error' event that ends the process. The pending query fails anyway
   * (→ db.unavailable); `work` calls `markBroken` when the client is no longer fit to reuse.
   */
  private async withClient<T>(work: (client: pg.PoolClient, markBroken: () => void) => Promise<T>): Promise<T> {
    const client = await translated(() => this.pool.connect());
    let broken = false;
    const lost = (): void => {
      broken = true;
    };
    client.on('error', lost);
    try {
      return await work(client, lost);
    } finally {
      client.removeListener('error', lost);
      client.release(broken);
    }
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.withClient(async (client, markBroken) => {
      try {
        await translated(() => client.query('BEGIN'));
        const result = await work(clientSession(client));
        await translated(() => client.query('COMMIT'));
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          markBroken();
        }
        throw translateDbError(error);
      }
    });
  }

  /** COPY … FROM STDIN of rows in COPY's text format, on a connection of the pool. */
  copyText(table: string, columns: readonly string[], text: string): Promise<void> {
    return this.withClient(async (client, markBroken) => {
      try {
        await translated(() => pipeline(Readable.from([text]), client.query(copyFrom(copyStatement(table, columns)))));
      } catch (error) {
        // A COPY cut off leaves the connection in the middle of the protocol.
        markBroken();
        throw error;
      }
    });
  }

  /** A dedicated connection, for the test harness's per-test rollback. */
  async session(): Promise<{ session: SessionQueryable; release: () => void }> {
    const client = await this.pool.connect();
    return { session: clientSession(client), release: () => client.release() };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** A value in COPY's text format: NULL as \N, and the backslash, tab, line feed and carriage return escaped. */
export function copyTextValue(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (char) => COPY_ESCAPES[char]!) : value;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export async function openDatabase(settings: { databaseUrl: string | null; dataDir?: string }): Promise<Database> {
  if (settings.databaseUrl !== null) return PostgresDatabase.open(settings.databaseUrl);
  return PgliteDatabase.open(settings.dataDir);
}
