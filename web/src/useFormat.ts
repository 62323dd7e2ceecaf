import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import {
  formatBytes,
  formatCompact,
  formatCountry,
  formatDate,
  formatDateTime,
  formatDecimal,
  formatMoney,
  formatNumber,
  formatPercent,
  toLanguage,
  type Language,
} from '../../src/shared/format.js';

export interface Formatters {
  language: Language;
  number: (value: number) => string;
  date: (isoDate: string | null | undefined, style?: 'medium' | 'long') => string;
  dateTime: (timestamp: string | null | undefined) => string;
  bytes: (bytes: number) => string;
  /** Money in a currency (USD by default). */
  money: (value: number, currency?: string) => string;
  /** A percentage given as 0–100. */
  percent: (percent: number) => string;
  compact: (value: number) => string;
  decimal: (value: number, digits?: number) => string;
  country: (iso2: string) => string;
}

/** Intl formatters bound to the current interface language (re-render on language change). */
export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  const language = toLanguage(i18n.resolvedLanguage ?? i18n.language);
  return useMemo(
    () => ({
      language,
      number: (value) => formatNumber(value, language),
      date: (isoDate, style) => formatDate(isoDate, language, style),
      dateTime: (timestamp) => formatDateTime(timestamp, language),
      bytes: (bytes) => formatBytes(bytes, language),
      money: (value, currency = 'USD') => formatMoney(value, currency, language),
      percent: (percent) => formatPercent(percent, language),
      compact: (value) => formatCompact(value, language),
      decimal: (value, digits) => formatDecimal(value, language, digits),
      country: (iso2) => formatCountry(iso2, language),
    }),
    [language],
  );
}
