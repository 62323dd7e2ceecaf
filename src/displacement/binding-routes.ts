/** HTTP routes of form bindings (a collection form feeding DTM rounds): parse, authorise, call form-bindings.ts. */
import { Type } from '@sinclair/typebox';
import { errorResponses, languageOf, type AppContext, type LiptakoApp } from '../core/http-kit.js';
import * as jobs from '../core/jobs.js';
import { ROUND_FIELDS } from '../shared/displacement.js';
import { importFailureForLog } from './dtm-imports.js';
import * as bindings from './form-bindings.js';
import * as schemas from './route-schemas.js';

const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const Code = Type.String({ minLength: 2, maxLength: 40, pattern: '^[A-Za-z0-9-]+$', description: 'Operation code, e.g. MLI-CONFLICT' });
const FormId = Type.String({ minLength: 1, maxLength: 200, description: 'The XForm id of the form' });
const DateString = Type.String({ format: 'date', maxLength: 10 });
const AssessmentType = Type.Union([Type.Literal('BA'), Type.Literal('SA')]);
const Field = Type.Union([Type.Null(), Type.String({ maxLength: 40 })], { description: `A round field (${ROUND_FIELDS.slice(0, 6).join(', ')}, …) or null` });
const NullableString = Type.Union([Type.String(), Type.Null()]);

const Binding = Type.Object({
  id: Type.Integer(),
  projectId: Type.Integer(),
  formId: Type.String(),
  operation: Type.String(),
  assessmentType: AssessmentType,
  mapping: Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()])),
  createdBy: Type.String(),
  updatedBy: Type.String(),
  updatedAt: Type.String(),
});

const Panel = Type.Object({
  form: Type.Object({ projectId: Type.Integer(), formId: Type.String(), title: Type.String(), country: Type.String() }),
  questions: Type.Array(Type.Object({ path: Type.String(), name: Type.String(), label: NullableString, type: NullableString, suggested: NullableString })),
  operations: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), nameFr: Type.String(), ageRanges: Type.Array(Type.String()) })),
  binding: Type.Union([Binding, Type.Null()]),
  rounds: Type.Array(
    Type.Object({
      roundId: Type.Integer(),
      number: Type.Integer(),
      assessmentType: AssessmentType,
      status: Type.String(),
      fileName: Type.String(),
      rowsRead: Type.Integer(),
      rowsStored: Type.Integer(),
      createdAt: Type.String(),
    }),
  ),
});

export function bindingRoutes(app: LiptakoApp, { db }: AppContext): void {
  const tags = ['displacement'];

  app.get(
    '/api/dtm/form-bindings',
    {
      config: { verb: 'dtm.import' },
      schema: {
        tags,
        summary: 'A collection form as a source of DTM rounds: its questions with suggested round fields, the operations it may feed, its binding and the rounds made from it',
        querystring: Type.Object({ projectId: Id, formId: FormId }),
        response: { 200: Panel, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => bindings.bindingPanel(db, request.principal, request.query.projectId, request.query.formId, languageOf(request)),
  );

  app.put(
    '/api/dtm/form-bindings',
    {
      config: { verb: 'dtm.import', audit: 'dtm.binding.save' },
      schema: {
        tags,
        summary: 'Bind a collection form to a DTM operation: its questions mapped to round fields (question path → field, null: not read)',
        body: Type.Object(
          {
            projectId: Id,
            formId: FormId,
            operation: Code,
            assessmentType: AssessmentType,
            mapping: Type.Record(Type.String({ minLength: 1, maxLength: 500 }), Field, { maxProperties: 2000 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ binding: Binding, created: Type.Boolean() }), ...errorResponses(400, 403, 404, 422) },
      },
    },
    async (request) => bindings.saveBinding(db, request.actor, request.body, languageOf(request)),
  );

  app.delete(
    '/api/dtm/form-bindings/:id',
    {
      config: { verb: 'dtm.import', audit: 'dtm.binding.delete' },
      schema: { tags, summary: 'Unbind a form (rounds made from it stay as they are)', params: Type.Object({ id: Id }), response: { 200: Type.Object({ deleted: Type.Integer() }), ...errorResponses(403, 404) } },
    },
    async (request) => bindings.deleteBinding(db, request.actor, request.params.id, languageOf(request)),
  );

  app.post(
    '/api/dtm/form-bindings/:id/rounds',
    {
      config: { verb: 'dtm.import', audit: 'dtm.binding.extract' },
      schema: {
        tags,
        summary: 'Make a draft round from the approved submissions received in a collection period: answers 202 with the import job to poll',
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            roundNumber: Type.Integer({ minimum: 1, maximum: 10_000 }),
            periodStart: DateString,
            periodEnd: DateString,
            referenceDate: Type.Optional(Type.Union([DateString, Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: {
          202: Type.Object({ job: schemas.ImportJobSchema, extract: Type.Object({ uploadId: Type.Integer(), fileName: Type.String(), submissions: Type.Integer() }) }),
          ...errorResponses(400, 403, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const language = languageOf(request);
      const outcome = await bindings.draftRound(db, request.actor, request.params.id, request.body, {
        background: true,
        language,
        onBackgroundError: (error) => request.log.warn(importFailureForLog(error), 'DTM round from a form binding failed'),
      });
      return reply.status(202).send({ job: schemas.importJobView(outcome.job, jobs.jobErrorMessage(outcome.job.error, language)), extract: outcome.extract });
    },
  );
}
