import { describe, expect, it } from 'vitest';
import { barSegments, countryEarmarkedUsd } from './fundingBar.js';

describe('barSegments', () => {
  it('splits the bar into funded, pledged and gap', () => {
    expect(barSegments({ requiredUsd: 1000, fundedUsd: 250, pledgedUsd: 100 })).toEqual({ funded: 25, pledged: 10, gap: 65, overFunded: false });
  });
  it('keeps pledges inside the gap and flags over-funding', () => {
    expect(barSegments({ requiredUsd: 1000, fundedUsd: 950, pledgedUsd: 500 })).toEqual({ funded: 95, pledged: 5, gap: 0, overFunded: false });
    expect(barSegments({ requiredUsd: 1000, fundedUsd: 1500, pledgedUsd: 0 })).toEqual({ funded: 100, pledged: 0, gap: 0, overFunded: true });
  });
  it('draws nothing to scale without requirements', () => {
    expect(barSegments({ requiredUsd: null, fundedUsd: 0, pledgedUsd: 0 })).toEqual({ funded: 0, pledged: 0, gap: 0, overFunded: false });
  });
});

describe('countryEarmarkedUsd', () => {
  it('is what the plan received outside objectives and not for the whole plan', () => {
    const plan = {
      funding: { fundedUsd: 1000, notAllocatedBelowUsd: 200, basis: 'contributions' },
      objectives: [{ funding: { fundedUsd: 300 } }, { funding: { fundedUsd: 100 } }],
    };
    expect(countryEarmarkedUsd(plan)).toBe(400);
    expect(countryEarmarkedUsd({ ...plan, funding: { ...plan.funding, basis: 'reported' } })).toBe(0);
  });
});
