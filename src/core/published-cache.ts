/**
 * Published data is immutable between two versions (core/versions.ts), so answers about it are
 * computed once, kept in memory with their compressed forms, and answered with a strong ETag
 * derived from the versions they depend on. A conditional request (If-None-Match) whose tag is
 * current answers 304 from memory, without a database round trip.
 *
 * Versions are read from the database at most once per `refreshMs` (default 1 s); past that the
 * answer is still given from memory while one background read refreshes them, so a burst of
 * readers never queues behind an import holding PGlite's single connection. Another process
 * (several servers on one PostgreSQL) is therefore seen within about `refreshMs`; a change
 * made by this process (`withVersions`) is seen by the next request.
 *
 * Only answers that are the same for everyone allowed to call the route may be stored: the
 * caller says so (`store`). Type-only Fastify imports: routes load this through http-kit.
 */
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Queryable } from './db.js';
import { pickLanguage } from './i18n.js';
import { onVersionsChanged, readVersions } from './versions.js';

export interface PublishedCacheOptions {
  /** How long versions read from the database are trusted before a background re-read (ms). */
  refreshMs?: number;
  /** Largest total of cached bodies, compressed forms included (bytes). */
  maxBytes?: number;
}

interface Entry {
  type: string;
  identity: Buffer;
  br?: Buffer;
  gzip?: Buffer;
  bytes: number;
}

/** What a route computes when nothing current is cached. */
export interface Computed {
  body: unknown;
  /** The answer is the same for everyone allowed to call the route (published data only). */
  store: boolean;
}

export interface PublishedRequest {
  /** The version keys the answer depends on, given the versions known now (e.g. every `dtm-country:` key). */
  keys: readonly string[] | ((known: ReadonlyMap<string, string>) => readonly string[]);
  compute: () => Promise<Computed>;
  /** Content type of the JSON body (default application/json). */
  type?: string;
  /** What distinguishes answers besides the URL and the language (default nothing). */
  variant?: string;
  /**
   * The answer does not depend on the caller's language (the DTM API and HAPI speak English
   * whatever is asked): one copy and one ETag for every Accept-Language, and no Vary on it.
   */
  sameInEveryLanguage?: boolean;
  /**
   * false: this caller's answer may differ from the shared one (drafts they may see): computed
   * and sent without the cache, neither read nor kept. Default true.
   */
  shared?: boolean;
}

const COMPRESS_ABOVE = 1024;
/** Values (PublishedCache.value) kept at most, least recently used out first. */
const VALUES_KEPT = 64;
/** After a change is announced, how long a request waits for the new versions before answering with the known ones. */
const STALE_WAIT_MS = 250;

type Encoding = 'br' | 'gzip' | 'identity';

/** The encoding to answer in: brotli, then gzip, else none (q=0 refuses one). */
export function pickEncoding(header: string | undefined): Encoding {
  if (header === undefined) return 'identity';
  const accepted = new Set(
    header
      .split(',')
      .map((part) => part.trim().toLowerCase().split(';'))
      .filter(([, quality]) => quality === undefined || !/^\s*q\s*=\s*0(\.0*)?\s*$/.test(quality))
      .map(([name]) => name),
  );
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip') || accepted.has('*')) return 'gzip';
  return 'identity';
}

/**
 * The question a request asks, as the route read it: its path parameters and query, keys sorted.
 * `?Operation=Mali+Conflict`, `?Operation=Mali%20Conflict&` and the same parameters in another
 * order are one question with one answer and one ETag, and an answer computed ahead of its first
 * caller (primePublishedAnswers) is found whatever spelling that caller uses.
 */
export function questionOf(request: Pick<FastifyRequest, 'params' | 'query'>): string {
  const sorted = (values: unknown): Array<[string, unknown]> =>
    values !== null && typeof values === 'object'
      ? Object.entries(values)
          .filter(([, value]) => value !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      : [];
  return JSON.stringify([sorted(request.params), sorted(request.query)]);
}

function tagMatches(header: string | undefined, tag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const value = candidate.trim();
    return value === '*' || value === tag || value === `W/${tag}`;
  });
}

export class PublishedCache {
  private known: Map<string, string> | null = null;
  private knownAt = 0;
  /** A change was announced since the versions were read: re-read them before trusting them. */
  private stale = false;
  private generation = 0;
  private loading: Promise<Map<string, string>> | null = null;
  private readonly entries = new Map<string, Entry>();
  private readonly values = new Map<string, Promise<unknown>>();
  /** Answers being computed, by ETag: the entry once kept, null when it was not for everyone or failed. */
  private readonly computing = new Map<string, Promise<Entry | null>>();
  private bytes = 0;
  private readonly refreshMs: number;
  private readonly maxBytes: number;
  /** Counters for tests and the operations page. */
  readonly stats = { hits: 0, notModified: 0, computed: 0, versionReads: 0 };
  private readonly unsubscribe: () => void;

  constructor(
    private readonly db: Queryable,
    options: PublishedCacheOptions = {},
  ) {
    this.refreshMs = options.refreshMs ?? 1_000;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.unsubscribe = onVersionsChanged((forgetAnswers) => (forgetAnswers ? this.reset() : this.invalidate()));
  }

  /** Stops listening to this process's changes (the app closes). */
  close(): void {
    this.unsubscribe();
    this.reset();
  }

  /** Forget every version read (after a write through this process, or between tests that roll back). */
  invalidate(): void {
    this.generation += 1;
    this.stale = true;
  }

  /** Forget everything, cached answers included. */
  reset(): void {
    this.invalidate();
    this.known = null;
    this.entries.clear();
    this.values.clear();
    this.bytes = 0;
  }

  private load(): Promise<Map<string, string>> {
    if (this.loading !== null) return this.loading;
    const generation = this.generation;
    this.stats.versionReads += 1;
    this.loading = readVersions(this.db)
      .then((versions) => {
        // A write that finished while this read was on its way may not be in it: keep it unknown.
        if (generation === this.generation) {
          this.known = versions;
          this.knownAt = Date.now();
          this.stale = false;
        }
        return versions;
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }

  /** The versions to answer with: from memory when known, refreshed in the background once stale. */
  async versions(): Promise<ReadonlyMap<string, string>> {
    if (this.known === null) return this.load();
    const known = this.known;
    if (this.stale) {
      // A change was announced: wait a moment for the versions it committed. If the connection is
      // busy (PGlite inside an import's last transaction, which is the change itself until it
      // commits), what is known is still what is committed: answer with it.
      const reading = this.load();
      const waited = await Promise.race([reading.catch(() => known), new Promise<null>((resolve) => setTimeout(() => resolve(null), STALE_WAIT_MS).unref())]);
      return waited ?? known;
    }
    if (Date.now() - this.knownAt > this.refreshMs && this.loading === null) {
      // Answered from what is known; the next requests get the fresh versions.
      this.load().catch(() => undefined);
    }
    return known;
  }

  /**
   * A value computed once per versions of its keys, e.g. the rows every page of one question is
   * cut from: `?limit=100&offset=200` is then a slice, not the whole aggregate again. `name` says
   * what the value is and `question` what it was asked with (e.g. the filters without the paging);
   * at most VALUES_KEPT are kept.
   */
  async value<T>(name: string, question: object, keys: PublishedRequest['keys'], compute: () => Promise<T>): Promise<T> {
    const versions = await this.versions();
    const asked = questionOf({ params: {}, query: question });
    const id = [name, asked, ...[...(typeof keys === 'function' ? keys(versions) : keys)].sort().map((key) => `${key}=${versions.get(key) ?? '-'}`)].join('\0');
    let value = this.values.get(id);
    if (value === undefined) {
      value = compute();
      // A failed computation is not kept: the next caller tries again.
      value.catch(() => this.values.delete(id));
      this.values.set(id, value);
      for (const oldest of this.values.keys()) {
        if (this.values.size <= VALUES_KEPT) break;
        this.values.delete(oldest);
      }
    } else {
      this.values.delete(id);
      this.values.set(id, value);
    }
    return value as Promise<T>;
  }

  private remember(tag: string, entry: Entry): void {
    if (entry.bytes > this.maxBytes / 4) return;
    this.entries.set(tag, entry);
    this.bytes += entry.bytes;
    // Oldest first out (a Map iterates in insertion order; a hit re-inserts its entry).
    for (const [oldTag, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldTag);
      this.bytes -= old.bytes;
    }
  }

  private touch(tag: string, entry: Entry): void {
    this.entries.delete(tag);
    this.entries.set(tag, entry);
  }

  /**
   * Answers a GET from the cache when a current answer is there, else computes it (and keeps it
   * when it is the same for everyone). Sets ETag, Cache-Control and Vary.
   */
  async answer(request: FastifyRequest, reply: FastifyReply, published: PublishedRequest): Promise<FastifyReply> {
    if (published.shared === false) {
      const computed = await published.compute();
      return reply.header('cache-control', 'private, no-cache').type(published.type ?? 'application/json; charset=utf-8').send(JSON.stringify(computed.body));
    }
    const versions = await this.versions();
    const keys = typeof published.keys === 'function' ? published.keys(versions) : published.keys;
    const language = published.sameInEveryLanguage === true ? '*' : pickLanguage(request.headers['accept-language']);
    const hash = createHash('sha256').update(`${request.routeOptions.url ?? ''}\0${questionOf(request)}\0${language}\0${published.variant ?? ''}`);
    for (const key of [...keys].sort()) hash.update(`\0${key}=${versions.get(key) ?? '-'}`);
    const tag = `"${hash.digest('base64url').slice(0, 32)}"`;
    let entry = this.entries.get(tag);
    if (entry !== undefined) {
      this.touch(tag, entry);
    } else {
      // A publication makes a new answer that a hundred callers of a public API then ask at once:
      // one computes it, the others wait for it rather than each run the aggregate (a queue of
      // them behind PGlite's one connection was seconds). Only an answer that would have been
      // kept is shared, as a cache hit would give it: callers waiting for one that is not for
      // everyone (a draft, a 404) compute their own, as before.
      const underway = this.computing.get(tag);
      if (underway !== undefined) entry = (await underway) ?? undefined;
    }
    if (entry === undefined) {
      let settle: (kept: Entry | null) => void = () => undefined;
      const first = !this.computing.has(tag);
      if (first) this.computing.set(tag, new Promise<Entry | null>((resolve) => (settle = resolve)));
      try {
        const computed = await published.compute();
        this.stats.computed += 1;
        const type = published.type ?? 'application/json; charset=utf-8';
        const identity = Buffer.from(JSON.stringify(computed.body));
        if (!computed.store) {
          settle(null);
          // Not the same for everyone (drafts, a scoped view): no tag, no copy kept.
          return reply.header('cache-control', 'private, no-cache').type(type).send(identity);
        }
        entry = { type, identity, bytes: identity.length };
        this.remember(tag, entry);
        settle(entry);
      } catch (error) {
        // The waiting callers try for themselves (and meet the same error if it is theirs too).
        settle(null);
        throw error;
      } finally {
        if (first) this.computing.delete(tag);
      }
    }
    // Revalidated on every use (no-cache): the answer is current only as long as its versions.
    reply.header('etag', tag).header('cache-control', 'public, no-cache').header('vary', published.sameInEveryLanguage === true ? 'accept-encoding' : 'accept-encoding, accept-language');
    if (tagMatches(request.headers['if-none-match'], tag)) {
      this.stats.notModified += 1;
      return reply.code(304).send();
    }
    this.stats.hits += 1;
    return this.send(request, reply, entry);
  }

  private send(request: FastifyRequest, reply: FastifyReply, entry: Entry): FastifyReply {
    reply.type(entry.type);
    const encoding = entry.identity.length < COMPRESS_ABOVE ? 'identity' : pickEncoding(request.headers['accept-encoding']);
    if (encoding === 'identity') return reply.send(entry.identity);
    // Compressed once per answer, not once per request: the slowest part of a cached answer otherwise.
    let body = entry[encoding];
    if (body === undefined) {
      body =
        encoding === 'br'
          ? brotliCompressSync(entry.identity, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5, [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT } })
          : gzipSync(entry.identity);
      entry[encoding] = body;
      entry.bytes += body.length;
      this.bytes += body.length;
    }
    return reply.header('content-encoding', encoding).header('content-length', body.length).send(body);
  }
}
