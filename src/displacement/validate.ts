/**
 * Data-quality rules of a DTM round, row by row. Pure: a row of cells in, a figure ready to
 * stage and/or findings out. Cross-row rules (the same location twice) are in `DuplicateCheck`;
 * rules that need stored data (change against the previous round) run in SQL (queries.ts).
 *
 * Errors block publication; warnings need a reviewer to accept or fix them.
 */
import { normalisePcode } from '../geo/pcode.js';
import { type ColumnMapping } from './fields.js';
import { AGE_BAND_FIELDS, type AgeBandField, type LocationType, type PopulationGroup, type Reason, type RoundField, type SettlementType } from '../shared/displacement.js';
import { foldHeader } from './fields.js';
import { AGE_ONLY_FIELDS, SIDE_GROUPS, type AgeOnlyField, type MeasureField } from '../shared/displacement.js';
import { acceptedValues, parseArrivalPeriod, readChoice } from './values.js';
import { CONFIDENT, matchInIndex, type NameIndex } from '../geo/names.js';
import { cellText, type Cell, type TableRow } from '../core/table-files.js';

export type Severity = 'error' | 'warning';

export const RULES = {
  missingValue: 'error',
  notANumber: 'error',
  notAnInteger: 'error',
  negative: 'error',
  tooLarge: 'error',
  pcodeInvalid: 'error',
  pcodeAmbiguous: 'error',
  pcodeUnknown: 'error',
  pcodeOtherCountry: 'error',
  pcodeNotUnder: 'error',
  unknownValue: 'error',
  badCoordinates: 'error',
  badDate: 'error',
  partsAboveTotal: 'error',
  duplicateLocation: 'error',
  partsDoNotSum: 'warning',
  householdSize: 'warning',
  changeVsPrevious: 'warning',
  outsideAdminUnit: 'warning',
  originNotMatched: 'warning',
  dateOutsidePeriod: 'warning',
} as const satisfies Record<string, Severity>;
export type Rule = keyof typeof RULES;

export interface Finding {
  row: number;
  /** The file's header of the column (as the user sees it), or null for a row-level rule. */
  column: string | null;
  value: string | null;
  rule: Rule;
  severity: Severity;
  params: Record<string, string | number>;
}

export interface StagedFigure {
  sourceRow: number;
  locationCode: string;
  locationName: string;
  locationType: LocationType;
  settlementType: SettlementType | null;
  latitude: number | null;
  longitude: number | null;
  admin1Pcode: string;
  admin2Pcode: string;
  admin3Pcode: string | null;
  populationGroup: PopulationGroup;
  households: number | null;
  individuals: number;
  females: number | null;
  males: number | null;
  bands: Record<AgeBandField, number | null>;
  /** Age-only parts (both sexes), when the file gives ages without sex. */
  ages: Record<AgeOnlyField, number | null>;
  reason: Reason;
  originAdmin1Pcode: string | null;
  originAdmin2Pcode: string | null;
  arrivalPeriod: string | null;
  assessedOn: string | null;
}

export interface KnownUnit {
  level: number;
  parent: string | null;
  name: string;
}

export interface RoundRules {
  country: string;
  assessmentType: 'BA' | 'SA';
  ageRanges: readonly string[];
  householdSizeMin: number;
  householdSizeMax: number;
  collectionStart: string | null;
  collectionEnd: string | null;
  /** Admin units of the operation's country valid at the round's reference date, by P-code. */
  units: ReadonlyMap<string, KnownUnit>;
  /** Names of the country's admin1 and admin2 units, to read origins given by name. */
  names?: { 1: NameIndex; 2: NameIndex } | null;
  /** Point-in-polygon against the admin2 boundary; null when no boundaries are loaded. */
  insideAdmin2?: ((admin2: string, longitude: number, latitude: number) => boolean | null) | null;
}

/** A figure larger than any real location or admin area holds: a typo or a hostile value. */
export const MAX_COUNT = 10_000_000;

/**
 * A copy of a cell's text that does not keep the file's text around it alive: a cell cut from a
 * piece of the file (the CSV reader's plain split) shares that piece's memory, and a finding kept
 * to the end of the import would hold its whole piece. Short strings are copies already.
 */
const own = (text: string): string => (text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string));

export const finding = (row: number, column: string | null, value: string | null, rule: Rule, params: Record<string, string | number> = {}): Finding => {
  for (const key in params) {
    const param = params[key];
    if (typeof param === 'string') params[key] = own(param);
  }
  return { row, column, value: value === null ? null : own(value.length > 200 ? `${value.slice(0, 200)}…` : value), rule, severity: RULES[rule], params };
};

/** Reads a count: `1234`, `1 234`, `1,234`, `12.0`; refuses `n/a`, `12,5,3`, `12.5`, `-3`. */
export function parseCount(cell: Cell): { value: number | null } | { problem: 'notANumber' | 'notAnInteger' | 'negative' | 'tooLarge' } {
  if (cell === null) return { value: null };
  if (cell instanceof Date) return { problem: 'notANumber' };
  let number: number;
  if (typeof cell === 'number') number = cell;
  else {
    const text = cell.trim().replace(/[\u00a0\u202f ]/g, '');
    if (text === '') return { value: null };
    const grouped = /^-?\d{1,3}(,\d{3})+$/.test(text) ? text.replace(/,/g, '') : text;
    if (!/^-?\d+(\.\d+)?$/.test(grouped)) {
      return /^-?\d+,\d+$/.test(grouped) ? { problem: 'notAnInteger' } : { problem: 'notANumber' };
    }
    number = Number(grouped);
  }
  if (!Number.isFinite(number)) return { problem: 'notANumber' };
  if (number < 0) return { problem: 'negative' };
  if (!Number.isInteger(number)) return { problem: 'notAnInteger' };
  if (number > MAX_COUNT) return { problem: 'tooLarge' };
  return { value: number };
}

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** A date as `YYYY-MM-DD`, no date, or a value that is not a date. */
export type ParsedDate = { date: string } | null | 'invalid';

/** Reads a date: a spreadsheet date, an Excel serial number, `YYYY-MM-DD(…)`, `DD/MM/YYYY`. */
export function parseDate(cell: Cell): ParsedDate {
  if (cell === null) return null;
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? 'invalid' : { date: cell.toISOString().slice(0, 10) };
  const asSerial = (serial: number): ParsedDate =>
    serial >= 20_000 && serial <= 80_000 ? { date: new Date(EXCEL_EPOCH + Math.floor(serial) * 86_400_000).toISOString().slice(0, 10) } : 'invalid';
  if (typeof cell === 'number') return asSerial(cell);
  const text = cell.trim();
  if (text === '') return null;
  if (/^\d{5}(\.\d+)?$/.test(text)) return asSerial(Number(text));
  let year: number;
  let month: number;
  let day: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(text);
  const french = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  if (iso) [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (french) [day, month, year] = [Number(french[1]), Number(french[2]), Number(french[3])];
  else return 'invalid';
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || year < 1990 || year > 2100) return 'invalid';
  return { date: date.toISOString().slice(0, 10) };
}

function parseCoordinate(cell: Cell, limit: number): number | null | 'invalid' {
  if (cell === null) return null;
  const text = typeof cell === 'number' ? String(cell) : cellText(cell).trim().replace(',', '.');
  if (text === '') return null;
  if (!/^-?\d+(\.\d+)?$/.test(text)) return 'invalid';
  const value = Number(text);
  return Math.abs(value) <= limit ? value : 'invalid';
}

/** Column positions of each mapped field in the file. */
export type ColumnIndex = Partial<Record<RoundField, { index: number; header: string }>>;

export function columnIndex(headers: readonly string[], mapping: ColumnMapping): ColumnIndex {
  const index: ColumnIndex = {};
  headers.forEach((header, position) => {
    const field = mapping[header];
    if (field !== null && field !== undefined) index[field] = { index: position, header };
  });
  return index;
}

/**
 * An origin given by name, matched through the geography's name matching: taken only when one
 * unit matches confidently; otherwise a warning names the best candidate and its confidence.
 */
function originByName(name: string, level: 1 | 2, rules: RoundRules, parent: string | null): { pcode: string | null; params?: Record<string, string | number> } {
  const index = rules.names?.[level];
  if (!index) return { pcode: null, params: { candidate: '—', confidence: 0 } };
  const matches = matchInIndex(index, name, { limit: 3 }).filter((match) => parent === null || rules.units.get(match.pcode)?.parent === parent || match.pcode.startsWith(parent));
  const confident = matches.filter((match) => match.confidence >= CONFIDENT);
  if (confident.length === 1) return { pcode: confident[0]!.pcode };
  const best = matches[0];
  return { pcode: null, params: { candidate: best === undefined ? '—' : `${best.name} (${best.pcode})`, confidence: best === undefined ? 0 : Math.round(best.confidence * 100) } };
}

const FEMALE_BANDS = ['f1', 'f2', 'f3', 'f4', 'f5'] as const;
const MALE_BANDS = ['m1', 'm2', 'm3', 'm4', 'm5'] as const;
const MEASURES: readonly MeasureField[] = ['households', 'individuals', 'females', 'males', ...AGE_BAND_FIELDS, ...AGE_ONLY_FIELDS];
const ORIGIN_NAMES = [['originAdmin1Name', 1], ['originAdmin2Name', 2]] as const;

/** The field of a measure for one population group's columns: `individuals`, `returnee:individuals`. */
type FieldsOf = Readonly<Record<MeasureField, RoundField>>;
const fieldsOf = (prefix: string): FieldsOf => Object.fromEntries(MEASURES.map((measure) => [measure, `${prefix}${measure}` as RoundField])) as FieldsOf;
const MAIN_FIELDS = fieldsOf('');
const SIDE_FIELDS = SIDE_GROUPS.map((group) => ({ group, fields: fieldsOf(`${group}:`) }));

/** The groups of columns a row may carry counts for, once per import (a mapping does not change from row to row). */
interface Layout {
  main: boolean;
  /** Side groups with a mapped individuals column: counted even when the row leaves them empty. */
  sideMapped: ReadonlySet<PopulationGroup>;
}
const layouts = new WeakMap<ColumnIndex, Layout>();
function layoutOf(columns: ColumnIndex): Layout {
  let layout = layouts.get(columns);
  if (layout === undefined) {
    layout = {
      main: MEASURES.some((measure) => columns[measure] !== undefined),
      sideMapped: new Set(SIDE_FIELDS.filter(({ fields }) => columns[fields.individuals] !== undefined).map(({ group }) => group)),
    };
    layouts.set(columns, layout);
  }
  return layout;
}

interface Counts {
  group: PopulationGroup;
  /** The side group the counts come from, or null for the main columns. */
  side: PopulationGroup | null;
  fields: FieldsOf;
  households: number | null;
  individuals: number | null;
  females: number | null;
  males: number | null;
  bands: Record<AgeBandField, number | null>;
  ages: Record<AgeOnlyField, number | null>;
}

/**
 * One row's cells as the rules read them, and the findings so far. An object per row with its
 * methods on the prototype: the closures this replaced were made anew for each of a million rows.
 */
class RowReader {
  readonly findings: Finding[] = [];

  constructor(
    private readonly row: TableRow,
    private readonly columns: ColumnIndex,
    private readonly rules: RoundRules,
  ) {}

  at(field: RoundField): Cell {
    const column = this.columns[field];
    return column === undefined ? null : (this.row.cells[column.index] ?? null);
  }

  header(field: RoundField): string | null {
    return this.columns[field]?.header ?? null;
  }

  text(field: RoundField): string {
    return cellText(this.at(field)).trim();
  }

  fail(field: RoundField | null, rule: Rule, params: Record<string, string | number> = {}): void {
    this.findings.push(finding(this.row.row, field === null ? null : this.header(field), field === null ? null : cellText(this.at(field)) || null, rule, params));
  }

  /** Has a finding been made on this field's column already? */
  failedOn(field: RoundField): boolean {
    const column = this.header(field);
    for (const issue of this.findings) if (issue.column === column) return true;
    return false;
  }

  count(field: RoundField): number | null {
    const parsed = parseCount(this.at(field));
    if ('problem' in parsed) {
      this.fail(field, parsed.problem, { max: MAX_COUNT });
      return null;
    }
    return parsed.value;
  }

  pcode(field: RoundField, level: number, parent: string | null): string | null {
    const input = this.at(field);
    if (input === null || cellText(input).trim() === '') return null;
    const result = normalisePcode(cellText(input));
    if (result.status === 'missing') return null;
    if (result.status === 'invalid') {
      this.fail(field, 'pcodeInvalid', { reason: result.reason });
      return null;
    }
    if (result.status === 'ambiguous') {
      this.fail(field, 'pcodeAmbiguous', { candidates: result.candidates.join(', ') });
      return null;
    }
    if (result.country !== this.rules.country) {
      this.fail(field, 'pcodeOtherCountry', { pcode: result.pcode, country: this.rules.country });
      return null;
    }
    const unit = this.rules.units.get(result.pcode);
    if (unit === undefined || unit.level !== level) {
      this.fail(field, 'pcodeUnknown', { pcode: result.pcode, level });
      return null;
    }
    if (parent !== null && !result.pcode.startsWith(parent) && unit.parent !== parent) {
      this.fail(field, 'pcodeNotUnder', { pcode: result.pcode, parent });
      return null;
    }
    return result.pcode;
  }

  choice<T extends string>(field: 'populationGroup' | 'reason' | 'locationType' | 'settlementType', fallback: T | null): T | null {
    const raw = this.text(field);
    if (raw === '') return fallback;
    const value = readChoice(field, raw);
    if (value === null) {
      this.fail(field, 'unknownValue', { accepted: acceptedValues(field) });
      return null;
    }
    return value as T;
  }

  /** Does the row give any count in this group's columns? */
  hasAny(fields: FieldsOf): boolean {
    for (const measure of MEASURES) if (this.text(fields[measure]) !== '') return true;
    return false;
  }

  /** A group's counts, with the errors of parts above their totals. */
  counts(fields: FieldsOf, side: PopulationGroup | null, group: PopulationGroup | null): Counts {
    const individuals = this.count(fields.individuals);
    if (individuals === null && !this.failedOn(fields.individuals)) this.fail(fields.individuals, 'missingValue');
    const households = this.count(fields.households);
    const females = this.count(fields.females);
    const males = this.count(fields.males);
    const bands = {} as Record<AgeBandField, number | null>;
    for (const band of AGE_BAND_FIELDS) bands[band] = this.count(fields[band]);
    const ages = {} as Record<AgeOnlyField, number | null>;
    for (const age of AGE_ONLY_FIELDS) ages[age] = this.count(fields[age]);
    if (individuals !== null) {
      const femaleBands = sumOf(bands, FEMALE_BANDS);
      const maleBands = sumOf(bands, MALE_BANDS);
      const ageParts = sumOf(ages, AGE_ONLY_FIELDS);
      let part: MeasureField | null = null;
      let params: Record<string, number> | null = null;
      if (females !== null && females > individuals) [part, params] = ['females', { part: females, total: individuals }];
      else if (males !== null && males > individuals) [part, params] = ['males', { part: males, total: individuals }];
      else if (females !== null && males !== null && females + males > individuals) params = { part: females + males, total: individuals };
      else if (households !== null && households > individuals) [part, params] = ['households', { part: households, total: individuals }];
      else if (femaleBands !== null && females !== null && femaleBands > females) [part, params] = ['females', { part: femaleBands, total: females }];
      else if (maleBands !== null && males !== null && maleBands > males) [part, params] = ['males', { part: maleBands, total: males }];
      else if ((femaleBands ?? 0) + (maleBands ?? 0) > individuals) params = { part: (femaleBands ?? 0) + (maleBands ?? 0), total: individuals };
      else if (ageParts !== null && ageParts > individuals) params = { part: ageParts, total: individuals };
      if (params !== null) this.fail(part === null ? null : fields[part], 'partsAboveTotal', side === null ? params : { ...params, group: side });
    }
    return { group: side ?? group ?? 'idp', side, fields, households, individuals, females, males, bands, ages };
  }

  /** A warning on a stored group's counts (the row is stored, a reviewer decides). */
  warn(counts: Counts, measure: MeasureField, value: string, rule: Rule, params: Record<string, string | number>): void {
    this.findings.push(finding(this.row.row, this.header(counts.fields[measure]), value, rule, counts.side === null ? params : { ...params, group: counts.group }));
  }
}

/** Validates one row. Returns the figures to stage (one per population group present), or none when an error keeps the row out. */
export function validateRow(row: TableRow, columns: ColumnIndex, rules: RoundRules): { figures: StagedFigure[]; findings: Finding[] } {
  const read = new RowReader(row, columns, rules);
  const { findings } = read;

  // Where: admin units first, so later rules can name them.
  let admin2 = read.pcode('admin2Pcode', 2, null);
  const admin1Given = read.pcode('admin1Pcode', 1, null);
  const admin3 = read.pcode('admin3Pcode', 3, admin2);
  if (admin2 === null && admin3 !== null) admin2 = rules.units.get(admin3)?.parent ?? null;
  if (admin2 === null && !read.failedOn('admin2Pcode')) read.fail('admin2Pcode', 'missingValue');
  const admin1 = admin2 === null ? admin1Given : (rules.units.get(admin2)?.parent ?? admin1Given);
  if (admin1Given !== null && admin1 !== null && admin1Given !== admin1) read.fail('admin2Pcode', 'pcodeNotUnder', { pcode: admin2 ?? '', parent: admin1Given });
  let originAdmin1 = read.pcode('originAdmin1Pcode', 1, null);
  let originAdmin2 = read.pcode('originAdmin2Pcode', 2, originAdmin1);
  const warnings: Finding[] = [];
  for (const [field, level] of ORIGIN_NAMES) {
    const name = read.text(field);
    if (name === '' || (level === 1 ? originAdmin1 : originAdmin2) !== null) continue;
    const matched = originByName(name, level, rules, level === 2 ? originAdmin1 : null);
    if (matched.pcode === null) warnings.push(finding(row.row, read.header(field), name, 'originNotMatched', matched.params ?? {}));
    else if (level === 1) originAdmin1 = matched.pcode;
    else originAdmin2 = matched.pcode;
  }

  // What: the counts of each population group the row carries, then parts against totals.
  const layout = layoutOf(columns);
  const prefixes: Array<{ fields: FieldsOf; side: PopulationGroup | null; present: boolean }> = [];
  if (layout.main) prefixes.push({ fields: MAIN_FIELDS, side: null, present: read.hasAny(MAIN_FIELDS) });
  for (const { group, fields } of SIDE_FIELDS) {
    const present = read.hasAny(fields);
    if (present || layout.sideMapped.has(group)) prefixes.push({ fields, side: group, present });
  }
  const present = prefixes.filter((prefix) => prefix.present);
  // A row with no count at all is missing its (main) individuals, as before.
  const counted = present.length > 0 ? present : prefixes.slice(0, 1);

  const group = read.choice<PopulationGroup>('populationGroup', 'idp');
  const reason = read.choice<Reason>('reason', 'not-reported');
  const defaultType: LocationType = rules.assessmentType === 'BA' ? 'admin-area' : 'village';
  const locationType = read.choice<LocationType>('locationType', defaultType);
  const settlementType = read.choice<SettlementType>('settlementType', null);

  const latitude = parseCoordinate(read.at('latitude'), 90);
  const longitude = parseCoordinate(read.at('longitude'), 180);
  if (latitude === 'invalid') read.fail('latitude', 'badCoordinates');
  if (longitude === 'invalid') read.fail('longitude', 'badCoordinates');

  const assessedOn = parseDate(read.at('assessmentDate'));
  if (assessedOn === 'invalid') read.fail('assessmentDate', 'badDate');

  const groups: Counts[] = [];
  for (const { fields, side } of counted) groups.push(read.counts(fields, side, group));

  let blocked = admin2 === null || admin1 === null || group === null || reason === null || locationType === null;
  for (const issue of findings) if (issue.severity === 'error') blocked = true;
  for (const counts of groups) if (counts.individuals === null) blocked = true;
  if (blocked || admin2 === null || admin1 === null || reason === null || locationType === null) return { figures: [], findings };
  findings.push(...warnings);

  const lat = typeof latitude === 'number' ? latitude : null;
  const lon = typeof longitude === 'number' ? longitude : null;
  if (lat !== null && lon !== null && rules.insideAdmin2) {
    const inside = rules.insideAdmin2(admin2, lon, lat);
    if (inside === false) findings.push(finding(row.row, read.header('latitude'), `${lat}, ${lon}`, 'outsideAdminUnit', { pcode: admin2 }));
  }
  const date = assessedOn !== null && assessedOn !== 'invalid' ? assessedOn.date : null;
  if (date !== null && ((rules.collectionStart !== null && date < rules.collectionStart) || (rules.collectionEnd !== null && date > rules.collectionEnd))) {
    findings.push(
      finding(row.row, read.header('assessmentDate'), date, 'dateOutsidePeriod', { start: rules.collectionStart ?? '…', end: rules.collectionEnd ?? '…' }),
    );
  }

  const finest = admin3 ?? admin2;
  const locationName = read.text('locationName') || (rules.units.get(finest)?.name ?? finest);
  const code = read.text('locationCode');
  const locationCode = code !== '' ? code.slice(0, 100) : locationType === 'admin-area' ? finest : `${finest}-${foldHeader(locationName).slice(0, 80)}`;
  const arrival = read.text('arrivalPeriod');
  const arrivalPeriod = (arrival === '' ? null : (parseArrivalPeriod(arrival) ?? arrival.slice(0, 40))) || null;
  const originAdmin1Pcode = originAdmin1 ?? (originAdmin2 === null ? null : (rules.units.get(originAdmin2)?.parent ?? null));

  const figures: StagedFigure[] = [];
  for (const counts of groups) {
    const individuals = counts.individuals!;
    const { households, females, males, bands, ages } = counts;
    // Warnings: the row is stored, a reviewer decides.
    if (females !== null && males !== null && females + males !== individuals) {
      read.warn(counts, 'individuals', String(individuals), 'partsDoNotSum', { parts: females + males, total: individuals });
    } else {
      const femaleSum = sumOf(bands, FEMALE_BANDS);
      if (femaleSum !== null && females !== null && femaleSum !== females) read.warn(counts, 'females', String(females), 'partsDoNotSum', { parts: femaleSum, total: females });
      const maleSum = sumOf(bands, MALE_BANDS);
      if (maleSum !== null && males !== null && maleSum !== males) read.warn(counts, 'males', String(males), 'partsDoNotSum', { parts: maleSum, total: males });
    }
    const ageParts = sumOf(ages, AGE_ONLY_FIELDS);
    if (ageParts !== null && ageParts !== individuals) read.warn(counts, 'individuals', String(individuals), 'partsDoNotSum', { parts: ageParts, total: individuals });
    if (households !== null && households > 0 && individuals > 0) {
      const size = individuals / households;
      if (size < rules.householdSizeMin || size > rules.householdSizeMax) {
        read.warn(counts, 'households', String(households), 'householdSize', { size: Math.round(size * 10) / 10, min: rules.householdSizeMin, max: rules.householdSizeMax });
      }
    }
    figures.push({
      sourceRow: row.row,
      locationCode,
      locationName: locationName.slice(0, 300),
      locationType,
      settlementType,
      latitude: lat,
      longitude: lon,
      admin1Pcode: admin1,
      admin2Pcode: admin2,
      admin3Pcode: admin3,
      populationGroup: counts.group,
      households,
      individuals,
      females,
      males,
      bands,
      ages,
      reason,
      originAdmin1Pcode,
      originAdmin2Pcode: originAdmin2,
      arrivalPeriod,
      assessedOn: date,
    });
  }
  return { figures, findings };
}

function sumOf<K extends string>(bands: Record<K, number | null>, fields: readonly K[]): number | null {
  let total: number | null = null;
  for (const field of fields) {
    const value = bands[field];
    if (value !== null) total = (total ?? 0) + value;
  }
  return total;
}

/**
 * The same location and population group twice in one row (its main columns name a group whose
 * own columns it fills too): the second figure is a duplicate of its own row. Across rows the
 * check runs in SQL over the staged rows (staging-queries.ts `removeDuplicateLocations`), so an
 * import holds no key per location in memory.
 */
export function sameRowDuplicates(figures: StagedFigure[], locationHeader: string | null): Finding[] {
  const findings: Finding[] = [];
  for (let index = 1; index < figures.length; index += 1) {
    const figure = figures[index]!;
    if (!figures.slice(0, index).some((earlier) => earlier.populationGroup === figure.populationGroup)) continue;
    findings.push(finding(figure.sourceRow, locationHeader, figure.locationCode, 'duplicateLocation', { firstRow: figure.sourceRow }));
    figures.splice(index, 1);
    index -= 1;
  }
  return findings;
}
