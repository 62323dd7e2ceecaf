/**
 * Presence, overlaps and gaps of need for one real file (Burkina Faso 5W, Jan–Feb 2022) once
 * imported and approved, checked against counts this test computes itself from the CSV with its
 * own reading of the file: its own sector table, its own folding of organisation names, communes
 * placed in their province (the real gazetteer stops at admin2). Skipped, naming the file, when
 * ../shared/data is absent.
 */
import { parse } from 'csv-parse/sync';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/harness.js';
import { sharedFixture } from '../support/fixtures.js';
import { importFiveW } from '../support/five-w.js';
import { importGeo } from '../support/geo.js';
import { call, send } from '../support/http.js';

const FILE = sharedFixture('3w/bfa_5w_janfev2022.csv');
const GAZETTEER = sharedFixture('geo/global_pcodes_sahel.csv');

/** The file's cluster labels as a Burkina coordinator reads them ("Protection - VGB", sic, is nobody's label: refused). */
const SECTORS: Record<string, string> = {
  Santé: 'HEA',
  Protection: 'PRO',
  'Protection - PE': 'PRO-CPN',
  Education: 'EDU',
  'Eau, Hygiène et Assainissement': 'WSH',
  'Abris/AME': 'SHL',
  'Protection - LAM': 'PRO-MIN',
  'Gestion des Sites d’Accueil Temporaires': 'CCM',
  'Protection - LTB': 'PRO-HLP',
};

const fold = (name: string): string => name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();

describeEachDatabase('gaps and overlaps of a real 5W file', (context) => {
  it.skipIf(!FILE.exists || !GAZETTEER.exists)(FILE.title('Burkina Faso 5W: presence, overlaps and gaps of need equal the counts computed from the CSV'), async () => {
    // The test's own reading: rows after the two HXL rows; organisation, commune P-code, cluster.
    const records: string[][] = parse(FILE.text(), { relax_column_count: true });
    const rows = records.slice(3);
    const kept = rows.filter((row) => SECTORS[row[8]!.trim()] !== undefined);
    expect(kept.length).toBe(333);
    const byPlace = new Map<string, Set<string>>();
    for (const row of kept) {
      const key = `${SECTORS[row[8]!.trim()]!}|${row[7]!.trim().slice(0, 6)}`;
      byPlace.set(key, (byPlace.get(key) ?? new Set()).add(fold(row[0]!)));
    }
    const expectedPresence = [...byPlace].map(([key, organisations]) => `${key}|${organisations.size}`).sort();
    // Imported rows count under one activity per sector and sit in their province: an overlap is
    // two or more organisations in the same sector and province.
    const expectedOverlaps = [...byPlace].filter(([, organisations]) => organisations.size >= 2).length;

    expect((await importGeo(context.app, GAZETTEER.bytes(), 'global_pcodes_sahel.csv')).statusCode).toBeLessThan(300);
    const job = await importFiveW(context.app, FILE.bytes(), 'bfa_5w_janfev2022.csv', { month: '2022-02', skipRefusedRows: true }, 'BF');
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const ids = (await context.db.query<{ id: number }>("SELECT id::int AS id FROM response_report WHERE country = 'BF' AND status = 'submitted'")).map((row) => row.id);
    expect(ids.length).toBe(333);
    const approved = await call(context.app, 'POST', '/api/response/reports/decisions', { ids, decision: 'approved' });
    expect(approved.statusCode, approved.text).toBe(200);

    // People in need for two sectors in every province the file names, and one province it does not.
    const provinces = [...new Set(kept.map((row) => row[7]!.trim().slice(0, 6)))].sort();
    const hno = [
      'Admin 1 PCode,Admin 2 PCode,Sector,Gender,Age Range,Population Group,In Need',
      '#adm1+code,#adm2+code,#sector+code,#gender+code,#age+range,#population_group+code,#inneed',
      ...[...provinces, 'BF1300'].flatMap((province) => ['HEA', 'WSH'].map((sector) => `${province.slice(0, 4)},${province},${sector},a,ALL,ALL,5000`)),
    ].join('\n');
    const needs = await send(context.app, 'POST', '/api/response/needs?country=BF&year=2022&fileName=hno-bfa-test.csv', { payload: Buffer.from(hno), headers: { 'content-type': 'text/csv' } });
    expect(needs.statusCode, needs.text).toBe(201);
    const expectedPinGaps = [...provinces, 'BF1300']
      .flatMap((province) => ['HEA', 'WSH'].map((sector) => `${province}|${sector}`))
      .filter((key) => {
        const [province, sector] = key.split('|');
        return !byPlace.has(`${sector!}|${province!}`);
      })
      .sort();

    const board = await call<{
      presence: Array<{ sector: string; admin2: string; organisations: string[] }>;
      overlaps: unknown[];
      pinGaps: Array<{ admin2: string; sector: string; pin: number }>;
    }>(context.app, 'GET', '/api/response/dashboard?country=BF&month=2022-02');
    expect(board.statusCode, board.text).toBe(200);
    expect(board.body.presence.map((entry) => `${entry.sector}|${entry.admin2}|${entry.organisations.length}`).sort()).toEqual(expectedPresence);
    expect(board.body.overlaps.length).toBe(expectedOverlaps);
    expect(board.body.pinGaps.map((gap) => `${gap.admin2}|${gap.sector}`).sort()).toEqual(expectedPinGaps);
    console.info(`BFA 5W: ${expectedPresence.length} sector × province presences, ${expectedOverlaps} overlaps, ${expectedPinGaps.length} gaps of need (of ${(provinces.length + 1) * 2} province × sector PiN)`);
  }, 240_000);
});
