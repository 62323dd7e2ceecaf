/**
 * Simplification of admin boundaries for maps, with shared borders kept shared (a TopoJSON
 * topology, simplified once): neighbouring units never gap or overlap, small islands keep at
 * least a triangle, coordinates rounded to ~1 m. Pure.
 */
import type { Position } from 'geojson';
import { feature } from 'topojson-client';
import { topology } from 'topojson-server';
import { presimplify, quantile, simplify } from 'topojson-simplify';
import type { GeometryObject, Objects, Topology } from 'topojson-specification';
import { orientRfc7946 } from './rings.js';
import { closeRing, type BoundaryGeometry } from './boundary-geometry.js';

/** ~1 m at the equator: finer than any admin map needs, and it halves the stored JSON. */
const SIMPLIFIED_DECIMALS = 5;
/** Quantisation of the simplification topology: ~2 m on a Mali-sized box, merging near-identical border points. */
const SIMPLIFY_QUANTIZATION = 1e6;
// ---------------------------------------------------------------------------------------------
// Boundaries: simplification with shared borders
// ---------------------------------------------------------------------------------------------

function round(value: number): number {
  const factor = 10 ** SIMPLIFIED_DECIMALS;
  return Math.round(value * factor) / factor;
}

function ringArea(ring: readonly Position[]): number {
  let area = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const a = ring[j];
    const b = ring[i];
    if (a === undefined || b === undefined) continue;
    area += ((a[0] ?? 0) - (b[0] ?? 0)) * ((a[1] ?? 0) + (b[1] ?? 0));
  }
  return area / 2;
}

/** Rounds a ring and drops repeated points; null when what is left is no longer an area. */
function roundRing(ring: readonly Position[]): Position[] | null {
  const out: Position[] = [];
  for (const position of ring) {
    const point: Position = [round(position[0] ?? 0), round(position[1] ?? 0)];
    const previous = out[out.length - 1];
    if (previous !== undefined && previous[0] === point[0] && previous[1] === point[1]) continue;
    out.push(point);
  }
  closeRing(out);
  return out.length >= 4 && ringArea(out) !== 0 ? out : null;
}

/** Rounds a polygon; holes that vanish are dropped, a vanished exterior drops the polygon. */
function roundPolygon(rings: readonly Position[][]): Position[][] | null {
  const [exterior, ...holes] = rings;
  if (exterior === undefined) return null;
  const outer = roundRing(exterior);
  if (outer === null) return null;
  const kept: Position[][] = [outer];
  for (const hole of holes) {
    const rounded = roundRing(hole);
    if (rounded !== null) kept.push(rounded);
  }
  return kept;
}

function roundGeometry(geometry: BoundaryGeometry): BoundaryGeometry | null {
  if (geometry.type === 'Polygon') {
    const polygon = roundPolygon(geometry.coordinates);
    return polygon === null ? null : { type: 'Polygon', coordinates: polygon };
  }
  const polygons = geometry.coordinates.map(roundPolygon).filter((polygon): polygon is Position[][] => polygon !== null);
  return polygons.length === 0 ? null : { type: 'MultiPolygon', coordinates: polygons };
}

/** Smallest number of distinct points a simplified ring keeps, so that small units stay visible. */
const MIN_RING_POINTS = 4;

/**
 * Raises the weight of a ring's best points when simplification would leave it with fewer than
 * MIN_RING_POINTS distinct points. Done on the shared arcs, so a neighbour keeps the same
 * points on the common border and the map has no gaps or overlaps.
 */
function protectRing(arcs: number[][][], ring: readonly number[], minWeight: number): void {
  const kept = new Set<string>();
  const candidates: number[][] = [];
  for (const index of ring) {
    const arc = arcs[index < 0 ? ~index : index];
    if (arc === undefined) continue;
    for (const point of arc) {
      const weight = point[2] ?? Infinity;
      if (weight >= minWeight) kept.add(`${point[0]},${point[1]}`);
      else candidates.push(point);
    }
  }
  if (kept.size >= MIN_RING_POINTS) return;
  candidates.sort((a, b) => (b[2] ?? 0) - (a[2] ?? 0));
  for (const point of candidates) {
    if (kept.size >= MIN_RING_POINTS) break;
    const key = `${point[0]},${point[1]}`;
    if (kept.has(key)) continue;
    point[2] = Infinity;
    kept.add(key);
  }
}

function ringsOf(geometry: GeometryObject): number[][] {
  if (geometry.type === 'Polygon') return geometry.arcs;
  if (geometry.type === 'MultiPolygon') return geometry.arcs.flat();
  return [];
}

/**
 * Map geometry for every unit at once: one topology of the whole file so that shared borders are
 * simplified once (neighbours keep touching), Visvalingam weights, a quantile keeping about
 * `keepRatio` of the points, rings protected from collapsing, coordinates rounded. A unit whose
 * map geometry still vanishes (a sliver below the rounding) keeps its full geometry.
 */
export function simplifyAll(geometries: readonly BoundaryGeometry[], keepRatio: number): BoundaryGeometry[] {
  if (geometries.length === 0) return [];
  const collection = {
    type: 'FeatureCollection' as const,
    features: geometries.map((geometry, id) => ({ type: 'Feature' as const, id, properties: {}, geometry })),
  };
  const built = topology({ units: collection }, SIMPLIFY_QUANTIZATION);
  // topojson-server types its properties as GeoJSON's (nullable), topojson-simplify as `{}`; the
  // objects are the same, and simplification never reads properties.
  const weighted = presimplify(built as Topology<Objects>);
  const minWeight = quantile(weighted, keepRatio) || 0;
  const units = weighted.objects.units;
  const members = units?.type === 'GeometryCollection' ? units.geometries : [];
  // presimplify returns arcs as [x, y, weight] triples; the type says Positions[], which is the same shape.
  const arcs = weighted.arcs as number[][][];
  for (const member of members) for (const ring of ringsOf(member)) protectRing(arcs, ring, minWeight);
  const simplified = simplify(weighted, minWeight);

  return geometries.map((full, index) => {
    const member = members[index];
    let geometry: BoundaryGeometry | null = null;
    if (member !== undefined) {
      const converted = feature(simplified, member);
      const candidate = converted.type === 'Feature' ? converted.geometry : null;
      if (candidate !== null && (candidate.type === 'Polygon' || candidate.type === 'MultiPolygon')) geometry = roundGeometry(candidate);
    }
    return orientRfc7946(geometry ?? roundGeometry(full) ?? full);
  });
}

/** Positions of a boundary geometry (to compare full and map geometry). */
export function countPositions(geometry: BoundaryGeometry): number {
  const rings = geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
  return rings.reduce((sum, ring) => sum + ring.length, 0);
}
