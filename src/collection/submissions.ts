/**
 * Submissions: receiving what phones send (duplicates, edits, batches), listing, showing and
 * reviewing them.
 *
 * What flaky links do, and what is answered:
 * - the same instanceID with the same XML again (the phone never saw our 201): success, nothing
 *   new, except files this post brings that were missing (a batch, or a retry after a cut);
 * - the same instanceID with other XML: 409, nothing stored;
 * - two identical posts at the same moment: the unique (form, instanceID) constraint lets one
 *   insert; the other finds it and answers as a duplicate;
 * - an edit (meta/deprecatedID) is a new row of the same logical submission; files it does not
 *   send again are carried over by name from the version it replaces.
 */
import { audited, actorName, type Actor } from '../access/audit.js';
import type { Principal } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { AppError, type Language } from '../core/errors.js';
import * as q from './queries.js';
import { authoriseProject, md5Hex, sha256Hex } from './service.js';
import { leavesOf, packAnswers, readSubmission, storedAnswers, SubmissionProblem, type SubmissionAnswer } from './submission.js';
import { readXForm } from './xform.js';
import { labelIn, readXFormLabels, type XFormLabels } from './xform-labels.js';

export interface ReceivedFile {
  name: string;
  contentType: string;
  bytes: Buffer;
}

export interface ReceiveOutcome {
  /** `created`: a new submission; `updated`: a known one got files it lacked; `duplicate`: nothing new. */
  outcome: 'created' | 'updated' | 'duplicate';
  submissionId: number;
  instanceId: string;
  /** Files the XML names that have not arrived yet (the phone sends them in a later batch). */
  missing: string[];
}

/** File names a submission's XML names: the answers of the form's binary questions (photos, audio). */
function namedFiles(answers: readonly SubmissionAnswer[], binaryPaths: ReadonlySet<string>): string[] {
  return [...new Set(answers.filter((answer) => binaryPaths.has(answer.path) && answer.value !== '' && /^[^/\\]{1,200}$/.test(answer.value)).map((answer) => answer.value))];
}

interface FormShape {
  repeats: Set<string>;
  binaryPaths: Set<string>;
  /** Read when first asked for: receiving a submission never needs them. */
  labels: () => XFormLabels;
}

// Keyed by the version's SHA-256, not its id: ids are per database (a process may serve or test
// several), while the same bytes always have the same shape.
const shapes = new Map<string, FormShape>();

// The repeats last seen for a project's form version, so a submission is read once, with them. A
// hint only: used when it is the very set of the version's shape (the same bytes), else read again.
const repeatsByVersion = new Map<string, ReadonlySet<string>>();
const versionKey = (projectId: number, formId: string, version: string): string => `${projectId}\u0000${formId}\u0000${version}`;

/** Repeats and binary questions of a form version (read once from its XML, then kept: versions never change). */
async function shapeOf(db: Queryable, version: Pick<q.FormVersionRow, 'id' | 'sha256'>): Promise<FormShape> {
  const known = shapes.get(version.sha256);
  if (known !== undefined) return known;
  const xml = (await q.formVersionXml(db, version.id)).toString('utf8');
  const definition = readXForm(xml);
  let labels: XFormLabels | undefined;
  const shape = {
    repeats: new Set(definition.questions.filter((question) => question.kind === 'repeat').map((question) => question.path)),
    binaryPaths: new Set(definition.binds.filter((bind) => bind.type === 'binary').map((bind) => bind.nodeset)),
    labels: () => (labels ??= readXFormLabels(xml)),
  };
  shapes.set(version.sha256, shape);
  return shape;
}

const submissionProblem = (problem: SubmissionProblem): AppError =>
  new AppError('collection.submission.invalid', { reason: problem.reason, where: problem.line === null ? '' : `, ${problem.line}:${problem.column ?? 0}` });

/**
 * Receives one POST of a submission: its XML and the files of this batch. Everything of one post
 * is stored in one transaction with its audit row; a refused post stores nothing.
 */
export async function receiveSubmission(
  db: Queryable,
  actor: Actor,
  projectId: number,
  post: { xml: string; files: readonly ReceivedFile[]; deviceId: string | null },
): Promise<ReceiveOutcome> {
  const principal = actor.principal;
  await authoriseProject(db, principal, projectId, 'collection.submit');
  let parsed;
  let repeatsRead: ReadonlySet<string> | undefined;
  try {
    parsed = readSubmission(post.xml, (formId, version) => (repeatsRead = repeatsByVersion.get(versionKey(projectId, formId, version))));
  } catch (error) {
    if (error instanceof SubmissionProblem) throw submissionProblem(error);
    throw error;
  }
  const form = await q.formForSubmission(db, projectId, parsed.formId, principal.kind === 'app-user' ? principal.appUserId : null);
  if (form === undefined || !form.assigned) throw new AppError('collection.form.notFound', { formId: parsed.formId });
  if (form.state === 'closed') throw new AppError('collection.form.closed', { formId: parsed.formId });
  const version = await q.formVersion(db, form.id, parsed.version);
  if (version === undefined) throw new AppError('collection.submission.versionUnknown', { formId: parsed.formId, version: parsed.version === '' ? '—' : parsed.version });
  // File names are read by question path: the first parse's answers serve, no repeat positions needed.
  const shape = await shapeOf(db, version);
  repeatsByVersion.set(versionKey(projectId, parsed.formId, parsed.version), shape.repeats);
  const fileNames = namedFiles(parsed.answers, shape.binaryPaths);
  const xmlSha256 = sha256Hex(post.xml);
  // Stored split by export table, so exports never parse XML again. Positions in repeats need the
  // form's repeats: read with them already unless this form version is new to this process.
  const answers = storedAnswers(repeatsRead === shape.repeats || shape.repeats.size === 0 ? parsed.answers : readSubmission(post.xml, shape.repeats).answers, shape.repeats);
  // Packed against the leaves as stored with the version (what every reader unpacks with), not as this release would read the XML.
  const packed = packAnswers(answers, leavesOf(version.questions));

  const outcome = await audited(
    db,
    actor,
    async (tx): Promise<ReceiveOutcome> => {
      let existing = await q.submissionByInstanceId(tx, form.id, parsed.instanceId);
      let created = false;
      if (existing === undefined) {
        const replaced = parsed.deprecatedId === null ? undefined : await q.submissionByInstanceId(tx, form.id, parsed.deprecatedId);
        if (parsed.deprecatedId !== null && replaced === undefined) throw new AppError('collection.submission.deprecatedUnknown', { deprecatedId: parsed.deprecatedId });
        // Retired first: only one version of a submission is current (a unique index says so).
        if (replaced !== undefined) await q.retireSubmission(tx, replaced.id);
        const id = await q.insertSubmission(tx, {
          formId: form.id,
          formVersionId: version.id,
          version: parsed.version,
          instanceId: parsed.instanceId,
          rootInstanceId: replaced?.root_instance_id ?? parsed.instanceId,
          deprecatedId: parsed.deprecatedId,
          instanceName: parsed.instanceName,
          xml: post.xml,
          xmlSha256,
          deviceId: post.deviceId,
          appUserId: principal.kind === 'app-user' ? principal.appUserId : null,
          by: actorName(actor),
          reviewState: replaced === undefined ? 'received' : 'edited',
          answers: packed,
        });
        if (id !== undefined) {
          created = true;
          await q.expectAttachments(tx, id, fileNames);
          if (replaced !== undefined) await q.carryAttachments(tx, replaced.id, id);
        }
        existing = await q.submissionByInstanceId(tx, form.id, parsed.instanceId);
      }
      if (existing === undefined || existing.xml_sha256 !== xmlSha256) throw new AppError('collection.submission.conflict', { instanceId: parsed.instanceId });
      let added = 0;
      for (const file of post.files) {
        // Only files the XML names are kept: anything else on the wire is not part of the record.
        if (!fileNames.includes(file.name)) continue;
        if (await q.storeAttachment(tx, { submissionId: existing.id, name: file.name, contentType: file.contentType, bytes: file.bytes, md5: md5Hex(file.bytes) })) added += 1;
      }
      const attachments = await q.submissionAttachments(tx, existing.id);
      return {
        outcome: created ? 'created' : added > 0 ? 'updated' : 'duplicate',
        submissionId: existing.id,
        instanceId: parsed.instanceId,
        missing: attachments.filter((attachment) => !attachment.present).map((attachment) => attachment.name),
      };
    },
    (result) => ({
      action: 'collection.submission.receive',
      objectType: 'collection-submission',
      objectId: result.submissionId,
      summary: { formId: parsed.formId, outcome: result.outcome, files: post.files.length, missing: result.missing.length },
    }),
  );
  return outcome;
}

// ---- reading and reviewing ----------------------------------------------------------------------

export const REVIEW_STATES = ['received', 'has-issues', 'edited', 'approved', 'rejected'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];
/** The states a reviewer sets (`received` is where every submission starts). */
export const REVIEW_DECISIONS = ['has-issues', 'edited', 'approved', 'rejected'] as const;
export const BULK_REVIEW_MAX = 5000;

export interface SubmissionView {
  id: number;
  instanceId: string;
  instanceName: string | null;
  version: string;
  submittedBy: string;
  deviceId: string | null;
  receivedAt: string;
  reviewState: ReviewState;
  edits: number;
  attachmentsExpected: number;
  attachmentsPresent: number;
}

const submissionView = (row: q.SubmissionRow): SubmissionView => ({
  id: row.id,
  instanceId: row.instance_id,
  instanceName: row.instance_name,
  version: row.version,
  submittedBy: row.submitted_by,
  deviceId: row.device_id,
  receivedAt: row.received_at.toISOString(),
  reviewState: row.review_state,
  edits: row.instance_id === row.root_instance_id ? 0 : 1,
  attachmentsExpected: row.attachments_expected,
  attachmentsPresent: row.attachments_present,
});

async function formOf(db: Queryable, principal: Principal, projectId: number, xmlFormId: string, verb: 'collection.read' | 'collection.review'): Promise<q.FormRow> {
  await authoriseProject(db, principal, projectId, verb);
  const form = await q.formByXmlId(db, projectId, xmlFormId);
  if (form === undefined) throw new AppError('collection.form.notFound', { formId: xmlFormId });
  return form;
}

export async function listSubmissions(
  db: Queryable,
  principal: Principal,
  projectId: number,
  xmlFormId: string,
  filter: { reviewStates: ReviewState[] | null; limit: number; offset: number },
): Promise<{ submissions: SubmissionView[]; total: number }> {
  const form = await formOf(db, principal, projectId, xmlFormId, 'collection.read');
  const page = await q.submissions(db, form.id, filter);
  return { submissions: page.rows.map(submissionView), total: page.total };
}

/** An answer as a reviewer reads it: the question's label and the chosen options' labels, in their language. */
export interface LabelledAnswer extends SubmissionAnswer {
  /** Null when the form shows the question without a label (calculations, hidden fields). */
  label: string | null;
  /** For a choice: the labels of the chosen options (codes the form does not list stay codes). */
  valueLabel: string | null;
}

export interface SubmissionDetail {
  submission: SubmissionView;
  answers: LabelledAnswer[];
  attachments: Array<{ name: string; present: boolean; contentType: string | null }>;
  history: Array<{ id: number; instanceId: string; receivedAt: string; submittedBy: string }>;
  reviews: Array<{ state: string; comment: string | null; by: string; at: string }>;
}

function labelled(answer: SubmissionAnswer, labels: XFormLabels | null, language: Language): LabelledAnswer {
  if (labels === null) return { ...answer, label: null, valueLabel: null };
  const choices = labels.choices[answer.path];
  const valueLabel =
    choices === undefined || answer.value === ''
      ? null
      : answer.value
          .split(/\s+/)
          .map((code) => labelIn(choices[code], language, labels.defaultLanguage) ?? code)
          .join(', ');
  return { ...answer, label: labelIn(labels.questions[answer.path], language, labels.defaultLanguage), valueLabel };
}

export async function submissionDetail(db: Queryable, principal: Principal, projectId: number, xmlFormId: string, id: number, language: Language): Promise<SubmissionDetail> {
  const form = await formOf(db, principal, projectId, xmlFormId, 'collection.read');
  const row = await q.submissionById(db, form.id, id);
  if (row === undefined) throw new AppError('collection.submission.notFound', { id });
  const version = await q.formVersion(db, form.id, row.version);
  const shape = version === undefined ? null : await shapeOf(db, version);
  const history = await q.submissionHistory(db, form.id, row.root_instance_id);
  return {
    submission: submissionView(row),
    answers: readSubmission(row.xml, shape?.repeats ?? new Set())
      .answers.filter((answer) => !answer.path.includes('/meta/'))
      .map((answer) => labelled(answer, shape?.labels() ?? null, language)),
    attachments: (await q.submissionAttachments(db, row.id)).map((attachment) => ({ name: attachment.name, present: attachment.present, contentType: attachment.content_type })),
    history: history.map((version) => ({ id: version.id, instanceId: version.instance_id, receivedAt: version.received_at.toISOString(), submittedBy: version.submitted_by })),
    reviews: (await q.reviews(db, history.map((version) => version.id))).map((review) => ({ state: review.review_state, comment: review.comment, by: review.reviewed_by, at: review.reviewed_at.toISOString() })),
  };
}

export async function attachment(db: Queryable, principal: Principal, projectId: number, xmlFormId: string, id: number, name: string): Promise<{ bytes: Buffer; contentType: string }> {
  const form = await formOf(db, principal, projectId, xmlFormId, 'collection.read');
  const row = await q.submissionById(db, form.id, id);
  const file = row === undefined ? undefined : await q.attachmentBytes(db, row.id, name);
  if (file === undefined) throw new AppError('collection.submission.notFound', { id: `${id}/${name}` });
  return { bytes: file.bytes, contentType: file.content_type ?? 'application/octet-stream' };
}

/** Sets one review state on up to BULK_REVIEW_MAX current submissions of a form, in one audited write. */
export async function reviewSubmissions(
  db: Queryable,
  actor: Actor,
  projectId: number,
  xmlFormId: string,
  input: { ids: readonly number[]; state: string; comment: string | null },
): Promise<{ changed: number[] }> {
  const form = await formOf(db, actor.principal, projectId, xmlFormId, 'collection.review');
  if (!(REVIEW_DECISIONS as readonly string[]).includes(input.state) || input.ids.length === 0 || input.ids.length > BULK_REVIEW_MAX) {
    throw new AppError('collection.review.invalid', { max: BULK_REVIEW_MAX });
  }
  const changed = await audited(
    db,
    actor,
    (tx) => q.reviewSubmissions(tx, { formId: form.id, ids: [...new Set(input.ids)], state: input.state, comment: input.comment, by: actorName(actor) }),
    (ids) => ({ action: 'collection.submission.review', objectType: 'collection-form', objectId: form.id, summary: { state: input.state, submissions: ids.length } }),
  );
  return { changed };
}
