/**
 * Users, sign-in, sessions, API tokens, roles and the audit log.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../core/db.js';
import { AppError } from '../core/errors.js';
import { audited, systemActor, type Actor } from './audit.js';
import { accountEmail, lookupEmail, throttleKey } from './emails.js';
import { checkPasswordPolicy, decoyHash, hashPassword, verifyPassword } from './passwords.js';
import * as q from './queries.js';
import { isVerb, type Assignment, type Principal, type ScopeKind } from './verbs.js';

export const SESSION_COOKIE = 'liptako_session';
export const SESSION_DAYS = 7;
export const SESSION_IDLE_MINUTES = 12 * 60;
/**
 * Sign-in slow-down, per account and client address: the first wrong passwords cost nothing
 * more, then each one makes that address wait twice as long before its next attempt is even
 * checked, up to a quarter of an hour. Failures are forgotten a day after the last one.
 */
export const SIGN_IN_THROTTLE = { freeFailures: 5, firstWaitSeconds: 10, longestWaitSeconds: 15 * 60, forgetAfterHours: 24 } as const;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const secret = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

let publicVerbs: { verbs: readonly string[]; at: number } | undefined;

export async function anonymous(db: Queryable): Promise<Principal> {
  // The public role changes only by migration; a minute of caching spares a query per request.
  if (!publicVerbs || Date.now() - publicVerbs.at > 60_000) publicVerbs = { verbs: await q.roleVerbs(db, 'public'), at: Date.now() };
  return { kind: 'anonymous', verbs: publicVerbs.verbs };
}

function assignmentsFrom(rows: readonly q.AssignmentRow[]): Assignment[] {
  return rows.map((row) => ({ role: row.role_code, verbs: row.verbs, scope: { kind: row.scope_kind, value: row.scope_value } }));
}

async function principalFor(db: Queryable, user: q.UserRow, extras: Partial<Extract<Principal, { kind: 'user' }>> & { via: 'session' | 'token' | 'system' | 'password' }): Promise<Principal> {
  return {
    kind: 'user',
    userId: user.id,
    email: user.email,
    name: user.name,
    language: user.language,
    organisationId: user.organisation_id,
    assignments: assignmentsFrom(await q.assignmentsOf(db, [user.id])),
    ...extras,
  };
}

function principalOf(row: q.CredentialRow, extras: { via: 'session'; sessionId: number; csrfToken: string } | { via: 'token'; tokenId: number; tokenVerbs: string[] }): Principal {
  return {
    kind: 'user',
    userId: row.user_id,
    email: row.email,
    name: row.name,
    language: row.language,
    organisationId: row.organisation_id,
    assignments: row.assignments.map((assignment) => ({ role: assignment.role_code, verbs: assignment.verbs, scope: { kind: assignment.scope_kind, value: assignment.scope_value } })),
    ...extras,
  };
}

/**
 * Who is calling, from a session cookie or a bearer token; anonymous when neither is valid. One
 * statement reads the credential, its user and their roles; the last use is written only when the
 * one on record is over a minute old, so a busy script does not write on every request.
 */
export async function authenticate(db: Queryable, credentials: { sessionToken?: string; bearerToken?: string }): Promise<Principal | 'invalid-token'> {
  if (credentials.bearerToken !== undefined) {
    const token = await q.liveToken(db, sha256(credentials.bearerToken));
    if (!token) return 'invalid-token';
    if (token.touch) await q.touchToken(db, token.credential_id);
    return principalOf(token, { via: 'token', tokenId: token.credential_id, tokenVerbs: token.token_verbs ?? [] });
  }
  if (credentials.sessionToken !== undefined && credentials.sessionToken.length < 200) {
    const session = await q.liveSession(db, sha256(credentials.sessionToken), SESSION_IDLE_MINUTES);
    if (session) {
      if (session.touch) await q.touchSession(db, session.credential_id);
      return principalOf(session, { via: 'session', sessionId: session.credential_id, csrfToken: session.csrf_token ?? '' });
    }
  }
  return anonymous(db);
}

export interface SignInResult {
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
  principal: Principal;
}

interface PasswordAttempt {
  email: string;
  password: string;
  address: string;
  requestId: string;
}

/**
 * Checks a password. Every path, whether the account exists, is disabled, or this address must
 * still wait, runs exactly one Argon2 verification (against a decoy when there is nothing real
 * to check), so neither the answer nor its timing tells them apart. Every failure is audited and
 * counted towards the slow-down; `onSuccess` runs in the transaction that clears the count.
 */
async function checkPassword<T>(db: Queryable, attempt: PasswordAttempt, onSuccess: (tx: Queryable, user: q.UserRow, audit: (tx: Queryable) => Promise<void>) => Promise<T>): Promise<{ user: q.UserRow; result: T }> {
  const email = lookupEmail(attempt.email);
  const key = throttleKey(attempt.email);
  const address = attempt.address.slice(0, 64);
  // Recorded under the e-mail tried (a failure has no principal to name), so not through audited().
  const audit = (outcome: 'success' | 'failure', reason: string, userId: number | null, extra: object, on: Queryable): Promise<void> =>
    q.insertAudit(on, {
      actorUserId: userId,
      actor: email.slice(0, 320),
      action: 'auth.sign-in',
      objectType: 'user',
      objectId: userId === null ? null : String(userId),
      outcome,
      summary: { reason, ...extra },
      requestId: attempt.requestId,
    });
  const waitSeconds = await q.signInWait(db, key, address);
  const user = await q.userByEmail(db, email);
  const checkable = waitSeconds === 0 && user !== undefined && user.disabled_at === null;
  const matches = await verifyPassword(checkable ? user.password_hash : await decoyHash(), attempt.password);
  if (waitSeconds > 0) {
    await audit('failure', 'throttled', user?.id ?? null, { address }, db);
    throw new AppError('auth.signIn.slowDown', { seconds: waitSeconds }, { retryAfter: waitSeconds });
  }
  if (!checkable || !matches) {
    // The count that slows the next attempt down and the row that shows it, together.
    await db.transaction(async (tx) => {
      await q.recordSignInFailure(tx, key, address, SIGN_IN_THROTTLE);
      await audit('failure', user === undefined ? 'unknown-email' : user.disabled_at !== null ? 'disabled' : 'wrong-password', user?.id ?? null, { address }, tx);
    });
    throw new AppError('auth.signIn.failed');
  }
  const result = await db.transaction(async (tx) => {
    await q.clearSignInFailures(tx, key, address);
    return onSuccess(tx, user, (on) => audit('success', 'password', user.id, {}, on));
  });
  return { user, result };
}

/** Signs in with a password: a session, its anti-forgery token, and the audit row that opened it. */
export async function signIn(db: Queryable, request: PasswordAttempt): Promise<SignInResult> {
  const sessionToken = secret();
  const csrfToken = secret(24);
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000);
  // A session nobody can find in the audit log is not opened.
  const { user, result: sessionId } = await checkPassword(db, request, async (tx, found, audit) => {
    const id = await q.insertSession(tx, { tokenSha256: sha256(sessionToken), csrfToken, userId: found.id, expiresAt });
    await audit(tx);
    return id;
  });
  return { sessionToken, csrfToken, expiresAt, principal: await principalFor(db, user, { via: 'session', sessionId, csrfToken }) };
}

/**
 * The account named by HTTP Basic credentials, for the OpenRosa routes that accept them (phones
 * configured with an account rather than a QR code send them on every request). The same checks,
 * slow-down and failure audit as signing in; a success opens nothing and is not audited itself:
 * what the request does records its own row under the account's name.
 */
export async function passwordPrincipal(db: Queryable, attempt: PasswordAttempt): Promise<Principal> {
  const { user } = await checkPassword(db, attempt, () => Promise.resolve(null));
  return principalFor(db, user, { via: 'password' });
}

/** Clears the sign-in slow-down of an account from every address (administrator, CLI, password reset). */
export async function unlockUser(db: Queryable, actor: Actor, id: number): Promise<UserView> {
  const { user } = await audited(
    db,
    actor,
    async (tx) => {
      const found = await q.userById(tx, id);
      if (!found) throw new AppError('resource.notFound', { what: 'User', id });
      return { user: found, cleared: await q.clearSignInFailures(tx, throttleKey(found.email)) };
    },
    (result) => ({ action: 'user.unlock', objectType: 'user', objectId: id, summary: { email: result.user.email, addresses: result.cleared } }),
  );
  return userView(user, await q.assignmentsOf(db, [id]), new Set());
}

export async function unlockUserByEmail(db: Queryable, actor: Actor, email: string): Promise<UserView> {
  const user = await q.userByEmail(db, lookupEmail(email));
  if (!user) throw new AppError('resource.notFound', { what: 'User', id: email.slice(0, 320) });
  return unlockUser(db, actor, user.id);
}

export async function signOut(db: Queryable, actor: Actor, everywhere: boolean): Promise<number> {
  const principal = actor.principal;
  if (principal.kind !== 'user') return 0;
  return audited(
    db,
    actor,
    async (tx) => {
      if (everywhere) {
        // Everywhere means every way in: API tokens too (a lost laptop may hold one).
        await q.revokeTokensOf(tx, principal.userId);
        return q.revokeSessionsOf(tx, principal.userId);
      }
      if (principal.sessionId !== undefined) await q.revokeSession(tx, principal.sessionId);
      return 1;
    },
    (ended) => ({ action: 'auth.sign-out', objectType: 'session', objectId: principal.sessionId ?? null, summary: { ended, everywhere } }),
  );
}

// ---- users ----------------------------------------------------------------------------------------

export interface AssignmentInput {
  role: string;
  scope: { kind: ScopeKind; value?: string | null };
}

export interface UserView {
  id: number;
  email: string;
  name: string;
  language: 'fr' | 'en';
  organisationId: number | null;
  disabled: boolean;
  /** Some address must wait before its next sign-in attempt for this account. */
  locked: boolean;
  assignments: Array<{ role: string; scope: { kind: ScopeKind; value: string | null } }>;
  createdAt: string;
}

function userView(user: q.UserRow, assignments: readonly q.AssignmentRow[], throttled: ReadonlySet<string>): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    language: user.language,
    organisationId: user.organisation_id,
    disabled: user.disabled_at !== null,
    locked: throttled.has(throttleKey(user.email)),
    assignments: assignments.filter((row) => row.user_id === user.id).map((row) => ({ role: row.role_code, scope: { kind: row.scope_kind, value: row.scope_value } })),
    createdAt: new Date(user.created_at).toISOString(),
  };
}

async function checkAssignments(db: Queryable, assignments: readonly AssignmentInput[]): Promise<Array<{ role: string; scopeKind: ScopeKind; scopeValue: string | null }>> {
  const roles = new Set((await q.listRoles(db)).map((role) => role.code));
  return assignments.map((assignment) => {
    if (!roles.has(assignment.role) || assignment.role === 'public') throw new AppError('auth.role.unknown', { role: assignment.role.slice(0, 40) });
    const value = assignment.scope.kind === 'response' ? null : (assignment.scope.value ?? '').trim().toUpperCase();
    if (assignment.scope.kind === 'country' && !/^[A-Z]{2}$/.test(value ?? '')) throw new AppError('auth.scope.invalid', { scope: `${assignment.scope.kind}:${value ?? ''}` });
    if (assignment.scope.kind === 'organisation' && !/^\d{1,18}$/.test(value ?? '')) throw new AppError('auth.scope.invalid', { scope: `${assignment.scope.kind}:${value ?? ''}` });
    return { role: assignment.role, scopeKind: assignment.scope.kind, scopeValue: value };
  });
}

export interface NewUserInput {
  email: string;
  name: string;
  language?: 'fr' | 'en';
  organisationId?: number | null;
  password: string;
  assignments: AssignmentInput[];
}

export async function createUser(db: Queryable, actor: Actor, input: NewUserInput): Promise<UserView> {
  const email = accountEmail(input.email);
  checkPasswordPolicy(input.password, { email, name: input.name });
  const passwordHash = await hashPassword(input.password);
  return audited(
    db,
    actor,
    async (tx) => {
      if (await q.userByEmail(tx, email)) throw new AppError('auth.user.exists', { email: email.slice(0, 320) });
      const assignments = await checkAssignments(tx, input.assignments);
      const id = await q.insertUser(tx, { email, name: input.name.trim(), language: input.language ?? 'fr', organisationId: input.organisationId ?? null, passwordHash });
      await q.replaceAssignments(tx, id, assignments);
      return userView((await q.userById(tx, id))!, await q.assignmentsOf(tx, [id]), new Set());
    },
    (user) => ({ action: 'user.create', objectType: 'user', objectId: user.id, summary: { email: user.email, assignments: user.assignments } }),
  );
}

type UserChanges = { name?: string; language?: 'fr' | 'en'; organisationId?: number | null; disabled?: boolean; assignments?: AssignmentInput[]; password?: string };

/** An administrator's change to a user (`user.update`), or one's own name and language (`account.update`). */
export async function updateUser(db: Queryable, actor: Actor, id: number, input: UserChanges, action: 'user.update' | 'account.update' = 'user.update'): Promise<UserView> {
  if (input.password !== undefined) {
    const user = await q.userById(db, id);
    if (!user) throw new AppError('resource.notFound', { what: 'User', id });
    checkPasswordPolicy(input.password, { email: user.email, name: input.name ?? user.name });
  }
  // Hashed before the transaction: Argon2 takes a fifth of a second that no connection should wait on.
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  const { password, ...changes } = input;
  return audited(
    db,
    actor,
    async (tx) => {
      const user = await q.userById(tx, id);
      if (!user) throw new AppError('resource.notFound', { what: 'User', id });
      await q.updateUser(tx, id, { name: input.name?.trim(), language: input.language, organisationId: input.organisationId, disabled: input.disabled, passwordHash });
      if (input.assignments !== undefined) await q.replaceAssignments(tx, id, await checkAssignments(tx, input.assignments));
      if (input.disabled === true || password !== undefined) {
        await q.revokeSessionsOf(tx, id);
        await q.revokeTokensOf(tx, id);
      }
      // A reset password is the way back in for someone who forgot theirs: no wait before using it.
      if (password !== undefined) await q.clearSignInFailures(tx, throttleKey(user.email));
      return userView((await q.userById(tx, id))!, await q.assignmentsOf(tx, [id]), await q.throttledEmails(tx));
    },
    () => ({ action, objectType: 'user', objectId: id, summary: { changes: Object.keys(changes), passwordReset: password !== undefined } }),
  );
}

/** Every account, with e-mail addresses and roles: a read the audit log keeps (`user.list`). */
export async function listUsers(db: Queryable, actor: Actor): Promise<UserView[]> {
  return audited(
    db,
    actor,
    async (tx) => {
      const users = await q.listUsers(tx);
      const assignments = await q.assignmentsOf(tx, users.map((user) => user.id));
      const throttled = await q.throttledEmails(tx);
      return users.map((user) => userView(user, assignments, throttled));
    },
    (users) => ({ action: 'user.list', objectType: 'user', summary: { users: users.length } }),
  );
}

export async function changeOwnPassword(db: Queryable, actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
  const principal = actor.principal;
  if (principal.kind !== 'user') throw new AppError('auth.required');
  const user = await q.userById(db, principal.userId);
  if (!user || !(await verifyPassword(user.password_hash, currentPassword))) throw new AppError('auth.password.wrongCurrent');
  checkPasswordPolicy(newPassword, { email: user.email, name: user.name });
  const passwordHash = await hashPassword(newPassword);
  await audited(
    db,
    actor,
    async (tx) => {
      await q.updateUser(tx, user.id, { passwordHash });
      // Other sessions end, and every API token: whoever learnt the old password may have made one.
      await q.revokeSessionsOf(tx, user.id, principal.sessionId);
      await q.revokeTokensOf(tx, user.id);
      await q.clearSignInFailures(tx, throttleKey(user.email));
    },
    () => ({ action: 'account.password', objectType: 'user', objectId: user.id }),
  );
}

// ---- tokens -------------------------------------------------------------------------------------

export interface TokenView {
  id: number;
  name: string;
  prefix: string;
  verbs: string[];
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
}

const tokenView = (row: q.TokenRow): TokenView => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  verbs: row.verbs,
  createdAt: new Date(row.created_at).toISOString(),
  expiresAt: new Date(row.expires_at).toISOString(),
  lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at).toISOString(),
  revoked: row.revoked_at !== null,
});

/**
 * Creates an API token; the secret is returned once and only its hash is kept. The password is
 * asked again (`password`), so a session left open on a shared computer cannot mint a
 * long-lived key; the lifetime is capped by `maxDays` (LIPTAKO_TOKEN_MAX_DAYS).
 */
export async function createToken(
  db: Queryable,
  actor: Actor,
  input: { name: string; expiresInDays: number; verbs?: string[]; password: string },
  limits: { maxDays: number },
): Promise<{ token: TokenView; secret: string }> {
  const principal = actor.principal;
  if (principal.kind !== 'user') throw new AppError('auth.required');
  if (input.expiresInDays > limits.maxDays) throw new AppError('auth.token.tooLong', { days: limits.maxDays });
  const owner = await q.userById(db, principal.userId);
  if (!owner || !(await verifyPassword(owner.password_hash, input.password))) throw new AppError('auth.password.wrongCurrent');
  return audited(
    db,
    actor,
    (tx) => issueToken(tx, principal, input),
    (created) => ({ action: 'token.create', objectType: 'api-token', objectId: created.token.id, summary: { name: created.token.name, verbs: created.token.verbs, expiresAt: created.token.expiresAt } }),
  );
}

/** Issues a token without asking for the password: for the system (tests, setup scripts). */
export async function issueToken(
  db: Queryable,
  principal: Principal,
  input: { name: string; expiresInDays: number; verbs?: string[] },
): Promise<{ token: TokenView; secret: string }> {
  if (principal.kind !== 'user') throw new AppError('auth.required');
  // A narrowed token may only create tokens as narrow as itself (an empty list would mean "all verbs").
  const narrowedTo = principal.tokenVerbs !== undefined && principal.tokenVerbs.length > 0 ? principal.tokenVerbs : undefined;
  const verbs = input.verbs !== undefined && input.verbs.length > 0 ? input.verbs : [...(narrowedTo ?? [])];
  for (const verb of verbs) if (!isVerb(verb)) throw new AppError('auth.verb.unknown', { verb: verb.slice(0, 40) });
  const wider = narrowedTo === undefined ? undefined : verbs.find((verb) => !narrowedTo.includes(verb));
  if (wider !== undefined) throw new AppError('auth.forbidden', { verb: wider });
  const value = `lpk_${secret(30)}`;
  const row = await q.insertToken(db, {
    userId: principal.userId,
    name: input.name.trim(),
    tokenSha256: sha256(value),
    prefix: value.slice(0, 8),
    verbs,
    expiresAt: new Date(Date.now() + input.expiresInDays * 24 * 3600 * 1000),
  });
  return { token: tokenView(row), secret: value };
}

export async function listTokens(db: Queryable, principal: Principal): Promise<TokenView[]> {
  if (principal.kind !== 'user') throw new AppError('auth.required');
  return (await q.tokensOf(db, principal.userId)).map(tokenView);
}

export async function revokeToken(db: Queryable, actor: Actor, id: number): Promise<void> {
  const principal = actor.principal;
  if (principal.kind !== 'user') throw new AppError('auth.required');
  await audited(
    db,
    actor,
    async (tx) => {
      if (!(await q.revokeToken(tx, principal.userId, id))) throw new AppError('resource.notFound', { what: 'Token', id });
    },
    () => ({ action: 'token.revoke', objectType: 'api-token', objectId: id }),
  );
}

// ---- audit --------------------------------------------------------------------------------------

export type AuditEventView = Omit<q.AuditRow, 'total' | 'occurred_at'> & { occurredAt: string };

/**
 * A page of the audit log (`audit.read`) or all of it as a file (`audit.export`): who reads the
 * log is itself in the log, one row per request, with the filters used.
 */
export async function searchAudit(db: Queryable, actor: Actor, filters: q.AuditFilters, action: 'audit.read' | 'audit.export' = 'audit.read'): Promise<{ total: number; events: AuditEventView[] }> {
  return audited(
    db,
    actor,
    async (tx) => {
      const rows = await q.searchAudit(tx, filters);
      return {
        total: Number(rows[0]?.total ?? 0),
        events: rows.map(({ total: _total, occurred_at, ...row }) => ({ ...row, occurredAt: new Date(occurred_at).toISOString() })),
      };
    },
    (found) => ({ action, objectType: 'audit-log', summary: { filters, events: found.events.length } }),
  );
}

// ---- bootstrap ------------------------------------------------------------------------------------

/** The first administrator, from the command line (`liptako users create-admin`). */
export async function createAdministrator(db: Queryable, input: { email: string; name: string; password: string; language?: 'fr' | 'en' }): Promise<UserView> {
  return createUser(db, systemActor('cli'), { ...input, assignments: [{ role: 'administrator', scope: { kind: 'response' } }] });
}

export interface DemoAccount {
  email: string;
  password: string;
  role: string;
  scope: string;
}

/** Demo accounts, one per persona, created once; the demo prints them. */
export const DEMO_ACCOUNTS: ReadonlyArray<DemoAccount & { name: string; organisation?: string; assignment: AssignmentInput }> = [
  { email: 'admin@demo.liptako.org', password: 'demo-Direction-Sahel-2021', name: 'Awa Admin', role: 'administrator', scope: 'response', assignment: { role: 'administrator', scope: { kind: 'response' } } },
  { email: 'im.mali@demo.liptako.org', password: 'demo-IM-Mopti-2021', name: 'Moussa Diarra', role: 'im-officer', scope: 'ML', assignment: { role: 'im-officer', scope: { kind: 'country', value: 'ML' } } },
  { email: 'manager@demo.liptako.org', password: 'demo-Budget-Objectifs-2021', name: 'Fatimata Ouédraogo', role: 'programme-manager', scope: 'response', assignment: { role: 'programme-manager', scope: { kind: 'response' } } },
  { email: 'enumerator.niger@demo.liptako.org', password: 'demo-Enum-Tillaberi-2021', name: 'Issoufou Moussa', role: 'enumerator', scope: 'NE', assignment: { role: 'enumerator', scope: { kind: 'country', value: 'NE' } } },
  { email: 'partner@demo.liptako.org', password: 'demo-ONG-Mopti-2021', name: 'Aminata Koné', role: 'partner-reporter', scope: 'organisation', organisation: 'Demo Partner NGO', assignment: { role: 'partner-reporter', scope: { kind: 'organisation', value: null } } },
  { email: 'viewer@demo.liptako.org', password: 'demo-Lecture-Seule-2021', name: 'Paul Viewer', role: 'viewer', scope: 'response', assignment: { role: 'viewer', scope: { kind: 'response' } } },
];

export async function ensureDemoAccounts(db: Queryable): Promise<{ created: number }> {
  let created = 0;
  for (const account of DEMO_ACCOUNTS) {
    if (await q.userByEmail(db, account.email)) continue;
    let organisationId: number | null = null;
    let assignment = account.assignment;
    if (account.organisation) {
      organisationId = (await q.organisationByName(db, account.organisation))?.id ?? (await createOrganisation(db, systemActor('demo'), { name: account.organisation, acronym: 'DPN', type: 'International NGO' })).id;
      assignment = { ...assignment, scope: { kind: 'organisation', value: String(organisationId) } };
    }
    await createUser(db, systemActor('demo'), { email: account.email, name: account.name, password: account.password, organisationId, language: 'fr', assignments: [assignment] });
    created += 1;
  }
  return { created };
}

// ---- roles and organisations --------------------------------------------------------------------

export async function listRoles(db: Queryable): Promise<Array<{ code: string; name: { en: string; fr: string }; verbs: string[] }>> {
  return (await q.listRoles(db)).map((role) => ({ code: role.code, name: { en: role.name_en, fr: role.name_fr }, verbs: role.verbs }));
}

export async function listOrganisations(db: Queryable): Promise<q.OrganisationRow[]> {
  return q.listOrganisations(db);
}

export async function createOrganisation(db: Queryable, actor: Actor, input: { name: string; acronym?: string; type?: string }): Promise<q.OrganisationRow> {
  const name = input.name.trim();
  const values = { name, acronym: input.acronym?.trim() || null, orgType: input.type?.trim() || null };
  return audited(
    db,
    actor,
    async (tx) => {
      if (await q.organisationByName(tx, name)) throw new AppError('resource.exists');
      const id = await q.insertOrganisation(tx, values);
      return { id, name, acronym: values.acronym, org_type: values.orgType };
    },
    (organisation) => ({ action: 'organisation.create', objectType: 'organisation', objectId: organisation.id, summary: { name: organisation.name } }),
  );
}
