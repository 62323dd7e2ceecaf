/**
 * The plans module's rules for reading and revising plans: who may see and change a plan,
 * the plan page with its funding at every level, the plans list, funding over time, the change
 * log, revisions of figures, and the HDX HAPI funding rows. Contributions: contributions.ts;
 * imports of plan definitions, FTS files and flows: plan-imports.ts.
 */
import { actorName, audited, type Actor } from '../access/audit.js';
import { can, type Principal, type Verb } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { versionKeys, withVersions } from '../core/versions.js';
import { AppError, type Language } from '../core/errors.js';
import { iso2ToIso3 } from '../geo/pcode.js';
import { checkConsistency, formatConsistencyFinding } from './definition.js';
import { computeFunding, fundingOverTime, type FundingPoint, type FundingStatus } from './funding.js';
import * as q from './queries.js';
import type { ConsistencyFinding } from './types.js';

// ---- who may see and change a plan ----------------------------------------------------------------

/**
 * A plan the principal may act on. Published plans are readable by all; drafts and changes need
 * the verb in a scope covering one of the plan's countries. A draft outside the caller's scope
 * answers 404, so its existence does not leak; a change to a published plan outside it, 403.
 */
/**
 * Upload limit of a plan, FTS or flows file (the route's body limit and the CLI's check). The
 * file is read whole (YAML and JSON parse as one document); this limit bounds that memory.
 */
export const PLAN_IMPORT_LIMIT = 32 * 1024 * 1024;

/**
 * The principal holds the verb in every one of these countries: a write that touches several
 * countries (a plan's, or a contribution earmarked to one) needs each of them in scope, not just
 * one shared with the plan. An empty list needs a scope wider than any country.
 */
export function canInEvery(principal: Principal, verb: Verb, countries: readonly string[]): boolean {
  if (countries.length === 0) return can(principal, verb, { countries: [] });
  return countries.every((country) => can(principal, verb, { countries: [country] }));
}

/**
 * A contribution earmarked to a country touches that country's funding: the caller needs the verb
 * there, whatever other country of the plan they hold (issue 17: a Mali officer earmarking to
 * Niger in the regional plan). Checked for the contribution as it was and as it will be.
 */
export function checkEarmarkScope(principal: Principal, ...earmarkedCountries: Array<string | null>): void {
  const countries = earmarkedCountries.filter((country): country is string => country !== null);
  // Not earmarked to a country: the plan's own check (authorisePlan) is the whole of it.
  if (countries.length > 0 && !canInEvery(principal, 'contribution.record', countries)) throw new AppError('auth.forbidden', { verb: 'contribution.record' });
}

export async function authorisePlan(db: Queryable, code: string, principal: Principal, verb: Verb): Promise<void> {
  const plan = await requirePlan(db, code);
  // A published plan is public reading; drafts and every change need the verb where the plan is.
  const visible =
    verb === 'plan.read' && plan.status === 'published'
      ? can(principal, verb)
      : principal.kind !== 'anonymous' && can(principal, verb, { countries: plan.countries });
  if (visible) return;
  // Where the plan itself is readable (published), refusing a change reveals nothing: say why.
  if (verb !== 'plan.read' && plan.status === 'published' && can(principal, 'plan.read')) {
    throw new AppError(principal.kind === 'anonymous' ? 'auth.required' : 'auth.forbidden', { verb });
  }
  throw new AppError('plans.notFound', { code: code.slice(0, 40) });
}

// ---- reading ------------------------------------------------------------------------------------

export interface Names {
  en: string;
  fr: string;
}

export interface Requirements {
  originalUsd: number | null;
  revisedUsd: number | null;
}

export interface ActivityAreaView {
  id: number;
  code: string;
  position: number;
  name: Names;
  sectorCode: string;
  requirements: Requirements;
  peopleTargeted: number | null;
  peopleTargetedDescription: string | null;
  targetGroups: string[];
  entitiesTargeted: number | null;
  version: number;
  funding: FundingStatus;
}

export interface ObjectiveView {
  id: number;
  position: number;
  name: Names;
  requirements: Requirements;
  peopleTargeted: number | null;
  peopleTargetedDescription: string | null;
  version: number;
  funding: FundingStatus;
  areas: ActivityAreaView[];
}

export interface PlanFundingView extends FundingStatus {
  /** 'contributions' when Liptako holds the flows; 'reported' when the figure comes from FTS. */
  basis: 'contributions' | 'reported';
  reportedFundingUsd: number | null;
  reportedFundingSource: string | null;
  reportedFundingAsOf: string | null;
}

export interface ConsistencyView extends ConsistencyFinding {
  message: string;
}

export interface PlanView {
  code: string;
  name: Names;
  type: string;
  startDate: string;
  endDate: string;
  countries: string[];
  currency: string;
  status: string;
  version: number;
  requirements: Requirements;
  peopleTargeted: number | null;
  peopleTargetedDescription: string | null;
  entitiesTargeted: number | null;
  targetGroups: string[];
  funding: PlanFundingView;
  objectives: ObjectiveView[];
  countryLines: Array<{ id: number; country: string; activityAreaId: number | null; requirements: Requirements; peopleTargeted: number | null; version: number; funding: FundingStatus | null }>;
  consistency: ConsistencyView[];
}

export interface PlanSummary {
  code: string;
  name: Names;
  type: string;
  startDate: string;
  endDate: string;
  countries: string[];
  status: string;
  requiredUsd: number | null;
  fundedUsd: number;
  percentFunded: number | null;
  fundingBasis: 'contributions' | 'reported';
  peopleTargeted: number | null;
}

const requirementsOf = (row: { original_requirements_usd: number | null; revised_requirements_usd: number | null }): Requirements => ({
  originalUsd: row.original_requirements_usd,
  revisedUsd: row.revised_requirements_usd,
});

export async function requirePlan(db: Queryable, code: string): Promise<q.PlanRow> {
  const plan = await q.planByCode(db, code.trim().toUpperCase());
  if (!plan) throw new AppError('plans.notFound', { code: code.slice(0, 40) });
  return plan;
}

function planFunding(plan: q.PlanRow, status: FundingStatus): PlanFundingView {
  const reported = plan.reported_funding_usd;
  // With no flows recorded, the outside figure (FTS) is the best answer, and is labelled as such.
  if (status.contributions === 0 && reported !== null) {
    const required = status.requiredUsd;
    return {
      ...status,
      fundedUsd: reported,
      gapUsd: required === null ? null : Math.max(0, Math.round((required - reported) * 100) / 100),
      percentFunded: required === null || required === 0 ? null : Math.round((reported / required) * 1000) / 10,
      basis: 'reported',
      reportedFundingUsd: reported,
      reportedFundingSource: plan.reported_funding_source,
      reportedFundingAsOf: plan.reported_funding_as_of,
    };
  }
  return {
    ...status,
    basis: 'contributions',
    reportedFundingUsd: reported,
    reportedFundingSource: plan.reported_funding_source,
    reportedFundingAsOf: plan.reported_funding_as_of,
  };
}

export async function getPlan(db: Queryable, code: string, language: Language = 'en'): Promise<PlanView> {
  const plan = await requirePlan(db, code);
  const [objectives, areas, lines, sums] = [
    await q.objectivesOf(db, plan.id),
    await q.areasOf(db, plan.id),
    await q.countryLinesOf(db, plan.id),
    await q.fundingSums(db, plan.id),
  ];
  const planLines = lines.filter((line) => line.activity_area_id === null);
  const funding = computeFunding(
    {
      requiredUsd: plan.revised_requirements_usd,
      objectives: objectives.map((objective) => ({
        id: objective.id,
        requiredUsd: objective.revised_requirements_usd,
        areas: areas.filter((area) => area.objective_id === objective.id).map((area) => ({ id: area.id, requiredUsd: area.revised_requirements_usd })),
      })),
      countryLines: planLines.map((line) => ({ country: line.country, requiredUsd: line.revised_requirements_usd })),
    },
    sums.map((sum) => ({
      status: sum.status,
      earmarkLevel: sum.earmark_level,
      objectiveId: sum.objective_id,
      activityAreaId: sum.activity_area_id,
      country: sum.country,
      amountUsd: sum.amount_usd,
      contributions: sum.contributions,
    })),
  );
  const consistency = checkConsistency({
    requirementsUsd: plan.revised_requirements_usd,
    peopleTargeted: plan.people_targeted,
    entitiesTargeted: plan.entities_targeted,
    objectives: objectives.map((objective) => ({
      position: objective.position,
      requirementsUsd: objective.revised_requirements_usd,
      peopleTargeted: objective.people_targeted,
      areas: areas
        .filter((area) => area.objective_id === objective.id)
        .map((area) => ({ requirementsUsd: area.revised_requirements_usd, peopleTargeted: area.people_targeted, entitiesTargeted: area.entities_targeted })),
    })),
  });
  return {
    code: plan.code,
    name: { en: plan.name_en, fr: plan.name_fr },
    type: plan.plan_type,
    startDate: plan.start_date,
    endDate: plan.end_date,
    countries: plan.countries,
    currency: plan.currency,
    status: plan.status,
    version: plan.version,
    requirements: requirementsOf(plan),
    peopleTargeted: plan.people_targeted,
    peopleTargetedDescription: plan.people_targeted_description,
    entitiesTargeted: plan.entities_targeted,
    targetGroups: plan.target_groups,
    funding: planFunding(plan, funding.plan),
    objectives: objectives.map((objective) => ({
      id: objective.id,
      position: objective.position,
      name: { en: objective.name_en, fr: objective.name_fr },
      requirements: requirementsOf(objective),
      peopleTargeted: objective.people_targeted,
      peopleTargetedDescription: objective.people_targeted_description,
      version: objective.version,
      funding: funding.objectives.get(objective.id)!,
      areas: areas
        .filter((area) => area.objective_id === objective.id)
        .map((area) => ({
          id: area.id,
          code: area.code,
          position: area.position,
          name: { en: area.name_en, fr: area.name_fr },
          sectorCode: area.sector_code,
          requirements: requirementsOf(area),
          peopleTargeted: area.people_targeted,
          peopleTargetedDescription: area.people_targeted_description,
          targetGroups: area.target_groups,
          entitiesTargeted: area.entities_targeted,
          version: area.version,
          funding: funding.areas.get(area.id)!,
        })),
    })),
    countryLines: lines.map((line) => ({
      id: line.id,
      country: line.country,
      activityAreaId: line.activity_area_id,
      requirements: requirementsOf(line),
      peopleTargeted: line.people_targeted,
      version: line.version,
      funding: line.activity_area_id === null ? (funding.countries.get(line.country) ?? null) : null,
    })),
    consistency: consistency.map((finding) => ({ ...finding, message: formatConsistencyFinding(finding, language) })),
  };
}

export async function listPlans(db: Queryable, principal?: Principal): Promise<PlanSummary[]> {
  const plans = (await q.listPlans(db)).filter(
    (plan) =>
      principal === undefined ||
      (plan.status === 'published' ? can(principal, 'plan.read') : principal.kind !== 'anonymous' && can(principal, 'plan.read', { countries: plan.countries })),
  );
  const totals = await q.fundingTotalsByPlan(db);
  const summaries: PlanSummary[] = [];
  for (const plan of plans) {
    // Only the plan's own status is needed here, so every sum counts at plan level.
    const sums = totals.filter((total) => total.plan_id === plan.id);
    const status = planFunding(
      plan,
      computeFunding(
        { requiredUsd: plan.revised_requirements_usd, objectives: [], countryLines: [] },
        sums.map((sum) => ({ status: sum.status, earmarkLevel: 'plan', objectiveId: null, activityAreaId: null, country: null, amountUsd: sum.amount_usd, contributions: sum.contributions })),
      ).plan,
    );
    summaries.push({
      code: plan.code,
      name: { en: plan.name_en, fr: plan.name_fr },
      type: plan.plan_type,
      startDate: plan.start_date,
      endDate: plan.end_date,
      countries: plan.countries,
      status: plan.status,
      requiredUsd: plan.revised_requirements_usd,
      fundedUsd: status.fundedUsd,
      percentFunded: status.percentFunded,
      fundingBasis: status.basis,
      peopleTargeted: plan.people_targeted,
    });
  }
  return summaries;
}

export async function planFundingOverTime(db: Queryable, code: string): Promise<FundingPoint[]> {
  const plan = await requirePlan(db, code);
  const contributions = await q.contributionsOf(db, plan.id);
  return fundingOverTime(
    contributions.map((contribution) => ({
      amountUsd: contribution.amount_usd,
      pledgedOn: contribution.pledged_on,
      committedOn: contribution.committed_on,
      paidOn: contribution.paid_on,
      status: contribution.status,
    })),
  );
}

export async function planChanges(db: Queryable, code: string, limit = 200): Promise<q.ChangeRow[]> {
  const plan = await requirePlan(db, code);
  return q.changesOf(db, plan.id, limit);
}

// ---- revisions ----------------------------------------------------------------------------------

export type RevisionTarget = { entity: 'plan' } | { entity: 'objective'; id: number } | { entity: 'activity-area'; id: number } | { entity: 'country-line'; id: number };

export interface RevisionRequest {
  version: number;
  requirementsUsd?: number | null;
  peopleTargeted?: number | null;
  reason?: string;
}

const TABLES: Record<RevisionTarget['entity'], q.RevisableTable> = {
  plan: 'plan',
  objective: 'plan_objective',
  'activity-area': 'plan_activity_area',
  'country-line': 'plan_country_line',
};

/**
 * Revises requirements or people targeted of one part of a plan. The original value stays; the
 * change is recorded with who and why; an edit made on a stale version is refused (409).
 */
export async function revise(db: Queryable, actor: Actor, code: string, target: RevisionTarget, request: RevisionRequest): Promise<PlanView> {
  return withVersions((bump) =>
    audited(
      db,
      actor,
      async (tx) => {
        await bump(tx, [versionKeys.plan(code), versionKeys.plans]);
        return applyRevision(tx, code, target, request, actorName(actor));
      },
      (plan) => ({
        action: 'plan.revise',
        objectType: 'plan',
        objectId: plan.code,
        summary: { part: target.entity, ...(target.entity === 'plan' ? {} : { id: target.id }), requirementsUsd: request.requirementsUsd, peopleTargeted: request.peopleTargeted },
      }),
    ),
  );
}

/** A revision inside a transaction already audited (the route's, or a plan import's). */
export async function applyRevision(db: Queryable, code: string, target: RevisionTarget, request: RevisionRequest, actor: string): Promise<PlanView> {
  if (request.requirementsUsd === undefined && request.peopleTargeted === undefined) {
    throw new AppError('request.invalid', { detail: 'requirementsUsd or peopleTargeted' });
  }
  return db.transaction(async (tx) => {
    const plan = await requirePlan(tx, code);
    const table = TABLES[target.entity];
    const id = target.entity === 'plan' ? plan.id : target.id;
    const before = await currentFigures(tx, plan, target);
    if (before === undefined) throw new AppError('plans.part.notFound', { id, code: plan.code });
    const version = await q.reviseRow(tx, table, { planId: plan.id, id, version: request.version }, {
      revisedRequirementsUsd: request.requirementsUsd,
      peopleTargeted: request.peopleTargeted,
    });
    if (version === null) throw new AppError('resource.stale', {}, { details: { currentVersion: before.version } });
    const changes: q.ChangeRecord[] = [];
    if (request.requirementsUsd !== undefined && request.requirementsUsd !== before.requirementsUsd) {
      changes.push({ planId: plan.id, entity: target.entity, entityId: id, field: 'revised_requirements_usd', oldValue: before.requirementsUsd, newValue: request.requirementsUsd, reason: request.reason ?? null, changedBy: actor });
    }
    if (request.peopleTargeted !== undefined && request.peopleTargeted !== before.peopleTargeted) {
      changes.push({ planId: plan.id, entity: target.entity, entityId: id, field: 'people_targeted', oldValue: before.peopleTargeted, newValue: request.peopleTargeted, reason: request.reason ?? null, changedBy: actor });
    }
    await q.recordChanges(tx, changes);
    return getPlan(tx, plan.code);
  });
}

async function currentFigures(
  db: Queryable,
  plan: q.PlanRow,
  target: RevisionTarget,
): Promise<{ requirementsUsd: number | null; peopleTargeted: number | null; version: number } | undefined> {
  const pick = (row: { revised_requirements_usd: number | null; people_targeted: number | null; version: number } | undefined) =>
    row && { requirementsUsd: row.revised_requirements_usd, peopleTargeted: row.people_targeted, version: row.version };
  switch (target.entity) {
    case 'plan':
      return pick(plan);
    case 'objective':
      return pick((await q.objectivesOf(db, plan.id)).find((objective) => objective.id === target.id));
    case 'activity-area':
      return pick((await q.areasOf(db, plan.id)).find((area) => area.id === target.id));
    case 'country-line':
      return pick((await q.countryLinesOf(db, plan.id)).find((line) => line.id === target.id));
  }
}

// ---- HDX HAPI funding ------------------------------------------------------------------------------

export interface HapiFundingRow {
  appeal_code: string;
  appeal_name: string;
  appeal_type: string;
  requirements_usd: number | null;
  funding_usd: number;
  funding_pct: number | null;
  location_code: string;
  location_name: string;
  reference_period_start: string;
  reference_period_end: string;
}

const HAPI_APPEAL_TYPE: Record<string, string> = {
  'crisis-response-plan': 'Crisis response plan',
  'humanitarian-response-plan': 'HRP',
  'regional-response-plan': 'Regional response plan',
  'flash-appeal': 'Flash appeal',
  other: 'Other',
};

/**
 * One row per plan and country, as HDX HAPI publishes funding. A multi-country plan repeats its
 * totals for each country unless it has country lines; published plans only.
 */
export async function hapiFundingRows(db: Queryable): Promise<HapiFundingRow[]> {
  const rows: HapiFundingRow[] = [];
  const displayNames = new Intl.DisplayNames(['en'], { type: 'region' });
  for (const summary of await q.listPlans(db)) {
    if (summary.status !== 'published') continue;
    const plan = await getPlan(db, summary.code);
    const lines = new Map(plan.countryLines.filter((line) => line.activityAreaId === null).map((line) => [line.country, line]));
    for (const country of plan.countries.length > 0 ? plan.countries : ['']) {
      const line = lines.get(country);
      const required = line ? line.requirements.revisedUsd : plan.requirements.revisedUsd;
      const funded = line?.funding ? line.funding.fundedUsd : plan.funding.fundedUsd;
      rows.push({
        appeal_code: plan.code,
        appeal_name: plan.name.en,
        appeal_type: HAPI_APPEAL_TYPE[plan.type] ?? plan.type,
        requirements_usd: required,
        funding_usd: funded,
        funding_pct: required ? Math.round((funded / required) * 10000) / 100 : null,
        location_code: country ? (iso2ToIso3(country) ?? country) : '',
        location_name: country ? (displayNames.of(country) ?? country) : '',
        reference_period_start: `${plan.startDate}T00:00:00`,
        reference_period_end: `${plan.endDate}T23:59:59`,
      });
    }
  }
  return rows;
}
