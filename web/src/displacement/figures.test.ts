import { describe, expect, it } from 'vitest';
import { barItems, changeText, directionOf, householdSize, outsidePyramid, signedNumber, signedPercent, topItems } from './figures.js';

/** Intl puts narrow no-break spaces in French numbers: compare with plain spaces. */
const plain = (text: string): string => text.replace(/[\u202f\u00a0]/g, ' ');

describe('signed changes', () => {
  it('carry their sign in both languages, and none for zero', () => {
    expect(plain(signedNumber(1234, 'fr'))).toBe('+1 234');
    expect(signedNumber(-783, 'en')).toBe('-783');
    expect(signedNumber(0, 'en')).toBe('0');
    expect(plain(signedPercent(0.2, 'fr'))).toBe('+0,2 %');
    expect(signedPercent(-12.34, 'en')).toBe('-12.3%');
  });
  it('say the change with its percentage when there is one', () => {
    expect(plain(changeText(555, 0.2, 'fr'))).toBe('+555 (+0,2 %)');
    expect(changeText(-1500, -3.5, 'en')).toBe('-1,500 (-3.5%)');
    expect(changeText(1800, null, 'en')).toBe('+1,800');
  });
  it('point up, down or flat', () => {
    expect(directionOf(3)).toBe('up');
    expect(directionOf(-1)).toBe('down');
    expect(directionOf(0)).toBe('same');
  });
});

describe('household size', () => {
  it('is individuals per household, one decimal, none without households', () => {
    expect(householdSize(365953, 64103)).toBe(5.7);
    expect(householdSize(300, 10)).toBe(30);
    expect(householdSize(300, 0)).toBeNull();
  });
});

describe('bar lists', () => {
  it('sort largest first with shares of the total and bars relative to the largest', () => {
    const items = barItems([
      { key: 'insecurity', value: 25 },
      { key: 'conflict', value: 75 },
      { key: 'other', value: 0 },
    ]);
    expect(items.map((item) => item.key)).toEqual(['conflict', 'insecurity', 'other']);
    expect(items.map((item) => item.percent)).toEqual([75, 25, 0]);
    expect(items.map((item) => item.width)).toEqual([100, 33.3, 0]);
  });
  it('take shares of a given total and keep tiny values visible', () => {
    const items = barItems([{ key: 'a', value: 1 }, { key: 'b', value: 100_000 }], 200_000);
    expect(items[0]).toMatchObject({ key: 'b', percent: 50, width: 100 });
    expect(items[1]).toMatchObject({ key: 'a', percent: 0, width: 0.5 });
    expect(barItems([])).toEqual([]);
  });
  it('keep “other” last whatever its size', () => {
    const items = barItems([{ key: 'other', value: 50 }, { key: 'ML05', value: 40 }, { key: 'ML07', value: 10 }], undefined, 'other');
    expect(items.map((item) => item.key)).toEqual(['ML05', 'ML07', 'other']);
    expect(items[2]).toMatchObject({ width: 100, percent: 50 });
  });
  it('keep the largest items and add up the rest', () => {
    const items = [5, 1, 4, 2, 3].map((value) => ({ key: `k${value}`, value }));
    expect(topItems(items, 3, 'other')).toEqual([
      { key: 'k5', value: 5 },
      { key: 'k4', value: 4 },
      { key: 'other', value: 6 },
    ]);
    expect(topItems(items, 5, 'other')).toHaveLength(5);
  });
});

describe('pyramid coverage', () => {
  it('counts the individuals without an age breakdown', () => {
    expect(outsidePyramid(1000, [{ females: 300, males: 200 }, { females: 100, males: 100 }])).toBe(300);
    expect(outsidePyramid(100, [{ females: 60, males: 60 }])).toBe(0);
  });
});
