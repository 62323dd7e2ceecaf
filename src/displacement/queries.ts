/** Every SQL statement of the displacement module's import and review path. */
import type { Queryable } from '../core/db.js';
import { bumpVersions, versionKeys, versionsChanged } from '../core/versions.js';
import type { Geometry } from 'geojson';
import type { ColumnMapping } from './fields.js';
import { fileUploadById, type FileUploadRow } from '../core/file-uploads.js';

// ---- operations and rounds ----------------------------------------------------------------------

export interface OperationRow {
  id: number;
  code: string;
  name: string;
  name_fr: string;
  country: string;
  age_ranges: string[];
  household_size_min: string;
  household_size_max: string;
  change_threshold_pct: string;
  change_threshold_people: number;
}

export async function operations(db: Queryable): Promise<OperationRow[]> {
  return db.query<OperationRow>('SELECT * FROM dtm_operation ORDER BY name');
}

export async function operationByCode(db: Queryable, code: string): Promise<OperationRow | undefined> {
  const [row] = await db.query<OperationRow>('SELECT * FROM dtm_operation WHERE code = $1', [code]);
  return row;
}

export async function operationById(db: Queryable, id: number): Promise<OperationRow | undefined> {
  const [row] = await db.query<OperationRow>('SELECT * FROM dtm_operation WHERE id = $1', [id]);
  return row;
}

export interface NewOperation {
  code: string;
  name: string;
  nameFr: string;
  country: string;
  ageRanges: readonly string[];
}

export async function upsertOperation(db: Queryable, operation: NewOperation): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO dtm_operation (code, name, name_fr, country, age_ranges) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_fr = EXCLUDED.name_fr
     RETURNING id`,
    [operation.code, operation.name, operation.nameFr, operation.country, operation.ageRanges],
  );
  // Its names appear in published answers.
  await bumpVersions(db, [versionKeys.dtmOperation(operation.code), versionKeys.dtmCountry(operation.country), versionKeys.dtmRounds]);
  versionsChanged();
  return row!.id;
}

export type RoundStatus = 'draft' | 'validated' | 'published';

export interface RoundRow {
  operation_id: number;
  id: number;
  number: number;
  assessment_type: 'BA' | 'SA';
  reference_date: string;
  collection_start: string | null;
  collection_end: string | null;
  status: RoundStatus;
  validated_by: string | null;
  validated_at: Date | null;
  published_by: string | null;
  published_at: Date | null;
  created_by: string;
  created_at: Date;
  version: number;
}

export async function roundsOf(db: Queryable, operationId: number): Promise<RoundRow[]> {
  return db.query<RoundRow>('SELECT * FROM dtm_round WHERE operation_id = $1 ORDER BY number, assessment_type', [operationId]);
}

export async function roundById(db: Queryable, id: number, lock = false): Promise<RoundRow | undefined> {
  const [row] = await db.query<RoundRow>(`SELECT * FROM dtm_round WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return row;
}

export async function findRound(db: Queryable, operationId: number, number: number, type: 'BA' | 'SA', lock = false): Promise<RoundRow | undefined> {
  const [row] = await db.query<RoundRow>(
    `SELECT * FROM dtm_round WHERE operation_id = $1 AND number = $2 AND assessment_type = $3${lock ? ' FOR UPDATE' : ''}`,
    [operationId, number, type],
  );
  return row;
}

export interface RoundValues {
  operationId: number;
  number: number;
  assessmentType: 'BA' | 'SA';
  referenceDate: string;
  collectionStart: string | null;
  collectionEnd: string | null;
  actor: string;
}

export async function insertRound(db: Queryable, values: RoundValues): Promise<RoundRow> {
  const [row] = await db.query<RoundRow>(
    `INSERT INTO dtm_round (operation_id, number, assessment_type, reference_date, collection_start, collection_end, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [values.operationId, values.number, values.assessmentType, values.referenceDate, values.collectionStart, values.collectionEnd, values.actor],
  );
  return row!;
}

export async function updateRoundDates(db: Queryable, round: RoundRow, values: RoundValues): Promise<void> {
  await db.query(
    'UPDATE dtm_round SET reference_date = $2, collection_start = $3, collection_end = $4, version = version + 1 WHERE operation_id = $5 AND id = $1',
    [round.id, values.referenceDate, values.collectionStart, values.collectionEnd, round.operation_id],
  );
}

export async function setRoundStatus(db: Queryable, round: RoundRow, status: RoundStatus, actor: string): Promise<void> {
  const column = status === 'published' ? 'published' : status === 'validated' ? 'validated' : null;
  await db.query(
    `UPDATE dtm_round SET status = $3, version = version + 1${column === null ? '' : `, ${column}_by = $4, ${column}_at = now()`}
      WHERE operation_id = $1 AND id = $2`,
    column === null ? [round.operation_id, round.id, status] : [round.operation_id, round.id, status, actor],
  );
}

/** The round before this one in the same operation and assessment type (any status). */
export async function previousRound(db: Queryable, round: Pick<RoundRow, 'operation_id' | 'number' | 'assessment_type'>): Promise<RoundRow | undefined> {
  const [row] = await db.query<RoundRow>(
    `SELECT * FROM dtm_round WHERE operation_id = $1 AND assessment_type = $2 AND number < $3
      AND EXISTS (SELECT 1 FROM dtm_summary s WHERE s.operation_id = dtm_round.operation_id AND s.round_id = dtm_round.id)
      ORDER BY number DESC LIMIT 1`,
    [round.operation_id, round.assessment_type, round.number],
  );
  return row;
}

// ---- uploads, column maps, imports ------------------------------------------------------------------

/** DTM's uploads in core's store (core/file-uploads.ts, migrations/0025): their module there. */
export const UPLOAD_MODULE = 'dtm';
/** The table whose rows keep an upload (core's retention rule: an upload no import keeps goes after a week). */
export const UPLOAD_USED_BY = 'dtm_import';

/** A DTM upload: core's row, with the operation it was sent for read from its scope. */
export interface UploadRow extends FileUploadRow {
  /** The operation it was sent for; null: usable by the person who sent it only. */
  operation_id: number | null;
}

/** The scope a DTM upload is stored with: its operation's id as text (null: none named). */
export const uploadScope = (operationId: number | null): string | null => (operationId === null ? null : String(operationId));

/** A complete DTM upload, or undefined. */
export async function uploadById(db: Queryable, id: number): Promise<UploadRow | undefined> {
  const row = await fileUploadById(db, UPLOAD_MODULE, id);
  if (row === undefined) return undefined;
  // Written only by uploadScope; anything else names no operation (usable by its sender alone).
  const operationId = row.scope !== null && /^[1-9][0-9]*$/.test(row.scope) ? Number(row.scope) : null;
  return { ...row, operation_id: operationId };
}

/** The mapping confirmed for this template in this country (never another country's). */
export async function columnMapOf(db: Queryable, country: string, templateKey: string): Promise<ColumnMapping | undefined> {
  const [row] = await db.query<{ mapping: ColumnMapping }>('SELECT mapping FROM dtm_column_map WHERE country = $1 AND template_key = $2', [country, templateKey]);
  return row?.mapping;
}

export async function saveColumnMap(db: Queryable, country: string, templateKey: string, headers: readonly string[], mapping: ColumnMapping, actor: string): Promise<void> {
  await db.query(
    `INSERT INTO dtm_column_map (country, template_key, headers, mapping, created_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (country, template_key) DO UPDATE SET mapping = EXCLUDED.mapping, created_by = EXCLUDED.created_by, updated_at = now()`,
    [country, templateKey, headers, mapping, actor],
  );
}

export interface ImportRow {
  operation_id: number;
  id: number;
  round_id: number;
  job_id: number | null;
  file_name: string;
  sha256: string;
  size_bytes: number;
  sheet: string | null;
  header_row: number;
  mapping: ColumnMapping;
  rows_read: number;
  rows_stored: number;
  errors: number;
  warnings: number;
  superseded: boolean;
  created_by: string;
  created_at: Date;
}

const IMPORT_COLUMNS = 'operation_id, id, round_id, job_id, file_name, sha256, size_bytes, sheet, header_row, mapping, rows_read, rows_stored, errors, warnings, superseded, created_by, created_at';

/**
 * The round's current import when it read the same file the same way: same bytes, same sheet,
 * same header row and same mapping. The same file read differently is a new import.
 */
export async function sameImport(
  db: Queryable,
  roundId: number,
  identity: { sha256: string; sheet: string | null; headerRow: number; mapping: ColumnMapping },
): Promise<ImportRow | undefined> {
  const [row] = await db.query<ImportRow>(
    `SELECT ${IMPORT_COLUMNS} FROM dtm_import
      WHERE round_id = $1 AND sha256 = $2 AND NOT superseded
        AND sheet IS NOT DISTINCT FROM $3 AND header_row = $4 AND mapping = $5::jsonb`,
    [roundId, identity.sha256, identity.sheet, identity.headerRow, JSON.stringify(identity.mapping)],
  );
  return row;
}

export async function importsOfRound(db: Queryable, roundId: number): Promise<ImportRow[]> {
  return db.query<ImportRow>(`SELECT ${IMPORT_COLUMNS} FROM dtm_import WHERE round_id = $1 ORDER BY id DESC`, [roundId]);
}

export interface NewImport {
  operationId: number;
  roundId: number;
  jobId: number | null;
  uploadId: number;
  sheet: string | null;
  headerRow: number;
  mapping: ColumnMapping;
  rowsRead: number;
  actor: string;
}

/** The import keeps its upload as its raw file. */
export async function insertImport(tx: Queryable, values: NewImport): Promise<number> {
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO dtm_import (operation_id, round_id, job_id, file_name, sha256, size_bytes, upload_id, sheet, header_row, mapping, rows_read, rows_stored, created_by)
     SELECT $1, $2, $3, u.file_name, u.sha256, u.size_bytes, u.id, $5, $6, $7, $8, 0, $9 FROM file_upload u WHERE u.id = $4 AND u.module = $10
     RETURNING id`,
    [values.operationId, values.roundId, values.jobId, values.uploadId, values.sheet, values.headerRow, values.mapping, values.rowsRead, values.actor, UPLOAD_MODULE],
  );
  return row!.id;
}

export async function figuresByGroup(db: Queryable, operationId: number, roundId: number): Promise<Record<string, { figures: number; individuals: number }>> {
  const rows = await db.query<{ population_group: string; figures: number; individuals: string }>(
    `SELECT population_group, count(*)::int AS figures, sum(individuals)::bigint AS individuals FROM dtm_figure
      WHERE operation_id = $1 AND round_id = $2 GROUP BY population_group ORDER BY population_group`,
    [operationId, roundId],
  );
  return Object.fromEntries(rows.map((row) => [row.population_group, { figures: row.figures, individuals: Number(row.individuals) }]));
}

export async function finishImport(tx: Queryable, operationId: number, importId: number, counts: { stored: number; errors: number; warnings: number }): Promise<void> {
  await tx.query('UPDATE dtm_import SET rows_stored = $3, errors = $4, warnings = $5 WHERE operation_id = $1 AND id = $2', [
    operationId,
    importId,
    counts.stored,
    counts.errors,
    counts.warnings,
  ]);
}

/** A new import into a draft round replaces what the earlier ones stored. */
export async function clearRound(tx: Queryable, operationId: number, roundId: number): Promise<void> {
  await tx.query('DELETE FROM dtm_summary WHERE operation_id = $1 AND round_id = $2', [operationId, roundId]);
  await tx.query('DELETE FROM dtm_issue WHERE operation_id = $1 AND round_id = $2', [operationId, roundId]);
  await tx.query('DELETE FROM dtm_figure WHERE operation_id = $1 AND round_id = $2', [operationId, roundId]);
  await tx.query('UPDATE dtm_import SET superseded = true WHERE operation_id = $1 AND round_id = $2 AND NOT superseded', [operationId, roundId]);
}

// ---- summary -----------------------------------------------------------------------------------------

const MEASURES = ['households', 'individuals', 'females', 'males', 'f1', 'f2', 'f3', 'f4', 'f5', 'm1', 'm2', 'm3', 'm4', 'm5'] as const;

/** Rebuilds a round's totals per admin2, group, reason and origin region from its figures. */
export async function rebuildSummary(tx: Queryable, operationId: number, roundId: number): Promise<void> {
  await tx.query('DELETE FROM dtm_summary WHERE operation_id = $1 AND round_id = $2', [operationId, roundId]);
  await tx.query(
    `INSERT INTO dtm_summary (operation_id, round_id, admin1_pcode, admin2_pcode, population_group, reason, origin_admin1_pcode, locations, ${MEASURES.join(', ')})
     SELECT operation_id, round_id, admin1_pcode, admin2_pcode, population_group, reason, COALESCE(origin_admin1_pcode, ''), count(DISTINCT location_id),
            ${MEASURES.map((measure) => `COALESCE(sum(${measure}), 0)`).join(', ')}
       FROM dtm_figure WHERE operation_id = $1 AND round_id = $2
      GROUP BY operation_id, round_id, admin1_pcode, admin2_pcode, population_group, reason, COALESCE(origin_admin1_pcode, '')`,
    [operationId, roundId],
  );
}

export async function roundHasFigures(db: Queryable, round: RoundRow): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM dtm_summary WHERE operation_id = $1 AND round_id = $2 LIMIT 1', [round.operation_id, round.id]);
  return rows.length > 0;
}

// ---- geography for validation ---------------------------------------------------------------------------

/**
 * Admin units a round's P-codes are checked against: those valid at the round's date. Where the
 * gazetteer starts after that date (a 2019 round, a gazetteer dated 2021), the level's earliest
 * version stands in: it is the oldest knowledge there is.
 */
export async function unitsOfCountry(db: Queryable, country: string, asOf: string): Promise<Array<{ pcode: string; level: number; parent_pcode: string | null; name: string }>> {
  return db.query(
    `WITH chosen AS (
       SELECT level, CASE WHEN bool_or(valid_from <= $2::date AND (valid_to IS NULL OR valid_to > $2::date)) THEN $2::date ELSE min(valid_from) END AS at
         FROM admin_unit WHERE country = $1 AND level BETWEEN 1 AND 3 GROUP BY level)
     SELECT u.pcode, u.level, u.parent_pcode, u.name FROM admin_unit u JOIN chosen c ON c.level = u.level
      WHERE u.country = $1 AND u.valid_from <= c.at AND (u.valid_to IS NULL OR u.valid_to > c.at)`,
    [country, asOf],
  );
}

/**
 * Boundaries a round's coordinates are checked against, chosen exactly like unitsOfCountry's
 * units: the version valid at the round's date, else the level's earliest version (`earliest`),
 * so the import report can say when it is not the round's own.
 */
export async function boundariesOfCountry(
  db: Queryable,
  country: string,
  level: number,
  asOf: string,
): Promise<Array<{ pcode: string; geometry: Geometry; valid_from: string; earliest: boolean }>> {
  return db.query(
    `WITH chosen AS (
       SELECT CASE WHEN bool_or(valid_from <= $3::date AND (valid_to IS NULL OR valid_to > $3::date)) THEN $3::date ELSE min(valid_from) END AS at
         FROM admin_unit WHERE country = $1 AND level = $2)
     SELECT u.pcode, g.geometry, to_char(u.valid_from, 'YYYY-MM-DD') AS valid_from, c.at <> $3::date AS earliest
       FROM admin_unit u CROSS JOIN chosen c JOIN admin_unit_geometry g ON g.unit_id = u.id
      WHERE u.country = $1 AND u.level = $2 AND u.valid_from <= c.at AND (u.valid_to IS NULL OR u.valid_to > c.at)`,
    [country, level, asOf],
  );
}

export async function roundsWithFigures(db: Queryable, operationId: number): Promise<Array<{ id: number }>> {
  return db.query<{ id: number }>('SELECT DISTINCT round_id AS id FROM dtm_summary WHERE operation_id = $1', [operationId]);
}
