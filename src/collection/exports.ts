/**
 * Submissions as a CSV zip: one file for the form and one per repeat group, the way ODK Central
 * and Kobo users expect them, and built to not time out at any size:
 * - every file is written in one pass over the submissions, a page at a time (keyset paging on
 *   the id), each submission's answers read as stored when it was received (never its XML again),
 *   repeats spooled to temporary files: memory stays flat in the number of submissions;
 * - keys are stable between exports: a submission's KEY is its first instanceID (an edit keeps
 *   it), a repeat row's KEY is its parent's KEY plus its position (`…/need[2]`);
 * - columns are aligned by question path over every version of the form: a question removed or
 *   added in a later version never shifts another column.
 */
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Principal } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { csvLine, csvText, type CsvValue } from '../core/csv.js';
import { AppError, type Language } from '../core/errors.js';
import { neutraliseFormula } from '../core/exports.js';
import * as q from './queries.js';
import { authoriseProject } from './service.js';
import { answersOf, innermostRepeat, instanceOf, isPacked, tableInstances, versionLeaves, type PackedAnswers, type StoredAnswers, type VersionLeaves } from './submission.js';
import type { ReviewState } from './submissions.js';
import { labelIn, readXFormLabels, type Translations } from './xform-labels.js';

export interface ExportFilter {
  reviewStates: ReviewState[] | null;
  /** Received on or after / before these instants (ISO), or null. */
  from: string | null;
  to: string | null;
}

/** How the columns read; the defaults are the raw export ODK Central users know. */
export interface ExportOptions {
  /** A select-multiple as one 0/1 column per choice, named `question/choice`. */
  splitSelectMultiple: boolean;
  /** Column names with their groups (`meta-instanceID`), or the question's name alone (`instanceID`). */
  groupPaths: boolean;
  /** Choices as their labels in this language (the form's default language when it lacks it), or codes when null. */
  labels: Language | null;
}

export const RAW_EXPORT: ExportOptions = { splitSelectMultiple: false, groupPaths: true, labels: null };

/** What the form says of each question over all its versions: select-multiples and choice labels. */
export interface QuestionInfo {
  multiple: Set<string>;
  /** Question path → choice value (oldest version first, so split columns stay aligned) → labels. */
  choices: Map<string, Map<string, Translations>>;
  defaultLanguage: string;
}

/** `<select ref="/data/q">`: a select-multiple as pyxform writes it (absolute refs). */
const SELECT_MULTIPLE = /<select\s[^>]*?\bref="([^"]+)"/g;

export async function questionInfo(db: Queryable, versions: readonly q.FormVersionRow[]): Promise<QuestionInfo> {
  const info: QuestionInfo = { multiple: new Set(), choices: new Map(), defaultLanguage: '' };
  for (const version of [...versions].sort((a, b) => a.id - b.id)) {
    const xml = (await q.formVersionXml(db, version.id)).toString('utf8');
    for (const match of xml.matchAll(SELECT_MULTIPLE)) info.multiple.add(match[1]!);
    const labels = readXFormLabels(xml);
    info.defaultLanguage = labels.defaultLanguage;
    for (const [path, choices] of Object.entries(labels.choices)) {
      const known = info.choices.get(path) ?? new Map<string, Translations>();
      for (const [value, label] of Object.entries(choices)) known.set(value, label);
      info.choices.set(path, known);
    }
  }
  return info;
}

interface Column {
  name: string;
  value: (answer: string | undefined) => CsvValue;
}

function columnsOf(leaves: readonly string[], info: QuestionInfo, options: ExportOptions): Column[] {
  const nameOf = (path: string): string => (options.groupPaths ? columnName(path) : path.split('/').slice(-1)[0]!);
  return leaves.flatMap((path): Column[] => {
    const choices = info.choices.get(path);
    const label = (value: string): string => (options.labels === null ? value : (labelIn(choices?.get(value), options.labels, info.defaultLanguage) ?? value));
    if (options.splitSelectMultiple && info.multiple.has(path) && choices !== undefined) {
      return [...choices.keys()].map((choice) => ({
        name: `${nameOf(path)}/${choice}`,
        value: (answer) => (answer === undefined || answer === '' ? null : answer.split(/\s+/).includes(choice) ? 1 : 0),
      }));
    }
    const mapped = choices !== undefined && options.labels !== null;
    return [
      {
        name: nameOf(path),
        value: (answer) => cell(mapped && answer !== undefined ? answer.split(/\s+/).filter((token) => token !== '').map(label).join(info.multiple.has(path) ? ' ; ' : ' ') : answer),
      },
    ];
  });
}

export interface ExportFile {
  name: string;
  header: string[];
  /** The rows, a page of submissions at a time; each call reads them afresh. */
  pages: () => AsyncIterable<CsvValue[][]>;
  /** The CSV file as it is read: text a page of submissions at a time, a repeat's spooled bytes (the first chunk holds the BOM and the header). */
  chunks: AsyncIterable<string | Buffer>;
}

/**
 * Submissions read and turned into rows per page: small enough that a page's parsed answers
 * (~50 KB a submission of the REACH MSNA) die in V8's young generation instead of being promoted
 * (500 a page spent twice the CPU, most of it collecting garbage), large enough that the query per
 * page costs little.
 */
const PAGE = 100;

export interface Table {
  /** null: the form's own table; otherwise the repeat's path. */
  repeat: string | null;
  name: string;
  leaves: string[];
}

const columnName = (path: string): string => path.split('/').slice(2).join('-');

/** The tables of a form over all its versions: which leaf belongs to which repeat (the innermost). */
export function tablesOf(versions: readonly q.FormVersionRow[], formId: string): Table[] {
  const repeats = new Set<string>();
  const leaves: string[] = [];
  // Oldest version first: a question a later version adds comes after every existing column.
  for (const version of [...versions].sort((a, b) => a.id - b.id)) {
    for (const question of version.questions) {
      if (question.kind === 'repeat') repeats.add(question.path);
      else if (question.kind === 'leaf' && !leaves.includes(question.path)) leaves.push(question.path);
    }
  }
  const innermost = (path: string): string | null => innermostRepeat(path, repeats);
  const main: Table = { repeat: null, name: `${formId}.csv`, leaves: leaves.filter((leaf) => innermost(leaf) === null) };
  return [
    main,
    ...[...repeats].map((repeat) => ({ repeat, name: `${formId}-${columnName(repeat)}.csv`, leaves: leaves.filter((leaf) => innermost(leaf) === repeat) })),
  ];
}

const cell = (value: string | undefined): CsvValue => (value === undefined || value === '' ? null : neutraliseFormula(value));

export const keyOf = (root: string, instance: string): string => `${root}/${instance.split('/').slice(2).join('/')}`;

/** A table's cells of one instance (the form's own answers, or a repeat instance's), with `extra` cells left for the keys. */
type Cells<Values> = (values: Values, extra: number) => CsvValue[];

/** Cells from answers keyed by path (stored before answers were packed, or read from the XML). */
const cellsByPath =
  (listed: ReadonlyArray<[string, Column]>): Cells<Readonly<Record<string, string>>> =>
  (values, extra) => {
    const row: CsvValue[] = new Array<CsvValue>(listed.length + extra);
    for (let index = 0; index < listed.length; index++) {
      const [leaf, column] = listed[index]!;
      row[index] = column.value(values[leaf]);
    }
    return row;
  };

/**
 * Cells straight from packed pairs: each leaf index of the version points at its columns, so an
 * answer is placed without building an object of paths (the export's main cost once answers were
 * packed). A column without an answer has what every column gives an absent one: empty.
 */
function cellsByPairs(listed: ReadonlyArray<[string, Column]>, leaves: readonly string[]): Cells<ReadonlyArray<number | string>> {
  const columnsOfPath = new Map<string, number[]>();
  listed.forEach(([leaf], index) => columnsOfPath.set(leaf, [...(columnsOfPath.get(leaf) ?? []), index]));
  const columnsOfLeaf = leaves.map((leaf) => columnsOfPath.get(leaf));
  const empty = listed.map(([, column]) => column.value(undefined));
  return (pairs, extra) => {
    const row: CsvValue[] = empty.slice();
    row.length = listed.length + extra;
    for (let at = 0; at < pairs.length; at += 2) {
      const key = pairs[at]!;
      const columns = typeof key === 'number' ? columnsOfLeaf[key] : columnsOfPath.get(key);
      if (columns === undefined) continue;
      const value = pairs[at + 1] as string;
      for (const index of columns) row[index] = listed[index]![1].value(value);
    }
    return row;
  };
}

/** Cells from packed pairs for each version of the form, made when a version's first submission is met. */
function pairCellsOf(listed: ReadonlyArray<[string, Column]>, leaves: VersionLeaves): (versionId: number) => Cells<ReadonlyArray<number | string>> {
  const byVersion = new Map<number, Cells<ReadonlyArray<number | string>>>();
  return (versionId) => {
    let cells = byVersion.get(versionId);
    if (cells === undefined) {
      const list = leaves.get(versionId);
      if (list === undefined) throw new Error(`no leaves given for form version ${versionId}`);
      byVersion.set(versionId, (cells = cellsByPairs(listed, list)));
    }
    return cells;
  };
}

/**
 * A table's rows of one submission: the form's own table has one row, a repeat's one per
 * instance, then the keys. Written for the hot loop (every cell of every row of the export
 * passes here): indexed loops, no spread copies.
 */
function rowsOf<Values>(table: Table, width: number, parentRepeat: string | null, submission: q.ExportSubmissionRow, instances: ReadonlyArray<[string | null, Values]>, cells: Cells<Values>): CsvValue[][] {
  const root = submission.root_instance_id;
  if (table.repeat === null) {
    const row = cells(instances[0]![1], 5);
    const at = width;
    row[at] = submission.received_at.toISOString();
    row[at + 1] = cell(submission.submitted_by);
    row[at + 2] = submission.review_state;
    row[at + 3] = submission.instance_id;
    row[at + 4] = root;
    return [row];
  }
  const rows: CsvValue[][] = new Array<CsvValue[]>(instances.length);
  for (let index = 0; index < instances.length; index++) {
    const [instance, values] = instances[index]!;
    const row = cells(values, 2);
    row[width] = parentRepeat === null ? root : keyOf(root, instanceOf(instance!, parentRepeat));
    row[width + 1] = keyOf(root, instance!);
    rows[index] = row;
  }
  return rows;
}

/** Rows of a spooled repeat table read back per batch (Excel), or its bytes per read (CSV): small enough to stay flat. */
const SPOOL_BATCH = 2000;
const SPOOL_READ_BYTES = 256 * 1024;

/**
 * The zip's files; nothing is read until a file's rows are. One pass over the submissions makes
 * every file: the form's rows are handed on as they are made, each repeat's rows are written to a
 * temporary file and read back when its file is asked for, so a submission is read once however
 * many repeats the form has, and memory stays flat. The CSV files spool their repeats as the CSV
 * text itself, streamed back as bytes (never parsed again); the Excel workbook, which needs cells,
 * spools one JSON row per line. The temporary files are removed once read, or when the pass stops
 * early (a download cut off).
 */
export async function exportSubmissions(db: Queryable, principal: Principal, projectId: number, xmlFormId: string, filter: ExportFilter, options: ExportOptions = RAW_EXPORT): Promise<{ formId: string; files: ExportFile[] }> {
  await authoriseProject(db, principal, projectId, 'collection.read');
  const form = await q.formByXmlId(db, projectId, xmlFormId);
  if (form === undefined) throw new AppError('collection.form.notFound', { formId: xmlFormId });
  const versions = await q.formVersions(db, form.id);
  const tables = tablesOf(versions, form.xml_form_id);
  const repeatPaths = new Set(tables.flatMap((table) => (table.repeat === null ? [] : [table.repeat])));
  const info = await questionInfo(db, versions);
  const leaves = versionLeaves(versions);
  const columns = new Map(tables.flatMap((table) => table.leaves).map((leaf) => [leaf, columnsOf([leaf], info, options)]));
  // Each table's columns with their question and its parent repeat, listed once per export rather than once per row.
  const writers = tables.map((table) => {
    const listed = table.leaves.flatMap((leaf) => columns.get(leaf)!.map((column): [string, Column] => [leaf, column]));
    return { table, listed, parentRepeat: table.repeat === null ? null : innermostRepeat(table.repeat, repeatPaths), byPath: cellsByPath(listed), byPairs: pairCellsOf(listed, leaves) };
  });
  const [formWriter, ...repeatWriters] = writers as [(typeof writers)[number], ...Array<(typeof writers)[number]>];
  /** A table's rows of a submission, from its packed answers when they are (`stored` otherwise: by path, or read from the XML). */
  const tableRows = (writer: (typeof writers)[number], submission: q.ExportSubmissionRow, packed: PackedAnswers | null, stored: StoredAnswers | null): CsvValue[][] => {
    const width = writer.listed.length;
    if (packed !== null) {
      const instances: ReadonlyArray<[string | null, ReadonlyArray<number | string>]> = writer.table.repeat === null ? [[null, packed.own]] : (packed.repeats[writer.table.repeat] ?? []);
      return rowsOf(writer.table, width, writer.parentRepeat, submission, instances, writer.byPairs(submission.form_version_id));
    }
    return rowsOf(writer.table, width, writer.parentRepeat, submission, tableInstances(stored!, writer.table.repeat), writer.byPath);
  };

  /**
   * One way of spooling the repeats: `spool` turns a page's rows of a repeat into the temporary
   * file's text. A single pass spools: the zip starts reading every file at once (archiver pipes
   * each stream as it is added), so a repeat's file waits for the pass the form's file drives
   * rather than starting a pass of its own.
   */
  const spooledPass = (spool: (rows: CsvValue[][]) => string) => {
    let started = false;
    let unread = repeatWriters.length;
    let spooledFolder: (folder: string | null) => void = () => undefined;
    /** The folder of the spooled repeats once the pass is complete; null when it was cut off. */
    const spooled = new Promise<string | null>((resolve) => (spooledFolder = resolve));
    const formPages = async function* formPages(): AsyncGenerator<CsvValue[][]> {
      // Read again (a second reading of the form's rows): the repeats are spooled already.
      const spooling = !started && repeatWriters.length > 0;
      started = true;
      const folder = spooling ? await mkdtemp(path.join(tmpdir(), 'liptako-export-')) : null;
      const spools = folder === null ? [] : repeatWriters.map((_writer, index) => openSync(path.join(folder, `${index}.spool`), 'w'));
      let complete = false;
      try {
        const pageAfter = (after: number): Promise<q.ExportSubmissionRow[]> => {
          const asked = q.exportPage(db, form.id, { ...filter, after, limit: PAGE });
          // A pass cut off (the client gone) leaves the page it asked for ahead unread.
          asked.catch(() => undefined);
          return asked;
        };
        let next: Promise<q.ExportSubmissionRow[]> | null = pageAfter(0);
        while (next !== null) {
          const page: q.ExportSubmissionRow[] = await next;
          // The next page is asked for before this one is written: the database reads it while this
          // process parses and writes (waiting on it was a third of an export's time).
          next = page.length === PAGE ? pageAfter(page[page.length - 1]!.id) : null;
          if (page.length === 0) break;
          const rows: CsvValue[][] = [];
          const repeatRows = repeatWriters.map((): CsvValue[][] => []);
          for (const submission of page) {
            const packed = submission.xml === null && submission.answers !== null && isPacked(submission.answers) ? submission.answers : null;
            const stored = packed === null ? answersOf(submission, repeatPaths, leaves) : null;
            rows.push(...tableRows(formWriter, submission, packed, stored));
            if (!spooling) continue;
            for (let index = 0; index < repeatWriters.length; index++) {
              const writer = repeatWriters[index]!;
              for (const row of tableRows(writer, submission, packed, stored)) repeatRows[index]!.push(row);
            }
          }
          spools.forEach((file, index) => writeSync(file, spool(repeatRows[index]!)));
          yield rows;
        }
        complete = true;
      } finally {
        for (const file of spools) closeSync(file);
        if (folder !== null) {
          if (!complete) await rm(folder, { recursive: true, force: true });
          spooledFolder(complete ? folder : null);
        }
      }
    };
    /** A repeat's spooled file, read with `read`, then removed when every repeat has been read (or at once if cut off). */
    const repeatSpool = async function* repeatSpool<T>(index: number, read: (file: string) => AsyncIterable<T>): AsyncGenerator<T> {
      // Asked for before anything read the form's rows: the pass runs now, its rows unused.
      if (!started) for await (const rows of formPages()) void rows;
      const folder = await spooled;
      if (folder === null) return;
      let complete = false;
      try {
        yield* read(path.join(folder, `${index}.spool`));
        complete = true;
      } finally {
        unread -= 1;
        // The last file read, or a download cut off in this one: the spooled rows are not needed any more.
        if (unread === 0 || !complete) await rm(folder, { recursive: true, force: true });
      }
    };
    return { formPages, repeatSpool };
  };

  const jsonLines = (rows: CsvValue[][]): string => rows.map((row) => `${JSON.stringify(row)}\n`).join('');
  const csvLines = (rows: CsvValue[][]): string => rows.map(csvLine).join('');
  const readJsonRows = async function* readJsonRows(file: string): AsyncGenerator<CsvValue[][]> {
    let batch: CsvValue[][] = [];
    for await (const line of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
      batch.push(JSON.parse(line) as CsvValue[]);
      if (batch.length >= SPOOL_BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  };
  const readBytes = (file: string): AsyncIterable<Buffer> => createReadStream(file, { highWaterMark: SPOOL_READ_BYTES }) as AsyncIterable<Buffer>;

  // Each file's rows (Excel) and CSV text have their own pass, made when first asked for: an export reads one or the other.
  let rowsPass: ReturnType<typeof spooledPass> | null = null;
  let csvPass: ReturnType<typeof spooledPass> | null = null;
  const rowsOfPass = () => (rowsPass ??= spooledPass(jsonLines));
  const csvOfPass = () => (csvPass ??= spooledPass(csvLines));

  const files = writers.map(({ table }, index) => {
    const names = table.leaves.flatMap((leaf) => columns.get(leaf)!.map((column) => column.name));
    const header = table.repeat === null ? [...names, 'SubmissionDate', 'SubmitterName', 'ReviewState', 'instanceID', 'KEY'] : [...names, 'PARENT_KEY', 'KEY'];
    const pages = index === 0 ? () => rowsOfPass().formPages() : () => rowsOfPass().repeatSpool(index - 1, readJsonRows);
    return {
      name: table.name,
      header,
      pages,
      chunks: (async function* chunks(): AsyncGenerator<string | Buffer> {
        yield csvText([header], { bom: true });
        if (index === 0) for await (const rows of csvOfPass().formPages()) yield csvLines(rows);
        else yield* csvOfPass().repeatSpool(index - 1, readBytes);
      })(),
    };
  });
  return { formId: form.xml_form_id, files };
}
