import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateRoundRows } from './dtm-generator.js';
import { demoPlans } from './dtm-demo.js';
import { containsPoint, interiorPoint } from '../geo/rings.js';
import { parseBoundaries } from '../geo/boundaries.js';
import { normalisePcode } from '../geo/pcode.js';
import { DEMO_BOUNDARY_FILES, demoShapes } from './boundaries.js';
import { SAHEL_ADMIN } from './sahel-admin.js';

/** Towns newer than the 2015 COD departments of Niger: no shipped shape (see geodata/README.md). */
const WITHOUT_SHAPE = ['NE004007', 'NE005013', 'NE007011'];

describe('shipped demo boundaries', () => {
  it('stay small and read through the ordinary boundary import, every feature accepted', () => {
    const bytes = DEMO_BOUNDARY_FILES.reduce((sum, file) => sum + statSync(file).size, 0);
    expect(bytes).toBeLessThan(400 * 1024);
    for (const [index, file] of DEMO_BOUNDARY_FILES.entries()) {
      const parsed = parseBoundaries(readFileSync(file, 'utf8'));
      expect(parsed.refused, file).toEqual([]);
      expect(parsed.level, file).toBe((index % 2) + 1);
    }
  });

  it('cover every admin1 and admin2 of the demo gazetteer but three Niger towns, each shape holding its own interior point', () => {
    const shapes = demoShapes();
    const expected = Object.values(SAHEL_ADMIN).flatMap((country) => country.admin1.flatMap(([admin1, , units]) => [admin1, ...units.map(([admin2]) => admin2)]));
    expect(expected.filter((pcode) => !shapes.has(pcode))).toEqual(WITHOUT_SHAPE);
    expect(shapes.size).toBe(expected.length - WITHOUT_SHAPE.length);
    // Admin2 P-codes are the longer ones in each country (BF4601, ML0101, NE001001).
    const admin2 = [...shapes.entries()].filter(([pcode]) => pcode.length > (pcode.startsWith('NE') ? 5 : 4));
    for (const [pcode, shape] of admin2) {
      const [x, y] = interiorPoint(shape);
      const owners = admin2.filter(([, other]) => containsPoint(other, x, y)).map(([owner]) => owner);
      expect(owners, pcode).toEqual([pcode]);
    }
  });

  it('hold every clean demo location inside its admin2 (the three towns without a shape aside)', () => {
    const shapes = demoShapes();
    let checked = 0;
    for (const plan of demoPlans()) {
      const latest = plan.rounds.filter((round) => round.assessmentType === 'SA').at(-1)!;
      for (const row of generateRoundRows(2021, plan.operation, latest, { errorRate: 0 })) {
        const read = normalisePcode(row.admin2Pcode);
        const admin2 = read.status === 'ok' ? read.pcode : String(row.admin2Pcode);
        const shape = shapes.get(admin2);
        if (shape === undefined) {
          expect(WITHOUT_SHAPE, admin2).toContain(admin2);
          continue;
        }
        expect(containsPoint(shape, Number(row.longitude), Number(row.latitude)), `${String(row.locationCode)} in ${admin2}`).toBe(true);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
