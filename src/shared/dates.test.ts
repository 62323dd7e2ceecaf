import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCalendarDate, utcDateOf } from './dates.js';

describe('isCalendarDate', () => {
  it('accepts real days, leap days included', () => {
    for (const date of ['2024-02-29', '2000-02-29', '2021-02-28', '2021-12-31', '2021-04-30', '9999-12-31']) {
      expect(isCalendarDate(date), date).toBe(true);
    }
  });

  it('refuses days that do not exist, which Date.parse rolls over', () => {
    expect(Number.isNaN(Date.parse('2021-02-30'))).toBe(false);
    for (const date of ['2021-02-30', '2021-02-29', '1900-02-29', '2100-02-29', '2021-04-31', '2021-06-31', '2021-13-01', '2021-00-10', '2021-01-00', '2021-01-32', '0000-01-01', '0021-01-01', '0999-12-31']) {
      expect(isCalendarDate(date), date).toBe(false);
    }
  });

  it('refuses anything but exactly YYYY-MM-DD', () => {
    for (const value of ['2021-2-3', '21-02-03', '2021/02/03', '03/02/2021', ' 2021-02-03', '2021-02-03 ', '2021-02-03T00:00:00Z', '20210203', '', '２０２１-02-03', null, undefined, 20210203]) {
      expect(isCalendarDate(value), String(value)).toBe(false);
    }
  });

  it('property: agrees with the calendar for every day of years 1000–9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (year, month, day) => {
        const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        // The reference: a day exists when the calendar gives it back unchanged.
        const date = new Date(0);
        date.setUTCFullYear(year, month - 1, day);
        const exists = month >= 1 && month <= 12 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
        expect(isCalendarDate(text)).toBe(exists);
      }),
    );
  });
});

describe('utcDateOf', () => {
  it('is midnight UTC of that day', () => {
    expect(utcDateOf('2024-02-29')?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(utcDateOf('1000-03-01')?.toISOString()).toBe('1000-03-01T00:00:00.000Z');
    expect(utcDateOf('2021-02-30')).toBeNull();
  });
});
