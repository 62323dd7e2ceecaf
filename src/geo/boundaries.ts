/**
 * The COD-AB boundary file parser (GeoJSON or TopoJSON): limits, features read, properties found
 * (boundary-properties.ts), geometries checked (boundary-geometry.ts), rings in RFC 7946 order,
 * simplified copies for maps (boundary-simplify.ts). Pure: text in, units and refused features out.
 */
import { feature } from 'topojson-client';
import type { GeometryObject, Topology } from 'topojson-specification';
import { AppError } from '../core/errors.js';
import { rowIssue, stripBom, truncateForEcho, type RowIssue } from '../core/tabular.js';
import { parseJsonDocument } from '../core/json.js';
import { normalisePcode, parentOf, SCHEMES } from './pcode.js';
import { orientRfc7946 } from './rings.js';
import { checkPcode, describeJson, isRecord, propertyText, readDate, type PcodeOptions } from './geo-cells.js';
import { sortIssues } from './formats.js';
import { checkGeometry, countGeoJsonVertices, type BoundaryGeometry } from './boundary-geometry.js';
import { PCODE_PROPERTY, detectProperties, propertyKey, type BoundaryPropertyNames, type RawFeature } from './boundary-properties.js';
import { simplifyAll } from './boundary-simplify.js';

export interface BoundaryUnit {
  /** 1-based index of the feature in the file. */
  row: number;
  pcode: string;
  level: number;
  name: string | null;
  altNames: string[];
  parentPcode: string | null;
  validFrom: string | null;
  /** As in the file (third coordinates dropped, rings closed). */
  geometry: BoundaryGeometry;
  /** For maps: shared borders simplified once for the whole file, so neighbours still touch. */
  simplified: BoundaryGeometry;
  /** [west, south, east, north] of the full geometry. */
  bbox: [number, number, number, number];
  /** Positions of the full geometry. */
  vertexCount: number;
}

export interface ParsedBoundaries {
  level: number;
  units: BoundaryUnit[];
  refused: RowIssue[];
  /** The validity date most features carry; null when the file has none. */
  validFrom: string | null;
  propertyNames: BoundaryPropertyNames;
}

export interface BoundaryOptions extends PcodeOptions {
  /** Total positions in the file (default 2,000,000). */
  maxVertices?: number;
  /** Features in the file (default 20,000). */
  maxFeatures?: number;
  /** Positions in one feature (default 500,000). */
  maxFeatureVertices?: number;
  /** Share of the simplifiable points kept for map geometry (default 0.15). */
  keepRatio?: number;
  /** The property holding the units' P-codes, when detection cannot tell (overrides it). */
  pcodeProperty?: string;
  /** The property holding the units' names (overrides detection). */
  nameProperty?: string;
}

export const DEFAULT_MAX_VERTICES = 2_000_000;
export const DEFAULT_MAX_FEATURES = 20_000;
export const DEFAULT_MAX_FEATURE_VERTICES = 500_000;
const DEFAULT_KEEP_RATIO = 0.15;
// Boundaries: reading GeoJSON and TopoJSON into raw features
// ---------------------------------------------------------------------------------------------

interface Limits {
  maxVertices: number;
  maxFeatures: number;
  maxFeatureVertices: number;
}

/**
 * Refuses files too big to process safely. `perFeature` and `total` come from array lengths
 * only, so this runs before any per-point work; the total is separate because a topology can
 * hold arcs no feature uses.
 */
function enforceLimits(perFeature: readonly number[], total: number, limits: Limits): void {
  let largest = 0;
  let largestRow = 0;
  perFeature.forEach((count, index) => {
    if (count > largest) {
      largest = count;
      largestRow = index + 1;
    }
  });
  if (perFeature.length > limits.maxFeatures || total > limits.maxVertices || largest > limits.maxFeatureVertices) {
    throw new AppError('import.tooComplex', {
      features: perFeature.length,
      vertices: total,
      largestRow,
      largestVertices: largest,
      maxFeatures: limits.maxFeatures,
      maxVertices: limits.maxVertices,
      maxFeatureVertices: limits.maxFeatureVertices,
    });
  }
}

function checkCrs(document: Record<string, unknown>): void {
  const crs = document.crs;
  if (!isRecord(crs) || !isRecord(crs.properties)) return;
  const name = crs.properties.name;
  if (typeof name !== 'string') return;
  // RFC 7946 drops `crs`, but older COD exports still carry it; only WGS 84 lon/lat is usable.
  if (!/4326|CRS84|WGS\s*84/i.test(name)) throw new AppError('geo.import.crsUnsupported', { crs: truncateForEcho(name, 80) });
}

function readGeoJsonFeatures(document: Record<string, unknown>, limits: Limits): { raw: RawFeature[]; refused: RowIssue[] } {
  if (document.type === 'FeatureCollection' && !Array.isArray(document.features)) {
    throw new AppError('geo.import.notGeoJson', { found: 'FeatureCollection without features' });
  }
  const list: unknown[] = document.type === 'Feature' ? [document] : (document.features as unknown[]);
  const perFeature = list.map((item) => (isRecord(item) ? countGeoJsonVertices(item.geometry) : 0));
  enforceLimits(perFeature, perFeature.reduce((sum, count) => sum + count, 0), limits);
  const raw: RawFeature[] = [];
  const refused: RowIssue[] = [];
  list.forEach((item, index) => {
    const row = index + 1;
    if (!isRecord(item) || (item.type !== undefined && item.type !== 'Feature')) {
      refused.push(rowIssue(row, null, describeJson(item), 'geo.import.featureInvalid'));
      return;
    }
    raw.push({ row, properties: isRecord(item.properties) ? item.properties : {}, geometry: item.geometry });
  });
  return { raw, refused };
}

function isArcIndex(value: unknown, arcCount: number): value is number {
  // A bound on the value itself, not on ~value: ~ works on 32 bits, so ~(-2147483649) is a small
  // index that topojson-client does not compute the same way, and it crashed reading an arc
  // that does not exist (found by the fuzz tests).
  return typeof value === 'number' && Number.isInteger(value) && value >= -arcCount && value < arcCount;
}

/** Positions of a TopoJSON polygon/multipolygon, and whether its arc references are well formed. */
function topoGeometryVertices(geometry: Record<string, unknown>, arcLengths: readonly number[]): number | null {
  const ringVertices = (ring: unknown): number | null => {
    if (!Array.isArray(ring)) return null;
    let total = 0;
    for (const index of ring as unknown[]) {
      if (!isArcIndex(index, arcLengths.length)) return null;
      total += arcLengths[index < 0 ? ~index : index] ?? 0;
    }
    return total;
  };
  const polygonVertices = (rings: unknown): number | null => {
    if (!Array.isArray(rings)) return null;
    let total = 0;
    for (const ring of rings as unknown[]) {
      const count = ringVertices(ring);
      if (count === null) return null;
      total += count;
    }
    return total;
  };
  if (geometry.type === 'Polygon') return polygonVertices(geometry.arcs);
  if (geometry.type === 'MultiPolygon') {
    if (!Array.isArray(geometry.arcs)) return null;
    let total = 0;
    for (const polygon of geometry.arcs as unknown[]) {
      const count = polygonVertices(polygon);
      if (count === null) return null;
      total += count;
    }
    return total;
  }
  return 0;
}

function isPair(value: unknown): value is [number, number] {
  return Array.isArray(value) && value.length >= 2 && Number.isFinite(value[0]) && Number.isFinite(value[1]);
}

/** The object holding admin units: the one whose geometries carry the most admin P-codes, else the first. */
function pickTopologyObject(objects: Record<string, unknown>): unknown[] {
  let best: { geometries: unknown[]; score: number } | null = null;
  for (const object of Object.values(objects)) {
    if (!isRecord(object)) continue;
    const geometries = object.type === 'GeometryCollection' ? object.geometries : [object];
    if (!Array.isArray(geometries)) continue;
    let score = 0;
    for (const geometry of geometries as unknown[]) {
      if (!isRecord(geometry) || !isRecord(geometry.properties)) continue;
      if (Object.keys(geometry.properties).some((key) => PCODE_PROPERTY.test(propertyKey(key)))) score += 1;
    }
    if (best === null || score > best.score) best = { geometries: geometries as unknown[], score };
  }
  if (best === null) throw new AppError('geo.import.topologyInvalid', { part: 'objects' });
  return best.geometries;
}

function readTopoJsonFeatures(document: Record<string, unknown>, limits: Limits): { raw: RawFeature[]; refused: RowIssue[] } {
  if (!isRecord(document.objects)) throw new AppError('geo.import.topologyInvalid', { part: 'objects' });
  if (!Array.isArray(document.arcs)) throw new AppError('geo.import.topologyInvalid', { part: 'arcs' });
  const arcs = document.arcs as unknown[];
  const transform = document.transform;
  if (transform !== undefined && (!isRecord(transform) || !isPair(transform.scale) || !isPair(transform.translate))) {
    throw new AppError('geo.import.topologyInvalid', { part: 'transform' });
  }
  const geometries = pickTopologyObject(document.objects);

  const arcLengths = arcs.map((arc) => (Array.isArray(arc) ? arc.length : 0));
  const perGeometry = geometries.map((geometry) => (isRecord(geometry) ? (topoGeometryVertices(geometry, arcLengths) ?? 0) : 0));
  // Every arc costs memory and time, used or not: the total counts them all.
  enforceLimits(perGeometry, arcLengths.reduce((sum, length) => sum + length, 0), limits);

  // Only now look inside the arcs: a broken arc refuses the features that use it, not the file.
  const brokenArcs = new Set<number>();
  arcs.forEach((arc, index) => {
    if (!Array.isArray(arc) || arc.length < 2 || !(arc as unknown[]).every(isPair)) brokenArcs.add(index);
  });
  // Validated above: arcs are arrays of finite pairs wherever a kept geometry points, and the
  // transform is well formed, which is all topojson-client reads.
  const topologyDocument = document as unknown as Topology;

  const raw: RawFeature[] = [];
  const refused: RowIssue[] = [];
  geometries.forEach((geometry, index) => {
    const row = index + 1;
    if (!isRecord(geometry)) {
      refused.push(rowIssue(row, null, describeJson(geometry), 'geo.import.featureInvalid'));
      return;
    }
    const properties = isRecord(geometry.properties) ? geometry.properties : {};
    if (geometry.type === null || geometry.type === undefined) {
      raw.push({ row, properties, geometry: null });
      return;
    }
    if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') {
      raw.push({ row, properties, geometry: { type: geometry.type } });
      return;
    }
    const usesBrokenArc = (): boolean => {
      // Reached only when topoGeometryVertices accepted the structure: at most 3 levels deep.
      const stack: unknown[] = [geometry.arcs];
      while (stack.length > 0) {
        const item = stack.pop();
        if (Array.isArray(item)) for (const child of item as unknown[]) stack.push(child);
        else if (typeof item === 'number' && brokenArcs.has(item < 0 ? ~item : item)) return true;
      }
      return false;
    };
    if (topoGeometryVertices(geometry, arcLengths) === null || usesBrokenArc()) {
      raw.push({ row, properties, geometry: { type: geometry.type, coordinates: 'invalid' } });
      return;
    }
    const converted = feature(topologyDocument, { ...geometry, properties: {} } as unknown as GeometryObject);
    raw.push({ row, properties, geometry: converted.type === 'Feature' ? converted.geometry : null });
  });
  return { raw, refused };
}

// ---------------------------------------------------------------------------------------------
// Boundaries: the parser
// ---------------------------------------------------------------------------------------------

/**
 * Reads COD-AB boundaries from GeoJSON (FeatureCollection or a single Feature) or TopoJSON.
 * The admin level and the property names are detected from the properties (see
 * BoundaryPropertyNames). Hostile files are stopped early: malformed JSON names its position,
 * and feature and vertex counts are checked from array lengths before any per-point work.
 */
export function parseBoundaries(text: string, options: BoundaryOptions = {}): ParsedBoundaries {
  const schemes = options.schemes ?? SCHEMES;
  const limits: Limits = {
    maxVertices: options.maxVertices ?? DEFAULT_MAX_VERTICES,
    maxFeatures: options.maxFeatures ?? DEFAULT_MAX_FEATURES,
    maxFeatureVertices: options.maxFeatureVertices ?? DEFAULT_MAX_FEATURE_VERTICES,
  };
  const source = stripBom(text);
  if (source.trim() === '') throw new AppError('import.empty');
  const document = parseJsonDocument(source);
  if (!isRecord(document)) throw new AppError('geo.import.notGeoJson', { found: describeJson(document) });
  checkCrs(document);

  let read: { raw: RawFeature[]; refused: RowIssue[] };
  if (document.type === 'Topology') read = readTopoJsonFeatures(document, limits);
  else if (document.type === 'FeatureCollection' || document.type === 'Feature') read = readGeoJsonFeatures(document, limits);
  else {
    const found = typeof document.type === 'string' ? truncateForEcho(document.type, 60) : describeJson(document.type);
    throw new AppError('geo.import.notGeoJson', { found });
  }
  if (read.raw.length === 0 && read.refused.length === 0) throw new AppError('import.empty');

  if (read.raw.length === 0) {
    // Every entry was junk: nothing to detect names from; the refusals say why.
    const propertyNames = { pcode: '', name: null, altNames: [], parent: null, validOn: null };
    return { level: 0, units: [], refused: read.refused, validFrom: null, propertyNames };
  }
  const names = detectProperties(read.raw, schemes, { pcode: options.pcodeProperty, name: options.nameProperty });

  const refused: RowIssue[] = [...read.refused];
  const accepted: Array<Omit<BoundaryUnit, 'simplified'>> = [];
  const firstRowOf = new Map<string, number>();

  for (const { row, properties, geometry } of read.raw) {
    const issues: RowIssue[] = [];
    const pcodeValue = properties[names.pcode];
    const pcode = checkPcode(row, names.pcode, pcodeValue, schemes);
    if (!pcode.ok) issues.push(pcode.issue);
    else if (pcode.level !== names.level) {
      issues.push(
        rowIssue(row, names.pcode, propertyText(pcodeValue), 'geo.import.levelMismatch', {
          pcode: pcode.pcode,
          level: names.level,
          pcodeLevel: pcode.level,
        }),
      );
    }

    const expectedParent = pcode.ok && pcode.level > 0 ? (parentOf(pcode.pcode, schemes) ?? null) : null;
    if (names.parent !== null && pcode.ok && pcode.level > 0) {
      const parentText = propertyText(properties[names.parent]);
      if (parentText !== null) {
        const parent = normalisePcode(parentText, schemes);
        if (parent.status !== 'ok') {
          issues.push(rowIssue(row, names.parent, parentText, 'geo.import.parentInvalid', { value: parentText }));
        } else if (parent.pcode !== expectedParent) {
          issues.push(
            rowIssue(row, names.parent, parentText, 'geo.import.parentMismatch', {
              parent: parentText,
              pcode: pcode.pcode,
              expected: expectedParent ?? '—',
            }),
          );
        }
      }
    }

    let validFrom: string | null = null;
    if (names.validOn !== null) {
      const reading = readDate(properties[names.validOn]);
      if (reading.kind === 'date') validFrom = reading.date;
      else if (reading.kind === 'invalid') {
        issues.push(rowIssue(row, names.validOn, reading.text, 'import.dateInvalid', { value: reading.text }));
      }
    }

    const checked = checkGeometry(geometry);
    if (!checked.ok) issues.push(rowIssue(row, 'geometry', checked.value, checked.code, checked.params));

    if (pcode.ok) {
      const firstRow = firstRowOf.get(pcode.pcode);
      if (firstRow !== undefined) {
        issues.push(rowIssue(row, names.pcode, propertyText(pcodeValue), 'geo.import.duplicatePcode', { pcode: pcode.pcode, firstRow }));
      } else {
        firstRowOf.set(pcode.pcode, row);
      }
    }

    if (issues.length > 0 || !pcode.ok || !checked.ok) {
      refused.push(...issues);
      continue;
    }

    let name: string | null = null;
    for (const key of names.nameKeys) {
      name = propertyText(properties[key]);
      if (name !== null) break;
    }
    const altNames: string[] = [];
    for (const key of [...names.nameKeys, ...names.altNames]) {
      const alternative = propertyText(properties[key]);
      if (alternative !== null && alternative !== name && !altNames.includes(alternative)) altNames.push(alternative);
    }

    accepted.push({
      row,
      pcode: pcode.pcode,
      level: pcode.level,
      name,
      altNames,
      parentPcode: expectedParent,
      validFrom,
      // One ring order whatever the file used: RFC 7946, what the GeoJSON API promises (see rings.ts).
      geometry: orientRfc7946(checked.geometry),
      bbox: checked.bbox,
      vertexCount: checked.vertexCount,
    });
  }

  const simplified = simplifyAll(
    accepted.map((unit) => unit.geometry),
    options.keepRatio ?? DEFAULT_KEEP_RATIO,
  );
  const units: BoundaryUnit[] = accepted.map((unit, index) => ({ ...unit, simplified: simplified[index] ?? unit.geometry }));

  return {
    level: names.level,
    units,
    refused: sortIssues(refused),
    validFrom: mostCommon(units.map((unit) => unit.validFrom)),
    propertyNames: { pcode: names.pcode, name: names.name, altNames: names.altNames, parent: names.parent, validOn: names.validOn },
  };
}

function mostCommon(values: ReadonlyArray<string | null>): string | null {
  const counts = new Map<string, number>();
  for (const value of values) if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: string | null = null;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== null && value > best)) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}
