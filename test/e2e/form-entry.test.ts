/**
 * Web form entry (issue 14) in Chromium against the demo: the Niger enumerator (French) fills the
 * demo site form in the browser — a choice, numbers, a GPS point from the browser, a photo, a
 * repeat added to and removed from — is stopped by the form's own constraint, then finalises; the
 * server holds the submission with its photo, exactly once. The Mali officer (English) fills a
 * form with a cascade (a choice list filtered by an earlier answer), a select-multiple, a date,
 * a decimal and a group. Screenshots in test-results/.
 */
import { describe, expect, it } from 'vitest';
import { browserTestsReady, fetchFromPage, useDemoBrowser, watchContext } from './browser.js';
import { fillSiteForm, listSubmissions, openAsNigerEnumerator, openNewMaliForm, SITE_FORM, waitUntilSent } from './entry-steps.js';
/** A form with a cascade, as pyxform writes a `choice_filter` over an external-free choice list. */
const CASCADE_FORM = `<?xml version="1.0" encoding="UTF-8"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa" xmlns:odk="http://www.opendatakit.org/xforms">
  <h:head>
    <h:title>Distribution (test)</h:title>
    <model odk:xforms-version="1.0.0">
      <itext>
        <translation default="true()" lang="Français (fr)">
          <text id="/data/region:label"><value>Région</value></text>
          <text id="/data/cercle:label"><value>Cercle</value></text>
          <text id="/data/items:label"><value>Articles distribués</value></text>
          <text id="/data/day:label"><value>Date de distribution</value></text>
          <text id="/data/tonnes:label"><value>Tonnes</value></text>
          <text id="/data/team:label"><value>Équipe</value></text>
          <text id="/data/team/lead:label"><value>Chef d’équipe</value></text>
        </translation>
        <translation lang="English (en)">
          <text id="/data/region:label"><value>Region</value></text>
          <text id="/data/cercle:label"><value>Cercle</value></text>
          <text id="/data/items:label"><value>Items distributed</value></text>
          <text id="/data/day:label"><value>Distribution date</value></text>
          <text id="/data/tonnes:label"><value>Tonnes</value></text>
          <text id="/data/team:label"><value>Team</value></text>
          <text id="/data/team/lead:label"><value>Team lead</value></text>
        </translation>
      </itext>
      <instance>
        <data id="distribution_test" version="1">
          <region/><cercle/><items/><day/><tonnes/>
          <team><lead/></team>
          <meta><instanceID/></meta>
        </data>
      </instance>
      <instance id="cercles">
        <root>
          <item><name>mopti</name><label>Mopti</label><region>mopti_r</region></item>
          <item><name>djenne</name><label>Djenné</label><region>mopti_r</region></item>
          <item><name>gao</name><label>Gao</label><region>gao_r</region></item>
          <item><name>ansongo</name><label>Ansongo</label><region>gao_r</region></item>
        </root>
      </instance>
      <bind nodeset="/data/region" type="string" required="true()"/>
      <bind nodeset="/data/cercle" type="string" required="true()"/>
      <bind nodeset="/data/items" type="string"/>
      <bind nodeset="/data/day" type="date"/>
      <bind nodeset="/data/tonnes" type="decimal" constraint=". &gt; 0"/>
      <bind nodeset="/data/team/lead" type="string"/>
      <bind jr:preload="uid" nodeset="/data/meta/instanceID" readonly="true()" type="string"/>
    </model>
  </h:head>
  <h:body>
    <select1 ref="/data/region">
      <label ref="jr:itext('/data/region:label')"/>
      <item><label>Mopti</label><value>mopti_r</value></item>
      <item><label>Gao</label><value>gao_r</value></item>
    </select1>
    <select1 ref="/data/cercle">
      <label ref="jr:itext('/data/cercle:label')"/>
      <itemset nodeset="instance('cercles')/root/item[region = /data/region]"><value ref="name"/><label ref="label"/></itemset>
    </select1>
    <select ref="/data/items">
      <label ref="jr:itext('/data/items:label')"/>
      <item><label>Riz</label><value>rice</value></item>
      <item><label>Huile</label><value>oil</value></item>
      <item><label>Savon</label><value>soap</value></item>
    </select>
    <input ref="/data/day"><label ref="jr:itext('/data/day:label')"/></input>
    <input ref="/data/tonnes"><label ref="jr:itext('/data/tonnes:label')"/></input>
    <group ref="/data/team">
      <label ref="jr:itext('/data/team:label')"/>
      <input ref="/data/team/lead"><label ref="jr:itext('/data/team/lead:label')"/></input>
    </group>
  </h:body>
</h:html>
`;

describe.skipIf(!browserTestsReady)('web form entry in Chromium', () => {
  const demo = useDemoBrowser();

  it('an enumerator fills the demo form in French with a photo, a GPS point and a repeat; the server holds it once', async () => {
    const { context, watch, page, projectId, before } = await openAsNigerEnumerator(demo);
    await page.getByTestId(`collection-fill-${SITE_FORM}`).click();
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 60_000 }).toBe('Suivi des sites de déplacés (démo)');
    await expect.poll(() => page.getByTestId('entry-form').isVisible()).toBe(true);

    await fillSiteForm(page, { name: 'Ouallam Secteur 2', admin2: 'NE0060', households: 80, individuals: 50 });
    // Fewer people than households: the form's own constraint stops the finalising.
    await page.getByTestId('entry-finalise').click();
    await expect.poll(() => page.getByTestId('entry-violations').textContent()).toContain('Nombre de personnes');
    await page.screenshot({ path: 'test-results/entry-constraint-fr.png', fullPage: true });
    await page.getByTestId('entry-form').getByLabel('Nombre de personnes').fill('410');
    await page.getByTestId('entry-finalise').click();
    await expect.poll(() => page.getByTestId('entry-done').textContent()).toContain('Finalisée');
    await waitUntilSent(page, 1);
    // A blank form for the next site.
    expect(await page.getByTestId('entry-form').getByLabel('Nom du site').inputValue()).toBe('');

    const after = await listSubmissions(page, projectId, SITE_FORM);
    const added = after.filter((row) => !before.some((old) => old.id === row.id));
    expect(added.map((row) => row.instanceName)).toEqual(['Ouallam Secteur 2 — NE0060']);
    expect(added[0]).toMatchObject({ attachmentsExpected: 1, attachmentsPresent: 1 });
    const detail = await fetchFromPage(page, 'GET', `/api/collection/projects/${projectId}/forms/${SITE_FORM}/submissions/${added[0]!.id}`);
    const answers = (detail.body as { answers: Array<{ position: string; value: string }> }).answers;
    const value = (position: string): string | undefined => answers.find((answer) => answer.position === position)?.value;
    expect(value('/data/individuals')).toBe('410');
    expect(value('/data/site_type')).toBe('spontaneous');
    expect(value('/data/location')).toMatch(/^14\.2114 1\.4536 /);
    expect(value('/data/need[1]/priority')).toBe('water');
    expect(value('/data/need[2]/priority')).toBe('food');
    expect(value('/data/need[2]/people')).toBe('25');
    expect(value('/data/need[3]/priority')).toBeUndefined();

    // The interface in English: the form's English labels.
    await page.locator('.lang-switch button[lang="en"]').click();
    await expect.poll(() => page.getByTestId('entry-form').textContent()).toContain('Number of households');
    await page.screenshot({ path: 'test-results/entry-blank-en.png', fullPage: true });
    expect(watch.problems()).toEqual([]);
    await context.close();
  }, 240_000);

  it('a cascade, a select-multiple, a date, a decimal and a group, in English', async () => {
    const context = await demo.browser.newContext({ locale: 'en-GB', viewport: { width: 1100, height: 1200 } });
    const watch = await watchContext(context);
    const { page, projectId, form } = await openNewMaliForm(context, demo.server.url, { xml: CASCADE_FORM, id: 'distribution_test' });
    // No region yet: no cercle to offer.
    await expect.poll(() => form.locator('[data-ref="/data/cercle"]').textContent()).toContain('No choice to offer yet');
    await form.getByLabel('Gao').first().check();
    const cercles = form.locator('[data-ref="/data/cercle"] input');
    await expect.poll(() => cercles.evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value))).toEqual(['gao', 'ansongo']);
    await form.locator('[data-ref="/data/region"]').getByLabel('Mopti').check();
    await expect.poll(() => cercles.evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value))).toEqual(['mopti', 'djenne']);
    await form.getByLabel('Djenné').check();
    await form.getByLabel('Riz').check();
    await form.getByLabel('Savon').check();
    await form.getByLabel('Distribution date').fill('2021-06-14');
    await form.getByLabel('Tonnes').fill('12.5');
    await form.getByLabel('Team lead').fill('Awa Traoré');
    expect(await form.locator('fieldset.entry-group legend').first().textContent()).toBe('Team');
    await page.screenshot({ path: 'test-results/entry-cascade-en.png', fullPage: true });
    await page.getByTestId('entry-finalise').click();
    await expect.poll(() => page.getByTestId('entry-done').textContent()).toContain('Finalised');
    await waitUntilSent(page, 1);
    const [row] = await listSubmissions(page, projectId, 'distribution_test');
    const detail = await fetchFromPage(page, 'GET', `/api/collection/projects/${projectId}/forms/distribution_test/submissions/${row!.id}`);
    const answers = Object.fromEntries((detail.body as { answers: Array<{ path: string; value: string }> }).answers.map((answer) => [answer.path, answer.value]));
    expect(answers).toMatchObject({ '/data/region': 'mopti_r', '/data/cercle': 'djenne', '/data/items': 'rice soap', '/data/day': '2021-06-14', '/data/tonnes': '12.5', '/data/team/lead': 'Awa Traoré' });
    expect(watch.problems()).toEqual([]);
    await context.close();
  }, 180_000);
});
