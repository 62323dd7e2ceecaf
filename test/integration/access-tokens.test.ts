/** API tokens: created once, used as Bearer, revoked at once, narrowed, audited. */
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachDatabase, PERSONAS, TEST_PASSWORD } from '../support/harness.js';
import { CSAHEL, loadCsahelPlan } from '../support/plans.js';
import { auditEvents, contributionCount, countRows, paidUsd, signIn, withSession } from '../support/access.js';
import { send } from '../support/http.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

interface Created {
  token: { id: number; name: string; prefix: string; verbs: string[]; expiresAt: string; revoked: boolean };
  secret: string;
}

describeEachDatabase('API tokens', (context) => {
  const anonymous = () => context.as('anonymous');
  const bearer = (secret: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${secret}`, ...extra });

  it('is created from a session, shown once, works as a Bearer token, and stops at once when revoked', async () => {
    await loadCsahelPlan(context.app);
    const session = await signIn(anonymous(), 'programmeManager');
    const created = await send<Created>(anonymous(), 'POST', '/api/tokens', { headers: withSession(session), payload: { name: 'Script FTS', expiresInDays: 30, password: TEST_PASSWORD } });
    expect(created.statusCode).toBe(201);
    const { token, secret } = created.body;
    expect(secret).toMatch(/^lpk_[A-Za-z0-9_-]{30,}$/);
    expect(token).toMatchObject({ name: 'Script FTS', prefix: secret.slice(0, 8), verbs: [], revoked: false });
    // Only a hash is kept, and the list never shows the secret again.
    expect(await countRows(context.db, 'api_token', 'token_sha256 = $1', [sha256(secret)])).toBe(1);
    expect(await countRows(context.db, 'api_token', 'token_sha256 = $1 OR prefix = $1', [secret])).toBe(0);
    const list = await send(anonymous(), 'GET', '/api/tokens', { headers: { cookie: session.cookie } });
    expect(list.text).toContain('Script FTS');
    expect(list.text).not.toContain(secret);

    // As Bearer: who am I, and a write without any anti-forgery token (no cookie is involved).
    const me = await send<{ user: { email: string } }>(anonymous(), 'GET', '/api/auth/me', { headers: bearer(secret) });
    expect(me.body.user.email).toBe(PERSONAS.programmeManager.email);
    const write = await send(anonymous(), 'POST', `/api/plans/${CSAHEL}/contributions`, { headers: bearer(secret), payload: paidUsd(100) });
    expect(write.statusCode).toBe(201);

    const revoked = await send(anonymous(), 'DELETE', `/api/tokens/${token.id}`, { headers: withSession(session) });
    expect(revoked.statusCode).toBe(204);
    for (const [method, url] of [['GET', '/api/auth/me'], ['GET', '/api/health'], ['POST', `/api/plans/${CSAHEL}/contributions`]] as const) {
      const after = await send(anonymous(), method, url, { headers: bearer(secret), ...(method === 'POST' ? { payload: paidUsd(100) } : {}) });
      expect(after.statusCode, `${method} ${url}`).toBe(401);
      expect(after.body.error!.code).toBe('auth.token.invalid');
    }
    expect(await contributionCount(context.db)).toBe(1);
  });

  it('can be created with another token, and revoked only by its owner', async () => {
    const created = await send<Created>(context.as('viewer'), 'POST', '/api/tokens', { payload: { name: 'dashboard', expiresInDays: 1, password: TEST_PASSWORD } });
    expect(created.statusCode).toBe(201);
    const stranger = await send(context.as('partner'), 'DELETE', `/api/tokens/${created.body.token.id}`);
    expect(stranger.statusCode).toBe(404);
    const admin = await send(context.as('admin'), 'DELETE', `/api/tokens/${created.body.token.id}`);
    expect(admin.statusCode).toBe(404);
    expect((await send(anonymous(), 'GET', '/api/plans', { headers: bearer(created.body.secret) })).statusCode).toBe(200);
  });

  it.each([
    ['expired', 'expired'],
    ['unknown', 'lpk_ThisTokenWasNeverIssuedByLiptakoAtAll0000'],
    ['SQL', "' OR 1=1 --"],
    ['SQL, quoted', "x' OR '1'='1"],
    ['empty-looking', '""'],
    ['very long', 'A'.repeat(4000)],
  ])('refuses an %s bearer token with 401 on reads and writes, and writes nothing', async (_label, value) => {
    await loadCsahelPlan(context.app);
    let secret = value;
    if (value === 'expired') {
      const created = await send<Created>(context.as('programmeManager'), 'POST', '/api/tokens', { payload: { name: 'old', expiresInDays: 1, password: TEST_PASSWORD } });
      secret = created.body.secret;
      await context.db.query("UPDATE api_token SET expires_at = now() - interval '1 second' WHERE id = $1", [created.body.token.id]);
    }
    const read = await send(anonymous(), 'GET', `/api/plans/${CSAHEL}`, { headers: { ...bearer(secret), 'accept-language': 'fr' } });
    expect(read.statusCode).toBe(401);
    expect(read.body.error).toEqual({ code: 'auth.token.invalid', message: 'Ce jeton d’API n’est pas valide : il est inconnu, expiré ou révoqué.' });
    const write = await send(anonymous(), 'POST', `/api/plans/${CSAHEL}/contributions`, { headers: bearer(secret), payload: paidUsd(100) });
    expect(write.statusCode).toBe(401);
    expect(write.body.error!.code).toBe('auth.token.invalid');
    expect(await contributionCount(context.db)).toBe(0);
    expect(await countRows(context.db, 'app_user')).toBeGreaterThanOrEqual(6);
  });

  it('narrowed to plan.read, reads a plan but cannot record a contribution', async () => {
    await loadCsahelPlan(context.app);
    const created = await send<Created>(context.as('programmeManager'), 'POST', '/api/tokens', { payload: { name: 'read only', expiresInDays: 7, password: TEST_PASSWORD, verbs: ['plan.read'] } });
    expect(created.body.token.verbs).toEqual(['plan.read']);
    const secret = created.body.secret;
    expect((await send(anonymous(), 'GET', `/api/plans/${CSAHEL}`, { headers: bearer(secret) })).statusCode).toBe(200);
    const me = await send<{ verbs: string[] }>(anonymous(), 'GET', '/api/auth/me', { headers: bearer(secret) });
    expect(me.body.verbs).toEqual(['plan.read']);

    const write = await send(anonymous(), 'POST', `/api/plans/${CSAHEL}/contributions`, { headers: bearer(secret), payload: paidUsd(100) });
    expect(write.statusCode).toBe(403);
    expect(write.body.error!.code).toBe('auth.forbidden');
    expect((await send(anonymous(), 'GET', `/api/plans/${CSAHEL}/export`, { headers: bearer(secret) })).statusCode).toBe(403);
    expect(await contributionCount(context.db)).toBe(0);
    // The owner's own token, not narrowed, may.
    expect((await send(context.as('programmeManager'), 'POST', `/api/plans/${CSAHEL}/contributions`, { payload: paidUsd(100) })).statusCode).toBe(201);
  });

  it('cannot widen itself: a token narrowed to account.manage only creates tokens as narrow as itself', async () => {
    await loadCsahelPlan(context.app);
    const narrow = await send<Created>(context.as('programmeManager'), 'POST', '/api/tokens', { payload: { name: 'accounts only', expiresInDays: 7, password: TEST_PASSWORD, verbs: ['account.manage'] } });
    const wider = await send(anonymous(), 'POST', '/api/tokens', { headers: bearer(narrow.body.secret), payload: { name: 'escalate', expiresInDays: 7, password: TEST_PASSWORD, verbs: ['contribution.record'] } });
    expect(wider.statusCode).toBe(403);
    expect(wider.body.error!.code).toBe('auth.forbidden');

    // Asking for "no narrowing" yields a token narrowed the same way, which still cannot write.
    const unnarrowed = await send<Created>(anonymous(), 'POST', '/api/tokens', { headers: bearer(narrow.body.secret), payload: { name: 'escalate', expiresInDays: 7, password: TEST_PASSWORD } });
    expect(unnarrowed.statusCode).toBe(201);
    expect(unnarrowed.body.token.verbs).toEqual(['account.manage']);
    const write = await send(anonymous(), 'POST', `/api/plans/${CSAHEL}/contributions`, { headers: bearer(unnarrowed.body.secret), payload: paidUsd(100) });
    expect(write.statusCode).toBe(403);
    expect(await contributionCount(context.db)).toBe(0);
  });

  it('does not give a token more than its owner has', async () => {
    const created = await send<Created>(context.as('viewer'), 'POST', '/api/tokens', { payload: { name: 'wishful', expiresInDays: 7, password: TEST_PASSWORD, verbs: ['user.manage', 'audit.read'] } });
    expect(created.statusCode).toBe(201);
    for (const url of ['/api/users', '/api/audit']) {
      const reply = await send(anonymous(), 'GET', url, { headers: bearer(created.body.secret) });
      expect(reply.statusCode, url).toBe(403);
    }
    const unknownVerb = await send(context.as('viewer'), 'POST', '/api/tokens', { payload: { name: 'x', expiresInDays: 7, password: TEST_PASSWORD, verbs: ['root'] } });
    expect(unknownVerb.statusCode).toBe(400);
  });

  it('stops working when its owner is disabled', async () => {
    const created = await send<Created>(context.as('partner'), 'POST', '/api/tokens', { payload: { name: 'partner sync', expiresInDays: 7, password: TEST_PASSWORD } });
    await context.db.query('UPDATE app_user SET disabled_at = now() WHERE email = $1', [PERSONAS.partner.email]);
    const reply = await send(anonymous(), 'GET', '/api/plans', { headers: bearer(created.body.secret) });
    expect(reply.statusCode).toBe(401);
    expect(reply.body.error!.code).toBe('auth.token.invalid');
  });

  it('records each use, creation and revocation in the audit log', async () => {
    const created = await send<Created>(context.as('viewer'), 'POST', '/api/tokens', { payload: { name: 'audited', expiresInDays: 7, password: TEST_PASSWORD } });
    const id = created.body.token.id;
    expect((await send(anonymous(), 'GET', '/api/geo/countries', { headers: bearer(created.body.secret) })).statusCode).toBe(200);
    expect((await send(anonymous(), 'GET', '/api/plans', { headers: bearer(created.body.secret) })).statusCode).toBe(200);

    const uses = await auditEvents(context.app, { action: 'token.use', objectType: 'api-token', objectId: String(id) });
    expect(uses.total).toBe(2);
    expect(uses.events.map((event) => event.summary.route).sort()).toEqual(['/api/geo/countries', '/api/plans']);
    expect(uses.events.every((event) => event.actor === PERSONAS.viewer.email && event.outcome === 'success')).toBe(true);
    const [row] = await context.db.query<{ last_used_at: Date | null }>('SELECT last_used_at FROM api_token WHERE id = $1', [id]);
    expect(row!.last_used_at).not.toBeNull();

    expect((await send(context.as('viewer'), 'DELETE', `/api/tokens/${id}`)).statusCode).toBe(204);
    const creation = await auditEvents(context.app, { action: 'token.create', objectId: String(id) });
    expect(creation.events).toHaveLength(1);
    expect(creation.events[0]).toMatchObject({ actor: PERSONAS.viewer.email, object_type: 'api-token', outcome: 'success', summary: { name: 'audited' } });
    expect(JSON.stringify(creation.events[0])).not.toContain(created.body.secret);
    const revocation = await auditEvents(context.app, { action: 'token.revoke', objectId: String(id) });
    expect(revocation.events).toHaveLength(1);
    expect(revocation.events[0]!.actor).toBe(PERSONAS.viewer.email);
  });
});
