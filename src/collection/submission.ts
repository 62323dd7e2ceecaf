/**
 * Reading a submission (the XML instance a phone sends) as the server needs it (pure): which
 * form and version it answers, its instanceID, the instance it replaces (an edit's
 * meta/deprecatedID), its instanceName, and its answers by path. The server never re-validates
 * the form's constraints: what the phone sent is what is kept (OpenRosa; ODK Central does the same).
 *
 * Like forms, a submission is XML from outside: any DOCTYPE is refused, so no entity can be
 * declared (no XXE, no entity bomb).
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';

export type SubmissionProblemReason = 'doctype' | 'malformed' | 'noFormId' | 'noInstanceId' | 'tooLarge';

export class SubmissionProblem extends Error {
  constructor(
    readonly reason: SubmissionProblemReason,
    readonly line: number | null = null,
    readonly column: number | null = null,
  ) {
    super(`${reason}${line === null ? '' : ` at ${line}:${column ?? 0}`}`);
    this.name = 'SubmissionProblem';
  }
}

/** One answer: `path` without positions (`/data/member/name`), `position` with them for repeats (`/data/member[2]/name`). */
export interface SubmissionAnswer {
  path: string;
  position: string;
  value: string;
}

export interface ParsedSubmission {
  formId: string;
  /** '' when the instance carries no version (a form without one). */
  version: string;
  instanceId: string;
  deprecatedId: string | null;
  instanceName: string | null;
  answers: SubmissionAnswer[];
}

/** ODK Collect's default batch size; a submission's XML alone beyond this is refused. */
export const SUBMISSION_XML_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Reads a submission. `repeatsOf` gives the form's repeat paths (`/data/member`), or a function
 * asked for them once the root element has named the form and version: their occurrences get a
 * position in `position`. Throws SubmissionProblem.
 */
export function readSubmission(
  xml: string,
  repeatsOf: ReadonlySet<string> | ((formId: string, version: string) => ReadonlySet<string> | undefined) = new Set(),
): ParsedSubmission {
  // The form's repeats may be asked for once the root element names the form and version.
  let repeats: ReadonlySet<string> = typeof repeatsOf === 'function' ? new Set() : repeatsOf;
  if (Buffer.byteLength(xml, 'utf8') > SUBMISSION_XML_MAX_BYTES) throw new SubmissionProblem('tooLarge');
  const parser = new SaxesParser({ xmlns: true, position: true });
  const found: { problem: SubmissionProblem | null } = { problem: null };
  const fail = (reason: SubmissionProblemReason): void => {
    found.problem ??= new SubmissionProblem(reason, parser.line, parser.column);
  };
  // Each open element: its name, its path with positions, whether it has child elements, its text.
  const open: Array<{ name: string; path: string; position: string; children: Map<string, number>; hasChild: boolean; text: string }> = [];
  let formId: string | null = null;
  let version = '';
  const answers: SubmissionAnswer[] = [];

  parser.on('doctype', () => fail('doctype'));
  parser.on('error', () => fail('malformed'));
  parser.on('opentag', (tag: SaxesTagNS) => {
    const parent = open[open.length - 1];
    if (parent === undefined) {
      formId = tag.attributes.id?.value ?? null;
      version = tag.attributes.version?.value.trim() ?? '';
      if (typeof repeatsOf === 'function') repeats = repeatsOf(formId?.trim() ?? '', version) ?? repeats;
      open.push({ name: tag.local, path: `/${tag.local}`, position: `/${tag.local}`, children: new Map(), hasChild: false, text: '' });
      return;
    }
    parent.hasChild = true;
    const count = (parent.children.get(tag.local) ?? 0) + 1;
    parent.children.set(tag.local, count);
    const path = `${parent.path}/${tag.local}`;
    const position = `${parent.position}/${tag.local}${repeats.has(path) ? `[${count}]` : ''}`;
    open.push({ name: tag.local, path, position, children: new Map(), hasChild: false, text: '' });
  });
  parser.on('text', (text) => {
    const current = open[open.length - 1];
    if (current !== undefined) current.text += text;
  });
  parser.on('closetag', () => {
    const element = open.pop();
    if (element === undefined || element.hasChild || open.length === 0) return;
    answers.push({ path: element.path, position: element.position, value: element.text.trim() });
  });
  try {
    parser.write(xml).close();
  } catch {
    fail('malformed');
  }
  if (found.problem !== null) throw found.problem;
  const id = (formId as string | null)?.trim() ?? '';
  if (id === '') throw new SubmissionProblem('noFormId');
  const meta = (name: string): string | null => {
    const answer = answers.find((candidate) => candidate.path.split('/').length === 4 && candidate.path.endsWith(`/meta/${name}`));
    return answer === undefined || answer.value === '' ? null : answer.value;
  };
  const instanceId = meta('instanceID');
  if (instanceId === null || instanceId.length > 200) throw new SubmissionProblem('noInstanceId');
  return { formId: id, version, instanceId, deprecatedId: meta('deprecatedID'), instanceName: meta('instanceName'), answers };
}

/**
 * A submission's answers split by export table: `""` holds the form's own answers by path; each
 * repeat's path holds its instances in order, each with its position (`/data/member[2]`) and its
 * answers by path. Empty answers are left out (an export shows them empty either way); an instance
 * with no answer is kept, so it still has its row.
 */
export type StoredAnswers = Record<string, Record<string, string> | Array<[string, Record<string, string>]>>;

/** The innermost of `repeats` holding `path`, or null for a question of the form's own table. */
export function innermostRepeat(path: string, repeats: ReadonlySet<string>): string | null {
  let found: string | null = null;
  for (const repeat of repeats) if (path.startsWith(`${repeat}/`) && (found === null || repeat.length > found.length)) found = repeat;
  return found;
}

/** `/data/hh[2]/member[3]/name`, repeat `/data/hh/member` → `/data/hh[2]/member[3]` (the repeat instance). */
export const instanceOf = (position: string, repeat: string): string => position.split('/').slice(0, repeat.split('/').length).join('/');

/** Answers read with the form's `repeats` (so they carry positions), split as exports read them. */
export function storedAnswers(answers: readonly SubmissionAnswer[], repeats: ReadonlySet<string>): StoredAnswers {
  const own: Record<string, string> = {};
  const stored: StoredAnswers = { '': own };
  const instances = new Map<string, Map<string, Record<string, string>>>();
  for (const answer of answers) {
    const repeat = innermostRepeat(answer.path, repeats);
    if (repeat === null) {
      if (answer.value !== '') own[answer.path] = answer.value;
      continue;
    }
    const byInstance = instances.get(repeat) ?? new Map<string, Record<string, string>>();
    instances.set(repeat, byInstance);
    const instance = instanceOf(answer.position, repeat);
    const values = byInstance.get(instance) ?? {};
    byInstance.set(instance, values);
    if (answer.value !== '') values[answer.path] = answer.value;
  }
  for (const [repeat, byInstance] of instances) stored[repeat] = [...byInstance.entries()];
  return stored;
}


/**
 * Answers as stored: each question by its place among its form version's leaves rather than by
 * its path. Paths were three quarters of the stored text (~23 KB a REACH MSNA submission, more
 * than its XML), and an export read and parsed them once per answer. A table's answers are flat
 * pairs `[leaf index, value, …]`; an element the version does not list (a client's own) keeps its
 * path in place of the index. `#` tells it from the path-keyed answers stored before (still read).
 */
export interface PackedAnswers {
  '#': 1;
  own: Array<number | string>;
  /** Each repeat's instances in order: [position, pairs]. */
  repeats: Record<string, Array<[string, Array<number | string>]>>;
}

/** The leaves of a form version, in the order of its questions: what packed answers' indexes point at. */
export const leavesOf = (questions: readonly { path: string; kind: string }[]): string[] => questions.filter((question) => question.kind === 'leaf').map((question) => question.path);

export function packAnswers(stored: StoredAnswers, leaves: readonly string[]): PackedAnswers {
  const index = new Map(leaves.map((path, at) => [path, at]));
  const pairs = (values: Readonly<Record<string, string>>): Array<number | string> => Object.entries(values).flatMap(([path, value]) => [index.get(path) ?? path, value]);
  const packed: PackedAnswers = { '#': 1, own: [], repeats: {} };
  for (const [table, answers] of Object.entries(stored)) {
    if (Array.isArray(answers)) packed.repeats[table] = answers.map(([instance, values]) => [instance, pairs(values)]);
    else if (table === '') packed.own = pairs(answers);
  }
  return packed;
}

export const isPacked = (answers: StoredAnswers | PackedAnswers): answers is PackedAnswers => (answers as Partial<PackedAnswers>)['#'] === 1;

function unpackAnswers(packed: PackedAnswers, leaves: readonly string[]): StoredAnswers {
  const values = (pairs: ReadonlyArray<number | string>): Record<string, string> => {
    const table: Record<string, string> = {};
    for (let at = 0; at < pairs.length; at += 2) {
      const key = pairs[at]!;
      const path = typeof key === 'number' ? leaves[key] : key;
      if (path === undefined) throw new Error(`stored answers point at leaf ${key} of a version with ${leaves.length}`);
      table[path] = pairs[at + 1] as string;
    }
    return table;
  };
  const stored: StoredAnswers = { '': values(packed.own) };
  for (const [repeat, instances] of Object.entries(packed.repeats)) stored[repeat] = instances.map(([instance, pairs]): [string, Record<string, string>] => [instance, values(pairs)]);
  return stored;
}

/** Leaves of each version of a form by version id, for reading packed answers. */
export type VersionLeaves = ReadonlyMap<number, readonly string[]>;

export const versionLeaves = (versions: readonly { id: number; questions: readonly { path: string; kind: string }[] }[]): VersionLeaves =>
  new Map(versions.map((version) => [version.id, leavesOf(version.questions)]));

/**
 * A stored submission's answers: as stored (packed against its version's leaves, or by path as
 * stored before), or read from its XML when it was received before answers were stored.
 */
export function answersOf(
  row: { answers: StoredAnswers | PackedAnswers | null; xml: string | null; form_version_id: number },
  repeats: ReadonlySet<string>,
  leaves: VersionLeaves,
): StoredAnswers {
  if (row.xml !== null) return storedAnswers(readSubmission(row.xml, repeats).answers, repeats);
  if (row.answers === null) return {};
  if (!isPacked(row.answers)) return row.answers;
  const list = leaves.get(row.form_version_id);
  if (list === undefined) throw new Error(`no leaves given for form version ${row.form_version_id}`);
  return unpackAnswers(row.answers, list);
}

/** One export table's rows of a submission: the form's own table has one row (instance null), a repeat's one per instance, in order. */
export function tableInstances(stored: StoredAnswers, repeat: string | null): Array<[string | null, Record<string, string>]> {
  const answers = stored[repeat ?? ''];
  if (repeat === null) return [[null, answers === undefined || Array.isArray(answers) ? {} : answers]];
  return Array.isArray(answers) ? answers : [];
}
