/**
 * Steps 1 and 2 of a DTM import: the round file stored part by part as it arrives, for an
 * operation the caller may import into (or for its sender alone), and the mapping step: sheets,
 * header row, what each column's values read as, the suggested or this country's saved mapping.
 */
import { actorName, audited, type Actor } from '../access/audit.js';
import { can } from '../access/verbs.js';
import { type Queryable } from '../core/db.js';
import { DEFAULT_UPLOADS } from '../core/config.js';
import { AppError } from '../core/errors.js';
import * as files from '../core/file-uploads.js';
import { buildNameIndex, CONFIDENT, matchInIndex, type NameIndex } from '../geo/names.js';
import { readableCounts } from './values.js';
import { headerScore, mappingProblems, suggestMapping, templateKey, type ColumnMapping } from './fields.js';
import { DEFAULT_AGE_RANGES, type RoundField, type ValueKind } from '../shared/displacement.js';
import * as q from './queries.js';
import { previewTableFile, type SheetPreview } from '../core/table-files.js';
import { type KnownUnit } from './validate.js';
import { authoriseOperation } from './service.js';

/** Largest round file accepted (core/config.ts): a million-row CSV is ~150 MB; beyond, split by region. */
export const DTM_IMPORT_LIMIT = DEFAULT_UPLOADS.dtmFileLimit;

export const IMPORT_JOB = 'dtm-import';
/** Rows per staged batch: large enough to amortise a statement, small enough to keep memory flat. */
export const BATCH = 5_000;
/** Findings kept per import; beyond this only counts are kept (a broken template gives one per row). */
export const MAX_STORED_FINDINGS = 50_000;
export const MAX_ROWS = 2_000_000;

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
export async function nameIndexes(db: Queryable, country: string, asOf: string): Promise<{ 1: NameIndex; 2: NameIndex; units: Map<string, KnownUnit> }> {
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
  await files.dropStaleFileUploads(db, q.UPLOAD_MODULE, q.UPLOAD_USED_BY);
  // The operation is checked before a byte is stored: an upload for a country outside the
  // caller's scope is refused whole.
  const operation = request.operation === undefined ? undefined : await authoriseOperation(db, request.operation, request.actor.principal, 'dtm.import');
  let sheets: SheetView[] = [];
  // `for await` reads a plain list of buffers (demo data, benchmarks) as it reads a request body.
  const { uploadId, received, preview } = await files.receiveAndRecord(
    db,
    body as AsyncIterable<Buffer | string>,
    { module: q.UPLOAD_MODULE, fileName: request.fileName, by: actorName(request.actor), scope: q.uploadScope(operation?.id ?? null), limit: request.limit ?? DTM_IMPORT_LIMIT, headerScore },
    async (complete, file) => {
      const ageRanges = operation?.age_ranges ?? DEFAULT_AGE_RANGES;
      sheets = await Promise.all(file.preview.sheets.map((sheet) => sheetView(db, sheet, ageRanges, operation?.country ?? null)));
      // The upload exists for others (import, retry) only once this commits, with its row.
      await audited(db, request.actor, complete, () => ({
        action: 'dtm.upload',
        objectType: 'dtm-upload',
        objectId: file.uploadId,
        summary: { file: request.fileName, bytes: file.received.sizeBytes, format: file.preview.format, operation: operation?.code ?? null },
      }));
    },
  );
  return { id: uploadId, fileName: request.fileName, sha256: received.sha256, sizeBytes: received.sizeBytes, format: preview.format, sheets, suggestedSheet: preview.suggestedSheet };
}

/** The same as receiveRoundFile, for bytes already in memory (demo data, benchmarks). */
export async function uploadRoundFile(db: Queryable, request: ReceiveRequest & { bytes: Uint8Array }): Promise<UploadView> {
  const { bytes, ...rest } = request;
  return receiveRoundFile(db, [Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)], rest);
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
  const bytes = await files.fileUploadBytes(db, upload);
  const preview = await previewTableFile(bytes, upload.file_name, { sheet: request.sheet ?? null, headerRow: request.headerRow ?? null, headerScore });
  const sheet = preview.sheets.find((candidate) => candidate.name === preview.suggestedSheet) ?? preview.sheets[0]!;
  return sheetView(db, sheet, operation?.age_ranges ?? DEFAULT_AGE_RANGES, operation?.country ?? null);
}

/**
 * An upload the caller may preview or import: one sent for an operation they may import into,
 * or one sent without an operation by themselves. Any other answers 404, as a missing one does
 * (upload ids are sequential: a 403 would confirm that the file exists).
 */
export async function usableUpload(db: Queryable, uploadId: number, actor: Actor): Promise<{ upload: q.UploadRow; operation: q.OperationRow | undefined }> {
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
