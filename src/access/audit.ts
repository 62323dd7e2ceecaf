/**
 * The one way a write is audited: its audit row is inserted in the write's own transaction, so
 * both commit or neither does. A write whose row cannot be recorded does not happen, and the
 * caller is told so (`audit.unavailable`). Every module's services use it, over HTTP and from the
 * command line alike; reads worth knowing about (user lists, the audit log, import findings) use
 * it too, so their data never leaves without its row.
 */
import type { Queryable } from '../core/db.js';
import { AppError } from '../core/errors.js';
import * as q from './queries.js';
import { actorOf, type Principal, type SystemName } from './verbs.js';

/** Who acts, and for which request. Routes pass `request.actor` (set by the guard, http.ts). */
export interface Actor {
  readonly principal: Principal;
  /** The HTTP request's id; null from the command line, the demo and the benchmarks. */
  readonly requestId: string | null;
  /**
   * Set once a row of this request is committed. The guard reads it to tell a write that
   * recorded its action from one that forgot to (a bug it logs and records as a bare route).
   */
  recorded?: boolean;
}

/** What a row says: the action in the domain's words (`round.publish`, `user.create`) and its object. */
export interface AuditEvent {
  action: string;
  objectType: string | null;
  objectId?: string | number | null;
  outcome?: 'success' | 'failure';
  /** Codes, counts and identifiers; never a password, a raw uploaded cell or personal data. */
  summary?: object;
}

/** The system itself, named: the command line, the demo loader, the benchmarks. */
export function systemActor(name: SystemName): Actor {
  return { principal: { kind: 'system', name }, requestId: null };
}

/** The text kept in `created_by`-style columns and in the audit row's `actor`. */
export const actorName = (actor: Actor): string => actorOf(actor.principal);

/** Inserts one row with the given connection (a transaction's, for `audited`). */
export async function recordAudit(db: Queryable, actor: Actor, event: AuditEvent): Promise<void> {
  const principal = actor.principal;
  await q.insertAudit(db, {
    actorUserId: principal.kind === 'user' ? principal.userId : null,
    actor: actorOf(principal),
    action: event.action,
    objectType: event.objectType,
    objectId: event.objectId === undefined || event.objectId === null ? null : String(event.objectId),
    outcome: event.outcome ?? 'success',
    summary: event.summary ?? {},
    requestId: actor.requestId,
  });
}

/**
 * Runs `work` in a transaction and records `describe(result)` in the same transaction. When the
 * row cannot be inserted, everything `work` wrote is rolled back and `audit.unavailable` is
 * thrown. Inside an enclosing transaction (a test's, a service's), it becomes a savepoint.
 */
export async function audited<T>(db: Queryable, actor: Actor, work: (tx: Queryable) => Promise<T>, describe: (result: T) => AuditEvent): Promise<T> {
  const result = await db.transaction(async (tx) => {
    const value = await work(tx);
    await recordOrRefuse(tx, actor, describe(value));
    return value;
  });
  actor.recorded = true;
  return result;
}

/**
 * Records a read that has nothing to commit (a file being exported) before its data leaves: if
 * the row cannot be written, the read is refused with `audit.unavailable`.
 */
export async function auditedRead(db: Queryable, actor: Actor, event: AuditEvent): Promise<void> {
  await recordOrRefuse(db, actor, event);
  actor.recorded = true;
}

/** Inserts the row, or refuses whatever it stands for with `audit.unavailable` (a lost database: `db.unavailable`). */
export async function recordOrRefuse(db: Queryable, actor: Actor, event: AuditEvent): Promise<void> {
  try {
    await recordAudit(db, actor, event);
  } catch (error) {
    // A lost database says so itself; anything else refusing the row is the audit log's fault.
    if (error instanceof AppError && error.code.startsWith('db.')) throw error;
    throw new AppError('audit.unavailable', { action: event.action }, { cause: error });
  }
}
