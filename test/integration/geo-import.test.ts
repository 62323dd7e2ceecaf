import { expect, it } from 'vitest';
import { demoGazetteerCsv } from '../../src/demo/demo.js';
import { describeEachDatabase } from '../support/harness.js';
import { gazetteerCsv, importGeo, squaresGeoJson, unitCount } from '../support/geo.js';

const SMALL_GAZETTEER = gazetteerCsv([
  ['MLI', 1, 'ML06', 'Tombouctou', 'MLI', '2021-12-20'],
  ['MLI', 1, 'ML05', 'Mopti', 'MLI', '2021-12-20'],
  ['MLI', 2, 'ML0501', 'Bandiagara', 'ML05', '2021-12-20'],
  ['MLI', 2, 'ML0502', 'Bankass', 'ML05', '2021-12-20'],
  ['MLI', 2, 'ML0601', 'Diré', 'ML06', '2021-12-20'],
]);

describeEachDatabase('geography imports', (context) => {
  it('imports a gazetteer, reports each row, and counts units per level', async () => {
    const response = await importGeo(context.app, SMALL_GAZETTEER, 'mli.csv');
    expect(response.statusCode).toBe(201);
    const report = response.body.import!;
    expect(report).toMatchObject({ kind: 'gazetteer', added: 5, updated: 0, refused: [], alreadyImported: false, country: 'ML' });
    expect(await unitCount(context.app, 'country=ML&level=1')).toBe(2);
    expect(await unitCount(context.app, 'country=MLI&level=2')).toBe(3);
    // The country itself exists so the tree has a root.
    const tree = await context.app.inject({ method: 'GET', url: '/api/geo/tree?country=ML' });
    expect(tree.json<{ pcode: string; children: Array<{ pcode: string; children: unknown[] }> }>()).toMatchObject({
      pcode: 'ML',
      children: [{ pcode: 'ML05', children: [{ pcode: 'ML0501' }, { pcode: 'ML0502' }] }, { pcode: 'ML06' }],
    });
  });

  it('treats the same file again as a no-op', async () => {
    await importGeo(context.app, SMALL_GAZETTEER, 'mli.csv');
    const again = await importGeo(context.app, SMALL_GAZETTEER, 'mli-copy.csv');
    expect(again.statusCode).toBe(200);
    expect(again.body.import!.alreadyImported).toBe(true);
    const imports = await context.app.inject({ method: 'GET', url: '/api/geo/imports' });
    expect(imports.json<{ imports: unknown[] }>().imports).toHaveLength(1);
  });

  it('loads the demo gazetteer: BFA 13+45, MLI 10+53, NER 8+67', async () => {
    const response = await importGeo(context.app, demoGazetteerCsv(), 'demo.csv');
    expect(response.statusCode).toBe(201);
    const countries = await context.app.inject({ method: 'GET', url: '/api/geo/countries' });
    const body = countries.json<{ countries: Array<{ pcode: string; iso3: string; name: string; levels: Array<{ level: number; units: number }> }> }>();
    const levels = Object.fromEntries(body.countries.map((country) => [country.iso3, country.levels.map((level) => level.units)]));
    expect(levels).toEqual({ BFA: [1, 13, 45], MLI: [1, 10, 53], NER: [1, 8, 67] });
    expect(body.countries.find((country) => country.pcode === 'BF')?.name).toBe('Burkina Faso');
  });

  it('refuses the whole file when a row is bad, stores nothing, and says which row and why', async () => {
    const bad = gazetteerCsv([
      ['MLI', 1, 'ML05', 'Mopti', 'MLI', '2021-12-20'],
      ['MLI', 2, 'ML05X1', 'Bandiagara', 'ML05', '2021-12-20'],
      ['MLI', 2, 'ML0502', 'Bankass', 'ML05', 'not a date'],
    ]);
    const response = await importGeo(context.app, bad, 'bad.csv', {}, { 'accept-language': 'fr' });
    expect(response.statusCode).toBe(422);
    expect(response.body.error!.code).toBe('geo.import.rowsRefused');
    expect(response.body.error!.message).toMatch(/2 ligne\(s\)/);
    const refused = (response.body.error!.details as { refused: Array<{ row: number; column: string }> }).refused;
    expect(refused.map((issue) => issue.row)).toEqual([3, 4]);
    expect(await unitCount(context.app, 'country=ML')).toBe(0);
    const imports = await context.app.inject({ method: 'GET', url: '/api/geo/imports' });
    expect(imports.json<{ imports: unknown[] }>().imports).toHaveLength(0);

    const skipping = await importGeo(context.app, bad, 'bad.csv', { skipRefused: 'true' });
    expect(skipping.statusCode).toBe(201);
    expect(skipping.body.import!.added).toBe(1);
    expect(skipping.body.import!.refused).toHaveLength(2);
  });

  it('keeps SQL and HTML in names as inert text', async () => {
    const hostile = gazetteerCsv([
      ['MLI', 1, 'ML05', "Mopti'); DROP TABLE admin_unit; --", 'MLI', '2021-12-20'],
      ['MLI', 1, 'ML06', '<script>alert("x")</script>', 'MLI', '2021-12-20'],
    ]);
    expect((await importGeo(context.app, hostile, 'hostile.csv')).statusCode).toBe(201);
    const units = await context.app.inject({ method: 'GET', url: '/api/geo/units?country=ML&level=1' });
    expect(units.json<{ units: Array<{ name: string }> }>().units.map((unit) => unit.name)).toEqual([
      "Mopti'); DROP TABLE admin_unit; --",
      '<script>alert("x")</script>',
    ]);
    const search = await context.app.inject({ method: 'GET', url: `/api/geo/units?q=${encodeURIComponent("' OR 1=1; --")}` });
    expect(search.statusCode).toBe(200);
    expect(search.json<{ total: number }>().total).toBe(0);
    const percent = await context.app.inject({ method: 'GET', url: '/api/geo/units?q=%25' });
    expect(percent.json<{ total: number }>().total).toBe(0);
  });

  it('attaches boundaries to gazetteer units and reports both kinds of mismatch', async () => {
    await importGeo(context.app, SMALL_GAZETTEER, 'mli.csv');
    const boundaries = squaresGeoJson(2, [
      { pcode: 'MLI0501', name: 'Bandiagara', x: -3, y: 14 },
      { pcode: 'ML0502', name: 'Bankass', x: -4, y: 14 },
      { pcode: 'ML0702', name: 'Bourem', x: 0, y: 17 },
    ]);
    const response = await importGeo(context.app, boundaries, 'mli_adm2.geojson');
    expect(response.statusCode).toBe(201);
    expect(response.body.import).toMatchObject({ kind: 'boundaries', level: 2, added: 2, withoutGazetteer: ['ML0702'], withoutGeometry: ['ML0601'] });
    const map = await context.app.inject({ method: 'GET', url: '/api/geo/boundaries?country=ML&level=2' });
    expect(map.headers['content-type']).toContain('application/geo+json');
    const collection = map.json<{ features: Array<{ id: string }>; liptako: { geometrySource: string; unitsWithoutGeometry: number } }>();
    expect(collection.features.map((feature) => feature.id)).toEqual(['ML0501', 'ML0502']);
    expect(collection.liptako).toMatchObject({ geometrySource: 'boundaries', unitsWithoutGeometry: 1 });
    const full = await context.app.inject({ method: 'GET', url: '/api/geo/boundaries?country=ML&level=2&detail=full' });
    expect(full.statusCode).toBe(200);
  });

  it('falls back to the country outline when a level has no boundaries', async () => {
    await importGeo(context.app, SMALL_GAZETTEER, 'mli.csv');
    const map = await context.app.inject({ method: 'GET', url: '/api/geo/boundaries?country=ML&level=1' });
    const collection = map.json<{ features: Array<{ id: string; geometry: { type: string } }>; liptako: { geometrySource: string } }>();
    expect(collection.liptako.geometrySource).toBe('outline');
    expect(collection.features).toHaveLength(1);
    expect(collection.features[0]).toMatchObject({ id: 'ML' });
    expect(['Polygon', 'MultiPolygon']).toContain(collection.features[0]!.geometry.type);
  });

  it('versions a boundary reform: the old units stay valid before its date, the new ones after', async () => {
    await importGeo(context.app, SMALL_GAZETTEER, 'mli.csv');
    const reform = squaresGeoJson(1, [
      { pcode: 'ML05', name: 'Bandiagara', x: -3, y: 14 },
      { pcode: 'ML06', name: 'Douentza', x: -2, y: 15 },
      { pcode: 'ML11', name: 'Tombouctou', x: -4, y: 16 },
    ]);
    const withoutDate = await importGeo(context.app, reform, 'reform.geojson');
    expect(withoutDate.statusCode).toBe(409);
    expect(withoutDate.body.error!.code).toBe('geo.import.reformNeedsDate');
    expect(await unitCount(context.app, 'country=ML&level=1')).toBe(2);

    const dated = await importGeo(context.app, reform, 'reform.geojson', { validFrom: '2023-05-01' });
    expect(dated.statusCode).toBe(201);
    expect(dated.body.import!.versions).toEqual([{ country: 'ML', level: 1, validFrom: '2023-05-01', closed: 2 }]);
    const before = await context.app.inject({ method: 'GET', url: '/api/geo/units?country=ML&level=1&asOf=2022-06-01' });
    expect(before.json<{ units: Array<{ pcode: string; name: string; validTo: string | null }> }>().units).toEqual([
      expect.objectContaining({ pcode: 'ML05', name: 'Mopti', validTo: '2023-05-01' }),
      expect.objectContaining({ pcode: 'ML06', name: 'Tombouctou', validTo: '2023-05-01' }),
    ]);
    const after = await context.app.inject({ method: 'GET', url: '/api/geo/units?country=ML&level=1&asOf=2024-01-01' });
    expect(after.json<{ units: Array<{ pcode: string; name: string; hasGeometry: boolean }> }>().units.map((unit) => [unit.pcode, unit.name, unit.hasGeometry])).toEqual([
      ['ML05', 'Bandiagara', true],
      ['ML06', 'Douentza', true],
      ['ML11', 'Tombouctou', true],
    ]);
    const history = await context.app.inject({ method: 'GET', url: '/api/geo/units/ML05?asOf=2022-01-01' });
    expect(history.json<{ unit: { name: string }; versions: Array<{ name: string }> }>()).toMatchObject({
      unit: { name: 'Mopti' },
      versions: [{ name: 'Mopti' }, { name: 'Bandiagara' }],
    });
  });

  it('imports COD-PS population for the units valid in its year', async () => {
    await importGeo(context.app, SMALL_GAZETTEER, 'mli.csv');
    const population = '\uFEFFadmin2Name_fr,admin2Pcode,admin1Pcode,M_TL,F_TL,T_TL\nBandiagara,ML0501,ML05,200000,210000,410000\nBankass,ML0502,ML05,<Null>,<Null>,350000\n';
    const withoutYear = await importGeo(context.app, population, 'mli_pop_adm2.csv');
    expect(withoutYear.statusCode).toBe(422);
    expect(withoutYear.body.error!.code).toBe('geo.import.populationYearMissing');
    const response = await importGeo(context.app, population, 'mli_pop_adm2.csv', { year: '2022' });
    expect(response.statusCode).toBe(201);
    expect(response.body.import).toMatchObject({ kind: 'population', added: 2 });
    const units = await context.app.inject({ method: 'GET', url: '/api/geo/units?country=ML&level=2' });
    expect(units.json<{ units: Array<{ pcode: string; population: number | null }> }>().units.map((unit) => unit.population)).toEqual([410000, 350000, null]);
  });

  it('matches names with accents, case and hyphens to candidates with a confidence', async () => {
    await importGeo(context.app, SMALL_GAZETTEER, 'mli.csv');
    const response = await context.app.inject({ method: 'GET', url: '/api/geo/match?name=DIRE&country=ML' });
    const candidates = response.json<{ candidates: Array<{ pcode: string; confidence: number }> }>().candidates;
    expect(candidates[0]).toMatchObject({ pcode: 'ML0601' });
    expect(candidates[0]!.confidence).toBeGreaterThanOrEqual(0.95);
  });

  it('answers unknown and malformed codes clearly', async () => {
    await importGeo(context.app, SMALL_GAZETTEER, 'mli.csv');
    const unknown = await context.app.inject({ method: 'GET', url: '/api/geo/units/ML0999' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<{ error: { code: string } }>().error.code).toBe('geo.unit.notFound');
    const normalised = await context.app.inject({ method: 'GET', url: '/api/geo/units/mli0501%20' });
    expect(normalised.statusCode).toBe(200);
    const invalid = await context.app.inject({ method: 'GET', url: `/api/geo/units/${encodeURIComponent("x' OR '1'='1")}` });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json<{ error: { code: string } }>().error.code).toBe('geo.pcode.invalid');
    const badCountry = await context.app.inject({ method: 'GET', url: '/api/geo/boundaries?country=ZZ&level=1' });
    expect(badCountry.statusCode).toBe(400);
    const badDate = await context.app.inject({ method: 'GET', url: '/api/geo/units?asOf=2021-13-45' });
    expect(badDate.statusCode).toBe(400);
  });
});

describeEachDatabase('hostile geography files', (context) => {
  it('refuses a 200 MB upload with 413 before reading it', async () => {
    const response = await importGeo(context.app, new Uint8Array(200 * 1024 * 1024), 'huge.geojson');
    expect(response.statusCode).toBe(413);
    expect(response.body.error!.code).toBe('request.tooLarge');
  });

  it('refuses a GeoJSON of a million vertices as too complex, storing nothing', async () => {
    const ring: Array<[number, number]> = [];
    for (let index = 0; index < 1_000_000; index++) {
      const angle = (index / 1_000_000) * 2 * Math.PI;
      ring.push([Math.round((-1 + Math.cos(angle)) * 1e6) / 1e6, Math.round((14 + Math.sin(angle)) * 1e6) / 1e6]);
    }
    ring.push(ring[0]!);
    const file = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { admin1Pcode: 'ML05' }, geometry: { type: 'Polygon', coordinates: [ring] } }] });
    const response = await importGeo(context.app, file, 'dense.geojson');
    expect(response.statusCode).toBe(413);
    expect(response.body.error!.code).toBe('import.tooComplex');
    expect(await unitCount(context.app, '')).toBe(0);
  });

  it.each([
    ['truncated JSON', '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"admin1Pcode":"ML05"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,'],
    ['binary junk', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x00, 0x9c, 0x42])],
    ['a ZIP archive', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00])],
    ['an unrelated CSV', 'a,b,c\n1,2,3\n'],
    ['JSON that is not geography', '{"hello": "world"}'],
    ['a GeoJSON of points', JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { admin1Pcode: 'ML05' }, geometry: { type: 'Point', coordinates: [0, 0] } }] })],
    ['coordinates out of range', squaresGeoJson(1, [{ pcode: 'ML05', name: 'Mopti', x: 500, y: 14 }])],
    ['an empty file', ''],
  ])('refuses %s with a catalogued error and stores nothing', async (_label, file) => {
    const response = await importGeo(context.app, file, 'file.bin');
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(response.body.error!.code).toMatch(/^(import|geo\.import|request)\./);
    expect(response.body.error!.message.length).toBeGreaterThan(10);
    expect(await unitCount(context.app, '')).toBe(0);
    const health = await context.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
  });

  it('refuses a bad date or year option', async () => {
    const bad = await importGeo(context.app, SMALL_GAZETTEER, 'x.csv', { validFrom: '01/02/2023' });
    expect(bad.statusCode).toBe(400);
    const year = await importGeo(context.app, SMALL_GAZETTEER, 'x.csv', { year: '1e9' });
    expect(year.statusCode).toBe(400);
    const noName = await context.app.inject({ method: 'POST', url: '/api/geo/imports', payload: 'x', headers: { 'content-type': 'text/csv' } });
    expect(noName.statusCode).toBe(400);
  });
});
