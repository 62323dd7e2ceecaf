/**
 * Distributions over the demo registry (all marked "démo"): ABRI-D hands out NFI kits in Mopti
 * against the 2021 plan's shelter-nfi area and the demo contribution earmarked to it, CR-D a cash transfer;
 * most listed households receive, and a second receipt for one of them is refused, as the
 * registry refuses it to a partner. Everything goes through the module's ordinary services.
 */
import { systemActor } from '../access/audit.js';
import * as distributions from '../assistance/distributions.js';
import type { Queryable } from '../core/db.js';
import { AppError } from '../core/errors.js';
import * as contributions from '../plans/contributions.js';
import { getPlan } from '../plans/service.js';

const PLAN = 'IOM-CSAHEL-2021';

export interface DistributionsDemoReport {
  distributions: number;
  receipts: number;
  refused: string | null;
}

export async function loadDistributionsDemo(db: Queryable, organisations: ReadonlyMap<string, number>): Promise<DistributionsDemoReport> {
  const actor = systemActor('demo');
  let donor: number | null = null;
  let plan: { code: string; activityArea: string; contributionId: number | null } | null = null;
  try {
    // The contribution earmarked to shelter and NFI (the plans demo records one), else the plan's first.
    const recorded = await contributions.listContributions(db, PLAN);
    const shelter = (await getPlan(db, PLAN)).objectives.flatMap((objective) => objective.areas).find((area) => area.code === 'shelter-nfi');
    donor = (recorded.find((contribution) => shelter !== undefined && contribution.earmark.activityAreaId === shelter.id) ?? recorded[0])?.id ?? null;
    plan = { code: PLAN, activityArea: 'shelter-nfi', contributionId: donor };
  } catch (error) {
    // Without the plans demo the distributions are simply not traced to a plan.
    if (!(error instanceof AppError)) throw error;
  }
  const specs = [
    { acronym: 'ABRI-D', type: 'nfi-kit', quantity: 1, pcode: 'ML0504', label: 'Kits AME Mopti mai 2021 (démo)', plan },
    { acronym: 'CR-D', type: 'cash-transfer', quantity: 1, pcode: 'ML0504', label: 'Transfert monétaire Mopti mai 2021 (démo)', plan: plan === null ? null : { ...plan, activityArea: 'shelter-nfi', contributionId: null } },
  ];
  let receipts = 0;
  let refused: string | null = null;
  let planned = 0;
  for (const spec of specs) {
    const organisationId = organisations.get(spec.acronym);
    if (organisationId === undefined) continue;
    const distribution = await distributions.planDistribution(db, actor, {
      organisationId,
      type: spec.type,
      quantity: spec.quantity,
      location: { pcode: spec.pcode },
      startsOn: '2021-05-01',
      endsOn: '2021-05-31',
      label: spec.label,
      plan: spec.plan,
    });
    planned += 1;
    const { households } = await distributions.distributionList(db, actor.principal, distribution.id);
    // A few households are still to come on the day: their lines stay open on the list.
    const served = households.slice(0, Math.max(0, households.length - 3));
    if (served.length === 0) continue;
    await distributions.recordReceipts(db, actor, distribution.id, served.map((household, index) => ({ householdId: household.householdId, receivedBy: 'chef de ménage (démo)', receivedAt: `2021-05-${String(10 + (index % 15)).padStart(2, '0')}`, proof: 'empreinte (démo)' })));
    receipts += served.length;
    if (refused === null) {
      try {
        await distributions.recordReceipt(db, actor, distribution.id, { householdId: served[0]!.householdId, receivedBy: 'chef de ménage (démo)', receivedAt: '2021-05-28' });
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'assistance.receipt.already') throw error;
        refused = error.message;
      }
    }
  }
  return { distributions: planned, receipts, refused };
}
