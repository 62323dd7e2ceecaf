/**
 * The interface texts in French and English, one file per module and language
 * (`locales/<language>/<module>.json`, the same keys in both: web/src/modules.test.ts and i18n.test.ts), assembled
 * into one resource per language by fr.ts and en.ts. A new module adds its two files there.
 * Both languages at once, for tests and tools: the app itself loads one language's chunk at a
 * time (web/src/i18n.ts), so that a slow link carries only the texts it shows.
 */
export { texts as en } from './en.js';
export { texts as fr } from './fr.js';
