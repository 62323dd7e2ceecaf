/**
 * The generic upload store (migrations/0017): a file written part by part as it arrives
 * (readInParts), owned by the module it was sent to and by its sender, read back whole when a
 * module imports it. And the preview of a received file that every import shares: a CSV from its
 * first part, a workbook or UTF-16 text from its assembled bytes. Every module's uploads live here
 * (DTM's moved in with migrations/0025): one store, one way to read a file back, one retention rule.
 */
import type { Queryable } from './db.js';
import { AppError } from './errors.js';
import { detectFormat, previewTableFile, type FilePreview, type HeaderScore } from './table-files.js';
import { readInParts, type ReceivedBody } from './uploads.js';

/**
 * Parts of 1 MB. An upload holds one part in memory while it is written (with its base64 text
 * and the database's copy of it), and four uploads at once must stay well under 400 MB of
 * server memory (bench/uploads.ts); parts of 8 MB took PGlite's memory ~200 MB higher. Parts
 * may differ in size (DTM's older uploads have 8 MB ones): they are read back in order.
 */
export const FILE_PART_BYTES = 1024 * 1024;

export interface FileUploadRow {
  id: number;
  module: string;
  file_name: string;
  sha256: string;
  size_bytes: number;
  parts: number;
  scope: string | null;
  created_by: string;
}

/** Starts an upload; each part is its own statement (one transaction would hold PGlite's only connection for the whole transfer). */
async function beginUpload(db: Queryable, upload: { module: string; fileName: string; scope: string | null; by: string }): Promise<number> {
  const [row] = await db.query<{ id: number }>('INSERT INTO file_upload (module, file_name, scope, created_by) VALUES ($1, $2, $3, $4) RETURNING id::int AS id', [
    upload.module,
    upload.fileName,
    upload.scope,
    upload.by,
  ]);
  return row!.id;
}

async function storePart(db: Queryable, uploadId: number, part: number, bytes: Buffer): Promise<void> {
  // PostgreSQL takes the bytes as a binary parameter: base64 text made here and decoded there cost
  // 2.5 s of a 35 MB upload's 2.95 s (docs/scaling.md), the binary parameter about a third of that.
  if (db.kind === 'postgres') {
    await db.query('INSERT INTO file_upload_part (upload_id, part, bytes) VALUES ($1, $2, $3)', [uploadId, part, bytes]);
    return;
  }
  // Base64 text decoded by the server: PGlite's bytea parameters take a slow per-byte path.
  await db.query("INSERT INTO file_upload_part (upload_id, part, bytes) VALUES ($1, $2, decode($3, 'base64'))", [uploadId, part, bytes.toString('base64')]);
}

/** Marks an upload complete: from now on imports may read it. Meant for the module's audited transaction. */
export async function completeFileUpload(db: Queryable, uploadId: number, received: Pick<ReceivedBody, 'sha256' | 'sizeBytes' | 'parts'>): Promise<void> {
  await db.query('UPDATE file_upload SET sha256 = $2, size_bytes = $3, parts = $4, complete = true WHERE id = $1 AND NOT complete', [
    uploadId,
    received.sha256,
    received.sizeBytes,
    received.parts,
  ]);
}

/** Drops an upload that did not arrive whole or was refused (its parts go with it). */
export async function dropFileUpload(db: Queryable, uploadId: number): Promise<void> {
  await db.query('DELETE FROM file_upload WHERE id = $1 AND NOT complete', [uploadId]);
}

/** A complete upload of `module`, or undefined. */
export async function fileUploadById(db: Queryable, module: string, id: number): Promise<FileUploadRow | undefined> {
  const [row] = await db.query<FileUploadRow>(
    'SELECT id::int AS id, module, file_name, sha256, size_bytes, parts, scope, created_by FROM file_upload WHERE id = $1 AND module = $2 AND complete',
    [id, module],
  );
  return row;
}

/** The uploaded file, assembled part by part into one buffer (its only copy in memory). */
export async function fileUploadBytes(db: Queryable, upload: Pick<FileUploadRow, 'id' | 'size_bytes' | 'parts'>): Promise<Uint8Array> {
  const bytes = Buffer.allocUnsafe(Number(upload.size_bytes));
  let offset = 0;
  for await (const piece of fileUploadPieces(db, upload)) offset += Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength).copy(bytes, offset);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, offset);
}

/** The uploaded file part by part, in order: two parts in memory at most, the one read and the next (a CSV is read this way, never whole). */
export async function* fileUploadPieces(db: Queryable, upload: Pick<FileUploadRow, 'id' | 'parts'>): AsyncGenerator<Uint8Array> {
  const read = async (part: number): Promise<Uint8Array> => {
    const [row] = await db.query<{ bytes: string }>("SELECT encode(bytes, 'base64') AS bytes FROM file_upload_part WHERE upload_id = $1 AND part = $2", [upload.id, part]);
    return Buffer.from(row!.bytes, 'base64');
  };
  // The next part is asked for while this one is read: one part ahead, never more.
  let next = upload.parts > 0 ? read(0) : null;
  for (let part = 0; part < upload.parts; part += 1) {
    const current = next!;
    if (part + 1 < upload.parts) {
      next = read(part + 1);
      // A reader that stops early leaves it unread: its failure then concerns no one.
      next.catch(() => undefined);
    }
    yield await current;
  }
}

/** The first bytes of the upload (its format shows there): empty for an empty file. */
export async function fileUploadHead(db: Queryable, upload: Pick<FileUploadRow, 'id'>): Promise<Uint8Array> {
  const [row] = await db.query<{ bytes: string }>("SELECT encode(substring(bytes from 1 for 16), 'base64') AS bytes FROM file_upload_part WHERE upload_id = $1 AND part = 0", [upload.id]);
  return row === undefined ? new Uint8Array(0) : Buffer.from(row.bytes, 'base64');
}

/**
 * Stores a file made by the server (not received), already whole in memory, as a complete upload
 * in parts as every upload is: meant for the module's audited transaction.
 */
export async function storeFileUpload(tx: Queryable, upload: { module: string; fileName: string; scope: string | null; by: string; bytes: Buffer; sha256: string }): Promise<number> {
  const id = await beginUpload(tx, upload);
  const parts = Math.max(1, Math.ceil(upload.bytes.length / FILE_PART_BYTES));
  for (let part = 0; part < parts; part += 1) await storePart(tx, id, part, upload.bytes.subarray(part * FILE_PART_BYTES, (part + 1) * FILE_PART_BYTES));
  await completeFileUpload(tx, id, { sha256: upload.sha256, sizeBytes: upload.bytes.length, parts });
  return id;
}

/**
 * `usedBy`: the module's table that keeps an upload (its `upload_id` column), a constant of the
 * module's own code, never user input; null for a module that keeps no file once imported.
 */
function unusedBy(usedBy: string | null): string {
  if (usedBy === null) return 'true';
  if (!/^[a-z_]+$/.test(usedBy)) throw new Error(`not a table name: ${usedBy}`);
  return `NOT EXISTS (SELECT 1 FROM ${usedBy} i WHERE i.upload_id = u.id)`;
}

/**
 * The one retention rule of every module's uploads: an upload never used by an import of its
 * module is kept a week, then dropped (it may hold a whole round or registry); an upload still
 * incomplete after a day was cut by a crash (no transfer lasts that long:
 * LIPTAKO_REQUEST_TIMEOUT). One a job is reading (running) is kept whatever its age. A module
 * that keeps no raw file (usedBy null: the registry, whose files hold names and phones) has every
 * upload dropped after that week, imported or not.
 */
export async function dropStaleFileUploads(db: Queryable, module: string, usedBy: string | null): Promise<void> {
  await db.query(
    `DELETE FROM file_upload u WHERE u.module = $1 AND (u.created_at < now() - interval '7 days' OR (NOT u.complete AND u.created_at < now() - interval '1 day'))
        AND ${unusedBy(usedBy)}
        AND NOT EXISTS (SELECT 1 FROM job j WHERE j.status IN ('queued', 'running') AND (j.input ->> 'uploadId')::bigint = u.id)`,
    [module],
  );
}

/**
 * Drops a complete upload at once when no import of its module and no job (whatever its state: a
 * failed one may be retried) took it: a file the server made for an import that then refused to start.
 */
export async function dropUnusedFileUpload(db: Queryable, module: string, uploadId: number, usedBy: string): Promise<void> {
  await db.query(
    `DELETE FROM file_upload u WHERE u.id = $1 AND u.module = $2 AND ${unusedBy(usedBy)}
        AND NOT EXISTS (SELECT 1 FROM job j WHERE (j.input ->> 'uploadId')::bigint = u.id)`,
    [uploadId, module],
  );
}

export interface ReceiveFileRequest {
  module: string;
  fileName: string;
  /** Who sends it (the audit's actor name). */
  by: string;
  scope: string | null;
  limit: number;
  headerScore?: HeaderScore;
}

export interface ReceivedFile {
  uploadId: number;
  received: ReceivedBody;
  preview: FilePreview;
}

/**
 * Stores a request body part by part as it arrives (never whole in memory), then previews it.
 * The upload is left incomplete: the module completes it in its audited transaction
 * (completeFileUpload), or drops it when anything failed. A file that cannot be read, is too
 * large or does not arrive whole is refused and nothing of it is kept.
 */
export async function receiveFile(db: Queryable, body: AsyncIterable<Buffer | string>, request: ReceiveFileRequest): Promise<ReceivedFile> {
  const uploadId = await beginUpload(db, { module: request.module, fileName: request.fileName, scope: request.scope, by: request.by });
  try {
    const received = await readInParts(body, { partBytes: FILE_PART_BYTES, limit: request.limit, onPart: (part, bytes) => storePart(db, uploadId, part, bytes) });
    const preview = await previewReceived(received, request.fileName, () => fileUploadBytes(db, { id: uploadId, size_bytes: received.sizeBytes, parts: received.parts }), request.headerScore);
    return { uploadId, received, preview };
  } catch (error) {
    // If even this fails (database gone), the module's sweep of stale uploads drops it later.
    await dropFileUpload(db, uploadId).catch(() => undefined);
    throw error;
  }
}

/**
 * The upload step every module's import shares: the file received and previewed (receiveFile),
 * then completed inside the module's own audited transaction (`record` wraps `complete` in
 * `audited()`: core imports no module, so the audit comes from the caller). Whatever fails, the
 * upload is dropped: a file is kept complete with its audit row, or not at all.
 */
export async function receiveAndRecord(
  db: Queryable,
  body: AsyncIterable<Buffer | string>,
  request: ReceiveFileRequest,
  record: (complete: (tx: Queryable) => Promise<void>, file: ReceivedFile) => Promise<unknown>,
): Promise<ReceivedFile> {
  const file = await receiveFile(db, body, request);
  try {
    await record((tx) => completeFileUpload(tx, file.uploadId, file.received), file);
  } catch (error) {
    await dropFileUpload(db, file.uploadId).catch(() => undefined);
    throw error;
  }
  return file;
}

const UTF16_BOMS = [
  [0xff, 0xfe],
  [0xfe, 0xff],
];

/**
 * The preview of a received file. A CSV is previewed from its first part, cut after its last
 * line feed (no row or character cut in two), with the row count and the NUL check taken from
 * the whole stream. A workbook is read from its end (the zip directory) and UTF-16 text is
 * decoded whole: those two are assembled from their parts (`whole`), one copy, as their import does.
 */
export async function previewReceived(received: ReceivedBody, fileName: string, whole: () => Promise<Uint8Array>, headerScore?: HeaderScore): Promise<FilePreview> {
  const options = headerScore === undefined ? {} : { headerScore };
  if (received.parts <= 1) return previewTableFile(received.head, fileName, options);
  const head = received.head;
  const utf16 = UTF16_BOMS.some((bom) => bom.every((byte, index) => head[index] === byte));
  if (detectFormat(head, fileName) === 'xlsx' || utf16) return previewTableFile(await whole(), fileName, options);
  if (received.hasNul) throw new AppError('import.notText', { format: 'binary' });
  const cut = head.lastIndexOf(0x0a);
  const lines = received.lineFeeds + (received.endsWithLineFeed ? 0 : 1);
  return previewTableFile(cut > 0 ? head.subarray(0, cut + 1) : head, fileName, { ...options, lines });
}
