/** Scope beyond the route guard: countries and organisations limit what a role may touch. */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/harness.js';
import { gazetteerCsv, importGeo, unitCount } from '../support/geo.js';
import { readFileSync } from 'node:fs';
import { DEMO_PLAN_FILE } from '../../src/demo/demo.js';
import { countRows, importPlanVariant, paidUsd, planVariant } from '../support/access.js';
import { send } from '../support/http.js';
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
  it('refuses the Mali officer a contribution earmarked to Niger in the regional plan, and a change that moves one there or away from there', async () => {
    await loadCsahelPlan(context.app);
    const mali = context.as('imOfficerMali');
    const before = await countRows(context.db, 'contribution');
    const toNiger = await send(mali, 'POST', `/api/plans/${CSAHEL}/contributions`, { payload: paidUsd(5000, { earmark: { level: 'country', country: 'NE' } }) });
    expect(toNiger.statusCode).toBe(403);
    expect(toNiger.body.error?.code).toBe('auth.forbidden');
    expect(await countRows(context.db, 'contribution')).toBe(before);
    // To Mali, or to the plan as a whole, stays theirs to record.
    const toMali = await send<{ contribution: { id: number; version: number } }>(mali, 'POST', `/api/plans/${CSAHEL}/contributions`, { payload: paidUsd(5000, { earmark: { level: 'country', country: 'ML' } }) });
    expect(toMali.statusCode, toMali.text).toBe(201);
    expect((await send(mali, 'POST', `/api/plans/${CSAHEL}/contributions`, { payload: paidUsd(100) })).statusCode).toBe(201);
    // Moving Mali's contribution to Niger is refused; the contribution stays as it was.
    const moved = await send(mali, 'PATCH', `/api/plans/${CSAHEL}/contributions/${toMali.body.contribution.id}`, { payload: { ...paidUsd(5000, { earmark: { level: 'country', country: 'NER' } }), version: toMali.body.contribution.version } });
    expect(moved.statusCode).toBe(403);
    // A Niger contribution recorded by the administrator cannot be moved to Mali by the Mali officer either.
    const niger = await send<{ contribution: { id: number; version: number } }>(context.app, 'POST', `/api/plans/${CSAHEL}/contributions`, { payload: paidUsd(700, { earmark: { level: 'country', country: 'NE' } }) });
    expect(niger.statusCode).toBe(201);
    const taken = await send(mali, 'PATCH', `/api/plans/${CSAHEL}/contributions/${niger.body.contribution.id}`, { payload: { ...paidUsd(700, { earmark: { level: 'country', country: 'ML' } }), version: niger.body.contribution.version } });
    expect(taken.statusCode).toBe(403);
    const stored = await send<{ contributions: Array<{ id: number; earmark: { country: string | null } }> }>(context.app, 'GET', `/api/plans/${CSAHEL}/contributions`);
    expect(stored.body.contributions.find((contribution) => contribution.id === niger.body.contribution.id)?.earmark.country).toBe('NE');
    expect(stored.body.contributions.find((contribution) => contribution.id === toMali.body.contribution.id)?.earmark.country).toBe('ML');
  });

  it('refuses the Mali officer a new plan definition that also covers Niger, and stores nothing of it', async () => {
    const mali = context.as('imOfficerMali');
    const refused = await importPlanBytes(mali, planVariant({ code: 'MLI-NER-2021', countries: ['ML', 'NE'] }), 'mli-ner.yaml');
    expect(refused.statusCode).toBe(403);
    expect((await send(context.app, 'GET', '/api/plans/MLI-NER-2021')).statusCode).toBe(404);
    expect((await importPlanBytes(mali, planVariant({ code: 'MLI-ONLY-2021', countries: ['ML'] }), 'mli.yaml')).statusCode).toBe(201);
  });
});
