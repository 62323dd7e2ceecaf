/**
 * What partners reached for each activity area of a response plan, against the area's target and
 * funding. Response reads the plan through the plans module's public service (response already
 * depends on plans for activity areas; plans never imports response), so the import graph stays
 * one-way. Figures follow aggregate.ts: maximum across activities within sector × admin2 × month,
 * only new beneficiaries add across months, admin2 figures add, the maximum across sectors in one
 * admin2; items and money add.
 */
import type { Queryable } from '../core/db.js';
import type { Language } from '../core/errors.js';
import type { Principal } from '../access/verbs.js';
import * as plans from '../plans/service.js';
import { acrossMonths, cellsOf, coverage, withinSector, type Cells, type Figure, type IndicatorUnit } from './aggregate.js';
import { approvedForPlan, type PlanAreaReportRow } from './plan-area-queries.js';
import { requireCountry } from './service.js';

export interface AreaReached {
  /** People (or households, items, money) reached, one entry per unit reported. */
  unit: IndicatorUnit;
  reached: number;
}

export interface PlanAreaProgress {
  code: string;
  name: { en: string; fr: string };
  sectorCode: string | null;
  peopleTargeted: number | null;
  /** People reached: null when no approved report counts people for this area. */
  peopleReached: number | null;
  percentReached: number | null;
  above100: boolean;
  otherUnits: AreaReached[];
  activities: string[];
  admin2Count: number;
  months: string[];
  funding: { requiredUsd: number | null; fundedUsd: number; percentFunded: number | null };
}

export interface PlanAreasView {
  plan: string;
  country: string | null;
  areas: PlanAreaProgress[];
}

const parse = (figures: unknown): Figure[] => (typeof figures === 'string' ? JSON.parse(figures) : figures) as Figure[];
const REACHED = 'reached|all|all|all';

/** Reached per unit for one area's reports, by the aggregation rules (pure: tested with hand-built rows). */
export function reachedOfArea(rows: readonly Omit<PlanAreaReportRow, 'area_code' | 'country'>[]): Map<IndicatorUnit, number> {
  const aggregates = withinSector(rows.map((row) => ({ sector: row.sector_code, admin1: row.admin1_pcode, admin2: row.admin2_pcode, period: row.month, activity: row.activity_code, unit: row.unit, cells: cellsOf(parse(row.figures)) })));
  // Months of one sector × admin2 × unit, then the maximum across sectors in an admin2, then the sum across admin2.
  const series = new Map<string, Array<{ period: string; cells: Cells }>>();
  for (const aggregate of aggregates) {
    const key = [aggregate.unit, aggregate.admin2, aggregate.sector].join('\u0000');
    series.set(key, [...(series.get(key) ?? []), { period: aggregate.period, cells: aggregate.cells }]);
  }
  const perAdmin2 = new Map<string, number>();
  for (const [key, months] of series) {
    const [unit, admin2] = key.split('\u0000') as [IndicatorUnit, string];
    const reached = acrossMonths(months, unit).cells.get(REACHED);
    if (reached === undefined) continue;
    const place = `${unit}\u0000${admin2}`;
    const adds = unit === 'items' || unit === 'money';
    perAdmin2.set(place, adds ? (perAdmin2.get(place) ?? 0) + reached : Math.max(perAdmin2.get(place) ?? 0, reached));
  }
  const byUnit = new Map<IndicatorUnit, number>();
  for (const [place, reached] of perAdmin2) {
    const unit = place.split('\u0000')[0] as IndicatorUnit;
    byUnit.set(unit, (byUnit.get(unit) ?? 0) + reached);
  }
  return byUnit;
}

/** A draft plan is read only where its reader may read it (plans' own rule); published plans are for every reader of 4W figures. */
export async function reachedByPlanArea(db: Queryable, principal: Principal, planCode: string, filters: { country?: string } = {}, language: Language = 'en'): Promise<PlanAreasView> {
  const country = filters.country === undefined ? null : requireCountry(filters.country);
  await plans.authorisePlan(db, planCode, principal, 'plan.read');
  const plan = await plans.getPlan(db, planCode, language);
  const rows = await approvedForPlan(db, plan.code, country);
  const areas = plan.objectives.flatMap((objective) => objective.areas);
  return {
    plan: plan.code,
    country,
    areas: areas.map((area) => {
      const mine = rows.filter((row) => row.area_code === area.code);
      const reached = reachedOfArea(mine);
      const people = reached.get('people') ?? null;
      const ratio = coverage(people, area.peopleTargeted);
      return {
        code: area.code,
        name: area.name,
        sectorCode: area.sectorCode,
        peopleTargeted: area.peopleTargeted,
        peopleReached: people,
        percentReached: ratio.percent,
        above100: ratio.above100,
        otherUnits: [...reached].filter(([unit]) => unit !== 'people').map(([unit, value]) => ({ unit, reached: value })),
        activities: [...new Set(mine.map((row) => row.activity_code))].sort(),
        admin2Count: new Set(mine.map((row) => row.admin2_pcode)).size,
        months: [...new Set(mine.map((row) => row.month))].sort(),
        funding: { requiredUsd: area.funding.requiredUsd, fundedUsd: area.funding.fundedUsd, percentFunded: area.funding.percentFunded },
      };
    }),
  };
}
