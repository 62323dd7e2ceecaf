/**
 * Demo data for a fresh installation: the admin0/1/2 names and P-codes of Burkina Faso, Mali
 * and Niger (public facts, no geometry) and the 2021 Central Sahel plan, loaded through the
 * ordinary imports so the demo follows the same rules as real data and loading it twice is a no-op.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { csvText } from '../core/csv.js';
import type { Queryable } from '../core/db.js';
import { importPlanFile, type PlanImportReport } from '../plans/service.js';
import { importGeoFile, type GeoImportReport } from '../geo/service.js';
import { loadDtmDemo, type DtmDemoReport } from './dtm-demo.js';
import { SAHEL_ADMIN } from './sahel-admin.js';

/** The demo gazetteer in the HDX global P-code CSV layout. */
export function demoGazetteerCsv(): string {
  const lines = [['Location', 'Admin Level', 'P-Code', 'Name', 'Parent P-Code', 'Valid from date']];
  for (const [iso3, country] of Object.entries(SAHEL_ADMIN)) {
    for (const [pcode, name] of country.admin1) lines.push([iso3, '1', pcode, name, iso3, country.validFrom]);
    for (const [parent, , units] of country.admin1) {
      for (const [pcode, name] of units) lines.push([iso3, '2', pcode, name, parent, country.validFrom]);
    }
  }
  return csvText(lines, { eol: '\n' });
}

export const DEMO_GAZETTEER_FILE = 'liptako-demo-sahel-gazetteer.csv';

/** The 2021 Central Sahel plan, shipped as a plan definition file in the repository. */
export const DEMO_PLAN_FILE = fileURLToPath(new URL('../../plans/iom-csahel-2021.yaml', import.meta.url));

export interface DemoReport {
  gazetteer: GeoImportReport;
  plan: PlanImportReport;
  displacement: DtmDemoReport | null;
}

export interface DemoOptions {
  /** Progress of the gazetteer, then of the DTM rounds. */
  onProgress?: (done: number, total: number, stage: 'gazetteer' | 'displacement') => void;
  /** The DTM rounds take the longest; tests of other modules leave them out. Default true. */
  displacement?: boolean;
}

export async function loadDemo(db: Queryable, options: DemoOptions = {}): Promise<DemoReport> {
  const onProgress = options.onProgress === undefined ? undefined : (done: number, total: number) => options.onProgress!(done, total, 'gazetteer');
  const gazetteer = await importGeoFile(db, {
    bytes: new TextEncoder().encode(demoGazetteerCsv()),
    fileName: DEMO_GAZETTEER_FILE,
    onProgress,
  });
  const plan = await importPlanFile(db, { bytes: readFileSync(DEMO_PLAN_FILE), fileName: path.basename(DEMO_PLAN_FILE), actor: 'demo' });
  const displacement =
    options.displacement === false ? null : await loadDtmDemo(db, (done, total) => options.onProgress?.(done, total, 'displacement'));
  return { gazetteer, plan, displacement };
}
