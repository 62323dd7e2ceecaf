import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { countPositions } from './boundary-simplify.js';
import { parseBoundaries, type BoundaryUnit } from './boundaries.js';
import { appErrorOf } from '../../test/support/errors.js';
import { sharedFixture } from '../../test/support/fixtures.js';

function square(x: number, y: number, size = 1): Position[][] {
  return [
    [
      [x, y],
      [x + size, y],
      [x + size, y + size],
      [x, y + size],
      [x, y],
    ],
  ];
}

function featureCollection(features: readonly FeatureShape[]): string {
  return JSON.stringify({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', ...f })) });
}

/** A GeoJSON feature shape for featureCollection: a polygon with the given properties. */
interface FeatureShape {
  properties: Record<string, unknown>;
  geometry: unknown;
}

function polygon(properties: Record<string, unknown>, coordinates: Position[][] = square(0, 10)): FeatureShape {
  return { properties, geometry: { type: 'Polygon', coordinates } };
}

function rings(unit: BoundaryUnit, which: 'geometry' | 'simplified'): Position[][] {
  const geometry = unit[which];
  return geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
}

// ---------------------------------------------------------------------------------------------

describe('parseBoundaries on the COD-AB fixtures', () => {
  const topojsonCases: Array<[string, number, number]> = [
    ['bfa_adm1', 1, 13],
    ['bfa_adm2', 2, 45],
    ['bfa_adm3', 3, 351],
    ['mli_adm1', 1, 9],
    ['mli_adm2', 2, 50],
    ['mli_adm3', 3, 701],
    ['ner_adm1', 1, 8],
    ['ner_adm2', 2, 63],
  ];
  for (const [name, level, count] of topojsonCases) {
    const file = sharedFixture(`geo/boundaries/${name}.topojson`);
    it.skipIf(!file.exists)(file.title(`${name}.topojson: ${count} admin${level} units with simplified map geometry`), () => {
      const parsed = parseBoundaries(file.text());
      expect(parsed.refused).toEqual([]);
      expect(parsed.level).toBe(level);
      expect(parsed.units).toHaveLength(count);
      expect(parsed.propertyNames).toMatchObject({ pcode: `admin${level}Pcode`, name: `admin${level}Name` });
      expect(new Set(parsed.units.map((unit) => unit.pcode)).size).toBe(count);

      let full = 0;
      let simplified = 0;
      for (const unit of parsed.units) {
        expect(unit.level).toBe(level);
        expect(unit.vertexCount).toBe(countPositions(unit.geometry));
        full += unit.vertexCount;
        simplified += countPositions(unit.simplified);
        // Every unit keeps a visible shape, however small (Bamako, Kadiogo, communes).
        const simplifiedRings = rings(unit, 'simplified');
        expect(simplifiedRings.length).toBeGreaterThan(0);
        for (const ring of simplifiedRings) expect(ring.length).toBeGreaterThanOrEqual(4);
        const [west, south, east, north] = unit.bbox;
        expect(west).toBeLessThan(east);
        expect(south).toBeLessThan(north);
      }
      expect(simplified).toBeLessThan(full * 0.5);
    });
  }

  const bfa2 = sharedFixture('geo/boundaries/bfa_adm2.topojson');
  it.skipIf(!bfa2.exists)(bfa2.title('simplifies shared borders once, so neighbours keep the same border points'), () => {
    const parsed = parseBoundaries(bfa2.text());
    const owners = new Map<string, Set<string>>();
    for (const unit of parsed.units) {
      for (const ring of rings(unit, 'simplified')) {
        for (const [x, y] of ring) {
          const key = `${x},${y}`;
          const set = owners.get(key) ?? new Set<string>();
          set.add(unit.pcode);
          owners.set(key, set);
        }
      }
    }
    const shared = [...owners.values()].filter((set) => set.size > 1).length;
    // Independent per-unit simplification would leave almost no point in common.
    expect(shared / owners.size).toBeGreaterThan(0.4);
    // Coordinates are rounded for maps; full geometry is left as it came.
    const point = rings(parsed.units[0] as BoundaryUnit, 'simplified')[0]?.[0] ?? [];
    for (const value of point) expect(Math.abs(value * 1e5 - Math.round(value * 1e5))).toBeLessThan(1e-6);
  });

  const mli2 = sharedFixture('geo/boundaries/mli_adm2.geojson');
  it.skipIf(!mli2.exists)(mli2.title('mli_adm2.geojson: validOn (epoch ms) gives validFrom, parents and alternative-name columns'), () => {
    const parsed = parseBoundaries(mli2.text());
    expect(parsed.refused).toEqual([]);
    expect(parsed.level).toBe(2);
    expect(parsed.units).toHaveLength(50);
    expect(parsed.validFrom).toBe('2019-08-02');
    expect(parsed.propertyNames).toEqual({
      pcode: 'admin2Pcode',
      name: 'admin2Name',
      altNames: ['admin2RefName', 'admin2AltName1_fr', 'admin2AltName2_fr'],
      parent: 'admin1Pcode',
      validOn: 'validOn',
    });
    const abeibara = parsed.units.find((unit) => unit.pcode === 'ML0801');
    expect(abeibara).toMatchObject({ name: 'Abeibara', parentPcode: 'ML08', validFrom: '2019-08-02', altNames: [] });
  });

  const ner1 = sharedFixture('geo/boundaries/ner_adm1.geojson');
  it.skipIf(!ner1.exists)(ner1.title('ner_adm1.geojson: French name first, validOn, admin0 parent'), () => {
    const parsed = parseBoundaries(ner1.text());
    expect(parsed.units).toHaveLength(8);
    expect(parsed.validFrom).toBe('2015-07-30');
    expect(parsed.propertyNames).toMatchObject({
      pcode: 'admin1Pcode',
      name: 'admin1Name_fr',
      altNames: ['admin1Name', 'admin1AltName1_fr', 'admin1AltName2_fr'],
      parent: 'admin0Pcode',
      validOn: 'validOn',
    });
    const tillaberi = parsed.units.find((unit) => unit.pcode === 'NE006');
    expect(tillaberi?.name).toMatch(/^Tillab/);
    expect(tillaberi?.parentPcode).toBe('NE');
    // The alternative-name columns are empty in this file and the two name columns agree.
    expect(parsed.units.every((unit) => unit.altNames.length === 0)).toBe(true);
  });

  const bfa2025 = sharedFixture('geo/boundaries/bfa_adm1_2025_17regions.geojson');
  it.skipIf(!bfa2025.exists)(bfa2025.title('the 2025 Burkina Faso reform: 17 regions read through adm1_pcode'), () => {
    const parsed = parseBoundaries(bfa2025.text());
    expect(parsed.refused).toEqual([]);
    expect(parsed.level).toBe(1);
    expect(parsed.units).toHaveLength(17);
    expect(parsed.propertyNames).toMatchObject({ pcode: 'adm1_pcode', name: 'adm1_name', validOn: null });
    expect(parsed.validFrom).toBeNull();
    // BF47 was Cascades; the reform reuses the code for Tannounyan.
    expect(parsed.units.find((unit) => unit.pcode === 'BF47')?.name).toBe('Tannounyan');
    expect(parsed.units.some((unit) => unit.geometry.type === 'MultiPolygon')).toBe(true);
  });
});

describe('parseBoundaries property detection', () => {
  it('reads ADMn_* style properties, alternative names and ISO validity dates', () => {
    const text = featureCollection([
      polygon({
        ADM1_PCODE: 'BF46',
        ADM1_FR: 'Boucle du Mouhoun',
        ADM1_EN: 'Mouhoun Loop',
        ADM1ALT1FR: 'Mouhoun',
        ADM0_PCODE: 'BF',
        VALIDON: '2020-03-23',
      }),
      polygon({
        ADM1_PCODE: 'BF47',
        ADM1_FR: null,
        ADM1_EN: 'Cascades',
        ADM1ALT1FR: null,
        ADM0_PCODE: 'BF',
        VALIDON: '2020-03-23T00:00:00Z',
      }),
    ]);
    const parsed = parseBoundaries(text);
    expect(parsed.refused).toEqual([]);
    expect(parsed.propertyNames).toEqual({
      pcode: 'ADM1_PCODE',
      name: 'ADM1_FR',
      altNames: ['ADM1_EN', 'ADM1ALT1FR'],
      parent: 'ADM0_PCODE',
      validOn: 'VALIDON',
    });
    expect(parsed.units.map((unit) => [unit.name, unit.altNames, unit.validFrom])).toEqual([
      ['Boucle du Mouhoun', ['Mouhoun Loop', 'Mouhoun'], '2020-03-23'],
      ['Cascades', [], '2020-03-23'],
    ]);
  });

  it('takes the deepest level carried by nearly all features, and normalises DTM-style codes', () => {
    const text = featureCollection([
      polygon({ admin1Pcode: 'MLI05', admin2Pcode: 'MLI0501 ', admin2Name: 'Bandiagara' }, square(-3, 14)),
      polygon({ admin1Pcode: 'ML05', admin2Pcode: 'ML0502', admin2Name: 'Bankass' }, square(-2, 14)),
    ]);
    const parsed = parseBoundaries(text);
    expect(parsed.level).toBe(2);
    expect(parsed.units.map((unit) => [unit.pcode, unit.parentPcode])).toEqual([
      ['ML0501', 'ML05'],
      ['ML0502', 'ML05'],
    ]);
  });

  it('refuses a file whose features carry no admin P-code property', () => {
    const error = appErrorOf(() => parseBoundaries(featureCollection([polygon({ NAME: 'x', GID_1: 'BFA.1_1' })])));
    expect(error.code).toBe('geo.import.noPcodeProperty');
    expect(error.params.properties).toBe('NAME, GID_1');
  });

  it('closes open rings and drops third coordinates', () => {
    const open = [[[0, 10, 250], [1, 10, 250], [1, 11, 250], [0, 11, 250]]];
    const parsed = parseBoundaries(featureCollection([polygon({ adm1_pcode: 'NE001' }, open)]));
    expect(parsed.units[0]?.geometry.coordinates).toEqual([[[0, 10], [1, 10], [1, 11], [0, 11], [0, 10]]]);
    expect(parsed.units[0]?.bbox).toEqual([0, 10, 1, 11]);
  });
});

describe('parseBoundaries row refusals', () => {
  it('refuses points, lines, bad coordinates, bad P-codes, duplicates and junk entries, feature by feature', () => {
    const text = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { admin1Pcode: 'BF46' }, geometry: { type: 'Polygon', coordinates: square(-4, 12) } }, // 1 ok
        { type: 'Feature', properties: { admin1Pcode: 'BF47' }, geometry: { type: 'Point', coordinates: [-4, 11] } }, // 2
        { type: 'Feature', properties: { admin1Pcode: 'BF48' }, geometry: { type: 'LineString', coordinates: [[0, 0], [1, 1]] } }, // 3
        { type: 'Feature', properties: { admin1Pcode: 'BF49' }, geometry: { type: 'Polygon', coordinates: square(3857000, 1400000) } }, // 4
        { type: 'Feature', properties: { admin1Pcode: 'BF50' }, geometry: { type: 'Polygon', coordinates: [[[0, 0], ['a', 1], [1, 1]]] } }, // 5
        { type: 'Feature', properties: { admin1Pcode: 'BF51' }, geometry: null }, // 6
        { type: 'Feature', properties: { admin1Pcode: 'XX51' }, geometry: { type: 'Polygon', coordinates: square(0, 12) } }, // 7
        { type: 'Feature', properties: { admin1Pcode: 'BF46' }, geometry: { type: 'Polygon', coordinates: square(1, 12) } }, // 8 duplicate
        'not a feature', // 9
        { type: 'Feature', properties: { admin1Pcode: 'BF52' }, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [0, 0]]] } }, // 10
        { type: 'Feature', properties: { admin1Pcode: 'BF53' }, geometry: { type: 'Polygon', coordinates: 'nope' } }, // 11
        // 12 ok
        { type: 'Feature', properties: { admin1Pcode: 'BF54' }, geometry: { type: 'MultiPolygon', coordinates: [square(-1, 13), square(-2, 13)] } },
        { type: 'Feature', properties: { admin1Pcode: 'BF4601' }, geometry: { type: 'Polygon', coordinates: square(-5, 12) } }, // 13 level
      ],
    });
    const parsed = parseBoundaries(text);
    expect(parsed.units.map((unit) => unit.pcode)).toEqual(['BF46', 'BF54']);
    expect(parsed.refused.map((issue) => [issue.row, issue.code])).toEqual([
      [2, 'geo.import.geometryType'],
      [3, 'geo.import.geometryType'],
      [4, 'geo.import.coordinateOutOfRange'],
      [5, 'geo.import.coordinateInvalid'],
      [6, 'geo.import.geometryMissing'],
      [7, 'geo.import.pcodeInvalid'],
      [8, 'geo.import.duplicatePcode'],
      [9, 'geo.import.featureInvalid'],
      [10, 'geo.import.ringTooShort'],
      [11, 'geo.import.geometryInvalid'],
      [13, 'geo.import.levelMismatch'],
    ]);
    expect(parsed.refused[0]).toMatchObject({ column: 'geometry', value: 'Point', params: { type: 'Point' } });
    expect(parsed.refused[2]?.params.value).toBe('[3857000, 1400000]');
  });

  it('refuses a file of points feature by feature (none are admin boundaries)', () => {
    const text = featureCollection(
      Array.from({ length: 3 }, (_, i) => ({
        properties: { admin2Pcode: `NE00100${i + 1}` },
        geometry: { type: 'Point', coordinates: [8 + i, 17] },
      })),
    );
    const parsed = parseBoundaries(text);
    expect(parsed.units).toEqual([]);
    expect(parsed.refused.map((issue) => issue.code)).toEqual(Array(3).fill('geo.import.geometryType'));
  });

  it('refuses infinite and out-of-range coordinates (1e400 parses as Infinity)', () => {
    const text = `{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"admin1Pcode":"ML01"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1e400,0],[1,1],[0,0]]]}},
      {"type":"Feature","properties":{"admin1Pcode":"ML02"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,95],[0,0]]]}}]}`;
    const parsed = parseBoundaries(text);
    expect(parsed.refused.map((issue) => [issue.row, issue.code])).toEqual([
      [1, 'geo.import.coordinateInvalid'],
      [2, 'geo.import.coordinateOutOfRange'],
    ]);
  });

  it('keeps SQL and HTML names verbatim, as text', () => {
    const name = `</script><script>alert('x')</script>'; DELETE FROM admin_unit; --`;
    const parsed = parseBoundaries(featureCollection([polygon({ admin1Pcode: 'NE001', admin1Name: name })]));
    expect(parsed.units[0]?.name).toBe(name);
  });

  it('refuses TopoJSON geometries that point at arcs that do not exist', () => {
    const topo = {
      type: 'Topology',
      objects: {
        units: {
          type: 'GeometryCollection',
          geometries: [
            { type: 'Polygon', properties: { admin1Pcode: 'NE001' }, arcs: [[0]] },
            { type: 'Polygon', properties: { admin1Pcode: 'NE002' }, arcs: [[7]] },
          ],
        },
      },
      arcs: [[[8, 17], [9, 17], [9, 18], [8, 18], [8, 17]]],
    };
    const parsed = parseBoundaries(JSON.stringify(topo));
    expect(parsed.units.map((unit) => unit.pcode)).toEqual(['NE001']);
    expect(parsed.refused).toMatchObject([{ row: 2, code: 'geo.import.geometryInvalid' }]);
  });
});

describe('parseBoundaries on hostile files', () => {
  it('refuses truncated JSON and says where it breaks', () => {
    const truncated = '{"type":"FeatureCollection","features":[{"type":"Feature",\n"properties":{"admin1Pcode":"BF4';
    const error = appErrorOf(() => parseBoundaries(truncated));
    expect(error.code).toBe('import.malformedJson');
    expect(error.params).toMatchObject({ line: 2 });
    expect(Number(error.params.position)).toBeGreaterThan(50);
    expect(error.localisedMessage('fr')).toMatch(/ligne 2/);
  });

  it('finds the position even when the engine does not give it (NaN is not JSON)', () => {
    const text = '{"type":"FeatureCollection","features":[\n{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[NaN,1]]]}}]}';
    const error = appErrorOf(() => parseBoundaries(text));
    expect(error.code).toBe('import.malformedJson');
    expect(error.params).toMatchObject({ line: 2, position: text.indexOf('NaN') });
  });

  it('refuses a feature of 1,000,000 vertices quickly, before any per-point work', () => {
    const n = 1_000_000;
    const positions: string[] = new Array<string>(n);
    for (let i = 0; i < n - 1; i += 1) positions[i] = `[${(i % 1000) / 100},${Math.floor(i / 1000) / 100}]`;
    positions[n - 1] = positions[0] ?? '[0,0]';
    const ring = `[${positions.join(',')}]`;
    const text = `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"admin1Pcode":"BF46"},"geometry":{"type":"Polygon","coordinates":[${ring}]}}]}`;
    const started = performance.now();
    const error = appErrorOf(() => parseBoundaries(text));
    const elapsed = performance.now() - started;
    expect(error.code).toBe('import.tooComplex');
    expect(error.status).toBe(413);
    expect(error.params).toMatchObject({ features: 1, vertices: n, largestRow: 1, largestVertices: n, maxFeatureVertices: 500_000 });
    expect(elapsed).toBeLessThan(5_000);
  });

  const bfa3 = sharedFixture('geo/boundaries/bfa_adm3.topojson');
  it.skipIf(!bfa3.exists)(bfa3.title('applies the total-vertex and feature-count limits to TopoJSON too'), () => {
    const text = bfa3.text();
    expect(appErrorOf(() => parseBoundaries(text, { maxVertices: 10_000 })).params).toMatchObject({ features: 351, maxVertices: 10_000 });
    expect(appErrorOf(() => parseBoundaries(text, { maxFeatures: 100 })).code).toBe('import.tooComplex');
  });

  it('survives deeply nested junk without exhausting the stack', () => {
    const depth = 200_000;
    const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const text = `{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"admin1Pcode":"ML01","junk":${deep}},"geometry":{"type":"Polygon","coordinates":${deep}}},
      ${deep}]}`;
    const parsed = parseBoundaries(text);
    expect(parsed.units).toEqual([]);
    expect(parsed.refused.map((issue) => [issue.row, issue.code])).toEqual([
      [1, 'geo.import.coordinateInvalid'],
      [2, 'geo.import.featureInvalid'],
    ]);
    const unbalanced = appErrorOf(() => parseBoundaries(`{"type":"Topology","arcs":${'['.repeat(depth)}`));
    expect(unbalanced.code).toBe('import.malformedJson');
  });

  it('refuses JSON that is not GeoJSON or TopoJSON, projected coordinates, and empty files', () => {
    expect(appErrorOf(() => parseBoundaries('[1,2,3]')).code).toBe('geo.import.notGeoJson');
    expect(appErrorOf(() => parseBoundaries('{"type":"Polygon","coordinates":[]}')).code).toBe('geo.import.notGeoJson');
    const crs = { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3857' } };
    const mercator = JSON.stringify({ type: 'FeatureCollection', crs, features: [] });
    expect(appErrorOf(() => parseBoundaries(mercator)).code).toBe('geo.import.crsUnsupported');
    expect(appErrorOf(() => parseBoundaries('')).code).toBe('import.empty');
    expect(appErrorOf(() => parseBoundaries('{"type":"FeatureCollection","features":[]}')).code).toBe('import.empty');
  });
});
