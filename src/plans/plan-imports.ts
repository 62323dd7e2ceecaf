/**
 * Imports of plan files: plan definitions (YAML/JSON), FTS requirements and funding, FTS flows.
 * One transaction per file, identified by its hash (the same file again is a no-op), every
 * country a plan touches checked against the importer's scope, refused rows reported.
 */
import { createHash } from 'node:crypto';
import { actorName, audited, type Actor } from '../access/audit.js';
import { type Verb } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { versionKeys, withVersions } from '../core/versions.js';
import { AppError, type Language } from '../core/errors.js';
import { decodeText, localiseRowIssues, type LocalisedRowIssue, type RowIssue } from '../core/tabular.js';
import { iso3ToIso2 } from '../geo/pcode.js';
import { parsePlanDefinition } from './definition.js';
import { parseFtsFlows } from './fts-flows.js';
import { parseFtsRequirementsFunding } from './fts-requirements.js';
import * as q from './queries.js';
import type { PlanDefinition } from './types.js';
import { applyRevision, canInEvery, type RevisionTarget } from './service.js';
import { lookUp } from '../shared/lookup.js';

// ---- imports -------------------------------------------------------------------------------------

export interface PlanImportReport {
  id: string;
  fileName: string;
  kind: 'plan-definition' | 'fts-requirements' | 'fts-flows';
  alreadyImported: boolean;
  plans: Array<{ code: string; outcome: 'added' | 'updated' | 'unchanged' }>;
  contributions: { added: number; updated: number; unchanged: number };
  skipped: Array<{ row: number; reason: string }>;
  refused: LocalisedRowIssue[];
  createdAt: string;
}

type PlanFileKind = PlanImportReport['kind'];

function detectPlanFile(text: string, fileName: string): PlanFileKind {
  const head = text.slice(0, 4000);
  if (/^\s*[[{]/.test(head) && /"(flows|amountUSD|sourceObjects)"/.test(head)) return 'fts-flows';
  if (/#value\+funding\+required|(^|,)requirements,funding(,|$)/im.test(head) || /^countryCode,id,name,code/m.test(head)) return 'fts-requirements';
  if (/\.(csv)$/i.test(fileName) || /(^|[,;])\s*(flow ?id|donor|bailleur)\s*([,;]|$)/im.test(head.split('\n')[0] ?? '')) return 'fts-flows';
  return 'plan-definition';
}

const PLAN_TYPE_BY_FTS: Record<string, string> = {
  'humanitarian response plan': 'humanitarian-response-plan',
  'flash appeal': 'flash-appeal',
  'regional response plan': 'regional-response-plan',
  'regional refugee and resilience plan': 'regional-response-plan',
};

/**
 * Imports a plan definition (YAML/JSON), an FTS requirements-and-funding CSV, or FTS flows.
 * One transaction; the same file again is a no-op; flows are matched by their FTS id.
 */
export async function importPlanFile(
  db: Queryable,
  request: { bytes: Uint8Array; fileName: string; actor: Actor; language?: Language; skipRefused?: boolean },
): Promise<PlanImportReport> {
  const language = request.language ?? 'en';
  const by = actorName(request.actor);
  // Whoever imports may only create or change plans of countries in their scope (the system: all).
  const inScope = (countries: readonly string[], verb: Verb = 'plan.import'): void => {
    if (!canInEvery(request.actor.principal, verb, countries)) throw new AppError('auth.forbidden', { verb });
  };
  const describe = (report: PlanImportReport) => ({
    action: 'plan.import',
    objectType: 'plan-import',
    objectId: report.id,
    summary: { file: report.fileName, kind: report.kind, alreadyImported: report.alreadyImported, plans: report.plans.map((plan) => `${plan.code}:${plan.outcome}`), contributions: report.contributions, refused: report.refused.length },
  });
  if (request.bytes.byteLength === 0) throw new AppError('import.empty');
  const sha256 = createHash('sha256').update(request.bytes).digest('hex');
  const importKey = `${sha256}:${request.skipRefused ? 'skip' : ''}`;
  const previous = await q.findPlanImport(db, importKey);
  // The same file again changes nothing, but who sent it is still worth a row.
  if (previous) return audited(db, request.actor, () => Promise.resolve({ ...(previous.report as PlanImportReport), alreadyImported: true }), describe);

  const text = decodeText(request.bytes);
  const kind = detectPlanFile(text, request.fileName);
  const report: Omit<PlanImportReport, 'id' | 'createdAt'> = {
    fileName: request.fileName,
    kind,
    alreadyImported: false,
    plans: [],
    contributions: { added: 0, updated: 0, unchanged: 0 },
    skipped: [],
    refused: [],
  };

  let apply: (tx: Queryable, importId: q.PlanImportId) => Promise<void>;
  if (kind === 'plan-definition') {
    const definition = parsePlanDefinition(text, request.fileName);
    apply = async (tx, importId) => {
      report.plans.push({ code: definition.code, outcome: await storeDefinition(tx, definition, importId, by, inScope) });
    };
  } else if (kind === 'fts-requirements') {
    const parsed = parseFtsRequirementsFunding(text);
    if (parsed.refused.length > 0 && !request.skipRefused) throw rowsRefused(localiseRowIssues(parsed.refused, language));
    report.refused.push(...localiseRowIssues(parsed.refused, language));
    report.skipped.push(...parsed.skipped);
    if (parsed.appeals.length === 0) throw new AppError('import.empty');
    apply = async (tx, importId) => {
      for (const appeal of parsed.appeals) report.plans.push({ code: appeal.code, outcome: await storeFtsAppeal(tx, appeal, importId, inScope) });
    };
  } else {
    const parsed = parseFtsFlows(text, request.fileName);
    if (parsed.refused.length > 0 && !request.skipRefused) throw rowsRefused(localiseRowIssues(parsed.refused, language));
    report.refused.push(...localiseRowIssues(parsed.refused, language));
    if (parsed.flows.length === 0) throw new AppError('import.empty');
    apply = async (tx, importId) => {
      const refused: RowIssue[] = [];
      for (const flow of parsed.flows) {
        const outcome = await storeFtsFlow(tx, flow, importId, by, inScope);
        if (typeof outcome === 'string') report.contributions[outcome] += 1;
        else refused.push(outcome);
      }
      if (refused.length > 0) {
        if (!request.skipRefused) throw rowsRefused(localiseRowIssues(refused, language));
        report.refused.push(...localiseRowIssues(refused, language));
      }
    };
  }

  return withVersions((bump) =>
    audited(
      db,
      request.actor,
      async (tx) => {
        // Which plans a file of flows touches is known only row by row: an import changes them all.
        await bump(tx, [versionKeys.planImports, versionKeys.plans]);
        const stored = await q.insertPlanImport(tx, { fileName: request.fileName, kind, sha256, importKey, raw: request.bytes, createdBy: by });
        await apply(tx, stored.id);
        const finished: PlanImportReport = { ...report, id: String(stored.id), createdAt: new Date(stored.created_at).toISOString() };
        await q.savePlanImportReport(tx, stored.id, finished);
        return finished;
      },
      describe,
    ),
  );
}

function rowsRefused(refused: PlanImportReport['refused']): AppError {
  return new AppError('plans.import.rowsRefused', { count: refused.length }, { details: { refused: refused.slice(0, 1000) } });
}

/** A new plan is created whole; an existing one may only gain parts and change figures. */
async function storeDefinition(
  tx: Queryable,
  definition: PlanDefinition,
  importId: q.PlanImportId,
  actor: string,
  inScope: (countries: readonly string[], verb?: Verb) => void,
): Promise<'added' | 'updated' | 'unchanged'> {
  const existing = await q.planByCode(tx, definition.code);
  inScope(definition.countries);
  if (existing) inScope(existing.countries);
  if (!existing) {
    const planId = await q.insertPlan(tx, {
      code: definition.code,
      nameEn: definition.name.en,
      nameFr: definition.name.fr,
      type: definition.type,
      startDate: definition.startDate,
      endDate: definition.endDate,
      countries: definition.countries,
      status: definition.status,
      requirementsUsd: definition.requirementsUsd,
      peopleTargeted: definition.peopleTargeted,
      peopleTargetedDescription: definition.peopleTargetedDescription,
      entitiesTargeted: definition.entitiesTargeted,
      targetGroups: definition.targetGroups,
      importId,
    });
    const areaIds = new Map<string, q.ActivityAreaId>();
    for (const objective of definition.objectives) {
      const objectiveId = await q.insertObjective(tx, {
        planId,
        position: objective.position,
        nameEn: objective.name.en,
        nameFr: objective.name.fr,
        requirementsUsd: objective.requirementsUsd,
        peopleTargeted: objective.peopleTargeted,
        peopleTargetedDescription: objective.peopleTargetedDescription,
      });
      for (const area of objective.areas) {
        areaIds.set(
          area.code,
          await q.insertArea(tx, {
            planId,
            objectiveId,
            position: area.position,
            code: area.code,
            nameEn: area.name.en,
            nameFr: area.name.fr,
            sectorCode: area.sectorCode,
            requirementsUsd: area.requirementsUsd,
            peopleTargeted: area.peopleTargeted,
            peopleTargetedDescription: area.peopleTargetedDescription,
            targetGroups: area.targetGroups,
            entitiesTargeted: area.entitiesTargeted,
          }),
        );
      }
    }
    for (const line of definition.countryLines) {
      await q.insertCountryLine(tx, {
        planId,
        activityAreaId: line.activityAreaCode === null ? null : areaIds.get(line.activityAreaCode)!,
        country: line.country,
        requirementsUsd: line.requirementsUsd,
        peopleTargeted: line.peopleTargeted,
      });
    }
    return 'added';
  }
  // The same plan again: revise the figures that changed (keeping originals), record who and why.
  const objectives = await q.objectivesOf(tx, existing.id);
  const areas = await q.areasOf(tx, existing.id);
  if (definition.objectives.length !== objectives.length || definition.objectives.some((objective) => objective.areas.some((area) => !areas.some((row) => row.code === area.code)))) {
    throw new AppError('plans.definition.structureChanged', { code: definition.code });
  }
  let changed = false;
  const reviseIfChanged = async (target: RevisionTarget, current: { revised_requirements_usd: number | null; people_targeted: number | null; version: number }, figures: { requirementsUsd: number | null; peopleTargeted: number | null }): Promise<void> => {
    if (current.revised_requirements_usd === figures.requirementsUsd && current.people_targeted === figures.peopleTargeted) return;
    // Changing figures by re-importing is a revision: it needs the right to revise.
    inScope(existing.countries, 'plan.edit');
    changed = true;
    await applyRevision(tx, existing.code, target, { version: current.version, requirementsUsd: figures.requirementsUsd, peopleTargeted: figures.peopleTargeted, reason: `import ${importId}` }, actor);
  };
  await reviseIfChanged({ entity: 'plan' }, existing, definition);
  for (const objective of definition.objectives) {
    const row = objectives.find((candidate) => candidate.position === objective.position)!;
    await reviseIfChanged({ entity: 'objective', id: row.id }, row, objective);
    for (const area of objective.areas) {
      const areaRow = areas.find((candidate) => candidate.code === area.code)!;
      await reviseIfChanged({ entity: 'activity-area', id: areaRow.id }, areaRow, area);
    }
  }
  return changed ? 'updated' : 'unchanged';
}

async function storeFtsAppeal(
  tx: Queryable,
  appeal: ReturnType<typeof parseFtsRequirementsFunding>['appeals'][number],
  importId: q.PlanImportId,
  inScope: (countries: readonly string[], verb?: Verb) => void,
): Promise<'added' | 'updated' | 'unchanged'> {
  const code = appeal.code.trim().toUpperCase();
  const asOf = new Date().toISOString().slice(0, 10);
  const existing = await q.planByCode(tx, code);
  const country = iso3ToIso2(appeal.countryIso3) ?? null;
  inScope(existing ? existing.countries : country ? [country] : []);
  if (!existing) {
    const year = appeal.year ?? Number((appeal.startDate ?? '').slice(0, 4));
    await q.insertPlan(tx, {
      code,
      nameEn: appeal.name,
      nameFr: appeal.name,
      type: lookUp(PLAN_TYPE_BY_FTS, (appeal.typeName ?? '').toLowerCase()) ?? 'other',
      startDate: appeal.startDate ?? `${year}-01-01`,
      endDate: appeal.endDate ?? `${year}-12-31`,
      countries: country ? [country] : [],
      status: 'published',
      requirementsUsd: appeal.requirementsUsd,
      peopleTargeted: null,
      peopleTargetedDescription: null,
      entitiesTargeted: null,
      targetGroups: [],
      reportedFundingUsd: appeal.fundingUsd,
      reportedFundingSource: 'FTS',
      reportedFundingAsOf: asOf,
      ftsPlanId: appeal.ftsPlanId,
      importId,
    });
    return 'added';
  }
  if (existing.revised_requirements_usd === appeal.requirementsUsd && existing.reported_funding_usd === appeal.fundingUsd) return 'unchanged';
  await q.updatePlanReportedFunding(tx, existing.id, { requirementsUsd: appeal.requirementsUsd, fundingUsd: appeal.fundingUsd, source: 'FTS', asOf, ftsPlanId: appeal.ftsPlanId });
  return 'updated';
}

async function storeFtsFlow(
  tx: Queryable,
  flow: ReturnType<typeof parseFtsFlows>['flows'][number],
  importId: q.PlanImportId,
  actor: string,
  inScope: (countries: readonly string[], verb?: Verb) => void,
): Promise<'added' | 'updated' | 'unchanged' | RowIssue> {
  // FTS flows name their plan by FTS id; Liptako plans also have codes. Either finds it.
  const plan =
    (flow.planCode ? await q.planByCode(tx, flow.planCode.trim().toUpperCase()) : undefined) ??
    (flow.ftsPlanId !== null ? await q.planByFtsId(tx, flow.ftsPlanId) : undefined);
  if (!plan) {
    return { row: flow.row, column: 'plan', value: flow.planCode, code: 'plans.notFound', params: { code: flow.planCode ?? String(flow.ftsPlanId ?? '—') } };
  }
  inScope(plan.countries);
  const date = flow.date ?? flow.decisionDate;
  const values: q.ContributionValues = {
    donor: flow.donor,
    ftsFlowId: flow.flowId,
    currency: flow.originalCurrency ?? 'USD',
    amountOriginal: flow.originalAmount ?? flow.amountUsd,
    exchangeRate: flow.originalAmount && flow.originalAmount > 0 ? flow.amountUsd / flow.originalAmount : 1,
    rateBasis: 'fts',
    amountUsd: flow.amountUsd,
    status: flow.status,
    pledgedOn: flow.status === 'pledge' ? date : (flow.decisionDate ?? null),
    committedOn: flow.status === 'commitment' ? date : null,
    paidOn: flow.status === 'paid' ? date : null,
    earmarkLevel: 'plan',
    objectiveId: null,
    activityAreaId: null,
    country: null,
    description: flow.clusterName,
  };
  if (values.pledgedOn && (values.committedOn ?? values.paidOn) && values.pledgedOn > (values.committedOn ?? values.paidOn)!) values.pledgedOn = null;
  const existing = await q.contributionByFlowId(tx, flow.flowId);
  if (existing && existing.plan_id !== plan.id) {
    const owner = await q.planById(tx, existing.plan_id);
    if (owner) inScope(owner.countries);
  }
  if (!existing) {
    await q.insertContribution(tx, plan.id, values, { createdBy: actor, importId });
    return 'added';
  }
  if (existing.amount_usd === values.amountUsd && existing.status === values.status && existing.donor === values.donor) return 'unchanged';
  await q.updateContribution(tx, { planId: existing.plan_id, id: existing.id, version: existing.version }, values);
  return 'updated';
}
