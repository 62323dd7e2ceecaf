/**
 * Value readers of a plan definition: each reports its own problems (path, line, catalogue code)
 * and returns a fallback when the value is bad, so that every problem of a file is collected.
 */
import { closest, distance } from 'fastest-levenshtein';
import { truncateForEcho } from '../core/tabular.js';
import { iso2ToIso3, iso3ToIso2 } from '../geo/pcode.js';
import { isCalendarDate } from '../shared/dates.js';
import { NAME_KEYS } from './definition-rules.js';
import { Problems, type Segment } from './definition-yaml.js';
import { lookUp } from '../shared/lookup.js';

// Value readers: each reports its own problems and returns a fallback when the value is bad
// (the fallback is never returned to the caller: any problem ends in an error).
// ---------------------------------------------------------------------------------------------

export type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

export function own(mapping: Mapping, key: string): unknown {
  return lookUp(mapping, key);
}

/** A value as it can be shown back to the user; aliases can make cycles, so stringify may throw. */
export function echo(value: unknown): string {
  if (typeof value === 'string') return truncateForEcho(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value === null || typeof value !== 'object') return String(value);
  const placeholder = Array.isArray(value) ? '[…]' : '{…}';
  try {
    return truncateForEcho(JSON.stringify(value) ?? placeholder);
  } catch {
    return placeholder;
  }
}

export function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function characters(text: string): number {
  // Counted as PostgreSQL's length() does: code points, not UTF-16 units.
  return [...text].length;
}

export class Reader {
  constructor(readonly problems: Problems) {}

  mapping(value: unknown, at: readonly Segment[], keys: readonly string[]): Mapping | undefined {
    if (!isMapping(value)) {
      this.problems.add(at, 'plans.definition.notMapping', { value: echo(value) });
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (keys.includes(key)) continue;
      const suggestion = closest(key, [...keys]);
      const close = distance(key.toLowerCase(), suggestion.toLowerCase()) <= Math.max(2, Math.floor(suggestion.length / 3));
      if (close) this.problems.add([...at, key], 'plans.definition.unknownKeySuggestion', { key, suggestion });
      else this.problems.add([...at, key], 'plans.definition.unknownKey', { key, expected: keys.join(', ') });
    }
    return value;
  }

  list(mapping: Mapping, key: string, at: readonly Segment[], limit: number, required = false): unknown[] | undefined {
    const value = own(mapping, key);
    const where = [...at, key];
    if (value === undefined || value === null) {
      if (required) this.problems.add(where, 'plans.definition.missing');
      return required ? undefined : [];
    }
    if (!Array.isArray(value)) {
      this.problems.add(where, 'plans.definition.notList', { value: echo(value) });
      return undefined;
    }
    const items = value as unknown[];
    if (items.length > limit) {
      // The entries are not read: a list past the limit is refused whole, at bounded cost.
      this.problems.add(where, 'plans.definition.tooMany', { count: items.length, limit });
      return undefined;
    }
    if (required && items.length === 0) this.problems.add(where, 'plans.definition.listEmpty');
    return items;
  }

  /** Trimmed text; '' when absent and optional (callers map it to null). */
  text(value: unknown, where: readonly Segment[], options: { required: boolean; limit: number; singleLine?: boolean }): string {
    if (isAbsent(value)) {
      if (options.required) this.problems.add(where, 'plans.definition.missing');
      return '';
    }
    if (typeof value !== 'string') {
      this.problems.add(where, 'plans.definition.notText', { value: echo(value) });
      return '';
    }
    // Names written as folded or literal YAML blocks keep their line breaks; a name is one line.
    const text = options.singleLine === true ? value.replace(/\s+/g, ' ').trim() : value.trim();
    const length = characters(text);
    if (length > options.limit) {
      this.problems.add(where, 'plans.definition.textTooLong', { length, limit: options.limit });
      return '';
    }
    return text;
  }

  name(mapping: Mapping, at: readonly Segment[], limit: number): { en: string; fr: string } {
    const where = [...at, 'name'];
    const value = own(mapping, 'name');
    if (isAbsent(value)) {
      this.problems.add(where, 'plans.definition.missing');
      return { en: '', fr: '' };
    }
    const name = this.mapping(value, where, NAME_KEYS);
    if (name === undefined) return { en: '', fr: '' };
    return {
      en: this.text(own(name, 'en'), [...where, 'en'], { required: true, limit, singleLine: true }),
      fr: this.text(own(name, 'fr'), [...where, 'fr'], { required: true, limit, singleLine: true }),
    };
  }

  optionalText(mapping: Mapping, key: string, at: readonly Segment[], limit: number): string | null {
    const text = this.text(own(mapping, key), [...at, key], { required: false, limit });
    return text === '' ? null : text;
  }

  oneOf<T extends string>(value: unknown, where: readonly Segment[], allowed: readonly T[], normalise: (text: string) => string): T | undefined {
    if (isAbsent(value)) {
      this.problems.add(where, 'plans.definition.missing');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.problems.add(where, 'plans.definition.notText', { value: echo(value) });
      return undefined;
    }
    const candidate = normalise(value.trim());
    const found = allowed.find((item) => item === candidate);
    if (found === undefined) this.problems.add(where, 'plans.definition.notAllowed', { value, expected: allowed.join(', ') });
    return found;
  }

  date(mapping: Mapping, key: string, at: readonly Segment[]): string | undefined {
    const value = own(mapping, key);
    const where = [...at, key];
    if (isAbsent(value)) {
      this.problems.add(where, 'plans.definition.missing');
      return undefined;
    }
    // A `%YAML 1.1` file turns 2021-01-01 into a timestamp; midnight UTC is that same date.
    if (value instanceof Date && !Number.isNaN(value.getTime()) && value.toISOString().endsWith('T00:00:00.000Z')) {
      return value.toISOString().slice(0, 10);
    }
    const text = typeof value === 'string' ? value.trim() : undefined;
    if (text !== undefined && isCalendarDate(text)) return text;
    this.problems.add(where, 'plans.definition.dateInvalid', { value: echo(value) });
    return undefined;
  }

  country(value: unknown, where: readonly Segment[]): string | undefined {
    if (isAbsent(value)) {
      this.problems.add(where, 'plans.definition.missing');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.problems.add(where, 'plans.definition.countryInvalid', { value: echo(value) });
      return undefined;
    }
    const code = value.trim().toUpperCase();
    const iso2 = code.length === 2 && iso2ToIso3(code) !== undefined ? code : code.length === 3 ? iso3ToIso2(code) : undefined;
    if (iso2 === undefined) this.problems.add(where, 'plans.definition.countryInvalid', { value });
    return iso2;
  }

  /** Amounts and counts: numbers, or text with `,` or space thousands separators. */
  figure(mapping: Mapping, key: string, at: readonly Segment[], kind: 'amount' | 'count', limit: number): number | null {
    const value = own(mapping, key);
    const where = [...at, key];
    if (isAbsent(value)) return null;
    const invalid = kind === 'amount' ? 'plans.definition.amountInvalid' : 'plans.definition.countInvalid';
    const parsed = parseFigure(value, kind);
    if (parsed === undefined) {
      this.problems.add(where, invalid, { value: echo(value) });
      return null;
    }
    if (parsed < 0) {
      this.problems.add(where, 'plans.definition.numberNegative', { value: echo(value) });
      return null;
    }
    if (parsed > limit) {
      this.problems.add(where, 'plans.definition.numberTooLarge', { value: echo(value), limit: String(limit) });
      return null;
    }
    return parsed;
  }
}

/** Digits with one kind of thousands separator (`,` or a space of any width), then decimals. */
const GROUPED_NUMBER = /^(\d{1,3})((?:([, ])\d{3})(?:\3\d{3})*)(\.\d+)?$/;
const PLAIN_NUMBER = /^\d+(\.\d+)?$/;

/**
 * The number a figure stands for, negative when it is written negative (so that the message can
 * say so), undefined when it is not a figure. More than 2 decimals for an amount, or any for a
 * count, is refused: the database keeps cents, and a fraction of a person is a typo.
 */
export function parseFigure(value: unknown, kind: 'amount' | 'count'): number | undefined {
  let number: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    number = value === 0 ? 0 : value;
  } else if (typeof value === 'string') {
    let text = value.trim().replace(/[\u00A0\u2007\u202F]/g, ' ');
    let sign = 1;
    if (text.startsWith('-') || text.startsWith('\u2212')) {
      sign = -1;
      text = text.slice(1).trimStart();
    }
    let digits: string | undefined;
    if (PLAIN_NUMBER.test(text)) digits = text;
    else {
      const match = GROUPED_NUMBER.exec(text);
      if (match !== null) digits = `${match[1] ?? ''}${(match[2] ?? '').replace(/[, ]/g, '')}${match[4] ?? ''}`;
    }
    if (digits === undefined) return undefined;
    const decimals = digits.includes('.') ? (digits.split('.')[1]?.length ?? 0) : 0;
    if (decimals > (kind === 'amount' ? 2 : 0)) return undefined;
    number = sign * Number(digits);
    if (!Number.isFinite(number)) return undefined;
    if (number === 0) number = 0;
  } else {
    return undefined;
  }
  if (kind === 'count' && !Number.isInteger(number)) return undefined;
  if (kind === 'amount' && Math.round(number * 100) / 100 !== number) return undefined;
  return number;
}
