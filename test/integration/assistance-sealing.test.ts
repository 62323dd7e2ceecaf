/**
 * Personal data sealed at rest: what the database holds of a registered person shows no name,
 * phone or identity document; the database refuses plain text there; the API still shows them
 * to those allowed; a new key put first and `rekey` seal everything again, rows stored before
 * sealing existed included, after which the old key can go.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/access/audit.js';
import { checkDataKeysAtStart, rekeyPersonalData } from '../../src/assistance/sealing.js';
import { checkMembers } from '../../src/assistance/service.js';
import { formatMessage } from '../../src/core/errors.js';
import { parseDataKeys, seal, useDataKeys } from '../../src/core/data-keys.js';
import { describeEachDatabase } from '../support/harness.js';
import { call } from '../support/http.js';
import { MAIGA_FIRST, register, seedAssistance } from '../support/assistance.js';

const TEST_KEY = `test-1:${Buffer.alloc(32, 7).toString('base64')}`;
const NEW_KEY = `2027-01:${Buffer.alloc(32, 9).toString('base64')}`;
const SECRETS = ['Mahamadou', 'Ousmane', 'Maïga', 'Maiga', 'Aïssata', 'Touré', '76123456', '76 12 34 56', 'ML-ID-4471'];

interface Personal {
  household: { people: Array<{ givenNames: string; familyName: string; phone: string | null; idDocument: string | null }> };
}

describeEachDatabase('assistance personal data sealed at rest', (context) => {
  afterEach(() => useDataKeys(parseDataKeys(TEST_KEY, 'test keys')));

  async function storedText(): Promise<string> {
    const rows = await context.db.query<Record<string, unknown>>('SELECT * FROM assistance_member');
    return JSON.stringify(rows);
  }

  it('stores no name, phone or document in the clear, refuses plain text, and shows them to an officer who gives a reason', async () => {
    const seed = await seedAssistance(context.app, context.db);
    const members = [{ ...MAIGA_FIRST[0]!, idDocument: 'ML-ID-4471' }, MAIGA_FIRST[1]!];
    const household = await register(context.as('partner'), seed.tpn, members);
    const stored = await storedText();
    for (const secret of SECRETS) expect(stored, secret).not.toContain(secret);
    expect(stored).toContain('s1:test-1:');

    // Plain text written past the service (a script, a bad migration) is refused by the database.
    const [row] = await context.db.query<{ id: number }>('SELECT id::int AS id FROM assistance_member ORDER BY id LIMIT 1');
    // (each in a transaction of its own: a savepoint inside the test's own)
    await expect(context.db.transaction((tx) => tx.query("UPDATE assistance_member SET family_name = 'Maïga' WHERE id = $1", [row!.id]))).rejects.toThrow(/refused by the database/);
    await expect(context.db.transaction((tx) => tx.query("UPDATE assistance_member SET phone = '76123456' WHERE id = $1", [row!.id]))).rejects.toThrow(/refused by the database/);
    expect(await storedText()).not.toContain('Maïga');

    const read = await call<Personal>(context.as('imOfficerMali'), 'GET', `/api/assistance/households/${household}/personal?reason=verification`);
    expect(read.statusCode, read.text).toBe(200);
    expect(read.body.household.people.map((member) => [member.givenNames, member.familyName, member.phone, member.idDocument])).toEqual([
      ['Mahamadou Ousmane', 'Maïga', '+22376123456', 'ML-ID-4471'],
      ['Aïssata', 'Touré', null, null],
    ]);
  });

  it('refuses to start a process that was not given the key the registry is sealed with (a second server with a key file of its own)', async () => {
    await expect(checkDataKeysAtStart(context.db)).resolves.toBeUndefined();
    const seed = await seedAssistance(context.app, context.db);
    await register(context.as('partner'), seed.tpn, MAIGA_FIRST);
    // Another process, left to make its own key: it could neither show these people nor seal beside them.
    useDataKeys(parseDataKeys(NEW_KEY, 'another process'));
    await expect(checkDataKeysAtStart(context.db)).rejects.toThrow(/sealed with data key "test-1", which this process was not given.*LIPTAKO_DATA_KEYS/);
    // Given the registry's key too (a rotation in progress), it starts.
    useDataKeys(parseDataKeys(`${NEW_KEY},${TEST_KEY}`, 'both keys'));
    await expect(checkDataKeysAtStart(context.db)).resolves.toBeUndefined();
  });

  it('seals again with a new key, rows from before sealing included, so that the old key can be dropped', async () => {
    const seed = await seedAssistance(context.app, context.db);
    const household = await register(context.as('partner'), seed.tpn, MAIGA_FIRST);
    // A person stored before migration 0022 (plain text), as an existing registry has them.
    await context.db.query('ALTER TABLE assistance_member DROP CONSTRAINT assistance_member_given_names_sealed, DROP CONSTRAINT assistance_member_family_name_sealed');
    await context.db.query(
      `INSERT INTO assistance_member (household_id, given_names, family_name, sex, birth_year, relation, phone)
       VALUES ($1, 'Boubacar', 'Diallo', 'm', 2010, 'child', $2)`,
      [household, seal('+22370000001')],
    );
    await context.db.query(
      `ALTER TABLE assistance_member ADD CONSTRAINT assistance_member_given_names_sealed CHECK (given_names LIKE 's1:%') NOT VALID,
                                     ADD CONSTRAINT assistance_member_family_name_sealed CHECK (family_name LIKE 's1:%') NOT VALID`,
    );
    expect(await storedText()).toContain('Boubacar');

    useDataKeys(parseDataKeys(`${NEW_KEY},${TEST_KEY}`, 'rotated'));
    const report = await rekeyPersonalData(context.db, systemActor('cli'));
    expect(report).toEqual({ resealed: 3, alreadyCurrent: 0 });
    const stored = await storedText();
    expect(stored).not.toContain('Boubacar');
    expect(stored).not.toContain('s1:test-1:');
    expect(stored).toContain('s1:2027-01:');
    // Run again: nothing left to do.
    expect(await rekeyPersonalData(context.db, systemActor('cli'))).toEqual({ resealed: 0, alreadyCurrent: 3 });
    const audit = await context.db.query<{ summary: { people: number } }>("SELECT summary FROM audit_event WHERE action = 'assistance.rekey'");
    expect(audit.map((event) => event.summary.people)).toEqual([3]);

    // The old key dropped: everyone still reads.
    useDataKeys(parseDataKeys(NEW_KEY, 'new only'));
    const read = await call<Personal>(context.as('imOfficerMali'), 'GET', `/api/assistance/households/${household}/personal?reason=verification`);
    expect(read.statusCode, read.text).toBe(200);
    expect(read.body.household.people.map((member) => member.givenNames).sort()).toEqual(['Aïssata', 'Boubacar', 'Mahamadou Ousmane']);
  });
});

describe('lengths the database no longer checks (it holds sealed text)', () => {
  it('refuses a name over 200 characters or a document over 60, from any path (a registry file too), in French and English', () => {
    const head = { ...MAIGA_FIRST[0]!, givenNames: 'Mahamadou', relation: 'head' as const };
    const refusal = (member: Parameters<typeof checkMembers>[0][number]): unknown => {
      try {
        checkMembers([member], 2026);
      } catch (error) {
        return error;
      }
      return null;
    };
    expect(refusal({ ...head, familyName: `${'Maïga'.repeat(40)}a` })).toMatchObject({ code: 'assistance.member.tooLong', params: { field: 'name', length: 201, max: 200 } });
    expect(refusal({ ...head, idDocument: 'X'.repeat(61) })).toMatchObject({ code: 'assistance.member.tooLong', params: { field: 'idDocument', length: 61, max: 60 } });
    expect(checkMembers([{ ...head, familyName: 'Maïga'.repeat(40), idDocument: ` ${'X'.repeat(60)} ` }], 2026)[0]).toMatchObject({ idDocument: 'X'.repeat(60) });
    for (const language of ['en', 'fr'] as const) {
      expect(formatMessage('assistance.member.tooLong', language, { index: 1, field: 'name', length: 201, max: 200 })).toMatch(language === 'fr' ? /201 caractères/ : /201 characters/);
    }
  });
});
