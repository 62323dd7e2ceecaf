/** Shapes shared by the plans module's parsers, service and routes; the code lists are in src/shared/plans.ts. */

import type { PlanStatus, PlanType, SectorCode, TargetGroup } from '../shared/plans.js';

export {
  CONTRIBUTION_STATUSES,
  EARMARK_LEVELS,
  PLAN_TYPES,
  SECTOR_CODES,
  TARGET_GROUPS,
  type ContributionStatus,
  type EarmarkLevel,
  type PlanStatus,
  type PlanType,
  type SectorCode,
  type TargetGroup,
} from '../shared/plans.js';

/** A plan as written in a plan definition file (YAML or JSON). Amounts in USD. */
export interface PlanDefinition {
  code: string;
  name: { en: string; fr: string };
  type: PlanType;
  startDate: string;
  endDate: string;
  countries: string[]; // ISO2
  status: PlanStatus;
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
