import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { layoutMap } from '../geo/mapGeometry.js';
import { circleLegend, classBreaks, classOf, focusArea, paletteIndex, hasCoordinates, legendRanges, radiusScale, roundSignificant, unitPositions } from './mapData.js';

describe('choropleth classes', () => {
  it('round thresholds to two significant digits', () => {
    expect(roundSignificant(1234)).toBe(1200);
    expect(roundSignificant(0.04567)).toBeCloseTo(0.046, 10);
    expect(roundSignificant(0)).toBe(0);
  });
  it('cut positive values at quantiles, leaving zero out', () => {
    const values = [0, 120, 450, 900, 2300, 5100, 12_000, 36_000, 144_000, 0];
    const breaks = classBreaks(values, 4);
    expect(breaks).toHaveLength(3);
    expect([...breaks].sort((a, b) => a - b)).toEqual(breaks);
    expect(classOf(120, breaks)).toBe(0);
    expect(classOf(144_000, breaks)).toBe(3);
    expect(classOf(0, breaks)).toBe(-1);
    expect(classOf(null, breaks)).toBe(-1);
  });
  it('make no more classes than there are values', () => {
    expect(classBreaks([5, 5, 5])).toEqual([]);
    expect(classBreaks([10, 1000], 5)).toHaveLength(1);
    expect(classBreaks([])).toEqual([]);
    expect(classOf(7, [])).toBe(0);
  });
  it('spread few classes over the darker colours, keeping the lightest for five', () => {
    expect([0, 1, 2, 3, 4].map((index) => paletteIndex(index, 5))).toEqual([0, 1, 2, 3, 4]);
    expect([0, 1].map((index) => paletteIndex(index, 2))).toEqual([1, 4]);
    expect([0, 1, 2].map((index) => paletteIndex(index, 3))).toEqual([1, 3, 4]);
    expect(paletteIndex(0, 1)).toBe(3);
    expect(paletteIndex(-1, 3)).toBe(-1);
  });
  it('list the legend ranges, the last open-ended', () => {
    expect(legendRanges([100, 1000], 1)).toEqual([
      { from: 1, to: 100 },
      { from: 100, to: 1000 },
      { from: 1000, to: null },
    ]);
  });
});

describe('proportional circles', () => {
  it('give areas proportional to values, small ones still visible', () => {
    const radius = radiusScale(10_000, 20, 2);
    expect(radius(10_000)).toBe(20);
    expect(radius(2_500)).toBe(10);
    expect(radius(1)).toBe(2);
    expect(radius(0)).toBe(0);
    expect(radiusScale(0)(5)).toBe(0);
  });
  it('offer about three round legend values', () => {
    expect(circleLegend(144_291)).toEqual([100_000, 30_000, 6_000]);
    expect(circleLegend(0)).toEqual([]);
  });
});

describe('unit positions without boundaries', () => {
  const points = [
    { admin2Pcode: 'ML0501', latitude: 14, longitude: -3 },
    { admin2Pcode: 'ML0501', latitude: 15, longitude: -4 },
    { admin2Pcode: 'ML0502', latitude: 16, longitude: -2 },
    { admin2Pcode: 'ML0701', latitude: null, longitude: null },
    { admin2Pcode: 'ML0702', latitude: 0, longitude: 0 },
  ];
  it('take the mean position of the located sites inside each unit', () => {
    const admin2 = unitPositions(['ML0501', 'ML0502', 'ML0701'], points);
    expect(admin2.get('ML0501')).toEqual([-3.5, 14.5]);
    expect(admin2.get('ML0502')).toEqual([-2, 16]);
    expect(admin2.has('ML0701')).toBe(false);
    const admin1 = unitPositions(['ML05', 'ML07'], points);
    expect(admin1.get('ML05')).toEqual([-3, 15]);
    expect(admin1.has('ML07')).toBe(false);
  });
  it('ignore missing, out-of-range and 0,0 coordinates', () => {
    expect(hasCoordinates({ admin2Pcode: 'X', latitude: 95, longitude: 1 })).toBe(false);
    expect(hasCoordinates({ admin2Pcode: 'X', latitude: 0, longitude: 0 })).toBe(false);
    expect(hasCoordinates({ admin2Pcode: 'X', latitude: 14.2, longitude: -3.1 })).toBe(true);
  });
});

describe('points over the boundary map', () => {
  const square = (x: number, y: number, size: number): Position[] => [
    [x, y],
    [x, y + size],
    [x + size, y + size],
    [x + size, y],
    [x, y],
  ];
  it('are projected into the same box as the shapes', () => {
    const layout = layoutMap([{ type: 'Feature', id: 'BF46', properties: { pcode: 'BF46', name: 'Boucle' }, geometry: { type: 'Polygon', coordinates: [square(-4, 11, 2)] } }]);
    const centre = layout.project([-3, 12]);
    expect(centre).not.toBeNull();
    expect(centre![0]).toBeCloseTo(layout.width / 2, 0);
    const corner = layout.project([-4, 13]);
    expect(corner![0]).toBeLessThan(centre![0]);
    expect(corner![1]).toBeLessThan(centre![1]);
  });
  it('have nowhere to go on an empty map', () => {
    expect(layoutMap([]).project([-3, 12])).toBeNull();
  });
});

describe('zoom of a drilled-down map', () => {
  it('frames the positions with some margin', () => {
    const area = focusArea([
      [-4, 14],
      [-2, 15],
    ]);
    const expected = [
      [-4.3, 13.85],
      [-1.7, 13.85],
      [-1.7, 15.15],
      [-4.3, 15.15],
    ];
    area?.coordinates.forEach((corner, index) => {
      expect(corner[0]).toBeCloseTo(expected[index]![0]!, 9);
      expect(corner[1]).toBeCloseTo(expected[index]![1]!, 9);
    });
  });
  it('is never smaller than the minimum span, and nothing without positions', () => {
    expect(focusArea([[-3, 14]], 2)?.coordinates[0]).toEqual([-4, 13]);
    expect(focusArea([])).toBeNull();
  });
  it('zooms the layout on the area', () => {
    const country = [{ type: 'Feature' as const, id: 'ML', properties: { pcode: 'ML', name: 'Mali' }, geometry: { type: 'Polygon' as const, coordinates: [[[-12, 10], [-12, 25], [4, 25], [4, 10], [-12, 10]]] } }];
    const whole = layoutMap(country);
    const zoomed = layoutMap(country, undefined, focusArea([[-4, 14], [-3, 15]])!);
    const span = (layout: typeof whole) => layout.project([-3, 14])![0] - layout.project([-4, 14])![0];
    expect(span(zoomed)).toBeGreaterThan(5 * span(whole));
  });
});
