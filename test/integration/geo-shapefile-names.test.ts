/**
 * Boundary files as GIS tools write them: a COD TopoJSON whose property names a shapefile export
 * cut to ten characters (generated here from ../shared/data, never committed), and a file whose
 * P-code property only the user can name. Skipped, naming the file, when the fixtures are absent.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/harness.js';
import { hasFixture, readFixture } from '../support/fixtures.js';
import { importGeo, renameProperties } from '../support/geo.js';

const GAZETTEER = 'geo/global_pcodes_sahel.csv';
const PROVINCES = 'geo/boundaries/bfa_adm2.topojson';
const present = [GAZETTEER, PROVINCES].every(hasFixture);
const title = (what: string): string => (present ? what : `${what} — SKIPPED: fixtures ${GAZETTEER}, ${PROVINCES} of ../shared/data not found`);

describeEachDatabase('boundary files with shapefile property names', (context) => {
  it.skipIf(!present)(title('a COD TopoJSON cut to admin2Pcod / admin2Name attaches every geometry'), async () => {
    expect((await importGeo(context.app, readFixture(GAZETTEER), 'global_pcodes_sahel.csv')).statusCode).toBe(201);
    const cut = renameProperties(readFixture(PROVINCES).toString('utf8'));
    expect(cut).toContain('"admin2Pcod"');
    expect(cut).not.toContain('"admin2Pcode"');

    const imported = await importGeo(context.app, cut, 'bfa_adm2_shapefile.topojson');
    expect(imported.statusCode, JSON.stringify(imported.body.error)).toBe(201);
    expect(imported.body.import).toMatchObject({ country: 'BF', level: 2, added: 45, refused: [], withoutGazetteer: [], withoutGeometry: [] });

    const map = await context.app.inject({ method: 'GET', url: '/api/geo/boundaries?country=BF&level=2' });
    const collection = map.json<{ features: Array<{ geometry: unknown }>; liptako: { geometrySource: string; unitsWithoutGeometry: number } }>();
    expect(collection.liptako).toMatchObject({ geometrySource: 'boundaries', unitsWithoutGeometry: 0 });
    expect(collection.features.filter((feature) => feature.geometry !== null)).toHaveLength(45);
  });

  it.skipIf(!present)(title('two code properties: refused naming both, then imported with the one the user names'), async () => {
    expect((await importGeo(context.app, readFixture(GAZETTEER), 'global_pcodes_sahel.csv')).statusCode).toBe(201);
    // A province code and a made-up sequence of other province codes: both read as admin2 P-codes.
    const original = JSON.parse(readFixture(PROVINCES).toString('utf8')) as { objects: Record<string, { geometries: Array<{ properties: Record<string, unknown> }> }> };
    const geometries = Object.values(original.objects)[0]!.geometries;
    const codes = geometries.map((geometry) => geometry.properties.admin2Pcode);
    geometries.forEach((geometry, index) => {
      geometry.properties = { CODE_PROV: codes[index], ANCIEN_COD: codes[(index + 1) % codes.length], NOM: geometry.properties.admin2Name };
    });
    const file = JSON.stringify(original);

    const refused = await importGeo(context.app, file, 'provinces.topojson');
    expect(refused.statusCode).toBe(422);
    expect(refused.body.error!.code).toBe('geo.import.pcodePropertyAmbiguous');
    expect((refused.body.error!.details as { candidates: string[] }).candidates.sort()).toEqual(['ANCIEN_COD', 'CODE_PROV']);

    const chosen = await importGeo(context.app, file, 'provinces.topojson', { pcodeProperty: 'CODE_PROV', nameProperty: 'NOM' });
    expect(chosen.statusCode, JSON.stringify(chosen.body.error)).toBe(201);
    expect(chosen.body.import).toMatchObject({ level: 2, added: 45, withoutGazetteer: [], nameMismatches: [] });

    const missing = await importGeo(context.app, file, 'provinces.topojson', { pcodeProperty: 'admin2Pcode' });
    expect(missing.statusCode).toBe(422);
    expect(missing.body.error!.code).toBe('geo.import.propertyNotFound');
  });
});
