/**
 * Small-count suppression of the assistance outputs (pure). A count of people or households
 * between 1 and threshold − 1 could point at a family; it is hidden (primary suppression, shown
 * "<5"). A hidden cell alone on a line whose total is published would be the total minus the
 * others, so on every such line another cell is hidden as well (complementary suppression, shown
 * "x"): the smallest non-zero one, a zero only when nothing else is left. Lines are any sets of
 * cells that add up (a row with its total, a column with its total, the totals with the grand
 * total), and the rule is applied until no line holds exactly one hidden cell.
 *
 * This is the usual line-by-line heuristic, not an optimal (linear-programming) solution: it
 * protects against subtraction on any published line, not against every combination of lines.
 */

export type Suppression = 'primary' | 'complementary';

export interface Cell {
  /** The count, or null when it is hidden. */
  value: number | null;
  /** What a reader sees: the number, "<5" (primary) or "x" (complementary). */
  display: string;
  suppressed: Suppression | null;
}

export const DEFAULT_THRESHOLD = 5;
/** Below 2 nothing would be hidden; above 100 the tables say nothing at all. */
export const MIN_THRESHOLD = 2;
export const MAX_THRESHOLD = 100;

/** A position in a table of counts: [row, column]. */
export type At = readonly [number, number];

/**
 * Suppresses a table of counts given the lines that add up in it. Returns the suppression of every
 * cell (null where shown). `values[r][c]` are non-negative integers.
 */
export function suppress(values: readonly (readonly number[])[], lines: readonly (readonly At[])[], threshold: number): Array<Array<Suppression | null>> {
  const marks = values.map((row) => row.map((value): Suppression | null => (value > 0 && value < threshold ? 'primary' : null)));
  const value = ([r, c]: At): number => values[r]![c]!;
  const hidden = ([r, c]: At): boolean => marks[r]![c] !== null;
  // Each pass hides at least one more cell, so this ends within the number of cells.
  for (let changed = true; changed; ) {
    changed = false;
    for (const line of lines) {
      if (line.filter(hidden).length !== 1) continue;
      const candidates = line.filter((at) => !hidden(at));
      if (candidates.length === 0) continue;
      // Non-zero cells first (hiding a zero that everyone can guess protects less), smallest first.
      candidates.sort((a, b) => Number(value(a) === 0) - Number(value(b) === 0) || value(a) - value(b) || a[0] - b[0] || a[1] - b[1]);
      const [r, c] = candidates[0]!;
      marks[r]![c] = 'complementary';
      changed = true;
    }
  }
  return marks;
}

export function cellOf(value: number, suppressed: Suppression | null, threshold: number): Cell {
  if (suppressed === 'primary') return { value: null, display: `<${threshold}`, suppressed };
  if (suppressed === 'complementary') return { value: null, display: 'x', suppressed };
  return { value, display: String(value), suppressed: null };
}

export interface CountRow {
  key: string;
  label: string;
  households: number;
  people: number;
}

export interface CountTable {
  columns: ['households', 'people'];
  rows: Array<{ key: string; label: string; cells: [Cell, Cell] }>;
  total: [Cell, Cell];
  /** False when a household or person may sit in several rows (types of one household): the total is then not the rows' sum. */
  additive: boolean;
}

/**
 * Households and people per row with their totals. Each column with its total is one line; a
 * table whose rows overlap is still suppressed as if it added up, which hides at least as much.
 */
export function countTable(rows: readonly CountRow[], total: { households: number; people: number }, threshold: number, additive: boolean): CountTable {
  const values = [...rows.map((row) => [row.households, row.people]), [total.households, total.people]];
  const totalRow = rows.length;
  const lines = [0, 1].map((column) => [...rows.map((_, r): At => [r, column]), [totalRow, column] as At]);
  const marks = suppress(values, lines, threshold);
  const cell = (r: number, c: number): Cell => cellOf(values[r]![c]!, marks[r]![c]!, threshold);
  return {
    columns: ['households', 'people'],
    rows: rows.map((row, r) => ({ key: row.key, label: row.label, cells: [cell(r, 0), cell(r, 1)] })),
    total: [cell(totalRow, 0), cell(totalRow, 1)],
    additive,
  };
}

export interface CrossTable {
  rows: Array<{ key: string; cells: Cell[]; total: Cell }>;
  columns: string[];
  totals: Cell[];
  total: Cell;
}

/**
 * A two-way table (people by sex × age band) with row totals, column totals and the grand
 * total, every one of them published: rows, columns and both margins are lines.
 */
export function crossTable(rowKeys: readonly string[], columnKeys: readonly string[], count: (row: string, column: string) => number, threshold: number): CrossTable {
  const R = rowKeys.length;
  const C = columnKeys.length;
  const values: number[][] = rowKeys.map((row) => columnKeys.map((column) => count(row, column)));
  for (const row of values) row.push(row.reduce((sum, value) => sum + value, 0));
  values.push(Array.from({ length: C + 1 }, (_, c) => values.reduce((sum, row) => sum + row[c]!, 0)));
  const lines: At[][] = [];
  for (let r = 0; r <= R; r++) lines.push(Array.from({ length: C + 1 }, (_, c): At => [r, c]));
  for (let c = 0; c <= C; c++) lines.push(Array.from({ length: R + 1 }, (_, r): At => [r, c]));
  const marks = suppress(values, lines, threshold);
  const cell = (r: number, c: number): Cell => cellOf(values[r]![c]!, marks[r]![c]!, threshold);
  return {
    columns: [...columnKeys],
    rows: rowKeys.map((key, r) => ({ key, cells: columnKeys.map((_, c) => cell(r, c)), total: cell(r, C) })),
    totals: columnKeys.map((_, c) => cell(R, c)),
    total: cell(R, C),
  };
}

/** Age bands of the outputs (DESIGN's default disaggregation); "unknown" when no birth year was given. */
export const AGE_BANDS = ['0-4', '5-17', '18-59', '60+', 'unknown'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export function ageBand(age: number | null): AgeBand {
  if (age === null || age < 0) return 'unknown';
  if (age <= 4) return '0-4';
  if (age <= 17) return '5-17';
  if (age <= 59) return '18-59';
  return '60+';
}
