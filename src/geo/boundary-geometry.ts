/**
 * The geometry checks of a boundary file: Polygon or MultiPolygon only, finite positions in
 * range, rings closed and long enough, vertex counts read before anything else so that a hostile
 * file is refused cheaply. Pure.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { ErrorCode, ErrorParams } from '../core/errors.js';
import { truncateForEcho } from '../core/tabular.js';
import { describeJson, describePosition, isRecord } from './geo-cells.js';

export type BoundaryGeometry = Polygon | MultiPolygon;

// Boundaries: geometry checks
// ---------------------------------------------------------------------------------------------

/** Positions a geometry claims, read from array lengths only: cheap enough to run before anything else. */
export function countGeoJsonVertices(geometry: unknown): number {
  if (!isRecord(geometry)) return 0;
  const coordinates = geometry.coordinates;
  if (!Array.isArray(coordinates)) return 0;
  const countRings = (rings: unknown): number => {
    if (!Array.isArray(rings)) return 0;
    let total = 0;
    for (const ring of rings) if (Array.isArray(ring)) total += ring.length;
    return total;
  };
  if (geometry.type === 'Polygon') return countRings(coordinates);
  if (geometry.type === 'MultiPolygon') {
    let total = 0;
    for (const polygon of coordinates) total += countRings(polygon);
    return total;
  }
  return 0;
}

type GeometryCheck =
  | { ok: true; geometry: BoundaryGeometry; bbox: [number, number, number, number]; vertexCount: number }
  | { ok: false; code: ErrorCode; params: ErrorParams; value: string | null };

function positionFailure(code: ErrorCode, position: unknown): GeometryCheck {
  const shown = describePosition(position);
  return { ok: false, code, params: { value: shown }, value: shown };
}

export function closeRing(ring: Position[]): void {
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first !== undefined && last !== undefined && (first[0] !== last[0] || first[1] !== last[1])) {
    ring.push([first[0] ?? 0, first[1] ?? 0]);
  }
}

/**
 * Validates a Polygon/MultiPolygon at fixed depth (never recursively, so nesting depth cannot
 * matter), keeps longitude/latitude only, and closes open rings — a common slip of hand-made
 * files that changes nothing about the shape.
 */
export function checkGeometry(geometry: unknown): GeometryCheck {
  if (geometry === null || geometry === undefined) return { ok: false, code: 'geo.import.geometryMissing', params: {}, value: null };
  if (!isRecord(geometry)) return { ok: false, code: 'geo.import.geometryInvalid', params: {}, value: describeJson(geometry) };
  const type = geometry.type;
  if (type !== 'Polygon' && type !== 'MultiPolygon') {
    const shown = typeof type === 'string' ? truncateForEcho(type, 40) : describeJson(type);
    return { ok: false, code: 'geo.import.geometryType', params: { type: shown }, value: shown };
  }
  const invalid: GeometryCheck = { ok: false, code: 'geo.import.geometryInvalid', params: {}, value: null };
  const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  let vertexCount = 0;
  let failure: GeometryCheck | null = null;

  const readRing = (ring: unknown): Position[] | null => {
    if (!Array.isArray(ring)) return null;
    const out: Position[] = [];
    for (const position of ring as unknown[]) {
      if (!Array.isArray(position) || position.length < 2) {
        failure = positionFailure('geo.import.coordinateInvalid', position);
        return null;
      }
      const [x, y] = position as unknown[];
      if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
        failure = positionFailure('geo.import.coordinateInvalid', position);
        return null;
      }
      if (x < -180 || x > 180 || y < -90 || y > 90) {
        failure = positionFailure('geo.import.coordinateOutOfRange', position);
        return null;
      }
      if (x < bbox[0]) bbox[0] = x;
      if (y < bbox[1]) bbox[1] = y;
      if (x > bbox[2]) bbox[2] = x;
      if (y > bbox[3]) bbox[3] = y;
      out.push([x, y]);
    }
    closeRing(out);
    if (out.length < 4) {
      failure = { ok: false, code: 'geo.import.ringTooShort', params: { count: out.length }, value: null };
      return null;
    }
    vertexCount += out.length;
    return out;
  };

  const readPolygon = (rings: unknown): Position[][] | null => {
    if (!Array.isArray(rings) || rings.length === 0) return null;
    const out: Position[][] = [];
    for (const ring of rings as unknown[]) {
      const read = readRing(ring);
      if (read === null) return null;
      out.push(read);
    }
    return out;
  };

  const coordinates = geometry.coordinates;
  if (type === 'Polygon') {
    const polygon = readPolygon(coordinates);
    if (polygon === null) return failure ?? invalid;
    return { ok: true, geometry: { type: 'Polygon', coordinates: polygon }, bbox, vertexCount };
  }
  if (!Array.isArray(coordinates) || coordinates.length === 0) return invalid;
  const polygons: Position[][][] = [];
  for (const rings of coordinates as unknown[]) {
    const polygon = readPolygon(rings);
    if (polygon === null) return failure ?? invalid;
    polygons.push(polygon);
  }
  return { ok: true, geometry: { type: 'MultiPolygon', coordinates: polygons }, bbox, vertexCount };
}
