import { describe, expect, it } from 'vitest';
import { lookUp } from './lookup.js';

describe('lookUp', () => {
  it("answers a table's own entries, never Object's members for a key read from a file", () => {
    const sexes: Record<string, 'f' | 'm'> = { femme: 'f', homme: 'm' };
    expect(lookUp(sexes, 'femme')).toBe('f');
    for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) expect(lookUp(sexes, key)).toBeUndefined();
  });
});
