/**
 * Displacement tracking: operations, rounds, the import of a round file, its data-quality
 * review and its publication. Aggregation for dashboards and public APIs is in aggregate.ts.
 *
 * An import reads the file as a stream, validates each row, stages batches of rows outside the
 * round (short statements, so the server keeps answering), then swaps them into the round in one
 * final transaction: a crash at any point leaves the round as it was.
 */
import { actorName, audited, type Actor } from '../access/audit.js';
import { can, type Principal, type Verb } from '../access/verbs.js';
import { type Queryable } from '../core/db.js';
import { AppError } from '../core/errors.js';
import { versionKeys, withVersions } from '../core/versions.js';
import * as q from './queries.js';
import * as staging from './staging-queries.js';

// ---- who may see and change an operation -----------------------------------------------------------

/** Drafts and every change need the verb in the operation's country; published data is public reading. */
export async function authoriseOperation(db: Queryable, code: string, principal: Principal, verb: Verb): Promise<q.OperationRow> {
  const operation = await q.operationByCode(db, code);
  if (operation === undefined) throw new AppError('dtm.operation.notFound', { code: code.slice(0, 40) });
  if (principal.kind !== 'anonymous' && can(principal, verb, { countries: [operation.country] })) return operation;
  if (verb === 'dtm.read' && can(principal, 'dtm.read')) return operation;
  throw new AppError(principal.kind === 'anonymous' ? 'auth.required' : 'auth.forbidden', { verb });
}

/** May this principal see unpublished rounds in some country (their answers about operations are their own)? */
export async function seesDraftsAnywhere(db: Queryable, principal: Principal): Promise<boolean> {
  if (principal.kind === 'anonymous') return false;
  return (await q.operations(db)).some((operation) => seesDrafts(principal, operation));
}

/** May this principal see unpublished rounds of the operation? */
export function seesDrafts(principal: Principal, operation: q.OperationRow): boolean {
  return principal.kind !== 'anonymous' && can(principal, 'dtm.read', { countries: [operation.country] });
}

export async function authoriseRound(db: Queryable, roundId: number, principal: Principal, verb: Verb): Promise<{ operation: q.OperationRow; round: q.RoundRow }> {
  const round = await q.roundById(db, roundId);
  const operation = round === undefined ? undefined : await q.operationById(db, round.operation_id);
  if (round === undefined || operation === undefined) throw new AppError('dtm.round.notFound', { round: roundId });
  const readable = round.status === 'published' ? can(principal, 'dtm.read') : seesDrafts(principal, operation);
  if (!readable) throw new AppError('dtm.round.notFound', { round: roundId });
  if (verb !== 'dtm.read' && !(principal.kind !== 'anonymous' && can(principal, verb, { countries: [operation.country] }))) {
    throw new AppError('auth.forbidden', { verb });
  }
  return { operation, round };
}

// ---- views --------------------------------------------------------------------------------------------

export interface OperationView {
  code: string;
  name: string;
  nameFr: string;
  country: string;
  ageRanges: string[];
  householdSize: { min: number; max: number };
  changeThreshold: { pct: number; people: number };
}

export function operationView(row: q.OperationRow): OperationView {
  return {
    code: row.code,
    name: row.name,
    nameFr: row.name_fr,
    country: row.country,
    ageRanges: row.age_ranges,
    householdSize: { min: Number(row.household_size_min), max: Number(row.household_size_max) },
    changeThreshold: { pct: Number(row.change_threshold_pct), people: row.change_threshold_people },
  };
}

export interface RoundView {
  id: number;
  operation: string;
  number: number;
  assessmentType: 'BA' | 'SA';
  referenceDate: string;
  collectionStart: string | null;
  collectionEnd: string | null;
  status: q.RoundStatus;
  validatedBy: string | null;
  validatedAt: string | null;
  publishedBy: string | null;
  publishedAt: string | null;
  version: number;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

export function roundView(row: q.RoundRow, operationCode: string): RoundView {
  return {
    id: row.id,
    operation: operationCode,
    number: row.number,
    assessmentType: row.assessment_type,
    referenceDate: row.reference_date,
    collectionStart: row.collection_start,
    collectionEnd: row.collection_end,
    status: row.status,
    validatedBy: row.validated_by,
    validatedAt: iso(row.validated_at),
    publishedBy: row.published_by,
    publishedAt: iso(row.published_at),
    version: row.version,
  };
}

export async function listRounds(db: Queryable, operation: q.OperationRow, principal: Principal): Promise<RoundView[]> {
  const rounds = await q.roundsOf(db, operation.id);
  const drafts = seesDrafts(principal, operation);
  return rounds.filter((round) => drafts || round.status === 'published').map((round) => roundView(round, operation.code));
}

// ---- review and publication -------------------------------------------------------------------------------

export interface IssueView {
  id: number;
  row: number | null;
  column: string | null;
  value: string | null;
  rule: string;
  severity: 'error' | 'warning';
  params: Record<string, string | number>;
  location: { id: number; code: string | null; name: string | null } | null;
  figureId: number | null;
  /** The submission the row came from (a round made from a bound collection form), else null. */
  source: { instanceId: string; submissionId: number } | null;
  status: 'open' | 'accepted' | 'fixed' | 'excluded';
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
}

export function issueView(row: staging.IssueRow): IssueView {
  return {
    id: row.id,
    row: row.source_row,
    column: row.column_name,
    value: row.value,
    rule: row.rule,
    severity: row.severity,
    params: row.params,
    location: row.location_id === null ? null : { id: row.location_id, code: row.location_code, name: row.location_name },
    figureId: row.figure_id,
    source: row.source_instance_id === null || row.source_submission_id === null ? null : { instanceId: row.source_instance_id, submissionId: row.source_submission_id },
    status: row.status,
    decidedBy: row.decided_by,
    decidedAt: iso(row.decided_at),
    comment: row.comment,
  };
}

export interface QualityReport {
  round: RoundView;
  imports: Array<{ id: number; fileName: string; sha256: string; rowsRead: number; rowsStored: number; errors: number; warnings: number; superseded: boolean; createdBy: string; createdAt: string }>;
  counts: Array<{ rule: string; severity: 'error' | 'warning'; status: string; count: number }>;
  openErrors: number;
  openWarnings: number;
  canPublish: boolean;
}

export async function qualityReport(db: Queryable, operation: q.OperationRow, round: q.RoundRow): Promise<QualityReport> {
  const counts = await staging.issueCounts(db, round);
  const imports = await q.importsOfRound(db, round.id);
  const open = (severity: 'error' | 'warning'): number =>
    counts.filter((count) => count.severity === severity && count.status === 'open').reduce((sum, count) => sum + count.count, 0);
  return {
    round: roundView(round, operation.code),
    imports: imports.map((row) => ({
      id: row.id,
      fileName: row.file_name,
      sha256: row.sha256,
      rowsRead: row.rows_read,
      rowsStored: row.rows_stored,
      errors: row.errors,
      warnings: row.warnings,
      superseded: row.superseded,
      createdBy: row.created_by,
      createdAt: iso(row.created_at)!,
    })),
    counts,
    openErrors: open('error'),
    openWarnings: open('warning'),
    canPublish: open('error') === 0 && open('warning') === 0 && imports.some((row) => !row.superseded),
  };
}

export interface Decision {
  ids: number[];
  decision: 'accepted' | 'fixed' | 'excluded';
  comment?: string | null;
  /** For `fixed`: corrected values of the figure (households, individuals, females, males, f1…m5). */
  values?: Partial<Record<staging.FixableColumn, number | null>>;
}

/**
 * A reviewer's decision on findings. Warnings are accepted (the value stands) or fixed (the
 * figure is corrected in place); errors are excluded (the row stays out of the round). The round
 * must still be a draft: publishing freezes its review.
 */
export async function decide(db: Queryable, actor: Actor, operation: q.OperationRow, roundId: number, decision: Decision): Promise<number> {
  return audited(db, actor, async (tx) => {
    const round = await q.roundById(tx, roundId, true);
    if (round === undefined) throw new AppError('dtm.round.notFound', { round: roundId });
    if (round.status !== 'draft') throw new AppError('dtm.round.badTransition', { from: round.status, to: 'draft' });
    let fixedFigures = false;
    for (const id of decision.ids) {
      const issue = await staging.issueById(tx, round, id);
      if (issue === undefined) throw new AppError('dtm.issue.notFound', { id });
      const allowed = issue.severity === 'error' ? decision.decision === 'excluded' : decision.decision !== 'excluded';
      if (!allowed) throw new AppError('dtm.issue.badDecision', { severity: issue.severity, decision: decision.decision });
      if (decision.decision === 'fixed') {
        if (issue.figure_id === null || decision.values === undefined || Object.keys(decision.values).length === 0) {
          throw new AppError('dtm.issue.fixNeedsValue', { column: issue.column_name ?? '—' });
        }
        const current = await staging.figureById(tx, round, issue.figure_id);
        const next = { ...current!, ...decision.values };
        if (next.individuals === null || next.individuals === undefined) throw new AppError('dtm.issue.fixNeedsValue', { column: 'individuals' });
        const parts = (next.females ?? 0) + (next.males ?? 0);
        if (parts > next.individuals || (next.households ?? 0) > next.individuals) {
          throw new AppError('value.rejected', {}, { details: { rule: 'partsAboveTotal', parts, total: next.individuals } });
        }
        await staging.fixFigure(tx, round, issue.figure_id, decision.values);
        fixedFigures = true;
      }
    }
    const decided = await staging.decideIssues(tx, round, decision.ids, { status: decision.decision, actor: actorName(actor), comment: decision.comment ?? null });
    if (fixedFigures) await q.rebuildSummary(tx, operation.id, round.id);
    return decided;
  }, (decided) => ({ action: 'dtm.round.review', objectType: 'dtm-round', objectId: roundId, summary: { operation: operation.code, decision: decision.decision, findings: decided } }));
}

const TRANSITIONS: Record<q.RoundStatus, readonly q.RoundStatus[]> = {
  draft: ['validated', 'published'],
  validated: ['published', 'draft'],
  published: [],
};

/** draft → validated → published. Validating and publishing need every finding decided. */
/** Round actions in the audit log, by the status reached. */
const STATUS_ACTIONS: Record<q.RoundStatus, string> = { draft: 'dtm.round.reopen', validated: 'dtm.round.validate', published: 'dtm.round.publish' };

export async function changeRoundStatus(db: Queryable, actor: Actor, operation: q.OperationRow, roundId: number, status: q.RoundStatus): Promise<RoundView> {
  const by = actorName(actor);
  return withVersions((bump) => audited(db, actor, async (tx) => {
    const round = await q.roundById(tx, roundId, true);
    if (round === undefined) throw new AppError('dtm.round.notFound', { round: roundId });
    // Dashboards and public APIs of this operation and its country answer differently from now on.
    await bump(tx, [versionKeys.dtmOperation(operation.code), versionKeys.dtmCountry(operation.country), versionKeys.dtmRounds]);
    if (!TRANSITIONS[round.status].includes(status)) throw new AppError('dtm.round.badTransition', { from: round.status, to: status });
    if (status !== 'draft') {
      if (!(await q.roundHasFigures(tx, round))) throw new AppError('dtm.round.empty');
      const report = await qualityReport(tx, operation, round);
      if (report.openErrors > 0 || report.openWarnings > 0) {
        throw new AppError('dtm.round.openIssues', { action: status, errors: report.openErrors, warnings: report.openWarnings });
      }
    }
    if (status === 'published' && round.status === 'draft') await q.setRoundStatus(tx, round, 'validated', by);
    await q.setRoundStatus(tx, round, status, by);
    return roundView((await q.roundById(tx, roundId))!, operation.code);
  }, (round) => ({ action: STATUS_ACTIONS[status], objectType: 'dtm-round', objectId: round.id, summary: { operation: operation.code, number: round.number, type: round.assessmentType, status: round.status } })));
}

// ---- what the routes read through the service (routes never import queries) ------------------------------

/** The figure columns a reviewer may fix by hand (the decision body's schema lists them). */
export const FIXABLE_COLUMNS = staging.FIXABLE_COLUMNS;

/**
 * A page of a round's findings, filtered; the caller has authorised the round. Findings carry the
 * file's own cells (names, figures of people), so each page read is in the audit log.
 */
export async function roundIssues(db: Queryable, actor: Actor, round: q.RoundRow, filters: staging.IssueFilters): Promise<{ total: number; issues: staging.IssueRow[] }> {
  return audited(
    db,
    actor,
    (tx) => staging.issuesOf(tx, round, filters),
    (page) => ({ action: 'dtm.findings.read', objectType: 'dtm-round', objectId: round.id, summary: { filters, shown: page.issues.length, total: page.total } }),
  );
}

/** The quality report of a round as it stands now (after decisions changed it). */
export async function currentQualityReport(db: Queryable, operation: q.OperationRow, roundId: number): Promise<QualityReport> {
  const round = await q.roundById(db, roundId);
  if (round === undefined) throw new AppError('dtm.round.notFound', { round: roundId });
  return qualityReport(db, operation, round);
}
