/**
 * Plans and funding rules: the plan as data, revisions that refuse stale edits, contributions in
 * any currency, funding status at every level, and imports of plan definitions and FTS files.
 */
import { createHash } from 'node:crypto';
import { actorName, audited, type Actor } from '../access/audit.js';
import { can, type Principal, type Verb } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { versionKeys, withVersions } from '../core/versions.js';
import { AppError, type Language } from '../core/errors.js';
import { decodeText, localiseRowIssues, type LocalisedRowIssue, type RowIssue } from '../core/tabular.js';
import { iso2ToIso3, iso3ToIso2 } from '../geo/pcode.js';
import { convertToUsd } from './currency.js';
import { checkConsistency, formatConsistencyFinding, parsePlanDefinition } from './definition.js';
import { parseFtsFlows } from './fts-flows.js';
import { parseFtsRequirementsFunding } from './fts-requirements.js';
import { computeFunding, fundingOverTime, type FundingPoint, type FundingStatus } from './funding.js';
import * as q from './queries.js';
import type { ConsistencyFinding, ContributionStatus, EarmarkLevel, PlanDefinition } from './types.js';

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
function canInEvery(principal: Principal, verb: Verb, countries: readonly string[]): boolean {
  if (countries.length === 0) return can(principal, verb, { countries: [] });
  return countries.every((country) => can(principal, verb, { countries: [country] }));
}

/**
 * A contribution earmarked to a country touches that country's funding: the caller needs the verb
 * there, whatever other country of the plan they hold (issue 17: a Mali officer earmarking to
 * Niger in the regional plan). Checked for the contribution as it was and as it will be.
 */
function checkEarmarkScope(principal: Principal, ...earmarkedCountries: Array<string | null>): void {
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

async function requirePlan(db: Queryable, code: string): Promise<q.PlanRow> {
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
async function applyRevision(db: Queryable, code: string, target: RevisionTarget, request: RevisionRequest, actor: string): Promise<PlanView> {
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

// ---- contributions ------------------------------------------------------------------------------

export interface ContributionInput {
  donor: string;
  currency: string;
  amount: number;
  /** USD per unit of the currency (not needed for USD; for XOF/XAF give usdPerEur). */
  usdPerUnit?: number;
  usdPerEur?: number;
  status: ContributionStatus;
  pledgedOn?: string | null;
  committedOn?: string | null;
  paidOn?: string | null;
  earmark: { level: EarmarkLevel; objectiveId?: number | null; activityAreaId?: number | null; country?: string | null };
  ftsFlowId?: string | null;
  description?: string | null;
}

export interface ContributionView {
  id: number;
  donor: string;
  ftsFlowId: string | null;
  currency: string;
  amountOriginal: number;
  exchangeRate: number;
  rateBasis: string;
  amountUsd: number;
  status: ContributionStatus;
  pledgedOn: string | null;
  committedOn: string | null;
  paidOn: string | null;
  earmark: { level: EarmarkLevel; objectiveId: number | null; activityAreaId: number | null; country: string | null };
  description: string | null;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

function contributionView(row: q.ContributionRow): ContributionView {
  return {
    id: row.id,
    donor: row.donor,
    ftsFlowId: row.fts_flow_id,
    currency: row.currency,
    amountOriginal: row.amount_original,
    exchangeRate: row.exchange_rate,
    rateBasis: row.rate_basis,
    amountUsd: row.amount_usd,
    status: row.status,
    pledgedOn: row.pledged_on,
    committedOn: row.committed_on,
    paidOn: row.paid_on,
    earmark: { level: row.earmark_level, objectiveId: row.objective_id, activityAreaId: row.activity_area_id, country: row.country },
    description: row.description,
    version: row.version,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** Checks a contribution against its plan and turns it into stored values (USD, earmark ids). */
async function contributionValues(db: Queryable, plan: q.PlanRow, input: ContributionInput): Promise<q.ContributionValues> {
  const donor = input.donor.trim();
  if (donor === '') throw new AppError('funding.donor.missing');
  const conversion = convertToUsd({ amount: input.amount, currency: input.currency.trim().toUpperCase(), usdPerUnit: input.usdPerUnit, usdPerEur: input.usdPerEur });
  const pledgedOn = input.pledgedOn ?? null;
  const committedOn = input.committedOn ?? null;
  const paidOn = input.paidOn ?? null;
  if (input.status === 'commitment' && committedOn === null) throw new AppError('funding.date.missing', { status: input.status, field: 'committedOn' });
  if (input.status === 'paid' && paidOn === null) throw new AppError('funding.date.missing', { status: input.status, field: 'paidOn' });
  if (input.status === 'pledge' && pledgedOn === null) throw new AppError('funding.date.missing', { status: input.status, field: 'pledgedOn' });
  const ordered = [pledgedOn, committedOn, paidOn].filter((date): date is string => date !== null);
  for (let index = 1; index < ordered.length; index++) {
    if (ordered[index]! < ordered[index - 1]!) throw new AppError('funding.date.order', { earlier: ordered[index - 1]!, later: ordered[index]! });
  }

  let objectiveId: number | null = null;
  let activityAreaId: number | null = null;
  let country: string | null = null;
  const earmark = input.earmark;
  if (earmark.level === 'objective') {
    const objectives = await q.objectivesOf(db, plan.id);
    if (!objectives.some((objective) => objective.id === earmark.objectiveId)) {
      throw new AppError('funding.earmark.outsidePlan', { code: plan.code, level: earmark.level, id: String(earmark.objectiveId ?? '—') });
    }
    objectiveId = earmark.objectiveId!;
  } else if (earmark.level === 'activity-area') {
    const area = (await q.areasOf(db, plan.id)).find((candidate) => candidate.id === earmark.activityAreaId);
    if (!area) throw new AppError('funding.earmark.outsidePlan', { code: plan.code, level: earmark.level, id: String(earmark.activityAreaId ?? '—') });
    activityAreaId = area.id;
    objectiveId = area.objective_id;
  } else if (earmark.level === 'country') {
    const normalised = earmark.country ? (earmark.country.length === 3 ? iso3ToIso2(earmark.country.toUpperCase()) : earmark.country.toUpperCase()) : undefined;
    if (!normalised || !plan.countries.includes(normalised)) {
      throw new AppError('funding.earmark.outsidePlan', { code: plan.code, level: earmark.level, id: String(earmark.country ?? '—') });
    }
    country = normalised;
  }
  return {
    donor,
    ftsFlowId: input.ftsFlowId?.trim() || null,
    currency: input.currency.trim().toUpperCase(),
    amountOriginal: input.amount,
    exchangeRate: conversion.exchangeRate,
    rateBasis: conversion.rateBasis,
    amountUsd: conversion.amountUsd,
    status: input.status,
    pledgedOn,
    committedOn,
    paidOn,
    earmarkLevel: earmark.level,
    // An area's objective is implied, not stored: the check constraint keeps one earmark target.
    objectiveId: earmark.level === 'activity-area' ? null : objectiveId,
    activityAreaId,
    country,
    description: input.description?.trim() || null,
  };
}

export async function listContributions(db: Queryable, code: string): Promise<ContributionView[]> {
  const plan = await requirePlan(db, code);
  return (await q.contributionsOf(db, plan.id)).map(contributionView);
}

export async function addContribution(db: Queryable, actor: Actor, code: string, input: ContributionInput): Promise<ContributionView> {
  const by = actorName(actor);
  return withVersions((bump) =>
    audited(
      db,
      actor,
      async (tx) => {
        const plan = await requirePlan(tx, code);
        // The plan's funding changes: its page and the HAPI funding answer differently from now on.
        await bump(tx, [versionKeys.plan(plan.code), versionKeys.plans]);
        const values = await contributionValues(tx, plan, input);
        checkEarmarkScope(actor.principal, values.country);
        const id = await q.insertContribution(tx, plan.id, values, { createdBy: by, importId: null });
        await q.recordChanges(tx, [{ planId: plan.id, entity: 'contribution', entityId: id, field: 'created', oldValue: null, newValue: values, reason: null, changedBy: by }]);
        return contributionView((await q.contributionById(tx, plan.id, id))!);
      },
      (contribution) => ({ action: 'contribution.create', objectType: 'contribution', objectId: contribution.id, summary: { plan: code, amountUsd: contribution.amountUsd, contributionStatus: contribution.status } }),
    ),
  );
}

export async function updateContribution(db: Queryable, actor: Actor, code: string, id: number, input: ContributionInput & { version: number; reason?: string }): Promise<ContributionView> {
  const by = actorName(actor);
  return withVersions((bump) => audited(db, actor, async (tx) => {
    const plan = await requirePlan(tx, code);
    await bump(tx, [versionKeys.plan(plan.code), versionKeys.plans]);
    const before = await q.contributionById(tx, plan.id, id);
    if (!before) throw new AppError('funding.contribution.notFound', { id });
    const values = await contributionValues(tx, plan, input);
    checkEarmarkScope(actor.principal, before.country, values.country);
    const version = await q.updateContribution(tx, { planId: plan.id, id, version: input.version }, values);
    if (version === null) throw new AppError('resource.stale', {}, { details: { currentVersion: before.version } });
    await q.recordChanges(tx, [
      { planId: plan.id, entity: 'contribution', entityId: id, field: 'updated', oldValue: contributionView(before), newValue: values, reason: input.reason ?? null, changedBy: by },
    ]);
    return contributionView((await q.contributionById(tx, plan.id, id))!);
  }, (contribution) => ({ action: 'contribution.update', objectType: 'contribution', objectId: contribution.id, summary: { plan: code, version: contribution.version, contributionStatus: contribution.status } })));
}

// ---- imports -------------------------------------------------------------------------------------

export interface PlanImportReport {
  id: string;
  fileName: string;
  kind: 'plan-definition' | 'fts-requirements' | 'fts-flows';
  alreadyImported: boolean;
  plans: Array<{ code: string; outcome: 'added' | 'updated' | 'unchanged' }>;
  contributions: { added: number; updated: number; unchanged: number };
  skipped: Array<{ row: number; reason: string }>;
  refused: LocalisedRowIssue[];
  createdAt: string;
}

type PlanFileKind = PlanImportReport['kind'];

function detectPlanFile(text: string, fileName: string): PlanFileKind {
  const head = text.slice(0, 4000);
  if (/^\s*[[{]/.test(head) && /"(flows|amountUSD|sourceObjects)"/.test(head)) return 'fts-flows';
  if (/#value\+funding\+required|(^|,)requirements,funding(,|$)/im.test(head) || /^countryCode,id,name,code/m.test(head)) return 'fts-requirements';
  if (/\.(csv)$/i.test(fileName) || /(^|[,;])\s*(flow ?id|donor|bailleur)\s*([,;]|$)/im.test(head.split('\n')[0] ?? '')) return 'fts-flows';
  return 'plan-definition';
}

const PLAN_TYPE_BY_FTS: Record<string, string> = {
  'humanitarian response plan': 'humanitarian-response-plan',
  'flash appeal': 'flash-appeal',
  'regional response plan': 'regional-response-plan',
  'regional refugee and resilience plan': 'regional-response-plan',
};

/**
 * Imports a plan definition (YAML/JSON), an FTS requirements-and-funding CSV, or FTS flows.
 * One transaction; the same file again is a no-op; flows are matched by their FTS id.
 */
export async function importPlanFile(
  db: Queryable,
  request: { bytes: Uint8Array; fileName: string; actor: Actor; language?: Language; skipRefused?: boolean },
): Promise<PlanImportReport> {
  const language = request.language ?? 'en';
  const by = actorName(request.actor);
  // Whoever imports may only create or change plans of countries in their scope (the system: all).
  const inScope = (countries: readonly string[], verb: Verb = 'plan.import'): void => {
    if (!canInEvery(request.actor.principal, verb, countries)) throw new AppError('auth.forbidden', { verb });
  };
  const describe = (report: PlanImportReport) => ({
    action: 'plan.import',
    objectType: 'plan-import',
    objectId: report.id,
    summary: { file: report.fileName, kind: report.kind, alreadyImported: report.alreadyImported, plans: report.plans.map((plan) => `${plan.code}:${plan.outcome}`), contributions: report.contributions, refused: report.refused.length },
  });
  if (request.bytes.byteLength === 0) throw new AppError('import.empty');
  const sha256 = createHash('sha256').update(request.bytes).digest('hex');
  const importKey = `${sha256}:${request.skipRefused ? 'skip' : ''}`;
  const previous = await q.findPlanImport(db, importKey);
  // The same file again changes nothing, but who sent it is still worth a row.
  if (previous) return audited(db, request.actor, () => Promise.resolve({ ...(previous.report as PlanImportReport), alreadyImported: true }), describe);

  const text = decodeText(request.bytes);
  const kind = detectPlanFile(text, request.fileName);
  const report: Omit<PlanImportReport, 'id' | 'createdAt'> = {
    fileName: request.fileName,
    kind,
    alreadyImported: false,
    plans: [],
    contributions: { added: 0, updated: 0, unchanged: 0 },
    skipped: [],
    refused: [],
  };

  let apply: (tx: Queryable, importId: q.PlanImportId) => Promise<void>;
  if (kind === 'plan-definition') {
    const definition = parsePlanDefinition(text, request.fileName);
    apply = async (tx, importId) => {
      report.plans.push({ code: definition.code, outcome: await storeDefinition(tx, definition, importId, by, inScope) });
    };
  } else if (kind === 'fts-requirements') {
    const parsed = parseFtsRequirementsFunding(text);
    if (parsed.refused.length > 0 && !request.skipRefused) throw rowsRefused(localiseRowIssues(parsed.refused, language));
    report.refused.push(...localiseRowIssues(parsed.refused, language));
    report.skipped.push(...parsed.skipped);
    if (parsed.appeals.length === 0) throw new AppError('import.empty');
    apply = async (tx, importId) => {
      for (const appeal of parsed.appeals) report.plans.push({ code: appeal.code, outcome: await storeFtsAppeal(tx, appeal, importId, inScope) });
    };
  } else {
    const parsed = parseFtsFlows(text, request.fileName);
    if (parsed.refused.length > 0 && !request.skipRefused) throw rowsRefused(localiseRowIssues(parsed.refused, language));
    report.refused.push(...localiseRowIssues(parsed.refused, language));
    if (parsed.flows.length === 0) throw new AppError('import.empty');
    apply = async (tx, importId) => {
      const refused: RowIssue[] = [];
      for (const flow of parsed.flows) {
        const outcome = await storeFtsFlow(tx, flow, importId, by, inScope);
        if (typeof outcome === 'string') report.contributions[outcome] += 1;
        else refused.push(outcome);
      }
      if (refused.length > 0) {
        if (!request.skipRefused) throw rowsRefused(localiseRowIssues(refused, language));
        report.refused.push(...localiseRowIssues(refused, language));
      }
    };
  }

  return withVersions((bump) =>
    audited(
      db,
      request.actor,
      async (tx) => {
        // Which plans a file of flows touches is known only row by row: an import changes them all.
        await bump(tx, [versionKeys.planImports, versionKeys.plans]);
        const stored = await q.insertPlanImport(tx, { fileName: request.fileName, kind, sha256, importKey, raw: request.bytes, createdBy: by });
        await apply(tx, stored.id);
        const finished: PlanImportReport = { ...report, id: String(stored.id), createdAt: new Date(stored.created_at).toISOString() };
        await q.savePlanImportReport(tx, stored.id, finished);
        return finished;
      },
      describe,
    ),
  );
}

function rowsRefused(refused: PlanImportReport['refused']): AppError {
  return new AppError('plans.import.rowsRefused', { count: refused.length }, { details: { refused: refused.slice(0, 1000) } });
}

/** A new plan is created whole; an existing one may only gain parts and change figures. */
async function storeDefinition(
  tx: Queryable,
  definition: PlanDefinition,
  importId: q.PlanImportId,
  actor: string,
  inScope: (countries: readonly string[], verb?: Verb) => void,
): Promise<'added' | 'updated' | 'unchanged'> {
  const existing = await q.planByCode(tx, definition.code);
  inScope(definition.countries);
  if (existing) inScope(existing.countries);
  if (!existing) {
    const planId = await q.insertPlan(tx, {
      code: definition.code,
      nameEn: definition.name.en,
      nameFr: definition.name.fr,
      type: definition.type,
      startDate: definition.startDate,
      endDate: definition.endDate,
      countries: definition.countries,
      status: definition.status,
      requirementsUsd: definition.requirementsUsd,
      peopleTargeted: definition.peopleTargeted,
      peopleTargetedDescription: definition.peopleTargetedDescription,
      entitiesTargeted: definition.entitiesTargeted,
      targetGroups: definition.targetGroups,
      importId,
    });
    const areaIds = new Map<string, q.ActivityAreaId>();
    for (const objective of definition.objectives) {
      const objectiveId = await q.insertObjective(tx, {
        planId,
        position: objective.position,
        nameEn: objective.name.en,
        nameFr: objective.name.fr,
        requirementsUsd: objective.requirementsUsd,
        peopleTargeted: objective.peopleTargeted,
        peopleTargetedDescription: objective.peopleTargetedDescription,
      });
      for (const area of objective.areas) {
        areaIds.set(
          area.code,
          await q.insertArea(tx, {
            planId,
            objectiveId,
            position: area.position,
            code: area.code,
            nameEn: area.name.en,
            nameFr: area.name.fr,
            sectorCode: area.sectorCode,
            requirementsUsd: area.requirementsUsd,
            peopleTargeted: area.peopleTargeted,
            peopleTargetedDescription: area.peopleTargetedDescription,
            targetGroups: area.targetGroups,
            entitiesTargeted: area.entitiesTargeted,
          }),
        );
      }
    }
    for (const line of definition.countryLines) {
      await q.insertCountryLine(tx, {
        planId,
        activityAreaId: line.activityAreaCode === null ? null : areaIds.get(line.activityAreaCode)!,
        country: line.country,
        requirementsUsd: line.requirementsUsd,
        peopleTargeted: line.peopleTargeted,
      });
    }
    return 'added';
  }
  // The same plan again: revise the figures that changed (keeping originals), record who and why.
  const objectives = await q.objectivesOf(tx, existing.id);
  const areas = await q.areasOf(tx, existing.id);
  if (definition.objectives.length !== objectives.length || definition.objectives.some((objective) => objective.areas.some((area) => !areas.some((row) => row.code === area.code)))) {
    throw new AppError('plans.definition.structureChanged', { code: definition.code });
  }
  let changed = false;
  const reviseIfChanged = async (target: RevisionTarget, current: { revised_requirements_usd: number | null; people_targeted: number | null; version: number }, figures: { requirementsUsd: number | null; peopleTargeted: number | null }): Promise<void> => {
    if (current.revised_requirements_usd === figures.requirementsUsd && current.people_targeted === figures.peopleTargeted) return;
    // Changing figures by re-importing is a revision: it needs the right to revise.
    inScope(existing.countries, 'plan.edit');
    changed = true;
    await applyRevision(tx, existing.code, target, { version: current.version, requirementsUsd: figures.requirementsUsd, peopleTargeted: figures.peopleTargeted, reason: `import ${importId}` }, actor);
  };
  await reviseIfChanged({ entity: 'plan' }, existing, definition);
  for (const objective of definition.objectives) {
    const row = objectives.find((candidate) => candidate.position === objective.position)!;
    await reviseIfChanged({ entity: 'objective', id: row.id }, row, objective);
    for (const area of objective.areas) {
      const areaRow = areas.find((candidate) => candidate.code === area.code)!;
      await reviseIfChanged({ entity: 'activity-area', id: areaRow.id }, areaRow, area);
    }
  }
  return changed ? 'updated' : 'unchanged';
}

async function storeFtsAppeal(
  tx: Queryable,
  appeal: ReturnType<typeof parseFtsRequirementsFunding>['appeals'][number],
  importId: q.PlanImportId,
  inScope: (countries: readonly string[], verb?: Verb) => void,
): Promise<'added' | 'updated' | 'unchanged'> {
  const code = appeal.code.trim().toUpperCase();
  const asOf = new Date().toISOString().slice(0, 10);
  const existing = await q.planByCode(tx, code);
  const country = iso3ToIso2(appeal.countryIso3) ?? null;
  inScope(existing ? existing.countries : country ? [country] : []);
  if (!existing) {
    const year = appeal.year ?? Number((appeal.startDate ?? '').slice(0, 4));
    await q.insertPlan(tx, {
      code,
      nameEn: appeal.name,
      nameFr: appeal.name,
      type: PLAN_TYPE_BY_FTS[(appeal.typeName ?? '').toLowerCase()] ?? 'other',
      startDate: appeal.startDate ?? `${year}-01-01`,
      endDate: appeal.endDate ?? `${year}-12-31`,
      countries: country ? [country] : [],
      status: 'published',
      requirementsUsd: appeal.requirementsUsd,
      peopleTargeted: null,
      peopleTargetedDescription: null,
      entitiesTargeted: null,
      targetGroups: [],
      reportedFundingUsd: appeal.fundingUsd,
      reportedFundingSource: 'FTS',
      reportedFundingAsOf: asOf,
      ftsPlanId: appeal.ftsPlanId,
      importId,
    });
    return 'added';
  }
  if (existing.revised_requirements_usd === appeal.requirementsUsd && existing.reported_funding_usd === appeal.fundingUsd) return 'unchanged';
  await q.updatePlanReportedFunding(tx, existing.id, { requirementsUsd: appeal.requirementsUsd, fundingUsd: appeal.fundingUsd, source: 'FTS', asOf, ftsPlanId: appeal.ftsPlanId });
  return 'updated';
}

async function storeFtsFlow(
  tx: Queryable,
  flow: ReturnType<typeof parseFtsFlows>['flows'][number],
  importId: q.PlanImportId,
  actor: string,
  inScope: (countries: readonly string[], verb?: Verb) => void,
): Promise<'added' | 'updated' | 'unchanged' | RowIssue> {
  // FTS flows name their plan by FTS id; Liptako plans also have codes. Either finds it.
  const plan =
    (flow.planCode ? await q.planByCode(tx, flow.planCode.trim().toUpperCase()) : undefined) ??
    (flow.ftsPlanId !== null ? await q.planByFtsId(tx, flow.ftsPlanId) : undefined);
  if (!plan) {
    return { row: flow.row, column: 'plan', value: flow.planCode, code: 'plans.notFound', params: { code: flow.planCode ?? String(flow.ftsPlanId ?? '—') } };
  }
  inScope(plan.countries);
  const date = flow.date ?? flow.decisionDate;
  const values: q.ContributionValues = {
    donor: flow.donor,
    ftsFlowId: flow.flowId,
    currency: flow.originalCurrency ?? 'USD',
    amountOriginal: flow.originalAmount ?? flow.amountUsd,
    exchangeRate: flow.originalAmount && flow.originalAmount > 0 ? flow.amountUsd / flow.originalAmount : 1,
    rateBasis: 'fts',
    amountUsd: flow.amountUsd,
    status: flow.status,
    pledgedOn: flow.status === 'pledge' ? date : (flow.decisionDate ?? null),
    committedOn: flow.status === 'commitment' ? date : null,
    paidOn: flow.status === 'paid' ? date : null,
    earmarkLevel: 'plan',
    objectiveId: null,
    activityAreaId: null,
    country: null,
    description: flow.clusterName,
  };
  if (values.pledgedOn && (values.committedOn ?? values.paidOn) && values.pledgedOn > (values.committedOn ?? values.paidOn)!) values.pledgedOn = null;
  const existing = await q.contributionByFlowId(tx, flow.flowId);
  if (existing && existing.plan_id !== plan.id) {
    const owner = await q.planById(tx, existing.plan_id);
    if (owner) inScope(owner.countries);
  }
  if (!existing) {
    await q.insertContribution(tx, plan.id, values, { createdBy: actor, importId });
    return 'added';
  }
  if (existing.amount_usd === values.amountUsd && existing.status === values.status && existing.donor === values.donor) return 'unchanged';
  await q.updateContribution(tx, { planId: existing.plan_id, id: existing.id, version: existing.version }, values);
  return 'updated';
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
