/** Scope beyond the route guard: countries and organisations limit what a role may touch. */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/harness.js';
import { gazetteerCsv, importGeo, unitCount } from '../support/geo.js';
import { readFileSync } from 'node:fs';
import { DEMO_PLAN_FILE } from '../../src/demo/demo.js';
import { importPlanVariant, send } from '../support/access.js';
import { CSAHEL, importPlanBytes, loadCsahelPlan } from '../support/plans.js';

describeEachDatabase('scoped permissions', (context) => {
  it('lets the IM officer for Mali import Mali’s gazetteer but not Burkina Faso’s', async () => {
    const mali = gazetteerCsv([['MLI', 1, 'ML05', 'Mopti', 'MLI', '2021-12-20']]);
    const burkina = gazetteerCsv([['BFA', 1, 'BF56', 'Sahel', 'BFA', '2020-03-23']]);
    const imOfficer = context.as('imOfficerMali');
    expect((await importGeo(imOfficer, mali, 'mali.csv')).statusCode).toBe(201);
    const refused = await importGeo(imOfficer, burkina, 'burkina.csv');
    expect(refused.statusCode).toBe(403);
    expect(refused.body.error!.code).toBe('auth.forbidden');
    expect(await unitCount(context.app, 'country=BF')).toBe(0);
    expect((await importGeo(context.app, burkina, 'burkina.csv')).statusCode).toBe(201);
  });

  it('shows a partner published plans but not drafts, which belong to countries', async () => {
    await loadCsahelPlan(context.app);
    await importPlanVariant(context.app, { code: 'IOM-CSAHEL-DRAFT', status: 'draft' });
    const partner = context.as('partner');
    expect((await send(partner, 'GET', `/api/plans/${CSAHEL}`)).statusCode).toBe(200);
    expect((await send(partner, 'GET', '/api/plans/IOM-CSAHEL-DRAFT')).statusCode).toBe(404);
    const list = await send<{ plans: Array<{ code: string }> }>(partner, 'GET', '/api/plans');
    expect(list.body.plans.map((plan) => plan.code)).toEqual([CSAHEL]);
  });

  it('does not let an IM officer revise a plan’s figures by re-importing its definition', async () => {
    await loadCsahelPlan(context.app);
    const revised = readFileSync(DEMO_PLAN_FILE, 'utf8').replace(/^requirementsUsd: 68350000$/m, 'requirementsUsd: 70000000');
    expect(revised).toContain('70000000');
    const refused = await importPlanBytes(context.as('imOfficerMali'), revised, 'revised.yaml');
    expect(refused.statusCode).toBe(403);
    const plan = await send<{ requirements: { revisedUsd: number } }>(context.app, 'GET', `/api/plans/${CSAHEL}`);
    expect(plan.body.requirements.revisedUsd).toBe(68_350_000);
    expect((await importPlanBytes(context.as('programmeManager'), revised, 'revised.yaml')).statusCode).toBe(403);
    const byAdmin = await importPlanBytes(context.app, revised, 'revised.yaml');
    expect(byAdmin.statusCode).toBe(201);
    const after = await send<{ requirements: { originalUsd: number; revisedUsd: number } }>(context.app, 'GET', `/api/plans/${CSAHEL}`);
    expect(after.body.requirements).toEqual({ originalUsd: 68_350_000, revisedUsd: 70_000_000 });
  });
});
