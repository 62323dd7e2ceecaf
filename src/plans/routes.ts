/** HTTP routes of plans and funding, and the HDX-HAPI-compatible funding endpoint. */
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { toCsv, toXlsx, type ExportColumn } from '../core/exports.js';
import { hapiPage, hapiQuery, hapiResponses, sendHapiCsv, type HapiPaging } from '../core/hapi.js';
import { errorResponses, fileResponse, JsonValue, languageOf, oneOf, XLSX, type AppContext, type LiptakoApp } from '../core/http-kit.js';
import { fileBody, fileBodyRoutes } from '../core/uploads.js';
import { versionKeys } from '../core/versions.js';
import * as plans from './service.js';
import * as contributions from './contributions.js';
import * as planImports from './plan-imports.js';
import { CONTRIBUTION_STATUSES, EARMARK_LEVELS } from './types.js';

const PlanCode = Type.String({ minLength: 2, maxLength: 40, pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$', description: 'Plan code, e.g. IOM-CSAHEL-2021 or HBFA21' });
const DateString = Type.String({ format: 'date', maxLength: 10 });
const NullableDate = Type.Union([DateString, Type.Null()]);
const Amount = Type.Number({ exclusiveMinimum: 0, maximum: 1e13 });
const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });

const ContributionBody = Type.Object(
  {
    donor: Type.String({ minLength: 1, maxLength: 300 }),
    currency: Type.String({ minLength: 3, maxLength: 3 }),
    amount: Amount,
    usdPerUnit: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1e6 })),
    usdPerEur: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1e6 })),
    status: Type.Union(CONTRIBUTION_STATUSES.map((status) => Type.Literal(status))),
    pledgedOn: Type.Optional(NullableDate),
    committedOn: Type.Optional(NullableDate),
    paidOn: Type.Optional(NullableDate),
    earmark: Type.Object(
      {
        level: Type.Union(EARMARK_LEVELS.map((level) => Type.Literal(level))),
        objectiveId: Type.Optional(Type.Union([Id, Type.Null()])),
        activityAreaId: Type.Optional(Type.Union([Id, Type.Null()])),
        country: Type.Optional(Type.Union([Type.String({ minLength: 2, maxLength: 3 }), Type.Null()])),
      },
      { additionalProperties: false },
    ),
    ftsFlowId: Type.Optional(Type.Union([Type.String({ maxLength: 40, pattern: '^[0-9A-Za-z-]+$' }), Type.Null()])),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  },
  { additionalProperties: false },
);

const ContributionUpdateBody = Type.Object(
  { ...ContributionBody.properties, version: Type.Integer({ minimum: 1 }), reason: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);

const RevisionBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    requirementsUsd: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 1e13 }), Type.Null()])),
    peopleTargeted: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 1e10 }), Type.Null()])),
    reason: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

// The answers: the service's view types (the web app imports those) as schemas; the type
// provider holds each handler's answer to its schema, so the two cannot drift apart.
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Usd = Type.Number({ description: 'US dollars' });
const People = Type.Integer({ minimum: 0 });
const Timestamp = Type.String({ format: 'date-time' });
const Names = Type.Object({ en: Type.String(), fr: Type.String() });
const Requirements = Type.Object({ originalUsd: Nullable(Usd), revisedUsd: Nullable(Usd) }, { description: 'The original is kept when requirements are revised' });

/** Funding at one level of a plan (funding.ts FundingStatus). */
const FundingSchema = Type.Object({
  requiredUsd: Nullable(Usd),
  pledgedUsd: Usd,
  committedUsd: Usd,
  paidUsd: Usd,
  fundedUsd: Type.Number({ description: 'Committed + paid: what FTS calls funding' }),
  gapUsd: Nullable(Usd),
  percentFunded: Nullable(Type.Number()),
  notAllocatedBelowUsd: Type.Number({ description: 'Money given at exactly this level, not to a part below it' }),
  contributions: Type.Integer(),
});

const ActivityAreaSchema = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  position: Type.Integer(),
  name: Names,
  sectorCode: Type.String(),
  requirements: Requirements,
  peopleTargeted: Nullable(People),
  peopleTargetedDescription: Nullable(Type.String()),
  targetGroups: Type.Array(Type.String()),
  entitiesTargeted: Nullable(Type.Integer()),
  version: Type.Integer(),
  funding: FundingSchema,
});

const ObjectiveSchema = Type.Object({
  id: Type.Integer(),
  position: Type.Integer(),
  name: Names,
  requirements: Requirements,
  peopleTargeted: Nullable(People),
  peopleTargetedDescription: Nullable(Type.String()),
  version: Type.Integer(),
  funding: FundingSchema,
  areas: Type.Array(ActivityAreaSchema),
});

/** A plan with everything its page shows (service.ts PlanView). */
const PlanSchema = Type.Object({
  code: Type.String(),
  name: Names,
  type: Type.String(),
  startDate: Type.String({ format: 'date' }),
  endDate: Type.String({ format: 'date' }),
  countries: Type.Array(Type.String()),
  currency: Type.String(),
  status: Type.String(),
  version: Type.Integer(),
  requirements: Requirements,
  peopleTargeted: Nullable(People),
  peopleTargetedDescription: Nullable(Type.String()),
  entitiesTargeted: Nullable(Type.Integer()),
  targetGroups: Type.Array(Type.String()),
  funding: Type.Composite([
    FundingSchema,
    Type.Object({
      basis: Type.Union([Type.Literal('contributions'), Type.Literal('reported')], { description: "'reported': the figure comes from FTS" }),
      reportedFundingUsd: Nullable(Usd),
      reportedFundingSource: Nullable(Type.String()),
      reportedFundingAsOf: Nullable(Type.String()),
    }),
  ]),
  objectives: Type.Array(ObjectiveSchema),
  countryLines: Type.Array(
    Type.Object({
      id: Type.Integer(),
      country: Type.String(),
      activityAreaId: Nullable(Type.Integer()),
      requirements: Requirements,
      peopleTargeted: Nullable(People),
      version: Type.Integer(),
      funding: Nullable(FundingSchema),
    }),
  ),
  consistency: Type.Array(
    Type.Object({
      scope: Type.String({ description: "'plan' or 'objective:<position>'" }),
      measure: Type.Union([Type.Literal('requirements'), Type.Literal('people-targeted'), Type.Literal('entities-targeted')]),
      statedTotal: Type.Number(),
      sumOfParts: Type.Number(),
      difference: Type.Number(),
      severity: Type.Union([Type.Literal('ok'), Type.Literal('expected'), Type.Literal('check')]),
      code: Type.String(),
      message: Type.String(),
    }),
  ),
});

const PlanSummarySchema = Type.Object({
  code: Type.String(),
  name: Names,
  type: Type.String(),
  startDate: Type.String({ format: 'date' }),
  endDate: Type.String({ format: 'date' }),
  countries: Type.Array(Type.String()),
  status: Type.String(),
  requiredUsd: Nullable(Usd),
  fundedUsd: Usd,
  percentFunded: Nullable(Type.Number()),
  fundingBasis: Type.Union([Type.Literal('contributions'), Type.Literal('reported')]),
  peopleTargeted: Nullable(People),
});

/** A contribution as recorded, its USD amount and the rate it was converted at (contributions.ts ContributionView). */
const ContributionSchema = Type.Object({
  id: Type.Integer(),
  donor: Type.String(),
  ftsFlowId: Nullable(Type.String()),
  currency: Type.String(),
  amountOriginal: Type.Number(),
  exchangeRate: Type.Number(),
  rateBasis: Type.String(),
  amountUsd: Usd,
  status: oneOf(CONTRIBUTION_STATUSES),
  pledgedOn: Nullable(Type.String({ format: 'date' })),
  committedOn: Nullable(Type.String({ format: 'date' })),
  paidOn: Nullable(Type.String({ format: 'date' })),
  earmark: Type.Object({ level: oneOf(EARMARK_LEVELS), objectiveId: Nullable(Type.Integer()), activityAreaId: Nullable(Type.Integer()), country: Nullable(Type.String()) }),
  description: Nullable(Type.String()),
  version: Type.Integer(),
  createdBy: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const ChangeSchema = Type.Object({
  id: Type.Integer(),
  entity: Type.String(),
  entityId: Type.Integer(),
  field: Type.String(),
  oldValue: JsonValue,
  newValue: JsonValue,
  reason: Nullable(Type.String()),
  changedBy: Type.String(),
  changedAt: Timestamp,
});

/** What an import did (plan-imports.ts PlanImportReport). */
const PlanImportSchema = Type.Object({
  id: Type.String(),
  fileName: Type.String(),
  kind: Type.Union([Type.Literal('plan-definition'), Type.Literal('fts-requirements'), Type.Literal('fts-flows')]),
  alreadyImported: Type.Boolean({ description: 'The same file was imported before: nothing changed' }),
  plans: Type.Array(Type.Object({ code: Type.String(), outcome: Type.Union([Type.Literal('added'), Type.Literal('updated'), Type.Literal('unchanged')]) })),
  contributions: Type.Object({ added: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer() }),
  skipped: Type.Array(Type.Object({ row: Type.Integer(), reason: Type.String() })),
  refused: Type.Array(Type.Object({ row: Type.Integer(), column: Nullable(Type.String()), value: Nullable(Type.String()), code: Type.String(), message: Type.String() })),
  createdAt: Timestamp,
});

function fundingColumns(language: 'fr' | 'en'): Array<ExportColumn<FundingExportRow>> {
  const fr = language === 'fr';
  return [
    { key: 'level', header: fr ? 'Niveau' : 'Level', hxl: '#indicator+level', value: (row) => row.level },
    { key: 'code', header: fr ? 'Code' : 'Code', hxl: '#activity+code', value: (row) => row.code },
    { key: 'name', header: fr ? 'Intitulé' : 'Name', hxl: '#activity+name', value: (row) => row.name },
    { key: 'sector', header: fr ? 'Secteur' : 'Sector', hxl: '#sector+code', value: (row) => row.sector },
    { key: 'required', header: fr ? 'Besoins (USD)' : 'Required (USD)', hxl: '#value+funding+required+usd', value: (row) => row.required, type: 'number' },
    { key: 'original', header: fr ? 'Besoins initiaux (USD)' : 'Original requirements (USD)', hxl: '#value+funding+required+original+usd', value: (row) => row.original, type: 'number' },
    { key: 'funded', header: fr ? 'Financé (USD)' : 'Funded (USD)', hxl: '#value+funding+total+usd', value: (row) => row.funded, type: 'number' },
    { key: 'pledged', header: fr ? 'Annoncé (USD)' : 'Pledged (USD)', hxl: '#value+funding+pledged+usd', value: (row) => row.pledged, type: 'number' },
    { key: 'gap', header: fr ? 'Déficit (USD)' : 'Gap (USD)', hxl: '#value+funding+gap+usd', value: (row) => row.gap, type: 'number' },
    { key: 'pct', header: fr ? '% financé' : '% funded', hxl: '#value+funding+pct', value: (row) => row.percent, type: 'number' },
    { key: 'people', header: fr ? 'Personnes ciblées' : 'People targeted', hxl: '#targeted+ind', value: (row) => row.peopleTargeted, type: 'number' },
  ];
}

interface FundingExportRow {
  level: string;
  code: string;
  name: string;
  sector: string | null;
  required: number | null;
  original: number | null;
  funded: number;
  pledged: number;
  gap: number | null;
  percent: number | null;
  peopleTargeted: number | null;
}

function fundingRows(plan: plans.PlanView, language: 'fr' | 'en'): FundingExportRow[] {
  const row = (
    level: string,
    code: string,
    name: plans.Names,
    sector: string | null,
    requirements: plans.Requirements,
    funding: { fundedUsd: number; pledgedUsd: number; gapUsd: number | null; percentFunded: number | null },
    peopleTargeted: number | null,
  ): FundingExportRow => ({
    level,
    code,
    name: name[language],
    sector,
    required: requirements.revisedUsd,
    original: requirements.originalUsd,
    funded: funding.fundedUsd,
    pledged: funding.pledgedUsd,
    gap: funding.gapUsd,
    percent: funding.percentFunded,
    peopleTargeted,
  });
  return [
    row('plan', plan.code, plan.name, null, plan.requirements, plan.funding, plan.peopleTargeted),
    ...plan.objectives.flatMap((objective) => [
      row('objective', `${plan.code}/O${objective.position}`, objective.name, null, objective.requirements, objective.funding, objective.peopleTargeted),
      ...objective.areas.map((area) => row('activity-area', area.code, area.name, area.sectorCode, area.requirements, area.funding, area.peopleTargeted)),
    ]),
  ];
}

function contributionColumns(language: 'fr' | 'en'): Array<ExportColumn<contributions.ContributionView>> {
  const fr = language === 'fr';
  return [
    { key: 'id', header: 'Id', hxl: '#contribution+id', value: (row) => row.id, type: 'number' },
    { key: 'fts', header: fr ? 'Flux FTS' : 'FTS flow', hxl: '#contribution+id+fts', value: (row) => row.ftsFlowId },
    { key: 'donor', header: fr ? 'Bailleur' : 'Donor', hxl: '#org+name+funder', value: (row) => row.donor },
    { key: 'currency', header: fr ? 'Devise' : 'Currency', hxl: '#currency+code', value: (row) => row.currency },
    { key: 'amount', header: fr ? 'Montant (devise)' : 'Amount (currency)', hxl: '#value+original', value: (row) => row.amountOriginal, type: 'number' },
    { key: 'rate', header: fr ? 'Taux (USD par unité)' : 'Rate (USD per unit)', hxl: '#value+rate', value: (row) => row.exchangeRate, type: 'number' },
    { key: 'usd', header: 'USD', hxl: '#value+usd', value: (row) => row.amountUsd, type: 'number' },
    { key: 'status', header: fr ? 'Statut' : 'Status', hxl: '#status', value: (row) => row.status },
    { key: 'pledged', header: fr ? 'Annoncé le' : 'Pledged on', hxl: '#date+pledged', value: (row) => row.pledgedOn, type: 'date' },
    { key: 'committed', header: fr ? 'Engagé le' : 'Committed on', hxl: '#date+committed', value: (row) => row.committedOn, type: 'date' },
    { key: 'paid', header: fr ? 'Versé le' : 'Paid on', hxl: '#date+paid', value: (row) => row.paidOn, type: 'date' },
    { key: 'earmark', header: fr ? 'Affectation' : 'Earmarking', hxl: '#indicator+earmark', value: (row) => row.earmark.level },
    { key: 'description', header: fr ? 'Description' : 'Description', hxl: '#description', value: (row) => row.description },
  ];
}

async function sendTable<Row>(
  reply: FastifyReply,
  format: 'csv' | 'xlsx',
  fileStem: string,
  columns: Array<ExportColumn<Row>>,
  rows: Row[],
): Promise<FastifyReply> {
  const safeStem = fileStem.replace(/[^A-Za-z0-9-]/g, '_');
  if (format === 'csv') {
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${safeStem}.csv"`)
      .send(toCsv(columns, rows));
  }
  const workbook = await toXlsx(columns, rows, { sheetName: safeStem.slice(0, 31) });
  return reply
    .type(XLSX)
    .header('content-disposition', `attachment; filename="${safeStem}.xlsx"`)
    .send(workbook);
}

/** One HAPI funding row: a published plan's requirements and funding in one location. */
const HapiFundingRowSchema = Type.Object({
  appeal_code: Type.String(),
  appeal_name: Type.String(),
  appeal_type: Type.String(),
  requirements_usd: Type.Union([Type.Number(), Type.Null()]),
  funding_usd: Type.Number(),
  funding_pct: Type.Union([Type.Number(), Type.Null()]),
  location_code: Type.String({ description: 'ISO3' }),
  location_name: Type.String(),
  reference_period_start: Type.String(),
  reference_period_end: Type.String(),
});

const HAPI_COLUMNS: Array<ExportColumn<plans.HapiFundingRow>> = (
  ['appeal_code', 'appeal_name', 'appeal_type', 'requirements_usd', 'funding_usd', 'funding_pct', 'location_code', 'location_name', 'reference_period_start', 'reference_period_end'] as const
).map((key) => ({ key, header: key, hxl: null, value: (row) => row[key] }));

export function planRoutes(app: LiptakoApp, { db, uploads, published }: AppContext): void {
  app.get(
    '/api/plans',
    { config: { verb: 'plan.read' },  schema: { tags: ['plans'], summary: 'Plans with their requirements and funding', response: { 200: Type.Object({ plans: Type.Array(PlanSummarySchema) }) } } },
    // Anonymous callers see published plans only: one shared answer; signed-in people may see drafts.
    async (request, reply) =>
      published.answer(request, reply, {
        keys: [versionKeys.plans, versionKeys.planImports],
        shared: request.principal.kind === 'anonymous',
        compute: async () => ({ body: { plans: await plans.listPlans(db, request.principal) }, store: true }),
      }),
  );

  app.get(
    '/api/plans/:code',
    { config: { verb: 'plan.read' }, 
      schema: {
        tags: ['plans'],
        summary: 'A plan: objectives, activity areas, targets, funding at every level, consistency report',
        params: Type.Object({ code: PlanCode }),
        response: { 200: PlanSchema, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) =>
      published.answer(request, reply, {
        keys: [versionKeys.plan(request.params.code), versionKeys.planImports, versionKeys.geography],
        compute: async () => {
          await plans.authorisePlan(db, request.params.code, request.principal, 'plan.read');
          const plan = await plans.getPlan(db, request.params.code, languageOf(request));
          // A published plan reads the same for everyone who may read plans; a draft is not kept.
          return { body: plan, store: plan.status === 'published' };
        },
      }),
  );

  app.get(
    '/api/plans/:code/funding-over-time',
    { config: { verb: 'plan.read' }, 
      schema: {
        tags: ['plans'],
        summary: 'Cumulative pledged, funded and paid amounts by date',
        params: Type.Object({ code: PlanCode }),
        response: {
          200: Type.Object({ series: Type.Array(Type.Object({ date: Type.String(), pledgedUsd: Type.Number(), fundedUsd: Type.Number(), paidUsd: Type.Number() })) }),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => {
      await plans.authorisePlan(db, request.params.code, request.principal, 'plan.read');
      return { series: await plans.planFundingOverTime(db, request.params.code) };
    },
  );

  app.get(
    '/api/plans/:code/changes',
    { config: { verb: 'plan.read' }, 
      schema: {
        tags: ['plans'],
        summary: 'Who changed what and when in a plan and its contributions',
        params: Type.Object({ code: PlanCode }),
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })) }),
        response: { 200: Type.Object({ changes: Type.Array(ChangeSchema) }), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      await plans.authorisePlan(db, request.params.code, request.principal, 'plan.read');
      return {
      changes: (await plans.planChanges(db, request.params.code, request.query.limit)).map((change) => ({
        id: change.id,
        entity: change.entity,
        entityId: change.entity_id,
        field: change.field,
        oldValue: change.old_value,
        newValue: change.new_value,
        reason: change.reason,
        changedBy: change.changed_by,
        changedAt: new Date(change.changed_at).toISOString(),
      })),
      };
    },
  );

  const revisionRoute = (url: string, target: (params: { code: string; id?: number }) => plans.RevisionTarget, withId: boolean): void => {
    app.patch(
      url,
      {
        config: { verb: 'plan.edit', audit: 'plan.revise' },
        schema: {
          tags: ['plans'],
          summary: 'Revise requirements or people targeted (the original value is kept; a stale version gets 409)',
          params: withId ? Type.Object({ code: PlanCode, id: Id }) : Type.Object({ code: PlanCode }),
          body: RevisionBody,
          response: { 200: Type.Object({ plan: PlanSchema }), ...errorResponses(400, 404, 409, 422) },
        },
      },
      async (request) => {
        const params = request.params as { code: string; id?: number };
        await plans.authorisePlan(db, params.code, request.principal, 'plan.edit');
        const plan = await plans.revise(db, request.actor, params.code, target(params), request.body);
        return { plan: await plans.getPlan(db, plan.code, languageOf(request)) };
      },
    );
  };
  revisionRoute('/api/plans/:code', () => ({ entity: 'plan' }), false);
  revisionRoute('/api/plans/:code/objectives/:id', (params) => ({ entity: 'objective', id: params.id! }), true);
  revisionRoute('/api/plans/:code/areas/:id', (params) => ({ entity: 'activity-area', id: params.id! }), true);
  revisionRoute('/api/plans/:code/country-lines/:id', (params) => ({ entity: 'country-line', id: params.id! }), true);

  app.get(
    '/api/plans/:code/contributions',
    { config: { verb: 'plan.read' }, 
      schema: {
        tags: ['plans'],
        summary: 'Contributions to a plan',
        params: Type.Object({ code: PlanCode }),
        response: { 200: Type.Object({ contributions: Type.Array(ContributionSchema) }), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      await plans.authorisePlan(db, request.params.code, request.principal, 'plan.read');
      return { contributions: await contributions.listContributions(db, request.params.code) };
    },
  );

  app.post(
    '/api/plans/:code/contributions',
    { config: { verb: 'contribution.record', audit: 'contribution.create' }, 
      schema: {
        tags: ['plans'],
        summary: 'Record a contribution (any currency; XOF/XAF through the euro peg)',
        params: Type.Object({ code: PlanCode }),
        body: ContributionBody,
        response: { 201: Type.Object({ contribution: ContributionSchema }), ...errorResponses(400, 404, 409, 415, 422) },
      },
    },
    async (request, reply) => {
      await plans.authorisePlan(db, request.params.code, request.principal, 'contribution.record');
      const contribution = await contributions.addContribution(db, request.actor, request.params.code, request.body);
      return reply.status(201).send({ contribution });
    },
  );

  app.patch(
    '/api/plans/:code/contributions/:id',
    { config: { verb: 'contribution.record', audit: 'contribution.update' }, 
      schema: {
        tags: ['plans'],
        summary: 'Change a contribution (status, dates, amounts, earmarking); a stale version gets 409',
        params: Type.Object({ code: PlanCode, id: Id }),
        body: ContributionUpdateBody,
        response: { 200: Type.Object({ contribution: ContributionSchema }), ...errorResponses(400, 404, 409, 422) },
      },
    },
    async (request) => {
      await plans.authorisePlan(db, request.params.code, request.principal, 'contribution.record');
      return { contribution: await contributions.updateContribution(db, request.actor, request.params.code, request.params.id, request.body) };
    },
  );

  app.get(
    '/api/plans/:code/export',
    { config: { verb: 'export.download', audit: 'plan.export' }, 
      schema: {
        tags: ['plans'],
        summary: 'Funding table or contributions as CSV or XLSX, with an HXL row',
        params: Type.Object({ code: PlanCode }),
        querystring: Type.Object({
          table: Type.Union([Type.Literal('funding'), Type.Literal('contributions')], { default: 'funding' }),
          format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' }),
        }),
        response: { 200: fileResponse('The table as CSV or as an Excel workbook, with an HXL row', 'text/csv', XLSX), ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const language = languageOf(request);
      const { table, format } = request.query;
      await plans.authorisePlan(db, request.params.code, request.principal, 'plan.read');
      const plan = await plans.getPlan(db, request.params.code, language);
      await request.auditRead({ objectType: 'plan', objectId: plan.code, summary: { table, format } });
      if (table === 'contributions') {
        return sendTable(reply, format, `${plan.code}-contributions`, contributionColumns(language), await contributions.listContributions(db, plan.code));
      }
      return sendTable(reply, format, `${plan.code}-funding`, fundingColumns(language), fundingRows(plan, language));
    },
  );

  app.get(
    '/hapi/v2/coordination-context/funding',
    { config: { verb: 'hapi.read' }, 
      schema: {
        tags: ['publishing'],
        summary: 'HDX HAPI v2 compatible funding (published plans only)',
        querystring: hapiQuery({
          appeal_code: Type.Optional(Type.String({ maxLength: 40 })),
          location_code: Type.Optional(Type.String({ maxLength: 3 })),
          location_name: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: hapiResponses(HapiFundingRowSchema),
      },
    },
    async (request, reply) => {
      const query = request.query;
      const rows = async ({ limit, offset }: HapiPaging): Promise<plans.HapiFundingRow[]> =>
        (await plans.hapiFundingRows(db))
          .filter(
            (row) =>
              (query.appeal_code === undefined || row.appeal_code === query.appeal_code.toUpperCase()) &&
              (query.location_code === undefined || row.location_code === query.location_code.toUpperCase()) &&
              (query.location_name === undefined || row.location_name.toLowerCase().includes(query.location_name.toLowerCase())),
          )
          .slice(offset, offset + limit);
      if (query.output_format === 'csv') {
        return sendHapiCsv(reply, HAPI_COLUMNS, await rows(query));
      }
      // Published plans only: the same for everyone until a plan changes.
      const keys = [versionKeys.plans, versionKeys.planImports];
      return published.answer(request, reply, {
        keys,
        compute: async () => ({ body: { data: await hapiPage(published, 'hapi-funding', query, keys, rows) }, store: true }),
      });
    },
  );

  // Plan files arrive as raw bytes (YAML/JSON definitions, FTS CSV/JSON), whatever the content type.
  fileBodyRoutes<LiptakoApp>(app, uploads, plans.PLAN_IMPORT_LIMIT, (scope) => {
    scope.post(
      '/api/plans/imports',
      {
        bodyLimit: plans.PLAN_IMPORT_LIMIT,
        config: { verb: 'plan.import', audit: 'plan.import' },
        schema: {
          tags: ['plans'],
          summary: 'Import a plan definition (YAML/JSON), an FTS requirements-and-funding CSV or FTS flows (CSV/JSON)',
          description: 'Raw body. One transaction: all or nothing. The same file again is a no-op (200, alreadyImported); FTS flows are matched by flow id.',
          querystring: Type.Object({ fileName: Type.String({ minLength: 1, maxLength: 255 }), skipRefused: Type.Optional(Type.Boolean()) }),
          response: { 200: Type.Object({ import: PlanImportSchema }), 201: Type.Object({ import: PlanImportSchema }), ...errorResponses(400, 403, 409, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        const query = request.query;
        const report = await planImports.importPlanFile(db, {
          bytes: fileBody(request.body),
          fileName: query.fileName,
          actor: request.actor,
          language: languageOf(request),
          skipRefused: query.skipRefused,
        });
        return reply.status(report.alreadyImported ? 200 : 201).send({ import: report });
      },
    );
  });
}
