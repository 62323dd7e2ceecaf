/** Shapes of the response (4W) API, from the server's service types (type-only imports). */
import type { ActivityView, OrganisationView, PeriodView, SectorView } from '../../../src/response/service.js';
import type { Dashboard } from '../../../src/response/presence.js';
import type { ReportView } from '../../../src/response/reports.js';
import type { FiveWSheetView, FiveWUploadView } from '../../../src/response/five-w-imports.js';
import type { FiveWImportResult } from '../../../src/response/five-w-store.js';

export type { ActivityView, Dashboard, FiveWImportResult, FiveWSheetView, FiveWUploadView, OrganisationView, PeriodView, ReportView, SectorView };

/** A 5W import job as the page polls it. */
export interface FiveWJob {
  id: number;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'interrupted';
  phase: string | null;
  done: number;
  total: number | null;
  result: FiveWImportResult | null;
  error: { code: string; params: Record<string, string | number>; details?: { byRule?: Record<string, number> } } | null;
  message: string | null;
}

export interface ReportsResponse {
  total: number;
  reports: ReportView[];
}

export const COUNTRIES = ['BF', 'ML', 'NE'] as const;
export const RESPONSE_PATH = '/response';
