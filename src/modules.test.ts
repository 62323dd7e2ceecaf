import { describe, expect, it } from 'vitest';
import { ADMIN_PAGES, MODULES as WEB_MODULES } from '../web/src/modules.js';
import { VERBS } from './access/verbs.js';
import { CORE_VERBS } from './core/module.js';
import { MODULES } from './modules.js';

describe('the composition root', () => {
  it('lists each module once', () => {
    expect(new Set(MODULES.map((module) => module.name)).size).toBe(MODULES.length);
  });

  it('has every verb of the roles declared by core or a module, and no other', () => {
    const declared = new Set([...CORE_VERBS, ...MODULES.flatMap((module) => module.verbs)]);
    expect([...declared].sort()).toEqual([...VERBS].sort());
  });

  it('agrees with the navigation of the web app', () => {
    const entries = MODULES.flatMap((module) => module.navigation ?? []);
    const sections = entries.filter((entry) => entry.kind === 'module').map(({ id, path }) => ({ id, path }));
    expect(sections).toEqual(WEB_MODULES.filter((module) => module.available).map(({ id, path }) => ({ id, path })));
    const adminPages = entries.filter((entry) => entry.kind === 'admin').map(({ id, path, verb }) => ({ id, path, verb }));
    expect(adminPages).toEqual(ADMIN_PAGES.map(({ id, path, verb }) => ({ id, path, verb })));
  });

  it('gives each navigation entry a verb of its own module', () => {
    for (const module of MODULES) for (const entry of module.navigation ?? []) expect(module.verbs, `${module.name} ${entry.path}`).toContain(entry.verb);
  });

  it('gives each job kind to one module', () => {
    const kinds = MODULES.flatMap((module) => module.jobs?.kinds ?? []);
    expect(new Set(kinds).size).toBe(kinds.length);
  });
});
