/** Shapes of the geography API (see the API contract in DESIGN/issue). */
import type { Feature, FeatureCollection, Geometry } from 'geojson';

export interface LevelSummary {
  level: number;
  units: number;
  withGeometry: number;
}

export interface Country {
  pcode: string;
  iso3: string;
  name: string;
  levels: LevelSummary[];
}

export interface CountriesResponse {
  countries: Country[];
}

export interface AdminUnit {
  pcode: string;
  level: number;
  name: string;
  altNames: string[];
  parentPcode: string | null;
  country: string;
  validFrom: string | null;
  validTo: string | null;
  hasGeometry: boolean;
  population: number | null;
}

export interface UnitsResponse {
  total: number;
  units: AdminUnit[];
}

export interface BoundaryProperties {
  pcode: string;
  name: string;
  level: number;
  parentPcode: string | null;
  population: number | null;
}

export type BoundaryFeature = Feature<Geometry | null, BoundaryProperties>;

export interface BoundaryCollection extends FeatureCollection<Geometry | null, BoundaryProperties> {
  liptako: {
    country: string;
    level: number;
    geometrySource: 'boundaries' | 'outline';
    unitsWithoutGeometry: number;
  };
}

export type ImportKind = 'gazetteer' | 'boundaries' | 'population' | 'pcode-lengths';

export interface RefusedRow {
  row: number;
  column: string | null;
  value: string | null;
  code: string;
  message: string;
}

export interface ImportReport {
  id: string;
  fileName: string;
  kind: ImportKind;
  sha256: string;
  alreadyImported: boolean;
  country: string | null;
  level: number | null;
  added: number;
  updated: number;
  unchanged: number;
  refused: RefusedRow[];
  /** P-codes in the file with no gazetteer unit. */
  withoutGazetteer: string[];
  /** Gazetteer units of that level with no geometry in the file. */
  withoutGeometry: string[];
  createdAt: string;
}

export interface ImportResponse {
  import: ImportReport;
}

export interface ImportsResponse {
  imports: ImportReport[];
}
