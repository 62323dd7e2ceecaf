/**
 * Every SQL statement of field collection. Bytes travel as base64 through `encode`/`decode`, the
 * one spelling PGlite and PostgreSQL read and write alike (as in the DTM upload parts).
 */
import type { Queryable } from '../core/db.js';
import type { PackedAnswers, StoredAnswers } from './submission.js';
import type { XFormQuestion } from './xform.js';

export interface ProjectRow {
  id: number;
  name: string;
  country: string;
  created_at: Date;
  forms: number;
  submissions: number;
}

const PROJECT_SELECT = `
  SELECT p.id::int AS id, p.name, p.country, p.created_at,
         (SELECT count(*)::int FROM collection_form f WHERE f.project_id = p.id) AS forms,
         (SELECT count(*)::int FROM collection_submission s JOIN collection_form f ON f.id = s.form_id WHERE f.project_id = p.id AND s.current) AS submissions
    FROM collection_project p`;

/** Projects in these countries (null: every country). */
export async function projects(db: Queryable, countries: readonly string[] | null): Promise<ProjectRow[]> {
  return db.query<ProjectRow>(`${PROJECT_SELECT} WHERE $1::text[] IS NULL OR p.country = ANY($1) ORDER BY p.name`, [countries]);
}

export async function projectById(db: Queryable, id: number): Promise<ProjectRow | undefined> {
  const [row] = await db.query<ProjectRow>(`${PROJECT_SELECT} WHERE p.id = $1`, [id]);
  return row;
}

/** What access decisions need of a project, without the counts (they scan its submissions). */
export async function projectScope(db: Queryable, id: number): Promise<{ id: number; name: string; country: string } | undefined> {
  const [row] = await db.query<{ id: number; name: string; country: string }>('SELECT id::int AS id, name, country FROM collection_project WHERE id = $1', [id]);
  return row;
}

export async function insertProject(db: Queryable, values: { name: string; country: string; by: string }): Promise<number> {
  const [row] = await db.query<{ id: number }>('INSERT INTO collection_project (name, country, created_by) VALUES ($1, $2, $3) RETURNING id::int AS id', [
    values.name,
    values.country,
    values.by,
  ]);
  return row!.id;
}

export interface FormRow {
  id: number;
  project_id: number;
  xml_form_id: string;
  title: string;
  state: 'open' | 'closed';
  published_version_id: number | null;
  published_version: string | null;
  md5: string | null;
  attachments: number;
  submissions: number;
  last_submission_at: Date | null;
  created_at: Date;
}

const FORM_SELECT = `
  SELECT f.id::int AS id, f.project_id::int AS project_id, f.xml_form_id, f.title, f.state, f.published_version_id::int AS published_version_id,
         v.version AS published_version, v.md5,
         (SELECT count(*)::int FROM collection_form_attachment a WHERE a.form_version_id = f.published_version_id) AS attachments,
         (SELECT count(*)::int FROM collection_submission s WHERE s.form_id = f.id AND s.current) AS submissions,
         (SELECT max(s.received_at) FROM collection_submission s WHERE s.form_id = f.id) AS last_submission_at,
         f.created_at
    FROM collection_form f LEFT JOIN collection_form_version v ON v.id = f.published_version_id`;

export async function forms(db: Queryable, projectId: number): Promise<FormRow[]> {
  return db.query<FormRow>(`${FORM_SELECT} WHERE f.project_id = $1 ORDER BY f.title`, [projectId]);
}

export async function formByXmlId(db: Queryable, projectId: number, xmlFormId: string): Promise<FormRow | undefined> {
  const [row] = await db.query<FormRow>(`${FORM_SELECT} WHERE f.project_id = $1 AND f.xml_form_id = $2`, [projectId, xmlFormId]);
  return row;
}

/** What receiving a submission needs of a form, without the counts (a phone posts often). */
export async function formForSubmission(db: Queryable, projectId: number, xmlFormId: string, appUserId: number | null): Promise<{ id: number; state: 'open' | 'closed'; assigned: boolean } | undefined> {
  const [row] = await db.query<{ id: number; state: 'open' | 'closed'; assigned: boolean }>(
    `SELECT f.id::int AS id, f.state,
            ($3::bigint IS NULL OR EXISTS (SELECT 1 FROM collection_app_user_form g WHERE g.app_user_id = $3 AND g.form_id = f.id)) AS assigned
       FROM collection_form f WHERE f.project_id = $1 AND f.xml_form_id = $2`,
    [projectId, xmlFormId, appUserId],
  );
  return row;
}

/** The forms an app user was given, open and published (what its formList shows). */
export async function formsOfAppUser(db: Queryable, appUserId: number): Promise<FormRow[]> {
  return db.query<FormRow>(
    `${FORM_SELECT} JOIN collection_app_user_form g ON g.form_id = f.id WHERE g.app_user_id = $1 AND f.state = 'open' AND f.published_version_id IS NOT NULL ORDER BY f.title`,
    [appUserId],
  );
}

/** Creates the form row if it does not exist yet; returns its id either way. */
export async function ensureForm(db: Queryable, values: { projectId: number; xmlFormId: string; title: string; by: string }): Promise<number> {
  await db.query('INSERT INTO collection_form (project_id, xml_form_id, title, created_by) VALUES ($1, $2, $3, $4) ON CONFLICT (project_id, xml_form_id) DO NOTHING', [
    values.projectId,
    values.xmlFormId,
    values.title,
    values.by,
  ]);
  const [row] = await db.query<{ id: number }>('SELECT id::int AS id FROM collection_form WHERE project_id = $1 AND xml_form_id = $2', [values.projectId, values.xmlFormId]);
  return row!.id;
}

export interface FormVersionRow {
  id: number;
  form_id: number;
  version: string;
  md5: string;
  sha256: string;
  source: 'xform' | 'xlsform';
  questions: XFormQuestion[];
  languages: string[];
  created_by: string;
  created_at: Date;
}

const VERSION_SELECT = 'SELECT id::int AS id, form_id::int AS form_id, version, md5, sha256, source, questions, languages, created_by, created_at FROM collection_form_version';

export async function formVersions(db: Queryable, formId: number): Promise<FormVersionRow[]> {
  return db.query<FormVersionRow>(`${VERSION_SELECT} WHERE form_id = $1 ORDER BY id DESC`, [formId]);
}

export async function formVersion(db: Queryable, formId: number, version: string): Promise<FormVersionRow | undefined> {
  const [row] = await db.query<FormVersionRow>(`${VERSION_SELECT} WHERE form_id = $1 AND version = $2`, [formId, version]);
  return row;
}

export async function formVersionById(db: Queryable, id: number): Promise<FormVersionRow | undefined> {
  const [row] = await db.query<FormVersionRow>(`${VERSION_SELECT} WHERE id = $1`, [id]);
  return row;
}

/** Inserts a version; undefined when a racing upload stored the same (form, version) first. */
export async function insertFormVersion(
  db: Queryable,
  values: { formId: number; version: string; xml: Buffer; md5: string; sha256: string; source: 'xform' | 'xlsform'; questions: XFormQuestion[]; languages: string[]; by: string },
): Promise<number | undefined> {
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO collection_form_version (form_id, version, xml, md5, sha256, source, questions, languages, created_by)
     VALUES ($1, $2, decode($3, 'base64'), $4, $5, $6, $7, $8, $9)
     ON CONFLICT (form_id, version) DO NOTHING RETURNING id::int AS id`,
    [values.formId, values.version, values.xml.toString('base64'), values.md5, values.sha256, values.source, JSON.stringify(values.questions), values.languages, values.by],
  );
  return row?.id;
}

export async function formVersionXml(db: Queryable, versionId: number): Promise<Buffer> {
  const [row] = await db.query<{ xml: string }>("SELECT encode(xml, 'base64') AS xml FROM collection_form_version WHERE id = $1", [versionId]);
  return Buffer.from(row!.xml, 'base64');
}

export async function publishVersion(db: Queryable, formId: number, versionId: number, title: string): Promise<void> {
  await db.query('UPDATE collection_form SET published_version_id = $2, title = $3 WHERE id = $1', [formId, versionId, title]);
}

export async function setFormState(db: Queryable, formId: number, state: 'open' | 'closed'): Promise<void> {
  await db.query('UPDATE collection_form SET state = $2 WHERE id = $1', [formId, state]);
}

export interface FormAttachmentRow {
  name: string;
  content_type: string;
  md5: string;
}

export async function formAttachments(db: Queryable, versionId: number): Promise<FormAttachmentRow[]> {
  return db.query<FormAttachmentRow>('SELECT name, content_type, md5 FROM collection_form_attachment WHERE form_version_id = $1 ORDER BY name', [versionId]);
}

export async function formAttachmentBytes(db: Queryable, versionId: number, name: string): Promise<{ bytes: Buffer; content_type: string; md5: string } | undefined> {
  const [row] = await db.query<{ bytes: string; content_type: string; md5: string }>(
    "SELECT encode(bytes, 'base64') AS bytes, content_type, md5 FROM collection_form_attachment WHERE form_version_id = $1 AND name = $2",
    [versionId, name],
  );
  return row === undefined ? undefined : { bytes: Buffer.from(row.bytes, 'base64'), content_type: row.content_type, md5: row.md5 };
}

export async function upsertFormAttachment(db: Queryable, values: { versionId: number; name: string; contentType: string; bytes: Buffer; md5: string }): Promise<void> {
  await db.query(
    `INSERT INTO collection_form_attachment (form_version_id, name, content_type, bytes, md5) VALUES ($1, $2, $3, decode($4, 'base64'), $5)
     ON CONFLICT (form_version_id, name) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes, md5 = excluded.md5`,
    [values.versionId, values.name, values.contentType, values.bytes.toString('base64'), values.md5],
  );
}

// ---- app users -----------------------------------------------------------------------------------

export interface AppUserRow {
  id: number;
  project_id: number;
  name: string;
  created_at: Date;
  revoked_at: Date | null;
  form_ids: number[];
}

const APP_USER_SELECT = `
  SELECT u.id::int AS id, u.project_id::int AS project_id, u.name, u.created_at, u.revoked_at,
         coalesce((SELECT array_agg(g.form_id::int ORDER BY g.form_id) FROM collection_app_user_form g WHERE g.app_user_id = u.id), '{}') AS form_ids
    FROM collection_app_user u`;

export async function appUsers(db: Queryable, projectId: number): Promise<AppUserRow[]> {
  return db.query<AppUserRow>(`${APP_USER_SELECT} WHERE u.project_id = $1 ORDER BY u.revoked_at NULLS FIRST, u.name`, [projectId]);
}

export async function appUserById(db: Queryable, projectId: number, id: number): Promise<AppUserRow | undefined> {
  const [row] = await db.query<AppUserRow>(`${APP_USER_SELECT} WHERE u.project_id = $1 AND u.id = $2`, [projectId, id]);
  return row;
}

export async function liveAppUserByTokenHash(db: Queryable, tokenHash: string): Promise<{ id: number; project_id: number; name: string } | undefined> {
  const [row] = await db.query<{ id: number; project_id: number; name: string }>(
    'SELECT id::int AS id, project_id::int AS project_id, name FROM collection_app_user WHERE token_hash = $1 AND revoked_at IS NULL',
    [tokenHash],
  );
  return row;
}

export async function insertAppUser(db: Queryable, values: { projectId: number; name: string; tokenHash: string; by: string }): Promise<number> {
  const [row] = await db.query<{ id: number }>('INSERT INTO collection_app_user (project_id, name, token_hash, created_by) VALUES ($1, $2, $3, $4) RETURNING id::int AS id', [
    values.projectId,
    values.name,
    values.tokenHash,
    values.by,
  ]);
  return row!.id;
}

export async function assignForms(db: Queryable, appUserId: number, formIds: readonly number[]): Promise<void> {
  await db.query('DELETE FROM collection_app_user_form WHERE app_user_id = $1', [appUserId]);
  if (formIds.length > 0) {
    await db.query('INSERT INTO collection_app_user_form (app_user_id, form_id) SELECT $1, unnest($2::bigint[])', [appUserId, formIds]);
  }
}

export async function revokeAppUser(db: Queryable, id: number): Promise<void> {
  await db.query('UPDATE collection_app_user SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
}

// ---- submissions ---------------------------------------------------------------------------------

export interface SubmissionRow {
  id: number;
  form_id: number;
  version: string;
  instance_id: string;
  root_instance_id: string;
  deprecated_id: string | null;
  instance_name: string | null;
  xml_sha256: string;
  device_id: string | null;
  submitted_by: string;
  received_at: Date;
  current: boolean;
  review_state: 'received' | 'has-issues' | 'edited' | 'approved' | 'rejected';
  attachments_expected: number;
  attachments_present: number;
}

const SUBMISSION_SELECT = `
  SELECT s.id::int AS id, s.form_id::int AS form_id, s.version, s.instance_id, s.root_instance_id, s.deprecated_id, s.instance_name,
         s.xml_sha256, s.device_id, coalesce((SELECT u.name FROM collection_app_user u WHERE u.id = s.app_user_id), s.submitted_by) AS submitted_by, s.received_at, s.current, s.review_state,
         (SELECT count(*)::int FROM collection_submission_attachment a WHERE a.submission_id = s.id) AS attachments_expected,
         (SELECT count(*)::int FROM collection_submission_attachment a WHERE a.submission_id = s.id AND a.bytes IS NOT NULL) AS attachments_present
    FROM collection_submission s`;

export async function submissionByInstanceId(db: Queryable, formId: number, instanceId: string): Promise<SubmissionRow | undefined> {
  const [row] = await db.query<SubmissionRow>(`${SUBMISSION_SELECT} WHERE s.form_id = $1 AND s.instance_id = $2`, [formId, instanceId]);
  return row;
}

export async function submissionById(db: Queryable, formId: number, id: number): Promise<(SubmissionRow & { xml: string }) | undefined> {
  const [row] = await db.query<SubmissionRow & { xml: string }>(`${SUBMISSION_SELECT.replace('s.review_state,', 's.review_state, s.xml,')} WHERE s.form_id = $1 AND s.id = $2`, [formId, id]);
  return row;
}

/** The versions of one logical submission, oldest first (its edit history). */
export async function submissionHistory(db: Queryable, formId: number, rootInstanceId: string): Promise<SubmissionRow[]> {
  return db.query<SubmissionRow>(`${SUBMISSION_SELECT} WHERE s.form_id = $1 AND s.root_instance_id = $2 ORDER BY s.id`, [formId, rootInstanceId]);
}

export async function submissions(
  db: Queryable,
  formId: number,
  filter: { reviewStates: readonly string[] | null; limit: number; offset: number },
): Promise<{ rows: SubmissionRow[]; total: number }> {
  const rows = await db.query<SubmissionRow>(
    `${SUBMISSION_SELECT} WHERE s.form_id = $1 AND s.current AND ($2::text[] IS NULL OR s.review_state = ANY($2)) ORDER BY s.received_at DESC, s.id DESC LIMIT $3 OFFSET $4`,
    [formId, filter.reviewStates, filter.limit, filter.offset],
  );
  const [count] = await db.query<{ total: number }>('SELECT count(*)::int AS total FROM collection_submission s WHERE s.form_id = $1 AND s.current AND ($2::text[] IS NULL OR s.review_state = ANY($2))', [
    formId,
    filter.reviewStates,
  ]);
  return { rows, total: count!.total };
}

/** Inserts a submission; undefined when a racing post stored the same instanceID first. */
export async function insertSubmission(
  db: Queryable,
  values: {
    formId: number;
    formVersionId: number;
    version: string;
    instanceId: string;
    rootInstanceId: string;
    deprecatedId: string | null;
    instanceName: string | null;
    xml: string;
    xmlSha256: string;
    deviceId: string | null;
    appUserId: number | null;
    by: string;
    reviewState: 'received' | 'edited';
    answers: PackedAnswers;
  },
): Promise<number | undefined> {
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO collection_submission (form_id, form_version_id, version, instance_id, root_instance_id, deprecated_id, instance_name, xml, xml_sha256, device_id, app_user_id, submitted_by, review_state, answers)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::json)
     ON CONFLICT (form_id, instance_id) DO NOTHING RETURNING id::int AS id`,
    [
      values.formId,
      values.formVersionId,
      values.version,
      values.instanceId,
      values.rootInstanceId,
      values.deprecatedId,
      values.instanceName,
      values.xml,
      values.xmlSha256,
      values.deviceId,
      values.appUserId,
      values.by,
      values.reviewState,
      JSON.stringify(values.answers),
    ],
  );
  return row?.id;
}

export async function retireSubmission(db: Queryable, id: number): Promise<void> {
  await db.query('UPDATE collection_submission SET current = false WHERE id = $1', [id]);
}

export interface SubmissionAttachmentRow {
  name: string;
  content_type: string | null;
  md5: string | null;
  present: boolean;
}

export async function submissionAttachments(db: Queryable, submissionId: number): Promise<SubmissionAttachmentRow[]> {
  return db.query<SubmissionAttachmentRow>(
    'SELECT name, content_type, md5, bytes IS NOT NULL AS present FROM collection_submission_attachment WHERE submission_id = $1 ORDER BY name',
    [submissionId],
  );
}

/** Announces files the XML names; those already announced stay as they are. */
export async function expectAttachments(db: Queryable, submissionId: number, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await db.query('INSERT INTO collection_submission_attachment (submission_id, name) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [submissionId, names]);
}

/** Stores a received file; a file already received with the same bytes changes nothing. Returns whether it was new. */
export async function storeAttachment(db: Queryable, values: { submissionId: number; name: string; contentType: string; bytes: Buffer; md5: string }): Promise<boolean> {
  const rows = await db.query<{ name: string }>(
    `INSERT INTO collection_submission_attachment (submission_id, name, content_type, bytes, md5) VALUES ($1, $2, $3, decode($4, 'base64'), $5)
     ON CONFLICT (submission_id, name) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes, md5 = excluded.md5
       WHERE collection_submission_attachment.md5 IS DISTINCT FROM excluded.md5
     RETURNING name`,
    [values.submissionId, values.name, values.contentType, values.bytes.toString('base64'), values.md5],
  );
  return rows.length > 0;
}

/** An edit keeps the files of the version it replaces that it did not send again (by name). */
export async function carryAttachments(db: Queryable, fromSubmissionId: number, toSubmissionId: number): Promise<void> {
  await db.query(
    `INSERT INTO collection_submission_attachment (submission_id, name, content_type, bytes, md5)
     SELECT $2, name, content_type, bytes, md5 FROM collection_submission_attachment WHERE submission_id = $1 AND bytes IS NOT NULL
     ON CONFLICT (submission_id, name) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes, md5 = excluded.md5
       WHERE collection_submission_attachment.bytes IS NULL`,
    [fromSubmissionId, toSubmissionId],
  );
}

export async function attachmentBytes(db: Queryable, submissionId: number, name: string): Promise<{ bytes: Buffer; content_type: string | null } | undefined> {
  const [row] = await db.query<{ bytes: string | null; content_type: string | null }>(
    "SELECT encode(bytes, 'base64') AS bytes, content_type FROM collection_submission_attachment WHERE submission_id = $1 AND name = $2",
    [submissionId, name],
  );
  return row?.bytes == null ? undefined : { bytes: Buffer.from(row.bytes, 'base64'), content_type: row.content_type };
}

/** Sets the review state of current submissions of a form; returns the ids it changed. */
export async function reviewSubmissions(db: Queryable, values: { formId: number; ids: readonly number[]; state: string; comment: string | null; by: string }): Promise<number[]> {
  const changed = await db.query<{ id: number }>(
    'UPDATE collection_submission SET review_state = $3 WHERE form_id = $1 AND id = ANY($2::bigint[]) AND current RETURNING id::int AS id',
    [values.formId, values.ids, values.state],
  );
  if (changed.length > 0) {
    await db.query('INSERT INTO collection_review (submission_id, review_state, comment, reviewed_by) SELECT unnest($1::bigint[]), $2, $3, $4', [
      changed.map((row) => row.id),
      values.state,
      values.comment,
      values.by,
    ]);
  }
  return changed.map((row) => row.id);
}

export async function reviews(db: Queryable, submissionIds: readonly number[]): Promise<Array<{ submission_id: number; review_state: string; comment: string | null; reviewed_by: string; reviewed_at: Date }>> {
  return db.query(
    'SELECT submission_id::int AS submission_id, review_state, comment, reviewed_by, reviewed_at FROM collection_review WHERE submission_id = ANY($1::bigint[]) ORDER BY id',
    [submissionIds],
  );
}

export interface ExportSubmissionRow {
  id: number;
  instance_id: string;
  root_instance_id: string;
  form_version_id: number;
  /** The answers stored when it was received (null for a submission received before they were). */
  answers: StoredAnswers | PackedAnswers | null;
  /** Only for a submission received before answers were stored: read from its XML then. */
  xml: string | null;
  received_at: Date;
  submitted_by: string;
  review_state: string;
}

/** A page of current submissions after an id, for exports (keyset paging: each page as quick as the first). */
/** The stored answers, and the XML only when there are none (a submission received before they were stored). */
const ANSWERS_OR_XML = 's.form_version_id::int AS form_version_id, s.answers, CASE WHEN s.answers IS NULL THEN s.xml END AS xml';

export async function exportPage(
  db: Queryable,
  formId: number,
  page: { after: number; limit: number; reviewStates: readonly string[] | null; from: string | null; to: string | null },
): Promise<ExportSubmissionRow[]> {
  return db.query<ExportSubmissionRow>(
    `SELECT s.id::int AS id, s.instance_id, s.root_instance_id, ${ANSWERS_OR_XML}, s.received_at, s.review_state,
            coalesce((SELECT u.name FROM collection_app_user u WHERE u.id = s.app_user_id), s.submitted_by) AS submitted_by
       FROM collection_submission s
      WHERE s.form_id = $1 AND s.current AND s.id > $2
        AND ($4::text[] IS NULL OR s.review_state = ANY($4))
        AND ($5::timestamptz IS NULL OR s.received_at >= $5) AND ($6::timestamptz IS NULL OR s.received_at < $6)
      ORDER BY s.id LIMIT $3`,
    [formId, page.after, page.limit, page.reviewStates, page.from, page.to],
  );
}

/** Bounds on the received instant an OData `$filter` may set; each null when not set. */
export interface ReceivedBounds {
  after: string | null;
  from: string | null;
  before: string | null;
  until: string | null;
}

const ODATA_WHERE = `s.form_id = $1 AND s.current
        AND ($2::text IS NULL OR s.review_state = $2)
        AND ($3::timestamptz IS NULL OR s.received_at > $3) AND ($4::timestamptz IS NULL OR s.received_at >= $4)
        AND ($5::timestamptz IS NULL OR s.received_at < $5) AND ($6::timestamptz IS NULL OR s.received_at <= $6)`;

/** A page of current submissions for the OData feed, in id order from `after` (keyset), every value a bound parameter. */
export async function odataPage(
  db: Queryable,
  formId: number,
  page: { after: number; limit: number; reviewState: string | null; received: ReceivedBounds },
): Promise<ExportSubmissionRow[]> {
  const { received } = page;
  return db.query<ExportSubmissionRow>(
    `SELECT s.id::int AS id, s.instance_id, s.root_instance_id, ${ANSWERS_OR_XML}, s.received_at, s.review_state,
            coalesce((SELECT u.name FROM collection_app_user u WHERE u.id = s.app_user_id), s.submitted_by) AS submitted_by
       FROM collection_submission s
      WHERE ${ODATA_WHERE} AND s.id > $7
      ORDER BY s.id LIMIT $8`,
    [formId, page.reviewState, received.after, received.from, received.before, received.until, page.after, page.limit],
  );
}

export async function odataCount(db: Queryable, formId: number, filter: { reviewState: string | null; received: ReceivedBounds }): Promise<number> {
  const { received } = filter;
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM collection_submission s WHERE ${ODATA_WHERE}`, [
    formId,
    filter.reviewState,
    received.after,
    received.from,
    received.before,
    received.until,
  ]);
  return row?.n ?? 0;
}
