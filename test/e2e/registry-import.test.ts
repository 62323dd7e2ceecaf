/**
 * Registering households from a file in a real browser against the demo. The IM officer for
 * Mali, in French, sends a partner's workbook as Excel makes it (a notes sheet first, a hidden
 * list sheet, a title row above French headers, one header Liptako does not know): the page shows
 * the sheet it chose and the columns it recognised, asks for the family-name column, which the
 * officer picks; the file has a malformed phone and a birth year in the future, so the import
 * lists both problems with their rows and stores nothing; the corrected file registers two
 * households. The demo partner, switching the page to English, sends a Kobo export (group paths as headers, nearly none
 * recognised), maps the required columns by hand and registers its household. Screenshots in
 * test-results/.
 */
import ExcelJS from 'exceljs';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserTestsReady, DEMO, signIn, useDemoBrowser, watchContext } from './browser.js';

const total = (text: string | null): number => Number(/(\d+)/.exec((text ?? '').replace(/\s/g, ''))?.[1] ?? NaN);

type Cell = string | number | Date | null;
const HEADERS = ['N° ménage', 'Lieu', 'Statut', 'Prénoms', 'Nom du membre', 'Sexe', 'Année de naissance', 'Lien avec le chef', 'Téléphone', 'Consentement donné par'];
const GOOD: Cell[][] = [
  ['BDG-101', 'ML0501', 'PDI', 'Hamidou', 'Guindo', 'H', 1971, 'Chef de ménage', '+223 76 40 11 22', 'le chef de ménage'],
  ['BDG-101', 'ML0501', 'PDI', 'Yagouno', 'Dolo', 'F', 1980, 'Conjointe', null, null],
  ['BDG-101', 'ML0501', 'PDI', 'Ousmane', 'Guindo', 'H', 2009, 'Fils', null, null],
  ['BDG-102', 'ML0501', 'Hôte', 'Mariam', 'Tembely', 'F', 1988, 'Chef', '76 55 90 12', 'la cheffe de ménage'],
  ['BDG-102', 'ML0501', 'Hôte', 'Aminata', 'Tembely', 'F', 2014, 'Fille', null, null],
];
/** The same list as first typed: a phone with letters (row 4), a birth year to come (row 6). */
const TYPED = GOOD.map((row, index) => (index === 1 ? row.map((cell, at) => (at === 8 ? '76 4O 11 2X' : cell)) : index === 3 ? row.map((cell, at) => (at === 6 ? 2031 : cell)) : row));

async function workbook(rows: readonly Cell[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.addWorksheet('Lisez-moi').addRow(['Une ligne par personne ; le même N° ménage pour tout le ménage.']);
  book.addWorksheet('Listes', { state: 'hidden' }).addRow(['Sexe', 'F', 'H']);
  const sheet = book.addWorksheet('Registre');
  sheet.addRow(['Registre des ménages — Bandiagara (données de test)']);
  sheet.mergeCells(1, 1, 1, 5);
  sheet.addRow(HEADERS);
  for (const row of rows) sheet.addRow([...row]);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** A Kobo CSV export: group paths as column names, the choices' names as values, its own metadata columns. */
const KOBO = [
  'start,end,hh/hh_id,hh/loc_pcode,hh/displ,member/first,member/last,member/gender,member/yob,member/rel,member/tel,consent/given_by,_uuid',
  '2021-03-10T09:12:00.000Z,2021-03-10T09:31:00.000Z,KB-77,ML0703,idp,Fadimata,Walet,female,1983,head,,la cheffe de ménage,5b1c0e0a-0001',
  '2021-03-10T09:12:00.000Z,2021-03-10T09:31:00.000Z,KB-77,ML0703,idp,Mohamed,Ag Ibrahim,male,2010,son,,,5b1c0e0a-0002',
].join('\r\n');

async function choose(section: Locator, fieldLabel: string, column: string): Promise<void> {
  await section.getByLabel(fieldLabel, { exact: true }).selectOption(column);
}

async function registered(page: Page): Promise<number> {
  return total(await page.getByTestId('assistance-registry').locator('h2').textContent());
}

describe.skipIf(!browserTestsReady)('registry import in Chromium', () => {
  const demo = useDemoBrowser();

  it('an officer maps a column, sees every problem of a file with nothing stored, then registers the corrected file; a partner maps a Kobo export by hand', async () => {
    const officerContext = await demo.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1600 } });
    // The refused import's job answers 200; the start of a file whose mapping is incomplete is never sent.
    const officerWatch = await watchContext(officerContext);
    const officer = await officerContext.newPage();
    await signIn(officer, demo.server.url, DEMO.imMali, '/assistance');
    const section = officer.getByTestId('registry-import');
    await expect.poll(() => section.locator('h2').textContent()).toBe('Enregistrer des ménages depuis un fichier');
    await expect.poll(() => registered(officer)).toBeGreaterThan(0);
    const before = await registered(officer);

    await section.getByTestId('registry-import-file').setInputFiles({ name: 'registre-bandiagara.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await workbook(TYPED) });
    await section.getByTestId('registry-import-send').click();
    const preview = section.getByTestId('registry-import-preview');
    // The registry sheet, not the notes sheet in front of it; its headers under the title row.
    await expect.poll(() => preview.locator('h3').textContent()).toBe('registre-bandiagara.xlsx : 5 lignes');
    expect(await preview.textContent()).toContain('Noms des colonnes à la ligne 2.');
    expect(await section.getByLabel('Feuille', { exact: true }).inputValue()).toBe('Registre');
    expect(await section.getByLabel('Prénoms', { exact: true }).inputValue()).toBe('Prénoms');
    // "Nom du membre" is not a header Liptako knows: the family name is asked for, the import waits.
    expect(await section.getByTestId('registry-import-missing').textContent()).toBe('Choisissez une colonne pour : Nom de famille.');
    expect(await section.getByTestId('registry-import-start').isDisabled()).toBe(true);
    await choose(section, 'Nom de famille', 'Nom du membre');
    expect(await section.getByTestId('registry-import-missing').count()).toBe(0);
    expect(await preview.locator('tr[data-field="familyName"]').textContent()).toContain('Guindo');
    await section.screenshot({ path: 'test-results/registry-import-mapping-fr.png' });
    await section.getByTestId('registry-import-start').click();

    const failed = section.getByTestId('registry-import-failed');
    await expect.poll(() => failed.count(), { timeout: 30_000 }).toBe(1);
    expect(await failed.getAttribute('data-code')).toBe('assistance.import.refused');
    const findings = failed.getByTestId('registry-import-findings');
    const rows = await findings.locator('tbody tr').allTextContents();
    expect(await findings.locator('caption').textContent(), rows.join('\n')).toBe('2 problèmes trouvés');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^4Téléphone76 4O 11 2X/);
    expect(rows[1]).toMatch(/^6Année de naissance2031/);
    expect(await failed.textContent()).toContain('Rien n’a été enregistré ; corrigez le fichier');
    await section.screenshot({ path: 'test-results/registry-import-refused-fr.png' });
    await officer.reload();
    await expect.poll(() => registered(officer)).toBe(before);

    // The corrected file: both households registered, and the registry says so.
    await section.getByTestId('registry-import-file').setInputFiles({ name: 'registre-bandiagara-corrige.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await workbook(GOOD) });
    await section.getByTestId('registry-import-send').click();
    await expect.poll(() => section.getByTestId('registry-import-start').isVisible()).toBe(true);
    await choose(section, 'Nom de famille', 'Nom du membre');
    await section.getByTestId('registry-import-start').click();
    await expect.poll(() => section.getByTestId('registry-import-result').textContent(), { timeout: 30_000 }).toBe('Enregistrés : 2 ménages, 5 personnes en tout, à partir de 5 lignes.');
    await expect.poll(() => registered(officer)).toBe(before + 2);
    await officer.screenshot({ path: 'test-results/registry-import-done-fr.png', fullPage: true });
    expect(officerWatch.problems()).toEqual([]);

    const partnerContext = await demo.browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 1600 } });
    const partnerWatch = await watchContext(partnerContext);
    const partner = await partnerContext.newPage();
    await signIn(partner, demo.server.url, DEMO.partner, '/assistance');
    // The account speaks French; the header's switch turns the page to English.
    await partner.locator('.lang-switch button[lang="en"]').click();
    const own = partner.getByTestId('registry-import');
    await expect.poll(() => own.locator('h2').textContent()).toBe('Register households from a file');
    await expect.poll(() => registered(partner)).toBeGreaterThan(0);
    const partnerBefore = await registered(partner);
    // A partner registers for its own organisation only: the one choice offered.
    await expect.poll(() => own.getByLabel('Organisation', { exact: true }).locator('option').allTextContents()).toEqual(['DPN — Demo Partner NGO']);
    await own.getByTestId('registry-import-file').setInputFiles({ name: 'kobo-registration-2021-03-10.csv', mimeType: 'text/csv', buffer: Buffer.from(KOBO, 'utf8') });
    await own.getByTestId('registry-import-send').click();
    await expect.poll(() => own.getByTestId('registry-import-missing').textContent()).toBe(
      'Choose a column for: Household key, Place (P-code), Given names, Family name, Sex, Relation to the head.',
    );
    // "consent/given_by" folds to a header Liptako knows: recognised through the group path.
    expect(await own.getByLabel('Consent given by', { exact: true }).inputValue()).toBe('consent/given_by');
    const mapping: Array<[string, string]> = [
      ['Household key', 'hh/hh_id'],
      ['Place (P-code)', 'hh/loc_pcode'],
      ['Displacement status', 'hh/displ'],
      ['Given names', 'member/first'],
      ['Family name', 'member/last'],
      ['Sex', 'member/gender'],
      ['Birth year', 'member/yob'],
      ['Relation to the head', 'member/rel'],
    ];
    for (const [field, column] of mapping) await choose(own, field, column);
    expect(await own.getByTestId('registry-import-missing').count()).toBe(0);
    await own.screenshot({ path: 'test-results/registry-import-kobo-en.png' });
    await own.getByTestId('registry-import-start').click();
    await expect.poll(() => own.getByTestId('registry-import-result').textContent(), { timeout: 30_000 }).toBe('Registered: 1 household, 2 people in all, from 2 rows.');
    await expect.poll(() => registered(partner)).toBe(partnerBefore + 1);
    expect(partnerWatch.problems()).toEqual([]);
    await officerContext.close();
    await partnerContext.close();
  }, 300_000);
});
