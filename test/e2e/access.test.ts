/**
 * Access control in a real browser against a real server (`liptako start` creates the demo
 * accounts): what each role sees, the administrator's users and audit pages, API tokens, sign-out
 * (here and everywhere) and the "session ended" notice. Every page runs under the server's strict
 * Content-Security-Policy with no console message and no policy violation at all, except
 * Chromium's own line for a 4xx answer the test provokes on purpose.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { browserTestsReady, DEMO, fetchFromPage, pathAndQuery, signIn, submitSignIn, useDemoBrowser, watchContext } from './browser.js';

const PLAN = 'IOM-CSAHEL-2021';

describe.skipIf(!browserTestsReady)('access control in Chromium', () => {
  const demo = useDemoBrowser();
  let planName: { en: string; fr: string };

  beforeAll(async () => {
    const response = await fetch(`${demo.server.url}/api/plans/${PLAN}`, { headers: { Accept: 'application/json' } });
    expect(response.status).toBe(200);
    planName = ((await response.json()) as { name: { en: string; fr: string } }).name;
  });

  it('serves the app under a strict Content-Security-Policy, with no inline style or script', async () => {
    const context = await demo.browser.newContext({ locale: 'fr-FR' });
    const watch = await watchContext(context);
    const page = await context.newPage();
    const response = await page.goto(`${demo.server.url}/`);
    const policy = response?.headers()['content-security-policy'] ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    const html = (await (await fetch(`${demo.server.url}/`)).text()).replace(/<!--[\s\S]*?-->/g, '');
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\//);
    expect(html).not.toMatch(/<style|<script(?![^>]*\bsrc=)|\sstyle=/i);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Plans et financements');
    await expect.poll(() => page.getByTestId('sign-in-link').isVisible()).toBe(true);
    expect(watch.problems()).toEqual([]);
    await context.close();
  });

  it('partner: sees the plan, but no contribution form, no import panel, no administration; /api/users answers 403', async () => {
    const context = await demo.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1000 } });
    const watch = await watchContext(context, [{ status: 403, path: '/api/users' }]);
    const page = await context.newPage();
    await signIn(page, demo.server.url, DEMO.partner, `/plans/${PLAN}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe(planName.fr);
    await expect.poll(() => page.getByTestId('contribution-form-not-allowed').isVisible()).toBe(true);
    expect(await page.getByTestId('contribution-form').count()).toBe(0);
    expect(await page.getByTestId('contribution-edit').count()).toBe(0);
    // The partner may download the tables.
    await expect.poll(() => page.getByTestId('plan-exports').isVisible()).toBe(true);
    expect(await page.getByTestId('nav-admin').count()).toBe(0);
    await page.screenshot({ path: 'test-results/e2e-access-partner-plan-fr.png', fullPage: true });

    await page.getByRole('link', { name: 'Géographie' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Géographie');
    await expect.poll(() => page.getByTestId('geo-import-not-allowed').isVisible()).toBe(true);
    expect(await page.getByTestId('geo-import').count()).toBe(0);
    expect(await page.getByTestId('nav-admin-users').count()).toBe(0);
    expect(await page.getByTestId('nav-admin-audit').count()).toBe(0);

    const users = await fetchFromPage(page, 'GET', '/api/users');
    expect(users.status).toBe(403);
    expect((users.body as { error: { code: string } }).error.code).toBe('auth.forbidden');

    // Typing the address does not help either: the page says so without asking the server.
    await page.goto(`${demo.server.url}/admin/users`);
    await expect.poll(() => page.getByTestId('page-not-allowed').isVisible()).toBe(true);
    expect(await page.getByTestId('users-table').count()).toBe(0);
    expect(watch.problems()).toEqual([]);
    await context.close();
  });

  it('IM officer Mali: a wrong password is refused clearly; signed in from the geography page, comes back to it, can import and record, no administration', async () => {
    const context = await demo.browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 1000 } });
    const watch = await watchContext(context, [{ status: 401, path: '/api/auth/sign-in' }]);
    const page = await context.newPage();
    await page.goto(`${demo.server.url}/geography?country=ML&level=2`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Geography');
    await expect.poll(() => page.getByTestId('geo-import-sign-in').isVisible()).toBe(true);
    expect(await page.getByTestId('geo-import').count()).toBe(0);

    await page.getByTestId('sign-in-link').click();
    await expect.poll(() => pathAndQuery(page)).toBe(`/sign-in?next=${encodeURIComponent('/geography?country=ML&level=2')}`);
    await submitSignInExpectingFailure();
    await page.screenshot({ path: 'test-results/e2e-access-sign-in-error-en.png' });

    await submitSignIn(page, DEMO.imMali);
    await expect.poll(() => pathAndQuery(page)).toBe('/geography?country=ML&level=2');
    // No language chosen in this browser: the account's language (French) applies.
    await expect.poll(() => page.locator('h1').textContent()).toBe('Géographie');
    expect(await page.getByTestId('user-name').textContent()).toBe(DEMO.imMali.name);
    await expect.poll(() => page.getByTestId('geo-import').isVisible()).toBe(true);
    expect(await page.getByTestId('geo-import-sign-in').count()).toBe(0);
    expect(await page.getByTestId('nav-admin').count()).toBe(0);
    await page.screenshot({ path: 'test-results/e2e-access-im-geography-fr.png', fullPage: true });

    await page.goto(`${demo.server.url}/plans/${PLAN}`);
    await expect.poll(() => page.getByTestId('contribution-form').isVisible()).toBe(true);
    expect(await page.getByTestId('contribution-form-sign-in').count()).toBe(0);
    expect(await page.getByTestId('nav-admin').count()).toBe(0);
    expect(watch.problems()).toEqual([]);
    await context.close();

    async function submitSignInExpectingFailure(): Promise<void> {
      const form = page.getByTestId('sign-in-form');
      await form.getByTestId('sign-in-email').fill(DEMO.imMali.email);
      await form.getByTestId('sign-in-password').fill('not-the-password');
      await form.getByTestId('sign-in-submit').click();
      const error = page.getByTestId('sign-in-error');
      await expect.poll(() => error.isVisible(), { timeout: 15_000 }).toBe(true);
      expect(await error.getAttribute('data-code')).toBe('auth.signIn.failed');
      expect(await error.textContent()).toContain('Wrong e-mail address or password.');
      expect(await form.getByTestId('sign-in-password').inputValue()).toBe('');
      expect(await page.getByTestId('header-user').getAttribute('data-state')).toBe('anonymous');
    }
  });

  it('administrator: the users page lists the demo users, a user is created and disabled; the audit log has the sign-ins and exports them', async () => {
    const context = await demo.browser.newContext({ locale: 'fr-FR', viewport: { width: 1360, height: 1000 } });
    const watch = await watchContext(context);
    const page = await context.newPage();
    await signIn(page, demo.server.url, DEMO.admin, '/');
    await expect.poll(() => page.getByTestId('nav-admin-users').isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('nav-admin-audit').isVisible()).toBe(true);

    await page.getByTestId('nav-admin-users').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Utilisateurs et rôles');
    const rows = page.getByTestId('users-table').getByTestId('user-row');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(6);
    const emails = await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-email')));
    for (const account of Object.values(DEMO)) expect(emails).toContain(account.email);
    const im = page.locator(`[data-testid=user-row][data-email="${DEMO.imMali.email}"]`);
    expect(await im.getByTestId('user-roles').textContent()).toBe('Chargé de gestion de l’information — pays : Mali');
    const partner = page.locator(`[data-testid=user-row][data-email="${DEMO.partner.email}"]`);
    expect(await partner.getByTestId('user-roles').textContent()).toContain('Demo Partner NGO');

    // A new enumerator for Burkina Faso; the server's password policy speaks first.
    await page.getByTestId('user-create-open').click();
    const form = page.getByTestId('user-form');
    await form.getByTestId('user-email').fill('enumerateur.bf@demo.liptako.org');
    await form.getByTestId('user-name').fill('Salif Sawadogo');
    await form.getByTestId('user-password').fill('password1234');
    await form.getByTestId('assignment-role-0').selectOption('enumerator');
    await form.getByTestId('assignment-scope-0').selectOption('country');
    await form.getByTestId('assignment-value-0').fill('bf');
    watch.expectFailure({ status: 422, path: '/api/users' });
    await form.getByTestId('user-submit').click();
    const passwordError = form.locator('[data-testid=user-form-field-error][data-field=password]');
    await expect.poll(() => passwordError.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await passwordError.textContent()).toContain('mot de passe courant');
    await form.getByTestId('user-password').fill('Des dunes et des acacias au petit matin');
    await form.getByTestId('user-submit').click();
    await expect.poll(() => page.getByTestId('user-saved').isVisible(), { timeout: 15_000 }).toBe(true);
    const created = page.locator('[data-testid=user-row][data-email="enumerateur.bf@demo.liptako.org"]');
    await expect.poll(() => created.getByTestId('user-roles').textContent()).toBe('Enquêteur — pays : Burkina Faso');

    await created.getByTestId('user-edit').click();
    await page.getByTestId('user-form').getByTestId('user-disabled').check();
    await page.getByTestId('user-form').getByTestId('user-submit').click();
    await expect.poll(() => created.locator('.state-badge').textContent(), { timeout: 15_000 }).toBe('Désactivé');
    await page.screenshot({ path: 'test-results/e2e-access-users-fr.png', fullPage: true });

    await page.getByTestId('nav-admin-audit').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Journal d’audit');
    await page.getByTestId('audit-filter-action').fill('auth.sign-in');
    await page.getByTestId('audit-apply').click();
    await expect.poll(() => pathAndQuery(page)).toBe('/admin/audit?action=auth.sign-in');
    const events = page.getByTestId('audit-table').getByTestId('audit-row');
    await expect.poll(() => events.count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(4);
    const signIns = await events.evaluateAll((elements) =>
      elements.map((element) => `${element.getAttribute('data-actor')} ${element.getAttribute('data-action')} ${element.getAttribute('data-outcome')}`),
    );
    for (const account of [DEMO.partner, DEMO.imMali, DEMO.admin]) expect(signIns).toContain(`${account.email} auth.sign-in success`);
    expect(signIns).toContain(`${DEMO.imMali.email} auth.sign-in failure`);
    await page.screenshot({ path: 'test-results/e2e-access-audit-fr.png', fullPage: true });

    const exportHref = await page.getByTestId('audit-export').getAttribute('href');
    expect(exportHref).toBe('/api/audit/export?action=auth.sign-in');
    const csv = await fetchFromPage(page, 'GET', exportHref!);
    expect(csv.status).toBe(200);
    expect(csv.contentType).toContain('text/csv');
    expect(csv.text).toContain(DEMO.partner.email);
    expect(watch.problems()).toEqual([]);
    await context.close();
  });

  it('account: an API token is shown once, works narrowed to its permissions, and is revoked', async () => {
    const context = await demo.browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 1000 } });
    const watch = await watchContext(context);
    const page = await context.newPage();
    await page.goto(`${demo.server.url}/plans`);
    // Choose English in this browser first: it wins over the account's French.
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await signIn(page, demo.server.url, DEMO.manager, '/plans');
    expect(await page.locator('h1').textContent()).toBe('Plans & funding');

    await page.getByTestId('user-menu').click();
    await page.getByTestId('user-menu-account').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('My account');
    expect(await page.getByTestId('account-email').textContent()).toBe(DEMO.manager.email);
    const tokenForm = page.getByTestId('token-form');
    await tokenForm.getByTestId('token-name').fill('Funding dashboard');
    await tokenForm.getByTestId('token-expiry').selectOption('30');
    await tokenForm.getByTestId('token-verb-plan.read').check();
    // The password is asked again: without it, nothing is sent.
    await tokenForm.getByTestId('token-create').click();
    await expect.poll(() => tokenForm.getByText('Type your password to create a token.').isVisible()).toBe(true);
    await tokenForm.getByTestId('token-password').fill(DEMO.manager.password);
    await tokenForm.getByTestId('token-create').click();
    const secretInput = page.getByTestId('token-secret');
    await expect.poll(() => secretInput.isVisible(), { timeout: 15_000 }).toBe(true);
    const secret = await secretInput.inputValue();
    expect(secret).toMatch(/^lpk_/);
    const row = page.locator('[data-testid=token-row][data-name="Funding dashboard"]');
    await expect.poll(() => row.getAttribute('data-state')).toBe('active');
    expect(await row.textContent()).toContain('Read plans');
    await page.screenshot({ path: 'test-results/e2e-access-token-en.png', fullPage: true });

    const bearer = { Authorization: `Bearer ${secret}`, Accept: 'application/json' };
    expect((await fetch(`${demo.server.url}/api/plans`, { headers: bearer })).status).toBe(200);
    // The manager may record contributions, the token may not.
    const narrowed = await fetch(`${demo.server.url}/api/plans/${PLAN}/contributions`, {
      method: 'POST',
      headers: { ...bearer, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(narrowed.status).toBe(403);

    await page.getByTestId('token-secret-done').click();
    expect(await page.getByTestId('token-secret').count()).toBe(0);
    await row.getByTestId('token-revoke').click();
    await row.getByTestId('token-revoke-confirm').click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('revoked');
    expect((await fetch(`${demo.server.url}/api/plans`, { headers: bearer })).status).toBe(401);
    expect(watch.problems()).toEqual([]);
    await context.close();
  });

  it('signs out here, and everywhere: the other browser is told its session has ended', async () => {
    // Two browsers of the viewer.
    const here = await demo.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const there = await demo.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const watchHere = await watchContext(here);
    const watchThere = await watchContext(there, [{ status: 401, path: '/api/tokens' }]);
    const pageHere = await here.newPage();
    const pageThere = await there.newPage();
    await signIn(pageHere, demo.server.url, DEMO.viewer, `/plans/${PLAN}`);
    await signIn(pageThere, demo.server.url, DEMO.viewer, '/');

    // The viewer reads and downloads, records nothing.
    await expect.poll(() => pageHere.getByTestId('contribution-form-not-allowed').isVisible()).toBe(true);
    await expect.poll(() => pageHere.getByTestId('plan-exports').isVisible()).toBe(true);

    await pageHere.getByTestId('user-menu').click();
    await pageHere.getByTestId('sign-out-everywhere').click();
    await expect.poll(() => pageHere.getByTestId('header-user').getAttribute('data-state'), { timeout: 15_000 }).toBe('anonymous');
    await expect.poll(() => pageHere.getByTestId('sign-in-link').isVisible()).toBe(true);
    // Still on the (published) plan, now as the public.
    expect(pathAndQuery(pageHere)).toBe(`/plans/${PLAN}`);
    await expect.poll(() => pageHere.getByTestId('contribution-form-sign-in').isVisible()).toBe(true);
    await expect.poll(() => pageHere.getByTestId('plan-exports-sign-in').isVisible()).toBe(true);
    const me = await fetchFromPage(pageHere, 'GET', '/api/auth/me');
    expect(me.body).toEqual({ user: null, csrfToken: null, verbs: ['dtm.read', 'geo.read', 'hapi.read', 'plan.read', 'system.read'] });

    // The other browser still shows the viewer; its next call that needs the session is refused.
    expect(await pageThere.getByTestId('header-user').getAttribute('data-state')).toBe('signed-in');
    await pageThere.getByTestId('user-menu').click();
    await pageThere.getByTestId('user-menu-account').click();
    const ended = pageThere.getByTestId('session-expired');
    await expect.poll(() => ended.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await ended.textContent()).toContain('Votre session a pris fin');
    expect(await ended.getByRole('link').getAttribute('href')).toBe('/sign-in?next=%2Faccount');
    await expect.poll(() => pageThere.getByTestId('sign-in-link').isVisible()).toBe(true);
    await pageThere.screenshot({ path: 'test-results/e2e-access-session-ended-fr.png', fullPage: true });

    // Signing in again from the notice comes back to the account page.
    await ended.getByRole('link').click();
    await submitSignIn(pageThere, DEMO.viewer);
    await expect.poll(() => pathAndQuery(pageThere)).toBe('/account');
    await expect.poll(() => pageThere.getByTestId('tokens-table').isVisible()).toBe(true);
    expect(await pageThere.getByTestId('session-expired').count()).toBe(0);

    // Plain sign-out on an account page goes back home.
    await pageThere.getByTestId('user-menu').click();
    await pageThere.getByTestId('sign-out').click();
    await expect.poll(() => pageThere.getByTestId('header-user').getAttribute('data-state'), { timeout: 15_000 }).toBe('anonymous');
    await expect.poll(() => pathAndQuery(pageThere)).toBe('/');
    await pageThere.goto(`${demo.server.url}/account`);
    await expect.poll(() => pageThere.getByTestId('page-sign-in').isVisible()).toBe(true);

    expect(watchHere.problems()).toEqual([]);
    expect(watchThere.problems()).toEqual([]);
    await here.close();
    await there.close();
  });
});
