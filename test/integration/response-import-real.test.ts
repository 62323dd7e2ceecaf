/**
 * The real 5W/3W files of ../shared/data/3w (CSV, and the XLSX where given) imported on the real
 * HDX gazetteer (../shared/data/geo: admin1 and admin2 of BFA, MLI, NER; no admin3), by an
 * administrator, as a coordinator would. Counts stated and explained in docs/response.md; a
 * second import of the same file is a no-op. Skipped, naming the file, when the folder is absent.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/harness.js';
import { sharedFixture } from '../support/fixtures.js';
import { importFiveW } from '../support/five-w.js';
import { importGeo } from '../support/geo.js';
import { reportCount } from '../support/response.js';
import type { FiveWImportResult } from '../../src/response/five-w-store.js';

const GAZETTEER = sharedFixture('geo/global_pcodes_sahel.csv');

interface Expected {
  file: string;
  country: string;
  /** What the import asks for: the month of a file without dates, the sector of a file without a sector column. */
  body: Record<string, unknown>;
  counts: Pick<FiveWImportResult, 'rowsRead' | 'rowsStored' | 'rowsRefused' | 'byRule'> & {
    inFile: number;
    afterFolding: number;
    created: number;
    byLevel: Record<string, number>;
    byName: number;
    coarser: number;
  };
}

const FILES: Expected[] = [
  {
    file: '3w/bfa_5w_janfev2022.csv',
    country: 'BF',
    body: { month: '2022-02', skipRefusedRows: true },
    counts: { rowsRead: 420, rowsStored: 333, rowsRefused: 87, byRule: { 'place.coarser': 420, 'sector.unknown': 87, 'organisation.partnerUnknown': 314 }, inFile: 50, afterFolding: 40, created: 40, byLevel: { admin2: 333 }, byName: 0, coarser: 333 },
  },
  {
    file: '3w/whowhatwhere_5w_bfa_fev2022.xlsx',
    country: 'BF',
    body: { month: '2022-02', skipRefusedRows: true },
    counts: { rowsRead: 420, rowsStored: 333, rowsRefused: 87, byRule: { 'place.coarser': 420, 'sector.unknown': 87, 'organisation.partnerUnknown': 314 }, inFile: 50, afterFolding: 40, created: 40, byLevel: { admin2: 333 }, byName: 0, coarser: 333 },
  },
  {
    file: '3w/mli_5w_mar2022.csv',
    country: 'ML',
    body: { month: '2022-03', sector: 'Multi', skipRefusedRows: true },
    counts: { rowsRead: 22_805, rowsStored: 22_805, rowsRefused: 0, byRule: {}, inFile: 156, afterFolding: 156, created: 156, byLevel: { admin2: 22_805 }, byName: 0, coarser: 0 },
  },
  {
    file: '3w/whowhatwhere_5w_mli_mar2022.xlsx',
    country: 'ML',
    body: { month: '2022-03', sector: 'Multi', skipRefusedRows: true },
    counts: { rowsRead: 22_805, rowsStored: 22_805, rowsRefused: 0, byRule: {}, inFile: 156, afterFolding: 156, created: 156, byLevel: { admin2: 22_805 }, byName: 0, coarser: 0 },
  },
  {
    file: '3w/ner_3w_feb2022.csv',
    country: 'NE',
    body: { month: '2022-02', skipRefusedRows: true },
    counts: { rowsRead: 2_574, rowsStored: 2_310, rowsRefused: 264, byRule: { 'cell.error': 1, 'place.coarser': 2_243, 'place.unknown': 67, 'sector.unknown': 201, 'date.unreadable': 24 }, inFile: 152, afterFolding: 137, created: 137, byLevel: { admin1: 86, admin2: 2_224 }, byName: 2_310, coarser: 2_073 },
  },
];

describeEachDatabase('real 5W/3W files', (context) => {
  for (const expected of FILES) {
    const fixture = sharedFixture(expected.file);
    it.skipIf(!fixture.exists || !GAZETTEER.exists)(fixture.title(`${expected.file}: rows read and stored, organisations after folding, places by level, findings by rule; again, a no-op`), async () => {
      const gazetteer = await importGeo(context.app, GAZETTEER.bytes(), 'global_pcodes_sahel.csv');
      expect(gazetteer.statusCode, JSON.stringify(gazetteer.body)).toBeLessThan(300);
      const before = await reportCount(context.db);
      const job = await importFiveW(context.app, fixture.bytes(), expected.file.split('/').pop()!, expected.body, expected.country);
      expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
      const result = job.result!;
      const counts = {
        rowsRead: result.rowsRead,
        rowsStored: result.rowsStored,
        rowsRefused: result.rowsRefused,
        byRule: result.byRule,
        inFile: result.organisations.inFile,
        afterFolding: result.organisations.afterFolding,
        created: result.organisations.created.length,
        byLevel: result.places.byLevel,
        byName: result.places.byName,
        coarser: result.places.coarser,
      };
      console.info(expected.file, JSON.stringify(counts), JSON.stringify(result.findings.filter((finding) => finding.rule.startsWith('place') || finding.rule.startsWith('sector')).slice(0, 12)));
      expect(counts).toEqual(expected.counts);
      expect(await reportCount(context.db)).toBe(before + result.rowsStored);
      const again = await importFiveW(context.app, fixture.bytes(), 'again', expected.body, expected.country);
      expect(again.result).toMatchObject({ alreadyImported: true, importId: result.importId, rowsStored: result.rowsStored });
      expect(await reportCount(context.db)).toBe(before + result.rowsStored);
    }, 240_000);
  }
});
