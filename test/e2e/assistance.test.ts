/**
 * The assistance registry in a real browser against the demo: the IM officer for Mali, in French,
 * sees the registry and the review queue with both records side by side (names shown: the role
 * reads personal data), decides a pair as the same person, finds it among the merged pairs and
 * undoes the merge, then plans a distribution of WASH kits for a demo partner and records a
 * receipt; the demo partner, in English, sees its registrations without any name or phone,
 * registers a household through the form (a malformed phone refused first) and the same family
 * again under other spellings, runs duplicate detection, decides that pair as the same family,
 * plans a distribution of NFI kits where they live, records the first household's receipt and
 * sees the second refused as a confirmed duplicate. Screenshots in test-results/.
 */
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { browserTestsReady, DEMO, signIn, useDemoBrowser, watchContext } from './browser.js';

const total = (text: string | null): number => Number(/(\d+)/.exec((text ?? '').replace(/\s/g, ''))?.[1] ?? NaN);

/** Chooses the option whose text starts with the acronym (options read "ACRONYM — name"). */
async function chooseOrganisation(select: Locator, acronym: string): Promise<void> {
  const value = await select.locator('option').filter({ hasText: new RegExp(`^${acronym} —`) }).getAttribute('value');
  if (value === null) throw new Error(`no organisation ${acronym} to choose`);
  await select.selectOption(value);
}

/** Plans a distribution through the page's form and answers its id, read from the confirmation. */
async function planDistribution(
  page: Page,
  fields: { organisation?: string; type: string; quantity: string; place: string; label: string; plan?: { code: string; area: string; areaLabel: string; contributionLabel: string } },
  labels: { organisation: string; type: string; quantity: string; place: string; label: string; save: string; plan?: string },
): Promise<number> {
  const form = page.getByTestId('distribution-plan');
  if (fields.organisation) await chooseOrganisation(form.getByLabel(labels.organisation, { exact: true }), fields.organisation);
  if (fields.plan && labels.plan) {
    // The chain funding → activity → people: the plan, its activity area, the donor's contribution.
    await form.getByLabel(labels.plan, { exact: true }).selectOption(fields.plan.code);
    const area = form.getByLabel(fields.plan.areaLabel, { exact: true });
    await expect.poll(() => area.locator('option').count()).toBeGreaterThan(1);
    await area.selectOption(fields.plan.area);
    // The plan's first contribution (the first choice is "none named").
    const donor = form.getByLabel(fields.plan.contributionLabel, { exact: true });
    await expect.poll(() => donor.locator('option').count()).toBeGreaterThan(1);
    await donor.selectOption({ index: 1 });
  }
  await form.getByLabel(labels.type, { exact: true }).selectOption(fields.type);
  await form.getByLabel(labels.quantity, { exact: true }).fill(fields.quantity);
  await form.getByLabel(labels.place, { exact: true }).fill(fields.place);
  await form.getByLabel(labels.label, { exact: true }).fill(fields.label);
  await form.getByRole('button', { name: labels.save, exact: true }).click();
  await expect.poll(() => form.getByTestId('distribution-planned').count()).toBe(1);
  return total(await form.getByTestId('distribution-planned').textContent());
}

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

    // Plan WASH kits for ABRI-D in Mopti: the list is built from its consenting households there.
    const fr = { organisation: 'Organisation', type: 'Assistance', quantity: 'Quantité par ménage', place: 'Lieu (P-code d’admin2 ou d’admin3)', label: 'Libellé', save: 'Planifier', plan: 'Plan servi' };
    // Linked to the plan's WASH area and to the plan's first recorded contribution.
    const washId = await planDistribution(
      officer,
      {
        organisation: 'ABRI-D',
        type: 'wash-kit',
        quantity: '2',
        place: 'ML0504',
        label: 'Kits EHA Mopti (test navigateur)',
        plan: { code: 'IOM-CSAHEL-2021', area: 'wash', areaLabel: 'Domaine d’activité du plan', contributionLabel: 'Financée par' },
      },
      fr,
    );
    expect(await officer.getByTestId('distribution-planned').textContent()).toMatch(/^Distribution \d+ planifiée : \d+ ménages sur la liste\.$/);
    const wash = officer.getByTestId(`distribution-${washId}`);
    await expect.poll(() => wash.getByTestId('distribution-list').locator('tbody tr').count()).toBeGreaterThan(1);
    expect(await wash.textContent()).toMatch(/ABRI-D · wash-kit · ML0504 .* 0 ménage sur \d+ a reçu/);
    await wash.getByTestId('distribution-record').first().click();
    await expect.poll(() => wash.getByTestId('distribution-list').locator('tbody tr').first().textContent()).toMatch(/Reçu le .* par chef de ménage/);
    // The receipt reaches the plan's WASH area in the trace (no demo distribution serves that area).
    const washArea = officer.getByTestId('distribution-trace').locator('tr').filter({ hasText: 'Eau, hygiène et assainissement (EHA) en situation d’urgence' });
    await expect.poll(() => washArea.count()).toBe(1);
    expect(await washArea.locator('td').nth(1).textContent()).toBe('1');
    await wash.scrollIntoViewIfNeeded();
    await officer.screenshot({ path: 'test-results/assistance-distribution-fr.png' });
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
    const firstId = total(await form.getByTestId('assistance-saved').textContent());
    // The same family again, as another enumerator wrote it down.
    await form.getByLabel('Place (admin2 or admin3 P-code)').fill('ML0703');
    await form.getByLabel('Given names').fill('Mahamadou Ousmane');
    await form.getByLabel('Family name').fill('Maïga');
    await form.getByLabel('Sex').selectOption('m');
    await form.getByLabel('Birth year').fill('1979');
    await form.getByLabel('Phone').fill('76123456');
    await form.getByLabel('Consent given by').fill('the head of household');
    await form.getByRole('button', { name: 'Register' }).click();
    await expect.poll(async () => total(await form.getByTestId('assistance-saved').textContent())).not.toBe(firstId);
    const secondId = total(await form.getByTestId('assistance-saved').textContent());
    await partner.getByTestId('assistance-detect').click();
    await expect.poll(() => partner.getByTestId('assistance-found').textContent()).toMatch(/new pairs? found/);
    const text = (await partner.locator('main').textContent()) ?? '';
    expect(text).not.toMatch(/\+22[367]/);
    const partnerReview = partner.getByTestId('assistance-review');
    const ours = partnerReview.getByTestId('assistance-pair').filter({ hasText: `no. ${firstId},` }).filter({ hasText: `no. ${secondId},` });
    await expect.poll(() => ours.count()).toBe(1);
    expect(await ours.textContent()).toContain('Names and phones need the right to read personal data.');
    await ours.scrollIntoViewIfNeeded();
    await partner.screenshot({ path: 'test-results/assistance-partner-en.png' });
    await ours.getByLabel('Comment (optional)').fill('same phone, same year');
    await ours.getByTestId('assistance-same').click();
    await expect.poll(() => ours.count()).toBe(0);

    // NFI kits where both registrations live: the first receives, its confirmed duplicate is refused.
    const en = { organisation: 'Organisation', type: 'Assistance', quantity: 'Quantity per household', place: 'Place (admin2 or admin3 P-code)', label: 'Label', save: 'Plan' };
    const nfiId = await planDistribution(partner, { type: 'nfi-kit', quantity: '1', place: 'ML0703', label: 'NFI kits Gao (browser test)' }, en);
    const nfi = partner.getByTestId(`distribution-${nfiId}`);
    await expect.poll(() => nfi.getByTestId(`distribution-line-${secondId}`).count()).toBe(1);
    await nfi.getByTestId(`distribution-line-${firstId}`).getByTestId('distribution-record').click();
    await expect.poll(() => nfi.getByTestId(`distribution-line-${firstId}`).textContent()).toMatch(/Received on .* by head of household/);
    partnerWatch.expectFailure({ status: 409, path: `/api/assistance/distributions/${nfiId}/receipts` });
    await nfi.getByTestId(`distribution-line-${secondId}`).getByTestId('distribution-record').click();
    await expect.poll(() => nfi.textContent()).toContain(`Household ${secondId} is a confirmed duplicate of a household that already received this assistance in the same period`);
    expect(await nfi.getByTestId(`distribution-line-${secondId}`).textContent()).toContain('Not yet received');
    await nfi.scrollIntoViewIfNeeded();
    await partner.screenshot({ path: 'test-results/assistance-distribution-en.png' });
    // The field team's sheet, without names (the partner holds no personal verb).
    const download = partner.waitForEvent('download');
    await nfi.getByRole('link', { name: 'List (Excel)' }).click();
    expect((await download).suggestedFilename()).toBe(`distribution-${nfiId}-list.xlsx`);
    expect(partnerWatch.problems()).toEqual([]);
    await officerContext.close();
    await partnerContext.close();
  }, 400_000);
});
