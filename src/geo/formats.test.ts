import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectGeoFormat, parseGazetteer, parsePcodeLengths, parsePopulation } from './formats.js';
import { loadSchemesFromLengthsCsv } from './pcode.js';
import { appErrorOf } from '../../test/support/errors.js';
import { countBy, sharedFixture } from '../../test/support/fixtures.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

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
    const file = sharedFixture(relative);
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
  const gazetteer = sharedFixture('geo/global_pcodes_sahel.csv');

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

describe('parsePopulation', () => {
  const bfa2 = sharedFixture('population/population_bfa_bfa_admpop_adm2_2023_5yr.csv');
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

  const mli2 = sharedFixture('population/population_mli_mli_pop_adm2_v2.csv');
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

  const bfa0 = sharedFixture('population/population_bfa_bfa_admpop_adm0_2023_5yr.csv');
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
  const lengths = sharedFixture('geo/global_pcode_lengths.csv');
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
