import { describe, expect, it } from 'vitest';
import { parseCsv } from './tabular.js';
import { csvText } from './csv.js';

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
