/**
 * Readers for what OCHA's Financial Tracking Service (FTS) publishes about a plan:
 * - the HDX "FTS requirements and funding" CSV (one row per appeal and year, HXL row under the
 *   header), which gives each appeal's requirements and funding when Liptako does not hold the
 *   flows;
 * - flows (contributions), as the FTS API v1 JSON (`/v1/public/fts/flow`) or as CSV (the HDX
 *   "FTS incoming funding" file or a hand-made sheet with English or French headers).
 * Pure functions: text in, checked records, skipped rows (not errors) and refused rows out.
 * Refusals are catalogue codes (RowIssue) so that the user reads row, column, value and reason in
 * their language; a file that cannot be read at all is an AppError.
 */
import { isHxlRow, parseHxl, presentText, type HxlHashtag } from '../core/cells.js';
import { AppError, type ErrorCode } from '../core/errors.js';
import { parseCsv, rowIssue, stripBom, truncateForEcho, type CsvRecord, type RowIssue } from '../core/tabular.js';
import { parseJsonDocument } from '../core/json.js';
import { isCalendarDate } from '../shared/dates.js';
import { isCurrency, MAX_AMOUNT, roundToCents } from './currency.js';
import type { ContributionStatus } from './types.js';

/**
 * Plausible exchange rates, in either direction: no currency is worth a billion dollars or a
 * billionth of one, and both `rate` and `1 / rate` are used, so both must be finite numbers.
 */
const MIN_EXCHANGE_RATE = 1e-9;
const MAX_EXCHANGE_RATE = 1e9;

/** Beyond these, a file is not an FTS extract but something to split (import.tooManyRows). */
const MAX_APPEAL_ROWS = 50_000;
const MAX_FLOWS = 200_000;
/** Longest donor, appeal, cluster or location name kept (the database's limit for names). */
const MAX_NAME_LENGTH = 300;
const MAX_AMOUNT_TEXT = '10,000,000,000,000';

/** FTS appeal codes (HBFA21, CXWAF10, RDJIETHSOMYEM22), as the plan table accepts them. */
const APPEAL_CODE = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
/** FTS flow ids are numbers; hand-made files may use references with hyphens (contribution table rule). */
const FLOW_ID = /^[0-9A-Za-z-]{1,40}$/;

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
function columnKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}


interface ColumnSpec {
  /** Name used in messages: the header FTS itself writes. */
  label: string;
  /** Accepted headers, as columnKey gives them, in order of preference. */
  keys: readonly string[];
  /** HXL hashtag: the tag, attributes it must carry (order irrelevant), attributes it must not. */
  hxl?: { tag: string; all: readonly string[]; none?: readonly string[] };
}

interface CsvLayout {
  header: string[];
  records: CsvRecord[];
  /** The HXL hashtag of each header column, when the file has them. */
  hxl: Array<HxlHashtag | null>;
  /** Rows parseCsv could not align with the header (shifted columns). */
  refused: RowIssue[];
}

/** Parses CSV and takes out the HXL row (right under the header, or the header itself). */
function readCsv(text: string, maxRecords: number): CsvLayout {
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
function resolveColumns<Field extends string>(layout: CsvLayout, specs: Record<Field, ColumnSpec>): Record<Field, string | null> {
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

function requireColumns<Field extends string>(
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
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return truncateForEcho(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[…${value.length}]`;
  if (typeof value === 'object') return '{…}';
  return typeof value;
}

/** Text of a cell or JSON value, or null when absent or a missing marker. Numbers count as text. */
function textOf(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  return presentText(value);
}

interface Cell {
  row: number;
  column: string;
  value: unknown;
}

type Issues = RowIssue[];

function issue(cell: Cell, code: ErrorCode, params: Record<string, string | number> = {}): RowIssue {
  return rowIssue(cell.row, cell.column, cell.value === null || cell.value === undefined ? null : describeValue(cell.value), code, params);
}

/**
 * A number as FTS and spreadsheets write it: digits, optional decimals or exponent; spaces as
 * thousands separators are forgiven. A comma is refused rather than guessed: `1,234` may be a
 * thousand or one and a quarter.
 */
function readNumber(cell: Cell, issues: Issues): number | null | undefined {
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
function readMoney(cell: Cell, issues: Issues): number | null | undefined {
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

function readPercent(cell: Cell, issues: Issues): number | null | undefined {
  const value = readNumber(cell, issues);
  if (value === null || value === undefined) return value;
  if (!Number.isFinite(value) || value < 0 || value > 1e6) {
    issues.push(issue(cell, 'funding.percent.invalid', { value: describeValue(cell.value) }));
    return undefined;
  }
  return value;
}

/** YYYY-MM-DD, optionally with a time (the FTS API writes `2021-03-04T00:00:00Z`), checked against the calendar. */
function readDate(cell: Cell, issues: Issues): string | null | undefined {
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

function readYear(cell: Cell, issues: Issues): number | null | undefined {
  const text = textOf(cell.value);
  if (text === null) return null;
  // pandas writes integer columns with blanks as floats: "2021.0".
  const match = /^(\d{4})(?:\.0+)?$/.exec(text);
  const year = match === null ? Number.NaN : Number(match[1]);
  if (year >= 1900 && year <= 2200) return year;
  issues.push(issue(cell, 'funding.year.invalid', { value: describeValue(cell.value) }));
  return undefined;
}

function readPlanId(cell: Cell, issues: Issues): number | null | undefined {
  const text = textOf(cell.value);
  if (text === null) return null;
  const match = /^(\d{1,10})(?:\.0+)?$/.exec(text);
  const id = match === null ? Number.NaN : Number(match[1]);
  // The plan table stores it as a PostgreSQL integer.
  if (id >= 1 && id <= 2_147_483_647) return id;
  issues.push(issue(cell, 'funding.fts.planIdInvalid', { value: describeValue(cell.value) }));
  return undefined;
}

function readAppealCode(cell: Cell, issues: Issues): string | null | undefined {
  const text = textOf(cell.value);
  if (text === null) return null;
  const code = text.toUpperCase();
  if (APPEAL_CODE.test(code)) return code;
  issues.push(issue(cell, 'funding.fts.appealCodeInvalid', { value: truncateForEcho(text) }));
  return undefined;
}

/** A name kept verbatim (trimmed): formulas and all, since exports neutralise them, not imports. */
function readName(cell: Cell, issues: Issues): string | null | undefined {
  const text = textOf(cell.value);
  if (text === null) return null;
  if (text.length > MAX_NAME_LENGTH) {
    issues.push(issue(cell, 'funding.text.tooLong', { length: text.length, max: MAX_NAME_LENGTH }));
    return undefined;
  }
  return text;
}

function requireValue<T>(cell: Cell, value: T | null | undefined, issues: Issues): T | undefined {
  if (value === null) {
    issues.push(rowIssue(cell.row, cell.column, null, 'import.valueMissing', { column: cell.column }));
    return undefined;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// FTS requirements and funding (HDX), one row per appeal
// ---------------------------------------------------------------------------------------------

type AppealField =
  | 'country'
  | 'planId'
  | 'name'
  | 'code'
  | 'typeName'
  | 'startDate'
  | 'endDate'
  | 'year'
  | 'requirements'
  | 'funding'
  | 'percentFunded';

/**
 * Headers of the HDX file, of HDX HAPI's funding rows (`appeal_code`, `requirements_usd`…) and
 * their HXL hashtags, so that a file with translated headers but the hashtag row still reads.
 */
const APPEAL_COLUMNS: Record<AppealField, ColumnSpec> = {
  country: { label: 'countryCode', keys: ['countrycode', 'locationcode', 'countryiso3', 'iso3'], hxl: { tag: 'country', all: [] } },
  // `none: ['type']` keeps the appeal-type columns (#activity+appeal+type+…) out of these two.
  planId: { label: 'id', keys: ['id', 'planid', 'appealid'], hxl: { tag: 'activity', all: ['appeal', 'id', 'fts_internal'], none: ['type'] } },
  name: { label: 'name', keys: ['name', 'appealname', 'planname'], hxl: { tag: 'activity', all: ['appeal', 'name'], none: ['type'] } },
  code: { label: 'code', keys: ['code', 'appealcode', 'plancode'], hxl: { tag: 'activity', all: ['appeal', 'id', 'external'] } },
  typeName: {
    label: 'typeName',
    keys: ['typename', 'appealtype', 'plantype'],
    hxl: { tag: 'activity', all: ['appeal', 'type', 'name'] },
  },
  startDate: {
    label: 'startDate',
    keys: ['startdate', 'referenceperiodstart'],
    hxl: { tag: 'date', all: ['start'] },
  },
  endDate: { label: 'endDate', keys: ['enddate', 'referenceperiodend'], hxl: { tag: 'date', all: ['end'] } },
  year: { label: 'year', keys: ['year'], hxl: { tag: 'date', all: ['year'] } },
  requirements: {
    label: 'requirements',
    keys: ['requirements', 'requirementsusd', 'revisedrequirements'],
    hxl: { tag: 'value', all: ['funding', 'required', 'usd'] },
  },
  funding: {
    label: 'funding',
    keys: ['funding', 'fundingusd', 'totalfunding'],
    hxl: { tag: 'value', all: ['funding', 'total', 'usd'] },
  },
  percentFunded: {
    label: 'percentFunded',
    keys: ['percentfunded', 'fundingpct', 'fundingpercent'],
    hxl: { tag: 'value', all: ['funding', 'pct'] },
  },
};

/** The header line of the HDX file, named in messages when another file is given. */
export const FTS_REQUIREMENTS_COLUMNS =
  'countryCode, id, name, code, typeId, typeName, startDate, endDate, year, requirements, funding, percentFunded';

/**
 * Reads the HDX "FTS requirements and funding" CSV. Decisions:
 * - the HXL row is recognised and left out; columns are found by header or by hashtag;
 * - rows without an appeal code (FTS's "Not specified": funding outside any appeal) are
 *   `skipped`, not refused; an exact repeat of an appeal row is skipped too;
 * - refused: bad numbers, negative or absurd amounts, bad dates or years, end before start,
 *   bad codes, and the same appeal code twice with different figures (Liptako does not choose);
 * - the by-cluster variant (one row per appeal and cluster) is refused as a whole
 *   (funding.fts.clusterFile): summing its rows would be wrong, as clusters overlap with
 *   "Not specified" funding.
 */
export function parseFtsRequirementsFunding(text: string): FtsRequirementsFunding {
  const layout = readCsv(text, MAX_APPEAL_ROWS);
  const keys = new Set(layout.header.map(columnKey));
  const hasClusters =
    keys.has('cluster') || keys.has('clustercode') || keys.has('globalcluster') || layout.hxl.some((tag) => tag?.tag === 'sector');
  if (hasClusters) throw new AppError('funding.fts.clusterFile', { expected: FTS_REQUIREMENTS_COLUMNS });

  const columns = resolveColumns(layout, APPEAL_COLUMNS);
  requireColumns(layout, APPEAL_COLUMNS, columns, ['country', 'name', 'code', 'requirements', 'funding']);
  if (layout.records.length === 0) throw new AppError('import.empty');

  const appeals: FtsAppeal[] = [];
  const skipped: FtsRequirementsFunding['skipped'] = [];
  const refused: RowIssue[] = [...layout.refused];
  const seen = new Map<string, { row: number; figures: string }>();

  for (const record of layout.records) {
    const cell = (field: AppealField): Cell => {
      const column = columns[field];
      return { row: record.row, column: column ?? APPEAL_COLUMNS[field].label, value: column === null ? null : record.values[column] };
    };
    const issues: Issues = [];
    const code = readAppealCode(cell('code'), issues);
    if (code === null) {
      skipped.push({ row: record.row, reason: 'no-appeal-code' });
      continue;
    }
    const name = requireValue(cell('name'), readName(cell('name'), issues), issues);
    const countryText = textOf(cell('country').value);
    let countryIso3: string | undefined;
    if (countryText === null) {
      requireValue(cell('country'), null, issues);
    } else if (/^[A-Za-z]{3}$/.test(countryText)) {
      countryIso3 = countryText.toUpperCase();
    } else {
      issues.push(issue(cell('country'), 'funding.fts.countryInvalid', { value: truncateForEcho(countryText) }));
    }
    const ftsPlanId = readPlanId(cell('planId'), issues);
    const typeName = readName(cell('typeName'), issues);
    const startDate = readDate(cell('startDate'), issues);
    const endDate = readDate(cell('endDate'), issues);
    const year = readYear(cell('year'), issues);
    const requirementsUsd = readMoney(cell('requirements'), issues);
    const fundingUsd = readMoney(cell('funding'), issues);
    const percentFunded = readPercent(cell('percentFunded'), issues);
    if (typeof startDate === 'string' && typeof endDate === 'string' && endDate < startDate) {
      issues.push(rowIssue(record.row, cell('endDate').column, endDate, 'funding.dates.reversed', { start: startDate, end: endDate }));
    }
    if (
      issues.length > 0 ||
      code === undefined ||
      name === undefined ||
      countryIso3 === undefined ||
      ftsPlanId === undefined ||
      typeName === undefined ||
      startDate === undefined ||
      endDate === undefined ||
      year === undefined ||
      requirementsUsd === undefined ||
      fundingUsd === undefined ||
      percentFunded === undefined
    ) {
      refused.push(...issues);
      continue;
    }

    const appeal: FtsAppeal = {
      row: record.row,
      ftsPlanId,
      code,
      name,
      typeName,
      countryIso3,
      startDate,
      endDate,
      year,
      requirementsUsd,
      fundingUsd,
      percentFunded,
    };
    const figures = JSON.stringify({ ...appeal, row: 0 });
    const earlier = seen.get(code);
    if (earlier !== undefined) {
      if (earlier.figures === figures) {
        skipped.push({ row: record.row, reason: 'duplicate' });
      } else {
        refused.push(rowIssue(record.row, cell('code').column, code, 'funding.fts.duplicateAppeal', { code, firstRow: earlier.row }));
      }
      continue;
    }
    seen.set(code, { row: record.row, figures });
    appeals.push(appeal);
  }
  return { appeals, skipped, refused: refused.sort((a, b) => a.row - b.row) };
}

// ---------------------------------------------------------------------------------------------
// Flows
// ---------------------------------------------------------------------------------------------

/** One flow before checks, from either JSON or CSV; `columns` names where each value came from. */
interface RawFlow {
  row: number;
  id: Cell;
  amountUsd: Cell;
  originalAmount: Cell;
  originalCurrency: Cell;
  exchangeRate: Cell;
  status: Cell;
  date: Cell;
  decisionDate: Cell;
  donor: Cell;
  planCode: Cell;
  planId: Cell;
  cluster: Cell;
  country: Cell;
  flowType: Cell;
  boundary: Cell;
  /** Names of the destination plans when the source lists them (JSON); more than one is refused. */
  plans: string[];
}

/**
 * Statuses as FTS, its exports and French-speaking finance officers write them. Keys are
 * lower-case without accents or extra spaces.
 */
const STATUS_SYNONYMS: ReadonlyMap<string, ContributionStatus> = new Map([
  ['paid', 'paid'],
  ['paid contribution', 'paid'],
  ['contribution', 'paid'],
  ['disbursed', 'paid'],
  ['paye', 'paid'],
  ['verse', 'paid'],
  ['versement', 'paid'],
  ['contribution versee', 'paid'],
  ['decaisse', 'paid'],
  ['commitment', 'commitment'],
  ['committed', 'commitment'],
  ['commitments', 'commitment'],
  ['engagement', 'commitment'],
  ['engage', 'commitment'],
  ['pledge', 'pledge'],
  ['pledged', 'pledge'],
  ['pledges', 'pledge'],
  ['promesse', 'pledge'],
  ['promesse de don', 'pledge'],
  ['annonce', 'pledge'],
  ['annonce de contribution', 'pledge'],
]);

function statusKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();
}

/**
 * Tolerance when checking an exchange rate against the two amounts: FTS rounds amounts to the
 * dollar and rates to three decimals.
 */
function amountsAgree(originalAmount: number, usdPerUnit: number, amountUsd: number): boolean {
  return Math.abs(originalAmount * usdPerUnit - amountUsd) <= 1 + amountUsd * 0.005;
}

type FlowOutcome = { kind: 'flow'; flow: FtsFlow } | { kind: 'skip'; reason: FtsFlowSkipReason } | { kind: 'refused'; issues: Issues };

function checkFlow(raw: RawFlow, flowId: string): FlowOutcome {
  const flowType = textOf(raw.flowType.value);
  if (flowType !== null && flowType.toLowerCase() === 'parked') return { kind: 'skip', reason: 'parked' };
  const boundary = textOf(raw.boundary.value);
  if (boundary !== null && ['internal', 'outgoing'].includes(boundary.toLowerCase())) return { kind: 'skip', reason: 'not-incoming' };

  const issues: Issues = [];
  if (raw.plans.length > 1) {
    issues.push(rowIssue(raw.row, raw.planId.column, null, 'funding.flow.severalPlans', { plans: truncateForEcho(raw.plans.join('; ')) }));
  }
  const amountUsd = requireValue(raw.amountUsd, readMoney(raw.amountUsd, issues), issues);
  if (amountUsd === 0) return { kind: 'skip', reason: 'zero-amount' };

  const statusText = textOf(raw.status.value);
  let status: ContributionStatus | undefined;
  if (statusText === null) {
    requireValue(raw.status, null, issues);
  } else {
    status = STATUS_SYNONYMS.get(statusKey(statusText));
    if (status === undefined) {
      issues.push(issue(raw.status, 'funding.flow.statusUnknown', { value: truncateForEcho(statusText), accepted: 'pledge, commitment, paid' }));
    }
  }

  const donor = requireValue(raw.donor, readName(raw.donor, issues), issues);
  const planCode = readAppealCode(raw.planCode, issues);
  const ftsPlanId = readPlanId(raw.planId, issues);
  const date = readDate(raw.date, issues);
  const decisionDate = readDate(raw.decisionDate, issues);
  const clusterName = readName(raw.cluster, issues);
  const countryIso3OrName = readName(raw.country, issues);

  const currencyText = textOf(raw.originalCurrency.value);
  let originalCurrency: string | null | undefined = null;
  if (currencyText !== null) {
    const code = currencyText.toUpperCase();
    if (isCurrency(code)) originalCurrency = code;
    else {
      originalCurrency = undefined;
      issues.push(issue(raw.originalCurrency, 'funding.currency.unknown', { currency: truncateForEcho(currencyText, 40) }));
    }
  }
  let originalAmount = readMoney(raw.originalAmount, issues);
  // FTS writes 0 for an original amount it does not know.
  if (originalAmount === 0) originalAmount = null;
  if (typeof originalAmount === 'number' && originalCurrency === null) {
    issues.push(rowIssue(raw.row, raw.originalCurrency.column, null, 'import.valueMissing', { column: raw.originalCurrency.column }));
  }

  const rate = readNumber(raw.exchangeRate, issues);
  let exchangeRate: number | null | undefined = null;
  if (rate === undefined) {
    exchangeRate = undefined; // already reported: not a number
  } else if (rate !== null && !(Number.isFinite(rate) && rate >= MIN_EXCHANGE_RATE && rate < MAX_EXCHANGE_RATE)) {
    // Both directions must stay finite: a subnormal rate such as 5e-324 inverts to Infinity.
    exchangeRate = undefined;
    issues.push(issue(raw.exchangeRate, 'funding.flow.rateInvalid', { value: describeValue(raw.exchangeRate.value) }));
  } else if (typeof originalCurrency === 'string' && typeof originalAmount === 'number' && typeof amountUsd === 'number') {
    // Both amounts known: the rate must agree with them, in FTS's direction (units per USD)
    // or in Liptako's (USD per unit). A dollar is a dollar whatever rate is written.
    const original = originalAmount;
    const candidates = originalCurrency === 'USD' ? [1] : rate === null ? [] : [1 / rate, rate];
    const agreeing = candidates.find((candidate) => amountsAgree(original, candidate, amountUsd));
    if (agreeing !== undefined) {
      exchangeRate = agreeing;
    } else if (candidates.length > 0) {
      exchangeRate = undefined;
      issues.push(
        issue(rate === null ? raw.originalAmount : raw.exchangeRate, 'funding.flow.rateMismatch', {
          rate: rate ?? 1,
          original,
          currency: originalCurrency,
          usd: amountUsd,
        }),
      );
    }
  } else if (originalCurrency === 'USD') {
    exchangeRate = 1;
  } else if (rate !== null) {
    // Without both amounts the direction cannot be checked: FTS's is assumed.
    exchangeRate = 1 / rate;
  }

  if (
    issues.length > 0 ||
    amountUsd === undefined ||
    status === undefined ||
    donor === undefined ||
    planCode === undefined ||
    ftsPlanId === undefined ||
    date === undefined ||
    decisionDate === undefined ||
    clusterName === undefined ||
    countryIso3OrName === undefined ||
    originalCurrency === undefined ||
    originalAmount === undefined ||
    exchangeRate === undefined
  ) {
    return { kind: 'refused', issues };
  }
  return {
    kind: 'flow',
    flow: {
      row: raw.row,
      flowId,
      donor,
      planCode,
      ftsPlanId,
      amountUsd,
      originalAmount,
      originalCurrency,
      exchangeRate,
      status,
      date,
      decisionDate,
      clusterName,
      countryIso3OrName,
    },
  };
}

/** Checks every raw flow: ids first (present, well-formed, unique), then the rest. */
function checkFlows(raws: Iterable<RawFlow | { row: number; issue: RowIssue }>): FtsFlows {
  const flows: FtsFlow[] = [];
  const skipped: FtsFlows['skipped'] = [];
  const refused: RowIssue[] = [];
  const firstRowOf = new Map<string, number>();
  for (const raw of raws) {
    if ('issue' in raw) {
      refused.push(raw.issue);
      continue;
    }
    const idText = textOf(raw.id.value);
    if (idText === null) {
      refused.push(rowIssue(raw.row, raw.id.column, null, 'import.valueMissing', { column: raw.id.column }));
      continue;
    }
    if (!FLOW_ID.test(idText)) {
      refused.push(issue(raw.id, 'funding.flow.idInvalid', { value: truncateForEcho(idText) }));
      continue;
    }
    const firstRow = firstRowOf.get(idText);
    if (firstRow !== undefined) {
      refused.push(issue(raw.id, 'funding.flow.duplicate', { flowId: idText, firstRow }));
      continue;
    }
    firstRowOf.set(idText, raw.row);
    const outcome = checkFlow(raw, idText);
    if (outcome.kind === 'flow') flows.push(outcome.flow);
    else if (outcome.kind === 'skip') skipped.push({ row: raw.row, flowId: idText, reason: outcome.reason });
    else refused.push(...outcome.issues);
  }
  return { flows, skipped, refused };
}

// ---- flows as JSON (FTS API v1) -------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The objects of one `type` in a flow's source or destination list. */
function objectsOfType(list: unknown, type: string): Array<Record<string, unknown>> {
  if (!Array.isArray(list)) return [];
  return list.filter((item): item is Record<string, unknown> => isRecord(item) && typeof item.type === 'string' && item.type.toLowerCase() === type.toLowerCase());
}

/** Distinct names of objects, joined with "; " (names such as "Congo, Republic of" hold commas). */
function joinedNames(objects: ReadonlyArray<Record<string, unknown>>): string | null {
  const names = [...new Set(objects.map((object) => textOf(object.name)).filter((name): name is string => name !== null))];
  return names.length === 0 ? null : names.join('; ');
}

function jsonFlow(item: unknown, row: number): RawFlow | { row: number; issue: RowIssue } {
  if (!isRecord(item)) {
    return { row, issue: rowIssue(row, null, describeValue(item), 'funding.flow.notAnObject', { value: describeValue(item) }) };
  }
  const cell = (column: string, value: unknown): Cell => ({ row, column, value });
  const organisations = objectsOfType(item.sourceObjects, 'Organization');
  const plans = objectsOfType(item.destinationObjects, 'Plan');
  const clusters = objectsOfType(item.destinationObjects, 'GlobalCluster');
  const planClusters = objectsOfType(item.destinationObjects, 'Cluster');
  const locations = objectsOfType(item.destinationObjects, 'Location');

  // The same plan listed twice is one plan; two different ones are refused in checkFlow.
  const distinctPlans = new Map<string, string>();
  for (const plan of plans) distinctPlans.set(textOf(plan.id) ?? textOf(plan.name) ?? '?', textOf(plan.name) ?? textOf(plan.id) ?? '?');
  const plan = plans[0];
  return {
    row,
    id: cell('id', item.id),
    amountUsd: cell('amountUSD', item.amountUSD),
    originalAmount: cell('originalAmount', item.originalAmount),
    originalCurrency: cell('originalCurrency', item.originalCurrency),
    exchangeRate: cell('exchangeRate', item.exchangeRate),
    status: cell('status', item.status),
    date: cell('date', item.date),
    decisionDate: cell('decisionDate', item.decisionDate),
    donor: cell('sourceObjects (Organization)', joinedNames(organisations)),
    planCode: cell('destinationObjects (Plan)', plan?.code ?? null),
    planId: cell('destinationObjects (Plan)', plan?.id ?? null),
    cluster: cell('destinationObjects (GlobalCluster)', joinedNames(clusters.length > 0 ? clusters : planClusters)),
    country: cell('destinationObjects (Location)', joinedNames(locations)),
    flowType: cell('flowType', item.flowType),
    boundary: cell('boundary', item.boundary),
    plans: [...distinctPlans.values()],
  };
}

const FLOW_FORMATS =
  'FTS API v1 JSON ({"data":{"flows":[…]}} or a list of flows), CSV with Flow ID, Donor, Amount (USD), Status… (or the HDX “FTS incoming funding” file)';

// ---- flows as CSV ---------------------------------------------------------------------------

type FlowField =
  | 'flowId'
  | 'donor'
  | 'planCode'
  | 'planId'
  | 'originalAmount'
  | 'originalCurrency'
  | 'amountUsd'
  | 'exchangeRate'
  | 'status'
  | 'date'
  | 'decisionDate'
  | 'cluster'
  | 'country'
  | 'flowType'
  | 'boundary';

/**
 * Accepted CSV headers (case, accents, spaces and punctuation ignored), first the names this
 * documentation gives, then HDX's FTS flow file (`srcOrganization`, `destPlanCode`…), then French:
 *
 * | field | headers |
 * |---|---|
 * | flow id (required) | Flow ID, id, Identifiant du flux |
 * | donor (required) | Donor, Source organization, srcOrganization, Bailleur, Donateur |
 * | plan | Recipient plan code, Plan code, destPlanCode, Code du plan; Plan ID, destPlanId |
 * | original amount | Amount (original), originalAmount, Montant, Montant (original), Montant d’origine |
 * | original currency | Original currency, Currency, originalCurrency, Devise, Monnaie |
 * | amount in USD (required) | Amount (USD), amountUSD, USD amount, Montant (USD), Montant en USD |
 * | exchange rate | Exchange rate, exchangeRate, Taux de change (FTS direction: units per USD; checked against the amounts) |
 * | status (required) | Status, Statut — pledge / commitment / paid (also “paid contribution”, promesse, engagement, versé…) |
 * | dates | Date, Date du flux; Decision date, decisionDate, Date de décision |
 * | cluster | Cluster, Global cluster, destGlobalClusters, Sector, Secteur |
 * | country | Country, destLocations, Location, Pays |
 * | FTS bookkeeping | flowType (Parked rows skipped), boundary (internal/outgoing skipped) |
 *
 * HXL hashtags of the HDX file (`#activity+id+fts_internal`, `#org+name+funder`,
 * `#value+funding+total+usd`, `#status+text`…) stand in for unrecognised headers.
 */
const FLOW_COLUMNS: Record<FlowField, ColumnSpec> = {
  flowId: { label: 'Flow ID', keys: ['flowid', 'id', 'identifiantduflux', 'idduflux'], hxl: { tag: 'activity', all: ['id', 'fts_internal'], none: ['appeal'] } },
  donor: {
    label: 'Donor',
    keys: ['donor', 'sourceorganization', 'sourceorganisation', 'srcorganization', 'source', 'bailleur', 'bailleurdefonds', 'donateur'],
    hxl: { tag: 'org', all: ['name', 'funder'] },
  },
  planCode: {
    label: 'Recipient plan code',
    keys: ['recipientplancode', 'plancode', 'destplancode', 'appealcode', 'codeduplan'],
    hxl: { tag: 'activity', all: ['appeal', 'id', 'external'] },
  },
  planId: {
    label: 'Plan ID',
    keys: ['recipientplanid', 'planid', 'destplanid', 'ftsplanid'],
    hxl: { tag: 'activity', all: ['appeal', 'id', 'fts_internal'] },
  },
  originalAmount: {
    label: 'Amount (original)',
    keys: ['amountoriginal', 'originalamount', 'montantoriginal', 'montantdorigine', 'montant'],
    hxl: { tag: 'value', all: ['funding', 'total'], none: ['usd', 'currency'] },
  },
  originalCurrency: {
    label: 'Original currency',
    keys: ['originalcurrency', 'currency', 'devise', 'monnaie', 'devisedorigine'],
    hxl: { tag: 'value', all: ['funding', 'total', 'currency'] },
  },
  amountUsd: {
    label: 'Amount (USD)',
    keys: ['amountusd', 'usdamount', 'amountinusd', 'montantusd', 'montantenusd'],
    hxl: { tag: 'value', all: ['funding', 'total', 'usd'] },
  },
  exchangeRate: { label: 'Exchange rate', keys: ['exchangerate', 'tauxdechange', 'taux'], hxl: { tag: 'financial', all: ['fx'] } },
  status: { label: 'Status', keys: ['status', 'statut', 'flowstatus', 'statutduflux'], hxl: { tag: 'status', all: [] } },
  date: {
    label: 'Date',
    keys: ['date', 'flowdate', 'dateduflux'],
    hxl: { tag: 'date', all: [], none: ['decision', 'reported', 'created', 'updated', 'start', 'end', 'year'] },
  },
  decisionDate: { label: 'Decision date', keys: ['decisiondate', 'datededecision'], hxl: { tag: 'date', all: ['decision'] } },
  cluster: {
    label: 'Cluster',
    keys: ['cluster', 'globalcluster', 'destglobalclusters', 'clusters', 'sector', 'secteur'],
    hxl: { tag: 'sector', all: [] },
  },
  country: {
    label: 'Country',
    keys: ['country', 'destlocations', 'countryiso3', 'location', 'pays'],
    hxl: { tag: 'country', all: [], none: ['funder'] },
  },
  flowType: { label: 'flowType', keys: ['flowtype'] },
  boundary: { label: 'boundary', keys: ['boundary'], hxl: { tag: 'financial', all: ['direction'] } },
};

function csvFlows(layout: CsvLayout): Array<RawFlow> {
  const columns = resolveColumns(layout, FLOW_COLUMNS);
  requireColumns(layout, FLOW_COLUMNS, columns, ['flowId', 'donor', 'amountUsd', 'status']);
  return layout.records.map((record) => {
    const cell = (field: FlowField): Cell => {
      const column = columns[field];
      return { row: record.row, column: column ?? FLOW_COLUMNS[field].label, value: column === null ? null : record.values[column] };
    };
    return {
      row: record.row,
      id: cell('flowId'),
      amountUsd: cell('amountUsd'),
      originalAmount: cell('originalAmount'),
      originalCurrency: cell('originalCurrency'),
      exchangeRate: cell('exchangeRate'),
      status: cell('status'),
      date: cell('date'),
      decisionDate: cell('decisionDate'),
      donor: cell('donor'),
      planCode: cell('planCode'),
      planId: cell('planId'),
      cluster: cell('cluster'),
      country: cell('country'),
      flowType: cell('flowType'),
      boundary: cell('boundary'),
      plans: [],
    };
  });
}

/**
 * Reads FTS-shaped flows, JSON or CSV (recognised from the content; `fileName` only names the
 * file in messages). Decisions:
 * - parked, internal/outgoing and zero-amount flows are `skipped` (see FtsFlowSkipReason);
 * - refused: a missing, malformed or repeated flow id, a missing donor, bad amounts (negative,
 *   absurd, not numbers), an unknown status or currency, bad dates, a rate that does not agree
 *   with the two amounts, and a flow to several plans (its money would count in each);
 * - the USD figure is FTS's own (`amountUSD`), rounded to the cent; it is never recomputed;
 * - names (donors, clusters, places) are kept verbatim, formulas included: exports neutralise.
 */
export function parseFtsFlows(text: string, fileName?: string): FtsFlows {
  const body = stripBom(text).trimStart();
  if (body.trim() === '') throw new AppError('import.empty');
  const unknownFormat = (): AppError =>
    new AppError('import.unknownFormat', { file: truncateForEcho(fileName ?? '—', 120), accepted: FLOW_FORMATS });

  if (body.startsWith('{') || body.startsWith('[')) {
    const root = parseJsonDocument(body);
    let list: unknown[] | null = null;
    if (Array.isArray(root)) list = root;
    else if (isRecord(root) && isRecord(root.data) && Array.isArray(root.data.flows)) list = root.data.flows;
    else if (isRecord(root) && Array.isArray(root.flows)) list = root.flows;
    if (list === null) throw unknownFormat();
    if (list.length === 0) throw new AppError('import.empty');
    if (list.length > MAX_FLOWS) throw new AppError('import.tooManyRows', { limit: MAX_FLOWS });
    return checkFlows(list.map((item, index) => jsonFlow(item, index + 1)));
  }

  const layout = readCsv(body, MAX_FLOWS);
  const raws = csvFlows(layout);
  if (raws.length === 0) throw new AppError('import.empty');
  const result = checkFlows(raws);
  result.refused = [...layout.refused, ...result.refused].sort((a, b) => a.row - b.row);
  return result;
}
