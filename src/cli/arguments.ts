/** Argument parsers shared by the `liptako` commands (commander's argParser). */
import { InvalidArgumentError } from 'commander';
import { isCalendarDate } from '../shared/dates.js';

/** A calendar date YYYY-MM-DD that exists (2021-02-30 is refused, not rolled over to March). */
export function parseDate(value: string): string {
  if (!isCalendarDate(value)) throw new InvalidArgumentError('expected a date as YYYY-MM-DD (a day that exists)');
  return value;
}
