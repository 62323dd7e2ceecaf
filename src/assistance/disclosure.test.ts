import { describe, expect, it } from 'vitest';
import { ageBand, countTable, crossTable, suppress, type At, type Cell } from './disclosure.js';

/** Whether a hidden cell of a line can be read back as total minus the shown cells. */
function recoverable(cells: readonly Cell[]): boolean {
  return cells.filter((cell) => cell.value === null).length === 1;
}

describe('small-count suppression', () => {
  it('hides counts from 1 to threshold − 1, never zeros nor counts at the threshold', () => {
    const marks = suppress([[0, 1, 4, 5, 12]], [], 5);
    expect(marks[0]).toEqual([null, 'primary', 'primary', null, null]);
  });

  it('hides a second cell on a line where one alone would be the total minus the others', () => {
    // Households per admin2: 3 | 40 | 12, total 55: 3 hidden, so 12 (the smallest other) goes too.
    const table = countTable(
      [
        { key: 'ML0501', label: 'Bandiagara', households: 3, people: 14 },
        { key: 'ML0502', label: 'Bankass', households: 40, people: 200 },
        { key: 'ML0503', label: 'Djenné', households: 12, people: 61 },
      ],
      { households: 55, people: 275 },
      5,
      true,
    );
    expect(table.rows.map((row) => row.cells[0].display)).toEqual(['<5', '40', 'x']);
    expect(table.total[0].display).toBe('55');
    // People: nothing small, nothing hidden.
    expect(table.rows.map((row) => row.cells[1].display)).toEqual(['14', '200', '61']);
    expect(recoverable([...table.rows.map((row) => row.cells[0]), table.total[0]])).toBe(false);
  });

  it('hides a small total and one more, so the rows cannot give it back', () => {
    const table = countTable([{ key: 'a', label: 'a', households: 2, people: 9 }], { households: 2, people: 9 }, 5, true);
    expect(table.rows[0]!.cells[0].display).toBe('<5');
    expect(table.total[0].display).toBe('<5');
  });

  it('hides a zero only when nothing else on the line is left', () => {
    const marks = suppress([[3, 0, 3]], [[[0, 0], [0, 1], [0, 2]]], 5);
    expect(marks[0]).toEqual(['primary', null, 'primary']);
    expect(suppress([[0, 3, 10]], [[[0, 0], [0, 1], [0, 2]]], 5)[0]).toEqual([null, 'primary', 'complementary']);
    // 20 is hidden to protect the 3; on its other line only a zero is left to hide with it.
    const alone = suppress(
      [
        [3, 20, 23],
        [0, 0, 0],
      ],
      [
        [[0, 0], [0, 1], [0, 2]],
        [[0, 1], [1, 1]],
      ],
      5,
    );
    expect(alone).toEqual([
      ['primary', 'complementary', null],
      [null, 'complementary', null],
    ]);
  });

  it('protects every row, column and margin of a sex × age table', () => {
    const counts: Record<string, number> = { 'f:0-4': 2, 'f:5-17': 30, 'f:18-59': 41, 'f:60+': 6, 'm:0-4': 9, 'm:5-17': 27, 'm:18-59': 38, 'm:60+': 1 };
    const table = crossTable(['f', 'm'], ['0-4', '5-17', '18-59', '60+'], (row, column) => counts[`${row}:${column}`] ?? 0, 5);
    const f = table.rows[0]!;
    const m = table.rows[1]!;
    expect(f.cells[0]!.display).toBe('<5');
    expect(m.cells[3]!.display).toBe('<5');
    // Every line of the table (rows with their totals, columns with theirs) keeps zero or ≥ 2 hidden cells.
    for (const row of table.rows) expect(recoverable([...row.cells, row.total])).toBe(false);
    expect(recoverable([...table.totals, table.total])).toBe(false);
    for (let c = 0; c < table.columns.length; c++) expect(recoverable([...table.rows.map((row) => row.cells[c]!), table.totals[c]!])).toBe(false);
    expect(recoverable([...table.rows.map((row) => row.total), table.total])).toBe(false);
    expect(table.total).toEqual({ value: 154, display: '154', suppressed: null });
  });

  it('stops on random tables with every line safe (fixed seed)', () => {
    let seed = 1234;
    const next = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 200; round++) {
      const rows = 1 + Math.floor(next() * 4);
      const columns = 1 + Math.floor(next() * 5);
      const values = Array.from({ length: rows }, () => Array.from({ length: columns }, () => (next() < 0.3 ? 0 : Math.floor(next() * 12))));
      const table = crossTable(
        values.map((_, r) => String(r)),
        values[0]!.map((_, c) => String(c)),
        (r, c) => values[Number(r)]![Number(c)]!,
        5,
      );
      for (const row of table.rows) expect(recoverable([...row.cells, row.total])).toBe(false);
      for (let c = 0; c < columns; c++) expect(recoverable([...table.rows.map((row) => row.cells[c]!), table.totals[c]!])).toBe(false);
      for (const row of table.rows) for (const cell of row.cells) if (cell.value !== null) expect(cell.value === 0 || cell.value >= 5).toBe(true);
    }
  });

  it('puts ages in the default bands', () => {
    expect([null, -1, 0, 4, 5, 17, 18, 59, 60, 97].map(ageBand)).toEqual(['unknown', 'unknown', '0-4', '0-4', '5-17', '5-17', '18-59', '18-59', '60+', '60+']);
    const lines: At[][] = [];
    expect(suppress([[1]], lines, 5)).toEqual([['primary']]);
  });
});
