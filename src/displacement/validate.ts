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

export const finding = (row: number, column: string | null, value: string | null, rule: Rule, params: Record<string, string | number> = {}): Finding => ({
  row,
  column,
  value: value === null ? null : value.length > 200 ? `${value.slice(0, 200)}…` : value,
  rule,
  severity: RULES[rule],
  params,
});

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

/** Validates one row. Returns the figures to stage (one per population group present), or none when an error keeps the row out. */
export function validateRow(row: TableRow, columns: ColumnIndex, rules: RoundRules): { figures: StagedFigure[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const at = (field: RoundField): Cell => {
    const column = columns[field];
    return column === undefined ? null : (row.cells[column.index] ?? null);
  };
  const header = (field: RoundField): string | null => columns[field]?.header ?? null;
  const text = (field: RoundField): string => cellText(at(field)).trim();
  const fail = (field: RoundField | null, rule: Rule, params: Record<string, string | number> = {}): void => {
    findings.push(finding(row.row, field === null ? null : header(field), field === null ? null : cellText(at(field)) || null, rule, params));
  };

  const count = (field: RoundField): number | null => {
    const parsed = parseCount(at(field));
    if ('problem' in parsed) {
      fail(field, parsed.problem, { max: MAX_COUNT });
      return null;
    }
    return parsed.value;
  };

  const pcode = (field: RoundField, level: number, parent: string | null): string | null => {
    const input = at(field);
    if (input === null || cellText(input).trim() === '') return null;
    const result = normalisePcode(cellText(input));
    if (result.status === 'missing') return null;
    if (result.status === 'invalid') {
      fail(field, 'pcodeInvalid', { reason: result.reason });
      return null;
    }
    if (result.status === 'ambiguous') {
      fail(field, 'pcodeAmbiguous', { candidates: result.candidates.join(', ') });
      return null;
    }
    if (result.country !== rules.country) {
      fail(field, 'pcodeOtherCountry', { pcode: result.pcode, country: rules.country });
      return null;
    }
    const unit = rules.units.get(result.pcode);
    if (unit === undefined || unit.level !== level) {
      fail(field, 'pcodeUnknown', { pcode: result.pcode, level });
      return null;
    }
    if (parent !== null && !result.pcode.startsWith(parent) && unit.parent !== parent) {
      fail(field, 'pcodeNotUnder', { pcode: result.pcode, parent });
      return null;
    }
    return result.pcode;
  };

  const choice = <T extends string>(field: 'populationGroup' | 'reason' | 'locationType' | 'settlementType', fallback: T | null): T | null => {
    const raw = text(field);
    if (raw === '') return fallback;
    const value = readChoice(field, raw);
    if (value === null) {
      fail(field, 'unknownValue', { accepted: acceptedValues(field) });
      return null;
    }
    return value as T;
  };

  // Where: admin units first, so later rules can name them.
  let admin2 = pcode('admin2Pcode', 2, null);
  const admin1Given = pcode('admin1Pcode', 1, null);
  const admin3 = pcode('admin3Pcode', 3, admin2);
  if (admin2 === null && admin3 !== null) admin2 = rules.units.get(admin3)?.parent ?? null;
  if (admin2 === null && !findings.some((issue) => issue.column === header('admin2Pcode'))) fail('admin2Pcode', 'missingValue');
  const admin1 = admin2 === null ? admin1Given : (rules.units.get(admin2)?.parent ?? admin1Given);
  if (admin1Given !== null && admin1 !== null && admin1Given !== admin1) fail('admin2Pcode', 'pcodeNotUnder', { pcode: admin2 ?? '', parent: admin1Given });
  let originAdmin1 = pcode('originAdmin1Pcode', 1, null);
  let originAdmin2 = pcode('originAdmin2Pcode', 2, originAdmin1);
  const warnings: Finding[] = [];
  for (const [field, level] of [['originAdmin1Name', 1], ['originAdmin2Name', 2]] as const) {
    const name = text(field);
    if (name === '' || (level === 1 ? originAdmin1 : originAdmin2) !== null) continue;
    const matched = originByName(name, level, rules, level === 2 ? originAdmin1 : null);
    if (matched.pcode === null) warnings.push(finding(row.row, header(field), name, 'originNotMatched', matched.params ?? {}));
    else if (level === 1) originAdmin1 = matched.pcode;
    else originAdmin2 = matched.pcode;
  }

  // What: the counts of each population group the row carries, then parts against totals.
  const measureField = (prefix: string, measure: MeasureField): RoundField => `${prefix}${measure}` as RoundField;
  const hasAny = (prefix: string): boolean =>
    (['households', 'individuals', 'females', 'males', ...AGE_BAND_FIELDS, ...AGE_ONLY_FIELDS] as MeasureField[]).some((measure) => text(measureField(prefix, measure)) !== '');
  const mainMapped = (['individuals', 'households', 'females', 'males', ...AGE_BAND_FIELDS, ...AGE_ONLY_FIELDS] as MeasureField[]).some((measure) => columns[measure] !== undefined);
  const prefixes: Array<{ prefix: string; group: PopulationGroup | null }> = [
    ...(mainMapped ? [{ prefix: '', group: null }] : []),
    ...SIDE_GROUPS.filter((group) => columns[`${group}:individuals` as RoundField] !== undefined || hasAny(`${group}:`)).map((group) => ({ prefix: `${group}:`, group })),
  ];
  const present = prefixes.filter(({ prefix }) => hasAny(prefix));
  // A row with no count at all is missing its (main) individuals, as before.
  const counted = present.length > 0 ? present : prefixes.slice(0, 1);

  const group = choice<PopulationGroup>('populationGroup', 'idp');
  const reason = choice<Reason>('reason', 'not-reported');
  const defaultType: LocationType = rules.assessmentType === 'BA' ? 'admin-area' : 'village';
  const locationType = choice<LocationType>('locationType', defaultType);
  const settlementType = choice<SettlementType>('settlementType', null);

  const latitude = parseCoordinate(at('latitude'), 90);
  const longitude = parseCoordinate(at('longitude'), 180);
  if (latitude === 'invalid') fail('latitude', 'badCoordinates');
  if (longitude === 'invalid') fail('longitude', 'badCoordinates');

  const assessedOn = parseDate(at('assessmentDate'));
  if (assessedOn === 'invalid') fail('assessmentDate', 'badDate');

  interface Counts {
    group: PopulationGroup;
    prefix: string;
    households: number | null;
    individuals: number | null;
    females: number | null;
    males: number | null;
    bands: Record<AgeBandField, number | null>;
    ages: Record<AgeOnlyField, number | null>;
  }
  const groups: Counts[] = counted.map(({ prefix, group: fixed }) => {
    const field = (measure: MeasureField): RoundField => measureField(prefix, measure);
    const individuals = count(field('individuals'));
    if (individuals === null && !findings.some((issue) => issue.column === header(field('individuals')))) fail(field('individuals'), 'missingValue');
    const households = count(field('households'));
    const females = count(field('females'));
    const males = count(field('males'));
    const bands = {} as Record<AgeBandField, number | null>;
    for (const band of AGE_BAND_FIELDS) bands[band] = count(field(band));
    const ages = {} as Record<AgeOnlyField, number | null>;
    for (const age of AGE_ONLY_FIELDS) ages[age] = count(field(age));
    const checkFail = (part: MeasureField | null, params: Record<string, string | number>): void =>
      fail(part === null ? null : field(part), 'partsAboveTotal', fixed === null ? params : { ...params, group: fixed });
    if (individuals !== null) {
      const femaleBands = sumOf(bands, ['f1', 'f2', 'f3', 'f4', 'f5']);
      const maleBands = sumOf(bands, ['m1', 'm2', 'm3', 'm4', 'm5']);
      const ageParts = sumOf(ages, AGE_ONLY_FIELDS);
      if (females !== null && females > individuals) checkFail('females', { part: females, total: individuals });
      else if (males !== null && males > individuals) checkFail('males', { part: males, total: individuals });
      else if (females !== null && males !== null && females + males > individuals) checkFail(null, { part: females + males, total: individuals });
      else if (households !== null && households > individuals) checkFail('households', { part: households, total: individuals });
      else if (femaleBands !== null && females !== null && femaleBands > females) checkFail('females', { part: femaleBands, total: females });
      else if (maleBands !== null && males !== null && maleBands > males) checkFail('males', { part: maleBands, total: males });
      else if ((femaleBands ?? 0) + (maleBands ?? 0) > individuals) checkFail(null, { part: (femaleBands ?? 0) + (maleBands ?? 0), total: individuals });
      else if (ageParts !== null && ageParts > individuals) checkFail(null, { part: ageParts, total: individuals });
    }
    return { group: fixed ?? group ?? 'idp', prefix, households, individuals, females, males, bands, ages };
  });

  const blocked = findings.some((issue) => issue.severity === 'error');
  if (blocked || admin2 === null || admin1 === null || group === null || reason === null || locationType === null || groups.some((counts) => counts.individuals === null)) {
    return { figures: [], findings };
  }
  findings.push(...warnings);

  const lat = typeof latitude === 'number' ? latitude : null;
  const lon = typeof longitude === 'number' ? longitude : null;
  if (lat !== null && lon !== null && rules.insideAdmin2) {
    const inside = rules.insideAdmin2(admin2, lon, lat);
    if (inside === false) findings.push(finding(row.row, header('latitude'), `${lat}, ${lon}`, 'outsideAdminUnit', { pcode: admin2 }));
  }
  const date = assessedOn !== null && assessedOn !== 'invalid' ? assessedOn.date : null;
  if (date !== null && ((rules.collectionStart !== null && date < rules.collectionStart) || (rules.collectionEnd !== null && date > rules.collectionEnd))) {
    findings.push(
      finding(row.row, header('assessmentDate'), date, 'dateOutsidePeriod', { start: rules.collectionStart ?? '…', end: rules.collectionEnd ?? '…' }),
    );
  }

  const finest = admin3 ?? admin2;
  const locationName = text('locationName') || (rules.units.get(finest)?.name ?? finest);
  const code = text('locationCode');
  const locationCode = code !== '' ? code.slice(0, 100) : locationType === 'admin-area' ? finest : `${finest}-${foldHeader(locationName).slice(0, 80)}`;
  const arrival = text('arrivalPeriod');

  const figures = groups.map((counts): StagedFigure => {
    const individuals = counts.individuals!;
    const { households, females, males, bands, ages } = counts;
    const columnOf = (measure: MeasureField): string | null => header(measureField(counts.prefix, measure));
    const warn = (column: string | null, value: string, rule: Rule, params: Record<string, string | number>): void => {
      findings.push(finding(row.row, column, value, rule, counts.prefix === '' ? params : { ...params, group: counts.group }));
    };
    // Warnings: the row is stored, a reviewer decides.
    if (females !== null && males !== null && females + males !== individuals) {
      warn(columnOf('individuals'), String(individuals), 'partsDoNotSum', { parts: females + males, total: individuals });
    } else {
      for (const [sex, total] of [['f', females], ['m', males]] as const) {
        const sum = sumOf(bands, sex === 'f' ? ['f1', 'f2', 'f3', 'f4', 'f5'] : ['m1', 'm2', 'm3', 'm4', 'm5']);
        if (sum !== null && total !== null && sum !== total) warn(columnOf(sex === 'f' ? 'females' : 'males'), String(total), 'partsDoNotSum', { parts: sum, total });
      }
    }
    const ageParts = sumOf(ages, AGE_ONLY_FIELDS);
    if (ageParts !== null && ageParts !== individuals) warn(columnOf('individuals'), String(individuals), 'partsDoNotSum', { parts: ageParts, total: individuals });
    if (households !== null && households > 0 && individuals > 0) {
      const size = individuals / households;
      if (size < rules.householdSizeMin || size > rules.householdSizeMax) {
        warn(columnOf('households'), String(households), 'householdSize', { size: Math.round(size * 10) / 10, min: rules.householdSizeMin, max: rules.householdSizeMax });
      }
    }
    return {
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
      originAdmin1Pcode: originAdmin1 ?? (originAdmin2 === null ? null : (rules.units.get(originAdmin2)?.parent ?? null)),
      originAdmin2Pcode: originAdmin2,
      arrivalPeriod: (arrival === '' ? null : (parseArrivalPeriod(arrival) ?? arrival.slice(0, 40))) || null,
      assessedOn: date,
    };
  });
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

/** The same location (and population group) twice in one round is an error on the second row. */
export class DuplicateCheck {
  private readonly seen = new Map<string, number>();

  check(figure: StagedFigure, locationHeader: string | null): Finding | null {
    const key = `${figure.locationCode}\u001f${figure.populationGroup}`;
    const first = this.seen.get(key);
    if (first !== undefined) return finding(figure.sourceRow, locationHeader, figure.locationCode, 'duplicateLocation', { firstRow: first });
    this.seen.set(key, figure.sourceRow);
    return null;
  }
}
