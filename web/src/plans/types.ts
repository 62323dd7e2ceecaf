/**
 * Shapes of the plans-and-funding API. The server's own types are used (type-only imports are
 * erased by the build, so no server code reaches the bundle); only the envelopes are declared here.
 */
import type { FundingPoint, FundingStatus } from '../../../src/plans/funding.js';
import type { ActivityAreaView, ConsistencyView, ObjectiveView, PlanFundingView, PlanSummary, PlanView, Requirements } from '../../../src/plans/service.js';
import type { ContributionInput, ContributionView } from '../../../src/plans/contributions.js';
import type { ContributionStatus, EarmarkLevel } from '../../../src/shared/plans.js';

export type {
  ActivityAreaView,
  ConsistencyView,
  ContributionInput,
  ContributionStatus,
  ContributionView,
  EarmarkLevel,
  FundingPoint,
  FundingStatus,
  ObjectiveView,
  PlanFundingView,
  PlanSummary,
  PlanView,
  Requirements,
};

export { CONTRIBUTION_STATUSES, EARMARK_LEVELS } from '../../../src/shared/plans.js';

export interface PlansResponse {
  plans: PlanSummary[];
}

export interface FundingOverTimeResponse {
  series: FundingPoint[];
}

export interface ContributionsResponse {
  contributions: ContributionView[];
}

export interface ContributionResponse {
  contribution: ContributionView;
}

/** A contribution as sent by the form: the server's input, plus version and reason on edits. */
export type ContributionRequest = ContributionInput & { version?: number; reason?: string };

/** One recorded change (GET /api/plans/:code/changes). */
export interface PlanChange {
  id: number;
  entity: string;
  entityId: number;
  field: string;
  oldValue: unknown;
  newValue: unknown;
  reason: string | null;
  changedBy: string;
  changedAt: string;
}

export interface ChangesResponse {
  changes: PlanChange[];
}

export type ExportTable = 'funding' | 'contributions';
export type ExportFormat = 'csv' | 'xlsx';

export function planUrl(code: string, suffix = ''): string {
  return `/api/plans/${encodeURIComponent(code)}${suffix}`;
}

export function exportUrl(code: string, table: ExportTable, format: ExportFormat): string {
  return `${planUrl(code, '/export')}?table=${table}&format=${format}`;
}
