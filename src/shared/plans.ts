/**
 * The plans module's code lists, shared by the server (parsers, service, routes) and the web app
 * (forms, labels): one list each, so a code added here is accepted by the API and offered by the
 * interface at once (web/src/plans/labels.test.ts checks that both languages name every code).
 */

export const PLAN_TYPES = ['crisis-response-plan', 'humanitarian-response-plan', 'regional-response-plan', 'flash-appeal', 'other'] as const;
export type PlanType = (typeof PLAN_TYPES)[number];

export const PLAN_STATUSES = ['draft', 'published', 'archived'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** Global cluster / sector codes (HDX HAPI list) plus IOM areas without a global cluster. */
export const SECTOR_CODES = ['SHL', 'CCM', 'WSH', 'HEA', 'PRO', 'PRO-GBV', 'PRO-CPN', 'PRO-HLP', 'PRO-MIN', 'FSC', 'NUT', 'EDU', 'ERY', 'LOG', 'TEL', 'MHP', 'CSS', 'DRR', 'DTM', 'OTH'] as const;
export type SectorCode = (typeof SECTOR_CODES)[number];

export const TARGET_GROUPS = ['idp', 'local-community', 'refugee', 'international-migrant', 'returnee'] as const;
export type TargetGroup = (typeof TARGET_GROUPS)[number];

export const CONTRIBUTION_STATUSES = ['pledge', 'commitment', 'paid'] as const;
export type ContributionStatus = (typeof CONTRIBUTION_STATUSES)[number];

export const EARMARK_LEVELS = ['plan', 'objective', 'activity-area', 'country'] as const;
export type EarmarkLevel = (typeof EARMARK_LEVELS)[number];
