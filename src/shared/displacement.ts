/**
 * The displacement module's field and code lists, shared by the server (reader, validation,
 * service, routes, publishing) and the web app (mapping and review steps): one list each, so a
 * field added here is read by the import and offered by the mapping step at once.
 * Node-free (lint: src/shared imports no node:*, core or module code).
 */

/** Sex × age parts: `f1`…`f5` and `m1`…`m5` are the operation's age ranges, in order. */
export const AGE_BAND_FIELDS = ['f1', 'f2', 'f3', 'f4', 'f5', 'm1', 'm2', 'm3', 'm4', 'm5'] as const;
export type AgeBandField = (typeof AGE_BAND_FIELDS)[number];

/** Age-only parts (both sexes): `a1`…`a5` are the operation's age ranges, in order. */
export const AGE_ONLY_FIELDS = ['a1', 'a2', 'a3', 'a4', 'a5'] as const;
export type AgeOnlyField = (typeof AGE_ONLY_FIELDS)[number];

/** The counts of one population group: a row may carry several groups side by side. */
export const MEASURE_FIELDS = ['households', 'individuals', 'females', 'males', ...AGE_BAND_FIELDS, ...AGE_ONLY_FIELDS] as const;
export type MeasureField = (typeof MEASURE_FIELDS)[number];

/** Groups whose counts sit in their own columns beside the row's main group (IDP by default). */
export const SIDE_GROUPS = ['returnee', 'returnee-abroad'] as const;
export type SideGroup = (typeof SIDE_GROUPS)[number];
export type SideGroupField = `${SideGroup}:${MeasureField}`;
export const SIDE_GROUP_FIELDS: readonly SideGroupField[] = SIDE_GROUPS.flatMap((group) => MEASURE_FIELDS.map((measure): SideGroupField => `${group}:${measure}`));

export const BASE_FIELDS = [
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
  ...AGE_BAND_FIELDS,
  ...AGE_ONLY_FIELDS,
  'reason',
  'originAdmin1Pcode',
  'originAdmin1Name',
  'originAdmin2Pcode',
  'originAdmin2Name',
  'arrivalPeriod',
  'assessmentDate',
] as const;
export type RoundField = (typeof BASE_FIELDS)[number] | SideGroupField;
export const ROUND_FIELDS: readonly RoundField[] = [...BASE_FIELDS, ...SIDE_GROUP_FIELDS];

export const isRoundField = (value: string): value is RoundField => (ROUND_FIELDS as readonly string[]).includes(value);


/** A file cannot be imported without these mapped (admin2 or a location code places the row). */
export const REQUIRED_FIELDS: readonly RoundField[] = ['admin2Pcode', 'individuals'];

export const POPULATION_GROUPS = ['idp', 'returnee', 'returnee-abroad'] as const;
export type PopulationGroup = (typeof POPULATION_GROUPS)[number];

export const REASONS = ['conflict', 'insecurity', 'natural-disaster', 'other', 'not-reported'] as const;
export type Reason = (typeof REASONS)[number];

/** DTM API v3 spelling of each reason. */
export const REASON_DTM_LABEL: Record<Reason, string> = {
  conflict: 'Conflict',
  insecurity: 'Insecurity',
  'natural-disaster': 'Natural disaster',
  other: 'Other reason',
  'not-reported': 'No reason for displacement reported',
};

export const LOCATION_TYPES = ['village', 'neighbourhood', 'site', 'admin-area'] as const;
export type LocationType = (typeof LOCATION_TYPES)[number];

export const SETTLEMENT_TYPES = ['host-community', 'camp', 'planned-site', 'spontaneous-site', 'collective-centre', 'transit-site', 'other'] as const;
export type SettlementType = (typeof SETTLEMENT_TYPES)[number];

export const DEFAULT_AGE_RANGES = ['0-4', '5-17', '18-59', '60+'] as const;

/** The counts a reviewer may correct in place (the figure's columns of the same names). */
export const FIXABLE_FIELDS = ['households', 'individuals', 'females', 'males', ...AGE_BAND_FIELDS] as const;
export type FixableField = (typeof FIXABLE_FIELDS)[number];

/** Fields whose values come from a vocabulary (French and English spellings: src/displacement/values.ts). */
export const CHOICE_FIELDS = ['populationGroup', 'reason', 'locationType', 'settlementType'] as const;
export type ChoiceField = (typeof CHOICE_FIELDS)[number];

export type ValueKind = 'count' | 'pcode' | 'date' | 'coordinate' | 'name' | ChoiceField | 'arrivalPeriod' | 'text';

/** The kind of values a field expects: what the mapping step counts a column's values as. */
export function kindOf(field: RoundField): ValueKind {
  const measure = field.includes(':') ? field.slice(field.indexOf(':') + 1) : field;
  if (/^(households|individuals|females|males|[fma][1-5])$/.test(measure)) return 'count';
  if (/Pcode$/.test(field)) return 'pcode';
  if (field === 'originAdmin1Name' || field === 'originAdmin2Name') return 'name';
  if (field === 'assessmentDate') return 'date';
  if (field === 'latitude' || field === 'longitude') return 'coordinate';
  if ((CHOICE_FIELDS as readonly string[]).includes(field)) return field as ChoiceField;
  if (field === 'arrivalPeriod') return 'arrivalPeriod';
  return 'text';
}
