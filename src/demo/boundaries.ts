/**
 * The simplified COD-AB admin1 and admin2 boundaries shipped for the demo (geodata/, rebuilt by
 * scripts/demo-boundaries.ts; attribution and licence in geodata/README.md). The demo imports
 * them through the ordinary geography import; the DTM generator places demo locations inside them.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Feature, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { AreaGeometry } from '../geo/rings.js';

/** Admin1 before admin2 of each country: the order the import wants (parents first). */
export const DEMO_BOUNDARY_FILES: readonly string[] = ['bfa', 'mli', 'ner'].flatMap((iso3) =>
  [1, 2].map((level) => fileURLToPath(new URL(`../../geodata/${iso3}_adm${level}.topojson`, import.meta.url))),
);

let shapes: Map<string, AreaGeometry> | undefined;

/** Every shipped admin1 and admin2 shape by P-code, read once. */
export function demoShapes(): ReadonlyMap<string, AreaGeometry> {
  if (shapes !== undefined) return shapes;
  const loaded = new Map<string, AreaGeometry>();
  DEMO_BOUNDARY_FILES.forEach((file, index) => {
    const level = (index % 2) + 1;
    const document = JSON.parse(readFileSync(file, 'utf8')) as Topology<{ boundaries: GeometryCollection }>;
    const collection = feature(document, document.objects.boundaries);
    for (const unit of collection.features as Array<Feature<Geometry, Record<string, unknown>>>) {
      const pcode = unit.properties[`admin${level}Pcode`];
      if (typeof pcode === 'string' && (unit.geometry.type === 'Polygon' || unit.geometry.type === 'MultiPolygon')) loaded.set(pcode, unit.geometry);
    }
  });
  shapes = loaded;
  return loaded;
}
