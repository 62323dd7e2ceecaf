/**
 * Reads an uploaded table file (CSV or XLSX as Kobo/ODK export it or people type it in Excel:
 * a DTM round, a 5W sheet, a registry) as a stream of rows, so a file of a million rows never
 * becomes one array. Knows nothing about any module's columns: it finds the sheets, the header
 * row (scored by the caller's own `headerScore`) and an optional HXL row under it, and refuses
 * old .xls files, damaged workbooks and zip bombs before opening them.
 */
import { parse as parseCsvStream, CsvError, type Parser } from 'csv-parse';
import type yauzl from 'yauzl';
import { AppError } from './errors.js';
import { assertText, decodeTextChunks, decodeTextPieces, detectDelimiter, truncateForEcho, uniqueHeader, type CsvDelimiter } from './tabular.js';
import { PlainCsvLines, type RecordDelimiter } from './plain-csv.js';
import { isHxlRow } from './cells.js';
import { inflateEntry, isBomb, openZip } from './zip-files.js';
import { readDateStyles, readSharedStrings, worksheetRows, type WorkbookParts } from './xlsx-rows.js';

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
  /** The worksheet's part in the zip (`xl/worksheets/sheet3.xml`), or null when the workbook names none. */
  path: string | null;
}

export interface WorkbookListing {
  sheets: WorkbookSheet[];
  /** Dates counted from 1904 (old Mac workbooks) rather than 1900. */
  date1904: boolean;
  /** The shared strings' and the styles' parts, as the workbook's relationships name them. */
  sharedStringsPath: string;
  stylesPath: string;
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

/** A relationship's target as a path in the zip: relative to `xl/` (where the workbook part is), or absolute. */
function partPath(target: string): string {
  const segments: string[] = target.startsWith('/') ? [] : ['xl'];
  for (const segment of target.split('/')) {
    if (segment === '..') segments.pop();
    else if (segment !== '' && segment !== '.') segments.push(segment);
  }
  return segments.join('/');
}

/**
 * The sheets of a workbook from `xl/workbook.xml` and its relationships: their real names, the
 * hidden ones, and the part that holds each, whatever order the zip stores them in.
 */
function sheetListing(workbookXml: string, relsXml: string): WorkbookListing {
  const targets = new Map<string, string>();
  let sharedStringsPath = 'xl/sharedStrings.xml';
  let stylesPath = 'xl/styles.xml';
  for (const match of relsXml.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
    const attributes = xmlAttributes(match[0]);
    const id = attributes.get('Id');
    const target = attributes.get('Target');
    if (target === undefined || attributes.get('TargetMode') === 'External') continue;
    if (id !== undefined) targets.set(id, target);
    const type = attributes.get('Type') ?? '';
    if (type.endsWith('/sharedStrings')) sharedStringsPath = partPath(target);
    else if (type.endsWith('/styles')) stylesPath = partPath(target);
  }
  const sheets: WorkbookSheet[] = [];
  for (const match of workbookXml.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const attributes = xmlAttributes(match[0]);
    const name = attributes.get('name');
    if (name === undefined) continue;
    const relation = [...attributes].find(([key]) => key === 'r:id' || key.endsWith(':id'))?.[1];
    const target = relation === undefined ? undefined : targets.get(relation);
    const state = attributes.get('state');
    sheets.push({ name, hidden: state === 'hidden' || state === 'veryHidden', path: target === undefined ? null : partPath(target) });
  }
  const properties = /<(?:\w+:)?workbookPr\b[^>]*>/.exec(workbookXml);
  const date1904 = properties === null ? false : ['1', 'true'].includes(xmlAttributes(properties[0]).get('date1904') ?? '');
  return { sheets, date1904, sharedStringsPath, stylesPath };
}

/**
 * Reads the zip's central directory before anything is inflated: a truncated file, a file that
 * is not a workbook, and a zip bomb (huge unpacked size or ratio) are refused here. Returns the
 * workbook's sheets in its own order.
 */
export async function checkWorkbook(bytes: Uint8Array): Promise<WorkbookListing> {
  const workbook = await openWorkbook(bytes);
  workbook.zip.close();
  return workbook.listing;
}

interface OpenWorkbook {
  zip: yauzl.ZipFile;
  entries: Map<string, yauzl.Entry>;
  listing: WorkbookListing;
}

/** The zip opened and judged (see checkWorkbook), its entries by name and its sheets; the caller closes the zip. */
async function openWorkbook(bytes: Uint8Array): Promise<OpenWorkbook> {
  const zip = await openZip(bytes);
  let unpacked = 0;
  const entries = new Map<string, yauzl.Entry>();
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        unpacked += entry.uncompressedSize;
        if (isBomb(entry, unpacked, XLSX_MAX_UNPACKED)) {
          reject(new AppError('import.zipBomb'));
          return;
        }
        // A name found twice keeps its first, as Excel reads it.
        if (!entries.has(entry.fileName)) entries.set(entry.fileName, entry);
        zip.readEntry();
      });
      zip.on('end', () => resolve());
      zip.on('error', (error: unknown) => reject(new AppError('import.brokenXlsx', {}, { cause: error })));
      zip.readEntry();
    });
    const workbook = entries.get('xl/workbook.xml');
    if (workbook === undefined) throw new AppError('import.brokenXlsx');
    const rels = entries.get('xl/_rels/workbook.xml.rels');
    const listing = sheetListing(await readEntry(zip, workbook), rels === undefined ? '' : await readEntry(zip, rels));
    return { zip, entries, listing };
  } catch (error) {
    zip.close();
    throw error;
  }
}

/** Rows come in batches: one await per batch, not per row, on files of a million rows. */
export interface RowBatch {
  sheet: string;
  rows: RawRow[];
}

const BATCH_ROWS = 2_000;

/**
 * The rows of every visible sheet in the workbook's order, or of the one named; each sheet
 * announces itself with at least one batch (empty when it has no rows), so the listing of sheets
 * a caller builds from the batches is complete. Shared strings and styles are read once.
 */
async function* xlsxRows(bytes: Uint8Array, sheetName: string | null): AsyncGenerator<RowBatch> {
  const { zip, entries, listing } = await openWorkbook(bytes);
  try {
    const sheets = listing.sheets.filter((sheet) => !sheet.hidden && (sheetName === null || sheet.name === sheetName));
    if (sheets.length === 0) return;
    const parts: WorkbookParts = {
      sharedStrings: await readSharedStrings(zip, entries.get(listing.sharedStringsPath)),
      dateStyles: await readDateStyles(zip, entries.get(listing.stylesPath)),
      date1904: listing.date1904,
    };
    for (const sheet of sheets) {
      const entry = sheet.path === null ? undefined : entries.get(sheet.path);
      // A sheet the workbook lists without a part (a chart sheet, a damaged file) has no rows.
      if (entry === undefined) {
        yield { sheet: sheet.name, rows: [] };
        continue;
      }
      let announced = false;
      for await (const rows of worksheetRows(zip, entry, parts, BATCH_ROWS)) {
        announced = true;
        yield { sheet: sheet.name, rows };
      }
      if (!announced) yield { sheet: sheet.name, rows: [] };
    }
  } finally {
    zip.close();
  }
}

/** The visible sheets of a workbook, in the workbook's order. */
export async function visibleSheets(bytes: Uint8Array): Promise<string[]> {
  return (await checkWorkbook(bytes)).sheets.filter((sheet) => !sheet.hidden).map((sheet) => sheet.name);
}

/**
 * A file as the import reads it: bytes in memory, or pieces read in order from where it is
 * stored (an upload's parts), so that a CSV of a million rows is never one buffer.
 */
export type TableFileSource = Uint8Array | AsyncIterable<Uint8Array>;

const UTF16_BOMS = [
  [0xff, 0xfe],
  [0xfe, 0xff],
] as const;

async function wholeFile(source: TableFileSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  const pieces: Uint8Array[] = [];
  for await (const piece of source) pieces.push(piece);
  return Buffer.concat(pieces);
}

function textOfBytes(bytes: Uint8Array): Iterable<string> {
  const utf16 = assertText(bytes);
  return utf16 !== null ? [utf16.charCodeAt(0) === 0xfeff ? utf16.slice(1) : utf16] : decodeTextChunks(bytes, 256 * 1024);
}

/** The text of a file in pieces; UTF-16 (rare: Excel's "Unicode text") is decoded whole, as from bytes. */
async function* textOfPieces(pieces: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const iterator = pieces[Symbol.asyncIterator]();
  // A BOM is told by the first bytes, whatever pieces they arrive in.
  let head: Uint8Array = new Uint8Array(0);
  while (head.length < 4) {
    const next = await iterator.next();
    if (next.done === true) break;
    head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
  }
  if (head.length === 0) return;
  const rest: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => iterator };
  if (UTF16_BOMS.some((bom) => bom.every((byte, index) => head[index] === byte))) {
    const all: Uint8Array[] = [head];
    for await (const piece of rest) all.push(piece);
    yield* textOfBytes(Buffer.concat(all));
    return;
  }
  yield* decodeTextPieces(
    (async function* () {
      yield head;
      yield* rest;
    })(),
  );
}

const DELIMITER_SAMPLE = 64 * 1024;

async function* csvRows(source: TableFileSource): AsyncGenerator<RowBatch> {
  const chunks: Iterable<string> | AsyncIterable<string> = source instanceof Uint8Array ? textOfBytes(source) : textOfPieces(source);
  // Lines without a quote are split directly (plain-csv.ts); from the first line with one, csv-parse reads the rest.
  let plain: PlainCsvLines | null = null;
  let parser: Parser | null = null;
  let row = 0;
  const add = (record: string[], batch: RawRow[]): void => {
    row += 1;
    const cells = record as Cell[];
    for (let index = 0; index < cells.length; index += 1) if (cells[index] === '') cells[index] = null;
    batch.push({ row, cells });
  };
  const numbered = (records: readonly string[][], batch: RawRow[]): RawRow[] => {
    for (const record of records) add(record, batch);
    return batch;
  };
  const parsed = (batch: RawRow[]): RawRow[] => {
    if (parser === null) return batch;
    // The parser is a stream, but it parses each written chunk synchronously: its records are
    // drained here at once, so a batch costs one await instead of one per row.
    for (let record = parser.read() as string[] | null; record !== null; record = parser.read() as string[] | null) add(record, batch);
    return batch;
  };
  let failure: Error | null = null;
  const settle = (): void => {
    if (failure !== null) throw failure;
  };
  let delimiter: CsvDelimiter = ',';
  const startParser = (recordDelimiter: RecordDelimiter | null): Parser => {
    const created = parseCsvStream({
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      max_record_size: 1024 * 1024,
      // The line end the plain split already met: csv-parse would otherwise look for one again.
      ...(recordDelimiter === null ? {} : { record_delimiter: recordDelimiter }),
    });
    created.on('error', (error) => {
      failure = error;
    });
    return created;
  };
  /** The rows of one more piece of text (`end`: the file's end). */
  const read = (text: string, end: boolean): RawRow[] => {
    if (plain !== null) {
      const { records, handOver } = plain.push(text, end);
      const batch = numbered(records, []);
      if (handOver === null) return batch;
      parser = startParser(plain.recordDelimiter);
      plain = null;
      // Not awaited: the stream would hold its callback until its records are read.
      parser.write(handOver);
      if (end) parser.end();
      return parsed(batch);
    }
    if (end) parser!.end();
    else parser!.write(text);
    return parsed([]);
  };
  try {
    // The delimiter is told by the file's first 64 KB, however small the pieces it arrives in.
    let head = '';
    let started = false;
    for await (const piece of chunks) {
      let chunk = piece;
      if (!started) {
        head += piece;
        if (head.length < DELIMITER_SAMPLE) continue;
        delimiter = detectDelimiter(head.slice(0, DELIMITER_SAMPLE));
        plain = new PlainCsvLines(delimiter);
        started = true;
        chunk = head;
        head = '';
      }
      const batch = read(chunk, false);
      settle();
      if (batch.length > 0) yield { sheet: 'CSV', rows: batch };
      // Let the event loop breathe between chunks: other requests are served meanwhile.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (!started) {
      if (head === '') throw new AppError('import.empty');
      delimiter = detectDelimiter(head.slice(0, DELIMITER_SAMPLE));
      plain = new PlainCsvLines(delimiter);
      started = true;
      const batch = read(head, false);
      settle();
      if (batch.length > 0) yield { sheet: 'CSV', rows: batch };
    }
    // A stream's end is seen after a turn of the event loop.
    const wasParsing = parser !== null;
    const last = read('', true);
    if (wasParsing || parser !== null) {
      await new Promise((resolve) => setImmediate(resolve));
      parsed(last);
    }
    settle();
    if (last.length > 0) yield { sheet: 'CSV', rows: last };
  } catch (error) {
    if (error instanceof CsvError) {
      if (error.code === 'CSV_QUOTE_NOT_CLOSED') throw new AppError('import.unclosedQuote', { row: row + 1 }, { cause: error });
      throw new AppError('import.malformedCsv', { row: row + 1 }, { cause: error, details: { reason: error.code } });
    }
    throw error;
  } finally {
    (parser as Parser | null)?.destroy();
  }
}

/** Every row of the file (or of one sheet of a workbook), header included, in batches. */
export function readRows(source: TableFileSource, format: TableFileFormat, sheetName: string | null = null): AsyncGenerator<RowBatch> {
  if (format === 'csv') return csvRows(source);
  // A workbook is a zip read from its end (the directory): it is assembled whole.
  return (async function* () {
    yield* xlsxRows(await wholeFile(source), sheetName);
  })();
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
