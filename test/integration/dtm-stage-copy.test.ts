/**
 * The import's staging written with COPY (a database of its own) stores exactly what the unnest
 * of a session stores, awkward text included: tabs, line breaks, backslashes, quotes, NULLs,
 * accents, floats. The other DTM tests run in rolled-back sessions, where staging takes the unnest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteDatabase, PostgresDatabase, type Database } from '../../src/core/db.js';
import { migrate } from '../../src/core/migrate.js';
import { stageFigures } from '../../src/displacement/staging-queries.js';
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

const stored = (db: Database, jobId: number): Promise<unknown[]> =>
  db.query(`SELECT * FROM dtm_figure_stage WHERE job_id = $1 ORDER BY source_row`, [jobId]).then((rows) => rows.map((row) => ({ ...row, job_id: 0 })));

describe.each(databaseKinds)('DTM staging with COPY on %s', (kind) => {
  let db: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openEmptyDatabase(kind));
    await migrate(db);
  });
  afterAll(async () => dispose());

  it('stores what the unnest stores', async () => {
    expect(db instanceof PgliteDatabase || db instanceof PostgresDatabase).toBe(true);
    await stageFigures(db, 101, FIGURES);
    // A transaction's session has no COPY: the same figures go through the unnest.
    await db.transaction((tx) => stageFigures(tx, 102, FIGURES));
    const copied = await stored(db, 101);
    expect(copied).toHaveLength(FIGURES.length);
    expect(copied).toEqual(await stored(db, 102));
    expect(copied.map((row) => (row as { location_name: string }).location_name)).toEqual(FIGURES.map((one) => one.locationName));
  });
});
