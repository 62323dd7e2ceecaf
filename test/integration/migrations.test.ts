import { describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/core/db.js';
import { loadMigrations, migrate, migrationLevel } from '../../src/core/migrate.js';
import { databaseKinds, openEmptyDatabase } from '../support/harness.js';

/** A description of the schema precise enough to tell two installations apart. */
async function describeSchema(db: Queryable): Promise<unknown> {
  const columns = await db.query(
    `SELECT table_name, column_name, data_type, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = 'public'
      ORDER BY table_name, column_name`,
  );
  const constraints = await db.query(
    `SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS definition
       FROM pg_constraint WHERE connamespace = 'public'::regnamespace
      ORDER BY 1, 2`,
  );
  const indexes = await db.query(
    `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`,
  );
  return { columns, constraints, indexes };
}

for (const kind of databaseKinds) {
  describe(`migrations [${kind}]`, () => {
    it('a fresh database and one upgraded step by step end in the same schema', async () => {
      const fresh = await openEmptyDatabase(kind);
      const upgraded = await openEmptyDatabase(kind);
      try {
        await migrate(fresh.db);
        const all = loadMigrations();
        for (let target = 1; target <= all.length; target++) {
          await migrate(upgraded.db, { target });
          expect(await migrationLevel(upgraded.db)).toBe(target);
        }
        expect(await describeSchema(upgraded.db)).toEqual(await describeSchema(fresh.db));
        expect(await migrationLevel(fresh.db)).toBe(all.length);
      } finally {
        await fresh.dispose();
        await upgraded.dispose();
      }
    });

    it('applying migrations twice changes nothing', async () => {
      const { db, dispose } = await openEmptyDatabase(kind);
      try {
        expect((await migrate(db)).length).toBe(loadMigrations().length);
        expect(await migrate(db)).toEqual([]);
      } finally {
        await dispose();
      }
    });

    it('refuses to run when an applied migration was edited', async () => {
      const { db, dispose } = await openEmptyDatabase(kind);
      try {
        await migrate(db);
        const edited = loadMigrations().map((migration, index) => (index === 0 ? { ...migration, checksum: 'edited' } : migration));
        await expect(migrate(db, { migrations: edited })).rejects.toThrow(/was changed after it was applied/);
      } finally {
        await dispose();
      }
    });

    it('every foreign key has an index that starts with its columns', async () => {
      const { db, dispose } = await openEmptyDatabase(kind);
      try {
        await migrate(db);
        const unindexed = await db.query<{ constraint_name: string }>(
          `SELECT c.conname AS constraint_name
             FROM pg_constraint c
            WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
              AND NOT EXISTS (
                SELECT 1 FROM pg_index i
                 WHERE i.indrelid = c.conrelid
                   AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] = c.conkey)`,
        );
        expect(unindexed).toEqual([]);
      } finally {
        await dispose();
      }
    });
  });
}
