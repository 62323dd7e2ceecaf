/**
 * The "coordinates outside the admin unit" check of DTM imports, on the real COD cercles of Mali
 * (../shared/data). Skipped, naming the file, when the shared folder is absent.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/harness.js';
import { csvOf, EN_HEADERS, importRound, seedMali, siteRow } from '../support/dtm.js';
import { hasFixture, readFixture } from '../support/fixtures.js';
import { importGeo } from '../support/geo.js';
import { call } from '../support/http.js';

const CERCLES = 'geo/boundaries/mli_adm2.geojson';
const present = hasFixture(CERCLES);
const title = (what: string): string => (present ? what : `${what} — SKIPPED: fixture ../shared/data/${CERCLES} not found`);

interface IssuesBody {
  issues: Array<{ row: number; rule: string; value: string | null }>;
}

/** Towns in the middle of their cercle (public coordinates). */
const TOWNS = [
  { code: 'ML0901-0001', admin2: 'ML0901', name: 'Bamako', latitude: 12.639, longitude: -8.003 },
  { code: 'ML0305-0001', admin2: 'ML0305', name: 'Sikasso', latitude: 11.317, longitude: -5.666 },
  { code: 'ML0605-0001', admin2: 'ML0605', name: 'Tombouctou', latitude: 16.773, longitude: -3.007 },
  { code: 'ML0802-0001', admin2: 'ML0802', name: 'Kidal', latitude: 18.441, longitude: 1.407 },
];
/** ~50 km north of Bamako: in Kati or Koulikoro cercle, not in the Bamako district. */
const MISPLACED = { code: 'ML0901-0002', admin2: 'ML0901', name: 'Misplaced', latitude: 12.639 + 0.45, longitude: -8.003 };

const HEADERS = [...EN_HEADERS, 'Latitude', 'Longitude'];
const roundFile = (date: string): string =>
  csvOf(
    HEADERS,
    [...TOWNS, MISPLACED].map((town) =>
      siteRow(town.code, town.admin2, 500, { 'Location name': town.name, Latitude: town.latitude, Longitude: town.longitude, 'Assessment date': date }),
    ),
  );

describeEachDatabase('DTM boundary check on real COD cercles', (context) => {
  const ready = async (): Promise<void> => {
    // The demo gazetteer's Mali version starts on 2021-12-20; the COD cercles are attached to it.
    await seedMali(context.app, context.db);
    const imported = await importGeo(context.app, readFixture(CERCLES), 'mli_adm2.geojson');
    expect(imported.statusCode, JSON.stringify(imported.body.error)).toBeLessThan(300);
    expect(imported.body.import!.refused).toEqual([]);
  };

  const outsideRows = async (roundId: number): Promise<number[]> => {
    const issues = await call<IssuesBody>(context.app, 'GET', `/api/dtm/rounds/${roundId}/issues?limit=100`);
    return issues.body.issues.filter((issue) => issue.rule === 'outsideAdminUnit').map((issue) => issue.row);
  };

  it.skipIf(!present)(title('towns inside their cercle pass, a site moved 50 km out of its cercle is flagged'), async () => {
    await ready();
    const { job } = await importRound(context.app, roundFile('2022-03-15'), {
      roundNumber: 1,
      referenceDate: '2022-03-31',
      collectionStart: '2022-03-01',
      collectionEnd: '2022-03-31',
    });
    expect(job?.status, JSON.stringify(job)).toBe('succeeded');
    expect(job!.result).toMatchObject({
      rowsStored: 5,
      byRule: { outsideAdminUnit: 1 },
      boundaryCheck: { version: '2021-12-20', earliestVersion: false, checked: 5, unchecked: 0 },
    });
    // Row 6 is the misplaced site (row 1 is the header).
    expect(await outsideRows(job!.result!.roundId as number)).toEqual([6]);
  });

  it.skipIf(!present)(title('a round dated before the gazetteer is still checked, against its earliest boundaries, and the report says so'), async () => {
    await ready();
    const { job } = await importRound(context.app, roundFile('2019-06-15'), {
      roundNumber: 1,
      referenceDate: '2019-06-30',
      collectionStart: '2019-06-01',
      collectionEnd: '2019-06-30',
    });
    expect(job?.status, JSON.stringify(job)).toBe('succeeded');
    expect(job!.result).toMatchObject({
      rowsStored: 5,
      byRule: { outsideAdminUnit: 1 },
      boundaryCheck: { version: '2021-12-20', earliestVersion: true, checked: 5 },
    });
    expect(await outsideRows(job!.result!.roundId as number)).toEqual([6]);
  });

  it('says when coordinates could not be checked because no boundaries are loaded', async () => {
    await seedMali(context.app, context.db);
    const { job } = await importRound(context.app, roundFile('2022-03-15'), {
      roundNumber: 1,
      referenceDate: '2022-03-31',
      collectionStart: '2022-03-01',
      collectionEnd: '2022-03-31',
    });
    expect(job?.status, JSON.stringify(job)).toBe('succeeded');
    expect(job!.result).toMatchObject({ rowsStored: 5, warnings: 0, boundaryCheck: null });
  });
});
