/**
 * E-mail addresses as account names: NFKC-normalised, and refused when they hold invisible
 * characters or look-alikes, so nobody can create "аdmin@…" (a Cyrillic а) or "admin\u200b@…"
 * (a zero-width space) beside the real administrator.
 */
import { AppError } from '../core/errors.js';

// Format characters (zero-width spaces and joiners, direction marks and overrides, soft hyphen,
// byte-order mark), controls, and every kind of space: none belongs in an address.
const INVISIBLE = /[\p{Cf}\p{Cc}\p{Z}\u115f\u1160\u3164\uffa0]|\u034f|[\ufe00-\ufe0f]/u;

// Japanese mixes three scripts by design; they count as one here.
const SCRIPTS: ReadonlyArray<readonly [string, RegExp]> = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Georgian', /\p{Script=Georgian}/u],
  ['Han', /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Thai', /\p{Script=Thai}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Ethiopic', /\p{Script=Ethiopic}/u],
  ['Tifinagh', /\p{Script=Tifinagh}/u],
  ['Nko', /\p{Script=Nko}/u],
];

function scriptOf(letter: string): string {
  return SCRIPTS.find(([, pattern]) => pattern.test(letter))?.[0] ?? 'Other';
}

/** Letters of more than one script in one part (local part or domain label) of the address. */
function mixesScripts(address: string): boolean {
  return address.split(/[@.+_-]/).some((part) => new Set([...part].filter((character) => /\p{L}/u.test(character)).map(scriptOf)).size > 1);
}

/** The address to look an account up with: never refused, so sign-in answers stay uniform. */
export function lookupEmail(raw: string): string {
  return raw.trim().normalize('NFKC');
}

/** The key under which sign-in failures are counted (case does not make another account). */
export function throttleKey(raw: string): string {
  return lookupEmail(raw).toLowerCase().slice(0, 320);
}

/** The address to store for a new account; throws a catalogued error when it could deceive. */
export function accountEmail(raw: string): string {
  const trimmed = raw.trim();
  if (INVISIBLE.test(trimmed)) throw new AppError('auth.email.invisible');
  const normalised = trimmed.normalize('NFKC');
  // Compatibility characters (full-width letters, ligatures, superscripts) change under NFKC
  // but not under NFC: an address typed with them only pretends to be another one.
  if (normalised !== trimmed.normalize('NFC') || mixesScripts(normalised)) throw new AppError('auth.email.confusable');
  if (!/^[^@\s]{1,64}@[^@\s]{1,255}$/u.test(normalised)) throw new AppError('auth.email.invalid');
  return normalised;
}
