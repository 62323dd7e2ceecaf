/**
 * CSV output, one way for the whole code base: csv-stringify (the csv-parse project's writer) with
 * RFC 4180 quoting made a little wider. Exports add formula neutralisation on top (exports.ts).
 */
import { stringify } from 'csv-stringify/sync';

export type CsvValue = string | number | null | undefined;

export interface CsvTextOptions {
  /** Default `,`. */
  delimiter?: ',' | ';' | '\t';
  /** Default CRLF (RFC 4180). */
  eol?: '\r\n' | '\n';
  /** UTF-8 byte order mark first, so that Excel reads Ségou and Tillabéri correctly. Default false. */
  bom?: boolean;
}

/**
 * Quoted beyond what the delimiter needs: line breaks (csv-stringify looks only for the record
 * delimiter itself, so a lone `\n` in a CRLF file went unquoted), `;` and tab, because French
 * Excel splits on `;` whatever the file says, and edge spaces, which some readers trim.
 */
const ALSO_QUOTED = /[;\t\r\n]|^\s|\s$/;

/**
 * One cell as csvText writes it with its defaults (`,`, CRLF): the same bytes (a test holds
 * them together), written without csv-stringify's per-cell option handling, for the exports that
 * write hundreds of thousands of rows of hundreds of cells.
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? String(value) : value;
  // What csvText quotes with its defaults: the delimiter, a quote, or ALSO_QUOTED.
  if (text === '' || !(text.includes(',') || text.includes('"') || ALSO_QUOTED.test(text))) return text;
  return `"${text.replaceAll('"', '""')}"`;
}

/** One row as csvText writes it with its defaults, its CRLF included. */
export function csvLine(row: readonly CsvValue[]): string {
  let line = '';
  for (let index = 0; index < row.length; index++) line += index === 0 ? csvCell(row[index]) : `,${csvCell(row[index])}`;
  return `${line}\r\n`;
}

/** Rows as CSV text: a quote is doubled, null and undefined are empty cells, every line ends with `eol`. */
export function csvText(rows: Iterable<readonly CsvValue[]>, options: CsvTextOptions = {}): string {
  return stringify(
    Array.from(rows, (row) => [...row]),
    {
      delimiter: options.delimiter ?? ',',
      record_delimiter: options.eol ?? '\r\n',
      bom: options.bom ?? false,
      quoted_match: ALSO_QUOTED,
      cast: { number: (value) => String(value) },
    },
  );
}
