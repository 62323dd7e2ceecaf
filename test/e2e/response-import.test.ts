/**
 * Importing a 5W sheet in a real browser against the demo: the demo partner (in French) sends a
 * small 5W CSV for its organisation in Bandiagara, WASH, without dates; the page shows the
 * recognised columns and asks for the month; the import runs and its counts show; the rows are
 * submitted. The IM officer for Mali (in English) bulk-approves and publishes the queue, and the
 * WASH map of June 2021 counts one more organisation in Bandiagara, no longer a gap. Screenshots
 * in test-results/.
 */
import { describe, expect, it } from 'vitest';
import { browserTestsReady, useDemoBrowser } from './browser.js';
import { officerApprovesAndPublishes, partnerOnWashJune, presentIn } from './response-steps.js';

const FIVE_W = [
  'Matrice 5W — Demo Partner NGO (démo)',
  '',
  'Organisation,Région,Cercle,admin2Pcod,Secteur/Cluster,Activité,Nombre Bénéficiaire',
  '#org+acronym,#adm1+name,#adm2+name,#adm2+code,#sector,#activity+name,#beneficiary',
  'DPN,Mopti,Bandiagara,ML0501,EHA,Latrines d’urgence,800',
  'DPN,Mopti,Bandiagara,ML0501,EHA,Latrines d’urgence,800',
  'DPN,Mopti,Bankass,MLI0502,Abris/AME,Kits AME,',
].join('\n');

describe.skipIf(!browserTestsReady)('5W import in Chromium', () => {
  const demo = useDemoBrowser();

  it('a partner imports a 5W sheet (submitted), a coordinator bulk-approves and publishes, and the map and the gaps change', async () => {
    const before = await presentIn(demo.server, 'ML0501');
    expect(before).not.toContain('DPN');

    const { context: partnerContext, watch: partnerWatch, page: partner, classBefore } = await partnerOnWashJune(demo.browser, demo.server, 1600);

    const section = partner.getByTestId('response-import');
    await expect.poll(() => section.locator('h2').textContent()).toBe('Importer un fichier 5W');
    await section.getByTestId('response-import-file').setInputFiles({ name: 'dpn-5w-juin.csv', mimeType: 'text/csv', buffer: Buffer.from(FIVE_W, 'utf8') });
    await section.getByTestId('response-import-send').click();
    const preview = section.getByTestId('response-import-preview');
    await expect.poll(() => preview.textContent()).toContain('Colonnes reconnues');
    expect(await preview.textContent()).toContain('P-code admin2');
    expect(await preview.textContent()).toContain('Noms de colonnes en ligne 3.');
    // No dates in the file: the month is asked for, and the import waits for it.
    expect(await section.getByTestId('response-import-start').isDisabled()).toBe(true);
    await section.getByTestId('response-import-month').fill('2021-06');
    await section.getByTestId('response-import-start').click();
    const result = section.getByTestId('response-import-result');
    await expect.poll(() => result.textContent(), { timeout: 30_000 }).toContain('3 lignes lues, 3 rapports enregistrés comme soumis, 0 lignes non enregistrées.');
    await section.screenshot({ path: 'test-results/response-import-section-fr.png' });
    await partner.screenshot({ path: 'test-results/response-import-partner-fr.png', fullPage: true });
    expect(partnerWatch.problems()).toEqual([]);

    const { context: officerContext, watch: officerWatch, page: officer } = await officerApprovesAndPublishes(
      demo.browser,
      demo.server,
      1600,
      (review) => expect.poll(() => review.textContent()).toContain('DPN'),
      classBefore,
    );
    // The officer's own view of the import step, in English.
    await expect.poll(() => officer.getByTestId('response-import').locator('h2').textContent()).toBe('Import a 5W file');
    await officer.screenshot({ path: 'test-results/response-import-officer-en.png', fullPage: true });
    expect(officerWatch.problems()).toEqual([]);

    expect(await presentIn(demo.server, 'ML0501')).toEqual([...before, 'DPN'].sort());
    await partnerContext.close();
    await officerContext.close();
  }, 300_000);
});
