/**
 * A form's media: the images, audio and CSV choice lists its XForm names (`jr://images/…`,
 * `jr://file-csv/…`), uploaded beside a version one by one or as a zip, and served to phones
 * through the OpenRosa manifest. Only files the form names are kept, so a typo is caught at
 * upload rather than on a phone in the field; a zip is checked for a bomb before it is opened.
 */
import { audited, type Actor } from '../access/audit.js';
import type { Principal } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { AppError } from '../core/errors.js';
import { readZipFiles } from '../core/zip-files.js';
import * as q from './queries.js';
import { authoriseProject, md5Hex } from './service.js';
import { readXForm } from './xform.js';
import { lookUp } from '../shared/lookup.js';

/** What one upload of media may bring: a zip unpacks to at most this much (photos and lists of villages, not videos). */
export const FORM_MEDIA_MAX_BYTES = 50 * 1024 * 1024;

export interface FormMediaFile {
  name: string;
  present: boolean;
  md5: string | null;
  contentType: string | null;
}

const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  wav: 'audio/wav',
  mp4: 'video/mp4',
  geojson: 'application/geo+json',
  xml: 'text/xml',
};

const contentTypeOf = (name: string): string => lookUp(CONTENT_TYPES, name.split('.').pop()?.toLowerCase() ?? '') ?? 'application/octet-stream';

async function versionOf(db: Queryable, principal: Principal, projectId: number, xmlFormId: string, versionId: number, verb: 'collection.read' | 'collection.manage'): Promise<{ formId: number; expected: string[] }> {
  await authoriseProject(db, principal, projectId, verb);
  const form = await q.formByXmlId(db, projectId, xmlFormId);
  if (form === undefined) throw new AppError('collection.form.notFound', { formId: xmlFormId });
  const version = await q.formVersionById(db, versionId);
  if (version === undefined || version.form_id !== form.id) throw new AppError('collection.form.versionNotFound', { formId: xmlFormId, versionId });
  return { formId: form.id, expected: readXForm((await q.formVersionXml(db, versionId)).toString('utf8')).mediaFiles };
}

async function mediaFiles(db: Queryable, versionId: number, expected: readonly string[]): Promise<FormMediaFile[]> {
  const stored = new Map((await q.formAttachments(db, versionId)).map((file) => [file.name, file]));
  return expected.map((name) => {
    const file = stored.get(name);
    return { name, present: file !== undefined, md5: file?.md5 ?? null, contentType: file?.content_type ?? null };
  });
}

/** The files a version names, and which of them have been uploaded. */
export async function listFormMedia(db: Queryable, principal: Principal, projectId: number, xmlFormId: string, versionId: number): Promise<FormMediaFile[]> {
  const { expected } = await versionOf(db, principal, projectId, xmlFormId, versionId, 'collection.read');
  return mediaFiles(db, versionId, expected);
}

/**
 * Stores one file, or the files of a zip that the form names (others in the zip are left out
 * and said so). A file uploaded again replaces the earlier one. All of one upload or nothing.
 */
export async function uploadFormMedia(
  db: Queryable,
  actor: Actor,
  projectId: number,
  xmlFormId: string,
  versionId: number,
  upload: { fileName: string; bytes: Buffer },
): Promise<{ files: FormMediaFile[]; stored: string[]; ignored: number }> {
  const { formId, expected } = await versionOf(db, actor.principal, projectId, xmlFormId, versionId, 'collection.manage');
  const expectedList = expected.length === 0 ? '—' : expected.join(', ');
  let incoming: Map<string, Buffer>;
  let ignored = 0;
  const isZip = upload.bytes.length >= 4 && upload.bytes.readUInt32BE(0) === 0x504b0304 && !expected.includes(upload.fileName);
  if (isZip) {
    incoming = await readZipFiles(upload.bytes, {
      maxUnpacked: FORM_MEDIA_MAX_BYTES,
      wanted: (name) => {
        const keep = expected.includes(name);
        if (!keep && !name.startsWith('.')) ignored += 1;
        return keep;
      },
    });
    if (incoming.size === 0) throw new AppError('collection.media.noneInZip', { expected: expectedList });
  } else {
    const name = upload.fileName.split(/[\\/]/).pop() ?? '';
    if (!expected.includes(name)) throw new AppError('collection.media.unexpected', { name: name.slice(0, 200), expected: expectedList });
    incoming = new Map([[name, upload.bytes]]);
  }
  const stored = [...incoming.keys()].sort();
  await audited(
    db,
    actor,
    async (tx) => {
      for (const [name, bytes] of incoming) await q.upsertFormAttachment(tx, { versionId, name, contentType: contentTypeOf(name), bytes, md5: md5Hex(bytes) });
    },
    () => ({ action: 'collection.form.media', objectType: 'collection-form', objectId: formId, summary: { versionId, stored, ignored } }),
  );
  return { files: await mediaFiles(db, versionId, expected), stored, ignored };
}
