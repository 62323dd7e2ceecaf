/**
 * Fuzz tests (property-based) of the decoding and CSV parsing every import stands on: whatever
 * bytes or text arrive, the answer is a result that keeps its promises or a catalogued AppError,
 * never another exception. Inputs are bounded so that every property runs in well under 2 s.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogue } from './errors.js';
import { decodeText, detectDelimiter, parseCsv, type CsvDelimiter, type ParsedCsv } from './tabular.js';
import { FUZZ, expectFilled, settle } from '../../test/support/fuzz.js';

const CSV_ERRORS = ['import.empty', 'import.unclosedQuote', 'import.malformedCsv', 'import.tooManyRows'];

/** What parseCsv promises about any result it returns. */
function checkParsed(parsed: ParsedCsv): void {
  expect(new Set(parsed.header).size, `header names are unique: ${JSON.stringify(parsed.header)}`).toBe(parsed.header.length);
  expect(parsed.header.length).toBeGreaterThan(0);
  expect(parsed.headerRow).toBeGreaterThanOrEqual(1);
  let previous = parsed.headerRow;
  for (const record of parsed.records) {
    expect(record.row).toBeGreaterThan(previous);
    previous = record.row;
    // Every column of the header is an own text value of every record, whatever its name.
    for (const name of parsed.header) {
      expect(Object.hasOwn(record.values, name), `record has column ${JSON.stringify(name)}`).toBe(true);
      expect(typeof record.values[name]).toBe('string');
    }
    expect(Object.keys(record.values)).toHaveLength(parsed.header.length);
  }
  for (const issue of parsed.refused) {
    expect(issue.row).toBeGreaterThan(parsed.headerRow);
    expect(Object.hasOwn(catalogue, issue.code)).toBe(true);
    expectFilled(issue.code, issue.params);
    expect((issue.value ?? '').length).toBeLessThanOrEqual(201);
  }
}

const delimiters: fc.Arbitrary<CsvDelimiter> = fc.constantFrom(',', ';', '\t');

/** Characters that matter to a CSV reader, and a few that only matter to people. */
const csvChar = fc.constantFrom(',', ';', '\t', '"', '\n', '\r', ' ', 'a', 'Z', '0', 'é', '\uFEFF', '\u0000', '\u000B', '€', '𝄞', '\u2028', '\\');

/** Cells a real export or a hostile user may write. */
const cell = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: csvChar, maxLength: 8 }),
  fc.constantFrom('', ' ', 'ML05', 'Mopti', 'Ségou', '1e309', 'NaN', '-0', '<Null>', '#N/A', '=cmd|" /C calc"!A0', '__proto__', 'constructor', 'toString'),
);

/** Header cells, including the names uniqueHeader itself gives (column_2, x (2)) and prototype names. */
const headerCell = fc.oneof(
  fc.constantFrom('', ' ', 'a', 'a (2)', 'a (3)', 'column_1', 'column_2', 'P-Code', 'pcode', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf'),
  fc.string({ maxLength: 6 }),
);

/** Writes cells as a spreadsheet would: quoted when they hold a separator, a quote or a line break. */
function writeCsv(rows: readonly (readonly string[])[], delimiter: CsvDelimiter, lineBreak = '\n'): string {
  const quote = (value: string): string => (/[",;\t\r\n]/.test(value) || value !== value.trim() || value.startsWith('\uFEFF') ? `"${value.replace(/"/g, '""')}"` : value);
  return rows.map((cells) => cells.map(quote).join(delimiter)).join(lineBreak);
}

describe('decodeText (fuzz)', FUZZ, () => {
  it('turns any bytes into text or refuses them as not text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const outcome = settle(() => decodeText(bytes));
        if (outcome.ok) expect(typeof outcome.value).toBe('string');
        else expect(outcome.error.code).toBe('import.notText');
      }),
      { numRuns: 500 },
    );
  });

  it('gives back any UTF-8 text unchanged (BOM removed), control characters aside', () => {
    const isStrayControl = (char: string): boolean => char < ' ' && !'\t\n\u000B\f\r'.includes(char);
    const text = fc.string({ unit: 'binary', maxLength: 200 }).filter((value) => ![...value].some(isStrayControl));
    fc.assert(
      fc.property(text, fc.boolean(), (value, bom) => {
        const bytes = new TextEncoder().encode(value);
        const withBom = bom ? new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]) : bytes;
        const outcome = settle(() => decodeText(withBom));
        // Text that happens to begin with a binary format's signature is refused, by design.
        if (!outcome.ok) return;
        expect(outcome.value).toBe(bom || !value.startsWith('\uFEFF') ? value : value.slice(1));
      }),
      { numRuns: 300 },
    );
  });

  it('reads windows-1252 and UTF-16 text with BOMs, and binary junk after a BOM, without throwing anything else', () => {
    const prefixed = fc.tuple(fc.constantFrom([0xff, 0xfe], [0xfe, 0xff], [0xef, 0xbb, 0xbf], [0x1f, 0x8b], [0x50, 0x4b, 0x03, 0x04], []), fc.uint8Array({ maxLength: 200 }));
    fc.assert(
      fc.property(prefixed, ([prefix, rest]) => {
        const outcome = settle(() => decodeText(new Uint8Array([...prefix, ...rest])));
        if (!outcome.ok) expect(outcome.error.code).toBe('import.notText');
        else expect(outcome.value).not.toContain('\u0000');
      }),
      { numRuns: 400 },
    );
  });
});

describe('parseCsv (fuzz)', FUZZ, () => {
  it('always picks one of the three delimiters', () => {
    fc.assert(
      fc.property(fc.string({ unit: csvChar, maxLength: 60 }), (text) => {
        expect([',', ';', '\t']).toContain(detectDelimiter(text));
      }),
      { numRuns: 300 },
    );
  });

  it('parses any text, with any delimiter and row limit, into records that keep their promises, or a catalogued refusal', () => {
    const text = fc.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: csvChar, maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 60 }));
    const options = fc.record({ delimiter: fc.option(delimiters, { nil: undefined }), maxRecords: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }) });
    fc.assert(
      fc.property(text, options, (value, option) => {
        const outcome = settle(() => parseCsv(value, option));
        if (outcome.ok) checkParsed(outcome.value);
        else expect(CSV_ERRORS).toContain(outcome.error.code);
      }),
      { numRuns: 600 },
    );
  });

  it('reads back what a spreadsheet wrote: every cell verbatim, unique header names, spreadsheet row numbers', () => {
    const table = fc.tuple(delimiters, fc.integer({ min: 1, max: 5 })).chain(([delimiter, width]) =>
      fc.record({
        delimiter: fc.constant(delimiter),
        lineBreak: fc.constantFrom('\n', '\r\n'),
        header: fc.array(headerCell, { minLength: width, maxLength: width }),
        rows: fc.array(fc.array(cell, { minLength: width, maxLength: width }), { maxLength: 6 }),
      }),
    );
    fc.assert(
      fc.property(table, ({ delimiter, lineBreak, header, rows }) => {
        // A header of blanks only is no header (import.empty), and blank rows are skipped by design.
        fc.pre(header.some((name) => name.trim() !== ''));
        const kept = rows.filter((cells) => cells.some((value) => value.trim() !== ''));
        fc.pre(kept.length === rows.length);
        const outcome = settle(() => parseCsv(writeCsv([header, ...rows], delimiter, lineBreak), { delimiter }));
        expect(outcome.ok, outcome.ok ? '' : outcome.error.code).toBe(true);
        if (!outcome.ok) return;
        const parsed = outcome.value;
        checkParsed(parsed);
        expect(parsed.refused).toEqual([]);
        expect(parsed.records.map((record) => record.row)).toEqual(rows.map((_, index) => index + 2));
        parsed.records.forEach((record, index) => {
          expect(parsed.header.map((name) => record.values[name])).toEqual(rows[index]);
        });
      }),
      { numRuns: 400 },
    );
  });

  it('keeps its promises on valid files that were damaged: stray quotes, cut short, BOMs, NULs, lost separators', () => {
    const damaged = fc
      .record({
        delimiter: delimiters,
        rows: fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
        mutations: fc.array(fc.tuple(fc.nat(), fc.constantFrom('"', '\r', '\n', '\uFEFF', '\u0000', ',', ';', '\t', '""', '"\n"', 'DELETE', 'CUT')), { maxLength: 4 }),
      })
      .map(({ delimiter, rows, mutations }) => {
        let text = writeCsv(rows, delimiter);
        for (const [at, change] of mutations) {
          const position = text.length === 0 ? 0 : at % (text.length + 1);
          if (change === 'CUT') text = text.slice(0, position);
          else if (change === 'DELETE') text = text.slice(0, position) + text.slice(position + 1);
          else text = text.slice(0, position) + change + text.slice(position);
        }
        return text;
      });
    fc.assert(
      fc.property(damaged, (text) => {
        const outcome = settle(() => parseCsv(text));
        if (outcome.ok) checkParsed(outcome.value);
        else expect(CSV_ERRORS).toContain(outcome.error.code);
      }),
      { numRuns: 500 },
    );
  });

  it('decodes and parses arbitrary bytes end to end', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const outcome = settle(() => parseCsv(decodeText(bytes)));
        if (outcome.ok) checkParsed(outcome.value);
        else expect(['import.notText', ...CSV_ERRORS]).toContain(outcome.error.code);
      }),
      { numRuns: 400 },
    );
  });

  it('regression: a header that repeats a generated name keeps every column apart', () => {
    // Found by the round-trip property: `a, a, a (2)` named two columns `a (2)`, and one value was lost.
    const parsed = parseCsv('a,a,a (2)\n1,2,3\n');
    expect(parsed.header).toEqual(['a', 'a (2)', 'a (2) (2)']);
    expect(parsed.records[0]?.values).toEqual({ a: '1', 'a (2)': '2', 'a (2) (2)': '3' });
    expect(parseCsv('column_2,,x\n1,2,3\n').header).toEqual(['column_2', 'column_2 (2)', 'x']);
  });

  it('regression: a column named __proto__ is a column like any other', () => {
    // Found by the round-trip property: assigning values['__proto__'] set the record's prototype
    // instead, so the value was lost and the record answered an object for that column.
    const parsed = parseCsv('__proto__,constructor\nx,y\n');
    const values = parsed.records[0]!.values;
    expect(Object.hasOwn(values, '__proto__')).toBe(true);
    expect(values['__proto__']).toBe('x');
    expect(values.constructor).toBe('y');
    expect(Object.keys(values)).toEqual(['__proto__', 'constructor']);
  });
});
