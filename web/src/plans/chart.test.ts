import { describe, expect, it } from 'vitest';
import { dayNumber, isoOfDay, linearScale, monthTicks, niceTicks, stepPath } from './chart.js';

describe('chart helpers', () => {
  it('counts days without time zones', () => {
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(isoOfDay(dayNumber('2021-03-15'))).toBe('2021-03-15');
    expect(dayNumber('soon')).toBeNaN();
  });
  it('makes round ticks up to at least the maximum', () => {
    expect(niceTicks(1_200_000, 5)).toEqual([0, 250_000, 500_000, 750_000, 1_000_000, 1_250_000]);
    expect(niceTicks(100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });
  it('ticks on first days of months', () => {
    const ticks = monthTicks(dayNumber('2021-01-01'), dayNumber('2021-12-31'), 6);
    expect(ticks.map(isoOfDay)).toEqual(['2021-01-01', '2021-03-01', '2021-05-01', '2021-07-01', '2021-09-01', '2021-11-01']);
    expect(monthTicks(dayNumber('2021-01-15'), dayNumber('2021-01-20')).map(isoOfDay)).toEqual(['2021-01-15', '2021-01-20']);
  });
  it('draws cumulative steps', () => {
    const x = linearScale([0, 10], [0, 100]);
    const y = linearScale([0, 100], [50, 0]);
    expect(stepPath([{ day: 2, value: 50 }, { day: 5, value: 100 }], x, y, 0, 10)).toBe('M0,50H20V25H50V0H100');
    expect(stepPath([], x, y, 0, 10)).toBe('M0,50H100');
  });
});
