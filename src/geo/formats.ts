/**
 * Parsers for the geography files people upload: the HDX global P-code gazetteer, COD-AB
 * boundaries (GeoJSON or TopoJSON), COD-PS population tables and the P-code length table.
 * Pure functions: text in, checked records and refused rows out; nothing touches the database.
 * Every refusal is a catalogue code so that the user reads row, column, value and reason in
 * their language; a file the server cannot even read is an AppError.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { feature } from 'topojson-client';
import { topology } from 'topojson-server';
import { presimplify, quantile, simplify } from 'topojson-simplify';
import type { GeometryObject, Objects, Topology } from 'topojson-specification';
import { AppError, type ErrorCode, type ErrorParams } from '../core/errors.js';
import { isMissingMarker, presentText, trimCell } from '../core/cells.js';
import { decodeText, headerKey, parseCsv, rowIssue, stripBom, truncateForEcho, type RowIssue } from '../core/tabular.js';
import { parseJsonDocument } from '../core/json.js';
import { isCalendarDate } from '../shared/dates.js';
import { iso3ToIso2, normalisePcode, parentOf, SCHEMES, type PcodeScheme } from './pcode.js';
import { orientRfc7946 } from './rings.js';

export type GeoFormat = 'gazetteer' | 'boundaries' | 'population' | 'pcode-lengths';

export type BoundaryGeometry = Polygon | MultiPolygon;

export interface GazetteerUnit {
  row: number;
  pcode: string;
  level: number;
  name: string;
  /** The enclosing unit (the country's ISO2 for admin1); null for a country row. */
  parentPcode: string | null;
  /** ISO2. */
  country: string;
  /** YYYY-MM-DD. */
  validFrom: string;
}

export interface BoundaryUnit {
  /** 1-based index of the feature in the file. */
  row: number;
  pcode: string;
  level: number;
  name: string | null;
  altNames: string[];
  parentPcode: string | null;
  validFrom: string | null;
  /** As in the file (third coordinates dropped, rings closed). */
  geometry: BoundaryGeometry;
  /** For maps: shared borders simplified once for the whole file, so neighbours still touch. */
  simplified: BoundaryGeometry;
  /** [west, south, east, north] of the full geometry. */
  bbox: [number, number, number, number];
  /** Positions of the full geometry. */
  vertexCount: number;
}

export interface BoundaryPropertyNames {
  pcode: string;
  name: string | null;
  /** Properties read as alternative names: other-language names, then `…AltName…` columns. */
  altNames: string[];
  parent: string | null;
  validOn: string | null;
}

export interface ParsedBoundaries {
  level: number;
  units: BoundaryUnit[];
  refused: RowIssue[];
  /** The validity date most features carry; null when the file has none. */
  validFrom: string | null;
  propertyNames: BoundaryPropertyNames;
}

export interface PopulationUnit {
  row: number;
  pcode: string;
  level: number;
  name: string | null;
  total: number;
  female: number | null;
  male: number | null;
  /** Sex × age-band columns with lower-cased keys as in the file (`f_00_04`, `m_80plus`, `t_05_09`). */
  byAgeSex: Record<string, number>;
  year: number | null;
}

export interface ParsedPopulation {
  /** The year shared by every row, or null when rows have none or disagree (see each unit's year). */
  year: number | null;
  units: PopulationUnit[];
  refused: RowIssue[];
}

export interface PcodeOptions {
  /** P-code schemes to read codes with; defaults to the built-in Burkina Faso, Mali, Niger. */
  schemes?: Readonly<Record<string, PcodeScheme>>;
}

export interface PopulationOptions extends PcodeOptions {
  /**
   * Reads this admin level instead of the deepest one in the header. Needed for tables whose
   * header names a deeper level than the rows hold: HDX's BFA admin0 table carries ADM1 columns
   * filled with one region, which would otherwise read as that region's population.
   */
  level?: number;
}

export interface BoundaryOptions extends PcodeOptions {
  /** Total positions in the file (default 2,000,000). */
  maxVertices?: number;
  /** Features in the file (default 20,000). */
  maxFeatures?: number;
  /** Positions in one feature (default 500,000). */
  maxFeatureVertices?: number;
  /** Share of the simplifiable points kept for map geometry (default 0.15). */
  keepRatio?: number;
  /** The property holding the units' P-codes, when detection cannot tell (overrides it). */
  pcodeProperty?: string;
  /** The property holding the units' names (overrides detection). */
  nameProperty?: string;
}

export const DEFAULT_MAX_VERTICES = 2_000_000;
export const DEFAULT_MAX_FEATURES = 20_000;
export const DEFAULT_MAX_FEATURE_VERTICES = 500_000;
const DEFAULT_KEEP_RATIO = 0.15;
/** ~1 m at the equator: finer than any admin map needs, and it halves the stored JSON. */
const SIMPLIFIED_DECIMALS = 5;
/** Quantisation of the simplification topology: ~2 m on a Mali-sized box, merging near-identical border points. */
const SIMPLIFY_QUANTIZATION = 1e6;
/** A level "is" the file's level when at least this share of features carry its P-code. */
const LEVEL_COVERAGE = 0.9;

const ACCEPTED_FORMATS = [
  'GeoJSON / TopoJSON (COD-AB)',
  'CSV global P-codes (Location, Admin Level, P-Code…)',
  'CSV COD-PS (ADMn_PCODE, T_TL…)',
  'CSV global_pcode_lengths',
].join(', ');

// ---------------------------------------------------------------------------------------------
// Small shared readers
// ---------------------------------------------------------------------------------------------

function clean(value: string | undefined): string {
  return trimCell(value ?? '');
}

/** YYYY-MM-DD (optionally followed by a time) checked against the calendar, or null. */
export function parseIsoDate(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(value.trim());
  if (match === null) return null;
  const date = `${match[1]}-${match[2]}-${match[3]}`;
  return isCalendarDate(date) ? date : null;
}

/** Epoch milliseconds (how ArcGIS exports `validOn`) to a date, within years anyone can mean. */
function dateFromEpochMs(ms: number): string | null {
  if (!Number.isFinite(ms)) return null;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 1800 || year > 2200) return null;
  return date.toISOString().slice(0, 10);
}

type DateReading = { kind: 'absent' } | { kind: 'date'; date: string } | { kind: 'invalid'; text: string };

function readDate(value: unknown): DateReading {
  if (value === null || value === undefined) return { kind: 'absent' };
  if (typeof value === 'number') {
    const date = dateFromEpochMs(value);
    return date === null ? { kind: 'invalid', text: String(value) } : { kind: 'date', date };
  }
  if (typeof value !== 'string') return { kind: 'invalid', text: describeJson(value) };
  const text = clean(value);
  if (isMissingMarker(text)) return { kind: 'absent' };
  const date = /^\d{10,}$/.test(text) ? dateFromEpochMs(Number(text)) : parseIsoDate(text);
  return date === null ? { kind: 'invalid', text } : { kind: 'date', date };
}

/**
 * Counts as written in CSV files: digits, an optional decimal point or exponent (pandas exports);
 * spaces as thousands separators are forgiven. A decimal comma is refused rather than guessed,
 * since `1,234` may be either.
 */
type NumberReading = { kind: 'absent' } | { kind: 'number'; value: number } | { kind: 'invalid'; text: string };

function readCount(value: string | undefined): NumberReading {
  const text = presentText(value);
  if (text === null) return { kind: 'absent' };
  const compact = text.replace(/[\s\u00A0\u202F]/g, '');
  if (!/^[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/.test(compact)) return { kind: 'invalid', text };
  const number = Number(compact);
  return Number.isFinite(number) ? { kind: 'number', value: number } : { kind: 'invalid', text };
}

/** A short, safe rendering of any JSON value for messages: never walks into nested content. */
function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return truncateForEcho(JSON.stringify(value));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[…${value.length}]`;
  if (typeof value === 'object') return '{…}';
  return typeof value;
}

function describePosition(position: unknown): string {
  if (!Array.isArray(position)) return describeJson(position);
  const parts: unknown[] = position.slice(0, 3);
  return `[${parts.map(describeJson).join(', ')}${position.length > 3 ? ', …' : ''}]`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A property value as text, or null when absent, a missing marker, or not a scalar. */
function propertyText(value: unknown): string | null {
  if (typeof value === 'string') {
    const text = clean(value);
    return isMissingMarker(text) ? null : text;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

type PcodeCheck = { ok: true; pcode: string; country: string; level: number } | { ok: false; issue: RowIssue };

function checkPcode(
  row: number,
  column: string,
  value: unknown,
  schemes: Readonly<Record<string, PcodeScheme>>,
): PcodeCheck {
  const result = normalisePcode(value, schemes);
  const echo = typeof value === 'string' ? value : value === null || value === undefined ? null : describeJson(value);
  switch (result.status) {
    case 'ok':
      return { ok: true, pcode: result.pcode, country: result.country, level: result.level };
    case 'missing':
      return { ok: false, issue: rowIssue(row, column, echo, 'geo.import.pcodeMissing') };
    case 'ambiguous':
      return {
        ok: false,
        issue: rowIssue(row, column, echo, 'geo.import.pcodeAmbiguous', {
          value: result.input,
          candidates: result.candidates.join(', '),
        }),
      };
    case 'invalid':
      return {
        ok: false,
        issue: rowIssue(row, column, echo, 'geo.import.pcodeInvalid', { value: result.input, reason: result.reason }),
      };
  }
}

/** Finds a column by any of the given header keys (see headerKey), in order of preference. */
function findColumn(header: readonly string[], keys: readonly string[]): string | null {
  for (const key of keys) {
    const found = header.find((name) => headerKey(name) === key);
    if (found !== undefined) return found;
  }
  return null;
}

function requireColumns(header: readonly string[], wanted: Record<string, string | null>): void {
  const missing = Object.entries(wanted)
    .filter(([, column]) => column === null)
    .map(([label]) => label);
  if (missing.length > 0) {
    throw new AppError('import.missingColumns', {
      columns: missing.join(', '),
      found: truncateForEcho(header.join(', ')),
    });
  }
}

/** The header line, capped so that a one-line multi-megabyte file is not parsed just to be named. */
function firstLine(text: string): string {
  const end = text.search(/\r?\n/);
  return (end === -1 ? text : text.slice(0, end)).slice(0, 64 * 1024);
}

// ---------------------------------------------------------------------------------------------
// Format detection
// ---------------------------------------------------------------------------------------------

const POPULATION_TOTAL_KEYS = ['ttl', 'total', 'totalpop', 'pop', 'population', 'tpop', 'poptotal', 'totpop'];

function isAdminPcodeHeader(key: string): boolean {
  return /^adm(?:in)?\dpcode$/.test(key);
}

/**
 * Says which geography file this is, from its content: the extension only names the file in
 * the message, since people rename files and spreadsheets save `.csv` with any content.
 */
export function detectGeoFormat(bytes: Uint8Array, fileName?: string): GeoFormat {
  const text = stripBom(decodeText(bytes));
  const start = text.trimStart();
  if (start === '') throw new AppError('import.empty');
  const unknown = (): AppError =>
    new AppError('import.unknownFormat', { file: truncateForEcho(fileName ?? '—', 120), accepted: ACCEPTED_FORMATS });

  if (start.startsWith('{') || start.startsWith('[')) {
    // A regex instead of JSON.parse: detection must stay cheap on a large file, and a truncated
    // one should reach parseBoundaries, which says where it breaks.
    if (/"type"\s*:\s*"(?:Topology|FeatureCollection|Feature)"/.test(text)) return 'boundaries';
    throw unknown();
  }

  let header: string[];
  try {
    header = parseCsv(firstLine(start)).header;
  } catch {
    throw unknown();
  }
  const keys = new Set(header.map(headerKey));
  if (keys.has('pcode') && keys.has('adminlevel')) return 'gazetteer';
  if (keys.has('countrylength')) return 'pcode-lengths';
  if ([...keys].some(isAdminPcodeHeader) && POPULATION_TOTAL_KEYS.some((key) => keys.has(key))) return 'population';
  throw unknown();
}

// ---------------------------------------------------------------------------------------------
// Gazetteer (HDX global P-codes)
// ---------------------------------------------------------------------------------------------

/**
 * Reads the HDX global P-code table (`Location, Admin Level, P-Code, Name, Parent P-Code,
 * Valid from date`). Admin0 rows are parsed when present, never invented: the caller owns the
 * country units. Each refused row gets one issue per problem found.
 */
export function parseGazetteer(text: string, options: PcodeOptions = {}): { units: GazetteerUnit[]; refused: RowIssue[] } {
  const schemes = options.schemes ?? SCHEMES;
  const csv = parseCsv(stripBom(text));
  const columns = {
    'P-Code': findColumn(csv.header, ['pcode']),
    'Admin Level': findColumn(csv.header, ['adminlevel', 'level']),
    Name: findColumn(csv.header, ['name', 'nom']),
    'Valid from date': findColumn(csv.header, ['validfromdate', 'validfrom', 'validon']),
  };
  requireColumns(csv.header, columns);
  const pcodeColumn = columns['P-Code'] ?? '';
  const levelColumn = columns['Admin Level'] ?? '';
  const nameColumn = columns.Name ?? '';
  const dateColumn = columns['Valid from date'] ?? '';
  const locationColumn = findColumn(csv.header, ['location', 'country', 'iso3']);
  const parentColumn = findColumn(csv.header, ['parentpcode', 'parent']);
  if (csv.records.length === 0 && csv.refused.length === 0) throw new AppError('import.empty');

  const units: GazetteerUnit[] = [];
  const refused: RowIssue[] = [...csv.refused];
  const firstRowOf = new Map<string, number>();

  for (const { row, values } of csv.records) {
    const issues: RowIssue[] = [];
    const rawPcode = values[pcodeColumn] ?? '';
    const pcode = checkPcode(row, pcodeColumn, rawPcode, schemes);
    if (!pcode.ok) issues.push(pcode.issue);

    const levelText = clean(values[levelColumn]);
    const level = /^\d{1,2}$/.test(levelText) ? Number(levelText) : null;
    if (level === null) {
      issues.push(rowIssue(row, levelColumn, levelText, 'geo.import.levelInvalid', { value: levelText }));
    } else if (pcode.ok && level !== pcode.level) {
      issues.push(
        rowIssue(row, levelColumn, levelText, 'geo.import.levelMismatch', { pcode: pcode.pcode, level, pcodeLevel: pcode.level }),
      );
    }

    if (locationColumn !== null && pcode.ok) {
      const location = presentText(values[locationColumn]);
      if (location !== null) {
        const iso2 = location.length === 2 ? location.toUpperCase() : iso3ToIso2(location);
        if (iso2 === undefined) {
          issues.push(rowIssue(row, locationColumn, location, 'geo.import.countryInvalid', { value: location }));
        } else if (iso2 !== pcode.country) {
          issues.push(
            rowIssue(row, locationColumn, location, 'geo.import.countryMismatch', {
              country: location,
              pcode: pcode.pcode,
              expected: pcode.country,
            }),
          );
        }
      }
    }

    const expectedParent = pcode.ok && pcode.level > 0 ? (parentOf(pcode.pcode, schemes) ?? null) : null;
    if (parentColumn !== null && pcode.ok && pcode.level > 0) {
      const parentText = presentText(values[parentColumn]);
      if (parentText !== null) {
        const parent = normalisePcode(parentText, schemes);
        if (parent.status !== 'ok') {
          issues.push(rowIssue(row, parentColumn, parentText, 'geo.import.parentInvalid', { value: parentText }));
        } else if (parent.pcode !== expectedParent) {
          issues.push(
            rowIssue(row, parentColumn, parentText, 'geo.import.parentMismatch', {
              parent: parentText,
              pcode: pcode.pcode,
              expected: expectedParent ?? '—',
            }),
          );
        }
      }
    }

    const name = presentText(values[nameColumn]);
    if (name === null) issues.push(rowIssue(row, nameColumn, values[nameColumn] ?? '', 'geo.import.nameMissing'));

    const dateText = clean(values[dateColumn]);
    const validFrom = parseIsoDate(dateText);
    if (validFrom === null) {
      issues.push(
        dateText === ''
          ? rowIssue(row, dateColumn, dateText, 'import.valueMissing', { column: dateColumn })
          : rowIssue(row, dateColumn, dateText, 'import.dateInvalid', { value: dateText }),
      );
    }

    if (pcode.ok) {
      const firstRow = firstRowOf.get(pcode.pcode);
      if (firstRow !== undefined) {
        issues.push(rowIssue(row, pcodeColumn, rawPcode, 'geo.import.duplicatePcode', { pcode: pcode.pcode, firstRow }));
      } else {
        firstRowOf.set(pcode.pcode, row);
      }
    }

    if (issues.length > 0 || !pcode.ok || name === null || validFrom === null) {
      refused.push(...issues);
      continue;
    }
    units.push({
      row,
      pcode: pcode.pcode,
      level: pcode.level,
      name,
      parentPcode: expectedParent,
      country: pcode.country,
      validFrom,
    });
  }
  return { units, refused: sortIssues(refused) };
}

function sortIssues(issues: RowIssue[]): RowIssue[] {
  return issues.sort((a, b) => a.row - b.row);
}

// ---------------------------------------------------------------------------------------------
// Population (COD-PS)
// ---------------------------------------------------------------------------------------------

const AGE_SEX_COLUMN = /^[fmt]_\d{1,3}_\d{1,3}$|^[fmt]_\d{1,3}(?:plus|\+)$/;

/**
 * Reads a COD-PS table (BFA `ADM2_PCODE, ADM2_FR, T_TL, F_TL, M_TL, F_00_04…, year`; MLI
 * `admin2Pcode, admin2Name_fr, …` with `<Null>` cells). The deepest admin level named in the
 * header is the table's level (COD-PS repeats the parents' columns on every row) unless
 * `options.level` says otherwise.
 */
export function parsePopulation(text: string, options: PopulationOptions = {}): ParsedPopulation {
  const schemes = options.schemes ?? SCHEMES;
  const csv = parseCsv(stripBom(text));

  let level = -1;
  let pcodeColumn: string | null = null;
  for (const name of csv.header) {
    const match = /^adm(?:in)?(\d)pcode$/.exec(headerKey(name));
    if (match === null) continue;
    const columnLevel = Number(match[1]);
    if (options.level !== undefined ? columnLevel === options.level : columnLevel > level) {
      level = columnLevel;
      pcodeColumn = name;
    }
  }
  const totalColumn = findColumn(csv.header, POPULATION_TOTAL_KEYS);
  requireColumns(csv.header, { 'ADMn_PCODE / adminNPcode': pcodeColumn, T_TL: totalColumn });
  const pcodeKey = pcodeColumn ?? '';
  const totalKey = totalColumn ?? '';
  const nameColumn = findColumn(csv.header, [
    `admin${level}namefr`,
    `adm${level}fr`,
    `adm${level}namefr`,
    `admin${level}name`,
    `adm${level}name`,
    `adm${level}en`,
    `admin${level}nameen`,
  ]);
  const femaleColumn = findColumn(csv.header, ['ftl', 'female', 'females', 'women']);
  const maleColumn = findColumn(csv.header, ['mtl', 'male', 'males', 'men']);
  const yearColumn = findColumn(csv.header, ['year', 'annee', 'année', 'referenceyear', 'refyear']);
  const ageSexColumns = csv.header.filter((name) => AGE_SEX_COLUMN.test(name.trim().toLowerCase()));
  if (csv.records.length === 0 && csv.refused.length === 0) throw new AppError('import.empty');

  const units: PopulationUnit[] = [];
  const refused: RowIssue[] = [...csv.refused];
  const firstRowOf = new Map<string, number>();

  const readNumber = (row: number, column: string, value: string | undefined, issues: RowIssue[]): number | null => {
    const reading = readCount(value);
    if (reading.kind === 'absent') return null;
    if (reading.kind === 'invalid') {
      issues.push(rowIssue(row, column, reading.text, 'import.notANumber', { value: reading.text }));
      return null;
    }
    if (reading.value < 0) {
      issues.push(rowIssue(row, column, clean(value), 'import.negativeNumber', { value: reading.value }));
      return null;
    }
    return reading.value;
  };

  for (const { row, values } of csv.records) {
    const issues: RowIssue[] = [];
    const rawPcode = values[pcodeKey] ?? '';
    const pcode = checkPcode(row, pcodeKey, rawPcode, schemes);
    if (!pcode.ok) issues.push(pcode.issue);
    else if (pcode.level !== level) {
      issues.push(rowIssue(row, pcodeKey, rawPcode, 'geo.import.levelMismatch', { pcode: pcode.pcode, level, pcodeLevel: pcode.level }));
    }

    const total = readNumber(row, totalKey, values[totalKey], issues);
    if (total === null && readCount(values[totalKey]).kind === 'absent') {
      issues.push(rowIssue(row, totalKey, clean(values[totalKey]), 'import.valueMissing', { column: totalKey }));
    }
    const female = femaleColumn === null ? null : readNumber(row, femaleColumn, values[femaleColumn], issues);
    const male = maleColumn === null ? null : readNumber(row, maleColumn, values[maleColumn], issues);
    if (total !== null && (female !== null || male !== null)) {
      const parts = (female ?? 0) + (male ?? 0);
      // Tolerance for decimal estimates whose float sum lands a hair above the total.
      if (parts > total * (1 + 1e-9) + 1e-9) {
        issues.push(rowIssue(row, totalKey, clean(values[totalKey]), 'geo.import.partsExceedTotal', { total, parts }));
      }
    }

    const byAgeSex: Record<string, number> = {};
    for (const column of ageSexColumns) {
      const value = readNumber(row, column, values[column], issues);
      if (value !== null) byAgeSex[column.trim().toLowerCase()] = value;
    }

    let year: number | null = null;
    if (yearColumn !== null) {
      const yearText = presentText(values[yearColumn]);
      if (yearText !== null) {
        if (/^\d{4}$/.test(yearText) && Number(yearText) >= 1900 && Number(yearText) <= 2200) year = Number(yearText);
        else issues.push(rowIssue(row, yearColumn, yearText, 'geo.import.yearInvalid', { value: yearText }));
      }
    }

    if (pcode.ok) {
      const firstRow = firstRowOf.get(pcode.pcode);
      if (firstRow !== undefined) {
        issues.push(rowIssue(row, pcodeKey, rawPcode, 'geo.import.duplicatePcode', { pcode: pcode.pcode, firstRow }));
      } else {
        firstRowOf.set(pcode.pcode, row);
      }
    }

    if (issues.length > 0 || !pcode.ok || total === null) {
      refused.push(...issues);
      continue;
    }
    units.push({
      row,
      pcode: pcode.pcode,
      level: pcode.level,
      name: nameColumn === null ? null : presentText(values[nameColumn]),
      total,
      female,
      male,
      byAgeSex,
      year,
    });
  }

  const years = new Set(units.map((unit) => unit.year));
  const [onlyYear] = years;
  return { year: years.size === 1 && onlyYear !== undefined ? onlyYear : null, units, refused: sortIssues(refused) };
}

// ---------------------------------------------------------------------------------------------
// P-code lengths
// ---------------------------------------------------------------------------------------------

/** Rows of HDX `global_pcode_lengths.csv`, keyed by the file's headers, for `loadSchemesFromLengthsCsv`. */
export function parsePcodeLengths(text: string): Array<Record<string, string>> {
  const csv = parseCsv(stripBom(text));
  requireColumns(csv.header, {
    Location: findColumn(csv.header, ['location']),
    'Country Length': findColumn(csv.header, ['countrylength']),
  });
  const [firstRefused] = csv.refused;
  // A reference table is used whole or not at all: one shifted row would give a country wrong lengths.
  if (firstRefused !== undefined) throw new AppError('import.malformedCsv', { row: firstRefused.row });
  if (csv.records.length === 0) throw new AppError('import.empty');
  return csv.records.map((record) => record.values);
}

// ---------------------------------------------------------------------------------------------
// Boundaries: geometry checks
// ---------------------------------------------------------------------------------------------

/** Positions a geometry claims, read from array lengths only: cheap enough to run before anything else. */
function countGeoJsonVertices(geometry: unknown): number {
  if (!isRecord(geometry)) return 0;
  const coordinates = geometry.coordinates;
  if (!Array.isArray(coordinates)) return 0;
  const countRings = (rings: unknown): number => {
    if (!Array.isArray(rings)) return 0;
    let total = 0;
    for (const ring of rings) if (Array.isArray(ring)) total += ring.length;
    return total;
  };
  if (geometry.type === 'Polygon') return countRings(coordinates);
  if (geometry.type === 'MultiPolygon') {
    let total = 0;
    for (const polygon of coordinates) total += countRings(polygon);
    return total;
  }
  return 0;
}

type GeometryCheck =
  | { ok: true; geometry: BoundaryGeometry; bbox: [number, number, number, number]; vertexCount: number }
  | { ok: false; code: ErrorCode; params: ErrorParams; value: string | null };

function positionFailure(code: ErrorCode, position: unknown): GeometryCheck {
  const shown = describePosition(position);
  return { ok: false, code, params: { value: shown }, value: shown };
}

function closeRing(ring: Position[]): void {
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first !== undefined && last !== undefined && (first[0] !== last[0] || first[1] !== last[1])) {
    ring.push([first[0] ?? 0, first[1] ?? 0]);
  }
}

/**
 * Validates a Polygon/MultiPolygon at fixed depth (never recursively, so nesting depth cannot
 * matter), keeps longitude/latitude only, and closes open rings — a common slip of hand-made
 * files that changes nothing about the shape.
 */
function checkGeometry(geometry: unknown): GeometryCheck {
  if (geometry === null || geometry === undefined) return { ok: false, code: 'geo.import.geometryMissing', params: {}, value: null };
  if (!isRecord(geometry)) return { ok: false, code: 'geo.import.geometryInvalid', params: {}, value: describeJson(geometry) };
  const type = geometry.type;
  if (type !== 'Polygon' && type !== 'MultiPolygon') {
    const shown = typeof type === 'string' ? truncateForEcho(type, 40) : describeJson(type);
    return { ok: false, code: 'geo.import.geometryType', params: { type: shown }, value: shown };
  }
  const invalid: GeometryCheck = { ok: false, code: 'geo.import.geometryInvalid', params: {}, value: null };
  const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  let vertexCount = 0;
  let failure: GeometryCheck | null = null;

  const readRing = (ring: unknown): Position[] | null => {
    if (!Array.isArray(ring)) return null;
    const out: Position[] = [];
    for (const position of ring as unknown[]) {
      if (!Array.isArray(position) || position.length < 2) {
        failure = positionFailure('geo.import.coordinateInvalid', position);
        return null;
      }
      const [x, y] = position as unknown[];
      if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
        failure = positionFailure('geo.import.coordinateInvalid', position);
        return null;
      }
      if (x < -180 || x > 180 || y < -90 || y > 90) {
        failure = positionFailure('geo.import.coordinateOutOfRange', position);
        return null;
      }
      if (x < bbox[0]) bbox[0] = x;
      if (y < bbox[1]) bbox[1] = y;
      if (x > bbox[2]) bbox[2] = x;
      if (y > bbox[3]) bbox[3] = y;
      out.push([x, y]);
    }
    closeRing(out);
    if (out.length < 4) {
      failure = { ok: false, code: 'geo.import.ringTooShort', params: { count: out.length }, value: null };
      return null;
    }
    vertexCount += out.length;
    return out;
  };

  const readPolygon = (rings: unknown): Position[][] | null => {
    if (!Array.isArray(rings) || rings.length === 0) return null;
    const out: Position[][] = [];
    for (const ring of rings as unknown[]) {
      const read = readRing(ring);
      if (read === null) return null;
      out.push(read);
    }
    return out;
  };

  const coordinates = geometry.coordinates;
  if (type === 'Polygon') {
    const polygon = readPolygon(coordinates);
    if (polygon === null) return failure ?? invalid;
    return { ok: true, geometry: { type: 'Polygon', coordinates: polygon }, bbox, vertexCount };
  }
  if (!Array.isArray(coordinates) || coordinates.length === 0) return invalid;
  const polygons: Position[][][] = [];
  for (const rings of coordinates as unknown[]) {
    const polygon = readPolygon(rings);
    if (polygon === null) return failure ?? invalid;
    polygons.push(polygon);
  }
  return { ok: true, geometry: { type: 'MultiPolygon', coordinates: polygons }, bbox, vertexCount };
}

// ---------------------------------------------------------------------------------------------
// Boundaries: property names
// ---------------------------------------------------------------------------------------------

function propertyKey(name: string): string {
  return name.toLowerCase().replace(/[\s_\-.]+/g, '');
}

// `pcod`: dBase (shapefile) field names stop at ten characters, so admin2Pcode is written admin2Pcod.
const PCODE_PROPERTY = /^adm(?:in)?(\d)pcod(?:e)?$/;
// A trailing `n`/`na`/`nam`: admin2RefName cut to ten characters (admin2RefN).
const NAME_PROPERTY = /^adm(?:in)?(\d)(name)?(fr|en|ar|es|pt|ref)?(name|nam|na|n)?$/;
const ALT_NAME_PROPERTY = /^adm(?:in)?(\d)alt(?:name|nam|na|n)?\d*(?:fr|en|ar|es|pt)?$/;

/** French first (the response works in French), then the unmarked name, English, others, the ASCII reference name. */
function nameRank(match: RegExpExecArray): number | null {
  const [, , name, language, trailingName] = match;
  if (name === undefined && language === undefined && trailingName === undefined) return null;
  if (language === 'fr') return 0;
  if (language === undefined) return 1;
  if (language === 'en') return 2;
  if (language === 'ref') return 4;
  return 3;
}

/**
 * A property that reads as the units' names: text with letters, on at least half the features,
 * nearly all different from each other (a parent's name repeats, a type or a date does not spell
 * a place). Null when none does.
 */
function nameByValues(features: readonly RawFeature[], exclude: ReadonlySet<string>): string | null {
  const texts = new Map<string, string[]>();
  for (const { properties } of features) {
    for (const [key, value] of Object.entries(properties)) {
      if (exclude.has(key) || typeof value !== 'string' || !/\p{L}{2}/u.test(value)) continue;
      const list = texts.get(key) ?? [];
      list.push(value.trim());
      texts.set(key, list);
    }
  }
  let best: { key: string; distinct: number } | null = null;
  for (const [key, list] of texts) {
    const distinct = new Set(list.map((text) => text.toLowerCase())).size;
    if (list.length < features.length * VALUE_COVERAGE || distinct < list.length * LEVEL_COVERAGE) continue;
    if (best === null || distinct > best.distinct) best = { key, distinct };
  }
  return best?.key ?? null;
}

interface RawFeature {
  row: number;
  properties: Record<string, unknown>;
  geometry: unknown;
}

interface DetectedProperties extends BoundaryPropertyNames {
  level: number;
  /** Every name property of the level, best first, for per-feature fallback. */
  nameKeys: string[];
}

/** Share of the features whose value must read as P-codes of one level for a property to be taken for one by its values. */
const VALUE_COVERAGE = 0.5;

/** How many values of each property read as P-codes, per admin level, and the values themselves (to tell copies apart). */
function pcodeValues(features: readonly RawFeature[], schemes: Readonly<Record<string, PcodeScheme>>): Map<string, { byLevel: Map<number, number>; values: string[] }> {
  const scan = new Map<string, { byLevel: Map<number, number>; values: string[] }>();
  features.forEach(({ properties }, index) => {
    for (const [key, value] of Object.entries(properties)) {
      if (typeof value !== 'string' && typeof value !== 'number') continue;
      const read = normalisePcode(value, schemes);
      if (read.status !== 'ok') continue;
      let entry = scan.get(key);
      if (entry === undefined) {
        entry = { byLevel: new Map(), values: [] };
        scan.set(key, entry);
      }
      entry.byLevel.set(read.level, (entry.byLevel.get(read.level) ?? 0) + 1);
      entry.values[index] = read.pcode;
    }
  });
  return scan;
}

function dominantLevel(byLevel: ReadonlyMap<number, number>): { level: number; count: number } | null {
  let best: { level: number; count: number } | null = null;
  for (const [level, count] of byLevel) if (best === null || count > best.count || (count === best.count && level > best.level)) best = { level, count };
  return best;
}

/**
 * Finds the P-code, parent, name and date properties. P-code properties are known by their name
 * (admin2Pcode, ADM2_PCODE, and the 10-character admin2Pcod a shapefile export leaves) or, when
 * the names say nothing, by their values: a property most of whose values read as P-codes of one
 * level. `chosen` are the properties the user named, which win over any detection.
 */
function detectProperties(
  features: readonly RawFeature[],
  schemes: Readonly<Record<string, PcodeScheme>>,
  chosen: { pcode?: string; name?: string } = {},
): DetectedProperties {
  const coverage = new Map<string, number>();
  for (const { properties } of features) {
    for (const [key, value] of Object.entries(properties)) {
      if (propertyText(value) !== null) coverage.set(key, (coverage.get(key) ?? 0) + 1);
      else if (!coverage.has(key)) coverage.set(key, 0);
    }
  }
  const listed = (): string => truncateForEcho([...coverage.keys()].join(', ') || '—');
  for (const named of [chosen.pcode, chosen.name]) {
    if (named !== undefined && !coverage.has(named)) throw new AppError('geo.import.propertyNotFound', { property: truncateForEcho(named, 80), properties: listed() });
  }

  const bestPcodeKey = new Map<number, { key: string; count: number }>();
  for (const [key, count] of coverage) {
    const match = PCODE_PROPERTY.exec(propertyKey(key));
    if (match === null) continue;
    const level = Number(match[1]);
    const best = bestPcodeKey.get(level);
    if (best === undefined || count > best.count) bestPcodeKey.set(level, { key, count });
  }
  // Properties whose names say nothing but whose values are P-codes (CODE_CERCL, pcode, Pcod_adm2…).
  const scan = pcodeValues(features, schemes);
  const byValues = new Map<number, Array<{ key: string; count: number; values: string[] }>>();
  for (const [key, entry] of scan) {
    if (PCODE_PROPERTY.test(propertyKey(key))) continue;
    const dominant = dominantLevel(entry.byLevel);
    if (dominant === null || dominant.count < Math.max(1, Math.ceil(features.length * VALUE_COVERAGE))) continue;
    const list = byValues.get(dominant.level) ?? [];
    list.push({ key, count: dominant.count, values: entry.values });
    byValues.set(dominant.level, list);
  }
  for (const [level, list] of byValues) {
    if (bestPcodeKey.has(level)) continue;
    list.sort((a, b) => b.count - a.count);
    bestPcodeKey.set(level, list[0]!);
  }

  let level: number;
  let pcode: string;
  if (chosen.pcode !== undefined) {
    const named = PCODE_PROPERTY.exec(propertyKey(chosen.pcode));
    const fromValues = dominantLevel(scan.get(chosen.pcode)?.byLevel ?? new Map<number, number>());
    const namedLevel = named !== null ? Number(named[1]) : fromValues?.level;
    if (namedLevel === undefined) throw new AppError('geo.import.propertyNotPcodes', { property: truncateForEcho(chosen.pcode, 80) });
    level = namedLevel;
    pcode = chosen.pcode;
    bestPcodeKey.set(level, { key: pcode, count: coverage.get(pcode) ?? 0 });
  } else {
    if (bestPcodeKey.size === 0) throw new AppError('geo.import.noPcodeProperty', { properties: listed() });
    const levels = [...bestPcodeKey.entries()].sort((a, b) => b[0] - a[0]);
    const threshold = Math.max(1, Math.ceil(features.length * LEVEL_COVERAGE));
    const found =
      levels.find(([, best]) => best.count >= threshold) ??
      [...levels].sort((a, b) => b[1].count - a[1].count || b[0] - a[0])[0];
    if (found === undefined) throw new AppError('geo.import.noPcodeProperty', { properties: '—' });
    [level, { key: pcode }] = found;
    // Two unnamed properties holding different codes of the same level: only the user can say which is the unit's.
    const rivals = PCODE_PROPERTY.test(propertyKey(pcode)) ? [] : (byValues.get(level) ?? []);
    const distinct = rivals.filter((rival) => rival.count >= threshold && rival.values.join('|') !== rivals[0]!.values.join('|'));
    if (distinct.length > 0) {
      throw new AppError(
        'geo.import.pcodePropertyAmbiguous',
        { level, properties: rivals.filter((rival) => rival.count >= threshold).map((rival) => rival.key).join(', ') },
        { details: { candidates: rivals.filter((rival) => rival.count >= threshold).map((rival) => rival.key) } },
      );
    }
  }

  const names: Array<{ key: string; rank: number; count: number }> = [];
  const altNames: string[] = [];
  for (const [key, count] of coverage) {
    const normalised = propertyKey(key);
    const nameMatch = NAME_PROPERTY.exec(normalised);
    if (nameMatch !== null && Number(nameMatch[1]) === level) {
      const rank = nameRank(nameMatch);
      if (rank !== null) names.push({ key, rank, count });
      continue;
    }
    const altMatch = ALT_NAME_PROPERTY.exec(normalised);
    if (altMatch !== null && Number(altMatch[1]) === level) altNames.push(key);
  }
  // A name column that is empty everywhere (e.g. admin3Name_fr all null) must not win over a filled one.
  names.sort((a, b) => Number(b.count > 0) - Number(a.count > 0) || a.rank - b.rank);
  if (chosen.name !== undefined) {
    const index = names.findIndex((entry) => entry.key === chosen.name);
    if (index >= 0) names.splice(index, 1);
    names.unshift({ key: chosen.name, rank: -1, count: coverage.get(chosen.name) ?? 0 });
  } else if (names.every((entry) => entry.count === 0)) {
    // No name property by its name (NOM_CERCLE, LIBELLE…): the text property that names most features apart.
    const guess = nameByValues(features, new Set([pcode, ...[...bestPcodeKey.values()].map((best) => best.key), ...scan.keys()]));
    if (guess !== null) names.unshift({ key: guess, rank: -1, count: coverage.get(guess) ?? 0 });
  }
  const [bestName, ...otherNames] = names;

  const parent = level > 0 ? (bestPcodeKey.get(level - 1)?.key ?? null) : null;
  let validOn: string | null = null;
  for (const preferred of ['validon', 'validfrom', 'date']) {
    validOn = [...coverage.keys()].find((key) => propertyKey(key) === preferred) ?? null;
    if (validOn !== null) break;
  }

  return {
    level,
    pcode,
    name: bestName?.key ?? null,
    nameKeys: names.map((entry) => entry.key),
    altNames: [...otherNames.map((entry) => entry.key), ...altNames.sort()],
    parent,
    validOn,
  };
}

// ---------------------------------------------------------------------------------------------
// Boundaries: reading GeoJSON and TopoJSON into raw features
// ---------------------------------------------------------------------------------------------

interface Limits {
  maxVertices: number;
  maxFeatures: number;
  maxFeatureVertices: number;
}

/**
 * Refuses files too big to process safely. `perFeature` and `total` come from array lengths
 * only, so this runs before any per-point work; the total is separate because a topology can
 * hold arcs no feature uses.
 */
function enforceLimits(perFeature: readonly number[], total: number, limits: Limits): void {
  let largest = 0;
  let largestRow = 0;
  perFeature.forEach((count, index) => {
    if (count > largest) {
      largest = count;
      largestRow = index + 1;
    }
  });
  if (perFeature.length > limits.maxFeatures || total > limits.maxVertices || largest > limits.maxFeatureVertices) {
    throw new AppError('import.tooComplex', {
      features: perFeature.length,
      vertices: total,
      largestRow,
      largestVertices: largest,
      maxFeatures: limits.maxFeatures,
      maxVertices: limits.maxVertices,
      maxFeatureVertices: limits.maxFeatureVertices,
    });
  }
}

function checkCrs(document: Record<string, unknown>): void {
  const crs = document.crs;
  if (!isRecord(crs) || !isRecord(crs.properties)) return;
  const name = crs.properties.name;
  if (typeof name !== 'string') return;
  // RFC 7946 drops `crs`, but older COD exports still carry it; only WGS 84 lon/lat is usable.
  if (!/4326|CRS84|WGS\s*84/i.test(name)) throw new AppError('geo.import.crsUnsupported', { crs: truncateForEcho(name, 80) });
}

function readGeoJsonFeatures(document: Record<string, unknown>, limits: Limits): { raw: RawFeature[]; refused: RowIssue[] } {
  if (document.type === 'FeatureCollection' && !Array.isArray(document.features)) {
    throw new AppError('geo.import.notGeoJson', { found: 'FeatureCollection without features' });
  }
  const list: unknown[] = document.type === 'Feature' ? [document] : (document.features as unknown[]);
  const perFeature = list.map((item) => (isRecord(item) ? countGeoJsonVertices(item.geometry) : 0));
  enforceLimits(perFeature, perFeature.reduce((sum, count) => sum + count, 0), limits);
  const raw: RawFeature[] = [];
  const refused: RowIssue[] = [];
  list.forEach((item, index) => {
    const row = index + 1;
    if (!isRecord(item) || (item.type !== undefined && item.type !== 'Feature')) {
      refused.push(rowIssue(row, null, describeJson(item), 'geo.import.featureInvalid'));
      return;
    }
    raw.push({ row, properties: isRecord(item.properties) ? item.properties : {}, geometry: item.geometry });
  });
  return { raw, refused };
}

function isArcIndex(value: unknown, arcCount: number): value is number {
  // A bound on the value itself, not on ~value: ~ works on 32 bits, so ~(-2147483649) is a small
  // index that topojson-client does not compute the same way, and it crashed reading an arc
  // that does not exist (found by the fuzz tests).
  return typeof value === 'number' && Number.isInteger(value) && value >= -arcCount && value < arcCount;
}

/** Positions of a TopoJSON polygon/multipolygon, and whether its arc references are well formed. */
function topoGeometryVertices(geometry: Record<string, unknown>, arcLengths: readonly number[]): number | null {
  const ringVertices = (ring: unknown): number | null => {
    if (!Array.isArray(ring)) return null;
    let total = 0;
    for (const index of ring as unknown[]) {
      if (!isArcIndex(index, arcLengths.length)) return null;
      total += arcLengths[index < 0 ? ~index : index] ?? 0;
    }
    return total;
  };
  const polygonVertices = (rings: unknown): number | null => {
    if (!Array.isArray(rings)) return null;
    let total = 0;
    for (const ring of rings as unknown[]) {
      const count = ringVertices(ring);
      if (count === null) return null;
      total += count;
    }
    return total;
  };
  if (geometry.type === 'Polygon') return polygonVertices(geometry.arcs);
  if (geometry.type === 'MultiPolygon') {
    if (!Array.isArray(geometry.arcs)) return null;
    let total = 0;
    for (const polygon of geometry.arcs as unknown[]) {
      const count = polygonVertices(polygon);
      if (count === null) return null;
      total += count;
    }
    return total;
  }
  return 0;
}

function isPair(value: unknown): value is [number, number] {
  return Array.isArray(value) && value.length >= 2 && Number.isFinite(value[0]) && Number.isFinite(value[1]);
}

/** The object holding admin units: the one whose geometries carry the most admin P-codes, else the first. */
function pickTopologyObject(objects: Record<string, unknown>): unknown[] {
  let best: { geometries: unknown[]; score: number } | null = null;
  for (const object of Object.values(objects)) {
    if (!isRecord(object)) continue;
    const geometries = object.type === 'GeometryCollection' ? object.geometries : [object];
    if (!Array.isArray(geometries)) continue;
    let score = 0;
    for (const geometry of geometries as unknown[]) {
      if (!isRecord(geometry) || !isRecord(geometry.properties)) continue;
      if (Object.keys(geometry.properties).some((key) => PCODE_PROPERTY.test(propertyKey(key)))) score += 1;
    }
    if (best === null || score > best.score) best = { geometries: geometries as unknown[], score };
  }
  if (best === null) throw new AppError('geo.import.topologyInvalid', { part: 'objects' });
  return best.geometries;
}

function readTopoJsonFeatures(document: Record<string, unknown>, limits: Limits): { raw: RawFeature[]; refused: RowIssue[] } {
  if (!isRecord(document.objects)) throw new AppError('geo.import.topologyInvalid', { part: 'objects' });
  if (!Array.isArray(document.arcs)) throw new AppError('geo.import.topologyInvalid', { part: 'arcs' });
  const arcs = document.arcs as unknown[];
  const transform = document.transform;
  if (transform !== undefined && (!isRecord(transform) || !isPair(transform.scale) || !isPair(transform.translate))) {
    throw new AppError('geo.import.topologyInvalid', { part: 'transform' });
  }
  const geometries = pickTopologyObject(document.objects);

  const arcLengths = arcs.map((arc) => (Array.isArray(arc) ? arc.length : 0));
  const perGeometry = geometries.map((geometry) => (isRecord(geometry) ? (topoGeometryVertices(geometry, arcLengths) ?? 0) : 0));
  // Every arc costs memory and time, used or not: the total counts them all.
  enforceLimits(perGeometry, arcLengths.reduce((sum, length) => sum + length, 0), limits);

  // Only now look inside the arcs: a broken arc refuses the features that use it, not the file.
  const brokenArcs = new Set<number>();
  arcs.forEach((arc, index) => {
    if (!Array.isArray(arc) || arc.length < 2 || !(arc as unknown[]).every(isPair)) brokenArcs.add(index);
  });
  // Validated above: arcs are arrays of finite pairs wherever a kept geometry points, and the
  // transform is well formed, which is all topojson-client reads.
  const topologyDocument = document as unknown as Topology;

  const raw: RawFeature[] = [];
  const refused: RowIssue[] = [];
  geometries.forEach((geometry, index) => {
    const row = index + 1;
    if (!isRecord(geometry)) {
      refused.push(rowIssue(row, null, describeJson(geometry), 'geo.import.featureInvalid'));
      return;
    }
    const properties = isRecord(geometry.properties) ? geometry.properties : {};
    if (geometry.type === null || geometry.type === undefined) {
      raw.push({ row, properties, geometry: null });
      return;
    }
    if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') {
      raw.push({ row, properties, geometry: { type: geometry.type } });
      return;
    }
    const usesBrokenArc = (): boolean => {
      // Reached only when topoGeometryVertices accepted the structure: at most 3 levels deep.
      const stack: unknown[] = [geometry.arcs];
      while (stack.length > 0) {
        const item = stack.pop();
        if (Array.isArray(item)) for (const child of item as unknown[]) stack.push(child);
        else if (typeof item === 'number' && brokenArcs.has(item < 0 ? ~item : item)) return true;
      }
      return false;
    };
    if (topoGeometryVertices(geometry, arcLengths) === null || usesBrokenArc()) {
      raw.push({ row, properties, geometry: { type: geometry.type, coordinates: 'invalid' } });
      return;
    }
    const converted = feature(topologyDocument, { ...geometry, properties: {} } as unknown as GeometryObject);
    raw.push({ row, properties, geometry: converted.type === 'Feature' ? converted.geometry : null });
  });
  return { raw, refused };
}

// ---------------------------------------------------------------------------------------------
// Boundaries: simplification with shared borders
// ---------------------------------------------------------------------------------------------

function round(value: number): number {
  const factor = 10 ** SIMPLIFIED_DECIMALS;
  return Math.round(value * factor) / factor;
}

function ringArea(ring: readonly Position[]): number {
  let area = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const a = ring[j];
    const b = ring[i];
    if (a === undefined || b === undefined) continue;
    area += ((a[0] ?? 0) - (b[0] ?? 0)) * ((a[1] ?? 0) + (b[1] ?? 0));
  }
  return area / 2;
}

/** Rounds a ring and drops repeated points; null when what is left is no longer an area. */
function roundRing(ring: readonly Position[]): Position[] | null {
  const out: Position[] = [];
  for (const position of ring) {
    const point: Position = [round(position[0] ?? 0), round(position[1] ?? 0)];
    const previous = out[out.length - 1];
    if (previous !== undefined && previous[0] === point[0] && previous[1] === point[1]) continue;
    out.push(point);
  }
  closeRing(out);
  return out.length >= 4 && ringArea(out) !== 0 ? out : null;
}

/** Rounds a polygon; holes that vanish are dropped, a vanished exterior drops the polygon. */
function roundPolygon(rings: readonly Position[][]): Position[][] | null {
  const [exterior, ...holes] = rings;
  if (exterior === undefined) return null;
  const outer = roundRing(exterior);
  if (outer === null) return null;
  const kept: Position[][] = [outer];
  for (const hole of holes) {
    const rounded = roundRing(hole);
    if (rounded !== null) kept.push(rounded);
  }
  return kept;
}

function roundGeometry(geometry: BoundaryGeometry): BoundaryGeometry | null {
  if (geometry.type === 'Polygon') {
    const polygon = roundPolygon(geometry.coordinates);
    return polygon === null ? null : { type: 'Polygon', coordinates: polygon };
  }
  const polygons = geometry.coordinates.map(roundPolygon).filter((polygon): polygon is Position[][] => polygon !== null);
  return polygons.length === 0 ? null : { type: 'MultiPolygon', coordinates: polygons };
}

/** Smallest number of distinct points a simplified ring keeps, so that small units stay visible. */
const MIN_RING_POINTS = 4;

/**
 * Raises the weight of a ring's best points when simplification would leave it with fewer than
 * MIN_RING_POINTS distinct points. Done on the shared arcs, so a neighbour keeps the same
 * points on the common border and the map has no gaps or overlaps.
 */
function protectRing(arcs: number[][][], ring: readonly number[], minWeight: number): void {
  const kept = new Set<string>();
  const candidates: number[][] = [];
  for (const index of ring) {
    const arc = arcs[index < 0 ? ~index : index];
    if (arc === undefined) continue;
    for (const point of arc) {
      const weight = point[2] ?? Infinity;
      if (weight >= minWeight) kept.add(`${point[0]},${point[1]}`);
      else candidates.push(point);
    }
  }
  if (kept.size >= MIN_RING_POINTS) return;
  candidates.sort((a, b) => (b[2] ?? 0) - (a[2] ?? 0));
  for (const point of candidates) {
    if (kept.size >= MIN_RING_POINTS) break;
    const key = `${point[0]},${point[1]}`;
    if (kept.has(key)) continue;
    point[2] = Infinity;
    kept.add(key);
  }
}

function ringsOf(geometry: GeometryObject): number[][] {
  if (geometry.type === 'Polygon') return geometry.arcs;
  if (geometry.type === 'MultiPolygon') return geometry.arcs.flat();
  return [];
}

/**
 * Map geometry for every unit at once: one topology of the whole file so that shared borders are
 * simplified once (neighbours keep touching), Visvalingam weights, a quantile keeping about
 * `keepRatio` of the points, rings protected from collapsing, coordinates rounded. A unit whose
 * map geometry still vanishes (a sliver below the rounding) keeps its full geometry.
 */
function simplifyAll(geometries: readonly BoundaryGeometry[], keepRatio: number): BoundaryGeometry[] {
  if (geometries.length === 0) return [];
  const collection = {
    type: 'FeatureCollection' as const,
    features: geometries.map((geometry, id) => ({ type: 'Feature' as const, id, properties: {}, geometry })),
  };
  const built = topology({ units: collection }, SIMPLIFY_QUANTIZATION);
  // topojson-server types its properties as GeoJSON's (nullable), topojson-simplify as `{}`; the
  // objects are the same, and simplification never reads properties.
  const weighted = presimplify(built as Topology<Objects>);
  const minWeight = quantile(weighted, keepRatio) || 0;
  const units = weighted.objects.units;
  const members = units?.type === 'GeometryCollection' ? units.geometries : [];
  // presimplify returns arcs as [x, y, weight] triples; the type says Positions[], which is the same shape.
  const arcs = weighted.arcs as number[][][];
  for (const member of members) for (const ring of ringsOf(member)) protectRing(arcs, ring, minWeight);
  const simplified = simplify(weighted, minWeight);

  return geometries.map((full, index) => {
    const member = members[index];
    let geometry: BoundaryGeometry | null = null;
    if (member !== undefined) {
      const converted = feature(simplified, member);
      const candidate = converted.type === 'Feature' ? converted.geometry : null;
      if (candidate !== null && (candidate.type === 'Polygon' || candidate.type === 'MultiPolygon')) geometry = roundGeometry(candidate);
    }
    return orientRfc7946(geometry ?? roundGeometry(full) ?? full);
  });
}

/** Positions of a boundary geometry (to compare full and map geometry). */
export function countPositions(geometry: BoundaryGeometry): number {
  const rings = geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
  return rings.reduce((sum, ring) => sum + ring.length, 0);
}

// ---------------------------------------------------------------------------------------------
// Boundaries: the parser
// ---------------------------------------------------------------------------------------------

/**
 * Reads COD-AB boundaries from GeoJSON (FeatureCollection or a single Feature) or TopoJSON.
 * The admin level and the property names are detected from the properties (see
 * BoundaryPropertyNames). Hostile files are stopped early: malformed JSON names its position,
 * and feature and vertex counts are checked from array lengths before any per-point work.
 */
export function parseBoundaries(text: string, options: BoundaryOptions = {}): ParsedBoundaries {
  const schemes = options.schemes ?? SCHEMES;
  const limits: Limits = {
    maxVertices: options.maxVertices ?? DEFAULT_MAX_VERTICES,
    maxFeatures: options.maxFeatures ?? DEFAULT_MAX_FEATURES,
    maxFeatureVertices: options.maxFeatureVertices ?? DEFAULT_MAX_FEATURE_VERTICES,
  };
  const source = stripBom(text);
  if (source.trim() === '') throw new AppError('import.empty');
  const document = parseJsonDocument(source);
  if (!isRecord(document)) throw new AppError('geo.import.notGeoJson', { found: describeJson(document) });
  checkCrs(document);

  let read: { raw: RawFeature[]; refused: RowIssue[] };
  if (document.type === 'Topology') read = readTopoJsonFeatures(document, limits);
  else if (document.type === 'FeatureCollection' || document.type === 'Feature') read = readGeoJsonFeatures(document, limits);
  else {
    const found = typeof document.type === 'string' ? truncateForEcho(document.type, 60) : describeJson(document.type);
    throw new AppError('geo.import.notGeoJson', { found });
  }
  if (read.raw.length === 0 && read.refused.length === 0) throw new AppError('import.empty');

  if (read.raw.length === 0) {
    // Every entry was junk: nothing to detect names from; the refusals say why.
    const propertyNames = { pcode: '', name: null, altNames: [], parent: null, validOn: null };
    return { level: 0, units: [], refused: read.refused, validFrom: null, propertyNames };
  }
  const names = detectProperties(read.raw, schemes, { pcode: options.pcodeProperty, name: options.nameProperty });

  const refused: RowIssue[] = [...read.refused];
  const accepted: Array<Omit<BoundaryUnit, 'simplified'>> = [];
  const firstRowOf = new Map<string, number>();

  for (const { row, properties, geometry } of read.raw) {
    const issues: RowIssue[] = [];
    const pcodeValue = properties[names.pcode];
    const pcode = checkPcode(row, names.pcode, pcodeValue, schemes);
    if (!pcode.ok) issues.push(pcode.issue);
    else if (pcode.level !== names.level) {
      issues.push(
        rowIssue(row, names.pcode, propertyText(pcodeValue), 'geo.import.levelMismatch', {
          pcode: pcode.pcode,
          level: names.level,
          pcodeLevel: pcode.level,
        }),
      );
    }

    const expectedParent = pcode.ok && pcode.level > 0 ? (parentOf(pcode.pcode, schemes) ?? null) : null;
    if (names.parent !== null && pcode.ok && pcode.level > 0) {
      const parentText = propertyText(properties[names.parent]);
      if (parentText !== null) {
        const parent = normalisePcode(parentText, schemes);
        if (parent.status !== 'ok') {
          issues.push(rowIssue(row, names.parent, parentText, 'geo.import.parentInvalid', { value: parentText }));
        } else if (parent.pcode !== expectedParent) {
          issues.push(
            rowIssue(row, names.parent, parentText, 'geo.import.parentMismatch', {
              parent: parentText,
              pcode: pcode.pcode,
              expected: expectedParent ?? '—',
            }),
          );
        }
      }
    }

    let validFrom: string | null = null;
    if (names.validOn !== null) {
      const reading = readDate(properties[names.validOn]);
      if (reading.kind === 'date') validFrom = reading.date;
      else if (reading.kind === 'invalid') {
        issues.push(rowIssue(row, names.validOn, reading.text, 'import.dateInvalid', { value: reading.text }));
      }
    }

    const checked = checkGeometry(geometry);
    if (!checked.ok) issues.push(rowIssue(row, 'geometry', checked.value, checked.code, checked.params));

    if (pcode.ok) {
      const firstRow = firstRowOf.get(pcode.pcode);
      if (firstRow !== undefined) {
        issues.push(rowIssue(row, names.pcode, propertyText(pcodeValue), 'geo.import.duplicatePcode', { pcode: pcode.pcode, firstRow }));
      } else {
        firstRowOf.set(pcode.pcode, row);
      }
    }

    if (issues.length > 0 || !pcode.ok || !checked.ok) {
      refused.push(...issues);
      continue;
    }

    let name: string | null = null;
    for (const key of names.nameKeys) {
      name = propertyText(properties[key]);
      if (name !== null) break;
    }
    const altNames: string[] = [];
    for (const key of [...names.nameKeys, ...names.altNames]) {
      const alternative = propertyText(properties[key]);
      if (alternative !== null && alternative !== name && !altNames.includes(alternative)) altNames.push(alternative);
    }

    accepted.push({
      row,
      pcode: pcode.pcode,
      level: pcode.level,
      name,
      altNames,
      parentPcode: expectedParent,
      validFrom,
      // One ring order whatever the file used: RFC 7946, what the GeoJSON API promises (see rings.ts).
      geometry: orientRfc7946(checked.geometry),
      bbox: checked.bbox,
      vertexCount: checked.vertexCount,
    });
  }

  const simplified = simplifyAll(
    accepted.map((unit) => unit.geometry),
    options.keepRatio ?? DEFAULT_KEEP_RATIO,
  );
  const units: BoundaryUnit[] = accepted.map((unit, index) => ({ ...unit, simplified: simplified[index] ?? unit.geometry }));

  return {
    level: names.level,
    units,
    refused: sortIssues(refused),
    validFrom: mostCommon(units.map((unit) => unit.validFrom)),
    propertyNames: { pcode: names.pcode, name: names.name, altNames: names.altNames, parent: names.parent, validOn: names.validOn },
  };
}

function mostCommon(values: ReadonlyArray<string | null>): string | null {
  const counts = new Map<string, number>();
  for (const value of values) if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: string | null = null;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== null && value > best)) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}
