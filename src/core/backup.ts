/**
 * Backup and restore at Liptako's level: the same file from PGlite and PostgreSQL, restorable
 * into either, with no pg_dump (PGlite has none, and a server's pg_dump must match its version).
 *
 * The file is gzip-compressed JSON lines:
 *   {"format":"liptako-backup","version":1,"migrationLevel":4,"migrations":[…],"tables":[…],…}
 *   {"table":"geo_import"}
 *   ["1","gazetteer.csv",…]            one line per row: each value in its PostgreSQL text form
 *   {"end":"geo_import","rows":1}
 *   …                                   (every table, parents before children)
 *   {"end":"liptako-backup","tables":17,"rows":5123}
 *
 * Values travel as PostgreSQL's own text form (what COPY writes), bytea as base64, so every type
 * round-trips exactly: numeric digits, float -0 and NaN, arrays, jsonb `null` apart from SQL NULL,
 * timestamptz to the microsecond. Output settings (time zone, date style, float digits) are pinned
 * for the dump, as pg_dump does, so the server's configuration cannot change what is written.
 *
 * The schema is not in the file: the header names the migration level, and restore builds the
 * schema by running the same migrations. The migrations ledger is carried in the header (with
 * checksums, so a backup of a different branch is refused), not as a table.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { DatabaseKind, Queryable } from './db.js';
import { AppError } from './errors.js';
import { loadMigrations, migrate, migrationLevel, type Migration } from './migrate.js';

export const BACKUP_FORMAT = 'liptako-backup';
export const BACKUP_FORMAT_VERSION = 1;

/** The ledger of applied migrations: carried in the header and rebuilt by migrate(), never dumped as a table. */
const MIGRATIONS_TABLE = 'schema_migrations';

/**
 * Tables that migrations fill with reference rows (0004 seeds the roles). A freshly migrated
 * database holds rows there and nowhere else, and still counts as empty for a restore. A
 * migration that seeds another table must name it here (the backup test checks that a fresh
 * database counts as empty).
 */
export const SEEDED_BY_MIGRATIONS: readonly string[] = ['role'];

/** A page of dump or a batch of restore aims at this many bytes of JSON: memory stays flat. */
const BATCH_BYTES = 4 * 1024 * 1024;
const MAX_BATCH_ROWS = 5_000;
/** One row's line may hold a whole imported file (64 MB as base64); beyond this, the file is not ours. */
const MAX_LINE_CHARS = 256 * 1024 * 1024;
const MAX_HEADER_CHARS = 16 * 1024 * 1024;

const LIPTAKO_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export type Progress = (done: number, total: number) => void;

export interface BackupColumn {
  name: string;
  /** As format_type() writes it: `numeric(16,2)`, `text[]`, `timestamp with time zone`. */
  type: string;
  /** `base64` for bytea (a third smaller than its hex text form), `text` for every other type. */
  encoding: 'text' | 'base64';
}

export interface BackupSequence {
  column: string;
  /** bigint as text. */
  lastValue: string;
  isCalled: boolean;
}

export interface BackupTable {
  name: string;
  /** Stored columns in table order (generated columns are computed again on restore). */
  columns: BackupColumn[];
  primaryKey: string[];
  rows: number;
  /** Identity and serial sequences: restored as they were, so ids are never handed out twice. */
  sequences: BackupSequence[];
  /**
   * An UNLOGGED table (a staging area): its rows are scratch that PostgreSQL itself empties after
   * a crash, so they are not backed up; restore empties the table, as crash recovery would.
   */
  unlogged?: boolean;
}

export interface BackupMigration {
  version: number;
  name: string;
  checksum: string;
  appliedAt: string;
}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  /** When the snapshot was taken (the database's clock), ISO 8601 UTC. */
  createdAt: string;
  liptakoVersion: string;
  database: DatabaseKind;
  serverVersion: string;
  migrationLevel: number;
  migrations: BackupMigration[];
  /** In restore order: a table comes after the tables it refers to. */
  tables: BackupTable[];
}

export interface BackupReport {
  header: BackupHeader;
  tables: number;
  rows: number;
  /** Compressed size written. */
  bytes: number;
}

export interface BackupOptions {
  onProgress?: Progress;
}

export interface RestoreOptions {
  /** Replace the data of a database that already holds some (every Liptako table is emptied first). */
  force?: boolean;
  /** Migrate to this version's level after restoring an older backup, in the same transaction (default true). */
  upgrade?: boolean;
  onProgress?: Progress;
}

export interface RestoreReport {
  header: BackupHeader;
  tables: number;
  rows: number;
  /** True when the target held data that the restore replaced (--force). */
  replacedData: boolean;
  /** Migration level of the database after the restore. */
  migrationLevel: number;
}

// ---------------------------------------------------------------------------------------------
// The schema as the database describes it
// ---------------------------------------------------------------------------------------------

interface CatalogueColumn extends BackupColumn {
  generated: boolean;
  /** Qualified, quoted sequence name (pg_get_serial_sequence) for identity and serial columns. */
  sequence: string | null;
}

interface CatalogueTable {
  name: string;
  columns: CatalogueColumn[];
  primaryKey: string[];
  unlogged: boolean;
  references: Set<string>;
  /** User triggers that are enabled (append-only guards): switched off while restoring. */
  enabledTriggers: string[];
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The public schema's base tables (the migrations ledger left out), parents before children.
 * information_schema lists the tables; pg_catalog gives exact types, keys and triggers.
 */
async function readCatalogue(db: Queryable): Promise<CatalogueTable[]> {
  const tableRows = await db.query<{ name: string; unlogged: boolean }>(
    `SELECT table_name AS name,
            EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'public' AND c.relname = table_name AND c.relpersistence = 'u') AS unlogged
       FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> $1 ORDER BY table_name`,
    [MIGRATIONS_TABLE],
  );
  const tables = new Map<string, CatalogueTable>(
    tableRows.map((row) => [
      row.name,
      { name: row.name, columns: [], primaryKey: [], unlogged: row.unlogged, references: new Set(), enabledTriggers: [] },
    ]),
  );
  const columns = await db.query<{ table: string; column: string; type: string; bytea: boolean; generated: boolean; sequence: string | null }>(
    `SELECT c.relname AS "table", a.attname AS "column", format_type(a.atttypid, a.atttypmod) AS type,
            a.atttypid = 'bytea'::regtype AS bytea, a.attgenerated <> '' AS generated,
            pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) AS sequence
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
      ORDER BY c.relname, a.attnum`,
  );
  for (const row of columns) {
    tables.get(row.table)?.columns.push({
      name: row.column,
      type: row.type,
      encoding: row.bytea ? 'base64' : 'text',
      generated: row.generated,
      sequence: row.sequence,
    });
  }
  const keys = await db.query<{ table: string; column: string }>(
    `SELECT c.relname AS "table", a.attname AS "column"
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
      WHERE n.nspname = 'public' AND i.indisprimary
      ORDER BY c.relname, k.position`,
  );
  for (const row of keys) tables.get(row.table)?.primaryKey.push(row.column);
  const references = await db.query<{ table: string; referenced: string }>(
    `SELECT DISTINCT c.relname AS "table", r.relname AS referenced
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_class r ON r.oid = k.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE k.contype = 'f' AND n.nspname = 'public'`,
  );
  for (const row of references) if (row.table !== row.referenced) tables.get(row.table)?.references.add(row.referenced);
  const triggers = await db.query<{ table: string; trigger: string }>(
    `SELECT c.relname AS "table", t.tgname AS "trigger"
       FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND NOT t.tgisinternal AND t.tgenabled <> 'D'
      ORDER BY c.relname, t.tgname`,
  );
  for (const row of triggers) tables.get(row.table)?.enabledTriggers.push(row.trigger);
  return dependencyOrder([...tables.values()]);
}

/** Parents first (a stable topological sort, alphabetical among equals); a cycle keeps name order. */
function dependencyOrder(tables: CatalogueTable[]): CatalogueTable[] {
  const byName = new Map(tables.map((table) => [table.name, table]));
  const ordered: CatalogueTable[] = [];
  const placed = new Set<string>();
  const remaining = [...tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  while (remaining.length > 0) {
    const index = remaining.findIndex((table) => [...table.references].every((name) => placed.has(name) || !byName.has(name)));
    const [next] = remaining.splice(index === -1 ? 0 : index, 1);
    if (next === undefined) break;
    ordered.push(next);
    placed.add(next.name);
  }
  return ordered;
}

/** Output and input settings pinned for the transaction, whatever the server's configuration. */
const PINNED_SETTINGS = [
  "SET LOCAL TimeZone = 'UTC'",
  "SET LOCAL DateStyle = 'ISO, YMD'",
  "SET LOCAL IntervalStyle = 'postgres'",
  // Shortest exact float output: 15 digits would round values that then come back different.
  'SET LOCAL extra_float_digits = 3',
  "SET LOCAL bytea_output = 'hex'",
].join(';\n');

/** SQL reading a value of `column` from the text expression `text` (a parameter or a JSON field). */
function fromText(text: string, column: BackupColumn): string {
  return column.encoding === 'base64' ? `decode(${text}, 'base64')` : `(${text})::${column.type}`;
}

function toText(expression: string, column: BackupColumn): string {
  // encode() wraps base64 every 76 characters; the newlines are dropped, decode() needs none.
  return column.encoding === 'base64' ? `replace(encode(${expression}, 'base64'), chr(10), '')` : `${expression}::text`;
}

// ---------------------------------------------------------------------------------------------
// Backup
// ---------------------------------------------------------------------------------------------

/** Writes lines into gzip, waiting when the destination is slower than the database. */
class GzipWriter {
  private failure: Error | null = null;
  private readonly gzip = createGzip();
  readonly finished: Promise<void>;
  bytes = 0;

  constructor(destination: Writable) {
    const count = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        this.bytes += chunk.length;
        callback(null, chunk);
      },
    });
    this.finished = pipeline(this.gzip, count, destination);
    this.finished.catch((error: unknown) => {
      this.failure = error instanceof Error ? error : new Error(`backup output failed: ${String(error)}`);
    });
  }

  async write(text: string): Promise<void> {
    if (this.gzip.destroyed) await this.fail();
    if (this.gzip.write(text)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.gzip.off('drain', done);
        this.gzip.off('close', done);
        resolve();
      };
      this.gzip.on('drain', done);
      this.gzip.on('close', done);
    });
    if (this.gzip.destroyed) await this.fail();
  }

  /** The output failed (disk full, closed pipe): the pipeline's error says why. */
  private async fail(): Promise<never> {
    await this.finished.catch(() => undefined);
    throw this.failure ?? new Error('backup output closed');
  }

  async end(): Promise<void> {
    this.gzip.end();
    await this.finished;
  }

  abort(): void {
    this.gzip.destroy();
  }
}

/**
 * Writes a backup of the database `db` (a Database, not a transaction: the dump takes its own
 * repeatable-read snapshot, so a PostgreSQL server can keep working meanwhile). `target` is a
 * file path (written under a temporary name, readable by its owner only, and renamed when
 * complete, so a failed backup never leaves a plausible file) or a writable stream.
 */
export async function backupDatabase(db: Queryable, target: string | Writable, options: BackupOptions = {}): Promise<BackupReport> {
  const partial = typeof target === 'string' ? `${target}.partial-${process.pid}-${randomBytes(4).toString('hex')}` : null;
  const destination = typeof target === 'string' ? createWriteStream(partial ?? target, { flags: 'wx', mode: 0o600 }) : target;
  const writer = new GzipWriter(destination);
  try {
    const { header, rows } = await db.transaction(async (tx) => {
      // A snapshot: every table as of one instant, even while a server writes.
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      await tx.exec(PINNED_SETTINGS);
      return dump(tx, writer, options.onProgress);
    });
    await writer.end();
    if (partial !== null && typeof target === 'string') await rename(partial, target);
    const bytes = typeof target === 'string' ? (await stat(target)).size : writer.bytes;
    return { header, tables: header.tables.length, rows, bytes };
  } catch (error) {
    writer.abort();
    await writer.finished.catch(() => undefined);
    if (partial !== null) await rm(partial, { force: true });
    throw error;
  }
}

async function dump(tx: Queryable, writer: GzipWriter, onProgress?: Progress): Promise<{ header: BackupHeader; rows: number }> {
  const level = await migrationLevel(tx);
  if (level === 0) throw new AppError('backup.sourceEmpty', { database: tx.kind === 'pglite' ? 'PGlite' : 'PostgreSQL' });
  const [about] = await tx.query<{ createdAt: string; serverVersion: string }>(
    `SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt", current_setting('server_version') AS "serverVersion"`,
  );
  const migrations = await tx.query<BackupMigration>(
    `SELECT version, name, checksum, applied_at::text AS "appliedAt" FROM ${MIGRATIONS_TABLE} ORDER BY version`,
  );
  const catalogue = await readCatalogue(tx);
  const tables: BackupTable[] = [];
  for (const table of catalogue) {
    const [counted] = table.unlogged ? [{ rows: '0' }] : await tx.query<{ rows: string }>(`SELECT count(*)::text AS rows FROM ${quoteIdent(table.name)}`);
    const sequences: BackupSequence[] = [];
    for (const column of table.columns) {
      if (column.sequence === null) continue;
      // A sequence is read after the snapshot began, so it is at least the largest id the dump holds.
      const [state] = await tx.query<{ lastValue: string; isCalled: boolean }>(
        `SELECT last_value::text AS "lastValue", is_called AS "isCalled" FROM ${column.sequence}`,
      );
      if (state !== undefined) sequences.push({ column: column.name, ...state });
    }
    tables.push({
      name: table.name,
      columns: table.columns.filter((column) => !column.generated).map(({ name, type, encoding }) => ({ name, type, encoding })),
      primaryKey: table.primaryKey,
      rows: Number(counted?.rows ?? 0),
      sequences,
      ...(table.unlogged ? { unlogged: true } : {}),
    });
  }
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    version: BACKUP_FORMAT_VERSION,
    createdAt: about?.createdAt ?? new Date().toISOString(),
    liptakoVersion: LIPTAKO_VERSION,
    database: tx.kind,
    serverVersion: about?.serverVersion ?? '',
    migrationLevel: level,
    migrations,
    tables,
  };
  await writer.write(`${JSON.stringify(header)}\n`);

  const total = tables.reduce((sum, table) => sum + table.rows, 0);
  let done = 0;
  onProgress?.(0, total);
  for (const table of tables) {
    await writer.write(`${JSON.stringify({ table: table.name })}\n`);
    let written = 0;
    for await (const page of table.unlogged === true ? [] : pages(tx, table)) {
      await writer.write(page.lines);
      written += page.rows;
      done += page.rows;
      onProgress?.(done, total);
    }
    await writer.write(`${JSON.stringify({ end: table.name, rows: written })}\n`);
    if (written !== table.rows) throw new Error(`backup: ${table.name} changed during the snapshot (${table.rows} counted, ${written} read)`);
  }
  await writer.write(`${JSON.stringify({ end: BACKUP_FORMAT, tables: tables.length, rows: done })}\n`);
  return { header, rows: done };
}

/**
 * A table's rows in primary-key order, a page at a time (keyset paging: each page starts after
 * the last key of the previous one, so a page costs the same at the end of a big table). The page
 * size follows the rows' size, so a table of imported files is read a few rows at a time.
 */
async function* pages(tx: Queryable, table: BackupTable): AsyncGenerator<{ lines: string; rows: number }> {
  const select = table.columns.map((column, index) => `${toText(quoteIdent(column.name), column)} AS c${index}`).join(', ');
  const keyIndexes = table.primaryKey.map((name) => table.columns.findIndex((column) => column.name === name));
  const keyed = keyIndexes.length > 0 && keyIndexes.every((index) => index >= 0);
  const from = `${quoteIdent(table.name)} AS t`;
  const order = keyed ? table.primaryKey.map((name) => `t.${quoteIdent(name)}`).join(', ') : 't::text';
  let after: Array<string | null> | null = null;
  let offset = 0;
  let limit = 100;
  for (;;) {
    let sql: string;
    let params: unknown[];
    if (keyed && after !== null) {
      const keys = keyIndexes.map((index, position) => fromText(`$${position + 1}`, table.columns[index]!)).join(', ');
      sql = `SELECT ${select} FROM ${from} WHERE (${order}) > (${keys}) ORDER BY ${order} LIMIT ${limit}`;
      params = after;
    } else {
      // Without a primary key (none in Liptako today), whole-row text order within the snapshot
      // is stable, and identical rows are interchangeable.
      sql = `SELECT ${select} FROM ${from} ORDER BY ${order} LIMIT ${limit}${keyed ? '' : ` OFFSET ${offset}`}`;
      params = [];
    }
    const rows = await tx.query<Record<string, string | null>>(sql, params);
    if (rows.length === 0) return;
    let lines = '';
    let last: Array<string | null> = [];
    for (const row of rows) {
      last = table.columns.map((_, index) => row[`c${index}`] ?? null);
      lines += `${JSON.stringify(last)}\n`;
    }
    yield { lines, rows: rows.length };
    if (rows.length < limit) return;
    after = keyIndexes.map((index) => last[index] ?? null);
    offset += rows.length;
    limit = Math.max(1, Math.min(MAX_BATCH_ROWS, Math.floor(BATCH_BYTES / Math.max(1, lines.length / rows.length))));
  }
}

// ---------------------------------------------------------------------------------------------
// Reading a backup file
// ---------------------------------------------------------------------------------------------

class BackupReader {
  private readonly iterator: AsyncIterator<string>;
  private readonly gunzip = createGunzip();
  private current = '';
  private parts: string[] = [];
  private partsLength = 0;
  /** 1-based number of the last line returned. */
  line = 0;
  /** Data rows seen, for messages. */
  rows = 0;

  constructor(private readonly input: Readable) {
    input.once('error', (error) => this.gunzip.destroy(error));
    // Errors reach the reader through the iterator; this keeps one arriving between reads from
    // being an unhandled 'error' event.
    this.gunzip.on('error', () => undefined);
    input.pipe(this.gunzip);
    this.gunzip.setEncoding('utf8');
    this.iterator = (this.gunzip as AsyncIterable<string>)[Symbol.asyncIterator]();
  }

  /** The next line, or null at the end of the file. Reading errors become catalogue errors. */
  async next(limit: number = MAX_LINE_CHARS): Promise<string | null> {
    for (;;) {
      const newline = this.current.indexOf('\n');
      if (newline !== -1) {
        // Chunks of a long line are kept apart and joined once: appending to one growing string
        // would copy a 100 MB line once per 64 KB chunk.
        const tail = this.current.slice(0, newline);
        this.current = this.current.slice(newline + 1);
        const line = this.parts.length === 0 ? tail : this.parts.join('') + tail;
        this.parts = [];
        this.partsLength = 0;
        this.line += 1;
        return line;
      }
      if (this.current !== '') {
        this.parts.push(this.current);
        this.partsLength += this.current.length;
        this.current = '';
      }
      if (this.partsLength > limit) {
        throw this.line === 0 ? new AppError('backup.notBackup') : new AppError('backup.corrupt', { line: this.line + 1, reason: 'line too long' });
      }
      let chunk: IteratorResult<string>;
      try {
        chunk = await this.iterator.next();
      } catch (error) {
        throw this.readingError(error);
      }
      if (chunk.done === true) {
        if (this.partsLength === 0) return null;
        const line = this.parts.join('');
        this.parts = [];
        this.partsLength = 0;
        this.line += 1;
        return line;
      }
      this.current = chunk.value;
    }
  }

  private readingError(error: unknown): unknown {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    // zlib's codes: Z_DATA_ERROR (not gzip, or damaged), Z_BUF_ERROR (the stream stops early).
    if (!code.startsWith('Z_')) return error;
    if (this.line === 0) return new AppError('backup.notBackup', {}, { cause: error });
    if (code === 'Z_BUF_ERROR') return new AppError('backup.truncated', { rows: this.rows }, { cause: error });
    return new AppError('backup.corrupt', { line: this.line + 1, reason: 'compressed data damaged' }, { cause: error });
  }

  close(): void {
    this.input.unpipe(this.gunzip);
    this.input.destroy();
    this.gunzip.destroy();
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isName = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= 63;
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Checks the header line field by field: its table and column names end up in SQL (quoted). */
function parseHeader(line: string | null): BackupHeader {
  if (line === null) throw new AppError('backup.notBackup');
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new AppError('backup.notBackup', {}, { cause: error });
  }
  if (!isRecord(value) || value.format !== BACKUP_FORMAT) throw new AppError('backup.notBackup');
  if (value.version !== BACKUP_FORMAT_VERSION) {
    throw new AppError('backup.formatUnsupported', { version: String(value.version).slice(0, 20), supported: BACKUP_FORMAT_VERSION });
  }
  const bad = (reason: string): AppError => new AppError('backup.corrupt', { line: 1, reason: `header: ${reason}` });
  const level = value.migrationLevel;
  if (!isCount(level) || level < 1) throw bad('migration level');
  const migrations = value.migrations;
  if (!Array.isArray(migrations) || migrations.length !== level) throw bad('migrations');
  migrations.forEach((migration: unknown, index) => {
    if (
      !isRecord(migration) ||
      migration.version !== index + 1 ||
      typeof migration.name !== 'string' ||
      typeof migration.checksum !== 'string' ||
      typeof migration.appliedAt !== 'string'
    ) {
      throw bad(`migration ${index + 1}`);
    }
  });
  const tables = value.tables;
  if (!Array.isArray(tables)) throw bad('tables');
  const names = new Set<string>();
  for (const table of tables as unknown[]) {
    if (!isRecord(table) || !isName(table.name) || names.has(table.name) || !isCount(table.rows)) throw bad('table');
    names.add(table.name);
    const columns = table.columns;
    if (!Array.isArray(columns) || columns.length === 0) throw bad(`columns of ${table.name}`);
    const columnNames = new Set<string>();
    for (const column of columns as unknown[]) {
      if (!isRecord(column) || !isName(column.name) || columnNames.has(column.name) || typeof column.type !== 'string' || (column.encoding !== 'text' && column.encoding !== 'base64')) {
        throw bad(`columns of ${table.name}`);
      }
      columnNames.add(column.name);
    }
    if (table.unlogged !== undefined && typeof table.unlogged !== 'boolean') throw bad(`table ${table.name}`);
    if (!Array.isArray(table.primaryKey) || !(table.primaryKey as unknown[]).every((name) => typeof name === 'string' && columnNames.has(name))) {
      throw bad(`primary key of ${table.name}`);
    }
    if (
      !Array.isArray(table.sequences) ||
      !(table.sequences as unknown[]).every(
        (sequence) =>
          isRecord(sequence) &&
          typeof sequence.column === 'string' &&
          columnNames.has(sequence.column) &&
          typeof sequence.lastValue === 'string' &&
          /^-?\d{1,19}$/.test(sequence.lastValue) &&
          typeof sequence.isCalled === 'boolean',
      )
    ) {
      throw bad(`sequences of ${table.name}`);
    }
  }
  if (typeof value.createdAt !== 'string') throw bad('createdAt');
  // Checked field by field above.
  return value as unknown as BackupHeader;
}

function parseControl(line: string, reader: BackupReader): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line);
    if (isRecord(value)) return value;
  } catch {
    // reported below
  }
  throw new AppError('backup.corrupt', { line: reader.line, reason: 'not a table marker' });
}

/** Refuses a backup of another branch: the same level must mean the same migrations. */
function checkMigrations(header: BackupHeader, code: readonly Migration[]): void {
  if (header.migrationLevel > code.length) {
    throw new AppError('backup.newerSchema', { backupLevel: header.migrationLevel, codeLevel: code.length });
  }
  for (const recorded of header.migrations) {
    const known = code[recorded.version - 1];
    if (known === undefined || known.checksum !== recorded.checksum) {
      throw new AppError('backup.migrationMismatch', { version: recorded.version, name: recorded.name.slice(0, 80) });
    }
  }
}

/** Reads only the header of a backup file (to describe it before restoring). */
export async function readBackupHeader(source: string | Readable): Promise<BackupHeader> {
  const reader = new BackupReader(typeof source === 'string' ? createReadStream(source) : source);
  try {
    return parseHeader(await reader.next(MAX_HEADER_CHARS));
  } finally {
    reader.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Restore
// ---------------------------------------------------------------------------------------------

/**
 * Restores a backup into `db` in one transaction: a failure anywhere (a damaged or truncated file,
 * a row the database refuses) leaves the database as it was. The target must be empty (no schema,
 * or freshly migrated) unless `force`; it is migrated to the backup's level first, restored, and
 * then migrated to this version's level (`upgrade`).
 */
export async function restoreDatabase(db: Queryable, source: string | Readable, options: RestoreOptions = {}): Promise<RestoreReport> {
  const reader = new BackupReader(typeof source === 'string' ? createReadStream(source) : source);
  try {
    const header = parseHeader(await reader.next(MAX_HEADER_CHARS));
    const code = loadMigrations();
    checkMigrations(header, code);
    return await db.transaction((tx) => restoreInto(tx, header, reader, options));
  } finally {
    reader.close();
  }
}

async function restoreInto(tx: Queryable, header: BackupHeader, reader: BackupReader, options: RestoreOptions): Promise<RestoreReport> {
  await tx.exec(PINNED_SETTINGS);
  const level = await migrationLevel(tx);
  if (level > header.migrationLevel) throw new AppError('backup.targetNewer', { targetLevel: level, backupLevel: header.migrationLevel });

  let replacedData = false;
  if (level > 0) {
    const holding: string[] = [];
    for (const table of await readCatalogue(tx)) {
      if (SEEDED_BY_MIGRATIONS.includes(table.name)) continue;
      const [row] = await tx.query<{ present: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${quoteIdent(table.name)}) AS present`);
      if (row?.present === true) holding.push(table.name);
    }
    if (holding.length > 0 && options.force !== true) {
      const shown = holding.slice(0, 8).join(', ') + (holding.length > 8 ? ', …' : '');
      throw new AppError('backup.targetNotEmpty', { tables: shown });
    }
    replacedData = holding.length > 0;
  }
  if (level < header.migrationLevel) await migrate(tx, { target: header.migrationLevel });

  const catalogue = new Map((await readCatalogue(tx)).map((table) => [table.name, table]));
  const targets = header.tables.map((table) => matchTable(table, catalogue.get(table.name)));

  // The append-only guard of the audit log (and any other user trigger) would refuse to empty the
  // table or could rewrite restored rows; switched off for this transaction only. Constraint
  // triggers (foreign keys) stay on: parents are restored first, so they check every row.
  for (const target of targets) {
    for (const trigger of target.enabledTriggers) await tx.exec(`ALTER TABLE ${quoteIdent(target.name)} DISABLE TRIGGER ${quoteIdent(trigger)}`);
  }
  if (targets.length > 0) await tx.exec(`TRUNCATE ${targets.map((target) => quoteIdent(target.name)).join(', ')}`);

  const total = header.tables.reduce((sum, table) => sum + table.rows, 0);
  let done = 0;
  options.onProgress?.(0, total);
  for (const table of header.tables) {
    const marker = await reader.next();
    if (marker === null) throw new AppError('backup.truncated', { rows: reader.rows });
    if (parseControl(marker, reader).table !== table.name) throw new AppError('backup.corrupt', { line: reader.line, reason: `expected table ${table.name}` });
    const rows = await restoreTable(tx, table, reader, (count) => {
      done += count;
      options.onProgress?.(done, total);
    });
    if (rows !== table.rows) throw new AppError('backup.corrupt', { line: reader.line, reason: `${table.name}: ${rows} rows instead of ${table.rows}` });
  }
  const trailer = await reader.next();
  if (trailer === null) throw new AppError('backup.truncated', { rows: reader.rows });
  const end = parseControl(trailer, reader);
  if (end.end !== BACKUP_FORMAT || end.rows !== done) throw new AppError('backup.corrupt', { line: reader.line, reason: 'end marker' });
  if ((await reader.next(1024)) !== null) throw new AppError('backup.corrupt', { line: reader.line, reason: 'content after the end marker' });

  for (const table of header.tables) await restoreSequences(tx, table, catalogue.get(table.name));
  for (const migration of header.migrations) {
    await tx.query(`UPDATE ${MIGRATIONS_TABLE} SET applied_at = $2::timestamptz WHERE version = $1 AND checksum = $3`, [
      migration.version,
      migration.appliedAt,
      migration.checksum,
    ]);
  }
  for (const target of targets) {
    for (const trigger of target.enabledTriggers) await tx.exec(`ALTER TABLE ${quoteIdent(target.name)} ENABLE TRIGGER ${quoteIdent(trigger)}`);
  }
  if (options.upgrade !== false) await migrate(tx);
  return { header, tables: header.tables.length, rows: done, replacedData, migrationLevel: await migrationLevel(tx) };
}

/** The target table for a backup table: same stored columns, same types (order may differ). */
function matchTable(table: BackupTable, target: CatalogueTable | undefined): CatalogueTable {
  if (target === undefined) throw new AppError('backup.schemaMismatch', { detail: `table ${table.name} does not exist` });
  const stored = target.columns.filter((column) => !column.generated);
  const byName = new Map(stored.map((column) => [column.name, column]));
  for (const column of table.columns) {
    const found = byName.get(column.name);
    if (found === undefined) throw new AppError('backup.schemaMismatch', { detail: `column ${table.name}.${column.name} does not exist` });
    if (found.type !== column.type || found.encoding !== column.encoding) {
      throw new AppError('backup.schemaMismatch', { detail: `column ${table.name}.${column.name} is ${found.type}, not ${column.type}` });
    }
  }
  const extra = stored.find((column) => !table.columns.some((backed) => backed.name === column.name));
  if (extra !== undefined) throw new AppError('backup.schemaMismatch', { detail: `column ${table.name}.${extra.name} is not in the backup` });
  return target;
}

async function restoreTable(tx: Queryable, table: BackupTable, reader: BackupReader, onRows: (count: number) => void): Promise<number> {
  const columns = table.columns.map((column) => quoteIdent(column.name)).join(', ');
  const values = table.columns.map((column, index) => fromText(`r->>${index}`, column)).join(', ');
  // OVERRIDING SYSTEM VALUE: identity columns keep the ids the rows had (they are referred to).
  const sql = `INSERT INTO ${quoteIdent(table.name)} (${columns}) OVERRIDING SYSTEM VALUE SELECT ${values} FROM json_array_elements($1::json) AS r`;
  let batch: string[] = [];
  let batchChars = 0;
  let firstLine = 0;
  let restored = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    try {
      await tx.query(sql, [`[${batch.join(',')}]`]);
    } catch (error) {
      const cause = error instanceof AppError && error.cause instanceof Error ? error.cause : error;
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new AppError('backup.rowRefused', { table: table.name, line: firstLine, reason: reason.slice(0, 300) }, { cause: error });
    }
    restored += batch.length;
    onRows(batch.length);
    batch = [];
    batchChars = 0;
  };
  for (;;) {
    const line = await reader.next();
    if (line === null) throw new AppError('backup.truncated', { rows: reader.rows });
    if (!line.startsWith('[')) {
      await flush();
      const end = parseControl(line, reader);
      if (end.end !== table.name || end.rows !== restored) throw new AppError('backup.corrupt', { line: reader.line, reason: `end of table ${table.name}` });
      return restored;
    }
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new AppError('backup.corrupt', { line: reader.line, reason: 'not JSON' });
    }
    if (!Array.isArray(row) || row.length !== table.columns.length || !row.every((value) => value === null || typeof value === 'string')) {
      throw new AppError('backup.corrupt', { line: reader.line, reason: `not a row of ${table.name}` });
    }
    reader.rows += 1;
    if (batch.length === 0) firstLine = reader.line;
    batch.push(line);
    batchChars += line.length;
    if (batchChars >= BATCH_BYTES || batch.length >= MAX_BATCH_ROWS) await flush();
  }
}

/** Sequences as they were in the source, or past the largest restored id if that is further. */
async function restoreSequences(tx: Queryable, table: BackupTable, target: CatalogueTable | undefined): Promise<void> {
  for (const column of target?.columns ?? []) {
    if (column.sequence === null) continue;
    const [largest] = await tx.query<{ max: string | null }>(`SELECT max(${quoteIdent(column.name)})::text AS max FROM ${quoteIdent(table.name)}`);
    const max = largest?.max ?? null;
    const saved = table.sequences.find((sequence) => sequence.column === column.name);
    let value: string | null = saved?.lastValue ?? null;
    let isCalled = saved?.isCalled ?? false;
    if (max !== null && (value === null || BigInt(max) > BigInt(value) || (BigInt(max) === BigInt(value) && !isCalled))) {
      value = max;
      isCalled = true;
    }
    if (value === null) continue;
    await tx.query('SELECT setval($1::regclass, $2::bigint, $3::boolean)', [column.sequence, value, isCalled]);
  }
}
