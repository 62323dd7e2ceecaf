import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseDate } from './arguments.js';

describe('parseDate (the CLI’s --date, --from, --to and --valid-from)', () => {
  it('takes a day that exists, leap days included', () => {
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
    expect(parseDate('2021-03-31')).toBe('2021-03-31');
  });
  it('refuses 2021-02-30 instead of rolling it over to 2 March', () => {
    for (const value of ['2021-02-30', '2021-02-29', '2021-04-31', '31/03/2021', '2021-3-1', '']) {
      expect(() => parseDate(value), value).toThrow(InvalidArgumentError);
    }
  });
});
