/**
 * Reads an uploaded round file (CSV or XLSX as Kobo/ODK export it or people type it in Excel)
 * as a stream of rows, so a file of a million rows never becomes one array. Knows nothing about
 * DTM columns: it finds the sheets, the header row and an optional HXL row under it.
 */
import { Readable } from 'node:stream';
import { parse as parseCsvStream, CsvError, type Parser } from 'csv-parse';
import yauzl from 'yauzl';
import { AppError } from '../core/errors.js';
import { assertText, decodeTextChunks, detectDelimiter, truncateForEcho, uniqueHeader } from '../core/tabular.js';
import { isHxlRow } from './fields.js';

export type RoundFileFormat = 'csv' | 'xlsx';

/** A cell as read: text from CSV; text, number or date from XLSX; null when empty. */
export type Cell = string | number | Date | null;

export interface RawRow {
  /** 1-based row number as the spreadsheet shows it. */
  row: number;
  cells: Cell[];
}

export interface SheetPreview {
  name: string;
  headerRow: number;
  headers: string[];
  hxl: string[] | null;
  /** The first data rows, as text, for the column-mapping step. */
  samples: string[][];
  /** Data rows counted while previewing (exact for CSV and for XLSX sheets). */
  rows: number;
}

export interface FilePreview {
  format: RoundFileFormat;
  sheets: SheetPreview[];
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0];

/** What a workbook may unpack to: real DTM workbooks are a few hundred MB at most. */
export const XLSX_MAX_UNPACKED = 1024 * 1024 * 1024;
/** Compression ratio above which an entry is a bomb, not a spreadsheet (XML compresses ~10–30×). */
const XLSX_MAX_RATIO = 200;

export function detectFormat(bytes: Uint8Array, fileName: string): RoundFileFormat {
  if (ZIP.every((byte, index) => bytes[index] === byte)) return 'xlsx';
  if (OLE2.every((byte, index) => bytes[index] === byte)) throw new AppError('dtm.import.oldExcel', { file: truncateForEcho(fileName, 80) });
  return 'csv';
}

function openZip(bytes: Uint8Array): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { lazyEntries: true, validateEntrySizes: true }, (error, zip) => {
      if (error || !zip) reject(new AppError('dtm.import.brokenXlsx', {}, { cause: error }));
      else resolve(zip);
    });
  });
}

/**
 * Reads the zip's central directory before anything is inflated: a truncated file, a file that
 * is not a workbook, and a zip bomb (huge unpacked size or ratio) are refused here.
 */
export async function checkWorkbook(bytes: Uint8Array): Promise<void> {
  const zip = await openZip(bytes);
  let unpacked = 0;
  let hasWorkbook = false;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        unpacked += entry.uncompressedSize;
        if (entry.fileName === 'xl/workbook.xml') hasWorkbook = true;
        const ratio = entry.compressedSize === 0 ? (entry.uncompressedSize === 0 ? 1 : Infinity) : entry.uncompressedSize / entry.compressedSize;
        if (unpacked > XLSX_MAX_UNPACKED || (entry.uncompressedSize > 1024 * 1024 && ratio > XLSX_MAX_RATIO)) {
          reject(new AppError('dtm.import.zipBomb'));
          return;
        }
        zip.readEntry();
      });
      zip.on('end', () => resolve());
      zip.on('error', (error: unknown) => reject(new AppError('dtm.import.brokenXlsx', {}, { cause: error })));
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  if (!hasWorkbook) throw new AppError('dtm.import.brokenXlsx');
}

function cellOfXlsx(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value;
  if (typeof value === 'object') {
    // Formulas keep their cached result: Liptako never evaluates a formula from a file.
    if ('formula' in value || 'sharedFormula' in value) {
      const result = (value as { result?: unknown }).result;
      if (result === undefined || (typeof result === 'object' && result !== null && 'error' in result)) return null;
      return cellOfXlsx(result);
    }
    if ('richText' in value && Array.isArray(value.richText)) {
      return (value.richText as Array<{ text?: string }>).map((part) => part.text ?? '').join('');
    }
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('error' in value) return null;
  }
  return null;
}

/** Rows come in batches: one await per batch, not per row, on files of a million rows. */
export interface RowBatch {
  sheet: string;
  rows: RawRow[];
}

const BATCH_ROWS = 2_000;

async function* xlsxRows(bytes: Uint8Array, sheetName: string | null): AsyncGenerator<RowBatch> {
  await checkWorkbook(bytes);
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    styles: 'cache',
    entries: 'ignore',
  });
  try {
    for await (const worksheet of reader) {
      const name = (worksheet as unknown as { name?: string }).name ?? `Sheet${String((worksheet as unknown as { id?: number }).id ?? '')}`;
      if (sheetName !== null && name !== sheetName) {
        // Rows must still be drained for the reader to move on to the next sheet.
        for await (const _row of worksheet) void _row;
        continue;
      }
      let batch: RawRow[] = [];
      for await (const row of worksheet) {
        const values = (row as unknown as { values: unknown[] }).values;
        const cells: Cell[] = [];
        for (let index = 1; index < values.length; index += 1) cells.push(cellOfXlsx(values[index]));
        batch.push({ row: (row as unknown as { number: number }).number, cells });
        if (batch.length >= BATCH_ROWS) {
          yield { sheet: name, rows: batch };
          batch = [];
        }
      }
      if (batch.length > 0) yield { sheet: name, rows: batch };
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('dtm.import.brokenXlsx', {}, { cause: error });
  }
}

async function* csvRows(bytes: Uint8Array): AsyncGenerator<RowBatch> {
  const utf16 = assertText(bytes);
  const chunks: Iterable<string> = utf16 !== null ? [utf16.charCodeAt(0) === 0xfeff ? utf16.slice(1) : utf16] : decodeTextChunks(bytes, 256 * 1024);
  let parser: Parser | null = null;
  let row = 0;
  const records = (): RawRow[] => {
    const batch: RawRow[] = [];
    // The parser is a stream, but it parses each written chunk synchronously: its records are
    // drained here at once, so a batch costs one await instead of one per row.
    for (let record = parser!.read() as string[] | null; record !== null; record = parser!.read() as string[] | null) {
      row += 1;
      const cells = record as Cell[];
      for (let index = 0; index < cells.length; index += 1) if (cells[index] === '') cells[index] = null;
      batch.push({ row, cells });
    }
    return batch;
  };
  let failure: Error | null = null;
  const settle = (): void => {
    if (failure !== null) throw failure;
  };
  try {
    for (const chunk of chunks) {
      if (parser === null) {
        parser = parseCsvStream({
          delimiter: detectDelimiter(chunk.slice(0, 64 * 1024)),
          relax_column_count: true,
          relax_quotes: true,
          skip_empty_lines: false,
          max_record_size: 1024 * 1024,
        });
        parser.on('error', (error) => {
          failure = error;
        });
      }
      // Not awaited: the stream would hold its callback until its records are read, below.
      parser.write(chunk);
      const batch = records();
      settle();
      if (batch.length > 0) yield { sheet: 'CSV', rows: batch };
      // Let the event loop breathe between chunks: other requests are served meanwhile.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (parser === null) throw new AppError('import.empty');
    parser.end();
    await new Promise((resolve) => setImmediate(resolve));
    const rest = records();
    settle();
    if (rest.length > 0) yield { sheet: 'CSV', rows: rest };
  } catch (error) {
    if (error instanceof CsvError) {
      if (error.code === 'CSV_QUOTE_NOT_CLOSED') throw new AppError('import.unclosedQuote', { row: row + 1 }, { cause: error });
      throw new AppError('import.malformedCsv', { row: row + 1 }, { cause: error, details: { reason: error.code } });
    }
    throw error;
  } finally {
    parser?.destroy();
  }
}

/** Every row of the file (or of one sheet of a workbook), header included, in batches. */
export function readRows(bytes: Uint8Array, format: RoundFileFormat, sheetName: string | null = null): AsyncGenerator<RowBatch> {
  return format === 'xlsx' ? xlsxRows(bytes, sheetName) : csvRows(bytes);
}

export function cellText(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
  return String(cell);
}

const isBlank = (cells: readonly Cell[]): boolean => cells.every((cell) => cellText(cell).trim() === '');

/** Header cells as names: the same rules as every other import (core/tabular `uniqueHeader`). */
export function headerNames(cells: readonly Cell[]): string[] {
  return uniqueHeader(cells.map(cellText));
}

export interface TableRow {
  row: number;
  cells: Cell[];
}

export interface Table {
  sheet: string;
  headerRow: number;
  headers: string[];
  hxl: string[] | null;
  /** Data rows in batches, blank rows left out (their numbers still count). */
  rows: AsyncGenerator<TableRow[]>;
}

/**
 * Splits a sheet's rows into header, optional HXL row and data rows. Returns null for a sheet
 * with no header.
 */
export async function openTable(batches: AsyncGenerator<RowBatch>): Promise<Table | null> {
  let pending: RawRow[] = [];
  let sheet = '';
  const nextRow = async (): Promise<RawRow | null> => {
    while (pending.length === 0) {
      const next = await batches.next();
      if (next.done === true) return null;
      sheet = next.value.sheet;
      pending = next.value.rows;
    }
    return pending.shift()!;
  };
  let header: RawRow | null = null;
  for (let candidate = await nextRow(); candidate !== null; candidate = await nextRow()) {
    if (!isBlank(candidate.cells)) {
      header = candidate;
      break;
    }
  }
  if (header === null) return null;
  const headers = headerNames(header.cells);
  const afterHeader = await nextRow();
  let hxl: string[] | null = null;
  if (afterHeader !== null) {
    const cells = afterHeader.cells.map(cellText);
    if (isHxlRow(cells)) hxl = headers.map((_name, index) => cells[index] ?? '');
    else pending.unshift(afterHeader);
  }
  async function* data(): AsyncGenerator<TableRow[]> {
    try {
      let batch = pending.filter((row) => !isBlank(row.cells));
      pending = [];
      if (batch.length > 0) yield batch;
      for (;;) {
        const next = await batches.next();
        if (next.done === true) return;
        batch = next.value.rows.filter((row) => !isBlank(row.cells));
        if (batch.length > 0) yield batch;
      }
    } finally {
      await batches.return(undefined);
    }
  }
  return { sheet, headerRow: header.row, headers, hxl, rows: data() };
}

/** Lines of a text file, counted on the bytes: an estimate for progress (a quoted line break counts twice). */
function countLines(bytes: Uint8Array): number {
  let lines = 0;
  for (let index = bytes.indexOf(0x0a); index !== -1; index = bytes.indexOf(0x0a, index + 1)) lines += 1;
  return bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a ? lines + 1 : lines;
}

/** Sheets, headers, HXL rows and a few sample rows, for the user to confirm the column mapping. */
export async function previewRoundFile(bytes: Uint8Array, fileName: string, sampleSize = 5): Promise<FilePreview> {
  if (bytes.length === 0) throw new AppError('import.empty');
  const format = detectFormat(bytes, fileName);
  const sheetNames: string[] = [];
  if (format === 'xlsx') {
    for await (const batch of readRows(bytes, format)) if (!sheetNames.includes(batch.sheet)) sheetNames.push(batch.sheet);
  } else sheetNames.push('CSV');
  const sheets: SheetPreview[] = [];
  for (const name of sheetNames) {
    const table = await openTable(readRows(bytes, format, format === 'xlsx' ? name : null));
    if (table === null) continue;
    const samples: string[][] = [];
    let count = 0;
    for await (const batch of table.rows) {
      count += batch.length;
      for (const row of batch.slice(0, sampleSize - samples.length)) {
        samples.push(table.headers.map((_header, index) => truncateForEcho(cellText(row.cells[index]), 80)));
      }
      // A CSV is not read to its end here: its rows are counted from its line breaks below.
      if (format === 'csv' && samples.length >= sampleSize) break;
    }
    if (format === 'csv') count = Math.max(count, countLines(bytes) - (table.hxl === null ? 1 : 2) - (table.headerRow - 1));
    sheets.push({ name: table.sheet || name, headerRow: table.headerRow, headers: table.headers, hxl: table.hxl, samples, rows: count });
  }
  if (sheets.length === 0) throw new AppError('import.empty');
  return { format, sheets };
}
