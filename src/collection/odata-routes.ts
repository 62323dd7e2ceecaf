/**
 * The OData v4 feed of a form's submissions, at the path ODK Central uses
 * (`…/forms/{xmlFormId}.svc`), so that Excel and Power BI connect to it as they do to Central:
 * the same verb and country scope as the other collection reads, a Bearer token for the tools.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { errorResponses, type AppContext, type LiptakoApp } from '../core/http-kit.js';
import { odataMetadata, odataRows, odataServiceDocument } from './odata.js';

const tags = ['collection'];
const Id = Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 });
const FormIdText = Type.String({ minLength: 1, maxLength: 200 });
const Params = Type.Object({ projectId: Id, xmlFormId: FormIdText });
const JSON_TYPE = 'application/json; odata.metadata=minimal; charset=utf-8';

// A table's columns are the form's questions: $metadata names them and their types; a row is
// described here by what its values may be.
const SystemSchema = Type.Object({ submissionDate: Type.String({ format: 'date-time' }), submitterName: Type.String(), reviewState: Type.String(), instanceID: Type.String() });
const Row = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null(), SystemSchema]));
const PageSchema = Type.Object(
  {
    '@odata.context': Type.String(),
    '@odata.count': Type.Optional(Type.Integer()),
    '@odata.nextLink': Type.Optional(Type.String()),
    value: Type.Array(Row),
  },
  { description: 'Rows of the table: `__id`, the questions (typed as $metadata says), `__system` (submissionDate, submitterName, reviewState, instanceID) or the parent key `__Submissions-id`.' },
);
const ServiceSchema = Type.Object({
  '@odata.context': Type.String(),
  value: Type.Array(Type.Object({ name: Type.String(), kind: Type.Literal('EntitySet'), url: Type.String() })),
});

/** The service root as the client reached it: nextLink and context are absolute, as Power BI follows them. */
const serviceRoot = (request: FastifyRequest, projectId: number, xmlFormId: string): string =>
  `${request.protocol}://${request.host}/api/collection/projects/${projectId}/forms/${encodeURIComponent(xmlFormId)}.svc`;

export function odataRoutes(app: LiptakoApp, { db }: AppContext): void {
  app.get(
    '/api/collection/projects/:projectId/forms/:xmlFormId.svc',
    {
      config: { verb: 'collection.read', audit: 'collection.odata.read' },
      schema: { tags, summary: 'OData service document of a form: its tables (Submissions and one per repeat)', params: Params, response: { 200: ServiceSchema, ...errorResponses(404) } },
    },
    async (request, reply) => {
      const { projectId, xmlFormId } = request.params;
      const body = await odataServiceDocument(db, request.principal, projectId, xmlFormId, serviceRoot(request, projectId, xmlFormId));
      await request.auditRead({ objectType: 'collection-form', objectId: xmlFormId, summary: { projectId, odata: 'service' } });
      return reply.type(JSON_TYPE).header('odata-version', '4.0').send(body);
    },
  );

  app.get(
    '/api/collection/projects/:projectId/forms/:xmlFormId.svc/$metadata',
    {
      config: { verb: 'collection.read', audit: 'collection.odata.read' },
      schema: {
        tags,
        summary: 'OData $metadata (EDMX XML): an entity type per table, typed from the form, keyed by __id, repeats as navigation properties',
        params: Params,
        response: { 200: Type.String({ description: 'EDMX XML' }), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const { projectId, xmlFormId } = request.params;
      const xml = await odataMetadata(db, request.principal, projectId, xmlFormId);
      await request.auditRead({ objectType: 'collection-form', objectId: xmlFormId, summary: { projectId, odata: '$metadata' } });
      return reply.type('application/xml; charset=utf-8').header('odata-version', '4.0').send(xml);
    },
  );

  app.get(
    '/api/collection/projects/:projectId/forms/:xmlFormId.svc/:table',
    {
      config: { verb: 'collection.read', audit: 'collection.odata.read' },
      schema: {
        tags,
        summary: 'OData rows of a table (Submissions, Submissions.need…), pages of at most 1,000 with @odata.nextLink',
        description:
          '$filter supports __system/submissionDate (eq, gt, ge, lt, le) and __system/reviewState eq, joined by and; anything else is refused (400), never ignored.',
        params: Type.Object({ projectId: Id, xmlFormId: FormIdText, table: Type.String({ minLength: 1, maxLength: 300 }) }),
        querystring: Type.Object({
          $top: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
          $skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
          $count: Type.Optional(Type.String({ maxLength: 10 })),
          $filter: Type.Optional(Type.String({ maxLength: 1000 })),
          $select: Type.Optional(Type.String({ maxLength: 4000 })),
          $skiptoken: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 200: PageSchema, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { projectId, xmlFormId, table } = request.params;
      const query = request.query;
      // Read from the raw URL: the schema would drop an unknown option ($orderby, $expand) before we saw it.
      const given = [...new URL(request.raw.url ?? '/', 'http://x').searchParams.keys()];
      const unknown = given.filter((key) => !['$top', '$skip', '$count', '$filter', '$select', '$skiptoken'].includes(key));
      const preferred = /odata\.maxpagesize=(\d{1,7})/.exec(String(request.headers.prefer ?? ''))?.[1];
      const page = await odataRows(
        db,
        request.principal,
        projectId,
        xmlFormId,
        table,
        { top: query.$top, skip: query.$skip, count: query.$count, filter: query.$filter, select: query.$select, skiptoken: query.$skiptoken, unknown, pageSize: preferred === undefined ? undefined : Number(preferred) },
        serviceRoot(request, projectId, xmlFormId),
      );
      await request.auditRead({ objectType: 'collection-form', objectId: xmlFormId, summary: { projectId, table, filter: query.$filter ?? null, rows: page.value.length } });
      return reply.type(JSON_TYPE).header('odata-version', '4.0').send(page);
    },
  );
}
