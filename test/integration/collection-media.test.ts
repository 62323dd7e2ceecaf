/**
 * A form's media uploaded beside it (a logo, a CSV list of sectors), one by one or as a zip, and
 * served to phones through the manifest; a typo in a name, a zip of nothing useful, a broken zip
 * and a zip that expands a thousand times are refused with nothing stored.
 */
import { createHash } from 'node:crypto';
import { ZipArchive } from 'archiver';
import { expect, it } from 'vitest';
import { DEMO_FORM_ID, seedCollection, siteFormWithMedia } from '../support/collection.js';
import { describeEachDatabase, type TestContext } from '../support/harness.js';
import { call, send } from '../support/http.js';

const md5 = (bytes: Buffer): string => createHash('md5').update(bytes).digest('hex');

async function zipOf(files: Record<string, Buffer>): Promise<Buffer> {
  const archive = new ZipArchive({ zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', () => resolve());
    archive.on('error', reject);
  });
  for (const [name, bytes] of Object.entries(files)) archive.append(bytes, { name });
  await archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function mediaVersion(context: TestContext): Promise<{ projectId: number; versionId: number; phoneBase: string; mediaUrl: string }> {
  const seed = await seedCollection(context.app);
  const upload = await send<{ version: { id: number } }>(context.app, 'POST', `/api/collection/projects/${seed.projectId}/forms?publish=true`, {
    payload: Buffer.from(siteFormWithMedia()),
    headers: { 'content-type': 'application/xml' },
  });
  expect(upload.statusCode, upload.text).toBe(201);
  const versionId = upload.body.version.id;
  return { projectId: seed.projectId, versionId, phoneBase: seed.phoneBase, mediaUrl: `/api/collection/projects/${seed.projectId}/forms/${DEMO_FORM_ID}/versions/${versionId}/media` };
}

const stored = async (context: TestContext, versionId: number): Promise<number> => {
  const [row] = await context.db.query<{ n: number }>('SELECT count(*)::int AS n FROM collection_form_attachment WHERE form_version_id = $1', [versionId]);
  return row!.n;
};

describeEachDatabase('collection: a form’s media', (context) => {
  it('lists the files the form names, takes them one by one or as a zip, and serves them to phones through the manifest', async () => {
    const { versionId, phoneBase, mediaUrl } = await mediaVersion(context);
    const before = await call<{ files: Array<{ name: string; present: boolean }> }>(context.app, 'GET', mediaUrl);
    expect(before.body.files).toEqual([
      { name: 'logo.png', present: false, md5: null, contentType: null },
      { name: 'secteurs.csv', present: false, md5: null, contentType: null },
    ]);

    const logo = Buffer.from('89504e470d0a1a0a-logo', 'utf8');
    const one = await send<{ stored: string[] }>(context.app, 'POST', `${mediaUrl}?fileName=logo.png`, { payload: logo, headers: { 'content-type': 'image/png' } });
    expect(one.statusCode, one.text).toBe(200);
    expect(one.body.stored).toEqual(['logo.png']);

    // A zip as people make them: a folder, the list, and a file the form does not use (left out, counted).
    const sectors = Buffer.from('list_name,name,label\nsecteurs,water,Eau\nsecteurs,shelter,Abris\n');
    const zip = await zipOf({ 'medias/secteurs.csv': sectors, 'medias/notes.txt': Buffer.from('à ne pas envoyer') });
    const many = await send<{ stored: string[]; ignored: number; files: Array<{ name: string; present: boolean; md5: string | null }> }>(context.app, 'POST', `${mediaUrl}?fileName=medias.zip`, {
      payload: zip,
      headers: { 'content-type': 'application/zip' },
    });
    expect(many.statusCode, many.text).toBe(200);
    expect(many.body).toMatchObject({ stored: ['secteurs.csv'], ignored: 1 });
    expect(many.body.files.map((file) => [file.name, file.present, file.md5])).toEqual([
      ['logo.png', true, md5(logo)],
      ['secteurs.csv', true, md5(sectors)],
    ]);
    expect(await stored(context, versionId)).toBe(2);

    // The phone: formList announces a manifest, the manifest lists both files with their md5, each downloads.
    const phone = context.as('anonymous');
    const list = await send(phone, 'GET', `${phoneBase}/formList`, { headers: { 'x-openrosa-version': '1.0' } });
    const manifestUrl = /<manifestUrl>([^<]+)<\/manifestUrl>/.exec(list.text)?.[1];
    expect(manifestUrl).toBeDefined();
    const manifest = await send(phone, 'GET', new URL(manifestUrl!).pathname);
    expect(manifest.statusCode).toBe(200);
    expect(manifest.text).toContain(`<hash>md5:${md5(sectors)}</hash>`);
    const fileUrl = new URL(/<downloadUrl>([^<]*secteurs\.csv)<\/downloadUrl>/.exec(manifest.text)![1]!).pathname;
    const file = await send(phone, 'GET', fileUrl);
    expect(file.raw.equals(sectors)).toBe(true);
  });

  it('refuses a name the form does not use, a zip with nothing it uses, a broken zip and a zip bomb, storing nothing', async () => {
    const { versionId, mediaUrl } = await mediaVersion(context);
    const typo = await send<{ error: { code: string; message: string } }>(context.app, 'POST', `${mediaUrl}?fileName=Logo.PNG`, {
      payload: Buffer.from('x'),
      headers: { 'content-type': 'image/png', 'accept-language': 'fr' },
    });
    expect(typo.statusCode).toBe(422);
    expect(typo.body.error.code).toBe('collection.media.unexpected');
    expect(typo.body.error.message).toContain('logo.png, secteurs.csv');

    const useless = await send<{ error: { code: string } }>(context.app, 'POST', `${mediaUrl}?fileName=autres.zip`, {
      payload: await zipOf({ 'photo.jpg': Buffer.from('jpeg') }),
      headers: { 'content-type': 'application/zip' },
    });
    expect(useless.body.error.code).toBe('collection.media.noneInZip');

    const broken = (await zipOf({ 'secteurs.csv': Buffer.from('a,b\n') })).subarray(0, 30);
    const cut = await send<{ error: { code: string } }>(context.app, 'POST', `${mediaUrl}?fileName=coupe.zip`, { payload: broken, headers: { 'content-type': 'application/zip' } });
    expect(cut.statusCode).toBe(422);
    expect(cut.body.error.code).toBe('import.brokenZip');

    // 30 MB of zeros packs into ~30 KB: a thousand times. Refused from the zip's directory, never inflated.
    const bomb = await zipOf({ 'secteurs.csv': Buffer.alloc(30 * 1024 * 1024) });
    expect(bomb.length).toBeLessThan((30 * 1024 * 1024) / 500);
    const exploded = await send<{ error: { code: string } }>(context.app, 'POST', `${mediaUrl}?fileName=medias.zip`, { payload: bomb, headers: { 'content-type': 'application/zip' } });
    expect(exploded.statusCode).toBe(413);
    expect(exploded.body.error.code).toBe('import.zipBomb');
    // A zip that lies about its sizes in the directory: yauzl checks each entry inflates to what it says.
    const liar = await zipOf({ 'secteurs.csv': Buffer.from('list_name,name\n'.repeat(10)) });
    const lied = Buffer.from(liar);
    const central = lied.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    lied.writeUInt32LE(3, central + 24);
    const lying = await send<{ error: { code: string } }>(context.app, 'POST', `${mediaUrl}?fileName=medias.zip`, { payload: lied, headers: { 'content-type': 'application/zip' } });
    expect(lying.statusCode).toBe(422);
    expect(await stored(context, versionId)).toBe(0);
    expect((await send(context.app, 'GET', '/api/health')).statusCode).toBe(200);
  });
});
