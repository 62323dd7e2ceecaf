/** Runtime settings, read once from the environment (and overridden by CLI flags). */
import path from 'node:path';

/**
 * How long the HTTP server waits on a client, in milliseconds (0: never). Offices upload round
 * files of hundreds of MB over links of a few hundred kbit/s, so a transfer's total time says
 * little: what is timed is silence (`idleMs`: no byte either way) and the headers, which are
 * small. `requestMs` is only a backstop for a body trickled just fast enough never to be idle.
 */
export interface ServerTimeouts {
  /** A connection with no byte in or out for this long is closed (Node's socket timeout). */
  idleMs: number;
  /** The request line and headers must have arrived within this time. */
  headersMs: number;
  /** A whole request, body included, must have arrived within this time. */
  requestMs: number;
  /** An idle keep-alive connection is closed after this long (above a proxy's 60 s, so the proxy closes first). */
  keepAliveMs: number;
}

export const DEFAULT_TIMEOUTS: ServerTimeouts = {
  idleMs: 120_000,
  headersMs: 30_000,
  requestMs: 2 * 60 * 60_000,
  keepAliveMs: 72_000,
};

/** File uploads (round files, geography and plan files). */
export interface UploadSettings {
  /** Uploads one person may have in flight at once; beyond, 429 with Retry-After. */
  perUser: number;
  /** Seconds a refused upload is told to wait (Retry-After). */
  retryAfterSeconds: number;
  /** Largest DTM round file, in bytes: a million-row CSV is ~150 MB; beyond, split by region. */
  dtmFileLimit: number;
}

export const DEFAULT_UPLOADS: UploadSettings = {
  perUser: 2,
  retryAfterSeconds: 30,
  dtmFileLimit: 256 * 1024 * 1024,
};

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL connection string; null means the embedded PGlite database. */
  databaseUrl: string | null;
  /** Folder of the embedded database (PGlite). */
  dataDir: string;
  logLevel: string;
  /** Which reverse proxies to believe about the client's address and HTTPS (LIPTAKO_TRUST_PROXY). */
  trustProxy: TrustProxy;
  /** The longest lifetime of an API token, in days (LIPTAKO_TOKEN_MAX_DAYS). */
  tokenMaxDays: number;
  /** Counts below this are hidden in aggregates of people (LIPTAKO_SMALL_CELL_THRESHOLD). */
  smallCellThreshold: number;
  timeouts: ServerTimeouts;
  uploads: UploadSettings;
  /** How long a request may wait for PGlite's connection before 503 db.busy (LIPTAKO_DB_WAIT_MS). */
  databaseWaitMs: number;
  /** The built web app to serve (LIPTAKO_WEB_ROOT); undefined: the one built beside the server. */
  webRoot: string | undefined;
}

export const DEFAULT_DATABASE_WAIT_MS = 5_000;

/** Fastify's trustProxy: nobody, everybody, a number of hops, or proxy addresses and CIDR ranges. */
export type TrustProxy = boolean | number | string[];

export const DEFAULT_TOKEN_MAX_DAYS = 90;

/** Counts of people or households below this are hidden in aggregates (statistical disclosure control). */
export const DEFAULT_SMALL_CELL_THRESHOLD = 5;

/**
 * LIPTAKO_TRUST_PROXY: empty or `false` (the default: clients connect directly), `true` (any
 * peer; only when nothing but the proxy can reach the port), a hop count such as `1`, or a
 * comma-separated list of proxy addresses or CIDR ranges such as `127.0.0.1,10.0.0.0/8`.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    if (!/^[0-9A-Fa-f:.]+(\/\d{1,3})?$/.test(entry)) {
      throw new Error(`LIPTAKO_TRUST_PROXY must be true, false, a number of hops or proxy addresses (e.g. 127.0.0.1,10.0.0.0/8), not "${text}".`);
    }
  }
  return entries;
}

function parseTokenMaxDays(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_TOKEN_MAX_DAYS;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1 || days > 366) throw new Error(`LIPTAKO_TOKEN_MAX_DAYS must be a whole number of days from 1 to 366, not "${value}".`);
  return days;
}

function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a whole number between 0 and 65535, not "${value}".`);
  }
  return port;
}

function parseWhole(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new Error(`${name} must be a whole number between ${min} and ${max}, not "${value}".`);
  }
  return number;
}

/** A duration given in seconds in the environment; 0 turns that timeout off. */
function parseSeconds(name: string, value: string | undefined, fallbackMs: number): number {
  return parseWhole(name, value, fallbackMs / 1000, 0, 7 * 24 * 3600) * 1000;
}

export function readTimeouts(env: NodeJS.ProcessEnv): ServerTimeouts {
  const timeouts: ServerTimeouts = {
    idleMs: parseSeconds('LIPTAKO_IDLE_TIMEOUT', env.LIPTAKO_IDLE_TIMEOUT, DEFAULT_TIMEOUTS.idleMs),
    headersMs: parseSeconds('LIPTAKO_HEADERS_TIMEOUT', env.LIPTAKO_HEADERS_TIMEOUT, DEFAULT_TIMEOUTS.headersMs),
    requestMs: parseSeconds('LIPTAKO_REQUEST_TIMEOUT', env.LIPTAKO_REQUEST_TIMEOUT, DEFAULT_TIMEOUTS.requestMs),
    keepAliveMs: parseSeconds('LIPTAKO_KEEP_ALIVE_TIMEOUT', env.LIPTAKO_KEEP_ALIVE_TIMEOUT, DEFAULT_TIMEOUTS.keepAliveMs),
  };
  if (timeouts.keepAliveMs === 0) throw new Error('LIPTAKO_KEEP_ALIVE_TIMEOUT must be at least 1 second.');
  // Node refuses headers allowed more time than the whole request.
  if (timeouts.requestMs > 0 && (timeouts.headersMs === 0 || timeouts.headersMs > timeouts.requestMs)) {
    throw new Error('LIPTAKO_HEADERS_TIMEOUT must be set and at most LIPTAKO_REQUEST_TIMEOUT when LIPTAKO_REQUEST_TIMEOUT is set.');
  }
  return timeouts;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() ? env.DATABASE_URL.trim() : null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error('DATABASE_URL must start with postgres:// or postgresql://.');
  }
  return {
    port: parsePort(env.PORT, 3000),
    host: env.HOST?.trim() || '127.0.0.1',
    databaseUrl,
    dataDir: path.resolve(env.LIPTAKO_DATA_DIR?.trim() || '.liptako'),
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    trustProxy: parseTrustProxy(env.LIPTAKO_TRUST_PROXY),
    tokenMaxDays: parseTokenMaxDays(env.LIPTAKO_TOKEN_MAX_DAYS),
    smallCellThreshold: parseWhole('LIPTAKO_SMALL_CELL_THRESHOLD', env.LIPTAKO_SMALL_CELL_THRESHOLD, DEFAULT_SMALL_CELL_THRESHOLD, 2, 100),
    timeouts: readTimeouts(env),
    uploads: { ...DEFAULT_UPLOADS, perUser: parseWhole('LIPTAKO_UPLOADS_PER_USER', env.LIPTAKO_UPLOADS_PER_USER, DEFAULT_UPLOADS.perUser, 1, 100) },
    databaseWaitMs: parseWhole('LIPTAKO_DB_WAIT_MS', env.LIPTAKO_DB_WAIT_MS, DEFAULT_DATABASE_WAIT_MS, 100, 600_000),
    webRoot: env.LIPTAKO_WEB_ROOT?.trim() ? path.resolve(env.LIPTAKO_WEB_ROOT.trim()) : undefined,
  };
}
