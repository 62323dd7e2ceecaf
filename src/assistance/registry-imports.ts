/**
 * Registry file import through the machinery every import shares: the file stored part by part
 * as it arrives (core/file-uploads.ts), its sheets and header row previewed with the columns
 * recognised (core/table-files.ts, registry-file.ts), then a job (core/jobs.ts) that reads every
 * row, notes every problem with its row, column and value, and — only when none is left —
 * registers all the households in one transaction (each through the registry's own audited
 * registration). Nothing is half stored. The same bytes imported again for the same organisation
 * answer the earlier import's result.
 */
import { actorName, audited, type Actor } from '../access/audit.js';
import { can, type Principal } from '../access/verbs.js';
import { withoutWaitLimit, type Queryable } from '../core/db.js';
import { AppError, formatMessage, isAppError } from '../core/errors.js';
import * as files from '../core/file-uploads.js';
import * as jobs from '../core/jobs.js';
import { detectFormat, openTable, previewTableFile, readRows, visibleSheets, type FilePreview, type RawRow, type Table } from '../core/table-files.js';
import * as geo from '../geo/service.js';
import * as q from './queries.js';
import { householdInput, missingFields, recogniseColumns, REGISTRY_FIELDS, RegistryReader, registryHeaderScore, type Finding, type RegistryColumns, type RegistryField } from './registry-file.js';
import { registerHousehold } from './service.js';

export const MODULE = 'assistance';
export const IMPORT_JOB = 'assistance-import';
/** A registry file of a whole region is a few MB; beyond 32 MB it is not one file to check by hand. */
export const REGISTRY_FILE_LIMIT = 32 * 1024 * 1024;
/** Rows of one file: a commune's registration, not a country's. */
export const MAX_ROWS = 50_000;

export interface RegistrySheetView {
  name: string;
  headerRow: number;
  headers: string[];
  samples: string[][];
  rows: number;
  columns: RegistryColumns;
  missing: RegistryField[];
}

export interface RegistryUploadView {
  id: number;
  fileName: string;
  sha256: string;
  sizeBytes: number;
  format: 'csv' | 'xlsx';
  organisationId: number;
  sheets: RegistrySheetView[];
  suggestedSheet: string;
}

function requireOrganisation(principal: Principal, organisationId: number): void {
  // Scope checked on the organisation; the country is checked per household at registration.
  if (!can(principal, 'assistance.manage', { organisationId }) && !can(principal, 'assistance.manage', { countries: countriesOf(principal), organisationId })) {
    throw new AppError('assistance.import.ownOrganisation');
  }
}

function countriesOf(principal: Principal): string[] {
  if (principal.kind !== 'user') return [];
  return principal.assignments.filter((assignment) => assignment.scope.kind === 'country' && assignment.verbs.includes('assistance.manage')).map((assignment) => assignment.scope.value!);
}

const sheetView = (sheet: FilePreview['sheets'][number]): RegistrySheetView => {
  const columns = recogniseColumns(sheet.headers);
  return { name: sheet.name, headerRow: sheet.headerRow, headers: sheet.headers, samples: sheet.samples, rows: sheet.rows, columns, missing: missingFields(columns) };
};

/** Step 1: the file stored as it arrives, for an organisation the caller registers for, and its preview. */
export async function receiveRegistryFile(db: Queryable, body: AsyncIterable<Buffer | string>, request: { fileName: string; organisationId: number; actor: Actor; limit?: number }): Promise<RegistryUploadView> {
  requireOrganisation(request.actor.principal, request.organisationId);
  if (!(await q.organisationExists(db, request.organisationId))) throw new AppError('response.organisation.notFound', { name: String(request.organisationId) });
  // A registry file holds names and phones: once its households are in the registry (or it was
  // never imported) it is not kept past the week every module's uploads are kept.
  await files.dropStaleFileUploads(db, MODULE, null);
  const { uploadId, received, preview } = await files.receiveAndRecord(
    db,
    body,
    { module: MODULE, fileName: request.fileName, by: actorName(request.actor), scope: String(request.organisationId), limit: request.limit ?? REGISTRY_FILE_LIMIT, headerScore: registryHeaderScore },
    (complete, file) =>
      audited(db, request.actor, complete, () => ({
        action: 'assistance.import.upload',
        objectType: 'assistance-upload',
        objectId: file.uploadId,
        summary: { file: request.fileName.slice(0, 255), bytes: file.received.sizeBytes, format: file.preview.format, organisation: request.organisationId },
      })),
  );
  return {
    id: uploadId,
    fileName: request.fileName,
    sha256: received.sha256,
    sizeBytes: received.sizeBytes,
    format: preview.format,
    organisationId: request.organisationId,
    sheets: preview.sheets.map(sheetView),
    suggestedSheet: preview.suggestedSheet,
  };
}

/** An upload the caller sent, or one for an organisation they register for; any other answers 404. */
async function usableUpload(db: Queryable, uploadId: number, actor: Actor): Promise<files.FileUploadRow & { organisationId: number }> {
  const upload = await files.fileUploadById(db, MODULE, uploadId);
  if (upload !== undefined && upload.scope !== null && actor.principal.kind !== 'anonymous') {
    const organisationId = Number(upload.scope);
    if (upload.created_by === actorName(actor)) return { ...upload, organisationId };
    try {
      requireOrganisation(actor.principal, organisationId);
      return { ...upload, organisationId };
    } catch {
      // Another organisation's upload reads as absent.
    }
  }
  throw new AppError('assistance.import.uploadNotFound', { id: uploadId });
}

async function openSheet(bytes: Uint8Array, fileName: string, sheet: string | null, headerRow: number | null): Promise<Table> {
  const format = detectFormat(bytes, fileName);
  let name = sheet;
  if (format === 'xlsx') {
    const visible = await visibleSheets(bytes);
    if (name !== null && !visible.includes(name)) throw new AppError('import.sheetNotFound', { sheet: name.slice(0, 80), sheets: visible.join(', ') });
    // No sheet named: the one that looks like a registry, never just the first (a notes sheet).
    if (name === null) name = (await previewTableFile(bytes, fileName, { headerScore: registryHeaderScore })).suggestedSheet;
  }
  const table = await openTable(readRows(bytes, format, format === 'xlsx' ? name : null), { headerRow, headerScore: registryHeaderScore });
  if (table !== null) return table;
  if (headerRow !== null) throw new AppError('import.headerRowEmpty', { row: headerRow });
  throw new AppError('import.empty');
}

export interface RegistryImportInput {
  sheet?: string | null;
  headerRow?: number | null;
  /** Columns chosen by the user over the recognised ones (null: the field is not read). */
  columns?: Partial<Record<RegistryField, string | null>>;
}

interface Settled {
  uploadId: number;
  fileName: string;
  sha256: string;
  organisationId: number;
  sheet: string | null;
  headerRow: number;
  columns: RegistryColumns;
}

export interface RegistryImportResult {
  rowsRead: number;
  households: number;
  people: number;
  householdIds: number[];
  alreadyImported?: boolean;
  earlierJob?: number;
}

/** Step 2: checks the mapping and starts the import as a job; answers the job (finished already when not in the background). */
export async function startRegistryImport(db: Queryable, uploadId: number, input: RegistryImportInput, options: { actor: Actor; background: boolean; onBackgroundError?: (error: unknown) => void }): Promise<jobs.JobView> {
  const upload = await usableUpload(db, uploadId, options.actor);
  requireOrganisation(options.actor.principal, upload.organisationId);
  const bytes = await files.fileUploadBytes(db, upload);
  const table = await openSheet(bytes, upload.file_name, input.sheet ?? null, input.headerRow ?? null);
  await table.rows.return(undefined);
  const columns = recogniseColumns(table.headers);
  for (const [field, column] of Object.entries(input.columns ?? {})) {
    if (!(REGISTRY_FIELDS as readonly string[]).includes(field)) continue;
    if (column === null) delete columns[field as RegistryField];
    else if (column !== undefined) {
      if (!table.headers.includes(column)) throw new AppError('assistance.import.columnUnknown', { column: column.slice(0, 80), field });
      columns[field as RegistryField] = column;
    }
  }
  const missing = missingFields(columns);
  if (missing.length > 0) throw new AppError('assistance.import.columnsMissing', { missing: missing.join(', ') }, { details: { missing, columns } });
  const settled: Settled = { uploadId, fileName: upload.file_name, sha256: upload.sha256, organisationId: upload.organisationId, sheet: table.sheet === 'CSV' ? null : table.sheet, headerRow: table.headerRow, columns };
  const jobId = await audited(
    db,
    options.actor,
    (tx) => jobs.createJob(tx, IMPORT_JOB, { uploadId, sha256: upload.sha256, organisationId: upload.organisationId, settled: { ...settled } }, actorName(options.actor)),
    (id) => ({ action: 'assistance.import.start', objectType: 'assistance-import-job', objectId: id, summary: { upload: uploadId, organisation: upload.organisationId, sheet: settled.sheet } }),
  );
  if (!(await jobs.claimJob(db, jobId))) return (await jobs.getJob(db, jobId))!;
  const work = withoutWaitLimit(() => jobs.withHeartbeat(db, jobId, () => runRegistryImport(db, jobId, settled, bytes, options.actor)));
  if (options.background) work.catch((error: unknown) => options.onBackgroundError?.(error));
  else await work.catch(() => undefined);
  return (await jobs.getJob(db, jobId))!;
}

/** Every finding in both languages, for the report the user reads and the file they correct. */
export function findingMessages(findings: readonly Finding[]): Array<Finding & { message: { en: string; fr: string } }> {
  return findings.map((finding) => ({ ...finding, message: { en: formatMessage(finding.code, 'en', finding.params), fr: formatMessage(finding.code, 'fr', finding.params) } }));
}

async function runRegistryImport(db: Queryable, jobId: number, settled: Settled, bytes: Uint8Array, actor: Actor): Promise<void> {
  try {
    const earlier = (await jobs.listJobs(db, IMPORT_JOB, 50, { path: ['sha256'], values: [settled.sha256] })).find(
      (job) => job.id !== jobId && job.status === 'succeeded' && (job.input as { organisationId?: unknown }).organisationId === settled.organisationId,
    );
    if (earlier !== undefined) {
      await jobs.finishJob(db, jobId, { ...earlier.result, earlierJob: earlier.id, alreadyImported: true });
      return;
    }
    const today = new Date().toISOString().slice(0, 10);
    const table = await openSheet(bytes, settled.fileName, settled.sheet, settled.headerRow);
    const reader = new RegistryReader(table.headers, settled.columns, today);
    await jobs.reportProgress(db, jobId, 'reading', 0, null);
    for await (const batch of table.rows) {
      // The rows are the reader's own (RawRow): they say which cells held a formula.
      for (const raw of batch as RawRow[]) {
        if (reader.rows >= MAX_ROWS) throw new AppError('assistance.import.tooManyRows', { limit: MAX_ROWS });
        reader.add(raw);
      }
      await jobs.reportProgress(db, jobId, 'reading', reader.rows, null);
    }
    if (reader.rows === 0) throw new AppError('import.empty');
    const households = reader.finish();
    // Places checked once each, before anything is written.
    const pcodeColumn = settled.columns.pcode!;
    for (const pcode of new Set(households.map((household) => household.pcode))) {
      const ok = await geo
        .getUnit(db, pcode)
        .then((place) => place.unit.level >= 2 && place.unit.level <= 3)
        .catch((error: unknown) => {
          if (isAppError(error)) return false;
          throw error;
        });
      if (!ok) {
        for (const household of households.filter((candidate) => candidate.pcode === pcode)) {
          reader.findingCount += 1;
          reader.findings.push({ code: 'assistance.import.place', row: household.firstRow, params: { row: household.firstRow, column: pcodeColumn.slice(0, 80), value: pcode.slice(0, 60) } });
        }
      }
    }
    if (reader.findingCount > 0) {
      const findings = findingMessages(reader.findings.sort((a, b) => a.row - b.row));
      const first = findings[0]!;
      throw new AppError(
        'assistance.import.refused',
        { count: reader.findingCount, row: first.row, column: String(first.params.column ?? '—') },
        { details: { rowsRead: reader.rows, findingCount: reader.findingCount, findings: findings.slice(0, 200), findingsTruncated: reader.findingCount > 200 } },
      );
    }
    await jobs.reportProgress(db, jobId, 'storing', 0, households.length);
    await audited(
      db,
      actor,
      async (tx) => {
        const ids: number[] = [];
        // One transaction: every household, each through the registry's own registration, or none.
        for (const household of households) ids.push((await registerHousehold(tx, actor, householdInput(settled.organisationId, household))).id);
        const result: RegistryImportResult = { rowsRead: reader.rows, households: ids.length, people: households.reduce((sum, household) => sum + household.members.length, 0), householdIds: ids };
        await jobs.finishJob(tx, jobId, { ...result });
        return result;
      },
      (result) => ({ action: 'assistance.import.store', objectType: 'assistance-import-job', objectId: jobId, summary: { upload: settled.uploadId, households: result.households, people: result.people, rows: result.rowsRead } }),
    );
  } catch (error) {
    await jobs.failJob(db, jobId, error);
    throw error;
  }
}

/** The job of a registry import, for the one who started it or whoever registers for its organisation. */
export async function registryImportJob(db: Queryable, actor: Actor, id: number): Promise<jobs.JobView> {
  const job = await jobs.getJob(db, id);
  if (job !== undefined && job.kind === IMPORT_JOB && actor.principal.kind !== 'anonymous') {
    if (job.createdBy === actorName(actor)) return job;
    const organisationId = (job.input as { organisationId?: unknown }).organisationId;
    if (typeof organisationId === 'number') {
      try {
        requireOrganisation(actor.principal, organisationId);
        return job;
      } catch {
        // Out of scope reads as absent.
      }
    }
  }
  throw new AppError('assistance.import.jobNotFound', { id });
}
