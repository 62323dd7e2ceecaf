/**
 * Tables out of Liptako: CSV and XLSX with a header row and an HXL hashtag row, shared by every
 * module's exports (plans, DTM figures, 4W, publishing). Pure apart from exceljs.
 *
 * Every text cell is neutralised against spreadsheet formula injection (OWASP "CSV injection"):
 * a donor called `=HYPERLINK("http://evil","x")` arrives from an import and must leave as text,
 * never as a live formula on a partner's laptop. Numbers are never altered.
 */
import type ExcelJS from 'exceljs';
import { utcDateOf } from '../shared/dates.js';
import { csvText } from './csv.js';

export interface ExportColumn<Row> {
  /** Stable machine name (API field, JSON key). */
  key: string;
  /** Human header, in the language of the export. */
  header: string;
  /** HXL hashtag with attributes (`#value+funding+total+usd`), or null for an untagged column. */
  hxl: string | null;
  value: (row: Row) => string | number | null;
  /**
   * How XLSX shows the column: `number` cells get a thousands format; `date` cells holding
   * `YYYY-MM-DD` become real dates. CSV writes every value as is. Default `text`.
   */
  type?: 'text' | 'number' | 'date';
}

export interface CsvOptions {
  /** Writes the HXL row under the header (when at least one column has a hashtag). Default true. */
  hxl?: boolean;
}

export interface XlsxOptions {
  sheetName: string;
  /** As for CSV. Default true. */
  hxl?: boolean;
  /** A title line above the table (e.g. the plan and the date of the export). */
  title?: string;
}

// ---------------------------------------------------------------------------------------------
// Formula injection
// ---------------------------------------------------------------------------------------------

/**
 * Characters that make a spreadsheet read a cell as a formula (OWASP list), plus their
 * full-width forms, which some Excel builds with East Asian input treat the same way.
 */
const FORMULA_TRIGGER = /^[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/;
/** Whitespace a spreadsheet may skip before reading the first significant character. */
const LEADING_SPACE = /^[\s\u00A0\u1680\u2000-\u200B\u2028\u2029\u202F\u205F\u3000\uFEFF]*/;

/**
 * Defuses a text cell: one starting with `=`, `+`, `-`, `@`, a tab or a carriage return (also
 * after leading whitespace) gets a leading apostrophe, which spreadsheets show as text. Applied
 * to text only: numbers are written as numbers, so `-5` in a number column stays -5.
 */
export function neutraliseFormula(text: string): string {
  // Most cells start with a printable ASCII character that is neither whitespace nor a trigger:
  // decided without the regular expressions (the exports call this for every cell).
  const first = text.charCodeAt(0);
  if (first > 0x20 && first < 0x7f && first !== 0x3d && first !== 0x2b && first !== 0x2d && first !== 0x40) return text;
  if (text.startsWith('\t') || text.startsWith('\r')) return `'${text}`;
  const rest = text.replace(LEADING_SPACE, '');
  return FORMULA_TRIGGER.test(rest) ? `'${text}` : text;
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/** Plain decimal notation, never exponent notation nor thousands separators; NaN/∞ → empty. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '';
  if (Object.is(value, -0)) return '0';
  const text = String(value);
  if (!text.includes('e')) return text;
  if (Math.abs(value) >= 1) return BigInt(value).toString(); // ≥ 1e21: an integer in binary
  // Below 1e-6: the shortest exact digits, moved behind the decimal point.
  const [mantissa = '', exponent = '0'] = text.split('e');
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace(/^-/, '').replace('.', '');
  const zeros = -Number(exponent) - 1;
  return `${negative ? '-' : ''}0.${'0'.repeat(zeros)}${digits}`;
}

/** A cell as the CSV writer gets it: numbers in plain notation, text with formulas neutralised. */
function csvCell(value: string | number | null): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return formatNumber(value);
  return neutraliseFormula(value);
}

function withHxl<Row>(columns: ReadonlyArray<ExportColumn<Row>>, option: boolean | undefined): boolean {
  return option !== false && columns.some((column) => column.hxl !== null && column.hxl !== '');
}

/**
 * A CSV file as text: UTF-8 BOM (so that Excel reads Ségou and Tillabéri correctly), the header
 * row, the HXL row, then the data; CRLF line ends (RFC 4180); null → empty cell.
 */
export function toCsv<Row>(columns: ReadonlyArray<ExportColumn<Row>>, rows: Iterable<Row>, options: CsvOptions = {}): string {
  const lines: Array<Array<string | null>> = [columns.map((column) => csvCell(column.header))];
  if (withHxl(columns, options.hxl)) lines.push(columns.map((column) => csvCell(column.hxl)));
  for (const row of rows) lines.push(columns.map((column) => csvCell(column.value(row))));
  return csvText(lines, { bom: true });
}

// ---------------------------------------------------------------------------------------------
// XLSX
// ---------------------------------------------------------------------------------------------

/** Excel refuses longer cells (and "repairs" the file by dropping them). */
const XLSX_MAX_CELL = 32_767;
/**
 * Characters XML 1.0 cannot carry (C0 controls other than tab and line ends, lone surrogates,
 * U+FFFE/U+FFFF): one of them in a cell makes Excel declare the whole file corrupt.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function xlsxText(value: string): string {
  let text = neutraliseFormula(value).replace(XML_INVALID, '\uFFFD');
  if (text.length > XLSX_MAX_CELL) {
    const end = /[\uD800-\uDBFF]/.test(text.charAt(XLSX_MAX_CELL - 2)) ? XLSX_MAX_CELL - 2 : XLSX_MAX_CELL - 1;
    text = `${text.slice(0, end)}…`;
  }
  return text;
}

/** Excel sheet names: ≤ 31 characters, none of []:*?/\, not blank, no apostrophe at either end. */
function sheetTitle(name: string): string {
  const cleaned = name
    .replace(XML_INVALID, '')
    .replace(/[[\]:*?/\\]/g, ' ')
    .replace(/^'+|'+$/g, '')
    .trim()
    .slice(0, 31)
    .trim();
  return cleaned === '' ? 'Data' : cleaned;
}

/** Whole numbers with thousands separators; others keep up to ten decimals (exchange rates). */
const INTEGER_FORMAT = '#,##0';
const DECIMAL_FORMAT = '#,##0.00########';

/** Width in characters of the longest line of a value (for column widths). */
function displayLength(value: string | number | null): number {
  if (value === null) return 0;
  const text = typeof value === 'number' ? value.toLocaleString('en-US', { maximumFractionDigits: 10 }) : value;
  return Math.max(...text.split(/\r?\n/).map((line) => line.length));
}

/** Rows looked at to size columns: enough to be representative, cheap on large exports. */
const WIDTH_SAMPLE = 500;

/**
 * An XLSX workbook with one sheet: optional title line, bold header row, italic grey HXL row,
 * frozen above the data; numbers as numbers, text cells neutralised and written as plain strings
 * (exceljs only writes formulas from `{ formula }` objects, which this never creates), ISO dates
 * in `date` columns as real dates. Non-finite numbers become empty cells.
 */
export async function toXlsx<Row>(
  columns: ReadonlyArray<ExportColumn<Row>>,
  rows: Iterable<Row>,
  options: XlsxOptions,
): Promise<Buffer> {
  // Loaded on first use: exceljs is large, and CSV exports or the CLI's start should not pay for it.
  const { default: excel } = await import('exceljs');
  const workbook: ExcelJS.Workbook = new excel.Workbook();
  workbook.creator = 'Liptako';
  workbook.created = new Date(0); // a fixed date: the same data gives the same file
  const sheet = workbook.addWorksheet(sheetTitle(options.sheetName));
  const widths = columns.map((column) => Math.max(displayLength(column.header), displayLength(column.hxl)));

  let frozen = 0;
  if (options.title !== undefined && options.title !== '') {
    const titleRow = sheet.addRow([xlsxText(options.title)]);
    titleRow.font = { bold: true, size: 14 };
    frozen += 1;
  }
  const headerRow = sheet.addRow(columns.map((column) => xlsxText(column.header)));
  headerRow.font = { bold: true };
  frozen += 1;
  if (withHxl(columns, options.hxl)) {
    const hxlRow = sheet.addRow(columns.map((column) => (column.hxl === null ? null : xlsxText(column.hxl))));
    hxlRow.font = { italic: true, color: { argb: 'FF808080' } };
    frozen += 1;
  }

  let count = 0;
  for (const row of rows) {
    const values = columns.map((column) => column.value(row));
    const excelRow = sheet.addRow([]);
    values.forEach((value, index) => {
      const column = columns[index];
      if (value === null || value === undefined || column === undefined) return;
      const cell = excelRow.getCell(index + 1);
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) return;
        cell.value = value;
        cell.numFmt = Number.isInteger(value) ? INTEGER_FORMAT : DECIMAL_FORMAT;
      } else {
        const date = column.type === 'date' ? utcDateOf(value) : null;
        if (date !== null) {
          cell.value = date;
          cell.numFmt = 'yyyy-mm-dd';
        } else {
          cell.value = xlsxText(value);
        }
      }
      if (count < WIDTH_SAMPLE) widths[index] = Math.max(widths[index] ?? 0, displayLength(value));
    });
    count += 1;
  }

  columns.forEach((_, index) => {
    sheet.getColumn(index + 1).width = Math.min(Math.max((widths[index] ?? 0) + 2, 8), 60);
  });
  sheet.views = [{ state: 'frozen', xSplit: 0, ySplit: frozen }];

  const written = await workbook.xlsx.writeBuffer();
  // exceljs types its result as its own ArrayBuffer-like "Buffer"; on Node it is a real Buffer.
  return Buffer.isBuffer(written) ? written : Buffer.from(written);
}
