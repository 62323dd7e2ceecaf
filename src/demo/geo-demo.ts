/**
 * The geography demo: the admin0/1/2 names and P-codes of Burkina Faso, Mali and Niger (public
 * facts) and their simplified COD-AB admin1 and admin2 boundaries (geodata/), loaded through the
 * ordinary gazetteer and boundary imports.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { systemActor } from '../access/audit.js';
import { csvText } from '../core/csv.js';
import type { DemoLoader } from '../core/module.js';
import { importGeoFile } from '../geo/geo-imports.js';
import { DEMO_BOUNDARY_FILES } from './boundaries.js';
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

export const geoDemo: DemoLoader = {
  label: 'gazetteer',
  async load(db, onProgress) {
    const report = await importGeoFile(db, { bytes: new TextEncoder().encode(demoGazetteerCsv()), fileName: DEMO_GAZETTEER_FILE, onProgress, actor: systemActor('demo') });
    // Real admin1 and admin2 shapes (simplified COD-AB), so the maps are choropleths and DTM
    // coordinates are checked against boundaries, as in a real deployment.
    let shapes = 0;
    for (const file of DEMO_BOUNDARY_FILES) {
      const boundaries = await importGeoFile(db, { bytes: readFileSync(file), fileName: `liptako-demo-${path.basename(file)}`, actor: systemActor('demo') });
      shapes += boundaries.added + boundaries.updated;
    }
    return [
      report.alreadyImported
        ? '  demo gazetteer already loaded'
        : `  demo gazetteer loaded: ${report.added} admin units of Burkina Faso, Mali and Niger (names and P-codes)`,
      ...(shapes > 0 ? [`  demo boundaries loaded: ${shapes} admin1 and admin2 shapes (simplified OCHA COD-AB)`] : []),
    ];
  },
};
