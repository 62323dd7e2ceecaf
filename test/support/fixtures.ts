/**
 * Real-world fixtures live outside the repository, in ../shared/data relative to the project
 * root (see that folder's README). Tests that need one skip, naming the file, when it is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeText } from '../../src/core/tabular.js';

export const SHARED_DATA = path.resolve(process.cwd(), '../shared/data');

export function fixturePath(relative: string): string {
  return path.join(SHARED_DATA, relative);
}

export function hasFixture(relative: string): boolean {
  const present = existsSync(fixturePath(relative));
  if (!present) console.warn(`[skipped] fixture ../shared/data/${relative} is absent`);
  return present;
}

export function readFixture(relative: string): Buffer {
  return readFileSync(fixturePath(relative));
}

export interface SharedFixture {
  exists: boolean;
  /** Test title, saying which file is missing when the test is skipped. */
  title: (what: string) => string;
  bytes: () => Uint8Array;
  text: () => string;
}

/** A file of ../shared/data for `it.skipIf(!fixture.exists)(fixture.title(…))`: the skip names the missing file. */
export function sharedFixture(relative: string): SharedFixture {
  const file = fixturePath(relative);
  const exists = existsSync(file);
  return {
    exists,
    title: (what) => (exists ? what : `${what} — SKIPPED: fixture ../shared/data/${relative} not found`),
    bytes: () => new Uint8Array(readFileSync(file)),
    text: () => decodeText(new Uint8Array(readFileSync(file))),
  };
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

