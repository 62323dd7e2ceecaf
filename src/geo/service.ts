/**
 * The geography's lookups: units as of a date, search, one unit with its parents and versions,
 * the tree of a country, countries, simplified boundaries for maps, and name matching.
 * Imports: geo-imports.ts.
 */
import type { Geometry } from 'geojson';
import type { Queryable } from '../core/db.js';
import { AppError } from '../core/errors.js';
import { matchName, nameKey } from './names.js';
import { iso2ToIso3, normalisePcode } from './pcode.js';
import { countryOutline } from './outlines.js';
import * as q from './queries.js';
import { countryName, today } from './geo-imports.js';

// ---- lookups -------------------------------------------------------------------------------

export interface AdminUnitView {
  pcode: string;
  level: number;
  name: string;
  altNames: string[];
  parentPcode: string | null;
  country: string;
  validFrom: string;
  validTo: string | null;
  hasGeometry: boolean;
  population: number | null;
}

function view(row: q.UnitListRow): AdminUnitView {
  return {
    pcode: row.pcode,
    level: row.level,
    name: row.name,
    altNames: row.alt_names,
    parentPcode: row.parent_pcode,
    country: row.country,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    hasGeometry: row.has_geometry,
    population: row.population === null ? null : Number(row.population),
  };
}

/** A code-ish filter ("ML09", "mli09") is normalised; a P-code filter that cannot be is refused. */
function requirePcode(input: string, field: string): string {
  const result = normalisePcode(input);
  if (result.status === 'ok') return result.pcode;
  if (result.status === 'ambiguous') {
    throw new AppError('geo.pcode.ambiguous', { input: input.slice(0, 40), candidates: result.candidates.join(', ') }, { details: { field } });
  }
  throw new AppError('geo.pcode.invalid', { input: input.slice(0, 40) }, { details: { field } });
}

export interface UnitSearch {
  country?: string;
  level?: number;
  parent?: string;
  q?: string;
  code?: string;
  asOf?: string;
  limit?: number;
  offset?: number;
}

export async function searchUnits(db: Queryable, search: UnitSearch): Promise<{ total: number; units: AdminUnitView[] }> {
  const text = search.q?.trim();
  const looksLikeCode = text !== undefined && /^[A-Za-z]{2,3}\d*$/.test(text) && normalisePcode(text).status === 'ok';
  const rows = await q.searchUnits(db, {
    country: search.country === undefined ? undefined : requireCountry(search.country),
    level: search.level,
    parent: search.parent === undefined ? undefined : requirePcode(search.parent, 'parent'),
    pcodes: search.code === undefined ? undefined : [requirePcode(search.code, 'code')],
    nameKey: text === undefined || text === '' ? undefined : nameKey(text),
    // Present but empty when the text has no letters or digits: the query then matches nothing.
    pcodePrefix: text === undefined || text === '' ? undefined : looksLikeCode ? requirePcode(text, 'q') : text.toUpperCase().replace(/[^A-Z0-9]/g, ''),
    asOf: search.asOf ?? today(),
    limit: search.limit ?? 100,
    offset: search.offset ?? 0,
  });
  return { total: Number(rows[0]?.total ?? 0), units: rows.map(view) };
}

function requireCountry(input: string): string {
  const result = normalisePcode(input);
  if (result.status === 'ok' && result.level === 0) return result.pcode;
  throw new AppError('geo.country.unknown', { input: input.slice(0, 40) });
}

export async function getUnit(
  db: Queryable,
  pcodeInput: string,
  asOf?: string,
): Promise<{ unit: AdminUnitView; ancestors: AdminUnitView[]; children: AdminUnitView[]; versions: Array<{ name: string; validFrom: string; validTo: string | null }> }> {
  const pcode = requirePcode(pcodeInput, 'pcode');
  const date = asOf ?? today();
  const [row] = await q.searchUnits(db, { pcodes: [pcode], asOf: date, limit: 1, offset: 0 });
  if (!row) throw new AppError('geo.unit.notFound', { pcode });
  const ancestors: AdminUnitView[] = [];
  let parent = row.parent_pcode;
  while (parent !== null) {
    const [ancestor] = await q.searchUnits(db, { pcodes: [parent], asOf: date, limit: 1, offset: 0 });
    if (!ancestor) break;
    ancestors.unshift(view(ancestor));
    parent = ancestor.parent_pcode;
  }
  const children = await q.searchUnits(db, { parent: pcode, asOf: date, limit: 1000, offset: 0 });
  const history = await q.unitHistory(db, pcode);
  return {
    unit: view(row),
    ancestors,
    children: children.map(view),
    versions: history.map((version) => ({ name: version.name, validFrom: version.valid_from, validTo: version.valid_to })),
  };
}

export interface TreeNode {
  pcode: string;
  name: string;
  level: number;
  children: TreeNode[];
}

export async function unitTree(db: Queryable, countryInput: string, asOf?: string, maxLevel = 3): Promise<TreeNode> {
  const country = requireCountry(countryInput);
  const rows = await q.searchUnits(db, { country, asOf: asOf ?? today(), limit: 100_000, offset: 0 });
  const nodes = new Map<string, TreeNode>();
  for (const row of rows) {
    if (row.level <= maxLevel) nodes.set(row.pcode, { pcode: row.pcode, name: row.name, level: row.level, children: [] });
  }
  const root = nodes.get(country);
  if (!root) throw new AppError('geo.unit.notFound', { pcode: country });
  for (const row of rows) {
    const node = nodes.get(row.pcode);
    if (node && row.parent_pcode !== null) nodes.get(row.parent_pcode)?.children.push(node);
  }
  return root;
}

export interface CountrySummary {
  pcode: string;
  iso3: string;
  name: string;
  levels: Array<{ level: number; units: number; withGeometry: number }>;
}

export async function countries(db: Queryable, asOf?: string): Promise<CountrySummary[]> {
  const rows = await q.levelSummary(db, asOf ?? today());
  const result = new Map<string, CountrySummary>();
  for (const row of rows) {
    const summary = result.get(row.country) ?? {
      pcode: row.country,
      iso3: iso2ToIso3(row.country) ?? row.country,
      name: row.country_name ?? countryName(row.country),
      levels: [],
    };
    summary.levels.push({ level: row.level, units: row.units, withGeometry: row.with_geometry });
    result.set(row.country, summary);
  }
  return [...result.values()];
}

export interface BoundaryFeature {
  type: 'Feature';
  id: string;
  properties: { pcode: string; name: string; level: number; parentPcode: string | null; population: number | null };
  geometry: Geometry;
}

/** A GeoJSON FeatureCollection with a foreign member saying where the geometry came from. */
export interface BoundaryCollection {
  type: 'FeatureCollection';
  features: BoundaryFeature[];
  liptako: { country: string; level: number; geometrySource: 'boundaries' | 'outline'; unitsWithoutGeometry: number };
}

/**
 * GeoJSON of one level for maps. Without imported boundaries the country outline is sent, so a
 * map can still be drawn, and `geometrySource: "outline"` tells the page to say so.
 */
export async function boundaryCollection(
  db: Queryable,
  request: { country: string; level: number; asOf?: string; detail?: 'simplified' | 'full' },
): Promise<BoundaryCollection> {
  const country = requireCountry(request.country);
  const rows = await q.boundaries(db, {
    country,
    level: request.level,
    asOf: request.asOf ?? today(),
    detail: request.detail ?? 'simplified',
  });
  const withGeometry = rows.filter((row) => row.geometry !== null);
  if (withGeometry.length === 0) {
    const outline = countryOutline(country);
    const [admin0] = await q.searchUnits(db, { pcodes: [country], asOf: request.asOf ?? today(), limit: 1, offset: 0 });
    return {
      type: 'FeatureCollection',
      features: outline
        ? [
            {
              type: 'Feature',
              id: country,
              properties: { pcode: country, name: admin0?.name ?? countryName(country), level: 0, parentPcode: null, population: null },
              geometry: outline,
            },
          ]
        : [],
      liptako: { country, level: request.level, geometrySource: 'outline', unitsWithoutGeometry: rows.length },
    };
  }
  return {
    type: 'FeatureCollection',
    features: withGeometry.map(
      (row): BoundaryFeature => ({
        type: 'Feature',
        id: row.pcode,
        properties: {
          pcode: row.pcode,
          name: row.name,
          level: row.level,
          parentPcode: row.parent_pcode,
          population: row.population === null ? null : Number(row.population),
        },
        geometry: row.geometry!,
      }),
    ),
    liptako: { country, level: request.level, geometrySource: 'boundaries', unitsWithoutGeometry: rows.length - withGeometry.length },
  };
}

/** Name candidates for a file that carries names only. */
export async function matchUnitName(
  db: Queryable,
  request: { name: string; country?: string; level?: number; parent?: string; asOf?: string },
): Promise<Array<{ pcode: string; name: string; level: number; parentPcode: string | null; confidence: number; matchedOn: string }>> {
  const rows = await q.searchUnits(db, {
    country: request.country === undefined ? undefined : requireCountry(request.country),
    level: request.level,
    parent: request.parent === undefined ? undefined : requirePcode(request.parent, 'parent'),
    asOf: request.asOf ?? today(),
    limit: 100_000,
    offset: 0,
  });
  const byPcode = new Map(rows.map((row) => [row.pcode, row]));
  return matchName(request.name, rows.map((row) => ({ pcode: row.pcode, names: [row.name, ...row.alt_names] }))).map((match) => {
    const row = byPcode.get(match.pcode)!;
    return { pcode: match.pcode, name: match.name, level: row.level, parentPcode: row.parent_pcode, confidence: match.confidence, matchedOn: match.matchedOn };
  });
}
