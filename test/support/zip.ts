/**
 * Zips written by hand: a workbook (an XLSX) rewritten with its entries in another order (real
 * workbooks written by other tools put `xl/workbook.xml` after the worksheets, and readers that
 * assume ExcelJS's own order name the sheets wrongly), or a zip that lies or explodes.
 */
import { deflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export async function zipEntries(bytes: Uint8Array): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(Buffer.from(bytes), { lazyEntries: true }, (error, file) => (error || !file ? reject(error ?? new Error('not a zip')) : resolve(file))),
  );
  const entries = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error || !stream) return reject(error ?? new Error('unreadable entry'));
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          entries.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  return entries;
}

/** An entry of a zip written by hand: stored as it is, or deflated (a zip bomb's way). */
export interface ZipEntry {
  name: string;
  data: Buffer;
  deflate?: boolean;
}

/**
 * A zip of these entries, in this order, stored uncompressed unless an entry asks to be deflated.
 * Written by hand so a test can make a workbook's parts come in any order, or a file lie or explode.
 */
export function writeZip(entries: ReadonlyArray<readonly [string, Buffer] | ZipEntry>): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const { name, data, deflate = false } = Array.isArray(entry) ? { name: entry[0] as string, data: entry[1] as Buffer } : (entry as ZipEntry);
    const fileName = Buffer.from(name, 'utf8');
    const body = deflate ? deflateRawSync(data) : data;
    const method = deflate ? 8 : 0;
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, body);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

/**
 * The same workbook with its parts in the order some tools write them: relationships, shared
 * strings and styles first, the worksheets (in reverse) next, the workbook part last. A streaming
 * reader then meets every worksheet before it knows the sheets' names.
 */
export async function workbookPartLast(bytes: Uint8Array): Promise<Uint8Array> {
  const entries = [...(await zipEntries(bytes))].filter(([name]) => !name.endsWith('/'));
  const rank = (name: string): number => {
    if (name === 'xl/workbook.xml') return 4;
    if (name.startsWith('xl/worksheets/')) return 3;
    if (name === 'xl/_rels/workbook.xml.rels' || name === 'xl/sharedStrings.xml' || name === 'xl/styles.xml') return 2;
    return 1;
  };
  const ordered = entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => rank(a.entry[0]) - rank(b.entry[0]) || (rank(a.entry[0]) === 3 ? b.entry[0].localeCompare(a.entry[0]) : a.index - b.index));
  return writeZip(ordered.map(({ entry }) => entry));
}
