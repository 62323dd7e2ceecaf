/**
 * The rows of one worksheet of an XLSX workbook, streamed from its part in the zip (yauzl) through
 * a SAX parser (saxes), with shared strings and the styles that mark dates read first.
 *
 * Why not exceljs's streaming reader, which Liptako used before: it reads the zip front to back
 * through `unzipper` and, under load, now and then handed a worksheet on before it was read —
 * a sheet lost, or its rows given to the wrong sheet (about one read in 150 on a busy machine;
 * exceljs issue #2790, open). Here each part is opened by its name from the zip's central
 * directory, so what is read does not depend on the order of the zip nor on timing. exceljs is
 * still used to write workbooks.
 *
 * Values follow what spreadsheet users see: a shared or inline string is text (rich-text runs
 * joined, phonetic runs left out), a number is a number, a number whose cell format is a date
 * format is a Date (1900 or 1904 system), a boolean is TRUE/FALSE, an error is empty, and a
 * formula gives its saved result (Liptako never evaluates a formula from a file).
 */
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTag } from 'saxes';
import type yauzl from 'yauzl';
import { AppError } from './errors.js';
import { inflateEntry } from './zip-files.js';

/** A cell as read: text, number or date; null when empty. */
export type XlsxCell = string | number | Date | null;

export interface XlsxRow {
  /** 1-based row number as the spreadsheet shows it. */
  row: number;
  cells: XlsxCell[];
  /** 0-based indexes of the cells that held a formula (absent when none did). */
  formulas?: number[];
}

/** What the reader needs of a workbook besides the sheet: read once per read of the file. */
export interface WorkbookParts {
  sharedStrings: string[];
  /** For each cell style (`s` attribute, an index into cellXfs): whether its number format is a date. */
  dateStyles: boolean[];
  date1904: boolean;
}

/** Parts bigger than this are not shared strings or styles of any real workbook. */
const PART_MAX_BYTES = 512 * 1024 * 1024;

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

function parser(): SaxesParser {
  // No namespace processing (a prefix like `x:row` is stripped by localName) and no DTD: saxes
  // never expands an entity it was not given, so a billion-laughs part fails instead of growing.
  const sax = new SaxesParser({ xmlns: false });
  sax.on('doctype', () => {
    throw new AppError('import.brokenXlsx');
  });
  return sax;
}

/** Reads a small part whole (shared strings, styles) through `visit`. */
async function parsePart(zip: yauzl.ZipFile, entry: yauzl.Entry | undefined, visit: (sax: SaxesParser) => void): Promise<void> {
  if (entry === undefined) return;
  if (entry.uncompressedSize > PART_MAX_BYTES) throw new AppError('import.brokenXlsx');
  const sax = parser();
  visit(sax);
  sax.write((await inflateEntry(zip, entry, 'import.brokenXlsx')).toString('utf8')).close();
}

/** `<sst><si>…</si></sst>`: each item's text, its rich-text runs joined, its phonetic runs (`rPh`) left out. */
export async function readSharedStrings(zip: yauzl.ZipFile, entry: yauzl.Entry | undefined): Promise<string[]> {
  const strings: string[] = [];
  await parsePart(zip, entry, (sax) => {
    let item: string | null = null;
    let inText = false;
    let phonetic = 0;
    sax.on('opentag', (tag) => {
      const name = localName(tag.name);
      if (name === 'si') item = '';
      else if (name === 'rPh') phonetic += 1;
      else if (name === 't' && phonetic === 0 && !tag.isSelfClosing) inText = true;
    });
    sax.on('text', (text) => {
      if (inText && item !== null) item += text;
    });
    sax.on('cdata', (text) => {
      if (inText && item !== null) item += text;
    });
    sax.on('closetag', (tag) => {
      const name = localName(tag.name);
      if (name === 't') inText = false;
      else if (name === 'rPh') phonetic -= 1;
      else if (name === 'si') {
        strings.push(item ?? '');
        item = null;
      }
    });
  });
  return strings;
}

/** Excel's built-in number formats that show a date or a time (ECMA-376 18.8.30; 27–36 and 50–58 are the East Asian ones). */
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** Whether a custom format code shows a date or time: a d, m, y, h or s outside quotes, brackets and escapes. */
export function isDateFormat(code: string): boolean {
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[[^\]]*]/g, '')
    .replace(/_.|\*./g, '');
  // "General" has an e and an l but is no date; sections of a number format with E+ (scientific) neither.
  return !/^general$/i.test(bare.trim()) && /[dmyhs]/i.test(bare.replace(/general/gi, '').replace(/e[+-]/gi, ''));
}

/** `<styleSheet>`: custom formats (numFmts) and the cell formats (cellXfs) that use them. */
export async function readDateStyles(zip: yauzl.ZipFile, entry: yauzl.Entry | undefined): Promise<boolean[]> {
  const customDates = new Map<number, boolean>();
  const styles: boolean[] = [];
  await parsePart(zip, entry, (sax) => {
    let inCellFormats = false;
    sax.on('opentag', (tag) => {
      const name = localName(tag.name);
      const attributes = tag.attributes as Record<string, string>;
      if (name === 'numFmt') customDates.set(Number(attributes.numFmtId), isDateFormat(attributes.formatCode ?? ''));
      else if (name === 'cellXfs') inCellFormats = !tag.isSelfClosing;
      else if (name === 'xf' && inCellFormats) {
        const id = Number(attributes.numFmtId ?? 0);
        styles.push(customDates.get(id) ?? BUILT_IN_DATE_FORMATS.has(id));
      }
    });
    sax.on('closetag', (tag) => {
      if (localName(tag.name) === 'cellXfs') inCellFormats = false;
    });
  });
  return styles;
}

/** `B12` → 1 (0-based column); null when the reference has no letters. */
function columnOf(reference: string): number | null {
  let column = 0;
  let index = 0;
  for (; index < reference.length; index += 1) {
    const code = reference.charCodeAt(index) | 0x20;
    if (code < 0x61 || code > 0x7a) break;
    column = column * 26 + (code - 0x60);
  }
  return index === 0 ? null : column - 1;
}

/** Excel's serial day as a date: day 25569 is 1970-01-01 in the 1900 system; the 1904 system counts from 1904-01-01, serial 1,462 of the 1900 system. */
export function serialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round(((date1904 ? serial + 1462 : serial) - 25569) * 86_400_000));
}

function openStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) reject(new AppError('import.brokenXlsx', {}, { cause: error }));
      else resolve(stream);
    });
  });
}

interface OpenCell {
  column: number;
  type: string;
  style: number;
  formula: boolean;
  value: string;
  inValue: boolean;
  inInline: boolean;
}

/**
 * The rows of a worksheet part in batches of about `batchRows`, in the order of the part. Rows
 * without any value are not yielded (a styled but empty row, as Excel writes down to row
 * 1,048,576 when a whole column is formatted).
 */
export async function* worksheetRows(zip: yauzl.ZipFile, entry: yauzl.Entry, parts: WorkbookParts, batchRows: number): AsyncGenerator<XlsxRow[]> {
  const sax = parser();
  let pending: XlsxRow[] = [];
  let rowNumber = 0;
  let cells: XlsxCell[] = [];
  let formulas: number[] | undefined;
  let nextColumn = 0;
  let cell: OpenCell | null = null;
  let inSheetData = false;

  const valueOf = (open: OpenCell): XlsxCell => {
    const text = open.value;
    switch (open.type) {
      case 's': {
        const index = Number(text);
        return text === '' || !Number.isInteger(index) ? null : (parts.sharedStrings[index] ?? null);
      }
      case 'inlineStr':
      case 'str':
        return text;
      case 'b':
        return text === '' ? null : text === '1' || text.toLowerCase() === 'true' ? 'TRUE' : 'FALSE';
      case 'e':
        return null;
      case 'd': {
        const date = new Date(text);
        return text === '' || Number.isNaN(date.getTime()) ? null : date;
      }
      default: {
        if (text === '') return null;
        const number = Number(text);
        if (!Number.isFinite(number)) return text;
        return parts.dateStyles[open.style] === true ? serialToDate(number, parts.date1904) : number;
      }
    }
  };

  sax.on('opentag', (tag: SaxesTag) => {
    const name = localName(tag.name);
    const attributes = tag.attributes as Record<string, string>;
    if (name === 'sheetData') inSheetData = true;
    else if (!inSheetData) return;
    else if (name === 'row') {
      const stated = Number(attributes.r);
      rowNumber = Number.isInteger(stated) && stated > 0 ? stated : rowNumber + 1;
      cells = [];
      formulas = undefined;
      nextColumn = 0;
    } else if (name === 'c') {
      const column = attributes.r === undefined ? null : columnOf(attributes.r);
      cell = { column: column ?? nextColumn, type: attributes.t ?? 'n', style: Number(attributes.s ?? 0), formula: false, value: '', inValue: false, inInline: false };
      nextColumn = cell.column + 1;
    } else if (cell !== null) {
      if (name === 'f') cell.formula = true;
      else if (name === 'v') cell.inValue = !tag.isSelfClosing;
      else if (name === 'is') cell.inInline = true;
      else if (name === 't' && cell.inInline) cell.inValue = !tag.isSelfClosing;
      else if (name === 'rPh') cell.inInline = false;
    }
  });
  const onText = (text: string): void => {
    if (cell?.inValue === true) cell.value += text;
  };
  sax.on('text', onText);
  sax.on('cdata', onText);
  sax.on('closetag', (tag: SaxesTag) => {
    const name = localName(tag.name);
    if (name === 'sheetData') inSheetData = false;
    else if (!inSheetData) return;
    else if (name === 'c' && cell !== null) {
      const value = valueOf(cell);
      if (value !== null) {
        while (cells.length < cell.column) cells.push(null);
        cells[cell.column] = value;
      }
      if (cell.formula) (formulas ??= []).push(cell.column);
      cell = null;
    } else if (name === 'row') {
      if (cells.length > 0) pending.push(formulas === undefined ? { row: rowNumber, cells } : { row: rowNumber, cells, formulas });
    } else if (cell !== null) {
      if (name === 'v' || name === 't') cell.inValue = false;
      else if (name === 'is') cell.inInline = false;
      else if (name === 'rPh') cell.inInline = true;
    }
  });

  const stream = await openStream(zip, entry);
  const decoder = new StringDecoder('utf8');
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      sax.write(decoder.write(chunk));
      if (pending.length >= batchRows) {
        const batch = pending;
        pending = [];
        yield batch;
      }
    }
    sax.write(decoder.end()).close();
    if (pending.length > 0) yield pending;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('import.brokenXlsx', {}, { cause: error });
  } finally {
    stream.destroy();
  }
}
