/** HTTP routes of registry file imports: upload (streamed) with its preview, start (a job), the job's progress and report. */
import { Type, type Static } from '@sinclair/typebox';
import { AppError, type Language } from '../core/errors.js';
import { JsonValue, type AppContext, type LiptakoApp } from '../core/http-kit.js';
import { fileUploadRoute, importJobRoutes } from '../core/import-routes.js';
import * as jobs from '../core/jobs.js';
import { REGISTRY_FIELDS } from './registry-file.js';
import * as imports from './registry-imports.js';

const tags = ['assistance'];
const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const ColumnsSchema = Type.Partial(Type.Object(Object.fromEntries(REGISTRY_FIELDS.map((field) => [field, Type.String()]))));

const UploadSchema = Type.Object({
  id: Type.Integer(),
  fileName: Type.String(),
  sha256: Type.String(),
  sizeBytes: Type.Integer(),
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]),
  organisationId: Type.Integer(),
  sheets: Type.Array(
    Type.Object({
      name: Type.String(),
      headerRow: Type.Integer(),
      headers: Type.Array(Type.String()),
      samples: Type.Array(Type.Array(Type.String())),
      rows: Type.Integer(),
      columns: ColumnsSchema,
      missing: Type.Array(Type.String({ description: 'Fields a registration needs that no column gives' })),
    }),
  ),
  suggestedSheet: Type.String(),
});

const Params = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]));

const JobSchema = Type.Object({
  id: Type.Integer(),
  status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('interrupted')]),
  phase: Nullable(Type.String()),
  done: Type.Integer(),
  total: Nullable(Type.Integer()),
  result: Nullable(
    Type.Object({
      rowsRead: Type.Integer(),
      households: Type.Integer(),
      people: Type.Integer(),
      householdIds: Type.Array(Type.Integer()),
      alreadyImported: Type.Optional(Type.Boolean()),
      earlierJob: Type.Optional(Type.Integer({ description: 'The import of the same bytes that stored them' })),
    }),
  ),
  error: Nullable(
    Type.Object({
      code: Type.String(),
      params: Params,
      // For a refused file: rowsRead, findingCount, findings (code, row, params with column and
      // value, message in en and fr), findingsTruncated; for missing columns: missing.
      details: Type.Optional(JsonValue),
    }),
  ),
  message: Nullable(Type.String({ description: 'The error in the reader’s language' })),
  createdBy: Type.String(),
  createdAt: Type.String(),
  finishedAt: Nullable(Type.String()),
});

const StartBody = Type.Object(
  {
    sheet: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
    headerRow: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 1_048_576 }))),
    columns: Type.Optional(Type.Partial(Type.Object(Object.fromEntries(REGISTRY_FIELDS.map((field) => [field, Nullable(Type.String({ minLength: 1, maxLength: 200 }))])), { additionalProperties: false }))),
  },
  { additionalProperties: false },
);

/**
 * The job as the schema types it: its result is the import's own (registry-imports.ts writes it),
 * its error's details the JSON the import stored.
 */
const localisedJob = (job: jobs.JobView, language: Language): Static<typeof JobSchema> => ({
  id: job.id,
  status: job.status,
  phase: job.phase,
  done: job.done,
  total: job.total,
  result: job.result as imports.RegistryImportResult | null,
  error: job.error,
  message: jobs.jobErrorMessage(job.error, language),
  createdBy: job.createdBy,
  createdAt: job.createdAt,
  finishedAt: job.finishedAt,
}) as Static<typeof JobSchema>;

export function registryImportRoutes(app: LiptakoApp, { db, uploads }: AppContext): void {
  const failed = (request: { log: { warn: (value: unknown, message: string) => void } }) => (error: unknown) =>
    request.log.warn(error instanceof AppError ? { code: error.code } : { error: error instanceof Error ? error.name : typeof error }, 'registry import failed');

  importJobRoutes(app, {
    tags,
    job: JobSchema,
    view: localisedJob,
    start: {
      path: '/api/assistance/imports/uploads/:id/start',
      config: { verb: 'assistance.manage', audit: 'assistance.import.start' },
      summary: 'Import an uploaded registry file: answers 202 with the job to poll; every household is registered, or — at the first problem found — none, with every finding listed',
      body: StartBody,
      errors: [400, 403, 404, 422],
      run: (request) => imports.startRegistryImport(db, request.params.id, request.body, { actor: request.actor, background: true, onBackgroundError: failed(request) }),
    },
    progress: {
      path: '/api/assistance/imports/jobs/:id',
      config: { verb: 'assistance.manage' },
      summary: 'Progress and outcome of a registry import: households and people registered, or the findings (row, column, value, reason in French and English) and nothing stored',
      errors: [404],
      find: (request) => imports.registryImportJob(db, request.actor, request.params.id),
    },
  });

  const limit = imports.REGISTRY_FILE_LIMIT;
  fileUploadRoute(app, uploads, {
    path: '/api/assistance/imports/uploads',
    config: { verb: 'assistance.manage', audit: 'assistance.import.upload' },
    tags,
    summary: 'Upload a registry file (CSV or XLSX, one row per person with a household key) for an organisation: answers its sheets, header row, recognised and missing columns',
    limit,
    querystring: Type.Object({ fileName: Type.String({ minLength: 1, maxLength: 255 }), organisationId: Id }),
    upload: UploadSchema,
    errors: [400, 403, 404, 413, 415, 422, 429],
    receive: (body, request) => imports.receiveRegistryFile(db, body, { fileName: request.query.fileName, organisationId: request.query.organisationId, actor: request.actor, limit }),
  });
}
