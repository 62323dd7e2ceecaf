import { describe, expect, it } from 'vitest';
import { pickLanguage } from './i18n.js';

describe('pickLanguage', () => {
  it('answers in French when the browser prefers French', () => {
    expect(pickLanguage('fr-FR,fr;q=0.9,en;q=0.8')).toBe('fr');
    expect(pickLanguage('fr')).toBe('fr');
  });
  it('answers in English when English is preferred or nothing usable is asked', () => {
    expect(pickLanguage('en-GB,en;q=0.9,fr;q=0.5')).toBe('en');
    expect(pickLanguage(undefined)).toBe('en');
    expect(pickLanguage('de-DE,ar;q=0.9')).toBe('en');
    expect(pickLanguage('')).toBe('en');
  });
  it('follows quality values rather than order', () => {
    expect(pickLanguage('en;q=0.3,fr;q=0.8')).toBe('fr');
    expect(pickLanguage('de,en;q=0.5,fr;q=0.4')).toBe('en');
  });
  it('ignores malformed and refused parts', () => {
    expect(pickLanguage('fr;q=0,en')).toBe('en');
    expect(pickLanguage('fr;q=abc,en;q=0.1')).toBe('en');
    expect(pickLanguage(['fr-CA', 'en;q=0.2'])).toBe('fr');
  });
});
