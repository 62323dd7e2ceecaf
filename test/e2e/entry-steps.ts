/**
 * Steps the web form entry tests share: the demo site form filled as a site manager would, the
 * outbox watched until it has sent, the submissions the API lists.
 */
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { DEMO, fetchFromPage, signIn, watchContext, type ContextWatch, type DemoBrowser } from './browser.js';

export const SITE_FORM = 'suivi_sites_demo';
// A 1×1 PNG: a stand-in for a photo of a site entrance.
export const PHOTO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

interface SubmissionRow {
  id: number;
  instanceId: string;
  instanceName: string | null;
  attachmentsExpected: number;
  attachmentsPresent: number;
}

/** The submissions of a form, as the API lists them to the signed-in user of the page. */
export async function listSubmissions(page: Page, projectId: number, formId: string): Promise<SubmissionRow[]> {
  const reply = await fetchFromPage(page, 'GET', `/api/collection/projects/${projectId}/forms/${formId}/submissions?limit=1000`);
  expect(reply.status, reply.text).toBe(200);
  return (reply.body as { submissions: SubmissionRow[] }).submissions;
}

export async function projectIdOf(page: Page, country: string): Promise<number> {
  const reply = await fetchFromPage(page, 'GET', '/api/collection/projects');
  const project = (reply.body as { projects: Array<{ id: number; country: string }> }).projects.find((candidate) => candidate.country === country);
  expect(project, reply.text).toBeDefined();
  return project!.id;
}

/**
 * The Mali officer, signed in at `base` in English, publishes an XForm in Mali's project and opens
 * it for entry: answers the page, the project and the form once the engine has drawn it.
 */
export async function openNewMaliForm(context: BrowserContext, base: string, form: { xml: string; id: string }): Promise<{ page: Page; projectId: number; form: Locator }> {
  const page = await context.newPage();
  await signIn(page, base, DEMO.imMali, '/collection');
  await page.locator('.lang-switch button[lang="en"]').click();
  const projectId = await projectIdOf(page, 'ML');
  const upload = await page.evaluate(
    async ({ url, body }) => {
      const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/xml', 'x-csrf-token': me.csrfToken }, body });
      return response.status;
    },
    { url: `/api/collection/projects/${projectId}/forms?publish=true`, body: form.xml },
  );
  expect(upload).toBe(201);
  await page.goto(`${base}/collection/fill/${projectId}/${form.id}`);
  const entry = page.getByTestId('entry-form');
  await expect.poll(() => entry.isVisible(), { timeout: 60_000 }).toBe(true);
  return { page, projectId, form: entry };
}

export interface EnumeratorEntry {
  context: BrowserContext;
  watch: ContextWatch;
  page: Page;
  projectId: number;
  /** The site form's submissions before the test sends any. */
  before: SubmissionRow[];
}

/**
 * The Niger enumerator signed in on the collection page, in French, with the browser's position
 * at a site in Tillabéri; `afterSignIn` runs before anything is asked of the API (the offline
 * test waits there for the service worker).
 */
export async function openAsNigerEnumerator(demo: DemoBrowser, afterSignIn?: (page: Page) => Promise<void>): Promise<EnumeratorEntry> {
  const context = await demo.browser.newContext({
    locale: 'fr-FR',
    viewport: { width: 1100, height: 1400 },
    geolocation: { latitude: 14.2114, longitude: 1.4536, accuracy: 12 },
    permissions: ['geolocation'],
  });
  const watch = await watchContext(context);
  const page = await context.newPage();
  await signIn(page, demo.server.url, DEMO.enumeratorNiger, '/collection');
  await afterSignIn?.(page);
  const projectId = await projectIdOf(page, 'NE');
  return { context, watch, page, projectId, before: await listSubmissions(page, projectId, SITE_FORM) };
}

/** Fills the demo site form (French labels): a site, its figures, its position, a photo, two needs then one removed. */
export async function fillSiteForm(page: Page, site: { name: string; admin2: string; households: number; individuals: number }): Promise<void> {
  const form = page.getByTestId('entry-form');
  await form.getByLabel('Nom du site').fill(site.name);
  await form.getByLabel('Cercle / province / département (P-code)').fill(site.admin2);
  await form.getByLabel('Site spontané').check();
  await form.getByLabel('Nombre de ménages').fill(String(site.households));
  await form.getByLabel('Nombre de personnes').fill(String(site.individuals));
  await form.getByTestId('entry-locate').click();
  await expect.poll(() => form.getByTestId('entry-geopoint-value').textContent()).toMatch(/^14\.2/);
  await form.getByTestId('entry-file').setInputFiles({ name: 'entree.png', mimeType: 'image/png', buffer: PHOTO });
  await expect.poll(() => form.locator('.entry-file').textContent()).toContain('entree');
  await form.getByTestId('entry-repeat-add').click();
  await form.getByTestId('entry-repeat-add').click();
  await form.getByTestId('entry-repeat-add').click();
  await expect.poll(() => form.getByTestId('entry-repeat-instance').count()).toBe(3);
  const needs = form.getByTestId('entry-repeat-instance');
  await needs.nth(0).getByLabel('Eau, hygiène et assainissement').check();
  await needs.nth(0).getByLabel('Personnes concernées').fill('40');
  await needs.nth(1).getByLabel('Abris').check();
  await needs.nth(2).getByLabel('Vivres').check();
  await needs.nth(2).getByLabel('Personnes concernées').fill('25');
  // The second one was a mistake: removed, the third takes its place.
  await needs.nth(1).getByTestId('entry-repeat-remove').click();
  await expect.poll(() => form.getByTestId('entry-repeat-instance').count()).toBe(2);
}


/** Waits until the outbox shown on the page lists `count` sent submissions and nothing waiting. */
export async function waitUntilSent(page: Page, count: number): Promise<void> {
  const outbox = page.getByTestId('outbox');
  await expect.poll(() => outbox.locator('[data-testid="outbox-row"][data-state="sent"]').count(), { timeout: 60_000 }).toBe(count);
  expect(await outbox.locator('[data-testid="outbox-row"][data-state="waiting"], [data-testid="outbox-row"][data-state="sending"]').count()).toBe(0);
}
