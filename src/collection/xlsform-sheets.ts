/**
 * Reading the sheets of an XLSForm workbook (survey, choices, settings) as rows of text keyed by
 * header, with each cell's spreadsheet position kept so every refusal can name sheet, row and
 * column. The workbook is opened through core/table-files: zip bombs and damaged files are refused
 * before anything is inflated, rows are streamed, and formula cells are reported, not evaluated.
 */
import { AppError } from '../core/errors.js';
import { cellText, checkWorkbook, readRows, type RawRow } from '../core/table-files.js';

export interface XlsFormProblem {
  code: string;
  sheet: string;
  /** 1-based row as the spreadsheet shows it. */
  row?: number;
  /** Column letter (A, B, … AA) or, when no letter applies, the header. */
  column?: string;
  params?: Record<string, string | number>;
}

/**
 * Rows beyond this number are not read: the REACH MSNA survey has 548 rows, and a sheet whose
 * cells were formatted down to row 1,048,576 ("phantom" rows) must cost nothing. A non-empty row
 * past it is refused (`tooManyRows`); empty rows past it are skipped without being kept.
 */
export const XLSFORM_MAX_ROW = 20_000;

export interface SheetRow {
  row: number;
  /** Cell text by header (headers trimmed; the first of two equal headers wins). */
  values: Map<string, string>;
}

export interface FormSheet {
  name: string;
  headers: string[];
  /** Column letter of each header. */
  letters: Map<string, string>;
  rows: SheetRow[];
}

export function columnLetter(index: number): string {
  let letters = '';
  for (let rest = index + 1; rest > 0; rest = Math.floor((rest - 1) / 26)) letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  return letters;
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];

/** Every sheet of the workbook by lower-case name, or the problems that stop reading it. */
export async function readFormSheets(bytes: Uint8Array): Promise<{ sheets: Map<string, FormSheet>; problems: XlsFormProblem[] }> {
  const problems: XlsFormProblem[] = [];
  const sheets = new Map<string, FormSheet>();
  if (!ZIP.every((byte, index) => bytes[index] === byte)) return { sheets, problems: [{ code: 'collection.xlsform.notXlsx', sheet: '' }] };
  const raw = new Map<string, RawRow[]>();
  const overflowing = new Set<string>();
  try {
    // Hidden sheets are not read (core/table-files skips them); a hidden form sheet would
    // otherwise vanish, so it is refused instead.
    for (const sheet of (await checkWorkbook(bytes)).sheets) {
      if (sheet.hidden && ['survey', 'choices', 'settings'].includes(sheet.name.trim().toLowerCase())) problems.push({ code: 'collection.xlsform.hiddenSheet', sheet: sheet.name });
    }
    for await (const batch of readRows(bytes, 'xlsx')) {
      let rows = raw.get(batch.sheet);
      if (rows === undefined) raw.set(batch.sheet, (rows = []));
      if (overflowing.has(batch.sheet)) continue;
      for (const row of batch.rows) {
        const empty = row.cells.every((cell) => cellText(cell).trim() === '') && row.formulas === undefined;
        if (empty) continue;
        if (row.row > XLSFORM_MAX_ROW) {
          overflowing.add(batch.sheet);
          problems.push({ code: 'collection.xlsform.tooManyRows', sheet: batch.sheet, row: row.row, params: { limit: XLSFORM_MAX_ROW } });
          break;
        }
        rows.push(row);
      }
    }
  } catch (error) {
    if (error instanceof AppError) {
      const code = error.code === 'import.zipBomb' ? 'collection.xlsform.zipBomb' : 'collection.xlsform.notXlsx';
      return { sheets, problems: [{ code, sheet: '' }] };
    }
    throw error;
  }
  for (const [name, rows] of raw) {
    const header = rows[0];
    const headers: string[] = [];
    const letters = new Map<string, string>();
    const sheet: FormSheet = { name, headers, letters, rows: [] };
    sheets.set(name.trim().toLowerCase(), sheet);
    if (header === undefined) continue;
    header.cells.forEach((cell, index) => {
      const text = cellText(cell).trim();
      if (text !== '' && !letters.has(text)) {
        headers.push(text);
        letters.set(text, columnLetter(index));
      }
    });
    for (const row of rows) {
      for (const index of row.formulas ?? []) {
        problems.push({ code: 'collection.xlsform.formula', sheet: name, row: row.row, column: columnLetter(index) });
      }
    }
    for (const row of rows.slice(1)) {
      const values = new Map<string, string>();
      header.cells.forEach((cell, index) => {
        const key = cellText(cell).trim();
        if (key === '' || values.has(key) || letters.get(key) !== columnLetter(index)) return;
        const text = cellText(row.cells[index]).trim();
        if (text !== '') values.set(key, text);
      });
      if (values.size > 0) sheet.rows.push({ row: row.row, values });
    }
  }
  return { sheets, problems };
}
