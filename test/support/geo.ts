/** Small synthetic geography files for tests that must not depend on the shared fixtures. */
import { csvText } from '../../src/core/csv.js';
import type { LiptakoApp } from '../../src/core/http-kit.js';

export interface SquareUnit {
  pcode: string;
  name: string | null;
  /** Lower-left corner, in degrees. */
  x: number;
  y: number;
  size?: number;
}

/** A GeoJSON FeatureCollection of squares, with COD-style property names for `level`. */
export function squaresGeoJson(level: number, units: readonly SquareUnit[], extraProperties: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    features: units.map((unit) => {
      const size = unit.size ?? 1;
      return {
        type: 'Feature',
        properties: { [`admin${level}Pcode`]: unit.pcode, [`admin${level}Name_fr`]: unit.name, ...extraProperties },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [unit.x, unit.y],
              [unit.x + size, unit.y],
              [unit.x + size, unit.y + size],
              [unit.x, unit.y + size],
              [unit.x, unit.y],
            ],
          ],
        },
      };
    }),
  });
}

export const GAZETTEER_HEADER = 'Location,Admin Level,P-Code,Name,Parent P-Code,Valid from date';

export function gazetteerCsv(rows: ReadonlyArray<readonly [string, number, string, string, string, string]>): string {
  return csvText([GAZETTEER_HEADER.split(','), ...rows], { eol: '\n' });
}

export interface ImportResponse {
  statusCode: number;
  body: {
    import?: {
      id: string;
      kind: string;
      alreadyImported: boolean;
      added: number;
      updated: number;
      unchanged: number;
      refused: Array<{ row: number; column: string | null; value: string | null; code: string; message: string }>;
      withoutGazetteer: string[];
      withoutGeometry: string[];
      versions: Array<{ country: string; level: number; validFrom: string; closed: number }>;
      nameMismatches: Array<{ pcode: string }>;
      country: string | null;
      level: number | null;
    };
    error?: { code: string; message: string; details?: unknown };
  };
}

export async function importGeo(
  app: LiptakoApp,
  file: string | Uint8Array,
  fileName: string,
  query: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<ImportResponse> {
  const search = new URLSearchParams({ fileName, ...query });
  const response = await app.inject({
    method: 'POST',
    url: `/api/geo/imports?${search.toString()}`,
    headers: { 'content-type': 'application/octet-stream', ...headers },
    payload: typeof file === 'string' ? Buffer.from(file, 'utf8') : Buffer.from(file),
  });
  return { statusCode: response.statusCode, body: response.json() };
}

export async function unitCount(app: LiptakoApp, query: string): Promise<number> {
  const response = await app.inject({ method: 'GET', url: `/api/geo/units?limit=1&${query}` });
  return response.json<{ total: number }>().total;
}

/**
 * Field names as a shapefile export writes them: dBase keeps ten characters of letters, digits
 * and `_`, and a name that would repeat an earlier one is cut shorter and numbered (`admin2Al_1`).
 */
export function shapefileFieldNames(keys: readonly string[]): Map<string, string> {
  const used = new Set<string>();
  const names = new Map<string, string>();
  for (const key of keys) {
    const base = key.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 10);
    let name = base;
    for (let n = 1; used.has(name.toLowerCase()); n += 1) name = `${base.slice(0, 10 - `_${n}`.length)}_${n}`;
    used.add(name.toLowerCase());
    names.set(key, name);
  }
  return names;
}

type PropertyRename = (keys: readonly string[]) => ReadonlyMap<string, string>;

/** A GeoJSON or TopoJSON document (as text) with every feature's properties renamed. */
export function renameProperties(text: string, rename: PropertyRename = shapefileFieldNames): string {
  const document = JSON.parse(text) as {
    type: string;
    features?: Array<{ properties: Record<string, unknown> | null }>;
    objects?: Record<string, { geometries?: Array<{ properties?: Record<string, unknown> }> }>;
  };
  const carriers =
    document.type === 'Topology'
      ? Object.values(document.objects ?? {}).flatMap((object) => object.geometries ?? [])
      : (document.features ?? []);
  const keys = [...new Set(carriers.flatMap((carrier) => Object.keys(carrier.properties ?? {})))];
  const names = rename(keys);
  for (const carrier of carriers) {
    carrier.properties = Object.fromEntries(Object.entries(carrier.properties ?? {}).map(([key, value]) => [names.get(key) ?? key, value]));
  }
  return JSON.stringify(document);
}
