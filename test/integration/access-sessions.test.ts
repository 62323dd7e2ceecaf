/**
 * Signing in with a password: the session cookie, anti-forgery tokens, signing out, the
 * slow-down after repeated wrong passwords, the password policy, security headers and request
 * sizes (access-security.test.ts has the attacks of issue 17).
 */
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachDatabase, PERSONAS, TEST_PASSWORD } from '../support/harness.js';
import { CSAHEL, loadCsahelPlan } from '../support/plans.js';
import { auditEvents, contributionCount, countRows, emailOf, freshAddress, paidUsd, SESSION_COOKIE, signIn, withSession } from '../support/access.js';
import { send } from '../support/http.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

type Me = { user: { email: string; name: string } | null; csrfToken: string | null; verbs: string[] };

describeEachDatabase('sessions and anti-forgery tokens', (context) => {
  const anonymous = () => context.as('anonymous');

  it('signs in with e-mail and password, setting an HttpOnly, SameSite=Strict session cookie for the whole site', async () => {
    const session = await signIn(anonymous(), 'programmeManager');
    const setCookie = String(session.reply.headers['set-cookie']);
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*SameSite=Strict/i);
    expect(setCookie).toMatch(/;\s*Path=\/(;|$)/);
    const cookie = session.reply.cookies.find((candidate) => candidate.name === SESSION_COOKIE)!;
    const days = (cookie.expires!.getTime() - Date.now()) / (24 * 3600 * 1000);
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);
    // The body names the user and the anti-forgery token, never the session secret.
    expect(session.reply.body.user!.email).toBe(PERSONAS.programmeManager.email);
    expect(session.csrfToken.length).toBeGreaterThanOrEqual(20);
    expect(session.reply.text).not.toContain(session.secret);
    expect(session.reply.body.verbs).toContain('contribution.record');
    // Only a hash of the session secret is stored.
    expect(await countRows(context.db, 'user_session', 'token_sha256 = $1', [session.secret])).toBe(0);
    expect(await countRows(context.db, 'user_session', 'token_sha256 = $1', [sha256(session.secret)])).toBe(1);
  });

  it('answers "who am I" with the user and the anti-forgery token for the cookie, and nobody without it', async () => {
    const session = await signIn(anonymous(), 'viewer');
    const me = await send<Me>(anonymous(), 'GET', '/api/auth/me', { headers: { cookie: session.cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.body.user!.email).toBe(PERSONAS.viewer.email);
    expect(me.body.csrfToken).toBe(session.csrfToken);
    expect(me.body.verbs).toContain('export.download');
    expect(me.body.verbs).not.toContain('user.manage');

    const nobody = await send<Me>(anonymous(), 'GET', '/api/auth/me');
    expect(nobody.body).toEqual({ user: null, csrfToken: null, verbs: ['dtm.read', 'geo.read', 'hapi.read', 'plan.read', 'system.read'] });
    const forged = await send<Me>(anonymous(), 'GET', '/api/auth/me', { headers: { cookie: `${SESSION_COOKIE}=${session.secret.slice(0, -2)}xx` } });
    expect(forged.body.user).toBeNull();
  });

  it('refuses a cross-site form post carrying the session cookie without the anti-forgery token, and stores nothing', async () => {
    await loadCsahelPlan(context.app);
    const session = await signIn(anonymous(), 'programmeManager');
    const forged = await send(anonymous(), 'POST', `/api/plans/${CSAHEL}/contributions`, {
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', referer: 'https://evil.example/win-a-prize.html' },
      payload: 'donor=Evil&currency=USD&amount=1000000&status=paid&paidOn=2021-04-15',
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.body.error!.code).toBe('auth.csrf');
    expect(await contributionCount(context.db)).toBe(0);

    // A JSON post without the header, with a wrong one, or with the token of another session: refused too.
    const other = await signIn(anonymous(), 'admin');
    for (const token of [undefined, 'wrong', other.csrfToken, `${session.csrfToken}x`]) {
      const headers: Record<string, string> = { cookie: session.cookie, ...(token === undefined ? {} : { 'x-csrf-token': token }) };
      const refused = await send(anonymous(), 'POST', `/api/plans/${CSAHEL}/contributions`, { headers, payload: paidUsd(1000) });
      expect(refused.statusCode, `x-csrf-token: ${token}`).toBe(403);
      expect(refused.body.error!.code).toBe('auth.csrf');
    }
    expect(await contributionCount(context.db)).toBe(0);
    // The refusals are in the audit log, under the signed-in user, as failures.
    const refusals = await auditEvents(context.app, { action: 'contribution.create', outcome: 'failure', actor: PERSONAS.programmeManager.email });
    expect(refusals.total).toBe(5);

    // From a Liptako page, with the header, the same request works.
    const genuine = await send(anonymous(), 'POST', `/api/plans/${CSAHEL}/contributions`, { headers: withSession(session), payload: paidUsd(1000) });
    expect(genuine.statusCode, genuine.text).toBe(201);
    expect(await contributionCount(context.db)).toBe(1);
  });

  it('asks for the anti-forgery token on every kind of write, but not on reads', async () => {
    const session = await signIn(anonymous(), 'viewer');
    const created = await send<{ token: { id: number } }>(anonymous(), 'POST', '/api/tokens', { headers: withSession(session), payload: { name: 'cli', expiresInDays: 7, password: TEST_PASSWORD } });
    expect(created.statusCode).toBe(201);
    const id = created.body.token.id;

    const revoke = await send(anonymous(), 'DELETE', `/api/tokens/${id}`, { headers: { cookie: session.cookie } });
    expect(revoke.statusCode).toBe(403);
    expect(revoke.body.error!.code).toBe('auth.csrf');
    const rename = await send(anonymous(), 'PATCH', '/api/account', { headers: { cookie: session.cookie }, payload: { name: 'Forged' } });
    expect(rename.statusCode).toBe(403);
    const list = await send<{ tokens: Array<{ id: number; revoked: boolean }> }>(anonymous(), 'GET', '/api/tokens', { headers: { cookie: session.cookie } });
    expect(list.statusCode).toBe(200);
    expect(list.body.tokens.find((token) => token.id === id)!.revoked).toBe(false);
    expect(await countRows(context.db, 'app_user', "name = 'Forged'")).toBe(0);
  });

  it('signs out at once: the cookie no longer authenticates, and signing out needs the anti-forgery token', async () => {
    const session = await signIn(anonymous(), 'viewer');
    const withoutToken = await send(anonymous(), 'POST', '/api/auth/sign-out', { headers: { cookie: session.cookie } });
    expect(withoutToken.statusCode).toBe(403);
    expect((await send<Me>(anonymous(), 'GET', '/api/auth/me', { headers: { cookie: session.cookie } })).body.user).not.toBeNull();

    // A bare POST, without any body, as an API client would send it.
    const out = await send<{ ended: number }>(anonymous(), 'POST', '/api/auth/sign-out', { headers: withSession(session) });
    expect(out.statusCode).toBe(200);
    expect(out.body.ended).toBe(1);
    const cleared = out.cookies.find((cookie) => cookie.name === SESSION_COOKIE)!;
    expect(cleared.value).toBe('');
    expect(cleared.expires!.getTime()).toBeLessThan(Date.now());

    // A browser that kept the cookie is now anonymous.
    expect((await send<Me>(anonymous(), 'GET', '/api/auth/me', { headers: { cookie: session.cookie } })).body).toMatchObject({ user: null, csrfToken: null });
    const tokens = await send(anonymous(), 'GET', '/api/tokens', { headers: withSession(session) });
    expect(tokens.statusCode).toBe(401);
    expect(tokens.body.error!.code).toBe('auth.required');
  });

  it('signing out of one session leaves the others; "sign out everywhere" ends them all, and only that account\'s', async () => {
    const laptop = await signIn(anonymous(), 'viewer');
    const phone = await signIn(anonymous(), 'viewer');
    const tablet = await signIn(anonymous(), 'viewer');
    const colleague = await signIn(anonymous(), 'programmeManager');
    const who = async (cookie: string): Promise<string | null> => (await send<Me>(anonymous(), 'GET', '/api/auth/me', { headers: { cookie } })).body.user?.email ?? null;

    expect((await send(anonymous(), 'POST', '/api/auth/sign-out', { headers: withSession(tablet) })).statusCode).toBe(200);
    expect(await who(tablet.cookie)).toBeNull();
    expect(await who(phone.cookie)).toBe(PERSONAS.viewer.email);

    const everywhere = await send<{ ended: number }>(anonymous(), 'POST', '/api/auth/sign-out', { headers: withSession(laptop), payload: { everywhere: true } });
    expect(everywhere.statusCode).toBe(200);
    expect(everywhere.body.ended).toBe(2);
    expect(await who(laptop.cookie)).toBeNull();
    expect(await who(phone.cookie)).toBeNull();
    const stale = await send(anonymous(), 'PATCH', '/api/account', { headers: withSession(phone), payload: { name: 'Too late' } });
    expect(stale.statusCode).toBe(401);
    expect(await who(colleague.cookie)).toBe(PERSONAS.programmeManager.email);
  });

  it('changing the password ends the other sessions and keeps this one', async () => {
    const here = await signIn(anonymous(), 'partner');
    const elsewhere = await signIn(anonymous(), 'partner');
    const changed = await send(anonymous(), 'POST', '/api/account/password', {
      headers: withSession(here),
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'une toute nouvelle phrase de passe' },
    });
    expect(changed.statusCode, changed.text).toBe(204);
    expect((await send<Me>(anonymous(), 'GET', '/api/auth/me', { headers: { cookie: here.cookie } })).body.user).not.toBeNull();
    expect((await send<Me>(anonymous(), 'GET', '/api/auth/me', { headers: { cookie: elsewhere.cookie } })).body.user).toBeNull();
    const old = await send(anonymous(), 'POST', '/api/auth/sign-in', { payload: { email: emailOf('partner'), password: TEST_PASSWORD }, remoteAddress: freshAddress() });
    expect(old.statusCode).toBe(401);
  });

  it('ends the sessions of a disabled account at once, and refuses its sign-in with the usual message', async () => {
    const session = await signIn(anonymous(), 'enumeratorNiger');
    const [user] = await context.db.query<{ id: number }>('SELECT id FROM app_user WHERE email = $1', [emailOf('enumeratorNiger')]);
    expect((await send(context.app, 'PATCH', `/api/users/${user!.id}`, { payload: { disabled: true } })).statusCode).toBe(200);
    expect((await send<Me>(anonymous(), 'GET', '/api/auth/me', { headers: { cookie: session.cookie } })).body.user).toBeNull();
    const again = await send(anonymous(), 'POST', '/api/auth/sign-in', { payload: { email: emailOf('enumeratorNiger'), password: TEST_PASSWORD }, remoteAddress: freshAddress() });
    expect(again.statusCode).toBe(401);
    expect(again.body.error!.code).toBe('auth.signIn.failed');
  });

  it('stops an idle or expired session', async () => {
    const idle = await signIn(anonymous(), 'viewer');
    const expired = await signIn(anonymous(), 'viewer');
    await context.db.query("UPDATE user_session SET last_seen_at = now() - interval '13 hours' WHERE token_sha256 = $1", [sha256(idle.secret)]);
    await context.db.query("UPDATE user_session SET expires_at = now() - interval '1 second' WHERE token_sha256 = $1", [sha256(expired.secret)]);
    for (const session of [idle, expired]) {
      expect((await send<Me>(anonymous(), 'GET', '/api/auth/me', { headers: { cookie: session.cookie } })).body.user).toBeNull();
      expect((await send(anonymous(), 'GET', '/api/tokens', { headers: withSession(session) })).statusCode).toBe(401);
    }
  });
});

describeEachDatabase('wrong passwords', (context) => {
  const anonymous = () => context.as('anonymous');
  const attempt = (email: string, password: string, remoteAddress: string, language = 'en') =>
    send(anonymous(), 'POST', '/api/auth/sign-in', { payload: { email, password }, remoteAddress, headers: { 'accept-language': language } });

  it('slows one address down after wrong passwords instead of locking the account; every attempt is audited, no password is', async () => {
    const email = emailOf('viewer');
    const address = freshAddress();
    const statuses: number[] = [];
    let slowed: Awaited<ReturnType<typeof attempt>> | undefined;
    for (let number = 1; number <= 21 && slowed === undefined; number++) {
      const reply = await attempt(email, `wrong password number ${number}`, address);
      statuses.push(reply.statusCode);
      if (reply.statusCode === 429) slowed = reply;
      else expect(reply.body.error!.code).toBe('auth.signIn.failed');
    }
    // The first five wrong passwords cost nothing more; the sixth makes this address wait.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
    expect(slowed!.body.error!.code).toBe('auth.signIn.slowDown');
    expect(Number(slowed!.headers['retry-after'])).toBeGreaterThan(0);

    const right = await attempt(email, TEST_PASSWORD, address, 'fr');
    expect(right.statusCode).toBe(429);
    expect(right.headers['set-cookie']).toBeUndefined();
    // The same account from another address, and another account from this one, are not affected.
    expect((await attempt(email, TEST_PASSWORD, freshAddress())).statusCode).toBe(200);
    expect((await attempt(emailOf('admin'), TEST_PASSWORD, address)).statusCode).toBe(200);

    const failures = await auditEvents(context.app, { action: 'auth.sign-in', actor: email, outcome: 'failure' });
    expect(failures.total).toBe(statuses.length + 1);
    const reasons = failures.events.map((event) => event.summary.reason);
    expect(reasons.filter((reason) => reason === 'wrong-password')).toHaveLength(6);
    expect(reasons.filter((reason) => reason === 'throttled')).toHaveLength(2);
    expect(failures.events.every((event) => event.object_type === 'user' && event.outcome === 'failure' && event.summary.address === address)).toBe(true);
    // Directly in the table too, and no password was written anywhere in the log.
    expect(await countRows(context.db, 'audit_event', "action = 'auth.sign-in' AND outcome = 'failure' AND actor = $1", [email])).toBe(statuses.length + 1);
    expect(await countRows(context.db, 'audit_event', "summary::text LIKE '%wrong password number%' OR summary::text LIKE $1", [`%${TEST_PASSWORD}%`])).toBe(0);
  });

  it('lets the right password in again once the wait has run out, and the count starts again', async () => {
    const email = emailOf('partner');
    const address = freshAddress();
    for (let number = 1; number <= 6; number++) await attempt(email, `wrong ${number}`, address);
    expect((await attempt(email, TEST_PASSWORD, address)).statusCode).toBe(429);
    await context.db.query("UPDATE sign_in_throttle SET retry_at = now() - interval '1 second'");
    const back = await attempt(email, TEST_PASSWORD, address);
    expect(back.statusCode).toBe(200);
    // One more wrong password is a plain 401.
    expect((await attempt(email, 'wrong again', address)).statusCode).toBe(401);
  });

  it('gives an unknown e-mail, a wrong password and a disabled account the same answer', async () => {
    const address = freshAddress();
    await context.db.query('UPDATE app_user SET disabled_at = now() WHERE email = $1', [emailOf('enumeratorNiger')]);
    for (const language of ['en', 'fr']) {
      const wrong = await attempt(emailOf('viewer'), 'not the password at all', address, language);
      const unknown = await attempt('nobody.here@test.liptako.org', 'not the password at all', address, language);
      const disabled = await attempt(emailOf('enumeratorNiger'), TEST_PASSWORD, address, language);
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      expect(unknown.body).toEqual(wrong.body);
      expect(disabled.body).toEqual(wrong.body);
    }
    const unknownEvents = await auditEvents(context.app, { action: 'auth.sign-in', actor: 'nobody.here@test.liptako.org' });
    expect(unknownEvents.events.map((event) => [event.outcome, event.summary.reason])).toEqual([
      ['failure', 'unknown-email'],
      ['failure', 'unknown-email'],
    ]);
  });

  it('slows password spraying: after 100 wrong sign-ins from one address in 15 minutes it gets 429, other addresses do not', async () => {
    const address = freshAddress();
    for (let number = 1; number <= 100; number++) {
      expect((await attempt(`sprayed.${number}@test.liptako.org`, 'Sahel2021!', address)).statusCode).toBe(401);
    }
    const throttled = await attempt(emailOf('viewer'), TEST_PASSWORD, address);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.body.error!.code).toBe('auth.signIn.throttled');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect((await attempt(emailOf('viewer'), TEST_PASSWORD, freshAddress())).statusCode).toBe(200);
  });
});

describeEachDatabase('password policy', (context) => {
  const newUser = (email: string, password: string, name = 'Nouvelle Personne') => ({
    email,
    name,
    password,
    assignments: [{ role: 'viewer', scope: { kind: 'response' } }],
  });

  it.each([
    ['too short', 'agent@ngo.example', 'short', 'auth.password.tooShort', 'Le mot de passe doit comporter au moins 12 caractères ; une phrase est plus facile à retenir.'],
    ['a common password with digits', 'agent@ngo.example', 'password123456', 'auth.password.common', 'Ce mot de passe est un mot ou un mot de passe courant, même avec des lettres remplacées par des chiffres ou des symboles ; choisissez-en un autre.'],
    ['a French keyboard row', 'agent@ngo.example', 'azertyuiop12', 'auth.password.keyboard', 'Ce mot de passe est surtout une rangée ou un motif de touches du clavier ; choisissez-en un autre.'],
    ['one character repeated', 'agent@ngo.example', 'aaaaaaaaaaaaaaaa', 'auth.password.repeated', 'Ce mot de passe répète les mêmes caractères ; choisissez-en un autre.'],
    ['a sequence', 'agent@ngo.example', 'abcdefghijklmnop', 'auth.password.sequence', 'Ce mot de passe est surtout une suite comme abcd ou 6789 ; choisissez-en un autre.'],
    ['dates', 'agent@ngo.example', '2021-03-14-2022', 'auth.password.dates', 'Ce mot de passe est surtout fait de dates ou d’années ; choisissez-en un autre.'],
    ['the e-mail\'s local part', 'aminata.kone@ngo.example', 'Aminata.Kone#Sahel-2021', 'auth.password.personal', 'Le mot de passe ne doit pas contenir votre nom ni votre adresse électronique.'],
    ['the person\'s name, accents aside', 'agent@ngo.example', 'FatimataOuedraogo#2021!', 'auth.password.personal', 'Le mot de passe ne doit pas contenir votre nom ni votre adresse électronique.'],
  ])('refuses %s with 422 and says why in French', async (_label, email, password, code, message) => {
    const before = await countRows(context.db, 'app_user');
    const reply = await send(context.app, 'POST', '/api/users', { payload: newUser(email, password, 'Fatimata Ouédraogo'), headers: { 'accept-language': 'fr' } });
    expect(reply.statusCode).toBe(422);
    expect(reply.body.error).toMatchObject({ code, message });
    expect(reply.headers['content-language']).toBe('fr');
    expect(await countRows(context.db, 'app_user')).toBe(before);
  });

  it('says it in English by default, refuses more than 256 characters, and accepts a long passphrase that then signs in', async () => {
    const short = await send(context.app, 'POST', '/api/users', { payload: newUser('agent@ngo.example', 'short') });
    expect(short.body.error!.message).toBe('The password must have at least 12 characters; a sentence is easier to remember.');
    expect((await send(context.app, 'POST', '/api/users', { payload: newUser('agent@ngo.example', 'x'.repeat(257)) })).statusCode).toBe(400);

    const good = await send(context.app, 'POST', '/api/users', { payload: newUser('agent@ngo.example', 'le fleuve Niger traverse Mopti') });
    expect(good.statusCode, good.text).toBe(201);
    expect(good.text).not.toContain('le fleuve Niger');
    const signedIn = await send(context.as('anonymous'), 'POST', '/api/auth/sign-in', { payload: { email: 'agent@ngo.example', password: 'le fleuve Niger traverse Mopti' }, remoteAddress: freshAddress() });
    expect(signedIn.statusCode).toBe(200);
    // Neither the table nor the audit log holds the password itself.
    expect(await countRows(context.db, 'app_user', "password_hash LIKE '%fleuve%' OR password_hash NOT LIKE '$argon2id$%'")).toBe(0);
    expect(await countRows(context.db, 'audit_event', "summary::text LIKE '%fleuve%'")).toBe(0);
  });

  it('applies the same policy when a user changes their own password, after checking the current one', async () => {
    const weak = await send(context.as('viewer'), 'POST', '/api/account/password', { payload: { currentPassword: TEST_PASSWORD, newPassword: 'motdepasse2021' }, headers: { 'accept-language': 'fr' } });
    expect(weak.statusCode).toBe(422);
    expect(weak.body.error!.code).toBe('auth.password.common');
    expect(weak.body.error!.message).toMatch(/^Ce mot de passe est un mot ou un mot de passe courant/);
    const wrongCurrent = await send(context.as('viewer'), 'POST', '/api/account/password', { payload: { currentPassword: 'guess', newPassword: 'une phrase solide et longue' } });
    expect(wrongCurrent.statusCode).toBe(422);
    expect(wrongCurrent.body.error!.code).toBe('auth.password.wrongCurrent');
    // The old password still works.
    expect((await send(context.as('anonymous'), 'POST', '/api/auth/sign-in', { payload: { email: emailOf('viewer'), password: TEST_PASSWORD }, remoteAddress: freshAddress() })).statusCode).toBe(200);
  });
});

describeEachDatabase('security headers and request sizes', (context) => {
  it('sends a strict content security policy, nosniff and no framing, and does not name the server', async () => {
    for (const url of ['/api/health', '/api/nothing-here', '/api/users']) {
      const reply = await send(context.as('anonymous'), 'GET', url);
      const csp = String(reply.headers['content-security-policy']);
      // WebAssembly compiles (the form engine's XPath parser); JavaScript eval stays forbidden.
      expect(csp, url).toMatch(/(^|;)\s*script-src 'self' 'wasm-unsafe-eval'(;|$)/);
      expect(csp).not.toMatch(/unsafe-inline|'unsafe-eval'/);
      expect(csp).toMatch(/default-src 'self'/);
      expect(csp).toMatch(/object-src 'none'/);
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      const noFraming = /frame-ancestors 'none'/.test(csp) || ['DENY', 'SAMEORIGIN'].includes(String(reply.headers['x-frame-options']));
      expect(noFraming).toBe(true);
      expect(reply.headers['x-powered-by']).toBeUndefined();
      expect(reply.headers.server).toBeUndefined();
    }
  });

  it('refuses a 100 KB sign-in with 413 before reading it', async () => {
    const reply = await send(context.as('anonymous'), 'POST', '/api/auth/sign-in', {
      payload: { email: emailOf('viewer'), password: 'x'.repeat(100 * 1024) },
      remoteAddress: freshAddress(),
    });
    expect(reply.statusCode).toBe(413);
    expect(reply.body.error!.code).toBe('request.tooLarge');
    expect(reply.body.error!.message).toMatch(/16 KB/);
    // Not counted as a wrong password.
    expect(await countRows(context.db, 'audit_event', "action = 'auth.sign-in'")).toBe(0);
  });

  it('caps the other small forms too (users, tokens)', async () => {
    const big = 'x'.repeat(100 * 1024);
    expect((await send(context.app, 'POST', '/api/users', { payload: { email: 'a@b.example', name: big, password: big, assignments: [] } })).statusCode).toBe(413);
    expect((await send(context.app, 'POST', '/api/tokens', { payload: { name: big, expiresInDays: 1, password: TEST_PASSWORD } })).statusCode).toBe(413);
  });
});
