/**
 * The import's staging written with COPY stores exactly what the same values bound as parameters
 * store, awkward text included: tabs, line breaks, backslashes, quotes, NULLs, accents, floats;
 * on a connection of the database and on a transaction's own connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteDatabase, PostgresDatabase, type Database, type Queryable } from '../../src/core/db.js';
import { migrate } from '../../src/core/migrate.js';
import { sharedStage, stageFigures } from '../../src/displacement/staging-queries.js';
import type { StagedFigure } from '../../src/displacement/validate.js';
import { databaseKinds, openEmptyDatabase } from '../support/harness.js';

function figure(sourceRow: number, name: string, extra: Partial<StagedFigure> = {}): StagedFigure {
  return {
    sourceRow,
    locationCode: `L-${sourceRow}`,
    locationName: name,
    locationType: 'site',
    settlementType: null,
    latitude: 13.341631,
    longitude: -10.38081,
    admin1Pcode: 'ML01',
    admin2Pcode: 'ML0101',
    admin3Pcode: null,
    populationGroup: 'idp',
    households: null,
    individuals: 213,
    females: 107,
    males: 106,
    bands: { f1: 21, f2: 37, f3: 41, f4: 8, f5: null, m1: 21, m2: 37, m3: 41, m4: 7, m5: null },
    ages: { a1: null, a2: null, a3: null, a4: null, a5: null },
    reason: 'insecurity',
    originAdmin1Pcode: null,
    originAdmin2Pcode: null,
    arrivalPeriod: '2018-Q4',
    assessedOn: '2021-06-21',
    ...extra,
  };
}

const FIGURES = [
  figure(2, 'Site de Ségou'),
  figure(3, 'tab\there'),
  figure(4, 'deux\nlignes\r\net CR\r'),
  figure(5, 'C:\\chemin\\N \\N'),
  figure(6, '"Pont "A"", l’école, œuvre €', { latitude: null, longitude: 1e-7, households: 0, arrivalPeriod: null, assessedOn: null }),
  figure(7, '\\', { settlementType: 'camp', admin3Pcode: 'ML010101' }),
];

const stored = (db: Queryable, jobId: number): Promise<unknown[]> =>
  db.query(`SELECT * FROM dtm_figure_stage WHERE job_id = $1 ORDER BY source_row`, [jobId]).then((rows) => rows.map((row) => ({ ...row, job_id: 0 })));

describe.each(databaseKinds)('DTM staging with COPY on %s', (kind) => {
  let db: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openEmptyDatabase(kind));
    await migrate(db);
  });
  afterAll(async () => dispose());

  it('stores what the values bound as parameters store, on the database and in a transaction', async () => {
    expect(db instanceof PgliteDatabase || db instanceof PostgresDatabase).toBe(true);
    await stageFigures(db, sharedStage(101), FIGURES);
    await db.transaction((tx) => stageFigures(tx, sharedStage(102), FIGURES));
    // The reference: each value bound as a parameter, no text format in between.
    for (const one of FIGURES) {
      await db.query(
        `INSERT INTO dtm_figure_stage (job_id, source_row, location_code, location_name, location_type, settlement_type, latitude, longitude, admin1_pcode, admin2_pcode,
           admin3_pcode, population_group, households, individuals, females, males, f1, f2, f3, f4, f5, m1, m2, m3, m4, m5, a1, a2, a3, a4, a5, reason,
           origin_admin1_pcode, origin_admin2_pcode, arrival_period, assessed_on)
         VALUES (103, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35)`,
        [one.sourceRow, one.locationCode, one.locationName, one.locationType, one.settlementType, one.latitude, one.longitude, one.admin1Pcode, one.admin2Pcode, one.admin3Pcode,
          one.populationGroup, one.households, one.individuals, one.females, one.males, ...Object.values(one.bands), ...Object.values(one.ages), one.reason,
          one.originAdmin1Pcode, one.originAdmin2Pcode, one.arrivalPeriod, one.assessedOn],
      );
    }
    const copied = await stored(db, 101);
    expect(copied).toHaveLength(FIGURES.length);
    expect(copied).toEqual(await stored(db, 103));
    expect(await stored(db, 102)).toEqual(copied);
    expect(copied.map((row) => (row as { location_name: string }).location_name)).toEqual(FIGURES.map((one) => one.locationName));
  });

  it('stages in a transaction: its rows go with its rollback', async () => {
    const inside = await db
      .transaction(async (tx) => {
        await stageFigures(tx, sharedStage(104), FIGURES);
        expect(await stored(tx, 104)).toHaveLength(FIGURES.length);
        throw new Error('rolled back');
      })
      .catch((error: unknown) => (error as Error).message);
    expect(inside).toBe('rolled back');
    expect(await stored(db, 104)).toEqual([]);
  });
});
