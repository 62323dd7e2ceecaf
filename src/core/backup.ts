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
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Queryable } from './db.js';
import { AppError } from './errors.js';
import { migrationLevel } from './migrate.js';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, BATCH_BYTES, LIPTAKO_VERSION, MAX_BATCH_ROWS, MIGRATIONS_TABLE, type BackupHeader, type BackupMigration, type BackupOptions, type BackupReport, type BackupSequence, type BackupTable, type Progress } from './backup-format.js';
import { PINNED_SETTINGS, fromText, quoteIdent, readCatalogue, toText } from './backup-schema.js';

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
