/**
 * Partner activity reporting (4W) in a real browser against the demo: the demo partner enters a
 * report for Bandiagara (WASH, June 2021) and submits it; the IM officer for Mali bulk-approves
 * and publishes the queue; the map of organisations per admin2 for WASH counts one more
 * organisation in Bandiagara. French, then English. Screenshots in test-results/.
 */
import { describe, expect, it } from 'vitest';
import { browserTestsReady, useDemoBrowser } from './browser.js';
import { officerApprovesAndPublishes, partnerOnWashJune, presentIn } from './response-steps.js';

describe.skipIf(!browserTestsReady)('response (4W) in Chromium', () => {
  const demo = useDemoBrowser();

  it('a partner reports and submits, a coordinator bulk-approves and publishes, and the map changes', async () => {
    const before = await presentIn(demo.server, 'ML0501');
    expect(before).not.toContain('DPN');

    // The partner, in French.
    const { context: partnerContext, watch: partnerWatch, page: partner, classBefore } = await partnerOnWashJune(demo.browser, demo.server, 1400);
    const form = partner.getByTestId('response-report-form');
    await form.getByLabel('Activité').selectOption('WSH-latrines');
    await form.getByLabel(/^Lieu/).fill('ML0501');
    await form.getByLabel('Mois').fill('2021-06');
    await form.getByLabel('Personnes ciblées').fill('800');
    await form.getByLabel('Personnes atteintes').fill('450');
    await form.getByRole('button', { name: 'Enregistrer en brouillon' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toBe('Enregistré en brouillon.');
    const drafts = partner.getByTestId('response-drafts');
    await drafts.getByTestId('response-drafts-all').check();
    await drafts.getByTestId('response-drafts-submitted').click();
    await expect.poll(() => drafts.textContent()).toContain('Aucun.');
    await partner.screenshot({ path: 'test-results/response-partner-fr.png', fullPage: true });
    expect(partnerWatch.problems()).toEqual([]);

    // The IM officer for Mali, in English: everything submitted in Mali, approved then published at once.
    const { context: officerContext, watch: officerWatch, page: officer } = await officerApprovesAndPublishes(
      demo.browser,
      demo.server,
      1400,
      (review) => expect.poll(() => review.locator('tbody tr').count()).toBeGreaterThan(0),
      classBefore,
    );
    // Gaps against people in need (the demo's synthetic HNO 2021), beside those against the DTM caseload.
    const pinGaps = officer.getByTestId('response-pin-gaps');
    await expect.poll(() => pinGaps.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await pinGaps.textContent()).toContain('HNO 2021');
    await pinGaps.screenshot({ path: 'test-results/response-pin-gaps-en.png' });
    await officer.screenshot({ path: 'test-results/response-officer-en.png', fullPage: true });
    expect(officerWatch.problems()).toEqual([]);

    expect(await presentIn(demo.server, 'ML0501')).toEqual([...before, 'DPN'].sort());
    await partnerContext.close();
    await officerContext.close();
  }, 300_000);
});
