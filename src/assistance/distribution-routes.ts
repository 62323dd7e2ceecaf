/** HTTP routes of distributions: plan one (its list built from the registry), its list, receipts, closing, the trace by area and donor. */
import { Type } from '@sinclair/typebox';
import { errorResponses, languageOf, type AppContext, type LiptakoApp } from '../core/http-kit.js';
import * as distributions from './distributions.js';
import { distributionSheet, PERSONAL_FIELDS, SHEETS } from './distribution-exports.js';

const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Day = Type.String({ maxLength: 20, description: 'YYYY-MM-DD' });

const DistributionBody = Type.Object(
  {
    organisationId: Id,
    type: Type.String({ minLength: 1, maxLength: 60, description: 'nfi-kit, shelter-kit, wash-kit, cash-transfer, livelihood-grant' }),
    // Wide on purpose: a slip (-5, 1e9) gets the registry's own message, not a schema error.
    quantity: Type.Number(),
    location: Type.Object({ pcode: Text(20), site: Type.Optional(Nullable(Type.String({ maxLength: 60 }))) }, { additionalProperties: false }),
    startsOn: Day,
    endsOn: Day,
    label: Text(200),
    plan: Type.Optional(
      Nullable(Type.Object({ code: Text(60), activityArea: Text(60), contributionId: Type.Optional(Nullable(Id)) }, { additionalProperties: false })),
    ),
  },
  { additionalProperties: false },
);

const DistributionSchema = Type.Object({
  id: Type.Integer(),
  label: Type.String(),
  organisation: Type.Object({ id: Type.Integer(), acronym: Type.String() }),
  type: Type.Object({ code: Type.String(), unit: Type.String(), unitValue: Type.Number(), currency: Type.String() }),
  quantity: Type.Number(),
  valuePerHousehold: Type.Number(),
  country: Type.String(),
  admin2: Type.String(),
  site: Nullable(Type.String()),
  startsOn: Type.String(),
  endsOn: Type.String(),
  activityAreaId: Nullable(Type.Integer()),
  contributionId: Nullable(Type.Integer()),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  listed: Type.Integer(),
  received: Type.Integer(),
});

const ReceiptBody = Type.Object(
  { householdId: Id, receivedBy: Text(200), receivedAt: Type.String({ minLength: 4, maxLength: 40, description: 'ISO date or date-time' }), proof: Type.Optional(Nullable(Type.String({ maxLength: 500 }))) },
  { additionalProperties: false },
);

const BinarySchema = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });

const TraceLine = Type.Object({ id: Type.Integer(), name: Type.String(), distributions: Type.Integer(), households: Type.Integer(), people: Type.Integer(), value: Type.Number(), currency: Type.String() });

export function distributionRoutes(app: LiptakoApp, { db }: AppContext): void {
  app.get(
    '/api/assistance/types',
    {
      config: { verb: 'assistance.read' },
      schema: {
        tags: ['assistance'],
        summary: 'The kinds of assistance handed out, with their unit and value',
        response: {
          200: Type.Object({ types: Type.Array(Type.Object({ code: Type.String(), name: Type.Object({ en: Type.String(), fr: Type.String() }), unit: Type.String(), unitValue: Type.Number(), currency: Type.String() })) }),
          ...errorResponses(400),
        },
      },
    },
    async () => ({ types: await distributions.assistanceTypes(db) }),
  );

  app.post(
    '/api/assistance/distributions',
    {
      config: { verb: 'assistance.manage', audit: 'assistance.distribution.plan' },
      schema: {
        tags: ['assistance'],
        summary: 'Plan a distribution (type, place, period, plan activity area, donor contribution); its list is built from the consenting households of the organisation there',
        body: DistributionBody,
        response: { 201: Type.Object({ distribution: DistributionSchema }), ...errorResponses(400, 403, 404, 422) },
      },
    },
    async (request, reply) => reply.status(201).send({ distribution: await distributions.planDistribution(db, request.actor, request.body) }),
  );

  app.get(
    '/api/assistance/distributions',
    {
      config: { verb: 'assistance.read' },
      schema: {
        tags: ['assistance'],
        summary: 'Distributions in your scope (a partner: its organisation’s), with listed and received counts',
        response: { 200: Type.Object({ distributions: Type.Array(DistributionSchema) }), ...errorResponses(400) },
      },
    },
    async (request) => ({ distributions: await distributions.listDistributions(db, request.principal) }),
  );

  app.get(
    '/api/assistance/distributions/:id',
    {
      config: { verb: 'assistance.read' },
      schema: {
        tags: ['assistance'],
        summary: 'A distribution’s list: households (no names) with their receipt state',
        params: Type.Object({ id: Id }),
        response: {
          200: Type.Object({
            distribution: DistributionSchema,
            households: Type.Array(
              Type.Object({
                householdId: Type.Integer(),
                admin2: Type.String(),
                site: Nullable(Type.String()),
                members: Type.Integer(),
                consenting: Type.Boolean(),
                receipt: Nullable(Type.Object({ receivedAt: Type.String(), receivedBy: Type.String(), recordedBy: Type.String() })),
              }),
            ),
          }),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => distributions.distributionList(db, request.principal, request.params.id),
  );

  app.post(
    '/api/assistance/distributions/:id/receipts',
    {
      config: { verb: 'assistance.manage', audit: 'assistance.receipt.record' },
      schema: {
        tags: ['assistance'],
        summary: 'Record that a listed household received; a second receipt (or one for a confirmed duplicate that already received the same assistance) is refused with who and when',
        params: Type.Object({ id: Id }),
        body: ReceiptBody,
        response: { 201: Type.Object({ receiptId: Type.Integer(), distributionId: Type.Integer(), householdId: Type.Integer() }), ...errorResponses(400, 404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await distributions.recordReceipt(db, request.actor, request.params.id, request.body)),
  );

  app.post(
    '/api/assistance/distributions/:id/receipts/bulk',
    {
      config: { verb: 'assistance.manage', audit: 'assistance.receipt.recordBulk' },
      schema: {
        tags: ['assistance'],
        summary: 'Record a sheet of receipts: all, or none with the first refused line named',
        params: Type.Object({ id: Id }),
        body: Type.Object({ receipts: Type.Array(ReceiptBody, { minItems: 1, maxItems: 5000 }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ distributionId: Type.Integer(), recorded: Type.Integer() }), ...errorResponses(400, 404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await distributions.recordReceipts(db, request.actor, request.params.id, request.body.receipts)),
  );

  for (const sheet of SHEETS) {
    app.get(
      `/api/assistance/distributions/:id/${sheet}.xlsx`,
      {
        config: { verb: 'assistance.manage', audit: 'assistance.distribution.export' },
        schema: {
          tags: ['assistance'],
          summary:
            sheet === 'list'
              ? 'The distribution list as an Excel sheet for the field team (households with consent, a column to sign); names and phones only when asked field by field'
              : 'The receipts recorded for a distribution as an Excel sheet; names and phones only when asked field by field',
          description: 'Every download is recorded in the audit log as a read of personal data. Households whose consent is withdrawn are left out. Text cells never start a formula.',
          params: Type.Object({ id: Id }),
          querystring: Type.Object({
            fields: Type.Optional(Type.Array(Type.Union(PERSONAL_FIELDS.map((field) => Type.Literal(field))), { maxItems: PERSONAL_FIELDS.length, description: 'Personal fields to include (assistance.personal): name, spokenName, phone' })),
          }),
          response: { 200: BinarySchema, ...errorResponses(400, 403, 404) },
        },
      },
      async (request, reply) => {
        const fields = request.query.fields ?? [];
        const result = await distributionSheet(db, request.principal, request.params.id, sheet, fields, languageOf(request));
        // No row in the audit log, no file.
        await request.auditRead({ objectType: 'distribution', objectId: result.distributionId, summary: { sheet, fields, households: result.households } });
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="${result.fileName}"`)
          .header('cache-control', 'no-store')
          .send(result.file);
      },
    );
  }

  app.post(
    '/api/assistance/distributions/:id/close',
    {
      config: { verb: 'assistance.manage', audit: 'assistance.distribution.close' },
      schema: {
        tags: ['assistance'],
        summary: 'Close a distribution: no receipt is added after',
        params: Type.Object({ id: Id }),
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: { 200: Type.Object({ distribution: DistributionSchema }), ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => ({ distribution: await distributions.closeDistribution(db, request.actor, request.params.id) }),
  );

  app.get(
    '/api/assistance/trace/:plan',
    {
      config: { verb: 'assistance.read' },
      schema: {
        tags: ['assistance'],
        summary: 'What a plan’s distributions delivered: households and people reached and value, per activity area and per donor contribution',
        params: Type.Object({ plan: Text(60) }),
        response: { 200: Type.Object({ plan: Type.String(), byActivityArea: Type.Array(TraceLine), byContribution: Type.Array(TraceLine) }), ...errorResponses(400, 404) },
      },
    },
    async (request) => distributions.trace(db, request.principal, request.params.plan, languageOf(request)),
  );
}
