import { describe, expect, it } from 'vitest';
import { en, fr } from '../locales/index.js';
import { SCOPE_KINDS, VERBS } from '../../../src/shared/access.js';
import { CONTRIBUTION_STATUSES, PLAN_TYPES, SECTOR_CODES, TARGET_GROUPS } from '../../../src/shared/plans.js';

// The code lists come from the shared layer, the words from the locale files: a code the API
// accepts but the interface cannot name would show up raw ("PRO-MIN") in front of users.
describe('every shared code has a name in both languages', () => {
  const lists = {
    'plans.types': PLAN_TYPES,
    'plans.sectors': SECTOR_CODES,
    'plans.targetGroups': TARGET_GROUPS,
    'plans.statuses': CONTRIBUTION_STATUSES,
    'access.scopes': SCOPE_KINDS,
  };
  for (const [language, messages] of [['en', en], ['fr', fr]] as const) {
    for (const [path, codes] of Object.entries(lists)) {
      it(`${language}: ${path}`, () => {
        const names = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], messages) as Record<string, unknown>;
        for (const code of codes) expect(typeof names[code], `${path}.${code}`).toBe('string');
      });
    }
  }
});

// The account and users pages name each permission: a verb without a name showed raw
// ("assistance.manage") to French and English readers alike.
describe('every verb has a name in both languages', () => {
  for (const [language, messages] of [['en', en], ['fr', fr]] as const) {
    it(`${language}: access.verbs`, () => {
      const verbs = (messages as unknown as { access: { verbs: Record<string, Record<string, unknown>> } }).access.verbs;
      for (const verb of VERBS) {
        const [group, action] = verb.split('.') as [string, string];
        expect(typeof verbs[group]?.[action], verb).toBe('string');
      }
    });
  }
});
