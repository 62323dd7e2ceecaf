import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeFunding, fundingOverTime, type FundingSum, type PlanStructure } from './funding.js';

const structure: PlanStructure = {
  requiredUsd: 1_000,
  objectives: [
    { id: 1, requiredUsd: 600, areas: [{ id: 11, requiredUsd: 400 }, { id: 12, requiredUsd: 200 }] },
    { id: 2, requiredUsd: 400, areas: [{ id: 21, requiredUsd: 400 }] },
  ],
  countryLines: [{ country: 'ML', requiredUsd: 300 }],
};

const sum = (partial: Partial<FundingSum> & Pick<FundingSum, 'amountUsd'>): FundingSum => ({
  status: 'paid',
  earmarkLevel: 'plan',
  objectiveId: null,
  activityAreaId: null,
  country: null,
  contributions: 1,
  ...partial,
});

describe('computeFunding', () => {
  it('counts money where it is earmarked and at every level above, never below', () => {
    const funding = computeFunding(structure, [
      sum({ amountUsd: 100, earmarkLevel: 'activity-area', activityAreaId: 11 }),
      sum({ amountUsd: 50, earmarkLevel: 'objective', objectiveId: 1, status: 'commitment' }),
      sum({ amountUsd: 70 }),
      sum({ amountUsd: 30, earmarkLevel: 'country', country: 'ML' }),
    ]);
    expect(funding.areas.get(11)).toMatchObject({ fundedUsd: 100, gapUsd: 300, percentFunded: 25 });
    expect(funding.areas.get(12)).toMatchObject({ fundedUsd: 0, gapUsd: 200, percentFunded: 0 });
    expect(funding.objectives.get(1)).toMatchObject({ fundedUsd: 150, notAllocatedBelowUsd: 50, gapUsd: 450 });
    expect(funding.objectives.get(2)).toMatchObject({ fundedUsd: 0 });
    expect(funding.countries.get('ML')).toMatchObject({ fundedUsd: 30, gapUsd: 270 });
    expect(funding.plan).toMatchObject({ fundedUsd: 250, notAllocatedBelowUsd: 70, gapUsd: 750, percentFunded: 25, contributions: 4 });
  });

  it('does not count pledges as funding', () => {
    const funding = computeFunding(structure, [sum({ amountUsd: 500, status: 'pledge' })]);
    expect(funding.plan).toMatchObject({ pledgedUsd: 500, fundedUsd: 0, gapUsd: 1_000, notAllocatedBelowUsd: 0 });
  });

  it('has no gap below zero and no percentage without a requirement', () => {
    const funding = computeFunding({ ...structure, requiredUsd: null }, [sum({ amountUsd: 2_000, earmarkLevel: 'activity-area', activityAreaId: 12 })]);
    expect(funding.areas.get(12)).toMatchObject({ gapUsd: 0, percentFunded: 1000 });
    expect(funding.plan).toMatchObject({ gapUsd: null, percentFunded: null, fundedUsd: 2_000 });
  });

  it('keeps the plan total equal to the sum of every contribution (property)', () => {
    const arbitrarySum = fc.record({
      status: fc.constantFrom('pledge' as const, 'commitment' as const, 'paid' as const),
      earmarkLevel: fc.constantFrom('plan' as const, 'objective' as const, 'activity-area' as const, 'country' as const),
      objectiveId: fc.constantFrom(1, 2),
      activityAreaId: fc.constantFrom(11, 12, 21),
      country: fc.constantFrom('ML', 'BF'),
      amountUsd: fc.integer({ min: 1, max: 1_000_000_00 }).map((c) => c / 100),
      contributions: fc.constant(1),
    });
    fc.assert(
      fc.property(fc.array(arbitrarySum, { maxLength: 40 }), (sums) => {
        const funding = computeFunding(structure, sums);
        const total = sums.reduce((acc, item) => acc + item.amountUsd, 0);
        const plan = funding.plan;
        expect(plan.pledgedUsd + plan.committedUsd + plan.paidUsd).toBeCloseTo(total, 2);
        const areaFunded = [...funding.areas.values()].reduce((acc, status) => acc + status.fundedUsd, 0);
        expect(areaFunded).toBeLessThanOrEqual(plan.fundedUsd + 0.01);
      }),
    );
  });
});

describe('fundingOverTime', () => {
  it('accumulates pledges, funding and payments by date', () => {
    const series = fundingOverTime([
      { amountUsd: 100, pledgedOn: '2021-02-01', committedOn: '2021-03-01', paidOn: '2021-04-01', status: 'paid' },
      { amountUsd: 50, pledgedOn: '2021-03-01', committedOn: null, paidOn: null, status: 'pledge' },
    ]);
    expect(series).toEqual([
      { date: '2021-02-01', pledgedUsd: 100, fundedUsd: 0, paidUsd: 0 },
      { date: '2021-03-01', pledgedUsd: 150, fundedUsd: 100, paidUsd: 0 },
      { date: '2021-04-01', pledgedUsd: 150, fundedUsd: 100, paidUsd: 100 },
    ]);
  });
});
