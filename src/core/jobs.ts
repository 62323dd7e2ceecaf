/**
 * Jobs: long work (imports, exports) as a row with a phase and progress that the web app polls
 * and the CLI draws as a bar. The work itself keeps its own atomicity (one final transaction);
 * a job row only says how far it got. A job still `running` when the process starts again was
 * cut short by a crash or a power cut: it becomes `interrupted`, and can be run again.
 */
import type { Queryable } from './db.js';
import { AppError, formatMessage, isAppError, type ErrorCode, type Language } from './errors.js';

export type JobStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';

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

/**
 * At start-up: jobs left `running` belong to a process that no longer exists (one process per
 * data folder or database is the deployment model, docs/scaling.md). Returns their ids so each
 * module can sweep what it staged for them.
 */
export async function markInterruptedJobs(db: Queryable): Promise<number[]> {
  const rows = await db.query<{ id: number }>(
    `UPDATE job SET status = 'interrupted', finished_at = now(),
            error = jsonb_build_object('code', 'job.interrupted', 'params', '{}'::jsonb)
      WHERE status = 'running' RETURNING id`,
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
