/**
 * The guard cannot be walked around by spelling a URL differently. The router matches the decoded
 * path (`/%61pi/users` is `/api/users`), so the guard must decide on the route that matched, never
 * on the raw URL. Each attack below is one that worked against the guard that read `request.url`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { looksLikeApiUrl } from '../../src/core/http-kit.js';
import type { RouteGuardReport } from '../../src/access/http.js';
import type { Queryable } from '../../src/core/db.js';
import { buildApp } from '../../src/core/http.js';
import { MODULES } from '../../src/modules.js';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import { describeEachDatabase, PERSONAS, TEST_PASSWORD, type TestContext } from '../support/harness.js';
import { countRows, freshAddress, paidUsd } from '../support/access.js';
import { send } from '../support/http.js';
import { csvOf, EN_HEADERS, importRound, MALI, seedMali, siteRow } from '../support/dtm.js';
import { CSAHEL, loadCsahelPlan } from '../support/plans.js';

const INTRUDER = {
  email: 'intruder@example.org',
  name: 'Intruder',
  password: 'une phrase assez longue 2021',
  assignments: [{ role: 'administrator', scope: { kind: 'response' } }],
};

describeEachDatabase('the guard on percent-encoded URLs', (context) => {
  it('refuses an anonymous POST /%61pi/users (401): no administrator is created, and the refusal is on record', async () => {
    const users = await countRows(context.db, 'app_user');
    const refused = await send(context.as('anonymous'), 'POST', '/%61pi/users', { payload: INTRUDER });
    expect(refused.statusCode).toBe(401);
    expect(refused.body.error!.code).toBe('auth.required');
    expect(await countRows(context.db, 'app_user')).toBe(users);
    expect(await countRows(context.db, 'app_user', 'lower(email) = $1', [INTRUDER.email])).toBe(0);
    // The intruder cannot sign in with the password it chose.
    const signIn = await send(context.as('anonymous'), 'POST', '/api/auth/sign-in', { payload: { email: INTRUDER.email, password: INTRUDER.password }, remoteAddress: freshAddress() });
    expect(signIn.statusCode).toBe(401);
    expect(await countRows(context.db, 'audit_event', "actor = 'anonymous' AND action = 'user.create' AND outcome = 'failure'")).toBe(1);
  });

  it.each(['/%61pi/users', '/%61pi/audit', '/%61pi/audit/export', '/api/%75sers', '/%61%70%69/%61udit'])('refuses an anonymous GET %s (401) and shows no account', async (url) => {
    const refused = await send(context.as('anonymous'), 'GET', url);
    expect(refused.statusCode).toBe(401);
    expect(refused.text).not.toContain(PERSONAS.admin.email);
  });

  it('refuses an anonymous GET /%61pi/dtm/jobs/:id of an existing import job (401)', async () => {
    await seedMali(context.app, context.db);
    const { job } = await importRound(context.app, csvOf(EN_HEADERS, [siteRow('ML0501-0001', 'ML0501', 120)]), { roundNumber: 1 }, 'round-of-someone.csv');
    expect(job).not.toBeNull();
    const plain = await send(context.as('anonymous'), 'GET', `/api/dtm/jobs/${job!.id}`);
    expect(plain.statusCode).toBe(401);
    const encoded = await send(context.as('anonymous'), 'GET', `/%61pi/dtm/jobs/${job!.id}`);
    expect(encoded.statusCode).toBe(401);
    expect(encoded.text).not.toContain('round-of-someone.csv');
    // The import's last statements (after its status reads done) must end inside this test's
    // transaction: a few more round trips on the same connection let them.
    for (let trip = 0; trip < 3; trip += 1) expect((await send(context.app, 'GET', `/api/dtm/jobs/${job!.id}`)).statusCode).toBe(200);
  });

  it("refuses an anonymous PATCH /%61pi/users/:id that resets the administrator's password (401): the old password still works", async () => {
    const [admin] = await context.db.query<{ id: number; password_hash: string }>('SELECT id, password_hash FROM app_user WHERE email = $1', [PERSONAS.admin.email]);
    const refused = await send(context.as('anonymous'), 'PATCH', `/%61pi/users/${admin!.id}`, { payload: { password: 'taken over by an intruder 2021' } });
    expect(refused.statusCode).toBe(401);
    const [after] = await context.db.query<{ password_hash: string }>('SELECT password_hash FROM app_user WHERE id = $1', [admin!.id]);
    expect(after!.password_hash).toBe(admin!.password_hash);
    const signIn = await send(context.as('anonymous'), 'POST', '/api/auth/sign-in', { payload: { email: PERSONAS.admin.email, password: TEST_PASSWORD }, remoteAddress: freshAddress() });
    expect(signIn.statusCode).toBe(200);
    expect(await countRows(context.db, 'audit_event', "actor = 'anonymous' AND action = 'user.update' AND outcome = 'failure'")).toBe(1);
  });

  it('refuses a viewer (403) on an encoded user-management URL, and lets an administrator through the same spelling', async () => {
    const viewer = await send(context.as('viewer'), 'GET', '/%61pi/users');
    expect(viewer.statusCode).toBe(403);
    expect(viewer.body.error!.code).toBe('auth.forbidden');
    // The route matched is the route guarded: the administrator's token is honoured there too.
    const admin = await send(context.as('admin'), 'GET', '/%61pi/users');
    expect(admin.statusCode).toBe(200);
  });

  it('answers a plain JSON 404 for an unknown API address or asset file in any spelling, never the web page', async () => {
    const webRoot = mkdtempSync(path.join(tmpdir(), 'liptako-web-'));
    writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>Liptako page</title>');
    const app = await buildApp({ db: context.db, modules: MODULES, logLevel: false, webRoot });
    try {
      await app.ready();
      for (const url of ['/api/nothing', '/%61pi/nothing', '/%2561pi/nothing', '/API/users', '/Api/nothing', '//api/users', '/api//users', '/%2Fapi/users', '/%61pi%2Fusers', '/hap%69/v2/x', '/DTM/v3/x', '/api;x/users', '/.%2E/api/x']) {
        const reply = await app.inject({ method: 'GET', url });
        expect(reply.statusCode, url).toBe(404);
        expect(reply.body, url).not.toContain('Liptako page');
        expect(reply.json<{ error: { code: string } }>().error.code, url).toBe('route.notFound');
      }
      // Pages of the web app are still served.
      const page = await app.inject({ method: 'GET', url: '/geography' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Liptako page');
      // A chunk an older build asked for is missing, not the page (which would run as broken JavaScript).
      for (const url of ['/assets/index-OLDBUILD.js', '/%61ssets/index-OLDBUILD.js', '/ASSETS/x.css', '/x/../assets/y.js']) {
        const reply = await app.inject({ method: 'GET', url });
        expect(reply.statusCode, url).toBe(404);
        expect(reply.body, url).not.toContain('Liptako page');
      }
    } finally {
      await app.close();
      rmSync(webRoot, { recursive: true, force: true });
    }
  });
});

// ---- the generated sweep: every guarded route × every spelling × the least-privileged callers ----

/** Spellings of one concrete path that a router, a proxy or a decoder may read as the same route. */
export function spellingsOf(path: string): Array<[string, string]> {
  const segments = path.split('/').slice(1);
  const [first = '', ...rest] = segments;
  const tail = rest.join('/');
  const encodeAll = (text: string): string => [...text].map((char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('');
  const lastStatic = [...segments].reverse().find((segment) => /^[a-z-]+$/.test(segment)) ?? first;
  const upperFirst = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
  return [
    ['first letter encoded', `/%${first.charCodeAt(0).toString(16)}${first.slice(1)}/${tail}`],
    ['prefix encoded', `/${encodeAll(first)}/${tail}`],
    ['upper-case escapes', `/%${first.charCodeAt(0).toString(16).toUpperCase()}${first.slice(1)}/${tail}`],
    ['last word encoded', path.replace(new RegExp(`/${lastStatic}(/|$)`), `/${encodeAll(lastStatic)}$1`)],
    ['double-encoded', `/%25${first.charCodeAt(0).toString(16)}${first.slice(1)}/${tail}`],
    ['encoded slash', `/${first}%2F${tail}`],
    ['encoded slash, lower case', `/${first}%2f${tail}`],
    ['encoded leading slash', `/%2F${first}/${tail}`],
    ['backslash', `/${first}\\${tail}`],
    ['doubled leading slash', `/${path}`],
    ['doubled inner slash', `/${first}//${tail}`],
    ['dot segment', `/${first}/./${tail}`],
    ['parent segment', `/x/../${first}/${tail}`],
    ['encoded dot segment', `/${first}/%2E/${tail}`],
    ['encoded parent segment', `/x/%2E%2E/${first}/${tail}`],
    ['upper case', path.toUpperCase()],
    ['capitalised prefix', `/${upperFirst(first)}/${tail}`],
    ['trailing slash', `${path}/`],
    ['trailing dot', `${path}/.`],
    ['semicolon parameter', `${path};x=1`],
    ['semicolon in prefix', `/${first};/${tail}`],
    ['empty query', `${path}?`],
    ['encoded question mark', `${path}%3F`],
    ['query with a path', `${path}?/../../api/auth/me`],
    ['encoded hash', `${path}%23`],
    ['encoded NUL', `${path}%00`],
    ['full-width first letter', `/${encodeURIComponent(String.fromCharCode(0xff41 + first.charCodeAt(0) - 97))}${first.slice(1)}/${tail}`],
  ];
}

type Method = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

const GUARD_REFUSALS = new Set(['auth.required', 'auth.forbidden', 'auth.token.invalid', 'auth.csrf']);

interface Answer {
  status: number;
  code: string | undefined;
}

async function ask(app: LiptakoApp, method: Method, url: string, payload: unknown): Promise<Answer> {
  const reply = await app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  let code: string | undefined;
  try {
    code = reply.json<{ error?: { code?: string } }>().error?.code;
  } catch {
    code = undefined;
  }
  return { status: reply.statusCode, code };
}

const isGuardRefusal = (answer: Answer): boolean => (answer.status === 401 || answer.status === 403) && answer.code !== undefined && GUARD_REFUSALS.has(answer.code);

/**
 * A fingerprint of every table but the audit log (which refusals append to) and the columns that
 * reading with a token touches: equal fingerprints mean that nothing was stored, changed or removed.
 */
async function fingerprint(db: Queryable): Promise<Record<string, string>> {
  const tables = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'audit_event' ORDER BY table_name`,
  );
  const prints: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await db.query<{ print: string }>(
      `SELECT md5(coalesce(string_agg(x, '|' ORDER BY x), '')) AS print
         FROM (SELECT (to_jsonb(t) - 'last_used_at' - 'last_seen_at')::text AS x FROM "${name}" t) rows`,
    );
    prints[name] = row!.print;
  }
  return prints;
}

/** Plausible, existing objects for every path parameter, so a bypass would reach real data. */
async function existingObjects(context: TestContext): Promise<Record<string, string>> {
  await loadCsahelPlan(context.app);
  await seedMali(context.app, context.db);
  const { job, uploadId } = await importRound(context.app, csvOf(EN_HEADERS, [siteRow('ML0501-0001', 'ML0501', 120)]), { roundNumber: 1 });
  const contribution = await send<{ contribution: { id: number } }>(context.app, 'POST', `/api/plans/${CSAHEL}/contributions`, { payload: paidUsd(100) });
  expect(contribution.statusCode).toBe(201);
  const id = async (sql: string, params: unknown[] = []): Promise<string> => {
    const [row] = await context.db.query<{ id: number }>(sql, params);
    // The 2021 plan has no per-country lines: an id that could exist is enough for those.
    return String(row?.id ?? 1);
  };
  const plan = `(SELECT id FROM plan WHERE code = '${CSAHEL}')`;
  return {
    plans: CSAHEL,
    operations: MALI.code,
    units: 'ML05',
    objectives: await id(`SELECT id FROM plan_objective WHERE plan_id = ${plan} ORDER BY id LIMIT 1`),
    areas: await id(`SELECT id FROM plan_activity_area WHERE plan_id = ${plan} ORDER BY id LIMIT 1`),
    'country-lines': await id(`SELECT id FROM plan_country_line WHERE plan_id = ${plan} ORDER BY id LIMIT 1`),
    contributions: String(contribution.body.contribution.id),
    rounds: await id('SELECT id FROM dtm_round ORDER BY id LIMIT 1'),
    jobs: String(job!.id),
    uploads: String(uploadId),
    users: await id('SELECT id FROM app_user WHERE email = $1', [PERSONAS.admin.email]),
    tokens: await id('SELECT t.id FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE u.email = $1', [PERSONAS.admin.email]),
  };
}

/** A concrete URL for a route pattern: each parameter gets the existing object its collection names. */
function concrete(pattern: string, objects: Record<string, string>): string {
  const segments = pattern.split('/');
  return segments
    .map((segment, index) => {
      if (segment === '*') return 'index.html';
      if (!segment.startsWith(':')) return segment;
      return objects[segments[index - 1] ?? ''] ?? '1';
    })
    .join('/');
}

/** Bodies that would do harm if a spelling got through: an administrator created, a password reset. */
const HARMFUL_BODIES: Record<string, unknown> = {
  'POST /api/users': INTRUDER,
  'PATCH /api/users/:id': { password: 'taken over by an intruder 2021', assignments: [{ role: 'administrator', scope: { kind: 'response' } }] },
  'POST /api/organisations': { name: 'Intruder NGO' },
  'POST /api/tokens': { name: 'intruder', expiresInDays: 366 },
  'POST /api/plans/:code/contributions': paidUsd(1_000_000),
};

const bodyFor = (route: RouteGuardReport): unknown => HARMFUL_BODIES[`${route.method} ${route.url}`] ?? (route.method === 'GET' || route.method === 'HEAD' ? undefined : {});

/**
 * The sweeps ask every guarded route in every spelling, one request after another (over a thousand
 * requests): a bound for a machine shared with other work, not a speed test.
 */
const SWEEP_TIMEOUT_MS = 240_000;

describeEachDatabase('the guard on every route in every spelling', (context) => {
  const guarded = (): RouteGuardReport[] => context.app.guardedRoutes.filter((route) => looksLikeApiUrl(route.url) && route.verb !== undefined && route.verb !== 'public');

  it.each(['anonymous', 'viewer'] as const)('gives %s no answer through another spelling that the plain URL refuses, and stores nothing', async (persona) => {
    const objects = await existingObjects(context);
    const app = context.as(persona);
    const routes = guarded();
    expect(routes.length).toBeGreaterThan(60);

    // First the plain URLs: which does the guard refuse this caller?
    const plain = new Map<RouteGuardReport, Answer>();
    for (const route of routes) plain.set(route, await ask(app, route.method as Method, concrete(route.url, objects), bodyFor(route)));
    // What the plain URL allows is the caller's anyway (the administrator's test below shows that
    // the spellings reach the same routes). Here: every route the guard refuses, in every spelling.
    const refused = routes.filter((route) => isGuardRefusal(plain.get(route)!));
    expect(refused.length).toBeGreaterThan(persona === 'anonymous' ? 25 : 10);

    const before = await fingerprint(context.db);
    const [{ last }] = (await context.db.query<{ last: number }>('SELECT coalesce(max(id), 0)::int AS last FROM audit_event')) as [{ last: number }];
    let refusedWrites = 0;
    const wrong: string[] = [];
    for (const route of refused) {
      const url = concrete(route.url, objects);
      const expected = plain.get(route)!;
      const body = bodyFor(route);
      for (const [label, spelling] of spellingsOf(url)) {
        const answer = await ask(app, route.method as Method, spelling, body);
        const where = `${route.method} ${spelling} (${label}; plain ${expected.status})`;
        // Refused at the door, or no such route at all: never a handler's answer (not even a 400).
        const notFound = answer.status === 404 && answer.code === 'route.notFound';
        if (!notFound && !(isGuardRefusal(answer) && answer.status === expected.status)) wrong.push(`${where}: ${answer.status} ${answer.code ?? ''}`);
        if (isGuardRefusal(answer) && route.method !== 'GET' && route.method !== 'HEAD') refusedWrites += 1;
      }
    }
    expect(wrong).toEqual([]);
    expect(await fingerprint(context.db)).toEqual(before);
    // Every refused write that reached a route is on record as a failure.
    expect(refusedWrites).toBeGreaterThan(100);
    expect(await countRows(context.db, 'audit_event', "id > $1 AND outcome = 'failure'", [last])).toBeGreaterThanOrEqual(refusedWrites);
  }, SWEEP_TIMEOUT_MS);

  it('reaches the same route through the spellings the router accepts: the administrator gets the plain answer', async () => {
    const objects = await existingObjects(context);
    const reads = guarded().filter((route) => route.method === 'GET' && !route.url.startsWith('/api/docs'));
    const differing: string[] = [];
    for (const route of reads) {
      const url = concrete(route.url, objects);
      const expected = await ask(context.app, 'GET', url, undefined);
      for (const [label, spelling] of spellingsOf(url).filter(([name]) => ['first letter encoded', 'prefix encoded', 'last word encoded', 'trailing slash'].includes(name))) {
        const answer = await ask(context.app, 'GET', spelling, undefined);
        if (answer.status !== expected.status) differing.push(`${spelling} (${label}): ${answer.status}, plain ${expected.status}`);
      }
    }
    expect(differing).toEqual([]);
  }, SWEEP_TIMEOUT_MS);
});
