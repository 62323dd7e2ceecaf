/**
 * Passwords: Argon2id hashes, run a few at a time, and a policy that estimates how guessable a
 * new password is (zxcvbn: breach lists, English and French words, names, keyboard rows,
 * repeats, sequences, dates, l33t substitutions) rather than looking it up in a list.
 * Tests use cheap hash parameters; production the OWASP-recommended ones.
 */
import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import * as french from '@zxcvbn-ts/language-fr';
import argon2 from 'argon2';
import { AppError, type ErrorCode } from '../core/errors.js';
import { MIN_PASSWORD_LENGTH } from '../shared/access.js';
import { RESPONSE_WORDS } from './response-words.js';

const cheap = process.env.VITEST !== undefined || process.env.LIPTAKO_FAST_HASH === '1';

// OWASP: Argon2id, 19 MiB, 2 iterations, 1 lane as the minimum; we use 64 MiB.
const OPTIONS = {
  type: argon2.argon2id as 2,
  ...(cheap ? { memoryCost: 1024, timeCost: 1, parallelism: 1 } : { memoryCost: 65536, timeCost: 3, parallelism: 1 }),
};

export { MIN_PASSWORD_LENGTH } from '../shared/access.js';
export const MAX_PASSWORD_LENGTH = 256;
/** At least 10^12 guesses: out of reach of an online attacker, and costly offline against Argon2id. */
export const MIN_GUESSES_LOG10 = 12;

/**
 * Runs at most `concurrent` pieces of work at once; up to `queue` more wait their turn, and
 * beyond that the caller is told to come back. A few lines rather than a dependency: p-limit
 * and its kin queue without bound, which is the very thing to avoid here.
 */
export class BoundedQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private concurrent: number,
    private queue: number,
  ) {}

  resize(concurrent: number, queue: number): void {
    this.concurrent = Math.max(1, concurrent);
    this.queue = Math.max(0, queue);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrent) {
      if (this.waiting.length >= this.queue) throw new AppError('server.busy', {}, { retryAfter: 2 });
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

// Each hash holds 64 MiB and a libuv thread (4 by default, shared with files and compression):
// two at a time leave the others to serve pages; 32 waiting is a few seconds of work.
const hashing = new BoundedQueue(2, 32);

/** Sets how many hashes run at once and how many may wait (the whole process shares them). */
export function configurePasswordHashing(limits: { concurrent: number; queue: number }): void {
  hashing.resize(limits.concurrent, limits.queue);
}

export function hashPassword(password: string): Promise<string> {
  return hashing.run(() => argon2.hash(password, OPTIONS));
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  return hashing.run(async () => {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  });
}

/** A hash to verify against when there is no real one to check, so every answer costs the same. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= argon2.hash('decoy password that never matches', OPTIONS);
  return decoy;
}

const folded = (text: string): string => text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

let estimator: ZxcvbnFactory | undefined;
function strengthEstimator(): ZxcvbnFactory {
  // Built on first use: loading the dictionaries takes a few hundred milliseconds.
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary, ...french.dictionary, response: [...RESPONSE_WORDS] },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
  return estimator;
}

// What makes a password guessable, by the estimator's name for the pattern.
const WEAKNESS: Record<string, ErrorCode> = {
  dictionary: 'auth.password.common',
  repeat: 'auth.password.repeated',
  sequence: 'auth.password.sequence',
  spatial: 'auth.password.keyboard',
  date: 'auth.password.dates',
  regex: 'auth.password.dates',
  personal: 'auth.password.personal',
};

/** The catalogue code naming the pattern that covers most of the password. */
function weakness(result: ZxcvbnResult): ErrorCode {
  let widest: { pattern: string; length: number } | undefined;
  for (const match of result.sequence) {
    const length = match.j - match.i + 1;
    const pattern = 'dictionaryName' in match && match.dictionaryName === 'userInputs' ? 'personal' : match.pattern;
    if (pattern !== 'bruteforce' && pattern !== 'separator' && (widest === undefined || length > widest.length)) widest = { pattern, length };
  }
  return (widest && WEAKNESS[widest.pattern]) ?? 'auth.password.weak';
}

/** Throws a catalogued error naming what is wrong with a new password. */
export function checkPasswordPolicy(password: string, context: { email?: string; name?: string } = {}): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new AppError('auth.password.tooShort', { min: MIN_PASSWORD_LENGTH });
  if (password.length > MAX_PASSWORD_LENGTH) throw new AppError('auth.password.tooLong', { max: MAX_PASSWORD_LENGTH });
  const key = folded(password);
  const local = context.email?.split('@')[0];
  if (local && local.length >= 4 && key.includes(folded(local))) throw new AppError('auth.password.personal');
  if (context.name && context.name.length >= 4 && key.includes(folded(context.name).replace(/\s+/g, ''))) throw new AppError('auth.password.personal');
  const personal = [local, ...(context.name ?? '').split(/\s+/)].filter((word): word is string => word !== undefined && word.length >= 3).map(folded);
  const result = strengthEstimator().check(password, personal);
  if (result.guessesLog10 < MIN_GUESSES_LOG10) throw new AppError(weakness(result));
}
