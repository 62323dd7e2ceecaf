/**
 * Reads the `details` of the import errors the interface can act on (POST /api/geo/imports).
 * Details arrive as unknown JSON: anything malformed reads as "no details", never as a crash.
 */
import type { NameMismatch, RefusedRow } from './types.js';

/** The server lists at most this many refused rows in a `geo.import.rowsRefused` error. */
export const REFUSED_LIST_LIMIT = 1000;

export type ImportProblem =
  /** Bad rows: nothing imported; the file can be sent again with `skipRefused`. */
  | { kind: 'rowsRefused'; refused: RefusedRow[] }
  /** Names changed under the same P-codes: a reform, which needs its valid-from date. */
  | { kind: 'reformNeedsDate'; nameMismatches: NameMismatch[]; suggestedValidFrom: string | null }
  /** A population table without a year column: the reference year is needed. */
  | { kind: 'populationYearMissing' }
  /** Boundaries whose P-code property could not be found or chosen: the user names it (candidates when several). */
  | { kind: 'pcodeProperty'; candidates: string[] }
  | { kind: 'other' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const stringOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string';

function isRefusedRow(value: unknown): value is RefusedRow {
  return (
    isRecord(value) &&
    typeof value.row === 'number' &&
    stringOrNull(value.column) &&
    stringOrNull(value.value) &&
    typeof value.code === 'string' &&
    typeof value.message === 'string'
  );
}

function isNameMismatch(value: unknown): value is NameMismatch {
  return isRecord(value) && typeof value.pcode === 'string' && typeof value.gazetteerName === 'string' && typeof value.fileName === 'string';
}

/** What an import error asks of the user, from its catalogue code and details. */
export function importProblem(code: string | null, details: unknown): ImportProblem {
  switch (code) {
    case 'geo.import.rowsRefused': {
      const refused = isRecord(details) && Array.isArray(details.refused) ? details.refused.filter(isRefusedRow) : [];
      return refused.length > 0 ? { kind: 'rowsRefused', refused } : { kind: 'other' };
    }
    case 'geo.import.reformNeedsDate': {
      const mismatches = isRecord(details) && Array.isArray(details.nameMismatches) ? details.nameMismatches.filter(isNameMismatch) : [];
      const suggested = isRecord(details) && typeof details.suggestedValidFrom === 'string' ? details.suggestedValidFrom : null;
      return { kind: 'reformNeedsDate', nameMismatches: mismatches, suggestedValidFrom: suggested };
    }
    case 'geo.import.populationYearMissing':
      return { kind: 'populationYearMissing' };
    case 'geo.import.noPcodeProperty':
    case 'geo.import.pcodePropertyAmbiguous': {
      const candidates = isRecord(details) && Array.isArray(details.candidates) ? details.candidates.filter((value): value is string => typeof value === 'string') : [];
      return { kind: 'pcodeProperty', candidates };
    }
    default:
      return { kind: 'other' };
  }
}

export const MIN_YEAR = 1950;
export const MAX_YEAR = 2100;

/** "" → null (not sent); "2023" → 2023; anything else (outside 1950–2100, decimals) → undefined. */
export function parseYear(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (!/^\d{4}$/.test(trimmed)) return undefined;
  const year = Number(trimmed);
  return year >= MIN_YEAR && year <= MAX_YEAR ? year : undefined;
}
