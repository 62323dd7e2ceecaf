/**
 * Slow and stalled clients over real TCP (node:net): a connection that stops sending is closed
 * by the server within the configured timeouts, and an upload cut that way leaves nothing
 * stored. The timeouts are made short here; what is asserted is that the server closes the
 * connection, never how fast anything is.
 */
import { connect, type Socket } from 'node:net';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase, type TestContext } from '../support/harness.js';

const IDLE_MS = 400;
const HEADERS_MS = 400;
/** How long a test waits for the server to close before it fails: far above the timeouts. */
const GIVE_UP_MS = 8_000;

interface Watched {
  socket: Socket;
  received: () => string;
  /** Resolves true when the server closed the connection, false if it was still open at GIVE_UP_MS. */
  closedByServer: Promise<boolean>;
}

function open(port: number): Promise<Watched> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    const closedByServer = new Promise<boolean>((settle) => {
      const timer = setTimeout(() => {
        settle(false);
        socket.destroy();
      }, GIVE_UP_MS);
      socket.once('close', () => {
        clearTimeout(timer);
        settle(true);
      });
    });
    // A reset by the server is a close too; it must not fail the test as an unhandled error.
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received: () => received, closedByServer }));
    socket.once('error', reject);
  });
}

async function countUploads(context: TestContext): Promise<{ uploads: number; parts: number }> {
  const [row] = await context.db.query<{ uploads: number; parts: number }>(
    "SELECT (SELECT count(*)::int FROM file_upload WHERE module = 'dtm') AS uploads, (SELECT count(*)::int FROM file_upload_part p JOIN file_upload u ON u.id = p.upload_id WHERE u.module = 'dtm') AS parts",
  );
  return row!;
}

describeEachDatabase(
  'slow and stalled connections',
  (context) => {
    let port = 0;
    beforeAll(async () => {
      await context.app.listen({ port: 0, host: '127.0.0.1' });
      const address = context.app.server.address();
      port = typeof address === 'object' && address !== null ? address.port : 0;
    });

    it('closes a connection whose upload stalls after its headers, and keeps nothing of the upload', async () => {
      const client = await open(port);
      client.socket.write(
        [
          'POST /api/dtm/uploads?fileName=stalled.csv HTTP/1.1',
          'Host: 127.0.0.1',
          `Authorization: Bearer ${context.tokenOf('admin')}`,
          'Content-Type: text/csv',
          'Content-Length: 10485760',
          '',
          'Admin2 Pcode,Location code,Individuals\r\nML0501,L1,10\r\n',
        ].join('\r\n'),
      );
      expect(await client.closedByServer).toBe(true);
      // The handler may still be dropping what it stored when the socket closes.
      for (let attempt = 0; attempt < 100 && (await countUploads(context)).uploads > 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await countUploads(context)).toEqual({ uploads: 0, parts: 0 });
    });

    it('closes a connection that sends part of its headers and stops', async () => {
      const client = await open(port);
      client.socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
      expect(await client.closedByServer).toBe(true);
    });

    it('closes a connection that trickles its headers a byte at a time, though it is never idle', async () => {
      const client = await open(port);
      const trickle = setInterval(() => {
        if (!client.socket.destroyed) client.socket.write('a');
      }, IDLE_MS / 4);
      client.socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
      try {
        expect(await client.closedByServer).toBe(true);
      } finally {
        clearInterval(trickle);
      }
    });

    it('closes an idle keep-alive connection after its last answer', async () => {
      const client = await open(port);
      client.socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      expect(await client.closedByServer).toBe(true);
      expect(client.received()).toMatch(/^HTTP\/1\.1 200/);
    });

    it('does not cut an upload that is slow but keeps moving for longer than the idle timeout', async () => {
      const client = await open(port);
      const lines = Array.from({ length: 12 }, (_, index) => `ML0501,L${index},${10 + index}\r\n`);
      const header = 'Admin2 Pcode,Location code,Individuals\r\n';
      const length = Buffer.byteLength(header + lines.join(''));
      client.socket.write(
        [
          'POST /api/dtm/uploads?fileName=slow.csv HTTP/1.1',
          'Host: 127.0.0.1',
          `Authorization: Bearer ${context.tokenOf('admin')}`,
          'Content-Type: text/csv',
          `Content-Length: ${length}`,
          'Connection: close',
          '',
          header,
        ].join('\r\n'),
      );
      // One line every IDLE_MS / 3: the whole body takes four idle timeouts to arrive.
      for (const line of lines) {
        await new Promise((resolve) => setTimeout(resolve, IDLE_MS / 3));
        client.socket.write(line);
      }
      expect(await client.closedByServer).toBe(true);
      expect(client.received()).toMatch(/^HTTP\/1\.1 201/);
    });
  },
  { build: { timeouts: { idleMs: IDLE_MS, headersMs: HEADERS_MS, keepAliveMs: IDLE_MS, requestMs: 60_000 } } },
);
