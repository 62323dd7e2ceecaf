/** Every SQL statement of the plans and funding module. */
import type { Queryable } from '../core/db.js';
import type { ContributionStatus, EarmarkLevel } from './types.js';

export type PlanId = number & { readonly __brand: 'PlanId' };
export type ObjectiveId = number & { readonly __brand: 'ObjectiveId' };
export type ActivityAreaId = number & { readonly __brand: 'ActivityAreaId' };
export type ContributionId = number & { readonly __brand: 'ContributionId' };
export type PlanImportId = number & { readonly __brand: 'PlanImportId' };

// numeric comes back as text from both drivers (exact); these turn it into numbers for JSON.
const usd = (column: string, alias = column.split('.').pop()!): string => `${column}::float8 AS ${alias}`;

export interface PlanRow {
  id: PlanId;
  code: string;
  name_en: string;
  name_fr: string;
  plan_type: string;
  start_date: string;
  end_date: string;
  countries: string[];
  currency: string;
  status: string;
  original_requirements_usd: number | null;
  revised_requirements_usd: number | null;
  people_targeted: number | null;
  people_targeted_description: string | null;
  entities_targeted: number | null;
  target_groups: string[];
  reported_funding_usd: number | null;
  reported_funding_source: string | null;
  reported_funding_as_of: string | null;
  fts_plan_id: number | null;
  version: number;
  updated_at: Date;
}

const PLAN_COLUMNS = [
  'p.id', 'p.code', 'p.name_en', 'p.name_fr', 'p.plan_type', 'p.start_date', 'p.end_date', 'p.countries', 'p.currency', 'p.status',
  usd('p.original_requirements_usd'), usd('p.revised_requirements_usd'), 'p.people_targeted', 'p.people_targeted_description',
  'p.entities_targeted', 'p.target_groups', usd('p.reported_funding_usd'), 'p.reported_funding_source', 'p.reported_funding_as_of',
  'p.fts_plan_id', 'p.version', 'p.updated_at',
].join(', ');

export async function planByCode(db: Queryable, code: string): Promise<PlanRow | undefined> {
  const [row] = await db.query<PlanRow>(`SELECT ${PLAN_COLUMNS} FROM plan p WHERE p.code = $1`, [code]);
  return row;
}

export async function planById(db: Queryable, id: number): Promise<PlanRow | undefined> {
  const [row] = await db.query<PlanRow>(`SELECT ${PLAN_COLUMNS} FROM plan p WHERE p.id = $1`, [id]);
  return row;
}

export async function planByFtsId(db: Queryable, ftsPlanId: number): Promise<PlanRow | undefined> {
  const [row] = await db.query<PlanRow>(`SELECT ${PLAN_COLUMNS} FROM plan p WHERE p.fts_plan_id = $1 ORDER BY p.id LIMIT 1`, [ftsPlanId]);
  return row;
}

export async function listPlans(db: Queryable): Promise<PlanRow[]> {
  return db.query<PlanRow>(`SELECT ${PLAN_COLUMNS} FROM plan p ORDER BY p.start_date DESC, p.code`);
}

export interface NewPlan {
  code: string;
  nameEn: string;
  nameFr: string;
  type: string;
  startDate: string;
  endDate: string;
  countries: readonly string[];
  status: string;
  requirementsUsd: number | null;
  peopleTargeted: number | null;
  peopleTargetedDescription: string | null;
  entitiesTargeted: number | null;
  targetGroups: readonly string[];
  reportedFundingUsd?: number | null;
  reportedFundingSource?: string | null;
  reportedFundingAsOf?: string | null;
  ftsPlanId?: number | null;
  importId: PlanImportId | null;
}

export async function insertPlan(db: Queryable, plan: NewPlan): Promise<PlanId> {
  const [row] = await db.query<{ id: PlanId }>(
    `INSERT INTO plan (code, name_en, name_fr, plan_type, start_date, end_date, countries, status,
                       original_requirements_usd, revised_requirements_usd, people_targeted, people_targeted_description,
                       entities_targeted, target_groups, reported_funding_usd, reported_funding_source, reported_funding_as_of,
                       fts_plan_id, source_import_id)
     VALUES ($1, $2, $3, $4, $5::date, $6::date, $7::text[], $8, $9, $9, $10, $11, $12, $13::text[], $14, $15, $16::date, $17, $18)
     RETURNING id`,
    [
      plan.code, plan.nameEn, plan.nameFr, plan.type, plan.startDate, plan.endDate, plan.countries, plan.status,
      plan.requirementsUsd, plan.peopleTargeted, plan.peopleTargetedDescription, plan.entitiesTargeted, plan.targetGroups,
      plan.reportedFundingUsd ?? null, plan.reportedFundingSource ?? null, plan.reportedFundingAsOf ?? null, plan.ftsPlanId ?? null,
      plan.importId,
    ],
  );
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return row.id;
}

export interface ObjectiveRow {
  id: ObjectiveId;
  plan_id: PlanId;
  position: number;
  name_en: string;
  name_fr: string;
  original_requirements_usd: number | null;
  revised_requirements_usd: number | null;
  people_targeted: number | null;
  people_targeted_description: string | null;
  version: number;
}

export async function objectivesOf(db: Queryable, planId: PlanId): Promise<ObjectiveRow[]> {
  return db.query<ObjectiveRow>(
    `SELECT o.id, o.plan_id, o.position, o.name_en, o.name_fr, ${usd('o.original_requirements_usd')}, ${usd('o.revised_requirements_usd')},
            o.people_targeted, o.people_targeted_description, o.version
       FROM plan_objective o WHERE o.plan_id = $1 ORDER BY o.position`,
    [planId],
  );
}

export async function insertObjective(
  db: Queryable,
  values: { planId: PlanId; position: number; nameEn: string; nameFr: string; requirementsUsd: number | null; peopleTargeted: number | null; peopleTargetedDescription: string | null },
): Promise<ObjectiveId> {
  const [row] = await db.query<{ id: ObjectiveId }>(
    `INSERT INTO plan_objective (plan_id, position, name_en, name_fr, original_requirements_usd, revised_requirements_usd, people_targeted, people_targeted_description)
     VALUES ($1, $2, $3, $4, $5, $5, $6, $7) RETURNING id`,
    [values.planId, values.position, values.nameEn, values.nameFr, values.requirementsUsd, values.peopleTargeted, values.peopleTargetedDescription],
  );
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return row.id;
}

export interface ActivityAreaRow {
  id: ActivityAreaId;
  plan_id: PlanId;
  objective_id: ObjectiveId;
  position: number;
  code: string;
  name_en: string;
  name_fr: string;
  sector_code: string;
  original_requirements_usd: number | null;
  revised_requirements_usd: number | null;
  people_targeted: number | null;
  people_targeted_description: string | null;
  target_groups: string[];
  entities_targeted: number | null;
  version: number;
}

export async function areasOf(db: Queryable, planId: PlanId): Promise<ActivityAreaRow[]> {
  return db.query<ActivityAreaRow>(
    `SELECT a.id, a.plan_id, a.objective_id, a.position, a.code, a.name_en, a.name_fr, a.sector_code,
            ${usd('a.original_requirements_usd')}, ${usd('a.revised_requirements_usd')}, a.people_targeted,
            a.people_targeted_description, a.target_groups, a.entities_targeted, a.version
       FROM plan_activity_area a JOIN plan_objective o ON o.id = a.objective_id
      WHERE a.plan_id = $1 ORDER BY o.position, a.position`,
    [planId],
  );
}

export async function insertArea(
  db: Queryable,
  values: {
    planId: PlanId;
    objectiveId: ObjectiveId;
    position: number;
    code: string;
    nameEn: string;
    nameFr: string;
    sectorCode: string;
    requirementsUsd: number | null;
    peopleTargeted: number | null;
    peopleTargetedDescription: string | null;
    targetGroups: readonly string[];
    entitiesTargeted: number | null;
  },
): Promise<ActivityAreaId> {
  const [row] = await db.query<{ id: ActivityAreaId }>(
    `INSERT INTO plan_activity_area (plan_id, objective_id, position, code, name_en, name_fr, sector_code, original_requirements_usd,
                                     revised_requirements_usd, people_targeted, people_targeted_description, target_groups, entities_targeted)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11::text[], $12) RETURNING id`,
    [
      values.planId, values.objectiveId, values.position, values.code, values.nameEn, values.nameFr, values.sectorCode,
      values.requirementsUsd, values.peopleTargeted, values.peopleTargetedDescription, values.targetGroups, values.entitiesTargeted,
    ],
  );
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return row.id;
}

export interface CountryLineRow {
  id: number;
  activity_area_id: ActivityAreaId | null;
  country: string;
  original_requirements_usd: number | null;
  revised_requirements_usd: number | null;
  people_targeted: number | null;
  version: number;
}

export async function countryLinesOf(db: Queryable, planId: PlanId): Promise<CountryLineRow[]> {
  return db.query<CountryLineRow>(
    `SELECT l.id, l.activity_area_id, l.country, ${usd('l.original_requirements_usd')}, ${usd('l.revised_requirements_usd')}, l.people_targeted, l.version
       FROM plan_country_line l WHERE l.plan_id = $1 ORDER BY l.activity_area_id NULLS FIRST, l.country`,
    [planId],
  );
}

export async function insertCountryLine(
  db: Queryable,
  values: { planId: PlanId; activityAreaId: ActivityAreaId | null; country: string; requirementsUsd: number | null; peopleTargeted: number | null },
): Promise<void> {
  await db.query(
    `INSERT INTO plan_country_line (plan_id, activity_area_id, country, original_requirements_usd, revised_requirements_usd, people_targeted)
     VALUES ($1, $2, $3, $4, $4, $5)`,
    [values.planId, values.activityAreaId, values.country, values.requirementsUsd, values.peopleTargeted],
  );
}

// ---- revisions (optimistic versioning) ------------------------------------------------------

export type RevisableTable = 'plan' | 'plan_objective' | 'plan_activity_area' | 'plan_country_line';

export interface Revision {
  revisedRequirementsUsd?: number | null;
  peopleTargeted?: number | null;
}

/**
 * Applies a revision only if the row is still at `version`; returns the new version, or null when
 * someone else changed it first (or it does not exist in this plan).
 */
export async function reviseRow(
  db: Queryable,
  table: RevisableTable,
  where: { planId: PlanId; id: number; version: number },
  revision: Revision,
): Promise<number | null> {
  const sets: string[] = [];
  const params: unknown[] = [where.id, where.version, where.planId];
  if (revision.revisedRequirementsUsd !== undefined) {
    params.push(revision.revisedRequirementsUsd);
    sets.push(`revised_requirements_usd = $${params.length}`);
  }
  if (revision.peopleTargeted !== undefined) {
    params.push(revision.peopleTargeted);
    sets.push(`people_targeted = $${params.length}`);
  }
  if (table === 'plan') sets.push('updated_at = now()');
  const planColumn = table === 'plan' ? 'id' : 'plan_id';
  const [row] = await db.query<{ version: number }>(
    `UPDATE ${table} SET ${[...sets, 'version = version + 1'].join(', ')}
      WHERE id = $1 AND version = $2 AND ${planColumn} = $3 RETURNING version`,
    params,
  );
  return row?.version ?? null;
}

export async function updatePlanReportedFunding(
  db: Queryable,
  planId: PlanId,
  values: { requirementsUsd: number | null; fundingUsd: number | null; source: string; asOf: string; ftsPlanId: number | null },
): Promise<void> {
  await db.query(
    `UPDATE plan SET revised_requirements_usd = $2, reported_funding_usd = $3, reported_funding_source = $4,
            reported_funding_as_of = $5::date, fts_plan_id = coalesce($6, fts_plan_id), version = version + 1, updated_at = now()
      WHERE id = $1`,
    [planId, values.requirementsUsd, values.fundingUsd, values.source, values.asOf, values.ftsPlanId],
  );
}

export interface ChangeRecord {
  planId: PlanId;
  entity: 'plan' | 'objective' | 'activity-area' | 'country-line' | 'contribution';
  entityId: number;
  field: string;
  oldValue: unknown;
  newValue: unknown;
  reason: string | null;
  changedBy: string;
}

export async function recordChanges(db: Queryable, changes: readonly ChangeRecord[]): Promise<void> {
  if (changes.length === 0) return;
  await db.query(
    `INSERT INTO plan_change (plan_id, entity, entity_id, field, old_value, new_value, reason, changed_by)
     SELECT c.plan_id, c.entity, c.entity_id, c.field, c.old_value, c.new_value, c.reason, c.changed_by
       FROM jsonb_to_recordset($1::jsonb) AS c(plan_id bigint, entity text, entity_id bigint, field text, old_value jsonb,
            new_value jsonb, reason text, changed_by text)`,
    [
      JSON.stringify(
        changes.map((change) => ({
          plan_id: change.planId,
          entity: change.entity,
          entity_id: change.entityId,
          field: change.field,
          old_value: change.oldValue ?? null,
          new_value: change.newValue ?? null,
          reason: change.reason,
          changed_by: change.changedBy,
        })),
      ),
    ],
  );
}

export interface ChangeRow {
  id: number;
  entity: string;
  entity_id: number;
  field: string;
  old_value: unknown;
  new_value: unknown;
  reason: string | null;
  changed_by: string;
  changed_at: Date;
}

export async function changesOf(db: Queryable, planId: PlanId, limit: number): Promise<ChangeRow[]> {
  return db.query<ChangeRow>(
    `SELECT id, entity, entity_id, field, old_value, new_value, reason, changed_by, changed_at
       FROM plan_change WHERE plan_id = $1 ORDER BY id DESC LIMIT $2`,
    [planId, limit],
  );
}

// ---- contributions -----------------------------------------------------------------------------

export interface ContributionRow {
  id: ContributionId;
  plan_id: PlanId;
  donor: string;
  fts_flow_id: string | null;
  currency: string;
  amount_original: number;
  exchange_rate: number;
  rate_basis: string;
  amount_usd: number;
  status: ContributionStatus;
  pledged_on: string | null;
  committed_on: string | null;
  paid_on: string | null;
  earmark_level: EarmarkLevel;
  objective_id: ObjectiveId | null;
  activity_area_id: ActivityAreaId | null;
  country: string | null;
  description: string | null;
  version: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

const CONTRIBUTION_COLUMNS = `c.id, c.plan_id, c.donor, c.fts_flow_id, c.currency, ${usd('c.amount_original')}, ${usd('c.exchange_rate')},
  c.rate_basis, ${usd('c.amount_usd')}, c.status, c.pledged_on, c.committed_on, c.paid_on, c.earmark_level, c.objective_id,
  c.activity_area_id, c.country, c.description, c.version, c.created_by, c.created_at, c.updated_at`;

export async function contributionsOf(db: Queryable, planId: PlanId): Promise<ContributionRow[]> {
  return db.query<ContributionRow>(`SELECT ${CONTRIBUTION_COLUMNS} FROM contribution c WHERE c.plan_id = $1 ORDER BY c.id`, [planId]);
}

export async function contributionById(db: Queryable, planId: PlanId, id: number): Promise<ContributionRow | undefined> {
  const [row] = await db.query<ContributionRow>(`SELECT ${CONTRIBUTION_COLUMNS} FROM contribution c WHERE c.plan_id = $1 AND c.id = $2`, [planId, id]);
  return row;
}

export async function contributionByFlowId(db: Queryable, flowId: string): Promise<ContributionRow | undefined> {
  const [row] = await db.query<ContributionRow>(`SELECT ${CONTRIBUTION_COLUMNS} FROM contribution c WHERE c.fts_flow_id = $1`, [flowId]);
  return row;
}

export interface ContributionValues {
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
  earmarkLevel: EarmarkLevel;
  objectiveId: number | null;
  activityAreaId: number | null;
  country: string | null;
  description: string | null;
}

export async function insertContribution(
  db: Queryable,
  planId: PlanId,
  values: ContributionValues,
  meta: { createdBy: string; importId: PlanImportId | null },
): Promise<ContributionId> {
  const [row] = await db.query<{ id: ContributionId }>(
    `INSERT INTO contribution (plan_id, donor, fts_flow_id, currency, amount_original, exchange_rate, rate_basis, amount_usd, status,
                               pledged_on, committed_on, paid_on, earmark_level, objective_id, activity_area_id, country, description,
                               created_by, source_import_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::date, $11::date, $12::date, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
    [
      planId, values.donor, values.ftsFlowId, values.currency, values.amountOriginal, values.exchangeRate, values.rateBasis, values.amountUsd,
      values.status, values.pledgedOn, values.committedOn, values.paidOn, values.earmarkLevel, values.objectiveId, values.activityAreaId,
      values.country, values.description, meta.createdBy, meta.importId,
    ],
  );
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return row.id;
}

/** Replaces a contribution's values if it is still at `version`; null when stale. */
export async function updateContribution(
  db: Queryable,
  where: { planId: PlanId; id: number; version: number },
  values: ContributionValues,
): Promise<number | null> {
  const [row] = await db.query<{ version: number }>(
    `UPDATE contribution SET donor = $4, fts_flow_id = $5, currency = $6, amount_original = $7, exchange_rate = $8, rate_basis = $9,
            amount_usd = $10, status = $11, pledged_on = $12::date, committed_on = $13::date, paid_on = $14::date, earmark_level = $15,
            objective_id = $16, activity_area_id = $17, country = $18, description = $19, version = version + 1, updated_at = now()
      WHERE id = $1 AND plan_id = $2 AND version = $3 RETURNING version`,
    [
      where.id, where.planId, where.version, values.donor, values.ftsFlowId, values.currency, values.amountOriginal, values.exchangeRate,
      values.rateBasis, values.amountUsd, values.status, values.pledgedOn, values.committedOn, values.paidOn, values.earmarkLevel,
      values.objectiveId, values.activityAreaId, values.country, values.description,
    ],
  );
  return row?.version ?? null;
}

export interface FundingSumRow {
  status: ContributionStatus;
  earmark_level: EarmarkLevel;
  objective_id: ObjectiveId | null;
  activity_area_id: ActivityAreaId | null;
  country: string | null;
  amount_usd: number;
  contributions: number;
}

export async function fundingSums(db: Queryable, planId: PlanId): Promise<FundingSumRow[]> {
  return db.query<FundingSumRow>(
    `SELECT status, earmark_level, objective_id, activity_area_id, country, sum(amount_usd)::float8 AS amount_usd, count(*)::int AS contributions
       FROM contribution WHERE plan_id = $1
      GROUP BY status, earmark_level, objective_id, activity_area_id, country`,
    [planId],
  );
}

/** Totals by status for every plan at once (the plans list), instead of a query per plan. */
export async function fundingTotalsByPlan(db: Queryable): Promise<Array<{ plan_id: PlanId; status: ContributionStatus; amount_usd: number; contributions: number }>> {
  return db.query(
    `SELECT plan_id, status, sum(amount_usd)::float8 AS amount_usd, count(*)::int AS contributions
       FROM contribution GROUP BY plan_id, status`,
  );
}

// ---- imports -------------------------------------------------------------------------------------

export async function findPlanImport(db: Queryable, importKey: string): Promise<{ id: PlanImportId; report: unknown } | undefined> {
  const [row] = await db.query<{ id: PlanImportId; report: unknown }>('SELECT id, report FROM plan_import WHERE import_key = $1', [importKey]);
  return row;
}

export async function insertPlanImport(
  db: Queryable,
  values: { fileName: string; kind: string; sha256: string; importKey: string; raw: Uint8Array; createdBy: string },
): Promise<{ id: PlanImportId; created_at: Date }> {
  const [row] = await db.query<{ id: PlanImportId; created_at: Date }>(
    `INSERT INTO plan_import (file_name, kind, sha256, import_key, size_bytes, raw, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, created_at`,
    [values.fileName, values.kind, values.sha256, values.importKey, values.raw.byteLength, values.raw, values.createdBy],
  );
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return row;
}

export async function savePlanImportReport(db: Queryable, id: PlanImportId, report: object): Promise<void> {
  await db.query('UPDATE plan_import SET report = $2::jsonb WHERE id = $1', [id, JSON.stringify(report)]);
}
