import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy } from './passwords.js';
import { DEMO_ACCOUNTS } from './service.js';

describe('demo accounts', () => {
  it.each(DEMO_ACCOUNTS.map((account) => [account.email, account] as const))('%s has a password the policy accepts', (_email, account) => {
    expect(() => checkPasswordPolicy(account.password, { email: account.email, name: account.name })).not.toThrow();
  });
});
