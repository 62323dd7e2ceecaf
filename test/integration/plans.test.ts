import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { DEMO_PLAN_FILE } from '../../src/demo/demo.js';
import type { ContributionView } from '../../src/plans/contributions.js';
import type { PlanView } from '../../src/plans/service.js';
import { describeEachDatabase } from '../support/harness.js';
import { hasFixture, readFixture } from '../support/fixtures.js';
import { CSAHEL, importPlanBytes, loadCsahelPlan } from '../support/plans.js';
import { call } from '../support/http.js';
import { paidIn } from '../support/access.js';
import { checkDraft, EMPTY_DRAFT, previewUsd, type Draft } from '../../web/src/plans/contributionDraft.js';

type Contribution = { contribution: ContributionView };

function areaByCode(plan: PlanView, code: string): PlanView['objectives'][number]['areas'][number] {
  for (const objective of plan.objectives) for (const area of objective.areas) if (area.code === code) return area;
  throw new Error(`no area ${code}`);
}

const firstArea = (plan: PlanView): PlanView['objectives'][number]['areas'][number] => plan.objectives[0]!.areas[0]!;

const paid = paidIn;

describeEachDatabase('the 2021 Central Sahel plan', (context) => {
  it('is stored exactly as written: 4 objectives, 9 areas, 68,350,000 USD, 4,073,000 people, 96 entities', async () => {
    await loadCsahelPlan(context.app);
    const { statusCode, body: plan } = await call<PlanView>(context.app, 'GET', `/api/plans/${CSAHEL}`);
    expect(statusCode).toBe(200);
    expect(plan.objectives).toHaveLength(4);
    expect(plan.objectives.flatMap((objective) => objective.areas)).toHaveLength(9);
    expect(plan.requirements).toEqual({ originalUsd: 68_350_000, revisedUsd: 68_350_000 });
    expect(plan.peopleTargeted).toBe(4_073_000);
    expect(plan.entitiesTargeted).toBe(96);
    expect(plan.objectives.map((objective) => objective.requirements.revisedUsd)).toEqual([36_850_000, 25_550_000, 550_000, 5_400_000]);
    expect(plan.objectives.map((objective) => objective.peopleTargeted)).toEqual([880_000, 1_635_000, 50_000, 1_500_000]);
    expect(plan.funding).toMatchObject({ requiredUsd: 68_350_000, fundedUsd: 0, gapUsd: 68_350_000, basis: 'contributions' });
    expect(plan.countries.sort()).toEqual(['BF', 'ML', 'NE']);
  });

  it('says that 4,073,000 people is not the sum of the objectives, without calling it an error', async () => {
    await loadCsahelPlan(context.app);
    const { body: plan } = await call<PlanView>(context.app, 'GET', `/api/plans/${CSAHEL}`, undefined, { 'accept-language': 'fr' });
    const people = plan.consistency.find((finding) => finding.scope === 'plan' && finding.measure === 'people-targeted');
    expect(people).toMatchObject({ statedTotal: 4_073_000, sumOfParts: 4_065_000, difference: 8_000, severity: 'expected' });
    expect(people!.message).toMatch(/dédupliqu|doublon/i);
    expect(plan.consistency.filter((finding) => finding.measure === 'requirements').every((finding) => finding.severity === 'ok')).toBe(true);
    expect(plan.consistency.some((finding) => finding.severity === 'check')).toBe(false);
  });

  it('importing the definition again changes nothing', async () => {
    await loadCsahelPlan(context.app);
    const again = await importPlanBytes(context.app, readFileSync(DEMO_PLAN_FILE), 'copy.yaml');
    expect(again.statusCode).toBe(200);
    expect((again.body as { import: { alreadyImported: boolean } }).import.alreadyImported).toBe(true);
  });

  it('converts EUR and XOF (655.957 XOF per EUR) and updates funded and gap at every level', async () => {
    await loadCsahelPlan(context.app);
    const plan = (await call<PlanView>(context.app, 'GET', `/api/plans/${CSAHEL}`)).body;
    const area = firstArea(plan);
    const euros = await call<Contribution>(context.app, 'POST', `/api/plans/${CSAHEL}/contributions`, paid(1_000_000, 'EUR', { usdPerEur: 1.2, earmark: { level: 'activity-area', activityAreaId: area.id } }));
    expect(euros.statusCode).toBe(201);
    expect(euros.body.contribution).toMatchObject({ amountUsd: 1_200_000, currency: 'EUR', exchangeRate: 1.2, rateBasis: 'direct' });
    const francs = await call<Contribution>(context.app, 'POST', `/api/plans/${CSAHEL}/contributions`, paid(655_957_000, 'XOF', { usdPerEur: 1.2, earmark: { level: 'objective', objectiveId: plan.objectives[0]!.id } }));
    expect(francs.statusCode).toBe(201);
    expect(francs.body.contribution).toMatchObject({ amountUsd: 1_200_000, currency: 'XOF', rateBasis: 'eur-peg' });
    expect(francs.body.contribution.exchangeRate).toBeCloseTo(1.2 / 655.957, 12);
    const dollars = await call<Contribution>(context.app, 'POST', `/api/plans/${CSAHEL}/contributions`, paid(500_000, 'USD', { status: 'pledge', committedOn: null, paidOn: null }));
    expect(dollars.statusCode).toBe(201);

    const after = (await call<PlanView>(context.app, 'GET', `/api/plans/${CSAHEL}`)).body;
    const areaAfter = areaByCode(after, area.code);
    expect(areaAfter.funding).toMatchObject({ fundedUsd: 1_200_000, gapUsd: area.requirements.revisedUsd! - 1_200_000 });
    expect(after.objectives[0]!.funding).toMatchObject({ fundedUsd: 2_400_000, notAllocatedBelowUsd: 1_200_000, gapUsd: 36_850_000 - 2_400_000 });
    expect(after.funding).toMatchObject({ fundedUsd: 2_400_000, pledgedUsd: 500_000, gapUsd: 68_350_000 - 2_400_000 });
    expect(after.funding.percentFunded).toBeCloseTo(3.5, 1);
    const series = await call<{ series: Array<{ date: string; fundedUsd: number }> }>(context.app, 'GET', `/api/plans/${CSAHEL}/funding-over-time`);
    expect(series.body.series.at(-1)).toMatchObject({ fundedUsd: 2_400_000 });
  });

  it('stores what the contribution form previewed, to the cent (3,878,220 GBP at 1.21675 → 4,718,824.19 USD)', async () => {
    await loadCsahelPlan(context.app);
    const draft: Draft = { ...EMPTY_DRAFT, donor: 'FCDO', currency: 'GBP', amount: '3 878 220', rate: '1,21675', pledgedOn: '2021-02-01' };
    const checked = checkDraft(draft, 'fr');
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    const created = await call<Contribution>(context.app, 'POST', `/api/plans/${CSAHEL}/contributions`, checked.request);
    expect(created.statusCode).toBe(201);
    expect(previewUsd(draft, 'fr')).toBe(4_718_824.19);
    expect(created.body.contribution.amountUsd).toBe(previewUsd(draft, 'fr'));
  });

  it('refuses a stale edit of a revision or a contribution with 409, keeping original values and who changed what', async () => {
    await loadCsahelPlan(context.app);
    const plan = (await call<PlanView>(context.app, 'GET', `/api/plans/${CSAHEL}`)).body;
    const area = firstArea(plan);
    const first = await call<{ plan: PlanView }>(context.app, 'PATCH', `/api/plans/${CSAHEL}/areas/${area.id}`, { version: area.version, requirementsUsd: 30_000_000, reason: 'mid-year review' });
    expect(first.statusCode).toBe(200);
    expect(areaByCode(first.body.plan, area.code).requirements).toEqual({ originalUsd: area.requirements.originalUsd, revisedUsd: 30_000_000 });
    const stale = await call(context.app, 'PATCH', `/api/plans/${CSAHEL}/areas/${area.id}`, { version: area.version, requirementsUsd: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.body.error!.code).toBe('resource.stale');
    const changes = await call<{ changes: Array<{ field: string; oldValue: unknown; newValue: unknown; reason: string; changedBy: string }> }>(context.app, 'GET', `/api/plans/${CSAHEL}/changes`);
    expect(changes.body.changes[0]).toMatchObject({ field: 'revised_requirements_usd', oldValue: area.requirements.revisedUsd, newValue: 30_000_000, reason: 'mid-year review' });

    const created = await call<Contribution>(context.app, 'POST', `/api/plans/${CSAHEL}/contributions`, paid(100, 'USD'));
    const id = created.body.contribution.id;
    const update = await call<Contribution>(context.app, 'PATCH', `/api/plans/${CSAHEL}/contributions/${id}`, { ...paid(200, 'USD'), version: 1 });
    expect(update.statusCode).toBe(200);
    expect(update.body.contribution).toMatchObject({ amountUsd: 200, version: 2 });
    const staleContribution = await call(context.app, 'PATCH', `/api/plans/${CSAHEL}/contributions/${id}`, { ...paid(300, 'USD'), version: 1 });
    expect(staleContribution.statusCode).toBe(409);
  });

  it.each([
    ['a negative amount', paid(-5, 'USD'), 400, 'request.invalid'],
    ['a non-numeric amount', paid(0, 'USD', { amount: 'beaucoup' }), 400, 'request.invalid'],
    ['an unknown currency', paid(10, 'ZZZ', { usdPerUnit: 1 }), 422, 'funding.currency.unknown'],
    ['a missing exchange rate', paid(10, 'EUR'), 422, 'funding.rate.missing'],
    ['a paid date before the pledge', paid(10, 'USD', { pledgedOn: '2021-05-01', committedOn: null, paidOn: '2021-04-01' }), 422, 'funding.date.order'],
    ['a commitment without its date', paid(10, 'USD', { status: 'commitment', committedOn: null }), 422, 'funding.date.missing'],
    ['a country outside the plan', paid(10, 'USD', { earmark: { level: 'country', country: 'TD' } }), 422, 'funding.earmark.outsidePlan'],
    ['an unknown field', paid(10, 'USD', { donorr: 'x' }), 400, 'request.invalid'],
  ])('refuses %s with a clear error and stores nothing', async (_label, payload, status, code) => {
    await loadCsahelPlan(context.app);
    const response = await call(context.app, 'POST', `/api/plans/${CSAHEL}/contributions`, payload, { 'accept-language': 'fr' });
    expect(response.statusCode).toBe(status);
    expect(response.body.error!.code).toBe(code);
    expect(response.body.error!.message.length).toBeGreaterThan(10);
    const list = await call<{ contributions: unknown[] }>(context.app, 'GET', `/api/plans/${CSAHEL}/contributions`);
    expect(list.body.contributions).toHaveLength(0);
  });

  it('refuses earmarking to an activity area of another plan', async () => {
    await loadCsahelPlan(context.app);
    const other = readFileSync(DEMO_PLAN_FILE, 'utf8').replace(/^code: .*$/m, 'code: OTHER-PLAN-2021');
    expect((await importPlanBytes(context.app, other, 'other.yaml')).statusCode).toBe(201);
    const otherPlan = (await call<PlanView>(context.app, 'GET', '/api/plans/OTHER-PLAN-2021')).body;
    const response = await call(context.app, 'POST', `/api/plans/${CSAHEL}/contributions`, paid(10, 'USD', { earmark: { level: 'activity-area', activityAreaId: firstArea(otherPlan).id } }));
    expect(response.statusCode).toBe(422);
    expect(response.body.error!.code).toBe('funding.earmark.outsidePlan');
  });

  it('neutralises formulas in names that reach CSV and XLSX exports', async () => {
    await loadCsahelPlan(context.app);
    const hostile = '=HYPERLINK("http://evil.example","click")';
    expect((await call(context.app, 'POST', `/api/plans/${CSAHEL}/contributions`, paid(10, 'USD', { donor: hostile, description: '+1+1' }))).statusCode).toBe(201);
    const csv = await call(context.app, 'GET', `/api/plans/${CSAHEL}/export?table=contributions&format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="IOM-CSAHEL-2021-contributions\.csv"/);
    expect(csv.text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(csv.text).toMatch(/#org\+name\+funder/);
    expect(csv.text).not.toMatch(/(^|,)=HYPERLINK/m);

    const xlsx = await context.app.inject({ method: 'GET', url: `/api/plans/${CSAHEL}/export?table=contributions&format=xlsx` });
    expect(xlsx.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const values: unknown[] = [];
    workbook.worksheets[0]!.eachRow((row) => row.eachCell((cell) => values.push(cell.value)));
    expect(values).toContain(`'${hostile}`);
    expect(values.some((value) => typeof value === 'object' && value !== null && 'formula' in value)).toBe(false);

    const funding = await call(context.app, 'GET', `/api/plans/${CSAHEL}/export?table=funding&format=csv`);
    expect(funding.text).toMatch(/#value\+funding\+required\+usd/);
    expect(funding.text).toMatch(/68350000/);
  });

  it('answers HDX HAPI funding in JSON and CSV with the documented fields and paging', async () => {
    await loadCsahelPlan(context.app);
    const json = await call<{ data: Array<Record<string, unknown>> }>(context.app, 'GET', '/hapi/v2/coordination-context/funding?output_format=json');
    expect(json.statusCode).toBe(200);
    expect(json.body.data).toHaveLength(3);
    expect(Object.keys(json.body.data[0]!).sort()).toEqual(
      ['appeal_code', 'appeal_name', 'appeal_type', 'funding_pct', 'funding_usd', 'location_code', 'location_name', 'reference_period_end', 'reference_period_start', 'requirements_usd'].sort(),
    );
    expect(json.body.data.map((row) => row.location_code).sort()).toEqual(['BFA', 'MLI', 'NER']);
    const page = await call<{ data: unknown[] }>(context.app, 'GET', '/hapi/v2/coordination-context/funding?limit=1&offset=1');
    expect(page.body.data).toHaveLength(1);
    const filtered = await call<{ data: Array<{ location_code: string }> }>(context.app, 'GET', '/hapi/v2/coordination-context/funding?location_code=MLI');
    expect(filtered.body.data.map((row) => row.location_code)).toEqual(['MLI']);
    const csv = await call(context.app, 'GET', '/hapi/v2/coordination-context/funding?output_format=csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.replace(/^\uFEFF/, '').split(/\r?\n/)[0]).toBe(
      'appeal_code,appeal_name,appeal_type,requirements_usd,funding_usd,funding_pct,location_code,location_name,reference_period_start,reference_period_end',
    );
    const tooMany = await call(context.app, 'GET', '/hapi/v2/coordination-context/funding?limit=10001');
    expect(tooMany.statusCode).toBe(400);
  });

  it.each([
    ['malformed YAML', 'code: [unclosed\n  name: {', 'plan.yaml'],
    ['a definition with unknown keys and negative money', 'code: BAD-1\nname: {en: x, fr: y}\ntype: other\nstartDate: 2021-01-01\nendDate: 2021-12-31\ncountries: [ML]\nstatus: published\nrequirementsUsd: -5\nbudgetz: 3\nobjectives: []\n', 'bad.yaml'],
    ['binary junk', Buffer.from([0, 159, 146, 150, 0, 1]).toString('latin1'), 'junk.bin'],
  ])('refuses %s with a catalogued error and stores nothing', async (_label, file, name) => {
    const response = await importPlanBytes(context.app, file, name);
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(response.body.error!.code).toMatch(/^(plans|import)\./);
    expect((await call<{ plans: unknown[] }>(context.app, 'GET', '/api/plans')).body.plans).toHaveLength(0);
  });

  const FTS = 'funding/funding_bfa_fts_requirements_funding_bfa.csv';
  it.skipIf(!hasFixture(FTS))('imports FTS requirements and funding: HBFA21 needs 607,875,894 and has 293,527,616 (48 %); twice changes nothing', async () => {
    const first = await importPlanBytes(context.app, readFixture(FTS), 'funding_bfa.csv');
    expect(first.statusCode).toBe(201);
    const plan = (await call<PlanView>(context.app, 'GET', '/api/plans/HBFA21')).body;
    expect(plan.requirements.revisedUsd).toBe(607_875_894);
    expect(plan.funding).toMatchObject({ fundedUsd: 293_527_616, basis: 'reported', reportedFundingSource: 'FTS' });
    expect(Math.round(plan.funding.percentFunded!)).toBe(48);
    const before = (await call<{ plans: unknown[] }>(context.app, 'GET', '/api/plans')).body.plans;
    const second = await importPlanBytes(context.app, readFixture(FTS), 'funding_bfa.csv');
    expect(second.statusCode).toBe(200);
    expect((second.body as { import: { alreadyImported: boolean } }).import.alreadyImported).toBe(true);
    expect((await call<{ plans: unknown[] }>(context.app, 'GET', '/api/plans')).body.plans).toEqual(before);
  });

  it('imports FTS flows idempotently by flow id', async () => {
    await loadCsahelPlan(context.app);
    const flows = JSON.stringify({
      data: {
        flows: [
          { id: 9001, amountUSD: 250000, originalAmount: 250000, originalCurrency: 'USD', status: 'paid', date: '2021-06-01T00:00:00Z', sourceObjects: [{ type: 'Organization', name: 'Sweden' }], destinationObjects: [{ type: 'Plan', id: 1, name: 'Central Sahel', code: CSAHEL }] },
        ],
      },
    });
    const first = await importPlanBytes(context.app, flows, 'flows.json');
    expect(first.statusCode).toBe(201);
    const changed = flows.replace('250000, originalAmount: 250000', '250000, originalAmount: 250000 ');
    const second = await importPlanBytes(context.app, changed + '\n', 'flows-again.json');
    expect([200, 201]).toContain(second.statusCode);
    const list = await call<{ contributions: ContributionView[] }>(context.app, 'GET', `/api/plans/${CSAHEL}/contributions`);
    expect(list.body.contributions).toHaveLength(1);
    expect(list.body.contributions[0]).toMatchObject({ ftsFlowId: '9001', amountUsd: 250_000, donor: 'Sweden' });
  });
});
