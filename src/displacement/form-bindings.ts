/**
 * Collected data flows on (issue 14): a collection form bound to a DTM operation, its questions
 * mapped to round fields with the vocabulary and checks of a file import's mapping step, and
 * "make a draft round": the approved submissions of a collection period written as an extract
 * (one row per submission, its instanceID first) and imported as any round file is — the same
 * validation rules, staging and swap, findings, review and publication. The extract is kept as
 * the import's raw file, and the submission of each of its rows in dtm_upload_source, so every
 * figure and finding of the round names the submission it came from.
 *
 * Who may bind and make rounds: those who may import rounds for the operation's country
 * (dtm.import there) and read the form (collection.read in its project's country).
 */
import { createHash } from 'node:crypto';
import { actorName, audited, type Actor } from '../access/audit.js';
import { can, type Principal } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { AppError, type Language } from '../core/errors.js';
import type * as jobs from '../core/jobs.js';
import { csvText, type CsvValue } from '../core/csv.js';
import { approvedSubmissions, formForBinding, type FormForBinding } from '../collection/form-answers.js';
import { choiceLabels, type ChoiceLabels } from '../collection/form-choices.js';
import { CHOICE_FIELDS, isRoundField, type ChoiceField, type RoundField } from '../shared/displacement.js';
import * as b from './binding-queries.js';
import { startImport } from './dtm-imports.js';
import { mappingProblems, suggestField, suggestMapping, type ColumnMapping } from './fields.js';
import * as q from './queries.js';
import { readChoice } from './values.js';
import { authoriseOperation } from './service.js';

/** The column of an extract that names each row's submission (ignored by the mapping, kept in the raw file). */
export const INSTANCE_COLUMN = 'instanceID';

export interface BindingView {
  id: number;
  projectId: number;
  formId: string;
  operation: string;
  assessmentType: 'BA' | 'SA';
  mapping: Record<string, RoundField | null>;
  createdBy: string;
  updatedBy: string;
  updatedAt: string;
}

export interface BindingRoundView {
  roundId: number;
  number: number;
  assessmentType: 'BA' | 'SA';
  status: string;
  fileName: string;
  rowsRead: number;
  rowsStored: number;
  createdAt: string;
}

export interface BindingPanel {
  form: { projectId: number; formId: string; title: string; country: string };
  /** The questions a figure can come from, each with the field Liptako suggests for it. */
  questions: Array<{ path: string; name: string; label: string | null; type: string | null; suggested: RoundField | null }>;
  /** Operations of the form's country the caller may import into. */
  operations: Array<{ code: string; name: string; nameFr: string; ageRanges: string[] }>;
  binding: BindingView | null;
  rounds: BindingRoundView[];
}

function bindingView(row: b.BindingRow, form: FormForBinding, operationCode: string): BindingView {
  return {
    id: row.id,
    projectId: form.projectId,
    formId: form.xmlFormId,
    operation: operationCode,
    assessmentType: row.assessment_type,
    mapping: row.mapping,
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * The field each question suggests, as a file's headers do: by the question's name (`menages`,
 * `f_0_4`, `admin2_pcode`), else by its label; a field claimed twice keeps the first question.
 */
function suggestions(form: FormForBinding, ageRanges: readonly string[]): Record<string, RoundField | null> {
  const byName = suggestMapping(
    form.questions.map((question) => question.name),
    null,
    ageRanges,
  );
  const taken = new Set(Object.values(byName).filter((field): field is RoundField => field !== null));
  const suggested: Record<string, RoundField | null> = {};
  for (const question of form.questions) {
    let field = byName[question.name] ?? null;
    if (field === null && question.label !== null) {
      const byLabel = suggestField(question.label, null, ageRanges);
      if (byLabel !== null && !taken.has(byLabel)) {
        field = byLabel;
        taken.add(byLabel);
      }
    }
    suggested[question.path] = field;
  }
  return suggested;
}

async function operationsInScope(db: Queryable, principal: Principal, country: string): Promise<q.OperationRow[]> {
  if (principal.kind === 'anonymous') return [];
  return (await q.operations(db)).filter((operation) => operation.country === country && can(principal, 'dtm.import', { countries: [country] }));
}

/** What the collection page's panel shows for a form: its questions, the operations it may feed, its binding and the rounds made from it. */
export async function bindingPanel(db: Queryable, principal: Principal, projectId: number, xmlFormId: string, language: Language): Promise<BindingPanel> {
  const form = await formForBinding(db, principal, projectId, xmlFormId, language);
  const operations = await operationsInScope(db, principal, form.country);
  const row = await b.bindingOfForm(db, form.id);
  const bound = row === undefined ? undefined : await q.operationById(db, row.operation_id);
  const ageRanges = bound?.age_ranges ?? operations[0]?.age_ranges ?? ['0-4', '5-17', '18-59', '60+'];
  const suggested = suggestions(form, ageRanges);
  const visible = row !== undefined && bound !== undefined && can(principal, 'dtm.import', { countries: [bound.country] });
  return {
    form: { projectId: form.projectId, formId: form.xmlFormId, title: form.title, country: form.country },
    questions: form.questions.map((question) => ({ ...question, suggested: suggested[question.path] ?? null })),
    operations: operations.map((operation) => ({ code: operation.code, name: operation.name, nameFr: operation.name_fr, ageRanges: operation.age_ranges })),
    binding: visible ? bindingView(row, form, bound.code) : null,
    rounds: visible
      ? (await b.roundsOfBinding(db, row.id)).map((round) => ({
          roundId: round.round_id,
          number: round.number,
          assessmentType: round.assessment_type,
          status: round.status,
          fileName: round.file_name,
          rowsRead: round.rows_read,
          rowsStored: round.rows_stored,
          createdAt: round.created_at.toISOString(),
        }))
      : [],
  };
}

/**
 * The mapping checked against the form: every question it names exists (and holds one value per
 * submission), every field is a round field, the required fields are there and none twice —
 * the same problems a file's mapping is refused for, in the binding's own words.
 */
function checkMapping(form: FormForBinding, sent: Record<string, string | null>): ColumnMapping {
  // An empty choice in a form's select is "not read", as null is.
  const given = Object.fromEntries(Object.entries(sent).map(([path, field]) => [path, field === '' ? null : field]));
  const paths = form.questions.map((question) => question.path);
  const unknownQuestions = Object.keys(given).filter((path) => !paths.includes(path));
  if (unknownQuestions.length > 0) throw new AppError('dtm.binding.unknownQuestion', { questions: unknownQuestions.slice(0, 10).join(', ').slice(0, 500), form: form.xmlFormId });
  const unknownFields = Object.values(given).filter((field): field is string => field !== null && !isRoundField(field));
  if (unknownFields.length > 0) throw new AppError('dtm.binding.unknownField', { fields: [...new Set(unknownFields)].slice(0, 10).join(', ').slice(0, 500) });
  const mapping: ColumnMapping = Object.fromEntries(paths.map((path) => [path, (given[path] ?? null) as RoundField | null]));
  const problems = mappingProblems(mapping, paths);
  if (problems.missing.length > 0 || problems.duplicated.length > 0) {
    throw new AppError(
      'dtm.binding.mappingIncomplete',
      { missing: problems.missing.join(', ') || '—', duplicated: problems.duplicated.join(', ') || '—' },
      { details: { missing: problems.missing, duplicated: problems.duplicated } },
    );
  }
  return mapping;
}

/** The operation, when the caller may import into it and it is of the form's country. */
async function operationForForm(db: Queryable, principal: Principal, code: string, form: FormForBinding): Promise<q.OperationRow> {
  const operation = await authoriseOperation(db, code, principal, 'dtm.import');
  if (operation.country !== form.country) throw new AppError('dtm.binding.otherCountry', { operation: operation.code, country: operation.country, form: form.xmlFormId, formCountry: form.country });
  return operation;
}

export interface BindingInput {
  projectId: number;
  formId: string;
  operation: string;
  assessmentType: 'BA' | 'SA';
  mapping: Record<string, string | null>;
}

/** Binds a form to an operation (or changes its binding): checked whole, then one audited write. */
export async function saveBinding(db: Queryable, actor: Actor, input: BindingInput, language: Language): Promise<{ binding: BindingView; created: boolean }> {
  // The operation first: someone who may not import into it learns nothing about the form.
  const operationRow = await authoriseOperation(db, input.operation, actor.principal, 'dtm.import');
  const form = await formForBinding(db, actor.principal, input.projectId, input.formId, language);
  const operation = await operationForForm(db, actor.principal, operationRow.code, form);
  const mapping = checkMapping(form, input.mapping);
  const saved = await audited(
    db,
    actor,
    (tx) => b.saveBinding(tx, { formId: form.id, operationId: operation.id, assessmentType: input.assessmentType, mapping, actor: actorName(actor) }),
    (result) => ({
      action: 'dtm.binding.save',
      objectType: 'dtm-form-binding',
      objectId: result.id,
      summary: { form: form.xmlFormId, project: form.projectId, operation: operation.code, type: input.assessmentType, fields: Object.values(mapping).filter((field) => field !== null).length, created: result.created },
    }),
  );
  const row = (await b.bindingById(db, saved.id))!;
  return { binding: bindingView(row, form, operation.code), created: saved.created };
}

/** A binding the caller may use: they may import into its operation and read its form; 404 otherwise. */
async function usableBinding(db: Queryable, principal: Principal, id: number, language: Language): Promise<{ row: b.BindingRow; form: FormForBinding; operation: q.OperationRow }> {
  const row = await b.bindingById(db, id);
  const operation = row === undefined ? undefined : await q.operationById(db, row.operation_id);
  if (row === undefined || operation === undefined || principal.kind === 'anonymous' || !can(principal, 'dtm.import', { countries: [operation.country] })) {
    throw new AppError('dtm.binding.notFound', { id });
  }
  try {
    return { row, form: await formForBinding(db, principal, row.project_id, row.xml_form_id, language), operation };
  } catch (error) {
    if (error instanceof AppError && error.status === 404) throw new AppError('dtm.binding.notFound', { id });
    throw error;
  }
}

export async function deleteBinding(db: Queryable, actor: Actor, id: number, language: Language): Promise<{ deleted: number }> {
  const { form, operation } = await usableBinding(db, actor.principal, id, language);
  await audited(
    db,
    actor,
    (tx) => b.deleteBinding(tx, id),
    () => ({ action: 'dtm.binding.delete', objectType: 'dtm-form-binding', objectId: id, summary: { form: form.xmlFormId, operation: operation.code } }),
  );
  return { deleted: id };
}

/**
 * The cell an answer becomes in the extract. A choice is the form's own code (`spontaneous`):
 * when DTM's vocabulary does not read the code but reads one of the choice's labels (`Site
 * spontané`), the label is written instead, so a form need not use DTM's codes; a value read by
 * neither stays as it was and the import names it (unknownValue).
 */
export function extractCell(choiceLabels: ChoiceLabels, mapping: ColumnMapping): (path: string, value: string | undefined) => string | null {
  return (path, value) => {
    if (value === undefined || value === '') return null;
    const field = mapping[path] ?? null;
    const choices = choiceLabels[path];
    if (field === null || choices === undefined || !(CHOICE_FIELDS as readonly string[]).includes(field)) return value;
    const choiceField = field as ChoiceField;
    if (readChoice(choiceField, value) !== null) return value;
    return (choices[value] ?? []).find((label) => readChoice(choiceField, label) !== null) ?? value;
  };
}

export interface DraftRoundInput {
  roundNumber: number;
  periodStart: string;
  periodEnd: string;
  /** The round's reference date; the period's last day when not given. */
  referenceDate?: string | null;
}

export interface DraftRoundOutcome {
  job: jobs.JobView;
  extract: { uploadId: number; fileName: string; submissions: number };
}

/**
 * Makes (or remakes) a draft round from the approved submissions of a period: the extract is
 * stored as the operation's upload, then imported as a round file with the binding's mapping.
 * Every refusal (period, round no longer a draft, no approved submission, mapping gone stale)
 * comes before anything is stored.
 */
export async function draftRound(
  db: Queryable,
  actor: Actor,
  bindingId: number,
  input: DraftRoundInput,
  options: { background: boolean; language: Language; onBackgroundError?: (error: unknown) => void },
): Promise<DraftRoundOutcome> {
  const { row, form, operation } = await usableBinding(db, actor.principal, bindingId, options.language);
  if (input.periodEnd < input.periodStart) throw new AppError('dtm.round.badPeriod', { start: input.periodStart, end: input.periodEnd });
  const existing = await q.findRound(db, operation.id, input.roundNumber, row.assessment_type);
  if (existing !== undefined && existing.status !== 'draft') {
    throw new AppError('dtm.round.notDraft', { number: existing.number, type: existing.assessment_type, operation: operation.name, status: existing.status });
  }
  // A form version published since binding may have dropped a question the binding reads.
  const mapping = checkMapping(form, row.mapping);
  const submissions = await approvedSubmissions(db, form, { start: input.periodStart, end: input.periodEnd });
  if (submissions.length === 0) throw new AppError('dtm.binding.noSubmissions', { form: form.xmlFormId, start: input.periodStart, end: input.periodEnd });

  const paths = Object.keys(mapping).filter((path) => mapping[path] !== null);
  const cell = extractCell(await choiceLabels(db, form), mapping);
  const lines: CsvValue[][] = [[INSTANCE_COLUMN, ...paths], ...submissions.map((submission) => [submission.instanceId, ...paths.map((path) => cell(path, submission.answers[path]))])];
  const bytes = Buffer.from(csvText(lines), 'utf8');
  const fileName = `${form.xmlFormId}-${input.periodStart}-${input.periodEnd}.csv`.slice(0, 255);
  const uploadId = await audited(
    db,
    actor,
    (tx) =>
      b.storeExtract(tx, {
        fileName,
        bytes,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        operationId: operation.id,
        bindingId: row.id,
        actor: actorName(actor),
        sources: submissions.map((submission, index) => ({ row: index + 2, submissionId: submission.submissionId, instanceId: submission.instanceId })),
      }),
    (id) => ({
      action: 'dtm.binding.extract',
      objectType: 'dtm-upload',
      objectId: id,
      summary: { binding: row.id, form: form.xmlFormId, operation: operation.code, round: input.roundNumber, start: input.periodStart, end: input.periodEnd, submissions: submissions.length },
    }),
  );
  try {
    const job = await startImport(
      db,
      uploadId,
      {
        operation: operation.code,
        roundNumber: input.roundNumber,
        assessmentType: row.assessment_type,
        referenceDate: input.referenceDate ?? input.periodEnd,
        collectionStart: input.periodStart,
        collectionEnd: input.periodEnd,
        headerRow: 1,
        mapping: { [INSTANCE_COLUMN]: null, ...Object.fromEntries(paths.map((path) => [path, mapping[path]!])) },
      },
      { actor, background: options.background, ...(options.onBackgroundError === undefined ? {} : { onBackgroundError: options.onBackgroundError }) },
    );
    return { job, extract: { uploadId, fileName, submissions: submissions.length } };
  } catch (error) {
    // The import refused to start (a race on the round's status): the extract goes too.
    await b.dropExtract(db, uploadId).catch(() => undefined);
    throw error;
  }
}
