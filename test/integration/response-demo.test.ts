/** The 4W demo loads through the module contract after the geography and the plan, once. */
import { expect, it } from 'vitest';
import { MODULES } from '../../src/modules.js';
import { describeEachDatabase } from '../support/harness.js';
import { call } from '../support/http.js';
import type { Dashboard } from '../../src/response/presence.js';

describeEachDatabase('response demo', (context) => {
  it('loads fictional organisations and synthetic reports, some published, and loads them only once', async () => {
    for (const name of ['geo', 'plans']) await MODULES.find((module) => module.name === name)!.demo!.load(context.db, () => undefined);
    const demo = MODULES.find((module) => module.name === 'response')!.demo!;
    const lines = await demo.load(context.db, () => undefined);
    expect(lines.join('\n')).toMatch(/synthetic/);
    // Niger's June 3W arrives as a file (names only): its 13 rows, two of them identical, are submitted.
    expect(lines.join('\n')).toContain('demo 5W file imported: 13 rows of Niger');
    const [imported] = await context.db.query<{ rows: number; submitted: number; byName: number }>(
      "SELECT count(*)::int AS rows, count(*) FILTER (WHERE status = 'submitted')::int AS submitted, count(DISTINCT provider_admin2_name)::int AS \"byName\" FROM response_report WHERE import_id IS NOT NULL",
    );
    expect(imported).toMatchObject({ rows: 13, submitted: 13 });
    const [counts] = await context.db.query<{ reports: number; published: number; countries: number }>(
      "SELECT count(*)::int AS reports, count(*) FILTER (WHERE status = 'published')::int AS published, count(DISTINCT country)::int AS countries FROM response_report",
    );
    expect(counts!.reports).toBeGreaterThan(100);
    expect(counts!.published).toBeGreaterThan(50);
    expect(counts!.countries).toBe(3);
    expect(await demo.load(context.db, () => undefined)).toEqual(['  demo 4W reports already loaded']);
    const [again] = await context.db.query<{ reports: number }>('SELECT count(*)::int AS reports FROM response_report');
    expect(again!.reports).toBe(counts!.reports);
    const dashboard = await call<Dashboard>(context.app, 'GET', '/api/response/dashboard');
    expect(dashboard.body.presence.length).toBeGreaterThan(20);
    // The synthetic HNO 2021: reach measured against need, and gaps of need listed.
    const mali = await call<Dashboard>(context.app, 'GET', '/api/response/dashboard?country=ML&month=2021-03');
    expect(mali.body.pinYear).toBe(2021);
    expect(mali.body.pinGaps.length).toBeGreaterThan(10);
    // February's démo latrines: 1,800 people and 24 latrines somewhere in Mali, 75 a latrine.
    const february = await call<Dashboard>(context.app, 'GET', '/api/response/dashboard?country=ML&month=2021-02');
    expect(february.body.sphereFlags.filter((flag) => flag.indicator === 'latrines').map((flag) => flag.threshold)).toEqual(expect.arrayContaining(['people_per_latrine_acute', 'people_per_latrine_after']));
    expect(mali.body.reached.some((row) => row.pin !== null && row.pinCoverage !== null)).toBe(true);
    const needs = await call<{ interSector: { inNeed: number } | null; sectors: Array<{ inNeed: number | null }> }>(context.app, 'GET', '/api/response/needs?country=ML&year=2021');
    expect(needs.body.interSector!.inNeed).toBeLessThan(needs.body.sectors.reduce((sum, sector) => sum + (sector.inNeed ?? 0), 0));
    const hapi = await call<{ data: unknown[] }>(context.as('anonymous'), 'GET', '/hapi/v2/coordination-context/operational-presence');
    expect(hapi.body.data.length).toBeGreaterThan(20);
  }, 120_000);
});
