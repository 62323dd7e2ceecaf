/**
 * Interface language. Detection: the choice saved in localStorage (`liptako.lang`), then the
 * browser's languages (French when it lists French before English or alone, English otherwise).
 * The choice is saved only when the user switches language in the header.
 */
import i18next from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import { isLanguage, toLanguage, type Language } from '../../src/shared/format.js';
import { en, fr } from './locales/index.js';

export const LANGUAGE_STORAGE_KEY = 'liptako.lang';

export const i18n = i18next.createInstance();

void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources: { en: { translation: en }, fr: { translation: fr } },
    supportedLngs: ['fr', 'en'],
    load: 'languageOnly',
    fallbackLng: 'en',
    detection: {
      order: ['localStorage', 'navigator'],
      lookupLocalStorage: LANGUAGE_STORAGE_KEY,
      // Do not pin the detected language: only an explicit choice is saved (see setLanguage).
      caches: [],
    },
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
    // Resources are bundled: initialise synchronously so the first render is translated.
    initAsync: false,
  });

/** The current interface language, always 'fr' or 'en'. */
export function currentLanguage(): Language {
  const resolved = i18n.resolvedLanguage ?? i18n.language;
  return isLanguage(resolved) ? resolved : toLanguage(resolved);
}

function applyToDocument(): void {
  if (typeof document !== 'undefined') document.documentElement.lang = currentLanguage();
}

i18n.on('languageChanged', applyToDocument);
applyToDocument();

/** Switches the interface language and remembers the choice on this device. */
export function setLanguage(language: Language): void {
  try {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Private browsing or storage disabled: the choice lasts for this page only.
  }
  void i18n.changeLanguage(language);
}

/** True when the user picked a language in this browser (the header switch). */
export function hasChosenLanguage(): boolean {
  try {
    return isLanguage(localStorage.getItem(LANGUAGE_STORAGE_KEY));
  } catch {
    return false;
  }
}

/**
 * Shows the interface in the signed-in user's language, unless a language was chosen in this
 * browser (that choice wins). Not saved: another user of this browser gets their own.
 */
export function applyAccountLanguage(language: Language): void {
  if (hasChosenLanguage() || currentLanguage() === language) return;
  void i18n.changeLanguage(language);
}
