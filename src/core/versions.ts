/**
 * Versions of what published answers depend on (table data_version). A service that changes
 * published data bumps the keys it touches inside its own transaction; the HTTP layer
 * (core/published-cache.ts) keys cached answers and ETags by the versions it last read.
 *
 * Keys in use: `geo` (any geography import), `dtm-op:<CODE>` (a round of that DTM operation
 * created or changed status), `dtm-country:<ISO2>` (a round of an operation in that country
 * published or withdrawn), `dtm-rounds` (any round created or changed status), `plan:<CODE>` (any
 * change to that plan or its contributions), `plan-imports` (any plan or FTS file imported: which
 * plans a file touches is known only row by row), `plans` (any plan change), `response-published`
 * (a 4W report published: HAPI operational presence).
 * No Fastify here: the CLI and the services load this file.
 */
import type { Queryable } from './db.js';

export const versionKeys = {
  geography: 'geo',
  dtmOperation: (code: string): string => `dtm-op:${code.toUpperCase()}`,
  dtmCountry: (iso2: string): string => `dtm-country:${iso2.toUpperCase()}`,
  dtmRounds: 'dtm-rounds',
  plan: (code: string): string => `plan:${code.toUpperCase()}`,
  plans: 'plans',
  planImports: 'plan-imports',
  responsePublished: 'response-published',
} as const;

/** Gives each key a new version, in the caller's transaction (the change and its version commit together). */
export async function bumpVersions(tx: Queryable, keys: readonly string[]): Promise<void> {
  const unique = [...new Set(keys)].sort();
  if (unique.length === 0) return;
  // Sorted, so two transactions bumping the same keys lock them in the same order.
  await tx.query(
    `INSERT INTO data_version (key, version)
     SELECT key, gen_random_uuid()::text FROM unnest($1::text[]) AS key
     ON CONFLICT (key) DO UPDATE SET version = EXCLUDED.version, changed_at = now()`,
    [unique],
  );
}

/** Every key and its version (a handful of rows: one per operation, country and plan). */
export async function readVersions(db: Queryable): Promise<Map<string, string>> {
  const rows = await db.query<{ key: string; version: string }>('SELECT key, version FROM data_version');
  return new Map(rows.map((row) => [row.key, row.version]));
}

type Listener = (forgetAnswers: boolean) => void;
const listeners = new Set<Listener>();

/** Caches of this process hear of every change (core/published-cache.ts); returns how to stop. */
export function onVersionsChanged(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Tells this process's caches that versions changed. `forgetAnswers`: drop cached answers too
 * (a test that rolled its database back: versions may return to ones already seen).
 */
export function versionsChanged(forgetAnswers = false): void {
  for (const listener of listeners) listener(forgetAnswers);
}

/** Gives keys new versions inside the caller's transaction (see withVersions). */
export type Bump = (tx: Queryable, keys: readonly string[]) => Promise<void>;

/**
 * Wraps work that may change published data in a transaction of its own (an audited write, say):
 * `bump(tx, keys)` gives the keys new versions in that transaction, and this process's caches
 * hear of it both when the change starts and once `work` has returned, its transaction committed
 * (a version read in between may predate the commit).
 */
export async function withVersions<T>(work: (bump: Bump) => Promise<T>): Promise<T> {
  let bumped = false;
  try {
    return await work(async (tx, keys) => {
      bumped = true;
      versionsChanged();
      await bumpVersions(tx, keys);
    });
  } finally {
    if (bumped) versionsChanged();
  }
}
