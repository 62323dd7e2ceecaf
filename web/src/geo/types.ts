/**
 * Shapes of the geography API. The server's own types are used (type-only imports are erased by
 * the build, so no server code reaches the bundle); only the envelopes are declared here.
 */
import type { AdminUnitView, BoundaryCollection, CountrySummary } from '../../../src/geo/service.js';
import type { GeoImportKind, GeoImportReport, RefusedRow, RowOutcome, VersionChange } from '../../../src/geo/geo-imports.js';

export type { BoundaryCollection, RefusedRow, RowOutcome, VersionChange };

export type Country = CountrySummary;
export type AdminUnit = AdminUnitView;
export type ImportKind = GeoImportKind;
export type ImportReport = GeoImportReport;
export type NameMismatch = GeoImportReport['nameMismatches'][number];

export interface CountriesResponse {
  countries: Country[];
}

export interface UnitsResponse {
  total: number;
  units: AdminUnit[];
}

export interface ImportResponse {
  import: ImportReport;
}

export interface ImportsResponse {
  imports: ImportReport[];
}
