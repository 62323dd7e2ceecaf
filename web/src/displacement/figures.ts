/**
 * Number choices of the displacement pages, pure so they can be tested: signed changes, shares
 * for the small bar lists, and what the age pyramid leaves out.
 */
import type { Language } from '../../../src/shared/format.js';

const formats = new Map<string, Intl.NumberFormat>();

function numberFormat(language: Language, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${language}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(language, options);
    formats.set(key, format);
  }
  return format;
}

/** A change with its sign: "+1 234" / "-783" / "0" (French spacing in French). */
export function signedNumber(value: number, language: Language): string {
  return numberFormat(language, { signDisplay: 'exceptZero', maximumFractionDigits: 0 }).format(value);
}

/** A percentage change given as 0–100, with its sign: 0.2 → "+0,2 %" / "+0.2%". */
export function signedPercent(percent: number, language: Language): string {
  return numberFormat(language, { style: 'percent', signDisplay: 'exceptZero', maximumFractionDigits: 1 }).format(percent / 100);
}

export type Direction = 'up' | 'down' | 'same';

export function directionOf(change: number): Direction {
  return change > 0 ? 'up' : change < 0 ? 'down' : 'same';
}

/** "+555 (+0,2 %)"; without a percentage (the previous figure was 0) just "+555". */
export function changeText(change: number, percent: number | null, language: Language): string {
  const number = signedNumber(change, language);
  return percent === null ? number : `${number} (${signedPercent(percent, language)})`;
}

/** Average household size, one decimal; null without households. */
export function householdSize(individuals: number, households: number): number | null {
  if (!(households > 0)) return null;
  return Math.round((individuals / households) * 10) / 10;
}

export interface BarItem {
  key: string;
  value: number;
  /** Share of the total of the list, 0–100. */
  percent: number;
  /** Bar length, 0–100, relative to the largest item (the largest fills the row). */
  width: number;
}

/**
 * Items of a small bar list (reasons, origins), largest first (`lastKey`, "other regions", stays
 * last), with their share of `total` (by default the sum of the items) and their bar length
 * relative to the largest. A share under 0.05 % still gets a visible sliver when it is not zero.
 */
export function barItems(items: ReadonlyArray<{ key: string; value: number }>, total?: number, lastKey?: string): BarItem[] {
  const rank = (item: { key: string; value: number }): number => (item.key === lastKey ? 1 : 0);
  const sorted = [...items].filter((item) => item.value >= 0).sort((a, b) => rank(a) - rank(b) || b.value - a.value || a.key.localeCompare(b.key));
  const sum = total ?? sorted.reduce((acc, item) => acc + item.value, 0);
  const max = Math.max(0, ...sorted.map((item) => item.value));
  return sorted.map((item) => ({
    key: item.key,
    value: item.value,
    percent: sum > 0 ? Math.round((item.value * 1000) / sum) / 10 : 0,
    width: max > 0 ? (item.value === 0 ? 0 : Math.max(0.5, Math.round((item.value * 1000) / max) / 10)) : 0,
  }));
}

/**
 * The largest `limit` items, the rest added up under `otherKey` (origins: the top regions, then
 * "other regions"), so the list stays short on a phone.
 */
export function topItems<T extends { key: string; value: number }>(items: readonly T[], limit: number, otherKey: string): Array<{ key: string; value: number }> {
  const sorted = [...items].sort((a, b) => b.value - a.value || a.key.localeCompare(b.key));
  if (sorted.length <= limit) return sorted.map(({ key, value }) => ({ key, value }));
  const kept = sorted.slice(0, limit - 1).map(({ key, value }) => ({ key, value }));
  const rest = sorted.slice(limit - 1).reduce((sum, item) => sum + item.value, 0);
  return [...kept, { key: otherKey, value: rest }];
}

/** Individuals the sex × age breakdown does not cover (rows without ages): 0 when it covers all. */
export function outsidePyramid(individuals: number, pyramid: ReadonlyArray<{ females: number; males: number }>): number {
  const covered = pyramid.reduce((sum, band) => sum + band.females + band.males, 0);
  return Math.max(0, individuals - covered);
}
