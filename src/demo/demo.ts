/**
 * Demo data for a fresh installation, loaded by `npm start` / `liptako demo`: each module's
 * demo loader (its `demo` in the module contract) in the order of the composition root, through
 * the ordinary imports, so the demo follows the same rules as real data and loading it twice is
 * a no-op.
 */
import type { Queryable } from '../core/db.js';
import type { LiptakoModule } from '../core/module.js';

export { DEMO_GAZETTEER_FILE, demoGazetteerCsv } from './geo-demo.js';
export { DEMO_PLAN_FILE } from './plans-demo.js';

export interface DemoProgress {
  /** A module's demo starts: its label (`gazetteer`, `DTM rounds`…). */
  start(label: string): void;
  update(done: number, total: number): void;
  /** The module's demo is loaded; the lines say what it did. */
  finish(lines: string[]): void;
}

export async function loadDemo(db: Queryable, modules: readonly LiptakoModule[], progress: DemoProgress): Promise<void> {
  for (const module of modules) {
    if (module.demo === undefined) continue;
    progress.start(module.demo.label);
    progress.finish(await module.demo.load(db, (done, total) => progress.update(done, total)));
  }
}
