/** Shapes of the response (4W) API, from the server's service types (type-only imports). */
import type { ActivityView, OrganisationView, PeriodView, SectorView } from '../../../src/response/service.js';
import type { Dashboard } from '../../../src/response/presence.js';
import type { ReportView } from '../../../src/response/reports.js';

export type { ActivityView, Dashboard, OrganisationView, PeriodView, ReportView, SectorView };

export interface ReportsResponse {
  total: number;
  reports: ReportView[];
}

export const COUNTRIES = ['BF', 'ML', 'NE'] as const;
export const RESPONSE_PATH = '/response';
