/**
 * The assistance registry in a real browser against the demo: the IM officer for Mali, in French,
 * sees the registry and the review queue with both records side by side (names shown: the role
 * reads personal data), decides a pair as the same person, finds it among the merged pairs and
 * undoes the merge; the demo partner, in English, sees its registrations without any name or
 * phone, registers a household through the form (a malformed phone refused first) and runs
 * duplicate detection. Screenshots in test-results/.
 */
import { describe, expect, it } from 'vitest';
import { browserTestsReady, DEMO, signIn, useDemoBrowser, watchContext } from './browser.js';

const total = (text: string | null): number => Number(/(\d+)/.exec((text ?? '').replace(/\s/g, ''))?.[1] ?? NaN);

describe.skipIf(!browserTestsReady)('assistance registry in Chromium', () => {
  const demo = useDemoBrowser();

  it('a coordinator merges a pair side by side and undoes it; a partner sees no names and runs detection', async () => {
    const officerContext = await demo.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1600 } });
    const officerWatch = await watchContext(officerContext);
    const officer = await officerContext.newPage();
    await signIn(officer, demo.server.url, DEMO.imMali, '/assistance');
    await expect.poll(() => officer.locator('h1').textContent()).toBe('Assistance');
    await expect.poll(() => officer.getByTestId('assistance-registry').locator('tbody tr').count()).toBeGreaterThan(10);
    const review = officer.getByTestId('assistance-review');
    await expect.poll(() => review.getByTestId('assistance-pair').count()).toBeGreaterThan(0);
    const before = total(await review.getByTestId('assistance-queue-total').textContent());
    expect(await review.getByTestId('assistance-queue-total').textContent()).toMatch(/paires? à examiner/);
    const first = review.getByTestId('assistance-pair').first();
    // Side by side, with the names (the IM officer reads personal data) and the reasons in French.
    expect(await first.getByTestId('assistance-record-a').textContent()).toContain('Nom');
    expect(await first.getByTestId('assistance-record-b').textContent()).toContain('Organisation');
    expect(await first.textContent()).toMatch(/noms proches/);
    await officer.screenshot({ path: 'test-results/assistance-registry-fr.png' });
    await review.scrollIntoViewIfNeeded();
    await officer.screenshot({ path: 'test-results/assistance-queue-fr.png' });
    await first.getByLabel('Commentaire (facultatif)').fill('même téléphone, même village');
    await first.getByTestId('assistance-same').click();
    await expect.poll(async () => total(await review.getByTestId('assistance-queue-total').textContent())).toBe(before - 1);

    await review.getByTestId('assistance-status').selectOption('same');
    await expect.poll(() => review.getByTestId('assistance-pair').count()).toBe(1);
    expect(await review.textContent()).toContain('même téléphone, même village');
    await review.getByTestId('assistance-undo').click();
    await expect.poll(() => review.getByTestId('assistance-pair').count()).toBe(0);
    await review.getByTestId('assistance-status').selectOption('pending');
    await expect.poll(async () => total(await review.getByTestId('assistance-queue-total').textContent())).toBe(before);
    expect(officerWatch.problems()).toEqual([]);

    const partnerContext = await demo.browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 1400 } });
    const partnerWatch = await watchContext(partnerContext);
    const partner = await partnerContext.newPage();
    await signIn(partner, demo.server.url, DEMO.partner, '/assistance');
    await partner.locator('.lang-switch button[lang="en"]').click();
    await expect.poll(() => partner.getByTestId('assistance-registry').locator('h2').textContent()).toMatch(/^Registry: \d+ households$/);
    await expect.poll(() => partner.getByTestId('assistance-registry').locator('tbody tr').count()).toBeGreaterThan(10);
    const registered = total(await partner.getByTestId('assistance-registry').locator('h2').textContent());
    const form = partner.getByTestId('assistance-register');
    await form.getByLabel('Place (admin2 or admin3 P-code)').fill('ML0703');
    await form.getByLabel('Given names').fill('Mohamed Usman');
    await form.getByLabel('Family name').fill('Maiga');
    await form.getByLabel('Sex').selectOption('m');
    await form.getByLabel('Birth year').fill('1979');
    await form.getByLabel('Phone').fill('76 AB 34 56');
    await form.getByLabel('Consent given by').fill('the head of household');
    partnerWatch.expectFailure({ status: 400, path: '/api/assistance/households' });
    await form.getByRole('button', { name: 'Register' }).click();
    await expect.poll(() => form.textContent()).toContain('is not a phone number');
    await form.getByLabel('Phone').fill('+223 76 12 34 56');
    await form.getByRole('button', { name: 'Register' }).click();
    await expect.poll(() => form.getByTestId('assistance-saved').textContent()).toMatch(/^Household \d+ registered\.$/);
    await expect.poll(async () => total(await partner.getByTestId('assistance-registry').locator('h2').textContent())).toBe(registered + 1);
    const acronyms = await partner.getByTestId('assistance-registry').locator('tbody tr td:nth-child(2)').allTextContents();
    expect(new Set(acronyms)).toEqual(new Set(['DPN']));
    await partner.getByTestId('assistance-detect').click();
    await expect.poll(() => partner.getByTestId('assistance-found').textContent()).toMatch(/new pairs? found/);
    const text = (await partner.locator('main').textContent()) ?? '';
    expect(text).not.toMatch(/\+22[367]/);
    const pairs = partner.getByTestId('assistance-pair');
    if ((await pairs.count()) > 0) expect(await pairs.first().textContent()).toContain('Names and phones need the right to read personal data.');
    await partner.getByTestId('assistance-review').scrollIntoViewIfNeeded();
    await partner.screenshot({ path: 'test-results/assistance-partner-en.png' });
    expect(partnerWatch.problems()).toEqual([]);
    await officerContext.close();
    await partnerContext.close();
  }, 400_000);
});
