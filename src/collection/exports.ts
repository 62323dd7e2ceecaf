/**
 * Submissions as a CSV zip: one file for the form and one per repeat group, the way ODK Central
 * and Kobo users expect them, and built to not time out at any size:
 * - each file is written in one pass over the submissions, a page at a time (keyset paging on
 *   the id), so memory stays flat in the number of submissions;
 * - keys are stable between exports: a submission's KEY is its first instanceID (an edit keeps
 *   it), a repeat row's KEY is its parent's KEY plus its position (`…/need[2]`);
 * - columns are aligned by question path over every version of the form: a question removed or
 *   added in a later version never shifts another column.
 */
import type { Principal } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { csvText, type CsvValue } from '../core/csv.js';
import { AppError, type Language } from '../core/errors.js';
import { neutraliseFormula } from '../core/exports.js';
import * as q from './queries.js';
import { authoriseProject } from './service.js';
import { readSubmission, type SubmissionAnswer } from './submission.js';
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
  const innermost = (path: string): string | null => [...repeats].filter((repeat) => path.startsWith(`${repeat}/`)).sort((a, b) => b.length - a.length)[0] ?? null;
  const main: Table = { repeat: null, name: `${formId}.csv`, leaves: leaves.filter((leaf) => innermost(leaf) === null) };
  return [
    main,
    ...[...repeats].map((repeat) => ({ repeat, name: `${formId}-${columnName(repeat)}.csv`, leaves: leaves.filter((leaf) => innermost(leaf) === repeat) })),
  ];
}

const cell = (value: string | undefined): CsvValue => (value === undefined || value === '' ? null : neutraliseFormula(value));

/** `/data/hh[2]/member[3]/name`, repeat `/data/hh/member` → `/data/hh[2]/member[3]` (the repeat instance). */
export const instanceOf = (position: string, repeat: string): string => position.split('/').slice(0, repeat.split('/').length).join('/');

export const keyOf = (root: string, instance: string): string => `${root}/${instance.split('/').slice(2).join('/')}`;

function rowsOf(table: Table, columns: ReadonlyMap<string, Column[]>, submission: q.ExportSubmissionRow, answers: readonly SubmissionAnswer[], repeatPaths: ReadonlySet<string>): CsvValue[][] {
  const cells = (valueOf: (leaf: string) => string | undefined): CsvValue[] => table.leaves.flatMap((leaf) => columns.get(leaf)!.map((column) => column.value(valueOf(leaf))));
  const root = submission.root_instance_id;
  if (table.repeat === null) {
    const byPath = new Map(answers.filter((answer) => answer.path === answer.position).map((answer) => [answer.path, answer.value]));
    return [[...cells((leaf) => byPath.get(leaf)), submission.received_at.toISOString(), cell(submission.submitted_by), submission.review_state, submission.instance_id, root]];
  }
  const repeat = table.repeat;
  const instances = new Map<string, Map<string, string>>();
  for (const answer of answers) {
    if (!table.leaves.includes(answer.path)) continue;
    const instance = instanceOf(answer.position, repeat);
    const values = instances.get(instance) ?? new Map<string, string>();
    values.set(answer.path, answer.value);
    instances.set(instance, values);
  }
  const parentRepeat = [...repeatPaths].filter((path) => repeat.startsWith(`${path}/`)).sort((a, b) => b.length - a.length)[0];
  return [...instances.entries()].map(([instance, values]) => [
    ...cells((leaf) => values.get(leaf)),
    parentRepeat === undefined ? root : keyOf(root, instanceOf(instance, parentRepeat)),
    keyOf(root, instance),
  ]);
}

/** The zip's files; nothing is read until a file's chunks are. */
export async function exportSubmissions(db: Queryable, principal: Principal, projectId: number, xmlFormId: string, filter: ExportFilter, options: ExportOptions = RAW_EXPORT): Promise<{ formId: string; files: ExportFile[] }> {
  await authoriseProject(db, principal, projectId, 'collection.read');
  const form = await q.formByXmlId(db, projectId, xmlFormId);
  if (form === undefined) throw new AppError('collection.form.notFound', { formId: xmlFormId });
  const versions = await q.formVersions(db, form.id);
  const tables = tablesOf(versions, form.xml_form_id);
  const repeatPaths = new Set(tables.flatMap((table) => (table.repeat === null ? [] : [table.repeat])));
  const info = await questionInfo(db, versions);
  const columns = new Map(tables.flatMap((table) => table.leaves).map((leaf) => [leaf, columnsOf([leaf], info, options)]));
  const files = tables.map((table) => {
    const names = table.leaves.flatMap((leaf) => columns.get(leaf)!.map((column) => column.name));
    const header = table.repeat === null ? [...names, 'SubmissionDate', 'SubmitterName', 'ReviewState', 'instanceID', 'KEY'] : [...names, 'PARENT_KEY', 'KEY'];
    const pages = async function* pages(): AsyncGenerator<CsvValue[][]> {
      let after = 0;
      for (;;) {
        const page = await q.exportPage(db, form.id, { ...filter, after, limit: PAGE });
        if (page.length === 0) return;
        const rows = page.flatMap((submission) => rowsOf(table, columns, submission, readSubmission(submission.xml, repeatPaths).answers, repeatPaths));
        if (rows.length > 0) yield rows;
        after = page[page.length - 1]!.id;
      }
    };
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
