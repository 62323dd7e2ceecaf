import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatCompact,
  formatCountry,
  formatDate,
  formatDecimal,
  formatMoney,
  formatNumber,
  formatPercent,
  todayIso,
  toLanguage,
} from './format.js';

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
  it('leaves a day that does not exist as written rather than rolling it over', () => {
    expect(formatDate('2025-02-30', 'en')).toBe('2025-02-30');
  });
  it('maps browser languages to fr or en', () => {
    expect(toLanguage('fr-BF')).toBe('fr');
    expect(toLanguage('FR')).toBe('fr');
    expect(toLanguage('de-DE')).toBe('en');
    expect(toLanguage(undefined)).toBe('en');
  });
});

describe('money and percentages', () => {
  const spaces = (text: string) => text.replace(/[\u202f\u00a0]/g, ' ');
  it('writes US dollars the French and the English way', () => {
    expect(spaces(formatMoney(68_350_000, 'USD', 'fr'))).toBe('68 350 000 $US');
    expect(spaces(formatMoney(68_350_000, 'USD', 'en'))).toBe('USD 68,350,000');
  });
  it('keeps the CFA francs apart by code and shows cents only when there are some', () => {
    expect(spaces(formatMoney(655_957_000, 'XOF', 'fr'))).toBe('655 957 000 XOF');
    expect(spaces(formatMoney(1_000_000, 'XAF', 'en'))).toBe('XAF 1,000,000');
    expect(spaces(formatMoney(1234.5, 'EUR', 'fr'))).toBe('1 234,50 €');
  });
  it('falls back to the code for a currency Intl does not know', () => {
    expect(spaces(formatMoney(12, 'ZZZZ', 'en'))).toBe('12 ZZZZ');
  });
  it('formats percentages given as 0–100, compact numbers and countries', () => {
    expect(spaces(formatPercent(12.3, 'fr'))).toBe('12,3 %');
    expect(formatPercent(12.3, 'en')).toBe('12.3%');
    expect(spaces(formatCompact(1_200_000, 'fr'))).toBe('1,2 M');
    expect(formatCompact(1_200_000, 'en')).toBe('1.2M');
    expect(formatCountry('BF', 'fr')).toBe('Burkina Faso');
    expect(formatCountry('ML', 'en')).toBe('Mali');
    expect(formatDecimal(1.2 / 655.957, 'fr')).toBe('0,001829');
  });
});

describe('compact numbers', () => {
  it('keep two decimals so axis ticks stay distinct', () => {
    expect(formatCompact(1_250_000, 'en')).toBe('1.25M');
  });
});
