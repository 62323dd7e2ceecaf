/**
 * Funding status at every level of a plan, from contribution sums (pure). Money earmarked to a
 * level counts there and at every level above it, never below: an objective's unallocated money
 * is shown as such, and unearmarked money stays at the plan, never silently spread.
 */
import type { ContributionStatus, EarmarkLevel } from './types.js';

export interface FundingStatus {
  requiredUsd: number | null;
  pledgedUsd: number;
  committedUsd: number;
  paidUsd: number;
  /** Committed + paid: what FTS calls funding. Pledges are promises, not funding. */
  fundedUsd: number;
  gapUsd: number | null;
  percentFunded: number | null;
  /** Money given at exactly this level, not to a part below it. */
  notAllocatedBelowUsd: number;
  contributions: number;
}

export interface FundingSum {
  status: ContributionStatus;
  earmarkLevel: EarmarkLevel;
  objectiveId: number | null;
  activityAreaId: number | null;
  country: string | null;
  amountUsd: number;
  contributions: number;
}

export interface PlanStructure {
  requiredUsd: number | null;
  objectives: Array<{ id: number; requiredUsd: number | null; areas: Array<{ id: number; requiredUsd: number | null }> }>;
  countryLines: Array<{ country: string; requiredUsd: number | null }>;
}

export interface PlanFunding {
  plan: FundingStatus;
  objectives: Map<number, FundingStatus>;
  areas: Map<number, FundingStatus>;
  countries: Map<string, FundingStatus>;
}

const cents = (value: number): number => Math.round(value * 100) / 100;

class Accumulator {
  pledged = 0;
  committed = 0;
  paid = 0;
  here = 0;
  contributions = 0;

  add(sum: FundingSum, atThisLevel: boolean): void {
    if (sum.status === 'pledge') this.pledged += sum.amountUsd;
    else if (sum.status === 'commitment') this.committed += sum.amountUsd;
    else this.paid += sum.amountUsd;
    if (atThisLevel && sum.status !== 'pledge') this.here += sum.amountUsd;
    this.contributions += sum.contributions;
  }

  status(requiredUsd: number | null): FundingStatus {
    const funded = cents(this.committed + this.paid);
    return {
      requiredUsd,
      pledgedUsd: cents(this.pledged),
      committedUsd: cents(this.committed),
      paidUsd: cents(this.paid),
      fundedUsd: funded,
      gapUsd: requiredUsd === null ? null : cents(Math.max(0, requiredUsd - funded)),
      percentFunded: requiredUsd === null || requiredUsd === 0 ? null : Math.round((funded / requiredUsd) * 1000) / 10,
      notAllocatedBelowUsd: cents(this.here),
      contributions: this.contributions,
    };
  }
}

export function computeFunding(structure: PlanStructure, sums: readonly FundingSum[]): PlanFunding {
  const plan = new Accumulator();
  const objectives = new Map(structure.objectives.map((objective) => [objective.id, new Accumulator()]));
  const areas = new Map(structure.objectives.flatMap((objective) => objective.areas.map((area) => [area.id, new Accumulator()] as const)));
  const objectiveOfArea = new Map(structure.objectives.flatMap((objective) => objective.areas.map((area) => [area.id, objective.id] as const)));
  const countries = new Map(structure.countryLines.map((line) => [line.country, new Accumulator()]));

  for (const sum of sums) {
    plan.add(sum, sum.earmarkLevel === 'plan');
    if (sum.earmarkLevel === 'activity-area' && sum.activityAreaId !== null) {
      areas.get(sum.activityAreaId)?.add(sum, true);
      const objectiveId = objectiveOfArea.get(sum.activityAreaId);
      if (objectiveId !== undefined) objectives.get(objectiveId)?.add(sum, false);
    } else if (sum.earmarkLevel === 'objective' && sum.objectiveId !== null) {
      objectives.get(sum.objectiveId)?.add(sum, true);
    } else if (sum.earmarkLevel === 'country' && sum.country !== null) {
      let line = countries.get(sum.country);
      if (!line) {
        line = new Accumulator();
        countries.set(sum.country, line);
      }
      line.add(sum, true);
    }
  }

  const requiredOf = new Map<number, number | null>();
  for (const objective of structure.objectives) {
    requiredOf.set(objective.id, objective.requiredUsd);
    for (const area of objective.areas) requiredOf.set(-area.id, area.requiredUsd);
  }
  const countryRequired = new Map(structure.countryLines.map((line) => [line.country, line.requiredUsd]));

  return {
    plan: plan.status(structure.requiredUsd),
    objectives: new Map([...objectives].map(([id, accumulator]) => [id, accumulator.status(requiredOf.get(id) ?? null)])),
    areas: new Map([...areas].map(([id, accumulator]) => [id, accumulator.status(requiredOf.get(-id) ?? null)])),
    countries: new Map([...countries].map(([country, accumulator]) => [country, accumulator.status(countryRequired.get(country) ?? null)])),
  };
}

export interface DatedContribution {
  amountUsd: number;
  pledgedOn: string | null;
  committedOn: string | null;
  paidOn: string | null;
  status: ContributionStatus;
}

export interface FundingPoint {
  date: string;
  pledgedUsd: number;
  fundedUsd: number;
  paidUsd: number;
}

/**
 * Cumulative pledged, funded (committed or paid) and paid amounts at each date something
 * happened. A contribution counts as funded from its commitment date (or payment date when it
 * was paid without a recorded commitment), as paid from its payment date.
 */
export function fundingOverTime(contributions: readonly DatedContribution[]): FundingPoint[] {
  const events = new Map<string, { pledged: number; funded: number; paid: number }>();
  const at = (date: string): { pledged: number; funded: number; paid: number } => {
    let event = events.get(date);
    if (!event) {
      event = { pledged: 0, funded: 0, paid: 0 };
      events.set(date, event);
    }
    return event;
  };
  for (const contribution of contributions) {
    const pledgedOn = contribution.pledgedOn ?? contribution.committedOn ?? contribution.paidOn;
    if (pledgedOn) at(pledgedOn).pledged += contribution.amountUsd;
    if (contribution.status !== 'pledge') {
      const fundedOn = contribution.committedOn ?? contribution.paidOn;
      if (fundedOn) at(fundedOn).funded += contribution.amountUsd;
    }
    if (contribution.status === 'paid' && contribution.paidOn) at(contribution.paidOn).paid += contribution.amountUsd;
  }
  let pledged = 0;
  let funded = 0;
  let paid = 0;
  return [...events.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, event]) => {
      pledged += event.pledged;
      funded += event.funded;
      paid += event.paid;
      return { date, pledgedUsd: cents(pledged), fundedUsd: cents(funded), paidUsd: cents(paid) };
    });
}
