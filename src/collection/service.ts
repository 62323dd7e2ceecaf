/**
 * Field collection: projects, forms and their versions, app users (phones configured by QR
 * code), and who may see and change them. Submissions are in submissions.ts.
 *
 * A project belongs to a country: people reach it through their country or response-wide
 * assignments; an app user reaches only its own project and the forms it was given.
 */
import { createHash, randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import { audited, actorName, type Actor } from '../access/audit.js';
import { can, countriesWith, type Principal, type Verb } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { AppError, formatMessage, type ErrorCode, type Language } from '../core/errors.js';
import * as q from './queries.js';
import { readXForm, XFormProblem, type XFormDefinition } from './xform.js';
import { convertXlsForm, type XlsFormProblem } from './xlsform.js';

export const md5Hex = (bytes: Buffer | string): string => createHash('md5').update(bytes).digest('hex');
export const sha256Hex = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

// ---- projects ------------------------------------------------------------------------------------

export interface ProjectView {
  id: number;
  name: string;
  country: string;
  forms: number;
  submissions: number;
  createdAt: string;
}

const projectView = (row: q.ProjectRow): ProjectView => ({
  id: row.id,
  name: row.name,
  country: row.country,
  forms: row.forms,
  submissions: row.submissions,
  createdAt: row.created_at.toISOString(),
});

export async function listProjects(db: Queryable, principal: Principal): Promise<ProjectView[]> {
  if (principal.kind === 'app-user') return [];
  return (await q.projects(db, countriesWith(principal, ['collection.read']))).map(projectView);
}

/**
 * The project, when the principal may do `verb` in it; otherwise the same 404 as a project that
 * does not exist (other countries' projects are not confirmed to exist).
 */
export async function authoriseProject(db: Queryable, principal: Principal, projectId: number, verb: Verb): Promise<{ id: number; name: string; country: string }> {
  const project = await q.projectScope(db, projectId);
  const allowed =
    project !== undefined && (principal.kind === 'app-user' ? principal.projectId === project.id && can(principal, verb) : can(principal, verb, { countries: [project.country] }));
  if (!allowed) throw new AppError('collection.project.notFound', { id: projectId });
  return project;
}

export async function createProject(db: Queryable, actor: Actor, input: { name: string; country: string }): Promise<ProjectView> {
  const name = input.name.trim().replace(/\s+/g, ' ');
  const country = input.country.trim().toUpperCase();
  if (!can(actor.principal, 'collection.manage', { countries: [country] })) throw new AppError('auth.forbidden', { verb: 'collection.manage' });
  const id = await audited(
    db,
    actor,
    async (tx) => {
      if ((await q.projects(tx, null)).some((project) => project.name.toLowerCase() === name.toLowerCase())) throw new AppError('collection.project.exists', { name });
      return q.insertProject(tx, { name, country, by: actorName(actor) });
    },
    (projectId) => ({ action: 'collection.project.create', objectType: 'collection-project', objectId: projectId, summary: { country } }),
  );
  return projectView((await q.projectById(db, id))!);
}

// ---- forms ---------------------------------------------------------------------------------------

export interface FormView {
  id: number;
  projectId: number;
  formId: string;
  title: string;
  state: 'open' | 'closed';
  publishedVersion: string | null;
  publishedVersionId: number | null;
  md5: string | null;
  attachments: number;
  submissions: number;
  lastSubmissionAt: string | null;
}

const formView = (row: q.FormRow): FormView => ({
  id: row.id,
  projectId: row.project_id,
  formId: row.xml_form_id,
  title: row.title,
  state: row.state,
  publishedVersion: row.published_version,
  publishedVersionId: row.published_version_id,
  md5: row.md5,
  attachments: row.attachments,
  submissions: row.submissions,
  lastSubmissionAt: row.last_submission_at?.toISOString() ?? null,
});

export interface FormVersionView {
  id: number;
  version: string;
  md5: string;
  source: 'xform' | 'xlsform';
  questions: number;
  repeats: number;
  languages: string[];
  createdBy: string;
  createdAt: string;
}

const versionView = (row: q.FormVersionRow): FormVersionView => ({
  id: row.id,
  version: row.version,
  md5: row.md5,
  source: row.source,
  questions: row.questions.filter((question) => question.kind === 'leaf').length,
  repeats: row.questions.filter((question) => question.kind === 'repeat').length,
  languages: row.languages,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
});

export async function listForms(db: Queryable, principal: Principal, projectId: number): Promise<FormView[]> {
  await authoriseProject(db, principal, projectId, 'collection.read');
  return (await q.forms(db, projectId)).map(formView);
}

export async function formDetail(db: Queryable, principal: Principal, projectId: number, xmlFormId: string): Promise<{ form: FormView; versions: FormVersionView[] }> {
  await authoriseProject(db, principal, projectId, 'collection.read');
  const form = await q.formByXmlId(db, projectId, xmlFormId);
  if (form === undefined) throw new AppError('collection.form.notFound', { formId: xmlFormId });
  return { form: formView(form), versions: (await q.formVersions(db, form.id)).map(versionView) };
}

/** Turns a reader's refusal into the catalogue's words (the position, when the reader knows it). */
function formProblem(problem: XFormProblem): AppError {
  if (problem.reason === 'encrypted') return new AppError('collection.form.encrypted');
  return new AppError('collection.form.invalid', { reason: problem.reason, where: problem.line === null ? '' : `, ${problem.line}:${problem.column ?? 0}` });
}

export interface FormUploadResult {
  form: FormView;
  version: FormVersionView;
  /** For an XLSForm: what the conversion left out or would have you check (in the caller's language). */
  warnings: string[];
  /** False when the same bytes were already this version (uploading twice changes nothing). */
  created: boolean;
}

/**
 * Stores an XForm as a new version of its form (the form is created on its first version). The
 * exact bytes are kept: they are what phones download and what formList's md5 is of. The same
 * (form id, version) with other bytes is refused (409): phones would hold two forms under one name.
 */
/** A converter's problem in the catalogue's words: where (sheet, row, column) and what. */
const xlsFormMessage = (problem: XlsFormProblem, language: Language): string =>
  formatMessage(problem.code as ErrorCode, language, { sheet: problem.sheet, row: problem.row ?? '—', column: problem.column ?? '—', ...problem.params });

/** An .xlsx (a zip) is an XLSForm to convert; anything else is taken as an XForm. */
const isZip = (bytes: Buffer): boolean => bytes.length >= 4 && bytes.readUInt32BE(0) === 0x504b0304;

/**
 * Converts an XLSForm upload into the XForm phones will download. Every problem is reported
 * (the first as the error, all of them in its details, each with its sheet, row and column);
 * nothing is stored when there is one.
 */
async function xformOf(bytes: Buffer, fileName: string | undefined, language: Language): Promise<{ xform: Buffer; warnings: string[] }> {
  const converted = await convertXlsForm(bytes, fileName === undefined ? {} : { fileName });
  if ('problems' in converted) {
    const [first] = converted.problems;
    const details = converted.problems.map((problem) => ({ ...problem, message: xlsFormMessage(problem, language) }));
    throw new AppError(first!.code as ErrorCode, { sheet: first!.sheet, row: first!.row ?? '—', column: first!.column ?? '—', ...first!.params }, { details });
  }
  return { xform: Buffer.from(converted.xform, 'utf8'), warnings: converted.warnings.map((warning) => xlsFormMessage(warning, language)) };
}

export async function uploadForm(
  db: Queryable,
  actor: Actor,
  projectId: number,
  upload: { bytes: Buffer; publish: boolean; fileName?: string; language?: Language },
): Promise<FormUploadResult> {
  await authoriseProject(db, actor.principal, projectId, 'collection.manage');
  const source = isZip(upload.bytes) ? 'xlsform' : 'xform';
  const converted = source === 'xlsform' ? await xformOf(upload.bytes, upload.fileName, upload.language ?? 'en') : { xform: upload.bytes, warnings: [] };
  const bytes = converted.xform;
  let definition: XFormDefinition;
  try {
    definition = readXForm(bytes.toString('utf8'));
  } catch (error) {
    if (error instanceof XFormProblem) throw formProblem(error);
    throw error;
  }
  const version = definition.version ?? '';
  const md5 = md5Hex(bytes);
  const sha256 = sha256Hex(bytes);
  const outcome = await audited(
    db,
    actor,
    async (tx) => {
      const formId = await q.ensureForm(tx, { projectId, xmlFormId: definition.formId, title: definition.title, by: actorName(actor) });
      const existing = await q.formVersion(tx, formId, version);
      if (existing !== undefined && existing.sha256 !== sha256) throw new AppError('collection.form.versionConflict', { formId: definition.formId, version: version === '' ? '—' : version });
      const versionId =
        existing?.id ??
        (await q.insertFormVersion(tx, {
          formId,
          version,
          xml: bytes,
          md5,
          sha256,
          source,
          questions: definition.questions,
          languages: definition.languages,
          by: actorName(actor),
        }));
      // A racing upload of the same (form, version) won: the service's answer is then its own.
      if (versionId === undefined) throw new AppError('collection.form.versionConflict', { formId: definition.formId, version: version === '' ? '—' : version });
      if (upload.publish) await q.publishVersion(tx, formId, versionId, definition.title);
      return { formId, versionId, created: existing === undefined };
    },
    (result) => ({
      action: 'collection.form.upload',
      objectType: 'collection-form',
      objectId: result.formId,
      summary: { formId: definition.formId, version, md5, source, created: result.created, published: upload.publish },
    }),
  );
  const form = (await q.formByXmlId(db, projectId, definition.formId))!;
  return { form: formView(form), version: versionView((await q.formVersionById(db, outcome.versionId))!), created: outcome.created, warnings: converted.warnings };
}

export async function publishForm(db: Queryable, actor: Actor, projectId: number, xmlFormId: string, versionId: number): Promise<FormView> {
  await authoriseProject(db, actor.principal, projectId, 'collection.manage');
  const form = await q.formByXmlId(db, projectId, xmlFormId);
  if (form === undefined) throw new AppError('collection.form.notFound', { formId: xmlFormId });
  const version = await q.formVersionById(db, versionId);
  if (version === undefined || version.form_id !== form.id) throw new AppError('collection.form.versionNotFound', { formId: xmlFormId, versionId });
  const xml = await q.formVersionXml(db, versionId);
  await audited(
    db,
    actor,
    (tx) => q.publishVersion(tx, form.id, versionId, readXForm(xml.toString('utf8')).title),
    () => ({ action: 'collection.form.publish', objectType: 'collection-form', objectId: form.id, summary: { version: version.version } }),
  );
  return formView((await q.formByXmlId(db, projectId, xmlFormId))!);
}

export async function setFormState(db: Queryable, actor: Actor, projectId: number, xmlFormId: string, state: 'open' | 'closed'): Promise<FormView> {
  await authoriseProject(db, actor.principal, projectId, 'collection.manage');
  const form = await q.formByXmlId(db, projectId, xmlFormId);
  if (form === undefined) throw new AppError('collection.form.notFound', { formId: xmlFormId });
  await audited(
    db,
    actor,
    (tx) => q.setFormState(tx, form.id, state),
    () => ({ action: `collection.form.${state === 'open' ? 'open' : 'close'}`, objectType: 'collection-form', objectId: form.id }),
  );
  return formView((await q.formByXmlId(db, projectId, xmlFormId))!);
}

// ---- app users -----------------------------------------------------------------------------------

export interface AppUserView {
  id: number;
  name: string;
  formIds: number[];
  createdAt: string;
  revokedAt: string | null;
}

const appUserView = (row: q.AppUserRow): AppUserView => ({
  id: row.id,
  name: row.name,
  formIds: row.form_ids,
  createdAt: row.created_at.toISOString(),
  revokedAt: row.revoked_at?.toISOString() ?? null,
});

export async function listAppUsers(db: Queryable, principal: Principal, projectId: number): Promise<AppUserView[]> {
  await authoriseProject(db, principal, projectId, 'collection.manage');
  return (await q.appUsers(db, projectId)).map(appUserView);
}

/** What a phone needs to be configured, shown once: the URL with its secret, and the same as ODK Collect's QR code. */
export interface AppUserCredentials {
  appUser: AppUserView;
  serverUrl: string;
  /** ODK Collect's settings QR code (zlib-deflated JSON, base64) as an SVG picture. */
  qrSvg: string;
}

/** The path a phone is configured with: the secret travels in the URL because phones send no header. */
export const appUserServerPath = (token: string, projectId: number): string => `/v1/key/${token}/projects/${projectId}`;

export async function createAppUser(
  db: Queryable,
  actor: Actor,
  projectId: number,
  input: { name: string; formIds: readonly number[] },
  origin: string,
): Promise<AppUserCredentials> {
  const project = await authoriseProject(db, actor.principal, projectId, 'collection.manage');
  const projectForms = new Set((await q.forms(db, projectId)).map((form) => form.id));
  const unknown = input.formIds.find((formId) => !projectForms.has(formId));
  if (unknown !== undefined) throw new AppError('collection.form.notFound', { formId: String(unknown) });
  // 32 random bytes: guessing one is as hopeless as guessing an API token.
  const token = randomBytes(32).toString('base64url');
  const id = await audited(
    db,
    actor,
    async (tx) => {
      const appUserId = await q.insertAppUser(tx, { projectId, name: input.name.trim(), tokenHash: sha256Hex(token), by: actorName(actor) });
      await q.assignForms(tx, appUserId, input.formIds);
      return appUserId;
    },
    (appUserId) => ({ action: 'collection.app-user.create', objectType: 'collection-app-user', objectId: appUserId, summary: { projectId, forms: input.formIds.length } }),
  );
  const serverUrl = `${origin}${appUserServerPath(token, projectId)}`;
  const settings = { general: { server_url: serverUrl, form_update_mode: 'match_exactly', autosend: 'wifi_and_cellular' }, admin: {}, project: { name: project.name, color: '#b45309' } };
  const qrSvg = await QRCode.toString(deflateSync(Buffer.from(JSON.stringify(settings))).toString('base64'), { type: 'svg', errorCorrectionLevel: 'L', margin: 2 });
  return { appUser: appUserView((await q.appUserById(db, projectId, id))!), serverUrl, qrSvg };
}

export async function revokeAppUser(db: Queryable, actor: Actor, projectId: number, appUserId: number): Promise<AppUserView> {
  await authoriseProject(db, actor.principal, projectId, 'collection.manage');
  const appUser = await q.appUserById(db, projectId, appUserId);
  if (appUser === undefined) throw new AppError('collection.appUser.notFound', { id: appUserId });
  await audited(
    db,
    actor,
    (tx) => q.revokeAppUser(tx, appUserId),
    () => ({ action: 'collection.app-user.revoke', objectType: 'collection-app-user', objectId: appUserId }),
  );
  return appUserView((await q.appUserById(db, projectId, appUserId))!);
}

/** The module's path-token resolver (core/module.ts): a live app user's token names it. */
export async function appUserPrincipal(db: Queryable, token: string): Promise<Principal | null> {
  const appUser = await q.liveAppUserByTokenHash(db, sha256Hex(token));
  if (appUser === undefined) return null;
  return { kind: 'app-user', appUserId: appUser.id, projectId: appUser.project_id, name: appUser.name, verbs: ['collection.submit'] };
}

/**
 * The forms the principal may fill in a project: an app user's assigned ones; a person's, every
 * open published form of a project in their scope.
 */
export async function fillableForms(db: Queryable, principal: Principal, projectId: number): Promise<q.FormRow[]> {
  await authoriseProject(db, principal, projectId, 'collection.submit');
  const candidates = principal.kind === 'app-user' ? await q.formsOfAppUser(db, principal.appUserId) : await q.forms(db, projectId);
  return candidates.filter((form) => form.project_id === projectId && form.state === 'open' && form.published_version_id !== null);
}

/** A fillable form's published bytes, as phones download them. */
export async function fillableFormXml(db: Queryable, principal: Principal, projectId: number, xmlFormId: string): Promise<{ bytes: Buffer; md5: string }> {
  const form = await fillableForm(db, principal, projectId, xmlFormId);
  return { bytes: await q.formVersionXml(db, form.published_version_id!), md5: form.md5! };
}

export async function fillableFormMedia(db: Queryable, principal: Principal, projectId: number, xmlFormId: string): Promise<q.FormAttachmentRow[]> {
  const form = await fillableForm(db, principal, projectId, xmlFormId);
  return q.formAttachments(db, form.published_version_id!);
}

export async function fillableFormMediaFile(db: Queryable, principal: Principal, projectId: number, xmlFormId: string, name: string): Promise<{ bytes: Buffer; content_type: string; md5: string }> {
  const form = await fillableForm(db, principal, projectId, xmlFormId);
  const file = await q.formAttachmentBytes(db, form.published_version_id!, name);
  if (file === undefined) throw new AppError('collection.form.notFound', { formId: `${xmlFormId}/${name}` });
  return file;
}

export async function fillableForm(db: Queryable, principal: Principal, projectId: number, xmlFormId: string): Promise<q.FormRow> {
  const form = (await fillableForms(db, principal, projectId)).find((candidate) => candidate.xml_form_id === xmlFormId);
  if (form === undefined) throw new AppError('collection.form.notFound', { formId: xmlFormId });
  return form;
}
