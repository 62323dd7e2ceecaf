/**
 * Ring orientation and point-in-polygon for admin boundaries (pure).
 *
 * Boundary files disagree on which way rings turn: RFC 7946 GeoJSON (most COD-AB exports) has
 * counter-clockwise exterior rings, d3-geo and world-atlas clockwise ones. d3-geo reads the
 * order as "which side is inside", so a counter-clockwise unit became "the whole sphere minus
 * the unit" and every location inside it was reported outside. Liptako stores rings in RFC 7946
 * order (what its GeoJSON API promises) and tests containment in the plane of longitude and
 * latitude with the even-odd rule, which does not depend on orientation at all: COD boundaries
 * are drawn as straight lines in that plane, so the planar test is also the exact one.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';

export type AreaGeometry = Polygon | MultiPolygon;

/** Planar signed area (shoelace): positive when the ring turns counter-clockwise. */
export function ringSignedArea(ring: readonly Position[]): number {
  let twice = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const a = ring[j]!;
    const b = ring[i]!;
    twice += (a[0]! * b[1]!) - (b[0]! * a[1]!);
  }
  return twice / 2;
}

function orientPolygon(rings: readonly Position[][]): Position[][] {
  return rings.map((ring, index) => {
    const area = ringSignedArea(ring);
    // Exterior counter-clockwise (positive), holes clockwise (negative); flat rings as they are.
    const wrong = index === 0 ? area < 0 : area > 0;
    return wrong ? [...ring].reverse() : ring;
  });
}

/** The geometry with RFC 7946 ring order: exteriors counter-clockwise, holes clockwise. */
export function orientRfc7946<G extends AreaGeometry>(geometry: G): G {
  if (geometry.type === 'Polygon') return { ...geometry, coordinates: orientPolygon(geometry.coordinates) };
  return { ...geometry, coordinates: geometry.coordinates.map(orientPolygon) };
}

/** Even-odd crossing test of one ring: orientation does not matter. */
function insideRing(ring: readonly Position[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const xi = ring[i]![0]!;
    const yi = ring[i]![1]!;
    const xj = ring[j]![0]!;
    const yj = ring[j]![1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function insidePolygon(rings: readonly Position[][], x: number, y: number): boolean {
  const [exterior, ...holes] = rings;
  if (exterior === undefined || !insideRing(exterior, x, y)) return false;
  return !holes.some((hole) => insideRing(hole, x, y));
}

/** Whether [longitude, latitude] lies inside the area, whichever way its rings turn. */
export function containsPoint(geometry: AreaGeometry, longitude: number, latitude: number): boolean {
  if (geometry.type === 'Polygon') return insidePolygon(geometry.coordinates, longitude, latitude);
  return geometry.coordinates.some((polygon) => insidePolygon(polygon, longitude, latitude));
}

/** [west, south, east, north]. */
export function bboxOf(geometry: AreaGeometry): [number, number, number, number] {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const rings = geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
  for (const ring of rings) {
    for (const position of ring) {
      const x = position[0]!;
      const y = position[1]!;
      if (x < box[0]) box[0] = x;
      if (y < box[1]) box[1] = y;
      if (x > box[2]) box[2] = x;
      if (y > box[3]) box[3] = y;
    }
  }
  return box;
}

/**
 * A point well inside the area (for labels, demo locations and tests): on the horizontal line
 * through the middle of the largest part's height, the midpoint of the widest stretch inside.
 * Unlike a centroid it is inside for any shape (a crescent, a unit wrapped around another).
 */
export function interiorPoint(geometry: AreaGeometry): [number, number] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let best: { width: number; point: [number, number] } | null = null;
  for (const polygon of polygons) {
    const box = bboxOf({ type: 'Polygon', coordinates: polygon });
    // A few scan lines: the middle one can graze a vertex or a narrow waist.
    for (const share of [0.5, 0.4, 0.6, 0.3, 0.7]) {
      const y = box[1] + (box[3] - box[1]) * share;
      const crossings: number[] = [];
      for (const ring of polygon) {
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
          const [xi, yi] = [ring[i]![0]!, ring[i]![1]!];
          const [xj, yj] = [ring[j]![0]!, ring[j]![1]!];
          if (yi > y !== yj > y) crossings.push(((xj - xi) * (y - yi)) / (yj - yi) + xi);
        }
      }
      crossings.sort((a, b) => a - b);
      for (let k = 0; k + 1 < crossings.length; k += 2) {
        const width = crossings[k + 1]! - crossings[k]!;
        if (best === null || width > best.width) best = { width, point: [(crossings[k]! + crossings[k + 1]!) / 2, y] };
      }
    }
  }
  if (best === null) {
    const box = bboxOf(geometry);
    return [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
  }
  return best.point;
}
