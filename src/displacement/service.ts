/**
 * Displacement tracking: operations, rounds, the import of a round file, its data-quality
 * review and its publication. Aggregation for dashboards and public APIs is in aggregate.ts.
 *
 * An import reads the file as a stream, validates each row, stages batches of rows outside the
 * round (short statements, so the server keeps answering), then swaps them into the round in one
 * final transaction: a crash at any point leaves the round as it was.
 */
import { actorName, audited, type Actor } from '../access/audit.js';
import { can, type Principal, type Verb } from '../access/verbs.js';
import { withoutWaitLimit, type Queryable } from '../core/db.js';
import { DEFAULT_UPLOADS } from '../core/config.js';
import { AppError } from '../core/errors.js';
import * as jobs from '../core/jobs.js';
import { versionKeys, withVersions } from '../core/versions.js';
import { readInParts, type ReceivedBody } from '../core/uploads.js';
import { bboxOf, containsPoint, type AreaGeometry } from '../geo/rings.js';
import { buildNameIndex, CONFIDENT, matchInIndex, type NameIndex } from '../geo/names.js';
import { readableCounts } from './values.js';
import { mappingProblems, suggestMapping, templateKey, type ColumnMapping } from './fields.js';
import { DEFAULT_AGE_RANGES, type RoundField, type ValueKind } from '../shared/displacement.js';
import * as q from './queries.js';
import { cellText, detectFormat, openTable, previewRoundFile, readRows, visibleSheets, type FilePreview, type SheetPreview } from './reader.js';
import { columnIndex, DuplicateCheck, RULES, validateRow, type Finding, type KnownUnit, type RoundRules, type StagedFigure } from './validate.js';

/** Largest round file accepted (core/config.ts): a million-row CSV is ~150 MB; beyond, split by region. */
export const DTM_IMPORT_LIMIT = DEFAULT_UPLOADS.dtmFileLimit;

export const IMPORT_JOB = 'dtm-import';
/** Rows per staged batch: large enough to amortise a statement, small enough to keep memory flat. */
const BATCH = 5_000;
/** Findings kept per import; beyond this only counts are kept (a broken template gives one per row). */
export const MAX_STORED_FINDINGS = 50_000;
export const MAX_ROWS = 2_000_000;

// ---- who may see and change an operation -----------------------------------------------------------

/** Drafts and every change need the verb in the operation's country; published data is public reading. */
export async function authoriseOperation(db: Queryable, code: string, principal: Principal, verb: Verb): Promise<q.OperationRow> {
  const operation = await q.operationByCode(db, code);
  if (operation === undefined) throw new AppError('dtm.operation.notFound', { code: code.slice(0, 40) });
  if (principal.kind !== 'anonymous' && can(principal, verb, { countries: [operation.country] })) return operation;
  if (verb === 'dtm.read' && can(principal, 'dtm.read')) return operation;
  throw new AppError(principal.kind === 'anonymous' ? 'auth.required' : 'auth.forbidden', { verb });
}

/** May this principal see unpublished rounds in some country (their answers about operations are their own)? */
export async function seesDraftsAnywhere(db: Queryable, principal: Principal): Promise<boolean> {
  if (principal.kind === 'anonymous') return false;
  return (await q.operations(db)).some((operation) => seesDrafts(principal, operation));
}

/** May this principal see unpublished rounds of the operation? */
export function seesDrafts(principal: Principal, operation: q.OperationRow): boolean {
  return principal.kind !== 'anonymous' && can(principal, 'dtm.read', { countries: [operation.country] });
}

export async function authoriseRound(db: Queryable, roundId: number, principal: Principal, verb: Verb): Promise<{ operation: q.OperationRow; round: q.RoundRow }> {
  const round = await q.roundById(db, roundId);
  const operation = round === undefined ? undefined : await q.operationById(db, round.operation_id);
  if (round === undefined || operation === undefined) throw new AppError('dtm.round.notFound', { round: roundId });
  const readable = round.status === 'published' ? can(principal, 'dtm.read') : seesDrafts(principal, operation);
  if (!readable) throw new AppError('dtm.round.notFound', { round: roundId });
  if (verb !== 'dtm.read' && !(principal.kind !== 'anonymous' && can(principal, verb, { countries: [operation.country] }))) {
    throw new AppError('auth.forbidden', { verb });
  }
  return { operation, round };
}

// ---- views --------------------------------------------------------------------------------------------

export interface OperationView {
  code: string;
  name: string;
  nameFr: string;
  country: string;
  ageRanges: string[];
  householdSize: { min: number; max: number };
  changeThreshold: { pct: number; people: number };
}

export function operationView(row: q.OperationRow): OperationView {
  return {
    code: row.code,
    name: row.name,
    nameFr: row.name_fr,
    country: row.country,
    ageRanges: row.age_ranges,
    householdSize: { min: Number(row.household_size_min), max: Number(row.household_size_max) },
    changeThreshold: { pct: Number(row.change_threshold_pct), people: row.change_threshold_people },
  };
}

export interface RoundView {
  id: number;
  operation: string;
  number: number;
  assessmentType: 'BA' | 'SA';
  referenceDate: string;
  collectionStart: string | null;
  collectionEnd: string | null;
  status: q.RoundStatus;
  validatedBy: string | null;
  validatedAt: string | null;
  publishedBy: string | null;
  publishedAt: string | null;
  version: number;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

export function roundView(row: q.RoundRow, operationCode: string): RoundView {
  return {
    id: row.id,
    operation: operationCode,
    number: row.number,
    assessmentType: row.assessment_type,
    referenceDate: row.reference_date,
    collectionStart: row.collection_start,
    collectionEnd: row.collection_end,
    status: row.status,
    validatedBy: row.validated_by,
    validatedAt: iso(row.validated_at),
    publishedBy: row.published_by,
    publishedAt: iso(row.published_at),
    version: row.version,
  };
}

export async function listRounds(db: Queryable, operation: q.OperationRow, principal: Principal): Promise<RoundView[]> {
  const rounds = await q.roundsOf(db, operation.id);
  const drafts = seesDrafts(principal, operation);
  return rounds.filter((round) => drafts || round.status === 'published').map((round) => roundView(round, operation.code));
}

// ---- uploads and column mapping --------------------------------------------------------------------------

/** What Liptako could read in one column, shown in the mapping step before anything is imported. */
export interface ColumnReport {
  header: string;
  /** Non-empty values among the rows looked at. */
  filled: number;
  /** Of those, how many read as each kind of value (count, pcode, date, settlementType, …). */
  readable: Partial<Record<ValueKind, number>>;
  /** For a column of names: the distinct names and the unit each matched, with its confidence. */
  names: Array<{ value: string; pcode: string | null; name: string | null; confidence: number; level: number }>;
}

export interface SheetView extends Omit<SheetPreview, 'values'> {
  templateKey: string;
  /** The mapping to show: the one confirmed earlier for this template, else Liptako's suggestion. */
  mapping: ColumnMapping;
  mappingConfirmed: boolean;
  missing: RoundField[];
  /** Per column, in the headers' order: how many values Liptako could read as what. */
  columns: ColumnReport[];
}

export interface UploadView {
  id: number;
  fileName: string;
  sha256: string;
  sizeBytes: number;
  format: 'csv' | 'xlsx';
  sheets: SheetView[];
  /** The sheet that looks like the data (most recognised headers); the user may choose another. */
  suggestedSheet: string;
}

/** Name indexes of a country's admin1 and admin2 units, to read names given instead of P-codes. */
async function nameIndexes(db: Queryable, country: string, asOf: string): Promise<{ 1: NameIndex; 2: NameIndex; units: Map<string, KnownUnit> }> {
  const units = await q.unitsOfCountry(db, country, asOf);
  const of = (level: number) => buildNameIndex(units.filter((unit) => unit.level === level).map((unit) => ({ pcode: unit.pcode, names: [unit.name] })));
  return { 1: of(1), 2: of(2), units: new Map(units.map((unit) => [unit.pcode, { level: unit.level, parent: unit.parent_pcode, name: unit.name }])) };
}

const NAMES_SHOWN = 20;

function columnReport(header: string, values: readonly string[], names: { 1: NameIndex; 2: NameIndex } | null): ColumnReport {
  const readable: Partial<Record<ValueKind, number>> = readableCounts(values);
  const matched: ColumnReport['names'] = [];
  if (names !== null && values.length > 0) {
    let confident = 0;
    const distinct = new Map<string, number>();
    for (const value of values) distinct.set(value, (distinct.get(value) ?? 0) + 1);
    // Names are matched once per distinct value: a column of 1,000 rows holds a few dozen names.
    if (distinct.size <= 200) {
      for (const [value, times] of distinct) {
        let best: { pcode: string; name: string; confidence: number; level: number } | null = null;
        for (const level of [1, 2] as const) {
          const [match, second] = matchInIndex(names[level], value, { limit: 2 });
          if (match !== undefined && (best === null || match.confidence > best.confidence)) {
            const tie = second !== undefined && second.confidence >= CONFIDENT;
            best = { pcode: match.pcode, name: match.name, confidence: tie ? Math.min(match.confidence, 0.9) : match.confidence, level };
          }
        }
        if (best !== null && best.confidence >= CONFIDENT) confident += times;
        if (matched.length < NAMES_SHOWN) matched.push({ value, pcode: best?.pcode ?? null, name: best?.name ?? null, confidence: Math.round((best?.confidence ?? 0) * 100) / 100, level: best?.level ?? 0 });
      }
    }
    readable.name = confident;
  }
  return { header, filled: values.length, readable, names: readable.name !== undefined && readable.name > 0 ? matched : [] };
}

async function sheetView(db: Queryable, sheet: SheetPreview, ageRanges: readonly string[], country: string | null): Promise<SheetView> {
  const { values, ...rest } = sheet;
  const key = templateKey(sheet.headers);
  // A mapping confirmed for another country's files is never offered: only this country's.
  const saved = country === null ? undefined : await q.columnMapOf(db, country, key);
  const names = country === null ? null : await nameIndexes(db, country, new Date().toISOString().slice(0, 10));
  const columns = sheet.headers.map((header, index) => columnReport(header, values[index] ?? [], names));
  const mapping = saved ?? suggestMapping(sheet.headers, sheet.hxl, ageRanges, columns);
  return { ...rest, templateKey: key, mapping, mappingConfirmed: saved !== undefined, missing: mappingProblems(mapping, sheet.headers).missing, columns };
}

export interface ReceiveRequest {
  fileName: string;
  actor: Actor;
  operation?: string;
  /** Bytes beyond which the file is refused (413) while it arrives; DTM_IMPORT_LIMIT by default. */
  limit?: number;
}

/**
 * Step 1 of an import: the file is stored part by part as it arrives (never whole in memory),
 * then read enough to show its sheets, headers, HXL row and a few rows. A file that cannot be
 * read, is too large or does not arrive whole is refused and nothing of it is kept.
 */
export async function receiveRoundFile(db: Queryable, body: AsyncIterable<Buffer | string> | Iterable<Buffer>, request: ReceiveRequest): Promise<UploadView> {
  await q.dropStaleUploads(db);
  // The operation is checked before a byte is stored: an upload for a country outside the
  // caller's scope is refused whole.
  const operation = request.operation === undefined ? undefined : await authoriseOperation(db, request.operation, request.actor.principal, 'dtm.import');
  const id = await q.beginUpload(db, { fileName: request.fileName, actor: actorName(request.actor), operationId: operation?.id ?? null });
  try {
    const received = await readInParts(body as AsyncIterable<Buffer | string>, {
      partBytes: q.UPLOAD_PART_BYTES,
      limit: request.limit ?? DTM_IMPORT_LIMIT,
      onPart: (part, bytes) => q.storeUploadPart(db, id, part, bytes),
    });
    const preview = await previewReceived(db, id, received, request.fileName);
    const ageRanges = operation?.age_ranges ?? DEFAULT_AGE_RANGES;
    const sheets = await Promise.all(preview.sheets.map((sheet) => sheetView(db, sheet, ageRanges, operation?.country ?? null)));
    // The upload exists for others (import, retry) only once this commits, with its row.
    await audited(
      db,
      request.actor,
      (tx) => q.completeUpload(tx, id, received),
      () => ({ action: 'dtm.upload', objectType: 'dtm-upload', objectId: id, summary: { file: request.fileName, bytes: received.sizeBytes, format: preview.format, operation: operation?.code ?? null } }),
    );
    return { id, fileName: request.fileName, sha256: received.sha256, sizeBytes: received.sizeBytes, format: preview.format, sheets, suggestedSheet: preview.suggestedSheet };
  } catch (error) {
    // If even this fails (database gone), the sweep of stale uploads drops it later.
    await q.dropUpload(db, id).catch(() => undefined);
    throw error;
  }
}

/** The same as receiveRoundFile, for bytes already in memory (demo data, benchmarks). */
export async function uploadRoundFile(db: Queryable, request: ReceiveRequest & { bytes: Uint8Array }): Promise<UploadView> {
  const { bytes, ...rest } = request;
  return receiveRoundFile(db, [Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)], rest);
}

const UTF16_BOMS = [
  [0xff, 0xfe],
  [0xfe, 0xff],
];

/**
 * The preview of a received file. A CSV is previewed from its first part, cut after its last
 * line feed (no row or character cut in two), with the row count and the NUL check taken from
 * the whole stream. A workbook is read from its end (the zip directory) and UTF-16 text is
 * decoded whole: those two are assembled from their parts, one copy, as their import does.
 */
async function previewReceived(db: Queryable, id: number, received: ReceivedBody, fileName: string): Promise<FilePreview> {
  if (received.parts <= 1) return previewRoundFile(received.head, fileName);
  const head = received.head;
  const utf16 = UTF16_BOMS.some((bom) => bom.every((byte, index) => head[index] === byte));
  if (detectFormat(head, fileName) === 'xlsx' || utf16) {
    return previewRoundFile(await q.uploadBytes(db, { id, size_bytes: received.sizeBytes, parts: received.parts }), fileName);
  }
  if (received.hasNul) throw new AppError('import.notText', { format: 'binary' });
  const cut = head.lastIndexOf(0x0a);
  const lines = received.lineFeeds + (received.endsWithLineFeed ? 0 : 1);
  return previewRoundFile(cut > 0 ? head.subarray(0, cut + 1) : head, fileName, { lines });
}

/**
 * The mapping step again for one sheet of a kept upload, read from the header row the user
 * chose (title rows or notes above the header that Liptako took for it).
 */
export async function previewUpload(
  db: Queryable,
  uploadId: number,
  actor: Actor,
  request: { sheet?: string | null; headerRow?: number | null; operation?: string },
): Promise<SheetView> {
  const { upload, operation: uploadOperation } = await usableUpload(db, uploadId, actor);
  const operation = uploadOperation ?? (request.operation === undefined ? undefined : await authoriseOperation(db, request.operation, actor.principal, 'dtm.import'));
  const bytes = await q.uploadBytes(db, upload);
  const preview = await previewRoundFile(bytes, upload.file_name, { sheet: request.sheet ?? null, headerRow: request.headerRow ?? null });
  const sheet = preview.sheets.find((candidate) => candidate.name === preview.suggestedSheet) ?? preview.sheets[0]!;
  return sheetView(db, sheet, operation?.age_ranges ?? DEFAULT_AGE_RANGES, operation?.country ?? null);
}

/**
 * An upload the caller may preview or import: one sent for an operation they may import into,
 * or one sent without an operation by themselves. Any other answers 404, as a missing one does
 * (upload ids are sequential: a 403 would confirm that the file exists).
 */
async function usableUpload(db: Queryable, uploadId: number, actor: Actor): Promise<{ upload: q.UploadRow; operation: q.OperationRow | undefined }> {
  const upload = await q.uploadById(db, uploadId);
  const principal = actor.principal;
  if (upload !== undefined && principal.kind !== 'anonymous') {
    if (upload.operation_id === null) {
      if (upload.created_by === actorName(actor)) return { upload, operation: undefined };
    } else {
      const operation = await q.operationById(db, upload.operation_id);
      if (operation !== undefined && can(principal, 'dtm.import', { countries: [operation.country] })) return { upload, operation };
    }
  }
  throw new AppError('dtm.upload.notFound', { id: uploadId });
}

// ---- import ---------------------------------------------------------------------------------------------

export interface ImportTarget {
  operation: string;
  roundNumber: number;
  assessmentType: 'BA' | 'SA';
  referenceDate: string;
  collectionStart?: string | null;
  collectionEnd?: string | null;
  sheet?: string | null;
  /** The header row the user chose (1-based); found from the headers and the HXL row otherwise. */
  headerRow?: number | null;
  /** The confirmed mapping; saved for the file's template so next round's file needs no confirmation. */
  mapping?: ColumnMapping;
}

export interface ImportResult {
  [key: string]: unknown;
  importId: number | null;
  roundId: number;
  operation: string;
  roundNumber: number;
  assessmentType: 'BA' | 'SA';
  fileName: string;
  alreadyImported: boolean;
  rowsRead: number;
  rowsStored: number;
  errors: number;
  warnings: number;
  byRule: Record<string, number>;
  findingsTruncated: boolean;
  /** null when the country has no admin2 boundaries: coordinates were not checked (absent on a repeat import). */
  boundaryCheck?: BoundaryCheck | null;
  /** Figures stored per population group: a row may carry several groups. */
  figuresByGroup?: Record<string, { figures: number; individuals: number }>;
  /** Columns of the file left unmapped, with how many non-empty values each held. */
  unmappedColumns?: Array<{ column: string; filled: number }>;
}

export type ProgressListener = (phase: 'reading' | 'storing' | 'checking', done: number, total: number | null) => void;

export interface StartImportOptions {
  /** Who imports: the scope is theirs, and the job, the import and the round are recorded under their name. */
  actor: Actor;
  /** true for HTTP: the job runs after the response; false for the CLI and tests: it is awaited. */
  background: boolean;
  onProgress?: ProgressListener;
  /** Called when a background job ends badly (logging). */
  onBackgroundError?: (error: unknown) => void;
  /** The job this one runs again (set by retryImport). */
  retryOf?: number;
}

function checkTarget(target: ImportTarget): void {
  if (target.collectionStart && target.collectionEnd && target.collectionEnd < target.collectionStart) {
    throw new AppError('dtm.round.badPeriod', { start: target.collectionStart, end: target.collectionEnd });
  }
}

/** Step 2: starts the import of an upload into a round, as a job. */
export async function startImport(db: Queryable, uploadId: number, target: ImportTarget, options: StartImportOptions): Promise<jobs.JobView> {
  checkTarget(target);
  const operation = await authoriseOperation(db, target.operation, options.actor.principal, 'dtm.import');
  const { upload } = await usableUpload(db, uploadId, options.actor);
  // A file sent for one operation is not imported into another (another country's, above all).
  if (upload.operation_id !== null && upload.operation_id !== operation.id) throw new AppError('dtm.upload.notFound', { id: uploadId });
  const existing = await q.findRound(db, operation.id, target.roundNumber, target.assessmentType);
  if (existing !== undefined && existing.status !== 'draft') {
    throw new AppError('dtm.round.notDraft', { number: existing.number, type: existing.assessment_type, operation: operation.name, status: existing.status });
  }
  // The mapping is settled before the job starts, so a wrong one is a 422 now, not a failed job later.
  const bytes = await q.uploadBytes(db, upload);
  const table = await openSheet(bytes, upload.file_name, target.sheet ?? null, target.headerRow ?? null);
  await table.rows.return(undefined);
  const mapping = await settleMapping(db, operation.country, table.headers, table.hxl, target.mapping, operation.age_ranges);
  // The sheet and header row are settled too, so the job reads exactly what the user saw.
  const settled = { ...target, mapping, sheet: table.sheet === 'CSV' ? null : table.sheet, headerRow: table.headerRow };
  const input = { uploadId, target: settled, fileName: upload.file_name };
  const by = actorName(options.actor);
  const jobId = await audited(
    db,
    options.actor,
    async (tx) => {
      const id = await jobs.createJob(tx, IMPORT_JOB, input, by);
      if (target.mapping !== undefined) await q.saveColumnMap(tx, operation.country, templateKey(table.headers), table.headers, mapping, by);
      return id;
    },
    (id) => ({
      action: options.retryOf === undefined ? 'dtm.import.start' : 'dtm.import.retry',
      objectType: 'dtm-import-job',
      objectId: id,
      summary: { upload: uploadId, operation: operation.code, round: target.roundNumber, type: target.assessmentType, ...(options.retryOf === undefined ? {} : { retryOf: options.retryOf }) },
    }),
  );
  // Claimed before it runs: of several processes on one database, only one ever runs a job.
  if (!(await jobs.claimJob(db, jobId))) return (await jobs.getJob(db, jobId))!;
  // The job outlives the request that started it: its statements wait for their turn as long as
  // it takes, and its heartbeat tells the other processes it is alive.
  const work = withoutWaitLimit(() => jobs.withHeartbeat(db, jobId, () => runImport(db, jobId, upload, bytes, operation, settled, options)));
  if (options.background) {
    work.catch((error: unknown) => options.onBackgroundError?.(error));
  } else {
    await work;
  }
  return (await jobs.getJob(db, jobId))!;
}

/** Runs a failed or interrupted import job again, from its kept upload. */
export async function retryImport(db: Queryable, jobId: number, options: StartImportOptions): Promise<jobs.JobView> {
  const job = await jobs.getJob(db, jobId);
  if (job === undefined || job.kind !== IMPORT_JOB || !(await jobInScope(db, options.actor.principal, job))) throw new AppError('dtm.job.notFound', { id: jobId });
  if (job.status !== 'failed' && job.status !== 'interrupted') throw new AppError('dtm.job.notRetryable', { id: jobId, status: job.status });
  const input = job.input as { uploadId: number; target: ImportTarget };
  return startImport(db, input.uploadId, input.target, { ...options, retryOf: jobId });
}

async function openSheet(bytes: Uint8Array, fileName: string, sheet: string | null, headerRow: number | null) {
  const format = detectFormat(bytes, fileName);
  let name = sheet;
  if (format === 'xlsx') {
    const visible = await visibleSheets(bytes);
    if (name !== null && !visible.includes(name)) throw new AppError('dtm.import.sheetNotFound', { sheet: name.slice(0, 80), sheets: visible.join(', ') });
    // No sheet named: the one that looks like the data, never just the first (a "read me" sheet).
    if (name === null) name = (await previewRoundFile(bytes, fileName)).suggestedSheet;
  }
  const table = await openTable(readRows(bytes, format, format === 'xlsx' ? name : null), { headerRow });
  if (table === null) {
    if (headerRow !== null) throw new AppError('dtm.import.headerRowEmpty', { row: headerRow });
    if (format === 'xlsx' && name !== null) {
      const preview = await previewRoundFile(bytes, fileName);
      throw new AppError('dtm.import.sheetNotFound', { sheet: name.slice(0, 80), sheets: preview.sheets.map((s) => s.name).join(', ') });
    }
    throw new AppError('import.empty');
  }
  return table;
}

async function settleMapping(
  db: Queryable,
  country: string,
  headers: readonly string[],
  hxl: readonly string[] | null,
  given: ColumnMapping | undefined,
  ageRanges: readonly string[],
): Promise<ColumnMapping> {
  const mapping = given ?? (await q.columnMapOf(db, country, templateKey(headers))) ?? suggestMapping(headers, hxl, ageRanges);
  const problems = mappingProblems(mapping, headers);
  if (problems.unknownHeaders.length > 0) throw new AppError('dtm.import.mappingUnknownHeader', { headers: problems.unknownHeaders.slice(0, 10).join(', ') });
  if (problems.missing.length > 0 || problems.duplicated.length > 0) {
    throw new AppError(
      given === undefined ? 'dtm.import.mappingUnconfirmed' : 'dtm.import.mappingIncomplete',
      {
        missing: problems.missing.join(', ') || '—',
        duplicated: problems.duplicated.length > 0 ? `(${problems.duplicated.join(', ')} ×2)` : '',
        unmapped: headers.filter((header) => !mapping[header]).slice(0, 20).join(', ') || '—',
      },
      { details: { mapping, missing: problems.missing, duplicated: problems.duplicated } },
    );
  }
  // Headers absent from the mapping are ignored columns.
  return Object.fromEntries(headers.map((header) => [header, mapping[header] ?? null]));
}

/** What the "coordinates outside the admin unit" check could rely on, for the import report. */
export interface BoundaryCheck {
  /** Start of the boundary version used (YYYY-MM-DD): the latest start among its units. */
  version: string;
  /** The round is dated before the geography's first version: its earliest boundaries stood in, as for units. */
  earliestVersion: boolean;
  /** Admin2 units with a boundary. */
  boundaries: number;
  /** Rows with coordinates checked against their admin2 boundary. */
  checked: number;
  /** Rows with coordinates whose admin2 has no boundary: not checked. */
  unchecked: number;
}

async function roundRules(db: Queryable, operation: q.OperationRow, target: ImportTarget): Promise<{ rules: RoundRules; boundaryCheck: BoundaryCheck | null }> {
  const { units, ...names } = await nameIndexes(db, operation.country, target.referenceDate);
  // Rings are tested in the plane with the even-odd rule, so files of either orientation (and
  // geometries stored before rings were normalised) give the same answer; see geo/rings.ts.
  const shapes = new Map<string, { geometry: AreaGeometry; bbox: [number, number, number, number] }>();
  let boundaryCheck: BoundaryCheck | null = null;
  for (const row of await q.boundariesOfCountry(db, operation.country, 2, target.referenceDate)) {
    if (row.geometry.type !== 'Polygon' && row.geometry.type !== 'MultiPolygon') continue;
    shapes.set(row.pcode, { geometry: row.geometry, bbox: bboxOf(row.geometry) });
    boundaryCheck ??= { version: row.valid_from, earliestVersion: row.earliest, boundaries: 0, checked: 0, unchecked: 0 };
    if (row.valid_from > boundaryCheck.version) boundaryCheck.version = row.valid_from;
  }
  if (boundaryCheck !== null) boundaryCheck.boundaries = shapes.size;
  const check = boundaryCheck;
  const rules: RoundRules = {
    country: operation.country,
    assessmentType: target.assessmentType,
    ageRanges: operation.age_ranges,
    householdSizeMin: Number(operation.household_size_min),
    householdSizeMax: Number(operation.household_size_max),
    collectionStart: target.collectionStart ?? null,
    collectionEnd: target.collectionEnd ?? null,
    units,
    names,
    insideAdmin2:
      check === null
        ? null
        : (admin2, longitude, latitude) => {
            const shape = shapes.get(admin2);
            if (shape === undefined) {
              check.unchecked += 1;
              return null;
            }
            check.checked += 1;
            const [west, south, east, north] = shape.bbox;
            if (longitude < west || longitude > east || latitude < south || latitude > north) return false;
            return containsPoint(shape.geometry, longitude, latitude);
          },
  };
  return { rules, boundaryCheck };
}

async function runImport(
  db: Queryable,
  jobId: number,
  upload: q.UploadRow,
  bytes: Uint8Array,
  operation: q.OperationRow,
  target: ImportTarget & { mapping: ColumnMapping },
  options: StartImportOptions,
): Promise<void> {
  try {
    const existing = await q.findRound(db, operation.id, target.roundNumber, target.assessmentType);
    // An import is the file, the round and the way the file is read: a corrected mapping (or sheet,
    // or header row) is a new import that replaces the draft's figures and findings.
    const same =
      existing === undefined
        ? undefined
        : await q.sameImport(db, existing.id, { sha256: upload.sha256, sheet: target.sheet ?? null, headerRow: target.headerRow ?? 1, mapping: target.mapping });
    if (existing !== undefined && same !== undefined) {
      const result: ImportResult = {
        importId: same.id,
        roundId: existing.id,
        operation: operation.code,
        roundNumber: existing.number,
        assessmentType: existing.assessment_type,
        fileName: same.file_name,
        alreadyImported: true,
        rowsRead: same.rows_read,
        rowsStored: same.rows_stored,
        errors: same.errors,
        warnings: same.warnings,
        byRule: {},
        findingsTruncated: false,
      };
      await jobs.finishJob(db, jobId, result);
      return;
    }

    const { rules, boundaryCheck } = await roundRules(db, operation, target);
    const table = await openSheet(bytes, upload.file_name, target.sheet ?? null, target.headerRow ?? null);
    const columns = columnIndex(table.headers, target.mapping);
    // Nothing in a mapped file is dropped silently: each column left unmapped is counted and reported.
    const unmapped = table.headers.flatMap((header, index) => (target.mapping[header] ? [] : [{ column: header, index, filled: 0 }]));
    const duplicates = new DuplicateCheck();
    const findings: Finding[] = [];
    const byRule: Record<string, number> = {};
    let findingsTruncated = false;
    const note = (issue: Finding): void => {
      byRule[issue.rule] = (byRule[issue.rule] ?? 0) + 1;
      if (findings.length < MAX_STORED_FINDINGS) findings.push(issue);
      else findingsTruncated = true;
    };
    let batch: StagedFigure[] = [];
    let rowsRead = 0;
    let staged = 0;
    const progress = async (phase: 'reading' | 'storing' | 'checking', done: number): Promise<void> => {
      options.onProgress?.(phase, done, phase === 'reading' ? null : staged);
      await jobs.reportProgress(db, jobId, phase, done, phase === 'reading' ? null : staged);
    };
    await progress('reading', 0);
    for await (const rows of table.rows) {
      for (const row of rows) {
        rowsRead += 1;
        if (rowsRead > MAX_ROWS) throw new AppError('dtm.import.tooManyRows', { limit: MAX_ROWS });
        const { figures, findings: rowFindings } = validateRow(row, columns, rules);
        rowFindings.forEach(note);
        for (const figure of figures) {
          const duplicate = duplicates.check(figure, columns.locationCode?.header ?? columns.admin2Pcode?.header ?? null);
          if (duplicate !== null) note(duplicate);
          else batch.push(figure);
        }
        for (const column of unmapped) if (cellText(row.cells[column.index]).trim() !== '') column.filled += 1;
      }
      if (batch.length >= BATCH) {
        await q.stageFigures(db, jobId, batch);
        staged += batch.length;
        batch = [];
        await progress('reading', rowsRead);
      }
    }
    await q.stageFigures(db, jobId, batch);
    staged += batch.length;
    if (rowsRead === 0) throw new AppError('import.empty');
    const errors = Object.entries(byRule).reduce((sum, [rule, count]) => sum + (RULES[rule as keyof typeof RULES] === 'error' ? count : 0), 0);
    if (staged === 0) throw new AppError('dtm.import.noValidRows', { rows: rowsRead, errors }, { details: { byRule, findings: findings.slice(0, 200) } });
    await progress('storing', 0);

    const result = await withVersions((bump) => audited(db, options.actor, async (tx) => {
      await q.preferSetJoins(tx);
      let round = await q.findRound(tx, operation.id, target.roundNumber, target.assessmentType, true);
      const values: q.RoundValues = {
        operationId: operation.id,
        number: target.roundNumber,
        assessmentType: target.assessmentType,
        referenceDate: target.referenceDate,
        collectionStart: target.collectionStart ?? null,
        collectionEnd: target.collectionEnd ?? null,
        actor: actorName(options.actor),
      };
      if (round === undefined) round = await q.insertRound(tx, values);
      else {
        if (round.status !== 'draft') {
          throw new AppError('dtm.round.notDraft', { number: round.number, type: round.assessment_type, operation: operation.name, status: round.status });
        }
        await q.updateRoundDates(tx, round, values);
        await q.clearRound(tx, operation.id, round.id);
      }
      const importId = await q.insertImport(tx, {
        operationId: operation.id,
        roundId: round.id,
        jobId,
        uploadId: upload.id,
        sheet: table.sheet === 'CSV' ? null : table.sheet,
        headerRow: table.headerRow,
        mapping: target.mapping,
        rowsRead,
        actor: actorName(options.actor),
      });
      await q.upsertLocationsFromStage(tx, operation.id, jobId);
      const stored = await q.insertFiguresFromStage(tx, operation.id, round.id, importId, jobId);
      options.onProgress?.('checking', stored, stored);
      await q.insertFindings(tx, operation.id, round.id, importId, findings);
      const previous = await q.previousRound(tx, round);
      if (previous !== undefined) {
        const changes = await q.flagChangesVsPrevious(tx, {
          operationId: operation.id,
          roundId: round.id,
          importId,
          previousRoundId: previous.id,
          previousNumber: previous.number,
          pct: Number(operation.change_threshold_pct),
          people: operation.change_threshold_people,
          column: columns.individuals?.header ?? null,
        });
        if (changes > 0) byRule.changeVsPrevious = changes;
      }
      await q.rebuildSummary(tx, operation.id, round.id);
      // The operations list counts rounds of every status. Bumped last: the row stays locked until commit.
      await bump(tx, [versionKeys.dtmRounds]);
      const warnings = Object.entries(byRule).reduce((sum, [rule, count]) => sum + (RULES[rule as keyof typeof RULES] === 'warning' ? count : 0), 0);
      await q.finishImport(tx, operation.id, importId, { stored, errors, warnings });
      await q.clearStage(tx, [jobId]);
      const outcome: ImportResult = {
        importId,
        roundId: round.id,
        operation: operation.code,
        roundNumber: round.number,
        assessmentType: round.assessment_type,
        fileName: upload.file_name,
        alreadyImported: false,
        rowsRead,
        rowsStored: stored,
        errors,
        warnings,
        byRule,
        findingsTruncated,
        boundaryCheck,
        figuresByGroup: await q.figuresByGroup(tx, operation.id, round.id),
        unmappedColumns: unmapped.map(({ column, filled }) => ({ column, filled })),
      };
      await jobs.finishJob(tx, jobId, outcome);
      // Back to the planner's own choices for whatever else shares this transaction (savepoints in tests).
      await q.restoreJoins(tx);
      return outcome;
    }, (outcome) => ({
      action: 'dtm.round.import',
      objectType: 'dtm-round',
      objectId: outcome.roundId,
      summary: { operation: outcome.operation, number: outcome.roundNumber, type: outcome.assessmentType, job: jobId, import: outcome.importId, rowsStored: outcome.rowsStored, errors: outcome.errors, warnings: outcome.warnings },
    })));
    options.onProgress?.('checking', result.rowsStored, result.rowsStored);
  } catch (error) {
    await q.clearStage(db, [jobId]).catch(() => undefined);
    await jobs.failJob(db, jobId, error).catch(() => undefined);
    throw error;
  }
}

/** At start-up: imports cut short by a crash are marked interrupted and their staged rows swept. */
export async function recoverInterruptedImports(db: Queryable): Promise<number[]> {
  const ids = await jobs.markInterruptedJobs(db);
  await q.clearStage(db, ids);
  return ids;
}

// ---- review and publication -------------------------------------------------------------------------------

export interface IssueView {
  id: number;
  row: number | null;
  column: string | null;
  value: string | null;
  rule: string;
  severity: 'error' | 'warning';
  params: Record<string, string | number>;
  location: { id: number; code: string | null; name: string | null } | null;
  figureId: number | null;
  status: 'open' | 'accepted' | 'fixed' | 'excluded';
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
}

export function issueView(row: q.IssueRow): IssueView {
  return {
    id: row.id,
    row: row.source_row,
    column: row.column_name,
    value: row.value,
    rule: row.rule,
    severity: row.severity,
    params: row.params,
    location: row.location_id === null ? null : { id: row.location_id, code: row.location_code, name: row.location_name },
    figureId: row.figure_id,
    status: row.status,
    decidedBy: row.decided_by,
    decidedAt: iso(row.decided_at),
    comment: row.comment,
  };
}

export interface QualityReport {
  round: RoundView;
  imports: Array<{ id: number; fileName: string; sha256: string; rowsRead: number; rowsStored: number; errors: number; warnings: number; superseded: boolean; createdBy: string; createdAt: string }>;
  counts: Array<{ rule: string; severity: 'error' | 'warning'; status: string; count: number }>;
  openErrors: number;
  openWarnings: number;
  canPublish: boolean;
}

export async function qualityReport(db: Queryable, operation: q.OperationRow, round: q.RoundRow): Promise<QualityReport> {
  const counts = await q.issueCounts(db, round);
  const imports = await q.importsOfRound(db, round.id);
  const open = (severity: 'error' | 'warning'): number =>
    counts.filter((count) => count.severity === severity && count.status === 'open').reduce((sum, count) => sum + count.count, 0);
  return {
    round: roundView(round, operation.code),
    imports: imports.map((row) => ({
      id: row.id,
      fileName: row.file_name,
      sha256: row.sha256,
      rowsRead: row.rows_read,
      rowsStored: row.rows_stored,
      errors: row.errors,
      warnings: row.warnings,
      superseded: row.superseded,
      createdBy: row.created_by,
      createdAt: iso(row.created_at)!,
    })),
    counts,
    openErrors: open('error'),
    openWarnings: open('warning'),
    canPublish: open('error') === 0 && open('warning') === 0 && imports.some((row) => !row.superseded),
  };
}

export interface Decision {
  ids: number[];
  decision: 'accepted' | 'fixed' | 'excluded';
  comment?: string | null;
  /** For `fixed`: corrected values of the figure (households, individuals, females, males, f1…m5). */
  values?: Partial<Record<q.FixableColumn, number | null>>;
}

/**
 * A reviewer's decision on findings. Warnings are accepted (the value stands) or fixed (the
 * figure is corrected in place); errors are excluded (the row stays out of the round). The round
 * must still be a draft: publishing freezes its review.
 */
export async function decide(db: Queryable, actor: Actor, operation: q.OperationRow, roundId: number, decision: Decision): Promise<number> {
  return audited(db, actor, async (tx) => {
    const round = await q.roundById(tx, roundId, true);
    if (round === undefined) throw new AppError('dtm.round.notFound', { round: roundId });
    if (round.status !== 'draft') throw new AppError('dtm.round.badTransition', { from: round.status, to: 'draft' });
    let fixedFigures = false;
    for (const id of decision.ids) {
      const issue = await q.issueById(tx, round, id);
      if (issue === undefined) throw new AppError('dtm.issue.notFound', { id });
      const allowed = issue.severity === 'error' ? decision.decision === 'excluded' : decision.decision !== 'excluded';
      if (!allowed) throw new AppError('dtm.issue.badDecision', { severity: issue.severity, decision: decision.decision });
      if (decision.decision === 'fixed') {
        if (issue.figure_id === null || decision.values === undefined || Object.keys(decision.values).length === 0) {
          throw new AppError('dtm.issue.fixNeedsValue', { column: issue.column_name ?? '—' });
        }
        const current = await q.figureById(tx, round, issue.figure_id);
        const next = { ...current!, ...decision.values };
        if (next.individuals === null || next.individuals === undefined) throw new AppError('dtm.issue.fixNeedsValue', { column: 'individuals' });
        const parts = (next.females ?? 0) + (next.males ?? 0);
        if (parts > next.individuals || (next.households ?? 0) > next.individuals) {
          throw new AppError('value.rejected', {}, { details: { rule: 'partsAboveTotal', parts, total: next.individuals } });
        }
        await q.fixFigure(tx, round, issue.figure_id, decision.values);
        fixedFigures = true;
      }
    }
    const decided = await q.decideIssues(tx, round, decision.ids, { status: decision.decision, actor: actorName(actor), comment: decision.comment ?? null });
    if (fixedFigures) await q.rebuildSummary(tx, operation.id, round.id);
    return decided;
  }, (decided) => ({ action: 'dtm.round.review', objectType: 'dtm-round', objectId: roundId, summary: { operation: operation.code, decision: decision.decision, findings: decided } }));
}

const TRANSITIONS: Record<q.RoundStatus, readonly q.RoundStatus[]> = {
  draft: ['validated', 'published'],
  validated: ['published', 'draft'],
  published: [],
};

/** draft → validated → published. Validating and publishing need every finding decided. */
/** Round actions in the audit log, by the status reached. */
const STATUS_ACTIONS: Record<q.RoundStatus, string> = { draft: 'dtm.round.reopen', validated: 'dtm.round.validate', published: 'dtm.round.publish' };

export async function changeRoundStatus(db: Queryable, actor: Actor, operation: q.OperationRow, roundId: number, status: q.RoundStatus): Promise<RoundView> {
  const by = actorName(actor);
  return withVersions((bump) => audited(db, actor, async (tx) => {
    const round = await q.roundById(tx, roundId, true);
    if (round === undefined) throw new AppError('dtm.round.notFound', { round: roundId });
    // Dashboards and public APIs of this operation and its country answer differently from now on.
    await bump(tx, [versionKeys.dtmOperation(operation.code), versionKeys.dtmCountry(operation.country), versionKeys.dtmRounds]);
    if (!TRANSITIONS[round.status].includes(status)) throw new AppError('dtm.round.badTransition', { from: round.status, to: status });
    if (status !== 'draft') {
      if (!(await q.roundHasFigures(tx, round))) throw new AppError('dtm.round.empty');
      const report = await qualityReport(tx, operation, round);
      if (report.openErrors > 0 || report.openWarnings > 0) {
        throw new AppError('dtm.round.openIssues', { action: status, errors: report.openErrors, warnings: report.openWarnings });
      }
    }
    if (status === 'published' && round.status === 'draft') await q.setRoundStatus(tx, round, 'validated', by);
    await q.setRoundStatus(tx, round, status, by);
    return roundView((await q.roundById(tx, roundId))!, operation.code);
  }, (round) => ({ action: STATUS_ACTIONS[status], objectType: 'dtm-round', objectId: round.id, summary: { operation: operation.code, number: round.number, type: round.assessmentType, status: round.status } })));
}

// ---- what the routes read through the service (routes never import queries) ------------------------------

/** The figure columns a reviewer may fix by hand (the decision body's schema lists them). */
export const FIXABLE_COLUMNS = q.FIXABLE_COLUMNS;

/**
 * A page of a round's findings, filtered; the caller has authorised the round. Findings carry the
 * file's own cells (names, figures of people), so each page read is in the audit log.
 */
export async function roundIssues(db: Queryable, actor: Actor, round: q.RoundRow, filters: q.IssueFilters): Promise<{ total: number; issues: q.IssueRow[] }> {
  return audited(
    db,
    actor,
    (tx) => q.issuesOf(tx, round, filters),
    (page) => ({ action: 'dtm.findings.read', objectType: 'dtm-round', objectId: round.id, summary: { filters, shown: page.issues.length, total: page.total } }),
  );
}

/** Findings a job carries when it failed on them (raw cells of the file): how many. */
function findingsIn(job: jobs.JobView): number {
  const details = job.error?.details as { findings?: unknown } | undefined;
  return Array.isArray(details?.findings) ? details.findings.length : 0;
}

/**
 * An import job, as the web app polls it. Polls of a running job are not audited (they carry
 * counts only); a job that failed on its findings returns cells of the file, and that read is.
 */
export async function importJob(db: Queryable, actor: Actor, id: number): Promise<jobs.JobView> {
  const job = await jobs.getJob(db, id);
  if (job === undefined || job.kind !== IMPORT_JOB || !(await jobInScope(db, actor.principal, job))) throw new AppError('dtm.job.notFound', { id });
  const findings = findingsIn(job);
  if (findings === 0) return job;
  return audited(db, actor, () => Promise.resolve(job), () => ({ action: 'dtm.findings.read', objectType: 'dtm-import-job', objectId: id, summary: { findings } }));
}

/**
 * What the server log keeps of a failed import: the catalogue code, its parameters and how many
 * findings it carried, never the findings themselves (cells of the file, which the log's readers
 * may not be allowed to see).
 */
export function importFailureForLog(error: unknown): Record<string, unknown> {
  if (error instanceof AppError) {
    const findings = (error.details as { findings?: unknown } | undefined)?.findings;
    return { code: error.code, params: error.params, findings: Array.isArray(findings) ? findings.length : 0 };
  }
  // An unexpected error's message can quote a cell (a database error on a value): its name and
  // SQLSTATE only; the job row keeps the reference the user is given.
  const sqlstate = (error as { code?: unknown } | null)?.code;
  return { error: error instanceof Error ? error.name : typeof error, ...(typeof sqlstate === 'string' ? { sqlstate } : {}) };
}

/** The operation an import job was started for (its input's target). */
async function operationOfJob(db: Queryable, job: jobs.JobView): Promise<q.OperationRow | undefined> {
  const code = (job.input as { target?: { operation?: unknown } }).target?.operation;
  return typeof code === 'string' ? q.operationByCode(db, code) : undefined;
}

/** May this principal see (and retry) the job: may they import into its operation's country? */
async function jobInScope(db: Queryable, principal: Principal, job: jobs.JobView): Promise<boolean> {
  const operation = await operationOfJob(db, job);
  return operation !== undefined && principal.kind !== 'anonymous' && can(principal, 'dtm.import', { countries: [operation.country] });
}

/** The newest import jobs this principal may see: those of the operations they may import into. */
async function jobsInScope(db: Queryable, principal: Principal, limit: number): Promise<jobs.JobView[]> {
  if (principal.kind === 'anonymous') return [];
  const codes = (await q.operations(db)).filter((operation) => can(principal, 'dtm.import', { countries: [operation.country] })).map((operation) => operation.code);
  return codes.length === 0 ? [] : jobs.listJobs(db, IMPORT_JOB, limit, { path: ['target', 'operation'], values: codes });
}

/** Recent import jobs; audited as `importJob` is, one row for the list, when any carries findings. */
export async function importJobs(db: Queryable, actor: Actor, limit: number): Promise<jobs.JobView[]> {
  const list = await jobsInScope(db, actor.principal, limit);
  const withFindings = list.filter((job) => findingsIn(job) > 0).map((job) => job.id);
  if (withFindings.length === 0) return list;
  return audited(db, actor, () => Promise.resolve(list), () => ({ action: 'dtm.findings.read', objectType: 'dtm-import-job', summary: { jobs: withFindings } }));
}

/** The quality report of a round as it stands now (after decisions changed it). */
export async function currentQualityReport(db: Queryable, operation: q.OperationRow, roundId: number): Promise<QualityReport> {
  const round = await q.roundById(db, roundId);
  if (round === undefined) throw new AppError('dtm.round.notFound', { round: roundId });
  return qualityReport(db, operation, round);
}
