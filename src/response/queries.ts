/** Every SQL statement of the response (4W) module. */
import type { Queryable } from '../core/db.js';

export interface OrganisationRow {
  id: number;
  acronym: string;
  name: string;
  org_type_code: string;
  aliases: string[];
}

const ORGANISATION_SELECT = `
  SELECT r.organisation_id::int AS id, r.acronym, o.name, r.org_type_code,
         coalesce((SELECT array_agg(a.alias ORDER BY a.alias) FROM response_org_alias a WHERE a.organisation_id = r.organisation_id), '{}') AS aliases
    FROM response_organisation r JOIN organisation o ON o.id = r.organisation_id`;

export async function organisations(db: Queryable): Promise<OrganisationRow[]> {
  return db.query<OrganisationRow>(`${ORGANISATION_SELECT} ORDER BY r.acronym`);
}

export async function organisationById(db: Queryable, id: number): Promise<OrganisationRow | undefined> {
  const [row] = await db.query<OrganisationRow>(`${ORGANISATION_SELECT} WHERE r.organisation_id = $1`, [id]);
  return row;
}

/** The organisation a folded acronym, name or confirmed alias names. */
export async function organisationByKey(db: Queryable, key: string): Promise<OrganisationRow | undefined> {
  const [row] = await db.query<OrganisationRow>(
    `${ORGANISATION_SELECT}
      WHERE r.acronym_key = $1 OR r.name_key = $1 OR r.organisation_id = (SELECT organisation_id FROM response_org_alias WHERE alias_key = $1)
      LIMIT 1`,
    [key],
  );
  return row;
}

export async function insertOrganisation(db: Queryable, values: { id: number; acronym: string; acronymKey: string; nameKey: string; orgTypeCode: string; createdBy: string }): Promise<void> {
  await db.query(
    'INSERT INTO response_organisation (organisation_id, acronym, acronym_key, name_key, org_type_code, created_by) VALUES ($1, $2, $3, $4, $5, $6)',
    [values.id, values.acronym, values.acronymKey, values.nameKey, values.orgTypeCode, values.createdBy],
  );
}

export async function insertAlias(db: Queryable, values: { key: string; alias: string; organisationId: number; by: string }): Promise<void> {
  await db.query('INSERT INTO response_org_alias (alias_key, alias, organisation_id, confirmed_by) VALUES ($1, $2, $3, $4)', [values.key, values.alias, values.organisationId, values.by]);
}

export async function sectorLabels(db: Queryable): Promise<Array<{ label_key: string; label: string; sector_code: string }>> {
  return db.query('SELECT label_key, label, sector_code FROM response_sector_label ORDER BY label');
}

export async function upsertSectorLabel(db: Queryable, values: { key: string; label: string; sector: string; by: string }): Promise<void> {
  await db.query(
    `INSERT INTO response_sector_label (label_key, label, sector_code, confirmed_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (label_key) DO UPDATE SET label = excluded.label, sector_code = excluded.sector_code, confirmed_by = excluded.confirmed_by, confirmed_at = now()`,
    [values.key, values.label, values.sector, values.by],
  );
}

export interface ActivityRow {
  id: number;
  code: string;
  sector_code: string;
  name_en: string;
  name_fr: string;
  plan_code: string | null;
  area_code: string | null;
  unit: 'people' | 'households' | 'items' | 'money';
  aggregation: 'max' | 'sum';
  sphere_indicator: string | null;
}

const ACTIVITY_SELECT = `
  SELECT a.id::int AS id, a.code, a.sector_code, a.name_en, a.name_fr, p.code AS plan_code, pa.code AS area_code, a.unit, a.aggregation, a.sphere_indicator
    FROM response_activity a
    LEFT JOIN plan p ON p.id = a.plan_id
    LEFT JOIN plan_activity_area pa ON pa.plan_id = a.plan_id AND pa.id = a.activity_area_id`;

export async function activities(db: Queryable): Promise<ActivityRow[]> {
  return db.query<ActivityRow>(`${ACTIVITY_SELECT} ORDER BY a.sector_code, a.code`);
}

export async function activityByCode(db: Queryable, code: string): Promise<ActivityRow | undefined> {
  const [row] = await db.query<ActivityRow>(`${ACTIVITY_SELECT} WHERE lower(a.code) = lower($1)`, [code]);
  return row;
}

export async function insertActivity(
  db: Queryable,
  values: { code: string; sector: string; nameEn: string; nameFr: string; areaId: number | null; unit: string; aggregation: string; sphereIndicator?: string | null },
): Promise<number> {
  // An activity area's id is unique across plans: its plan comes with it.
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO response_activity (code, sector_code, name_en, name_fr, plan_id, activity_area_id, unit, aggregation, sphere_indicator)
     VALUES ($1, $2, $3, $4, (SELECT plan_id FROM plan_activity_area WHERE id = $5), $5, $6, $7, $8) RETURNING id::int AS id`,
    [values.code, values.sector, values.nameEn, values.nameFr, values.areaId, values.unit, values.aggregation, values.sphereIndicator ?? null],
  );
  return row!.id;
}

export interface PeriodRow {
  id: number;
  country: string;
  month: string;
  status: 'open' | 'closed' | 'locked';
  version: number;
}

const PERIOD_SELECT = `SELECT id::int AS id, country, to_char(month, 'YYYY-MM') AS month, status, version FROM response_period`;

export async function periods(db: Queryable, countries: readonly string[] | null): Promise<PeriodRow[]> {
  return db.query<PeriodRow>(`${PERIOD_SELECT} WHERE ($1::text[] IS NULL OR country = ANY($1)) ORDER BY month DESC, country`, [countries]);
}

/** A period, locked against concurrent changes for the rest of the transaction. */
export async function periodForUpdate(db: Queryable, country: string, month: string): Promise<PeriodRow | undefined> {
  const [row] = await db.query<PeriodRow>(`${PERIOD_SELECT} WHERE country = $1 AND month = to_date($2, 'YYYY-MM') FOR UPDATE`, [country, month]);
  return row;
}

export async function periodByIdForUpdate(db: Queryable, id: number): Promise<PeriodRow | undefined> {
  const [row] = await db.query<PeriodRow>(`${PERIOD_SELECT} WHERE id = $1 FOR UPDATE`, [id]);
  return row;
}

export async function insertPeriod(db: Queryable, country: string, month: string): Promise<PeriodRow> {
  const [row] = await db.query<PeriodRow>(
    `INSERT INTO response_period (country, month) VALUES ($1, to_date($2, 'YYYY-MM'))
     RETURNING id::int AS id, country, to_char(month, 'YYYY-MM') AS month, status, version`,
    [country, month],
  );
  return row!;
}

export async function setPeriodStatus(db: Queryable, id: number, status: string): Promise<void> {
  await db.query('UPDATE response_period SET status = $2, version = version + 1, updated_at = now() WHERE id = $1', [id, status]);
}

export interface ReportRow {
  id: number;
  period_id: number;
  month: string;
  period_status: 'open' | 'closed' | 'locked';
  country: string;
  reporting_org_id: number;
  reporting_acronym: string;
  implementing_org_id: number | null;
  donor_org_ids: number[];
  sector_code: string;
  activity_code: string;
  unit: ActivityRow['unit'];
  location_level: number;
  admin1_pcode: string;
  admin2_pcode: string | null;
  admin3_pcode: string | null;
  site_code: string | null;
  geography_version: string;
  provider_admin1_name: string | null;
  provider_admin2_name: string | null;
  provider_location_name: string | null;
  figures: unknown;
  cash_value_usd: string | null;
  status: 'draft' | 'submitted' | 'approved' | 'rejected' | 'published';
  review_comment: string | null;
  reviewed_by: string | null;
  version: number;
  created_by: string;
  updated_at: string;
}

const REPORT_SELECT = `
  SELECT r.id::int AS id, r.period_id::int AS period_id, to_char(p.month, 'YYYY-MM') AS month, p.status AS period_status, r.country,
         r.reporting_org_id::int AS reporting_org_id, ro.acronym AS reporting_acronym, r.implementing_org_id::int AS implementing_org_id,
         r.donor_org_ids::int[] AS donor_org_ids, r.sector_code, a.code AS activity_code, a.unit, r.location_level, r.admin1_pcode, r.admin2_pcode,
         r.admin3_pcode, r.site_code, to_char(r.geography_version, 'YYYY-MM-DD') AS geography_version, r.provider_admin1_name,
         r.provider_admin2_name, r.provider_location_name, r.figures, r.cash_value_usd::text AS cash_value_usd, r.status, r.review_comment,
         r.reviewed_by, r.version, r.created_by, r.updated_at::text AS updated_at
    FROM response_report r
    JOIN response_period p ON p.id = r.period_id
    JOIN response_organisation ro ON ro.organisation_id = r.reporting_org_id
    JOIN response_activity a ON a.id = r.activity_id`;

/** What a caller may list: everything, some countries, and/or one organisation's reports. */
export interface ReportScope {
  all: boolean;
  countries: readonly string[];
  organisations: readonly number[];
}

export interface ReportFilter {
  status?: string;
  month?: string;
  country?: string;
  sector?: string;
  limit: number;
  offset: number;
}

export async function reports(db: Queryable, scope: ReportScope, filter: ReportFilter): Promise<{ total: number; rows: ReportRow[] }> {
  const where = `WHERE ($1::boolean OR r.status = 'published' OR r.country = ANY($2::text[]) OR r.reporting_org_id = ANY($3::bigint[]))
      AND ($4::text IS NULL OR r.status = $4) AND ($5::text IS NULL OR p.month = to_date($5, 'YYYY-MM'))
      AND ($6::text IS NULL OR r.country = $6) AND ($7::text IS NULL OR r.sector_code = $7)`;
  const params = [scope.all, scope.countries, scope.organisations, filter.status ?? null, filter.month ?? null, filter.country ?? null, filter.sector ?? null];
  const [count] = await db.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM response_report r JOIN response_period p ON p.id = r.period_id ${where}`,
    params,
  );
  const rows = await db.query<ReportRow>(`${REPORT_SELECT} ${where} ORDER BY p.month DESC, r.id LIMIT $8 OFFSET $9`, [...params, filter.limit, filter.offset]);
  return { total: count!.total, rows };
}

export async function reportsByIdForUpdate(db: Queryable, ids: readonly number[]): Promise<ReportRow[]> {
  return db.query<ReportRow>(`${REPORT_SELECT} WHERE r.id = ANY($1::bigint[]) ORDER BY r.id FOR UPDATE OF r`, [ids]);
}

export interface ReportValues {
  periodId: number;
  country: string;
  reportingOrgId: number;
  implementingOrgId: number | null;
  donorOrgIds: number[];
  sector: string;
  activityId: number;
  locationLevel: number;
  admin1: string;
  admin2: string | null;
  admin3: string | null;
  site: string | null;
  geographyVersion: string;
  providerAdmin1Name: string | null;
  providerAdmin2Name: string | null;
  providerLocationName: string | null;
  figures: unknown[];
  cashValueUsd: number | null;
}

const valueList = (values: ReportValues): unknown[] => [
  values.periodId,
  values.country,
  values.reportingOrgId,
  values.implementingOrgId,
  values.donorOrgIds,
  values.sector,
  values.activityId,
  values.locationLevel,
  values.admin1,
  values.admin2,
  values.admin3,
  values.site,
  values.geographyVersion,
  values.providerAdmin1Name,
  values.providerAdmin2Name,
  values.providerLocationName,
  JSON.stringify(values.figures),
  values.cashValueUsd,
];

export async function insertReport(db: Queryable, values: ReportValues, createdBy: string): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO response_report (period_id, country, reporting_org_id, implementing_org_id, donor_org_ids, sector_code, activity_id, location_level,
       admin1_pcode, admin2_pcode, admin3_pcode, site_code, geography_version, provider_admin1_name, provider_admin2_name, provider_location_name,
       figures, cash_value_usd, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb, $18, $19) RETURNING id::int AS id`,
    [...valueList(values), createdBy],
  );
  return row!.id;
}

/** Replaces a draft's or rejected report's content (a rejected report becomes a draft again); null when the version is stale. */
export async function updateReport(db: Queryable, id: number, version: number, values: ReportValues): Promise<number | null> {
  const [row] = await db.query<{ version: number }>(
    `UPDATE response_report SET period_id = $1, country = $2, reporting_org_id = $3, implementing_org_id = $4, donor_org_ids = $5, sector_code = $6,
       activity_id = $7, location_level = $8, admin1_pcode = $9, admin2_pcode = $10, admin3_pcode = $11, site_code = $12, geography_version = $13,
       provider_admin1_name = $14, provider_admin2_name = $15, provider_location_name = $16, figures = $17::jsonb, cash_value_usd = $18,
       status = 'draft', version = version + 1, updated_at = now()
     WHERE id = $19 AND version = $20 RETURNING version`,
    [...valueList(values), id, version],
  );
  return row?.version ?? null;
}

export async function setReportStatus(db: Queryable, ids: readonly number[], status: string, review: { comment: string | null; by: string } | null): Promise<void> {
  await db.query(
    `UPDATE response_report SET status = $2, version = version + 1, updated_at = now(),
       review_comment = CASE WHEN $3::boolean THEN $4 ELSE review_comment END,
       reviewed_by = CASE WHEN $3::boolean THEN $5 ELSE reviewed_by END,
       reviewed_at = CASE WHEN $3::boolean THEN now() ELSE reviewed_at END
     WHERE id = ANY($1::bigint[])`,
    [ids, status, review !== null, review?.comment ?? null, review?.by ?? null],
  );
}

export interface ApprovedRow {
  organisation_id: number;
  acronym: string;
  sector_code: string;
  activity_code: string;
  unit: ActivityRow['unit'];
  country: string;
  month: string;
  admin1_pcode: string;
  admin2_pcode: string;
  admin3_pcode: string | null;
  site_code: string | null;
  sphere_indicator: string | null;
  figures: unknown;
}

/** Approved and published reports at admin2 or finer (presence, gaps, overlaps and what was reached). */
export async function approvedReports(db: Queryable, filter: { country: string | null; month: string | null; sector: string | null }): Promise<ApprovedRow[]> {
  return db.query<ApprovedRow>(
    `SELECT r.reporting_org_id::int AS organisation_id, o.acronym, r.sector_code, a.code AS activity_code, a.unit, r.country,
            to_char(p.month, 'YYYY-MM') AS month, r.admin1_pcode, r.admin2_pcode, r.admin3_pcode, r.site_code, a.sphere_indicator, r.figures
       FROM response_report r
       JOIN response_period p ON p.id = r.period_id
       JOIN response_organisation o ON o.organisation_id = r.reporting_org_id
       JOIN response_activity a ON a.id = r.activity_id
      WHERE r.status IN ('approved', 'published') AND r.admin2_pcode IS NOT NULL
        AND ($1::text IS NULL OR r.country = $1) AND ($2::text IS NULL OR p.month = to_date($2, 'YYYY-MM')) AND ($3::text IS NULL OR r.sector_code = $3)`,
    [filter.country, filter.month, filter.sector],
  );
}

export interface PresenceRow {
  country: string;
  admin1_pcode: string;
  admin1_name: string | null;
  provider_admin1_name: string | null;
  admin2_pcode: string | null;
  admin2_name: string | null;
  provider_admin2_name: string | null;
  acronym: string;
  name: string;
  org_type_code: string;
  sector_code: string;
  month: string;
}

export interface PresenceFilter {
  country: string | null;
  admin1: string | null;
  admin2: string | null;
  level: 1 | 2 | null;
  sector: string | null;
  acronym: string | null;
  name: string | null;
}

/**
 * One row per distinct organisation × sector × admin2 (or admin1 for reports at admin1) × month
 * of published reports; names of the units as the geography knows them at the report's version.
 */
export async function publishedPresence(db: Queryable, filter: PresenceFilter, limit: number, offset: number): Promise<PresenceRow[]> {
  return db.query<PresenceRow>(
    `WITH presence AS (
       SELECT DISTINCT ON (r.reporting_org_id, r.sector_code, r.admin1_pcode, r.admin2_pcode, p.month)
              r.country, r.admin1_pcode, r.admin2_pcode, r.provider_admin1_name, r.provider_admin2_name, r.geography_version,
              o.acronym, g.name, o.org_type_code, r.sector_code, p.month
         FROM response_report r
         JOIN response_period p ON p.id = r.period_id
         JOIN response_organisation o ON o.organisation_id = r.reporting_org_id
         JOIN organisation g ON g.id = o.organisation_id
        WHERE r.status = 'published'
          AND ($1::text IS NULL OR r.country = $1) AND ($2::text IS NULL OR r.admin1_pcode = $2) AND ($3::text IS NULL OR r.admin2_pcode = $3)
          AND ($4::int IS NULL OR ($4 = 1 AND r.admin2_pcode IS NULL) OR ($4 = 2 AND r.admin2_pcode IS NOT NULL))
          AND ($5::text IS NULL OR r.sector_code = $5) AND ($6::text IS NULL OR lower(o.acronym) = lower($6))
          AND ($7::text IS NULL OR strpos(lower(g.name), lower($7)) > 0)
        ORDER BY r.reporting_org_id, r.sector_code, r.admin1_pcode, r.admin2_pcode, p.month, r.id
     )
     SELECT pr.country, pr.admin1_pcode, a1.name AS admin1_name, pr.provider_admin1_name, pr.admin2_pcode, a2.name AS admin2_name,
            pr.provider_admin2_name, pr.acronym, pr.name, pr.org_type_code, pr.sector_code, to_char(pr.month, 'YYYY-MM-DD') AS month
       FROM presence pr
       LEFT JOIN LATERAL (SELECT name FROM admin_unit WHERE pcode = pr.admin1_pcode AND valid_from <= pr.geography_version ORDER BY valid_from DESC LIMIT 1) a1 ON true
       LEFT JOIN LATERAL (SELECT name FROM admin_unit WHERE pcode = pr.admin2_pcode AND valid_from <= pr.geography_version ORDER BY valid_from DESC LIMIT 1) a2 ON true
      ORDER BY pr.country, pr.admin1_pcode, pr.admin2_pcode NULLS FIRST, pr.sector_code, pr.acronym, pr.month
      LIMIT $8 OFFSET $9`,
    [filter.country, filter.admin1, filter.admin2, filter.level, filter.sector, filter.acronym, filter.name, limit, offset],
  );
}
