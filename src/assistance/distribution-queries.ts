/** Every SQL statement of distributions: types, distributions, their lists and receipts. */
import type { Queryable } from '../core/db.js';
import { CONSENTING, IN_SCOPE, scopeParams, unsealPerson, type RegistryScope } from './queries.js';

export interface TypeRow {
  code: string;
  name_en: string;
  name_fr: string;
  unit: string;
  unit_value: number;
  currency: string;
}

export async function assistanceTypes(db: Queryable): Promise<TypeRow[]> {
  return db.query<TypeRow>('SELECT code, name_en, name_fr, unit, unit_value::float8 AS unit_value, currency FROM assistance_type ORDER BY code');
}

/** The type row locked: receipts of one type are recorded one after the other, so two posts cannot both pass the checks. */
export async function lockType(db: Queryable, code: string): Promise<void> {
  await db.query('SELECT code FROM assistance_type WHERE code = $1 FOR UPDATE', [code]);
}

export interface DistributionValues {
  organisationId: number;
  type: string;
  quantity: number;
  country: string;
  admin2: string;
  site: string | null;
  startsOn: string;
  endsOn: string;
  activityAreaId: number | null;
  contributionId: number | null;
  label: string;
  createdBy: string;
}

export async function insertDistribution(db: Queryable, v: DistributionValues): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO assistance_distribution (organisation_id, assistance_type, quantity, country, admin2_pcode, site_code, starts_on, ends_on, activity_area_id, contribution_id, label, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id::int AS id`,
    [v.organisationId, v.type, v.quantity, v.country, v.admin2, v.site, v.startsOn, v.endsOn, v.activityAreaId, v.contributionId, v.label, v.createdBy],
  );
  return row!.id;
}

export interface DistributionRow {
  id: number;
  organisation_id: number;
  organisation_acronym: string;
  assistance_type: string;
  unit: string;
  unit_value: number;
  currency: string;
  quantity: number;
  country: string;
  admin2_pcode: string;
  site_code: string | null;
  starts_on: string;
  ends_on: string;
  activity_area_id: number | null;
  contribution_id: number | null;
  status: 'open' | 'closed';
  label: string;
  listed: number;
  received: number;
}

const DISTRIBUTION_SELECT = `
  SELECT d.id::int AS id, d.organisation_id::int AS organisation_id, ro.acronym AS organisation_acronym, d.assistance_type, t.unit,
         t.unit_value::float8 AS unit_value, t.currency, d.quantity::float8 AS quantity, d.country, d.admin2_pcode, d.site_code,
         to_char(d.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(d.ends_on, 'YYYY-MM-DD') AS ends_on,
         d.activity_area_id::int AS activity_area_id, d.contribution_id::int AS contribution_id, d.status, d.label,
         (SELECT count(*)::int FROM assistance_entitlement e WHERE e.distribution_id = d.id) AS listed,
         (SELECT count(*)::int FROM assistance_receipt r WHERE r.distribution_id = d.id) AS received
    FROM assistance_distribution d
    JOIN assistance_type t ON t.code = d.assistance_type
    JOIN response_organisation ro ON ro.organisation_id = d.organisation_id`;

export async function distributions(db: Queryable, scope: RegistryScope): Promise<DistributionRow[]> {
  return db.query<DistributionRow>(`${DISTRIBUTION_SELECT} WHERE ${IN_SCOPE('d', 1)} ORDER BY d.starts_on DESC, d.id DESC LIMIT 1000`, scopeParams(scope));
}

export async function distributionById(db: Queryable, id: number, lock = false): Promise<DistributionRow | undefined> {
  if (lock) await db.query('SELECT id FROM assistance_distribution WHERE id = $1 FOR UPDATE', [id]);
  const [row] = await db.query<DistributionRow>(`${DISTRIBUTION_SELECT} WHERE d.id = $1`, [id]);
  return row;
}

export async function closeDistribution(db: Queryable, id: number): Promise<void> {
  await db.query("UPDATE assistance_distribution SET status = 'closed', closed_at = now() WHERE id = $1", [id]);
}

/** Lists the organisation's households of the place whose consent stands; households already listed stay listed. */
export async function buildList(db: Queryable, distribution: DistributionRow): Promise<number> {
  const rows = await db.query<{ household_id: number }>(
    `INSERT INTO assistance_entitlement (distribution_id, household_id)
     SELECT $1, h.id FROM assistance_household h
      WHERE h.organisation_id = $2 AND h.admin2_pcode = $3 AND ($4::text IS NULL OR h.site_code = $4)
        AND EXISTS (SELECT 1 FROM assistance_member m WHERE m.household_id = h.id AND ${CONSENTING('m')})
     ON CONFLICT DO NOTHING RETURNING household_id::int AS household_id`,
    [distribution.id, distribution.organisation_id, distribution.admin2_pcode, distribution.site_code],
  );
  return rows.length;
}

export interface EntitlementRow {
  household_id: number;
  admin2_pcode: string;
  site_code: string | null;
  members: number;
  consenting: boolean;
  received_at: string | null;
  received_by: string | null;
  recorded_by: string | null;
}

export async function entitlements(db: Queryable, distributionId: number): Promise<EntitlementRow[]> {
  return db.query<EntitlementRow>(
    `SELECT e.household_id::int AS household_id, h.admin2_pcode, h.site_code,
            (SELECT count(*)::int FROM assistance_member m WHERE m.household_id = h.id AND ${CONSENTING('m')}) AS members,
            EXISTS (SELECT 1 FROM assistance_member m WHERE m.household_id = h.id AND ${CONSENTING('m')}) AS consenting,
            to_char(r.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS received_at, r.received_by, r.recorded_by
       FROM assistance_entitlement e
       JOIN assistance_household h ON h.id = e.household_id
       LEFT JOIN assistance_receipt r ON r.distribution_id = e.distribution_id AND r.household_id = e.household_id
      WHERE e.distribution_id = $1 ORDER BY e.household_id`,
    [distributionId],
  );
}

export async function isListed(db: Queryable, distributionId: number, householdId: number): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM assistance_entitlement WHERE distribution_id = $1 AND household_id = $2', [distributionId, householdId]);
  return rows.length > 0;
}

export async function householdConsents(db: Queryable, householdId: number): Promise<boolean> {
  const rows = await db.query(`SELECT 1 FROM assistance_member m WHERE m.household_id = $1 AND ${CONSENTING('m')} LIMIT 1`, [householdId]);
  return rows.length > 0;
}

export interface PriorReceipt {
  distribution_id: number;
  organisation_acronym: string;
  label: string;
  received_at: string;
  same_household: boolean;
}

/**
 * A receipt that makes this one a second: the same household in this distribution, or — of the
 * same type over an overlapping period, whichever partner — a household one of whose members a
 * reviewer merged (and did not unmerge) with a member of this household.
 */
export async function priorReceipt(db: Queryable, distribution: DistributionRow, householdId: number): Promise<PriorReceipt | undefined> {
  const [row] = await db.query<PriorReceipt>(
    `SELECT d.id::int AS distribution_id, ro.acronym AS organisation_acronym, d.label,
            to_char(r.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS received_at, (r.household_id = $2) AS same_household
       FROM assistance_receipt r
       JOIN assistance_distribution d ON d.id = r.distribution_id
       JOIN response_organisation ro ON ro.organisation_id = d.organisation_id
      WHERE (r.distribution_id = $1 AND r.household_id = $2)
         OR (d.assistance_type = $3 AND d.starts_on <= $5::date AND d.ends_on >= $4::date AND r.household_id <> $2
             AND EXISTS (SELECT 1 FROM assistance_merge mg
                           JOIN assistance_member a ON a.id IN (mg.member_low, mg.member_high)
                           JOIN assistance_member b ON b.id IN (mg.member_low, mg.member_high) AND b.id <> a.id
                          WHERE mg.undone_at IS NULL AND a.household_id = $2 AND b.household_id = r.household_id))
      ORDER BY (r.household_id = $2) DESC, r.received_at LIMIT 1`,
    [distribution.id, householdId, distribution.assistance_type, distribution.starts_on, distribution.ends_on],
  );
  return row;
}

export async function insertReceipt(db: Queryable, v: { distributionId: number; householdId: number; receivedBy: string; receivedAt: string; recordedBy: string; proof: string | null }): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO assistance_receipt (distribution_id, household_id, received_by, received_at, recorded_by, proof) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::int AS id`,
    [v.distributionId, v.householdId, v.receivedBy, v.receivedAt, v.recordedBy, v.proof],
  );
  return row!.id;
}

export interface TraceRow {
  key: number | null;
  distributions: number;
  households: number;
  people: number;
  value: number;
  currency: string;
}

/** Reached households, their consenting people and the value handed over, by activity area or by contribution. */
export async function trace(db: Queryable, scope: RegistryScope, by: 'activity_area_id' | 'contribution_id', keys: readonly number[]): Promise<TraceRow[]> {
  return db.query<TraceRow>(
    `SELECT d.${by}::int AS key, count(DISTINCT d.id)::int AS distributions, count(DISTINCT r.household_id)::int AS households,
            coalesce(sum((SELECT count(*) FROM assistance_member m WHERE m.household_id = r.household_id AND ${CONSENTING('m')})), 0)::int AS people,
            coalesce(sum(d.quantity * t.unit_value), 0)::float8 AS value, t.currency
       FROM assistance_distribution d
       JOIN assistance_type t ON t.code = d.assistance_type
       JOIN assistance_receipt r ON r.distribution_id = d.id
      WHERE ${IN_SCOPE('d', 1)} AND d.${by} = ANY($4::bigint[])
      GROUP BY d.${by}, t.currency ORDER BY d.${by}`,
    [...scopeParams(scope), keys],
  );
}

export interface ExportLineRow {
  household_id: number;
  site_code: string | null;
  members: number;
  /** The head if their consent stands, otherwise the first consenting member: who comes to the distribution. */
  given_names: string | null;
  family_name: string | null;
  spoken_name: string | null;
  phone: string | null;
  received_at: string | null;
  received_by: string | null;
  proof: string | null;
  recorded_by: string | null;
  recorded_at: string | null;
}

/**
 * A distribution's lines for the field team's sheets: only households with a consenting member,
 * each with its representative (a consenting member, the head first) and its receipt if any.
 */
export async function exportLines(db: Queryable, distributionId: number): Promise<ExportLineRow[]> {
  const rows = await db.query<ExportLineRow>(
    `SELECT e.household_id::int AS household_id, h.site_code,
            (SELECT count(*)::int FROM assistance_member m WHERE m.household_id = h.id AND ${CONSENTING('m')}) AS members,
            rep.given_names, rep.family_name, rep.spoken_name, rep.phone,
            to_char(r.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS received_at, r.received_by, r.proof, r.recorded_by,
            to_char(r.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS recorded_at
       FROM assistance_entitlement e
       JOIN assistance_household h ON h.id = e.household_id
       JOIN LATERAL (SELECT m.given_names, m.family_name, m.spoken_name, m.phone FROM assistance_member m
                      WHERE m.household_id = h.id AND ${CONSENTING('m')}
                      ORDER BY (m.relation = 'head') DESC, m.id LIMIT 1) rep ON true
       LEFT JOIN assistance_receipt r ON r.distribution_id = e.distribution_id AND r.household_id = e.household_id
      WHERE e.distribution_id = $1 ORDER BY h.site_code NULLS FIRST, e.household_id`,
    [distributionId],
  );
  return rows.map(unsealPerson);
}
