/**
 * Published displacement data over HTTP: the DTM API v3 compatible endpoints (`/dtm/v3/…`, their
 * own envelope, errors included), HDX HAPI v2 IDPs (`/hapi/v2/affected-people/idps`, conventions of
 * the HAPI funding endpoint), and the native exports of a round (CSV/XLSX with an HXL row, GeoJSON).
 */
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, formatMessage, isAppError } from '../core/errors.js';
import { toCsv, toXlsx } from '../core/exports.js';
import { hapiPage, hapiQuery, hapiResponses, sendHapiCsv, TextFilter as Text } from '../core/hapi.js';
import { BoundaryGeometry, errorResponses, fileResponse, languageOf, oneOf, XLSX, type AppContext, type LiptakoApp } from '../core/http-kit.js';
import * as aggregate from './aggregate.js';
import { POPULATION_GROUPS } from '../shared/displacement.js';
import * as publishing from './publishing.js';
import * as dtm from './service.js';

const Code = Type.String({ minLength: 2, maxLength: 40, pattern: '^[A-Za-z0-9-]+$', description: 'Operation code, e.g. MLI-CONFLICT' });
const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const AssessmentType = Type.Union([Type.Literal('BA'), Type.Literal('SA')], { description: 'BA baseline area, SA site/location; never added together' });
const Group = Type.Union(POPULATION_GROUPS.map((group) => Type.Literal(group)), { description: 'Population group (default idp)' });
const Level = Type.Union([Type.Literal(1), Type.Literal(2)], { default: 2, description: 'Admin level of the rows' });
const DateString = Type.String({ format: 'date', maxLength: 10 });
/** Filters are matched as data; control characters (NUL, which PostgreSQL refuses in text) are refused up front. */
const RoundNumber = (description: string) => Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, description }));
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const HapiIdpRowSchema = Type.Object({
  location_code: Type.String({ description: 'ISO3' }),
  admin1_code: Type.String(),
  admin1_name: Nullable(Type.String()),
  admin2_code: Nullable(Type.String()),
  admin2_name: Nullable(Type.String()),
  admin_level: Type.Union([Type.Literal(1), Type.Literal(2)]),
  operation: Type.String(),
  assessment_type: AssessmentType,
  reporting_round: Type.Integer(),
  population: Type.Integer({ description: 'IDPs (individuals)' }),
  reference_period_start: Type.String(),
  reference_period_end: Type.String(),
});

// ---- DTM API v3 ----------------------------------------------------------------------------------

const DtmBaseQuery = {
  Operation: Text(200, 'DTM operation name (e.g. Mali Conflict) or Liptako operation code'),
  CountryName: Text(100, 'Country name in English or French (e.g. Mali, Burkina Faso)'),
  Admin0Pcode: Text(3, 'ISO 3166-1 alpha-3 (MLI) or alpha-2 (ML)'),
  FromReportingDate: Type.Optional(DateString),
  ToReportingDate: Type.Optional(DateString),
  FromRoundNumber: RoundNumber('First round number (inclusive)'),
  ToRoundNumber: RoundNumber('Last round number (inclusive)'),
};
const Admin1Query = { Admin1Name: Text(200, 'Admin1 name (accents and case ignored)'), Admin1Pcode: Text(20, 'Admin1 P-code (ML05; MLI05 is accepted)') };
const Admin2Query = { Admin2Name: Text(200, 'Admin2 name (accents and case ignored)'), Admin2Pcode: Text(20, 'Admin2 P-code (ML0501)') };

const DtmRowSchema = Type.Object({
  id: Type.Integer({ description: 'Stable id of the row (round, unit, reason and origin)' }),
  operation: Type.String(),
  admin0Name: Type.String(),
  admin0Pcode: Type.String({ description: 'ISO3' }),
  admin1Name: Nullable(Type.String()),
  admin1Pcode: Nullable(Type.String()),
  admin2Name: Nullable(Type.String()),
  admin2Pcode: Nullable(Type.String()),
  numPresentIdpInd: Type.Integer(),
  reportingDate: Type.String({ description: 'Reference date of the round' }),
  yearReportingDate: Type.Integer(),
  monthReportingDate: Type.Integer(),
  roundNumber: Type.Integer(),
  displacementReason: Type.String(),
  numberMales: Nullable(Type.Integer()),
  numberFemales: Nullable(Type.Integer()),
  idpOriginAdmin1Name: Type.String(),
  idpOriginAdmin1Pcode: Type.String(),
  assessmentType: AssessmentType,
});

const Envelope = <T extends TSchema>(row: T) =>
  Type.Object({
    result: Type.Array(row),
    statusCode: Type.Integer(),
    isSuccess: Type.Boolean(),
    errorMessages: Type.Array(Type.String()),
    totalRecordsCount: Type.Integer(),
  });
const DtmFailure = Envelope(Type.Unknown());

/** publishing.ts FigureCollection: a round's figures per admin unit with simplified boundaries. */
const FigureCollectionSchema = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      id: Type.String(),
      properties: Type.Object({
        pcode: Type.String(),
        name: Nullable(Type.String()),
        individuals: Type.Number(),
        households: Nullable(Type.Number()),
        roundNumber: Type.Integer(),
        referenceDate: DateString,
      }),
      geometry: Nullable(BoundaryGeometry),
    }),
  ),
  liptako: Type.Object(
    {
      operation: Type.String(),
      country: Type.String(),
      level: Type.Union([Type.Literal(1), Type.Literal(2)]),
      group: oneOf(POPULATION_GROUPS),
      assessmentType: Type.Union([Type.Literal('BA'), Type.Literal('SA')]),
      round: Nullable(Type.Object({ id: Type.Integer(), number: Type.Integer(), referenceDate: DateString, status: Type.String() })),
      detail: Type.Literal('simplified'),
      unitsWithoutGeometry: Type.Integer(),
      withoutGeometry: Type.Array(Type.String()),
    },
    { description: 'Foreign member (RFC 7946 §6.1): what the collection is of' },
  ),
});

/** Errors of the DTM routes leave in the DTM envelope, with the message in the caller's language. */
function dtmErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  let appError: AppError;
  if (isAppError(error)) {
    appError = error;
  } else if (error.validation) {
    const detail = error.validation.map((issue) => `${issue.instancePath || error.validationContext || ''} ${issue.message ?? ''}`.trim()).join('; ');
    appError = new AppError('request.invalid', { detail }, { details: error.validation, cause: error });
  } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    appError = new AppError('request.invalid', { detail: error.message.slice(0, 200) }, { cause: error });
  } else {
    appError = new AppError('internal', { reference: String(request.id) }, { cause: error });
  }
  if (appError.status >= 500) request.log.error({ err: error, code: appError.code }, 'request failed');
  else request.log.info({ code: appError.code }, 'request refused');
  const language = languageOf(request);
  if (appError.retryAfter !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(appError.retryAfter))));
  return reply
    .status(appError.status)
    .header('content-language', language)
    .send(publishing.dtmFailure(appError.status, [formatMessage(appError.code, language, appError.params)]));
}

function dtmRoutes(app: LiptakoApp, { db, published }: AppContext): void {
  const tags = ['publishing'];
  app.setErrorHandler(dtmErrorHandler);

  const levels = [
    { level: 0, query: Type.Object(DtmBaseQuery), summary: 'DTM API v3 compatible: IDPs per country (published rounds only)' },
    { level: 1, query: Type.Object({ ...DtmBaseQuery, ...Admin1Query }), summary: 'DTM API v3 compatible: IDPs per admin1 (published rounds only)' },
    { level: 2, query: Type.Object({ ...DtmBaseQuery, ...Admin1Query, ...Admin2Query }), summary: 'DTM API v3 compatible: IDPs per admin2 (published rounds only)' },
  ] as const;
  for (const { level, query, summary } of levels) {
    app.get(
      `/dtm/v3/displacement/admin${level}`,
      {
        config: { verb: 'hapi.read' },
        schema: {
          tags,
          summary,
          description:
            'One row per operation, round, assessment type (BA and SA apart, never added), admin unit, displacement reason and origin region. At least one of Operation, CountryName or Admin0Pcode is required.',
          querystring: query,
          response: { 200: Envelope(DtmRowSchema), 400: DtmFailure },
        },
      },
      async (request, reply) => {
        const filters: publishing.DtmQuery = request.query;
        const problem = publishing.dtmQueryProblem(filters);
        if (problem !== null) throw problem;
        // Published rounds only: the same answer for everyone, kept until a publication in its countries.
        return published.answer(request, reply, {
          keys: (versions) => publishing.dtmVersionKeys(filters, versions),
          compute: async () => ({ body: publishing.dtmSuccess(await publishing.dtmDisplacement(db, level, filters)), store: true }),
          sameInEveryLanguage: true,
        });
      },
    );
  }

  app.get(
    '/dtm/v3/country-list',
    {
      config: { verb: 'hapi.read' },
      schema: {
        tags,
        summary: 'DTM API v3 compatible: countries with published DTM data',
        response: { 200: Envelope(Type.Object({ admin0Name: Type.String(), admin0Pcode: Type.String() })), 400: DtmFailure },
      },
    },
    async () => publishing.dtmSuccess(await publishing.dtmCountries(db)),
  );

  app.get(
    '/dtm/v3/operation-list',
    {
      config: { verb: 'hapi.read' },
      schema: {
        tags,
        summary: 'DTM API v3 compatible: operations with published DTM data',
        response: { 200: Envelope(Type.Object({ operation: Type.String(), admin0Name: Type.String(), admin0Pcode: Type.String() })), 400: DtmFailure },
      },
    },
    async () => publishing.dtmSuccess(await publishing.dtmOperations(db)),
  );
}

// ---- native exports ------------------------------------------------------------------------------

const ExportQuery = Type.Object({
  level: Level,
  assessmentType: Type.Optional(AssessmentType),
  group: Type.Optional(Group),
  round: Type.Optional(Id),
  includeDrafts: Type.Optional(Type.Boolean({ description: 'The latest round of any status (people of the operation’s country only)' })),
});

export function displacementPublicRoutes(app: LiptakoApp, context: AppContext): void {
  const { db, published } = context;
  const tags = ['publishing'];

  // The DTM routes answer errors in their own envelope: their own scope and error handler.
  app.register((scope, _options, done) => {
    dtmRoutes(scope, context);
    done();
  });

  app.get(
    '/hapi/v2/affected-people/idps',
    {
      config: { verb: 'hapi.read' },
      schema: {
        tags,
        summary: 'HDX HAPI v2 compatible IDPs per admin1 or admin2 and round (published rounds only)',
        querystring: hapiQuery({
          location_code: Text(3, 'ISO3 (MLI) or ISO2 (ML)'),
          admin1_code: Text(20),
          admin2_code: Text(20),
          admin_level: Level,
          operation: Text(200),
          assessment_type: Type.Optional(AssessmentType),
          reporting_round: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
        }),
        response: hapiResponses(HapiIdpRowSchema),
      },
    },
    async (request, reply) => {
      const query = request.query;
      if (query.output_format === 'csv') {
        return sendHapiCsv(reply, publishing.HAPI_IDP_COLUMNS, await publishing.hapiIdps(db, query));
      }
      const keys = (versions: ReadonlyMap<string, string>): string[] => publishing.hapiVersionKeys(query, versions);
      return published.answer(request, reply, {
        keys,
        compute: async () => ({ body: { data: await hapiPage(published, 'hapi-idps', query, keys, (paging) => publishing.hapiIdps(db, { ...query, ...paging })) }, store: true }),
        sameInEveryLanguage: true,
      });
    },
  );

  app.get(
    '/api/dtm/operations/:code/export',
    {
      config: { verb: 'export.download', audit: 'dtm.export' },
      schema: {
        tags: ['displacement'],
        summary: 'Figures per admin unit of a round (latest published by default) as CSV or XLSX, with an HXL row',
        params: Type.Object({ code: Code }),
        querystring: Type.Composite([
          ExportQuery,
          Type.Object({
            format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' }),
            lang: Type.Optional(Type.Union([Type.Literal('fr'), Type.Literal('en')], { description: 'Language of the headers (default: Accept-Language)' })),
          }),
        ]),
        response: { 200: fileResponse('The figures as CSV or as an Excel workbook, with an HXL row', 'text/csv', XLSX), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const query = request.query;
      const operation = await dtm.authoriseOperation(db, request.params.code, request.principal, 'dtm.read');
      const chosen = await aggregate.chooseRound(db, operation, query, request.principal);
      const language = query.lang ?? languageOf(request);
      const rows = await publishing.unitFigures(db, chosen, query.level);
      const columns = publishing.exportColumns(chosen, query.level, language);
      const stem = publishing.exportStem(chosen, query.level);
      await request.auditRead({
        objectType: 'dtm-operation',
        objectId: operation.code,
        summary: { format: query.format, level: query.level, round: chosen.round?.id ?? null, roundStatus: chosen.round?.status ?? null, assessmentType: chosen.assessmentType, group: chosen.group, rows: rows.length },
      });
      if (query.format === 'csv') {
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${stem}.csv"`).send(toCsv(columns, rows));
      }
      const workbook = await toXlsx(columns, rows, { sheetName: stem.slice(0, 31) });
      return reply
        .type(XLSX)
        .header('content-disposition', `attachment; filename="${stem}.xlsx"`)
        .send(workbook);
    },
  );

  app.get(
    '/api/dtm/operations/:code/geojson',
    {
      config: { verb: 'export.download', audit: 'dtm.export.geojson' },
      schema: {
        tags: ['displacement'],
        summary: 'Figures per admin unit of a round as a GeoJSON FeatureCollection with simplified boundaries (geometry null where none is imported)',
        params: Type.Object({ code: Code }),
        querystring: ExportQuery,
        response: { 200: { description: 'A GeoJSON FeatureCollection (RFC 7946)', content: { 'application/geo+json': { schema: FigureCollectionSchema } } }, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const query = request.query;
      const operation = await dtm.authoriseOperation(db, request.params.code, request.principal, 'dtm.read');
      const chosen = await aggregate.chooseRound(db, operation, query, request.principal);
      const collection = await publishing.figureCollection(db, chosen, query.level);
      await request.auditRead({
        objectType: 'dtm-operation',
        objectId: operation.code,
        summary: { format: 'geojson', level: query.level, round: chosen.round?.id ?? null, roundStatus: chosen.round?.status ?? null, assessmentType: chosen.assessmentType, group: chosen.group },
      });
      const stem = publishing.exportStem(chosen, query.level);
      return reply
        .type('application/geo+json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${stem}.geojson"`)
        .send(collection);
    },
  );
}
