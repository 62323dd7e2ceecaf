/**
 * The column-mapping step of a round import, pure: the canonical fields a column can be mapped
 * to (src/shared/displacement.ts, the server's own lists), which ones are required, and what stops a
 * draft mapping from being sent.
 */
import { isRoundField, kindOf, REQUIRED_FIELDS, ROUND_FIELDS, type RoundField } from '../../../src/shared/displacement.js';

/** `returnee:individuals` → { group: 'returnee', measure: 'individuals' }; null for a field of the row's own group. */
export function sideGroupOf(field: string): { group: string; measure: string } | null {
  const at = field.indexOf(':');
  return at === -1 ? null : { group: field.slice(0, at), measure: field.slice(at + 1) };
}

/** What the mapping step says of a column's values for the field chosen: how many it could not read. */
export function unreadable(column: { filled: number; readable: Partial<Record<string, number>> } | undefined, field: string | null): { unread: number; filled: number; most: boolean } | null {
  if (column === undefined || field === null || column.filled === 0) return null;
  if (!isRoundField(field)) return null;
  const kind = kindOf(field);
  if (kind === 'text') return null;
  const unread = column.filled - (column.readable[kind] ?? 0);
  return { unread, filled: column.filled, most: unread * 2 > column.filled };
}

const BAND = /^([fma])([1-5])$/;

/** `f2` → { sex: 'f', index: 1 }; `a2` (both sexes) → { sex: 'a', index: 1 }; null for a field that is not an age part. */
export function bandOf(field: string): { sex: 'f' | 'm' | 'a'; index: number } | null {
  const match = BAND.exec(sideGroupOf(field)?.measure ?? field);
  return match ? { sex: match[1] as 'f' | 'm' | 'a', index: Number(match[2]) - 1 } : null;
}

/** The fields offered for an operation: bands beyond its age ranges are left out (f5 with four ranges). */
export function fieldsFor(ageRanges: readonly string[]): RoundField[] {
  return ROUND_FIELDS.filter((field) => {
    const band = bandOf(field);
    return band === null || band.index < ageRanges.length;
  });
}

/** header → field; null ignores the column. */
export type MappingDraft = Record<string, RoundField | null>;

/** The mapping to start from: the server's (confirmed earlier or suggested), every header present. */
export function initialDraft(headers: readonly string[], mapping: Readonly<Record<string, string | null>>, allowed: readonly RoundField[]): MappingDraft {
  const known = new Set<string>(allowed);
  return Object.fromEntries(
    headers.map((header) => {
      const field = mapping[header];
      return [header, field !== undefined && field !== null && known.has(field) ? (field as RoundField) : null];
    }),
  );
}

export interface MappingProblems {
  /** Required fields no column is mapped to. */
  missing: RoundField[];
  /** Fields two columns or more are mapped to, with those headers. */
  duplicated: Array<{ field: RoundField; headers: string[] }>;
}

export function mappingProblems(draft: MappingDraft): MappingProblems {
  const byField = new Map<RoundField, string[]>();
  for (const [header, field] of Object.entries(draft)) {
    if (field === null) continue;
    byField.set(field, [...(byField.get(field) ?? []), header]);
  }
  // Individuals of any group count: a file of returnees only is a round too.
  const hasIndividuals = [...byField.keys()].some((field) => field === 'individuals' || field.endsWith(':individuals'));
  return {
    missing: REQUIRED_FIELDS.filter((field) => (field === 'individuals' ? !hasIndividuals : !byField.has(field))),
    duplicated: [...byField].filter(([, headers]) => headers.length > 1).map(([field, headers]) => ({ field, headers })),
  };
}

export function isComplete(problems: MappingProblems): boolean {
  return problems.missing.length === 0 && problems.duplicated.length === 0;
}

/** Headers of the draft whose field is also taken by another column. */
export function conflictingHeaders(problems: MappingProblems): Set<string> {
  return new Set(problems.duplicated.flatMap((entry) => entry.headers));
}

/** Columns that go nowhere (counted for the summary line). */
export function ignoredCount(draft: MappingDraft): number {
  return Object.values(draft).filter((field) => field === null).length;
}

/** The i18n key and options of a field's label: band fields take the operation's age range. */
export function fieldLabelKey(field: string, ageRanges: readonly string[]): { key: string; options?: Record<string, string> } {
  const band = bandOf(field);
  const side = sideGroupOf(field);
  if (side) return { key: 'displacement.fields.sideGroup', options: { group: side.group, measure: side.measure } };
  if (band) {
    const key = band.sex === 'f' ? 'displacement.fields.femaleBand' : band.sex === 'm' ? 'displacement.fields.maleBand' : 'displacement.fields.ageBand';
    return { key, options: { range: ageRanges[band.index] ?? `#${band.index + 1}` } };
  }
  return { key: `displacement.fields.${field}` };
}
