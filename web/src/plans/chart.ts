/** Scales and paths for the funding-over-time chart, in plain arithmetic (no d3-scale). */

/** "2021-03-15" → days since 1970-01-01 (UTC); NaN for anything else. */
export function dayNumber(isoDate: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!match) return Number.NaN;
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / 86_400_000;
}

export function isoOfDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Round tick values from 0 to at least `max` (1, 2, 2.5 or 5 × a power of ten), about `count`
 * of them. The last tick is the top of the axis.
 */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const rough = max / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((factor) => factor * power >= rough) ?? 10) * power;
  const ticks: number[] = [];
  for (let value = 0; value < max + step * 1e-9; value += step) ticks.push(Math.round(value * 1e6) / 1e6);
  if ((ticks[ticks.length - 1] ?? 0) < max) ticks.push(Math.round(ticks.length * step * 1e6) / 1e6);
  return ticks;
}

/** First days of months between two days, at most about `count` of them (every n months). */
export function monthTicks(startDay: number, endDay: number, count = 6): number[] {
  if (!(endDay > startDay)) return [startDay];
  const start = new Date(startDay * 86_400_000);
  const end = new Date(endDay * 86_400_000);
  const months = (end.getUTCFullYear() - start.getUTCFullYear()) * 12 + end.getUTCMonth() - start.getUTCMonth();
  if (months < 2) return [startDay, endDay];
  const every = Math.max(1, Math.ceil(months / count));
  const ticks: number[] = [];
  let year = start.getUTCFullYear();
  let month = start.getUTCMonth() + (start.getUTCDate() === 1 ? 0 : 1);
  for (;;) {
    year += Math.floor(month / 12);
    month %= 12;
    const day = Date.UTC(year, month, 1) / 86_400_000;
    if (day > endDay) break;
    ticks.push(day);
    month += every;
  }
  return ticks;
}

export interface LinearScale {
  (value: number): number;
  domain: readonly [number, number];
  range: readonly [number, number];
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const scale = ((value: number) => r0 + ((value - d0) / span) * (r1 - r0)) as LinearScale;
  scale.domain = domain;
  scale.range = range;
  return scale;
}

const fixed = (value: number): string => String(Math.round(value * 10) / 10);

/**
 * A cumulative step line: flat at 0 from `fromDay`, then up at each point's date, then flat to
 * `toDay`. Points must be sorted by date.
 */
export function stepPath(
  points: ReadonlyArray<{ day: number; value: number }>,
  x: (day: number) => number,
  y: (value: number) => number,
  fromDay: number,
  toDay: number,
): string {
  let d = `M${fixed(x(fromDay))},${fixed(y(0))}`;
  for (const point of points) d += `H${fixed(x(point.day))}V${fixed(y(point.value))}`;
  const lastDay = points.length > 0 ? points[points.length - 1]!.day : fromDay;
  if (toDay > lastDay) d += `H${fixed(x(toDay))}`;
  return d;
}
