/**
 * Shapes of the displacement-tracking (DTM) API. The server's own types are used (type-only
 * imports are erased by the build, so no server code reaches the bundle); only the envelopes are
 * declared here.
 */
import type { JobView } from '../../../src/core/jobs.js';
import type { AdminFigure, KeyFigures, OperationSummary, roundLocations, TrendPoint } from '../../../src/displacement/aggregate.js';
import type { PopulationGroup, RoundField } from '../../../src/shared/displacement.js';
import type { ImportResult } from '../../../src/displacement/dtm-imports.js';
import type { SheetView, UploadView } from '../../../src/displacement/dtm-uploads.js';
import type { IssueView, OperationView, QualityReport, RoundView } from '../../../src/displacement/service.js';

export type { AdminFigure, ImportResult, KeyFigures, OperationSummary, OperationView, PopulationGroup, QualityReport, RoundField, RoundView, SheetView, TrendPoint, UploadView };

export type AssessmentType = 'BA' | 'SA';
export type RoundStatus = RoundView['status'];
export type Severity = 'error' | 'warning';
export type IssueStatus = IssueView['status'];
export type Decision = 'accepted' | 'fixed' | 'excluded';

export const ASSESSMENT_TYPES: readonly AssessmentType[] = ['BA', 'SA'];
/** The population groups of the API, in the order the switch shows them. */
export const POPULATION_GROUPS: readonly PopulationGroup[] = ['idp', 'returnee', 'returnee-abroad'];

export interface OperationsResponse {
  operations: OperationSummary[];
}

export interface OperationResponse {
  operation: OperationView;
  rounds: RoundView[];
  /** The caller sees drafts of this operation and may import into it. */
  canImport: boolean;
}

export interface AdminResponse {
  round: RoundView | null;
  assessmentType: AssessmentType;
  group: PopulationGroup;
  level: 1 | 2;
  units: AdminFigure[];
}

export interface TrendResponse {
  assessmentType: AssessmentType;
  group: PopulationGroup;
  points: TrendPoint[];
}

export type LocationsResponse = Awaited<ReturnType<typeof roundLocations>>;
export type LocationFigure = LocationsResponse['locations'][number];

/** A finding as the API sends it: its message already in the caller's language. */
export type Issue = IssueView & { message: string };

export interface IssuesResponse {
  total: number;
  issues: Issue[];
}

export interface RoundResponse {
  operation: OperationView;
  report: QualityReport;
}

export interface UploadResponse {
  upload: UploadView;
}

/** An import job with its error message in the caller's language. */
export type Job = JobView & { message: string | null };

export interface JobResponse {
  job: Job;
}

export function operationUrl(code: string, suffix = ''): string {
  return `/api/dtm/operations/${encodeURIComponent(code)}${suffix}`;
}

export function roundUrl(id: number, suffix = ''): string {
  return `/api/dtm/rounds/${id}${suffix}`;
}

/** Pages of the web app. */
export const dashboardPath = (code: string): string => `/displacement/${encodeURIComponent(code)}`;
export const roundPath = (id: number): string => `/displacement/rounds/${id}`;
export const IMPORT_PATH = '/displacement/import';
