/**
 * Zip files as uploads bring them (workbooks, a form's media): opened from memory, judged from
 * their central directory before anything is inflated (a bomb is refused unopened), entries
 * inflated only when asked for, each checked to inflate to the size it declares (yauzl).
 */
import yauzl from 'yauzl';
import { AppError } from './errors.js';

/** Compression ratio above which an entry is a bomb, not a spreadsheet or a photo (XML compresses ~10–30×). */
const MAX_RATIO = 200;

export function openZip(bytes: Uint8Array): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // autoClose off: the listing's two small parts are read after the directory has been walked.
    yauzl.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { lazyEntries: true, validateEntrySizes: true, autoClose: false }, (error, zip) => {
      if (error || !zip) reject(new AppError('import.brokenXlsx', {}, { cause: error }));
      else resolve(zip);
    });
  });
}

/**
 * Whether a zip is a bomb, judged from its directory before anything is inflated: more unpacked
 * in all than `maxUnpacked`, or one entry of more than 1 MB packed tighter than any real
 * spreadsheet or media file is (yauzl then checks that each entry inflates to its stated size).
 */
export function isBomb(entry: yauzl.Entry, unpackedSoFar: number, maxUnpacked: number): boolean {
  const ratio = entry.compressedSize === 0 ? (entry.uncompressedSize === 0 ? 1 : Infinity) : entry.uncompressedSize / entry.compressedSize;
  return unpackedSoFar > maxUnpacked || (entry.uncompressedSize > 1024 * 1024 && ratio > MAX_RATIO);
}

/**
 * The files of an uploaded zip that `wanted` accepts (by their name without folders), after the
 * whole directory has been checked for a bomb; folders and unwanted entries are not inflated.
 * A name found twice keeps its first. Throws `import.zipBomb` or `import.brokenZip`.
 */
export async function readZipFiles(bytes: Uint8Array, options: { maxUnpacked: number; wanted: (name: string) => boolean }): Promise<Map<string, Buffer>> {
  const zip = await openZip(bytes).catch((cause: unknown) => {
    throw new AppError('import.brokenZip', {}, { cause });
  });
  const entries = new Map<string, yauzl.Entry>();
  let unpacked = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        unpacked += entry.uncompressedSize;
        if (isBomb(entry, unpacked, options.maxUnpacked)) {
          reject(new AppError('import.zipBomb'));
          return;
        }
        const name = entry.fileName.split('/').pop() ?? '';
        if (!entry.fileName.endsWith('/') && name !== '' && !entries.has(name) && options.wanted(name)) entries.set(name, entry);
        zip.readEntry();
      });
      zip.on('end', () => resolve());
      zip.on('error', (cause: unknown) => reject(new AppError('import.brokenZip', {}, { cause })));
      zip.readEntry();
    });
    const files = new Map<string, Buffer>();
    for (const [name, entry] of entries) files.set(name, await inflateEntry(zip, entry));
    return files;
  } finally {
    zip.close();
  }
}

export function inflateEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, broken: 'import.brokenXlsx' | 'import.brokenZip' = 'import.brokenZip'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) {
        reject(new AppError(broken, {}, { cause: error }));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (cause: unknown) => reject(new AppError(broken, {}, { cause })));
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}
