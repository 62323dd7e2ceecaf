import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatBytes, formatDate, formatDateTime, formatNumber, toLanguage, type Language } from './format.js';

export interface Formatters {
  language: Language;
  number: (value: number) => string;
  date: (isoDate: string | null | undefined, style?: 'medium' | 'long') => string;
  dateTime: (timestamp: string | null | undefined) => string;
  bytes: (bytes: number) => string;
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
    }),
    [language],
  );
}
