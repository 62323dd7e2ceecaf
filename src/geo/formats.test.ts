import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../core/tabular.js';
import { countPositions } from './boundary-simplify.js';
import { detectGeoFormat, parseGazetteer, parsePcodeLengths, parsePopulation } from './formats.js';
import { parseBoundaries, type BoundaryUnit } from './boundaries.js';
import { loadSchemesFromLengthsCsv } from './pcode.js';
import { appErrorOf } from '../../test/support/errors.js';

// Real files live beside the project, never in it (see ../shared/data/README.md).
const DATA = path.resolve(process.cwd(), '../shared/data');

interface Fixture {
  exists: boolean;
  /** Test title, saying which file is missing when the test is skipped. */
  title: (what: string) => string;
  bytes: () => Uint8Array;
  text: () => string;
}

function fixture(relative: string): Fixture {
  const file = path.join(DATA, relative);
  const exists = existsSync(file);
  return {
    exists,
    title: (what) => (exists ? what : `${what} — SKIPPED: fixture ../shared/data/${relative} not found`),
    bytes: () => new Uint8Array(readFileSync(file)),
    text: () => decodeText(new Uint8Array(readFileSync(file))),
  };
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

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

describe('detectGeoFormat', () => {
  const cases: Array<[string, string]> = [
    ['geo/global_pcodes_sahel.csv', 'gazetteer'],
    ['geo/global_pcode_lengths.csv', 'pcode-lengths'],
    ['geo/boundaries/bfa_adm1.topojson', 'boundaries'],
    ['geo/boundaries/mli_adm2.geojson', 'boundaries'],
    ['population/population_bfa_bfa_admpop_adm2_2023_5yr.csv', 'population'],
    ['population/population_mli_mli_pop_adm2_v2.csv', 'population'],
  ];
  for (const [relative, expected] of cases) {
    const file = fixture(relative);
    it.skipIf(!file.exists)(file.title(`recognises ${relative} as ${expected}`), () => {
      expect(detectGeoFormat(file.bytes(), path.basename(relative))).toBe(expected);
      // Content decides, not the name.
      expect(detectGeoFormat(file.bytes(), 'upload.txt')).toBe(expected);
    });
  }

  it('reads content, not extensions, and lists accepted formats when it cannot tell', () => {
    expect(detectGeoFormat(utf8('Location;Admin Level;P-Code;Name\nBFA;1;BF46;Boucle'), 'x.geojson')).toBe('gazetteer');
    expect(detectGeoFormat(utf8('  {"type": "Topology", "objects": {}, "arcs": []}'))).toBe('boundaries');
    expect(detectGeoFormat(utf8('ADM1_PCODE,ADM1_FR,T_TL\nBF46,Boucle,1'))).toBe('population');
    const error = appErrorOf(() => detectGeoFormat(utf8('date,idps\n2021-01-01,12\n'), 'dtm.csv'));
    expect(error.code).toBe('import.unknownFormat');
    expect(error.params.file).toBe('dtm.csv');
    expect(error.localisedMessage('en')).toMatch(/GeoJSON/);
    expect(appErrorOf(() => detectGeoFormat(utf8('{"hello": "world"}'))).code).toBe('import.unknownFormat');
  });

  it('refuses empty files, binary junk and spreadsheets saved as XLSX', () => {
    expect(appErrorOf(() => detectGeoFormat(new Uint8Array())).code).toBe('import.empty');
    expect(appErrorOf(() => detectGeoFormat(utf8(' \n\t\n'))).code).toBe('import.empty');
    expect(appErrorOf(() => detectGeoFormat(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 'pcodes.xlsx')).code).toBe(
      'import.notText',
    );
    expect(appErrorOf(() => detectGeoFormat(new Uint8Array([0x7b, 0x00, 0x22, 0x00]))).code).toBe('import.notText');
  });
});

// ---------------------------------------------------------------------------------------------

describe('parseGazetteer', () => {
  const gazetteer = fixture('geo/global_pcodes_sahel.csv');

  it.skipIf(!gazetteer.exists)(gazetteer.title('reads the HDX global P-codes: BFA 13+45, MLI 10+53, NER 8+67'), () => {
    const parsed = parseGazetteer(gazetteer.text());
    expect(parsed.refused).toEqual([]);
    expect(countBy(parsed.units, (unit) => `${unit.country}${unit.level}`)).toEqual({
      BF1: 13,
      BF2: 45,
      ML1: 10,
      ML2: 53,
      NE1: 8,
      NE2: 67,
    });
    const kadiogo = parsed.units.find((unit) => unit.pcode === 'BF1300');
    expect(kadiogo).toEqual({
      row: 15,
      pcode: 'BF1300',
      level: 2,
      name: 'Kadiogo',
      parentPcode: 'BF13',
      country: 'BF',
      validFrom: '2020-03-23',
    });
    expect(parsed.units.find((unit) => unit.pcode === 'BF46')?.parentPcode).toBe('BF');
    expect(new Set(parsed.units.filter((unit) => unit.country === 'ML').map((unit) => unit.validFrom))).toEqual(new Set(['2021-12-20']));
  });

  it('refuses each bad row with row, column, value and a catalogue code', () => {
    const text = [
      'Location,Admin Level,P-Code,Name,Parent P-Code,Valid from date',
      'BFA,1,BF46,Boucle du Mouhoun,BFA,2020-03-23', // 2 ok
      'BFA,1,BF4,Bad,BFA,2020-03-23', // 3 invalid/ambiguous P-code
      'BFA,2,BF46,Wrong level,BFA,2020-03-23', // 4 level mismatch (also a duplicate)
      'BFA,2,BF4701,Wrong parent,BF46,2020-03-23', // 5 parent mismatch
      'BFA,2,BF4602,No date,BF46,2021-02-30', // 6 impossible date
      'BFA,2,BF4603,,BF46,2020-03-23', // 7 empty name
      'MLI,1,BF48,Wrong country,MLI,2020-03-23', // 8 country mismatch
      'BFA,1,,Missing,BFA,2020-03-23', // 9 missing P-code
      'BFA,one,BF49,Level not a number,BFA,2020-03-23', // 10
      'BFA,2,BF4604,<Null>,BF46,', // 11 <Null> name and empty date
      'BFA,2,BF4601,Bale,BF46,2020-03-23', // 12 ok
      ' bfa ,2,MLI0101 ,Kayes-cross,MLI01,2021-12-20', // 13 country mismatch on a DTM-style code
    ].join('\n');
    const parsed = parseGazetteer(text);
    expect(parsed.units.map((unit) => unit.pcode)).toEqual(['BF46', 'BF4601']);
    const byRow = (row: number) => parsed.refused.filter((issue) => issue.row === row).map((issue) => issue.code);
    expect(byRow(3)).toEqual([expect.stringMatching(/^geo\.import\.pcode(Invalid|Ambiguous)$/)]);
    expect(byRow(4)).toEqual(['geo.import.levelMismatch', 'geo.import.duplicatePcode']);
    expect(byRow(5)).toEqual(['geo.import.parentMismatch']);
    expect(byRow(6)).toEqual(['import.dateInvalid']);
    expect(byRow(7)).toEqual(['geo.import.nameMissing']);
    expect(byRow(8)).toEqual(['geo.import.countryMismatch', 'geo.import.parentMismatch']);
    expect(byRow(9)).toEqual(['geo.import.pcodeMissing']);
    expect(byRow(10)).toEqual(['geo.import.levelInvalid']);
    expect(byRow(11)).toEqual(['geo.import.nameMissing', 'import.valueMissing']);
    expect(byRow(13)).toEqual(['geo.import.countryMismatch']);

    const parent = parsed.refused.find((issue) => issue.row === 5);
    expect(parent).toMatchObject({
      column: 'Parent P-Code',
      value: 'BF46',
      params: { pcode: 'BF4701', expected: 'BF47', parent: 'BF46' },
    });
    const duplicate = parsed.refused.find((issue) => issue.code === 'geo.import.duplicatePcode');
    expect(duplicate?.params).toEqual({ pcode: 'BF46', firstRow: 2 });
  });

  it('refuses a file without the required columns, and one with no rows', () => {
    const error = appErrorOf(() => parseGazetteer('Location,P-Code,Name\nBFA,BF46,Boucle\n'));
    expect(error.code).toBe('import.missingColumns');
    expect(error.params.columns).toBe('Admin Level, Valid from date');
    expect(appErrorOf(() => parseGazetteer('Location,Admin Level,P-Code,Name,Parent P-Code,Valid from date\n')).code).toBe(
      'import.empty',
    );
  });

  it('keeps SQL and HTML in names verbatim: they are data, never interpreted', () => {
    const hostile = `<img src=x onerror=alert(1)>'; DROP TABLE admin_unit; --`;
    const text = `Location,Admin Level,P-Code,Name,Parent P-Code,Valid from date\nBFA,1,BF46,"${hostile}",BFA,2020-03-23\n`;
    expect(parseGazetteer(text).units[0]?.name).toBe(hostile);
  });
});

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
    const file = fixture(`geo/boundaries/${name}.topojson`);
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

  const bfa2 = fixture('geo/boundaries/bfa_adm2.topojson');
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

  const mli2 = fixture('geo/boundaries/mli_adm2.geojson');
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

  const ner1 = fixture('geo/boundaries/ner_adm1.geojson');
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

  const bfa2025 = fixture('geo/boundaries/bfa_adm1_2025_17regions.geojson');
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

  const bfa3 = fixture('geo/boundaries/bfa_adm3.topojson');
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

// ---------------------------------------------------------------------------------------------

describe('parsePopulation', () => {
  const bfa2 = fixture('population/population_bfa_bfa_admpop_adm2_2023_5yr.csv');
  it.skipIf(!bfa2.exists)(bfa2.title('BFA COD-PS admin2: 45 provinces of 2023 with sex × age bands'), () => {
    const parsed = parsePopulation(bfa2.text());
    expect(parsed.refused).toEqual([]);
    expect(parsed.year).toBe(2023);
    expect(parsed.units).toHaveLength(45);
    const bale = parsed.units.find((unit) => unit.pcode === 'BF4601');
    expect(bale).toMatchObject({ row: 2, level: 2, name: 'Bale', total: 327768, female: 165271, male: 162497, year: 2023 });
    expect(bale?.byAgeSex.f_00_04).toBe(28877);
    expect(bale?.byAgeSex.m_80plus).toBe(810);
    expect(Object.keys(bale?.byAgeSex ?? {})).toHaveLength(51);
    for (const unit of parsed.units) expect((unit.female ?? 0) + (unit.male ?? 0)).toBeLessThanOrEqual(unit.total);
  });

  const mli2 = fixture('population/population_mli_mli_pop_adm2_v2.csv');
  it.skipIf(!mli2.exists)(mli2.title('MLI COD-PS admin2: admin2Pcode / admin2Name_fr, <Null> cells, no year'), () => {
    const parsed = parsePopulation(mli2.text());
    expect(parsed.refused).toEqual([]);
    expect(parsed.year).toBeNull();
    expect(parsed.units).toHaveLength(50);
    expect(parsed.units[0]).toEqual({
      row: 2,
      pcode: 'ML0801',
      level: 2,
      name: 'Abeibara',
      total: 12690,
      female: 5926,
      male: 6764,
      byAgeSex: {},
      year: null,
    });
  });

  const bfa0 = fixture('population/population_bfa_bfa_admpop_adm0_2023_5yr.csv');
  it.skipIf(!bfa0.exists)(bfa0.title('BFA admin0 table: its stray ADM1 columns need an explicit level'), () => {
    // HDX's table repeats one region's ADM1 columns on the national row: by default the deepest
    // level wins, which would read the national total as Sud-Ouest's.
    expect(parsePopulation(bfa0.text()).units[0]).toMatchObject({ pcode: 'BF57', level: 1 });
    expect(parsePopulation(bfa0.text(), { level: 0 }).units[0]).toMatchObject({ pcode: 'BF', level: 0, total: 22868915 });
  });

  it('refuses bad counts, parts above the total, bad P-codes and duplicates', () => {
    const text = [
      'ADM1_PCODE;ADM1_FR;T_TL;F_TL;M_TL;F_00_04;year',
      'BF46;Boucle du Mouhoun;2080724;1049130;1031594;183315;2023', // 2 ok
      'BF47;Cascades;-5;;;;2023', // 3 negative
      'BF48;Centre-Est;beaucoup;;;;2023', // 4 not a number
      'BF49;Centre-Nord;100;60;50;;2023', // 5 parts above total
      'BF4901;Bam;100;;;;2023', // 6 wrong level
      'BF50;Centre-Ouest;;;;;2023', // 7 missing total
      'BF46;Again;1;;;;2023', // 8 duplicate
      'BF51;Centre-Sud;1 234;600;634;x;23', // 9 bad age band and bad year
      'BF52;Est;1 234;600;634;;2023', // 10 ok, spaced thousands
    ].join('\n');
    const parsed = parsePopulation(text);
    expect(parsed.units.map((unit) => [unit.pcode, unit.total])).toEqual([
      ['BF46', 2080724],
      ['BF52', 1234],
    ]);
    expect(parsed.refused.map((issue) => [issue.row, issue.column, issue.code])).toEqual([
      [3, 'T_TL', 'import.negativeNumber'],
      [4, 'T_TL', 'import.notANumber'],
      [5, 'T_TL', 'geo.import.partsExceedTotal'],
      [6, 'ADM1_PCODE', 'geo.import.levelMismatch'],
      [7, 'T_TL', 'import.valueMissing'],
      [8, 'ADM1_PCODE', 'geo.import.duplicatePcode'],
      [9, 'F_00_04', 'import.notANumber'],
      [9, 'year', 'geo.import.yearInvalid'],
    ]);
    expect(parsed.refused[2]?.params).toEqual({ total: 100, parts: 110 });
    expect(parsed.year).toBe(2023);
  });

  it('refuses a table without P-code or total columns', () => {
    const error = appErrorOf(() => parsePopulation('name,population_estimate\nBamako,1\n'));
    expect(error.code).toBe('import.missingColumns');
  });
});

describe('parsePcodeLengths', () => {
  const lengths = fixture('geo/global_pcode_lengths.csv');
  it.skipIf(!lengths.exists)(lengths.title('returns rows that pcode.ts turns into schemes'), () => {
    const rows = parsePcodeLengths(lengths.text());
    expect(rows.find((row) => row.Location === 'NER')).toMatchObject({ 'Country Length': '2', 'Admin 1 Length': '3' });
    const schemes = loadSchemesFromLengthsCsv(rows);
    expect(schemes.NE?.digits).toEqual([3, 3, 3]);
    expect(schemes.BF?.digits).toEqual([2, 2, 2]);
  });

  it('refuses a file that is not the length table', () => {
    expect(appErrorOf(() => parsePcodeLengths('Location,Name\nBFA,Burkina\n')).code).toBe('import.missingColumns');
  });
});
