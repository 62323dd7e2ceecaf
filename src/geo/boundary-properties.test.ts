/**
 * Finding the P-code and name properties of boundary files as GIS tools write them: cut to ten
 * characters by a shapefile export, renamed by hand, or ambiguous until the user names them.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBoundaries } from './boundaries.js';
import { appErrorOf } from '../../test/support/errors.js';
import { renameProperties, shapefileFieldNames, squaresGeoJson } from '../../test/support/geo.js';

const BOUNDARIES = path.resolve(process.cwd(), '../shared/data/geo/boundaries');
const real = (name: string) => {
  const file = path.join(BOUNDARIES, name);
  const exists = existsSync(file);
  return {
    exists,
    title: (what: string) => (exists ? what : `${what} — SKIPPED: fixture ../shared/data/geo/boundaries/${name} not found`),
    text: () => readFileSync(file, 'utf8'),
  };
};
const renamed = (map: Record<string, string>) => (keys: readonly string[]) => new Map(keys.map((key) => [key, map[key] ?? key]));

describe('boundary properties as a shapefile export cuts them', () => {
  it('cuts names to ten characters and numbers the ones that would repeat', () => {
    const names = shapefileFieldNames(['admin2Pcode', 'admin2AltName1_fr', 'admin2AltName2_fr', 'admin2RefName', 'Shape.STArea()', 'admin2Name']);
    expect([...names.values()]).toEqual(['admin2Pcod', 'admin2AltN', 'admin2Al_1', 'admin2RefN', 'Shape_STAr', 'admin2Name']);
  });

  for (const [name, level, count] of [
    ['bfa_adm2.topojson', 2, 45],
    ['mli_adm2.topojson', 2, 50],
    ['ner_adm1.topojson', 1, 8],
    ['mli_adm2.geojson', 2, 50],
  ] as const) {
    const file = real(name);
    it.skipIf(!file.exists)(file.title(`${name} with cut property names reads like the original`), () => {
      const original = parseBoundaries(file.text());
      const cut = parseBoundaries(renameProperties(file.text()));
      expect(cut.refused).toEqual([]);
      expect(cut.level).toBe(level);
      expect(cut.units).toHaveLength(count);
      expect(cut.units.map((unit) => [unit.pcode, unit.name, unit.parentPcode])).toEqual(original.units.map((unit) => [unit.pcode, unit.name, unit.parentPcode]));
      expect(cut.propertyNames.pcode).toBe(`admin${level}Pcod`);
    });
  }

  const geojson = real('mli_adm2.geojson');
  it.skipIf(!geojson.exists)(geojson.title('reads the parent, the reference name and the date from the cut COD GeoJSON'), () => {
    const cut = parseBoundaries(renameProperties(geojson.text()));
    expect(cut.propertyNames).toMatchObject({ pcode: 'admin2Pcod', name: 'admin2Name', parent: 'admin1Pcod', validOn: 'validOn' });
    expect(cut.propertyNames.altNames).toContain('admin2RefN');
  });
});

describe('boundary properties known by their values', () => {
  const cercles = real('mli_adm2.topojson');
  it.skipIf(!cercles.exists)(cercles.title('finds codes and names in properties whose names say nothing'), () => {
    const text = renameProperties(cercles.text(), renamed({ admin2Pcode: 'CODE_CERCL', admin2Name: 'NOM_CERCLE' }));
    const parsed = parseBoundaries(text);
    expect(parsed.refused).toEqual([]);
    expect(parsed.level).toBe(2);
    expect(parsed.units).toHaveLength(50);
    expect(parsed.propertyNames).toMatchObject({ pcode: 'CODE_CERCL', name: 'NOM_CERCLE' });
    expect(parsed.units.find((unit) => unit.pcode === 'ML0901')?.name).toBe('Bamako');
  });

  it('reads DTM-style codes (MLI0901) and copies of one code column as one property', () => {
    const file = JSON.stringify({
      type: 'FeatureCollection',
      features: ['MLI0901', 'MLI0801'].map((code, index) => ({
        type: 'Feature',
        properties: { code, code_copy: code, label: `Unit ${index}` },
        geometry: { type: 'Polygon', coordinates: [[[index, 0], [index + 1, 0], [index + 1, 1], [index, 1], [index, 0]]] },
      })),
    });
    const parsed = parseBoundaries(file);
    expect(parsed.units.map((unit) => unit.pcode)).toEqual(['ML0901', 'ML0801']);
    expect(parsed.propertyNames.pcode).toBe('code');
    expect(parsed.units.map((unit) => unit.name)).toEqual(['Unit 0', 'Unit 1']);
  });

  const ambiguous = JSON.stringify({
    type: 'FeatureCollection',
    features: [
      ['ML0901', 'ML0101', 'Bamako'],
      ['ML0801', 'ML0102', 'Abeibara'],
    ].map(([current, old, name], index) => ({
      type: 'Feature',
      properties: { code_2019: old, code_2021: current, nom: name },
      geometry: { type: 'Polygon', coordinates: [[[index, 0], [index + 1, 0], [index + 1, 1], [index, 1], [index, 0]]] },
    })),
  });

  it('refuses two properties holding different codes of one level, naming both, until the user names one', () => {
    const error = appErrorOf(() => parseBoundaries(ambiguous));
    expect(error.code).toBe('geo.import.pcodePropertyAmbiguous');
    expect(error.params).toMatchObject({ level: 2 });
    expect(String(error.params.properties)).toContain('code_2019');
    expect(String(error.params.properties)).toContain('code_2021');

    const chosen = parseBoundaries(ambiguous, { pcodeProperty: 'code_2021', nameProperty: 'nom' });
    expect(chosen.units.map((unit) => [unit.pcode, unit.name])).toEqual([
      ['ML0901', 'Bamako'],
      ['ML0801', 'Abeibara'],
    ]);
  });

  it('refuses a named property the features do not have, or one without P-codes', () => {
    expect(appErrorOf(() => parseBoundaries(ambiguous, { pcodeProperty: 'admin2Pcode' })).code).toBe('geo.import.propertyNotFound');
    expect(appErrorOf(() => parseBoundaries(ambiguous, { nameProperty: 'name' })).code).toBe('geo.import.propertyNotFound');
    expect(appErrorOf(() => parseBoundaries(ambiguous, { pcodeProperty: 'nom' })).code).toBe('geo.import.propertyNotPcodes');
  });

  it('still refuses a file where nothing reads as a P-code, listing the properties', () => {
    const file = squaresGeoJson(2, [{ pcode: 'XX', name: 'Nowhere', x: 0, y: 0 }]).replaceAll('admin2Pcode', 'identifier');
    const error = appErrorOf(() => parseBoundaries(file));
    expect(error.code).toBe('geo.import.noPcodeProperty');
    expect(String(error.params.properties)).toContain('identifier');
  });
});
