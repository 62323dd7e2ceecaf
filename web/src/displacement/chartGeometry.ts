/**
 * Geometry of the displacement charts (trend across rounds, sex and age pyramid), in plain
 * arithmetic: the components only draw what these functions place. Scales and round ticks come
 * from the funding chart's helpers.
 */
import { linearScale, niceTicks } from '../plans/chart.js';

export interface Margin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface Box {
  width: number;
  height: number;
  margin: Margin;
}

const fixed = (value: number): number => Math.round(value * 10) / 10;

// ---- trend: one bar per round --------------------------------------------------------------------

export interface TrendInput {
  roundId: number;
  number: number;
  referenceDate: string;
  status: string;
  individuals: number;
}

export interface TrendBar {
  roundId: number;
  number: number;
  referenceDate: string;
  value: number;
  draft: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Centre of the bar, where its axis label goes. */
  centre: number;
  /** False when labels would overlap: only every n-th round (and the last) is labelled. */
  labelled: boolean;
}

export interface TrendLayout {
  bars: TrendBar[];
  ticks: Array<{ value: number; y: number }>;
  /** The x-axis line. */
  baseline: number;
  /** Through the tops of the bars, for the eye to follow the trend. */
  line: string;
}

/** Bars are never wider than this, so two rounds do not look like two walls. */
const MAX_BAR = 56;

/**
 * One bar per round, in round order (rounds are never added up: each bar is a round's own
 * figure). At most `maxLabels` x-axis labels; the latest round is always labelled.
 */
export function trendLayout(points: readonly TrendInput[], box: Box, maxLabels = 10): TrendLayout {
  const sorted = [...points].sort((a, b) => a.number - b.number || a.referenceDate.localeCompare(b.referenceDate));
  const { width, height, margin } = box;
  const baseline = height - margin.bottom;
  const max = Math.max(0, ...sorted.map((point) => point.individuals));
  const ticks = niceTicks(max, 4);
  const top = ticks[ticks.length - 1] ?? 1;
  const y = linearScale([0, top], [baseline, margin.top]);
  const inner = width - margin.left - margin.right;
  const step = sorted.length > 0 ? inner / sorted.length : inner;
  const barWidth = Math.min(MAX_BAR, step * 0.62);
  const every = Math.max(1, Math.ceil(sorted.length / Math.max(1, maxLabels)));
  const bars = sorted.map((point, index) => {
    const centre = margin.left + step * index + step / 2;
    const barTop = y(point.individuals);
    return {
      roundId: point.roundId,
      number: point.number,
      referenceDate: point.referenceDate,
      value: point.individuals,
      draft: point.status !== 'published',
      x: fixed(centre - barWidth / 2),
      y: fixed(barTop),
      width: fixed(barWidth),
      height: fixed(baseline - barTop),
      centre: fixed(centre),
      labelled: index === sorted.length - 1 || (index % every === 0 && sorted.length - 1 - index >= every / 2),
    };
  });
  const line = bars.map((bar, index) => `${index === 0 ? 'M' : 'L'}${bar.centre},${bar.y}`).join('');
  return { bars, ticks: ticks.map((value) => ({ value, y: fixed(y(value)) })), baseline, line };
}

// ---- pyramid: males left, females right, youngest at the bottom -------------------------------------

export interface PyramidInput {
  range: string;
  females: number;
  males: number;
}

export interface PyramidRow {
  range: string;
  y: number;
  height: number;
  /** Centre line of the row, for its label. */
  middle: number;
  male: { x: number; width: number; value: number; percent: number };
  female: { x: number; width: number; value: number; percent: number };
}

export interface PyramidLayout {
  rows: PyramidRow[];
  /** x of the central column's edges: males end at `leftAxis`, females start at `rightAxis`. */
  leftAxis: number;
  rightAxis: number;
  /** Tick values with their x on each side (same values both sides). */
  ticks: Array<{ value: number; left: number; right: number }>;
  baseline: number;
  total: number;
}

const percentOf = (value: number, total: number): number => (total > 0 ? Math.round((value * 1000) / total) / 10 : 0);

/**
 * The sex and age pyramid of the operation's age ranges (given youngest first). Both sides share
 * one scale, so a longer bar is always more people; `labelColumn` is the width of the central
 * column where the age ranges are written.
 */
export function pyramidLayout(bands: readonly PyramidInput[], box: Box, labelColumn = 56): PyramidLayout {
  const { width, height, margin } = box;
  const total = bands.reduce((sum, band) => sum + band.females + band.males, 0);
  const max = Math.max(0, ...bands.flatMap((band) => [band.females, band.males]));
  const ticks = niceTicks(max, 3);
  const top = ticks[ticks.length - 1] ?? 1;
  const centre = margin.left + (width - margin.left - margin.right) / 2;
  const leftAxis = centre - labelColumn / 2;
  const rightAxis = centre + labelColumn / 2;
  const half = leftAxis - margin.left;
  const toLength = linearScale([0, top], [0, half]);
  const baseline = height - margin.bottom;
  const rowStep = bands.length > 0 ? (baseline - margin.top) / bands.length : 0;
  const barHeight = rowStep * 0.78;
  const rows = bands.map((band, index) => {
    // Youngest at the bottom: the first band takes the lowest row.
    const rowTop = baseline - rowStep * (index + 1) + (rowStep - barHeight) / 2;
    const maleLength = toLength(band.males);
    const femaleLength = toLength(band.females);
    return {
      range: band.range,
      y: fixed(rowTop),
      height: fixed(barHeight),
      middle: fixed(rowTop + barHeight / 2),
      male: { x: fixed(leftAxis - maleLength), width: fixed(maleLength), value: band.males, percent: percentOf(band.males, total) },
      female: { x: fixed(rightAxis), width: fixed(femaleLength), value: band.females, percent: percentOf(band.females, total) },
    };
  });
  return {
    rows,
    leftAxis: fixed(leftAxis),
    rightAxis: fixed(rightAxis),
    ticks: ticks.map((value) => ({ value, left: fixed(leftAxis - toLength(value)), right: fixed(rightAxis + toLength(value)) })),
    baseline,
    total,
  };
}
