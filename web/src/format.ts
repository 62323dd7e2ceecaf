/**
 * Number and date formatting with Intl in the interface language. Pure functions (no React, no
 * i18next) so they can be unit-tested and used anywhere.
 */
export type Language = 'fr' | 'en';

export const LANGUAGES: readonly Language[] = ['fr', 'en'];

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

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A calendar date "YYYY-MM-DD" → "23 mars 2020" / "Mar 23, 2020" ("long": "23 mars 2020" /
 * "March 23, 2020"). Anything else is returned as is.
 */
export function formatDate(isoDate: string | null | undefined, language: Language, style: 'medium' | 'long' = 'medium'): string {
  if (!isoDate) return '';
  const match = ISO_DATE.exec(isoDate);
  if (!match) return isoDate;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (Number.isNaN(date.getTime())) return isoDate;
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

/** True for a well-formed calendar date "YYYY-MM-DD". */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}
