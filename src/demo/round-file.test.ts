import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../core/tabular.js';
import { suggestMapping } from '../displacement/fields.js';
import { type RoundField } from '../shared/displacement.js';
import { demoOperation, type RoundFileRow } from './dtm-geography.js';
import { generateBenchRound, generateRoundRows, type InjectedProblem } from './dtm-generator.js';
import { generateOperationPlan } from './dtm-model.js';
import {
  VALUE_LABELS,
  dataRowNumber,
  roundFileFields,
  roundFileHeaders,
  writeRoundCsv,
  writeRoundCsvFile,
  writeRoundXlsx,
  type RoundCsvOptions,
  type RoundFileStyle,
} from './round-file.js';

const SEED = 7;
const AGES = ['0-4', '5-17', '18-59', '60+'];
const mali = demoOperation('MLI-CONFLICT');
const maliRounds = generateOperationPlan(SEED, { operations: [mali] })[0]?.rounds ?? [];
const round = (number: number, type: 'BA' | 'SA') => {
  const found = maliRounds.find((plan) => plan.number === number && plan.assessmentType === type);
  if (found === undefined) throw new Error('no such round');
  return found;
};

const tmp = mkdtempSync(join(tmpdir(), 'liptako-round-file-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The value a cell holds once read back, with labels turned back into codes. */
function decode(field: RoundField, text: string, style: RoundFileStyle): string {
  const labels = VALUE_LABELS[style];
  if (field === 'populationGroup') return Object.entries(labels.populationGroup).find(([, label]) => label === text)?.[0] ?? text;
  if (field === 'reason') return Object.entries(labels.reason).find(([, label]) => label === text)?.[0] ?? text;
  return text;
}

const expected = (value: string | number | null | undefined): string => (value === null || value === undefined ? '' : String(value));

describe('roundFileHeaders', () => {
  const cases = (['en', 'fr'] as const).flatMap((style) =>
    (['ML', 'BF', 'NE'] as const).flatMap((country) =>
      (['BA', 'SA'] as const).flatMap((assessmentType) => [AGES, ['0-17', '18+'], ['0-5', '6-11', '12-17', '18-59', '60+']].map((ages) => ({ style, country, assessmentType, ages }))),
    ),
  );

  it.each(cases)('$style $country $assessmentType $ages: every header and every HXL tag is recognised by suggestMapping', ({ style, country, assessmentType, ages }) => {
    const layout = roundFileHeaders(ages, style, { country, assessmentType });
    const wanted = Object.fromEntries(layout.headers.map((header, index) => [header, layout.fields[index]]));
    expect(new Set(layout.headers).size).toBe(layout.headers.length);
    // Header and hashtag together, the header alone, the hashtag alone (under meaningless headers).
    expect(suggestMapping(layout.headers, layout.hxl, ages)).toEqual(wanted);
    expect(suggestMapping(layout.headers, null, ages)).toEqual(wanted);
    const blind = layout.hxl.map((_, index) => `column ${index + 1}`);
    expect(suggestMapping(blind, layout.hxl, ages)).toEqual(Object.fromEntries(blind.map((header, index) => [header, layout.fields[index]])));
  });

  it('speaks each language', () => {
    const en = roundFileHeaders(AGES, 'en');
    expect(en.headers).toEqual(expect.arrayContaining(['Admin2 Pcode', 'Households', 'Individuals', 'Females 0-4', 'Males 60+', 'Reason for Displacement']));
    expect(en.hxl).toEqual(expect.arrayContaining(['#adm2+code', '#affected+idps+ind', '#affected+f+age0_4', '#affected+m+age60plus']));
    const fr = roundFileHeaders(AGES, 'fr');
    expect(fr.headers).toEqual(expect.arrayContaining(['Pcode cercle', 'Ménages', 'Individus', 'Femmes 0-4', 'Hommes 18-59', 'Raison du déplacement']));
    expect(roundFileHeaders(AGES, 'fr', { country: 'BF' }).headers).toContain('Pcode province');
    expect(roundFileHeaders(AGES, 'fr', { country: 'NE' }).headers).toContain('Pcode département');
    expect(roundFileFields(AGES, 'BA')).not.toContain('latitude');
    expect(roundFileFields(AGES, 'SA')).toContain('latitude');
  });
});

describe('writeRoundCsv', () => {
  const tricky: RoundFileRow[] = [
    {
      admin1Pcode: 'ML05',
      admin2Pcode: 'ML0501 ',
      locationCode: 'ML0501-0001',
      locationName: 'Centre "Kalaba", secteur 2; nord',
      populationGroup: 'returnee-abroad',
      individuals: 12,
      latitude: 14.12345,
      reason: 'natural-disaster',
      assessmentDate: '2020-03-04',
    },
    { admin1Pcode: 'ML05', locationName: 'Deux\nlignes', populationGroup: 'idp', individuals: 'n/a', households: -3, originAdmin1Pcode: null },
  ];

  it.each([
    { style: 'en', hxl: true, delimiter: ',', bom: false },
    { style: 'en', hxl: false, delimiter: ';', bom: true },
    { style: 'fr', hxl: true },
    { style: 'fr', hxl: false, delimiter: ',', bom: false },
  ] as const)('parses back to the same values: %o', (settings) => {
    const problems: InjectedProblem[] = [];
    const rows = [...tricky, ...generateRoundRows(SEED, mali, round(3, 'SA'), { errorRate: 0.02, problems })];
    const options: RoundCsvOptions = { ageRanges: AGES, ...settings };
    const text = [...writeRoundCsv(rows, options)].join('');
    const delimiter = settings.delimiter ?? (settings.style === 'fr' ? ';' : ',');
    expect(text.startsWith('\uFEFF')).toBe(settings.bom ?? settings.style === 'fr');
    expect(text.includes('\r\n')).toBe(true);

    const parsed = parseCsv(text);
    const layout = roundFileHeaders(AGES, settings.style);
    expect(parsed.delimiter).toBe(delimiter);
    expect(parsed.header).toEqual(layout.headers);
    expect(parsed.refused).toEqual([]);
    const records = settings.hxl ? parsed.records.slice(1) : parsed.records;
    if (settings.hxl) expect(parsed.records[0]?.values).toEqual(Object.fromEntries(layout.headers.map((header, index) => [header, layout.hxl[index]])));
    expect(records).toHaveLength(rows.length);
    records.forEach((record, index) => {
      const row = rows[index] ?? {};
      const back = Object.fromEntries(layout.fields.map((field, column) => [field, decode(field, record.values[layout.headers[column] ?? ''] ?? '', settings.style)]));
      expect(back).toEqual(Object.fromEntries(layout.fields.map((field) => [field, expected(row[field])])));
    });
    // A reported problem is found at the row number the file shows.
    for (const problem of problems) {
      const record = parsed.records.find((candidate) => candidate.row === dataRowNumber(problem.rowIndex + tricky.length, settings.hxl));
      expect(record?.values[layout.headers[layout.fields.indexOf('locationCode')] ?? '']).toBe(problem.locationCode);
    }
  });

  it('writes readable labels in the file’s language', () => {
    const rows: RoundFileRow[] = [
      { populationGroup: 'idp', reason: 'conflict' },
      { populationGroup: 'returnee', reason: 'insecurity' },
      { populationGroup: 'returnee-abroad', reason: 'not-reported' },
    ];
    const cells = (style: RoundFileStyle): string[][] => {
      const parsed = parseCsv([...writeRoundCsv(rows, { ageRanges: AGES, style, fields: ['populationGroup', 'reason'] })].join(''));
      return parsed.records.map((record) => Object.values(record.values));
    };
    expect(cells('en')).toEqual([['IDP', 'Conflict'], ['Returnee', 'Insecurity'], ['Returnee from abroad', 'Not reported']]);
    expect(cells('fr')).toEqual([['PDI', 'Conflit'], ['Retournés', 'Insécurité'], ['Rapatriés', 'Non renseigné']]);
  });

  it('writes decimal commas when asked', () => {
    const text = [...writeRoundCsv([{ latitude: 14.5, individuals: 12 }], { ageRanges: AGES, style: 'fr', fields: ['latitude', 'individuals'], decimalComma: true })].join('');
    expect(text).toBe('\uFEFFLatitude;Individus\r\n14,5;12\r\n');
  });

  it('streams 200,000 bench rows in chunks without holding them', () => {
    const before = process.memoryUsage();
    let peak = 0;
    let chunks = 0;
    let characters = 0;
    let lines = 0;
    for (const chunk of writeRoundCsv(generateBenchRound(SEED, 200_000), { ageRanges: AGES, style: 'fr', hxl: true })) {
      chunks += 1;
      characters += chunk.length;
      for (let at = chunk.indexOf('\n'); at !== -1; at = chunk.indexOf('\n', at + 1)) lines += 1;
      expect(chunk.length).toBeLessThan(80 * 1024);
      if (chunks % 50 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before.heapUsed);
    }
    expect(lines).toBe(200_002);
    expect(chunks).toBeGreaterThan(100);
    // ~35 MB of text; held as row objects the same rows take ~360 MB of heap, streamed ~25 MB at peak.
    expect(characters).toBeGreaterThan(30_000_000);
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  }, 120_000);

  it('writes a file on disk through a stream', async () => {
    const path = join(tmp, 'bench.csv');
    const result = await writeRoundCsvFile(path, generateBenchRound(SEED, 20_000), { ageRanges: AGES, style: 'en', hxl: true });
    const bytes = readFileSync(path);
    expect(result).toEqual({ rows: 20_000, bytes: bytes.length });
    const parsed = parseCsv(bytes.toString('utf8'));
    expect(parsed.records).toHaveLength(20_001);
    expect(parsed.records[1]?.values['Location Code']).toMatch(/^ML\d{4}-\d{4}$/);
  }, 60_000);
});

describe('writeRoundXlsx', () => {
  async function load(buffer: Buffer): Promise<ExcelJS.Workbook> {
    const workbook = new ExcelJS.Workbook();
    // exceljs types its input as its own ArrayBuffer-like "Buffer"; a Node Buffer is what it reads.
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
    return workbook;
  }

  it('writes a data sheet behind a notes sheet, with numbers, labels and real dates', async () => {
    const rows = [...generateRoundRows(SEED, mali, round(2, 'SA'), { errorRate: 0 })];
    const buffer = await writeRoundXlsx(rows, { ageRanges: AGES, style: 'fr', hxl: true, sheetName: 'Round 2 SA', extraSheets: true });
    const workbook = await load(buffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Lisez-moi', 'Round 2 SA', 'Listes']);
    const sheet = workbook.getWorksheet('Round 2 SA');
    if (sheet === undefined) throw new Error('no data sheet');
    const layout = roundFileHeaders(AGES, 'fr');
    const rowValues = (number: number): unknown[] => layout.fields.map((_, index) => sheet.getRow(number).getCell(index + 1).value);
    expect(rowValues(1)).toEqual(layout.headers);
    expect(rowValues(2)).toEqual(layout.hxl);
    expect(sheet.rowCount).toBe(rows.length + 2);
    rows.forEach((row, index) => {
      const cells = rowValues(dataRowNumber(index, true));
      layout.fields.forEach((field, column) => {
        const cell = cells[column];
        const value = row[field];
        if (field === 'assessmentDate') {
          expect(cell).toBeInstanceOf(Date);
          expect((cell as Date).toISOString().slice(0, 10)).toBe(value);
        } else if (value === null || value === undefined) {
          expect(cell).toBeNull();
        } else if (typeof value === 'number') {
          expect(cell).toBe(value);
        } else {
          expect(decode(field, String(cell), 'fr')).toBe(value);
        }
      });
    });
    expect(sheet.getRow(3).getCell(layout.fields.indexOf('assessmentDate') + 1).numFmt).toBe('dd/mm/yyyy');
  });

  it('writes a plain single-sheet workbook', async () => {
    const rows = [...generateRoundRows(SEED, mali, round(2, 'BA'), { errorRate: 0 })];
    const workbook = await load(await writeRoundXlsx(rows, { ageRanges: AGES, style: 'en', assessmentType: 'BA', sheetName: 'BA' }));
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['BA']);
    const sheet = workbook.worksheets[0];
    expect(sheet?.rowCount).toBe(rows.length + 1);
    expect(sheet?.getRow(1).getCell(1).value).toBe('Admin1 Pcode');
  });
});
