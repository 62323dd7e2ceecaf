/**
 * Number and date formatting with Intl in the interface language. Pure functions (no React, no
 * i18next, no Node) so they can be unit-tested and used by the web app and the server alike.
 */
import { utcDateOf } from './dates.js';

export type Language = 'fr' | 'en';

export const LANGUAGES: readonly Language[] = ['fr', 'en'];

/** Each language in its own name, as a language picker shows it. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { fr: 'Français', en: 'English' };

export function isLanguage(value: unknown): value is Language {
  return value === 'fr' || value === 'en';
}

/** Maps any BCP 47 tag to a supported interface language: French when it is French, else English. */
export function toLanguage(tag: string | null | undefined): Language {
  return tag?.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(language: Language, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${language}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(language, options);
    numberFormats.set(key, format);
  }
  return format;
}

/** 1234567 → "1 234 567" in French (narrow no-break spaces), "1,234,567" in English. */
export function formatNumber(value: number, language: Language): string {
  return numberFormat(language).format(value);
}

/** Bytes as B/kB/MB in the language's units ("12,5 Mo" in French, "12.5 MB" in English). */
export function formatBytes(bytes: number, language: Language): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let index = 0;
  while (value >= 1000 && index < units.length - 1) {
    value /= 1000;
    index += 1;
  }
  const unit = units[index] ?? 'byte';
  return numberFormat(language, {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: index === 0 || value >= 100 ? 0 : 1,
  }).format(value);
}

/**
 * A calendar date "YYYY-MM-DD" → "23 mars 2020" / "Mar 23, 2020" ("long": "23 mars 2020" /
 * "March 23, 2020"). Anything else is returned as is.
 */
export function formatDate(isoDate: string | null | undefined, language: Language, style: 'medium' | 'long' = 'medium'): string {
  if (!isoDate) return '';
  const date = utcDateOf(isoDate);
  if (date === null) return isoDate;
  return new Intl.DateTimeFormat(language, { dateStyle: style, timeZone: 'UTC' }).format(date);
}

/** A timestamp (ISO 8601) → date and time in the browser's time zone. */
export function formatDateTime(timestamp: string | null | undefined, language: Language): string {
  if (!timestamp) return '';
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return timestamp;
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** Today's date in the browser's time zone as "YYYY-MM-DD" (what `<input type="date">` uses). */
export function todayIso(now: Date = new Date()): string {
  const month = String(now.getMonth() + 1).padStart(2, '0');
  const day = String(now.getDate()).padStart(2, '0');
  return `${now.getFullYear()}-${month}-${day}`;
}

/** Currencies shown with their symbol in French ("68 350 000 $US", "1 000 000 €"); others by code. */
const FRENCH_SYMBOLS = new Set(['USD', 'EUR']);

/**
 * An amount of money: "68 350 000 $US" / "655 957 000 XOF" in French, "USD 68,350,000" in English
 * (codes, never a bare "$": XOF and XAF must stay apart). Cents only when there are some.
 */
export function formatMoney(value: number, currency: string, language: Language): string {
  const code = currency.toUpperCase();
  const digits = Number.isInteger(Math.round(value * 100) / 100) ? 0 : 2;
  try {
    return numberFormat(language, {
      style: 'currency',
      currency: code,
      currencyDisplay: language === 'fr' && FRENCH_SYMBOLS.has(code) ? 'symbol' : 'code',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
  } catch {
    // Not a currency Intl knows: the number, then the code as given.
    return `${numberFormat(language, { maximumFractionDigits: 2 }).format(value)} ${currency}`;
  }
}

/** A percentage given as 0–100 (12.3 → "12,3 %" / "12.3%"). */
export function formatPercent(percent: number, language: Language): string {
  return numberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(percent / 100);
}

/** A short number for chart axes: 1200000 → "1,2 M" / "1.2M"; 1250000 → "1,25 M". */
export function formatCompact(value: number, language: Language): string {
  return numberFormat(language, { notation: 'compact', maximumFractionDigits: 2 }).format(value);
}

/** A decimal with up to `digits` decimals ("0,001829" / "0.001829"). */
export function formatDecimal(value: number, language: Language, digits = 6): string {
  return numberFormat(language, { maximumFractionDigits: digits }).format(value);
}

const regionNames = new Map<Language, Intl.DisplayNames>();

/** ISO 3166 alpha-2 code → country name in the language ("NE" → "Niger"); the code when unknown. */
export function formatCountry(iso2: string, language: Language): string {
  let names = regionNames.get(language);
  if (!names) {
    names = new Intl.DisplayNames([language], { type: 'region' });
    regionNames.set(language, names);
  }
  try {
    return names.of(iso2.toUpperCase()) ?? iso2;
  } catch {
    return iso2;
  }
}
