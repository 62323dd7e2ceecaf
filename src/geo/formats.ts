/**
 * Parsers for the tabular geography files people upload: the HDX global P-code gazetteer, COD-PS
 * population tables and the P-code length table, and the detection of which kind a file is
 * (boundary files: boundaries.ts). Pure functions: text in, checked records and refused rows out;
 * nothing touches the database. Every refusal is a catalogue code so that the user reads row,
 * column, value and reason in their language; a file the server cannot even read is an AppError.
 */
import { AppError } from '../core/errors.js';
import { presentText } from '../core/cells.js';
import { decodeText, headerKey, parseCsv, rowIssue, stripBom, truncateForEcho, type RowIssue } from '../core/tabular.js';
import { iso3ToIso2, normalisePcode, parentOf, SCHEMES } from './pcode.js';
import { checkPcode, clean, findColumn, firstLine, parseIsoDate, readCount, requireColumns, type PcodeOptions } from './geo-cells.js';

export type GeoFormat = 'gazetteer' | 'boundaries' | 'population' | 'pcode-lengths';

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

export interface PopulationOptions extends PcodeOptions {
  /**
   * Reads this admin level instead of the deepest one in the header. Needed for tables whose
   * header names a deeper level than the rows hold: HDX's BFA admin0 table carries ADM1 columns
   * filled with one region, which would otherwise read as that region's population.
   */
  level?: number;
}

const ACCEPTED_FORMATS = [
  'GeoJSON / TopoJSON (COD-AB)',
  'CSV global P-codes (Location, Admin Level, P-Code…)',
  'CSV COD-PS (ADMn_PCODE, T_TL…)',
  'CSV global_pcode_lengths',
].join(', ');

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

export function sortIssues(issues: RowIssue[]): RowIssue[] {
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
