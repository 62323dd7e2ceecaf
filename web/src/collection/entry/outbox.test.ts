import { describe, expect, it } from 'vitest';
import { backoffMs } from './outbox.js';

describe('the outbox backoff', () => {
  it('doubles from 5 s after each failed try and stops growing at 5 minutes', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((attempts) => backoffMs(attempts, middle))).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  });

  it('spreads retries by ±20 % so that devices back on the same link do not all send at once', () => {
    expect(backoffMs(3, () => 0)).toBe(16_000);
    expect(backoffMs(3, () => 1)).toBe(24_000);
  });
});
