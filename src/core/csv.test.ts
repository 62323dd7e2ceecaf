import { describe, expect, it } from 'vitest';
import { parseCsv } from './tabular.js';
import { csvLine, csvText, type CsvValue } from './csv.js';

describe('csvText', () => {
  it('quotes what a spreadsheet would split or trim, and doubles quotes', () => {
    expect(csvText([['Ségou', 'a,b', 'say "hi"', 'x;y', ' edge', 'two\nlines', null, 12.5, '']])).toBe(
      'Ségou,"a,b","say ""hi""","x;y"," edge","two\nlines",,12.5,\r\n',
    );
  });
  it('writes the delimiter, line end and byte order mark asked for', () => {
    expect(csvText([['a', 'b;c'], ['1', '2']], { delimiter: ';', eol: '\n', bom: true })).toBe('\uFEFFa;"b;c"\n1;2\n');
  });
  it('is read back as written by the import parser', () => {
    const rows = [['Location', 'Name'], ['ML0101', 'Kayes, "ville"'], ['ML0102', 'Bafoulabé; cercle'], ['ML0103', 'a\r\nb']];
    const parsed = parseCsv(csvText(rows));
    expect([parsed.header, ...parsed.records.map((record) => parsed.header.map((column) => record.values[column]))]).toEqual(rows);
  });
});

describe('csvLine', () => {
  it('writes the bytes csvText writes, on cells a spreadsheet would read awkwardly', () => {
    const pieces = ['a', 'é', ',', ';', '"', '\t', '\r', '\n', ' ', '\u00A0', '\u3000', '=', '-', "'", 'x y', '\uFEFF', '0'];
    let seed = 7;
    const random = (below: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % below;
    for (let row = 0; row < 500; row++) {
      const cells: CsvValue[] = Array.from({ length: 1 + random(6) }, () => {
        const kind = random(10);
        if (kind === 0) return null;
        if (kind === 1) return undefined;
        if (kind === 2) return random(2000) / 8 - 100;
        return Array.from({ length: random(5) }, () => pieces[random(pieces.length)]).join('');
      });
      expect(csvLine(cells)).toBe(csvText([cells]));
    }
  });
});
