/** What the 4W browser tests share: who is present where (from the public HAPI endpoint), the map's shading, the partner's starting view. */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { RunningServer } from '../support/server.js';
import { DEMO, signIn, watchContext, type ContextWatch } from './browser.js';

/** Organisations present in WASH in an admin2 in June 2021, as HDX HAPI publishes them. */
export async function presentIn(server: RunningServer, admin2: string): Promise<string[]> {
  const response = await fetch(`${server.url}/hapi/v2/coordination-context/operational-presence?admin2_code=${admin2}&sector_code=WSH`);
  const body = (await response.json()) as { data: Array<{ org_acronym: string; reference_period_start: string }> };
  return body.data.filter((row) => row.reference_period_start.startsWith('2021-06')).map((row) => row.org_acronym).sort();
}

/** The shading class of Bandiagara on the map of organisations per admin2. */
export async function bandiagaraClass(page: Page): Promise<string | null> {
  return page.locator('[data-testid="response-map"] path[data-pcode="ML0501"]').getAttribute('class');
}

/**
 * The demo partner, in French, on the 4W page showing WASH in June 2021, where Bandiagara has
 * displaced people and nobody in WASH (a gap). Answers the page and Bandiagara's shading then.
 */
export async function partnerOnWashJune(browser: Browser, server: RunningServer, height: number): Promise<{ context: BrowserContext; watch: ContextWatch; page: Page; classBefore: string | null }> {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height } });
  const watch = await watchContext(context);
  const page = await context.newPage();
  await signIn(page, server.url, DEMO.partner, '/response');
  await expect.poll(() => page.locator('h1').textContent()).toBe('Réponse (4W)');
  await page.getByTestId('response-sector').selectOption('WSH');
  await page.getByTestId('response-month').selectOption('2021-06');
  await expect.poll(() => page.locator('[data-testid="response-map"] path[data-pcode="ML0501"]').count()).toBe(1);
  const classBefore = await bandiagaraClass(page);
  await expect.poll(() => page.getByTestId('response-gaps').textContent()).toContain('(ML0501)');
  return { context, watch, page, classBefore };
}

/**
 * The IM officer for Mali, in English (the account speaks French; the header's switch turns the
 * page to English): approves everything in the review queue once `inQueue` holds, publishes it all,
 * and shows WASH in June 2021, where Bandiagara is no longer shaded as before nor a gap.
 */
export async function officerApprovesAndPublishes(
  browser: Browser,
  server: RunningServer,
  height: number,
  inQueue: (review: Locator) => Promise<void>,
  classBefore: string | null,
): Promise<{ context: BrowserContext; watch: ContextWatch; page: Page }> {
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height } });
  const watch = await watchContext(context);
  const page = await context.newPage();
  await signIn(page, server.url, DEMO.imMali, '/response');
  await page.locator('.lang-switch button[lang="en"]').click();
  await expect.poll(() => page.locator('h1').textContent()).toBe('Response (4W)');
  const review = page.getByTestId('response-review');
  await inQueue(review);
  await review.getByTestId('response-review-all').check();
  await review.getByTestId('response-review-approved').click();
  await expect.poll(() => review.textContent()).toContain('None.');
  const publish = page.getByTestId('response-publish');
  await expect.poll(() => publish.locator('tbody tr').count()).toBeGreaterThan(0);
  await publish.getByTestId('response-publish-all').check();
  await publish.getByTestId('response-publish-published').click();
  await expect.poll(() => publish.textContent()).toContain('None.');
  await page.getByTestId('response-sector').selectOption('WSH');
  await page.getByTestId('response-month').selectOption('2021-06');
  await expect.poll(() => bandiagaraClass(page)).not.toBe(classBefore);
  await expect.poll(() => page.getByTestId('response-gaps').textContent()).not.toContain('(ML0501)');
  return { context, watch, page };
}
