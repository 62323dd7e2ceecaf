/**
 * Synthetic DTM rounds for demos, tests and benchmarks. Real DTM files may not be redistributed,
 * so nothing here is copied from one: operations, rounds, locations and figures are drawn from a
 * seeded PRNG, with magnitudes calibrated by hand on public national IDP totals (IDMC, 2019–2021)
 * and admin units taken from the demo gazetteer (`src/demo/sahel-admin.ts`).
 *
 * Everything is a pure function of `seed` (no clock, no I/O, no `Math.random`). Each location and
 * population group draws from its own keyed random stream, so a location keeps its identity
 * (code, name, coordinates, origin, reason) across rounds and its figures evolve smoothly, and
 * turning the error sprinkle on or off does not change the clean rows.
 *
 * Rows are yielded one at a time: a million-row round never sits in memory.
 */
import { SAHEL_ADMIN } from '../demo/sahel-admin.js';
import { demoShapes } from '../demo/boundaries.js';
import { bboxOf, containsPoint, interiorPoint } from '../geo/rings.js';
import { AGE_BAND_FIELDS, DEFAULT_AGE_RANGES, type LocationType, type PopulationGroup, type Reason, type RoundField, type SettlementType } from '../shared/displacement.js';

/** One row of a round file, keyed by canonical field; `f1`…`f5`/`m1`…`m5` follow the operation's age ranges. */
export type RoundFileRow = Partial<Record<RoundField, string | number | null>>;

export type AssessmentType = 'BA' | 'SA';
export type DemoCountry = 'BF' | 'ML' | 'NE';

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

/** mulberry32 (Tommy Ettinger): 32-bit state, good enough for synthetic data, a few lines, pure. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** FNV-1a over the key, salted with the seed, then the murmur3 finaliser. */
function hash32(seed: number, key: string): number {
  let h = (0x811c9dc5 ^ Math.imul(Math.trunc(seed) | 0, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < key.length; i += 1) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A small random stream with the draws this module needs. */
export class Rng {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next();
  }

  /** Uniform in [min, max). */
  range(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor((max - min + 1) * this.next());
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let draw = this.next() * total;
    for (const [value, weight] of entries) {
      draw -= weight;
      if (draw < 0) return value;
    }
    const last = entries.at(-1);
    if (last === undefined) throw new RangeError('weighted pick from an empty list');
    return last[0];
  }

  /** Log-normal with median 1. */
  lognormal(sigma: number): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
}

/** The random stream of one thing (a location, a row, a round), independent of every other. */
export function rngFor(seed: number, ...key: ReadonlyArray<string | number>): Rng {
  return new Rng(hash32(seed, key.join('\u001f')));
}

// ---------------------------------------------------------------------------------------------
// Dates (UTC day numbers)
// ---------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;

function dayOf(iso: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (match === null) throw new RangeError(`not a YYYY-MM-DD date: ${iso}`);
  return Math.round(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS);
}

/** Day number → YYYY-MM-DD without a Date (H. Hinnant's civil_from_days; hot in big rounds). */
function isoOf(day: number): string {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

function quarterOf(day: number): string {
  const date = new Date(day * DAY_MS);
  return `${date.getUTCFullYear()}-Q${Math.floor(date.getUTCMonth() / 3) + 1}`;
}

/** Time origin of every trend: the start of the synthetic crisis window. */
const EPOCH_DAY = dayOf('2019-01-01');
const yearsOf = (day: number): number => (day - EPOCH_DAY) / 365.25;

// ---------------------------------------------------------------------------------------------
// Gazetteer and operations
// ---------------------------------------------------------------------------------------------

const ISO3: Record<DemoCountry, string> = { BF: 'BFA', ML: 'MLI', NE: 'NER' };

interface AdminUnit {
  pcode: string;
  name: string;
  parent: string | null;
  children: string[];
}

const ADMIN_UNITS: ReadonlyMap<string, AdminUnit> = (() => {
  const units = new Map<string, AdminUnit>();
  for (const { admin1 } of Object.values(SAHEL_ADMIN)) {
    for (const [pcode, name, children] of admin1) {
      units.set(pcode, { pcode, name, parent: null, children: children.map(([code]) => code) });
      for (const [code, childName] of children) units.set(code, { pcode: code, name: childName, parent: pcode, children: [] });
    }
  }
  return units;
})();

function unit(pcode: string): AdminUnit {
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
interface Profile {
  anchors: ReadonlyArray<readonly [string, number]>;
  admin1Weights: Readonly<Record<string, number>>;
  naturalDisasterShare: number;
}

const PROFILES: Readonly<Record<string, Profile>> = {
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

const FALLBACK_PROFILE: Profile = {
  anchors: [['2019-01-01', 50_000], ['2021-12-31', 100_000]],
  admin1Weights: {},
  naturalDisasterShare: 0.05,
};

/** Neighbouring admin1 units (public geography), for plausible origins. */
const NEIGHBOURS: Readonly<Record<string, readonly string[]>> = {
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
// Round plans
// ---------------------------------------------------------------------------------------------

export interface RoundPlan {
  operationCode: string;
  /** 1..N, restarting per operation. A round number has one plan per assessment type, same dates. */
  number: number;
  assessmentType: AssessmentType;
  /** YYYY-MM-DD: the date the figures stand for (a few days after the collection ends). */
  referenceDate: string;
  collectionStart: string;
  collectionEnd: string;
  /** Reference date of round `number - 1`, or null for the first round. */
  previousReferenceDate: string | null;
}

export interface OperationPlan {
  operation: DemoOperation;
  rounds: RoundPlan[];
}

export interface PlanOptions {
  /** Default `2019-01-01`. */
  from?: string;
  /** No reference date after this. Default `2021-12-31`. */
  to?: string;
  /** Default: the three demo operations. */
  operations?: readonly DemoOperation[];
  /** Assessments made each round. Default both, `BA` then `SA`. */
  assessmentTypes?: readonly AssessmentType[];
}

/**
 * The rounds of each operation: every 60–90 days from shortly after `from`, a 3–4-week
 * collection ending 0–3 days before the reference date; each round number has a BA plan and an
 * SA plan with the same dates (never add them: the SA counts the same people, place by place).
 */
export function generateOperationPlan(seed: number, options: PlanOptions = {}): OperationPlan[] {
  const from = dayOf(options.from ?? '2019-01-01');
  const to = dayOf(options.to ?? '2021-12-31');
  const types = options.assessmentTypes ?? (['BA', 'SA'] as const);
  return (options.operations ?? DEMO_OPERATIONS).map((operation) => {
    const rng = rngFor(seed, 'plan', operation.code);
    const rounds: RoundPlan[] = [];
    let start = from + rng.int(5, 40);
    let previous: string | null = null;
    for (let number = 1; ; number += 1) {
      const end = start + rng.int(20, 27);
      const reference = end + rng.int(0, 3);
      if (reference > to) break;
      const referenceDate = isoOf(reference);
      for (const assessmentType of types) {
        rounds.push({
          operationCode: operation.code,
          number,
          assessmentType,
          referenceDate,
          collectionStart: isoOf(start),
          collectionEnd: isoOf(end),
          previousReferenceDate: previous,
        });
      }
      previous = referenceDate;
      start += rng.int(60, 90);
    }
    return { operation, rounds };
  });
}

// ---------------------------------------------------------------------------------------------
// The operation model: admin2 areas and SA locations, stable for a seed
// ---------------------------------------------------------------------------------------------

interface Area {
  admin1: string;
  admin1Name: string;
  admin2: string;
  admin2Name: string;
  /** Share of the operation's IDPs at the epoch, before drift. */
  weight: number;
  /** Log-share drift per year. */
  drift: number;
  returneeRatio: number;
  abroadRatio: number;
  box: Box;
  urban: boolean;
  places: Place[];
  /** Σ place weight per group, over every place (active or not). */
  placeWeight: Record<PopulationGroup, number>;
}

interface Place {
  area: Area;
  code: string;
  name: string;
  type: LocationType;
  settlement: SettlementType;
  latitude: number;
  longitude: number;
  /** First reference day the location is assessed. */
  sinceDay: number;
  weight: number;
  growth: number;
  groups: PopulationGroup[];
}

interface OperationModel {
  operation: DemoOperation;
  profile: Profile;
  areas: Area[];
}

/** Mean individuals per SA location at the operation's peak: sets how many locations there are. */
const MEAN_LOCATION_SIZE = 450;
/** Share of the IDPs of an admin2 that the SA locations cover (the rest lives in unlisted places). */
const SA_COVERAGE = 0.93;
/** Reference day for "assessed from the start". */
const ALWAYS = dayOf('2018-01-01');
/** When the people of locations assessed from the start arrived. */
const ARRIVALS_FROM = dayOf('2018-04-01');
const ARRIVALS_TO = dayOf('2019-01-15');

const ONSETS = ['Ba', 'Bou', 'Da', 'Di', 'Dou', 'Dia', 'Fa', 'Ga', 'Gou', 'Ha', 'Ka', 'Ki', 'Ko', 'Kou', 'La', 'Ma', 'Mi', 'Na', 'Ni', 'Nia', 'Ou', 'Sa', 'Sé', 'Si', 'So', 'Sou', 'Ta', 'Ti', 'Tin', 'To', 'Wa', 'Wé', 'Ya', 'Zé', 'Dja', 'Bo', 'Tam', 'Zin', 'Gor', 'Kal'];
const MIDDLES = ['ra', 'ri', 'ma', 'ba', 'ko', 'go', 'lo', 'na', 'ni', 'ta', 'si', 'dou', 'gou', 'fa', 'da', 'ye', 'mba', 'n'];
const ENDINGS = ['bougou', 'dougou', 'koro', 'kala', 'sso', 'ré', 'go', 'ga', 'tenga', 'koye', 'gol', 'di', 'na', 'ma', 'rou', 'fa', 'ni', 'lé', 'dji', 'bé', 'kar', 'gou', 'ra', 'do', 'sséré', 'boulé'];

/** A place name that sounds Sahelian and is made up: onset + (middle) + ending. */
function syllableName(rng: Rng): string {
  const prefix = rng.chance(0.03) ? "N'" : '';
  const middle = rng.chance(0.45) ? rng.pick(MIDDLES) : '';
  return `${prefix}${rng.pick(ONSETS)}${middle}${rng.pick(ENDINGS)}`;
}

function placeName(rng: Rng, type: LocationType, settlement: SettlementType, country: DemoCountry): string {
  if (type === 'neighbourhood') return country === 'BF' ? `Secteur ${rng.int(1, 30)}` : `Quartier ${syllableName(rng)}`;
  if (type === 'site') {
    if (settlement === 'collective-centre') return rng.chance(0.5) ? `École de ${syllableName(rng)}` : `Centre "${syllableName(rng)}"`;
    return rng.chance(0.1) ? `Site ${syllableName(rng)}, extension` : `Site de ${syllableName(rng)}`;
  }
  return syllableName(rng);
}

const URBAN_ADMIN2 = /^(ville de|bamako|kadiogo)/i;

function buildModel(seed: number, operation: DemoOperation): OperationModel {
  const profile = PROFILES[operation.code] ?? FALLBACK_PROFILE;
  const peak = Math.max(...profile.anchors.map(([, value]) => value));
  const listed = Object.values(profile.admin1Weights).reduce((sum, weight) => sum + weight, 0);
  const unlisted = operation.admin1Pcodes.filter((code) => profile.admin1Weights[code] === undefined);
  const rest = Math.max(0.02 * unlisted.length, 1 - listed) / Math.max(1, unlisted.length);

  const draft: Array<Omit<Area, 'places' | 'placeWeight'>> = [];
  for (const admin1 of operation.admin1Pcodes) {
    const region = unit(admin1);
    const admin1Weight = profile.admin1Weights[admin1] ?? rest;
    const raw = region.children.map((admin2) => rngFor(seed, 'area-weight', operation.code, admin2).lognormal(0.7));
    const rawTotal = raw.reduce((sum, value) => sum + value, 0);
    region.children.forEach((admin2, index) => {
      const rng = rngFor(seed, 'area', operation.code, admin2);
      const name = unit(admin2).name;
      draft.push({
        admin1,
        admin1Name: region.name,
        admin2,
        admin2Name: name,
        weight: (admin1Weight * (raw[index] ?? 1)) / rawTotal,
        drift: rng.range(-0.2, 0.2),
        returneeRatio: rng.chance(0.45) ? rng.range(0.04, 0.25) : 0,
        abroadRatio: rng.chance(0.2) ? rng.range(0.01, 0.06) : 0,
        box: adminBox(admin2) ?? COUNTRY_BOXES[operation.country],
        urban: URBAN_ADMIN2.test(name) || name === region.name,
      });
    });
  }
  const totalWeight = draft.reduce((sum, area) => sum + area.weight, 0);

  const areas = draft.map((partial): Area => {
    const area: Area = { ...partial, weight: partial.weight / totalWeight, places: [], placeWeight: { idp: 0, returnee: 0, 'returnee-abroad': 0 } };
    const count = Math.min(400, Math.max(2, Math.round((area.weight * peak) / MEAN_LOCATION_SIZE)));
    const names = new Set<string>();
    for (let index = 1; index <= count; index += 1) {
      const rng = rngFor(seed, 'place', operation.code, area.admin2, index);
      const type: LocationType = area.urban
        ? rng.weighted([['neighbourhood', 0.45], ['site', 0.2], ['village', 0.35]])
        : rng.weighted([['village', 0.65], ['site', 0.3], ['neighbourhood', 0.05]]);
      const settlement: SettlementType =
        type === 'site'
          ? rng.weighted([['camp', 0.2], ['spontaneous-site', 0.55], ['collective-centre', 0.25]])
          : rng.weighted([['host-community', 0.9], ['other', 0.1]]);
      let name = placeName(rng, type, settlement, operation.country);
      for (let attempt = 0; names.has(name) && attempt < 8; attempt += 1) name = placeName(rng, type, settlement, operation.country);
      if (names.has(name)) name = `${name} ${index}`;
      names.add(name);
      const late = index > 1 && rng.chance(0.25);
      const groups: PopulationGroup[] = ['idp'];
      if (area.returneeRatio > 0 && rng.chance(0.35)) groups.push('returnee');
      if (area.abroadRatio > 0 && rng.chance(0.25)) groups.push('returnee-abroad');
      const place: Place = {
        area,
        code: `${area.admin2}-${String(index).padStart(4, '0')}`,
        name,
        type,
        settlement,
        ...pointIn(area.admin2, rng),
        sinceDay: late ? rng.int(dayOf('2019-03-01'), dayOf('2021-10-31')) : ALWAYS,
        weight: rng.lognormal(0.8) * (late ? 0.6 : 1),
        growth: rng.range(-0.15, 0.15),
        groups,
      };
      area.places.push(place);
      for (const group of groups) area.placeWeight[group] += place.weight;
    }
    return area;
  });
  return { operation, profile, areas };
}

const MODELS = new Map<string, OperationModel>();

function modelOf(seed: number, operation: DemoOperation): OperationModel {
  const key = `${seed}|${operation.code}|${operation.admin1Pcodes.join(',')}`;
  let model = MODELS.get(key);
  if (model === undefined) {
    model = buildModel(seed, operation);
    if (MODELS.size >= 12) MODELS.delete(MODELS.keys().next().value ?? '');
    MODELS.set(key, model);
  }
  return model;
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** National IDP total on a day: log-linear between anchors, flat outside. */
function trendAt(profile: Profile, day: number): number {
  const points = profile.anchors.map(([date, value]) => [dayOf(date), value] as const);
  const first = points[0];
  const last = points.at(-1);
  if (first === undefined || last === undefined) return 0;
  if (day <= first[0]) return first[1];
  if (day >= last[0]) return last[1];
  for (let i = 1; i < points.length; i += 1) {
    const [d0, v0] = points[i - 1] ?? first;
    const [d1, v1] = points[i] ?? last;
    if (day <= d1) return v0 * Math.exp(((day - d0) / (d1 - d0)) * Math.log(v1 / v0));
  }
  return last[1];
}

/** Individuals per admin2 and group in a round (the BA figure; SA locations share it). */
function areaLatent(seed: number, model: OperationModel, round: RoundPlan): Map<Area, Record<PopulationGroup, number>> {
  const day = dayOf(round.referenceDate);
  const t = yearsOf(day);
  const national = trendAt(model.profile, day) * rngFor(seed, 'national', model.operation.code, round.number).range(0.985, 1.015);
  const drifted = model.areas.map((area) => area.weight * Math.exp(area.drift * t));
  const total = drifted.reduce((sum, value) => sum + value, 0);
  const progress = Math.min(1, Math.max(0, t / 3));
  const latent = new Map<Area, Record<PopulationGroup, number>>();
  model.areas.forEach((area, index) => {
    const noise = rngFor(seed, 'area-round', model.operation.code, area.admin2, round.number).range(0.97, 1.03);
    const idp = (national * (drifted[index] ?? 0) * noise) / total;
    latent.set(area, {
      idp,
      returnee: idp * area.returneeRatio * (0.7 + 0.6 * progress),
      'returnee-abroad': idp * area.abroadRatio * (0.7 + 0.6 * progress),
    });
  });
  return latent;
}

function placeFigure(seed: number, place: Place, group: PopulationGroup, latent: number, round: RoundPlan, t: number): number {
  const noise = rngFor(seed, 'place-round', place.code, group, round.number).range(0.97, 1.03);
  const share = place.weight / (place.area.placeWeight[group] || 1);
  return latent * SA_COVERAGE * share * Math.exp(place.growth * (t - 1.5)) * noise;
}

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

interface PlaceLike {
  admin1: string;
  admin1Name: string;
  admin2: string;
  admin2Name: string;
  code: string;
  name: string | null;
  type: LocationType;
  settlement: SettlementType | null;
  latitude: number | null;
  longitude: number | null;
  /** Day the people of this place arrived, at the earliest. */
  sinceDay: number;
}

interface Entry {
  place: PlaceLike;
  group: PopulationGroup;
  individuals: number;
  /** The same location and group was in the previous round (a jump can be measured). */
  hasPrevious: boolean;
}

interface RoundContext {
  seed: number;
  country: DemoCountry;
  /** Keys every random stream of the round. */
  key: string;
  round: RoundPlan;
  referenceDay: number;
  startDay: number;
  endDay: number;
  ageShares: number[];
  admin1Pcodes: readonly string[];
  naturalDisasterShare: number;
  errorRate: number;
  problems: InjectedProblem[] | undefined;
}

/** Share of each age range in a young Sahelian population (density ∝ e^(−age/26), capped at 90). */
export function ageShares(ageRanges: readonly string[]): number[] {
  if (ageRanges.length > 5) throw new RangeError('at most 5 age ranges (f1…f5, m1…m5)');
  const density = (age: number): number => Math.exp(-age / 26);
  const raw = ageRanges.map((range) => {
    const closed = /^(\d+)\s*-\s*(\d+)$/.exec(range);
    const open = /^(\d+)\s*\+$/.exec(range);
    if (closed) return density(Number(closed[1])) - density(Number(closed[2]) + 1);
    if (open) return density(Number(open[1])) - density(90);
    return 1 / ageRanges.length;
  });
  const total = raw.reduce((sum, value) => sum + value, 0);
  return raw.map((value) => value / total);
}

/** Whole parts of `total` in proportion to `shares`, summing exactly to `total` (largest remainder). */
export function apportion(total: number, shares: readonly number[]): number[] {
  let sum = 0;
  for (const share of shares) sum += share;
  if (sum === 0) sum = 1;
  const parts: number[] = [];
  const remainders: number[] = [];
  let left = total;
  for (const share of shares) {
    const exact = (total * share) / sum;
    const part = Math.floor(exact);
    parts.push(part);
    remainders.push(exact - part);
    left -= part;
  }
  // Fewer than shares.length units are left: each goes to the largest remainder still unserved.
  for (; left > 0; left -= 1) {
    let best = 0;
    for (let index = 1; index < remainders.length; index += 1) if ((remainders[index] ?? -1) > (remainders[best] ?? -1)) best = index;
    parts[best] = (parts[best] ?? 0) + 1;
    remainders[best] = -1;
  }
  return parts;
}

const GROUP_REASON_KEY = (place: PlaceLike, group: PopulationGroup): string => `${place.code}|${group}`;

/** Harmless spellings the normaliser accepts: ISO3 prefix, trailing space, lower case. */
function pcodeVariant(pcode: string, rng: Rng): string {
  const variant = rng.int(0, 2);
  if (variant === 0) return `${ISO3[pcode.slice(0, 2) as DemoCountry]}${pcode.slice(2)}`;
  if (variant === 1) return `${pcode} `;
  return pcode.toLowerCase();
}

function buildRow(context: RoundContext, place: PlaceLike, group: PopulationGroup, individuals: number): RoundFileRow {
  const { seed } = context;
  // Stable per location and group: who they are and where they come from.
  const stable = rngFor(seed, 'identity', GROUP_REASON_KEY(place, group));
  const reason = stable.weighted<Reason>([
    ['conflict', 0.52],
    ['insecurity', 0.4 - context.naturalDisasterShare],
    ['natural-disaster', context.naturalDisasterShare],
    ['other', 0.05],
    ['not-reported', 0.03],
  ]);
  let originAdmin1: string | null = null;
  let originAdmin2: string | null = null;
  if (group !== 'returnee-abroad') {
    const where = stable.float();
    const neighbours = (NEIGHBOURS[place.admin1] ?? []).filter((code) => ADMIN_UNITS.has(code));
    if (where < 0.55 || neighbours.length === 0) originAdmin1 = place.admin1;
    else if (where < 0.9) originAdmin1 = stable.pick(neighbours);
    else originAdmin1 = stable.pick(context.admin1Pcodes);
    originAdmin2 = originAdmin1 === place.admin1 && stable.chance(0.35) ? place.admin2 : stable.pick(unit(originAdmin1).children);
  }
  // Main arrival period: SA locations keep theirs (the months before they were first assessed,
  // mid-2018 for those there from the start); BA areas report the bulk of recent arrivals.
  const arrivalDay =
    place.type === 'admin-area'
      ? context.referenceDay - stable.int(20, 270)
      : Math.min(context.referenceDay, place.sinceDay === ALWAYS ? stable.int(ARRIVALS_FROM, ARRIVALS_TO) : place.sinceDay - stable.int(0, 75));
  const femaleShare = stable.range(0.495, 0.545);
  const householdSize = stable.range(5.1, 6.9);
  const ageJitter = context.ageShares.map((share) => share * stable.range(0.88, 1.12));

  // Per round.
  const rng = rngFor(seed, 'row', context.key, GROUP_REASON_KEY(place, group));
  const households = Math.max(1, Math.round(individuals / (householdSize * rng.range(0.97, 1.03))));
  const females = Math.min(individuals, Math.max(0, Math.round(individuals * (femaleShare + rng.range(-0.01, 0.01)))));
  const males = individuals - females;
  const femaleBands = apportion(females, ageJitter);
  const maleBands = apportion(males, ageJitter.map((share, index) => share * (index === ageJitter.length - 1 ? 0.85 : 1)));
  const assessmentDay = rng.int(context.startDay, context.endDay);

  const admin1Pcode = rng.chance(0.015) ? pcodeVariant(place.admin1, rng) : place.admin1;
  const admin2Pcode = rng.chance(0.03) ? pcodeVariant(place.admin2, rng) : place.admin2;
  const origin1 = originAdmin1 !== null && rng.chance(0.015) ? pcodeVariant(originAdmin1, rng) : originAdmin1;
  const origin2 = originAdmin2 !== null && rng.chance(0.015) ? pcodeVariant(originAdmin2, rng) : originAdmin2;

  const row: RoundFileRow = {
    admin1Pcode,
    admin1Name: place.admin1Name,
    admin2Pcode,
    admin2Name: place.admin2Name,
    locationCode: place.code,
  };
  if (place.name !== null) row.locationName = place.name;
  row.locationType = place.type;
  if (place.settlement !== null) row.settlementType = place.settlement;
  if (place.latitude !== null && place.longitude !== null) {
    row.latitude = place.latitude;
    row.longitude = place.longitude;
  }
  row.populationGroup = group;
  row.households = households;
  row.individuals = individuals;
  row.females = females;
  row.males = males;
  context.ageShares.forEach((_, index) => {
    row[AGE_BAND_FIELDS[index] ?? 'f1'] = femaleBands[index] ?? 0;
  });
  context.ageShares.forEach((_, index) => {
    row[AGE_BAND_FIELDS[index + 5] ?? 'm1'] = maleBands[index] ?? 0;
  });
  row.reason = reason;
  row.originAdmin1Pcode = origin1;
  row.originAdmin2Pcode = origin2;
  row.arrivalPeriod = quarterOf(arrivalDay);
  row.assessmentDate = isoOf(assessmentDay);
  return row;
}

// ---------------------------------------------------------------------------------------------
// Data-quality problems
// ---------------------------------------------------------------------------------------------

export const PROBLEM_KINDS = [
  'unknown-pcode',
  'not-a-number',
  'negative-number',
  'parts-exceed-total',
  'duplicate-location',
  'parts-sum-mismatch',
  'household-size',
  'round-jump',
  'coordinates-outside',
  'date-outside-period',
] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

/** What a validator should say: `error` refuses the row, `warning` asks for a look. */
export const PROBLEM_SEVERITY: Readonly<Record<ProblemKind, 'error' | 'warning'>> = {
  'unknown-pcode': 'error',
  'not-a-number': 'error',
  'negative-number': 'error',
  'parts-exceed-total': 'error',
  'duplicate-location': 'error',
  'parts-sum-mismatch': 'warning',
  'household-size': 'warning',
  'round-jump': 'warning',
  'coordinates-outside': 'warning',
  'date-outside-period': 'warning',
};

export interface InjectedProblem {
  kind: ProblemKind;
  severity: 'error' | 'warning';
  /** 0-based index among the rows yielded (see `dataRowNumber` in round-file.ts for the file row). */
  rowIndex: number;
  /** The field that carries the problem (for a duplicate: `locationCode`). */
  field: RoundField;
  /** The value written in that field. */
  value: string | number | null;
  locationCode: string;
  populationGroup: PopulationGroup;
  /** For `duplicate-location`: the index of the first occurrence. */
  duplicateOf?: number;
  /** For `round-jump`: the clean figure the jump replaced. */
  cleanValue?: number;
}

/**
 * Minimum clean individuals for an injected jump to be certainly > ±50 % and > 500 people away
 * from the previous round (clean figures move by less than −30 %/+45 % a round): ×2.8–3.2 up
 * from 400, ×0.2–0.3 down from 1,500.
 */
const JUMP_MINIMUM = 400;
const JUMP_DOWN_MINIMUM = 1500;
/** Minimum individuals for an impossible household size (> 15 per household). */
const HOUSEHOLD_MINIMUM = 20;

function applicable(kind: ProblemKind, entry: Entry, row: RoundFileRow): boolean {
  switch (kind) {
    case 'household-size':
      return entry.individuals >= HOUSEHOLD_MINIMUM;
    case 'round-jump':
      return entry.hasPrevious && entry.individuals >= JUMP_MINIMUM;
    case 'coordinates-outside':
      return typeof row.latitude === 'number' && typeof row.longitude === 'number';
    default:
      return true;
  }
}

/** Picks the least used applicable kind so that every kind shows up once there are enough problems. */
class KindPicker {
  private readonly counts = new Map<ProblemKind, number>(PROBLEM_KINDS.map((kind) => [kind, 0]));
  private readonly order: ProblemKind[];

  constructor(rng: Rng) {
    const offset = rng.int(0, PROBLEM_KINDS.length - 1);
    this.order = PROBLEM_KINDS.map((_, index) => PROBLEM_KINDS[(index + offset) % PROBLEM_KINDS.length] ?? 'unknown-pcode');
  }

  pick(entry: Entry, row: RoundFileRow): ProblemKind {
    let best: ProblemKind = 'unknown-pcode';
    let bestCount = Infinity;
    for (const kind of this.order) {
      const count = this.counts.get(kind) ?? 0;
      if (count < bestCount && applicable(kind, entry, row)) {
        best = kind;
        bestCount = count;
      }
    }
    this.counts.set(best, bestCount + 1);
    return best;
  }
}

type Injection = Omit<InjectedProblem, 'rowIndex' | 'severity' | 'locationCode' | 'populationGroup'> & { row: RoundFileRow; duplicate: boolean };

function inject(kind: ProblemKind, context: RoundContext, entry: Entry, clean: RoundFileRow, rng: Rng): Injection {
  const row: RoundFileRow = { ...clean };
  const individuals = entry.individuals;
  switch (kind) {
    case 'unknown-pcode': {
      // Well formed, right country and region, but no such admin2 (ML0599, NE006099).
      const value = `${entry.place.admin1}${entry.place.admin2.length === 8 ? '099' : '99'}`;
      row.admin2Pcode = value;
      return { kind, field: 'admin2Pcode', value, row, duplicate: false };
    }
    case 'not-a-number': {
      const field = rng.pick(['individuals', 'households', 'females'] as const);
      const value = rng.pick(['n/a', '12,5,3', 'env. 200', '1O5']);
      row[field] = value;
      return { kind, field, value, row, duplicate: false };
    }
    case 'negative-number': {
      const value = -Number(clean.households);
      row.households = value;
      return { kind, field: 'households', value, row, duplicate: false };
    }
    case 'parts-exceed-total': {
      const value = individuals + rng.int(1, 60);
      row.females = value;
      return { kind, field: 'females', value, row, duplicate: false };
    }
    case 'duplicate-location':
      return { kind, field: 'locationCode', value: entry.place.code, row, duplicate: true };
    case 'parts-sum-mismatch': {
      if (rng.chance(0.5) && Number(clean.males) > 0) {
        // Sexes do not add up to the total.
        const value = Math.max(0, Number(clean.males) - rng.int(1, 9));
        row.males = value;
        return { kind, field: 'males', value, row, duplicate: false };
      }
      // Age bands do not add up to their sex: the largest band loses a few.
      const bandCount = context.ageShares.length;
      const bands = [...AGE_BAND_FIELDS.slice(0, bandCount), ...AGE_BAND_FIELDS.slice(5, 5 + bandCount)];
      const field = bands.reduce((best, band) => (Number(clean[band]) > Number(clean[best]) ? band : best), bands[0] ?? 'f1');
      const value = Math.max(0, Number(clean[field]) - rng.int(1, 9));
      row[field] = value;
      return { kind, field, value, row, duplicate: false };
    }
    case 'household-size': {
      const value = Math.max(1, Math.floor(individuals / rng.int(18, 30)));
      row.households = value;
      return { kind, field: 'households', value, row, duplicate: false };
    }
    case 'round-jump': {
      const down = individuals >= JUMP_DOWN_MINIMUM && rng.chance(0.4);
      const value = Math.round(individuals * (down ? rng.range(0.2, 0.3) : rng.range(2.8, 3.2)));
      const rebuilt = buildRow(context, entry.place, entry.group, value);
      // Keep the P-code spellings and dates of the clean row: only the figures jump.
      return { kind, field: 'individuals', value, row: { ...rebuilt, admin1Pcode: clean.admin1Pcode, admin2Pcode: clean.admin2Pcode }, duplicate: false, cleanValue: individuals };
    }
    case 'coordinates-outside': {
      const latitude = Number(clean.latitude);
      const longitude = Number(clean.longitude);
      const box = adminBox(entry.place.admin2) ?? COUNTRY_BOXES[context.country];
      // Latitude and longitude swapped, the classic; a plain offset when the swap lands nearby.
      let moved: [number, number] = [longitude, latitude];
      if (degreesOutside(box, moved[0], moved[1]) < 3) moved = [roundTo(latitude + rng.range(6, 9), 5), longitude];
      row.latitude = moved[0];
      row.longitude = moved[1];
      return { kind, field: 'latitude', value: moved[0], row, duplicate: false };
    }
    case 'date-outside-period': {
      const day = rng.chance(0.5) ? context.endDay + rng.int(15, 60) : context.startDay - rng.int(15, 60);
      const value = isoOf(day);
      row.assessmentDate = value;
      return { kind, field: 'assessmentDate', value, row, duplicate: false };
    }
  }
}

function report(context: RoundContext, injection: Injection, entry: Entry, rowIndex: number, duplicateOf: number | undefined): void {
  if (context.problems === undefined) return;
  const problem: InjectedProblem = {
    kind: injection.kind,
    severity: PROBLEM_SEVERITY[injection.kind],
    rowIndex,
    field: injection.field,
    value: injection.value,
    locationCode: entry.place.code,
    populationGroup: entry.group,
  };
  if (duplicateOf !== undefined) problem.duplicateOf = duplicateOf;
  if (injection.cleanValue !== undefined) problem.cleanValue = injection.cleanValue;
  context.problems.push(problem);
}

function* emit(context: RoundContext, entries: Iterable<Entry>, limit = Infinity): Generator<RoundFileRow> {
  if (limit <= 0) return;
  const picker = new KindPicker(rngFor(context.seed, 'kinds', context.key));
  let index = 0;
  for (const entry of entries) {
    const clean = buildRow(context, entry.place, entry.group, entry.individuals);
    let row = clean;
    let injection: Injection | null = null;
    if (context.errorRate > 0) {
      const rng = rngFor(context.seed, 'problem', context.key, GROUP_REASON_KEY(entry.place, entry.group));
      if (rng.float() < context.errorRate) {
        injection = inject(picker.pick(entry, clean), context, entry, clean, rng);
        row = injection.row;
      }
    }
    if (injection === null) {
      yield row;
    } else if (injection.duplicate) {
      yield row;
      index += 1;
      if (index >= limit) return;
      yield { ...row };
      report(context, injection, entry, index, index - 1);
    } else {
      yield row;
      report(context, injection, entry, index, undefined);
    }
    index += 1;
    if (index >= limit) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Public generators
// ---------------------------------------------------------------------------------------------

export interface RoundRowsOptions {
  /** Share of rows given one data-quality problem. Default 0.005; 0 gives a clean file. */
  errorRate?: number;
  /** Default: the operation's. At most 5. */
  ageRanges?: readonly string[];
  /** Receives each injected problem as its row is yielded. */
  problems?: InjectedProblem[];
}

export const DEFAULT_ERROR_RATE = 0.005;

function contextOf(seed: number, operation: DemoOperation, round: RoundPlan, options: RoundRowsOptions, profile: Profile): RoundContext {
  return {
    seed,
    country: operation.country,
    key: `${operation.code}|${round.number}|${round.assessmentType}`,
    round,
    referenceDay: dayOf(round.referenceDate),
    startDay: dayOf(round.collectionStart),
    endDay: dayOf(round.collectionEnd),
    ageShares: ageShares(options.ageRanges ?? operation.ageRanges),
    admin1Pcodes: operation.admin1Pcodes,
    naturalDisasterShare: profile.naturalDisasterShare,
    errorRate: options.errorRate ?? DEFAULT_ERROR_RATE,
    problems: options.problems,
  };
}

const GROUP_ORDER: readonly PopulationGroup[] = ['idp', 'returnee', 'returnee-abroad'];
/**
 * Smallest clean row: with households of 5–7 people, 3 people make one household of 3, inside
 * the default household-size range of an operation (2–12).
 */
const MIN_INDIVIDUALS = 3;

/**
 * The rows of one round, one at a time. BA: one row per admin2 and population group
 * (`locationType` `admin-area`, `locationCode` = the admin2 P-code). SA: one row per location
 * and group (villages, neighbourhoods, sites with codes like `ML0501-0001`), locations keeping
 * their identity across rounds, new ones appearing now and then. With `errorRate` > 0, some rows
 * carry one problem each, reported in `options.problems`.
 */
export function* generateRoundRows(seed: number, operation: DemoOperation, round: RoundPlan, options: RoundRowsOptions = {}): Generator<RoundFileRow> {
  const model = modelOf(seed, operation);
  const context = contextOf(seed, operation, round, options, model.profile);
  const latent = areaLatent(seed, model, round);
  const day = dayOf(round.referenceDate);
  const t = yearsOf(day);
  const previousDay = round.previousReferenceDate === null ? null : dayOf(round.previousReferenceDate);

  function* entries(): Generator<Entry> {
    for (const area of model.areas) {
      const figures = latent.get(area);
      if (figures === undefined) continue;
      if (round.assessmentType === 'BA') {
        const place: PlaceLike = {
          admin1: area.admin1,
          admin1Name: area.admin1Name,
          admin2: area.admin2,
          admin2Name: area.admin2Name,
          code: area.admin2,
          name: null,
          type: 'admin-area',
          settlement: null,
          latitude: null,
          longitude: null,
          sinceDay: ALWAYS,
        };
        for (const group of GROUP_ORDER) {
          if (group === 'returnee' && area.returneeRatio === 0) continue;
          if (group === 'returnee-abroad' && area.abroadRatio === 0) continue;
          yield { place, group, individuals: Math.max(MIN_INDIVIDUALS, Math.round(figures[group])), hasPrevious: previousDay !== null };
        }
        continue;
      }
      for (const place of area.places) {
        if (place.sinceDay > day) continue;
        const like: PlaceLike = {
          admin1: area.admin1,
          admin1Name: area.admin1Name,
          admin2: area.admin2,
          admin2Name: area.admin2Name,
          code: place.code,
          name: place.name,
          type: place.type,
          settlement: place.settlement,
          latitude: place.latitude,
          longitude: place.longitude,
          sinceDay: place.sinceDay,
        };
        const hasPrevious = previousDay !== null && place.sinceDay <= previousDay;
        for (const group of place.groups) {
          const individuals = Math.max(MIN_INDIVIDUALS, Math.round(placeFigure(seed, place, group, figures[group], round, t)));
          yield { place: like, group, individuals, hasPrevious };
        }
      }
    }
  }

  yield* emit(context, entries());
}

/** Runs a round and returns the problems it injects (the rows are generated and dropped). */
export function listInjectedProblems(seed: number, operation: DemoOperation, round: RoundPlan, options: Omit<RoundRowsOptions, 'problems'> = {}): InjectedProblem[] {
  const problems: InjectedProblem[] = [];
  const rows = generateRoundRows(seed, operation, round, { ...options, problems });
  while (rows.next().done !== true) {
    // drain: the problems are collected as the rows go by
  }
  return problems;
}

/** The round `generateBenchRound` stands for: one SA round of Mali, mid-2021. */
export const BENCH_ROUND: RoundPlan = Object.freeze({
  operationCode: 'MLI-CONFLICT',
  number: 1,
  assessmentType: 'SA',
  referenceDate: '2021-06-30',
  collectionStart: '2021-06-01',
  collectionEnd: '2021-06-27',
  previousReferenceDate: null,
});

export interface BenchRoundOptions extends RoundRowsOptions {
  /** Default: Mali (all its admin2 units). */
  operation?: DemoOperation;
}

/**
 * Exactly `rows` rows of one SA round, for benchmarks: synthetic sites spread round-robin over
 * every admin2 of the operation, each row its own location code (`ML0501-00001`), clean except
 * for the sprinkle at `errorRate` (a duplicate takes the place of the next location). Streams:
 * nothing but the current row is held.
 */
export function* generateBenchRound(seed: number, rows: number, options: BenchRoundOptions = {}): Generator<RoundFileRow> {
  const operation = options.operation ?? demoOperation('MLI-CONFLICT');
  const profile = PROFILES[operation.code] ?? FALLBACK_PROFILE;
  const plan: RoundPlan = { ...BENCH_ROUND, operationCode: operation.code };
  const context = contextOf(seed, operation, plan, options, profile);
  const areas = operation.admin1Pcodes.flatMap((admin1) => unit(admin1).children.map((admin2) => ({ admin1: unit(admin1), admin2: unit(admin2) })));
  const width = Math.max(4, String(Math.ceil(rows / Math.max(1, areas.length))).length);

  function* entries(): Generator<Entry> {
    for (let index = 0; ; index += 1) {
      const area = areas[index % areas.length];
      if (area === undefined) return;
      const local = Math.floor(index / areas.length) + 1;
      const code = `${area.admin2.pcode}-${String(local).padStart(width, '0')}`;
      const rng = rngFor(seed, 'bench', code);
      const type: LocationType = rng.weighted([['village', 0.55], ['site', 0.35], ['neighbourhood', 0.1]]);
      const settlement: SettlementType =
        type === 'site' ? rng.weighted([['camp', 0.2], ['spontaneous-site', 0.55], ['collective-centre', 0.25]]) : 'host-community';
      const place: PlaceLike = {
        admin1: area.admin1.pcode,
        admin1Name: area.admin1.name,
        admin2: area.admin2.pcode,
        admin2Name: area.admin2.name,
        code,
        name: placeName(rng, type, settlement, operation.country),
        type,
        settlement,
        ...pointIn(area.admin2.pcode, rng, false),
        sinceDay: ALWAYS,
      };
      const group = rng.weighted<PopulationGroup>([['idp', 0.85], ['returnee', 0.1], ['returnee-abroad', 0.05]]);
      const individuals = Math.min(20_000, Math.max(MIN_INDIVIDUALS, Math.round(250 * rng.lognormal(0.9))));
      yield { place, group, individuals, hasPrevious: false };
    }
  }

  yield* emit(context, entries(), rows);
}
