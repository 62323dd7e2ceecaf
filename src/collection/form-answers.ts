/**
 * What another module reads of a form to make its own records from it (a DTM round from a bound
 * form): the questions a figure can come from, and the answers of the approved submissions the
 * server received in a period. Reading goes through the same project scope as every collection
 * read (collection.read in the project's country), so a binding never shows more of a form than
 * its review pages do.
 */
import type { Principal } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { AppError, type Language } from '../core/errors.js';
import * as q from './queries.js';
import { authoriseProject } from './service.js';
import { answersOf, versionLeaves } from './submission.js';
import { readXForm } from './xform.js';
import { labelIn, readXFormLabels } from './xform-labels.js';

/** A question whose one value per submission can become a cell of a round: a leaf outside any repeat and outside meta. */
export interface AnswerableQuestion {
  path: string;
  /** The last step of the path, as a form designer named it (`menages`, `f_0_4`). */
  name: string;
  /** The label in the reader's language, or null when the form shows none. */
  label: string | null;
  /** The XForm bind type (`int`, `date`, `string`, …), or null. */
  type: string | null;
}

export interface FormForBinding {
  id: number;
  projectId: number;
  country: string;
  xmlFormId: string;
  title: string;
  questions: AnswerableQuestion[];
}

async function describeForm(db: Queryable, form: q.FormRow, country: string, language: Language): Promise<FormForBinding> {
  const versions = await q.formVersions(db, form.id);
  // Questions of every version (newest first): a question dropped by the latest version still
  // names the answers of the submissions sent with an older one.
  const byPath = new Map<string, AnswerableQuestion>();
  for (const version of versions) {
    const xml = (await q.formVersionXml(db, version.id)).toString('utf8');
    const definition = readXForm(xml);
    const labels = readXFormLabels(xml);
    const repeats = definition.questions.filter((question) => question.kind === 'repeat').map((question) => `${question.path}/`);
    for (const question of definition.questions) {
      if (question.kind !== 'leaf' || byPath.has(question.path) || question.path.includes('/meta/')) continue;
      if (repeats.some((repeat) => question.path.startsWith(repeat))) continue;
      byPath.set(question.path, {
        path: question.path,
        name: question.path.slice(question.path.lastIndexOf('/') + 1),
        label: labelIn(labels.questions[question.path], language, labels.defaultLanguage),
        type: definition.binds.find((bind) => bind.nodeset === question.path)?.type ?? null,
      });
    }
  }
  return { id: form.id, projectId: form.project_id, country, xmlFormId: form.xml_form_id, title: form.title, questions: [...byPath.values()] };
}

/** A form by its project and XForm id, with its answerable questions; 404 outside the caller's collection scope. */
export async function formForBinding(db: Queryable, principal: Principal, projectId: number, xmlFormId: string, language: Language): Promise<FormForBinding> {
  const project = await authoriseProject(db, principal, projectId, 'collection.read');
  const form = await q.formByXmlId(db, projectId, xmlFormId);
  if (form === undefined) throw new AppError('collection.form.notFound', { formId: xmlFormId.slice(0, 200) });
  return describeForm(db, form, project.country, language);
}

export interface ApprovedSubmission {
  submissionId: number;
  instanceId: string;
  receivedAt: string;
  /** Question path → its value (outside repeats: one each). */
  answers: Record<string, string>;
}

const PAGE = 1_000;
const NO_REPEATS: ReadonlySet<string> = new Set();
const DAY_MS = 86_400_000;

/**
 * The current, approved submissions of a form received from `start` to `end` (UTC calendar days,
 * both included), oldest first, with their answers. The form is one the caller may read (formForBinding).
 */
export async function approvedSubmissions(db: Queryable, form: FormForBinding, period: { start: string; end: string }): Promise<ApprovedSubmission[]> {
  const from = new Date(`${period.start}T00:00:00Z`).toISOString();
  const to = new Date(Date.parse(`${period.end}T00:00:00Z`) + DAY_MS).toISOString();
  const wanted = new Set(form.questions.map((question) => question.path));
  const leaves = versionLeaves(await q.formVersions(db, form.id));
  const found: ApprovedSubmission[] = [];
  for (let after = 0; ; ) {
    const page = await q.exportPage(db, form.id, { after, limit: PAGE, reviewStates: ['approved'], from, to });
    for (const row of page) {
      const answers: Record<string, string> = {};
      // As stored when received (the form's own answers, then each repeat's in order; empty ones left out).
      for (const part of Object.values(answersOf(row, NO_REPEATS, leaves))) {
        for (const values of Array.isArray(part) ? part.map(([, instance]) => instance) : [part]) {
          for (const [path, value] of Object.entries(values)) if (wanted.has(path) && !(path in answers)) answers[path] = value;
        }
      }
      found.push({ submissionId: row.id, instanceId: row.instance_id, receivedAt: row.received_at.toISOString(), answers });
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.id;
  }
  // Received order, then id: the rows of a round's extract in the order the submissions arrived.
  return found.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.submissionId - b.submissionId);
}
