/**
 * Distributions of the assistance registry: a partner plans what it hands out where and when,
 * against a plan activity area and a donor contribution; the list comes from the registry with
 * consent respected; receipts are recorded once per household, and a household a reviewer merged
 * with one that already received the same assistance in the same period is refused too. The
 * trace answers which donor's money reached how many households and people, by area and donor.
 */
import { audited, actorName, type Actor } from '../access/audit.js';
import { can, type Principal } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { AppError } from '../core/errors.js';
import * as geo from '../geo/service.js';
import * as contributions from '../plans/contributions.js';
import * as plans from '../plans/service.js';
import * as q from './distribution-queries.js';
import * as registry from './queries.js';
import { scopeOf } from './service.js';

/** Above this many units per household a quantity is a typing slip (the schema says the same). */
export const MAX_QUANTITY = 100;
/** One request's receipts: a distribution day's sheet, not a whole registry. */
export const MAX_BULK_RECEIPTS = 1000;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (value: string): boolean => DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

export interface DistributionInput {
  organisationId: number;
  type: string;
  quantity: number;
  location: { pcode: string; site?: string | null };
  startsOn: string;
  endsOn: string;
  label: string;
  plan?: { code: string; activityArea: string; contributionId?: number | null } | null;
}

export interface DistributionView {
  id: number;
  label: string;
  organisation: { id: number; acronym: string };
  type: { code: string; unit: string; unitValue: number; currency: string };
  quantity: number;
  valuePerHousehold: number;
  country: string;
  admin2: string;
  site: string | null;
  startsOn: string;
  endsOn: string;
  activityAreaId: number | null;
  contributionId: number | null;
  status: 'open' | 'closed';
  listed: number;
  received: number;
}

function view(row: q.DistributionRow): DistributionView {
  return {
    id: row.id,
    label: row.label,
    organisation: { id: row.organisation_id, acronym: row.organisation_acronym },
    type: { code: row.assistance_type, unit: row.unit, unitValue: row.unit_value, currency: row.currency },
    quantity: row.quantity,
    valuePerHousehold: Math.round(row.quantity * row.unit_value * 100) / 100,
    country: row.country,
    admin2: row.admin2_pcode,
    site: row.site_code,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    activityAreaId: row.activity_area_id,
    contributionId: row.contribution_id,
    status: row.status,
    listed: row.listed,
    received: row.received,
  };
}

export async function assistanceTypes(db: Queryable): Promise<Array<{ code: string; name: { en: string; fr: string }; unit: string; unitValue: number; currency: string }>> {
  return (await q.assistanceTypes(db)).map((t) => ({ code: t.code, name: { en: t.name_en, fr: t.name_fr }, unit: t.unit, unitValue: t.unit_value, currency: t.currency }));
}

/** The plan activity area (by code) and the contribution of that plan, or a catalogued refusal. */
async function planLinks(db: Queryable, plan: DistributionInput['plan']): Promise<{ activityAreaId: number | null; contributionId: number | null }> {
  if (!plan) return { activityAreaId: null, contributionId: null };
  const found = await plans.getPlan(db, plan.code);
  const area = found.objectives.flatMap((objective) => objective.areas).find((candidate) => candidate.code === plan.activityArea);
  if (!area) throw new AppError('assistance.distribution.activityArea', { plan: plan.code, area: plan.activityArea.slice(0, 60) });
  let contributionId: number | null = null;
  if (plan.contributionId !== undefined && plan.contributionId !== null) {
    const known = (await contributions.listContributions(db, plan.code)).some((contribution) => contribution.id === plan.contributionId);
    if (!known) throw new AppError('assistance.distribution.contribution', { plan: plan.code, id: plan.contributionId });
    contributionId = plan.contributionId;
  }
  return { activityAreaId: area.id, contributionId };
}

/** Plans a distribution and builds its list from the registry in one audited transaction. */
export async function planDistribution(db: Queryable, actor: Actor, input: DistributionInput): Promise<DistributionView> {
  if (!Number.isFinite(input.quantity) || input.quantity <= 0 || input.quantity > MAX_QUANTITY) throw new AppError('assistance.distribution.quantity', { quantity: input.quantity, max: MAX_QUANTITY });
  if (!isDate(input.startsOn) || !isDate(input.endsOn) || input.endsOn < input.startsOn || Date.parse(input.endsOn) - Date.parse(input.startsOn) > 366 * 86_400_000) {
    throw new AppError('assistance.distribution.period', { startsOn: input.startsOn.slice(0, 20), endsOn: input.endsOn.slice(0, 20) });
  }
  const label = input.label.trim();
  if (label === '' || /^[=+\-@]/.test(label)) throw new AppError('assistance.distribution.label');
  return audited(
    db,
    actor,
    async (tx) => {
      const types = await q.assistanceTypes(tx);
      if (!types.some((t) => t.code === input.type)) throw new AppError('assistance.type.unknown', { type: input.type.slice(0, 40) });
      if (!(await registry.organisationExists(tx, input.organisationId))) throw new AppError('response.organisation.notFound', { name: String(input.organisationId) });
      const place = await geo.getUnit(tx, input.location.pcode);
      const unit = place.unit;
      if (unit.level < 2 || unit.level > 3) throw new AppError('assistance.household.location', { pcode: unit.pcode, level: unit.level });
      const admin2 = [...place.ancestors, unit].find((candidate) => candidate.level === 2)!.pcode;
      if (!can(actor.principal, 'assistance.manage', { countries: [unit.country], organisationId: input.organisationId })) throw new AppError('assistance.distribution.ownOrganisation');
      const links = await planLinks(tx, input.plan);
      const id = await q.insertDistribution(tx, {
        organisationId: input.organisationId,
        type: input.type,
        quantity: input.quantity,
        country: unit.country,
        admin2,
        site: input.location.site?.trim() || null,
        startsOn: input.startsOn,
        endsOn: input.endsOn,
        ...links,
        label,
        createdBy: actorName(actor),
      });
      await q.buildList(tx, (await q.distributionById(tx, id))!);
      return view((await q.distributionById(tx, id))!);
    },
    (d) => ({ action: 'assistance.distribution.plan', objectType: 'distribution', objectId: d.id, summary: { organisation: d.organisation.acronym, type: d.type.code, admin2: d.admin2, listed: d.listed, activityAreaId: d.activityAreaId, contributionId: d.contributionId } }),
  );
}

export async function listDistributions(db: Queryable, principal: Principal): Promise<DistributionView[]> {
  return (await q.distributions(db, scopeOf(principal, 'assistance.read'))).map(view);
}

/** A distribution the principal may see with the verb, or 404 (never "it exists but is not yours"). */
export async function visible(db: Queryable, principal: Principal, verb: 'assistance.read' | 'assistance.manage', id: number, lock = false): Promise<q.DistributionRow> {
  const row = await q.distributionById(db, id, lock);
  if (!row || !can(principal, verb, { countries: [row.country], organisationId: row.organisation_id })) throw new AppError('assistance.distribution.notFound', { id });
  return row;
}

export interface EntitlementView {
  householdId: number;
  admin2: string;
  site: string | null;
  members: number;
  consenting: boolean;
  receipt: { receivedAt: string; receivedBy: string; recordedBy: string } | null;
}

export async function distributionList(db: Queryable, principal: Principal, id: number): Promise<{ distribution: DistributionView; households: EntitlementView[] }> {
  const row = await visible(db, principal, 'assistance.read', id);
  const households = (await q.entitlements(db, id)).map((e) => ({
    householdId: e.household_id,
    admin2: e.admin2_pcode,
    site: e.site_code,
    members: e.members,
    consenting: e.consenting,
    receipt: e.received_at === null ? null : { receivedAt: e.received_at, receivedBy: e.received_by!, recordedBy: e.recorded_by! },
  }));
  return { distribution: view(row), households };
}

export interface ReceiptInput {
  householdId: number;
  receivedBy: string;
  receivedAt: string;
  proof?: string | null;
}

function checkReceipt(input: ReceiptInput, index: number | null): { receivedBy: string; receivedAt: string; proof: string | null } {
  const receivedBy = input.receivedBy.trim();
  const at = new Date(input.receivedAt);
  if (receivedBy === '' || /^[=+\-@]/.test(receivedBy)) throw new AppError('assistance.receipt.receivedBy', { index: index ?? 1 });
  if (Number.isNaN(at.getTime()) || at.getTime() > Date.now() + 86_400_000 || at.getUTCFullYear() < 2000) throw new AppError('assistance.receipt.date', { index: index ?? 1, date: input.receivedAt.slice(0, 30) });
  return { receivedBy, receivedAt: at.toISOString(), proof: input.proof?.trim() || null };
}

/** One receipt checked against the list, consent and earlier receipts, then stored; the caller's transaction holds the type lock. */
async function recordOne(tx: Queryable, actor: Actor, row: q.DistributionRow, input: ReceiptInput, index: number | null): Promise<number> {
  const checked = checkReceipt(input, index);
  const household = await registry.householdById(tx, input.householdId);
  if (!household || !can(actor.principal, 'assistance.read', { countries: [household.country], organisationId: household.organisation_id })) {
    throw new AppError('assistance.household.notFound', { id: input.householdId });
  }
  if (!(await q.isListed(tx, row.id, input.householdId))) throw new AppError('assistance.receipt.notListed', { id: input.householdId, distribution: row.label });
  if (!(await q.householdConsents(tx, input.householdId))) throw new AppError('assistance.receipt.consentWithdrawn', { id: input.householdId });
  const prior = await q.priorReceipt(tx, row, input.householdId);
  if (prior) {
    throw new AppError(prior.same_household ? 'assistance.receipt.already' : 'assistance.receipt.mergedAlready', {
      id: input.householdId,
      organisation: prior.organisation_acronym,
      distribution: prior.label,
      date: prior.received_at,
    });
  }
  return q.insertReceipt(tx, { distributionId: row.id, householdId: input.householdId, ...checked, recordedBy: actorName(actor) });
}

export async function recordReceipt(db: Queryable, actor: Actor, distributionId: number, input: ReceiptInput): Promise<{ receiptId: number; distributionId: number; householdId: number }> {
  return audited(
    db,
    actor,
    async (tx) => {
      const row = await visible(tx, actor.principal, 'assistance.manage', distributionId);
      if (row.status === 'closed') throw new AppError('assistance.distribution.closed', { distribution: row.label });
      await q.lockType(tx, row.assistance_type);
      return { receiptId: await recordOne(tx, actor, row, input, null), distributionId, householdId: input.householdId };
    },
    (r) => ({ action: 'assistance.receipt.record', objectType: 'distribution', objectId: r.distributionId, summary: { household: r.householdId, receipt: r.receiptId } }),
  );
}

/** A sheet of receipts: all stored, or — at the first refusal, named by its line — none. */
export async function recordReceipts(db: Queryable, actor: Actor, distributionId: number, inputs: readonly ReceiptInput[]): Promise<{ distributionId: number; recorded: number }> {
  if (inputs.length === 0 || inputs.length > MAX_BULK_RECEIPTS) throw new AppError('assistance.receipt.bulkSize', { count: inputs.length, max: MAX_BULK_RECEIPTS });
  return audited(
    db,
    actor,
    async (tx) => {
      const row = await visible(tx, actor.principal, 'assistance.manage', distributionId);
      if (row.status === 'closed') throw new AppError('assistance.distribution.closed', { distribution: row.label });
      await q.lockType(tx, row.assistance_type);
      for (const [offset, input] of inputs.entries()) {
        try {
          await recordOne(tx, actor, row, input, offset + 1);
        } catch (error) {
          // The refusal is the line's own, with its line number for the sheet's keeper.
          if (error instanceof AppError) throw new AppError(error.code, { ...error.params, line: offset + 1 }, { details: { line: offset + 1 }, cause: error });
          throw error;
        }
      }
      return { distributionId, recorded: inputs.length };
    },
    (r) => ({ action: 'assistance.receipt.recordBulk', objectType: 'distribution', objectId: r.distributionId, summary: { recorded: r.recorded } }),
  );
}

export async function closeDistribution(db: Queryable, actor: Actor, id: number): Promise<DistributionView> {
  return audited(
    db,
    actor,
    async (tx) => {
      const row = await visible(tx, actor.principal, 'assistance.manage', id, true);
      if (row.status === 'closed') throw new AppError('assistance.distribution.closed', { distribution: row.label });
      await q.closeDistribution(tx, id);
      return view((await q.distributionById(tx, id))!);
    },
    (d) => ({ action: 'assistance.distribution.close', objectType: 'distribution', objectId: d.id, summary: { received: d.received, listed: d.listed } }),
  );
}

export interface TraceLine {
  id: number;
  name: string;
  distributions: number;
  households: number;
  people: number;
  value: number;
  currency: string;
}

/** What a plan's distributions delivered, by activity area and by donor contribution (only distributions the caller may see). */
export async function trace(db: Queryable, principal: Principal, planCode: string, language: 'en' | 'fr' = 'en'): Promise<{ plan: string; byActivityArea: TraceLine[]; byContribution: TraceLine[] }> {
  const plan = await plans.getPlan(db, planCode, language);
  const areas = plan.objectives.flatMap((objective) => objective.areas);
  const donors = await contributions.listContributions(db, planCode);
  const scope = scopeOf(principal, 'assistance.read');
  const line = (names: Map<number, string>) => (row: q.TraceRow): TraceLine => ({ id: row.key!, name: names.get(row.key!) ?? String(row.key), distributions: row.distributions, households: row.households, people: row.people, value: row.value, currency: row.currency });
  const areaNames = new Map(areas.map((area) => [area.id, `${area.code} — ${language === 'fr' ? area.name.fr : area.name.en}`]));
  const donorNames = new Map(donors.map((c) => [c.id, `${c.donor} (${c.currency} ${c.amountOriginal.toLocaleString('en')})`]));
  return {
    plan: plan.code,
    byActivityArea: (await q.trace(db, scope, 'activity_area_id', areas.map((area) => area.id))).map(line(areaNames)),
    byContribution: (await q.trace(db, scope, 'contribution_id', donors.map((c) => c.id))).map(line(donorNames)),
  };
}
