/**
 * Reading a backup file line by line (gzip'd JSON lines) with limits on line and header size, so
 * a truncated, hostile or foreign file is refused with a catalogued error before anything is
 * written.
 */
import { createReadStream } from 'node:fs';
import { type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AppError } from './errors.js';
import { type Migration } from './migrate.js';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, MAX_HEADER_CHARS, MAX_LINE_CHARS, type BackupHeader } from './backup-format.js';

// ---------------------------------------------------------------------------------------------
// Reading a backup file
// ---------------------------------------------------------------------------------------------

export class BackupReader {
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
export function parseHeader(line: string | null): BackupHeader {
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

export function parseControl(line: string, reader: BackupReader): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line);
    if (isRecord(value)) return value;
  } catch {
    // reported below
  }
  throw new AppError('backup.corrupt', { line: reader.line, reason: 'not a table marker' });
}

/** Refuses a backup of another branch: the same level must mean the same migrations. */
export function checkMigrations(header: BackupHeader, code: readonly Migration[]): void {
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
