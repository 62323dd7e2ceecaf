/** HTTP routes of the assistance registry: registration, consent, personal reads, duplicate review. */
import { Type } from '@sinclair/typebox';
import { errorResponses, type AppContext, type LiptakoApp } from '../core/http-kit.js';
import { distributionRoutes } from './distribution-routes.js';
import { registryImportRoutes } from './import-routes.js';
import { outputRoutes } from './output-routes.js';
import * as assistance from './service.js';

const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const OptionalText = (max: number) => Type.Optional(Type.Union([Type.String({ maxLength: max }), Type.Null()]));
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Code = Type.String({ pattern: '^[a-z][a-z0-9-]{0,39}$', description: 'A lower-case code, e.g. female-headed, disability' });

const MemberBody = Type.Object(
  {
    givenNames: Text(200),
    familyName: Text(200),
    spokenName: OptionalText(200),
    sex: literals(assistance.SEXES),
    birthYear: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 9999 }))),
    birthDate: Type.Optional(Nullable(Type.String({ maxLength: 20, description: 'YYYY-MM-DD' }))),
    relation: literals(assistance.RELATIONS),
    phone: OptionalText(40),
    idDocument: OptionalText(60),
  },
  { additionalProperties: false },
);

const HouseholdBody = Type.Object(
  {
    organisationId: Id,
    location: Type.Object({ pcode: Text(20), site: OptionalText(60) }, { additionalProperties: false }),
    displacementStatus: literals(assistance.DISPLACEMENT_STATUSES),
    originPcode: OptionalText(20),
    vulnerabilities: Type.Optional(Type.Array(Code, { maxItems: 20 })),
    // Generous here so that a pasted list gets the registry's own message (at most MAX_MEMBERS), not a schema error.
    members: Type.Array(MemberBody, { minItems: 1, maxItems: 1000 }),
    consent: Type.Object(
      { givenBy: Text(200), givenAt: Type.String({ minLength: 10, maxLength: 40, description: 'ISO date or date-time' }), purposes: Type.Array(Code, { minItems: 1, maxItems: 10 }) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const HouseholdSchema = Type.Object({
  id: Type.Integer(),
  organisation: Type.Object({ id: Type.Integer(), acronym: Type.String() }),
  country: Type.String(),
  location: Type.Object({
    admin1: Type.String(),
    admin2: Type.String(),
    admin2Name: Nullable(Type.String()),
    admin3: Nullable(Type.String()),
    site: Nullable(Type.String()),
    geographyVersion: Type.String(),
  }),
  displacementStatus: Type.String(),
  origin: Nullable(Type.String()),
  vulnerabilities: Type.Array(Type.String()),
  members: Type.Integer(),
  registeredAt: Type.String(),
});

const PersonSchema = Type.Object({
  id: Type.Integer(),
  givenNames: Type.String(),
  familyName: Type.String(),
  spokenName: Nullable(Type.String()),
  sex: Type.String(),
  birthYear: Nullable(Type.Integer()),
  birthDate: Nullable(Type.String()),
  relation: Type.String(),
  phone: Nullable(Type.String()),
  idDocument: Nullable(Type.String()),
});

const PersonalHouseholdSchema = Type.Composite([
  HouseholdSchema,
  Type.Object({
    people: Type.Array(PersonSchema),
    consents: Type.Array(
      Type.Object({ id: Type.Integer(), memberId: Nullable(Type.Integer()), givenBy: Type.String(), givenAt: Type.String(), purposes: Type.Array(Type.String()), withdrawnAt: Nullable(Type.String()) }),
    ),
  }),
]);

const ReviewRecordSchema = Type.Object({
  memberId: Type.Integer(),
  householdId: Type.Integer(),
  organisation: Type.Object({ id: Type.Integer(), acronym: Type.String() }),
  country: Type.String(),
  admin2: Type.String(),
  admin2Name: Nullable(Type.String()),
  site: Nullable(Type.String()),
  sex: Type.String(),
  birthYear: Nullable(Type.Integer()),
  relation: Type.String(),
  householdSize: Type.Integer(),
  registeredAt: Type.String(),
  personal: Nullable(Type.Object({ givenNames: Type.String(), familyName: Type.String(), spokenName: Nullable(Type.String()), phone: Nullable(Type.String()) })),
});

const ThresholdSchema = {
  threshold: Type.Number({ description: 'The probability a pair must reach to be queued' }),
  source: Type.Union([Type.Literal('labels'), Type.Literal('default')], { description: 'labels: chosen from the pairs reviewers decided (best F1); default: too few decided pairs' }),
  labels: Type.Integer({ description: 'Decided pairs (same person or different) of the run' }),
  same: Type.Integer({ description: 'Of which decided the same person' }),
};

const DuplicateSchema = Type.Object({
  id: Type.Integer(),
  score: Type.Number(),
  reasons: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('pending'), Type.Literal('same'), Type.Literal('different'), Type.Literal('unsure')]),
  decidedBy: Nullable(Type.String()),
  decidedAt: Nullable(Type.String()),
  comment: Nullable(Type.String()),
  merged: Type.Boolean(),
  records: Type.Tuple([ReviewRecordSchema, ReviewRecordSchema]),
});

export function assistanceRoutes(app: LiptakoApp, context: AppContext): void {
  const { db } = context;
  distributionRoutes(app, context);
  outputRoutes(app, context);
  registryImportRoutes(app, context);
  app.post(
    '/api/assistance/households',
    {
      config: { verb: 'assistance.manage', audit: 'assistance.household.register' },
      schema: {
        tags: ['assistance'],
        summary: 'Register a household with its members and the consent it gave (all or nothing)',
        body: HouseholdBody,
        response: { 201: Type.Object({ household: HouseholdSchema }), ...errorResponses(400, 403, 404, 422) },
      },
    },
    async (request, reply) => reply.status(201).send({ household: await assistance.registerHousehold(db, request.actor, request.body) }),
  );

  app.get(
    '/api/assistance/households',
    {
      config: { verb: 'assistance.read' },
      schema: {
        tags: ['assistance'],
        summary: 'Households in your scope (a partner: its organisation’s) with their consenting members counted; no names, no phones',
        querystring: Type.Object({
          country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
          organisationId: Type.Optional(Id),
          limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 500 }),
          offset: Type.Integer({ minimum: 0, maximum: 1e9, default: 0 }),
        }),
        response: { 200: Type.Object({ total: Type.Integer(), households: Type.Array(HouseholdSchema) }), ...errorResponses(400) },
      },
    },
    async (request) => assistance.listHouseholds(db, request.principal, request.query),
  );

  app.get(
    '/api/assistance/households/:id/personal',
    {
      config: { verb: 'assistance.personal', audit: 'assistance.household.read' },
      schema: {
        tags: ['assistance'],
        summary: 'One household with its people’s names, phones and consents; the read and its reason are recorded',
        params: Type.Object({ id: Id }),
        querystring: Type.Object({ reason: Type.String({ maxLength: 500, default: '' }) }),
        response: { 200: Type.Object({ household: PersonalHouseholdSchema }), ...errorResponses(400, 404) },
      },
    },
    async (request) => ({ household: await assistance.readHousehold(db, request.actor, request.params.id, request.query.reason) }),
  );

  app.post(
    '/api/assistance/households/:id/consent/withdraw',
    {
      config: { verb: 'assistance.manage', audit: 'assistance.consent.withdraw' },
      schema: {
        tags: ['assistance'],
        summary: 'Withdraw the consent of one member, or of the whole household without memberId: they disappear from lists and detection',
        params: Type.Object({ id: Id }),
        body: Type.Object({ memberId: Type.Optional(Nullable(Id)) }, { additionalProperties: false }),
        response: { 200: Type.Object({ householdId: Type.Integer(), memberId: Nullable(Type.Integer()) }), ...errorResponses(400, 404) },
      },
    },
    async (request) => assistance.withdrawConsent(db, request.actor, request.params.id, request.body.memberId ?? null),
  );

  app.post(
    '/api/assistance/duplicates/detect',
    {
      config: { verb: 'assistance.manage', audit: 'assistance.duplicates.detect' },
      schema: {
        tags: ['assistance'],
        summary: 'Compare the registrations of your scope (blocking on names, then pair scores) and queue the likely duplicates for review; the threshold is chosen from the pairs already decided',
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: { 200: Type.Object({ compared: Type.Integer(), found: Type.Integer(), added: Type.Integer(), threshold: Type.Object(ThresholdSchema) }), ...errorResponses(400) },
      },
    },
    async (request) => assistance.detectDuplicates(db, request.actor),
  );

  app.get(
    '/api/assistance/duplicates',
    {
      config: { verb: 'assistance.manage' },
      schema: {
        tags: ['assistance'],
        summary: 'The review queue (pending pairs) or the pairs of another status, both records side by side with the score and its reasons; names only with assistance.personal',
        querystring: Type.Object({
          status: Type.Optional(literals(assistance.DUPLICATE_STATUSES)),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          offset: Type.Integer({ minimum: 0, maximum: 1e9, default: 0 }),
        }),
        response: {
          200: Type.Object({ total: Type.Integer(), duplicates: Type.Array(DuplicateSchema), detection: Nullable(Type.Object({ ranAt: Type.String(), ...ThresholdSchema })) }),
          ...errorResponses(400),
        },
      },
    },
    async (request) => assistance.listDuplicates(db, request.actor, { ...request.query, status: request.query.status ?? 'pending' }),
  );

  app.post(
    '/api/assistance/duplicates/:id/decision',
    {
      config: { verb: 'assistance.manage', audit: 'assistance.duplicate.decide' },
      schema: {
        tags: ['assistance'],
        summary: 'Decide a pair: the same person (merged, both records kept), different, or unsure',
        params: Type.Object({ id: Id }),
        body: Type.Object({ decision: literals(['same', 'different', 'unsure'] as const), comment: OptionalText(2000) }, { additionalProperties: false }),
        response: { 200: Type.Object({ id: Type.Integer(), status: Type.String(), mergeId: Nullable(Type.Integer()) }), ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => assistance.decideDuplicate(db, request.actor, request.params.id, request.body.decision, request.body.comment ?? null),
  );

  app.post(
    '/api/assistance/duplicates/:id/undo',
    {
      config: { verb: 'assistance.manage', audit: 'assistance.merge.undo' },
      schema: {
        tags: ['assistance'],
        summary: 'Undo the merge of a pair: the pair returns to the queue, both records were kept',
        params: Type.Object({ id: Id }),
        body: Type.Optional(Type.Object({ comment: OptionalText(2000) }, { additionalProperties: false })),
        response: { 200: Type.Object({ id: Type.Integer(), mergeId: Type.Integer() }), ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => assistance.undoMerge(db, request.actor, request.params.id, request.body?.comment ?? null),
  );
}
