/**
 * Jobs: long work (imports, exports) as a row with a phase and progress that the web app polls
 * and the CLI draws as a bar. The work itself keeps its own atomicity (one final transaction);
 * a job row only says how far it got. A job still `running` when the process starts again was
 * cut short by a crash or a power cut: it becomes `interrupted`, and can be run again.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Queryable } from './db.js';
import { refreshStatistics } from './statistics.js';
import { AppError, formatMessage, isAppError, type ErrorCode, type Language } from './errors.js';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'interrupted';

export interface JobView {
  id: number;
  kind: string;
  status: JobStatus;
  phase: string | null;
  done: number;
  total: number | null;
  input: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: { code: string; params: Record<string, string | number>; details?: unknown } | null;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
}

interface JobRow {
  id: number;
  kind: string;
  status: JobStatus;
  phase: string | null;
  done: number;
  total: number | null;
  input: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: JobView['error'];
  created_by: string;
  created_at: Date | string;
  finished_at: Date | string | null;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

function view(row: JobRow): JobView {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    phase: row.phase,
    done: Number(row.done),
    total: row.total === null ? null : Number(row.total),
    input: row.input,
    result: row.result,
    error: row.error,
    createdBy: row.created_by,
    createdAt: iso(row.created_at)!,
    finishedAt: iso(row.finished_at),
  };
}

export async function createJob(db: Queryable, kind: string, input: Record<string, unknown>, actor: string): Promise<number> {
  const [row] = await db.query<{ id: number }>('INSERT INTO job (kind, input, created_by) VALUES ($1, $2, $3) RETURNING id', [kind, input, actor]);
  return row!.id;
}

export async function getJob(db: Queryable, id: number): Promise<JobView | undefined> {
  const [row] = await db.query<JobRow>('SELECT * FROM job WHERE id = $1', [id]);
  return row === undefined ? undefined : view(row);
}

/**
 * The newest jobs of a kind; with `inputAt`, only those whose input holds one of `values` at that
 * path (a module scopes its jobs by what they were started for, e.g. target.operation).
 */
export async function listJobs(db: Queryable, kind: string, limit: number, inputAt?: { path: readonly string[]; values: readonly string[] }): Promise<JobView[]> {
  const rows =
    inputAt === undefined
      ? await db.query<JobRow>('SELECT * FROM job WHERE kind = $1 ORDER BY id DESC LIMIT $2', [kind, limit])
      : await db.query<JobRow>('SELECT * FROM job WHERE kind = $1 AND input #>> $3::text[] = ANY($4::text[]) ORDER BY id DESC LIMIT $2', [kind, limit, inputAt.path, inputAt.values]);
  return rows.map(view);
}

/** Progress of a running job; also its heartbeat. */
export async function reportProgress(db: Queryable, id: number, phase: string, done: number, total: number | null): Promise<void> {
  await db.query("UPDATE job SET phase = $2, done = $3, total = $4, heartbeat_at = now() WHERE id = $1 AND status = 'running'", [id, phase, done, total]);
}

/** Called inside the work's final transaction, so "succeeded" and the work commit together. */
export async function finishJob(tx: Queryable, id: number, result: Record<string, unknown>): Promise<void> {
  await tx.query("UPDATE job SET status = 'succeeded', phase = 'done', result = $2, finished_at = now(), heartbeat_at = now() WHERE id = $1", [id, result]);
}

export async function failJob(db: Queryable, id: number, error: unknown): Promise<void> {
  const stored = isAppError(error)
    ? { code: error.code, params: error.params, ...(error.details === undefined ? {} : { details: error.details }) }
    : { code: 'internal', params: { reference: `job-${id}` } };
  await db.query("UPDATE job SET status = 'failed', error = $2, finished_at = now() WHERE id = $1", [id, stored]);
}

/** This process, as it signs the jobs it claims (host, pid and a random part: pids are reused). */
export const PROCESS_ID = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

/**
 * Claims a queued job for this process. Of any number of processes asking at once, exactly one
 * gets it (the row is locked by the first and skipped by the others); false for the rest, and for
 * a job no longer queued.
 */
export async function claimJob(db: Queryable, id: number, owner = PROCESS_ID): Promise<boolean> {
  const rows = await db.query(
    `UPDATE job SET status = 'running', claimed_by = $2, heartbeat_at = now()
      WHERE id = (SELECT id FROM job WHERE id = $1 AND status = 'queued' FOR UPDATE SKIP LOCKED)
      RETURNING id`,
    [id, owner],
  );
  return rows.length === 1;
}

/**
 * A running job's process says it is alive (see markInterruptedJobs). A job row locked meanwhile
 * is being finished by the job's own final transaction (finishJob writes the heartbeat itself, and
 * a sweeper waits for that transaction and sees it succeeded): the beat is skipped rather than left
 * waiting seconds on the lock, holding a connection of the pool, behind a large import's commit.
 */
export async function heartbeat(db: Queryable, id: number): Promise<void> {
  await db.query(
    `UPDATE job SET heartbeat_at = now()
      WHERE id = (SELECT id FROM job WHERE id = $1 AND status = 'running' FOR NO KEY UPDATE SKIP LOCKED)`,
    [id],
  );
}

/** How often a running job's heartbeat is written, and how old one must be before its job counts as dead. */
export const HEARTBEAT_SECONDS = 10;
export const STALE_HEARTBEAT_SECONDS = 60;

/**
 * Runs a claimed job's work while writing its heartbeat every HEARTBEAT_SECONDS, so that no other
 * process takes it for interrupted however long its last transaction takes.
 */
export async function withHeartbeat<T>(db: Queryable, id: number, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => {
    heartbeat(db, id).catch(() => undefined);
  }, HEARTBEAT_SECONDS * 1000);
  timer.unref();
  const running = work();
  // Ended once the work has and, on PGlite, the tables it filled are analysed: a job is what writes
  // rows by the thousand, and PGlite has no autovacuum to do it (core/statistics.ts). Whoever waits
  // for jobsIdle() waits for that too, so no ANALYZE runs into the next test's session.
  const settled = running
    .then(
      () => undefined,
      () => undefined,
    )
    .then(async () => {
      clearInterval(timer);
      await refreshStatistics(db).catch(() => undefined);
    });
  inFlight.add(settled);
  try {
    return await running;
  } finally {
    await settled;
    inFlight.delete(settled);
  }
}

// Jobs this process is running, background ones included (a request answers 202 and the job goes on).
const inFlight = new Set<Promise<void>>();

/**
 * Resolves once every job this process is running has ended. For whoever must not pull the
 * database from under a job: the tests' harness, before it rolls a test's transaction back (a job
 * still running would write into the next test's session).
 */
export async function jobsIdle(): Promise<void> {
  while (inFlight.size > 0) await Promise.all([...inFlight]);
}

/**
 * Jobs whose process is gone become `interrupted`; returns their ids, so each module can sweep
 * what it staged for them. PGlite has one process per data folder (a lock file sees to it), so at
 * its start every running job is dead. On PostgreSQL several processes may serve one database:
 * only a job whose heartbeat is over STALE_HEARTBEAT_SECONDS old is (docs/scaling.md).
 */
export async function markInterruptedJobs(db: Queryable): Promise<number[]> {
  const rows = await db.query<{ id: number }>(
    `UPDATE job SET status = 'interrupted', finished_at = now(),
            error = jsonb_build_object('code', 'job.interrupted', 'params', '{}'::jsonb)
      WHERE status = 'running' AND ($1::int IS NULL OR heartbeat_at < now() - make_interval(secs => $1::int)) RETURNING id`,
    [db.kind === 'postgres' ? STALE_HEARTBEAT_SECONDS : null],
  );
  return rows.map((row) => row.id);
}

/** The stored error of a job in the user's language. */
export function jobErrorMessage(error: JobView['error'], language: Language): string | null {
  if (error === null) return null;
  try {
    return formatMessage(error.code as ErrorCode, language, error.params);
  } catch {
    return new AppError('internal', { reference: 'job' }).localisedMessage(language);
  }
}
