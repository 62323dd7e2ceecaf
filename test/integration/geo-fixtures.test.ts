/**
 * The real COD files of ../shared/data: gazetteer, boundaries of three ages, a reform, population.
 * Skipped, naming the file, when the shared folder is absent.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/harness.js';
import { hasFixture, readFixture } from '../support/fixtures.js';
import { importGeo, unitCount, type ImportResponse } from '../support/geo.js';

const GAZETTEER = 'geo/global_pcodes_sahel.csv';
const BOUNDARIES = ['bfa_adm1', 'bfa_adm2', 'bfa_adm3', 'mli_adm1', 'mli_adm2', 'mli_adm3', 'ner_adm1', 'ner_adm2'].map(
  (name) => `geo/boundaries/${name}.topojson`,
);
const REFORM = 'geo/boundaries/bfa_adm1_2025_17regions.geojson';
const present = [GAZETTEER, ...BOUNDARIES, REFORM].every(hasFixture);

async function importFixture(app: Parameters<typeof importGeo>[0], file: string, query: Record<string, string> = {}): Promise<NonNullable<ImportResponse['body']['import']>> {
  const response = await importGeo(app, readFixture(file), file.split('/').pop()!, query);
  if (response.statusCode >= 300) throw new Error(`${file}: ${response.statusCode} ${JSON.stringify(response.body.error)}`);
  return response.body.import!;
}

describeEachDatabase('real COD files', (context) => {
  it.skipIf(!present)('the HDX gazetteer gives BFA 13+45, MLI 10+53, NER 8+67 units', async () => {
    const report = await importFixture(context.app, GAZETTEER);
    expect(report.refused).toEqual([]);
    for (const [country, level, expected] of [['BF', 1, 13], ['BF', 2, 45], ['ML', 1, 10], ['ML', 2, 53], ['NE', 1, 8], ['NE', 2, 67]] as const) {
      expect(await unitCount(context.app, `country=${country}&level=${level}`), `${country} admin${level}`).toBe(expected);
    }
    // Importing it again is a no-op.
    const again = await importGeo(context.app, readFixture(GAZETTEER), 'global_pcodes_sahel.csv');
    expect(again.body.import!.alreadyImported).toBe(true);
  });

  it.skipIf(!present)('the TopoJSON boundaries attach geometry and report what does not match', async () => {
    await importFixture(context.app, GAZETTEER);
    const reports = new Map<string, Awaited<ReturnType<typeof importFixture>>>();
    // Niger's 2015 departments were renumbered by 2023: the same P-codes name other places, so
    // the file is refused until it is given its own validity date, then becomes the 2015 version.
    const niger2015 = await importGeo(context.app, readFixture('geo/boundaries/ner_adm2.topojson'), 'ner_adm2.topojson');
    expect(niger2015.statusCode).toBe(409);
    expect(niger2015.body.error!.code).toBe('geo.import.reformNeedsDate');
    for (const file of BOUNDARIES) {
      const query: Record<string, string> = file.includes('ner_adm2') ? { validFrom: '2015-07-30' } : {};
      reports.set(file.split('/').pop()!.replace('.topojson', ''), await importFixture(context.app, file, query));
    }
    const attached = (name: string): number => {
      const report = reports.get(name)!;
      return report.added + report.updated + report.unchanged;
    };
    const countries = await context.app.inject({ method: 'GET', url: '/api/geo/countries' });
    const geometry = Object.fromEntries(
      countries.json<{ countries: Array<{ iso3: string; levels: Array<{ level: number; units: number; withGeometry: number }> }> }>()
        .countries.map((country) => [country.iso3, Object.fromEntries(country.levels.map((level) => [level.level, level.withGeometry]))]),
    );
    // BFA 2018: every region and province matches the gazetteer; communes found their level.
    expect(geometry.BFA).toMatchObject({ 1: 13, 2: 45, 3: 351 });
    expect(reports.get('bfa_adm3')!.withoutGazetteer).toHaveLength(351);
    // MLI 2019 predates Ménaka (ML10): 9 regions with geometry, Ménaka reported without.
    expect(geometry.MLI![1]).toBe(9);
    expect(reports.get('mli_adm1')!.withoutGeometry).toEqual(['ML10']);
    expect(attached('mli_adm2') + reports.get('mli_adm2')!.withoutGazetteer.length).toBe(50);
    expect(reports.get('mli_adm2')!.withoutGeometry.length).toBeGreaterThan(0);
    expect(geometry.MLI![3]).toBe(701);
    // NER: 8 regions; the 63 departments of 2015 are their own version, 2015-07-30 → 2023-07-25.
    expect(geometry.NER).toMatchObject({ 1: 8 });
    expect(attached('ner_adm2')).toBe(63);
    expect(reports.get('ner_adm2')!.versions).toEqual([]);
    const departments2016 = await context.app.inject({ method: 'GET', url: '/api/geo/boundaries?country=NE&level=2&asOf=2016-01-01' });
    expect(departments2016.json<{ features: unknown[] }>().features).toHaveLength(63);
    expect(await unitCount(context.app, 'country=NE&level=2')).toBe(67);
    const departmentsNow = await context.app.inject({ method: 'GET', url: '/api/geo/boundaries?country=NE&level=2' });
    expect(departmentsNow.json<{ liptako: { geometrySource: string } }>().liptako.geometrySource).toBe('outline');

    const map = await context.app.inject({ method: 'GET', url: '/api/geo/boundaries?country=BF&level=1' });
    const collection = map.json<{ features: unknown[]; liptako: { geometrySource: string } }>();
    expect(collection.liptako.geometrySource).toBe('boundaries');
    expect(collection.features).toHaveLength(13);
    const full = await context.app.inject({ method: 'GET', url: '/api/geo/boundaries?country=BF&level=1&detail=full' });
    expect(full.body.length).toBeGreaterThan(map.body.length);
  });

  it.skipIf(!present)('the 2025 Burkina Faso regions are a new version that leaves the 2020 ones intact', async () => {
    await importFixture(context.app, GAZETTEER);
    await importFixture(context.app, 'geo/boundaries/bfa_adm1.topojson');
    const undated = await importGeo(context.app, readFixture(REFORM), 'bfa_adm1_2025_17regions.geojson');
    expect(undated.statusCode).toBe(409);
    expect(undated.body.error!.code).toBe('geo.import.reformNeedsDate');

    const report = await importFixture(context.app, REFORM, { validFrom: '2025-07-02' });
    expect(report.versions).toEqual([{ country: 'BF', level: 1, validFrom: '2025-07-02', closed: 13 }]);
    expect(await unitCount(context.app, 'country=BF&level=1&asOf=2024-12-31')).toBe(13);
    expect(await unitCount(context.app, 'country=BF&level=1&asOf=2025-07-02')).toBe(17);
    const before = await context.app.inject({ method: 'GET', url: '/api/geo/units/BF47?asOf=2024-01-01' });
    expect(before.json<{ unit: { name: string; hasGeometry: boolean } }>().unit).toMatchObject({ name: 'Cascades', hasGeometry: true });
    const after = await context.app.inject({ method: 'GET', url: '/api/geo/units/BF47?asOf=2026-01-01' });
    expect(after.json<{ unit: { name: string } }>().unit.name).not.toBe('Cascades');
    const oldMap = await context.app.inject({ method: 'GET', url: '/api/geo/boundaries?country=BF&level=1&asOf=2024-01-01' });
    expect(oldMap.json<{ features: unknown[] }>().features).toHaveLength(13);
    const newMap = await context.app.inject({ method: 'GET', url: '/api/geo/boundaries?country=BF&level=1&asOf=2026-01-01' });
    expect(newMap.json<{ features: unknown[] }>().features).toHaveLength(17);
    // The provinces of 2020 are untouched.
    expect(await unitCount(context.app, 'country=BF&level=2&asOf=2024-12-31')).toBe(45);
  });

  it.skipIf(!present || !hasFixture('population/population_bfa_bfa_admpop_adm2_2023_5yr.csv'))('COD-PS population attaches to the units of its year', async () => {
    await importFixture(context.app, GAZETTEER);
    const report = await importFixture(context.app, 'population/population_bfa_bfa_admpop_adm2_2023_5yr.csv');
    expect(report).toMatchObject({ kind: 'population', added: 45, refused: [] });
    const bale = await context.app.inject({ method: 'GET', url: '/api/geo/units/BF4601' });
    expect(bale.json<{ unit: { population: number } }>().unit.population).toBe(327768);
  });
});
