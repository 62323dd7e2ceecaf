/** Bad registrations are refused with a catalogued error in French and English, and nothing is half stored. */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/harness.js';
import { call } from '../support/http.js';
import { count, householdBody, MAIGA_FIRST, seedAssistance, type PersonSpec } from '../support/assistance.js';

const head = MAIGA_FIRST[0]!;
const nextYear = new Date().getUTCFullYear() + 1;

describeEachDatabase('assistance bad input', (context) => {
  it('refuses formulas, malformed phones and dates, future births and pasted lists, storing nothing', async () => {
    const seed = await seedAssistance(context.app, context.db);
    const cases: Array<[string, readonly PersonSpec[], number, string]> = [
      ['formula in a name', [{ ...head, givenNames: '=HYPERLINK("http://x.example","Amadou")' }], 400, 'assistance.member.formula'],
      ['formula in a family name', [{ ...head, familyName: '@SUM(A1:A9)' }], 400, 'assistance.member.formula'],
      ['digits in a name', [{ ...head, familyName: 'Maïga2' }], 400, 'assistance.member.name'],
      ['letters in a phone', [{ ...head, phone: '+223 76 AB 34 56' }], 400, 'assistance.member.phone'],
      ['a phone too short', [{ ...head, phone: '7612' }], 400, 'assistance.member.phone'],
      ['the 30th of February', [{ ...head, birthYear: undefined, birthDate: '2001-02-30' }], 400, 'assistance.member.birthDate'],
      ['a date in another format', [{ ...head, birthYear: undefined, birthDate: '12/03/1980' }], 400, 'assistance.member.birthDate'],
      ['a birth year to come', [{ ...head, birthYear: nextYear }], 400, 'assistance.member.birthFuture'],
      ['a birth date to come', [{ ...head, birthYear: undefined, birthDate: `${nextYear}-01-01` }], 400, 'assistance.member.birthFuture'],
      ['a date outside its year', [{ ...head, birthYear: 1978, birthDate: '1980-05-01' }], 400, 'assistance.member.birthMismatch'],
      ['no head', [{ ...head, relation: 'spouse' }], 400, 'assistance.household.noHead'],
      ['a bad member after a good one', [head, { ...MAIGA_FIRST[1]!, phone: 'n/a' }], 400, 'assistance.member.phone'],
      ['sixty identical people', Array.from({ length: 60 }, (_, index): PersonSpec => ({ ...head, relation: index === 0 ? 'head' : 'child' })), 400, 'assistance.household.tooManyMembers'],
    ];
    for (const [what, members, status, code] of cases) {
      const english = await call(context.as('partner'), 'POST', '/api/assistance/households', householdBody(seed.tpn, members));
      expect(english.statusCode, `${what}: ${english.text}`).toBe(status);
      expect(english.body.error!.code, what).toBe(code);
      const french = await call(context.as('partner'), 'POST', '/api/assistance/households', householdBody(seed.tpn, members), { 'accept-language': 'fr' });
      expect(french.body.error!.code, what).toBe(code);
      expect(french.body.error!.message, what).not.toBe(english.body.error!.message);
    }
    const place = await call(context.as('partner'), 'POST', '/api/assistance/households', householdBody(seed.tpn, MAIGA_FIRST, { location: { pcode: 'ML05' } }));
    expect(place.body.error!.code).toBe('assistance.household.location');
    for (const table of ['assistance_household', 'assistance_member', 'assistance_consent'] as const) expect(await count(context.db, table), table).toBe(0);
  });

  it('answers 10,000 identical members in one request with a catalogued error and stores none of them', async () => {
    const seed = await seedAssistance(context.app, context.db);
    const members = Array.from({ length: 10_000 }, (_, index): PersonSpec => ({ ...head, relation: index === 0 ? 'head' : 'child' }));
    const reply = await call(context.as('partner'), 'POST', '/api/assistance/households', householdBody(seed.tpn, members));
    expect([400, 413]).toContain(reply.statusCode);
    expect(reply.body.error!.code).toMatch(/^(request\.tooLarge|request\.invalid|assistance\.household\.tooManyMembers)$/);
    expect(reply.body.error!.message.length).toBeGreaterThan(10);
    for (const table of ['assistance_household', 'assistance_member', 'assistance_consent'] as const) expect(await count(context.db, table), table).toBe(0);
  });
});
