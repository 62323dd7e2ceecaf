/** HTTP routes of field collection for the web app and scripts (/api/collection); the phones' OpenRosa routes are in openrosa-routes.ts. */
import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { ZipArchive } from 'archiver';
import { errorResponses, languageOf, type AppContext, type LiptakoApp } from '../core/http-kit.js';
import { fileBody, fileBodyRoutes } from '../core/uploads.js';
import { BinarySchema, openRosaRoutes } from './openrosa-routes.js';
import { odataRoutes } from './odata-routes.js';
import * as collection from './service.js';
import { exportSubmissions } from './exports.js';
import { submissionsWorkbook } from './exports-xlsx.js';
import * as submissions from './submissions.js';
import { submissionReceipt } from './receipt.js';
import { FORM_MEDIA_MAX_BYTES, listFormMedia, uploadFormMedia } from './form-media.js';
import { XFORM_MAX_BYTES } from './xform.js';

const Id = Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 });
const FormIdText = Type.String({ minLength: 1, maxLength: 200 });
const FormStateSchema = Type.Union([Type.Literal('open'), Type.Literal('closed')]);
const ReviewStateSchema = Type.Union([Type.Literal('received'), Type.Literal('has-issues'), Type.Literal('edited'), Type.Literal('approved'), Type.Literal('rejected')]);
const ReviewDecisionSchema = Type.Union([Type.Literal('has-issues'), Type.Literal('edited'), Type.Literal('approved'), Type.Literal('rejected')]);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const tags = ['collection'];
const ExportQuery = Type.Object({
  reviewState: Type.Optional(Type.Array(ReviewStateSchema, { maxItems: 5 })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  splitSelectMultiple: Type.Optional(Type.Boolean({ description: 'One 0/1 column per choice of a select-multiple, named question/choice' })),
  groupPaths: Type.Optional(Type.Boolean({ description: 'Column names with their groups (default true)' })),
  labels: Type.Optional(Type.Union([Type.Literal('fr'), Type.Literal('en')], { description: 'Choices as their labels in this language instead of codes' })),
});

const ProjectSchema = Type.Object({ id: Type.Integer(), name: Type.String(), country: Type.String(), forms: Type.Integer(), submissions: Type.Integer(), createdAt: Type.String() });
const FormSchema = Type.Object({
  id: Type.Integer(),
  projectId: Type.Integer(),
  formId: Type.String(),
  title: Type.String(),
  state: FormStateSchema,
  publishedVersion: Nullable(Type.String()),
  publishedVersionId: Nullable(Type.Integer()),
  md5: Nullable(Type.String()),
  attachments: Type.Integer(),
  submissions: Type.Integer(),
  lastSubmissionAt: Nullable(Type.String()),
});
const VersionSchema = Type.Object({
  id: Type.Integer(),
  version: Type.String(),
  md5: Type.String(),
  source: Type.Union([Type.Literal('xform'), Type.Literal('xlsform')]),
  questions: Type.Integer(),
  repeats: Type.Integer(),
  languages: Type.Array(Type.String()),
  createdBy: Type.String(),
  createdAt: Type.String(),
});
const AppUserSchema = Type.Object({ id: Type.Integer(), name: Type.String(), formIds: Type.Array(Type.Integer()), createdAt: Type.String(), revokedAt: Nullable(Type.String()) });
const SubmissionSchema = Type.Object({
  id: Type.Integer(),
  instanceId: Type.String(),
  instanceName: Nullable(Type.String()),
  version: Type.String(),
  submittedBy: Type.String(),
  deviceId: Nullable(Type.String()),
  receivedAt: Type.String(),
  reviewState: ReviewStateSchema,
  edits: Type.Integer(),
  attachmentsExpected: Type.Integer(),
  attachmentsPresent: Type.Integer(),
});
const SubmissionDetailSchema = Type.Object({
  submission: SubmissionSchema,
  answers: Type.Array(
    Type.Object({ path: Type.String(), position: Type.String(), value: Type.String(), label: Type.Union([Type.String(), Type.Null()]), valueLabel: Type.Union([Type.String(), Type.Null()]) }),
  ),
  attachments: Type.Array(Type.Object({ name: Type.String(), present: Type.Boolean(), contentType: Nullable(Type.String()) })),
  history: Type.Array(Type.Object({ id: Type.Integer(), instanceId: Type.String(), receivedAt: Type.String(), submittedBy: Type.String() })),
  reviews: Type.Array(Type.Object({ state: Type.String(), comment: Nullable(Type.String()), by: Type.String(), at: Type.String() })),
});
const ProjectParams = Type.Object({ projectId: Id });
const FormParams = Type.Object({ projectId: Id, xmlFormId: FormIdText });
const VersionParams = Type.Object({ projectId: Id, xmlFormId: FormIdText, versionId: Id });
const MediaFileSchema = Type.Object({ name: Type.String(), present: Type.Boolean(), md5: Nullable(Type.String()), contentType: Nullable(Type.String()) });

export function collectionRoutes(app: LiptakoApp, context: AppContext): void {
  const { db } = context;
  openRosaRoutes(app, context);
  odataRoutes(app, context);

  app.get(
    '/api/collection/projects',
    { config: { verb: 'collection.read' }, schema: { tags, summary: 'Collection projects in your scope', response: { 200: Type.Object({ projects: Type.Array(ProjectSchema) }) } } },
    async (request) => ({ projects: await collection.listProjects(db, request.principal) }),
  );

  app.post(
    '/api/collection/projects',
    {
      config: { verb: 'collection.manage', audit: 'collection.project.create' },
      schema: {
        tags,
        summary: 'Create a collection project for a country',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), country: Type.String({ pattern: '^[A-Za-z]{2}$' }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ project: ProjectSchema }), ...errorResponses(400, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send({ project: await collection.createProject(db, request.actor, request.body) }),
  );

  app.get(
    '/api/collection/projects/:projectId/forms',
    {
      config: { verb: 'collection.read' },
      schema: { tags, summary: 'The forms of a project', params: ProjectParams, response: { 200: Type.Object({ forms: Type.Array(FormSchema) }), ...errorResponses(404) } },
    },
    async (request) => ({ forms: await collection.listForms(db, request.principal, request.params.projectId) }),
  );

  app.get(
    '/api/collection/projects/:projectId/forms/:xmlFormId',
    {
      config: { verb: 'collection.read' },
      schema: { tags, summary: 'A form and its versions', params: FormParams, response: { 200: Type.Object({ form: FormSchema, versions: Type.Array(VersionSchema) }), ...errorResponses(404) } },
    },
    async (request) => collection.formDetail(db, request.principal, request.params.projectId, request.params.xmlFormId),
  );

  fileBodyRoutes<LiptakoApp>(app, context.uploads, XFORM_MAX_BYTES, (scope) => {
    scope.post(
      '/api/collection/projects/:projectId/forms',
      {
        bodyLimit: XFORM_MAX_BYTES,
        config: { verb: 'collection.manage', audit: 'collection.form.upload' },
        schema: {
          tags,
          summary: 'Upload a form (XForm XML or XLSForm .xlsx, converted) as a new version; the same form id and version with other bytes is refused (409)',
          description: 'Raw body. An .xlsx is converted (docs/xlsform.md); every problem is refused with its sheet, row and column in `details`. `publish=true` makes this version the one phones download.',
          params: ProjectParams,
          querystring: Type.Object({ publish: Type.Optional(Type.Boolean()), fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) }),
          response: { 200: Type.Object({ form: FormSchema, version: VersionSchema, created: Type.Boolean(), warnings: Type.Array(Type.String()) }), 201: Type.Object({ form: FormSchema, version: VersionSchema, created: Type.Boolean(), warnings: Type.Array(Type.String()) }), ...errorResponses(400, 403, 404, 409, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        const bytes = fileBody(request.body);
        const result = await collection.uploadForm(db, request.actor, request.params.projectId, { bytes, publish: request.query.publish === true, fileName: request.query.fileName, language: languageOf(request) });
        return reply.status(result.created ? 201 : 200).send(result);
      },
    );
  });

  app.get(
    '/api/collection/projects/:projectId/forms/:xmlFormId/versions/:versionId/media',
    {
      config: { verb: 'collection.read' },
      schema: { tags, summary: 'The media files a form version names, and which are uploaded', params: VersionParams, response: { 200: Type.Object({ files: Type.Array(MediaFileSchema) }), ...errorResponses(404) } },
    },
    async (request) => ({ files: await listFormMedia(db, request.principal, request.params.projectId, request.params.xmlFormId, request.params.versionId) }),
  );

  fileBodyRoutes<LiptakoApp>(app, context.uploads, FORM_MEDIA_MAX_BYTES, (scope) => {
    scope.post(
      '/api/collection/projects/:projectId/forms/:xmlFormId/versions/:versionId/media',
      {
        bodyLimit: FORM_MEDIA_MAX_BYTES,
        config: { verb: 'collection.manage', audit: 'collection.form.media' },
        schema: {
          tags,
          summary: 'Upload a media file the form names (an image, a CSV choice list), or a zip of them',
          description: `Raw body, \`fileName\` in the query. Only files the form names are kept; a zip is checked for a bomb before it is opened and unpacks to at most ${Math.round(FORM_MEDIA_MAX_BYTES / 1024 / 1024)} MB.`,
          params: VersionParams,
          querystring: Type.Object({ fileName: Type.String({ minLength: 1, maxLength: 255 }) }),
          response: { 200: Type.Object({ files: Type.Array(MediaFileSchema), stored: Type.Array(Type.String()), ignored: Type.Integer() }), ...errorResponses(403, 404, 413, 422) },
        },
      },
      async (request) =>
        uploadFormMedia(db, request.actor, request.params.projectId, request.params.xmlFormId, request.params.versionId, { fileName: request.query.fileName, bytes: fileBody(request.body) }),
    );
  });

  app.post(
    '/api/collection/projects/:projectId/forms/:xmlFormId/publish',
    {
      config: { verb: 'collection.manage', audit: 'collection.form.publish' },
      schema: {
        tags,
        summary: 'Make a version the one phones download',
        params: FormParams,
        body: Type.Object({ versionId: Id }, { additionalProperties: false }),
        response: { 200: Type.Object({ form: FormSchema }), ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => ({ form: await collection.publishForm(db, request.actor, request.params.projectId, request.params.xmlFormId, request.body.versionId) }),
  );

  app.post(
    '/api/collection/projects/:projectId/forms/:xmlFormId/state',
    {
      config: { verb: 'collection.manage', audit: 'collection.form.state' },
      schema: {
        tags,
        summary: 'Open or close a form to submissions',
        params: FormParams,
        body: Type.Object({ state: FormStateSchema }, { additionalProperties: false }),
        response: { 200: Type.Object({ form: FormSchema }), ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => ({ form: await collection.setFormState(db, request.actor, request.params.projectId, request.params.xmlFormId, request.body.state) }),
  );

  app.get(
    '/api/collection/projects/:projectId/app-users',
    {
      config: { verb: 'collection.manage' },
      schema: { tags, summary: 'The app users (phones) of a project', params: ProjectParams, response: { 200: Type.Object({ appUsers: Type.Array(AppUserSchema) }), ...errorResponses(404) } },
    },
    async (request) => ({ appUsers: await collection.listAppUsers(db, request.principal, request.params.projectId) }),
  );

  app.post(
    '/api/collection/projects/:projectId/app-users',
    {
      config: { verb: 'collection.manage', audit: 'collection.app-user.create' },
      schema: {
        tags,
        summary: 'Create an app user: its server URL (with its secret) and ODK Collect QR code are shown this once',
        params: ProjectParams,
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), formIds: Type.Array(Id, { maxItems: 500 }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ appUser: AppUserSchema, serverUrl: Type.String(), qrSvg: Type.String() }), ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await collection.createAppUser(db, request.actor, request.params.projectId, request.body, `${request.protocol}://${request.host}`)),
  );

  app.post(
    '/api/collection/projects/:projectId/app-users/:appUserId/revoke',
    {
      config: { verb: 'collection.manage', audit: 'collection.app-user.revoke' },
      schema: {
        tags,
        summary: 'Revoke an app user: its phone is refused from now on (403)',
        params: Type.Object({ projectId: Id, appUserId: Id }),
        response: { 200: Type.Object({ appUser: AppUserSchema }), ...errorResponses(403, 404) },
      },
    },
    async (request) => ({ appUser: await collection.revokeAppUser(db, request.actor, request.params.projectId, request.params.appUserId) }),
  );

  app.get(
    '/api/collection/projects/:projectId/forms/:xmlFormId/submissions',
    {
      config: { verb: 'collection.read' },
      schema: {
        tags,
        summary: 'Submissions of a form, newest first (current versions only)',
        params: FormParams,
        querystring: Type.Object({
          reviewState: Type.Optional(Type.Array(ReviewStateSchema, { maxItems: 5 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
        }),
        response: { 200: Type.Object({ submissions: Type.Array(SubmissionSchema), total: Type.Integer() }), ...errorResponses(404) },
      },
    },
    async (request) =>
      submissions.listSubmissions(db, request.principal, request.params.projectId, request.params.xmlFormId, {
        reviewStates: request.query.reviewState ?? null,
        limit: request.query.limit ?? 100,
        offset: request.query.offset ?? 0,
      }),
  );

  app.get(
    '/api/collection/projects/:projectId/forms/:xmlFormId/receipt',
    {
      config: { verb: 'collection.submit' },
      schema: {
        tags,
        summary: 'What the server holds of one submission (by instanceID): whether its XML arrived and which files it still lacks',
        description: 'For a sender resuming after a cut (the web outbox): it posts only what is missing. Any caller who may fill the form.',
        params: FormParams,
        querystring: Type.Object({ instanceId: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: Type.Object({ received: Type.Boolean(), missing: Type.Array(Type.String()) }), ...errorResponses(404) },
      },
    },
    async (request) => submissionReceipt(db, request.principal, request.params.projectId, request.params.xmlFormId, request.query.instanceId),
  );

  for (const format of ['csv.zip', 'xlsx'] as const) {
    app.get(
      `/api/collection/projects/:projectId/forms/:xmlFormId/submissions.${format}`,
      {
        config: { verb: 'collection.read', audit: 'collection.submissions.export' },
        schema: {
          tags,
          summary:
            format === 'xlsx'
              ? 'Submissions as an Excel workbook: a sheet for the form, one per repeat group, stable keys, columns aligned across versions'
              : 'Submissions as a CSV zip: one file for the form, one per repeat group, stable keys, columns aligned across versions',
          description: 'Streamed a page of submissions at a time: memory stays flat whatever the number of submissions.',
          params: FormParams,
          querystring: ExportQuery,
          response: { 200: BinarySchema, ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        const { projectId, xmlFormId } = request.params;
        const filter = { reviewStates: request.query.reviewState ?? null, from: request.query.from ?? null, to: request.query.to ?? null };
        const options = { splitSelectMultiple: request.query.splitSelectMultiple ?? false, groupPaths: request.query.groupPaths ?? true, labels: request.query.labels ?? null };
        const zip = await exportSubmissions(db, request.principal, projectId, xmlFormId, filter, options);
        await request.auditRead({ objectType: 'collection-form', objectId: xmlFormId, summary: { projectId, format, ...filter, ...options } });
        const fileName = `${zip.formId.replace(/[^A-Za-z0-9_.-]/g, '_')}.${format}`;
        if (format === 'xlsx') {
          return reply
            .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
            .header('content-disposition', `attachment; filename="${fileName}"`)
            .send(submissionsWorkbook(zip.files));
        }
        const archive = new ZipArchive({ zlib: { level: 6 } });
        // Bytes, not objects: the stream holds at most a chunk beyond 64 KiB before it stops
        // asking the export for more (the export reads the database only as the download goes).
        for (const file of zip.files) archive.append(Readable.from(file.chunks, { objectMode: false, highWaterMark: 64 * 1024 }), { name: file.name });
        void archive.finalize();
        return reply.type('application/zip').header('content-disposition', `attachment; filename="${fileName}"`).send(archive);
      },
    );
  }

  app.get(
    '/api/collection/projects/:projectId/forms/:xmlFormId/submissions/:submissionId',
    {
      config: { verb: 'collection.read' },
      schema: {
        tags,
        summary: 'One submission: its answers, files, edit history and reviews',
        params: Type.Object({ projectId: Id, xmlFormId: FormIdText, submissionId: Id }),
        response: { 200: SubmissionDetailSchema, ...errorResponses(404) },
      },
    },
    async (request) => submissions.submissionDetail(db, request.principal, request.params.projectId, request.params.xmlFormId, request.params.submissionId, languageOf(request)),
  );

  app.get(
    '/api/collection/projects/:projectId/forms/:xmlFormId/submissions/:submissionId/attachments/:name',
    {
      config: { verb: 'collection.read' },
      schema: {
        tags,
        summary: 'A file of a submission (a photo)',
        params: Type.Object({ projectId: Id, xmlFormId: FormIdText, submissionId: Id, name: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: BinarySchema, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const file = await submissions.attachment(db, request.principal, request.params.projectId, request.params.xmlFormId, request.params.submissionId, request.params.name);
      // A photo from the field is shown, never run: no sniffing, no inline HTML.
      return reply.type(file.contentType.startsWith('image/') ? file.contentType : 'application/octet-stream').header('x-content-type-options', 'nosniff').send(file.bytes);
    },
  );

  app.post(
    '/api/collection/projects/:projectId/forms/:xmlFormId/reviews',
    {
      config: { verb: 'collection.review', audit: 'collection.submission.review' },
      schema: {
        tags,
        summary: `Set a review state on up to ${submissions.BULK_REVIEW_MAX} submissions at once, with a comment`,
        params: FormParams,
        body: Type.Object(
          {
            submissionIds: Type.Array(Id, { minItems: 1, maxItems: submissions.BULK_REVIEW_MAX }),
            state: ReviewDecisionSchema,
            comment: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ changed: Type.Array(Type.Integer()) }), ...errorResponses(400, 403, 404) },
      },
    },
    async (request) =>
      submissions.reviewSubmissions(db, request.actor, request.params.projectId, request.params.xmlFormId, {
        ids: request.body.submissionIds,
        state: request.body.state,
        comment: request.body.comment ?? null,
      }),
  );
}
