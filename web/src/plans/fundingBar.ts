/**
 * Widths of the funding bar (funded, pledged, gap) as shares of what is required. Pure.
 * Pledges are promises: they are drawn lighter, inside the gap, never as funding.
 */
import type { FundingStatus } from './types.js';

export interface BarSegments {
  /** Percentages of the bar's width; they add up to 100 (or are all 0 when nothing is required). */
  funded: number;
  pledged: number;
  gap: number;
  /** Funded beyond what is required. */
  overFunded: boolean;
}

const round = (value: number): number => Math.round(value * 100) / 100;

export function barSegments(funding: Pick<FundingStatus, 'requiredUsd' | 'fundedUsd' | 'pledgedUsd'>): BarSegments {
  const required = funding.requiredUsd;
  if (required === null || required <= 0) {
    return { funded: funding.fundedUsd > 0 ? 100 : 0, pledged: 0, gap: 0, overFunded: false };
  }
  const funded = Math.min(100, (funding.fundedUsd / required) * 100);
  const pledged = Math.min(100 - funded, (Math.max(0, funding.pledgedUsd) / required) * 100);
  return {
    funded: round(funded),
    pledged: round(pledged),
    gap: round(Math.max(0, 100 - funded - pledged)),
    overFunded: funding.fundedUsd > required,
  };
}

/**
 * Money earmarked to a country and not to any objective: the plan's funding minus what its
 * objectives received minus what was given to the plan as a whole. Only meaningful when the
 * plan's figure comes from its contributions (not an outside reported figure).
 */
export function countryEarmarkedUsd(plan: {
  funding: Pick<FundingStatus, 'fundedUsd' | 'notAllocatedBelowUsd'> & { basis: string };
  objectives: ReadonlyArray<{ funding: Pick<FundingStatus, 'fundedUsd'> }>;
}): number {
  if (plan.funding.basis !== 'contributions') return 0;
  const objectives = plan.objectives.reduce((sum, objective) => sum + objective.funding.fundedUsd, 0);
  const rest = plan.funding.fundedUsd - objectives - plan.funding.notAllocatedBelowUsd;
  return rest > 0.005 ? Math.round(rest * 100) / 100 : 0;
}
