/**
 * The geography explorer in a real browser against a real server: French by default for a
 * French browser, switch to English (remembered), import boundaries through the page (signed in as
 * the administrator), see the map; a file with a bad row is refused as a whole, then imported
 * without that row on request (signed in as the IM officer for Mali). Anonymous visitors get a
 * "sign in to import" hint instead of the import panel.
 */
import { describe, expect, it } from 'vitest';
import { gazetteerCsv, squaresGeoJson } from '../support/geo.js';
import { browserTestsReady, DEMO, signIn, useDemoBrowser } from './browser.js';

// Burkina Faso's 13 regions of the demo gazetteer, as a 5 × 3 grid of squares over the country.
const BF_REGIONS = ['BF13', 'BF46', 'BF47', 'BF48', 'BF49', 'BF50', 'BF51', 'BF52', 'BF53', 'BF54', 'BF55', 'BF56', 'BF57'];
// Two communes of Bandiagara (Mali, admin3: not in the demo gazetteer) and, in row 3, a P-code
// with a letter in it.
const mliCommunes = gazetteerCsv([
  ['MLI', 3, 'ML050101', 'Bandiagara', 'ML0501', '2021-12-20'],
  ['MLI', 3, 'ML05X1', 'Dourou', 'ML0501', '2021-12-20'],
  ['MLI', 3, 'ML050102', 'Doucombo', 'ML0501', '2021-12-20'],
]);
const bfBoundaries = squaresGeoJson(
  1,
  BF_REGIONS.map((pcode, index) => ({ pcode, name: null, x: -5 + (index % 5) * 1.4, y: 10 + Math.floor(index / 5) * 1.6, size: 1.4 })),
);

describe.skipIf(!browserTestsReady)('geography explorer in Chromium', () => {
  const demo = useDemoBrowser();

  it('speaks French to a French browser, switches to English and remembers it', async () => {
    const context = await demo.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(`${demo.server.url}/geography`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Géographie');
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    // Not signed in: a hint with a sign-in link instead of the import panel.
    await expect.poll(() => page.getByTestId('geo-import-sign-in').isVisible()).toBe(true);
    expect(await page.getByTestId('geo-import').count()).toBe(0);
    expect(await page.getByTestId('geo-import-sign-in').getByRole('link').getAttribute('href')).toBe('/sign-in?next=%2Fgeography');
    await page.screenshot({ path: 'test-results/e2e-home-fr.png' });

    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Geography');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.reload();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Geography');
    await page.screenshot({ path: 'test-results/e2e-home-en.png' });
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('shows the demo boundaries, then the map of a newly imported boundary file', async () => {
    const context = await demo.browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await signIn(page, demo.server.url, DEMO.admin, '/geography?country=BF&level=1');
    // The administrator's account is in French and no language was chosen here: back to English.
    await expect.poll(() => page.locator('h1').textContent()).toBe('Géographie');
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Geography');
    const map = page.getByTestId('boundary-map');
    // The demo ships simplified COD-AB regions (geodata/); the outline fallback is covered by the integration tests.
    await expect.poll(() => map.getAttribute('data-geometry-source')).toBe('boundaries');
    await expect.poll(() => map.locator('path[data-pcode]').count()).toBe(13);
    expect(await page.getByTestId('outline-notice').count()).toBe(0);
    expect(await page.getByTestId('unit-table').locator('tbody tr').count()).toBe(13);

    await page.getByTestId('geo-import').locator('input[type=file]').setInputFiles({
      name: 'bfa_adm1_test.geojson',
      mimeType: 'application/geo+json',
      buffer: Buffer.from(bfBoundaries),
    });
    await page.getByTestId('geo-import-submit').click();
    await expect.poll(() => page.getByTestId('import-report').isVisible(), { timeout: 30_000 }).toBe(true);
    // The squares replace the demo's shapes of the 13 regions.
    expect(await page.getByTestId('import-updated').textContent()).toContain('13');
    // The import history loads when opened and lists this import.
    const imports = page.getByTestId('import-history');
    await imports.locator('summary').click();
    await expect.poll(() => imports.locator('tbody tr').filter({ hasText: 'bfa_adm1_test.geojson' }).count(), { timeout: 15_000 }).toBe(1);

    await expect.poll(() => map.getAttribute('data-geometry-source'), { timeout: 15_000 }).toBe('boundaries');
    await expect.poll(() => map.locator('path[data-pcode]').count()).toBe(13);
    await map.locator('path[data-pcode="BF46"]').click();
    await expect.poll(() => page.getByTestId('unit-table').locator('tr.selected').getAttribute('data-pcode')).toBe('BF46');
    await page.screenshot({ path: 'test-results/e2e-map-en.png', fullPage: true });

    await page.getByRole('button', { name: 'FR', exact: true }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Géographie');
    expect(await map.locator('path[data-pcode]').count()).toBe(13);
    await page.screenshot({ path: 'test-results/e2e-map-fr.png', fullPage: true });
    await context.close();
  });

  it('lists refused rows and imports nothing, then imports the good rows when asked to skip them', async () => {
    const context = await demo.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await signIn(page, demo.server.url, DEMO.imMali, '/geography?country=ML&level=2');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Géographie');

    await page.getByTestId('geo-import').locator('input[type=file]').setInputFiles({
      name: 'mli_adm3_test.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(mliCommunes),
    });
    await page.getByTestId('geo-import-submit').click();
    const refusedRows = page.getByTestId('geo-import-refused-rows').locator('tbody tr');
    await expect.poll(() => refusedRows.count(), { timeout: 30_000 }).toBe(1);
    const problem = page.getByTestId('geo-import-error');
    expect(await problem.getAttribute('data-code')).toBe('geo.import.rowsRefused');
    expect(await problem.getByRole('alert').textContent()).toContain('rien n’a été importé');
    const refused = refusedRows.first();
    expect(await refused.getAttribute('data-row')).toBe('3');
    expect(await refused.locator('td').first().textContent()).toBe('3');
    expect(await refused.locator('td').nth(1).textContent()).toBe('P-Code');
    expect(await refused.locator('td').nth(2).textContent()).toBe('ML05X1');
    expect(await refused.locator('td').nth(3).textContent()).toContain('n’est pas un P-code valide');
    expect(await page.getByTestId('import-report').count()).toBe(0);

    const anyway = page.getByTestId('geo-import-anyway');
    expect(await anyway.textContent()).toBe('Importer quand même en ignorant la ligne refusée');
    await page.screenshot({ path: 'test-results/e2e-import-refused-fr.png', fullPage: true });
    await anyway.click();

    const report = page.getByTestId('import-report');
    await expect.poll(() => report.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await page.getByTestId('geo-import-error').count()).toBe(0);
    expect(await report.getByTestId('import-added').textContent()).toContain('2');
    expect(await report.getByTestId('import-refused').textContent()).toContain('1');
    expect(await report.getByTestId('import-refused-rows').locator('tbody tr').first().getAttribute('data-row')).toBe('3');
    // Row by row, once opened: rows 2 and 4 added.
    const outcomes = report.getByTestId('import-outcomes');
    await outcomes.locator('summary').click();
    await expect.poll(() => outcomes.locator('tbody tr').count()).toBe(2);
    expect(await outcomes.locator('tbody tr td:first-child').allTextContents()).toEqual(['2', '4']);
    // The page follows the import to Mali admin3, where the two communes now are.
    await expect.poll(() => page.getByTestId('geo-level').inputValue(), { timeout: 15_000 }).toBe('3');
    await expect.poll(() => page.getByTestId('unit-table').locator('tbody tr[data-pcode]').count(), { timeout: 15_000 }).toBe(2);
    await page.screenshot({ path: 'test-results/e2e-import-skipped-fr.png', fullPage: true });
    await context.close();
  });
});
