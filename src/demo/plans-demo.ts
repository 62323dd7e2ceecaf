/**
 * The plans demo: the 2021 Central Sahel plan, shipped as a plan definition file in the repository,
 * and funding recorded against it — synthetic contributions (donors and amounts invented, each
 * marked "démo") in dollars, euros and CFA francs, at every stage from pledge to paid and earmarked
 * at every level, so that a newcomer sees the plan's funding, its gap and a distribution's donor.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemActor } from '../access/audit.js';
import type { DemoLoader } from '../core/module.js';
import { addContribution, listContributions, type ContributionInput } from '../plans/contributions.js';
import { importPlanFile } from '../plans/plan-imports.js';
import { getPlan } from '../plans/service.js';

export const DEMO_PLAN_FILE = fileURLToPath(new URL('../../plans/iom-csahel-2021.yaml', import.meta.url));
const PLAN = 'IOM-CSAHEL-2021';

/** Euro in dollars, roughly its 2021 average; the CFA franc follows the euro's fixed peg. */
const USD_PER_EUR = 1.18;

type Earmark = { level: 'plan' } | { level: 'objective'; position: number } | { level: 'activity-area'; area: string } | { level: 'country'; country: string };

interface DemoContribution {
  donor: string;
  currency: 'USD' | 'EUR' | 'XOF';
  amount: number;
  status: ContributionInput['status'];
  pledgedOn: string;
  committedOn?: string;
  paidOn?: string;
  earmark: Earmark;
  description: string;
}

// The first, earmarked to shelter and NFI, is what the demo's NFI distribution is traced to.
export const DEMO_CONTRIBUTIONS: readonly DemoContribution[] = [
  { donor: 'Fonds commun humanitaire A (démo)', currency: 'USD', amount: 2_500_000, status: 'paid', pledgedOn: '2021-02-10', committedOn: '2021-03-01', paidOn: '2021-04-20', earmark: { level: 'activity-area', area: 'shelter-nfi' }, description: 'Kits AME et abris d’urgence, Mopti et Ménaka (démo)' },
  { donor: 'Bailleur humanitaire B (démo)', currency: 'EUR', amount: 4_000_000, status: 'commitment', pledgedOn: '2021-02-01', committedOn: '2021-03-15', earmark: { level: 'objective', position: 1 }, description: 'Assistance vitale aux personnes déplacées (démo)' },
  { donor: 'Coopération bilatérale C (démo)', currency: 'XOF', amount: 1_500_000_000, status: 'paid', pledgedOn: '2021-03-05', committedOn: '2021-03-20', paidOn: '2021-05-12', earmark: { level: 'country', country: 'ML' }, description: 'Réponse au Mali (démo)' },
  { donor: 'Fonds d’urgence D (démo)', currency: 'USD', amount: 1_200_000, status: 'paid', pledgedOn: '2021-04-01', committedOn: '2021-04-02', paidOn: '2021-04-15', earmark: { level: 'activity-area', area: 'wash' }, description: 'Eau et assainissement sur les sites de déplacés (démo)' },
  { donor: 'Coopération bilatérale E (démo)', currency: 'EUR', amount: 2_000_000, status: 'commitment', pledgedOn: '2021-05-10', committedOn: '2021-06-01', earmark: { level: 'country', country: 'BF' }, description: 'Réponse au Burkina Faso (démo)' },
  { donor: 'Bailleur F (démo)', currency: 'USD', amount: 1_500_000, status: 'paid', pledgedOn: '2021-05-20', committedOn: '2021-06-10', paidOn: '2021-07-01', earmark: { level: 'country', country: 'NE' }, description: 'Réponse au Niger (démo)' },
  { donor: 'Bailleur G (démo)', currency: 'USD', amount: 6_000_000, status: 'pledge', pledgedOn: '2021-06-30', earmark: { level: 'plan' }, description: 'Annonce de contribution non affectée (démo)' },
];

async function recordDemoFunding(db: Parameters<DemoLoader['load']>[0]): Promise<string> {
  // Loaded once: a second `npm start` finds the plan's contributions and adds none.
  if ((await listContributions(db, PLAN)).length > 0) return '  demo funding already recorded';
  const plan = await getPlan(db, PLAN);
  const actor = systemActor('demo');
  let usd = 0;
  for (const contribution of DEMO_CONTRIBUTIONS) {
    const { earmark } = contribution;
    const objective = earmark.level === 'objective' ? plan.objectives.find((candidate) => candidate.position === earmark.position) : undefined;
    const area = earmark.level === 'activity-area' ? plan.objectives.flatMap((candidate) => candidate.areas).find((candidate) => candidate.code === earmark.area) : undefined;
    const recorded = await addContribution(db, actor, PLAN, {
      donor: contribution.donor,
      currency: contribution.currency,
      amount: contribution.amount,
      ...(contribution.currency === 'USD' ? {} : { usdPerEur: USD_PER_EUR }),
      status: contribution.status,
      pledgedOn: contribution.pledgedOn,
      committedOn: contribution.committedOn ?? null,
      paidOn: contribution.paidOn ?? null,
      earmark: {
        level: earmark.level,
        objectiveId: objective?.id ?? null,
        activityAreaId: area?.id ?? null,
        country: earmark.level === 'country' ? earmark.country : null,
      },
      description: contribution.description,
    });
    usd += recorded.amountUsd;
  }
  return `  demo funding recorded: ${DEMO_CONTRIBUTIONS.length} contributions, USD ${Math.round(usd).toLocaleString('en')}`;
}

export const plansDemo: DemoLoader = {
  label: 'plan',
  async load(db) {
    const report = await importPlanFile(db, { bytes: readFileSync(DEMO_PLAN_FILE), fileName: path.basename(DEMO_PLAN_FILE), actor: systemActor('demo') });
    return [report.alreadyImported ? '  demo plan already loaded' : `  demo plan loaded: ${report.plans.map((plan) => plan.code).join(', ')}`, await recordDemoFunding(db)];
  },
};
