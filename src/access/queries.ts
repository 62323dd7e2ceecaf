/** Every SQL statement of access control and audit. */
import type { Queryable } from '../core/db.js';

export type UserId = number & { readonly __brand: 'UserId' };

export interface UserRow {
  id: UserId;
  email: string;
  name: string;
  language: 'fr' | 'en';
  organisation_id: number | null;
  password_hash: string;
  disabled_at: Date | null;
  version: number;
  created_at: Date;
}

const USER_COLUMNS = 'u.id, u.email, u.name, u.language, u.organisation_id, u.password_hash, u.disabled_at, u.version, u.created_at';

export async function userByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
  const [row] = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM app_user u WHERE lower(u.email) = lower($1)`, [email]);
  return row;
}

export async function userById(db: Queryable, id: number): Promise<UserRow | undefined> {
  const [row] = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM app_user u WHERE u.id = $1`, [id]);
  return row;
}

export async function listUsers(db: Queryable): Promise<UserRow[]> {
  return db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM app_user u ORDER BY lower(u.email)`);
}

export async function insertUser(
  db: Queryable,
  values: { email: string; name: string; language: 'fr' | 'en'; organisationId: number | null; passwordHash: string },
): Promise<UserId> {
  const [row] = await db.query<{ id: UserId }>(
    'INSERT INTO app_user (email, name, language, organisation_id, password_hash) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [values.email, values.name, values.language, values.organisationId, values.passwordHash],
  );
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return row.id;
}

export async function updateUser(
  db: Queryable,
  id: number,
  values: { name?: string; language?: 'fr' | 'en'; organisationId?: number | null; disabled?: boolean; passwordHash?: string },
): Promise<void> {
  const sets: string[] = [];
  const params: unknown[] = [id];
  const set = (column: string, value: unknown): void => {
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  };
  if (values.name !== undefined) set('name', values.name);
  if (values.language !== undefined) set('language', values.language);
  if (values.organisationId !== undefined) set('organisation_id', values.organisationId);
  if (values.passwordHash !== undefined) set('password_hash', values.passwordHash);
  if (values.disabled !== undefined) sets.push(values.disabled ? 'disabled_at = coalesce(disabled_at, now())' : 'disabled_at = NULL');
  if (sets.length === 0) return;
  await db.query(`UPDATE app_user SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1`, params);
}

// ---- sign-in slow-down ---------------------------------------------------------------------------

/** Seconds this address must still wait before an attempt on this account is checked (0: none). */
export async function signInWait(db: Queryable, email: string, address: string): Promise<number> {
  const [row] = await db.query<{ seconds: number }>(
    'SELECT ceil(extract(epoch FROM retry_at - now()))::int AS seconds FROM sign_in_throttle WHERE email = $1 AND address = $2 AND retry_at > now()',
    [email, address],
  );
  return row === undefined ? 0 : Math.max(1, row.seconds);
}

/**
 * Counts a wrong password from this address; past the free ones, the address waits
 * first × 2^(extra failures − 1) seconds, capped. Old rows are forgotten on the way, so
 * spraying unknown e-mails cannot grow the table without end.
 */
export async function recordSignInFailure(
  db: Queryable,
  email: string,
  address: string,
  rule: { freeFailures: number; firstWaitSeconds: number; longestWaitSeconds: number; forgetAfterHours: number },
): Promise<void> {
  await db.query('DELETE FROM sign_in_throttle WHERE last_failure_at < now() - make_interval(hours => $1)', [rule.forgetAfterHours]);
  await db.query(
    `INSERT INTO sign_in_throttle AS t (email, address, failures, retry_at)
     VALUES ($1, $2, 1, CASE WHEN $3::int < 1 THEN now() + make_interval(secs => $4) END)
     ON CONFLICT (email, address) DO UPDATE SET
       failures = t.failures + 1,
       last_failure_at = now(),
       retry_at = CASE WHEN t.failures + 1 > $3::int
                       THEN now() + make_interval(secs => least($5::float8, $4::float8 * power(2, least(t.failures + 1 - $3::int - 1, 30))))
                       ELSE NULL END`,
    [email, address, rule.freeFailures, rule.firstWaitSeconds, rule.longestWaitSeconds],
  );
}

/** Forgets the failures of one address (a right password), or of every address; returns how many. */
export async function clearSignInFailures(db: Queryable, email: string, address?: string): Promise<number> {
  const rows = await db.query('DELETE FROM sign_in_throttle WHERE email = $1 AND ($2::text IS NULL OR address = $2) RETURNING address', [email, address ?? null]);
  return rows.length;
}

/** E-mails (throttle keys) for which some address must wait now. */
export async function throttledEmails(db: Queryable): Promise<Set<string>> {
  const rows = await db.query<{ email: string }>('SELECT DISTINCT email FROM sign_in_throttle WHERE retry_at > now()');
  return new Set(rows.map((row) => row.email));
}

export interface AssignmentRow {
  id: number;
  user_id: UserId;
  role_code: string;
  scope_kind: 'response' | 'country' | 'organisation';
  scope_value: string | null;
  verbs: string[];
}

export async function assignmentsOf(db: Queryable, userIds: readonly number[]): Promise<AssignmentRow[]> {
  return db.query<AssignmentRow>(
    `SELECT a.id, a.user_id, a.role_code, a.scope_kind, a.scope_value, r.verbs
       FROM role_assignment a JOIN role r ON r.code = a.role_code
      WHERE a.user_id = ANY($1::bigint[]) ORDER BY a.id`,
    [userIds],
  );
}

export async function replaceAssignments(
  db: Queryable,
  userId: number,
  assignments: ReadonlyArray<{ role: string; scopeKind: string; scopeValue: string | null }>,
): Promise<void> {
  await db.query('DELETE FROM role_assignment WHERE user_id = $1', [userId]);
  for (const assignment of assignments) {
    await db.query('INSERT INTO role_assignment (user_id, role_code, scope_kind, scope_value) VALUES ($1, $2, $3, $4)', [
      userId,
      assignment.role,
      assignment.scopeKind,
      assignment.scopeValue,
    ]);
  }
}

export interface RoleRow {
  code: string;
  name_en: string;
  name_fr: string;
  verbs: string[];
}

export async function listRoles(db: Queryable): Promise<RoleRow[]> {
  return db.query<RoleRow>('SELECT code, name_en, name_fr, verbs FROM role ORDER BY code');
}

export async function roleVerbs(db: Queryable, code: string): Promise<string[]> {
  const [row] = await db.query<{ verbs: string[] }>('SELECT verbs FROM role WHERE code = $1', [code]);
  return row?.verbs ?? [];
}

export interface OrganisationRow {
  id: number;
  name: string;
  acronym: string | null;
  org_type: string | null;
}

export async function listOrganisations(db: Queryable): Promise<OrganisationRow[]> {
  return db.query<OrganisationRow>('SELECT id, name, acronym, org_type FROM organisation ORDER BY lower(name)');
}

export async function insertOrganisation(db: Queryable, values: { name: string; acronym: string | null; orgType: string | null }): Promise<number> {
  const [row] = await db.query<{ id: number }>('INSERT INTO organisation (name, acronym, org_type) VALUES ($1, $2, $3) RETURNING id', [
    values.name,
    values.acronym,
    values.orgType,
  ]);
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return row.id;
}

export async function organisationByName(db: Queryable, name: string): Promise<OrganisationRow | undefined> {
  const [row] = await db.query<OrganisationRow>('SELECT id, name, acronym, org_type FROM organisation WHERE lower(name) = lower($1)', [name]);
  return row;
}

// ---- sessions ---------------------------------------------------------------------------------

export interface SessionRow {
  id: number;
  user_id: UserId;
  csrf_token: string;
  expires_at: Date;
}

export async function insertSession(db: Queryable, values: { tokenSha256: string; csrfToken: string; userId: number; expiresAt: Date }): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    'INSERT INTO user_session (token_sha256, csrf_token, user_id, expires_at) VALUES ($1, $2, $3, $4) RETURNING id',
    [values.tokenSha256, values.csrfToken, values.userId, values.expiresAt.toISOString()],
  );
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return row.id;
}

/** Who holds a live credential, read with their role assignments in one statement. */
export interface CredentialRow {
  credential_id: number;
  csrf_token: string | null;
  token_verbs: string[] | null;
  /** The last use recorded is old enough to be written again (see touchSession, touchToken). */
  touch: boolean;
  user_id: UserId;
  email: string;
  name: string;
  language: 'fr' | 'en';
  organisation_id: number | null;
  assignments: Array<{ id: number; role_code: string; scope_kind: AssignmentRow['scope_kind']; scope_value: string | null; verbs: string[] }>;
}

/** How stale a recorded last use may get before it is written again: one write a minute, not one per request. */
export const LAST_USE_GRANULARITY_SECONDS = 60;

const CREDENTIAL_USER = `u.id AS user_id, u.email, u.name, u.language, u.organisation_id,
       coalesce((SELECT json_agg(json_build_object('id', a.id, 'role_code', a.role_code, 'scope_kind', a.scope_kind, 'scope_value', a.scope_value, 'verbs', r.verbs) ORDER BY a.id)
                   FROM role_assignment a JOIN role r ON r.code = a.role_code WHERE a.user_id = u.id), '[]'::json) AS assignments`;

/** A live session (not revoked, not expired, not idle too long, its user not disabled) and its user. */
export async function liveSession(db: Queryable, tokenSha256: string, idleMinutes: number): Promise<CredentialRow | undefined> {
  const [row] = await db.query<CredentialRow>(
    `SELECT s.id AS credential_id, s.csrf_token, NULL::text[] AS token_verbs,
            s.last_seen_at < now() - make_interval(secs => $3) AS touch, ${CREDENTIAL_USER}
       FROM user_session s JOIN app_user u ON u.id = s.user_id
      WHERE s.token_sha256 = $1 AND u.disabled_at IS NULL
        AND s.revoked_at IS NULL AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(mins => $2)`,
    [tokenSha256, idleMinutes, LAST_USE_GRANULARITY_SECONDS],
  );
  return row;
}

export async function touchSession(db: Queryable, id: number): Promise<void> {
  await db.query('UPDATE user_session SET last_seen_at = now() WHERE id = $1', [id]);
}

export async function revokeSession(db: Queryable, id: number): Promise<void> {
  await db.query('UPDATE user_session SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
}

/** Ends every session of a user, but `except` (the one making the change) when given. */
export async function revokeSessionsOf(db: Queryable, userId: number, except?: number): Promise<number> {
  const rows = await db.query('UPDATE user_session SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL AND id <> $2 RETURNING id', [userId, except ?? -1]);
  return rows.length;
}

// ---- API tokens -------------------------------------------------------------------------------

export interface TokenRow {
  id: number;
  user_id: UserId;
  name: string;
  prefix: string;
  verbs: string[];
  created_at: Date;
  expires_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const TOKEN_COLUMNS = 'id, user_id, name, prefix, verbs, created_at, expires_at, last_used_at, revoked_at';

export async function insertToken(
  db: Queryable,
  values: { userId: number; name: string; tokenSha256: string; prefix: string; verbs: readonly string[]; expiresAt: Date },
): Promise<TokenRow> {
  const [row] = await db.query<TokenRow>(
    `INSERT INTO api_token (user_id, name, token_sha256, prefix, verbs, expires_at) VALUES ($1, $2, $3, $4, $5::text[], $6)
     RETURNING ${TOKEN_COLUMNS}`,
    [values.userId, values.name, values.tokenSha256, values.prefix, values.verbs, values.expiresAt.toISOString()],
  );
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return row;
}

export async function tokensOf(db: Queryable, userId: number): Promise<TokenRow[]> {
  return db.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_token WHERE user_id = $1 ORDER BY id DESC`, [userId]);
}

/** A live token (not revoked, not expired, its user not disabled) and its user. */
export async function liveToken(db: Queryable, tokenSha256: string): Promise<CredentialRow | undefined> {
  const [row] = await db.query<CredentialRow>(
    `SELECT t.id AS credential_id, NULL AS csrf_token, t.verbs AS token_verbs,
            (t.last_used_at IS NULL OR t.last_used_at < now() - make_interval(secs => $2)) AS touch, ${CREDENTIAL_USER}
       FROM api_token t JOIN app_user u ON u.id = t.user_id
      WHERE t.token_sha256 = $1 AND u.disabled_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > now()`,
    [tokenSha256, LAST_USE_GRANULARITY_SECONDS],
  );
  return row;
}

export async function touchToken(db: Queryable, id: number): Promise<void> {
  await db.query('UPDATE api_token SET last_used_at = now() WHERE id = $1', [id]);
}

export async function revokeTokensOf(db: Queryable, userId: number): Promise<number> {
  const rows = await db.query('UPDATE api_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING id', [userId]);
  return rows.length;
}

export async function revokeToken(db: Queryable, userId: number, id: number): Promise<boolean> {
  const rows = await db.query('UPDATE api_token SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND user_id = $2 RETURNING id', [id, userId]);
  return rows.length > 0;
}

// ---- audit ------------------------------------------------------------------------------------

export interface AuditValues {
  actorUserId: number | null;
  actor: string;
  action: string;
  objectType: string | null;
  objectId: string | null;
  outcome: 'success' | 'failure';
  summary: object;
  requestId: string | null;
}

// PostgreSQL text cannot hold a NUL character; an attempt carrying one (`/api/users/1%00`) must
// still be recorded, so it is recorded with U+FFFD in its place.
const withoutNul = (text: string): string => text.replaceAll('\0', '\uFFFD');

export async function insertAudit(db: Queryable, values: AuditValues): Promise<void> {
  await db.query(
    `INSERT INTO audit_event (actor_user_id, actor, action, object_type, object_id, outcome, summary, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
    [
      values.actorUserId,
      withoutNul(values.actor),
      withoutNul(values.action),
      values.objectType === null ? null : withoutNul(values.objectType),
      values.objectId === null ? null : withoutNul(values.objectId),
      values.outcome,
      JSON.stringify(values.summary, (_key, value: unknown) => (typeof value === 'string' ? withoutNul(value) : value)),
      values.requestId,
    ],
  );
}

export interface AuditRow {
  id: number;
  occurred_at: Date;
  actor_user_id: number | null;
  actor: string;
  action: string;
  object_type: string | null;
  object_id: string | null;
  outcome: 'success' | 'failure';
  /** jsonb, always an object: what the action was about. */
  summary: Record<string, unknown>;
  request_id: string | null;
  total: number;
}

export interface AuditFilters {
  actor?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  outcome?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export async function searchAudit(db: Queryable, filters: AuditFilters): Promise<AuditRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (n: number) => string, value: unknown): void => {
    params.push(value);
    where.push(clause(params.length));
  };
  if (filters.actor) add((n) => `lower(actor) LIKE '%' || lower($${n}) || '%'`, filters.actor.replace(/[\\%_]/g, (c) => `\\${c}`));
  if (filters.action) add((n) => `action LIKE $${n} || '%'`, filters.action.replace(/[\\%_]/g, (c) => `\\${c}`));
  if (filters.objectType) add((n) => `object_type = $${n}`, filters.objectType);
  if (filters.objectId) add((n) => `object_id = $${n}`, filters.objectId);
  if (filters.outcome) add((n) => `outcome = $${n}`, filters.outcome);
  if (filters.from) add((n) => `occurred_at >= $${n}::date`, filters.from);
  if (filters.to) add((n) => `occurred_at < $${n}::date + 1`, filters.to);
  params.push(filters.limit, filters.offset);
  return db.query<AuditRow>(
    `SELECT id, occurred_at, actor_user_id, actor, action, object_type, object_id, outcome, summary, request_id, count(*) OVER () AS total
       FROM audit_event ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
}
