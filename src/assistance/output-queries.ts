/**
 * The SQL of the assistance outputs: counts of households and people reached (a receipt), never a
 * row per person. People are the consenting members of a household that received; a member or a
 * household whose consent is withdrawn is no longer counted.
 */
import type { Queryable } from '../core/db.js';
import { CONSENTING, IN_SCOPE, scopeParams, type RegistryScope } from './queries.js';

export interface OutputFilter {
  country?: string | undefined;
  /** Receipts from this day (YYYY-MM-DD), inclusive. */
  from?: string | undefined;
  /** Receipts up to this day, inclusive. */
  to?: string | undefined;
}

/** The sector (HAPI sector code) of each assistance type; types not listed count under "other". */
export const TYPE_SECTORS: Readonly<Record<string, string>> = {
  'nfi-kit': 'SHL',
  'shelter-kit': 'SHL',
  'wash-kit': 'WSH',
  'cash-transfer': 'MPC',
  'livelihood-grant': 'ERY',
};

const sectorCase = (column: string): string =>
  `CASE ${column} ${Object.entries(TYPE_SECTORS)
    .map(([type, sector]) => `WHEN '${type}' THEN '${sector}'`)
    .join(' ')} ELSE 'other' END`;

/** Every (household, member) reached in the scope and period, with what the outputs group by. */
const REACHED = `
  WITH reached AS (
    SELECT r.household_id, d.assistance_type, ${sectorCase('d.assistance_type')} AS sector, d.contribution_id, d.admin2_pcode,
           extract(year FROM r.received_at AT TIME ZONE 'UTC')::int AS year
      FROM assistance_receipt r
      JOIN assistance_distribution d ON d.id = r.distribution_id
     WHERE ${IN_SCOPE('d', 1)}
       AND ($4::text IS NULL OR d.country = $4)
       AND ($5::date IS NULL OR r.received_at >= $5::date)
       AND ($6::date IS NULL OR r.received_at < $6::date + 1)
  ), people AS (
    SELECT re.*, m.id AS member_id, m.sex, m.birth_year
      FROM reached re JOIN assistance_member m ON m.household_id = re.household_id AND ${CONSENTING('m')}
  )`;

const params = (scope: RegistryScope, filter: OutputFilter): unknown[] => [...scopeParams(scope), filter.country ?? null, filter.from ?? null, filter.to ?? null];

export interface CountRow {
  key: string | null;
  households: number;
  people: number;
}

export type Dimension = 'admin2' | 'sector' | 'type' | 'contribution';

const DIMENSIONS: Record<Dimension, string> = {
  admin2: 'admin2_pcode',
  sector: 'sector',
  type: 'assistance_type',
  contribution: 'contribution_id::text',
};

/** Households and people reached per value of one dimension. */
export async function countsBy(db: Queryable, scope: RegistryScope, filter: OutputFilter, dimension: Dimension): Promise<CountRow[]> {
  return db.query<CountRow>(
    `${REACHED}
     SELECT ${DIMENSIONS[dimension]} AS key, count(DISTINCT household_id)::int AS households, count(DISTINCT member_id)::int AS people
       FROM people GROUP BY 1 ORDER BY 1 NULLS LAST`,
    params(scope, filter),
  );
}

/** Households and people reached at all (each once, whatever they received). */
export async function countTotal(db: Queryable, scope: RegistryScope, filter: OutputFilter): Promise<{ households: number; people: number }> {
  const [row] = await db.query<{ households: number; people: number }>(
    `${REACHED} SELECT count(DISTINCT household_id)::int AS households, count(DISTINCT member_id)::int AS people FROM people`,
    params(scope, filter),
  );
  return row!;
}

export interface SexAgeRow {
  sex: 'f' | 'm';
  /** Age at the first receipt; null without a birth year. */
  age: number | null;
  people: number;
}

/** People reached by sex and age (age at their first receipt in the period). */
export async function peopleBySexAge(db: Queryable, scope: RegistryScope, filter: OutputFilter): Promise<SexAgeRow[]> {
  return db.query<SexAgeRow>(
    `${REACHED}
     , persons AS (SELECT member_id, sex, min(year) - birth_year AS age FROM people GROUP BY member_id, sex, birth_year)
     SELECT sex, age::int AS age, count(*)::int AS people FROM persons GROUP BY sex, age ORDER BY sex, age`,
    params(scope, filter),
  );
}

export interface ContributionName {
  id: number;
  donor: string;
  plan: string;
  currency: string;
  amount: number;
}

/** The donors of the contributions the outputs name (no amounts per person, only the contribution's own). */
export async function contributionNames(db: Queryable, ids: readonly number[]): Promise<ContributionName[]> {
  if (ids.length === 0) return [];
  return db.query<ContributionName>(
    `SELECT c.id::int AS id, c.donor, p.code AS plan, c.currency, c.amount_original::float8 AS amount
       FROM contribution c JOIN plan p ON p.id = c.plan_id WHERE c.id = ANY($1::bigint[])`,
    [ids],
  );
}

/** Names of admin2 units (the current version of each). */
export async function admin2Names(db: Queryable, pcodes: readonly string[]): Promise<Array<{ pcode: string; name: string }>> {
  if (pcodes.length === 0) return [];
  return db.query<{ pcode: string; name: string }>(
    `SELECT DISTINCT ON (pcode) pcode, name FROM admin_unit WHERE pcode = ANY($1::text[]) ORDER BY pcode, valid_from DESC`,
    [pcodes],
  );
}
