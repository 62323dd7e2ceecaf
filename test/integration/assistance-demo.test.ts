/** The registry demo loads after the 4W demo, leaves pairs to review, and loads only once. */
import { expect, it } from 'vitest';
import { MODULES } from '../../src/modules.js';
import { describeEachDatabase } from '../support/harness.js';
import { call } from '../support/http.js';

type Rec = { organisation: { acronym: string }; personal: { givenNames: string; familyName: string } | null };

describeEachDatabase('assistance demo', (context) => {
  it('registers synthetic households of three partners, a dozen families twice under other spellings, and queues their pairs', async () => {
    for (const name of ['geo', 'plans', 'response']) await MODULES.find((module) => module.name === name)!.demo!.load(context.db, () => undefined);
    const demo = MODULES.find((module) => module.name === 'assistance')!.demo!;
    const lines = await demo.load(context.db, () => undefined);
    expect(lines.join('\n')).toMatch(/synthetic/);
    // Distributions over the registry: receipts recorded, a second one refused with who and when, traced to the 2021 plan.
    expect(lines.join('\n')).toMatch(/demo distributions: 2 \(démo\), \d+ receipts; second receipt refused: Household \d+ already received/);
    const trace = await call<{ byActivityArea: Array<{ name: string; households: number }>; byContribution: Array<{ name: string; households: number }> }>(context.app, 'GET', '/api/assistance/trace/IOM-CSAHEL-2021');
    expect(trace.body.byActivityArea[0]!.name).toContain('shelter-nfi');
    expect(trace.body.byActivityArea[0]!.households).toBeGreaterThan(0);
    // Funding → activity → people: the NFI kits are paid by the demo contribution earmarked to shelter and NFI.
    const donor = trace.body.byContribution.find((line) => line.name.includes('Fonds commun humanitaire A (démo)'));
    expect(donor?.households, JSON.stringify(trace.body.byContribution)).toBeGreaterThan(0);
    const [counts] = await context.db.query<{ households: number; organisations: number; countries: number; pending: number }>(
      `SELECT count(*)::int AS households, count(DISTINCT organisation_id)::int AS organisations, count(DISTINCT country)::int AS countries,
              (SELECT count(*)::int FROM assistance_duplicate WHERE status = 'pending') AS pending
         FROM assistance_household`,
    );
    expect(counts).toMatchObject({ households: 150, organisations: 3, countries: 3 });
    expect(counts!.pending).toBeGreaterThanOrEqual(24);
    // The pairs across partners are the planted families: the spellings differ, the people are the same.
    const queue = await call<{ total: number; duplicates: Array<{ score: number; records: [Rec, Rec] }> }>(
      context.app,
      'GET',
      '/api/assistance/duplicates?limit=1000',
    );
    expect(queue.body.total).toBe(counts!.pending);
    const across = queue.body.duplicates.filter((pair) => pair.records[0].organisation.acronym !== pair.records[1].organisation.acronym);
    expect(across.length).toBeGreaterThanOrEqual(24);
    const names = across.map((pair) => pair.records.map((record) => `${record.personal!.givenNames} ${record.personal!.familyName}`).sort().join(' / '));
    expect(names).toContain('Mahamadou Ousmane Maïga / Mohamed Usman Maiga');
    expect(await demo.load(context.db, () => undefined)).toEqual(['  demo assistance registry already loaded']);
    const [again] = await context.db.query<{ households: number; pairs: number }>('SELECT count(*)::int AS households, (SELECT count(*)::int FROM assistance_duplicate) AS pairs FROM assistance_household');
    expect(again!.households).toBe(150);
  }, 180_000);
});
