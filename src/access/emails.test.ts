import { describe, expect, it } from 'vitest';
import { accountEmail, lookupEmail, throttleKey } from './emails.js';

const codeOf = (email: string): string | undefined => {
  try {
    accountEmail(email);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('account e-mail addresses', () => {
  it.each([
    ['admin@demo.liptako.org', 'admin@demo.liptako.org'],
    ['  Aminata.Kone@ngo.example ', 'Aminata.Kone@ngo.example'],
    ['aminata.kone\u0301@ngo.example', 'aminata.koné@ngo.example'],
    ['ouédraogo@ong.bf', 'ouédraogo@ong.bf'],
    ['мария@пример.рф', 'мария@пример.рф'],
    ['user+tag@mail.example', 'user+tag@mail.example'],
    // Spaces and a byte-order mark around the address are trimmed, as any space is.
    ['\ufeffadmin@demo.liptako.org\u00a0', 'admin@demo.liptako.org'],
  ])('accepts %s as %s', (raw, stored) => {
    expect(accountEmail(raw)).toBe(stored);
  });

  it.each([
    ['admin\u200b@demo.liptako.org', 'auth.email.invisible'],
    ['admin\u200d@demo.liptako.org', 'auth.email.invisible'],
    ['admin\u202e@demo.liptako.org', 'auth.email.invisible'],
    ['admin\u2066@demo.liptako.org', 'auth.email.invisible'],
    ['ad\u00admin@demo.liptako.org', 'auth.email.invisible'],
    ['ad min@demo.liptako.org', 'auth.email.invisible'],
    ['ａｄｍｉｎ@demo.liptako.org', 'auth.email.confusable'],
    ['admin@demo.liptako.ｏrg', 'auth.email.confusable'],
    ['ﬁnance@ngo.example', 'auth.email.confusable'],
    ['аdmin@demo.liptako.org', 'auth.email.confusable'],
    ['admin@dеmo.liptako.org', 'auth.email.confusable'],
    ['admin@demo.liptakο.org', 'auth.email.confusable'],
    ['no-at-sign.example', 'auth.email.invalid'],
    ['two@at@signs.example', 'auth.email.invalid'],
  ])('refuses %j with %s', (raw, code) => {
    expect(codeOf(raw)).toBe(code);
  });

  it('looks accounts up and counts sign-in failures under the NFKC form, whatever the case', () => {
    expect(lookupEmail(' ａｄｍｉｎ@demo.liptako.org')).toBe('admin@demo.liptako.org');
    expect(throttleKey('Admin@Demo.Liptako.org')).toBe(throttleKey('admin@demo.liptako.org'));
  });
});
