/**
 * File uploads: how many one person may have in flight, and reading a request body as a stream
 * of fixed-size parts (hash, size and line count computed on the way, the size limit enforced
 * while reading), so that no upload is ever one buffer in memory.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UploadSettings } from './config.js';
import { AppError } from './errors.js';
import { formatBytes } from './http-kit.js';

/**
 * Uploads in flight per person, in this process. A slot is taken before the body is read and
 * given back when the response ends or the connection closes, whatever happened.
 */
export class UploadGate {
  private readonly inFlight = new Map<string, number>();

  constructor(readonly settings: UploadSettings) {}

  /** Takes a slot for `who` or refuses with 429; the returned function gives it back (once). */
  enter(who: string): () => void {
    const current = this.inFlight.get(who) ?? 0;
    if (current >= this.settings.perUser) {
      throw new AppError(
        'import.tooManyUploads',
        { max: this.settings.perUser, seconds: this.settings.retryAfterSeconds },
        { retryAfter: this.settings.retryAfterSeconds },
      );
    }
    this.inFlight.set(who, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(who) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(who);
      else this.inFlight.set(who, left);
    };
  }

  /** Uploads in flight, all people together (for tests and monitoring). */
  get total(): number {
    let total = 0;
    for (const count of this.inFlight.values()) total += count;
    return total;
  }
}

/**
 * Every route of `scope` that takes a file counts against its caller's allowance. Runs before
 * the body is read (preParsing), after the caller is known (onRequest).
 */
export function limitConcurrentUploads(scope: FastifyInstance, gate: UploadGate): void {
  scope.addHook('preParsing', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    const principal = request.principal as FastifyRequest['principal'] | null;
    const who = principal?.kind === 'user' ? `user:${principal.userId}` : `address:${request.ip}`;
    const release = gate.enter(who);
    // 'close' comes once the response is sent or the connection is gone, whichever is first.
    reply.raw.once('close', release);
    return payload;
  });
}

/**
 * Registers routes that take a whole file as their raw body (at most `bodyLimit` bytes), whatever
 * its content type, each counted against its caller's uploads in flight. The body reaches the
 * handler as a Buffer (`fileBody`).
 */
export function fileBodyRoutes<Scope>(app: FastifyInstance, gate: UploadGate, bodyLimit: number, routes: (scope: Scope) => void): void {
  void app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    limitConcurrentUploads(scope, gate);
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, parsed) => parsed(null, body));
    // The caller's typed view of the same scope (its type provider), as its other routes have.
    routes(scope as unknown as Scope);
    done();
  });
}

/**
 * Registers routes that take a file of any size as their raw body, whatever its content type,
 * handed to the handler as a stream (read it with `receiveStreamedFile`), each counted against
 * its caller's uploads in flight.
 */
export function streamedFileRoutes<Scope>(app: FastifyInstance, gate: UploadGate, routes: (scope: Scope) => void): void {
  void app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, parsed) => {
      parsed(null, payload);
    });
    limitConcurrentUploads(scope, gate);
    routes(scope as unknown as Scope);
    done();
  });
}

/**
 * Reads the body of a `streamedFileRoutes` route through `receive` (which stores it part by part,
 * e.g. with readInParts), refusing it at once when its declared length is beyond `limit`. The rest
 * of a refused body is not read: the connection closes after the answer rather than draining what
 * could be hundreds of megabytes, and the body is left unread, not destroyed, so the answer still
 * reaches the client.
 */
export async function receiveStreamedFile<T>(request: FastifyRequest, reply: FastifyReply, limit: number, receive: (body: AsyncIterable<Buffer>) => Promise<T>): Promise<T> {
  try {
    if (Number(request.headers['content-length']) > limit) throw new AppError('request.tooLarge', { limit: formatBytes(limit) });
    return await receive((request.body as Readable).iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>);
  } catch (error) {
    if (error instanceof AppError && (error.code === 'request.tooLarge' || error.code === 'request.incomplete')) reply.header('connection', 'close');
    throw error;
  }
}

/** The raw body of a `fileBodyRoutes` route (empty when there was none). */
export const fileBody = (body: unknown): Buffer => (Buffer.isBuffer(body) ? body : Buffer.from(body instanceof Uint8Array ? body : new Uint8Array()));

export interface ReceivedBody {
  sha256: string;
  sizeBytes: number;
  parts: number;
  /** The first part as received (at most one part), for a preview of the file. */
  head: Buffer;
  /** Line feeds seen in the whole body (an estimate of a text file's rows). */
  lineFeeds: number;
  /** Whether the body ended with a line feed. */
  endsWithLineFeed: boolean;
  /** Whether a NUL byte appeared anywhere (no 8-bit text file has one). */
  hasNul: boolean;
}

export interface ReadInPartsOptions {
  partBytes: number;
  /** Refused with 413 request.tooLarge as soon as more bytes than this have arrived. */
  limit: number;
  /** Stores one full part (or the last, shorter one); the body is not read meanwhile. */
  onPart: (index: number, bytes: Buffer) => Promise<void>;
}

/**
 * Reads `body` into parts of `partBytes`, handing each to `onPart` as soon as it is full and
 * waiting for it before reading on: the socket is not read meanwhile, so TCP slows the sender
 * down instead of memory filling up. Memory held: the part being filled and a copy of the first.
 */
export async function readInParts(body: AsyncIterable<Buffer | string>, options: ReadInPartsOptions): Promise<ReceivedBody> {
  const hash = createHash('sha256');
  const part = Buffer.allocUnsafe(options.partBytes);
  let filled = 0;
  let index = 0;
  let size = 0;
  let lineFeeds = 0;
  let hasNul = false;
  let last = -1;
  const kept: { head: Buffer } = { head: Buffer.alloc(0) };
  let storing = false;
  const flush = async (): Promise<void> => {
    const bytes = part.subarray(0, filled);
    storing = true;
    await options.onPart(index, bytes);
    storing = false;
    // The first part is kept for the preview; the buffer is filled again for the next ones.
    if (index === 0) kept.head = Buffer.from(bytes);
    index += 1;
    filled = 0;
  };
  try {
    for await (const received of body) {
      const chunk = typeof received === 'string' ? Buffer.from(received) : received;
      size += chunk.length;
      if (size > options.limit) throw new AppError('request.tooLarge', { limit: formatBytes(options.limit) });
      hash.update(chunk);
      for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) lineFeeds += 1;
      if (!hasNul && chunk.includes(0)) hasNul = true;
      if (chunk.length > 0) last = chunk[chunk.length - 1]!;
      let offset = 0;
      while (offset < chunk.length) {
        const copied = chunk.copy(part, filled, offset, Math.min(chunk.length, offset + options.partBytes - filled));
        filled += copied;
        offset += copied;
        if (filled === options.partBytes) await flush();
      }
    }
  } catch (error) {
    if (error instanceof AppError || storing) throw error;
    // The client went away or the connection broke: the body never arrived whole.
    throw new AppError('request.incomplete', {}, { cause: error });
  }
  if (filled > 0) await flush();
  return {
    sha256: hash.digest('hex'),
    sizeBytes: size,
    parts: index,
    head: kept.head,
    lineFeeds,
    endsWithLineFeed: last === 0x0a,
    hasNul,
  };
}
