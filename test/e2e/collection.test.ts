/**
 * Field collection in a real browser against the demo: the IM officer for Mali (French) sees the
 * Mali project's submissions, bulk-approves the received ones, uploads a new version of the form
 * as an XLSForm (a first try with a mistake shows where it is; the corrected one its conversion
 * report) and creates a phone whose QR code is shown; the programme manager (English) opens a
 * submission with its answers and history. Screenshots in test-results/.
 */

/** The demo's site form as its author would keep it in Excel: French and English labels, a repeat. */
async function siteXlsForm(typeOfSiteType: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const survey = workbook.addWorksheet('survey');
  survey.addRows([
    ['type', 'name', 'label::Français (fr)', 'label::English (en)', 'required', 'constraint', 'image'],
    ['text', 'site_name', 'Nom du site', 'Site name', 'yes', '', 'logo-dtm.png'],
    ['text', 'admin2', 'Cercle (P-code)', 'Admin2 (P-code)', 'yes', "regex(., '^[A-Z]{2}[0-9]{4}$')"],
    [typeOfSiteType, 'site_type', 'Type de site', 'Site type', 'yes', ''],
    ['integer', 'households', 'Nombre de ménages', 'Number of households', 'yes', '. >= 0'],
    ['integer', 'individuals', 'Nombre de personnes', 'Number of people', 'yes', ''],
    ['geopoint', 'location', 'Position GPS du site', 'GPS position of the site', '', ''],
    ['image', 'photo', 'Photo de l’entrée du site', 'Photo of the site entrance', '', ''],
    ['begin_repeat', 'need', 'Besoin prioritaire', 'Priority need', '', ''],
    ['select_one sectors', 'priority', 'Secteur', 'Sector', '', ''],
    ['integer', 'people', 'Personnes concernées', 'People concerned', '', ''],
    ['end_repeat', 'need', '', '', '', ''],
  ]);
  const choices = workbook.addWorksheet('choices');
  choices.addRows([
    ['list_name', 'name', 'label::Français (fr)', 'label::English (en)'],
    ['site_types', 'camp', 'Site planifié', 'Planned site'],
    ['site_types', 'spontaneous', 'Site spontané', 'Spontaneous site'],
    ['site_types', 'host', 'Familles d’accueil', 'Host families'],
    ['sectors', 'shelter', 'Abris', 'Shelter'],
    ['sectors', 'water', 'Eau, hygiène et assainissement', 'Water, sanitation and hygiene'],
    ['sectors', 'food', 'Vivres', 'Food'],
  ]);
  const settings = workbook.addWorksheet('settings');
  settings.addRows([
    ['form_title', 'form_id', 'version', 'default_language'],
    ['Suivi des sites de déplacés (démo)', 'suivi_sites_demo', '2021060101', 'Français (fr)'],
  ]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { zipEntries } from '../support/zip.js';
import { browserTestsReady, DEMO, signIn, useDemoBrowser, watchContext } from './browser.js';

describe.skipIf(!browserTestsReady)('field collection in Chromium', () => {
  const demo = useDemoBrowser();

  it('an officer reviews in bulk, uploads a form version and configures a phone; a manager reads a submission', async () => {
    const officerContext = await demo.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1400 } });
    const officerWatch = await watchContext(officerContext);
    const officer = await officerContext.newPage();
    await signIn(officer, demo.server.url, DEMO.imMali, '/collection');
    await expect.poll(() => officer.locator('h1').textContent()).toBe('Collecte terrain');
    // A Mali officer sees the Mali project only.
    await expect.poll(() => officer.getByTestId('collection-project').locator('option').allTextContents()).toEqual(['Suivi des sites — Mali (démo) — Mali']);
    const submissions = officer.getByTestId('collection-submissions');
    await officer.getByTestId('collection-state-filter').selectOption('received');
    await expect.poll(() => submissions.locator('tbody tr').count()).toBeGreaterThan(5);
    const before = await submissions.locator('tbody tr').count();
    await officer.getByTestId('collection-check-all').check();
    await officer.getByTestId('collection-approve').click();
    await expect.poll(async () => submissions.locator('tbody tr').count()).toBeLessThan(before);

    const upload = officer.getByTestId('collection-upload');
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    // A typo in a type: the refusal names the sheet, the row and the column, and nothing is stored.
    officerWatch.expectFailure({ status: 422, path: `/api/collection/projects/${await officer.getByTestId('collection-project').inputValue()}/forms` });
    await upload.getByTestId('collection-upload-file').setInputFiles({ name: 'suivi_sites.xlsx', mimeType: xlsx, buffer: await siteXlsForm('select_one site_type') });
    await upload.getByTestId('collection-upload-send').click();
    await expect.poll(() => upload.textContent()).toMatch(/survey.*4.*A|site_type/);
    await officer.screenshot({ path: 'test-results/collection-xlsform-refused-fr.png', fullPage: false });
    await upload.getByTestId('collection-upload-file').setInputFiles({ name: 'suivi_sites.xlsx', mimeType: xlsx, buffer: await siteXlsForm('select_one site_types') });
    await upload.getByTestId('collection-upload-send').click();
    await expect.poll(() => upload.getByTestId('collection-upload-result').textContent()).toContain('version 2021060101 enregistré');
    expect(await upload.getByTestId('collection-upload-result').textContent()).toContain('English (en)');
    // The logo the form shows is missing until it is uploaded beside it.
    const media = upload.getByTestId('collection-media');
    await expect.poll(() => media.textContent()).toContain('logo-dtm.png — manquant');
    await media.getByTestId('collection-media-file').setInputFiles({ name: 'logo-dtm.png', mimeType: 'image/png', buffer: Buffer.from('89504e47', 'hex') });
    await expect.poll(() => media.textContent()).toContain('logo-dtm.png — présent');
    // Published: the form list shows the new version.
    await expect.poll(() => officer.locator('table').first().textContent()).toContain('2021060101');

    const phones = officer.getByTestId('collection-app-users');
    await phones.getByTestId('collection-app-user-name').fill('Enquêtrice Bandiagara 07');
    await phones.getByTestId('collection-app-user-create').click();
    await expect.poll(() => phones.getByTestId('collection-qr').locator('img').count()).toBe(1);
    await expect.poll(() => phones.getByTestId('collection-qr').textContent()).toContain('/v1/key/');
    // The CSV zip of the approved submissions downloads.
    await officer.getByTestId('collection-state-filter').selectOption('approved');
    const [download] = await Promise.all([officer.waitForEvent('download'), officer.getByTestId('collection-export').click()]);
    expect(download.suggestedFilename()).toBe('suivi_sites_demo.csv.zip');
    const zip = await zipEntries(new Uint8Array(await readFile((await download.path()))));
    expect([...zip.keys()].sort()).toEqual(['suivi_sites_demo-need.csv', 'suivi_sites_demo.csv']);
    await officer.screenshot({ path: 'test-results/collection-officer-fr.png', fullPage: true });
    expect(officerWatch.problems()).toEqual([]);

    const managerContext = await demo.browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 1200 } });
    const managerWatch = await watchContext(managerContext);
    const manager = await managerContext.newPage();
    await signIn(manager, demo.server.url, DEMO.manager, '/collection');
    // The account speaks French; the header's switch turns the page to English.
    await manager.locator('.lang-switch button[lang="en"]').click();
    await expect.poll(() => manager.locator('h1').textContent()).toBe('Field collection');
    const table = manager.getByTestId('collection-submission-table');
    await table.locator('tbody tr').first().locator('.link-button').click();
    const detail = manager.getByTestId('collection-submission');
    // Questions read by the form's own labels in the reader's language, the codes beside them.
    await expect.poll(() => detail.textContent()).toContain('Number of households');
    expect(await detail.textContent()).toContain('households');
    // The manager reviews but does not manage: no upload, no phones.
    expect(await manager.getByTestId('collection-upload').count()).toBe(0);
    await manager.screenshot({ path: 'test-results/collection-manager-en.png', fullPage: true });
    expect(managerWatch.problems()).toEqual([]);
  }, 180_000);
});
