/**
 * PGlite runs no autovacuum: without an ANALYZE the planner takes filled tables for empty ones (the
 * DTM API's admin2 answer of the demo took seconds on nested loops). A job leaves what it filled
 * analysed (core/statistics.ts); PostgreSQL is left to its autovacuum.
 */
import { expect, it } from 'vitest';
import { refreshStatistics } from '../../src/core/statistics.js';
import { csvOf, EN_HEADERS, importRound, seedMali, siteRow } from '../support/dtm.js';
import { describeEachDatabase } from '../support/harness.js';

describeEachDatabase('planner statistics', (context) => {
  it('a DTM import leaves its tables analysed on PGlite, and nothing stale behind it', async () => {
    await seedMali(context.app, context.db);
    const sites = Array.from({ length: 400 }, (_, index) => siteRow(`ML0501-${String(index).padStart(4, '0')}`, index % 2 === 0 ? 'ML0501' : 'ML0601', 100 + index));
    const { job } = await importRound(context.app, csvOf(EN_HEADERS, sites), { roundNumber: 1 });
    expect(job?.status, JSON.stringify(job)).toBe('succeeded');

    const analysed = await context.db.query<{ relname: string; reltuples: number }>(
      "SELECT relname, reltuples::float8 AS reltuples FROM pg_class WHERE relname IN ('admin_unit', 'dtm_location', 'dtm_summary') ORDER BY relname",
    );
    if (context.kind === 'pglite') {
      // The geography came in by a request, not a job: the job's refresh took it along.
      expect(analysed.map((table) => table.relname)).toEqual(['admin_unit', 'dtm_location', 'dtm_summary']);
      expect(analysed.find((table) => table.relname === 'dtm_location')?.reltuples).toBe(400);
      for (const table of analysed) expect(table.reltuples, table.relname).toBeGreaterThan(0);
    }
    // Analysed once: the next check finds nothing to do (on PostgreSQL it never does anything).
    expect(await refreshStatistics(context.db)).toEqual([]);
  });

  it('at start-up analyses on PostgreSQL too, where autovacuum may be a minute away', async () => {
    await refreshStatistics(context.db, { atStart: true }); // whatever earlier tests left
    await context.db.exec('CREATE TABLE statistics_start (n int); INSERT INTO statistics_start SELECT generate_series(1, 5000)');
    expect(await refreshStatistics(context.db, { atStart: true })).toEqual(['statistics_start']);
    const [probe] = await context.db.query<{ reltuples: number }>("SELECT reltuples::float8 AS reltuples FROM pg_class WHERE relname = 'statistics_start'");
    expect(probe?.reltuples).toBe(5_000);
  });

  it('analyses a table that doubled since, and one never analysed', async () => {
    if (context.kind !== 'pglite') return;
    await refreshStatistics(context.db); // whatever earlier tests left
    await context.db.exec('CREATE TABLE statistics_probe (n int)');
    expect(await refreshStatistics(context.db)).toEqual([]); // empty: nothing to learn yet
    await context.db.exec('INSERT INTO statistics_probe SELECT generate_series(1, 20000)');
    expect(await refreshStatistics(context.db)).toEqual(['statistics_probe']);
    await context.db.exec('INSERT INTO statistics_probe SELECT generate_series(1, 15000)');
    expect(await refreshStatistics(context.db)).toEqual([]); // grown by three quarters: not yet
    await context.db.exec('INSERT INTO statistics_probe SELECT generate_series(1, 10000)');
    expect(await refreshStatistics(context.db)).toEqual(['statistics_probe']);
    const [probe] = await context.db.query<{ reltuples: number }>("SELECT reltuples::float8 AS reltuples FROM pg_class WHERE relname = 'statistics_probe'");
    expect(probe?.reltuples).toBe(45_000);
  });
});
