/**
 * How 4W figures add up, as plain functions (docs/response.md states the rules):
 * people reached are never summed across activities, sectors or months. Within sector × admin2 ×
 * period the maximum across activities is taken for each disaggregation cell; admin2 figures sum
 * to admin1 and national; inter-sector reached per admin2 is the maximum across sectors; across
 * months only new beneficiaries add. Items and money add. Parts above a total are refused; a
 * shortfall is "unspecified".
 */

export const MEASURES = ['targeted', 'reached', 'reached-new'] as const;
export type Measure = (typeof MEASURES)[number];
export const GROUPS = ['all', 'idp', 'returnee', 'refugee', 'migrant', 'host'] as const;
export type PopulationGroup = (typeof GROUPS)[number];
export const SEXES = ['all', 'f', 'm'] as const;
export type Sex = (typeof SEXES)[number];
export const AGES = ['all', '0-4', '5-17', '18-59', '60+'] as const;
export type AgeRange = (typeof AGES)[number];
export const UNITS = ['people', 'households', 'items', 'money'] as const;
export type IndicatorUnit = (typeof UNITS)[number];

/** One disaggregation cell of a report: `all` is the total along that axis. */
export interface Figure {
  measure: Measure;
  group: PopulationGroup;
  sex: Sex;
  age: AgeRange;
  value: number;
}

/** `measure|group|sex|age`: the key of a cell in a figure map. */
export type CellKey = string;
export const cellKey = (figure: Omit<Figure, 'value'>): CellKey => `${figure.measure}|${figure.group}|${figure.sex}|${figure.age}`;
export type Cells = ReadonlyMap<CellKey, number>;

export function cellsOf(figures: readonly Figure[]): Map<CellKey, number> {
  return new Map(figures.map((figure) => [cellKey(figure), figure.value]));
}

/** What is wrong with a report's figures, as catalogue codes with their parameters. */
export type FigureProblem =
  | { code: 'response.figures.duplicateCell'; cell: CellKey }
  | { code: 'response.figures.notWhole'; cell: CellKey }
  | { code: 'response.figures.partsAboveTotal'; measure: Measure; total: number; parts: number; of: string }
  | { code: 'response.figures.newAboveReached'; reached: number; reachedNew: number };

/** Checks one report's cells: whole non-negative numbers, one value per cell, no parts above their total. */
export function checkFigures(figures: readonly Figure[], unit: IndicatorUnit = 'people'): FigureProblem[] {
  const problems: FigureProblem[] = [];
  const seen = new Set<CellKey>();
  for (const figure of figures) {
    const key = cellKey(figure);
    if (seen.has(key)) problems.push({ code: 'response.figures.duplicateCell', cell: key });
    seen.add(key);
    const whole = unit === 'money' ? Number.isFinite(figure.value) : Number.isSafeInteger(figure.value);
    if (!whole || figure.value < 0) problems.push({ code: 'response.figures.notWhole', cell: key });
  }
  if (problems.length > 0) return problems;
  const cells = cellsOf(figures);
  const get = (measure: Measure, group: PopulationGroup, sex: Sex, age: AgeRange): number | undefined => cells.get(cellKey({ measure, group, sex, age }));
  for (const measure of MEASURES) {
    const total = get(measure, 'all', 'all', 'all');
    // Groups within the total.
    const groupParts = GROUPS.filter((group) => group !== 'all').map((group) => get(measure, group, 'all', 'all') ?? 0);
    const groupSum = groupParts.reduce((sum, value) => sum + value, 0);
    if (total !== undefined && groupSum > total) problems.push({ code: 'response.figures.partsAboveTotal', measure, total, parts: groupSum, of: 'groups' });
    // Sex × age cells within each group's total (and sex totals within it too).
    for (const group of GROUPS) {
      const groupTotal = get(measure, group, 'all', 'all');
      if (groupTotal === undefined) continue;
      const sexAge = figures.filter((figure) => figure.measure === measure && figure.group === group && figure.sex !== 'all' && figure.age !== 'all');
      const sexAgeSum = sexAge.reduce((sum, figure) => sum + figure.value, 0);
      if (sexAgeSum > groupTotal) problems.push({ code: 'response.figures.partsAboveTotal', measure, total: groupTotal, parts: sexAgeSum, of: `${group}: sex × age` });
      const sexSum = (get(measure, group, 'f', 'all') ?? 0) + (get(measure, group, 'm', 'all') ?? 0);
      if (sexSum > groupTotal) problems.push({ code: 'response.figures.partsAboveTotal', measure, total: groupTotal, parts: sexSum, of: `${group}: sex` });
    }
  }
  const reached = get('reached', 'all', 'all', 'all');
  const reachedNew = get('reached-new', 'all', 'all', 'all');
  if (reached !== undefined && reachedNew !== undefined && reachedNew > reached) problems.push({ code: 'response.figures.newAboveReached', reached, reachedNew });
  return problems;
}

/** What a total leaves unspecified once its reported parts are taken away (never negative: parts above totals are refused). */
export function unspecified(cells: Cells, measure: Measure, group: PopulationGroup = 'all'): number | null {
  const total = cells.get(cellKey({ measure, group, sex: 'all', age: 'all' }));
  if (total === undefined) return null;
  let parts = 0;
  for (const [key, value] of cells) {
    const [m, g, sex, age] = key.split('|');
    if (m === measure && g === group && sex !== 'all' && age !== 'all') parts += value;
  }
  return Math.max(0, total - parts);
}

const addsUp = (unit: IndicatorUnit): boolean => unit === 'items' || unit === 'money';

function merge(into: Map<CellKey, number>, cells: Cells, rule: 'max' | 'sum'): void {
  for (const [key, value] of cells) {
    const before = into.get(key);
    into.set(key, before === undefined ? value : rule === 'sum' ? before + value : Math.max(before, value));
  }
}

/** One approved report as aggregation sees it. */
export interface ReportFigures {
  sector: string;
  admin1: string;
  admin2: string;
  period: string;
  activity: string;
  unit: IndicatorUnit;
  cells: Cells;
}

export interface Aggregate {
  sector: string;
  admin1: string;
  admin2: string;
  period: string;
  unit: IndicatorUnit;
  cells: Map<CellKey, number>;
}

/**
 * Sector × admin2 × period × unit: people (and households) are the maximum across activities for
 * each cell, since the same people are reached by several activities; items and money add.
 */
export function withinSector(reports: readonly ReportFigures[]): Aggregate[] {
  const groups = new Map<string, Aggregate>();
  for (const report of reports) {
    const key = [report.sector, report.admin2, report.period, report.unit].join('\u0000');
    let aggregate = groups.get(key);
    if (!aggregate) {
      aggregate = { sector: report.sector, admin1: report.admin1, admin2: report.admin2, period: report.period, unit: report.unit, cells: new Map() };
      groups.set(key, aggregate);
    }
    merge(aggregate.cells, report.cells, addsUp(report.unit) ? 'sum' : 'max');
  }
  return [...groups.values()];
}

/** Admin2 figures of one sector, period and unit added into admin1 or national ones (different places, different people). */
export function acrossAdmin2(aggregates: readonly Aggregate[]): Map<CellKey, number> {
  const cells = new Map<CellKey, number>();
  for (const aggregate of aggregates) merge(cells, aggregate.cells, 'sum');
  return cells;
}

/** Inter-sector people reached in one admin2 and period: the maximum across sectors per cell, never the sum. */
export function interSector(aggregates: readonly Aggregate[]): Map<CellKey, number> {
  const cells = new Map<CellKey, number>();
  for (const aggregate of aggregates) merge(cells, aggregate.cells, addsUp(aggregate.unit) ? 'sum' : 'max');
  return cells;
}

/**
 * People reached over several months in one place and sector: the first month counts everyone
 * reached (they are all new then); later months add only their new beneficiaries. A later month
 * that does not say how many were new adds nothing and is counted as `monthsWithoutNew`.
 * Items and money simply add.
 */
export function acrossMonths(monthly: ReadonlyArray<{ period: string; cells: Cells }>, unit: IndicatorUnit = 'people'): { cells: Map<CellKey, number>; monthsWithoutNew: number } {
  const ordered = [...monthly].sort((a, b) => a.period.localeCompare(b.period));
  const cells = new Map<CellKey, number>();
  if (addsUp(unit)) {
    for (const month of ordered) merge(cells, month.cells, 'sum');
    return { cells, monthsWithoutNew: 0 };
  }
  let monthsWithoutNew = 0;
  ordered.forEach((month, index) => {
    if (index > 0 && ![...month.cells.keys()].some((key) => key.startsWith('reached-new|'))) monthsWithoutNew += 1;
    for (const [key, value] of month.cells) {
      const separator = key.indexOf('|');
      const measure = key.slice(0, separator);
      const cell = key.slice(separator + 1);
      // Targets are stated for a period, not accumulated: the largest one holds.
      if (measure === 'targeted') cells.set(key, Math.max(cells.get(key) ?? 0, value));
      // Everyone reached in the first month is new; later months add their new beneficiaries only.
      else if ((measure === 'reached' && index === 0) || (measure === 'reached-new' && index > 0)) cells.set(`reached|${cell}`, (cells.get(`reached|${cell}`) ?? 0) + value);
    }
  });
  return { cells, monthsWithoutNew };
}

/** Reached / denominator as a percentage, null without a denominator; above 100 is flagged, not capped. */
export function coverage(reached: number | null | undefined, denominator: number | null | undefined): { percent: number | null; above100: boolean } {
  if (reached === null || reached === undefined || denominator === null || denominator === undefined || denominator <= 0) return { percent: null, above100: false };
  const percent = Math.round((reached / denominator) * 1000) / 10;
  return { percent, above100: percent > 100 };
}

export interface Presence {
  sector: string;
  admin1: string;
  admin2: string;
  period: string;
  organisations: number[];
}

/** Distinct organisations per sector × admin2 × period. */
export function presence(reports: ReadonlyArray<{ sector: string; admin1: string; admin2: string; period: string; organisationId: number }>): Presence[] {
  const groups = new Map<string, Presence>();
  for (const report of reports) {
    const key = [report.sector, report.admin2, report.period].join('\u0000');
    const entry = groups.get(key) ?? { sector: report.sector, admin1: report.admin1, admin2: report.admin2, period: report.period, organisations: [] };
    if (!entry.organisations.includes(report.organisationId)) entry.organisations.push(report.organisationId);
    groups.set(key, entry);
  }
  return [...groups.values()].map((entry) => ({ ...entry, organisations: entry.organisations.sort((a, b) => a - b) }));
}

export interface Gap {
  admin2: string;
  sector: string;
  caseload: number;
}

/**
 * Admin2 units whose caseload is above the threshold and where no organisation works in the
 * sector, largest caseload first.
 */
export function gaps(caseloads: ReadonlyArray<{ admin2: string; caseload: number }>, present: ReadonlyArray<{ admin2: string; sector: string }>, sectors: readonly string[], threshold: number): Gap[] {
  const covered = new Set(present.map((entry) => `${entry.sector}\u0000${entry.admin2}`));
  return caseloads
    .filter((entry) => entry.caseload > threshold)
    .flatMap((entry) => sectors.filter((sector) => !covered.has(`${sector}\u0000${entry.admin2}`)).map((sector) => ({ admin2: entry.admin2, sector, caseload: entry.caseload })))
    .sort((a, b) => b.caseload - a.caseload || a.admin2.localeCompare(b.admin2) || a.sector.localeCompare(b.sector));
}

/**
 * Admin2 units whose people in need in a sector (the HNO's sector PiN) are above the threshold
 * and where no organisation works in that sector, largest first.
 */
export function pinGaps(needs: ReadonlyArray<{ admin2: string; sector: string; pin: number }>, present: ReadonlyArray<{ admin2: string; sector: string }>, threshold: number): Array<{ admin2: string; sector: string; pin: number }> {
  const covered = new Set(present.map((entry) => `${entry.sector}\u0000${entry.admin2}`));
  return needs
    .filter((need) => need.pin > threshold && !covered.has(`${need.sector}\u0000${need.admin2}`))
    .sort((a, b) => b.pin - a.pin || a.admin2.localeCompare(b.admin2) || a.sector.localeCompare(b.sector));
}

export interface Overlap {
  activity: string;
  place: string;
  period: string;
  organisations: number[];
}

/** Two or more organisations with the same activity in the same place (the finest given: site, admin3 or admin2) and period. */
export function overlaps(reports: ReadonlyArray<{ activity: string; place: string; period: string; organisationId: number }>): Overlap[] {
  const groups = new Map<string, Overlap>();
  for (const report of reports) {
    const key = [report.activity, report.place, report.period].join('\u0000');
    const entry = groups.get(key) ?? { activity: report.activity, place: report.place, period: report.period, organisations: [] };
    if (!entry.organisations.includes(report.organisationId)) entry.organisations.push(report.organisationId);
    groups.set(key, entry);
  }
  return [...groups.values()]
    .filter((entry) => entry.organisations.length >= 2)
    .map((entry) => ({ ...entry, organisations: entry.organisations.sort((a, b) => a - b) }))
    .sort((a, b) => b.organisations.length - a.organisations.length || a.place.localeCompare(b.place) || a.activity.localeCompare(b.activity));
}
