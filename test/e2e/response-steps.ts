/** What the 4W browser tests share: who is present where (from the public HAPI endpoint), the map's shading, the partner's starting view. */
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
