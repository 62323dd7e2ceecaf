/**
 * A submission post cut on its way, over real TCP (issue 14): a phone sends the XML, then a
 * 1.5 MB photo in a post of its own through a loopback proxy (test/support/cutting-proxy.ts) that
 * drops the link after 600 KB. Nothing of the cut post is stored (no half photo), and the photo
 * sent again is stored once, byte for byte. (That the server logs the cut as `request.incomplete`,
 * not as a fault of its own, is asserted by the browser test, whose server keeps its log.) The browser's outbox over the same proxy: test/e2e/form-entry-resume.test.ts.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { startCuttingProxy } from '../support/cutting-proxy.js';
import { describeEachDatabase } from '../support/harness.js';
import { filePart, incompletePart, multipart, seedCollection, siteAnswers, siteSubmissionXml, xmlPart, type Part } from '../support/collection.js';

const PHOTO = randomBytes(1_500_000);
const CUT_AFTER = 600 * 1024;

describeEachDatabase('collection: a post cut on its way', (context) => {
  let port = 0;
  beforeAll(async () => {
    await context.app.listen({ port: 0, host: '127.0.0.1' });
    const address = context.app.server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });

  it('stores nothing of a photo cut mid-way, and the photo sent again once, whole', async () => {
    const seed = await seedCollection(context.app);
    const instanceId = `uuid:${randomUUID()}`;
    const xml = siteSubmissionXml(siteAnswers({ instanceId, photo: 'entree.jpg' }));
    let cuts = 0;
    const proxy = await startCuttingProxy(`http://127.0.0.1:${port}`, {
      cutAt: (request) => (request.method === 'POST' && (request.contentLength ?? 0) > PHOTO.length && cuts++ === 0 ? CUT_AFTER : null),
      downForMs: 0,
    });
    const post = async (parts: readonly Part[]): Promise<number> => {
      const { body, contentType } = multipart(parts);
      const response = await fetch(`${proxy.url}${seed.phoneBase}/submission`, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': contentType, 'x-openrosa-version': '1.0' } });
      await response.arrayBuffer();
      return response.status;
    };
    const photoRow = async () =>
      (
        await context.db.query<{ present: boolean; size: number | null; md5: string | null }>(
          `SELECT a.bytes IS NOT NULL AS present, length(a.bytes) AS size, a.md5
             FROM collection_submission_attachment a JOIN collection_submission s ON s.id = a.submission_id
            WHERE s.instance_id = $1 AND a.name = 'entree.jpg'`,
          [instanceId],
        )
      )[0];
    try {
      expect(await post([xmlPart(xml), incompletePart])).toBe(201);
      await expect(post([xmlPart(xml), filePart('entree.jpg', PHOTO)])).rejects.toThrow();
      expect(proxy.requests.filter((request) => request.cut).map((request) => request.forwarded)).toEqual([CUT_AFTER]);
      // The server may still be reading the end of the cut post: it stores nothing either way.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await photoRow()).toEqual({ present: false, size: null, md5: null });

      expect(await post([xmlPart(xml), filePart('entree.jpg', PHOTO)])).toBe(201);
      expect(await photoRow()).toEqual({ present: true, size: PHOTO.length, md5: createHash('md5').update(PHOTO).digest('hex') });
      const [count] = await context.db.query<{ n: number }>('SELECT count(*)::int AS n FROM collection_submission WHERE instance_id = $1', [instanceId]);
      expect(count!.n).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});
