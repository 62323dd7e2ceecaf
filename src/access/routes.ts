/** HTTP routes of sign-in, account, users and roles, API tokens and the audit log. */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toCsv, type ExportColumn } from '../core/exports.js';
import { errorResponses, fileResponse, JsonValue, NoContent, oneOf, type AppContext, type LiptakoApp } from '../core/http-kit.js';
import { AppError } from '../core/errors.js';
import * as access from './service.js';
import { SCOPE_KINDS } from '../shared/access.js';
import { verbsOf, VERBS, type Principal } from './verbs.js';

const Email = Type.String({ minLength: 3, maxLength: 320 });
const Password = Type.String({ minLength: 1, maxLength: 256 });
const Language = Type.Union([Type.Literal('fr'), Type.Literal('en')]);
const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const DateString = Type.String({ format: 'date', maxLength: 10 });
const Scope = Type.Object(
  {
    kind: Type.Union([Type.Literal('response'), Type.Literal('country'), Type.Literal('organisation')]),
    value: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
  },
  { additionalProperties: false },
);
const AssignmentBody = Type.Object({ role: Type.String({ maxLength: 40 }), scope: Scope }, { additionalProperties: false });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const ScopeKind = oneOf(SCOPE_KINDS);
const AssignmentView = Type.Object({ role: Type.String(), scope: Type.Object({ kind: ScopeKind, value: Nullable(Type.String()) }) });
const Timestamp = Type.String({ format: 'date-time' });

/** A user as the administrator sees one (service.ts UserView). */
const UserSchema = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  language: Language,
  organisationId: Nullable(Type.Integer()),
  disabled: Type.Boolean(),
  locked: Type.Boolean({ description: 'Some address must wait before its next sign-in attempt for this account' }),
  assignments: Type.Array(AssignmentView),
  createdAt: Timestamp,
});
const UserAnswer = Type.Object({ user: UserSchema });

/** Who is calling: the signed-in user or null, every verb they hold somewhere, the anti-forgery token. */
const MeSchema = Type.Object({
  user: Nullable(
    Type.Object({ id: Type.Integer(), email: Type.String(), name: Type.String(), language: Language, organisationId: Nullable(Type.Integer()), assignments: Type.Array(AssignmentView) }),
  ),
  csrfToken: Nullable(Type.String({ description: 'Send it back as X-CSRF-Token on every write made with the session cookie' })),
  verbs: Type.Array(Type.String()),
});

const TokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the secret, to recognise it' }),
  verbs: Type.Array(Type.String(), { description: 'The verbs it is narrowed to; empty: every verb of its owner' }),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  lastUsedAt: Nullable(Timestamp),
  revoked: Type.Boolean(),
});

const OrganisationSchema = Type.Object({ id: Type.Integer(), name: Type.String(), acronym: Nullable(Type.String()), org_type: Nullable(Type.String()) });

const RoleSchema = Type.Object({ code: Type.String(), name: Type.Object({ en: Type.String(), fr: Type.String() }), verbs: Type.Array(Type.String()) });

const AuditEventSchema = Type.Object({
  id: Type.Integer(),
  occurredAt: Timestamp,
  actor_user_id: Nullable(Type.Integer()),
  actor: Type.String(),
  action: Type.String(),
  object_type: Nullable(Type.String()),
  object_id: Nullable(Type.String()),
  outcome: Type.Union([Type.Literal('success'), Type.Literal('failure')]),
  summary: Type.Record(Type.String(), JsonValue, { description: 'What the action was about; its keys depend on the action' }),
  request_id: Nullable(Type.String()),
});

/** Small bodies only on these routes: a sign-in is a few hundred bytes. */
const SMALL = 16 * 1024;

// Per-address limit on wrong sign-ins, on top of the per-account slow-down: slows password
// spraying across many accounts. Failures only, so a busy office behind one address is never
// shut out by its own right passwords; with trustProxy, request.ip is the client's own address.
const sprays = new Map<string, { failures: number; since: number }>();
const SPRAY_WINDOW_MS = 15 * 60 * 1000;
const MAX_FAILURES_PER_WINDOW = 100;

function refuseSprayer(address: string): void {
  const entry = sprays.get(address);
  if (entry && Date.now() - entry.since <= SPRAY_WINDOW_MS && entry.failures >= MAX_FAILURES_PER_WINDOW) {
    throw new AppError('auth.signIn.throttled', {}, { retryAfter: (entry.since + SPRAY_WINDOW_MS - Date.now()) / 1000 });
  }
}

function countFailure(address: string): void {
  const now = Date.now();
  const entry = sprays.get(address);
  if (!entry || now - entry.since > SPRAY_WINDOW_MS) {
    if (sprays.size >= 10_000) sprays.clear();
    sprays.set(address, { failures: 1, since: now });
  } else {
    entry.failures += 1;
  }
}

function me(principal: Principal, csrfToken: string | null): Static<typeof MeSchema> {
  if (principal.kind !== 'user') return { user: null, csrfToken: null, verbs: verbsOf(principal) };
  return {
    user: {
      id: principal.userId,
      email: principal.email,
      name: principal.name,
      language: principal.language,
      organisationId: principal.organisationId,
      assignments: principal.assignments.map((assignment) => ({ role: assignment.role, scope: assignment.scope })),
    },
    csrfToken,
    verbs: verbsOf(principal),
  };
}

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: Date): void {
  reply.setCookie(access.SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    // HTTPS as the client sees it: behind a trusted proxy, from X-Forwarded-Proto.
    secure: request.protocol === 'https',
    path: '/',
    expires: expiresAt,
  });
}

const AUDIT_COLUMNS: Array<ExportColumn<{ id: number; occurredAt: string; actor: string; action: string; object_type: string | null; object_id: string | null; outcome: string; summary: unknown }>> = [
  { key: 'id', header: 'id', hxl: null, value: (row) => row.id, type: 'number' },
  { key: 'occurredAt', header: 'occurred_at', hxl: '#date+occurred', value: (row) => row.occurredAt },
  { key: 'actor', header: 'actor', hxl: '#contact+email', value: (row) => row.actor },
  { key: 'action', header: 'action', hxl: '#activity+code', value: (row) => row.action },
  { key: 'objectType', header: 'object_type', hxl: null, value: (row) => row.object_type },
  { key: 'objectId', header: 'object_id', hxl: null, value: (row) => row.object_id },
  { key: 'outcome', header: 'outcome', hxl: '#status', value: (row) => row.outcome },
  { key: 'summary', header: 'summary', hxl: null, value: (row) => JSON.stringify(row.summary) },
];

export function accessRoutes(app: LiptakoApp, { db, tokenMaxDays }: AppContext): void {
  app.post(
    '/api/auth/sign-in',
    {
      bodyLimit: SMALL,
      config: { verb: 'public' },
      schema: {
        tags: ['access'],
        summary: 'Sign in with e-mail and password; sets an HttpOnly session cookie and returns the anti-forgery token',
        body: Type.Object({ email: Email, password: Password }, { additionalProperties: false }),
        response: { 200: MeSchema, ...errorResponses(400, 401, 429, 503) },
      },
    },
    async (request, reply) => {
      refuseSprayer(request.ip);
      try {
        const result = await access.signIn(db, { email: request.body.email, password: request.body.password, address: request.ip, requestId: request.id });
        setSessionCookie(request, reply, result.sessionToken, result.expiresAt);
        return me(result.principal, result.csrfToken);
      } catch (error) {
        if (error instanceof AppError && error.code === 'auth.signIn.failed') countFailure(request.ip);
        throw error;
      }
    },
  );

  app.get(
    '/api/auth/me',
    { config: { verb: 'public' }, schema: { tags: ['access'], summary: 'Who am I: the signed-in user (or null), what I may do, the anti-forgery token', response: { 200: MeSchema } } },
    (request) => me(request.principal, request.principal.kind === 'user' ? (request.principal.csrfToken ?? null) : null),
  );

  app.post(
    '/api/auth/sign-out',
    {
      bodyLimit: SMALL,
      config: { verb: 'account.manage', audit: 'auth.sign-out' },
      schema: { tags: ['access'], summary: 'End this session (everywhere: true ends every session and revokes every API token of the account)', body: Type.Optional(Type.Object({ everywhere: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
        response: { 200: Type.Object({ ended: Type.Integer({ description: 'How many sessions ended' }) }), ...errorResponses(400, 401, 403) },
      },
      // The body is optional: a bare POST (no body at all) signs out of this session.
      preValidation: (request, _reply, done) => {
        request.body ??= {};
        done();
      },
    },
    async (request, reply) => {
      const ended = await access.signOut(db, request.actor, request.body?.everywhere === true);
      reply.clearCookie(access.SESSION_COOKIE, { path: '/' });
      return { ended };
    },
  );

  app.patch(
    '/api/account',
    {
      bodyLimit: SMALL,
      config: { verb: 'account.manage', audit: 'account.update' },
      schema: {
        tags: ['access'],
        summary: 'Change my name or language',
        body: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), language: Type.Optional(Language) }, { additionalProperties: false }),
        response: { 200: UserAnswer, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const principal = request.principal;
      if (principal.kind !== 'user') throw new AppError('auth.required');
      return { user: await access.updateUser(db, request.actor, principal.userId, request.body, 'account.update') };
    },
  );

  app.post(
    '/api/account/password',
    {
      bodyLimit: SMALL,
      config: { verb: 'account.manage', audit: 'account.password' },
      schema: { tags: ['access'], summary: 'Change my password (other sessions and every API token end)', body: Type.Object({ currentPassword: Password, newPassword: Password }, { additionalProperties: false }),
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 422, 503) },
      },
    },
    async (request, reply) => {
      await access.changeOwnPassword(db, request.actor, request.body.currentPassword, request.body.newPassword);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/tokens',
    { config: { verb: 'account.manage' }, schema: { tags: ['access'], summary: 'My API tokens (never their secrets)', response: { 200: Type.Object({ tokens: Type.Array(TokenSchema) }) } } },
    async (request) => ({ tokens: await access.listTokens(db, request.principal) }),
  );

  app.post(
    '/api/tokens',
    {
      bodyLimit: SMALL,
      config: { verb: 'account.manage', audit: 'token.create' },
      schema: {
        tags: ['access'],
        summary: 'Create an API token (asks for the password again): the secret is shown once, only its hash is kept',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            expiresInDays: Type.Integer({ minimum: 1, maximum: 366, description: 'at most the configured maximum (LIPTAKO_TOKEN_MAX_DAYS, 90 by default)' }),
            password: Password,
            verbs: Type.Optional(Type.Array(Type.Union(VERBS.map((verb) => Type.Literal(verb))), { maxItems: VERBS.length })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ token: TokenSchema, secret: Type.String({ description: 'Shown once: only its hash is kept' }) }), ...errorResponses(400, 401, 403, 422, 503) },
      },
    },
    async (request, reply) => {
      const created = await access.createToken(db, request.actor, request.body, { maxDays: tokenMaxDays });
      return reply.status(201).send(created);
    },
  );

  app.delete(
    '/api/tokens/:id',
    { config: { verb: 'account.manage', audit: 'token.revoke' }, schema: { tags: ['access'], summary: 'Revoke one of my API tokens (effective at once)', params: Type.Object({ id: Id }), response: { 204: NoContent, ...errorResponses(401, 403, 404) } } },
    async (request, reply) => {
      await access.revokeToken(db, request.actor, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/roles',
    { config: { verb: 'user.manage' }, schema: { tags: ['access'], summary: 'Roles and their verbs', response: { 200: Type.Object({ roles: Type.Array(RoleSchema), verbs: Type.Array(Type.String()) }) } } },
    async () => ({
      roles: await access.listRoles(db),
      verbs: [...VERBS],
    }),
  );

  app.get(
    '/api/organisations',
    { config: { verb: 'user.manage' }, schema: { tags: ['access'], summary: 'Organisations', response: { 200: Type.Object({ organisations: Type.Array(OrganisationSchema) }) } } },
    async () => ({ organisations: await access.listOrganisations(db) }),
  );

  app.post(
    '/api/organisations',
    {
      bodyLimit: SMALL,
      config: { verb: 'user.manage', audit: 'organisation.create' },
      schema: {
        tags: ['access'],
        summary: 'Add an organisation',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 300 }), acronym: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })), type: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false }),
        response: { 201: Type.Object({ organisation: OrganisationSchema }), ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const organisation = await access.createOrganisation(db, request.actor, request.body);
      return reply.status(201).send({ organisation });
    },
  );

  app.get(
    '/api/users',
    { config: { verb: 'user.manage' }, schema: { tags: ['access'], summary: 'Users with their roles and scopes', response: { 200: Type.Object({ users: Type.Array(UserSchema) }) } } },
    async (request) => ({ users: await access.listUsers(db, request.actor) }),
  );

  app.post(
    '/api/users',
    {
      bodyLimit: SMALL,
      config: { verb: 'user.manage', audit: 'user.create' },
      schema: {
        tags: ['access'],
        summary: 'Create a user with roles and scopes',
        body: Type.Object(
          {
            email: Email,
            name: Type.String({ minLength: 1, maxLength: 200 }),
            language: Type.Optional(Language),
            organisationId: Type.Optional(Type.Union([Id, Type.Null()])),
            password: Password,
            assignments: Type.Array(AssignmentBody, { maxItems: 50 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: UserAnswer, ...errorResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const user = await access.createUser(db, request.actor, request.body);
      return reply.status(201).send({ user });
    },
  );

  app.patch(
    '/api/users/:id',
    {
      bodyLimit: SMALL,
      config: { verb: 'user.manage', audit: 'user.update' },
      schema: {
        tags: ['access'],
        summary: 'Change a user: name, language, organisation, roles, disable, reset password',
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            language: Type.Optional(Language),
            organisationId: Type.Optional(Type.Union([Id, Type.Null()])),
            disabled: Type.Optional(Type.Boolean()),
            password: Type.Optional(Password),
            assignments: Type.Optional(Type.Array(AssignmentBody, { maxItems: 50 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: UserAnswer, ...errorResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      return { user: await access.updateUser(db, request.actor, request.params.id, request.body) };
    },
  );

  app.post(
    '/api/users/:id/unlock',
    {
      bodyLimit: SMALL,
      config: { verb: 'user.manage', audit: 'user.unlock' },
      schema: {
        tags: ['access'],
        summary: 'Clear the sign-in slow-down of an account (after wrong passwords), from every address',
        params: Type.Object({ id: Id }),
        response: { 200: UserAnswer, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      return { user: await access.unlockUser(db, request.actor, request.params.id) };
    },
  );

  const AuditQuery = Type.Object({
    actor: Type.Optional(Type.String({ maxLength: 320 })),
    action: Type.Optional(Type.String({ maxLength: 100 })),
    objectType: Type.Optional(Type.String({ maxLength: 50 })),
    objectId: Type.Optional(Type.String({ maxLength: 100 })),
    outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure')])),
    from: Type.Optional(DateString),
    to: Type.Optional(DateString),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    offset: Type.Integer({ minimum: 0, maximum: 1e9, default: 0 }),
  });

  app.get(
    '/api/audit',
    { config: { verb: 'audit.read' }, schema: { tags: ['access'], summary: 'Search the audit log (newest first)', querystring: AuditQuery, response: { 200: Type.Object({ total: Type.Integer(), events: Type.Array(AuditEventSchema) }), ...errorResponses(400) } } },
    async (request) => access.searchAudit(db, request.actor, request.query),
  );

  app.get(
    '/api/audit/export',
    {
      config: { verb: 'audit.read' },
      schema: { tags: ['access'], summary: 'The audit log as CSV (same filters, up to 100,000 events)', querystring: Type.Omit(AuditQuery, ['limit', 'offset']),
        response: { 200: fileResponse('The events as CSV, with an HXL row', 'text/csv'), ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const { events } = await access.searchAudit(db, request.actor, { ...request.query, limit: 100_000, offset: 0 }, 'audit.export');
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="liptako-audit.csv"').send(toCsv(AUDIT_COLUMNS, events));
    },
  );
}
