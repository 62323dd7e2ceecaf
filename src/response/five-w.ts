/**
 * Reading 5W/3W files as they are shared on HDX (pure): columns recognised by their HXL tags or
 * their French and English headers, HXL rows (one or several) skipped, P-codes in mixed styles
 * normalised (`MLI05` and `ML0506` in one file), Excel serial dates, `#REF!`/`#N/A` cells noted,
 * blank figures kept as "not reported" (null, never 0), identical rows kept as rows. The import
 * that stores these rows (upload → preview → job → report) is five-w-imports.ts.
 */
import type { ParsedCsv } from '../core/tabular.js';
import { normalisePcode } from '../geo/pcode.js';
import { foldName, sectorOfLabel } from './vocabulary.js';

export const FIVE_W_FIELDS = [
  'orgAcronym',
  'orgName',
  'orgType',
  'implementingOrg',
  'donor',
  'admin1Code',
  'admin1Name',
  'admin2Code',
  'admin2Name',
  'admin3Code',
  'admin3Name',
  'sector',
  'activity',
  'beneficiaries',
  'reached',
  'female',
  'male',
  'dateStart',
  'dateEnd',
] as const;
export type FiveWField = (typeof FIVE_W_FIELDS)[number];

/** HXL hashtag (with its attributes, in any order) → field; the first match wins. */
const BY_HXL: ReadonlyArray<readonly [string, readonly string[], FiveWField]> = [
  ['#org', ['type'], 'orgType'],
  ['#org', ['acronym'], 'orgAcronym'],
  ['#org', ['impl', 'name'], 'orgName'],
  ['#org', ['impl'], 'orgAcronym'],
  ['#org', ['partner'], 'implementingOrg'],
  ['#org', ['funding'], 'donor'],
  ['#org', ['name'], 'orgName'],
  ['#org', [], 'orgName'],
  ['#adm1', ['code'], 'admin1Code'],
  ['#adm1', ['name'], 'admin1Name'],
  ['#adm2', ['code'], 'admin2Code'],
  ['#adm2', ['name'], 'admin2Name'],
  ['#adm3', ['code'], 'admin3Code'],
  ['#adm3', ['name'], 'admin3Name'],
  ['#sector', [], 'sector'],
  ['#activity', ['name'], 'activity'],
  ['#beneficiary', ['f'], 'female'],
  ['#beneficiary', ['m'], 'male'],
  ['#reached', ['f'], 'female'],
  ['#reached', ['m'], 'male'],
  ['#beneficiary', [], 'beneficiaries'],
  ['#targeted', [], 'beneficiaries'],
  ['#reached', [], 'reached'],
  ['#date', ['start'], 'dateStart'],
  ['#date', ['end'], 'dateEnd'],
];

/** Folded header words → field, for files without (or with partial) HXL rows. */
const BY_HEADER: ReadonlyArray<readonly [RegExp, FiveWField]> = [
  [/^typed?e?organisation|^organi[sz]ationtype|^orgtype/, 'orgType'],
  [/^(organisation|organization)?acc?ronyme?$/, 'orgAcronym'],
  [/^organisation\*?$|^organization$/, 'orgName'],
  [/^partenairedemiseenoeuvre|^implementingpartner/, 'implementingOrg'],
  [/^bailleur|^donor/, 'donor'],
  [/^admin1pcod/, 'admin1Code'],
  [/^admin2pcod/, 'admin2Code'],
  [/pcode/, 'admin3Code'],
  [/^region\*?$/, 'admin1Name'],
  [/^(province|cercle|departement)\*?$/, 'admin2Name'],
  [/^commune\*?$/, 'admin3Name'],
  [/^secteur|^sector|^cluster/, 'sector'],
  [/^activit/, 'activity'],
  [/femme|female|women/, 'female'],
  [/homme|^male|^men$/, 'male'],
  [/^atteint|^reached|^personnesatteintes/, 'reached'],
  [/^nombrebeneficiaire|^beneficiar|^cible|^targeted/, 'beneficiaries'],
  [/^datedebut|^startdate/, 'dateStart'],
  [/^datefin|^enddate/, 'dateEnd'],
];

const folded = (text: string): string => foldName(text).replace(/[^a-z0-9*]/g, '');

/** A row of HXL tags: most of its non-blank cells start with `#`. */
export function isHxlRow(cells: readonly string[]): boolean {
  const filled = cells.map((cell) => cell.trim()).filter((cell) => cell !== '');
  return filled.length > 0 && filled.filter((cell) => cell.startsWith('#')).length * 2 > filled.length;
}

function fieldOfTag(tag: string): FiveWField | null {
  const [hashtag, ...attributes] = tag.toLowerCase().replace(/\s+/g, '').split('+');
  for (const [wanted, needs, field] of BY_HXL) {
    if (hashtag === wanted && needs.every((attribute) => attributes.includes(attribute))) return field;
  }
  return null;
}

/** Which column holds which field: HXL tags first, then header words; a field is taken once. */
export function recogniseColumns(header: readonly string[], hxl: readonly string[] | null): Partial<Record<FiveWField, string>> {
  const columns: Partial<Record<FiveWField, string>> = {};
  header.forEach((name, index) => {
    const tag = hxl?.[index]?.trim() ?? '';
    const field = tag.startsWith('#') ? fieldOfTag(tag) : null;
    if (field !== null && columns[field] === undefined) columns[field] = name;
  });
  header.forEach((name) => {
    if (Object.values(columns).includes(name)) return;
    const key = folded(name).replace(/\*$/, '');
    const match = BY_HEADER.find(([pattern]) => pattern.test(key));
    if (match && columns[match[1]] === undefined) columns[match[1]] = name;
  });
  return columns;
}

/** Excel's serial day (44256) or an ISO date; null for blanks; `invalid` otherwise. */
export function readDate(text: string): { date: string | null } | 'invalid' {
  const value = text.trim();
  if (value === '') return { date: null };
  if (/^\d{5}(\.\d+)?$/.test(value)) return { date: new Date(Date.UTC(1899, 11, 30) + Math.floor(Number(value)) * 86_400_000).toISOString().slice(0, 10) };
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (iso) return { date: `${iso[1]}-${iso[2]}-${iso[3]}` };
  const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  if (french) return { date: `${french[3]}-${french[2]!.padStart(2, '0')}-${french[1]!.padStart(2, '0')}` };
  return 'invalid';
}

const ERROR_CELL = /^#(REF!|N\/A|VALUE!|DIV\/0!|NAME\?|NULL!|NUM!)$/i;

export interface FiveWRow {
  row: number;
  organisation: string | null;
  /** The organisation's full name when the file gives one beside its acronym. */
  organisationName: string | null;
  organisationType: string | null;
  implementing: string | null;
  donor: string | null;
  /** The finest P-code the row gives, normalised, and its level; null when it has names only. */
  pcode: string | null;
  level: number | null;
  names: { admin1: string | null; admin2: string | null; admin3: string | null };
  sectorLabel: string | null;
  sector: string | null;
  activity: string | null;
  /** Null: not reported (a blank is never 0). A 3W's beneficiaries are the people targeted. */
  beneficiaries: number | null;
  reached: number | null;
  /** Women and men among the reached (or, without a reached column, the targeted). */
  female: number | null;
  male: number | null;
  start: string | null;
  end: string | null;
  findings: string[];
}

export interface FiveWFile {
  columns: Partial<Record<FiveWField, string>>;
  hxlRows: number;
  rows: FiveWRow[];
}

const number = (text: string | null): number | null | 'invalid' => {
  if (text === null) return null;
  const value = Number(text.replace(/[\s\u202f\u00a0]/g, ''));
  return Number.isFinite(value) && value >= 0 ? value : 'invalid';
};

/** One data row of a 5W file: `cell` gives a column's text by header (blank as ''). */
export function readFiveWRow(columns: Partial<Record<FiveWField, string>>, row: number, cell: (header: string) => string): FiveWRow {
  const findings: string[] = [];
  const get = (field: FiveWField): string | null => {
    const column = columns[field];
    if (column === undefined) return null;
    const value = cell(column).replace(/\s+/g, ' ').trim();
    if (ERROR_CELL.test(value)) {
      findings.push(`errorCell:${field}`);
      return null;
    }
    return value === '' || value === '<Null>' ? null : value;
  };
  let pcode: string | null = null;
  let level: number | null = null;
  for (const field of ['admin3Code', 'admin2Code', 'admin1Code'] as const) {
    const given = get(field);
    if (given === null) continue;
    const result = normalisePcode(given);
    if (result.status !== 'ok') {
      findings.push(`pcode:${field}`);
      continue;
    }
    // The finest code wins; a coarser column holding a finer code (ML0506 under admin1) counts as that finer code.
    if (level === null || result.level > level) {
      pcode = result.pcode;
      level = result.level;
    }
  }
  const sectorLabel = get('sector');
  const sector = sectorLabel === null ? null : sectorOfLabel(sectorLabel);
  if (sectorLabel !== null && sector === null) findings.push('sector:unknown');
  const figure = (field: 'beneficiaries' | 'reached' | 'female' | 'male'): number | null => {
    const value = number(get(field));
    if (value === 'invalid') {
      findings.push(`${field}:invalid`);
      return null;
    }
    return value;
  };
  const date = (field: 'dateStart' | 'dateEnd'): string | null => {
    const text = get(field);
    const value = text === null ? { date: null } : readDate(text);
    if (value === 'invalid') {
      findings.push(`date:${field}`);
      return null;
    }
    return value.date;
  };
  const acronym = get('orgAcronym');
  const name = get('orgName');
  return {
    row,
    organisation: acronym ?? name,
    organisationName: acronym === null ? null : name,
    organisationType: get('orgType'),
    implementing: get('implementingOrg'),
    donor: get('donor'),
    pcode,
    level,
    names: { admin1: get('admin1Name'), admin2: get('admin2Name'), admin3: get('admin3Name') },
    sectorLabel,
    sector,
    activity: get('activity'),
    beneficiaries: figure('beneficiaries'),
    reached: figure('reached'),
    female: figure('female'),
    male: figure('male'),
    start: date('dateStart'),
    end: date('dateEnd'),
    findings,
  };
}

/** Reads a parsed 5W/3W CSV: HXL rows under the header are recognised and skipped. */
export function readFiveW(parsed: ParsedCsv): FiveWFile {
  let hxl: string[] | null = null;
  let hxlRows = 0;
  for (const record of parsed.records.slice(0, 5)) {
    const cells = parsed.header.map((name) => record.values[name] ?? '');
    if (!isHxlRow(cells)) break;
    hxlRows += 1;
    // Several HXL rows (a template's and a partial copy): the first fullest one names the columns.
    if (hxl === null || cells.filter((cell) => cell.trim() !== '').length > hxl.filter((cell) => cell.trim() !== '').length) hxl = cells;
  }
  const columns = recogniseColumns(parsed.header, hxl);
  const rows = parsed.records.slice(hxlRows).map((record) => readFiveWRow(columns, record.row, (header) => record.values[header] ?? ''));
  return { columns, hxlRows, rows };
}

export interface FiveWSummary {
  rows: number;
  organisations: number;
  byLevel: Record<string, number>;
  namesOnly: number;
  sectorsUnknown: string[];
  findings: Record<string, number>;
}

/** What a file holds, as the import report will state it: rows, organisations after folding, levels, findings by rule. */
export function summariseFiveW(file: FiveWFile): FiveWSummary {
  const byLevel: Record<string, number> = {};
  const findings: Record<string, number> = {};
  const unknown = new Set<string>();
  let namesOnly = 0;
  for (const row of file.rows) {
    if (row.level === null) namesOnly += 1;
    else byLevel[`admin${row.level}`] = (byLevel[`admin${row.level}`] ?? 0) + 1;
    for (const finding of row.findings) findings[finding] = (findings[finding] ?? 0) + 1;
    if (row.sectorLabel !== null && row.sector === null) unknown.add(row.sectorLabel);
  }
  return {
    rows: file.rows.length,
    organisations: new Set(file.rows.map((row) => row.organisation).filter((name): name is string => name !== null).map(foldName)).size,
    byLevel,
    namesOnly,
    sectorsUnknown: [...unknown].sort(),
    findings,
  };
}
