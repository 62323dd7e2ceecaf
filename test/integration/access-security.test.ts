/**
 * The attacks of issue 17 on sign-in, tokens, passwords and e-mails, each as a test:
 * locking the administrator out, telling accounts apart by how much work an answer took,
 * every client sharing the proxy's address, tokens outliving a password change, weak
 * passwords, look-alike e-mail addresses, and a crowd of sign-ins starving the server.
 */
import argon2 from 'argon2';
import { expect, it, vi } from 'vitest';
import { describeEachDatabase, PERSONAS, TEST_PASSWORD } from '../support/harness.js';
import { auditEvents, countRows, emailOf, freshAddress, signIn, withSession } from '../support/access.js';
import { send } from '../support/http.js';

// Every sign-in path must run exactly one Argon2 verification: counting them proves the paths
// do the same work without a timed test (the machine is shared and noisy).
vi.mock('argon2', async (importOriginal) => {
  const real = (await importOriginal<{ default: typeof import('argon2') }>()).default;
  const verify = vi.fn((hash: string, password: string) => real.verify(hash, password));
  return { default: { ...real, verify } };
});
const verifications = (): number => vi.mocked(argon2.verify).mock.calls.length;

type Attempt = Awaited<ReturnType<typeof send>>;

describeEachDatabase('sign-in throttling per account and address', (context) => {
  const anonymous = () => context.as('anonymous');
  const attempt = (email: string, password: string, remoteAddress: string, language = 'en'): Promise<Attempt> =>
    send(anonymous(), 'POST', '/api/auth/sign-in', { payload: { email, password }, remoteAddress, headers: { 'accept-language': language } });
  /** Lets the current delay run out, as if the attacker had waited. */
  const waitOut = () => context.db.query("UPDATE sign_in_throttle SET retry_at = now() - interval '1 second'");
  const userId = async (email: string): Promise<number> => (await context.db.query<{ id: number }>('SELECT id FROM app_user WHERE email = $1', [email]))[0]!.id;

  /** Wrong passwords until the address is made to wait; returns the answer that said so. */
  async function slowDown(email: string, address: string): Promise<Attempt> {
    for (let number = 1; number <= 30; number++) {
      const reply = await attempt(email, `wrong password number ${number}`, address);
      if (reply.statusCode === 429) return reply;
      expect(reply.statusCode).toBe(401);
    }
    throw new Error('never slowed down');
  }

  it('an attacker cannot keep the administrator out: after many wrong passwords from one address, the right one from another address still signs in', async () => {
    const attacker = freshAddress();
    for (let round = 0; round < 3; round++) {
      await slowDown(emailOf('admin'), attacker);
      await waitOut();
    }
    const administrator = await attempt(emailOf('admin'), TEST_PASSWORD, freshAddress());
    expect(administrator.statusCode, administrator.text).toBe(200);
  });

  it('makes one address wait longer after each wrong password, says how long (Retry-After, French and English) and checks nothing meanwhile', async () => {
    const email = emailOf('viewer');
    const address = freshAddress();
    const first = await slowDown(email, address);
    expect(first.body.error!.code).toBe('auth.signIn.slowDown');
    const firstWait = Number(first.headers['retry-after']);
    expect(firstWait).toBeGreaterThanOrEqual(1);
    expect(first.body.error!.message).toBe(`Too many wrong passwords from this address for this account: try again in ${firstWait} seconds.`);

    // During the wait even the right password is not checked, and the wait does not grow.
    const french = await attempt(email, TEST_PASSWORD, address, 'fr');
    expect(french.statusCode).toBe(429);
    expect(french.headers['set-cookie']).toBeUndefined();
    expect(french.body.error!.message).toMatch(/^Trop de mots de passe erronés depuis cette adresse pour ce compte : réessayez dans \d+ secondes\.$/);
    expect(Number(french.headers['retry-after'])).toBeLessThanOrEqual(firstWait);

    // The next wrong password after the wait doubles it.
    await waitOut();
    expect((await attempt(email, 'still wrong', address)).statusCode).toBe(401);
    const second = await attempt(email, 'wrong again', address);
    expect(second.statusCode).toBe(429);
    expect(Number(second.headers['retry-after'])).toBeGreaterThan(firstWait);
    expect(Number(second.headers['retry-after'])).toBeLessThanOrEqual(2 * firstWait);

    // After the wait the right password works and the count starts again.
    await waitOut();
    expect((await attempt(email, TEST_PASSWORD, address)).statusCode).toBe(200);
    expect(await countRows(context.db, 'sign_in_throttle' as 'audit_event')).toBe(0);

    const reasons = (await auditEvents(context.app, { action: 'auth.sign-in', actor: email, outcome: 'failure' })).events.map((event) => event.summary.reason);
    expect(reasons).toContain('throttled');
    expect(reasons).toContain('wrong-password');
  });

  it('throttles an unknown e-mail the same way, so the answers do not reveal which accounts exist', async () => {
    const address = freshAddress();
    const unknown = await slowDown('nobody.here@test.liptako.org', address);
    const known = await slowDown(emailOf('partner'), address);
    expect(unknown.body).toEqual(known.body);
  });

  it('an administrator clears the wait (POST /api/users/:id/unlock, audited); a narrower role may not', async () => {
    const email = emailOf('programmeManager');
    const address = freshAddress();
    await slowDown(email, address);
    const id = await userId(email);
    const listed = await send<{ users: Array<{ email: string; locked: boolean }> }>(context.app, 'GET', '/api/users');
    expect(listed.body.users.find((user) => user.email === email)!.locked).toBe(true);

    expect((await send(context.as('viewer'), 'POST', `/api/users/${id}/unlock`)).statusCode).toBe(403);
    expect((await attempt(email, TEST_PASSWORD, address)).statusCode).toBe(429);
    const unlocked = await send<{ user: { locked: boolean } }>(context.app, 'POST', `/api/users/${id}/unlock`);
    expect(unlocked.statusCode, unlocked.text).toBe(200);
    expect(unlocked.body.user.locked).toBe(false);
    expect((await attempt(email, TEST_PASSWORD, address)).statusCode).toBe(200);
    const events = await auditEvents(context.app, { action: 'user.unlock', objectId: String(id) });
    expect(events.events.map((event) => [event.actor, event.outcome])).toEqual([
      [PERSONAS.admin.email, 'success'],
      [PERSONAS.viewer.email, 'failure'],
    ]);
    expect((await send(context.app, 'POST', '/api/users/999999/unlock')).statusCode).toBe(404);
  });

  it('a password reset by an administrator clears the wait', async () => {
    const email = emailOf('partner');
    const address = freshAddress();
    await slowDown(email, address);
    const reset = await send(context.app, 'PATCH', `/api/users/${await userId(email)}`, { payload: { password: 'le nouveau mot de passe de Aminata au bureau' } });
    expect(reset.statusCode, reset.text).toBe(200);
    expect((await attempt(email, 'le nouveau mot de passe de Aminata au bureau', address)).statusCode).toBe(200);
  });

  it('counts failures only: many right passwords from one office address never slow anyone down', async () => {
    const office = freshAddress();
    for (let number = 0; number < 110; number++) {
      const persona = (['viewer', 'partner', 'programmeManager'] as const)[number % 3]!;
      const reply = await attempt(emailOf(persona), TEST_PASSWORD, office);
      expect(reply.statusCode, `sign-in ${number}`).toBe(200);
    }
  });

  it('runs exactly one Argon2 verification on every path: right, wrong, unknown, disabled and throttled', async () => {
    const address = freshAddress();
    await context.db.query('UPDATE app_user SET disabled_at = now() WHERE email = $1', [emailOf('enumeratorNiger')]);
    await slowDown(emailOf('imOfficerMali'), address);
    const paths: Array<[string, string, string]> = [
      ['right', emailOf('viewer'), TEST_PASSWORD],
      ['wrong', emailOf('viewer'), 'not the password at all'],
      ['unknown', 'nobody.here@test.liptako.org', TEST_PASSWORD],
      ['disabled', emailOf('enumeratorNiger'), TEST_PASSWORD],
      ['throttled', emailOf('imOfficerMali'), TEST_PASSWORD],
    ];
    for (const [label, email, password] of paths) {
      const before = verifications();
      await attempt(email, password, address);
      expect(verifications() - before, label).toBe(1);
    }
  });
});

describeEachDatabase(
  'behind a reverse proxy (trustProxy)',
  (context) => {
    const viaProxy = (client: string, headers: Record<string, string> = {}) => ({ remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': client, ...headers } });

    it('sees each client\'s own address: one client\'s 100 wrong passwords do not shut out the others', async () => {
      for (let number = 1; number <= 101; number++) {
        await send(context.as('anonymous'), 'POST', '/api/auth/sign-in', { payload: { email: `sprayed.${number}@test.liptako.org`, password: 'Sahel2021!' }, ...viaProxy('203.0.113.7') });
      }
      const sprayer = await send(context.as('anonymous'), 'POST', '/api/auth/sign-in', { payload: { email: emailOf('viewer'), password: TEST_PASSWORD }, ...viaProxy('203.0.113.7') });
      expect(sprayer.statusCode).toBe(429);
      const colleague = await send(context.as('anonymous'), 'POST', '/api/auth/sign-in', { payload: { email: emailOf('viewer'), password: TEST_PASSWORD }, ...viaProxy('203.0.113.8') });
      expect(colleague.statusCode, colleague.text).toBe(200);
    });

    it('marks the session cookie Secure when the client reached the proxy over HTTPS, and not over plain HTTP', async () => {
      const https = await send(context.as('anonymous'), 'POST', '/api/auth/sign-in', { payload: { email: emailOf('viewer'), password: TEST_PASSWORD }, ...viaProxy('203.0.113.9', { 'x-forwarded-proto': 'https' }) });
      expect(https.statusCode).toBe(200);
      expect(String(https.headers['set-cookie'])).toMatch(/;\s*Secure/i);
      const http = await send(context.as('anonymous'), 'POST', '/api/auth/sign-in', { payload: { email: emailOf('viewer'), password: TEST_PASSWORD }, ...viaProxy('203.0.113.9', { 'x-forwarded-proto': 'http' }) });
      expect(String(http.headers['set-cookie'])).not.toMatch(/;\s*Secure/i);
    });
  },
  { build: { trustProxy: ['127.0.0.1'] } },
);

describeEachDatabase('without trustProxy', (context) => {
  it('ignores X-Forwarded-Proto from a client that is not a trusted proxy', async () => {
    const forged = await send(context.as('anonymous'), 'POST', '/api/auth/sign-in', {
      payload: { email: emailOf('viewer'), password: TEST_PASSWORD },
      remoteAddress: freshAddress(),
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(forged.statusCode).toBe(200);
    expect(String(forged.headers['set-cookie'])).not.toMatch(/;\s*Secure/i);
  });
});

describeEachDatabase(
  'API tokens and the password',
  (context) => {
    const anonymous = () => context.as('anonymous');
    const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
    const works = async (secret: string): Promise<boolean> => (await send(anonymous(), 'GET', '/api/tokens', { headers: bearer(secret) })).statusCode === 200;
    const createFrom = async (session: Awaited<ReturnType<typeof signIn>>, name: string): Promise<string> => {
      const created = await send<{ secret: string }>(anonymous(), 'POST', '/api/tokens', { headers: withSession(session), payload: { name, expiresInDays: 30, password: TEST_PASSWORD } });
      expect(created.statusCode, created.text).toBe(201);
      return created.body.secret;
    };

    it('asks for the password again to create a token, and stores nothing without it', async () => {
      const session = await signIn(anonymous(), 'viewer');
      const before = await countRows(context.db, 'api_token');
      const without = await send(anonymous(), 'POST', '/api/tokens', { headers: withSession(session), payload: { name: 'no password', expiresInDays: 30 } });
      expect(without.statusCode).toBe(400);
      const wrong = await send(anonymous(), 'POST', '/api/tokens', { headers: withSession(session, { 'accept-language': 'fr' }), payload: { name: 'wrong', expiresInDays: 30, password: 'not my password at all' } });
      expect(wrong.statusCode).toBe(422);
      expect(wrong.body.error!.code).toBe('auth.password.wrongCurrent');
      expect(wrong.body.error!.message).toBe('Le mot de passe actuel n’est pas le bon.');
      expect(await countRows(context.db, 'api_token')).toBe(before);
      expect(await works(await createFrom(session, 'right'))).toBe(true);
    });

    it('refuses a lifetime over the configured maximum with a catalogued message', async () => {
      const session = await signIn(anonymous(), 'viewer');
      const long = await send(anonymous(), 'POST', '/api/tokens', { headers: withSession(session), payload: { name: 'forever', expiresInDays: 366, password: TEST_PASSWORD } });
      expect(long.statusCode).toBe(422);
      expect(long.body.error!.code).toBe('auth.token.tooLong');
      expect(long.body.error!.message).toBe('An API token may last at most 90 days.');
      const longest = await send(anonymous(), 'POST', '/api/tokens', { headers: withSession(session), payload: { name: 'quarter', expiresInDays: 90, password: TEST_PASSWORD } });
      expect(longest.statusCode).toBe(201);
    });

    it('revokes every token of the account when its owner changes the password', async () => {
      const session = await signIn(anonymous(), 'partner');
      const secret = await createFrom(session, 'script');
      const changed = await send(anonymous(), 'POST', '/api/account/password', { headers: withSession(session), payload: { currentPassword: TEST_PASSWORD, newPassword: 'une toute nouvelle phrase de passe' } });
      expect(changed.statusCode, changed.text).toBe(204);
      expect(await works(secret)).toBe(false);
    });

    it('revokes every token of the account when an administrator resets the password', async () => {
      const session = await signIn(anonymous(), 'programmeManager');
      const secret = await createFrom(session, 'script');
      const [user] = await context.db.query<{ id: number }>('SELECT id FROM app_user WHERE email = $1', [emailOf('programmeManager')]);
      expect((await send(context.app, 'PATCH', `/api/users/${user!.id}`, { payload: { password: 'le nouveau mot de passe du bureau de Ouaga' } })).statusCode).toBe(200);
      expect(await works(secret)).toBe(false);
    });

    it('revokes every token of the account on "sign out everywhere", and none on a plain sign-out', async () => {
      const session = await signIn(anonymous(), 'viewer');
      const kept = await createFrom(session, 'kept');
      const other = await signIn(anonymous(), 'viewer');
      expect((await send(anonymous(), 'POST', '/api/auth/sign-out', { headers: withSession(other) })).statusCode).toBe(200);
      expect(await works(kept)).toBe(true);
      expect((await send(anonymous(), 'POST', '/api/auth/sign-out', { headers: withSession(session), payload: { everywhere: true } })).statusCode).toBe(200);
      expect(await works(kept)).toBe(false);
    });
  },
  { build: { tokenMaxDays: 90 } },
);

describeEachDatabase('password strength', (context) => {
  const create = (password: string, language = 'en') =>
    send(context.app, 'POST', '/api/users', {
      payload: { email: 'agent@ngo.example', name: 'Nouvelle Personne', password, assignments: [{ role: 'viewer', scope: { kind: 'response' } }] },
      headers: { 'accept-language': language },
    });

  it.each([
    ['123412341234', 'auth.password.repeated', 'This password repeats the same few characters; choose another.', 'Ce mot de passe répète les mêmes caractères ; choisissez-en un autre.'],
    ['P@ssw0rd2024!', 'auth.password.common', 'This password is a common password or word, even with letters swapped for digits or symbols; choose another.', 'Ce mot de passe est un mot ou un mot de passe courant, même avec des lettres remplacées par des chiffres ou des symboles ; choisissez-en un autre.'],
    ['Sahel2021Sahel', 'auth.password.common', 'This password is a common password or word, even with letters swapped for digits or symbols; choose another.', 'Ce mot de passe est un mot ou un mot de passe courant, même avec des lettres remplacées par des chiffres ou des symboles ; choisissez-en un autre.'],
  ])('refuses %s and says why, in English and French', async (password, code, english, french) => {
    const before = await countRows(context.db, 'app_user');
    const en = await create(password);
    expect(en.statusCode).toBe(422);
    expect(en.body.error).toMatchObject({ code, message: english });
    expect((await create(password, 'fr')).body.error!.message).toBe(french);
    expect(await countRows(context.db, 'app_user')).toBe(before);
  });
});

describeEachDatabase('look-alike e-mail addresses', (context) => {
  const create = (email: string, language = 'en') =>
    send(context.app, 'POST', '/api/users', {
      payload: { email, name: 'Faux Admin', password: 'une phrase de passe longue et solide', assignments: [{ role: 'viewer', scope: { kind: 'response' } }] },
      headers: { 'accept-language': language },
    });

  it.each([
    ['a zero-width space', 'admin\u200b@test.liptako.org', 'auth.email.invisible'],
    ['a right-to-left override', 'admin\u202e@test.liptako.org', 'auth.email.invisible'],
    ['a soft hyphen', 'ad\u00admin@test.liptako.org', 'auth.email.invisible'],
    ['full-width letters', 'ａｄｍｉｎ@test.liptako.org', 'auth.email.confusable'],
    ['a Cyrillic a among Latin letters', 'аdmin@test.liptako.org', 'auth.email.confusable'],
    ['a Greek omicron in the domain', 'admin@test.liptakο.org', 'auth.email.confusable'],
  ])('refuses %s with a catalogued message and stores nothing', async (_label, email, code) => {
    const before = await countRows(context.db, 'app_user');
    const reply = await create(email);
    expect(reply.statusCode).toBe(422);
    expect(reply.body.error!.code).toBe(code);
    expect((await create(email, 'fr')).headers['content-language']).toBe('fr');
    expect(await countRows(context.db, 'app_user')).toBe(before);
  });

  it('accepts accented Latin addresses (one script), stored NFKC-normalised, and signs in with either form', async () => {
    const decomposed = 'aminata.kone\u0301@ngo.example';
    const created = await create(decomposed);
    expect(created.statusCode, created.text).toBe(201);
    const [row] = await context.db.query<{ email: string }>("SELECT email FROM app_user WHERE email LIKE 'aminata%'");
    expect(row!.email).toBe('aminata.koné@ngo.example');
    for (const email of [decomposed, 'aminata.koné@ngo.example']) {
      const reply = await send(context.as('anonymous'), 'POST', '/api/auth/sign-in', { payload: { email, password: 'une phrase de passe longue et solide' }, remoteAddress: freshAddress() });
      expect(reply.statusCode, email).toBe(200);
    }
  });
});
