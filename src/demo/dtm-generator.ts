/**
 * Synthetic DTM rounds for demos, tests and benchmarks. Real DTM files may not be redistributed,
 * so nothing here is copied from one: operations, rounds, locations and figures are drawn from a
 * seeded PRNG, with magnitudes calibrated by hand on public national IDP totals (IDMC, 2019–2021)
 * and admin units taken from the demo gazetteer (`sahel-admin.ts`; places and plans: `dtm-geography.ts`, `dtm-model.ts`).
 *
 * Everything is a pure function of `seed` (no clock, no I/O, no `Math.random`). Each location and
 * population group draws from its own keyed random stream, so a location keeps its identity
 * (code, name, coordinates, origin, reason) across rounds and its figures evolve smoothly, and
 * turning the error sprinkle on or off does not change the clean rows.
 *
 * Rows are yielded one at a time: a million-row round never sits in memory.
 */
import { AGE_BAND_FIELDS, type LocationType, type PopulationGroup, type Reason, type RoundField, type SettlementType } from '../shared/displacement.js';
import { Rng, dayOf, isoOf, quarterOf, rngFor, roundTo, yearsOf } from './synthetic.js';
import { ADMIN_UNITS, COUNTRY_BOXES, FALLBACK_PROFILE, ISO3, NEIGHBOURS, PROFILES, adminBox, degreesOutside, demoOperation, pointIn, unit, type DemoCountry, type DemoOperation, type Profile, type RoundFileRow } from './dtm-geography.js';
import { ALWAYS, ARRIVALS_FROM, ARRIVALS_TO, areaLatent, modelOf, placeFigure, placeName, type RoundPlan } from './dtm-model.js';

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
