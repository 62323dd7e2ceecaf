/**
 * Who sees what in the registry: a partner only its organisation's registrations; a person's
 * record only with assistance.personal and a reason, each read recorded in the audit log; consent
 * withdrawn hides the person everywhere; no name or phone reaches an anonymous endpoint.
 */
import { unsealPerson } from '../../src/assistance/queries.js';
import { expect, it } from 'vitest';
import { MODULES } from '../../src/modules.js';
import { describeEachDatabase } from '../support/harness.js';
import { call } from '../support/http.js';
import { householdBody, MAIGA_FIRST, MAIGA_SECOND, register, seedAssistance } from '../support/assistance.js';

interface Listed {
  total: number;
  households: Array<{ id: number; organisation: { acronym: string }; members: number }>;
}

describeEachDatabase('assistance access', (context) => {
  it('shows a partner only its organisation’s registrations, with counts and places but no names or phones', async () => {
    const seed = await seedAssistance(context.app, context.db);
    const own = await register(context.as('partner'), seed.tpn, MAIGA_FIRST);
    const other = await register(seed.acfPartner, seed.acf, MAIGA_SECOND);
    const refused = await call(context.as('partner'), 'POST', '/api/assistance/households', householdBody(seed.acf, MAIGA_FIRST));
    expect(refused.statusCode).toBe(403);
    expect(refused.body.error!.code).toBe('assistance.household.ownOrganisation');

    const partner = await call<Listed>(context.as('partner'), 'GET', '/api/assistance/households');
    expect(partner.statusCode, partner.text).toBe(200);
    expect(partner.body.households.map((household) => household.id)).toEqual([own]);
    const coordinator = await call<Listed>(context.as('imOfficerMali'), 'GET', '/api/assistance/households');
    expect(coordinator.body.households.map((household) => household.id).sort()).toEqual([own, other].sort());
    const viewer = await call<Listed>(context.as('viewer'), 'GET', '/api/assistance/households');
    expect(viewer.body.total).toBe(2);
    for (const reply of [partner, coordinator, viewer]) expect(reply.text).not.toMatch(/Ma[iï]ga|Mahamadou|Mohamed|Touré|Aïssata|76 ?12|3456/);

    // Another organisation's household reads as absent, and a partner has no personal read at all.
    expect((await call(context.as('partner'), 'GET', `/api/assistance/households/${own}/personal?reason=follow-up visit`)).statusCode).toBe(403);
    const wrongCountry = await call(context.as('enumeratorNiger'), 'GET', `/api/assistance/households/${own}/personal?reason=follow-up visit`);
    expect(wrongCountry.statusCode).toBe(403);
  });

  it('records each read of a person’s data, with its reason, in the audit log; no reason, no read', async () => {
    const seed = await seedAssistance(context.app, context.db);
    const id = await register(context.as('partner'), seed.tpn, MAIGA_FIRST);
    const bare = await call(context.as('imOfficerMali'), 'GET', `/api/assistance/households/${id}/personal`);
    expect(bare.statusCode).toBe(400);
    expect(bare.body.error!.code).toBe('assistance.read.reasonRequired');
    const read = await call<{ household: { people: Array<{ givenNames: string; phone: string | null }> } }>(
      context.as('imOfficerMali'),
      'GET',
      `/api/assistance/households/${id}/personal?reason=${encodeURIComponent('checking a complaint of a missed distribution')}`,
    );
    expect(read.statusCode, read.text).toBe(200);
    expect(read.body.household.people.map((person) => person.givenNames)).toEqual(['Mahamadou Ousmane', 'Aïssata']);
    expect(read.body.household.people[0]!.phone).toBe('+22376123456');
    const rows = await context.db.query<{ actor: string; object_id: string; outcome: string; summary: { reason: string } }>(
      "SELECT actor, object_id, outcome, summary FROM audit_event WHERE action = 'assistance.household.read' ORDER BY id",
    );
    const succeeded = rows.filter((row) => row.outcome === 'success');
    expect(succeeded.map((row) => [row.actor, row.object_id, row.summary.reason])).toEqual([['im.mali@test.liptako.org', String(id), 'checking a complaint of a missed distribution']]);
    // The audit log keeps the reason, never a name.
    const [log] = await context.db.query<{ text: string }>("SELECT string_agg(summary::text, ' ') AS text FROM audit_event WHERE action LIKE 'assistance.%'");
    expect(log!.text).not.toMatch(/Mahamadou|Maïga|Aïssata|76123456/);
  });

  it('hides a person whose consent is withdrawn from lists, reads and the review queue, and a household whose consent is withdrawn altogether', async () => {
    const seed = await seedAssistance(context.app, context.db);
    const first = await register(context.as('partner'), seed.tpn, MAIGA_FIRST);
    const second = await register(seed.acfPartner, seed.acf, MAIGA_SECOND);
    await call(context.app, 'POST', '/api/assistance/duplicates/detect', {});
    expect((await call<{ total: number }>(context.app, 'GET', '/api/assistance/duplicates')).body.total).toBe(2);

    const before = await call<{ household: { people: Array<{ id: number; givenNames: string }> } }>(context.app, 'GET', `/api/assistance/households/${first}/personal?reason=consent withdrawal`);
    const spouse = before.body.household.people.find((person) => person.givenNames === 'Aïssata')!;
    const withdraw = await call(context.as('partner'), 'POST', `/api/assistance/households/${first}/consent/withdraw`, { memberId: spouse.id });
    expect(withdraw.statusCode, withdraw.text).toBe(200);
    const after = await call<{ household: { members: number; people: Array<{ givenNames: string }> } }>(context.app, 'GET', `/api/assistance/households/${first}/personal?reason=consent withdrawal`);
    expect(after.body.household.people.map((person) => person.givenNames)).toEqual(['Mahamadou Ousmane']);
    expect(after.body.household.members).toBe(1);
    const queue = await call<{ total: number; duplicates: Array<{ records: Array<{ memberId: number }> }> }>(context.app, 'GET', '/api/assistance/duplicates');
    expect(queue.body.total).toBe(1);
    expect(queue.body.duplicates.flatMap((pair) => pair.records.map((record) => record.memberId))).not.toContain(spouse.id);

    const whole = await call(seed.acfPartner, 'POST', `/api/assistance/households/${second}/consent/withdraw`, {});
    expect(whole.statusCode, whole.text).toBe(200);
    const listed = await call<Listed>(context.app, 'GET', '/api/assistance/households');
    expect(listed.body.households.map((household) => household.id)).toEqual([first]);
    expect((await call(context.app, 'GET', `/api/assistance/households/${second}/personal?reason=consent withdrawal`)).statusCode).toBe(404);
    expect((await call<{ total: number }>(context.app, 'GET', '/api/assistance/duplicates')).body.total).toBe(0);
    // The rows stay: what was done while consent stood remains accountable.
    const [kept] = await context.db.query<{ count: number }>('SELECT count(*)::int AS count FROM assistance_member');
    expect(kept!.count).toBe(4);
  });

  it('lets no registered name or phone reach any anonymous endpoint', async () => {
    for (const name of ['geo', 'plans', 'response', 'assistance']) await MODULES.find((module) => module.name === name)!.demo!.load(context.db, () => undefined);
    const people = (await context.db.query<{ given_names: string; family_name: string; phone: string | null }>('SELECT given_names, family_name, phone FROM assistance_member'))
      .map(unsealPerson)
      .map((person) => ({ name: `${person.given_names} ${person.family_name}`, phone: person.phone }));
    expect(people.some((person) => person.name.startsWith('s1:'))).toBe(false);
    expect(people.length).toBeGreaterThan(400);
    const secrets = [...new Set([...people.map((person) => person.name), ...people.flatMap((person) => (person.phone ? [person.phone, person.phone.slice(-8)] : []))])];
    const document = await call<{ paths: Record<string, Record<string, unknown>> }>(context.app, 'GET', '/api/openapi.json');
    const paths = Object.entries(document.body.paths).filter(([path, operations]) => 'get' in operations && !path.includes('{')).map(([path]) => path);
    expect(paths).toContain('/api/assistance/households');
    // The aggregates are among them, and not empty: the demo's distributions reached people.
    expect(paths).toContain('/api/assistance/outputs');
    const outputs = await call<{ byAdmin2: { total: Array<{ value: number | null }> } }>(context.as('viewer'), 'GET', '/api/assistance/outputs');
    expect(outputs.body.byAdmin2.total[1]!.value).toBeGreaterThan(0);
    let answered = 0;
    for (const path of paths) {
      for (const persona of ['anonymous', 'viewer'] as const) {
        // The viewer reads the registry's lists (assistance.read) but holds no personal verb.
        const reply = await context.as(persona).inject({ method: 'GET', url: path });
        if (reply.statusCode >= 300) continue;
        answered++;
        const text = reply.body;
        for (const secret of secrets) expect(text.includes(secret), `${persona} GET ${path} holds “${secret}”`).toBe(false);
      }
    }
    expect(answered).toBeGreaterThan(10);
  }, 180_000);
});
