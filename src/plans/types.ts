/** Shapes shared by the plans module's parsers, service and routes. */

export const PLAN_TYPES = ['crisis-response-plan', 'humanitarian-response-plan', 'regional-response-plan', 'flash-appeal', 'other'] as const;
export type PlanType = (typeof PLAN_TYPES)[number];

/** Global cluster / sector codes (HDX HAPI list) plus IOM areas without a global cluster. */
export const SECTOR_CODES = ['SHL', 'CCM', 'WSH', 'HEA', 'PRO', 'PRO-GBV', 'PRO-CPN', 'PRO-HLP', 'PRO-MIN', 'FSC', 'NUT', 'EDU', 'ERY', 'LOG', 'TEL', 'MHP', 'CSS', 'DRR', 'DTM', 'OTH'] as const;
export type SectorCode = (typeof SECTOR_CODES)[number];

export const TARGET_GROUPS = ['idp', 'local-community', 'refugee', 'international-migrant', 'returnee'] as const;
export type TargetGroup = (typeof TARGET_GROUPS)[number];

export const CONTRIBUTION_STATUSES = ['pledge', 'commitment', 'paid'] as const;
export type ContributionStatus = (typeof CONTRIBUTION_STATUSES)[number];

export const EARMARK_LEVELS = ['plan', 'objective', 'activity-area', 'country'] as const;
export type EarmarkLevel = (typeof EARMARK_LEVELS)[number];

/** A plan as written in a plan definition file (YAML or JSON). Amounts in USD. */
export interface PlanDefinition {
  code: string;
  name: { en: string; fr: string };
  type: PlanType;
  startDate: string;
  endDate: string;
  countries: string[]; // ISO2
  status: 'draft' | 'published' | 'archived';
  requirementsUsd: number | null; // the plan's stated total, stored as given
  peopleTargeted: number | null; // de-duplicated, stored as given, never summed
  peopleTargetedDescription: string | null;
  entitiesTargeted: number | null;
  targetGroups: TargetGroup[];
  objectives: ObjectiveDefinition[];
  countryLines: CountryLineDefinition[];
}

export interface ObjectiveDefinition {
  position: number; // 1-based, in the order of the file
  name: { en: string; fr: string };
  requirementsUsd: number | null;
  peopleTargeted: number | null;
  peopleTargetedDescription: string | null;
  areas: ActivityAreaDefinition[];
}

export interface ActivityAreaDefinition {
  position: number;
  code: string; // lower-case slug, unique in the plan, e.g. "shelter-nfi"
  name: { en: string; fr: string };
  sectorCode: SectorCode;
  requirementsUsd: number | null;
  peopleTargeted: number | null;
  peopleTargetedDescription: string | null;
  targetGroups: TargetGroup[];
  entitiesTargeted: number | null;
}

export interface CountryLineDefinition {
  country: string; // ISO2
  activityAreaCode: string | null; // null: a line of the whole plan
  requirementsUsd: number | null;
  peopleTargeted: number | null;
}

/** Where parts do not add up to their whole. People-targeted gaps are expected (de-duplication). */
export interface ConsistencyFinding {
  /** 'plan' or 'objective:<position>' */
  scope: string;
  measure: 'requirements' | 'people-targeted' | 'entities-targeted';
  statedTotal: number;
  sumOfParts: number;
  difference: number; // statedTotal - sumOfParts
  /** 'expected' when the difference is normal (de-duplicated people); 'check' when it needs a look. */
  severity: 'ok' | 'expected' | 'check';
  /** Catalogue-style message code with French and English text (src/plans/messages.ts). */
  code: string;
}
