/**
 * Planner statistics on PGlite. PGlite runs PostgreSQL in single-user mode: there is no autovacuum
 * launcher, so a table is never analysed unless someone says ANALYZE. Without statistics the planner
 * takes a filled table for nearly empty and picks nested loops over whole CTEs: the DTM API's admin2
 * answer of the demo took 5 s instead of tens of milliseconds. PostgreSQL's autovacuum does this on
 * its own, so there this runs at start-up only.
 */
import type { Queryable } from './db.js';

interface TableSize {
  name: string;
  /** Pages when the table was last analysed or vacuumed (pg_class.relpages). */
  analysed_pages: number;
  /** -1 until the table's first ANALYZE. */
  analysed_rows: number;
  pages: number;
}

/**
 * Whether a table's statistics are out of date: never analysed though it holds rows, or doubled or
 * halved (and eight pages) since. Not autovacuum's tenth: the planner scales the rows it last
 * counted by the file's present size, so growth alone does not mislead it; what drifts is the
 * distribution, slowly. And on PGlite an ANALYZE holds the one connection: in the load test
 * (an import every half second) a tenth meant ANALYZE dtm_figure, 200 ms, 19 times in 30 s, every
 * request queued behind it (1,194 req/s, p99 512 ms; 1,550 req/s, p99 216 ms with no ANALYZE).
 * Pages, not rows, because the file's size is known without reading it.
 */
export function statisticsStale(table: Pick<TableSize, 'analysed_pages' | 'analysed_rows' | 'pages'>): boolean {
  if (table.analysed_rows < 0) return table.pages > 0;
  const grown = table.pages - table.analysed_pages > 8 + table.analysed_pages;
  const shrunk = table.analysed_pages - table.pages > 8 + table.pages;
  return grown || shrunk;
}

/**
 * Analyses the tables whose statistics are out of date; returns their names. Called after each job
 * and every minute while serving; on PostgreSQL it returns at once (autovacuum), unless `atStart`:
 * the demo just loaded or a restore just made would otherwise be planned blind until autovacuum's
 * next round, up to a minute later.
 */
export async function refreshStatistics(db: Queryable, options: { atStart?: boolean } = {}): Promise<string[]> {
  if (db.kind !== 'pglite' && options.atStart !== true) return [];
  const tables = await db.query<TableSize>(
    `SELECT c.relname AS name, c.relpages AS analysed_pages, c.reltuples::float8 AS analysed_rows,
            (pg_relation_size(c.oid) / current_setting('block_size')::int)::int AS pages
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r'
      ORDER BY c.relname`,
  );
  const stale = tables.filter(statisticsStale).map((table) => table.name);
  // Names come from the catalogue, quoted all the same.
  if (stale.length > 0) await db.exec(`ANALYZE ${stale.map((name) => `"${name.replaceAll('"', '""')}"`).join(', ')}`);
  return stale;
}
