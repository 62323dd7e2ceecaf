import { describe, expect, it } from 'vitest';
import { formatBytes, formatDate, formatNumber, isIsoDate, todayIso, toLanguage } from './format.js';

describe('formatNumber', () => {
  it('groups thousands the French way (narrow no-break spaces)', () => {
    expect(formatNumber(1234567, 'fr')).toBe('1\u202f234\u202f567');
  });
  it('groups thousands the English way', () => {
    expect(formatNumber(1234567, 'en')).toBe('1,234,567');
  });
});

describe('formatDate', () => {
  it('formats a calendar date without shifting it by the time zone', () => {
    expect(formatDate('2020-03-23', 'fr')).toBe('23 mars 2020');
    expect(formatDate('2020-03-23', 'en')).toBe('Mar 23, 2020');
    expect(formatDate('2025-07-02', 'fr', 'long')).toBe('2 juillet 2025');
    expect(formatDate('2025-07-02', 'en', 'long')).toBe('July 2, 2025');
  });
  it('leaves what is not a date as is', () => {
    expect(formatDate('soon', 'en')).toBe('soon');
    expect(formatDate(null, 'en')).toBe('');
  });
});

describe('formatBytes', () => {
  it('uses the language’s units', () => {
    expect(formatBytes(512, 'en')).toMatch(/^512\sbyte/);
    expect(formatBytes(2_500_000, 'en')).toBe('2.5 MB');
    expect(formatBytes(2_500_000, 'fr')).toMatch(/^2,5\sMo$/);
  });
});

describe('dates and languages', () => {
  it('gives today as YYYY-MM-DD in local time', () => {
    expect(todayIso(new Date(2025, 0, 5, 23, 30))).toBe('2025-01-05');
  });
  it('checks calendar dates', () => {
    expect(isIsoDate('2025-02-28')).toBe(true);
    expect(isIsoDate('2025-02-30')).toBe(false);
    expect(isIsoDate('28/02/2025')).toBe(false);
  });
  it('maps browser languages to fr or en', () => {
    expect(toLanguage('fr-BF')).toBe('fr');
    expect(toLanguage('FR')).toBe('fr');
    expect(toLanguage('de-DE')).toBe('en');
    expect(toLanguage(undefined)).toBe('en');
  });
});
