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
import { csvText, type CsvValue } from '../core/csv.js';
import { AppError, type Language } from '../core/errors.js';
import { neutraliseFormula } from '../core/exports.js';
import * as q from './queries.js';
import { authoriseProject } from './service.js';
import { answersOf, innermostRepeat, instanceOf, tableInstances, type StoredAnswers } from './submission.js';
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
  /** CSV text, a page of submissions at a time (the first chunk holds the BOM and the header). */
  chunks: AsyncIterable<string>;
}

/** Submissions read and turned into rows per page: small enough to stay flat, large enough to be quick. */
const PAGE = 500;

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

// Each table's columns with their question, listed once per export rather than once per row.
const tableColumns = new WeakMap<Table, Array<[string, Column]>>();
const columnsOfTable = (table: Table, columns: ReadonlyMap<string, Column[]>): Array<[string, Column]> => {
  let listed = tableColumns.get(table);
  if (listed === undefined) tableColumns.set(table, (listed = table.leaves.flatMap((leaf) => columns.get(leaf)!.map((column): [string, Column] => [leaf, column]))));
  return listed;
};

function rowsOf(table: Table, columns: ReadonlyMap<string, Column[]>, submission: q.ExportSubmissionRow, stored: StoredAnswers, repeatPaths: ReadonlySet<string>): CsvValue[][] {
  const root = submission.root_instance_id;
  const instances = tableInstances(stored, table.repeat);
  const cells = (values: Readonly<Record<string, string>>): CsvValue[] => columnsOfTable(table, columns).map(([leaf, column]) => column.value(values[leaf]));
  if (table.repeat === null) {
    return [[...cells(instances[0]![1]), submission.received_at.toISOString(), cell(submission.submitted_by), submission.review_state, submission.instance_id, root]];
  }
  const parentRepeat = innermostRepeat(table.repeat, repeatPaths);
  return instances.map(([instance, values]) => [...cells(values), parentRepeat === null ? root : keyOf(root, instanceOf(instance!, parentRepeat)), keyOf(root, instance!)]);
}

/** Rows of a spooled repeat table read back per batch: small enough to stay flat. */
const SPOOL_BATCH = 2000;

/**
 * The zip's files; nothing is read until a file's rows are. One pass over the submissions makes
 * every file: the form's rows are handed on as they are made, each repeat's rows are written to a
 * temporary file (one JSON row per line) and read back when its file is asked for, so a submission
 * is read once however many repeats the form has, and memory stays flat. The temporary files are
 * removed once read, or when the pass stops early (a download cut off).
 */
export async function exportSubmissions(db: Queryable, principal: Principal, projectId: number, xmlFormId: string, filter: ExportFilter, options: ExportOptions = RAW_EXPORT): Promise<{ formId: string; files: ExportFile[] }> {
  await authoriseProject(db, principal, projectId, 'collection.read');
  const form = await q.formByXmlId(db, projectId, xmlFormId);
  if (form === undefined) throw new AppError('collection.form.notFound', { formId: xmlFormId });
  const versions = await q.formVersions(db, form.id);
  const tables = tablesOf(versions, form.xml_form_id);
  const repeatPaths = new Set(tables.flatMap((table) => (table.repeat === null ? [] : [table.repeat])));
  const info = await questionInfo(db, versions);
  const columns = new Map(tables.flatMap((table) => table.leaves).map((leaf) => [leaf, columnsOf([leaf], info, options)]));
  const [formTable, ...repeatTables] = tables as [Table, ...Table[]];
  let spooled: string | null = null;
  let unread = repeatTables.length;

  const formPages = async function* formPages(): AsyncGenerator<CsvValue[][]> {
    const folder = repeatTables.length === 0 ? null : await mkdtemp(path.join(tmpdir(), 'liptako-export-'));
    const spools = folder === null ? [] : repeatTables.map((_table, index) => openSync(path.join(folder, `${index}.jsonl`), 'w'));
    let complete = false;
    try {
      let after = 0;
      for (;;) {
        const page = await q.exportPage(db, form.id, { ...filter, after, limit: PAGE });
        if (page.length === 0) break;
        const rows: CsvValue[][] = [];
        const spoolText = repeatTables.map(() => '');
        for (const submission of page) {
          const stored = answersOf(submission, repeatPaths);
          rows.push(...rowsOf(formTable, columns, submission, stored, repeatPaths));
          repeatTables.forEach((table, index) => {
            for (const row of rowsOf(table, columns, submission, stored, repeatPaths)) spoolText[index] += `${JSON.stringify(row)}\n`;
          });
        }
        spools.forEach((spool, index) => writeSync(spool, spoolText[index]!));
        yield rows;
        after = page[page.length - 1]!.id;
      }
      complete = true;
    } finally {
      for (const spool of spools) closeSync(spool);
      if (folder !== null) {
        if (complete) spooled = folder;
        else await rm(folder, { recursive: true, force: true });
      }
    }
  };

  const repeatPages = (index: number) =>
    async function* repeatPages(): AsyncGenerator<CsvValue[][]> {
      // Asked for before the form's file was read: the pass runs now, its rows unused.
      if (spooled === null) for await (const rows of formPages()) void rows;
      const folder = spooled!;
      let complete = false;
      try {
        let batch: CsvValue[][] = [];
        for await (const line of createInterface({ input: createReadStream(path.join(folder, `${index}.jsonl`), 'utf8'), crlfDelay: Infinity })) {
          batch.push(JSON.parse(line) as CsvValue[]);
          if (batch.length >= SPOOL_BATCH) {
            yield batch;
            batch = [];
          }
        }
        if (batch.length > 0) yield batch;
        complete = true;
      } finally {
        unread -= 1;
        // The last file read, or a download cut off in this one: the spooled rows are not needed any more.
        if (unread === 0 || !complete) await rm(folder, { recursive: true, force: true });
      }
    };

  const files = tables.map((table, index) => {
    const names = table.leaves.flatMap((leaf) => columns.get(leaf)!.map((column) => column.name));
    const header = table.repeat === null ? [...names, 'SubmissionDate', 'SubmitterName', 'ReviewState', 'instanceID', 'KEY'] : [...names, 'PARENT_KEY', 'KEY'];
    const pages = index === 0 ? formPages : repeatPages(index - 1);
    return {
      name: table.name,
      header,
      pages,
      chunks: (async function* chunks(): AsyncGenerator<string> {
        yield csvText([header], { bom: true });
        for await (const rows of pages()) yield csvText(rows);
      })(),
    };
  });
  return { formId: form.xml_form_id, files };
}
