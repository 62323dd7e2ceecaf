/**
 * The review-queue story of issue 13: two partners register the same family under different
 * spellings; detection puts the pair in the queue with its reasons; a reviewer merges; the merge
 * is undone; both source records remain throughout.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/harness.js';
import { call } from '../support/http.js';
import { count, MAIGA_FIRST, MAIGA_SECOND, register, seedAssistance } from '../support/assistance.js';

interface Pair {
  id: number;
  score: number;
  reasons: string[];
  status: string;
  merged: boolean;
  records: Array<{ memberId: number; householdId: number; organisation: { acronym: string }; personal: { givenNames: string; familyName: string } | null }>;
}

describeEachDatabase('assistance review queue', (context) => {
  it('finds the family two partners spelled differently, merges it on a reviewer’s word, and undoes the merge keeping both records', async () => {
    const seed = await seedAssistance(context.app, context.db);
    const first = await register(context.as('partner'), seed.tpn, MAIGA_FIRST);
    const second = await register(seed.acfPartner, seed.acf, MAIGA_SECOND);
    // Someone else entirely, of the same family name and sex: not a pair.
    await register(context.app, seed.nrc, [{ givenNames: 'Hamidou', familyName: 'Maïga', sex: 'm', birthYear: 1950, relation: 'head' }]);

    const detect = await call<{ compared: number; found: number; added: number }>(context.as('imOfficerMali'), 'POST', '/api/assistance/duplicates/detect', {});
    expect(detect.statusCode, detect.text).toBe(200);
    expect(detect.body.added).toBe(2);
    const again = await call<{ added: number }>(context.as('imOfficerMali'), 'POST', '/api/assistance/duplicates/detect', {});
    expect(again.body.added).toBe(0);

    const queue = await call<{ total: number; duplicates: Pair[] }>(context.as('imOfficerMali'), 'GET', '/api/assistance/duplicates');
    expect(queue.statusCode, queue.text).toBe(200);
    expect(queue.body.total).toBe(2);
    const head = queue.body.duplicates.find((pair) => pair.records.some((record) => record.personal?.givenNames === 'Mahamadou Ousmane'))!;
    expect(head.score).toBeGreaterThanOrEqual(0.85);
    expect(head.reasons).toContain('same phone');
    expect(head.records.map((record) => record.householdId).sort()).toEqual([first, second].sort());
    expect(head.records.map((record) => record.organisation.acronym).sort()).toEqual(['ACF', 'TPN']);
    expect(head.records.map((record) => record.personal!.givenNames).sort()).toEqual(['Mahamadou Ousmane', 'Mohamed Usman']);

    const merge = await call<{ mergeId: number }>(context.as('imOfficerMali'), 'POST', `/api/assistance/duplicates/${head.id}/decision`, { decision: 'same', comment: 'same phone, same village' });
    expect(merge.statusCode, merge.text).toBe(200);
    expect(merge.body.mergeId).toBeGreaterThan(0);
    const twice = await call(context.as('imOfficerMali'), 'POST', `/api/assistance/duplicates/${head.id}/decision`, { decision: 'different' });
    expect(twice.statusCode).toBe(409);
    expect(twice.body.error!.code).toBe('assistance.duplicate.decided');
    const merged = await call<{ duplicates: Pair[] }>(context.as('imOfficerMali'), 'GET', '/api/assistance/duplicates?status=same');
    expect(merged.body.duplicates.map((pair) => [pair.id, pair.merged])).toEqual([[head.id, true]]);
    expect(await count(context.db, 'assistance_member')).toBe(5);

    const undo = await call(context.as('imOfficerMali'), 'POST', `/api/assistance/duplicates/${head.id}/undo`, { comment: 'two brothers after all' });
    expect(undo.statusCode, undo.text).toBe(200);
    expect(await count(context.db, 'assistance_merge', 'undone_at IS NOT NULL')).toBe(1);
    expect(await count(context.db, 'assistance_member')).toBe(5);
    expect(await count(context.db, 'assistance_household')).toBe(3);
    const back = await call<{ duplicates: Pair[] }>(context.as('imOfficerMali'), 'GET', '/api/assistance/duplicates');
    expect(back.body.duplicates.map((pair) => pair.id)).toContain(head.id);
    const undoAgain = await call(context.as('imOfficerMali'), 'POST', `/api/assistance/duplicates/${head.id}/undo`, {});
    expect(undoAgain.body.error!.code).toBe('assistance.merge.notActive');

    const spouse = back.body.duplicates.find((pair) => pair.id !== head.id)!;
    const different = await call(context.as('imOfficerMali'), 'POST', `/api/assistance/duplicates/${spouse.id}/decision`, { decision: 'unsure' });
    expect(different.statusCode).toBe(200);
    const [audit] = await context.db.query<{ count: number }>("SELECT count(*)::int AS count FROM audit_event WHERE action IN ('assistance.duplicate.decide', 'assistance.merge.undo') AND outcome = 'success'");
    expect(audit!.count).toBe(3);
  });

  it('shows a partner only the pairs within its own registrations, and no names without assistance.personal', async () => {
    const seed = await seedAssistance(context.app, context.db);
    await register(context.as('partner'), seed.tpn, MAIGA_FIRST);
    await register(seed.acfPartner, seed.acf, MAIGA_SECOND);
    await register(context.as('partner'), seed.tpn, MAIGA_SECOND, { location: { pcode: 'ML0501', site: 'SITE-07' } });
    const detect = await call<{ added: number }>(context.as('partner'), 'POST', '/api/assistance/duplicates/detect', {});
    expect(detect.body.added).toBe(2);
    const queue = await call<{ duplicates: Pair[] }>(context.as('partner'), 'GET', '/api/assistance/duplicates');
    expect(queue.statusCode, queue.text).toBe(200);
    expect(queue.body.duplicates).toHaveLength(2);
    for (const pair of queue.body.duplicates) {
      expect(pair.records.map((record) => record.organisation.acronym)).toEqual(['TPN', 'TPN']);
      expect(pair.records.map((record) => record.personal)).toEqual([null, null]);
    }
    expect(JSON.stringify(queue.body)).not.toMatch(/Maïga|Maiga|Mahamadou|Mohamed|76 ?12/);
  });
});
