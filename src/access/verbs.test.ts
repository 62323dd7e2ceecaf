import { describe, expect, it } from 'vitest';
import { can, verbsOf, type Principal } from './verbs.js';

const user = (assignments: Extract<Principal, { kind: 'user' }>['assignments'], tokenVerbs?: string[]): Principal => ({
  kind: 'user',
  userId: 1,
  email: 'someone@example.org',
  name: 'Someone',
  language: 'fr',
  organisationId: 7,
  assignments,
  via: tokenVerbs ? 'token' : 'session',
  tokenVerbs,
});

const imOfficerMali = user([{ role: 'im-officer', verbs: ['plan.read', 'contribution.record'], scope: { kind: 'country', value: 'ML' } }]);
const partner = user([{ role: 'partner-reporter', verbs: ['plan.read', 'export.download'], scope: { kind: 'organisation', value: '7' } }]);

describe('can', () => {
  it('lets the public do only what the public role lists', () => {
    const anonymous: Principal = { kind: 'anonymous', verbs: ['plan.read'] };
    expect(can(anonymous, 'plan.read')).toBe(true);
    expect(can(anonymous, 'contribution.record')).toBe(false);
  });

  it('limits a country scope to objects of that country', () => {
    expect(can(imOfficerMali, 'contribution.record')).toBe(true);
    expect(can(imOfficerMali, 'contribution.record', { countries: ['BF', 'ML', 'NE'] })).toBe(true);
    expect(can(imOfficerMali, 'contribution.record', { countries: ['NE'] })).toBe(false);
    expect(can(imOfficerMali, 'user.manage')).toBe(false);
  });

  it('limits an organisation scope to that organisation', () => {
    expect(can(partner, 'plan.read', { organisationId: 7 })).toBe(true);
    expect(can(partner, 'plan.read', { organisationId: 8 })).toBe(false);
    expect(can(partner, 'plan.read', { organisationId: null })).toBe(false);
    expect(can(partner, 'plan.read', { countries: ['ML'] })).toBe(false);
  });

  it('lets a whole-response assignment act anywhere', () => {
    const admin = user([{ role: 'administrator', verbs: ['user.manage'], scope: { kind: 'response', value: null } }]);
    expect(can(admin, 'user.manage', { countries: ['TD'], organisationId: 99 })).toBe(true);
  });

  it('narrows a token to its own verbs', () => {
    const narrowed = user(imOfficerMali.kind === 'user' ? imOfficerMali.assignments : [], ['plan.read']);
    expect(can(narrowed, 'plan.read')).toBe(true);
    expect(can(narrowed, 'contribution.record')).toBe(false);
    expect(verbsOf(narrowed)).toEqual(['plan.read']);
  });
});
