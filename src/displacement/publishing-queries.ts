/**
 * SQL of the published displacement outputs: the DTM-API-compatible and HDX-HAPI-compatible
 * endpoints and the native exports (CSV/XLSX/GeoJSON). Everything reads dtm_summary (totals per
 * round, admin2, group, reason and origin), never the figures table.
 *
 * Rules (DESIGN §5): a row is always about one round and one assessment type: BA and SA are never
 * added, rounds are never summed. Public statements take published rounds only. Every filter is a
 * bound parameter (`$n::type IS NULL OR …`), so the statements are fixed text; the only pieces
 * chosen in code are column names picked from the admin level (never from user input).
 */
import type { Queryable } from '../core/db.js';
import { MEASURES, type Measure } from './aggregate-queries.js';
import type { PopulationGroup } from '../shared/displacement.js';
import type { RoundRow } from './queries.js';

export type AdminLevel = 0 | 1 | 2;

/**
 * CTE `names` (pcode, at, name, name_key): the gazetteer name of each (pcode, at) pair of a CTE
 * `keys` as it was on that date: the version valid then; else the first version after it (a round
 * may predate the gazetteer's first version, as the import's checks allow); else the last one
 * before it. Joined back on equality (hashable), so no plan depends on a nested loop per row.
 */
const NAMES_AT = `names AS (
  SELECT DISTINCT ON (k.pcode, k.at) k.pcode, k.at, u.name, u.name_key
    FROM keys k JOIN admin_unit u ON u.pcode = k.pcode
   ORDER BY k.pcode, k.at, (u.valid_from <= k.at AND (u.valid_to IS NULL OR u.valid_to > k.at)) DESC,
            CASE WHEN u.valid_from > k.at THEN u.valid_from END ASC NULLS LAST, u.valid_from DESC)`;

/** Joins the name of `pcode` on `date` (SQL expressions of the statement) as `alias`.name. */
const nameOf = (alias: string, pcode: string, date: string): string => `LEFT JOIN names ${alias} ON ${alias}.pcode = ${pcode} AND ${alias}.at = ${date}`;

const PUBLISHED_IDP = `EXISTS (SELECT 1 FROM dtm_round r JOIN dtm_summary s ON s.operation_id = r.operation_id AND s.round_id = r.id
                               WHERE r.operation_id = o.id AND r.status = 'published' AND s.population_group = 'idp')`;

// ---- lists ----------------------------------------------------------------------------------------

export interface PublishedOperationRow {
  code: string;
  name: string;
  country: string;
}

/** Operations with at least one published round of IDP figures, by name. */
export async function publishedOperations(db: Queryable): Promise<PublishedOperationRow[]> {
  return db.query<PublishedOperationRow>(`SELECT o.code, o.name, o.country FROM dtm_operation o WHERE ${PUBLISHED_IDP} ORDER BY o.name`);
}

// ---- DTM API v3 ----------------------------------------------------------------------------------

export interface DtmFilters {
  /** ISO2 countries to keep; null keeps all (an empty list keeps none). */
  countries: string[] | null;
  /** Operation name or code, lower case; null keeps all. */
  operation: string | null;
  admin1Pcode: string | null;
  /** Folded name (geo/names.ts nameKey). */
  admin1NameKey: string | null;
  admin2Pcode: string | null;
  admin2NameKey: string | null;
  fromDate: string | null;
  toDate: string | null;
  fromRound: number | null;
  toRound: number | null;
}

export interface DtmDisplacementRow {
  operation_id: number;
  operation: string;
  country: string;
  round_id: number;
  number: number;
  assessment_type: 'BA' | 'SA';
  reference_date: string;
  admin1_pcode: string | null;
  admin1_name: string | null;
  admin2_pcode: string | null;
  admin2_name: string | null;
  reason: string;
  /** '' when the origin was not reported. */
  origin_admin1_pcode: string;
  origin_admin1_name: string | null;
  individuals: number;
  females: number;
  males: number;
}

/**
 * IDP figures of published rounds at the grain of the DTM API: one row per operation, round,
 * assessment type, admin unit of the level, displacement reason and origin region. Levels 0 and 1
 * add up the admin2 totals of the same round (never across rounds or assessment types).
 */
export async function dtmDisplacement(db: Queryable, level: AdminLevel, filters: DtmFilters): Promise<DtmDisplacementRow[]> {
  const admin1 = level >= 1 ? 's.admin1_pcode' : 'NULL::text';
  const admin2 = level === 2 ? 's.admin2_pcode' : 'NULL::text';
  return db.query<DtmDisplacementRow>(
    `WITH grouped AS (
       SELECT o.id AS operation_id, o.name AS operation, o.country, r.id AS round_id, r.number, r.assessment_type, r.reference_date,
              ${admin1} AS admin1_pcode, ${admin2} AS admin2_pcode, s.reason, s.origin_admin1_pcode,
              sum(s.individuals)::bigint AS individuals, sum(s.females)::bigint AS females, sum(s.males)::bigint AS males
         FROM dtm_summary s
         JOIN dtm_round r ON r.operation_id = s.operation_id AND r.id = s.round_id
         JOIN dtm_operation o ON o.id = s.operation_id
        WHERE r.status = 'published' AND s.population_group = 'idp'
          AND ($1::text[] IS NULL OR o.country = ANY($1::text[]))
          AND ($2::text IS NULL OR lower(o.name) = $2::text OR lower(o.code) = $2::text)
          AND ($3::text IS NULL OR s.admin1_pcode = $3::text)
          AND ($4::text IS NULL OR s.admin2_pcode = $4::text)
          AND ($5::date IS NULL OR r.reference_date >= $5::date)
          AND ($6::date IS NULL OR r.reference_date <= $6::date)
          AND ($7::int IS NULL OR r.number >= $7::int)
          AND ($8::int IS NULL OR r.number <= $8::int)
        GROUP BY o.id, o.name, o.country, r.id, r.number, r.assessment_type, r.reference_date, 8, 9, s.reason, s.origin_admin1_pcode),
     keys AS (
       SELECT admin1_pcode AS pcode, reference_date AS at FROM grouped WHERE admin1_pcode IS NOT NULL
       UNION SELECT admin2_pcode, reference_date FROM grouped WHERE admin2_pcode IS NOT NULL
       UNION SELECT origin_admin1_pcode, reference_date FROM grouped WHERE origin_admin1_pcode <> ''),
     ${NAMES_AT}
     SELECT g.operation_id, g.operation, g.country, g.round_id, g.number, g.assessment_type, g.reference_date,
            g.admin1_pcode, a1.name AS admin1_name, g.admin2_pcode, a2.name AS admin2_name,
            g.reason, g.origin_admin1_pcode, og.name AS origin_admin1_name, g.individuals, g.females, g.males
       FROM grouped g
       ${nameOf('a1', 'g.admin1_pcode', 'g.reference_date')}
       ${nameOf('a2', 'g.admin2_pcode', 'g.reference_date')}
       ${nameOf('og', 'g.origin_admin1_pcode', 'g.reference_date')}
      WHERE ($9::text IS NULL OR a1.name_key = $9::text)
        AND ($10::text IS NULL OR a2.name_key = $10::text)
      ORDER BY g.operation, g.operation_id, g.reference_date, g.number, g.assessment_type, g.admin1_pcode NULLS FIRST, g.admin2_pcode NULLS FIRST,
               g.reason, g.origin_admin1_pcode`,
    [
      filters.countries,
      filters.operation,
      filters.admin1Pcode,
      filters.admin2Pcode,
      filters.fromDate,
      filters.toDate,
      filters.fromRound,
      filters.toRound,
      filters.admin1NameKey,
      filters.admin2NameKey,
    ],
  );
}

// ---- HDX HAPI v2 ---------------------------------------------------------------------------------

export interface HapiIdpFilters {
  countries: string[] | null;
  operation: string | null;
  admin1Pcode: string | null;
  admin2Pcode: string | null;
  assessmentType: 'BA' | 'SA' | null;
  round: number | null;
}

export interface HapiIdpRow {
  operation: string;
  country: string;
  number: number;
  assessment_type: 'BA' | 'SA';
  reference_date: string;
  collection_start: string | null;
  collection_end: string | null;
  admin1_pcode: string;
  admin1_name: string | null;
  admin2_pcode: string | null;
  admin2_name: string | null;
  population: number;
}

/**
 * IDPs per admin1 or admin2 of each published round (one row per operation, round, assessment
 * type and unit), in a total order so that limit/offset pages neither overlap nor skip.
 */
export async function hapiIdps(db: Queryable, level: 1 | 2, filters: HapiIdpFilters, limit: number, offset: number): Promise<HapiIdpRow[]> {
  const admin2 = level === 2 ? 's.admin2_pcode' : 'NULL::text';
  return db.query<HapiIdpRow>(
    `WITH page AS (
       SELECT o.id AS operation_id, o.name AS operation, o.country, r.number, r.assessment_type, r.reference_date, r.collection_start, r.collection_end,
              s.admin1_pcode, ${admin2} AS admin2_pcode, sum(s.individuals)::bigint AS population
         FROM dtm_summary s
         JOIN dtm_round r ON r.operation_id = s.operation_id AND r.id = s.round_id
         JOIN dtm_operation o ON o.id = s.operation_id
        WHERE r.status = 'published' AND s.population_group = 'idp'
          AND ($1::text[] IS NULL OR o.country = ANY($1::text[]))
          AND ($2::text IS NULL OR lower(o.name) = $2::text OR lower(o.code) = $2::text)
          AND ($3::text IS NULL OR s.admin1_pcode = $3::text)
          AND ($4::text IS NULL OR s.admin2_pcode = $4::text)
          AND ($5::text IS NULL OR r.assessment_type = $5::text)
          AND ($6::int IS NULL OR r.number = $6::int)
        GROUP BY o.id, o.name, o.country, r.id, r.number, r.assessment_type, r.reference_date, r.collection_start, r.collection_end, s.admin1_pcode, 10
        ORDER BY o.name, o.id, r.number, r.assessment_type, s.admin1_pcode, 10 NULLS FIRST
        LIMIT $7 OFFSET $8),
     keys AS (
       SELECT admin1_pcode AS pcode, reference_date AS at FROM page
       UNION SELECT admin2_pcode, reference_date FROM page WHERE admin2_pcode IS NOT NULL),
     ${NAMES_AT}
     SELECT p.operation, p.country, p.number, p.assessment_type, p.reference_date, p.collection_start, p.collection_end,
            p.admin1_pcode, a1.name AS admin1_name, p.admin2_pcode, a2.name AS admin2_name, p.population
       FROM page p
       ${nameOf('a1', 'p.admin1_pcode', 'p.reference_date')}
       ${nameOf('a2', 'p.admin2_pcode', 'p.reference_date')}
      ORDER BY p.operation, p.operation_id, p.number, p.assessment_type, p.admin1_pcode, p.admin2_pcode NULLS FIRST`,
    [filters.countries, filters.operation, filters.admin1Pcode, filters.admin2Pcode, filters.assessmentType, filters.round, limit, offset],
  );
}

// ---- native exports ------------------------------------------------------------------------------

export type UnitTotalsRow = Record<Measure, number> & {
  admin1_pcode: string;
  admin1_name: string | null;
  /** null at admin level 1. */
  admin2_pcode: string | null;
  admin2_name: string | null;
  locations: number;
};

const SUMS = MEASURES.map((measure) => `sum(s.${measure})::bigint AS ${measure}`).join(', ');
const MEASURE_LIST = MEASURES.map((measure) => `t.${measure}`).join(', ');

/** Every measure per admin1 or admin2 of one round and population group, by P-code. */
export async function unitTotals(db: Queryable, round: RoundRow, group: PopulationGroup, level: 1 | 2): Promise<UnitTotalsRow[]> {
  const admin2 = level === 2 ? 's.admin2_pcode' : 'NULL::text';
  return db.query<UnitTotalsRow>(
    `WITH totals AS (
       SELECT s.admin1_pcode, ${admin2} AS admin2_pcode, ${SUMS}, sum(s.locations)::int AS locations
         FROM dtm_summary s
        WHERE s.operation_id = $1 AND s.round_id = $2 AND s.population_group = $3
        GROUP BY s.admin1_pcode, 2),
     keys AS (
       SELECT admin1_pcode AS pcode, $4::date AS at FROM totals
       UNION SELECT admin2_pcode, $4::date FROM totals WHERE admin2_pcode IS NOT NULL),
     ${NAMES_AT}
     SELECT t.admin1_pcode, a1.name AS admin1_name, t.admin2_pcode, a2.name AS admin2_name, ${MEASURE_LIST}, t.locations
       FROM totals t
       ${nameOf('a1', 't.admin1_pcode', '$4::date')}
       ${nameOf('a2', 't.admin2_pcode', '$4::date')}
      ORDER BY t.admin1_pcode, t.admin2_pcode NULLS FIRST`,
    [round.operation_id, round.id, group, round.reference_date],
  );
}

/**
 * The date whose gazetteer version a map of a round uses: the round's own date when a version of
 * the level is valid then, else the first version's start (as the import checks a round that
 * predates the gazetteer). Null when the country has no unit of that level.
 */
export async function geographyDate(db: Queryable, country: string, level: number, asOf: string): Promise<string | null> {
  const [row] = await db.query<{ at: string | null }>(
    `SELECT CASE WHEN bool_or(valid_from <= $3::date AND (valid_to IS NULL OR valid_to > $3::date)) THEN $3::date ELSE min(valid_from) END AS at
       FROM admin_unit WHERE country = $1 AND level = $2`,
    [country, level, asOf],
  );
  return row?.at ?? null;
}
