/**
 * Personal data sealed at rest (AES-256-GCM) with keys kept outside the database: a copy of the
 * database, a backup or a stolen disk of the database server shows no name, phone or identity
 * document of a displaced person without the key as well.
 *
 * Keys are named (`2026-12:…`) so that they can be rotated: the first key seals, every listed key
 * opens, and `liptako assistance rekey` seals again with the first key whatever an older one
 * sealed (docs/assistance.md, "Keys and their rotation"). A sealed value is text:
 * `s1:<key id>:<base64url of nonce, ciphertext and tag>`; the database checks the prefix, so
 * plain text cannot be stored there by mistake.
 *
 * Where the keys come from: LIPTAKO_DATA_KEYS (comma-separated `id:base64 of 32 bytes`, for a
 * server whose secrets come from its environment), else LIPTAKO_DATA_KEY_FILE, else the file
 * `data-keys` in the data folder, made on first start with a new key (the embedded database of
 * `npm start`; an operator backs it up apart from the database).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError, UNWRITABLE_CODES } from './errors.js';

export interface DataKey {
  id: string;
  key: Buffer;
}

export interface DataKeyring {
  /** Seals new values. */
  current: DataKey;
  /** Every key that may open a stored value, the current one included. */
  byId: ReadonlyMap<string, Buffer>;
}

const PREFIX = 's1:';
const KEY_ID = /^[A-Za-z0-9_.-]{1,40}$/;

/** `2026-12:base64,2025-06:base64`: the first seals; all open. Throws a message naming the bad part (never the key). */
export function parseDataKeys(text: string, source: string): DataKeyring {
  const keys: DataKey[] = [];
  for (const [index, part] of text.split(/[,\n]/).map((entry) => entry.trim()).filter((entry) => entry !== '' && !entry.startsWith('#')).entries()) {
    const colon = part.indexOf(':');
    const id = colon === -1 ? '' : part.slice(0, colon);
    const key = colon === -1 ? Buffer.alloc(0) : Buffer.from(part.slice(colon + 1), 'base64');
    if (!KEY_ID.test(id) || key.length !== 32) {
      throw new Error(`${source}: key ${index + 1} must be "id:base64 of 32 random bytes" (id of letters, digits, - _ .; e.g. made by \`openssl rand -base64 32\`).`);
    }
    if (keys.some((known) => known.id === id)) throw new Error(`${source}: key id "${id}" is listed twice.`);
    keys.push({ id, key });
  }
  if (keys.length === 0) throw new Error(`${source} lists no key.`);
  return { current: keys[0]!, byId: new Map(keys.map((entry) => [entry.id, entry.key])) };
}

/** A new key as a line of a keys file: named by the month it was made. */
export function newDataKeyLine(now = new Date()): string {
  return `${now.toISOString().slice(0, 7)}-${randomBytes(3).toString('hex')}:${randomBytes(32).toString('base64')}`;
}

/** The keyring of this process, from the environment or a file (see the top of this file). */
export function readDataKeys(env: NodeJS.ProcessEnv, dataDir: string): DataKeyring {
  if (env.LIPTAKO_DATA_KEYS?.trim()) return parseDataKeys(env.LIPTAKO_DATA_KEYS, 'LIPTAKO_DATA_KEYS');
  const file = env.LIPTAKO_DATA_KEY_FILE?.trim() ? path.resolve(env.LIPTAKO_DATA_KEY_FILE.trim()) : path.join(dataDir, 'data-keys');
  if (!existsSync(file)) {
    if (env.LIPTAKO_DATA_KEY_FILE?.trim()) throw new Error(`LIPTAKO_DATA_KEY_FILE: ${file} does not exist.`);
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `# Keys that seal personal data (docs/assistance.md). Keep a copy apart from the database.\n${newDataKeyLine()}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // A read-only or full data folder: the same catalogued answer as the database's own check gives.
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (UNWRITABLE_CODES.has(code)) throw new AppError('db.folderNotWritable', { folder: path.dirname(file), reason: code }, { cause: error });
      throw error;
    }
  }
  try {
    chmodSync(file, 0o600);
  } catch {
    // A read-only folder whose keys file exists: it is read as it is; the database says if it must write.
  }
  return parseDataKeys(readFileSync(file, 'utf8'), file);
}

let processKeyring: DataKeyring | null = null;

/** Set once at start (server, CLI, tests): every module that seals reads it from here. */
export function useDataKeys(keyring: DataKeyring): void {
  processKeyring = keyring;
}

function keyring(): DataKeyring {
  if (processKeyring === null) throw new Error('No data keys: the server, CLI or test must call useDataKeys() before personal data is read or written.');
  return processKeyring;
}

/** Seals a value with the current key; null stays null. */
export function seal(value: string): string;
export function seal(value: string | null): string | null;
export function seal(value: string | null): string | null {
  if (value === null) return null;
  const { current } = keyring();
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', current.key, nonce);
  const sealed = Buffer.concat([nonce, cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${current.id}:${sealed.toString('base64url')}`;
}

export class UnreadableSealError extends Error {}

/**
 * Opens a sealed value. A value without the prefix is returned as it is: rows stored before the
 * columns were sealed, until `rekey` seals them. A key no longer listed, or a value altered,
 * throws (never a wrong name shown in silence).
 */
export function unseal(value: string): string;
export function unseal(value: string | null): string | null;
export function unseal(value: string | null): string | null {
  if (value === null || !value.startsWith(PREFIX)) return value;
  const colon = value.indexOf(':', PREFIX.length);
  const id = value.slice(PREFIX.length, colon);
  const key = colon === -1 ? undefined : keyring().byId.get(id);
  if (key === undefined) throw new UnreadableSealError(`A value sealed with key "${id.slice(0, 40)}", which is not among the data keys.`);
  const sealed = Buffer.from(value.slice(colon + 1), 'base64url');
  if (sealed.length < 28) throw new UnreadableSealError('A sealed value is too short to be one.');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new UnreadableSealError('A sealed value does not open with its key: it was altered.', { cause });
  }
}

/** The id of the key a stored value is sealed with; null for a value stored before sealing (or null). */
export function sealKeyId(value: string | null): string | null {
  if (value === null || !value.startsWith(PREFIX)) return null;
  const colon = value.indexOf(':', PREFIX.length);
  return colon === -1 ? null : value.slice(PREFIX.length, colon);
}

/** Whether this process holds the key a stored value is sealed with (a value stored before sealing needs none). */
export function canOpen(value: string | null): boolean {
  const id = sealKeyId(value);
  return id === null || keyring().byId.has(id);
}

/** Whether a stored value is sealed with the current key (`rekey` leaves those alone). */
export function sealedWithCurrentKey(value: string | null): boolean {
  return value === null || value.startsWith(`${PREFIX}${keyring().current.id}:`);
}

/** The SQL LIKE pattern of values sealed with the current key. */
export function currentSealPattern(): string {
  return `${PREFIX}${keyring().current.id.replace(/[_%\\]/g, (character) => `\\${character}`)}:%`;
}
