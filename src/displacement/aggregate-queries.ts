/**
 * SQL of the displacement aggregates. Everything reads dtm_summary (totals per round, admin2,
 * group, reason and origin) except the location drill-down, which reads figures by index.
 * No statement ever adds BA to SA or one round to another: each takes one assessment type and
 * one round, or returns one row per round.
 */
import type { Queryable } from '../core/db.js';
import type { PopulationGroup } from '../shared/displacement.js';
import type { RoundRow } from './queries.js';

export const MEASURES = ['households', 'individuals', 'females', 'males', 'f1', 'f2', 'f3', 'f4', 'f5', 'm1', 'm2', 'm3', 'm4', 'm5'] as const;
export type Measure = (typeof MEASURES)[number];
export type Totals = Record<Measure, number> & { locations: number };

const SUMS = MEASURES.map((measure) => `COALESCE(sum(s.${measure}), 0)::bigint AS ${measure}`).join(', ');

/** Latest name and parent of each P-code of a country (names change less often than versions). */
const NAMES = `names AS (
  SELECT DISTINCT ON (u.pcode) u.id, u.pcode, u.name, u.parent_pcode FROM admin_unit u WHERE u.country = $1 ORDER BY u.pcode, u.valid_from DESC)`;

export async function roundTotals(db: Queryable, round: RoundRow, group: PopulationGroup): Promise<Totals> {
  const [row] = await db.query<Totals>(
    `SELECT ${SUMS}, COALESCE(sum(s.locations), 0)::int AS locations FROM dtm_summary s
      WHERE s.operation_id = $1 AND s.round_id = $2 AND s.population_group = $3`,
    [round.operation_id, round.id, group],
  );
  return row!;
}

export async function groupTotals(db: Queryable, round: RoundRow): Promise<Array<{ population_group: string; individuals: number; households: number }>> {
  return db.query(
    `SELECT s.population_group, sum(s.individuals)::bigint AS individuals, sum(s.households)::bigint AS households FROM dtm_summary s
      WHERE s.operation_id = $1 AND s.round_id = $2 GROUP BY s.population_group ORDER BY s.population_group`,
    [round.operation_id, round.id],
  );
}

export interface AdminTotalsRow {
  pcode: string;
  name: string | null;
  parent_pcode: string | null;
  individuals: number;
  households: number;
  females: number;
  males: number;
  locations: number;
  population: number | null;
}

/** Totals per admin1 or admin2 of one round, optionally under one admin1. */
export async function adminTotals(
  db: Queryable,
  country: string,
  round: RoundRow,
  group: PopulationGroup,
  level: 1 | 2,
  parent: string | null,
): Promise<AdminTotalsRow[]> {
  const column = level === 1 ? 's.admin1_pcode' : 's.admin2_pcode';
  const params: unknown[] = [country, round.operation_id, round.id, group];
  const under = parent === null ? '' : ` AND s.admin1_pcode = $${params.push(parent)}`;
  return db.query<AdminTotalsRow>(
    `WITH ${NAMES},
     totals AS (
       SELECT ${column} AS pcode, sum(s.individuals)::bigint AS individuals, sum(s.households)::bigint AS households,
              sum(s.females)::bigint AS females, sum(s.males)::bigint AS males, sum(s.locations)::int AS locations
         FROM dtm_summary s WHERE s.operation_id = $2 AND s.round_id = $3 AND s.population_group = $4${under}
        GROUP BY ${column})
     SELECT t.pcode, n.name, n.parent_pcode, t.individuals, t.households, t.females, t.males, t.locations,
            (SELECT p.total FROM admin_unit_population p WHERE p.unit_id = n.id ORDER BY p.year DESC LIMIT 1) AS population
       FROM totals t LEFT JOIN names n ON n.pcode = t.pcode
      ORDER BY t.individuals DESC, t.pcode`,
    params,
  );
}

/** Individuals per admin unit in another round (for change against the previous round). */
export async function adminIndividuals(db: Queryable, round: RoundRow, group: PopulationGroup, level: 1 | 2): Promise<Map<string, number>> {
  const column = level === 1 ? 'admin1_pcode' : 'admin2_pcode';
  const rows = await db.query<{ pcode: string; individuals: number }>(
    `SELECT ${column} AS pcode, sum(individuals)::bigint AS individuals FROM dtm_summary
      WHERE operation_id = $1 AND round_id = $2 AND population_group = $3 GROUP BY ${column}`,
    [round.operation_id, round.id, group],
  );
  return new Map(rows.map((row) => [row.pcode, Number(row.individuals)]));
}

export interface TrendRow {
  round_id: number;
  number: number;
  reference_date: string;
  status: string;
  individuals: number;
  households: number;
  locations: number;
}

/** One row per round of one assessment type: a trend, never a sum across rounds. */
export async function trend(db: Queryable, operationId: number, type: 'BA' | 'SA', group: PopulationGroup, includeDrafts: boolean): Promise<TrendRow[]> {
  return db.query<TrendRow>(
    `SELECT r.id AS round_id, r.number, r.reference_date, r.status,
            COALESCE(sum(s.individuals), 0)::bigint AS individuals, COALESCE(sum(s.households), 0)::bigint AS households,
            COALESCE(sum(s.locations), 0)::int AS locations
       FROM dtm_round r JOIN dtm_summary s ON s.operation_id = r.operation_id AND s.round_id = r.id AND s.population_group = $3
      WHERE r.operation_id = $1 AND r.assessment_type = $2 ${includeDrafts ? '' : "AND r.status = 'published'"}
      GROUP BY r.id, r.number, r.reference_date, r.status
      ORDER BY r.number`,
    [operationId, type, group],
  );
}

export async function reasons(db: Queryable, round: RoundRow, group: PopulationGroup): Promise<Array<{ reason: string; individuals: number }>> {
  return db.query(
    `SELECT reason, sum(individuals)::bigint AS individuals FROM dtm_summary
      WHERE operation_id = $1 AND round_id = $2 AND population_group = $3 GROUP BY reason ORDER BY 2 DESC`,
    [round.operation_id, round.id, group],
  );
}

export async function origins(db: Queryable, country: string, round: RoundRow, group: PopulationGroup): Promise<Array<{ pcode: string; name: string | null; individuals: number }>> {
  return db.query(
    `WITH ${NAMES}
     SELECT s.origin_admin1_pcode AS pcode, n.name, sum(s.individuals)::bigint AS individuals
       FROM dtm_summary s LEFT JOIN names n ON n.pcode = s.origin_admin1_pcode
      WHERE s.operation_id = $2 AND s.round_id = $3 AND s.population_group = $4
      GROUP BY s.origin_admin1_pcode, n.name ORDER BY 3 DESC`,
    [country, round.operation_id, round.id, group],
  );
}

export interface CurrentRow {
  pcode: string;
  name: string | null;
  round_id: number;
  number: number;
  reference_date: string;
  individuals: number;
  households: number;
}

/**
 * The current figure per admin unit: each unit's figure in the latest published round that
 * covers it (a round may not cover every unit). One assessment type at a time.
 */
export async function currentByAdmin(db: Queryable, country: string, operationId: number, type: 'BA' | 'SA', group: PopulationGroup, level: 1 | 2): Promise<CurrentRow[]> {
  const column = level === 1 ? 's.admin1_pcode' : 's.admin2_pcode';
  return db.query<CurrentRow>(
    `WITH ${NAMES},
     per_round AS (
       SELECT ${column} AS pcode, r.id AS round_id, r.number, r.reference_date,
              sum(s.individuals)::bigint AS individuals, sum(s.households)::bigint AS households
         FROM dtm_summary s JOIN dtm_round r ON r.operation_id = s.operation_id AND r.id = s.round_id
        WHERE s.operation_id = $2 AND r.assessment_type = $3 AND r.status = 'published' AND s.population_group = $4
        GROUP BY ${column}, r.id, r.number, r.reference_date),
     latest AS (SELECT DISTINCT ON (pcode) * FROM per_round ORDER BY pcode, number DESC)
     SELECT l.pcode, n.name, l.round_id, l.number, l.reference_date, l.individuals, l.households
       FROM latest l LEFT JOIN names n ON n.pcode = l.pcode ORDER BY l.individuals DESC`,
    [country, operationId, type, group],
  );
}

export interface LocationFigureRow {
  location_id: number;
  code: string;
  name: string;
  location_type: string;
  settlement_type: string | null;
  latitude: number | null;
  longitude: number | null;
  admin2_pcode: string;
  individuals: number;
  households: number | null;
  females: number | null;
  males: number | null;
  reason: string;
  origin_admin1_pcode: string | null;
  source_row: number;
  /** The submission the figure came from, for a round made from a bound collection form. */
  source_instance_id: string | null;
}

export async function locationsOfRound(
  db: Queryable,
  round: RoundRow,
  group: PopulationGroup,
  admin2: string | null,
  limit: number,
  offset: number,
): Promise<{ total: number; rows: LocationFigureRow[] }> {
  const params: unknown[] = [round.operation_id, round.id, group];
  const inAdmin2 = admin2 === null ? '' : ` AND admin2_pcode = $${params.push(admin2)}`;
  // The total comes from the summary (one figure per location and group): counting the figures
  // themselves would read all of them for every page.
  const [count] = await db.query<{ total: number }>(
    `SELECT COALESCE(sum(locations), 0)::int AS total FROM dtm_summary WHERE operation_id = $1 AND round_id = $2 AND population_group = $3${inAdmin2}`,
    params,
  );
  // Largest first, in the order of dtm_figure_drilldown_idx, so a page is read without a sort.
  const rows = await db.query<LocationFigureRow>(
    `SELECT f.location_id, l.code, l.name, l.location_type, l.settlement_type, l.latitude, l.longitude, f.admin2_pcode,
            f.individuals, f.households, f.females, f.males, f.reason, f.origin_admin1_pcode, f.source_row, src.instance_id AS source_instance_id
       FROM (SELECT * FROM dtm_figure WHERE operation_id = $1 AND round_id = $2 AND population_group = $3${inAdmin2}
              ORDER BY individuals DESC, location_id
              LIMIT $${params.push(limit)} OFFSET $${params.push(offset)}) f
       JOIN dtm_location l ON l.operation_id = f.operation_id AND l.id = f.location_id
       LEFT JOIN dtm_import i ON i.operation_id = f.operation_id AND i.id = f.import_id
       LEFT JOIN dtm_upload_source src ON src.upload_id = i.upload_id AND src.source_row = f.source_row
      ORDER BY f.individuals DESC, f.location_id`,
    params,
  );
  return { total: count?.total ?? 0, rows };
}

export interface OperationOverviewRow {
  operation_id: number;
  rounds: number;
  published: number;
  latest_published_id: number | null;
}

export async function operationOverview(db: Queryable): Promise<OperationOverviewRow[]> {
  return db.query<OperationOverviewRow>(
    `SELECT o.id AS operation_id, count(r.id)::int AS rounds, count(r.id) FILTER (WHERE r.status = 'published')::int AS published,
            (SELECT r2.id FROM dtm_round r2 WHERE r2.operation_id = o.id AND r2.status = 'published' ORDER BY r2.reference_date DESC, r2.number DESC LIMIT 1) AS latest_published_id
       FROM dtm_operation o LEFT JOIN dtm_round r ON r.operation_id = o.id GROUP BY o.id`,
  );
}
