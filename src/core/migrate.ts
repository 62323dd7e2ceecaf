/**
 * Numbered plain-SQL migrations (migrations/NNNN_name.sql), applied in order, each in its own
 * transaction, recorded in schema_migrations with a checksum so that an edited migration is
 * noticed instead of silently diverging between installations.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Queryable } from './db.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(`${dir}/${file}`, 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.slice(5, -4),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`Migrations must be numbered 0001, 0002, … without gaps; found ${migration.version} at position ${index + 1}.`);
    }
  });
  return migrations;
}

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

export async function migrationLevel(db: Queryable): Promise<number> {
  const [exists] = await db.query<{ present: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS present",
  );
  if (!exists?.present) return 0;
  const [row] = await db.query<{ level: number | null }>('SELECT max(version) AS level FROM schema_migrations');
  return row?.level ?? 0;
}

/**
 * Applies what is missing, up to `target` (all by default). Returns the versions applied.
 * On PostgreSQL an advisory lock keeps two starting processes from migrating at once.
 */
export async function migrate(
  db: Queryable,
  options: { target?: number; migrations?: Migration[]; onApplied?: (migration: Migration) => void } = {},
): Promise<number[]> {
  const migrations = options.migrations ?? loadMigrations();
  const target = options.target ?? migrations.length;
  await db.exec(LEDGER);
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version > target) break;
    const done = await db.transaction(async (tx) => {
      if (tx.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(72447)');
      const [recorded] = await tx.query<{ checksum: string }>(
        'SELECT checksum FROM schema_migrations WHERE version = $1',
        [migration.version],
      );
      if (recorded) {
        if (recorded.checksum !== migration.checksum) {
          throw new Error(
            `Migration ${migration.version} (${migration.name}) was changed after it was applied. ` +
              'Never edit an applied migration: add a new one.',
          );
        }
        return false;
      }
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      return true;
    });
    if (done) {
      applied.push(migration.version);
      options.onApplied?.(migration);
    }
  }
  return applied;
}
