/**
 * The schema as the database describes it, for a backup: tables in dependency order (parents
 * before children), their columns and types, sequences, and identifiers quoted safely.
 */
import type { Queryable } from './db.js';
import { MIGRATIONS_TABLE, type BackupColumn } from './backup-format.js';

// ---------------------------------------------------------------------------------------------
// The schema as the database describes it
// ---------------------------------------------------------------------------------------------

interface CatalogueColumn extends BackupColumn {
  generated: boolean;
  /** Qualified, quoted sequence name (pg_get_serial_sequence) for identity and serial columns. */
  sequence: string | null;
}

export interface CatalogueTable {
  name: string;
  columns: CatalogueColumn[];
  primaryKey: string[];
  unlogged: boolean;
  references: Set<string>;
  /** User triggers that are enabled (append-only guards): switched off while restoring. */
  enabledTriggers: string[];
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The public schema's base tables (the migrations ledger left out), parents before children.
 * information_schema lists the tables; pg_catalog gives exact types, keys and triggers.
 */
export async function readCatalogue(db: Queryable): Promise<CatalogueTable[]> {
  const tableRows = await db.query<{ name: string; unlogged: boolean }>(
    `SELECT table_name AS name,
            EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'public' AND c.relname = table_name AND c.relpersistence = 'u') AS unlogged
       FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> $1 ORDER BY table_name`,
    [MIGRATIONS_TABLE],
  );
  const tables = new Map<string, CatalogueTable>(
    tableRows.map((row) => [
      row.name,
      { name: row.name, columns: [], primaryKey: [], unlogged: row.unlogged, references: new Set(), enabledTriggers: [] },
    ]),
  );
  const columns = await db.query<{ table: string; column: string; type: string; bytea: boolean; generated: boolean; sequence: string | null }>(
    `SELECT c.relname AS "table", a.attname AS "column", format_type(a.atttypid, a.atttypmod) AS type,
            a.atttypid = 'bytea'::regtype AS bytea, a.attgenerated <> '' AS generated,
            pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) AS sequence
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
      ORDER BY c.relname, a.attnum`,
  );
  for (const row of columns) {
    tables.get(row.table)?.columns.push({
      name: row.column,
      type: row.type,
      encoding: row.bytea ? 'base64' : 'text',
      generated: row.generated,
      sequence: row.sequence,
    });
  }
  const keys = await db.query<{ table: string; column: string }>(
    `SELECT c.relname AS "table", a.attname AS "column"
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
      WHERE n.nspname = 'public' AND i.indisprimary
      ORDER BY c.relname, k.position`,
  );
  for (const row of keys) tables.get(row.table)?.primaryKey.push(row.column);
  const references = await db.query<{ table: string; referenced: string }>(
    `SELECT DISTINCT c.relname AS "table", r.relname AS referenced
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_class r ON r.oid = k.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE k.contype = 'f' AND n.nspname = 'public'`,
  );
  for (const row of references) if (row.table !== row.referenced) tables.get(row.table)?.references.add(row.referenced);
  const triggers = await db.query<{ table: string; trigger: string }>(
    `SELECT c.relname AS "table", t.tgname AS "trigger"
       FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND NOT t.tgisinternal AND t.tgenabled <> 'D'
      ORDER BY c.relname, t.tgname`,
  );
  for (const row of triggers) tables.get(row.table)?.enabledTriggers.push(row.trigger);
  return dependencyOrder([...tables.values()]);
}

/** Parents first (a stable topological sort, alphabetical among equals); a cycle keeps name order. */
function dependencyOrder(tables: CatalogueTable[]): CatalogueTable[] {
  const byName = new Map(tables.map((table) => [table.name, table]));
  const ordered: CatalogueTable[] = [];
  const placed = new Set<string>();
  const remaining = [...tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  while (remaining.length > 0) {
    const index = remaining.findIndex((table) => [...table.references].every((name) => placed.has(name) || !byName.has(name)));
    const [next] = remaining.splice(index === -1 ? 0 : index, 1);
    if (next === undefined) break;
    ordered.push(next);
    placed.add(next.name);
  }
  return ordered;
}

/** Output and input settings pinned for the transaction, whatever the server's configuration. */
export const PINNED_SETTINGS = [
  "SET LOCAL TimeZone = 'UTC'",
  "SET LOCAL DateStyle = 'ISO, YMD'",
  "SET LOCAL IntervalStyle = 'postgres'",
  // Shortest exact float output: 15 digits would round values that then come back different.
  'SET LOCAL extra_float_digits = 3',
  "SET LOCAL bytea_output = 'hex'",
].join(';\n');

/** SQL reading a value of `column` from the text expression `text` (a parameter or a JSON field). */
export function fromText(text: string, column: BackupColumn): string {
  return column.encoding === 'base64' ? `decode(${text}, 'base64')` : `(${text})::${column.type}`;
}

export function toText(expression: string, column: BackupColumn): string {
  // encode() wraps base64 every 76 characters; the newlines are dropped, decode() needs none.
  return column.encoding === 'base64' ? `replace(encode(${expression}, 'base64'), chr(10), '')` : `${expression}::text`;
}
