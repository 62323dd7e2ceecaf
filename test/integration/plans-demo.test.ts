/** The plans demo records funding against the 2021 plan, so a newcomer sees funding, its gap and its donors; once only. */
import { expect, it } from 'vitest';
import { DEMO_CONTRIBUTIONS } from '../../src/demo/plans-demo.js';
import { MODULES } from '../../src/modules.js';
import { describeEachDatabase } from '../support/harness.js';
import { call } from '../support/http.js';

interface PlanBody {
  funding: { requiredUsd: number; pledgedUsd: number; committedUsd: number; paidUsd: number; fundedUsd: number; gapUsd: number; contributions: number; basis: string };
}
interface ContributionsBody {
  contributions: Array<{ donor: string; currency: string; status: string; amountUsd: number; earmark: { level: string; objectiveId: number | null; activityAreaId: number | null; country: string | null } }>;
}

describeEachDatabase('plans demo', (context) => {
  it('records synthetic contributions in three currencies, every status and every earmark level, marked démo', async () => {
    const demo = MODULES.find((module) => module.name === 'plans')!.demo!;
    const lines = await demo.load(context.db, () => undefined);
    expect(lines.join('\n')).toMatch(/demo funding recorded: 7 contributions, USD [\d,]+/);

    const recorded = await call<ContributionsBody>(context.app, 'GET', '/api/plans/IOM-CSAHEL-2021/contributions');
    expect(recorded.statusCode).toBe(200);
    const contributions = recorded.body.contributions;
    expect(contributions).toHaveLength(DEMO_CONTRIBUTIONS.length);
    for (const contribution of contributions) expect(contribution.donor).toMatch(/\(démo\)$/);
    expect(new Set(contributions.map((contribution) => contribution.currency))).toEqual(new Set(['USD', 'EUR', 'XOF']));
    expect(new Set(contributions.map((contribution) => contribution.status))).toEqual(new Set(['pledge', 'commitment', 'paid']));
    expect(new Set(contributions.map((contribution) => contribution.earmark.level))).toEqual(new Set(['plan', 'objective', 'activity-area', 'country']));
    // Earmarks resolved to the plan's own objective and areas, not left empty.
    for (const contribution of contributions) {
      if (contribution.earmark.level === 'objective') expect(contribution.earmark.objectiveId).not.toBeNull();
      if (contribution.earmark.level === 'activity-area') expect(contribution.earmark.activityAreaId).not.toBeNull();
    }

    const plan = await call<PlanBody>(context.app, 'GET', '/api/plans/IOM-CSAHEL-2021');
    const { funding } = plan.body;
    expect(funding.basis).toBe('contributions');
    expect(funding.contributions).toBe(DEMO_CONTRIBUTIONS.length);
    expect(funding.paidUsd).toBeGreaterThan(0);
    expect(funding.pledgedUsd + funding.committedUsd + funding.paidUsd).toBeCloseTo(contributions.reduce((sum, contribution) => sum + contribution.amountUsd, 0), 2);
    // A plan partly funded: a gap remains, as in 2021.
    expect(funding.gapUsd).toBeGreaterThan(0);
    expect(funding.gapUsd).toBeLessThan(funding.requiredUsd);

    // A second start adds nothing.
    expect(await demo.load(context.db, () => undefined)).toEqual(['  demo plan already loaded', '  demo funding already recorded']);
    const again = await call<ContributionsBody>(context.app, 'GET', '/api/plans/IOM-CSAHEL-2021/contributions');
    expect(again.body.contributions).toHaveLength(DEMO_CONTRIBUTIONS.length);
  });
});
