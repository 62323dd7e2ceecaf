/** Runtime settings, read once from the environment (and overridden by CLI flags). */
import path from 'node:path';

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
}

/** Fastify's trustProxy: nobody, everybody, a number of hops, or proxy addresses and CIDR ranges. */
export type TrustProxy = boolean | number | string[];

export const DEFAULT_TOKEN_MAX_DAYS = 90;

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
  };
}
