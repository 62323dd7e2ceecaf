/** Shapes of the response (4W) API, from the server's service types (type-only imports). */
import type { ActivityView, Dashboard, OrganisationView, PeriodView, ReportView, SectorView } from '../../../src/response/service.js';

export type { ActivityView, Dashboard, OrganisationView, PeriodView, ReportView, SectorView };

export interface ReportsResponse {
  total: number;
  reports: ReportView[];
}

export const COUNTRIES = ['BF', 'ML', 'NE'] as const;
export const RESPONSE_PATH = '/response';
