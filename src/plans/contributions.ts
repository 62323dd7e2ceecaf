/**
 * Contributions to a plan: checked against the plan (currency converted exactly, dates in
 * order, earmark inside the plan and in the caller's scope), recorded and changed in one audited
 * transaction with their change-log rows, and the plan's published answers invalidated.
 */
import { actorName, audited, type Actor } from '../access/audit.js';
import type { Queryable } from '../core/db.js';
import { versionKeys, withVersions } from '../core/versions.js';
import { AppError } from '../core/errors.js';
import { iso3ToIso2 } from '../geo/pcode.js';
import { convertToUsd } from './currency.js';
import * as q from './queries.js';
import type { ContributionStatus, EarmarkLevel } from './types.js';
import { checkEarmarkScope, requirePlan } from './service.js';

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
