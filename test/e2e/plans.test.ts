/**
 * Plans and funding in a real browser against a real server (the demo loads the IOM Central Sahel
 * Crisis Response Plan 2021): the home page shows the plan's key figures in French; on the plan
 * page, once the programme manager has signed in (from the plan page's "sign in to record" hint,
 * coming back to it), a contribution in euros earmarked to an activity area shrinks that area's
 * gap by its USD value; one in CFA francs goes through the euro peg; dates in the wrong order get
 * the server's French message next to the dates. Exports need a signed-in reader.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlanView } from '../../src/plans/service.js';
import { browserTestsReady, DEMO, fetchFromPage, pathAndQuery, submitSignIn, useDemoBrowser } from './browser.js';

const PLAN = 'IOM-CSAHEL-2021';

/** Intl puts narrow no-break spaces between thousands in French: compare with plain spaces. */
const plain = (text: string | null): string => (text ?? '').replace(/[\u202f\u00a0]/g, ' ');

function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

describe.skipIf(!browserTestsReady)('plans and funding in Chromium', () => {
  const demo = useDemoBrowser();
  let plan: PlanView;

  beforeAll(async () => {
    const response = await fetch(`${demo.server.url}/api/plans/${PLAN}`, { headers: { Accept: 'application/json' } });
    expect(response.status, await response.clone().text()).toBe(200);
    plan = (await response.json()) as PlanView;
  });

  it('opens on the plan overview, in French, with the 2021 plan’s key figures', async () => {
    const context = await demo.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const consoleErrors = collectConsoleErrors(page);
    await page.goto(`${demo.server.url}/`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Plans et financements');
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');

    const figures = page.getByTestId('featured-plan').getByTestId('plan-key-figures');
    await expect.poll(async () => plain(await figures.getByTestId('plan-required').textContent())).toBe('68 350 000 $US');
    expect(plain(await figures.getByTestId('plan-people-targeted').textContent())).toBe('4 073 000');
    await expect.poll(() => figures.getByTestId('plan-entities-targeted').textContent()).toBe('96');
    expect(await figures.getByTestId('plan-objectives-count').textContent()).toBe('4');
    expect(await figures.getByTestId('plan-areas-count').textContent()).toBe('9');
    expect(await figures.getByTestId('plan-target-groups').textContent()).toContain('PDI');

    const row = page.getByTestId('plans-list').getByTestId(`plan-row-${PLAN}`);
    expect(plain(await row.textContent())).toContain('68 350 000');
    expect(plain(await row.textContent())).toContain('4 073 000');
    // The navigation marks Plans and funding as the current module on the home page.
    expect(await page.locator('a.nav-item[aria-current=page]').textContent()).toBe('Plans et financements');
    await page.screenshot({ path: 'test-results/e2e-plans-overview-fr.png', fullPage: true });
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('records contributions through the form: the area’s gap shrinks, CFA francs go through the euro', async () => {
    const area = plan.objectives.flatMap((objective) => objective.areas).find((candidate) => candidate.code === 'shelter-nfi') ?? plan.objectives[0]!.areas[0]!;
    const context = await demo.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const consoleErrors = collectConsoleErrors(page);
    await page.goto(`${demo.server.url}/`);
    await page.getByTestId('featured-plan').getByRole('link', { name: 'Ouvrir le plan' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe(plan.name.fr);
    expect(new URL(page.url()).pathname).toBe(`/plans/${PLAN}`);

    // Not signed in: no form, a hint whose link signs in and comes back here.
    const hint = page.getByTestId('contribution-form-sign-in');
    await expect.poll(() => hint.isVisible()).toBe(true);
    expect(await page.getByTestId('contribution-form').count()).toBe(0);
    expect(await page.getByTestId('contribution-edit').count()).toBe(0);
    expect(await hint.textContent()).toContain('Connectez-vous pour enregistrer une contribution.');
    await hint.getByRole('link').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
    await submitSignIn(page, DEMO.manager);
    await expect.poll(() => pathAndQuery(page)).toBe(`/plans/${PLAN}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe(plan.name.fr);

    const keyFigures = page.getByTestId('plan-key-figures');
    expect(plain(await keyFigures.getByTestId('plan-required').textContent())).toBe('68 350 000 $US');
    await expect.poll(() => page.getByTestId('objective-1').isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('objective-4').isVisible()).toBe(true);
    // De-duplicated people targeted: information, never an error.
    const report = page.getByTestId('consistency-report');
    expect(await report.locator('.notice-error').count()).toBe(0);
    const expected = report.locator('[data-severity=expected]');
    expect(await expected.count()).toBeGreaterThan(0);
    expect(plain(await expected.first().textContent())).toContain('4 073 000');
    expect(await page.getByTestId('funding-chart').locator('svg[role=img] > title').textContent()).toBe('Financement dans le temps');

    const areaRow = page.getByTestId(`area-${area.code}`);
    const gapOf = async () => Number(await areaRow.getByTestId('area-gap').getAttribute('data-value'));
    const gapBefore = await gapOf();
    expect(gapBefore).toBeGreaterThan(1_200_000);
    // The demo records funding already: what the form adds is measured against it.
    const fundedOf = async () => Number(await keyFigures.getByTestId('plan-funded').getAttribute('data-value'));
    const fundedBefore = await fundedOf();

    // 1,000,000 EUR at 1.2 USD per EUR, paid, earmarked to the area.
    const form = page.getByTestId('contribution-form');
    await expect.poll(() => form.isVisible()).toBe(true);
    await form.getByTestId('contribution-donor').fill('Union européenne (ECHO)');
    await form.getByTestId('contribution-currency').selectOption('EUR');
    await form.getByTestId('contribution-amount-input').fill('1 000 000');
    await form.getByTestId('contribution-rate').fill('1,2');
    expect(plain(await form.getByTestId('contribution-usd-preview').textContent())).toContain('1 000 000 € = 1 200 000 $US');
    await form.getByTestId('contribution-status').selectOption('paid');
    await form.getByTestId('contribution-pledged-on').fill('2021-03-01');
    await form.getByTestId('contribution-committed-on').fill('2021-03-15');
    await form.getByTestId('contribution-paid-on').fill('2021-04-01');
    await form.getByTestId('contribution-earmark-level').selectOption('activity-area');
    await form.getByTestId('contribution-earmark-target').selectOption(String(area.id));
    await form.getByTestId('contribution-submit').click();

    const success = page.getByTestId('contribution-success');
    await expect.poll(() => success.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(plain(await success.textContent())).toContain('Union européenne (ECHO)');
    expect(plain(await success.textContent())).toContain('1 200 000 $US');
    await expect.poll(gapOf, { timeout: 15_000 }).toBe(gapBefore - 1_200_000);
    expect(plain(await areaRow.getByTestId('area-gap').textContent())).toBe(
      `${new Intl.NumberFormat('fr-FR').format(gapBefore - 1_200_000).replace(/[\u202f\u00a0]/g, ' ')} $US`,
    );
    expect(Number(await areaRow.getByTestId('area-funded').getAttribute('data-value'))).toBeGreaterThanOrEqual(1_200_000);
    await expect.poll(fundedOf, { timeout: 15_000 }).toBe(fundedBefore + 1_200_000);
    await expect.poll(() => page.getByTestId('funding-chart').getAttribute('data-points')).not.toBe('0');
    const echo = page.getByTestId('contributions-table').locator('tbody tr', { hasText: 'Union européenne (ECHO)' });
    expect(await echo.count()).toBe(1);
    expect(await echo.getByTestId('contribution-earmark').textContent()).toBe(`Domaine : ${area.name.fr}`);
    await page.screenshot({ path: 'test-results/e2e-plan-contribution-fr.png', fullPage: true });
    await keyFigures.screenshot({ path: 'test-results/e2e-plan-key-figures-fr.png' });
    await page.getByTestId('objective-1').screenshot({ path: 'test-results/e2e-plan-objective-1-fr.png' });

    // 655,957,000 XOF: the form asks for USD per EUR and shows USD per XOF and the USD amount.
    const unearmarkedBefore = Number(await page.getByTestId('plan-unearmarked').getAttribute('data-value'));
    await form.getByTestId('contribution-donor').fill('Coopération luxembourgeoise');
    await form.getByTestId('contribution-currency').selectOption('XOF');
    await form.getByTestId('contribution-amount-input').fill('655 957 000');
    await form.getByTestId('contribution-rate').fill('1,2');
    const preview = plain(await form.getByTestId('contribution-usd-preview').textContent());
    expect(preview).toContain('1 XOF = 0,001829 USD');
    expect(preview).toContain('655 957 000 XOF = 1 200 000 $US');
    await form.getByTestId('contribution-status').selectOption('commitment');
    await form.getByTestId('contribution-pledged-on').fill('2021-05-03');
    await form.getByTestId('contribution-committed-on').fill('2021-05-10');
    await form.getByTestId('contribution-earmark-level').selectOption('plan');
    await form.getByTestId('contribution-submit').click();
    await expect.poll(async () => plain(await success.textContent()), { timeout: 15_000 }).toContain('Coopération luxembourgeoise');
    const xof = page.getByTestId('contributions-table').locator('tbody tr', { hasText: 'Coopération luxembourgeoise' });
    await expect.poll(() => xof.count(), { timeout: 15_000 }).toBe(1);
    expect(plain(await xof.getByTestId('contribution-amount').textContent())).toContain('655 957 000 XOF');
    expect(await xof.getByTestId('contribution-usd').getAttribute('data-value')).toBe('1200000');
    expect(await xof.getByTestId('contribution-earmark').textContent()).toBe('Plan entier (non affecté)');
    await expect
      .poll(async () => Number(await page.getByTestId('plan-unearmarked').getAttribute('data-value')), { timeout: 15_000 })
      .toBe(unearmarkedBefore + 1_200_000);
    // The XOF commitment is paid: corrected in place (PATCH with its version).
    await xof.getByTestId('contribution-edit').click();
    expect(await form.getByTestId('contribution-amount-input').inputValue()).toBe('655957000');
    expect(await form.getByTestId('contribution-rate').inputValue()).toBe('1.2');
    await form.getByTestId('contribution-status').selectOption('paid');
    await form.getByTestId('contribution-paid-on').fill('2021-06-20');
    await form.getByTestId('contribution-submit').click();
    await expect.poll(async () => plain(await success.textContent()), { timeout: 15_000 }).toContain('Contribution de Coopération luxembourgeoise modifiée');
    await expect.poll(() => xof.getAttribute('data-status'), { timeout: 15_000 }).toBe('paid');
    // The demo's seven contributions and the two recorded here.
    expect(await page.getByTestId('contributions-table').locator('tbody tr').count()).toBe(9);
    await page.getByTestId('funding-chart').screenshot({ path: 'test-results/e2e-plan-chart-fr.png' });
    await page.getByTestId('contributions-table').screenshot({ path: 'test-results/e2e-plan-contributions-fr.png' });
    // The change history loads when opened and lists the contributions just recorded and changed.
    const history = page.getByTestId('plan-changes');
    await history.locator('summary').click();
    await expect.poll(() => history.locator('tbody tr').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);

    // Paid before it was pledged: the server refuses, in French, next to the dates.
    const invalid = {
      donor: 'Fondation test',
      currency: 'USD',
      amount: 5000,
      status: 'paid',
      pledgedOn: '2021-06-15',
      committedOn: null,
      paidOn: '2021-06-01',
      earmark: { level: 'plan' },
      ftsFlowId: null,
      description: null,
    };
    // Anonymous callers may not record: 401 before anything else.
    const anonymous = await fetch(`${demo.server.url}/api/plans/${PLAN}/contributions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Accept-Language': 'fr' },
      body: JSON.stringify(invalid),
    });
    expect(anonymous.status).toBe(401);
    // The manager's session (cookie and anti-forgery token of the page) gets the real answer.
    const direct = await fetchFromPage(page, 'POST', `/api/plans/${PLAN}/contributions`, invalid);
    expect(direct.status).toBe(422);
    const frenchMessage = (direct.body as { error: { code: string; message: string } }).error;

    await form.getByTestId('contribution-donor').fill(invalid.donor);
    await form.getByTestId('contribution-currency').selectOption('USD');
    await form.getByTestId('contribution-amount-input').fill('5 000');
    await form.getByTestId('contribution-status').selectOption('paid');
    await form.getByTestId('contribution-pledged-on').fill(invalid.pledgedOn);
    await form.getByTestId('contribution-committed-on').fill('');
    await form.getByTestId('contribution-paid-on').fill(invalid.paidOn);
    await form.getByTestId('contribution-submit').click();
    const error = page.getByTestId('contribution-error');
    await expect.poll(() => error.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await error.getAttribute('data-code')).toBe(frenchMessage.code);
    expect(await error.textContent()).toBe(frenchMessage.message);
    // Shown by the dates it is about, not as a generic failure.
    expect(await form.locator('fieldset.dates').getByTestId('contribution-error').count()).toBe(1);
    expect(await page.getByTestId('contributions-table').locator('tbody tr', { hasText: 'Fondation test' }).count()).toBe(0);
    await form.getByTestId('contribution-pledged-on').scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/e2e-plan-form-error-fr.png' });

    // The browser reports the refused request itself (422) as a console error; nothing else.
    expect(consoleErrors.filter((message) => !/status of 422/.test(message))).toEqual([]);
    await context.close();
  });

  it('shows the plan in English with English money formatting; exports once signed in', async () => {
    const context = await demo.browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const consoleErrors = collectConsoleErrors(page);
    await page.goto(`${demo.server.url}/plans/${PLAN}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe(plan.name.en);
    expect(await page.getByTestId('plan-required').textContent()).toBe('USD\u00a068,350,000');
    expect(await page.getByTestId('plan-people-targeted').textContent()).toBe('4,073,000');
    expect(await page.getByTestId('plan-target-groups').textContent()).toContain('IDPs');
    // Exports need a signed-in user (verb export.download).
    await expect.poll(() => page.getByTestId('plan-exports-sign-in').isVisible()).toBe(true);
    expect(await page.getByTestId('plan-exports').count()).toBe(0);
    const anonymousCsv = await fetch(`${demo.server.url}/api/plans/${PLAN}/export?table=contributions&format=csv`);
    expect(anonymousCsv.status).toBe(401);

    // English chosen in this browser stays English for the viewer, whose account says French.
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.getByTestId('sign-in-link').click();
    await submitSignIn(page, DEMO.viewer);
    await expect.poll(() => pathAndQuery(page)).toBe(`/plans/${PLAN}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe(plan.name.en);
    await expect.poll(() => page.getByTestId('plan-exports').isVisible()).toBe(true);
    expect(await page.getByTestId('export-funding-xlsx').getAttribute('href')).toBe(`/api/plans/${PLAN}/export?table=funding&format=xlsx`);
    const csv = await fetchFromPage(page, 'GET', (await page.getByTestId('export-contributions-csv').getAttribute('href'))!);
    expect(csv.status).toBe(200);
    expect(csv.contentType).toContain('text/csv');
    // The viewer reads and downloads; recording is not for this role.
    expect(await page.getByTestId('contribution-form-not-allowed').textContent()).toBe('Your role does not allow recording contributions.');
    // Signed in, the plan shows what partners reached per area (demo 4W reports count towards WASH), linked to the 4W page.
    const wash = page.getByTestId('areas-reached').getByTestId('reached-wash');
    await expect.poll(async () => Number(await wash.getAttribute('data-reached'))).toBeGreaterThan(0);
    expect(await wash.getByRole('link').getAttribute('href')).toBe('/response?sector=WSH');
    await page.getByTestId('areas-reached').screenshot({ path: 'test-results/e2e-plan-areas-reached-en.png' });
    await page.screenshot({ path: 'test-results/e2e-plan-en.png', fullPage: true });
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
