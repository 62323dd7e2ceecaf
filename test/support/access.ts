/** Helpers for access-control tests: requests of any method, sign-in with cookies, plan copies. */
import { readFileSync } from 'node:fs';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import { send, type Reply } from './http.js';
import type { Database } from '../../src/core/db.js';
import type { AuditRow } from '../../src/access/queries.js';
import { DEMO_PLAN_FILE } from '../../src/demo/demo.js';
import { PERSONAS, TEST_PASSWORD, type Persona } from './harness.js';
import { CSAHEL, importPlanBytes } from './plans.js';

let addressCounter = 0;
/** A new caller address for each use, so the per-address sign-in throttle never couples tests. */
export function freshAddress(): string {
  addressCounter += 1;
  return `10.${Math.floor(addressCounter / 250) % 250}.${addressCounter % 250}.${1 + (process.pid % 250)}`;
}

export const SESSION_COOKIE = 'liptako_session';

export interface Session {
  /** The value to send in a Cookie header. */
  cookie: string;
  csrfToken: string;
  /** The raw session secret (only the browser should have it). */
  secret: string;
  reply: Reply<{ user: { email: string; id: number } | null; csrfToken: string | null; verbs: string[] }>;
}

type Signed = Exclude<Persona, 'anonymous'>;

export function emailOf(persona: Signed): string {
  return PERSONAS[persona].email;
}

/** Signs in through POST /api/auth/sign-in as a browser would (no credentials other than the form). */
export async function signIn(anonymousApp: LiptakoApp, persona: Signed, remoteAddress = freshAddress()): Promise<Session> {
  const reply = await send<Session['reply']['body']>(anonymousApp, 'POST', '/api/auth/sign-in', {
    payload: { email: emailOf(persona), password: TEST_PASSWORD },
    remoteAddress,
  });
  if (reply.statusCode !== 200) throw new Error(`sign-in of ${persona} failed: ${reply.statusCode} ${reply.text}`);
  const cookie = reply.cookies.find((candidate) => candidate.name === SESSION_COOKIE);
  if (!cookie || reply.body.csrfToken === null) throw new Error(`sign-in of ${persona} set no session cookie`);
  return { cookie: `${SESSION_COOKIE}=${cookie.value}`, csrfToken: reply.body.csrfToken, secret: cookie.value, reply };
}

/** Headers of a same-site request from a signed-in page: the cookie and the anti-forgery token. */
export const withSession = (session: Session, extra: Record<string, string> = {}): Record<string, string> => ({
  cookie: session.cookie,
  'x-csrf-token': session.csrfToken,
  ...extra,
});

/** A contribution body that records `amount` USD paid, earmarked to the plan. */
export const paidUsd = (amount: number, extra: Record<string, unknown> = {}): Record<string, unknown> => paidIn(amount, 'USD', extra);

/** A contribution body that records `amount` paid in `currency`, earmarked to the plan. */
export function paidIn(amount: number, currency: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    donor: 'ECHO',
    currency,
    amount,
    status: 'paid',
    pledgedOn: '2021-02-01',
    committedOn: '2021-03-01',
    paidOn: '2021-04-15',
    earmark: { level: 'plan' },
    ...extra,
  };
}

/** The 2021 plan definition under another code, with other countries or status. */
export function planVariant(changes: { code: string; countries?: string[]; status?: 'draft' | 'published' }): string {
  let text = readFileSync(DEMO_PLAN_FILE, 'utf8').replace(/^code: .*$/m, `code: ${changes.code}`);
  if (changes.countries) text = text.replace(/^countries: .*$/m, `countries: [${changes.countries.join(', ')}]`);
  if (changes.status) text = text.replace(/^status: .*$/m, `status: ${changes.status}`);
  if (text === readFileSync(DEMO_PLAN_FILE, 'utf8')) throw new Error('plan variant changed nothing');
  return text;
}

export async function importPlanVariant(app: LiptakoApp, changes: Parameters<typeof planVariant>[0]): Promise<void> {
  const result = await importPlanBytes(app, planVariant(changes), `${changes.code.toLowerCase()}.yaml`);
  if (result.statusCode !== 201) throw new Error(`import of ${changes.code} failed: ${result.text}`);
}

export async function countRows(db: Database, table: 'contribution' | 'app_user' | 'organisation' | 'api_token' | 'plan' | 'admin_unit' | 'audit_event' | 'user_session' | 'file_upload' | 'job' | 'response_organisation' | 'response_org_alias' | 'response_sector_label' | 'response_activity' | 'response_period' | 'response_report' | 'collection_project' | 'collection_form_version' | 'collection_app_user' | 'collection_submission', where = 'true', params: unknown[] = []): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params);
  return row?.n ?? 0;
}

export async function contributionCount(db: Database, code = CSAHEL): Promise<number> {
  return countRows(db, 'contribution', 'plan_id = (SELECT id FROM plan WHERE code = $1)', [code]);
}

export interface AuditEvent extends Pick<AuditRow, 'id' | 'actor' | 'action' | 'object_type' | 'object_id' | 'outcome' | 'summary'> {
  occurredAt: string;
}

/** GET /api/audit as the administrator, with the given filters. */
export async function auditEvents(adminApp: LiptakoApp, filters: Record<string, string> = {}): Promise<{ total: number; events: AuditEvent[] }> {
  const reply = await send<{ total: number; events: AuditEvent[] }>(adminApp, 'GET', `/api/audit?${new URLSearchParams({ limit: '1000', ...filters }).toString()}`);
  if (reply.statusCode !== 200) throw new Error(`audit search failed: ${reply.statusCode} ${reply.text}`);
  return reply.body;
}
