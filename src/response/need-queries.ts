/** SQL of people-in-need caseloads (migrations/0018): imports and their rows. */
import type { Queryable } from '../core/db.js';

export interface NeedValues {
  level: 0 | 1 | 2;
  admin1: string | null;
  admin2: string | null;
  sector: string | null;
  providerSector: string;
  sex: 'all' | 'f' | 'm';
  age: string;
  group: string;
  population: number | null;
  inNeed: number | null;
  targeted: number | null;
  affected: number | null;
  reached: number | null;
  row: number;
}

export async function needImportBySha(db: Queryable, country: string, year: number, sha256: string): Promise<{ id: number; rows_stored: number } | undefined> {
  const [row] = await db.query<{ id: number; rows_stored: number }>('SELECT id::int AS id, rows_stored FROM response_need_import WHERE country = $1 AND year = $2 AND sha256 = $3', [country, year, sha256]);
  return row;
}

/** Replaces the caseloads of a country and year by those of a new import (the earlier imports stay listed). */
export async function replaceNeeds(
  db: Queryable,
  target: { country: string; year: number; sha256: string; fileName: string; by: string },
  needs: readonly NeedValues[],
): Promise<number> {
  await db.query('DELETE FROM response_need WHERE country = $1 AND year = $2', [target.country, target.year]);
  const [created] = await db.query<{ id: number }>(
    'INSERT INTO response_need_import (country, year, sha256, file_name, rows_stored, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::int AS id',
    [target.country, target.year, target.sha256, target.fileName, needs.length, target.by],
  );
  const importId = created!.id;
  for (let start = 0; start < needs.length; start += 2_000) {
    const batch = needs.slice(start, start + 2_000);
    const column = <K extends keyof NeedValues>(key: K): Array<NeedValues[K]> => batch.map((need) => need[key]);
    await db.query(
      `INSERT INTO response_need (import_id, country, year, admin_level, admin1_pcode, admin2_pcode, sector_code, provider_sector, sex, age_range,
                                  population_group, population, in_need, targeted, affected, reached, source_row)
       SELECT $1, $2, $3, * FROM unnest($4::smallint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
                                        $12::numeric[], $13::numeric[], $14::numeric[], $15::numeric[], $16::numeric[], $17::int[])`,
      [
        importId,
        target.country,
        target.year,
        column('level'),
        column('admin1'),
        column('admin2'),
        column('sector'),
        column('providerSector'),
        column('sex'),
        column('age'),
        column('group'),
        column('population'),
        column('inNeed'),
        column('targeted'),
        column('affected'),
        column('reached'),
        column('row'),
      ],
    );
  }
  return importId;
}

export interface NeedRow {
  admin_level: number;
  admin1_pcode: string | null;
  admin2_pcode: string | null;
  sector_code: string | null;
  population: string | null;
  in_need: string | null;
  targeted: string | null;
}

/** Whole-population totals (both sexes, all ages, all groups) of a country and year, at one level and place. */
export async function needTotals(db: Queryable, filter: { country: string; year: number; level: number; admin1: string | null; admin2: string | null }): Promise<NeedRow[]> {
  return db.query<NeedRow>(
    `SELECT admin_level, admin1_pcode, admin2_pcode, sector_code, population::text, in_need::text, targeted::text
       FROM response_need
      WHERE country = $1 AND year = $2 AND admin_level = $3 AND sex = 'all' AND upper(age_range) = 'ALL' AND upper(population_group) = 'ALL'
        AND ($4::text IS NULL OR admin1_pcode = $4) AND ($5::text IS NULL OR admin2_pcode = $5)
      ORDER BY admin1_pcode NULLS FIRST, admin2_pcode NULLS FIRST, sector_code NULLS FIRST`,
    [filter.country, filter.year, filter.level, filter.admin1, filter.admin2],
  );
}

export async function needYears(db: Queryable, country: string): Promise<number[]> {
  return (await db.query<{ year: number }>('SELECT DISTINCT year FROM response_need WHERE country = $1 ORDER BY year', [country])).map((row) => row.year);
}

/** The year of needs to compare a month with: that year's HNO, else the latest one before it. */
export async function needYearFor(db: Queryable, country: string | null, year: number): Promise<number | null> {
  const [row] = await db.query<{ year: number | null }>('SELECT max(year) AS year FROM response_need WHERE ($1::text IS NULL OR country = $1) AND year <= $2', [country, year]);
  return row?.year ?? null;
}

/** Sector people in need per admin2 (whole population), the HNO's figures as given. */
export async function admin2SectorNeeds(db: Queryable, country: string | null, year: number): Promise<Array<{ admin2: string; sector: string; in_need: string }>> {
  return db.query<{ admin2: string; sector: string; in_need: string }>(
    `SELECT admin2_pcode AS admin2, sector_code AS sector, in_need::text AS in_need FROM response_need
      WHERE ($1::text IS NULL OR country = $1) AND year = $2 AND admin_level = 2 AND sector_code IS NOT NULL AND in_need IS NOT NULL
        AND sex = 'all' AND upper(age_range) = 'ALL' AND upper(population_group) = 'ALL'`,
    [country, year],
  );
}
