/**
 * Round files arrive as a stream and are written to their parts as they come: the hash and
 * size are computed on the way, the size limit is enforced while reading (not only from
 * Content-Length), an upload cut short leaves nothing stored, and one person cannot hold more
 * than a few uploads at once. (Peak memory with large concurrent uploads is a benchmark figure:
 * bench/uploads.ts.)
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { FILE_PART_BYTES, fileUploadBytes } from '../../src/core/file-uploads.js';
import { uploadById } from '../../src/displacement/queries.js';
import { describeEachDatabase, type TestContext } from '../support/harness.js';
import { upload, type UploadBody } from '../support/dtm.js';

const LIMIT = 20 * 1024 * 1024;
const HEADER = 'Admin2 Pcode,Location code,Location name,Individuals\r\n';

/** A CSV of about `bytes` bytes, the same every run. */
function roundCsv(bytes: number): Buffer {
  const lines = [HEADER];
  let size = HEADER.length;
  for (let index = 0; size < bytes; index += 1) {
    const line = `ML05${String(index % 100).padStart(2, '0')},L${index},Site ${index},${(index * 7919) % 5000}\r\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join(''));
}

/** A request body that sends `first`, then waits until `finish()` sends the rest. */
function heldBody(first: Buffer, rest: Buffer): { body: Readable; finish: () => void } {
  let finished = false;
  let started = false;
  let waiting: (() => void) | null = null;
  const body = new Readable({
    read() {
      if (!started) {
        started = true;
        this.push(first);
        return;
      }
      if (finished) return;
      waiting = () => {
        this.push(rest);
        this.push(null);
      };
    },
  });
  return {
    body,
    finish: () => {
      finished = true;
      if (waiting) waiting();
      else
        body.once('resume', () => {
          body.push(rest);
          body.push(null);
        });
    },
  };
}

async function stored(context: TestContext): Promise<{ uploads: number; parts: number }> {
  const [row] = await context.db.query<{ uploads: number; parts: number }>(
    "SELECT (SELECT count(*)::int FROM file_upload WHERE module = 'dtm') AS uploads, (SELECT count(*)::int FROM file_upload_part p JOIN file_upload u ON u.id = p.upload_id WHERE u.module = 'dtm') AS parts",
  );
  return row!;
}

describeEachDatabase(
  'DTM uploads as streams',
  (context) => {
    it('streams a round file larger than one part into its parts: hash, size and row count as sent', async () => {
      const file = roundCsv(FILE_PART_BYTES * 2 + FILE_PART_BYTES / 2);
      const response = await upload(context.app, file, 'big-round.csv');
      expect(response.statusCode, JSON.stringify(response.body)).toBe(201);
      const sent = (response.body as UploadBody & { upload: { sha256: string; sizeBytes: number } }).upload;
      expect(sent.sha256).toBe(createHash('sha256').update(file).digest('hex'));
      expect(sent.sizeBytes).toBe(file.length);
      const lines = file.toString('latin1').split('\r\n').length - 2;
      expect(sent.sheets[0]!.rows).toBe(lines);
      expect(sent.sheets[0]!.samples[0]).toEqual(['ML0500', 'L0', 'Site 0', '0']);
      const row = await uploadById(context.db, sent.id);
      expect(row?.parts).toBe(3);
      const kept = Buffer.from(await fileUploadBytes(context.db, row!));
      expect(kept.equals(file)).toBe(true);
    });

    it('refuses a body that grows past the limit while it streams, without Content-Length: 413 in the asked language, nothing stored', async () => {
      const chunk = roundCsv(1024 * 1024);
      let sent = 0;
      const body = new Readable({
        read() {
          sent += chunk.length;
          this.push(sent > LIMIT * 2 ? null : chunk);
        },
      });
      const response = await context.app.inject({
        method: 'POST',
        url: '/api/dtm/uploads?fileName=endless.csv',
        headers: { 'content-type': 'text/csv', 'transfer-encoding': 'chunked', 'accept-language': 'fr' },
        payload: body,
      });
      expect(response.statusCode).toBe(413);
      expect(response.json<{ error: { code: string; message: string } }>().error).toEqual({
        code: 'request.tooLarge',
        message: 'La requête est trop volumineuse (limite 20 MB).',
      });
      expect(await stored(context)).toEqual({ uploads: 0, parts: 0 });
    });

    it('refuses a file whose binary bytes come after its first part, and keeps none of its parts', async () => {
      const file = Buffer.concat([roundCsv(FILE_PART_BYTES * 3), Buffer.from([0, 1, 2, 0]), Buffer.from('\r\n')]);
      const response = await upload(context.app, file, 'late-junk.csv');
      expect(response.statusCode).toBe(415);
      expect(response.body.error?.code).toBe('import.notText');
      expect(await stored(context)).toEqual({ uploads: 0, parts: 0 });
    });

    it('refuses a third upload at once by the same person with 429 and Retry-After, in French and English; others and later uploads go through', async () => {
      const file = roundCsv(200_000);
      const held = [heldBody(file.subarray(0, 100_000), file.subarray(100_000)), heldBody(file.subarray(0, 100_000), file.subarray(100_000))];
      const running = held.map((hold, index) =>
        context.app.inject({ method: 'POST', url: `/api/dtm/uploads?fileName=held-${index}.csv`, headers: { 'content-type': 'text/csv' }, payload: hold.body }),
      );
      // Both held uploads are inside the handler once their first bytes are stored as received.
      for (let attempt = 0; attempt < 200; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        if ((await stored(context)).uploads === 2) break;
      }
      const third = await upload(context.app, file, 'third.csv', { 'accept-language': 'fr' });
      expect(third.statusCode).toBe(429);
      expect(third.body.error?.code).toBe('import.tooManyUploads');
      expect(third.body.error?.message).toMatch(/^Vous envoyez déjà 2 fichiers/);
      const english = await context.app.inject({
        method: 'POST',
        url: '/api/dtm/uploads?fileName=third.csv',
        headers: { 'content-type': 'text/csv', 'accept-language': 'en' },
        payload: file,
      });
      expect(english.statusCode).toBe(429);
      expect(Number(english.headers['retry-after'])).toBeGreaterThan(0);
      expect(english.json<{ error: { message: string } }>().error.message).toMatch(/^You are already uploading 2 files/);
      // Geography and plan files count against the same allowance.
      const geo = await context.app.inject({ method: 'POST', url: '/api/geo/imports?fileName=g.csv', headers: { 'content-type': 'text/csv' }, payload: 'x' });
      expect(geo.statusCode).toBe(429);
      // Another person is not held up by the first one's uploads.
      const other = await upload(context.as('imOfficerMali'), file, 'other.csv');
      expect(other.statusCode, JSON.stringify(other.body)).toBe(201);

      for (const hold of held) hold.finish();
      const finished = await Promise.all(running);
      expect(finished.map((response) => response.statusCode)).toEqual([201, 201]);
      const later = await upload(context.app, file, 'later.csv');
      expect(later.statusCode).toBe(201);
      expect((await stored(context)).uploads).toBe(4);
    });
  },
  { build: { uploads: { dtmFileLimit: LIMIT, perUser: 2 } } },
);
