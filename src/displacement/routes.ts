/** HTTP routes of displacement tracking: parse, authorise, call the service. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../access/verbs.js';
import { formatMessage, type ErrorCode, type Language } from '../core/errors.js';
import { errorResponses, languageOf, type AppContext, type LiptakoApp } from '../core/http-kit.js';
import * as jobs from '../core/jobs.js';
import { versionKeys } from '../core/versions.js';
import { fileUploadRoute, importJobRoutes } from '../core/import-routes.js';
import * as aggregate from './aggregate.js';
import { type ColumnMapping } from './fields.js';
import { isRoundField, POPULATION_GROUPS } from '../shared/displacement.js';
import * as dtm from './service.js';
import * as dtmImports from './dtm-imports.js';
import * as dtmUploads from './dtm-uploads.js';
import * as schemas from './route-schemas.js';

const Code = Type.String({ minLength: 2, maxLength: 40, pattern: '^[A-Za-z0-9-]+$', description: 'Operation code, e.g. MLI-CONFLICT' });
const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const DateString = Type.String({ format: 'date', maxLength: 10 });
const AssessmentType = Type.Union([Type.Literal('BA'), Type.Literal('SA')], { description: 'BA baseline area, SA site/location; never added together' });
const Group = Type.Union(POPULATION_GROUPS.map((group) => Type.Literal(group)), { description: 'Population group (default idp)' });

const AggregateQuery = Type.Object({
  assessmentType: Type.Optional(AssessmentType),
  group: Type.Optional(Group),
  round: Type.Optional(Id),
  includeDrafts: Type.Optional(Type.Boolean()),
});

const Mapping = Type.Record(Type.String({ maxLength: 300 }), Type.Union([Type.String({ maxLength: 40 }), Type.Null()]), {
  description: 'File header → canonical field (null: ignore the column)',
});

const ImportBody = Type.Object(
  {
    operation: Code,
    roundNumber: Type.Integer({ minimum: 1, maximum: 10_000 }),
    assessmentType: AssessmentType,
    referenceDate: DateString,
    collectionStart: Type.Optional(Type.Union([DateString, Type.Null()])),
    collectionEnd: Type.Optional(Type.Union([DateString, Type.Null()])),
    sheet: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    headerRow: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1_048_576 }), Type.Null()])),
    mapping: Type.Optional(Mapping),
  },
  { additionalProperties: false },
);

const DecisionBody = Type.Object(
  {
    ids: Type.Array(Id, { minItems: 1, maxItems: 10_000 }),
    decision: Type.Union([Type.Literal('accepted'), Type.Literal('fixed'), Type.Literal('excluded')]),
    comment: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
    values: Type.Optional(
      Type.Partial(Type.Object(Object.fromEntries(dtm.FIXABLE_COLUMNS.map((column) => [column, Type.Union([Type.Integer({ minimum: 0, maximum: 10_000_000 }), Type.Null()])])))),
    ),
  },
  { additionalProperties: false },
);

function localisedJob(job: jobs.JobView, language: Language): schemas.ImportJob {
  return schemas.importJobView(job, jobs.jobErrorMessage(job.error, language));
}

function ruleMessage(rule: string, params: Record<string, string | number>, language: Language): string {
  const code = `dtm.rule.${rule}` as ErrorCode;
  try {
    return formatMessage(code, language, params);
  } catch {
    return rule;
  }
}

function checkMapping(mapping: Static<typeof Mapping> | undefined): ColumnMapping | undefined {
  if (mapping === undefined) return undefined;
  const checked: ColumnMapping = {};
  for (const [header, field] of Object.entries(mapping)) checked[header] = field !== null && isRoundField(field) ? field : null;
  return checked;
}

/**
 * A dashboard answer about published rounds only is the same for everyone: anonymous callers
 * never see drafts, and a signed-in caller who asks neither for drafts nor for a round by id
 * gets the published view too. Anything else may show drafts: not shared.
 */
function sharedDashboard(principal: Principal, query: { includeDrafts?: boolean; round?: number }): boolean {
  return principal.kind === 'anonymous' || (query.includeDrafts !== true && query.round === undefined);
}

/** What a dashboard answer depends on: its operation's rounds and the geography (names, population). */
const dashboardKeys = (code: string): string[] => [versionKeys.dtmOperation(code), versionKeys.geography];

export function displacementRoutes(app: LiptakoApp, { db, uploads, published }: AppContext): void {
  const tags = ['displacement'];
  /** Answers a dashboard GET through the cache of published answers (ETag, 304). */
  const dashboard = <Body>(request: FastifyRequest, reply: FastifyReply, code: string, query: { includeDrafts?: boolean; round?: number }, compute: () => Promise<Body>) =>
    published.answer(request, reply, {
      keys: dashboardKeys(code),
      shared: sharedDashboard(request.principal, query),
      compute: async () => ({ body: await compute(), store: true }),
    });

  // The published counts are the same for everyone and kept until a round is created or changes
  // status; a caller who may see drafts somewhere gets their own answer, drafts counted.
  app.get('/api/dtm/operations', { config: { verb: 'dtm.read' }, schema: { tags, summary: 'DTM operations with their rounds and latest published round', response: { 200: Type.Object({ operations: Type.Array(schemas.OperationSummarySchema) }) } } }, async (request, reply) => {
    const seesDraftsOf = (operation: Parameters<typeof dtm.seesDrafts>[1]): boolean => dtm.seesDrafts(request.principal, operation);
    const shared = !(await dtm.seesDraftsAnywhere(db, request.principal));
    return published.answer(request, reply, {
      keys: [versionKeys.dtmRounds],
      shared,
      compute: async () => ({ body: { operations: await aggregate.operationSummaries(db, shared ? undefined : seesDraftsOf) }, store: shared }),
    });
  });

  app.get(
    '/api/dtm/operations/:code',
    { config: { verb: 'dtm.read' }, schema: { tags, summary: 'One operation and the rounds you may see', params: Type.Object({ code: Code }), response: { 200: schemas.OperationAnswer, ...errorResponses(400, 404) } } },
    async (request) => {
      const operation = await dtm.authoriseOperation(db, request.params.code, request.principal, 'dtm.read');
      return {
        operation: dtm.operationView(operation),
        rounds: await dtm.listRounds(db, operation, request.principal),
        canImport: dtm.seesDrafts(request.principal, operation),
      };
    },
  );

  app.get(
    '/api/dtm/operations/:code/summary',
    {
      config: { verb: 'dtm.read' },
      schema: {
        tags,
        summary: 'Key figures of a round (latest published by default) with change against the previous round, pyramid, groups, reasons and origins',
        params: Type.Object({ code: Code }),
        querystring: AggregateQuery,
        response: { 200: schemas.KeyFiguresSchema, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) =>
      dashboard(request, reply, request.params.code, request.query, async () => {
        const operation = await dtm.authoriseOperation(db, request.params.code, request.principal, 'dtm.read');
        return aggregate.keyFigures(db, await aggregate.chooseRound(db, operation, request.query, request.principal));
      }),
  );

  app.get(
    '/api/dtm/operations/:code/admin',
    {
      config: { verb: 'dtm.read' },
      schema: {
        tags,
        summary: 'Totals per admin1 or admin2 of a round, with change against the previous round and per 1,000 inhabitants',
        params: Type.Object({ code: Code }),
        querystring: Type.Composite([
          AggregateQuery,
          Type.Object({ level: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])), parent: Type.Optional(Type.String({ maxLength: 20 })) }),
        ]),
        response: { 200: schemas.AdminFiguresSchema, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) =>
      dashboard(request, reply, request.params.code, request.query, async () => {
        const operation = await dtm.authoriseOperation(db, request.params.code, request.principal, 'dtm.read');
        const chosen = await aggregate.chooseRound(db, operation, request.query, request.principal);
        const level = request.query.level ?? 1;
        return {
          round: chosen.round === null ? null : dtm.roundView(chosen.round, operation.code),
          assessmentType: chosen.assessmentType,
          group: chosen.group,
          level,
          units: await aggregate.adminFigures(db, chosen, level, request.query.parent?.toUpperCase() ?? null),
        };
      }),
  );

  app.get(
    '/api/dtm/operations/:code/trend',
    {
      config: { verb: 'dtm.read' },
      schema: {
        tags,
        summary: 'One point per round of one assessment type (rounds are never summed)',
        params: Type.Object({ code: Code }),
        querystring: AggregateQuery,
        response: { 200: schemas.TrendSchema, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) =>
      dashboard(request, reply, request.params.code, request.query, async () => {
        const operation = await dtm.authoriseOperation(db, request.params.code, request.principal, 'dtm.read');
        const chosen = await aggregate.chooseRound(db, operation, request.query, request.principal);
        return { assessmentType: chosen.assessmentType, group: chosen.group, points: await aggregate.roundTrend(db, chosen) };
      }),
  );

  app.get(
    '/api/dtm/operations/:code/current',
    {
      config: { verb: 'dtm.read' },
      schema: {
        tags,
        summary: 'The current figure per admin unit: its latest published round',
        params: Type.Object({ code: Code }),
        querystring: Type.Object({ assessmentType: Type.Optional(AssessmentType), group: Type.Optional(Group), level: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])) }),
        response: { 200: schemas.CurrentSchema, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) =>
      // Published rounds only, whoever asks.
      dashboard(request, reply, request.params.code, {}, async () => {
        const operation = await dtm.authoriseOperation(db, request.params.code, request.principal, 'dtm.read');
        const type = request.query.assessmentType ?? 'BA';
        return { assessmentType: type, units: await aggregate.currentFigures(db, operation, type, request.query.group ?? 'idp', request.query.level ?? 2) };
      }),
  );

  app.get(
    '/api/dtm/operations/:code/locations',
    {
      config: { verb: 'dtm.read' },
      schema: {
        tags,
        summary: 'Locations of a round (drill-down below admin2)',
        params: Type.Object({ code: Code }),
        querystring: Type.Composite([
          AggregateQuery,
          Type.Object({
            admin2: Type.Optional(Type.String({ maxLength: 20 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
          }),
        ]),
        response: { 200: schemas.LocationsSchema, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) =>
      dashboard(request, reply, request.params.code, request.query, async () => {
        const operation = await dtm.authoriseOperation(db, request.params.code, request.principal, 'dtm.read');
        const chosen = await aggregate.chooseRound(db, operation, request.query, request.principal);
        return aggregate.roundLocations(db, chosen, request.query.admin2?.toUpperCase() ?? null, request.query.limit ?? 100, request.query.offset ?? 0);
      }),
  );

  app.get(
    '/api/dtm/rounds/:id',
    {
      config: { verb: 'dtm.read' },
      schema: {
        tags,
        summary: 'A round with its imports and data-quality counts',
        params: Type.Object({ id: Id }),
        response: { 200: Type.Object({ operation: schemas.OperationSchema, report: schemas.QualityReportSchema }), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { operation, round } = await dtm.authoriseRound(db, request.params.id, request.principal, 'dtm.read');
      return { operation: dtm.operationView(operation), report: await dtm.qualityReport(db, operation, round) };
    },
  );

  app.get(
    '/api/dtm/rounds/:id/issues',
    {
      config: { verb: 'dtm.read' },
      schema: {
        tags,
        summary: 'Data-quality findings of a round: row, column, value, rule, in the caller’s language',
        params: Type.Object({ id: Id }),
        querystring: Type.Object({
          severity: Type.Optional(Type.Union([Type.Literal('error'), Type.Literal('warning')])),
          status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('accepted'), Type.Literal('fixed'), Type.Literal('excluded')])),
          rule: Type.Optional(Type.String({ maxLength: 60, pattern: '^[a-zA-Z]+$' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
        }),
        response: { 200: Type.Object({ total: Type.Integer(), issues: Type.Array(schemas.IssueSchema) }), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { round } = await dtm.authoriseRound(db, request.params.id, request.principal, 'dtm.read');
      const { total, issues } = await dtm.roundIssues(db, request.actor, round, {
        ...request.query,
        limit: request.query.limit ?? 100,
        offset: request.query.offset ?? 0,
      });
      const language = languageOf(request);
      return { total, issues: issues.map((row) => ({ ...dtm.issueView(row), message: ruleMessage(row.rule, row.params, language) })) };
    },
  );

  app.post(
    '/api/dtm/rounds/:id/decisions',
    {
      config: { verb: 'dtm.review', audit: 'dtm.round.review' },
      schema: { tags, summary: 'Accept, fix or exclude data-quality findings', params: Type.Object({ id: Id }), body: DecisionBody,
        response: { 200: Type.Object({ decided: Type.Integer({ description: 'Findings decided' }), report: schemas.QualityReportSchema }), ...errorResponses(400, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { operation } = await dtm.authoriseRound(db, request.params.id, request.principal, 'dtm.review');
      const decided = await dtm.decide(db, request.actor, operation, request.params.id, request.body);
      return { decided, report: await dtm.currentQualityReport(db, operation, request.params.id) };
    },
  );

  app.post(
    '/api/dtm/rounds/:id/status',
    {
      config: { verb: 'dtm.publish', audit: 'dtm.round.status' },
      schema: {
        tags,
        summary: 'Move a round draft → validated → published (needs every finding decided)',
        params: Type.Object({ id: Id }),
        body: Type.Object({ status: Type.Union([Type.Literal('draft'), Type.Literal('validated'), Type.Literal('published')]) }, { additionalProperties: false }),
        response: { 200: Type.Object({ round: schemas.RoundSchema }), ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request) => {
      const { operation } = await dtm.authoriseRound(db, request.params.id, request.principal, 'dtm.publish');
      const round = await dtm.changeRoundStatus(db, request.actor, operation, request.params.id, request.body.status);
      return { round };
    },
  );

  app.get(
    '/api/dtm/jobs',
    {
      config: { verb: 'dtm.import' },
      schema: {
        tags,
        summary: 'Recent import jobs, newest first',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })) }),
        response: { 200: Type.Object({ jobs: Type.Array(schemas.ImportJobSchema) }), ...errorResponses(400) },
      },
    },
    async (request) => {
      const language = languageOf(request);
      return { jobs: (await dtmImports.importJobs(db, request.actor, request.query.limit ?? 20)).map((job) => localisedJob(job, language)) };
    },
  );

  app.post(
    '/api/dtm/jobs/:id/retry',
    { config: { verb: 'dtm.import', audit: 'dtm.import.retry' }, schema: { tags, summary: 'Run a failed or interrupted import again', params: Type.Object({ id: Id }), response: { 202: Type.Object({ job: schemas.ImportJobSchema }), ...errorResponses(400, 404, 409) } } },
    async (request, reply) => {
      const job = await dtmImports.retryImport(db, request.params.id, {
        actor: request.actor,
        background: true,
        onBackgroundError: (error) => request.log.warn(dtmImports.importFailureForLog(error), 'DTM import failed'),
      });
      return reply.status(202).send({ job: localisedJob(job, languageOf(request)) });
    },
  );

  app.get(
    '/api/dtm/uploads/:id/sheet',
    {
      config: { verb: 'dtm.import' },
      schema: {
        tags,
        summary: 'One sheet of an uploaded round file read from the chosen header row: headers, HXL row, samples and the mapping to confirm',
        params: Type.Object({ id: Id }),
        querystring: Type.Object({
          sheet: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          headerRow: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_048_576 })),
          operation: Type.Optional(Code),
        }),
        response: { 200: Type.Object({ sheet: schemas.SheetSchema }), ...errorResponses(400, 404, 422) },
      },
    },
    async (request) => ({ sheet: await dtmUploads.previewUpload(db, request.params.id, request.actor, request.query) }),
  );

  importJobRoutes(app, {
    tags,
    job: schemas.ImportJobSchema,
    view: localisedJob,
    start: {
      path: '/api/dtm/uploads/:id/import',
      config: { verb: 'dtm.import', audit: 'dtm.import.start' },
      summary: 'Import an uploaded round file into a round (creates the round as a draft); answers 202 with the job to poll',
      body: ImportBody,
      errors: [400, 403, 404, 409, 422],
      run: (request) =>
        dtmImports.startImport(db, request.params.id, { ...request.body, mapping: checkMapping(request.body.mapping) }, {
          actor: request.actor,
          background: true,
          onBackgroundError: (error) => request.log.warn(dtmImports.importFailureForLog(error), 'DTM import failed'),
        }),
    },
    progress: {
      path: '/api/dtm/jobs/:id',
      config: { verb: 'dtm.import' },
      summary: 'Progress and outcome of an import job',
      errors: [400, 404],
      find: (request) => dtmImports.importJob(db, request.actor, request.params.id),
    },
  });

  const limit = uploads.settings.dtmFileLimit;
  fileUploadRoute(app, uploads, {
    path: '/api/dtm/uploads',
    config: { verb: 'dtm.import', audit: 'dtm.upload' },
    tags,
    summary: 'Upload a round file (CSV or XLSX): answers its sheets, headers, HXL row, sample rows and the column mapping to confirm',
    limit,
    querystring: Type.Object({ fileName: Type.String({ minLength: 1, maxLength: 255 }), operation: Type.Optional(Code) }),
    upload: schemas.UploadSchema,
    errors: [400, 413, 415, 422, 429],
    receive: (body, request) => dtmUploads.receiveRoundFile(db, body, { fileName: request.query.fileName, actor: request.actor, operation: request.query.operation, limit }),
  });
}
