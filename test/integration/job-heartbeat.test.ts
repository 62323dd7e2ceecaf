/**
 * A job's heartbeat never waits behind the job's own final transaction: on PostgreSQL that
 * transaction holds the job row from finishJob to its commit (seconds for a large import), and a
 * heartbeat waiting on it held a pool connection all that time. PGlite has one connection and
 * no row locks to wait on, so this is a PostgreSQL test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db.js';
import * as jobs from '../../src/core/jobs.js';
import { migrate } from '../../src/core/migrate.js';
import { databaseKinds, openEmptyDatabase } from '../support/harness.js';

describe.skipIf(!databaseKinds.includes('postgres'))('job heartbeat on PostgreSQL', () => {
  let db: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openEmptyDatabase('postgres'));
    await migrate(db);
  });
  afterAll(async () => dispose());

  const heartbeatAt = async (id: number): Promise<string> => {
    const [row] = await db.query<{ at: string }>("SELECT to_char(heartbeat_at, 'YYYY-MM-DD HH24:MI:SS.US') AS at FROM job WHERE id = $1", [id]);
    return row!.at;
  };

  it('beats at once while the job is being finished, and the finished job keeps its final state', async () => {
    const id = await jobs.createJob(db, 'test.heartbeat', {}, 'test');
    expect(await jobs.claimJob(db, id)).toBe(true);
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const finishing = db.transaction(async (tx) => {
      await jobs.finishJob(tx, id, { ok: true });
      locked();
      await held;
    });
    await isLocked;
    const started = Date.now();
    await jobs.heartbeat(db, id);
    expect(Date.now() - started).toBeLessThan(2_000);
    release();
    await finishing;
    const job = await jobs.getJob(db, id);
    expect(job?.status).toBe('succeeded');
    expect(job?.result).toEqual({ ok: true });
  });

  it('still beats for a running job nobody holds', async () => {
    const id = await jobs.createJob(db, 'test.heartbeat', {}, 'test');
    expect(await jobs.claimJob(db, id)).toBe(true);
    await db.query("UPDATE job SET heartbeat_at = now() - interval '5 minutes' WHERE id = $1", [id]);
    const before = await heartbeatAt(id);
    await jobs.heartbeat(db, id);
    expect(await heartbeatAt(id)).not.toBe(before);
    // A finished job's heartbeat is not touched.
    await jobs.finishJob(db, id, {});
    const finished = await heartbeatAt(id);
    await jobs.heartbeat(db, id);
    expect(await heartbeatAt(id)).toBe(finished);
  });
});
