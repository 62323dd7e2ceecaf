/**
 * Demo displacement data: the three DTM operations of the Central Sahel with synthetic rounds
 * (src/demo/dtm-generator.ts, deterministic from a seed; no real DTM file is copied), loaded
 * through the ordinary import so the demo obeys the same rules as real rounds. Every round is
 * published except the latest site assessment of each operation, left as a draft with a sprinkle
 * of data-quality findings so the review page has something to show.
 */
import { systemActor } from '../access/audit.js';
import type { Queryable } from '../core/db.js';
import type { DemoLoader } from '../core/module.js';
import { generateOperationPlan, type OperationPlan } from './dtm-model.js';
import { generateRoundRows } from './dtm-generator.js';
import * as q from '../displacement/queries.js';
import * as staging from '../displacement/staging-queries.js';
import { writeRoundCsv } from './round-file.js';
import { changeRoundStatus, decide } from '../displacement/service.js';
import { startImport, type ImportResult } from '../displacement/dtm-imports.js';
import { uploadRoundFile } from '../displacement/dtm-uploads.js';

export const DEMO_SEED = 2021;
/** The demo loader acts as the system, recorded as `system:demo`. */
const DEMO_ACTOR = systemActor('demo');

export interface DtmDemoReport {
  operations: number;
  rounds: number;
  published: number;
  rows: number;
  alreadyLoaded: boolean;
}

/** The demo's rounds: 2020 and 2021, both assessment types. */
export function demoPlans(): OperationPlan[] {
  return generateOperationPlan(DEMO_SEED, { from: '2020-01-01', to: '2021-12-31' });
}

async function publishClean(db: Queryable, operation: q.OperationRow, result: ImportResult): Promise<void> {
  // Clean synthetic rounds can still carry a few warnings (a site that grew fast): in the demo a
  // reviewer "accepts" them, as an IM officer would after checking with the field team.
  const round = (await q.roundById(db, result.roundId))!;
  const open = await staging.issuesOf(db, round, { status: 'open', limit: 10_000, offset: 0 });
  const warnings = open.issues.filter((issue) => issue.severity === 'warning').map((issue) => issue.id);
  const errors = open.issues.filter((issue) => issue.severity === 'error').map((issue) => issue.id);
  const comment = 'Checked when loading the demo';
  if (warnings.length > 0) await decide(db, DEMO_ACTOR, operation, round.id, { ids: warnings, decision: 'accepted', comment });
  if (errors.length > 0) await decide(db, DEMO_ACTOR, operation, round.id, { ids: errors, decision: 'excluded', comment });
  await changeRoundStatus(db, DEMO_ACTOR, operation, round.id, 'published');
}

export async function loadDtmDemo(db: Queryable, onProgress?: (done: number, total: number) => void): Promise<DtmDemoReport> {
  const plans = demoPlans();
  const total = plans.reduce((sum, plan) => sum + plan.rounds.length, 0);
  const report: DtmDemoReport = { operations: plans.length, rounds: 0, published: 0, rows: 0, alreadyLoaded: true };
  let done = 0;
  for (const plan of plans) {
    const definition = plan.operation;
    const operationId = await q.upsertOperation(db, { code: definition.code, name: definition.name, nameFr: definition.nameFr, country: definition.country, ageRanges: definition.ageRanges });
    const operation = (await q.operationById(db, operationId))!;
    const lastSa = Math.max(...plan.rounds.filter((round) => round.assessmentType === 'SA').map((round) => round.number));
    for (const round of plan.rounds) {
      done += 1;
      const existing = await q.findRound(db, operationId, round.number, round.assessmentType);
      if (existing !== undefined) {
        onProgress?.(done, total);
        continue;
      }
      report.alreadyLoaded = false;
      const draft = round.assessmentType === 'SA' && round.number === lastSa;
      const rows = generateRoundRows(DEMO_SEED, definition, round, { errorRate: draft ? 0.01 : 0 });
      const style = definition.country === 'ML' ? 'fr' : 'en';
      const csv = [...writeRoundCsv(rows, { ageRanges: definition.ageRanges, style, hxl: true, country: definition.country, assessmentType: round.assessmentType })].join('');
      const fileName = `dtm-${definition.code.toLowerCase()}-r${round.number}-${round.assessmentType.toLowerCase()}.csv`;
      const upload = await uploadRoundFile(db, { bytes: new TextEncoder().encode(csv), fileName, actor: DEMO_ACTOR, operation: definition.code });
      const job = await startImport(
        db,
        upload.id,
        {
          operation: definition.code,
          roundNumber: round.number,
          assessmentType: round.assessmentType,
          referenceDate: round.referenceDate,
          collectionStart: round.collectionStart,
          collectionEnd: round.collectionEnd,
          mapping: upload.sheets[0]!.mapping,
        },
        { actor: DEMO_ACTOR, background: false },
      );
      const result = job.result as ImportResult;
      report.rounds += 1;
      report.rows += result.rowsStored;
      if (!draft) {
        await publishClean(db, operation, result);
        report.published += 1;
      }
      onProgress?.(done, total);
    }
  }
  return report;
}

/** The displacement module's demo (its `demo` in the module contract). */
export const displacementDemo: DemoLoader = {
  label: 'DTM rounds',
  async load(db, onProgress) {
    const dtm = await loadDtmDemo(db, onProgress);
    return [
      dtm.alreadyLoaded
        ? '  demo DTM rounds already loaded'
        : `  demo DTM rounds loaded: ${dtm.operations} operations, ${dtm.rounds} rounds (${dtm.published} published), ${dtm.rows} figure rows (synthetic)`,
    ];
  },
};
