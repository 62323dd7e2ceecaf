import { describe, expect, it } from 'vitest';
import { catalogue, type ErrorCode } from './errors.js';
import { importMessages } from './import-messages.js';
import { decodeText, detectDelimiter, formatRowIssue, parseCsv, rowIssue, truncateForEcho } from './tabular.js';
import { appErrorOf } from '../../test/support/errors.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('decodeText', () => {
  it('reads UTF-8 and strips the BOM', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('Ségou;Tillabéri')]);
    expect(decodeText(bytes)).toBe('Ségou;Tillabéri');
    expect(decodeText(utf8('Mopti'))).toBe('Mopti');
  });

  it('falls back to windows-1252 for text that is not UTF-8 (French Excel on Windows)', () => {
    // "Ségou" in Latin-1, and 0x80 which only windows-1252 reads as the euro sign.
    const bytes = new Uint8Array([0x53, 0xe9, 0x67, 0x6f, 0x75, 0x3b, 0x80]);
    expect(decodeText(bytes)).toBe('Ségou;€');
  });

  it('reads UTF-16 with a BOM (Excel "Unicode text")', () => {
    const text = 'Région\tP-Code';
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i += 1) {
      const code = text.charCodeAt(i);
      bytes[2 + i * 2] = code & 0xff;
      bytes[3 + i * 2] = code >> 8;
    }
    expect(decodeText(bytes)).toBe(text);
  });

  it('refuses a ZIP (XLSX) file and names what it saw', () => {
    const xlsx = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, ...utf8('[Content_Types].xml')]);
    const error = appErrorOf(() => decodeText(xlsx));
    expect(error.code).toBe('import.notText');
    expect(error.params.format).toMatch(/ZIP/);
    expect(error.localisedMessage('fr')).toMatch(/n’est pas un fichier texte/);
  });

  it('refuses an old XLS (OLE2) file', () => {
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]);
    expect(appErrorOf(() => decodeText(xls)).code).toBe('import.notText');
  });

  it('refuses binary junk: NUL bytes, or a density of control characters', () => {
    const junk = new Uint8Array(4096);
    let seed = 42;
    for (let i = 0; i < junk.length; i += 1) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      junk[i] = seed & 0xff;
    }
    junk[100] = 0;
    expect(appErrorOf(() => decodeText(junk)).code).toBe('import.notText');

    const controls = new Uint8Array(200).map((_, i) => (i % 3 === 0 ? 0x01 : 0x41));
    expect(appErrorOf(() => decodeText(controls)).code).toBe('import.notText');
  });

  it('accepts an empty file as empty text (the parsers say it is empty)', () => {
    expect(decodeText(new Uint8Array())).toBe('');
    expect(appErrorOf(() => parseCsv(decodeText(new Uint8Array()))).code).toBe('import.empty');
  });
});

describe('parseCsv', () => {
  it('detects the delimiter from the header line, ignoring delimiters inside quotes', () => {
    expect(detectDelimiter('a,b,c\n1,2,3')).toBe(',');
    expect(detectDelimiter('a;b;c\n1,5;2;3')).toBe(';');
    expect(detectDelimiter('a\tb\n1\t2')).toBe('\t');
    expect(detectDelimiter('"x;y;z",b,c\n')).toBe(',');
    expect(detectDelimiter('single\n1')).toBe(',');
  });

  it('reads a semicolon CSV with BOM and CRLF (French Excel) and trims header cells', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(' Région ;P-Code;Total\r\nSégou;ML04;3 000\r\nMopti;ML05;2500\r\n')]);
    const parsed = parseCsv(decodeText(bytes));
    expect(parsed.delimiter).toBe(';');
    expect(parsed.header).toEqual(['Région', 'P-Code', 'Total']);
    expect(parsed.records).toEqual([
      { row: 2, values: { Région: 'Ségou', 'P-Code': 'ML04', Total: '3 000' } },
      { row: 3, values: { Région: 'Mopti', 'P-Code': 'ML05', Total: '2500' } },
    ]);
  });

  it('reads windows-1252 text into the right accents', () => {
    const latin1 = new Uint8Array([...utf8('name,pcode\n'), 0x53, 0xe9, 0x67, 0x6f, 0x75, ...utf8(',ML04\n')]);
    expect(parseCsv(decodeText(latin1)).records[0]?.values.name).toBe('Ségou');
  });

  it('numbers rows as a spreadsheet does: blank lines count, a multi-line cell does not add rows', () => {
    const text = 'a,b\n1,2\n\n  \n3,"line one\nline two"\n5,6\n';
    const rows = parseCsv(text).records.map((record) => record.row);
    expect(rows).toEqual([2, 5, 6]);
    expect(parseCsv(text).records[1]?.values.b).toBe('line one\nline two');
  });

  it('starts at the first non-blank line and reports where the header is', () => {
    const parsed = parseCsv('\n\nx,y\n1,2\n');
    expect(parsed.headerRow).toBe(3);
    expect(parsed.records).toEqual([{ row: 4, values: { x: '1', y: '2' } }]);
  });

  it('pads short rows and tolerates blank trailing cells', () => {
    const parsed = parseCsv('a,b,c\n1\n1,2,3,,\n');
    expect(parsed.records).toEqual([
      { row: 2, values: { a: '1', b: '', c: '' } },
      { row: 3, values: { a: '1', b: '2', c: '3' } },
    ]);
    expect(parsed.refused).toEqual([]);
  });

  it('refuses rows with extra filled cells (shifted columns) and lists every one', () => {
    const parsed = parseCsv('name,pcode,total\nSégou, Mali,ML04,3000\nMopti,ML05,2500\nGao,ML07,1,2\n');
    expect(parsed.records.map((record) => record.row)).toEqual([3]);
    expect(parsed.refused.map((issue) => [issue.row, issue.code, issue.params])).toEqual([
      [2, 'import.tooManyCells', { found: 4, expected: 3 }],
      [4, 'import.tooManyCells', { found: 4, expected: 3 }],
    ]);
  });

  it('names blank header cells and disambiguates repeated ones', () => {
    const parsed = parseCsv('pcode,,total,total\nML04,x,1,2\n');
    expect(parsed.header).toEqual(['pcode', 'column_2', 'total', 'total (2)']);
    expect(parsed.records[0]?.values).toEqual({ pcode: 'ML04', column_2: 'x', total: '1', 'total (2)': '2' });
  });

  it('refuses an unterminated quote (truncated file) naming the row where it opened', () => {
    const error = appErrorOf(() => parseCsv('name,pcode\nSégou,ML04\n"Mopti,ML05\nGao,ML07\n'));
    expect(error.code).toBe('import.unclosedQuote');
    expect(error.params.row).toBe(3);
    expect(error.localisedMessage('fr')).toContain('ligne 3');
  });

  it('keeps stray quotes inside unquoted cells as text', () => {
    expect(parseCsv('name\nPont "A"\n').records[0]?.values.name).toBe('Pont "A"');
  });

  it('keeps SQL and HTML as plain text, verbatim', () => {
    const text = 'name,note\n"Robert\'); DROP TABLE admin_unit;--","<script>alert(1)</script>"\n';
    expect(parseCsv(text).records[0]?.values).toEqual({
      name: "Robert'); DROP TABLE admin_unit;--",
      note: '<script>alert(1)</script>',
    });
  });

  it('refuses empty and blank files', () => {
    expect(appErrorOf(() => parseCsv('')).code).toBe('import.empty');
    expect(appErrorOf(() => parseCsv('\n \n\r\n')).code).toBe('import.empty');
    expect(parseCsv('a,b\n').records).toEqual([]);
  });

  it('stops at maxRecords', () => {
    const error = appErrorOf(() => parseCsv('a\n1\n2\n3\n', { maxRecords: 2 }));
    expect(error.code).toBe('import.tooManyRows');
    expect(error.status).toBe(413);
  });
});

describe('row issues', () => {
  it('truncates echoed values and string parameters to about 200 characters', () => {
    const long = 'x'.repeat(5000);
    const issue = rowIssue(7, 'P-Code', long, 'geo.import.pcodeInvalid', { value: long, reason: 'r' });
    expect(issue.value?.length).toBeLessThanOrEqual(201);
    expect(String(issue.params.value).length).toBeLessThanOrEqual(201);
    expect(truncateForEcho('😀'.repeat(150), 201)).not.toMatch(/[\uD800-\uDBFF]…$/);
  });

  it('formats a row issue in French and English', () => {
    const issue = rowIssue(12, 'P-Code', 'XX99', 'geo.import.pcodeMissing');
    expect(formatRowIssue(issue, 'en')).toBe('Row 12, column P-Code: The P-code is missing.');
    expect(formatRowIssue(issue, 'fr')).toBe('Ligne 12, colonne P-Code : Le P-code est absent.');
    expect(formatRowIssue({ ...issue, column: null }, 'fr')).toBe('Ligne 12 : Le P-code est absent.');
  });
});

describe('import catalogue entries', () => {
  const placeholders = (template: string): string[] => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

  it('are merged into the one catalogue, each with French and English using the same parameters', () => {
    for (const [code, entry] of Object.entries(importMessages)) {
      expect(catalogue[code as ErrorCode]).toBe(entry);
      expect(entry.fr.length).toBeGreaterThan(0);
      expect(entry.en.length).toBeGreaterThan(0);
      expect(placeholders(entry.fr), code).toEqual(placeholders(entry.en));
    }
  });

  it('include the geo.import entries with the same parameters in both languages', () => {
    for (const [code, entry] of Object.entries(catalogue)) {
      if (!code.startsWith('geo.import.')) continue;
      expect(placeholders(entry.fr), code).toEqual(placeholders(entry.en));
    }
  });
});
