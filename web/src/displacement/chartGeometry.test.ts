import { describe, expect, it } from 'vitest';
import { pyramidLayout, trendLayout, type Box } from './chartGeometry.js';

const box: Box = { width: 400, height: 200, margin: { top: 10, right: 10, bottom: 30, left: 50 } };

function round(number: number, individuals: number, status = 'published') {
  return { roundId: number * 10, number, referenceDate: `2021-0${number}-01`, status, individuals };
}

describe('trend across rounds', () => {
  it('draws one bar per round in round order, on a shared scale from zero', () => {
    const layout = trendLayout([round(2, 200), round(1, 100), round(3, 400, 'draft')], box);
    expect(layout.bars.map((bar) => bar.number)).toEqual([1, 2, 3]);
    expect(layout.ticks[0]).toEqual({ value: 0, y: 170 });
    expect(layout.ticks.at(-1)?.value).toBe(400);
    expect(layout.baseline).toBe(170);
    const [first, second, third] = layout.bars;
    // Heights follow the values: 100 is a quarter of 400.
    expect(first!.height * 4).toBeCloseTo(third!.height, 0);
    expect(second!.y + second!.height).toBe(170);
    expect(third!.draft).toBe(true);
    expect(first!.draft).toBe(false);
    // Bars sit in equal steps between the margins.
    expect(first!.centre).toBeCloseTo(50 + 340 / 6, 0);
    expect(third!.centre).toBeCloseTo(390 - 340 / 6, 0);
    expect(layout.line).toMatch(/^M[\d.]+,[\d.]+L[\d.]+,[\d.]+L[\d.]+,[\d.]+$/);
  });
  it('labels every n-th round when there are many, and always the latest', () => {
    const points = Array.from({ length: 25 }, (_, index) => round(index + 1, 1000 + index));
    const layout = trendLayout(points, box, 6);
    const labelled = layout.bars.filter((bar) => bar.labelled).map((bar) => bar.number);
    expect(labelled.length).toBeLessThanOrEqual(7);
    expect(labelled.at(-1)).toBe(25);
    expect(labelled[0]).toBe(1);
    // Bars never grow into walls.
    expect(trendLayout([round(1, 10)], box).bars[0]!.width).toBeLessThanOrEqual(56);
  });
  it('draws nothing without rounds', () => {
    expect(trendLayout([], box).bars).toEqual([]);
  });
});

describe('sex and age pyramid', () => {
  const bands = [
    { range: '0-4', females: 300, males: 200 },
    { range: '5-17', females: 100, males: 400 },
    { range: '60+', females: 0, males: 0 },
  ];
  it('puts males left and females right of the central column, on one scale', () => {
    const layout = pyramidLayout(bands, box, 60);
    expect(layout.total).toBe(1000);
    expect(layout.rightAxis - layout.leftAxis).toBe(60);
    const [young, older, oldest] = layout.rows;
    expect(young!.male.x + young!.male.width).toBeCloseTo(layout.leftAxis, 5);
    expect(young!.female.x).toBe(layout.rightAxis);
    // 400 males (the largest) reach as far as 400 females would.
    expect(older!.male.width).toBeCloseTo(2 * young!.male.width, 0);
    expect(young!.female.width).toBeCloseTo(3 * older!.female.width, 0);
    expect(oldest!.male.width).toBe(0);
    expect(young!.male.percent).toBe(20);
    expect(young!.female.percent).toBe(30);
  });
  it('stacks the youngest at the bottom', () => {
    const layout = pyramidLayout(bands, box);
    const [young, older, oldest] = layout.rows;
    expect(young!.y).toBeGreaterThan(older!.y);
    expect(older!.y).toBeGreaterThan(oldest!.y);
    expect(young!.y + young!.height).toBeLessThanOrEqual(layout.baseline);
    expect(oldest!.y).toBeGreaterThanOrEqual(box.margin.top);
  });
  it('gives ticks at the same distance on both sides', () => {
    const layout = pyramidLayout(bands, box);
    for (const tick of layout.ticks) expect(layout.leftAxis - tick.left).toBeCloseTo(tick.right - layout.rightAxis, 5);
    expect(layout.ticks.at(-1)!.left).toBeCloseTo(box.margin.left, 5);
  });
});
