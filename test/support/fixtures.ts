/**
 * Real-world fixtures live outside the repository, in ../shared/data relative to the project
 * root (see that folder's README). Tests that need one skip, naming the file, when it is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

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
