/**
 * The SQL of form bindings (migrations/0020_dtm_form_bindings.sql): a collection form bound to an
 * operation, and the extract of its approved submissions stored as an upload (core's store) with
 * the binding it came from (migrations/0025) and the submission of each row.
 */
import type { Queryable } from '../core/db.js';
import type { ColumnMapping } from './fields.js';
import { dropUnusedFileUpload, storeFileUpload } from '../core/file-uploads.js';
import { UPLOAD_MODULE, UPLOAD_USED_BY, uploadScope } from './queries.js';

export interface BindingRow {
  id: number;
  form_id: number;
  /** The form's project and XForm id: what collection's reads take. */
  project_id: number;
  xml_form_id: string;
  operation_id: number;
  assessment_type: 'BA' | 'SA';
  mapping: ColumnMapping;
  created_by: string;
  created_at: Date;
  updated_by: string;
  updated_at: Date;
}

const BINDING_SELECT = `
  SELECT b.id::int AS id, b.form_id::int AS form_id, f.project_id::int AS project_id, f.xml_form_id, b.operation_id::int AS operation_id, b.assessment_type, b.mapping,
         b.created_by, b.created_at, b.updated_by, b.updated_at
    FROM dtm_form_binding b JOIN collection_form f ON f.id = b.form_id`;

export async function bindingById(db: Queryable, id: number): Promise<BindingRow | undefined> {
  const [row] = await db.query<BindingRow>(`${BINDING_SELECT} WHERE b.id = $1`, [id]);
  return row;
}

export async function bindingOfForm(db: Queryable, formId: number): Promise<BindingRow | undefined> {
  const [row] = await db.query<BindingRow>(`${BINDING_SELECT} WHERE b.form_id = $1`, [formId]);
  return row;
}

/** Binds the form, or replaces its binding (one operation per form). */
export async function saveBinding(
  tx: Queryable,
  values: { formId: number; operationId: number; assessmentType: 'BA' | 'SA'; mapping: ColumnMapping; actor: string },
): Promise<{ id: number; created: boolean }> {
  const [row] = await tx.query<{ id: number; created: boolean }>(
    `INSERT INTO dtm_form_binding (form_id, operation_id, assessment_type, mapping, created_by, updated_by) VALUES ($1, $2, $3, $4, $5, $5)
     ON CONFLICT (form_id) DO UPDATE SET operation_id = EXCLUDED.operation_id, assessment_type = EXCLUDED.assessment_type, mapping = EXCLUDED.mapping,
       updated_by = EXCLUDED.updated_by, updated_at = now()
     RETURNING id::int AS id, (xmax = 0) AS created`,
    [values.formId, values.operationId, values.assessmentType, JSON.stringify(values.mapping), values.actor],
  );
  return row!;
}

export async function deleteBinding(tx: Queryable, id: number): Promise<void> {
  await tx.query('DELETE FROM dtm_form_binding WHERE id = $1', [id]);
}

/**
 * Stores an extract as a complete upload of the operation (core's store, in parts as every
 * upload is), with the binding it came from and the submission of each data row (row 1 is the header).
 */
export async function storeExtract(
  tx: Queryable,
  extract: { fileName: string; bytes: Buffer; sha256: string; operationId: number; bindingId: number; actor: string; sources: ReadonlyArray<{ row: number; submissionId: number; instanceId: string }> },
): Promise<number> {
  const id = await storeFileUpload(tx, { module: UPLOAD_MODULE, fileName: extract.fileName, scope: uploadScope(extract.operationId), by: extract.actor, bytes: extract.bytes, sha256: extract.sha256 });
  await tx.query('INSERT INTO dtm_binding_extract (upload_id, binding_id) VALUES ($1, $2)', [id, extract.bindingId]);
  await tx.query(
    `INSERT INTO dtm_upload_source (upload_id, source_row, submission_id, instance_id)
     SELECT $1, * FROM unnest($2::int4[], $3::bigint[], $4::text[])`,
    [id, extract.sources.map((source) => source.row), extract.sources.map((source) => source.submissionId), extract.sources.map((source) => source.instanceId)],
  );
  return id;
}

/** Drops an extract no import job took (the import refused to start): its parts and rows go with it. */
export async function dropExtract(db: Queryable, uploadId: number): Promise<void> {
  await dropUnusedFileUpload(db, UPLOAD_MODULE, uploadId, UPLOAD_USED_BY);
}

/** The rounds made from a binding's extracts, newest first: what the panel links to. */
export async function roundsOfBinding(db: Queryable, bindingId: number): Promise<Array<{ round_id: number; number: number; assessment_type: 'BA' | 'SA'; status: string; file_name: string; rows_read: number; rows_stored: number; created_at: Date }>> {
  return db.query(
    `SELECT DISTINCT ON (r.id) r.id::int AS round_id, r.number, r.assessment_type, r.status, i.file_name, i.rows_read, i.rows_stored, i.created_at
       FROM dtm_binding_extract e JOIN dtm_import i ON i.upload_id = e.upload_id AND NOT i.superseded JOIN dtm_round r ON r.operation_id = i.operation_id AND r.id = i.round_id
      WHERE e.binding_id = $1
      ORDER BY r.id DESC, i.created_at DESC`,
    [bindingId],
  );
}
