/**
 * Global setup of the integration tier: the project's migrations are run once per test run, on
 * each database kind, and the personas made, into a template that every suite then copies
 * (PGlite: a dump of its data folder loaded in memory; PostgreSQL: CREATE DATABASE … TEMPLATE).
 * Each suite used to pay initdb, 22 migrations and six argon2 hashes itself — most of the
 * integration tier's time on a 2-core machine. An empty PGlite cluster is dumped too: tests that
 * migrate or restore into new databases (backup, migrations) copy it instead of running initdb. The template is still built from the migrations,
 * never from a checked-in dump, and test/integration/migrations.test.ts still migrates empty
 * databases of its own. The migrated database is also kept before the personas are made, for
 * tests that need a database holding only what the migrations seed (backup).
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { PgliteDatabase, PostgresDatabase } from '../../src/core/db.js';
import { migrate } from '../../src/core/migrate.js';
import { createPersonas, type PersonaTokens } from './personas.js';

export interface DatabaseTemplates {
  /**
   * `emptyDumpFile`: a new cluster before any migration, for tests that migrate or restore
   * themselves; `migratedDumpFile` (`migratedDatabase`): migrated, before the personas.
   */
  pglite: { dumpFile: string; emptyDumpFile: string; migratedDumpFile: string; tokens: PersonaTokens };
  postgres: { database: string; migratedDatabase: string; tokens: PersonaTokens } | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseTemplates: DatabaseTemplates;
  }
}

/** Runs one statement (CREATE or DROP DATABASE) on the server's maintenance connection. */
export async function onServer(serverUrl: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** The URL of another database on the same server. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const run = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const dumpFile = join(tmpdir(), `liptako_template_${run}.tar`);
  const emptyDumpFile = join(tmpdir(), `liptako_template_${run}_empty.tar`);
  const migratedDumpFile = join(tmpdir(), `liptako_template_${run}_migrated.tar`);

  const pglite = await PgliteDatabase.open();
  let pgliteTokens: PersonaTokens;
  try {
    await writeFile(emptyDumpFile, Buffer.from(await (await pglite.pglite.dumpDataDir('none')).arrayBuffer()));
    await migrate(pglite);
    await writeFile(migratedDumpFile, Buffer.from(await (await pglite.pglite.dumpDataDir('none')).arrayBuffer()));
    pgliteTokens = await createPersonas(pglite);
    const dump = await pglite.pglite.dumpDataDir('none');
    await writeFile(dumpFile, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await pglite.close();
  }

  const serverUrl = process.env.TEST_DATABASE_URL?.trim() || null;
  let postgres: DatabaseTemplates['postgres'] = null;
  if (serverUrl !== null) {
    const database = `liptako_template_${run}`;
    const migratedDatabase = `liptako_template_${run}_migrated`;
    await onServer(serverUrl, `CREATE DATABASE ${migratedDatabase}`);
    const migrated = PostgresDatabase.open(databaseUrl(serverUrl, migratedDatabase), { max: 2 });
    try {
      await migrate(migrated);
    } finally {
      // No connection may stay open to a database used as a template.
      await migrated.close();
    }
    await onServer(serverUrl, `CREATE DATABASE ${database} TEMPLATE ${migratedDatabase}`);
    const template = PostgresDatabase.open(databaseUrl(serverUrl, database), { max: 2 });
    try {
      postgres = { database, migratedDatabase, tokens: await createPersonas(template) };
    } finally {
      await template.close();
    }
  }

  project.provide('databaseTemplates', { pglite: { dumpFile, emptyDumpFile, migratedDumpFile, tokens: pgliteTokens }, postgres });

  return async () => {
    await rm(dumpFile, { force: true });
    await rm(emptyDumpFile, { force: true });
    await rm(migratedDumpFile, { force: true });
    if (serverUrl !== null && postgres !== null) {
      await onServer(serverUrl, `DROP DATABASE IF EXISTS ${postgres.database} WITH (FORCE)`);
      await onServer(serverUrl, `DROP DATABASE IF EXISTS ${postgres.migratedDatabase} WITH (FORCE)`);
    }
  };
}
