/**
 * The SQL of an import's staging (rows written outside the round, then swapped in) and of the
 * data-quality review (findings, decisions, fixes). Operations, rounds, uploads: queries.ts.
 */
import { copyTextValue, type Queryable } from '../core/db.js';
import { FIXABLE_FIELDS, type FixableField } from '../shared/displacement.js';
import type { Finding, StagedFigure } from './validate.js';
import { type RoundRow } from './queries.js';

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

/** A staged figure's values in STAGE_COLUMNS order. */
function stageValues(figure: StagedFigure): Array<string | number | null> {
  const { bands, ages } = figure;
  return [
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
    bands.f1,
    bands.f2,
    bands.f3,
    bands.f4,
    bands.f5,
    bands.m1,
    bands.m2,
    bands.m3,
    bands.m4,
    bands.m5,
    ages.a1,
    ages.a2,
    ages.a3,
    ages.a4,
    ages.a5,
    figure.reason,
    figure.originAdmin1Pcode,
    figure.originAdmin2Pcode,
    figure.arrivalPeriod,
    figure.assessedOn,
  ];
}

const COPY_COLUMNS = ['job_id', ...STAGE_COLUMNS.map(([name]) => name)];

/** Where an import's rows wait for the swap: the shared unlogged table, by job id. */
export interface Stage {
  readonly table: string;
  readonly jobId: number;
}

export const sharedStage = (jobId: number): Stage => ({ table: 'dtm_figure_stage', jobId });

/** One COPY per batch (a fifth of an unnest's cost on PostgreSQL, bench/dtm.ts). */
export async function stageFigures(db: Queryable, stage: Stage, figures: readonly StagedFigure[]): Promise<void> {
  if (figures.length === 0) return;
  const rows: string[] = new Array<string>(figures.length);
  const job = String(stage.jobId);
  for (let index = 0; index < figures.length; index += 1) {
    let line = job;
    for (const value of stageValues(figures[index]!)) line += `\t${copyTextValue(value)}`;
    rows[index] = line;
  }
  await db.copyText(stage.table, COPY_COLUMNS, `${rows.join('\n')}\n`);
}

/** The staged rows of jobs cut short or finished, from the shared table. */
export async function clearStage(db: Queryable, jobIds: readonly number[]): Promise<void> {
  if (jobIds.length > 0) await db.query('DELETE FROM dtm_figure_stage WHERE job_id = ANY($1::bigint[])', [jobIds]);
}

/** At the end of the swap: the job's rows leave the stage. */
export async function dropStage(tx: Queryable, stage: Stage): Promise<void> {
  await clearStage(tx, [stage.jobId]);
}

/**
 * On PostgreSQL, for the rest of the swap's transaction, the sorts of a round's rows (each location
 * once, the summary's groups) are done in memory: at the default 4 MB a 200,000-row round spills
 * them to disk. A budget, not a planner switch: the plans stay the planner's. PGlite keeps its
 * default: its engine's memory is already the larger part of the process.
 */
export async function sortInMemory(tx: Queryable): Promise<void> {
  if (tx.kind === 'postgres') await tx.query("SET LOCAL work_mem = '64MB'");
}

/**
 * Fresh statistics of the staged rows, for the plans of the swap that reads them: of the columns
 * it filters and joins on only (the sampling is the same, the work per column is not).
 */
export async function analyzeStage(db: Queryable, stage: Stage): Promise<void> {
  await db.query(`ANALYZE ${stage.table} (job_id, location_code, population_group)`);
}

/**
 * The same location and population group on several rows of the file: the first row's figure is
 * kept, each later one leaves the stage and is an error on its row naming the first. Run over the
 * staged rows so the import holds no key per location (a million-row file's keys grew its heap by
 * ~100 MB). At most `room` findings are written (what is left of the import's cap on stored
 * findings, earliest rows first); the count is of all of them.
 */
export async function removeDuplicateLocations(
  tx: Queryable,
  stage: Stage,
  round: { operationId: number; roundId: number; importId: number; column: string | null; room: number },
): Promise<number> {
  const [row] = await tx.query<{ duplicates: number }>(
    `WITH firsts AS (
       SELECT location_code, population_group, min(source_row) AS first_row
         FROM ${stage.table} WHERE job_id = $4 GROUP BY location_code, population_group HAVING count(*) > 1),
     gone AS (
       DELETE FROM ${stage.table} s USING firsts f
        WHERE s.job_id = $4 AND s.location_code = f.location_code AND s.population_group = f.population_group AND s.source_row > f.first_row
       RETURNING s.source_row, s.location_code, f.first_row),
     noted AS (
       INSERT INTO dtm_issue (operation_id, round_id, import_id, source_row, column_name, value, rule, severity, params)
       SELECT $1, $2, $3, source_row, $5, location_code, 'duplicateLocation', 'error', jsonb_build_object('firstRow', first_row)
         FROM gone ORDER BY source_row LIMIT $6
       RETURNING 1)
     SELECT (SELECT count(*)::int FROM gone) AS duplicates, (SELECT count(*)::int FROM noted) AS noted`,
    [round.operationId, round.roundId, round.importId, stage.jobId, round.column, Math.max(0, round.room)],
  );
  return row?.duplicates ?? 0;
}

/**
 * Locations of the staged rows: new codes are added, known ones take the latest name, type and
 * coordinates (a site is matched across rounds by its code).
 */
export async function upsertLocationsFromStage(tx: Queryable, operationId: number, stage: Stage): Promise<void> {
  await tx.query(
    `INSERT INTO dtm_location (operation_id, code, name, admin1_pcode, admin2_pcode, admin3_pcode, location_type, settlement_type, latitude, longitude)
     SELECT DISTINCT ON (location_code) $1::bigint, location_code, location_name, admin1_pcode, admin2_pcode, admin3_pcode, location_type, settlement_type, latitude, longitude
       FROM ${stage.table} WHERE job_id = $2 ORDER BY location_code, source_row
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
    [operationId, stage.jobId],
  );
}

export async function insertFiguresFromStage(tx: Queryable, operationId: number, roundId: number, importId: number, stage: Stage): Promise<number> {
  const rows = await tx.query<{ stored: number }>(
    `WITH stored AS (
       INSERT INTO dtm_figure (operation_id, round_id, import_id, source_row, location_id, admin1_pcode, admin2_pcode, population_group,
         households, individuals, females, males, f1, f2, f3, f4, f5, m1, m2, m3, m4, m5, a1, a2, a3, a4, a5, reason, origin_admin1_pcode, origin_admin2_pcode,
         arrival_period, assessed_on)
       SELECT $1, $2, $3, s.source_row, l.id, s.admin1_pcode, s.admin2_pcode, s.population_group, s.households, s.individuals, s.females, s.males,
         s.f1, s.f2, s.f3, s.f4, s.f5, s.m1, s.m2, s.m3, s.m4, s.m5, s.a1, s.a2, s.a3, s.a4, s.a5, s.reason, s.origin_admin1_pcode, s.origin_admin2_pcode, s.arrival_period, s.assessed_on
         FROM ${stage.table} s JOIN dtm_location l ON l.operation_id = $1 AND l.code = s.location_code
        WHERE s.job_id = $4
       RETURNING 1)
     SELECT count(*)::int AS stored FROM stored`,
    [operationId, roundId, importId, stage.jobId],
  );
  // Fresh statistics: the checks that follow join these rows, and a planner that believes the
  // table is still empty picks nested loops that take minutes on a large round.
  const stored = rows[0]?.stored ?? 0;
  // Of the columns those checks filter, join and group on: the others' statistics wait for autovacuum.
  if (stored >= 5_000) await tx.query('ANALYZE dtm_figure (operation_id, round_id, import_id, location_id, population_group, source_row, admin2_pcode)');
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
  // One pass over both rounds' figures grouped by location and group, not a join: a small import is
  // not analysed, so its round and the previous one look empty to the planner, which then compared
  // each figure with every figure of the previous round (3,638 × 3,638 rows, 2 s on the demo; 200 ms
  // per import in the load test). A grouping costs the same whatever the statistics say.
  const rows = await tx.query<{ id: number }>(
    `WITH pairs AS (
       SELECT location_id,
              max(id) FILTER (WHERE round_id = $2 AND import_id = $8) AS figure_id,
              max(source_row) FILTER (WHERE round_id = $2 AND import_id = $8) AS source_row,
              max(individuals) FILTER (WHERE round_id = $2 AND import_id = $8) AS current,
              max(individuals) FILTER (WHERE round_id = $3) AS previous
         FROM dtm_figure
        WHERE operation_id = $1 AND round_id IN ($2, $3)
        GROUP BY location_id, population_group)
     INSERT INTO dtm_issue (operation_id, round_id, import_id, source_row, column_name, value, rule, severity, params, location_id, figure_id)
     SELECT $1, $2, $8, source_row, $7, current::text, 'changeVsPrevious', 'warning',
            jsonb_build_object('previous', previous, 'current', current, 'previousRound', $4::int,
              'change', CASE WHEN previous = 0 THEN 'new' ELSE to_char(100.0 * (current - previous) / previous, 'SG990') || ' %' END),
            location_id, figure_id
       FROM pairs
      WHERE figure_id IS NOT NULL
        AND abs(current - previous) > $6
        AND abs(current - previous) * 100.0 > $5 * previous
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
  /** The submission of the row, for a round made from a bound collection form. */
  source_instance_id: string | null;
  source_submission_id: number | null;
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
            l.code AS location_code, l.name AS location_name, i.figure_id, i.status, i.decided_by, i.decided_at, i.comment,
            src.instance_id AS source_instance_id, src.submission_id::int AS source_submission_id
       FROM dtm_issue i LEFT JOIN dtm_location l ON l.operation_id = i.operation_id AND l.id = i.location_id
       LEFT JOIN dtm_import imp ON imp.operation_id = i.operation_id AND imp.id = i.import_id
       LEFT JOIN dtm_upload_source src ON src.upload_id = imp.upload_id AND src.source_row = i.source_row
      WHERE ${where}
      ORDER BY (i.status = 'open') DESC, i.severity, i.source_row NULLS LAST, i.id
      LIMIT $${params.push(filters.limit)} OFFSET $${params.push(filters.offset)}`,
    params,
  );
  return { total: count?.total ?? 0, issues };
}

export async function issueById(db: Queryable, round: RoundRow, id: number): Promise<IssueRow | undefined> {
  const [row] = await db.query<IssueRow>(
    `SELECT i.*, NULL AS location_code, NULL AS location_name, NULL AS source_instance_id, NULL AS source_submission_id FROM dtm_issue i WHERE i.operation_id = $1 AND i.round_id = $2 AND i.id = $3 FOR UPDATE`,
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
