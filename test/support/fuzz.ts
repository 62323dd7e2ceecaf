/**
 * The one harness of the property-based (fuzz) tests: whatever a parser is given, it answers a
 * result that keeps its promises or a catalogued AppError whose message has every parameter it
 * names; never another exception. Seeds are fixed in `npm test` (fixed-seed.ts) and new in
 * `npm run fuzz`.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { AppError, catalogue, type ErrorCode } from '../../src/core/errors.js';
import type { RowIssue } from '../../src/core/tabular.js';

/** Runs are sized to take about a second each; the timeout only spares a loaded CI machine a false failure. */
export const FUZZ = { timeout: 30_000 };

/** Every placeholder of the message has its parameter: the user never reads "{row}". */
export function expectFilled(code: ErrorCode, params: Record<string, string | number>): void {
  for (const [, name] of catalogue[code].en.matchAll(/\{(\w+)\}/g)) expect(Object.hasOwn(params, name!), `${code} {${name}}`).toBe(true);
}

/**
 * Runs a parser: its result, or the AppError it threw (catalogued, parameters filled, then
 * `checkError` for what the caller promises of its own errors); anything else fails the property.
 */
export function settle<T>(run: () => T, checkError: (error: AppError) => void = () => undefined): { ok: true; value: T } | { ok: false; error: AppError } {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    expect(Object.hasOwn(catalogue, error.code), error.code).toBe(true);
    expectFilled(error.code, error.params);
    checkError(error);
    return { ok: false, error };
  }
}

/** Refused rows: catalogued, parameters filled, a real row number (in order when `ordered`), echoes cut. */
export function checkRowIssues(issues: readonly RowIssue[], options: { ordered?: boolean } = {}): void {
  let previous = 0;
  for (const issue of issues) {
    expect(Object.hasOwn(catalogue, issue.code), issue.code).toBe(true);
    expectFilled(issue.code, issue.params);
    expect(Number.isInteger(issue.row) && issue.row >= 1).toBe(true);
    if (options.ordered) expect(issue.row).toBeGreaterThanOrEqual(previous);
    previous = issue.row;
    expect((issue.value ?? '').length).toBeLessThanOrEqual(201);
  }
}

/** Mostly right, sometimes wrong: a row needs most of its cells right to reach the accepting path. */
export function mostly<T>(right: fc.Arbitrary<T>, wrong: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 5, arbitrary: right }, { weight: 1, arbitrary: wrong });
}

/** The required columns always, others at random, and now and then one required column missing. */
export function columnsOf(all: readonly string[], required: readonly string[]): fc.Arbitrary<string[]> {
  return fc.tuple(fc.subarray(all.filter((column) => !required.includes(column))), fc.option(fc.constantFrom(...required), { freq: 8 })).chain(([optional, dropped]) => {
    const columns = [...required.filter((column) => column !== dropped), ...optional];
    return fc.shuffledSubarray(columns, { minLength: columns.length });
  });
}
