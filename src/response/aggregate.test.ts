import { describe, expect, it } from 'vitest';
import { acrossAdmin2, acrossMonths, cellsOf, checkFigures, coverage, gaps, interSector, overlaps, pinGaps, presence, unspecified, withinSector, type Figure, type ReportFigures } from './aggregate.js';

const total = (measure: Figure['measure'], value: number): Figure => ({ measure, group: 'all', sex: 'all', age: 'all', value });
const report = (over: Partial<ReportFigures> & { reached: number; reachedNew?: number }): ReportFigures => ({
  sector: 'WSH',
  admin1: 'ML05',
  admin2: 'ML0501',
  period: '2021-03',
  activity: 'latrines',
  unit: 'people',
  ...over,
  cells: cellsOf([total('reached', over.reached), ...(over.reachedNew === undefined ? [] : [total('reached-new', over.reachedNew)])]),
});
const reached = (cells: ReadonlyMap<string, number>): number | undefined => cells.get('reached|all|all|all');

describe('people reached are never summed across activities, sectors or months', () => {
  it('takes the maximum across activities within sector × admin2 × month: 300 and 500 → 500', () => {
    const [aggregate, ...others] = withinSector([report({ activity: 'latrines', reached: 300 }), report({ activity: 'hygiene-kits-sensitisation', reached: 500 })]);
    expect(others).toEqual([]);
    expect(reached(aggregate!.cells)).toBe(500);
  });

  it('adds different admin2 units up to admin1: 500 in Bandiagara and 300 in Bankass → 800', () => {
    const aggregates = withinSector([
      report({ admin2: 'ML0501', activity: 'a', reached: 300 }),
      report({ admin2: 'ML0501', activity: 'b', reached: 500 }),
      report({ admin2: 'ML0502', activity: 'a', reached: 300 }),
    ]);
    expect(reached(acrossAdmin2(aggregates))).toBe(800);
  });

  it('adds items and money: 200 and 300 kits → 500 kits', () => {
    const [kits] = withinSector([report({ unit: 'items', activity: 'kits', reached: 200 }), report({ unit: 'items', activity: 'kits-2', reached: 300 })]);
    expect(reached(kits!.cells)).toBe(500);
    const [money] = withinSector([report({ unit: 'money', reached: 1000.5 }), report({ unit: 'money', activity: 'b', reached: 250 })]);
    expect(reached(money!.cells)).toBe(1250.5);
  });

  it('takes the maximum across sectors for inter-sector reached in one admin2', () => {
    const aggregates = withinSector([report({ sector: 'WSH', reached: 400 }), report({ sector: 'SHL', reached: 700 }), report({ sector: 'PRO', reached: 100 })]);
    expect(reached(interSector(aggregates))).toBe(700);
  });

  it('adds only new beneficiaries across months: 500 in March, 600 of whom 100 new in April → 600', () => {
    const { cells, monthsWithoutNew } = acrossMonths([
      { period: '2021-04', cells: cellsOf([total('reached', 600), total('reached-new', 100)]) },
      { period: '2021-03', cells: cellsOf([total('reached', 500)]) },
    ]);
    expect(reached(cells)).toBe(600);
    expect(monthsWithoutNew).toBe(0);
  });

  it('counts a later month that does not say who was new as adding nothing, and says so', () => {
    const { cells, monthsWithoutNew } = acrossMonths([
      { period: '2021-03', cells: cellsOf([total('reached', 500)]) },
      { period: '2021-04', cells: cellsOf([total('reached', 800)]) },
    ]);
    expect(reached(cells)).toBe(500);
    expect(monthsWithoutNew).toBe(1);
  });

  it('adds kits across months', () => {
    const { cells } = acrossMonths([{ period: '2021-03', cells: cellsOf([total('reached', 50)]) }, { period: '2021-04', cells: cellsOf([total('reached', 70)]) }], 'items');
    expect(reached(cells)).toBe(120);
  });
});

describe('parts and totals', () => {
  it('refuses parts above a total and leaves a shortfall unspecified', () => {
    const figures: Figure[] = [total('reached', 100), { measure: 'reached', group: 'all', sex: 'f', age: '18-59', value: 60 }, { measure: 'reached', group: 'all', sex: 'm', age: '18-59', value: 30 }];
    expect(checkFigures(figures)).toEqual([]);
    expect(unspecified(cellsOf(figures), 'reached')).toBe(10);
    const above = [...figures.slice(0, 2), { ...figures[2]!, value: 50 }];
    expect(checkFigures(above)).toEqual([{ code: 'response.figures.partsAboveTotal', measure: 'reached', total: 100, parts: 110, of: 'all: sex × age' }]);
  });

  it('refuses groups above the total, new above reached, repeated cells and fractions of people', () => {
    expect(checkFigures([total('reached', 10), { measure: 'reached', group: 'idp', sex: 'all', age: 'all', value: 11 }]).map((problem) => problem.code)).toEqual(['response.figures.partsAboveTotal']);
    expect(checkFigures([total('reached', 10), total('reached-new', 11)]).map((problem) => problem.code)).toEqual(['response.figures.newAboveReached']);
    expect(checkFigures([total('reached', 10), total('reached', 10)]).map((problem) => problem.code)).toEqual(['response.figures.duplicateCell']);
    expect(checkFigures([total('reached', 1.5)]).map((problem) => problem.code)).toEqual(['response.figures.notWhole']);
    expect(checkFigures([total('reached', 1.5)], 'money')).toEqual([]);
    expect(unspecified(cellsOf([]), 'reached')).toBeNull();
  });
});

describe('coverage, presence, gaps and overlaps', () => {
  it('gives null coverage without a denominator and flags, not caps, above 100 %', () => {
    expect(coverage(50, null)).toEqual({ percent: null, above100: false });
    expect(coverage(50, 0)).toEqual({ percent: null, above100: false });
    expect(coverage(150, 100)).toEqual({ percent: 150, above100: true });
    expect(coverage(1, 3)).toEqual({ percent: 33.3, above100: false });
  });

  it('counts distinct organisations per sector × admin2 × period', () => {
    const rows = [
      { sector: 'WSH', admin1: 'ML05', admin2: 'ML0501', period: '2021-03', organisationId: 2 },
      { sector: 'WSH', admin1: 'ML05', admin2: 'ML0501', period: '2021-03', organisationId: 1 },
      { sector: 'WSH', admin1: 'ML05', admin2: 'ML0501', period: '2021-03', organisationId: 2 },
      { sector: 'SHL', admin1: 'ML05', admin2: 'ML0501', period: '2021-03', organisationId: 2 },
    ];
    expect(presence(rows).map((entry) => [entry.sector, entry.organisations])).toEqual([
      ['WSH', [1, 2]],
      ['SHL', [2]],
    ]);
  });

  it('lists gaps where the caseload is above the threshold and nobody works in the sector, largest first', () => {
    const caseloads = [
      { admin2: 'ML0501', caseload: 12_000 },
      { admin2: 'ML0502', caseload: 40_000 },
      { admin2: 'ML0503', caseload: 900 },
    ];
    const present = [{ admin2: 'ML0501', sector: 'WSH' }];
    expect(gaps(caseloads, present, ['WSH', 'SHL'], 1000)).toEqual([
      { admin2: 'ML0502', sector: 'SHL', caseload: 40_000 },
      { admin2: 'ML0502', sector: 'WSH', caseload: 40_000 },
      { admin2: 'ML0501', sector: 'SHL', caseload: 12_000 },
    ]);
  });

  it('lists overlaps: two or more organisations, same activity, same place and period', () => {
    const rows = [
      { activity: 'latrines', place: 'ML0501', period: '2021-03', organisationId: 1 },
      { activity: 'latrines', place: 'ML0501', period: '2021-03', organisationId: 3 },
      { activity: 'latrines', place: 'ML0501', period: '2021-03', organisationId: 1 },
      { activity: 'latrines', place: 'ML0502', period: '2021-03', organisationId: 1 },
      { activity: 'kits', place: 'ML0501', period: '2021-03', organisationId: 2 },
    ];
    expect(overlaps(rows)).toEqual([{ activity: 'latrines', place: 'ML0501', period: '2021-03', organisations: [1, 3] }]);
  });
});

describe('gaps against the HNO people in need', () => {
  it('lists admin2 × sector above the threshold with no partner in that sector, largest first', () => {
    const needs = [
      { admin2: 'ML0501', sector: 'WSH', pin: 30_000 },
      { admin2: 'ML0501', sector: 'FSC', pin: 45_000 },
      { admin2: 'ML0502', sector: 'WSH', pin: 800 },
      { admin2: 'ML0503', sector: 'WSH', pin: 52_000 },
    ];
    const present = [{ admin2: 'ML0501', sector: 'WSH' }];
    expect(pinGaps(needs, present, 1000)).toEqual([
      { admin2: 'ML0503', sector: 'WSH', pin: 52_000 },
      { admin2: 'ML0501', sector: 'FSC', pin: 45_000 },
    ]);
    expect(pinGaps(needs, present, 50_000)).toEqual([{ admin2: 'ML0503', sector: 'WSH', pin: 52_000 }]);
  });
});
