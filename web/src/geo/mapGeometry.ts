/**
 * Pure helpers to draw boundaries with d3-geo.
 *
 * d3-geo works on the sphere and reads a polygon's ring order as "which side is inside":
 * exterior rings must be clockwise. GeoJSON written to RFC 7946 (most COD-AB exports) uses the
 * opposite order, which d3 would draw as "the whole world except this unit". We rewind each
 * polygon whose spherical area is more than a hemisphere, which is never true of an admin unit.
 */
import { geoArea, geoMercator, geoPath, type GeoPermissibleObjects } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';

const HEMISPHERE = 2 * Math.PI;

function ringArea(ring: Position[]): number {
  return geoArea({ type: 'Polygon', coordinates: [ring] });
}

function rewindPolygon(rings: Position[][]): Position[][] {
  return rings.map((ring, index) => {
    const area = ringArea(ring);
    // Exterior: small area (clockwise). Holes: the complement (counter-clockwise), so large.
    const wrong = index === 0 ? area > HEMISPHERE : area < HEMISPHERE;
    return wrong ? [...ring].reverse() : ring;
  });
}

/** Returns the geometry with rings in d3-geo's order (copies only what it changes). */
export function rewindForD3(geometry: Geometry): Geometry {
  switch (geometry.type) {
    case 'Polygon':
      return { ...geometry, coordinates: rewindPolygon(geometry.coordinates) };
    case 'MultiPolygon':
      return { ...geometry, coordinates: geometry.coordinates.map(rewindPolygon) };
    case 'GeometryCollection':
      return { ...geometry, geometries: geometry.geometries.map(rewindForD3) };
    default:
      return geometry;
  }
}

export interface Shape {
  /** The feature's P-code (properties.pcode, else its id). */
  pcode: string;
  name: string;
  /** SVG path data in the map's coordinate space. */
  d: string;
}

export interface MapLayout {
  width: number;
  height: number;
  shapes: Shape[];
  /** [longitude, latitude] → [x, y] in the map's coordinate space (points drawn over the shapes); null off the map. */
  project: (position: readonly [number, number]) => [number, number] | null;
}

const offMap = (): null => null;

export const MAP_WIDTH = 800;
const PADDING = 12;

/**
 * Projects features (Mercator, fitted to an 800-wide box) into SVG path strings. The height
 * follows the shape of the country, within bounds, so tall and wide countries both fill the box.
 * With a `focus` geometry, the map is fitted to it instead (zooming in on part of the features).
 */
export function layoutMap<P extends { pcode?: unknown; name?: unknown }>(
  features: ReadonlyArray<Feature<Geometry | null, P>>,
  width = MAP_WIDTH,
  focus?: Geometry,
): MapLayout {
  const drawable: Array<Feature<Geometry, P>> = [];
  for (const feature of features) {
    if (feature.geometry) drawable.push({ ...feature, geometry: rewindForD3(feature.geometry) });
  }
  if (drawable.length === 0) return { width, height: Math.round(width * 0.6), shapes: [], project: offMap };
  const collection: FeatureCollection<Geometry, P> = { type: 'FeatureCollection', features: drawable };

  // A focus (an area of interest) is what the map is fitted to; shapes beyond it are cut by the frame.
  const target: GeoPermissibleObjects = focus ?? collection;
  const projection = geoMercator().fitWidth(width - 2 * PADDING, target);
  const [[, y0], [, y1]] = geoPath(projection).bounds(target);
  const natural = Number.isFinite(y1 - y0) ? y1 - y0 + 2 * PADDING : width * 0.6;
  const height = Math.round(Math.min(Math.max(natural, width * 0.45), width * 1.2));
  projection.fitExtent(
    [
      [PADDING, PADDING],
      [width - PADDING, height - PADDING],
    ],
    target,
  );
  const path = geoPath(projection);

  const shapes: Shape[] = [];
  for (const feature of drawable) {
    const d = path(feature);
    if (!d) continue;
    const pcode = typeof feature.properties?.pcode === 'string' ? feature.properties.pcode : String(feature.id ?? '');
    const name = typeof feature.properties?.name === 'string' ? feature.properties.name : pcode;
    shapes.push({ pcode, name, d });
  }
  const project = (position: readonly [number, number]): [number, number] | null => {
    const point = projection([position[0], position[1]]);
    return point && Number.isFinite(point[0]) && Number.isFinite(point[1]) ? [Math.round(point[0] * 10) / 10, Math.round(point[1] * 10) / 10] : null;
  };
  return { width, height, shapes, project };
}

