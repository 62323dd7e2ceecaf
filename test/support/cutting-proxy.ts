/**
 * A TCP proxy on loopback in front of a test server that can cut a connection in the middle of a
 * request body, as a 2G link does: it forwards bytes both ways, reads the requests going up just
 * enough to know where each one's body starts and ends (HTTP/1.1, keep-alive, Content-Length), and
 * when `cutAt` says so for a request, forwards that many bytes of its body and destroys both
 * sockets. The server sees a body that stops short; the client sees its connection drop.
 *
 * A cut is the link going down, not one socket: every open connection drops with it, and for
 * `downForMs` new connections are closed as soon as they are accepted. Without that, Chromium
 * silently resends a request whose reused keep-alive connection was closed under it, and the page
 * never learns of the cut.
 *
 * It records every request it saw (method, path, body bytes forwarded, the multipart file names
 * in the body, whether it was cut), so a test can tell what a retry sent again.
 */
import { connect, createServer, type Socket } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** Path and query, as on the request line. */
  path: string;
  /** The declared body length; null for a chunked body (then passed through unread). */
  contentLength: number | null;
  /** Body bytes forwarded to the server. */
  forwarded: number;
  /** `filename="…"` of the multipart parts seen in the body's first bytes, in order. */
  files: string[];
  cut: boolean;
}

export interface CuttingProxy {
  url: string;
  requests: readonly ProxiedRequest[];
  /** Connections closed at once because the link was down. */
  refused: () => number;
  close: () => Promise<void>;
}

// Part headers sit at the start of each part; a form's XML part comes first and is small, so the
// file part's header is within the first few KB.
const SNIFF_BYTES = 64 * 1024;
const FILENAME = /filename="([^"]*)"/g;

export interface CuttingOptions {
  /**
   * Asked once per request, when its head has arrived: a number of body bytes after which the
   * link goes down, or null to let it through.
   */
  cutAt: (request: ProxiedRequest) => number | null;
  /** How long the link stays down after a cut. */
  downForMs: number;
}

/** Starts the proxy on 127.0.0.1 (a free port) in front of `target` (`http://127.0.0.1:port`). */
export async function startCuttingProxy(target: string, { cutAt, downForMs }: CuttingOptions): Promise<CuttingProxy> {
  const upstreamUrl = new URL(target);
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  let downUntil = 0;
  let refused = 0;

  const server = createServer((client) => {
    if (Date.now() < downUntil) {
      refused += 1;
      client.destroy();
      return;
    }
    const upstream = connect(Number(upstreamUrl.port), upstreamUrl.hostname);
    sockets.add(client).add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', () => {
      sockets.delete(client);
      upstream.end();
    });
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.end();
    });
    client.on('error', drop);
    upstream.on('error', drop);
    upstream.pipe(client);

    let head = Buffer.alloc(0);
    let current: ProxiedRequest | null = null;
    let remaining = 0;
    let limit: number | null = null;
    let sniffed = Buffer.alloc(0);
    let opaque = false;

    const forward = (bytes: Buffer): void => {
      if (bytes.length > 0 && !upstream.write(bytes)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
    };

    client.on('data', (chunk: Buffer) => {
      let at = 0;
      while (at < chunk.length) {
        if (opaque) {
          forward(chunk.subarray(at));
          return;
        }
        if (current === null) {
          // Reading a request head: forwarded as it comes, parsed once complete.
          const seen = head.length;
          head = Buffer.concat([head, chunk.subarray(at)]);
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) {
            forward(chunk.subarray(at));
            return;
          }
          const used = end + 4 - seen;
          forward(chunk.subarray(at, at + used));
          at += used;
          const lines = head.subarray(0, end).toString('latin1').split('\r\n');
          head = Buffer.alloc(0);
          const [method = '', path = ''] = (lines[0] ?? '').split(' ');
          const header = (name: string): string | undefined =>
            lines
              .slice(1)
              .find((line) => line.toLowerCase().startsWith(`${name}:`))
              ?.slice(name.length + 1)
              .trim();
          const chunked = /chunked/i.test(header('transfer-encoding') ?? '');
          const length = chunked ? null : Number(header('content-length') ?? '0');
          const request: ProxiedRequest = { method, path, contentLength: length, forwarded: 0, files: [], cut: false };
          requests.push(request);
          if (length === null) {
            opaque = true;
            continue;
          }
          limit = cutAt(request);
          sniffed = Buffer.alloc(0);
          remaining = length;
          current = remaining > 0 ? request : null;
          continue;
        }
        const request: ProxiedRequest = current;
        let piece = chunk.subarray(at, at + remaining);
        const cutting = limit !== null && request.forwarded + piece.length >= limit;
        if (cutting) piece = piece.subarray(0, limit! - request.forwarded);
        if (sniffed.length < SNIFF_BYTES) {
          sniffed = Buffer.concat([sniffed, piece.subarray(0, SNIFF_BYTES - sniffed.length)]);
          request.files = [...sniffed.toString('latin1').matchAll(FILENAME)].map((match) => match[1]!);
        }
        forward(piece);
        request.forwarded += piece.length;
        at += piece.length;
        remaining -= piece.length;
        if (cutting) {
          request.cut = true;
          downUntil = Date.now() + downForMs;
          // Once the bytes already written have left, this connection goes, and every other one.
          upstream.end(() => drop());
          client.destroy();
          for (const socket of sockets) if (socket !== upstream) socket.destroy();
          return;
        }
        if (remaining === 0) current = null;
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    refused: () => refused,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
