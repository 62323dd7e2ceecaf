/** HTTP routes of 5W/3W file imports: upload (streamed), preview, start (a job), job progress and result, recent imports. */
import { Type } from '@sinclair/typebox';
import { AppError, type Language } from '../core/errors.js';
import { errorResponses, type AppContext, type LiptakoApp } from '../core/http-kit.js';
import { fileUploadRoute, importJobRoutes } from '../core/import-routes.js';
import * as jobs from '../core/jobs.js';
import { FIVE_W_FIELDS } from './five-w.js';
import * as imports from './five-w-imports.js';
import * as schemas from './route-schemas.js';

const tags = ['response'];
const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });

const ColumnsSchema = Type.Partial(Type.Object(Object.fromEntries(FIVE_W_FIELDS.map((field) => [field, Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()])]))), {
  additionalProperties: false,
});

const StartBody = Type.Object(
  {
    sheet: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()])),
    headerRow: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1_048_576 }), Type.Null()])),
    month: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$', maxLength: 7, description: 'The month of every row (YYYY-MM); required when the file has no dates' }), Type.Null()])),
    sector: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 10, description: 'IASC sector code of every row, for a file without a sector column' }), Type.Null()])),
    columns: Type.Optional(ColumnsSchema),
    skipRefusedRows: Type.Optional(Type.Boolean({ description: 'Store the other rows when some cannot be stored (otherwise nothing is stored)' })),
  },
  { additionalProperties: false },
);

function localisedJob(job: jobs.JobView, language: Language): schemas.ImportJob {
  return schemas.importJobView(job, jobs.jobErrorMessage(job.error, language));
}

export function responseImportRoutes(app: LiptakoApp, { db, uploads }: AppContext): void {
  const failed = (request: { log: { warn: (value: unknown, message: string) => void } }) => (error: unknown) =>
    request.log.warn(error instanceof AppError ? { code: error.code, params: error.params } : { error: error instanceof Error ? error.name : typeof error }, '5W import failed');

  app.get(
    '/api/response/imports',
    {
      config: { verb: 'response.report' },
      schema: {
        tags,
        summary: 'Recent 5W imports you may see (your own, and those of the countries you manage), with what became of their reports',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })) }),
        response: { 200: Type.Object({ imports: Type.Array(schemas.ImportListItemSchema) }), ...errorResponses(400) },
      },
    },
    async (request) => ({ imports: await imports.listFiveWImports(db, request.actor, request.query.limit ?? 20) }),
  );

  app.get(
    '/api/response/imports/uploads/:id',
    {
      config: { verb: 'response.report' },
      schema: {
        tags,
        summary: 'One sheet of an uploaded 5W file read from the chosen header row: headers, HXL row, samples, recognised and missing columns, whether it has dates',
        params: Type.Object({ id: Id }),
        querystring: Type.Object({ sheet: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), headerRow: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_048_576 })) }),
        response: { 200: Type.Object({ sheet: schemas.FiveWSheetSchema }), ...errorResponses(400, 403, 404, 422) },
      },
    },
    async (request) => ({ sheet: await imports.previewFiveWUpload(db, request.params.id, request.actor, request.query) }),
  );

  importJobRoutes(app, {
    tags,
    job: schemas.ImportJobSchema,
    view: localisedJob,
    start: {
      path: '/api/response/imports/uploads/:id/start',
      config: { verb: 'response.report', audit: 'response.import.start' },
      summary: 'Import an uploaded 5W file: answers 202 with the job to poll; its reports are stored as submitted, all or none',
      body: StartBody,
      errors: [400, 403, 404, 409, 422],
      run: (request) => imports.startFiveWImport(db, request.params.id, request.body, { actor: request.actor, background: true, onBackgroundError: failed(request) }),
    },
    progress: {
      path: '/api/response/imports/jobs/:id',
      config: { verb: 'response.report' },
      summary: 'Progress and outcome of a 5W import job: rows read and stored, organisations after folding, places by level, findings by rule',
      errors: [404],
      find: (request) => imports.fiveWImportJob(db, request.actor, request.params.id),
    },
  });

  const limit = imports.FIVE_W_FILE_LIMIT;
  fileUploadRoute(app, uploads, {
    path: '/api/response/imports/uploads',
    config: { verb: 'response.report', audit: 'response.import.upload' },
    tags,
    summary: 'Upload a 5W/3W file (CSV or XLSX) for a country: answers its sheets, header row, recognised columns, missing ones and whether it has dates',
    limit,
    querystring: Type.Object({ fileName: Type.String({ minLength: 1, maxLength: 255 }), country: Type.String({ minLength: 2, maxLength: 3 }) }),
    upload: schemas.FiveWUploadSchema,
    errors: [400, 403, 413, 415, 422, 429],
    receive: (body, request) => imports.receiveFiveWFile(db, body, { fileName: request.query.fileName, country: request.query.country, actor: request.actor, limit }),
  });
}
