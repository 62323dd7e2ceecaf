/**
 * Reads an uploaded table file (CSV or XLSX as Kobo/ODK export it or people type it in Excel:
 * a DTM round, a 5W sheet, a registry) as a stream of rows, so a file of a million rows never
 * becomes one array. Knows nothing about any module's columns: it finds the sheets, the header
 * row (scored by the caller's own `headerScore`) and an optional HXL row under it, and refuses
 * old .xls files, damaged workbooks and zip bombs before opening them.
 */
import { Readable } from 'node:stream';
import { parse as parseCsvStream, CsvError, type Parser } from 'csv-parse';
import type yauzl from 'yauzl';
import { AppError } from './errors.js';
import { assertText, decodeTextChunks, detectDelimiter, truncateForEcho, uniqueHeader } from './tabular.js';
import { isHxlRow } from './cells.js';
import { inflateEntry, isBomb, openZip } from './zip-files.js';

export type TableFileFormat = 'csv' | 'xlsx';

/** A cell as read: text from CSV; text, number or date from XLSX; null when empty. */
export type Cell = string | number | Date | null;

export interface RawRow {
  /** 1-based row number as the spreadsheet shows it. */
  row: number;
  cells: Cell[];
  /** 0-based indexes of the cells that held a formula (XLSX only; absent when none did). */
  formulas?: number[];
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
  /** How many of its headers Liptako recognises (an HXL row counts double): picks the data sheet. */
  recognised: number;
  /** Non-empty values of each column over the first rows, to judge them before the import runs. */
  values: string[][];
}

/** Rows whose values are judged in the mapping step: enough to see a vocabulary, cheap to read. */
export const VALUE_ROWS = 1_000;

export interface FilePreview {
  format: TableFileFormat;
  /** Visible sheets in the workbook's order (hidden and very hidden sheets are left out). */
  sheets: SheetPreview[];
  /** The sheet that looks like the data: most recognised headers, the first on a tie. */
  suggestedSheet: string;
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0];

/** What a workbook may unpack to: real DTM workbooks are a few hundred MB at most. */
export const XLSX_MAX_UNPACKED = 1024 * 1024 * 1024;

export function detectFormat(bytes: Uint8Array, fileName: string): TableFileFormat {
  if (ZIP.every((byte, index) => bytes[index] === byte)) return 'xlsx';
  if (OLE2.every((byte, index) => bytes[index] === byte)) throw new AppError('import.oldExcel', { file: truncateForEcho(fileName, 80) });
  return 'csv';
}

/** A sheet as the workbook lists it: its real name, whether it is hidden, and its part in the zip. */
export interface WorkbookSheet {
  name: string;
  hidden: boolean;
  /** N of `xl/worksheets/sheetN.xml`, or null when its part is named otherwise. */
  part: number | null;
}

export interface WorkbookListing {
  sheets: WorkbookSheet[];
  /** Dates counted from 1904 (old Mac workbooks) rather than 1900. */
  date1904: boolean;
}

/** The workbook's own small parts read to list its sheets; anything bigger is not a workbook listing. */
const LISTING_MAX_BYTES = 8 * 1024 * 1024;

async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<string> {
  if (entry.uncompressedSize > LISTING_MAX_BYTES) throw new AppError('import.brokenXlsx');
  return (await inflateEntry(zip, entry, 'import.brokenXlsx')).toString('utf8');
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function xmlText(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return XML_ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

function xmlAttributes(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of tag.matchAll(/([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) attributes.set(match[1]!, xmlText(match[3] ?? match[4] ?? ''));
  return attributes;
}

/**
 * The sheets of a workbook from `xl/workbook.xml` and its relationships, read here rather than
 * trusted to the streaming reader: it names a sheet `SheetN` when the workbook part comes after
 * the worksheets in the zip, and it does not skip hidden sheets.
 */
function sheetListing(workbookXml: string, relsXml: string): WorkbookListing {
  const targets = new Map<string, string>();
  for (const match of relsXml.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
    const attributes = xmlAttributes(match[0]);
    const id = attributes.get('Id');
    const target = attributes.get('Target');
    if (id !== undefined && target !== undefined) targets.set(id, target);
  }
  const sheets: WorkbookSheet[] = [];
  for (const match of workbookXml.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const attributes = xmlAttributes(match[0]);
    const name = attributes.get('name');
    if (name === undefined) continue;
    const relation = [...attributes].find(([key]) => key === 'r:id' || key.endsWith(':id'))?.[1];
    const target = relation === undefined ? undefined : targets.get(relation);
    const part = target === undefined ? null : /worksheets\/sheet(\d+)\.xml$/i.exec(target)?.[1];
    const state = attributes.get('state');
    sheets.push({ name, hidden: state === 'hidden' || state === 'veryHidden', part: part === undefined || part === null ? null : Number(part) });
  }
  const properties = /<(?:\w+:)?workbookPr\b[^>]*>/.exec(workbookXml);
  const date1904 = properties === null ? false : ['1', 'true'].includes(xmlAttributes(properties[0]).get('date1904') ?? '');
  return { sheets, date1904 };
}

/**
 * Reads the zip's central directory before anything is inflated: a truncated file, a file that
 * is not a workbook, and a zip bomb (huge unpacked size or ratio) are refused here. Returns the
 * workbook's sheets in its own order.
 */
export async function checkWorkbook(bytes: Uint8Array): Promise<WorkbookListing> {
  const zip = await openZip(bytes);
  let unpacked = 0;
  const listing = new Map<string, yauzl.Entry>();
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        unpacked += entry.uncompressedSize;
        if (entry.fileName === 'xl/workbook.xml' || entry.fileName === 'xl/_rels/workbook.xml.rels') listing.set(entry.fileName, entry);
        if (isBomb(entry, unpacked, XLSX_MAX_UNPACKED)) {
          reject(new AppError('import.zipBomb'));
          return;
        }
        zip.readEntry();
      });
      zip.on('end', () => resolve());
      zip.on('error', (error: unknown) => reject(new AppError('import.brokenXlsx', {}, { cause: error })));
      zip.readEntry();
    });
    const workbook = listing.get('xl/workbook.xml');
    if (workbook === undefined) throw new AppError('import.brokenXlsx');
    const rels = listing.get('xl/_rels/workbook.xml.rels');
    return sheetListing(await readEntry(zip, workbook), rels === undefined ? '' : await readEntry(zip, rels));
  } finally {
    zip.close();
  }
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

type PartWorksheet = AsyncIterable<unknown> & { partNumber?: number; name?: string; id?: number };

async function* xlsxRows(bytes: Uint8Array, sheetName: string | null): AsyncGenerator<RowBatch> {
  const listing = await checkWorkbook(bytes);
  const byPart = new Map(listing.sheets.filter((sheet) => sheet.part !== null).map((sheet) => [sheet.part!, sheet]));
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    styles: 'cache',
    entries: 'ignore',
  });
  // The streaming reader only knows a worksheet by the number of its part (`sheetN.xml`) until it
  // has read the workbook part, which a zip may store last; the part number is kept on each
  // worksheet so its real name comes from the listing above. (exceljs 4.4.0, pinned.)
  const internals = reader as unknown as { _parseWorksheet: (iterator: unknown, sheetNo: string) => Generator<{ eventType: string; value: PartWorksheet }> };
  const parseWorksheet = internals._parseWorksheet.bind(reader);
  // Nor does it know the workbook's date system then, and it fails on the first date cell: it is
  // given the one read from the listing (its own replaces it when it reaches the workbook part).
  // Its sheet model is looked up the same way and must exist before that.
  const early = reader as unknown as { properties?: { model: { date1904: boolean } }; model?: { sheets?: unknown[] } };
  early.properties ??= { model: { date1904: listing.date1904 } };
  early.model ??= { sheets: [] };
  internals._parseWorksheet = function* (iterator: unknown, sheetNo: string) {
    for (const event of parseWorksheet(iterator, sheetNo)) {
      if (event.eventType === 'worksheet') event.value.partNumber = Number(sheetNo);
      yield event;
    }
  };
  try {
    for await (const raw of reader) {
      const worksheet = raw as unknown as PartWorksheet;
      const listed = worksheet.partNumber === undefined ? undefined : byPart.get(worksheet.partNumber);
      const name = listed?.name ?? worksheet.name ?? `Sheet${String(worksheet.id ?? '')}`;
      if (listed?.hidden === true || (sheetName !== null && name !== sheetName)) {
        // Rows must still be drained for the reader to move on to the next sheet.
        for await (const _row of worksheet) void _row;
        continue;
      }
      let batch: RawRow[] = [];
      for await (const row of worksheet) {
        const values = (row as { values: unknown[] }).values;
        const cells: Cell[] = [];
        let formulas: number[] | undefined;
        for (let index = 1; index < values.length; index += 1) {
          const value = values[index];
          if (typeof value === 'object' && value !== null && ('formula' in value || 'sharedFormula' in value)) (formulas ??= []).push(index - 1);
          cells.push(cellOfXlsx(value));
        }
        batch.push(formulas === undefined ? { row: (row as { number: number }).number, cells } : { row: (row as { number: number }).number, cells, formulas });
        if (batch.length >= BATCH_ROWS) {
          yield { sheet: name, rows: batch };
          batch = [];
        }
      }
      // An empty sheet still announces itself, so the listing of sheets is complete.
      yield { sheet: name, rows: batch };
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('import.brokenXlsx', {}, { cause: error });
  }
}

/** The visible sheets of a workbook, in the workbook's order. */
export async function visibleSheets(bytes: Uint8Array): Promise<string[]> {
  return (await checkWorkbook(bytes)).sheets.filter((sheet) => !sheet.hidden).map((sheet) => sheet.name);
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

/**
 * exceljs's streaming reader (4.4.0) now and then skips a whole worksheet when the machine is busy
 * (about one read in 150 under load, seen by the 5W import's tests). A sheet asked for by name that
 * the workbook lists but the read never reached is read again, three reads at most; nothing of it
 * was handed on, so nothing is read twice.
 */
const XLSX_READS = 3;

async function* xlsxSheetRows(bytes: Uint8Array, sheetName: string): AsyncGenerator<RowBatch> {
  for (let attempt = 1; ; attempt += 1) {
    let reached = false;
    for await (const batch of xlsxRows(bytes, sheetName)) {
      reached ||= batch.sheet === sheetName;
      yield batch;
    }
    if (reached || attempt >= XLSX_READS) return;
    const listing = await checkWorkbook(bytes);
    if (!listing.sheets.some((sheet) => sheet.name === sheetName && !sheet.hidden)) return;
  }
}

/** Every row of the file (or of one sheet of a workbook), header included, in batches. */
export function readRows(bytes: Uint8Array, format: TableFileFormat, sheetName: string | null = null): AsyncGenerator<RowBatch> {
  if (format === 'csv') return csvRows(bytes);
  return sheetName === null ? xlsxRows(bytes, null) : xlsxSheetRows(bytes, sheetName);
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

/** Rows looked at to find the header: title rows, notes and blank lines above it are this short. */
const HEADER_SEARCH_ROWS = 30;

/** How many cells of a row read as headers the importing module knows: the header row scores most. */
export type HeaderScore = (cells: readonly string[]) => number;

/** Without a module's own score, a row's filled cells that are not numbers: a header is words. */
export const filledTextCells: HeaderScore = (cells) => cells.filter((cell) => cell.trim() !== '' && !Number.isFinite(Number(cell.trim()))).length;

export interface OpenTableOptions {
  /** The header row the user chose (1-based, as the spreadsheet shows it); found by itself otherwise. */
  headerRow?: number | null;
  headerScore?: HeaderScore;
}

/**
 * The header among the first rows of a sheet: the row followed by an HXL row, else the row with
 * the most recognised headers, else the first non-blank row. Title rows, merged title cells
 * (one filled cell) and blank lines above the header are passed over.
 */
function pickHeader(rows: readonly RawRow[], headerScore: HeaderScore): { index: number; score: number } | null {
  let best: { index: number; score: number } | null = null;
  for (let index = 0; index < rows.length; index += 1) {
    const cells = rows[index]!.cells.map(cellText);
    if (isBlank(rows[index]!.cells) || isHxlRow(cells)) continue;
    const next = rows[index + 1];
    const hxlBelow = next !== undefined && isHxlRow(next.cells.map(cellText));
    const score = headerScore(cells) + (hxlBelow ? 1000 : 0);
    if (best === null || score > best.score) best = { index, score };
  }
  return best;
}

/**
 * Splits a sheet's rows into header, optional HXL row and data rows. Returns null for a sheet
 * with no header (or without the row the user chose).
 */
export async function openTable(batches: AsyncGenerator<RowBatch>, options: OpenTableOptions = {}): Promise<Table | null> {
  let pending: RawRow[] = [];
  let sheet = '';
  let finished = false;
  const pull = async (): Promise<boolean> => {
    if (finished) return false;
    const next = await batches.next();
    if (next.done === true) {
      finished = true;
      return false;
    }
    sheet = next.value.sheet;
    pending.push(...next.value.rows);
    return true;
  };
  // The first rows, up to the chosen header or enough to find one, plus the row under it.
  const wanted = options.headerRow ?? null;
  const enough = (): boolean => {
    if (wanted !== null) return pending.some((row) => row.row > wanted);
    return pending.filter((row) => !isBlank(row.cells)).length > HEADER_SEARCH_ROWS;
  };
  while (!enough() && (await pull()));
  let headerIndex: number;
  if (wanted !== null) {
    headerIndex = pending.findIndex((row) => row.row === wanted);
    if (headerIndex === -1 || isBlank(pending[headerIndex]!.cells)) {
      await batches.return(undefined);
      return null;
    }
  } else {
    const nonBlank = pending.filter((row) => !isBlank(row.cells)).slice(0, HEADER_SEARCH_ROWS + 1);
    const picked = pickHeader(nonBlank, options.headerScore ?? filledTextCells);
    if (picked === null) {
      await batches.return(undefined);
      return null;
    }
    // A row that scores nothing is no better than the first one: keep the old rule then.
    const chosen = picked.score > 0 ? nonBlank[picked.index]! : nonBlank[0]!;
    headerIndex = pending.indexOf(chosen);
  }
  const header = pending[headerIndex]!;
  pending = pending.slice(headerIndex + 1);
  const headers = headerNames(header.cells);
  let hxl: string[] | null = null;
  const firstAfter = pending.findIndex((row) => !isBlank(row.cells));
  if (firstAfter !== -1) {
    const cells = pending[firstAfter]!.cells.map(cellText);
    if (isHxlRow(cells)) {
      hxl = headers.map((_name, index) => cells[index] ?? '');
      pending.splice(firstAfter, 1);
    }
  }
  async function* data(): AsyncGenerator<TableRow[]> {
    try {
      let batch = pending.filter((row) => !isBlank(row.cells));
      pending = [];
      if (batch.length > 0) yield batch;
      if (finished) return;
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

export interface PreviewOptions {
  sampleSize?: number;
  /** Only this sheet (by its real name); every visible sheet otherwise. */
  sheet?: string | null;
  headerRow?: number | null;
  headerScore?: HeaderScore;
  /** The line count of the whole CSV when `bytes` is only its beginning (a streamed upload). */
  lines?: number;
}

/** Sheets, headers, HXL rows and sample rows, for the user to confirm the column mapping. */
export async function previewTableFile(bytes: Uint8Array, fileName: string, options: PreviewOptions = {}): Promise<FilePreview> {
  const sampleSize = options.sampleSize ?? 5;
  const headerScore = options.headerScore ?? filledTextCells;
  if (bytes.length === 0) throw new AppError('import.empty');
  const format = detectFormat(bytes, fileName);
  const sheetNames = format === 'xlsx' ? await visibleSheets(bytes) : ['CSV'];
  if (format === 'xlsx' && options.sheet !== undefined && options.sheet !== null) {
    if (!sheetNames.includes(options.sheet)) throw new AppError('import.sheetNotFound', { sheet: options.sheet.slice(0, 80), sheets: sheetNames.join(', ') });
    sheetNames.splice(0, sheetNames.length, options.sheet);
  }
  const sheets: SheetPreview[] = [];
  for (const name of sheetNames) {
    const table = await openTable(readRows(bytes, format, format === 'xlsx' ? name : null), { headerRow: options.headerRow ?? null, headerScore });
    if (table === null) {
      if (options.headerRow !== undefined && options.headerRow !== null) throw new AppError('import.headerRowEmpty', { row: options.headerRow });
      continue;
    }
    const samples: string[][] = [];
    const values: string[][] = table.headers.map(() => []);
    let count = 0;
    for await (const batch of table.rows) {
      for (const row of batch.slice(0, Math.max(0, VALUE_ROWS - count))) {
        table.headers.forEach((_header, index) => {
          const text = cellText(row.cells[index]).trim();
          if (text !== '') values[index]!.push(text.slice(0, 200));
        });
      }
      count += batch.length;
      for (const row of batch.slice(0, sampleSize - samples.length)) {
        samples.push(table.headers.map((_header, index) => truncateForEcho(cellText(row.cells[index]), 80)));
      }
      // A CSV is not read to its end here: its rows are counted from its line breaks below.
      if (format === 'csv' && samples.length >= sampleSize && count >= VALUE_ROWS) break;
    }
    if (format === 'csv') count = Math.max(count, (options.lines ?? countLines(bytes)) - (table.hxl === null ? 1 : 2) - (table.headerRow - 1));
    const recognised = headerScore(table.headers) + (table.hxl === null ? 0 : table.hxl.filter((cell) => cell.trim() !== '').length);
    sheets.push({ name: format === 'xlsx' ? name : table.sheet || name, headerRow: table.headerRow, headers: table.headers, hxl: table.hxl, samples, rows: count, recognised, values });
  }
  if (sheets.length === 0) throw new AppError('import.empty');
  const suggested = sheets.reduce((best, sheet) => (sheet.recognised > best.recognised ? sheet : best), sheets[0]!);
  return { format, sheets, suggestedSheet: suggested.name };
}
