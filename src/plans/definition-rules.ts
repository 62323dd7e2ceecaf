/**
 * The rules of a plan definition file (docs/plan-definition.md): limits, allowed keys at each
 * level, code patterns, target-group aliases. Read by definition-readers.ts and definition.ts.
 */
import { type ErrorCode } from '../core/errors.js';
import { type TargetGroup } from './types.js';

/** Bounds that keep a hostile or mistaken file from costing much memory or time. */
export const PLAN_DEFINITION_LIMITS = Object.freeze({
  /**
   * Characters of text. 2,000 activity areas with a line per country, as indented JSON, make about
   * 1.5 MB and read in about a second; parsing time grows with size, so the bound stays close.
   */
  maxChars: 2_097_152,
  /** Nesting of YAML/JSON collections. The layout needs 6; the yaml composer recurses per level. */
  maxDepth: 32,
  /** The yaml library's guard against alias expansion ("billion laughs"). */
  maxAliasCount: 100,
  maxObjectives: 200,
  maxAreas: 2_000,
  maxCountryLines: 10_000,
  maxCountries: 50,
  maxTargetGroups: 20,
  /** Problems listed in the error; the count still covers all of them. */
  maxProblems: 100,
  /** numeric(16, 2) holds 1e14; a tenth of that is already far beyond any appeal. */
  maxAmountUsd: 1e13,
  maxPeople: 10_000_000_000,
  /** entities_targeted is an integer column. */
  maxEntities: 1_000_000,
  planNameChars: 300,
  objectiveNameChars: 500,
  areaNameChars: 300,
  descriptionChars: 2_000,
});

/** One problem of a definition file. `message` is English; `code` + `params` localise it. */
export interface PlanDefinitionProblem {
  /** e.g. `objectives[2].areas[0].requirementsUsd` (0-based indexes); '' is the whole document. */
  path: string;
  /** 1-based line in the file, when the location exists in it. */
  line: number | null;
  code: ErrorCode;
  params: Record<string, string | number>;
  message: string;
}

export const PLAN_STATUSES = ['draft', 'published', 'archived'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export const PLAN_KEYS = [
  'code',
  'name',
  'type',
  'startDate',
  'endDate',
  'countries',
  'status',
  'requirementsUsd',
  'peopleTargeted',
  'peopleTargetedDescription',
  'entitiesTargeted',
  'targetGroups',
  'objectives',
  'countryLines',
] as const;
export const NAME_KEYS = ['en', 'fr'] as const;
export const OBJECTIVE_KEYS = ['name', 'requirementsUsd', 'peopleTargeted', 'peopleTargetedDescription', 'areas'] as const;
export const AREA_KEYS = ['code', 'name', 'sectorCode', 'requirementsUsd', 'peopleTargeted', 'peopleTargetedDescription', 'targetGroups', 'entitiesTargeted'] as const;
export const COUNTRY_LINE_KEYS = ['country', 'activityArea', 'requirementsUsd', 'peopleTargeted'] as const;

export const PLAN_CODE = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
export const AREA_CODE = /^[a-z0-9][a-z0-9-]{0,59}$/;

/**
 * Target-group spellings met in plans and 4W files, keyed by `aliasKey`. French forms are there
 * because French is the working language in the field (PDI = IDP). "Returned refugees"
 * (rapatriés) is left out on purpose: it is not the same group as returnees, so it must not be
 * folded into one silently.
 */
export const TARGET_GROUP_ALIASES: ReadonlyMap<string, TargetGroup> = new Map<string, TargetGroup>([
  ...['idp', 'idps', 'internally displaced person', 'internally displaced persons', 'internally displaced people', 'pdi', 'pdis', 'personne deplacee interne', 'personnes deplacees internes', 'deplaces internes'].map(
    (alias): [string, TargetGroup] => [alias, 'idp'],
  ),
  ...[
    'local community',
    'local communities',
    'local population',
    'local populations',
    'local population community',
    'host community',
    'host communities',
    'host population',
    'communaute locale',
    'communautes locales',
    'population locale',
    'populations locales',
    'communaute hote',
    'communautes hotes',
    'communaute d accueil',
    'communautes d accueil',
  ].map((alias): [string, TargetGroup] => [alias, 'local-community']),
  ...['refugee', 'refugees', 'refugie', 'refugies'].map((alias): [string, TargetGroup] => [alias, 'refugee']),
  ...['international migrant', 'international migrants', 'migrant', 'migrants', 'migrant international', 'migrants internationaux'].map(
    (alias): [string, TargetGroup] => [alias, 'international-migrant'],
  ),
  ...['returnee', 'returnees', 'retourne', 'retournes'].map((alias): [string, TargetGroup] => [alias, 'returnee']),
]);

export function aliasKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
