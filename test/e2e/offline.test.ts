/**
 * The app without a network (issue 14, first part): opened online once, the app, the plan page
 * and a DTM dashboard open again with the network cut, from the service worker's cache, saying
 * the date of the data they show; back online, the notice goes. Signing out forgets the saved
 * answers. A new build deployed while a tab is open is announced, the tab keeps working, and it
 * reloads into the new build when asked. Screenshots in test-results/.
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, startServer } from '../support/server.js';
import { browserTestsReady, DEMO, signIn, useDemoBrowser, watchContext } from './browser.js';

const PLAN = 'IOM-CSAHEL-2021';
const MALI = 'MLI-CONFLICT';

describe.skipIf(!browserTestsReady)('offline in Chromium', () => {
  const demo = useDemoBrowser();

  it('reopens the plan page and a DTM dashboard without a network, with their date, and forgets them on sign-out', async () => {
    const context = await demo.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1000 } });
    const watch = await watchContext(context);
    const page = await context.newPage();
    await signIn(page, demo.server.url, DEMO.imMali, '/');
    // The service worker installs on the first visit and takes the page over.
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 30_000 }).toBe(true);

    // Visited online: what these pages read goes through the service worker and is kept.
    await page.goto(`${demo.server.url}/plans/${PLAN}`);
    await expect.poll(() => page.getByTestId('plan-required').textContent()).toContain('68');
    await page.goto(`${demo.server.url}/displacement/${MALI}`);
    await expect.poll(() => page.getByTestId('dtm-individuals').getAttribute('data-value')).toMatch(/^\d+$/);
    const individuals = await page.getByTestId('dtm-individuals').getAttribute('data-value');
    expect(await page.getByTestId('offline-notice').count()).toBe(0);

    await context.setOffline(true);
    // The network is gone: failed fetches are expected in the console from here on.
    const offlineFrom = watch.problems().length;
    await page.reload();
    await expect.poll(() => page.getByTestId('dtm-individuals').getAttribute('data-value')).toBe(individuals);
    await expect.poll(() => page.getByTestId('offline-notice').textContent()).toMatch(/Hors ligne : vous voyez les données enregistrées le \d/);
    await page.screenshot({ path: 'test-results/offline-dashboard-fr.png' });
    await page.goto(`${demo.server.url}/plans/${PLAN}`);
    await expect.poll(() => page.getByTestId('plan-required').textContent()).toContain('68');
    expect(await page.getByTestId('user-name').textContent()).toBe(DEMO.imMali.name);
    await expect.poll(() => page.getByTestId('offline-notice').isVisible()).toBe(true);
    await page.screenshot({ path: 'test-results/offline-plan-fr.png' });

    // Back online: fresh answers, and the notice goes.
    await context.setOffline(false);
    await page.reload();
    await expect.poll(() => page.getByTestId('plan-required').textContent()).toContain('68');
    await expect.poll(() => page.getByTestId('offline-notice').count()).toBe(0);

    // Signing out empties the saved answers: the next person at this computer reads nothing of them.
    await page.getByTestId('user-menu').click();
    await page.getByTestId('sign-out').click();
    await expect.poll(() => page.getByTestId('header-user').getAttribute('data-state')).not.toBe('signed-in');
    const kept = await page.evaluate(async () => {
      const cache = await caches.open('liptako-api');
      const entries = await Promise.all((await cache.keys()).map(async (request) => ({ url: new URL(request.url).pathname, body: await (await cache.match(request))!.text() })));
      return entries;
    });
    // Only what the signed-out page read again (the public plan, "who am I" as nobody): the
    // dashboard saved while signed in is gone, and nothing names the officer.
    expect(kept.filter((entry) => entry.url.startsWith('/api/dtm/'))).toEqual([]);
    expect(kept.map((entry) => entry.body).join('')).not.toContain(DEMO.imMali.email);
    // Only network failures while offline are expected; nothing else went wrong.
    expect(watch.problems().filter((problem, index) => index < offlineFrom || !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::/.test(problem))).toEqual([]);
    await context.close();
  }, 180_000);

  it('announces a build deployed while a tab is open; the tab keeps working and reloads into it when asked', async () => {
    // A server of its own, serving a copy of the build that the test can "deploy" over.
    const webRoot = mkdtempSync(path.join(tmpdir(), 'liptako-web-'));
    cpSync(path.join(ROOT, 'dist/web'), webRoot, { recursive: true });
    const server = await startServer({ LIPTAKO_WEB_ROOT: webRoot });
    const context = await demo.browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    const watch = await watchContext(context);
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/plans/${PLAN}`);
      await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 30_000 }).toBe(true);
      const first = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.scriptURL ?? null);
      expect(first).toMatch(/\/sw\.js$/);

      // The new build: its service worker differs by a byte, as any rebuild's does.
      appendFileSync(path.join(webRoot, 'sw.js'), '\n// build 2\n');
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
      await expect.poll(() => page.getByTestId('update-notice').isVisible(), { timeout: 30_000 }).toBe(true);
      expect(await page.getByTestId('update-notice').textContent()).toContain('A new version of Liptako is available');
      // The old build keeps working meanwhile: another page opens.
      await page.getByRole('link', { name: 'Displacement (DTM)' }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/displacement');
      // Its code comes from the old build's cache: the page renders, with its data.
      await expect.poll(() => page.getByTestId(`operation-card-${MALI}`).isVisible(), { timeout: 30_000 }).toBe(true);
      await page.screenshot({ path: 'test-results/offline-update-en.png' });

      await Promise.all([page.waitForEvent('load'), page.getByTestId('update-notice').getByRole('button').click()]);
      await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting === null)).toBe(true);
      await expect.poll(() => page.getByTestId('update-notice').count()).toBe(0);
      await expect.poll(() => page.locator('h1').count()).toBeGreaterThan(0);
      expect(watch.problems()).toEqual([]);
    } finally {
      await context.close();
      await server.stop();
      rmSync(webRoot, { recursive: true, force: true });
    }
  }, 240_000);
});
