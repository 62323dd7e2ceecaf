/**
 * Where the synthetic DTM operations happen: the three demo operations, their admin units (from
 * the demo gazetteer, `sahel-admin.ts`), calibration profiles, and points placed inside the
 * shipped admin2 shapes (`boundaries.ts`). Pure.
 */
import { SAHEL_ADMIN } from './sahel-admin.js';
import { demoShapes } from './boundaries.js';
import { bboxOf, containsPoint, interiorPoint } from '../geo/rings.js';
import { DEFAULT_AGE_RANGES, type RoundField } from '../shared/displacement.js';
import { Rng, hash32, roundTo } from './synthetic.js';

/** One row of a round file, keyed by canonical field; `f1`…`f5`/`m1`…`m5` follow the operation's age ranges. */
export type RoundFileRow = Partial<Record<RoundField, string | number | null>>;

export type AssessmentType = 'BA' | 'SA';
export type DemoCountry = 'BF' | 'ML' | 'NE';

// Gazetteer and operations
// ---------------------------------------------------------------------------------------------

export const ISO3: Record<DemoCountry, string> = { BF: 'BFA', ML: 'MLI', NE: 'NER' };

interface AdminUnit {
  pcode: string;
  name: string;
  parent: string | null;
  children: string[];
}

export const ADMIN_UNITS: ReadonlyMap<string, AdminUnit> = (() => {
  const units = new Map<string, AdminUnit>();
  for (const { admin1 } of Object.values(SAHEL_ADMIN)) {
    for (const [pcode, name, children] of admin1) {
      units.set(pcode, { pcode, name, parent: null, children: children.map(([code]) => code) });
      for (const [code, childName] of children) units.set(code, { pcode: code, name: childName, parent: pcode, children: [] });
    }
  }
  return units;
})();

export function unit(pcode: string): AdminUnit {
  const found = ADMIN_UNITS.get(pcode);
  if (found === undefined) throw new RangeError(`unknown P-code in the demo gazetteer: ${pcode}`);
  return found;
}

function admin1Of(country: DemoCountry): string[] {
  return (SAHEL_ADMIN[ISO3[country]]?.admin1 ?? []).map(([pcode]) => pcode);
}

export interface DemoOperation {
  /** Stable code, e.g. `MLI-CONFLICT`. */
  code: string;
  /** DTM API v3 spelling (`operation` field). */
  name: string;
  nameFr: string;
  country: DemoCountry;
  /** Admin1 units covered (admin2 units are all those under them in the gazetteer). */
  admin1Pcodes: readonly string[];
  ageRanges: readonly string[];
}

export const DEMO_OPERATIONS: readonly DemoOperation[] = Object.freeze([
  {
    code: 'MLI-CONFLICT',
    name: 'Mali Conflict',
    nameFr: 'Conflit au Mali',
    country: 'ML',
    admin1Pcodes: admin1Of('ML'),
    ageRanges: [...DEFAULT_AGE_RANGES],
  },
  {
    code: 'BFA-CRISIS',
    name: 'Burkina Faso Crisis',
    nameFr: 'Crise au Burkina Faso',
    country: 'BF',
    admin1Pcodes: admin1Of('BF'),
    ageRanges: [...DEFAULT_AGE_RANGES],
  },
  {
    code: 'NER-TAHOUA-TILLABERI',
    name: 'Displacement in Tahoua and Tillaberi',
    nameFr: 'Déplacements à Tahoua et Tillabéri',
    country: 'NE',
    admin1Pcodes: ['NE005', 'NE006'],
    ageRanges: [...DEFAULT_AGE_RANGES],
  },
]);

export function demoOperation(code: string): DemoOperation {
  const operation = DEMO_OPERATIONS.find((candidate) => candidate.code === code);
  if (operation === undefined) throw new RangeError(`unknown demo operation: ${code}`);
  return operation;
}

/**
 * How big and where each operation's displacement is. National IDP totals follow the anchors
 * (log-linear in between), calibrated on IDMC's conflict stocks for 2019–2021; admin1 weights
 * put the hotspots where public reporting put them (Centre-Nord and Sahel in Burkina Faso,
 * Mopti in Mali, Tillabéri in Niger). Other admin1 units share what is left.
 */
export interface Profile {
  anchors: ReadonlyArray<readonly [string, number]>;
  admin1Weights: Readonly<Record<string, number>>;
  naturalDisasterShare: number;
}

export const PROFILES: Readonly<Record<string, Profile>> = {
  'BFA-CRISIS': {
    anchors: [['2019-01-01', 490_000], ['2020-01-01', 760_000], ['2021-01-01', 1_100_000], ['2021-12-31', 1_400_000]],
    admin1Weights: { BF49: 0.3, BF56: 0.3, BF54: 0.09, BF52: 0.08, BF46: 0.07, BF48: 0.03, BF55: 0.03, BF13: 0.02, BF53: 0.02 },
    naturalDisasterShare: 0.03,
  },
  'MLI-CONFLICT': {
    anchors: [['2019-01-01', 258_000], ['2020-01-01', 300_000], ['2021-01-01', 345_000], ['2021-12-31', 390_000]],
    admin1Weights: { ML05: 0.35, ML07: 0.15, ML06: 0.12, ML04: 0.12, ML10: 0.1, ML09: 0.05, ML08: 0.04 },
    naturalDisasterShare: 0.05,
  },
  'NER-TAHOUA-TILLABERI': {
    anchors: [['2019-01-01', 105_000], ['2020-01-01', 140_000], ['2021-01-01', 175_000], ['2021-12-31', 195_000]],
    admin1Weights: { NE006: 0.62, NE005: 0.38 },
    naturalDisasterShare: 0.08,
  },
};

export const FALLBACK_PROFILE: Profile = {
  anchors: [['2019-01-01', 50_000], ['2021-12-31', 100_000]],
  admin1Weights: {},
  naturalDisasterShare: 0.05,
};

/** Neighbouring admin1 units (public geography), for plausible origins. */
export const NEIGHBOURS: Readonly<Record<string, readonly string[]>> = {
  BF13: ['BF55', 'BF51', 'BF50'],
  BF46: ['BF54', 'BF50', 'BF53'],
  BF47: ['BF53', 'BF57'],
  BF48: ['BF52', 'BF55', 'BF51', 'BF49'],
  BF49: ['BF56', 'BF54', 'BF55', 'BF52', 'BF48'],
  BF50: ['BF46', 'BF13', 'BF51', 'BF57', 'BF53', 'BF54'],
  BF51: ['BF13', 'BF50', 'BF48', 'BF55'],
  BF52: ['BF56', 'BF49', 'BF48', 'BF55'],
  BF53: ['BF46', 'BF47', 'BF57', 'BF50'],
  BF54: ['BF56', 'BF49', 'BF55', 'BF46', 'BF50'],
  BF55: ['BF13', 'BF49', 'BF54', 'BF48', 'BF52', 'BF51'],
  BF56: ['BF54', 'BF49', 'BF52'],
  BF57: ['BF53', 'BF47', 'BF50'],
  ML01: ['ML02'],
  ML02: ['ML01', 'ML03', 'ML04', 'ML09'],
  ML03: ['ML02', 'ML04'],
  ML04: ['ML02', 'ML03', 'ML05', 'ML06'],
  ML05: ['ML04', 'ML06', 'ML07'],
  ML06: ['ML04', 'ML05', 'ML07', 'ML08'],
  ML07: ['ML05', 'ML06', 'ML08', 'ML10'],
  ML08: ['ML06', 'ML07', 'ML10'],
  ML09: ['ML02'],
  ML10: ['ML07', 'ML08'],
  NE005: ['NE006', 'NE001', 'NE004', 'NE003'],
  NE006: ['NE005', 'NE003', 'NE008'],
};

// ---------------------------------------------------------------------------------------------
// Geography: pseudo-centroids (the demo gazetteer has no coordinates)
// ---------------------------------------------------------------------------------------------

export interface Box {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** Country bounding boxes (rounded, public facts). */
export const COUNTRY_BOXES: Readonly<Record<DemoCountry, Box>> = {
  BF: { west: -5.5, south: 9.4, east: 2.4, north: 15.1 },
  ML: { west: -12.2, south: 10.1, east: 4.3, north: 25 },
  NE: { west: 0.1, south: 11.7, east: 16, north: 23.5 },
};

const unitFloat = (key: string): number => hash32(0x5eed, key) / 4_294_967_296;

function boxAround(parent: Box, key: string, siblings: number): Box {
  const halfX = Math.max(0.08, ((parent.east - parent.west) / (2 * Math.sqrt(siblings))) * 0.85);
  const halfY = Math.max(0.08, ((parent.north - parent.south) / (2 * Math.sqrt(siblings))) * 0.85);
  const x = parent.west + halfX + unitFloat(`${key}|x`) * Math.max(0, parent.east - parent.west - 2 * halfX);
  const y = parent.south + halfY + unitFloat(`${key}|y`) * Math.max(0, parent.north - parent.south - 2 * halfY);
  return { west: x - halfX, south: y - halfY, east: x + halfX, north: y + halfY };
}

const BOXES = new Map<string, Box>();

/**
 * The plausible box of an admin1 or admin2 unit of the demo gazetteer: a deterministic
 * pseudo-centroid inside the country's bounding box (admin1) or inside its admin1's box (admin2),
 * with a size that shrinks with the number of siblings. Independent of the seed. Clean SA rows
 * have their coordinates inside their admin2's box; undefined for codes not in the gazetteer.
 */
export function adminBox(pcode: string): Box | undefined {
  const cached = BOXES.get(pcode);
  if (cached !== undefined) return cached;
  const found = ADMIN_UNITS.get(pcode);
  if (found === undefined) return undefined;
  let box: Box;
  const shape = demoShapes().get(pcode);
  const city = CITIES_WITHOUT_BOUNDARY[pcode];
  if (shape !== undefined) {
    const [west, south, east, north] = bboxOf(shape);
    box = { west, south, east, north };
  } else if (city !== undefined) {
    box = { west: city[0] - 0.04, south: city[1] - 0.04, east: city[0] + 0.04, north: city[1] + 0.04 };
  } else if (found.parent === null) {
    const country = pcode.slice(0, 2) as DemoCountry;
    const siblings = admin1Of(country).length;
    box = boxAround(COUNTRY_BOXES[country], pcode, siblings);
  } else {
    const parentBox = adminBox(found.parent);
    if (parentBox === undefined) return undefined;
    box = boxAround(parentBox, pcode, unit(found.parent).children.length);
  }
  BOXES.set(pcode, box);
  return box;
}

/**
 * Towns the shipped demo boundaries have no polygon for (the 2015 COD departments predate them):
 * their locations go around the town centre, [longitude, latitude] (public facts).
 */
const CITIES_WITHOUT_BOUNDARY: Readonly<Record<string, readonly [number, number]>> = {
  NE004007: [7.1, 13.5], // Ville de Maradi
  NE005013: [5.27, 14.89], // Ville de Tahoua
  NE007011: [8.99, 13.8], // Ville de Zinder
};

/**
 * A location's coordinates inside its admin2's shipped boundary (src/demo/boundaries.ts), or in
 * its box when it has none. With `margin`, away from the border too, so that the point is also
 * inside the coarser map outline. Deterministic for a given rng.
 */
export function pointIn(pcode: string, rng: Rng, margin = true): { latitude: number; longitude: number } {
  const box = adminBox(pcode) ?? COUNTRY_BOXES[pcode.slice(0, 2) as DemoCountry];
  const shape = demoShapes().get(pcode);
  const draw = (): [number, number] => [roundTo(rng.range(box.west, box.east), 5), roundTo(rng.range(box.south, box.north), 5)];
  if (shape === undefined) {
    const [longitude, latitude] = draw();
    return { latitude, longitude };
  }
  const gap = margin ? Math.min(0.06, 0.1 * Math.min(box.east - box.west, box.north - box.south)) : 0;
  const inside = (x: number, y: number): boolean =>
    containsPoint(shape, x, y) &&
    (gap === 0 || (containsPoint(shape, x - gap, y) && containsPoint(shape, x + gap, y) && containsPoint(shape, x, y - gap) && containsPoint(shape, x, y + gap)));
  for (let attempt = 0; attempt < 80; attempt += 1) {
    const [longitude, latitude] = draw();
    if (inside(longitude, latitude)) return { latitude, longitude };
  }
  const [x, y] = interiorPoint(shape);
  return { latitude: roundTo(y, 5), longitude: roundTo(x, 5) };
}

/** Degrees from a point to a box (0 inside), on the larger axis. */
export function degreesOutside(box: Box, latitude: number, longitude: number): number {
  const dx = Math.max(box.west - longitude, 0, longitude - box.east);
  const dy = Math.max(box.south - latitude, 0, latitude - box.north);
  return Math.max(dx, dy);
}

// ---------------------------------------------------------------------------------------------
