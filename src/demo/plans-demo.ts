/** The plans demo: the 2021 Central Sahel plan, shipped as a plan definition file in the repository. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemActor } from '../access/audit.js';
import type { DemoLoader } from '../core/module.js';
import { importPlanFile } from '../plans/plan-imports.js';

export const DEMO_PLAN_FILE = fileURLToPath(new URL('../../plans/iom-csahel-2021.yaml', import.meta.url));

export const plansDemo: DemoLoader = {
  label: 'plan',
  async load(db) {
    const report = await importPlanFile(db, { bytes: readFileSync(DEMO_PLAN_FILE), fileName: path.basename(DEMO_PLAN_FILE), actor: systemActor('demo') });
    return [report.alreadyImported ? '  demo plan already loaded' : `  demo plan loaded: ${report.plans.map((plan) => plan.code).join(', ')}`];
  },
};
