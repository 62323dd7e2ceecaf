/**
 * The review of a round's data-quality findings, pure: which decisions fit the findings
 * selected (errors are excluded; warnings accepted or fixed), which figure column a fix
 * corrects, and why a round cannot be published yet.
 */
import type { FixableField } from '../../../src/shared/displacement.js';
import type { Decision, IssueStatus, RoundStatus, Severity } from './types.js';

export interface SelectableIssue {
  id: number;
  severity: Severity;
  status: IssueStatus;
  rule: string;
  column: string | null;
  figureId: number | null;
}

/** Columns of a figure a reviewer may correct (the server's FIXABLE_COLUMNS). */

const FEMALE = /(^|[^a-z])(f|fem|female|females|femme|femmes|women|girls|filles)([^a-z]|$)/;
const MALE = /(^|[^a-z])(m|male|males|homme|hommes|men|boys|garcons)([^a-z]|$)/;

function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/**
 * The figure column a fix of this finding corrects, or null when the finding is not about a
 * count (coordinates, dates: those are accepted, or corrected in the file and imported again).
 */
export function fixFieldFor(rule: string, column: string | null): FixableField | null {
  switch (rule) {
    case 'householdSize':
      return 'households';
    case 'changeVsPrevious':
      return 'individuals';
    case 'partsDoNotSum': {
      const header = fold(column ?? '');
      if (FEMALE.test(header)) return 'females';
      if (MALE.test(header)) return 'males';
      return 'individuals';
    }
    default:
      return null;
  }
}

export interface DecisionChoice {
  decisions: Decision[];
  /** Why no decision fits the selection; null when some do. */
  reason: 'none' | 'mixed' | 'decided' | null;
}

/**
 * Decisions that apply to every finding selected: errors can only be excluded, warnings accepted
 * or fixed. A fix sets values on one figure, so it needs exactly one warning about a count.
 */
export function allowedDecisions(selected: readonly SelectableIssue[]): DecisionChoice {
  if (selected.length === 0) return { decisions: [], reason: 'none' };
  if (selected.some((issue) => issue.status !== 'open')) return { decisions: [], reason: 'decided' };
  const severities = new Set(selected.map((issue) => issue.severity));
  if (severities.size > 1) return { decisions: [], reason: 'mixed' };
  if (severities.has('error')) return { decisions: ['excluded'], reason: null };
  const [only] = selected;
  const fixable = selected.length === 1 && only !== undefined && only.figureId !== null && fixFieldFor(only.rule, only.column) !== null;
  return { decisions: fixable ? ['accepted', 'fixed'] : ['accepted'], reason: null };
}

/** A corrected count as typed ("1 234", "1234"); null when it is not a whole number from 0 to 10 million. */
export function parseCount(text: string): number | null {
  const compact = text.replace(/[\s\u00a0\u202f]/g, '');
  if (!/^\d{1,8}$/.test(compact)) return null;
  const value = Number(compact);
  return value <= 10_000_000 ? value : null;
}

export interface ReportLike {
  openErrors: number;
  openWarnings: number;
  canPublish: boolean;
  imports: ReadonlyArray<{ superseded: boolean }>;
}

export type PublishBlock =
  | { key: 'published' }
  | { key: 'openIssues'; errors: number; warnings: number }
  | { key: 'noImport' }
  | { key: 'notAllowed' };

/** Why the round cannot be published now, or null when it can. */
export function publishBlock(status: RoundStatus, report: ReportLike): PublishBlock | null {
  if (status === 'published') return { key: 'published' };
  if (report.openErrors > 0 || report.openWarnings > 0) return { key: 'openIssues', errors: report.openErrors, warnings: report.openWarnings };
  if (!report.imports.some((entry) => !entry.superseded)) return { key: 'noImport' };
  return report.canPublish ? null : { key: 'notAllowed' };
}

/** Counts by rule, one row per rule: open, then decided, errors before warnings, most open first. */
export interface RuleCount {
  rule: string;
  severity: Severity;
  open: number;
  decided: number;
}

export function countsByRule(counts: ReadonlyArray<{ rule: string; severity: Severity; status: string; count: number }>): RuleCount[] {
  const rows = new Map<string, RuleCount>();
  for (const count of counts) {
    const row = rows.get(count.rule) ?? { rule: count.rule, severity: count.severity, open: 0, decided: 0 };
    if (count.status === 'open') row.open += count.count;
    else row.decided += count.count;
    rows.set(count.rule, row);
  }
  return [...rows.values()].sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) || b.open - a.open || b.decided - a.decided || a.rule.localeCompare(b.rule),
  );
}
