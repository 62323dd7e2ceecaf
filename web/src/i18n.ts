/**
 * Interface language. Detection: the choice saved in localStorage (`liptako.lang`), then the
 * browser's languages (French when it lists French before English or alone, English otherwise).
 * The choice is saved only when the user switches language in the header.
 * Only the shown language's texts are loaded (a chunk per language, web/src/locales/fr.ts and
 * en.ts): on a 256 kbit/s link the other language's texts would cost the first visit half a second.
 * main.tsx loads the detected language's before the first render; a switch loads the other first.
 */
import i18next from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import { isLanguage, toLanguage, type Language } from '../../src/shared/format.js';

export const LANGUAGE_STORAGE_KEY = 'liptako.lang';

export const i18n = i18next.createInstance();

void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    // Filled by loadInterfaceTexts, one language at a time.
    resources: {},
    partialBundledLanguages: true,
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
    // No backend: initialise synchronously; the texts are added before the first render.
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

const TEXTS: Record<Language, () => Promise<{ texts: Record<string, unknown> }>> = {
  fr: () => import('./locales/fr.js'),
  en: () => import('./locales/en.js'),
};

/** Loads a language's texts once (its chunk is precached by the service worker, so offline too). */
export async function loadInterfaceTexts(language: Language): Promise<void> {
  if (i18n.hasResourceBundle(language, 'translation')) return;
  const { texts } = await TEXTS[language]();
  i18n.addResourceBundle(language, 'translation', texts);
}

/** The language asked for last: a slower load of an earlier request must not overturn it. */
let wanted: Language | null = null;

/** Shows the interface in `language` once its texts are there (the current texts stay until then). */
function showIn(language: Language): void {
  wanted = language;
  void loadInterfaceTexts(language).then(() => (wanted === language ? i18n.changeLanguage(language) : undefined));
}

/** Switches the interface language and remembers the choice on this device. */
export function setLanguage(language: Language): void {
  try {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Private browsing or storage disabled: the choice lasts for this page only.
  }
  showIn(language);
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
  showIn(language);
}
