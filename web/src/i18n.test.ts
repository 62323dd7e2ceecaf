import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { en, fr } from './locales/index.js';

type Texts = Record<string, unknown>;

const folder = new URL('./locales/', import.meta.url);
const moduleFiles = (language: string): string[] => readdirSync(new URL(`${language}/`, folder)).filter((file) => file.endsWith('.json')).sort();
const read = (language: string, file: string): Texts => JSON.parse(readFileSync(new URL(`${language}/${file}`, folder), 'utf8')) as Texts;

describe('interface texts', () => {
  it('have one file per module in each language, all assembled', () => {
    expect(moduleFiles('fr')).toEqual(moduleFiles('en'));
    const assembled = new Set(Object.keys(fr));
    for (const file of moduleFiles('fr')) for (const key of Object.keys(read('fr', file))) expect(assembled.has(key), `${file}: ${key}`).toBe(true);
  });

  it('never define the same top-level key in two module files (the later would silently replace the earlier)', () => {
    for (const language of ['fr', 'en']) {
      const owner = new Map<string, string>();
      for (const file of moduleFiles(language)) {
        for (const key of Object.keys(read(language, file))) {
          expect(owner.get(key), `${language}/${file} and ${language}/${owner.get(key)} both define ${key}`).toBeUndefined();
          owner.set(key, file);
        }
      }
    }
  });
});

describe('interface language', () => {
  it('loads only the shown language, and a switch made while the account language loads is the one that stays', async () => {
    const { i18n, applyAccountLanguage, currentLanguage, loadInterfaceTexts, setLanguage } = await import('./i18n.js');
    await loadInterfaceTexts('en');
    await i18n.changeLanguage('en');
    expect(i18n.hasResourceBundle('fr', 'translation')).toBe(false);
    // Signed in: the account speaks French, whose texts are still on their way when the user
    // picks English in the header (its texts already here).
    applyAccountLanguage('fr');
    setLanguage('en');
    await loadInterfaceTexts('fr');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(currentLanguage()).toBe('en');
    expect(i18n.t('nav.label')).toBe(en.nav.label);
  });
});
