/**
 * What the readers of OCHA's Financial Tracking Service (FTS) files share: the records they
 * return, plausible limits, columns found by header or HXL hashtag, and cell readers that push a
 * catalogued RowIssue (row, column, value, reason) instead of throwing. Pure.
 * The readers: fts-requirements.ts (HDX requirements and funding CSV), fts-flows.ts (flows).
 */
import { isHxlRow, parseHxl, presentText, type HxlHashtag } from '../core/cells.js';
import { AppError, type ErrorCode } from '../core/errors.js';
import { parseCsv, rowIssue, stripBom, truncateForEcho, type CsvRecord, type RowIssue } from '../core/tabular.js';
import { isCalendarDate } from '../shared/dates.js';
import { MAX_AMOUNT, roundToCents } from './currency.js';
import type { ContributionStatus } from './types.js';

/**
 * Plausible exchange rates, in either direction: no currency is worth a billion dollars or a
 * billionth of one, and both `rate` and `1 / rate` are used, so both must be finite numbers.
 */
export const MIN_EXCHANGE_RATE = 1e-9;
export const MAX_EXCHANGE_RATE = 1e9;

/** Beyond these, a file is not an FTS extract but something to split (import.tooManyRows). */
export const MAX_APPEAL_ROWS = 50_000;
export const MAX_FLOWS = 200_000;
/** Longest donor, appeal, cluster or location name kept (the database's limit for names). */
const MAX_NAME_LENGTH = 300;
const MAX_AMOUNT_TEXT = '10,000,000,000,000';

/** FTS appeal codes (HBFA21, CXWAF10, RDJIETHSOMYEM22), as the plan table accepts them. */
const APPEAL_CODE = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
/** FTS flow ids are numbers; hand-made files may use references with hyphens (contribution table rule). */
export const FLOW_ID = /^[0-9A-Za-z-]{1,40}$/;

// ---------------------------------------------------------------------------------------------
// Public shapes
// ---------------------------------------------------------------------------------------------

export interface FtsAppeal {
  /** Row in the file as a spreadsheet shows it (header = 1, HXL row = 2). */
  row: number;
  ftsPlanId: number | null;
  code: string;
  name: string;
  typeName: string | null;
  countryIso3: string;
  startDate: string | null;
  endDate: string | null;
  year: number | null;
  requirementsUsd: number | null;
  fundingUsd: number | null;
  percentFunded: number | null;
}

export interface FtsRequirementsFunding {
  appeals: FtsAppeal[];
  /** Rows that are not appeals: funding outside any appeal ("Not specified"), exact repeats. */
  skipped: Array<{ row: number; reason: 'no-appeal-code' | 'duplicate' }>;
  refused: RowIssue[];
}

export interface FtsFlow {
  /** CSV: the spreadsheet row; JSON: the 1-based index of the flow in the list. */
  row: number;
  flowId: string;
  donor: string;
  planCode: string | null;
  ftsPlanId: number | null;
  /** FTS's own USD figure, rounded to the cent. */
  amountUsd: number;
  originalAmount: number | null;
  originalCurrency: string | null;
  /**
   * US dollars per unit of the original currency (Liptako's convention, as in the contribution
   * table). FTS writes the inverse (units per USD: 617,727 EUR at 0.85 = 726,738 USD); the
   * direction is checked against the two amounts when both are given.
   */
  exchangeRate: number | null;
  status: ContributionStatus;
  date: string | null;
  decisionDate: string | null;
  clusterName: string | null;
  countryIso3OrName: string | null;
}

/**
 * Flows left out on purpose, so that nothing is counted twice: `parked` (a parent flow whose
 * money FTS shows again in its child flows), `not-incoming` (internal or outgoing flows of the
 * plan: counting them would count the same money again, e.g. a pooled fund's allocations), and
 * `zero-amount` (nothing to record).
 */
export type FtsFlowSkipReason = 'parked' | 'not-incoming' | 'zero-amount';

export interface FtsFlows {
  flows: FtsFlow[];
  skipped: Array<{ row: number; flowId: string; reason: FtsFlowSkipReason }>;
  refused: RowIssue[];
}

// ---------------------------------------------------------------------------------------------
// Columns: by header name, or by HXL hashtag
// ---------------------------------------------------------------------------------------------

/** Header matching that ignores case, accents, spaces and punctuation (`Date de décision` = `datededecision`). */
export function columnKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

export interface ColumnSpec {
  /** Name used in messages: the header FTS itself writes. */
  label: string;
  /** Accepted headers, as columnKey gives them, in order of preference. */
  keys: readonly string[];
  /** HXL hashtag: the tag, attributes it must carry (order irrelevant), attributes it must not. */
  hxl?: { tag: string; all: readonly string[]; none?: readonly string[] };
}

export interface CsvLayout {
  header: string[];
  records: CsvRecord[];
  /** The HXL hashtag of each header column, when the file has them. */
  hxl: Array<HxlHashtag | null>;
  /** Rows parseCsv could not align with the header (shifted columns). */
  refused: RowIssue[];
}

/** Parses CSV and takes out the HXL row (right under the header, or the header itself). */
export function readCsv(text: string, maxRecords: number): CsvLayout {
  const csv = parseCsv(stripBom(text), { maxRecords: maxRecords + 1 });
  const headerIsHxl = isHxlRow(csv.header.filter((name) => !/^column_\d+$/.test(name)));
  let records = csv.records;
  let hxlCells: string[] = [];
  const first = records[0];
  if (headerIsHxl) {
    hxlCells = csv.header;
  } else if (first !== undefined) {
    const cells = csv.header.map((name) => first.values[name] ?? '');
    if (isHxlRow(cells)) {
      hxlCells = cells;
      records = records.slice(1);
    }
  }
  if (records.length > maxRecords) throw new AppError('import.tooManyRows', { limit: maxRecords });
  return {
    header: csv.header,
    records,
    hxl: csv.header.map((_, index) => parseHxl(hxlCells[index] ?? '')),
    refused: csv.refused,
  };
}

function hxlMatches(tag: HxlHashtag | null, spec: NonNullable<ColumnSpec['hxl']>): boolean {
  if (tag === null || tag.tag !== spec.tag) return false;
  return spec.all.every((name) => tag.attributes.has(name)) && !(spec.none ?? []).some((name) => tag.attributes.has(name));
}

/**
 * Finds each field's column: by header name first (all fields), then by HXL hashtag among the
 * columns left, preferring the hashtag with the fewest extra attributes (`#date+year` over
 * `#date+year+budget`). A column serves one field only.
 */
export function resolveColumns<Field extends string>(layout: CsvLayout, specs: Record<Field, ColumnSpec>): Record<Field, string | null> {
  const fields = Object.keys(specs) as Field[];
  const taken = new Set<string>();
  const found = {} as Record<Field, string | null>;
  const keyed = layout.header.map((name) => ({ name, key: columnKey(name) }));
  for (const field of fields) {
    found[field] = null;
    for (const key of specs[field].keys) {
      const column = keyed.find((entry) => entry.key === key && !taken.has(entry.name));
      if (column !== undefined) {
        found[field] = column.name;
        taken.add(column.name);
        break;
      }
    }
  }
  for (const field of fields) {
    const hxl = specs[field].hxl;
    if (found[field] !== null || hxl === undefined) continue;
    let best: { name: string; extra: number } | null = null;
    for (const [index, name] of layout.header.entries()) {
      const tag = layout.hxl[index] ?? null;
      if (taken.has(name) || tag === null || !hxlMatches(tag, hxl)) continue;
      const extra = tag.attributes.size - hxl.all.length;
      if (best === null || extra < best.extra) best = { name, extra };
    }
    if (best !== null) {
      found[field] = best.name;
      taken.add(best.name);
    }
  }
  return found;
}

export function requireColumns<Field extends string>(
  layout: CsvLayout,
  specs: Record<Field, ColumnSpec>,
  columns: Record<Field, string | null>,
  required: readonly Field[],
): void {
  const missing = required.filter((field) => columns[field] === null).map((field) => specs[field].label);
  if (missing.length > 0) {
    throw new AppError('import.missingColumns', {
      columns: missing.join(', '),
      found: truncateForEcho(layout.header.join(', ')),
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Cell readers: each returns the value, or pushes a RowIssue and returns undefined
// ---------------------------------------------------------------------------------------------

/** A short rendering of any value for messages: never walks into nested content. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return truncateForEcho(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[…${value.length}]`;
  if (typeof value === 'object') return '{…}';
  return typeof value;
}

/** Text of a cell or JSON value, or null when absent or a missing marker. Numbers count as text. */
export function textOf(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  return presentText(value);
}

export interface Cell {
  row: number;
  column: string;
  value: unknown;
}

export type Issues = RowIssue[];

export function issue(cell: Cell, code: ErrorCode, params: Record<string, string | number> = {}): RowIssue {
  return rowIssue(cell.row, cell.column, cell.value === null || cell.value === undefined ? null : describeValue(cell.value), code, params);
}

/**
 * A number as FTS and spreadsheets write it: digits, optional decimals or exponent; spaces as
 * thousands separators are forgiven. A comma is refused rather than guessed: `1,234` may be a
 * thousand or one and a quarter.
 */
export function readNumber(cell: Cell, issues: Issues): number | null | undefined {
  if (typeof cell.value === 'number') {
    if (Number.isFinite(cell.value)) return cell.value;
    issues.push(issue(cell, 'import.notANumber', { value: describeValue(cell.value) }));
    return undefined;
  }
  if (cell.value === null || cell.value === undefined) return null;
  if (typeof cell.value !== 'string') {
    issues.push(issue(cell, 'import.notANumber', { value: describeValue(cell.value) }));
    return undefined;
  }
  const text = textOf(cell.value);
  if (text === null) return null;
  const compact = text.replace(/[\s\u00A0\u202F]/g, '');
  if (!/^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/.test(compact)) {
    issues.push(issue(cell, 'import.notANumber', { value: truncateForEcho(text) }));
    return undefined;
  }
  // 1e999 reads as Infinity: too large, not "not a number".
  return Number(compact);
}

/** Money in USD or the original currency: ≥ 0, ≤ MAX_AMOUNT, rounded to the cent. */
export function readMoney(cell: Cell, issues: Issues): number | null | undefined {
  const value = readNumber(cell, issues);
  if (value === null || value === undefined) return value;
  if (value < 0) {
    issues.push(issue(cell, 'funding.amount.negative', { value: describeValue(cell.value) }));
    return undefined;
  }
  if (!Number.isFinite(value) || value > MAX_AMOUNT) {
    issues.push(issue(cell, 'funding.amount.tooLarge', { value: describeValue(cell.value), max: MAX_AMOUNT_TEXT }));
    return undefined;
  }
  return roundToCents(value);
}

export function readPercent(cell: Cell, issues: Issues): number | null | undefined {
  const value = readNumber(cell, issues);
  if (value === null || value === undefined) return value;
  if (!Number.isFinite(value) || value < 0 || value > 1e6) {
    issues.push(issue(cell, 'funding.percent.invalid', { value: describeValue(cell.value) }));
    return undefined;
  }
  return value;
}

/** YYYY-MM-DD, optionally with a time (the FTS API writes `2021-03-04T00:00:00Z`), checked against the calendar. */
export function readDate(cell: Cell, issues: Issues): string | null | undefined {
  const text = textOf(cell.value);
  if (text === null && (cell.value === null || cell.value === undefined || typeof cell.value === 'string')) return null;
  const match = text === null ? null : /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (match !== null) {
    const date = `${match[1]}-${match[2]}-${match[3]}`;
    if (isCalendarDate(date)) return date;
  }
  issues.push(issue(cell, 'import.dateInvalid', { value: describeValue(cell.value) }));
  return undefined;
}

export function readYear(cell: Cell, issues: Issues): number | null | undefined {
  const text = textOf(cell.value);
  if (text === null) return null;
  // pandas writes integer columns with blanks as floats: "2021.0".
  const match = /^(\d{4})(?:\.0+)?$/.exec(text);
  const year = match === null ? Number.NaN : Number(match[1]);
  if (year >= 1900 && year <= 2200) return year;
  issues.push(issue(cell, 'funding.year.invalid', { value: describeValue(cell.value) }));
  return undefined;
}

export function readPlanId(cell: Cell, issues: Issues): number | null | undefined {
  const text = textOf(cell.value);
  if (text === null) return null;
  const match = /^(\d{1,10})(?:\.0+)?$/.exec(text);
  const id = match === null ? Number.NaN : Number(match[1]);
  // The plan table stores it as a PostgreSQL integer.
  if (id >= 1 && id <= 2_147_483_647) return id;
  issues.push(issue(cell, 'funding.fts.planIdInvalid', { value: describeValue(cell.value) }));
  return undefined;
}

export function readAppealCode(cell: Cell, issues: Issues): string | null | undefined {
  const text = textOf(cell.value);
  if (text === null) return null;
  const code = text.toUpperCase();
  if (APPEAL_CODE.test(code)) return code;
  issues.push(issue(cell, 'funding.fts.appealCodeInvalid', { value: truncateForEcho(text) }));
  return undefined;
}

/** A name kept verbatim (trimmed): formulas and all, since exports neutralise them, not imports. */
export function readName(cell: Cell, issues: Issues): string | null | undefined {
  const text = textOf(cell.value);
  if (text === null) return null;
  if (text.length > MAX_NAME_LENGTH) {
    issues.push(issue(cell, 'funding.text.tooLong', { length: text.length, max: MAX_NAME_LENGTH }));
    return undefined;
  }
  return text;
}

export function requireValue<T>(cell: Cell, value: T | null | undefined, issues: Issues): T | undefined {
  if (value === null) {
    issues.push(rowIssue(cell.row, cell.column, null, 'import.valueMissing', { column: cell.column }));
    return undefined;
  }
  return value;
}
