/**
 * `liptako restore`: builds the schema by running the migrations named in the backup's header
 * (checksums compared), then loads every table in batches inside one transaction, sequences
 * reset; a restore into a database holding data needs --force.
 */
import { createReadStream } from 'node:fs';
import { type Readable } from 'node:stream';
import type { Queryable } from './db.js';
import { AppError } from './errors.js';
import { loadMigrations, migrate, migrationLevel } from './migrate.js';
import { BACKUP_FORMAT, BATCH_BYTES, MAX_BATCH_ROWS, MAX_HEADER_CHARS, MIGRATIONS_TABLE, SEEDED_BY_MIGRATIONS, type BackupHeader, type BackupTable, type RestoreOptions, type RestoreReport } from './backup-format.js';
import { PINNED_SETTINGS, fromText, quoteIdent, readCatalogue, type CatalogueTable } from './backup-schema.js';
import { BackupReader, checkMigrations, parseControl, parseHeader } from './backup-reader.js';

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
