/**
 * Displacement tracking (DTM) in a real browser against a real server. The demo loads three
 * operations (MLI-CONFLICT, BFA-CRISIS, NER-TAHOUA-TILLABERI) with published BA and SA rounds and
 * one draft SA round each, and the simplified COD-AB admin1 and admin2 boundaries of geodata/ (so
 * maps are choropleths, with the sites of a site assessment drawn over them).
 *
 * 1. The Mali dashboard, in French then English: key figures as the API computes them, the map,
 *    the trend (one bar per round), the sex and age pyramid, reasons, and the drill-down from the
 *    map and the table admin1 → admin2 → locations, and back up by the breadcrumb.
 * 2. The IM officer for Mali imports a small site-assessment round through the import page (a
 *    household size of 30 is a warning, an unknown P-code an error), confirms the columns, sees
 *    the import finish, opens the round, excludes the error, accepts the warning, publishes it,
 *    and sees the dashboard's site-assessment figure become the new round's.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { AdminFigure, KeyFigures, OperationSummary, TrendPoint } from '../../src/displacement/aggregate.js';
import type { RoundView } from '../../src/displacement/service.js';
import { type RunningServer } from '../support/server.js';
import { browserTestsReady, DEMO, fetchFromPage, signIn, useDemoBrowser, watchContext } from './browser.js';

const MALI = 'MLI-CONFLICT';
const DEMO_OPERATIONS = ['MLI-CONFLICT', 'BFA-CRISIS', 'NER-TAHOUA-TILLABERI'];

/** Intl puts narrow no-break spaces between thousands in French: compare with plain spaces. */
const plain = (text: string | null): string => (text ?? '').replace(/[\u202f\u00a0]/g, ' ');
const frNumber = (value: number): string => plain(new Intl.NumberFormat('fr').format(value));
const enNumber = (value: number): string => new Intl.NumberFormat('en').format(value);

/** A small site-assessment round of Mali: three good rows (one with 30 people per household) and an unknown P-code. */
const ROUND_CSV = [
  'Admin2 Pcode,Location code,Location name,Households,Individuals,Females,Males',
  'ML0501,E2E-0001,Site de Sévaré (e2e),180,1000,520,480',
  'ML0502,E2E-0002,Quartier Bankass (e2e),90,500,260,240',
  'ML0701,E2E-0003,Village Ansongo (e2e),10,300,150,150',
  'ML9999,E2E-0004,Nulle part (e2e),20,100,50,50',
].join('\r\n');
const STORED_INDIVIDUALS = 1000 + 500 + 300;

async function getJson<T>(server: RunningServer, path: string): Promise<T> {
  const response = await fetch(`${server.url}${path}`, { headers: { Accept: 'application/json' } });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
}

describe.skipIf(!browserTestsReady)('displacement tracking in Chromium', () => {
  const demo = useDemoBrowser();

  it('shows the Mali dashboard in French and English: key figures, map, trend, pyramid and drill-down', async () => {
    const { operations } = await getJson<{ operations: OperationSummary[] }>(demo.server, '/api/dtm/operations');
    expect(operations.map((operation) => operation.code).sort()).toEqual([...DEMO_OPERATIONS].sort());
    const figures = await getJson<KeyFigures>(demo.server, `/api/dtm/operations/${MALI}/summary`);
    expect(figures.assessmentType).toBe('BA');
    expect(figures.availableTypes).toEqual(['BA', 'SA']);
    const round = figures.round!;
    const { points } = await getJson<{ points: TrendPoint[] }>(demo.server, `/api/dtm/operations/${MALI}/trend`);
    const admin1 = (await getJson<{ units: AdminFigure[] }>(demo.server, `/api/dtm/operations/${MALI}/admin?level=1`)).units;
    const top = admin1[0]!;

    const context = await demo.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1000 } });
    const watch = await watchContext(context);
    const page = await context.newPage();

    // The operations, each with its latest published round.
    await page.goto(`${demo.server.url}/displacement`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Déplacements (DTM)');
    await expect.poll(() => page.getByTestId('dtm-operations').locator('li').count()).toBe(3);
    const card = page.getByTestId(`operation-card-${MALI}`);
    expect(await card.locator('h2').textContent()).toBe('Conflit au Mali');
    const latest = operations.find((operation) => operation.code === MALI)!.latestPublished!;
    expect(plain(await card.getByTestId('operation-latest').textContent())).toContain(`Round ${latest.number}`);
    expect(await page.locator('a.nav-item[aria-current=page]').textContent()).toBe('Déplacements (DTM)');
    await card.getByRole('link', { name: 'Conflit au Mali' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/displacement/${MALI}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Conflit au Mali');

    // Key figures: the API's, in French.
    const keyFigures = page.getByTestId('dtm-key-figures');
    await expect.poll(() => keyFigures.getByTestId('dtm-individuals').getAttribute('data-value')).toBe(String(figures.totals!.individuals));
    expect(plain(await keyFigures.getByTestId('dtm-individuals').textContent())).toBe(frNumber(figures.totals!.individuals));
    expect(plain(await keyFigures.getByTestId('dtm-households').textContent())).toBe(frNumber(figures.totals!.households));
    expect(await keyFigures.getByTestId('dtm-locations').getAttribute('data-value')).toBe(String(figures.totals!.locations));
    expect(await keyFigures.getByTestId('dtm-round').textContent()).toBe(`Round ${round.number} (BA)`);
    expect(await keyFigures.textContent()).toContain('PDI — individus');
    expect(await keyFigures.getByTestId('dtm-individuals-change').getAttribute('data-value')).toBe(String(figures.change!.individuals));
    expect(plain(await keyFigures.getByTestId('dtm-individuals-change').textContent())).toContain(`depuis le round ${figures.previousRound!.number}`);
    // One assessment type at a time: BA is pressed, SA offered, never both.
    const typeSwitch = page.getByTestId('dtm-type-switch');
    expect(await typeSwitch.locator('button').count()).toBe(2);
    expect(await typeSwitch.locator('button[aria-pressed=true]').getAttribute('data-type')).toBe('BA');

    // Map: the demo ships boundaries, so a choropleth of Mali's ten regions, the top one shaded.
    const map = page.getByTestId('dtm-map');
    await expect.poll(() => map.getAttribute('data-mode')).toBe('choropleth');
    expect(await map.getByTestId('boundary-map').getAttribute('data-geometry-source')).toBe('boundaries');
    await expect.poll(() => map.locator('path[data-pcode]').count()).toBe(10);
    expect(await map.locator(`path[data-pcode=${top.pcode}]`).getAttribute('class')).toMatch(/choro-\d/);
    expect(await map.getByTestId('dtm-map-legend').isVisible()).toBe(true);
    expect(await map.getByTestId('dtm-points-notice').count()).toBe(0);

    // Trend: one bar per published BA round; pyramid: the operation's four age ranges.
    const trend = page.getByTestId('dtm-trend');
    await expect.poll(() => trend.getAttribute('data-points')).toBe(String(points.length));
    expect(await trend.locator('svg title').first().textContent()).toBe('PDI par round — Évaluation de zone (BA)');
    expect(await trend.locator('g.bars rect').count()).toBe(points.length);
    const pyramid = page.getByTestId('dtm-pyramid');
    expect(await pyramid.locator('g[data-range]').count()).toBe(4);
    const pyramidTotal = figures.pyramid.reduce((sum, band) => sum + band.females + band.males, 0);
    expect(await pyramid.getAttribute('data-total')).toBe(String(pyramidTotal));
    expect(await page.getByTestId('dtm-reasons').locator('li').count()).toBe(figures.reasons.length);

    // Drill-down from the table: admin1 → admin2 → locations, then back up by the breadcrumb.
    const table = page.getByTestId('dtm-drill');
    await expect.poll(() => table.getAttribute('data-level')).toBe('admin1');
    await expect.poll(() => table.locator('tbody tr[data-pcode]').count()).toBe(admin1.length);
    expect(await table.locator('tbody tr').first().getAttribute('data-pcode')).toBe(top.pcode);
    expect(await page.getByTestId(`dtm-drill-row-${top.pcode}`).locator('td').first().getAttribute('data-value')).toBe(String(top.individuals));
    await page.screenshot({ path: 'test-results/e2e-dtm-dashboard-fr.png', fullPage: true });

    await page.getByTestId(`dtm-drill-row-${top.pcode}`).getByRole('button').click();
    await expect.poll(() => table.getAttribute('data-level')).toBe('admin2');
    expect(new URL(page.url()).searchParams.get('admin1')).toBe(top.pcode);
    expect(await page.getByTestId('dtm-breadcrumb').textContent()).toContain(top.name!);
    const admin2 = (await getJson<{ units: AdminFigure[] }>(demo.server, `/api/dtm/operations/${MALI}/admin?level=2&parent=${top.pcode}`)).units;
    await expect.poll(() => table.locator('tbody tr').count()).toBe(admin2.length);
    // The map follows: the shapes of this region's admin2 units.
    await expect.poll(() => map.locator('path[data-pcode]').count()).toBeGreaterThanOrEqual(admin2.length);
    expect(await map.locator(`path[data-pcode=${admin2[0]!.pcode}]`).count()).toBe(1);
    const firstAdmin2 = admin2[0]!;
    await page.getByTestId(`dtm-drill-row-${firstAdmin2.pcode}`).click();
    await expect.poll(() => table.getAttribute('data-level')).toBe('locations');
    await expect.poll(() => table.locator('tbody tr[data-code]').count()).toBeGreaterThan(0);
    expect(plain(await page.getByTestId('dtm-breadcrumb').textContent())).toContain(firstAdmin2.name!);
    await page.getByTestId('dtm-breadcrumb-admin1').click();
    await expect.poll(() => table.getAttribute('data-level')).toBe('admin2');
    await page.getByTestId('dtm-breadcrumb-country').click();
    await expect.poll(() => table.getAttribute('data-level')).toBe('admin1');

    // Drill-down from the map: a region's shape (keyboard) opens its admin2 units.
    const shape = map.locator(`path[data-pcode=${top.pcode}]`);
    await shape.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('admin1')).toBe(top.pcode);
    await expect.poll(() => table.getAttribute('data-level')).toBe('admin2');
    await page.goBack();
    await expect.poll(() => table.getAttribute('data-level')).toBe('admin1');

    // English: same figures, English words and numbers; then the site assessment.
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Mali Conflict');
    expect(await keyFigures.getByTestId('dtm-individuals').textContent()).toBe(enNumber(figures.totals!.individuals));
    expect(await keyFigures.textContent()).toContain('IDPs — individuals');
    expect(await keyFigures.getByTestId('dtm-individuals-change').textContent()).toContain(`since round ${figures.previousRound!.number}`);
    expect(await trend.locator('svg title').first().textContent()).toBe('IDPs per round — Baseline area assessment (BA)');
    await typeSwitch.locator('button[data-type=SA]').click();
    const siteFigures = await getJson<KeyFigures>(demo.server, `/api/dtm/operations/${MALI}/summary?assessmentType=SA`);
    await expect.poll(() => page.getByTestId('dtm-dashboard').getAttribute('data-type')).toBe('SA');
    await expect.poll(() => keyFigures.getByTestId('dtm-individuals').getAttribute('data-value')).toBe(String(siteFigures.totals!.individuals));
    expect(await keyFigures.getByTestId('dtm-round').textContent()).toBe(`Round ${siteFigures.round!.number} (SA)`);
    await expect.poll(() => map.locator('[data-testid=dtm-map-sites] circle').count()).toBeGreaterThan(100);
    await expect.poll(() => trend.locator('svg title').first().textContent()).toBe('IDPs per round — Site assessment (SA)');
    await page.getByTestId('dtm-group-switch').locator('button[data-group=returnee]').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('group')).toBe('returnee');
    await expect.poll(async () => keyFigures.textContent()).toContain('Returnees (former IDPs) — individuals');
    await page.getByTestId('dtm-group-switch').locator('button[data-group=idp]').click();
    await expect.poll(() => keyFigures.getByTestId('dtm-individuals').getAttribute('data-value')).toBe(String(siteFigures.totals!.individuals));
    await page.screenshot({ path: 'test-results/e2e-dtm-dashboard-en.png', fullPage: true });

    // Anonymous readers see published rounds only, and are asked to sign in to export.
    expect(await page.getByTestId('dtm-exports-sign-in').isVisible()).toBe(true);
    await page.getByTestId('dtm-rounds').locator('summary').click();
    const statuses = await page.getByTestId('dtm-rounds').getByTestId('round-status').evaluateAll((badges) => badges.map((badge) => badge.getAttribute('data-status')));
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['published']));
    expect(watch.problems()).toEqual([]);
    await context.close();
  });

  it('imports a round through the page, reviews its findings, publishes it, and the dashboard shows it', async () => {
    const context = await demo.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1000 } });
    const watch = await watchContext(context);
    const page: Page = await context.newPage();
    await signIn(page, demo.server.url, DEMO.imMali, '/displacement/import');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Importer un round');

    const operation = (await fetchFromPage(page, 'GET', `/api/dtm/operations/${MALI}`)).body as { rounds: RoundView[]; canImport: boolean };
    expect(operation.canImport).toBe(true);
    // The IM officer sees the draft round too: the next site assessment comes after it.
    const nextSa = Math.max(...operation.rounds.filter((round) => round.assessmentType === 'SA').map((round) => round.number)) + 1;
    const form = page.getByTestId('dtm-import-form');
    await expect.poll(() => form.getByTestId('dtm-import-operation').inputValue()).toBe(MALI);
    await form.getByTestId('dtm-import-type-SA').check();
    await expect.poll(() => form.getByTestId('dtm-import-round').inputValue()).toBe(String(nextSa));
    await form.getByTestId('dtm-import-reference-date').fill('2021-12-20');
    await form.getByTestId('dtm-import-collection-start').fill('2021-11-29');
    await form.getByTestId('dtm-import-collection-end').fill('2021-12-18');
    await form.getByTestId('dtm-import-file').setInputFiles({ name: 'mali-sa-e2e.csv', mimeType: 'text/csv', buffer: Buffer.from(ROUND_CSV, 'utf8') });
    await form.getByTestId('dtm-import-upload').click();

    // Column mapping: suggested from the headers, both required fields found.
    const mapping = page.getByTestId('dtm-mapping');
    await expect.poll(() => mapping.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await mapping.getByTestId('dtm-mapping-suggested').isVisible()).toBe(true);
    expect(await mapping.getByTestId('dtm-mapping-required').locator('li.ok').count()).toBe(2);
    expect(await mapping.locator('tr[data-header="Admin2 Pcode"] select').inputValue()).toBe('admin2Pcode');
    expect(await mapping.locator('tr[data-header="Individuals"] select').inputValue()).toBe('individuals');
    expect(await mapping.locator('tr[data-header="Households"] td.samples').textContent()).toContain('180');
    await mapping.getByTestId('dtm-mapping-confirm').click();

    // The job runs, the progress bar ends, the summary counts rows, errors and warnings.
    const job = page.getByTestId('dtm-import-job');
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded');
    expect(await job.getByTestId('dtm-import-progress').getAttribute('data-phase')).toBe('done');
    expect(await job.locator('progress').getAttribute('value')).toBe('100');
    const summary = page.getByTestId('dtm-import-summary');
    expect(await summary.getByTestId('dtm-import-rowsRead').getAttribute('data-value')).toBe('4');
    expect(await summary.getByTestId('dtm-import-rowsStored').getAttribute('data-value')).toBe('3');
    expect(await summary.getByTestId('dtm-import-errors').getAttribute('data-value')).toBe('1');
    expect(await summary.getByTestId('dtm-import-warnings').getAttribute('data-value')).toBe('1');
    await summary.getByTestId('dtm-import-open-round').click();

    // The round: a draft with its data-quality report, not publishable while findings are open.
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/displacement\/rounds\/\d+$/);
    const roundId = Number(new URL(page.url()).pathname.split('/').pop());
    await expect.poll(() => page.locator('h1').textContent()).toContain(`Round ${nextSa} (SA)`);
    expect(await page.locator('h1').getByTestId('round-status').getAttribute('data-status')).toBe('draft');
    const quality = page.getByTestId('dtm-quality');
    await expect.poll(() => quality.getByTestId('dtm-rule-counts').locator('tbody tr').count()).toBe(2);
    expect(await quality.locator('tr[data-rule=pcodeUnknown]').textContent()).toContain('P-code inconnu');
    expect(await quality.locator('tr[data-rule=householdSize]').textContent()).toContain('Taille des ménages inhabituelle');
    const publish = page.getByTestId('dtm-publish');
    expect(await publish.isDisabled()).toBe(true);
    expect(plain(await page.getByTestId('dtm-publish-blocked').textContent())).toContain('1 erreur(s) ouverte(s) et 1 alerte(s)');

    const findings = page.getByTestId('dtm-findings-table');
    await expect.poll(() => findings.locator('tbody tr[data-rule]').count()).toBe(2);
    const error = findings.locator('tr[data-rule=pcodeUnknown]');
    const warning = findings.locator('tr[data-rule=householdSize]');
    expect(await error.getAttribute('data-row')).toBe('5');
    expect(plain(await error.textContent())).toContain('ML9999');
    // The server's message, in French.
    expect(plain(await error.textContent())).toContain('n’est pas une unité administrative de niveau 2');
    expect(plain(await warning.textContent())).toContain('La taille moyenne des ménages (30)');

    // Exclude the error (the only decision an error takes).
    const review = page.getByTestId('dtm-review');
    await error.locator('input[type=checkbox]').check();
    await expect.poll(() => review.getByTestId('dtm-decision-excluded').isVisible()).toBe(true);
    expect(await review.getByTestId('dtm-decision-accepted').count()).toBe(0);
    await review.getByTestId('dtm-review-comment').fill('P-code absent du référentiel : ligne écartée');
    await review.getByTestId('dtm-review-submit').click();
    await expect.poll(() => page.getByTestId('dtm-decided').isVisible()).toBe(true);
    await expect.poll(() => error.getAttribute('data-status')).toBe('excluded');

    // Accept the warning (after checking with the field team), or it could be fixed.
    await warning.locator('input[type=checkbox]').check();
    await expect.poll(() => review.getByTestId('dtm-decision-fixed').isVisible()).toBe(true);
    await review.getByTestId('dtm-decision-accepted').check();
    await review.getByTestId('dtm-review-comment').fill('Grandes familles confirmées par l’équipe de terrain');
    await review.getByTestId('dtm-review-submit').click();
    await expect.poll(() => warning.getAttribute('data-status')).toBe('accepted');
    expect(await warning.textContent()).toContain('Grandes familles confirmées');

    // Publish.
    await expect.poll(() => publish.isDisabled()).toBe(false);
    await page.screenshot({ path: 'test-results/e2e-dtm-round.png', fullPage: true });
    await publish.click();
    await expect.poll(() => page.getByTestId('dtm-published').isVisible()).toBe(true);
    await expect.poll(() => page.locator('h1').getByTestId('round-status').getAttribute('data-status')).toBe('published');

    // The dashboard's site-assessment figure is now this round's (for everyone: it is published).
    await page.getByTestId('dtm-round-dashboard').click();
    await expect.poll(() => page.getByTestId('dtm-dashboard').getAttribute('data-type')).toBe('SA');
    const keyFigures = page.getByTestId('dtm-key-figures');
    await expect.poll(() => keyFigures.getByTestId('dtm-individuals').getAttribute('data-value')).toBe(String(STORED_INDIVIDUALS));
    expect(await keyFigures.getByTestId('dtm-round').textContent()).toBe(`Round ${nextSa} (SA)`);
    expect(plain(await keyFigures.getByTestId('dtm-reference-date').textContent())).toContain('20 décembre 2021');
    await page.goto(`${demo.server.url}/displacement/${MALI}`);
    await page.getByTestId('dtm-type-switch').locator('button[data-type=SA]').click();
    await expect.poll(() => keyFigures.getByTestId('dtm-individuals').getAttribute('data-value')).toBe(String(STORED_INDIVIDUALS));
    const published = await getJson<KeyFigures>(demo.server, `/api/dtm/operations/${MALI}/summary?assessmentType=SA`);
    expect(published.round?.id).toBe(roundId);
    expect(published.totals?.individuals).toBe(STORED_INDIVIDUALS);
    expect(watch.problems()).toEqual([]);
    await context.close();
  });
  it('shows, in the mapping step and before anything is imported, a column whose values are not recognised, with its count', async () => {
    const context = await demo.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1000 } });
    const watch = await watchContext(context);
    const page: Page = await context.newPage();
    await signIn(page, demo.server.url, DEMO.imMali, '/displacement/import');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Importer un round');
    const jobsBefore = ((await fetchFromPage(page, 'GET', '/api/dtm/jobs?limit=200')).body as { jobs: unknown[] }).jobs.length;
    // A French file: a `Raison` column of causes Liptako does not know, a settlement type it does.
    const csv = [
      'Pcode cercle;Code site;Individus;Raison;Type de site',
      'MLI0501 ;E2E-R-1;100;Famine;Site planifié',
      'MLI0502 ;E2E-R-2;200;Famine;Site spontané',
      'MLI0701 ;E2E-R-3;300;Exode rural;Communauté hôte',
    ].join('\r\n');
    const form = page.getByTestId('dtm-import-form');
    await expect.poll(() => form.getByTestId('dtm-import-operation').inputValue()).toBe(MALI);
    await form.getByTestId('dtm-import-type-SA').check();
    await form.getByTestId('dtm-import-reference-date').fill('2021-12-20');
    await form.getByTestId('dtm-import-file').setInputFiles({ name: 'mali-raisons.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${csv}`, 'utf8') });
    await form.getByTestId('dtm-import-upload').click();

    const mapping = page.getByTestId('dtm-mapping');
    await expect.poll(() => mapping.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await mapping.locator('tr[data-header="Raison"] select').inputValue()).toBe('reason');
    const reason = mapping.locator('tr[data-header="Raison"]');
    expect(plain(await reason.getByTestId('dtm-mapping-unreadable').textContent())).toBe('3 valeurs sur 3 non reconnues');
    expect(await mapping.getByTestId('dtm-mapping-doubtful').textContent()).toContain('« Raison »');
    expect(await mapping.locator('tr[data-header="Type de site"] select').inputValue()).toBe('settlementType');
    expect(plain(await mapping.locator('tr[data-header="Type de site"]').getByTestId('dtm-mapping-readable').textContent())).toBe('3 valeurs lues');
    await page.screenshot({ path: 'test-results/e2e-dtm-mapping-unreadable.png', fullPage: true });
    // Nothing was imported: the step only read the file.
    const jobsAfter = ((await fetchFromPage(page, 'GET', '/api/dtm/jobs?limit=200')).body as { jobs: unknown[] }).jobs.length;
    expect(jobsAfter).toBe(jobsBefore);
    expect(watch.problems()).toEqual([]);
    await context.close();
  });
  it('lets the officer name the header row when a title sits above it, reads the sheet again from there, and imports from that row', async () => {
    const context = await demo.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1000 } });
    const watch = await watchContext(context);
    const page: Page = await context.newPage();
    await signIn(page, demo.server.url, DEMO.imMali, '/displacement/import');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Importer un round');
    // A title line above the headers, as an Excel user leaves it when saving as CSV.
    const csv = [
      'Suivi des déplacements — Mali, cercle de Bandiagara;;',
      'Pcode cercle;Code site;Individus',
      'MLI0501 ;E2E-H-1;120',
      'MLI0501 ;E2E-H-2;80',
      'MLI0501 ;E2E-H-3;45',
    ].join('\r\n');
    const form = page.getByTestId('dtm-import-form');
    await expect.poll(() => form.getByTestId('dtm-import-operation').inputValue()).toBe(MALI);
    await form.getByTestId('dtm-import-type-SA').check();
    await form.getByTestId('dtm-import-reference-date').fill('2021-12-20');
    await form.getByTestId('dtm-import-file').setInputFiles({ name: 'mali-titre.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await form.getByTestId('dtm-import-upload').click();

    const mapping = page.getByTestId('dtm-mapping');
    const headerRow = page.getByTestId('dtm-header-row');
    await expect.poll(() => mapping.isVisible(), { timeout: 30_000 }).toBe(true);
    // Liptako found the headers below the title on its own.
    expect(await headerRow.locator('input').inputValue()).toBe('2');
    expect(await mapping.locator('tr[data-header="Individus"] select').inputValue()).toBe('individuals');

    // The officer names another row: the sheet is read again from there, before anything is imported.
    await headerRow.locator('input').fill('3');
    await headerRow.locator('button[type=submit]').click();
    await expect.poll(() => mapping.locator('tr[data-header="E2E-H-1"]').count()).toBe(1);
    expect(await mapping.locator('tr[data-header="Individus"]').count()).toBe(0);
    await page.screenshot({ path: 'test-results/e2e-dtm-header-row.png', fullPage: true });

    // Back to the real header row, then import: the three rows are stored.
    await headerRow.locator('input').fill('2');
    await headerRow.locator('button[type=submit]').click();
    await expect.poll(() => mapping.locator('tr[data-header="Individus"] select').inputValue()).toBe('individuals');
    await mapping.getByTestId('dtm-mapping-confirm').click();
    const job = page.getByTestId('dtm-import-job');
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded');
    const summary = page.getByTestId('dtm-import-summary');
    expect(await summary.getByTestId('dtm-import-rowsRead').getAttribute('data-value')).toBe('3');
    expect(await summary.getByTestId('dtm-import-rowsStored').getAttribute('data-value')).toBe('3');
    expect(watch.problems()).toEqual([]);
    await context.close();
  });
});
