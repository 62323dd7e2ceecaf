/**
 * Filling forms without a network (issue 14): the Niger enumerator opens the app and the demo site
 * form online once; the network goes; the entry page reloads from the service worker's cache and
 * three submissions with a repeat and a photo are finalised into the outbox, a fourth left as a
 * draft; the page is closed. A new page, still offline, shows the three waiting and the draft.
 * The network comes back: all three reach the server exactly once each with their photo, the review
 * page lists them, and the draft stays a draft. Screenshots in test-results/.
 */
import { describe, expect, it } from 'vitest';
import { browserTestsReady, useDemoBrowser } from './browser.js';
import { fillSiteForm, listSubmissions, openAsNigerEnumerator, SITE_FORM, waitUntilSent } from './entry-steps.js';

const SITES = [
  { name: 'Tabareybarey hors ligne 1', admin2: 'NE0061', households: 40, individuals: 210 },
  { name: 'Tabareybarey hors ligne 2', admin2: 'NE0062', households: 55, individuals: 300 },
  { name: 'Tabareybarey hors ligne 3', admin2: 'NE0063', households: 12, individuals: 64 },
];

describe.skipIf(!browserTestsReady)('web form entry offline in Chromium', () => {
  const demo = useDemoBrowser();

  it('fills three submissions offline, keeps them through a closed page, and sends each once when the network is back', async () => {
    const entry = await openAsNigerEnumerator(demo, async (signedIn) => {
      await expect.poll(() => signedIn.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 60_000 }).toBe(true);
    });
    const { context, watch, projectId, before } = entry;
    let page = entry.page;

    // Online once, under the service worker: the collection page, then the form (its XML is kept).
    await page.goto(`${demo.server.url}/collection`);
    await page.getByTestId(`collection-fill-${SITE_FORM}`).click();
    await expect.poll(() => page.getByTestId('entry-form').isVisible(), { timeout: 60_000 }).toBe(true);
    const entryUrl = page.url();

    await context.setOffline(true);
    const offlineFrom = watch.problems().length;
    await page.reload();
    await expect.poll(() => page.getByTestId('entry-form').isVisible(), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => page.getByTestId('entry-offline').isVisible()).toBe(true);
    for (const [index, site] of SITES.entries()) {
      await fillSiteForm(page, site);
      await page.getByTestId('entry-finalise').click();
      await expect.poll(() => page.getByTestId('entry-done').textContent()).toContain('Finalisée');
      await expect.poll(() => page.getByTestId('outbox').locator('[data-testid="outbox-row"][data-state="waiting"]').count()).toBe(index + 1);
    }
    // A fourth begun and left: saved as it was typed.
    await page.getByTestId('entry-form').getByLabel('Nom du site').fill('Brouillon Ayorou');
    await expect.poll(() => page.getByTestId('entry-saved').textContent()).toContain('Brouillon enregistré');
    await page.screenshot({ path: 'test-results/entry-offline-outbox-fr.png', fullPage: true });
    await page.close();

    // A new page, still offline: everything is still there.
    page = await context.newPage();
    await page.goto(entryUrl.split('?')[0]!);
    await expect.poll(() => page.getByTestId('outbox').isVisible(), { timeout: 60_000 }).toBe(true);
    const rows = page.getByTestId('outbox').getByTestId('outbox-row');
    await expect.poll(() => rows.evaluateAll((found) => found.map((row) => row.getAttribute('data-state')).sort())).toEqual(['draft', 'waiting', 'waiting', 'waiting']);
    expect(await page.getByTestId('outbox').textContent()).toContain('Tabareybarey hors ligne 2 — NE0062');
    // The draft reopens where it was left.
    await page.getByTestId('outbox').locator('[data-state="draft"]').getByTestId('outbox-open').click();
    await expect.poll(() => page.getByTestId('entry-form').getByLabel('Nom du site').inputValue(), { timeout: 30_000 }).toBe('Brouillon Ayorou');

    // The network is back: the outbox sends by itself.
    await context.setOffline(false);
    await waitUntilSent(page, 3);
    expect(await page.getByTestId('outbox').locator('[data-testid="outbox-row"][data-state="draft"]').count()).toBe(1);
    await page.screenshot({ path: 'test-results/entry-outbox-sent-fr.png', fullPage: true });

    const after = await listSubmissions(page, projectId, SITE_FORM);
    const added = after.filter((row) => !before.some((old) => old.id === row.id));
    expect(added.map((row) => row.instanceName).sort()).toEqual(SITES.map((site) => `${site.name} — ${site.admin2}`));
    expect(new Set(added.map((row) => row.instanceId)).size).toBe(3);
    for (const row of added) expect(row).toMatchObject({ attachmentsExpected: 1, attachmentsPresent: 1 });

    // The review page lists them.
    await page.goto(`${demo.server.url}/collection`);
    const table = page.getByTestId('collection-submission-table');
    await expect.poll(() => table.textContent(), { timeout: 30_000 }).toContain('Tabareybarey hors ligne 3 — NE0063');
    for (const site of SITES) expect(await table.textContent()).toContain(`${site.name} — ${site.admin2}`);
    await page.screenshot({ path: 'test-results/entry-review-fr.png', fullPage: true });
    // Only network failures while offline are expected.
    expect(watch.problems().filter((problem, index) => index < offlineFrom || !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::|status of 50[34]/.test(problem))).toEqual([]);
    await context.close();
  }, 300_000);
});
