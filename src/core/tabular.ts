/**
 * Reading uploaded tabular files (CSV and friends) into rows with their original row numbers.
 * Shared by every import — geography, DTM rounds, 4W, funding — so it knows nothing about their
 * columns. Pure functions: bytes in, records or a catalogued AppError out.
 */
import { isUtf8 } from 'node:buffer';
import { CsvError, parse } from 'csv-parse/sync';
import { AppError, formatMessage, type ErrorCode, type ErrorParams, type Language } from './errors.js';

/**
 * One refused row (or feature) of an import: where, what was found and why, as a catalogue code
 * so that the user reads it in their language. `row` is the 1-based row as a spreadsheet shows
 * it (header = 1); for GeoJSON/TopoJSON it is the 1-based feature index.
 */
export interface RowIssue {
  row: number;
  column: string | null;
  value: string | null;
  code: ErrorCode;
  params: Record<string, string | number>;
}

/** Echoed values are cut here: a hostile cell of megabytes must not travel back in every message. */
export const ECHO_LIMIT = 200;

/** Shortens text for echoing in messages, without splitting a surrogate pair. */
export function truncateForEcho(value: string, limit: number = ECHO_LIMIT): string {
  if (value.length <= limit) return value;
  let end = limit;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${value.slice(0, end)}…`;
}

/** Builds a RowIssue, truncating the echoed value and any string parameter. */
export function rowIssue(
  row: number,
  column: string | null,
  value: string | null,
  code: ErrorCode,
  params: ErrorParams = {},
): RowIssue {
  const safeParams: Record<string, string | number> = {};
  for (const [key, param] of Object.entries(params)) {
    safeParams[key] = typeof param === 'string' ? truncateForEcho(param) : param;
  }
  return { row, column, value: value === null ? null : truncateForEcho(value), code, params: safeParams };
}

/** "Row 12, column P-Code: …" in the user's language. */
export function formatRowIssue(issue: RowIssue, language: Language): string {
  const message = formatMessage(issue.code, language, issue.params);
  return issue.column === null
    ? formatMessage('import.rowIssueNoColumn', language, { row: issue.row, message })
    : formatMessage('import.rowIssue', language, { row: issue.row, column: issue.column, message });
}

/** A refused row as an import report shows it: where, what, and why in the user's language. */
export interface LocalisedRowIssue {
  row: number;
  column: string | null;
  value: string | null;
  code: string;
  message: string;
}

export function localiseRowIssues(issues: readonly RowIssue[], language: Language): LocalisedRowIssue[] {
  return issues.map((issue) => ({
    row: issue.row,
    column: issue.column,
    value: issue.value,
    code: issue.code,
    message: formatMessage(issue.code, language, issue.params),
  }));
}

// ---------------------------------------------------------------------------------------------
// Bytes → text
// ---------------------------------------------------------------------------------------------

/** Signatures of binary formats people upload by mistake, named so the message can say what it saw. */
const BINARY_SIGNATURES: ReadonlyArray<{ bytes: readonly number[]; format: string }> = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], format: 'ZIP (XLSX, DOCX, KMZ…)' },
  { bytes: [0x50, 0x4b, 0x05, 0x06], format: 'ZIP (XLSX, DOCX, KMZ…)' },
  { bytes: [0x50, 0x4b, 0x07, 0x08], format: 'ZIP (XLSX, DOCX, KMZ…)' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], format: 'XLS/DOC (OLE2)' },
  { bytes: [0x1f, 0x8b], format: 'gzip' },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], format: 'PDF' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], format: 'PNG' },
  { bytes: [0xff, 0xd8, 0xff], format: 'JPEG' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], format: '7z' },
  { bytes: [0x52, 0x61, 0x72, 0x21], format: 'RAR' },
  { bytes: [0x50, 0x41, 0x52, 0x31], format: 'Parquet' },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66], format: 'SQLite' },
];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  if (bytes.length < prefix.length) return false;
  return prefix.every((byte, index) => bytes[index] === byte);
}

/**
 * Control characters other than tab, line breaks, form feed and the DOS end-of-file mark. A few
 * slip into real spreadsheets (vertical tabs from Excel line breaks), so only a density of them
 * means binary.
 */
function isStrayControl(byte: number): boolean {
  return byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0b && byte !== 0x0c && byte !== 0x0d && byte !== 0x1a;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * windows-1252 code points for bytes 0x80–0x9F (€, ‚, ƒ, „, …, œ, Ÿ); the rest of the code page is
 * Latin-1. Spelled out because Node's TextDecoder('windows-1252') decodes as plain Latin-1 in the
 * Node versions we support, turning € and œ into invisible control characters.
 */
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
] as const;

function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  const chunk = 8192;
  for (let start = 0; start < bytes.length; start += chunk) {
    const codes = Array.from(bytes.subarray(start, start + chunk), (byte) =>
      byte >= 0x80 && byte < 0xa0 ? (WINDOWS_1252_HIGH[byte - 0x80] ?? byte) : byte,
    );
    parts.push(String.fromCharCode(...codes));
  }
  return parts.join('');
}

/**
 * Decodes an uploaded file. UTF-8 (BOM stripped) first; text that is not valid UTF-8 is taken as
 * windows-1252, which is what French Excel on Windows writes (a superset of Latin-1 for the
 * accents of Ségou or Tillabéri). UTF-16 with a BOM (Excel's "Unicode text") is read too.
 * Binary content is refused instead of being decoded into nonsense that later fails far from its
 * cause.
 */
export function decodeText(bytes: Uint8Array): string {
  const utf16 = assertText(bytes);
  if (utf16 !== null) return utf16;
  const body = startsWith(bytes, UTF8_BOM) ? bytes.subarray(UTF8_BOM.length) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    return decodeWindows1252(body);
  }
}

/**
 * Refuses binary content (a known signature, NUL bytes, a density of control characters).
 * UTF-16 text (with a BOM) is decoded whole and returned; null means "8-bit text, decode it".
 */
export function assertText(bytes: Uint8Array): string | null {
  for (const signature of BINARY_SIGNATURES) {
    if (startsWith(bytes, signature.bytes)) throw new AppError('import.notText', { format: signature.format });
  }
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    const encoding = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    try {
      const text = new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(2));
      if (text.includes('\u0000')) throw new AppError('import.notText', { format: 'binary' });
      return text;
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('import.notText', { format: 'binary' }, { cause: error });
    }
  }
  if (bytes.includes(0)) throw new AppError('import.notText', { format: 'binary' });
  // Control characters are counted on the first megabyte: binary shows itself at once, and a
  // scan of a 200 MB file byte by byte in JavaScript would cost seconds.
  const sample = bytes.subarray(0, 1 << 20);
  let strayControls = 0;
  for (const byte of sample) if (isStrayControl(byte)) strayControls += 1;
  if (strayControls > 8 && strayControls * 100 > sample.length) {
    throw new AppError('import.notText', { format: 'binary' });
  }
  return null;
}

/**
 * Decodes 8-bit text piece by piece so a file of hundreds of megabytes never becomes one string:
 * UTF-8 (BOM dropped) while it is valid, otherwise windows-1252 from the start.
 */
export function* decodeTextChunks(bytes: Uint8Array, chunkSize = 1 << 20): Generator<string> {
  const body = startsWith(bytes, UTF8_BOM) ? bytes.subarray(UTF8_BOM.length) : bytes;
  if (isUtf8(body)) {
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    for (let start = 0; start < body.length; start += chunkSize) yield decoder.decode(body.subarray(start, start + chunkSize), { stream: true });
    const rest = decoder.decode();
    if (rest !== '') yield rest;
    return;
  }
  for (let start = 0; start < body.length; start += chunkSize) yield decodeWindows1252(body.subarray(start, start + chunkSize));
}

/** The end of the last whole UTF-8 sequence in `bytes`: a character cut by a piece's end waits for the next piece. */
function wholeSequencesEnd(bytes: Uint8Array): number {
  for (let index = bytes.length - 1; index >= Math.max(0, bytes.length - 3); index -= 1) {
    const byte = bytes[index]!;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return bytes.length - index < length ? index : bytes.length;
  }
  return bytes.length;
}

/** Offset of the first byte that is not part of valid UTF-8 (the rules of `isUtf8`), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index]!;
    if (byte < 0x80) {
      index += 1;
      continue;
    }
    let follow: number;
    let low = 0x80;
    let high = 0xbf;
    if (byte >= 0xc2 && byte <= 0xdf) follow = 1;
    else if (byte === 0xe0) [follow, low] = [2, 0xa0];
    else if (byte === 0xed) [follow, high] = [2, 0x9f];
    else if (byte >= 0xe1 && byte <= 0xef) follow = 2;
    else if (byte === 0xf0) [follow, low] = [3, 0x90];
    else if (byte === 0xf4) [follow, high] = [3, 0x8f];
    else if (byte >= 0xf1 && byte <= 0xf3) follow = 3;
    else return index;
    if (index + follow >= bytes.length) return index;
    const second = bytes[index + 1]!;
    if (second < low || second > high) return index;
    for (let next = 2; next <= follow; next += 1) if ((bytes[index + next]! & 0xc0) !== 0x80) return index;
    index += follow + 1;
  }
  return -1;
}

/**
 * Decodes 8-bit text arriving piece by piece (an upload's stored parts), so the file is never
 * whole in memory: UTF-8 (BOM dropped) while it is valid, windows-1252 from the first byte that
 * is not. For a file that is UTF-8 throughout or windows-1252 from its first accent this is what
 * `decodeText` gives for the whole file; a file that changes encoding midway (rows pasted from
 * two exports) keeps each part's accents instead of turning the UTF-8 ones into mojibake.
 * Binary content is refused as `assertText` refuses it; UTF-16 is the caller's (it is decoded whole).
 */
export async function* decodeTextPieces(pieces: AsyncIterable<Uint8Array>, chunkSize = 256 * 1024): AsyncGenerator<string> {
  const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  let first = true;
  let valid = true;
  let carry: Uint8Array = new Uint8Array(0);
  for await (const piece of pieces) {
    let body = piece;
    if (first) {
      first = false;
      assertText(body.subarray(0, 1 << 20));
      if (startsWith(body, UTF8_BOM)) body = body.subarray(UTF8_BOM.length);
    }
    if (body.includes(0)) throw new AppError('import.notText', { format: 'binary' });
    for (let start = 0; start < body.length; start += chunkSize) {
      const slice = body.subarray(start, start + chunkSize);
      if (!valid) {
        yield decodeWindows1252(slice);
        continue;
      }
      const bytes = carry.length === 0 ? slice : Buffer.concat([carry, slice]);
      const end = wholeSequencesEnd(bytes);
      const whole = bytes.subarray(0, end);
      if (isUtf8(whole)) {
        carry = Uint8Array.prototype.slice.call(bytes, end);
        yield utf8.decode(whole);
        continue;
      }
      const invalid = firstInvalidUtf8(whole);
      valid = false;
      carry = new Uint8Array(0);
      yield utf8.decode(bytes.subarray(0, invalid)) + decodeWindows1252(bytes.subarray(invalid));
    }
  }
  // A character cut by the end of the file is not UTF-8.
  if (carry.length > 0) yield decodeWindows1252(carry);
}

/** Removes a leading BOM left by a caller that decoded the bytes itself. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

// ---------------------------------------------------------------------------------------------
// Text → CSV records
// ---------------------------------------------------------------------------------------------

export type CsvDelimiter = ',' | ';' | '\t';

export interface ParseCsvOptions {
  /** Forces the delimiter; by default the most frequent of `,` `;` tab in the header line wins. */
  delimiter?: CsvDelimiter;
  /** Refuses files with more data rows than this (import.tooManyRows). No limit by default. */
  maxRecords?: number;
}

export interface CsvRecord {
  /** 1-based row as a spreadsheet shows it: the header is row 1, blank lines count, a quoted cell spanning lines does not add rows. */
  row: number;
  /** Cell values keyed by header, verbatim (not trimmed); missing trailing cells are ''. */
  values: Record<string, string>;
}

export interface ParsedCsv {
  /** Header cells, trimmed; blank ones named `column_N`, repeats suffixed ` (2)`, ` (3)`. */
  header: string[];
  records: CsvRecord[];
  /** Rows left out of `records` because they cannot be aligned with the header. */
  refused: RowIssue[];
  delimiter: CsvDelimiter;
  /** Row number of the header (1 unless the file starts with blank lines). */
  headerRow: number;
}

const DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t'];

/** Counts each candidate delimiter in the first non-blank line, outside quotes. */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = new Map<CsvDelimiter, number>(DELIMITERS.map((d) => [d, 0]));
  let inQuotes = false;
  let seenContent = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char === '"') {
      inQuotes = !inQuotes;
      seenContent = true;
    } else if (!inQuotes && (char === '\n' || char === '\r')) {
      if (seenContent) break;
    } else if (!inQuotes && (char === ',' || char === ';' || char === '\t')) {
      counts.set(char, (counts.get(char) ?? 0) + 1);
      seenContent = true;
    } else if (char !== ' ') {
      seenContent = true;
    }
  }
  let best: CsvDelimiter = ',';
  let bestCount = 0;
  for (const delimiter of DELIMITERS) {
    const count = counts.get(delimiter) ?? 0;
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

function isBlankRecord(cells: readonly string[]): boolean {
  return cells.every((cell) => cell.trim() === '');
}

/** Header cells trimmed, blanks named `column_N`, repeats suffixed ` (2)`, ` (3)`, every name unique. */
export function uniqueHeader(cells: readonly string[]): string[] {
  // A generated name can itself be in the file (`a, a, a (2)` or `column_2, <blank>`): names are
  // checked against every name given so far, or two columns would share a key and one value be
  // lost (found by the fuzz tests). The next suffix per name keeps this linear.
  const taken = new Set<string>();
  const nextSuffix = new Map<string, number>();
  return cells.map((cell, index) => {
    const base = cell.trim() === '' ? `column_${index + 1}` : cell.trim();
    let name = base;
    if (taken.has(name)) {
      let count = nextSuffix.get(base) ?? 2;
      while (taken.has(`${base} (${count})`)) count += 1;
      name = `${base} (${count})`;
      nextSuffix.set(base, count + 1);
    }
    taken.add(name);
    return name;
  });
}

function csvRowOf(error: CsvError): number {
  // csv-parse counts the records completed before the failure, blank lines included: the
  // failing record is the next one, which is also the spreadsheet row number.
  const records = error.records;
  return typeof records === 'number' ? records + 1 : 1;
}

/**
 * Parses CSV text into records keyed by header. Decisions, for every import:
 * - the delimiter is detected from the header line (`,` `;` tab), so French Excel files work;
 * - blank rows are skipped but still counted, so row numbers match what the user sees;
 * - rows with fewer cells than the header are padded with '' (Excel drops trailing empties);
 * - rows with more cells are tolerated when the extra cells are blank (trailing separators),
 *   otherwise refused as `import.tooManyCells`: the columns are shifted, and guessing which value
 *   belongs where would store wrong figures. They are listed in `refused`, not thrown, so the user
 *   sees all of them at once;
 * - an unclosed quote (often a truncated file) stops the parse with `import.unclosedQuote` naming
 *   the row where the quote opened; other structural breaks give `import.malformedCsv`;
 * - a file without a header line gives `import.empty`.
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): ParsedCsv {
  const source = stripBom(text);
  const delimiter = options.delimiter ?? detectDelimiter(source);

  let rows: string[][];
  try {
    rows = parse(source, {
      delimiter,
      relax_column_count: true,
      // Stray quotes inside unquoted cells (`Pont "A"`) are common in hand-made files and harmless.
      relax_quotes: true,
      skip_empty_lines: false,
    });
  } catch (error) {
    if (error instanceof CsvError) {
      const row = csvRowOf(error);
      if (error.code === 'CSV_QUOTE_NOT_CLOSED') throw new AppError('import.unclosedQuote', { row }, { cause: error });
      throw new AppError('import.malformedCsv', { row }, { cause: error, details: { reason: error.code } });
    }
    throw error;
  }

  const headerIndex = rows.findIndex((cells) => !isBlankRecord(cells));
  const headerCells = headerIndex === -1 ? undefined : rows[headerIndex];
  if (headerCells === undefined) throw new AppError('import.empty');
  const header = uniqueHeader(headerCells);

  const records: CsvRecord[] = [];
  const refused: RowIssue[] = [];
  for (let index = headerIndex + 1; index < rows.length; index += 1) {
    const cells = rows[index] ?? [];
    if (isBlankRecord(cells)) continue;
    const row = index + 1;
    if (cells.length > header.length && !isBlankRecord(cells.slice(header.length))) {
      refused.push(
        rowIssue(row, null, cells.join(delimiter), 'import.tooManyCells', {
          found: cells.length,
          expected: header.length,
        }),
      );
      continue;
    }
    // fromEntries defines own properties: an assignment to values['__proto__'] would set the
    // object's prototype instead of storing the cell (found by the fuzz tests).
    const values: Record<string, string> = Object.fromEntries(header.map((name, column) => [name, cells[column] ?? '']));
    records.push({ row, values });
    if (options.maxRecords !== undefined && records.length > options.maxRecords) {
      throw new AppError('import.tooManyRows', { limit: options.maxRecords });
    }
  }
  return { header, records, refused, delimiter, headerRow: headerIndex + 1 };
}

/** Header matching that ignores case, spaces, hyphens and underscores (`P-Code` = `pcode`). */
export function headerKey(name: string): string {
  return name.toLowerCase().replace(/[\s_\-.]+/g, '');
}
