/**
 * What one page load sent over the (throttled) wire, recorded from the DevTools protocol events of
 * a page's CDP session, and the checks the slow-link benchmark makes on it (bench/slow-link.ts).
 *
 * Sizes: `transferred` is what Chromium counts as received for the request (headers and encoded
 * body, loadingFinished.encodedDataLength), 0 for a cache hit; `body` is the encoded body alone
 * (transferred minus the header bytes reported with the response); `decoded` the body once
 * decompressed (the sum of dataReceived.dataLength), which decides whether compression was due.
 */
import type { CDPSession } from 'playwright-core';

export interface RequestRecord {
  id: string;
  url: string;
  path: string;
  /** CDP resource type: Document, Script, Stylesheet, Fetch, XHR, Image, Font, Other… */
  type: string;
  /** CDP monotonic seconds. */
  startedAt: number;
  finishedAt: number | null;
  status: number | null;
  /** The status on the wire: 304 when the cache revalidated (CDP then reports the cached 200). */
  wireStatus: number | null;
  /** Response headers, names in lower case. */
  headers: Record<string, string>;
  /** Network.requestServedFromCache fired (memory or HTTP cache). */
  servedFromCache: boolean;
  /** The response came from the HTTP (disk) cache rather than Blink's in-process memory cache. */
  fromDiskCache: boolean;
  headerBytes: number;
  transferred: number;
  decoded: number;
  failed: string | null;
}

export interface LoadRecord {
  requests: RequestRecord[];
}

/** Records every request of one page (its CDP session) until `stop()`. */
export class NetworkRecorder {
  private readonly byId = new Map<string, RequestRecord>();
  private readonly order: RequestRecord[] = [];
  private active = true;

  constructor(session: CDPSession) {
    session.on('Network.requestWillBeSent', (event) => {
      if (!this.active) return;
      // A redirect reuses the id: the new hop is a request of its own.
      const url = new URL(event.request.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return;
      const record: RequestRecord = {
        id: event.requestId,
        url: event.request.url,
        path: url.pathname + url.search,
        type: event.type ?? 'Other',
        startedAt: event.timestamp,
        finishedAt: null,
        status: null,
        wireStatus: null,
        headers: {},
        servedFromCache: false,
        fromDiskCache: false,
        headerBytes: 0,
        transferred: 0,
        decoded: 0,
        failed: null,
      };
      this.byId.set(event.requestId, record);
      this.order.push(record);
    });
    session.on('Network.requestServedFromCache', (event) => {
      const record = this.byId.get(event.requestId);
      if (record) record.servedFromCache = true;
    });
    session.on('Network.responseReceived', (event) => {
      const record = this.byId.get(event.requestId);
      if (!record) return;
      record.status = event.response.status;
      record.type = event.type;
      record.headers = Object.fromEntries(Object.entries(event.response.headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
      record.fromDiskCache = event.response.fromDiskCache === true;
      record.headerBytes = event.response.encodedDataLength;
    });
    session.on('Network.responseReceivedExtraInfo', (event) => {
      const record = this.byId.get(event.requestId);
      if (record) record.wireStatus = event.statusCode;
    });
    session.on('Network.dataReceived', (event) => {
      const record = this.byId.get(event.requestId);
      if (record) record.decoded += event.dataLength;
    });
    session.on('Network.loadingFinished', (event) => {
      const record = this.byId.get(event.requestId);
      if (!record) return;
      record.finishedAt = event.timestamp;
      record.transferred = event.encodedDataLength;
    });
    session.on('Network.loadingFailed', (event) => {
      const record = this.byId.get(event.requestId);
      if (!record) return;
      record.finishedAt = event.timestamp;
      record.failed = event.errorText;
    });
  }

  /** Requests started and not yet finished or failed. */
  inFlight(): number {
    return this.order.filter((record) => record.finishedAt === null).length;
  }

  stop(): LoadRecord {
    this.active = false;
    return { requests: [...this.order] };
  }
}

export const fromCache = (record: RequestRecord): boolean => record.servedFromCache || record.fromDiskCache;
export const bodyBytes = (record: RequestRecord): number => Math.max(0, record.transferred - record.headerBytes);
export const isAsset = (record: RequestRecord): boolean => record.path.startsWith('/assets/');
export const isApi = (record: RequestRecord): boolean => /^\/(api|hapi|dtm)(\/|$|\?)/.test(record.path);
export const isScript = (record: RequestRecord): boolean => record.type === 'Script' || /\.m?js(\?|$)/.test(record.path);

/** The server compresses from 1 KB (@fastify/compress threshold in src/core/http.ts). */
export const COMPRESSION_THRESHOLD = 1024;
const ONE_YEAR = 365 * 24 * 3600;

export interface LoadFigures {
  requests: number;
  /** Requests answered without the network (memory or HTTP cache). */
  cached: number;
  /** …of which from the HTTP cache proper. */
  cachedFromHttpCache: number;
  /** 304 answers to a revalidation (the page itself is `no-cache`). */
  revalidated: number;
  transferred: number;
  scriptBody: number;
  failed: string[];
}

export function figuresOf(load: LoadRecord): LoadFigures {
  const requests = load.requests;
  return {
    requests: requests.length,
    cached: requests.filter(fromCache).length,
    cachedFromHttpCache: requests.filter((record) => record.fromDiskCache).length,
    revalidated: requests.filter((record) => record.wireStatus === 304 || record.status === 304).length,
    transferred: requests.reduce((sum, record) => sum + record.transferred, 0),
    scriptBody: requests.filter((record) => isScript(record) && !fromCache(record)).reduce((sum, record) => sum + bodyBytes(record), 0),
    failed: requests
      .filter((record) => record.failed !== null || (record.status !== null && record.status >= 400))
      .map((record) => `${record.path} ${record.failed ?? record.status}`),
  };
}

/** Problems with the headers of what came over the network in a cold load (empty: all good). */
export interface HeaderFindings {
  assetsChecked: number;
  assetsNotCompressed: string[];
  assetsNotCachedLong: string[];
  apiChecked: number;
  apiNotCompressed: string[];
  /** The page itself: must be revalidated (no-cache) and carry a validator for a cheap 304. */
  documentProblems: string[];
}

function maxAge(cacheControl: string | undefined): number | null {
  const match = /(?:^|,)\s*max-age=(\d+)/i.exec(cacheControl ?? '');
  return match ? Number(match[1]) : null;
}

const describe = (record: RequestRecord, extra: string): string => `${record.path} (${extra})`;

export function checkHeaders(loads: readonly LoadRecord[]): HeaderFindings {
  const findings: HeaderFindings = { assetsChecked: 0, assetsNotCompressed: [], assetsNotCachedLong: [], apiChecked: 0, apiNotCompressed: [], documentProblems: [] };
  const seen = new Set<string>();
  for (const record of loads.flatMap((load) => load.requests)) {
    if (fromCache(record) || record.status !== 200 || record.wireStatus === 304 || seen.has(record.path)) continue;
    seen.add(record.path);
    const encoding = record.headers['content-encoding'];
    const cacheControl = record.headers['cache-control'];
    if (isAsset(record)) {
      findings.assetsChecked++;
      if (!encoding) findings.assetsNotCompressed.push(describe(record, `${record.decoded} B, no content-encoding`));
      const age = maxAge(cacheControl);
      if (age === null || age < ONE_YEAR || !/immutable/i.test(cacheControl ?? '')) {
        findings.assetsNotCachedLong.push(describe(record, `cache-control: ${cacheControl ?? 'none'}`));
      }
    } else if (isApi(record)) {
      findings.apiChecked++;
      if (!encoding && record.decoded > COMPRESSION_THRESHOLD) findings.apiNotCompressed.push(describe(record, `${record.decoded} B, no content-encoding`));
    } else if (record.type === 'Document') {
      if (!/no-cache|max-age=0/i.test(cacheControl ?? '')) findings.documentProblems.push(`${record.path}: cache-control ${cacheControl ?? 'none'} (the page must be revalidated to pick up a new build)`);
      if (!record.headers.etag && !record.headers['last-modified']) findings.documentProblems.push(`${record.path}: no ETag nor Last-Modified, so a warm load downloads the page again`);
      if (!encoding && record.decoded > COMPRESSION_THRESHOLD) findings.documentProblems.push(`${record.path}: ${record.decoded} B not compressed`);
    }
  }
  return findings;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** kB are 1,000 bytes, as in the goal "≤ 200 KB gzip". */
export const kB = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;
export const seconds = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'timed out');

/** The largest responses of a load, for "what dominates". */
export function largest(load: LoadRecord, count: number): RequestRecord[] {
  return [...load.requests].filter((record) => !fromCache(record)).sort((a, b) => b.transferred - a.transferred).slice(0, count);
}

export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_cell, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

type Listener = (params: unknown) => void;

/**
 * The service workers' own traffic. A worker is a DevTools target of its own: the page's
 * `Network.emulateNetworkConditions` does not slow what it fetches, so a page it controls would
 * get its API answers (and the precache) over an unthrottled link. Each worker is attached from
 * the browser's session (non-flat, so Playwright's own sessions are untouched), given the same
 * link, and its requests recorded. Its budget is its own, not shared with the page's: DevTools
 * throttles per target, so on the real link the worker's downloads would slow the page more.
 */
export class ServiceWorkerLink {
  /** targetId → sessionId of the workers already throttled. */
  private readonly attached = new Map<string, string>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private nextId = 1;

  private constructor(
    private readonly browser: CDPSession,
    private readonly conditions: Record<string, unknown>,
  ) {
    browser.on('Target.targetCreated', (event) => void this.throttle(event.targetInfo.targetId, event.targetInfo.type));
    browser.on('Target.receivedMessageFromTarget', (event) => {
      const message = JSON.parse(event.message) as { method?: string; params?: unknown };
      if (message.method === undefined) return;
      for (const listener of this.listeners.get(message.method) ?? []) listener(message.params);
    });
  }

  static async start(browser: CDPSession, conditions: Record<string, unknown>): Promise<ServiceWorkerLink> {
    const link = new ServiceWorkerLink(browser, conditions);
    await browser.send('Target.setDiscoverTargets', { discover: true });
    return link;
  }

  /** Throttles any worker not yet throttled (one restarted since, or created before discovery). */
  async sweep(): Promise<void> {
    const { targetInfos } = await this.browser.send('Target.getTargets');
    await Promise.all(targetInfos.map((info) => this.throttle(info.targetId, info.type)));
  }

  /** A recorder of the workers' requests from now on (the same events as a page's session). */
  recorder(): NetworkRecorder {
    const events = {
      on: (method: string, listener: Listener) => {
        const set = this.listeners.get(method) ?? new Set<Listener>();
        set.add(listener);
        this.listeners.set(method, set);
      },
    };
    // The recorder only subscribes with on(); the events carry the protocol's own parameters.
    return new NetworkRecorder(events as unknown as CDPSession);
  }

  private async throttle(targetId: string, type: string): Promise<void> {
    if (type !== 'service_worker' || this.attached.has(targetId)) return;
    this.attached.set(targetId, '');
    try {
      const { sessionId } = await this.browser.send('Target.attachToTarget', { targetId, flatten: false });
      this.attached.set(targetId, sessionId);
      for (const [method, params] of [
        ['Network.enable', {}],
        ['Network.emulateNetworkConditions', this.conditions],
      ] as const) {
        await this.browser.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: this.nextId++, method, params }) });
      }
    } catch {
      // The worker went away meanwhile: a restarted one is a new target.
      this.attached.delete(targetId);
    }
  }
}
