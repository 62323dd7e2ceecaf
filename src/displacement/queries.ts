/** Every SQL statement of the displacement module's import and review path. */
import type { Queryable } from '../core/db.js';
import { bumpVersions, versionKeys, versionsChanged } from '../core/versions.js';
import type { Geometry } from 'geojson';
import type { ColumnMapping } from './fields.js';
import { FIXABLE_FIELDS, type FixableField } from '../shared/displacement.js';
import type { Finding, StagedFigure } from './validate.js';

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

export interface UploadRow {
  id: number;
  file_name: string;
  sha256: string;
  size_bytes: number;
  parts: number;
  created_by: string;
  /** The operation it was sent for; null: usable by the person who sent it only. */
  operation_id: number | null;
}

/**
 * Parts of 1 MB. An upload holds one part in memory while it is written (with its base64 text
 * and the database's copy of it), and four uploads at once must stay well under 400 MB of
 * server memory (bench/uploads.ts); parts of 8 MB took PGlite's memory ~200 MB higher. Parts
 * may differ in size (older uploads have 8 MB ones): they are read back in order.
 */
export const UPLOAD_PART_BYTES = 1024 * 1024;

/**
 * Starts an upload whose parts are written as they arrive (storeUploadPart), then completed
 * (completeUpload) or dropped (dropUpload). Each statement stands alone: on PGlite, one
 * transaction over the whole transfer would hold the only connection for minutes.
 */
export async function beginUpload(db: Queryable, upload: { fileName: string; actor: string; operationId: number | null }): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    'INSERT INTO dtm_upload (file_name, sha256, size_bytes, parts, created_by, complete, operation_id) VALUES ($1, NULL, 0, 0, $2, false, $3) RETURNING id',
    [upload.fileName, upload.actor, upload.operationId],
  );
  return row!.id;
}

export async function storeUploadPart(db: Queryable, uploadId: number, part: number, bytes: Buffer): Promise<void> {
  // Sent as base64 text and decoded by the server: PGlite's bytea parameters take a slow
  // per-byte path (3 s for a 3.5 MB file, against 0.3 s this way).
  await db.query("INSERT INTO dtm_upload_part (upload_id, part, bytes) VALUES ($1, $2, decode($3, 'base64'))", [uploadId, part, bytes.toString('base64')]);
}

export async function completeUpload(db: Queryable, uploadId: number, upload: { sha256: string; sizeBytes: number; parts: number }): Promise<void> {
  await db.query('UPDATE dtm_upload SET sha256 = $2, size_bytes = $3, parts = $4, complete = true WHERE id = $1 AND NOT complete', [
    uploadId,
    upload.sha256,
    upload.sizeBytes,
    upload.parts,
  ]);
}

/** Drops an upload that did not arrive whole or was refused (its parts go with it). */
export async function dropUpload(db: Queryable, uploadId: number): Promise<void> {
  await db.query('DELETE FROM dtm_upload WHERE id = $1 AND NOT complete', [uploadId]);
}

export async function uploadById(db: Queryable, id: number): Promise<UploadRow | undefined> {
  const [row] = await db.query<UploadRow>('SELECT id, file_name, sha256, size_bytes, parts, created_by, operation_id FROM dtm_upload WHERE id = $1 AND complete', [id]);
  return row;
}

/** The uploaded file, assembled part by part into one buffer (its only copy in memory). */
export async function uploadBytes(db: Queryable, upload: Pick<UploadRow, 'id' | 'size_bytes' | 'parts'>): Promise<Uint8Array> {
  const bytes = Buffer.allocUnsafe(Number(upload.size_bytes));
  let offset = 0;
  for (let part = 0; part < upload.parts; part += 1) {
    const [row] = await db.query<{ bytes: string }>("SELECT encode(bytes, 'base64') AS bytes FROM dtm_upload_part WHERE upload_id = $1 AND part = $2", [
      upload.id,
      part,
    ]);
    offset += Buffer.from(row!.bytes, 'base64').copy(bytes, offset);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, offset);
}

/**
 * Uploads that were never imported are kept a week, then dropped (they may hold a whole round).
 * An upload still incomplete after a day was cut by a crash: no transfer lasts that long
 * (LIPTAKO_REQUEST_TIMEOUT).
 */
export async function dropStaleUploads(db: Queryable): Promise<void> {
  await db.query(
    `DELETE FROM dtm_upload u WHERE (u.created_at < now() - interval '7 days' OR (NOT u.complete AND u.created_at < now() - interval '1 day'))
        AND NOT EXISTS (SELECT 1 FROM dtm_import i WHERE i.upload_id = u.id)
        AND NOT EXISTS (SELECT 1 FROM job j WHERE j.status IN ('queued', 'running') AND (j.input ->> 'uploadId')::bigint = u.id)`,
  );
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
     SELECT $1, $2, $3, u.file_name, u.sha256, u.size_bytes, u.id, $5, $6, $7, $8, 0, $9 FROM dtm_upload u WHERE u.id = $4
     RETURNING id`,
    [values.operationId, values.roundId, values.jobId, values.uploadId, values.sheet, values.headerRow, values.mapping, values.rowsRead, values.actor],
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

/**
 * For the rest of the import's transaction, joins between rounds are hashed or merged: rows
 * written a moment ago have no statistics yet, and a nested loop chosen on a guess of "a few
 * rows" costs minutes on a real round (bench/dtm.ts found 56 s for the demo's change checks).
 */
export async function preferSetJoins(tx: Queryable): Promise<void> {
  await tx.query('SET LOCAL enable_nestloop = off');
}

export async function restoreJoins(tx: Queryable): Promise<void> {
  await tx.query('RESET enable_nestloop');
}

// ---- staging ---------------------------------------------------------------------------------------

const STAGE_COLUMNS = [
  ['source_row', 'int4'],
  ['location_code', 'text'],
  ['location_name', 'text'],
  ['location_type', 'text'],
  ['settlement_type', 'text'],
  ['latitude', 'float8'],
  ['longitude', 'float8'],
  ['admin1_pcode', 'text'],
  ['admin2_pcode', 'text'],
  ['admin3_pcode', 'text'],
  ['population_group', 'text'],
  ['households', 'int4'],
  ['individuals', 'int4'],
  ['females', 'int4'],
  ['males', 'int4'],
  ['f1', 'int4'],
  ['f2', 'int4'],
  ['f3', 'int4'],
  ['f4', 'int4'],
  ['f5', 'int4'],
  ['m1', 'int4'],
  ['m2', 'int4'],
  ['m3', 'int4'],
  ['m4', 'int4'],
  ['m5', 'int4'],
  ['a1', 'int4'],
  ['a2', 'int4'],
  ['a3', 'int4'],
  ['a4', 'int4'],
  ['a5', 'int4'],
  ['reason', 'text'],
  ['origin_admin1_pcode', 'text'],
  ['origin_admin2_pcode', 'text'],
  ['arrival_period', 'text'],
  ['assessed_on', 'date'],
] as const;

const STAGE_INSERT = `INSERT INTO dtm_figure_stage (job_id, ${STAGE_COLUMNS.map(([name]) => name).join(', ')})
  SELECT $1::bigint, * FROM unnest(${STAGE_COLUMNS.map(([, type], index) => `$${index + 2}::${type}[]`).join(', ')})`;

/** One statement per batch: column arrays unnested server-side, the closest portable thing to COPY. */
export async function stageFigures(db: Queryable, jobId: number, figures: readonly StagedFigure[]): Promise<void> {
  if (figures.length === 0) return;
  const columns: unknown[][] = STAGE_COLUMNS.map(() => new Array<unknown>(figures.length));
  figures.forEach((figure, row) => {
    const values = [
      figure.sourceRow,
      figure.locationCode,
      figure.locationName,
      figure.locationType,
      figure.settlementType,
      figure.latitude,
      figure.longitude,
      figure.admin1Pcode,
      figure.admin2Pcode,
      figure.admin3Pcode,
      figure.populationGroup,
      figure.households,
      figure.individuals,
      figure.females,
      figure.males,
      figure.bands.f1,
      figure.bands.f2,
      figure.bands.f3,
      figure.bands.f4,
      figure.bands.f5,
      figure.bands.m1,
      figure.bands.m2,
      figure.bands.m3,
      figure.bands.m4,
      figure.bands.m5,
      figure.ages.a1,
      figure.ages.a2,
      figure.ages.a3,
      figure.ages.a4,
      figure.ages.a5,
      figure.reason,
      figure.originAdmin1Pcode,
      figure.originAdmin2Pcode,
      figure.arrivalPeriod,
      figure.assessedOn,
    ];
    values.forEach((value, column) => {
      columns[column]![row] = value;
    });
  });
  await db.query(STAGE_INSERT, [jobId, ...columns]);
}

export async function clearStage(db: Queryable, jobIds: readonly number[]): Promise<void> {
  if (jobIds.length > 0) await db.query('DELETE FROM dtm_figure_stage WHERE job_id = ANY($1::bigint[])', [jobIds]);
}

/**
 * Locations of the staged rows: new codes are added, known ones take the latest name, type and
 * coordinates (a site is matched across rounds by its code).
 */
export async function upsertLocationsFromStage(tx: Queryable, operationId: number, jobId: number): Promise<void> {
  await tx.query(
    `INSERT INTO dtm_location (operation_id, code, name, admin1_pcode, admin2_pcode, admin3_pcode, location_type, settlement_type, latitude, longitude)
     SELECT DISTINCT ON (location_code) $1::bigint, location_code, location_name, admin1_pcode, admin2_pcode, admin3_pcode, location_type, settlement_type, latitude, longitude
       FROM dtm_figure_stage WHERE job_id = $2 ORDER BY location_code, source_row
     ON CONFLICT (operation_id, code) DO UPDATE SET
       name = EXCLUDED.name, admin1_pcode = EXCLUDED.admin1_pcode, admin2_pcode = EXCLUDED.admin2_pcode,
       admin3_pcode = COALESCE(EXCLUDED.admin3_pcode, dtm_location.admin3_pcode), location_type = EXCLUDED.location_type,
       settlement_type = COALESCE(EXCLUDED.settlement_type, dtm_location.settlement_type),
       latitude = COALESCE(EXCLUDED.latitude, dtm_location.latitude), longitude = COALESCE(EXCLUDED.longitude, dtm_location.longitude)
     -- Most locations come back unchanged round after round: rewriting their rows would cost as much as the figures.
     WHERE (dtm_location.name, dtm_location.admin1_pcode, dtm_location.admin2_pcode, dtm_location.location_type)
           IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.admin1_pcode, EXCLUDED.admin2_pcode, EXCLUDED.location_type)
        OR (EXCLUDED.admin3_pcode IS NOT NULL AND EXCLUDED.admin3_pcode IS DISTINCT FROM dtm_location.admin3_pcode)
        OR (EXCLUDED.settlement_type IS NOT NULL AND EXCLUDED.settlement_type IS DISTINCT FROM dtm_location.settlement_type)
        OR (EXCLUDED.latitude IS NOT NULL AND EXCLUDED.latitude IS DISTINCT FROM dtm_location.latitude)
        OR (EXCLUDED.longitude IS NOT NULL AND EXCLUDED.longitude IS DISTINCT FROM dtm_location.longitude)`,
    [operationId, jobId],
  );
}

export async function insertFiguresFromStage(tx: Queryable, operationId: number, roundId: number, importId: number, jobId: number): Promise<number> {
  const rows = await tx.query<{ stored: number }>(
    `WITH stored AS (
       INSERT INTO dtm_figure (operation_id, round_id, import_id, source_row, location_id, admin1_pcode, admin2_pcode, population_group,
         households, individuals, females, males, f1, f2, f3, f4, f5, m1, m2, m3, m4, m5, a1, a2, a3, a4, a5, reason, origin_admin1_pcode, origin_admin2_pcode,
         arrival_period, assessed_on)
       SELECT $1, $2, $3, s.source_row, l.id, s.admin1_pcode, s.admin2_pcode, s.population_group, s.households, s.individuals, s.females, s.males,
         s.f1, s.f2, s.f3, s.f4, s.f5, s.m1, s.m2, s.m3, s.m4, s.m5, s.a1, s.a2, s.a3, s.a4, s.a5, s.reason, s.origin_admin1_pcode, s.origin_admin2_pcode, s.arrival_period, s.assessed_on
         FROM dtm_figure_stage s JOIN dtm_location l ON l.operation_id = $1 AND l.code = s.location_code
        WHERE s.job_id = $4
       RETURNING 1)
     SELECT count(*)::int AS stored FROM stored`,
    [operationId, roundId, importId, jobId],
  );
  // Fresh statistics: the checks that follow join these rows, and a planner that believes the
  // table is still empty picks nested loops that take minutes on a large round.
  const stored = rows[0]?.stored ?? 0;
  if (stored >= 5_000) await tx.query('ANALYZE dtm_figure');
  return stored;
}

// ---- data quality ----------------------------------------------------------------------------------

export async function insertFindings(tx: Queryable, operationId: number, roundId: number, importId: number, findings: readonly Finding[]): Promise<void> {
  const batch = 5_000;
  for (let start = 0; start < findings.length; start += batch) {
    const part = findings.slice(start, start + batch);
    await tx.query(
      `INSERT INTO dtm_issue (operation_id, round_id, import_id, source_row, column_name, value, rule, severity, params)
       SELECT $1, $2, $3, * FROM unnest($4::int4[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[])`,
      [
        operationId,
        roundId,
        importId,
        part.map((issue) => issue.row),
        part.map((issue) => issue.column),
        part.map((issue) => issue.value),
        part.map((issue) => issue.rule),
        part.map((issue) => issue.severity),
        part.map((issue) => JSON.stringify(issue.params)),
      ],
    );
  }
  // Each finding on a stored row points at its figure, so a reviewer can fix the value in place.
  // The rows are given as an array so the figures are filtered in one pass, not joined blindly.
  const rows = [...new Set(findings.filter((issue) => issue.severity === 'warning').map((issue) => issue.row))];
  if (rows.length === 0) return;
  await tx.query(
    `WITH wanted AS (SELECT DISTINCT unnest($4::int[]) AS source_row),
          f AS MATERIALIZED (
            SELECT d.id, d.location_id, d.source_row, d.population_group FROM dtm_figure d JOIN wanted w ON w.source_row = d.source_row
             WHERE d.operation_id = $1 AND d.round_id = $2 AND d.import_id = $3)
     UPDATE dtm_issue i SET figure_id = f.id, location_id = f.location_id
       FROM f
      WHERE i.operation_id = $1 AND i.round_id = $2 AND i.import_id = $3 AND i.source_row = f.source_row
        -- A row carrying several groups has one figure each: a finding about one group's counts points at that group's.
        AND (i.params ->> 'group' IS NULL OR i.params ->> 'group' = f.population_group)`,
    [operationId, roundId, importId, rows],
  );
}

/** Change of a location's figure against the previous round above both thresholds: a warning each. */
export async function flagChangesVsPrevious(
  tx: Queryable,
  round: { operationId: number; roundId: number; importId: number; previousRoundId: number; previousNumber: number; pct: number; people: number; column: string | null },
): Promise<number> {
  const rows = await tx.query<{ id: number }>(
    `INSERT INTO dtm_issue (operation_id, round_id, import_id, source_row, column_name, value, rule, severity, params, location_id, figure_id)
     SELECT f.operation_id, f.round_id, f.import_id, f.source_row, $7, f.individuals::text, 'changeVsPrevious', 'warning',
            jsonb_build_object('previous', p.individuals, 'current', f.individuals, 'previousRound', $4::int,
              'change', CASE WHEN p.individuals = 0 THEN 'new' ELSE to_char(100.0 * (f.individuals - p.individuals) / p.individuals, 'SG990') || ' %' END),
            f.location_id, f.id
       FROM dtm_figure f
       JOIN dtm_figure p ON p.operation_id = f.operation_id AND p.round_id = $3 AND p.location_id = f.location_id AND p.population_group = f.population_group
      WHERE f.operation_id = $1 AND f.round_id = $2 AND f.import_id = $8
        AND abs(f.individuals - p.individuals) > $6
        AND abs(f.individuals - p.individuals) * 100.0 > $5 * p.individuals
     RETURNING id`,
    [round.operationId, round.roundId, round.previousRoundId, round.previousNumber, round.pct, round.people, round.column, round.importId],
  );
  return rows.length;
}

export interface IssueRow {
  id: number;
  round_id: number;
  import_id: number | null;
  source_row: number | null;
  column_name: string | null;
  value: string | null;
  rule: string;
  severity: 'error' | 'warning';
  params: Record<string, string | number>;
  location_id: number | null;
  location_code: string | null;
  location_name: string | null;
  figure_id: number | null;
  status: 'open' | 'accepted' | 'fixed' | 'excluded';
  decided_by: string | null;
  decided_at: Date | null;
  comment: string | null;
}

export interface IssueFilters {
  severity?: 'error' | 'warning';
  status?: 'open' | 'accepted' | 'fixed' | 'excluded';
  rule?: string;
  limit: number;
  offset: number;
}

export async function issuesOf(db: Queryable, round: RoundRow, filters: IssueFilters): Promise<{ total: number; issues: IssueRow[] }> {
  const conditions = ['i.operation_id = $1', 'i.round_id = $2'];
  const params: unknown[] = [round.operation_id, round.id];
  if (filters.severity) conditions.push(`i.severity = $${params.push(filters.severity)}`);
  if (filters.status) conditions.push(`i.status = $${params.push(filters.status)}`);
  if (filters.rule) conditions.push(`i.rule = $${params.push(filters.rule)}`);
  const where = conditions.join(' AND ');
  const [count] = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM dtm_issue i WHERE ${where}`, params);
  const issues = await db.query<IssueRow>(
    `SELECT i.id, i.round_id, i.import_id, i.source_row, i.column_name, i.value, i.rule, i.severity, i.params, i.location_id,
            l.code AS location_code, l.name AS location_name, i.figure_id, i.status, i.decided_by, i.decided_at, i.comment
       FROM dtm_issue i LEFT JOIN dtm_location l ON l.operation_id = i.operation_id AND l.id = i.location_id
      WHERE ${where}
      ORDER BY (i.status = 'open') DESC, i.severity, i.source_row NULLS LAST, i.id
      LIMIT $${params.push(filters.limit)} OFFSET $${params.push(filters.offset)}`,
    params,
  );
  return { total: count?.total ?? 0, issues };
}

export async function issueById(db: Queryable, round: RoundRow, id: number): Promise<IssueRow | undefined> {
  const [row] = await db.query<IssueRow>(
    `SELECT i.*, NULL AS location_code, NULL AS location_name FROM dtm_issue i WHERE i.operation_id = $1 AND i.round_id = $2 AND i.id = $3 FOR UPDATE`,
    [round.operation_id, round.id, id],
  );
  return row;
}

export async function decideIssues(
  tx: Queryable,
  round: RoundRow,
  ids: readonly number[],
  decision: { status: 'accepted' | 'fixed' | 'excluded'; actor: string; comment: string | null },
): Promise<number> {
  const rows = await tx.query<{ id: number }>(
    `UPDATE dtm_issue SET status = $4, decided_by = $5, decided_at = now(), comment = $6
      WHERE operation_id = $1 AND round_id = $2 AND id = ANY($3::bigint[]) RETURNING id`,
    [round.operation_id, round.id, ids, decision.status, decision.actor, decision.comment],
  );
  return rows.length;
}

export interface IssueCounts {
  rule: string;
  severity: 'error' | 'warning';
  status: string;
  count: number;
}

export async function issueCounts(db: Queryable, round: RoundRow): Promise<IssueCounts[]> {
  return db.query<IssueCounts>(
    `SELECT rule, severity, status, count(*)::int AS count FROM dtm_issue WHERE operation_id = $1 AND round_id = $2
      GROUP BY rule, severity, status ORDER BY severity, rule, status`,
    [round.operation_id, round.id],
  );
}

/** Columns a reviewer may correct in place when fixing a warning. */
export const FIXABLE_COLUMNS = FIXABLE_FIELDS;
export type FixableColumn = FixableField;

export async function fixFigure(tx: Queryable, round: RoundRow, figureId: number, values: Partial<Record<FixableColumn, number | null>>): Promise<void> {
  const entries = Object.entries(values).filter(([column]) => (FIXABLE_COLUMNS as readonly string[]).includes(column));
  if (entries.length === 0) return;
  const sets = entries.map(([column], index) => `${column} = $${index + 4}`).join(', ');
  await tx.query(`UPDATE dtm_figure SET ${sets} WHERE operation_id = $1 AND round_id = $2 AND id = $3`, [
    round.operation_id,
    round.id,
    figureId,
    ...entries.map(([, value]) => value),
  ]);
}

export async function figureById(db: Queryable, round: RoundRow, id: number): Promise<Record<FixableColumn, number | null> | undefined> {
  const [row] = await db.query<Record<FixableColumn, number | null>>(
    `SELECT ${FIXABLE_COLUMNS.join(', ')} FROM dtm_figure WHERE operation_id = $1 AND round_id = $2 AND id = $3`,
    [round.operation_id, round.id, id],
  );
  return row;
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
