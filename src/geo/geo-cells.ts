/**
 * Small readers shared by the geography parsers (tables and boundary files): a cell's text, dates
 * in the spellings GIS tools write, counts, P-codes checked against the country schemes, required
 * columns. Pure.
 */
import { AppError } from '../core/errors.js';
import { isMissingMarker, presentText, trimCell } from '../core/cells.js';
import { headerKey, rowIssue, truncateForEcho, type RowIssue } from '../core/tabular.js';
import { isCalendarDate } from '../shared/dates.js';
import { normalisePcode, type PcodeScheme } from './pcode.js';

export interface PcodeOptions {
  /** P-code schemes to read codes with; defaults to the built-in Burkina Faso, Mali, Niger. */
  schemes?: Readonly<Record<string, PcodeScheme>>;
}

// ---------------------------------------------------------------------------------------------
// Small shared readers
// ---------------------------------------------------------------------------------------------

export function clean(value: string | undefined): string {
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

export function readDate(value: unknown): DateReading {
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

export function readCount(value: string | undefined): NumberReading {
  const text = presentText(value);
  if (text === null) return { kind: 'absent' };
  const compact = text.replace(/[\s\u00A0\u202F]/g, '');
  if (!/^[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/.test(compact)) return { kind: 'invalid', text };
  const number = Number(compact);
  return Number.isFinite(number) ? { kind: 'number', value: number } : { kind: 'invalid', text };
}

/** A short, safe rendering of any JSON value for messages: never walks into nested content. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return truncateForEcho(JSON.stringify(value));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[…${value.length}]`;
  if (typeof value === 'object') return '{…}';
  return typeof value;
}

export function describePosition(position: unknown): string {
  if (!Array.isArray(position)) return describeJson(position);
  const parts: unknown[] = position.slice(0, 3);
  return `[${parts.map(describeJson).join(', ')}${position.length > 3 ? ', …' : ''}]`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A property value as text, or null when absent, a missing marker, or not a scalar. */
export function propertyText(value: unknown): string | null {
  if (typeof value === 'string') {
    const text = clean(value);
    return isMissingMarker(text) ? null : text;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

type PcodeCheck = { ok: true; pcode: string; country: string; level: number } | { ok: false; issue: RowIssue };

export function checkPcode(
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
export function findColumn(header: readonly string[], keys: readonly string[]): string | null {
  for (const key of keys) {
    const found = header.find((name) => headerKey(name) === key);
    if (found !== undefined) return found;
  }
  return null;
}

export function requireColumns(header: readonly string[], wanted: Record<string, string | null>): void {
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
export function firstLine(text: string): string {
  const end = text.search(/\r?\n/);
  return (end === -1 ? text : text.slice(0, end)).slice(0, 64 * 1024);
}
