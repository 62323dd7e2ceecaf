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
 * Reads a submission. `repeats` are the form's repeat paths (`/data/member`): their occurrences
 * get a position in `position`. Throws SubmissionProblem.
 */
export function readSubmission(xml: string, repeats: ReadonlySet<string> = new Set()): ParsedSubmission {
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
