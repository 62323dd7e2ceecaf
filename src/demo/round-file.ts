/**
 * Round files as field teams produce them: CSV exported from Kobo/ODK or saved from Excel
 * (English or French headers, French Excel's `;` and BOM, an optional HXL row) and XLSX
 * workbooks (optionally with a notes sheet before the data). Every header and hashtag written
 * here is one `suggestMapping` (fields.ts) recognises; population groups and reasons are written
 * as readable labels in the file's language.
 *
 * Writers stream: the CSV writer yields chunks as the rows come, the XLSX writer uses exceljs's
 * streaming WorkbookWriter, so a million-row round never sits in memory as rows.
 */
import { createWriteStream } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type ExcelJS from 'exceljs';
import { formatNumber } from '../core/exports.js';
import { AGE_BAND_FIELDS, AGE_ONLY_FIELDS, BASE_FIELDS, DEFAULT_AGE_RANGES, type PopulationGroup, type Reason, type RoundField, type AgeOnlyField, type SideGroupField } from '../shared/displacement.js';
import type { AssessmentType, DemoCountry, RoundFileRow } from './dtm-geography.js';

export type RoundFileStyle = 'en' | 'fr';

// ---------------------------------------------------------------------------------------------
// Columns
// ---------------------------------------------------------------------------------------------

/** The band fields used by `ageRanges` (f1…fn then m1…mn). */
export function bandFields(ageRanges: readonly string[]): RoundField[] {
  if (ageRanges.length > 5) throw new RangeError('at most 5 age ranges (f1…f5, m1…m5)');
  return [...AGE_BAND_FIELDS.slice(0, ageRanges.length), ...AGE_BAND_FIELDS.slice(5, 5 + ageRanges.length)];
}

/** Canonical fields the generator never fills: admin3, age-only parts, origins by name (those come from real files). */
const NOT_WRITTEN: ReadonlySet<RoundField> = new Set<RoundField>(['admin3Pcode', ...AGE_ONLY_FIELDS, 'originAdmin1Name', 'originAdmin2Name']);
const AGE_BAND_SET: ReadonlySet<RoundField> = new Set<RoundField>(AGE_BAND_FIELDS);

const SA_ONLY: ReadonlySet<RoundField> = new Set(['locationName', 'settlementType', 'latitude', 'longitude']);

/**
 * The columns of a round file, in order: SA files carry every field the generator fills (no
 * admin3); BA files leave out location names, settlement types and coordinates.
 */
export function roundFileFields(ageRanges: readonly string[] = DEFAULT_AGE_RANGES, assessmentType: AssessmentType = 'SA'): RoundField[] {
  const bands = new Set<RoundField>(bandFields(ageRanges));
  const fields = BASE_FIELDS.filter((field) => !NOT_WRITTEN.has(field) && (!AGE_BAND_SET.has(field) || bands.has(field)));
  return assessmentType === 'SA' ? fields : fields.filter((field) => !SA_ONLY.has(field));
}

/** Fields the generator writes as one column each (bands are spelt per age range; name-only and side-group columns are not generated). */
type PlainField = Exclude<RoundField, (typeof AGE_BAND_FIELDS)[number] | AgeOnlyField | SideGroupField | 'originAdmin1Name' | 'originAdmin2Name'>;

const EN_HEADERS: Record<PlainField, string> = {
  admin1Pcode: 'Admin1 Pcode',
  admin1Name: 'Admin1 Name',
  admin2Pcode: 'Admin2 Pcode',
  admin2Name: 'Admin2 Name',
  admin3Pcode: 'Admin3 Pcode',
  locationCode: 'Location Code',
  locationName: 'Location Name',
  locationType: 'Location Type',
  settlementType: 'Settlement Type',
  latitude: 'Latitude',
  longitude: 'Longitude',
  populationGroup: 'Population Group',
  households: 'Households',
  individuals: 'Individuals',
  females: 'Females',
  males: 'Males',
  reason: 'Reason for Displacement',
  originAdmin1Pcode: 'Origin Admin1 Pcode',
  originAdmin2Pcode: 'Origin Admin2 Pcode',
  arrivalPeriod: 'Arrival Period',
  assessmentDate: 'Assessment Date',
};

/** What French files call an admin2: cercle (Mali), province (Burkina Faso), département (Niger). */
const FR_ADMIN2: Record<DemoCountry, { name: string; pcode: string; origin: string }> = {
  ML: { name: 'Cercle', pcode: 'Pcode cercle', origin: 'Pcode cercle origine' },
  BF: { name: 'Province', pcode: 'Pcode province', origin: 'Pcode province origine' },
  // `Pcode département origine` is not among fields.ts's synonyms: the generic spelling is.
  NE: { name: 'Département', pcode: 'Pcode département', origin: 'Origine admin2' },
};

function frHeaders(country: DemoCountry): Record<PlainField, string> {
  const admin2 = FR_ADMIN2[country];
  return {
    admin1Pcode: 'Pcode région',
    admin1Name: 'Région',
    admin2Pcode: admin2.pcode,
    admin2Name: admin2.name,
    admin3Pcode: 'Pcode commune',
    locationCode: 'Code localité',
    locationName: 'Nom localité',
    locationType: 'Type de localité',
    settlementType: "Type d'installation",
    latitude: 'Latitude',
    longitude: 'Longitude',
    populationGroup: 'Type de population',
    households: 'Ménages',
    individuals: 'Individus',
    females: 'Femmes',
    males: 'Hommes',
    reason: 'Raison du déplacement',
    originAdmin1Pcode: 'Pcode région origine',
    originAdmin2Pcode: admin2.origin,
    arrivalPeriod: "Période d'arrivée",
    assessmentDate: "Date d'évaluation",
  };
}

const HXL: Record<PlainField, string> = {
  admin1Pcode: '#adm1+code',
  admin1Name: '#adm1+name',
  admin2Pcode: '#adm2+code',
  admin2Name: '#adm2+name',
  admin3Pcode: '#adm3+code',
  locationCode: '#loc+code',
  locationName: '#loc+name',
  locationType: '#loc+type',
  settlementType: '#loc+type+settlement',
  latitude: '#geo+lat',
  longitude: '#geo+lon',
  populationGroup: '#affected+type',
  households: '#affected+idps+hh',
  individuals: '#affected+idps+ind',
  females: '#affected+ind+f',
  males: '#affected+ind+m',
  reason: '#cause+displacement',
  originAdmin1Pcode: '#adm1+origin+code',
  originAdmin2Pcode: '#adm2+origin+code',
  arrivalPeriod: '#date+arrival',
  assessmentDate: '#date+assessed',
};

/** `0-4` → `+age0_4`, `60+` → `+age60plus` (the spelling fields.ts reads back). */
function ageAttribute(range: string): string {
  const closed = /^(\d+)\s*-\s*(\d+)$/.exec(range);
  if (closed) return `age${closed[1]}_${closed[2]}`;
  const open = /^(\d+)\s*\+$/.exec(range);
  if (open) return `age${open[1]}plus`;
  throw new RangeError(`age range not writable as HXL: ${range} (use 0-4 or 60+ forms)`);
}

export interface RoundFileLayout {
  fields: RoundField[];
  headers: string[];
  hxl: string[];
}

export interface LayoutOptions {
  /** Default: `roundFileFields(ageRanges, assessmentType)`. */
  fields?: readonly RoundField[];
  assessmentType?: AssessmentType;
  /** French admin2 word: cercle (ML, default), province (BF), département (NE). */
  country?: DemoCountry;
}

/**
 * The header row and the HXL row of a round file, column by column.
 * en: `Admin2 Pcode`, `Households`, `Females 0-4`…; fr: `Pcode cercle`, `Ménages`, `Femmes 0-4`…;
 * HXL: `#adm2+code`, `#affected+idps+hh`, `#affected+f+age0_4`…
 */
export function roundFileHeaders(ageRanges: readonly string[], style: RoundFileStyle, options: LayoutOptions = {}): RoundFileLayout {
  const fields = [...(options.fields ?? roundFileFields(ageRanges, options.assessmentType))];
  const labels = style === 'en' ? EN_HEADERS : frHeaders(options.country ?? 'ML');
  const sexWord = style === 'en' ? { f: 'Females', m: 'Males' } : { f: 'Femmes', m: 'Hommes' };
  const headers: string[] = [];
  const hxl: string[] = [];
  for (const field of fields) {
    const band = /^([fm])([1-5])$/.exec(field);
    if (band) {
      const sex = band[1] === 'f' ? 'f' : 'm';
      const range = ageRanges[Number(band[2]) - 1];
      if (range === undefined) throw new RangeError(`no age range for ${field}`);
      headers.push(`${sexWord[sex]} ${range}`);
      hxl.push(`#affected+${sex}+${ageAttribute(range)}`);
    } else {
      headers.push(labels[field as PlainField]);
      hxl.push(HXL[field as PlainField]);
    }
  }
  return { fields, headers, hxl };
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

/** Population group and reason as written in files, per language. */
export const VALUE_LABELS: Readonly<Record<RoundFileStyle, { populationGroup: Readonly<Record<PopulationGroup, string>>; reason: Readonly<Record<Reason, string>> }>> = {
  en: {
    populationGroup: { idp: 'IDP', returnee: 'Returnee', 'returnee-abroad': 'Returnee from abroad' },
    reason: { conflict: 'Conflict', insecurity: 'Insecurity', 'natural-disaster': 'Natural disaster', other: 'Other', 'not-reported': 'Not reported' },
  },
  fr: {
    populationGroup: { idp: 'PDI', returnee: 'Retournés', 'returnee-abroad': 'Rapatriés' },
    reason: { conflict: 'Conflit', insecurity: 'Insécurité', 'natural-disaster': 'Catastrophe naturelle', other: 'Autre', 'not-reported': 'Non renseigné' },
  },
};

/** A cell as it is written: labels for groups and reasons, everything else as generated. */
function labelled(field: RoundField, value: string | number | null | undefined, style: RoundFileStyle): string | number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') {
    if (field === 'populationGroup') return (VALUE_LABELS[style].populationGroup as Record<string, string>)[value] ?? value;
    if (field === 'reason') return (VALUE_LABELS[style].reason as Record<string, string>)[value] ?? value;
  }
  return value;
}

/** The 1-based spreadsheet row of a data row: header is row 1, then the HXL row if any. */
export function dataRowNumber(rowIndex: number, hxl: boolean): number {
  return rowIndex + (hxl ? 3 : 2);
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

export interface RoundCsvOptions extends LayoutOptions {
  ageRanges: readonly string[];
  style: RoundFileStyle;
  /** Writes the HXL row under the header. Default false. */
  hxl?: boolean;
  /** Default `,` for en, `;` for fr (French Excel). */
  delimiter?: ',' | ';';
  /** UTF-8 byte order mark. Default false for en, true for fr (French Excel). */
  bom?: boolean;
  /** Decimal comma in numbers (`14,52`), as French Excel writes them. Default false. */
  decimalComma?: boolean;
}

const CRLF = '\r\n';
/** Characters per yielded chunk, roughly. */
const CHUNK = 64 * 1024;

function csvQuote(text: string, delimiter: string): string {
  const needs = text.includes(delimiter) || /["\r\n]|^\s|\s$/.test(text);
  return needs ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A round file as CSV, in chunks (about 64 KB each) as the rows go by: RFC 4180 quoting (a cell
 * with the delimiter, a quote, a line break or edge spaces is quoted, quotes doubled), CRLF line
 * ends, null → empty cell, numbers in plain notation.
 */
export function* writeRoundCsv(rows: Iterable<RoundFileRow>, options: RoundCsvOptions): Generator<string> {
  const delimiter = options.delimiter ?? (options.style === 'fr' ? ';' : ',');
  const bom = options.bom ?? options.style === 'fr';
  const layout = roundFileHeaders(options.ageRanges, options.style, options);
  const cell = (field: RoundField, value: string | number | null | undefined): string => {
    const written = labelled(field, value, options.style);
    if (written === null) return '';
    if (typeof written === 'number') {
      const text = formatNumber(written);
      return options.decimalComma === true ? csvQuote(text.replace('.', ','), delimiter) : text;
    }
    return csvQuote(written, delimiter);
  };

  let chunk = (bom ? '\uFEFF' : '') + layout.headers.map((header) => csvQuote(header, delimiter)).join(delimiter) + CRLF;
  if (options.hxl === true) chunk += layout.hxl.map((tag) => csvQuote(tag, delimiter)).join(delimiter) + CRLF;
  for (const row of rows) {
    let line = '';
    for (let index = 0; index < layout.fields.length; index += 1) {
      const field = layout.fields[index] as RoundField;
      if (index > 0) line += delimiter;
      line += cell(field, row[field]);
    }
    chunk += line + CRLF;
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/**
 * Streams a round to a CSV file on disk (backpressure respected; memory stays flat whatever the
 * number of rows). Returns the rows and bytes written.
 */
export async function writeRoundCsvFile(path: string, rows: Iterable<RoundFileRow>, options: RoundCsvOptions): Promise<{ rows: number; bytes: number }> {
  let rowCount = 0;
  let bytes = 0;
  function* counted(): Generator<RoundFileRow> {
    for (const row of rows) {
      rowCount += 1;
      yield row;
    }
  }
  function* encoded(): Generator<Buffer> {
    for (const chunk of writeRoundCsv(counted(), options)) {
      const buffer = Buffer.from(chunk, 'utf8');
      bytes += buffer.length;
      yield buffer;
    }
  }
  await pipeline(Readable.from(encoded()), createWriteStream(path));
  return { rows: rowCount, bytes };
}

// ---------------------------------------------------------------------------------------------
// XLSX
// ---------------------------------------------------------------------------------------------

export interface RoundXlsxOptions extends LayoutOptions {
  ageRanges: readonly string[];
  style: RoundFileStyle;
  /** HXL row under the header. Default false. */
  hxl?: boolean;
  sheetName: string;
  /** A notes sheet first (`Lisez-moi` / `Read me`) and a sheet of value lists last. Default false. */
  extraSheets?: boolean;
}

const NOTES: Record<RoundFileStyle, { title: string; lines: (sheet: string) => string[]; lists: string }> = {
  en: {
    title: 'Read me',
    lines: (sheet) => [
      'Displacement tracking: synthetic data, for demonstration only',
      `Data sheet: ${sheet} (one row per location and population group)`,
      'Figures are individuals unless stated; households are counted separately.',
      'Do not sum baseline (BA) and site (SA) figures, nor figures of different rounds.',
    ],
    lists: 'Lists',
  },
  fr: {
    title: 'Lisez-moi',
    lines: (sheet) => [
      'Suivi des déplacements : données synthétiques, pour démonstration uniquement',
      `Feuille de données : ${sheet} (une ligne par localité et type de population)`,
      'Les chiffres sont des individus sauf mention contraire ; les ménages sont comptés à part.',
      'Ne pas additionner les chiffres de référence (BA) et de sites (SA), ni ceux de rounds différents.',
    ],
    lists: 'Listes',
  },
};

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function excelDate(text: string): Date | null {
  const match = ISO_DATE.exec(text);
  if (match === null) return null;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return Number.isNaN(date.getTime()) ? null : date;
}

async function writeWorkbook(target: { stream: PassThrough } | { filename: string }, rows: Iterable<RoundFileRow>, options: RoundXlsxOptions): Promise<number> {
  // Loaded on first use: exceljs is large.
  const { default: excel } = await import('exceljs');
  const workbook: ExcelJS.stream.xlsx.WorkbookWriter = new excel.stream.xlsx.WorkbookWriter({
    ...('stream' in target ? { stream: target.stream } : { filename: target.filename }),
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = 'Liptako (synthetic DTM data)';
  workbook.created = new Date(Date.UTC(2021, 0, 1));
  workbook.modified = workbook.created;
  const notes = NOTES[options.style];
  const layout = roundFileHeaders(options.ageRanges, options.style, options);

  if (options.extraSheets === true) {
    const readme = workbook.addWorksheet(notes.title);
    readme.getColumn(1).width = 100;
    readme.addRow([notes.lines(options.sheetName)[0]]).commit();
    for (const line of notes.lines(options.sheetName).slice(1)) readme.addRow([line]).commit();
    readme.commit();
  }

  const headerRows = options.hxl === true ? 2 : 1;
  const sheet = workbook.addWorksheet(options.sheetName, { views: [{ state: 'frozen', xSplit: 0, ySplit: headerRows }] });
  layout.headers.forEach((header, index) => {
    sheet.getColumn(index + 1).width = Math.min(40, Math.max(10, header.length + 2));
  });
  const header = sheet.addRow(layout.headers);
  header.font = { bold: true };
  header.commit();
  if (options.hxl === true) {
    const hxl = sheet.addRow(layout.hxl);
    hxl.font = { italic: true, color: { argb: 'FF808080' } };
    hxl.commit();
  }
  const dateFormat = options.style === 'fr' ? 'dd/mm/yyyy' : 'yyyy-mm-dd';
  let count = 0;
  for (const row of rows) {
    const values: Array<string | number | Date | null> = layout.fields.map((field) => {
      const value = labelled(field, row[field], options.style);
      if (field === 'assessmentDate' && typeof value === 'string') return excelDate(value) ?? value;
      return value;
    });
    const excelRow = sheet.addRow(values);
    values.forEach((value, index) => {
      if (value instanceof Date) excelRow.getCell(index + 1).numFmt = dateFormat;
    });
    excelRow.commit();
    count += 1;
  }
  sheet.commit();

  if (options.extraSheets === true) {
    const lists = workbook.addWorksheet(notes.lists);
    lists.addRow(options.style === 'fr' ? ['Liste', 'Code', 'Libellé'] : ['List', 'Code', 'Label']).commit();
    const labels = VALUE_LABELS[options.style];
    for (const [code, label] of Object.entries(labels.populationGroup)) lists.addRow(['populationGroup', code, label]).commit();
    for (const [code, label] of Object.entries(labels.reason)) lists.addRow(['reason', code, label]).commit();
    lists.commit();
  }
  await workbook.commit();
  return count;
}

/**
 * A round as an XLSX workbook, written with exceljs's streaming writer (rows are committed as
 * they come; only the compressed output is held). Numbers are numbers, assessment dates are real
 * Excel dates (`dd/mm/yyyy` in French files), groups and reasons are labels. With `extraSheets`,
 * a notes sheet comes first and a value-list sheet last, so an importer has to pick the data sheet.
 */
export async function writeRoundXlsx(rows: Iterable<RoundFileRow>, options: RoundXlsxOptions): Promise<Buffer> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    sink.on('error', reject);
  });
  // The workbook ends the stream when its zip is finalised.
  await writeWorkbook({ stream: sink }, rows, options);
  await ended;
  return Buffer.concat(chunks);
}
