import { describe, expect, it } from 'vitest';
import { en, fr } from './locales/index.js';
import { ADMIN_PAGES, MODULES, moduleForPath } from './modules.js';

describe('modules', () => {
  it('have unique ids and paths', () => {
    expect(new Set(MODULES.map((m) => m.id)).size).toBe(MODULES.length);
    expect(new Set(MODULES.map((m) => m.path)).size).toBe(MODULES.length);
  });
  it('each have a label in French and English', () => {
    for (const module of MODULES) {
      expect(en.nav.modules).toHaveProperty(module.id);
      expect(fr.nav.modules).toHaveProperty(module.id);
    }
  });
  it('have geography, plans (the home page), displacement, field collection, response and assistance available', () => {
    expect(MODULES.filter((m) => m.available).map((m) => m.id)).toEqual(['geography', 'plans', 'displacement', 'collection', 'response', 'assistance']);
  });
  it('have administration pages with a label and a verb each', () => {
    for (const page of ADMIN_PAGES) {
      expect(en.nav.adminPages).toHaveProperty(page.id);
      expect(fr.nav.adminPages).toHaveProperty(page.id);
      expect(page.path.startsWith('/admin/')).toBe(true);
      expect(page.verb).toMatch(/^[a-z]+\.[a-z]+$/);
      expect(moduleForPath(page.path)).toBeUndefined();
    }
  });
  it('find the module of a location', () => {
    expect(moduleForPath('/geography')?.id).toBe('geography');
    expect(moduleForPath('/geography/BF46')?.id).toBe('geography');
    expect(moduleForPath('/geographyx')).toBeUndefined();
    expect(moduleForPath('/plans/IOM-CSAHEL-2021')?.id).toBe('plans');
    expect(moduleForPath('/')?.id).toBe('plans');
    expect(moduleForPath('/unknown')).toBeUndefined();
  });
});

type Tree = { [key: string]: string | Tree };

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keys(value, `${prefix}${key}.`),
  );
}

describe('translations', () => {
  it('have the same keys in French and English', () => {
    expect(keys(fr as Tree).sort()).toEqual(keys(en as Tree).sort());
  });
});
