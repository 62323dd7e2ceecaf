/** The SQL of 5W/3W file imports: the import row (what makes a second import a no-op) and its reports in bulk. */
import type { Queryable } from '../core/db.js';

export interface ImportRow {
  id: number;
  upload_id: number;
  job_id: number | null;
  country: string;
  file_name: string;
  sheet_key: string;
  month: string | null;
  rows_read: number;
  rows_stored: number;
  result: Record<string, unknown>;
  created_by: string;
  created_at: string;
}

const IMPORT_SELECT = `SELECT id::int AS id, upload_id::int AS upload_id, job_id::int AS job_id, country, file_name, sheet_key, to_char(month, 'YYYY-MM') AS month,
  rows_read, rows_stored, result, created_by, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at FROM response_import`;

/** The earlier import of the same bytes, sheet and country, if any. */
export async function sameImport(db: Queryable, key: { country: string; sha256: string; sheetKey: string }): Promise<ImportRow | undefined> {
  const [row] = await db.query<ImportRow>(`${IMPORT_SELECT} WHERE country = $1 AND sha256 = $2 AND sheet_key = $3`, [key.country, key.sha256, key.sheetKey]);
  return row;
}

/** The newest imports of the countries given (null: every country) and those the person made. */
export async function importsOf(db: Queryable, countries: readonly string[] | null, createdBy: string, limit: number): Promise<ImportRow[]> {
  return db.query<ImportRow>(`${IMPORT_SELECT} WHERE $1::text[] IS NULL OR country = ANY($1::text[]) OR created_by = $2 ORDER BY id DESC LIMIT $3`, [countries, createdBy, limit]);
}

export async function insertImport(
  db: Queryable,
  values: { uploadId: number; jobId: number; country: string; sha256: string; fileName: string; sheetKey: string; month: string | null; rowsRead: number; by: string },
): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO response_import (upload_id, job_id, country, sha256, file_name, sheet_key, month, rows_read, rows_stored, result, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::text IS NULL THEN NULL ELSE to_date($7, 'YYYY-MM') END, $8, 0, '{}', $9) RETURNING id::int AS id`,
    [values.uploadId, values.jobId, values.country, values.sha256, values.fileName, values.sheetKey, values.month, values.rowsRead, values.by],
  );
  return row!.id;
}

export async function finishImport(db: Queryable, id: number, stored: number, result: Record<string, unknown>): Promise<void> {
  await db.query('UPDATE response_import SET rows_stored = $2, result = $3 WHERE id = $1', [id, stored, result]);
}

/** One report as the import stores it (its figures already checked). */
export interface ImportedReport {
  import_row: number;
  period_id: number;
  reporting_org_id: number;
  implementing_org_id: number | null;
  donor_org_ids: number[];
  sector_code: string;
  activity_id: number;
  location_level: number;
  admin1: string;
  admin2: string | null;
  admin3: string | null;
  geography_version: string;
  provider_admin1_name: string | null;
  provider_admin2_name: string | null;
  provider_location_name: string | null;
  provider_activity_name: string | null;
  figures: unknown[];
}

/** Stores a batch of reports as submitted, each linked to its import and file row; returns how many. */
export async function insertImportedReports(db: Queryable, importId: number, country: string, by: string, reports: readonly ImportedReport[]): Promise<number> {
  if (reports.length === 0) return 0;
  const rows = await db.query<{ count: number }>(
    `WITH inserted AS (
       INSERT INTO response_report (period_id, country, reporting_org_id, implementing_org_id, donor_org_ids, sector_code, activity_id, location_level,
         admin1_pcode, admin2_pcode, admin3_pcode, geography_version, provider_admin1_name, provider_admin2_name, provider_location_name,
         figures, status, created_by, import_id, import_row, provider_activity_name)
       SELECT r.period_id, $2, r.reporting_org_id, r.implementing_org_id, ARRAY(SELECT jsonb_array_elements_text(r.donor_org_ids))::bigint[], r.sector_code, r.activity_id,
              r.location_level, r.admin1, r.admin2, r.admin3, r.geography_version::date, r.provider_admin1_name, r.provider_admin2_name, r.provider_location_name,
              r.figures, 'submitted', $3, $4, r.import_row, r.provider_activity_name
         FROM jsonb_to_recordset($1::jsonb) AS r(import_row int, period_id bigint, reporting_org_id bigint, implementing_org_id bigint, donor_org_ids jsonb,
              sector_code text, activity_id bigint, location_level smallint, admin1 text, admin2 text, admin3 text, geography_version text,
              provider_admin1_name text, provider_admin2_name text, provider_location_name text, provider_activity_name text, figures jsonb)
       RETURNING 1)
     SELECT count(*)::int AS count FROM inserted`,
    [JSON.stringify(reports), country, by, importId],
  );
  return rows[0]!.count;
}

/** Reports stored by an import, per status (what became of them since). */
export async function reportsOfImport(db: Queryable, importId: number): Promise<Record<string, number>> {
  const rows = await db.query<{ status: string; count: number }>('SELECT status, count(*)::int AS count FROM response_report WHERE import_id = $1 GROUP BY status', [importId]);
  return Object.fromEntries(rows.map((row) => [row.status, row.count]));
}
