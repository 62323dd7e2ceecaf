/**
 * Import of real 5W/3W files into the response, through the machinery every import shares:
 * the file stored part by part as it arrives (core/file-uploads.ts), its sheets and header row
 * previewed (core/table-files.ts), then a job (core/jobs.ts) that reads every row, resolves
 * organisations, sectors, places and periods, and stores the reports as `submitted` in one
 * audited transaction: all of them or nothing. The same bytes imported again for the same
 * country and sheet are a no-op that answers the earlier import's result.
 */
import { actorName, audited, type Actor } from '../access/audit.js';
import { can, type Principal } from '../access/verbs.js';
import { withoutWaitLimit, type Queryable } from '../core/db.js';
import { AppError } from '../core/errors.js';
import * as files from '../core/file-uploads.js';
import * as jobs from '../core/jobs.js';
import { previewTableFile, type SheetPreview } from '../core/table-files.js';
import * as geo from '../geo/service.js';
import { FIVE_W_FIELDS, recogniseColumns, type FiveWField } from './five-w.js';
import { fiveWHeaderScore, openFiveWSheet, ownOrganisations, runFiveWImport, type FiveWColumns, type SettledImport } from './five-w-store.js';
import * as iq from './import-queries.js';
import { countriesOf, requireCountry, requireMonth } from './service.js';
import { isSectorCode } from './vocabulary.js';
import type { KnownUnit } from './five-w-rows.js';

export const MODULE = 'response';
export const IMPORT_JOB = 'response-import';
/** A 5W file of a whole country and month is a few MB; beyond 64 MB it is not a 5W sheet. */
export const FIVE_W_FILE_LIMIT = 64 * 1024 * 1024;


export interface FiveWSheetView extends Pick<SheetPreview, 'name' | 'headerRow' | 'headers' | 'hxl' | 'samples' | 'rows'> {
  /** Which column holds which 5W field (by HXL tag, else French or English header). */
  columns: FiveWColumns;
  /** What the import cannot do without: a place column, an organisation (for an IM officer). */
  missing: string[];
  hasSector: boolean;
  /** Whether the rows carry dates; without, the import asks for the month. */
  hasDates: boolean;
}

export interface FiveWUploadView {
  id: number;
  fileName: string;
  sha256: string;
  sizeBytes: number;
  format: 'csv' | 'xlsx';
  country: string;
  sheets: FiveWSheetView[];
  suggestedSheet: string;
}

/** Whether the principal imports for any organisation of the country (an IM officer), only its own (a partner), or not at all. */
export function importRight(principal: Principal, country: string): 'any' | 'own' | null {
  if (can(principal, 'response.manage', { countries: [country] }) && can(principal, 'response.report', { countries: [country] })) return 'any';
  return ownOrganisations(principal).length > 0 ? 'own' : null;
}

function missingColumns(columns: FiveWColumns, right: 'any' | 'own'): string[] {
  const missing: string[] = [];
  if (!['admin1Code', 'admin2Code', 'admin3Code', 'admin1Name', 'admin2Name', 'admin3Name'].some((field) => columns[field as FiveWField] !== undefined)) missing.push('place');
  if (right === 'any' && columns.orgAcronym === undefined && columns.orgName === undefined) missing.push('organisation');
  return missing;
}

function sheetView(sheet: SheetPreview, right: 'any' | 'own', overrides: FiveWColumns = {}): FiveWSheetView {
  const columns = { ...recogniseColumns(sheet.headers, sheet.hxl), ...overrides };
  return {
    name: sheet.name,
    headerRow: sheet.headerRow,
    headers: sheet.headers,
    hxl: sheet.hxl,
    samples: sheet.samples,
    rows: sheet.rows,
    columns,
    missing: missingColumns(columns, right),
    hasSector: columns.sector !== undefined,
    hasDates: columns.dateStart !== undefined || columns.dateEnd !== undefined,
  };
}

function requireRight(principal: Principal, country: string): 'any' | 'own' {
  const right = importRight(principal, country);
  if (right === null) throw new AppError('response.import.forbidden', { country });
  return right;
}

export interface ReceiveFiveWRequest {
  fileName: string;
  country: string;
  actor: Actor;
  limit?: number;
}

/** Step 1: the file stored as it arrives for a country the caller may import into, and its preview. */
export async function receiveFiveWFile(db: Queryable, body: AsyncIterable<Buffer | string> | Iterable<Buffer>, request: ReceiveFiveWRequest): Promise<FiveWUploadView> {
  const country = requireCountry(request.country);
  const right = requireRight(request.actor.principal, country);
  await files.dropStaleFileUploads(db, MODULE, 'response_import');
  // `for await` reads a plain list of buffers (demo data, benchmarks) as it reads a request body.
  const { uploadId, received, preview } = await files.receiveAndRecord(
    db,
    body as AsyncIterable<Buffer | string>,
    { module: MODULE, fileName: request.fileName, by: actorName(request.actor), scope: country, limit: request.limit ?? FIVE_W_FILE_LIMIT, headerScore: fiveWHeaderScore },
    (complete, file) =>
      audited(db, request.actor, complete, () => ({
        action: 'response.import.upload',
        objectType: 'response-upload',
        objectId: file.uploadId,
        summary: { file: request.fileName.slice(0, 255), bytes: file.received.sizeBytes, format: file.preview.format, country },
      })),
  );
  return {
    id: uploadId,
    fileName: request.fileName,
    sha256: received.sha256,
    sizeBytes: received.sizeBytes,
    format: preview.format,
    country,
    sheets: preview.sheets.map((sheet) => sheetView(sheet, right)),
    suggestedSheet: preview.suggestedSheet,
  };
}

/**
 * An upload the caller may preview or import: one they sent, or one sent for a country where
 * they import for any organisation. Any other answers 404, as a missing one does.
 */
export async function usableUpload(db: Queryable, uploadId: number, actor: Actor): Promise<files.FileUploadRow> {
  const upload = await files.fileUploadById(db, MODULE, uploadId);
  const principal = actor.principal;
  if (upload !== undefined && principal.kind !== 'anonymous') {
    if (upload.created_by === actorName(actor)) return upload;
    if (upload.scope !== null && importRight(principal, upload.scope) === 'any') return upload;
  }
  throw new AppError('response.import.uploadNotFound', { id: uploadId });
}

/** The preview again for one sheet and header row the user chose. */
export async function previewFiveWUpload(db: Queryable, uploadId: number, actor: Actor, request: { sheet?: string | null; headerRow?: number | null }): Promise<FiveWSheetView> {
  const upload = await usableUpload(db, uploadId, actor);
  const right = requireRight(actor.principal, upload.scope ?? '');
  const bytes = await files.fileUploadBytes(db, upload);
  const preview = await previewTableFile(bytes, upload.file_name, { sheet: request.sheet ?? null, headerRow: request.headerRow ?? null, headerScore: fiveWHeaderScore });
  const sheet = preview.sheets.find((candidate) => candidate.name === preview.suggestedSheet) ?? preview.sheets[0]!;
  return sheetView(sheet, right);
}

export interface FiveWImportInput {
  sheet?: string | null;
  headerRow?: number | null;
  /** The month (YYYY-MM) of every row; required when the file has no dates. */
  month?: string | null;
  /** The sector of every row of a file without a sector column. */
  sector?: string | null;
  /** Columns chosen by the user, over the recognised ones (null: the field is not read). */
  columns?: Partial<Record<FiveWField, string | null>>;
  /** Store the other rows when some cannot be stored (they are listed as findings); otherwise nothing is stored. */
  skipRefusedRows?: boolean;
}

export interface StartOptions {
  actor: Actor;
  /** true for HTTP: the job runs after the response; false for the CLI and tests: it is awaited. */
  background: boolean;
  onBackgroundError?: (error: unknown) => void;
}

function settleColumns(headers: readonly string[], hxl: readonly string[] | null, chosen: FiveWImportInput['columns']): FiveWColumns {
  const columns: FiveWColumns = recogniseColumns(headers, hxl);
  for (const [field, column] of Object.entries(chosen ?? {})) {
    if (!(FIVE_W_FIELDS as readonly string[]).includes(field)) continue;
    if (column === null) delete columns[field as FiveWField];
    else if (column !== undefined) {
      if (!headers.includes(column)) throw new AppError('response.import.columnUnknown', { column: column.slice(0, 80), field });
      columns[field as FiveWField] = column;
    }
  }
  return columns;
}

/** Step 2: starts the import of an upload as a job; answers the job (finished already when not in the background). */
export async function startFiveWImport(db: Queryable, uploadId: number, input: FiveWImportInput, options: StartOptions): Promise<jobs.JobView> {
  const upload = await usableUpload(db, uploadId, options.actor);
  const country = requireCountry(upload.scope ?? '');
  const right = requireRight(options.actor.principal, country);
  const month = input.month === undefined || input.month === null || input.month === '' ? null : requireMonth(input.month);
  const bytes = await files.fileUploadBytes(db, upload);
  const table = await openFiveWSheet(bytes, upload.file_name, input.sheet ?? null, input.headerRow ?? null);
  await table.rows.return(undefined);
  const columns = settleColumns(table.headers, table.hxl, input.columns);
  const missing = missingColumns(columns, right);
  if (missing.length > 0) throw new AppError('response.import.columnsMissing', { missing: missing.join(', ') }, { details: { missing, columns } });
  let sector: string | null = null;
  if (columns.sector === undefined) {
    if (input.sector === undefined || input.sector === null || input.sector.trim() === '') throw new AppError('response.import.sectorRequired');
    sector = input.sector.trim();
    if (!isSectorCode(sector)) throw new AppError('response.sector.unknown', { label: sector.slice(0, 100) });
  }
  if (columns.dateStart === undefined && columns.dateEnd === undefined && month === null) throw new AppError('response.import.periodRequired');
  const settled: SettledImport = {
    uploadId,
    fileName: upload.file_name,
    sha256: upload.sha256,
    country,
    right,
    sheet: table.sheet === 'CSV' ? null : table.sheet,
    headerRow: table.headerRow,
    columns,
    month,
    sector,
    skipRefusedRows: input.skipRefusedRows === true,
  };
  const jobId = await audited(
    db,
    options.actor,
    (tx) => jobs.createJob(tx, IMPORT_JOB, { uploadId, country, settled: { ...settled } }, actorName(options.actor)),
    (id) => ({ action: 'response.import.start', objectType: 'response-import-job', objectId: id, summary: { upload: uploadId, country, sheet: settled.sheet, month, sector } }),
  );
  if (!(await jobs.claimJob(db, jobId))) return (await jobs.getJob(db, jobId))!;
  const work = withoutWaitLimit(() => jobs.withHeartbeat(db, jobId, () => runFiveWImport(db, jobId, settled, bytes, options.actor, loadUnits)));
  if (options.background) work.catch((error: unknown) => options.onBackgroundError?.(error));
  else await work.catch(() => undefined);
  return (await jobs.getJob(db, jobId))!;
}

/** The country's units of admin levels 1 to 3 as the geography has them today. */
async function loadUnits(db: Queryable, country: string): Promise<KnownUnit[]> {
  const { units } = await geo.searchUnits(db, { country, limit: 100_000 });
  return units
    .filter((unit) => unit.level >= 1 && unit.level <= 3)
    .map((unit) => ({ pcode: unit.pcode, level: unit.level, parentPcode: unit.parentPcode, name: unit.name, altNames: unit.altNames, validFrom: unit.validFrom }));
}

/** May the principal see this job: they started it, or they import for any organisation of its country. */
function jobInScope(principal: Principal, actor: Actor, job: jobs.JobView): boolean {
  if (job.kind !== IMPORT_JOB || principal.kind === 'anonymous') return false;
  if (job.createdBy === actorName(actor)) return true;
  const country = (job.input as { country?: unknown }).country;
  return typeof country === 'string' && importRight(principal, country) === 'any';
}

export async function fiveWImportJob(db: Queryable, actor: Actor, id: number): Promise<jobs.JobView> {
  const job = await jobs.getJob(db, id);
  if (job === undefined || !jobInScope(actor.principal, actor, job)) throw new AppError('response.import.jobNotFound', { id });
  return job;
}

export interface ImportListItem {
  id: number;
  country: string;
  fileName: string;
  sheet: string | null;
  month: string | null;
  rowsRead: number;
  rowsStored: number;
  createdBy: string;
  createdAt: string;
  /** What became of its reports since: counts per status. */
  reports: Record<string, number>;
}

/** The newest imports the caller may see: of the countries they manage, and their own. */
export async function listFiveWImports(db: Queryable, actor: Actor, limit: number): Promise<ImportListItem[]> {
  const countries = countriesOf(actor.principal, ['response.manage']);
  const rows = await iq.importsOf(db, countries, actorName(actor), limit);
  return Promise.all(
    rows.map(async (row) => ({
      id: row.id,
      country: row.country,
      fileName: row.file_name,
      sheet: row.sheet_key === '' ? null : row.sheet_key,
      month: row.month,
      rowsRead: row.rows_read,
      rowsStored: row.rows_stored,
      createdBy: row.created_by,
      createdAt: row.created_at,
      reports: await iq.reportsOfImport(db, row.id),
    })),
  );
}
