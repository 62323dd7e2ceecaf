import { describe, expect, it } from 'vitest';
import type { UserView } from './types.js';
import { assignmentsChanged, assignmentsFromDrafts, checkUserDraft, draftFromUser, newUserDraft, userFieldOfError } from './userDraft.js';

const user: UserView = {
  id: 2,
  email: 'im.mali@demo.liptako.org',
  name: 'Moussa Diarra',
  language: 'fr',
  organisationId: null,
  disabled: false,
  locked: false,
  assignments: [{ role: 'im-officer', scope: { kind: 'country', value: 'ML' } }],
  createdAt: '2021-01-01T00:00:00.000Z',
};

describe('checkUserDraft', () => {
  it('asks for an e-mail, a name, a long enough password and complete roles when creating', () => {
    expect(checkUserDraft(newUserDraft(), true)).toEqual({ email: 'emailInvalid', name: 'nameRequired', password: 'passwordRequired', assignments: 'roleRequired' });
    const draft = { ...newUserDraft(), email: 'a@b.org', name: 'A', password: 'short', assignments: [{ role: 'viewer', kind: 'country' as const, value: 'Mali' }] };
    expect(checkUserDraft(draft, true)).toEqual({ password: 'passwordTooShort', assignments: 'countryInvalid' });
    expect(checkUserDraft({ ...draft, password: 'a long sentence here', assignments: [{ role: 'viewer', kind: 'country', value: 'ml' }] }, true)).toEqual({});
    expect(checkUserDraft({ ...draft, password: 'a long sentence here', assignments: [{ role: 'partner-reporter', kind: 'organisation', value: '' }] }, true)).toEqual({
      assignments: 'organisationRequired',
    });
  });
  it('keeps the password when changing a user and it is left empty', () => {
    expect(checkUserDraft(draftFromUser(user), false)).toEqual({});
  });
});

describe('assignments', () => {
  it('are sent as the API takes them, without duplicates', () => {
    expect(
      assignmentsFromDrafts([
        { role: 'viewer', kind: 'response', value: 'x' },
        { role: 'im-officer', kind: 'country', value: 'ml ' },
        { role: 'im-officer', kind: 'country', value: 'ML' },
        { role: 'partner-reporter', kind: 'organisation', value: '3' },
      ]),
    ).toEqual([
      { role: 'viewer', scope: { kind: 'response' } },
      { role: 'im-officer', scope: { kind: 'country', value: 'ML' } },
      { role: 'partner-reporter', scope: { kind: 'organisation', value: '3' } },
    ]);
  });
  it('tell whether they changed, in any order', () => {
    const same = assignmentsFromDrafts(draftFromUser(user).assignments);
    expect(assignmentsChanged(user.assignments, same)).toBe(false);
    expect(assignmentsChanged(user.assignments, [...same, { role: 'viewer', scope: { kind: 'response' } }])).toBe(true);
    expect(assignmentsChanged(user.assignments, [{ role: 'im-officer', scope: { kind: 'country', value: 'NE' } }])).toBe(true);
  });
});

describe('userFieldOfError', () => {
  it('puts server refusals next to their field', () => {
    expect(userFieldOfError('auth.user.exists')).toBe('email');
    expect(userFieldOfError('auth.email.confusable')).toBe('email');
    expect(userFieldOfError('auth.password.repeated')).toBe('password');
    expect(userFieldOfError('auth.password.common')).toBe('password');
    expect(userFieldOfError('auth.scope.invalid')).toBe('assignments');
    expect(userFieldOfError('auth.forbidden')).toBeNull();
    expect(userFieldOfError(null)).toBeNull();
  });
});
