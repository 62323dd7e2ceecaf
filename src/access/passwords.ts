/**
 * Passwords: Argon2id hashes, and a policy that checks length and a list of common passwords
 * (English and French). Tests use cheap parameters; production the OWASP-recommended ones.
 */
import argon2 from 'argon2';
import { AppError } from '../core/errors.js';
import { COMMON_PASSWORDS } from './common-passwords.js';
import { MIN_PASSWORD_LENGTH } from '../shared/access.js';

const cheap = process.env.VITEST !== undefined || process.env.LIPTAKO_FAST_HASH === '1';

// OWASP: Argon2id, 19 MiB, 2 iterations, 1 lane as the minimum; we use 64 MiB.
const OPTIONS = {
  type: argon2.argon2id as 2,
  ...(cheap ? { memoryCost: 1024, timeCost: 1, parallelism: 1 } : { memoryCost: 65536, timeCost: 3, parallelism: 1 }),
};

export { MIN_PASSWORD_LENGTH } from '../shared/access.js';
export const MAX_PASSWORD_LENGTH = 256;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the account does not exist, so timing does not reveal it. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword('decoy password that never matches');
  return decoy;
}

const folded = (text: string): string => text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

/** Throws a catalogued error naming what is wrong with a new password. */
export function checkPasswordPolicy(password: string, context: { email?: string; name?: string } = {}): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new AppError('auth.password.tooShort', { min: MIN_PASSWORD_LENGTH });
  if (password.length > MAX_PASSWORD_LENGTH) throw new AppError('auth.password.tooLong', { max: MAX_PASSWORD_LENGTH });
  const key = folded(password);
  const stripped = key.replace(/[^a-z0-9]/g, '');
  if (COMMON_PASSWORDS.has(key) || COMMON_PASSWORDS.has(stripped) || COMMON_PASSWORDS.has(stripped.replace(/\d+$/, ''))) {
    throw new AppError('auth.password.common');
  }
  if (new Set(key).size < 4) throw new AppError('auth.password.common');
  const local = context.email?.split('@')[0];
  if (local && local.length >= 4 && key.includes(folded(local))) throw new AppError('auth.password.personal');
  if (context.name && context.name.length >= 4 && key.includes(folded(context.name).replace(/\s+/g, ''))) throw new AppError('auth.password.personal');
}
