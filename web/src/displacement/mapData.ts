/**
 * What the displacement map shows, pure: choropleth classes (quantiles rounded to readable
 * numbers), proportional circle sizes, and where to put an admin unit's circle when no boundary
 * is imported (the mean position of the located sites inside it).
 */

/** 1234 → 1200, 0.0456 → 0.046: two significant digits, for legends people can read. */
export function roundSignificant(value: number, digits = 2): number {
  if (!Number.isFinite(value) || value === 0) return 0;
  const power = 10 ** (Math.floor(Math.log10(Math.abs(value))) - digits + 1);
  return Math.round(value / power) * power;
}

/**
 * Class thresholds for a choropleth: the lower bound of every class after the first, taken at
 * quantiles of the positive values and rounded to two significant digits (duplicates dropped, so
 * a map of three units gets at most three classes). Zero and missing values get no class.
 */
export function classBreaks(values: readonly number[], classes = 5): number[] {
  const positive = values.filter((value) => Number.isFinite(value) && value > 0).sort((a, b) => a - b);
  if (positive.length === 0) return [];
  const count = Math.min(classes, positive.length);
  const breaks: number[] = [];
  for (let index = 1; index < count; index += 1) {
    const position = (positive.length - 1) * (index / count);
    const lower = positive[Math.floor(position)]!;
    const upper = positive[Math.ceil(position)]!;
    const threshold = roundSignificant(lower + (upper - lower) * (position - Math.floor(position)));
    const previous = breaks[breaks.length - 1] ?? positive[0]!;
    if (threshold > previous && threshold <= positive[positive.length - 1]!) breaks.push(threshold);
  }
  return breaks;
}

/** The class of a value: 0 … breaks.length; -1 for zero or no value (drawn as "none"). */
export function classOf(value: number | null | undefined, breaks: readonly number[]): number {
  if (value === null || value === undefined || !(value > 0)) return -1;
  let index = 0;
  while (index < breaks.length && value >= breaks[index]!) index += 1;
  return index;
}

/** Colours of the choropleth palette (CSS classes choro-0 … choro-4, light to dark). */
export const PALETTE_SIZE = 5;

/**
 * The palette colour of a class when there are `classes` of them: five classes take the five
 * colours; fewer skip the lightest (too close to "no figure") and spread to the darkest.
 */
export function paletteIndex(classIndex: number, classes: number): number {
  if (classIndex < 0) return -1;
  if (classes >= PALETTE_SIZE) return Math.min(classIndex, PALETTE_SIZE - 1);
  if (classes <= 1) return 3;
  return 1 + Math.round((classIndex * (PALETTE_SIZE - 2)) / (classes - 1));
}

/** Legend rows: each class's range, the last open-ended ("≥ from"). */
export function legendRanges(breaks: readonly number[], min: number): Array<{ from: number; to: number | null }> {
  const lows = [min, ...breaks];
  return lows.map((from, index) => ({ from, to: index < breaks.length ? breaks[index]! : null }));
}

/**
 * Proportional circles: the area follows the value (radius ∝ √value), the largest gets
 * `maxRadius`, and anything above zero stays visible at `minRadius`.
 */
export function radiusScale(max: number, maxRadius = 22, minRadius = 2.5): (value: number) => number {
  return (value: number) => {
    if (!(value > 0) || !(max > 0)) return 0;
    return Math.max(minRadius, Math.round(Math.sqrt(value / max) * maxRadius * 10) / 10);
  };
}

/** Legend circles: about three round values up to the largest. */
export function circleLegend(max: number): number[] {
  if (!(max > 0)) return [];
  const top = roundSignificant(max, 1);
  const values = [top, roundSignificant(top / 4, 1), roundSignificant(top / 16, 1)].filter((value) => value > 0);
  return [...new Set(values)];
}

export interface LocatedPoint {
  admin2Pcode: string;
  latitude: number | null;
  longitude: number | null;
}

export function hasCoordinates<T extends LocatedPoint>(point: T): point is T & { latitude: number; longitude: number } {
  return (
    typeof point.latitude === 'number' &&
    typeof point.longitude === 'number' &&
    Number.isFinite(point.latitude) &&
    Number.isFinite(point.longitude) &&
    Math.abs(point.latitude) <= 90 &&
    Math.abs(point.longitude) <= 180 &&
    !(point.latitude === 0 && point.longitude === 0)
  );
}

/**
 * Where to draw each admin unit's circle without boundaries: the mean position of the located
 * sites inside it. A site is inside a unit when its admin2 P-code is the unit's or starts with it
 * (P-codes nest: ML05 ⊃ ML0501, NE006 ⊃ NE006001). Units without any located site are left out.
 */
export function unitPositions(pcodes: readonly string[], points: readonly LocatedPoint[]): Map<string, [number, number]> {
  const located = points.filter(hasCoordinates);
  const positions = new Map<string, [number, number]>();
  for (const pcode of pcodes) {
    let lon = 0;
    let lat = 0;
    let count = 0;
    for (const point of located) {
      if (point.admin2Pcode === pcode || point.admin2Pcode.startsWith(pcode)) {
        lon += point.longitude;
        lat += point.latitude;
        count += 1;
      }
    }
    if (count > 0) positions.set(pcode, [Math.round((lon / count) * 1e5) / 1e5, Math.round((lat / count) * 1e5) / 1e5]);
  }
  return positions;
}

/**
 * The area a drilled-down map zooms on: the box around the positions shown, padded by `padding`
 * of its size and at least `minSpan` degrees wide and high (one site alone is not a map). As the
 * four corners (a MultiPoint: no ring order to get wrong); null without positions.
 */
export function focusArea(positions: ReadonlyArray<readonly [number, number]>, minSpan = 1, padding = 0.15): { type: 'MultiPoint'; coordinates: Array<[number, number]> } | null {
  if (positions.length === 0) return null;
  let west = Infinity;
  let east = -Infinity;
  let south = Infinity;
  let north = -Infinity;
  for (const [lon, lat] of positions) {
    west = Math.min(west, lon);
    east = Math.max(east, lon);
    south = Math.min(south, lat);
    north = Math.max(north, lat);
  }
  const grow = (low: number, high: number): [number, number] => {
    const span = Math.max(minSpan, (high - low) * (1 + 2 * padding));
    const middle = (low + high) / 2;
    return [middle - span / 2, middle + span / 2];
  };
  const [x0, x1] = grow(west, east);
  const [y0, y1] = grow(south, north);
  return {
    type: 'MultiPoint',
    coordinates: [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
    ],
  };
}
