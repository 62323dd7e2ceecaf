import type { Feature, Geometry, Polygon, Position } from 'geojson';
import { geoArea } from 'd3-geo';
import { describe, expect, it } from 'vitest';
import { layoutMap, rewindForD3 } from './mapGeometry.js';

/** A square ring; clockwise (d3-geo's order) unless counterClockwise (RFC 7946's order). */
function square(x: number, y: number, size: number, counterClockwise = false): Position[] {
  const ring: Position[] = [
    [x, y],
    [x, y + size],
    [x + size, y + size],
    [x + size, y],
    [x, y],
  ];
  return counterClockwise ? [...ring].reverse() : ring;
}

function feature(pcode: string, geometry: Geometry | null): Feature<Geometry | null, { pcode: string; name: string }> {
  return { type: 'Feature', id: pcode, properties: { pcode, name: `Unit ${pcode}` }, geometry };
}

describe('rewindForD3', () => {
  it('reverses RFC 7946 exterior rings so that the unit is small, not the rest of the world', () => {
    const rfc: Polygon = { type: 'Polygon', coordinates: [square(-2, 12, 1, true)] };
    expect(geoArea(rfc)).toBeGreaterThan(2 * Math.PI);
    expect(geoArea(rewindForD3(rfc))).toBeLessThan(0.01);
  });
  it('keeps polygons already in d3 order, and gives holes the opposite order', () => {
    const polygon: Polygon = { type: 'Polygon', coordinates: [square(0, 10, 4), square(1, 11, 1)] };
    const rewound = rewindForD3(polygon) as Polygon;
    expect(rewound.coordinates[0]).toEqual(polygon.coordinates[0]);
    expect(rewound.coordinates[1]).toEqual(square(1, 11, 1, true));
    const area = geoArea(rewound);
    expect(area).toBeGreaterThan(0);
    expect(area).toBeLessThan(geoArea({ type: 'Polygon', coordinates: [square(0, 10, 4)] }));
  });
});

describe('layoutMap', () => {
  it('draws every feature with geometry inside the box, whatever its winding', () => {
    const layout = layoutMap([
      feature('BF46', { type: 'Polygon', coordinates: [square(-4, 11, 2, true)] }),
      feature('BF47', { type: 'MultiPolygon', coordinates: [[square(-2, 11, 2)], [square(0, 12, 1, true)]] }),
      feature('BF48', null),
    ]);
    expect(layout.shapes.map((shape) => shape.pcode)).toEqual(['BF46', 'BF47']);
    expect(layout.shapes[0]?.name).toBe('Unit BF46');
    for (const shape of layout.shapes) {
      const numbers = shape.d.match(/-?\d+(\.\d+)?/g)?.map(Number) ?? [];
      expect(numbers.length).toBeGreaterThan(0);
      for (const n of numbers) {
        expect(n).toBeGreaterThanOrEqual(-0.5);
        expect(n).toBeLessThanOrEqual(Math.max(layout.width, layout.height) + 0.5);
      }
    }
    // Three squares side by side: a wide map, not a tall one.
    expect(layout.height).toBeLessThan(layout.width);
  });
  it('returns no shape when nothing has geometry', () => {
    expect(layoutMap([feature('BF', null)]).shapes).toEqual([]);
  });
});
