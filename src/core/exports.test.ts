import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { formatNumber, neutraliseFormula, toCsv, toXlsx, type ExportColumn } from './exports.js';

interface Contribution {
  donor: string;
  plan: string | null;
  amount: number | null;
  date: string | null;
}

const columns: Array<ExportColumn<Contribution>> = [
  { key: 'donor', header: 'Bailleur', hxl: '#org+name+funder', value: (row) => row.donor },
  { key: 'plan', header: 'Plan', hxl: '#activity+appeal+id+external', value: (row) => row.plan },
  { key: 'amount', header: 'Montant (USD)', hxl: '#value+funding+total+usd', value: (row) => row.amount, type: 'number' },
  { key: 'date', header: 'Date', hxl: null, value: (row) => row.date, type: 'date' },
];

const HOSTILE = ['=HYPERLINK("http://evil","x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '  =1+1', '\u00A0-3', '＝1+1'];

/** Rows of the CSV as a spreadsheet reads them (BOM dropped). */
function csvRows(text: string): string[][] {
  return parse(text, { bom: true, relax_column_count: true });
}

async function readXlsx(buffer: Buffer): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  // exceljs types its input as its own ArrayBuffer-like "Buffer"; a Node Buffer is what it reads.
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (sheet === undefined) throw new Error('no worksheet');
  return sheet;
}

function allCells(sheet: ExcelJS.Worksheet): ExcelJS.Cell[] {
  const cells: ExcelJS.Cell[] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    row.eachCell({ includeEmpty: false }, (cell) => {
      cells.push(cell);
    });
  });
  return cells;
}

describe('neutraliseFormula', () => {
  it('prefixes an apostrophe to formula triggers, also after leading spaces', () => {
    for (const text of HOSTILE) {
      expect(neutraliseFormula(text), JSON.stringify(text)).toBe(`'${text}`);
    }
  });

  it('leaves ordinary text alone', () => {
    for (const text of ['Burkina Faso', 'HBFA21', '#org+name', '1+1', 'Ségou – Mopti', '', '  ', 'E-mail', "'déjà"]) {
      expect(neutraliseFormula(text)).toBe(text);
    }
  });
});

describe('formatNumber', () => {
  it('writes plain decimals, never exponents or separators', () => {
    expect(formatNumber(607_875_894)).toBe('607875894');
    expect(formatNumber(-2.5)).toBe('-2.5');
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(1e21)).toBe('1000000000000000000000');
    expect(formatNumber(1.5e-7)).toBe('0.00000015');
    expect(formatNumber(-2e-9)).toBe('-0.000000002');
    expect(formatNumber(0.0018293882)).toBe('0.0018293882');
    expect(formatNumber(Number.NaN)).toBe('');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('');
  });
});

describe('toCsv', () => {
  const rows: Contribution[] = [
    { donor: 'Germany, Government of', plan: 'HBFA21', amount: 1_200_000, date: '2021-03-04' },
    { donor: 'ECHO "Humanitarian Aid"', plan: null, amount: -250.5, date: null },
    { donor: 'Ligne 1\nLigne 2', plan: 'HMLI21', amount: null, date: '2021-12-31' },
    { donor: 'Côte d’Ivoire; Sénégal', plan: 'HNER21', amount: 0, date: null },
  ];

  it('starts with a UTF-8 BOM, then the header and HXL rows', () => {
    const csv = toCsv(columns, rows);
    expect(csv.startsWith('\uFEFFBailleur,Plan,Montant (USD),Date\r\n')).toBe(true);
    expect(csv.split('\r\n')[1]).toBe('#org+name+funder,#activity+appeal+id+external,#value+funding+total+usd,');
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('quotes commas, quotes, line breaks and semicolons (RFC 4180)', () => {
    const csv = toCsv(columns, rows);
    expect(csv).toContain('"Germany, Government of",HBFA21,1200000,2021-03-04\r\n');
    expect(csv).toContain('"ECHO ""Humanitarian Aid""",,-250.5,\r\n');
    expect(csv).toContain('"Ligne 1\nLigne 2",HMLI21,,2021-12-31\r\n');
    expect(csv).toContain('"Côte d’Ivoire; Sénégal",HNER21,0,\r\n');
    expect(csvRows(csv).slice(2)).toEqual([
      ['Germany, Government of', 'HBFA21', '1200000', '2021-03-04'],
      ['ECHO "Humanitarian Aid"', '', '-250.5', ''],
      ['Ligne 1\nLigne 2', 'HMLI21', '', '2021-12-31'],
      ['Côte d’Ivoire; Sénégal', 'HNER21', '0', ''],
    ]);
  });

  it('leaves the HXL row out on request, or when no column has a hashtag', () => {
    expect(csvRows(toCsv(columns, rows, { hxl: false }))[1]?.[0]).toBe('Germany, Government of');
    const untagged = columns.map((column) => ({ ...column, hxl: null }));
    expect(csvRows(toCsv(untagged, rows))[1]?.[0]).toBe('Germany, Government of');
  });

  it('neutralises formulas in text cells, never numbers (negative ones included)', () => {
    const hostile = HOSTILE.map((donor, index) => ({ donor, plan: donor, amount: -index - 1, date: null }));
    const parsed = csvRows(toCsv(columns, hostile)).slice(2);
    parsed.forEach((cells, index) => {
      const text = HOSTILE[index] ?? '';
      expect(cells[0]).toBe(`'${text}`);
      expect(cells[1]).toBe(`'${text}`);
      expect(cells[2]).toBe(String(-index - 1));
    });
  });

  it('writes an empty file body for no rows', () => {
    expect(toCsv(columns, [])).toBe('\uFEFFBailleur,Plan,Montant (USD),Date\r\n#org+name+funder,#activity+appeal+id+external,#value+funding+total+usd,\r\n');
  });

  it('property: no text cell of any string starts with a formula trigger', () => {
    const textColumn: Array<ExportColumn<string>> = [{ key: 't', header: 'Texte', hxl: '#description', value: (row) => row }];
    const triggers = /^[\s\u00A0\u2000-\u200B\u3000\uFEFF]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r]/;
    const texts = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', ' ', '"', ',', ';', 'a', '1', '\u00A0', '＝'), maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(texts, { minLength: 1, maxLength: 8 }), (values) => {
        const parsed = csvRows(toCsv(textColumn, values)).slice(2);
        expect(parsed).toHaveLength(values.length);
        parsed.forEach((cells, index) => {
          const cell = cells[0] ?? '';
          expect(triggers.test(cell), JSON.stringify(cell)).toBe(false);
          // Nothing else changes: the original is the cell, or the cell minus its apostrophe.
          const original = values[index] ?? '';
          expect(cell === original || cell === `'${original}`).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('toXlsx', () => {
  it('writes bold headers, an italic grey HXL row, frozen panes, numbers as numbers and real dates', async () => {
    const rows: Contribution[] = [
      { donor: 'Germany, Government of', plan: 'HBFA21', amount: 1_200_000, date: '2021-03-04' },
      { donor: 'Ségou', plan: null, amount: -250.5, date: 'not a date' },
      { donor: 'Mopti', plan: 'HMLI21', amount: null, date: null },
    ];
    const sheet = await readXlsx(await toXlsx(columns, rows, { sheetName: 'Contributions/2021: [draft]', title: 'Plan HBFA21' }));
    expect(sheet.name).toBe('Contributions 2021   draft');
    expect(sheet.getCell('A1').value).toBe('Plan HBFA21');
    expect(sheet.getCell('A1').font?.bold).toBe(true);
    expect(sheet.getRow(2).values).toEqual([undefined, 'Bailleur', 'Plan', 'Montant (USD)', 'Date']);
    expect(sheet.getCell('A2').font?.bold).toBe(true);
    expect(sheet.getCell('A3').value).toBe('#org+name+funder');
    expect(sheet.getCell('A3').font?.italic).toBe(true);
    expect(sheet.getCell('A3').font?.color?.argb).toBe('FF808080');
    expect(sheet.getCell('D3').value).toBeNull();

    expect(sheet.getCell('C4').value).toBe(1_200_000);
    expect(sheet.getCell('C4').numFmt).toBe('#,##0');
    expect(sheet.getCell('C5').value).toBe(-250.5);
    expect(sheet.getCell('C5').type).toBe(ExcelJS.ValueType.Number);
    expect(sheet.getCell('C6').value).toBeNull();
    expect(sheet.getCell('B5').value).toBeNull();
    expect(sheet.getCell('D4').value).toEqual(new Date(Date.UTC(2021, 2, 4)));
    expect(sheet.getCell('D5').value).toBe('not a date');
    expect(sheet.getCell('A5').value).toBe('Ségou');

    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    const width = sheet.getColumn(1).width ?? 0;
    expect(width).toBeGreaterThanOrEqual('Germany, Government of'.length);
    expect(width).toBeLessThanOrEqual(60);
  });

  it('neutralises formulas and never writes a formula cell', async () => {
    const rows = HOSTILE.map((donor, index) => ({ donor, plan: donor, amount: -(index + 1), date: null }));
    const sheet = await readXlsx(await toXlsx(columns, rows, { sheetName: 'Hostile' }));
    HOSTILE.forEach((text, index) => {
      const row = sheet.getRow(index + 3);
      for (const column of [1, 2]) {
        const cell = row.getCell(column);
        expect(cell.type).toBe(ExcelJS.ValueType.String);
        // XML parsers normalise a raw carriage return to a line feed on reading.
        expect(cell.value).toBe(`'${text.replace(/\r/g, '\n')}`);
        expect(typeof cell.value === 'string' && cell.value.startsWith("'")).toBe(true);
      }
      expect(row.getCell(3).value).toBe(-(index + 1));
    });
    for (const cell of allCells(sheet)) {
      expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
      expect(cell.formula).toBeFalsy();
    }
  });

  it('keeps the file valid with control characters, lone surrogates and huge cells', async () => {
    const huge = 'x'.repeat(40_000);
    const rows = [
      { donor: 'bell\u0007 nul\u0000 esc\u001b', plan: 'lone \uD800 high', amount: Number.NaN, date: null },
      { donor: huge, plan: 'ok', amount: Number.POSITIVE_INFINITY, date: null },
    ];
    const sheet = await readXlsx(await toXlsx(columns, rows, { sheetName: '' }));
    expect(sheet.name).toBe('Data');
    expect(sheet.getCell('A3').value).toBe('bell\uFFFD nul\uFFFD esc\uFFFD');
    expect(sheet.getCell('B3').value).toBe('lone \uFFFD high');
    expect(sheet.getCell('C3').value).toBeNull();
    const long = sheet.getCell('A4').value;
    expect(typeof long === 'string' && long.length <= 32_767 && long.endsWith('…')).toBe(true);
    expect(sheet.getCell('C4').value).toBeNull();
  });
});
