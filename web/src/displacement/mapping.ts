/**
 * The column-mapping step of a round import, pure: the canonical fields a column can be mapped
 * to (the server's ROUND_FIELDS, checked by a test), which ones are required, and what stops a
 * draft mapping from being sent.
 */
import type { RoundField } from './types.js';

/** The server's canonical fields, in its order (src/displacement/fields.ts; a test keeps them equal). */
export const ROUND_FIELDS = [
  'admin1Pcode',
  'admin1Name',
  'admin2Pcode',
  'admin2Name',
  'admin3Pcode',
  'locationCode',
  'locationName',
  'locationType',
  'settlementType',
  'latitude',
  'longitude',
  'populationGroup',
  'households',
  'individuals',
  'females',
  'males',
  'f1',
  'f2',
  'f3',
  'f4',
  'f5',
  'm1',
  'm2',
  'm3',
  'm4',
  'm5',
  'reason',
  'originAdmin1Pcode',
  'originAdmin2Pcode',
  'arrivalPeriod',
  'assessmentDate',
] as const satisfies readonly RoundField[];

export const REQUIRED_FIELDS: readonly RoundField[] = ['admin2Pcode', 'individuals'];

const BAND = /^([fm])([1-5])$/;

/** `f2` → { sex: 'f', index: 1 }; null for a field that is not a sex × age band. */
export function bandOf(field: string): { sex: 'f' | 'm'; index: number } | null {
  const match = BAND.exec(field);
  return match ? { sex: match[1] as 'f' | 'm', index: Number(match[2]) - 1 } : null;
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
  return {
    missing: REQUIRED_FIELDS.filter((field) => !byField.has(field)),
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
  if (band) {
    return { key: band.sex === 'f' ? 'displacement.fields.femaleBand' : 'displacement.fields.maleBand', options: { range: ageRanges[band.index] ?? `#${band.index + 1}` } };
  }
  return { key: `displacement.fields.${field}` };
}
