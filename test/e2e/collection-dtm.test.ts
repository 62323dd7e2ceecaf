/**
 * Collected data flows on, in a real browser against the demo: the IM officer for Mali (French)
 * binds the demo site form to the Mali DTM operation from the collection page (Liptako's
 * suggestions, one field corrected, a required field left out is said before anything is sent),
 * makes a draft round from today's approved submissions, follows the link to the round; the
 * panel reads in English after the language switch; the programme manager (no DTM import) does
 * not see it. Screenshots in test-results/.
 */
import { describe, expect, it } from 'vitest';
import { browserTestsReady, DEMO, signIn, useDemoBrowser, watchContext } from './browser.js';

describe.skipIf(!browserTestsReady)('a collection form bound to a DTM operation in Chromium', () => {
  const demo = useDemoBrowser();

  it('an officer binds the site form to the Mali operation and makes a draft round; a manager does not see the panel', async () => {
    const context = await demo.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1400 } });
    const watch = await watchContext(context);
    const officer = await context.newPage();
    await signIn(officer, demo.server.url, DEMO.imMali, '/collection');
    const panel = officer.getByTestId('collection-dtm-binding');
    await expect.poll(() => panel.locator('h2').textContent()).toBe('Lier à une opération DTM');
    await expect.poll(() => officer.getByTestId('collection-dtm-operation').locator('option').allTextContents()).toEqual(['Conflit au Mali']);
    const fieldOf = (path: string) => panel.locator(`tr[data-path="${path}"] select`);
    // Suggested from the questions' names, as a file's headers are.
    await expect.poll(() => fieldOf('/data/site_name').inputValue()).toBe('locationName');
    expect(await fieldOf('/data/households').inputValue()).toBe('households');
    expect(await fieldOf('/data/individuals').inputValue()).toBe('individuals');
    // `admin2` reads as a name; the form asks for a P-code: the officer says so. Without it the binding cannot be sent.
    expect(await fieldOf('/data/admin2').inputValue()).toBe('admin2Name');
    await expect.poll(() => panel.getByTestId('collection-dtm-missing').textContent()).toContain('Champs obligatoires sans question');
    expect(await panel.getByTestId('collection-dtm-bind').isDisabled()).toBe(true);
    await fieldOf('/data/admin2').selectOption('admin2Pcode');
    // The demo's site types are the form's own codes: not read into the round.
    await fieldOf('/data/site_type').selectOption('');
    expect(await panel.getByTestId('collection-dtm-missing').count()).toBe(0);
    await panel.getByTestId('collection-dtm-bind').click();
    await expect.poll(() => panel.textContent()).toContain('Liaison enregistrée.');

    // Today's approved submissions (the demo sent them at start-up) make round 99 of the operation.
    await panel.locator('input[type="number"]').fill('99');
    // The period starts a week back: the demo's submissions were received when its data was made,
    // which is "yesterday" for a test run just after midnight UTC (the panel proposes today).
    await panel.locator('input[type="date"]').first().fill(new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10));
    await panel.getByTestId('collection-dtm-make-round').click();
    await expect.poll(() => panel.getByTestId('collection-dtm-job').textContent(), { timeout: 60_000 }).toMatch(/Round brouillon prêt : \d+ soumission\(s\) lue\(s\)/);
    await expect.poll(() => panel.getByTestId('collection-dtm-rounds').textContent()).toContain('99');
    await officer.screenshot({ path: 'test-results/collection-dtm-binding-fr.png', fullPage: true });
    await panel.getByTestId('collection-dtm-round-link').click();
    await expect.poll(() => officer.url()).toMatch(/\/displacement\/rounds\/\d+$/);
    await expect.poll(() => officer.locator('h1').textContent()).toContain('99');
    await officer.screenshot({ path: 'test-results/collection-dtm-round-fr.png', fullPage: false });

    // In English after the switch.
    await officer.goto(`${demo.server.url}/collection`);
    await officer.locator('.lang-switch button[lang="en"]').click();
    await expect.poll(() => officer.getByTestId('collection-dtm-binding').locator('h2').textContent()).toBe('Bind to a DTM operation');
    expect(await officer.getByTestId('collection-dtm-bind').textContent()).toBe('Save the binding');
    expect(watch.problems()).toEqual([]);

    const managerContext = await demo.browser.newContext({ locale: 'en-GB' });
    const manager = await managerContext.newPage();
    await signIn(manager, demo.server.url, DEMO.manager, '/collection');
    await expect.poll(() => manager.getByTestId('collection-submissions').count()).toBe(1);
    expect(await manager.getByTestId('collection-dtm-binding').count()).toBe(0);
  }, 240_000);
});
