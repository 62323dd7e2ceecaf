/**
 * The backup file's shapes and limits (format name and version, header, tables, columns,
 * sequences, reports): what backup.ts writes and backup-reader.ts / restore.ts read. See the file
 * layout at the top of backup.ts.
 */
import { readFileSync } from 'node:fs';
import type { DatabaseKind } from './db.js';

export const BACKUP_FORMAT = 'liptako-backup';
export const BACKUP_FORMAT_VERSION = 1;

/** The ledger of applied migrations: carried in the header and rebuilt by migrate(), never dumped as a table. */
export const MIGRATIONS_TABLE = 'schema_migrations';

/**
 * Tables that migrations fill with reference rows (0004 seeds the roles, 0018 the Sphere
 * thresholds, 0019 the assistance types). A freshly migrated
 * database holds rows there and nowhere else, and still counts as empty for a restore. A
 * migration that seeds another table must name it here (the backup test checks that a fresh
 * database counts as empty).
 */
export const SEEDED_BY_MIGRATIONS: readonly string[] = ['role', 'response_sphere_threshold', 'assistance_type'];

/** A page of dump or a batch of restore aims at this many bytes of JSON: memory stays flat. */
export const BATCH_BYTES = 4 * 1024 * 1024;
export const MAX_BATCH_ROWS = 5_000;
/** One row's line may hold a whole imported file (64 MB as base64); beyond this, the file is not ours. */
export const MAX_LINE_CHARS = 256 * 1024 * 1024;
export const MAX_HEADER_CHARS = 16 * 1024 * 1024;

export const LIPTAKO_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

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
