/**
 * ODK Collect configured with an account instead of a QR code: it asks `/v1/projects/{id}/…`
 * without credentials, is challenged with `WWW-Authenticate: Basic`, and sends the e-mail and
 * password on every request after. Tested as a phone calls it and as an attacker would: wrong
 * and malformed credentials, another country's project, a cross-site post without the OpenRosa
 * header, a password sent to a route that does not take one.
 */
import { expect, it } from 'vitest';
import { countRows, emailOf, freshAddress } from '../support/access.js';
import { seedCollection, siteAnswers, siteSubmissionXml, multipart, xmlPart } from '../support/collection.js';
import { describeEachDatabase, TEST_PASSWORD } from '../support/harness.js';
import { send } from '../support/http.js';

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const CHALLENGE = 'Basic realm="Liptako", charset="UTF-8"';

describeEachDatabase('collection: accounts with a password on the OpenRosa routes (HTTP Basic)', (context) => {
  it('challenges a phone that sent nothing, then lists, downloads and receives with the account’s password', async () => {
    const seed = await seedCollection(context.app);
    const phone = context.as('anonymous');
    const base = `/v1/projects/${seed.projectId}`;

    const bare = await send(phone, 'GET', `${base}/formList`, { headers: { 'x-openrosa-version': '1.0', 'accept-language': 'fr' } });
    expect(bare.statusCode).toBe(401);
    expect(bare.headers['www-authenticate']).toBe(CHALLENGE);
    expect(bare.headers['x-openrosa-version']).toBe('1.0');
    expect(bare.text).toContain('Connectez-vous');

    const authorization = basic(emailOf('imOfficerMali'), TEST_PASSWORD);
    const list = await send(phone, 'GET', `${base}/formList`, { headers: { authorization, 'x-openrosa-version': '1.0' } });
    expect(list.statusCode, list.text).toBe(200);
    expect(list.headers['www-authenticate']).toBeUndefined();
    const downloadUrl = new URL(/<downloadUrl>([^<]+)<\/downloadUrl>/.exec(list.text)![1]!);
    // The links keep the caller's way in: no token appears in them.
    expect(downloadUrl.pathname.startsWith(`${base}/`)).toBe(true);
    const download = await send(phone, 'GET', downloadUrl.pathname, { headers: { authorization } });
    expect(download.statusCode).toBe(200);

    const head = await send(phone, 'HEAD', `${base}/submission`, { headers: { authorization, 'x-openrosa-version': '1.0' } });
    expect(head.statusCode).toBe(204);
    const answers = siteAnswers();
    const { body, contentType } = multipart([xmlPart(siteSubmissionXml(answers))]);
    const posted = await send(phone, 'POST', `${base}/submission`, { payload: body, headers: { authorization, 'content-type': contentType, 'x-openrosa-version': '1.0' } });
    expect(posted.statusCode, posted.text).toBe(201);
    const [stored] = await context.db.query<{ submitted_by: string }>('SELECT submitted_by FROM collection_submission WHERE instance_id = $1', [answers.instanceId]);
    expect(stored?.submitted_by).toBe(emailOf('imOfficerMali'));
  });

  it('refuses a wrong password with the challenge again and audits it; malformed credentials are a refusal, not a crash', async () => {
    const seed = await seedCollection(context.app);
    const phone = context.as('anonymous');
    const url = `/v1/projects/${seed.projectId}/formList`;
    const remoteAddress = freshAddress();
    const wrong = await send(phone, 'GET', url, { headers: { authorization: basic(emailOf('imOfficerMali'), 'not the password') }, remoteAddress });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe(CHALLENGE);
    const [failure] = await context.db.query<{ outcome: string; reason: string }>(
      "SELECT outcome, summary->>'reason' AS reason FROM audit_event WHERE action = 'auth.sign-in' AND actor = $1 ORDER BY id DESC LIMIT 1",
      [emailOf('imOfficerMali')],
    );
    expect(failure).toEqual({ outcome: 'failure', reason: 'wrong-password' });

    for (const authorization of [
      'Basic',
      'Basic ',
      'Basic !!!not-base64!!!',
      `Basic ${Buffer.from('no-colon-here').toString('base64')}`,
      `Basic ${Buffer.from(':only-a-password').toString('base64')}`,
      `Basic ${Buffer.from(`${emailOf('imOfficerMali')}:`).toString('base64')}`,
      `Basic ${'A'.repeat(10_000)}`,
      `basic ${Buffer.from(`' OR 1=1 --:x`).toString('base64')}`,
    ]) {
      const reply = await send(phone, 'GET', url, { headers: { authorization }, remoteAddress: freshAddress() });
      expect(reply.statusCode, authorization.slice(0, 40)).toBe(401);
      expect(reply.text).toContain('<OpenRosaResponse');
    }
    const health = await send(phone, 'GET', url, { headers: { authorization: basic(emailOf('imOfficerMali'), TEST_PASSWORD) }, remoteAddress: freshAddress() });
    expect(health.statusCode).toBe(200);
  });

  it('keeps an account to its countries, a password off cross-site posts, and Basic off every other route', async () => {
    const seed = await seedCollection(context.app);
    const phone = context.as('anonymous');
    const base = `/v1/projects/${seed.projectId}`;

    // The Niger enumerator's account is real, but the project is in Mali.
    const otherCountry = await send(phone, 'GET', `${base}/formList`, { headers: { authorization: basic(emailOf('enumeratorNiger'), TEST_PASSWORD) } });
    expect([403, 404]).toContain(otherCountry.statusCode);
    expect(otherCountry.text).not.toContain('<xform>');

    // A form on another site posting with the browser's remembered password sends no OpenRosa header.
    const answers = siteAnswers();
    const { body, contentType } = multipart([xmlPart(siteSubmissionXml(answers))]);
    const before = await countRows(context.db, 'collection_submission');
    const crossSite = await send(phone, 'POST', `${base}/submission`, { payload: body, headers: { authorization: basic(emailOf('imOfficerMali'), TEST_PASSWORD), 'content-type': contentType } });
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.text).toContain('X-OpenRosa-Version');
    expect(await countRows(context.db, 'collection_submission')).toBe(before);

    // The web API does not take passwords in headers: Basic there is no credential at all.
    const api = await send(phone, 'GET', '/api/collection/projects', { headers: { authorization: basic(emailOf('admin'), TEST_PASSWORD) } });
    expect(api.statusCode).toBe(401);
    expect(api.headers['www-authenticate']).toBeUndefined();

    // Nor does the token path: the token decides, whatever the header says.
    const keyed = await send(phone, 'GET', `/v1/key/${'x'.repeat(43)}/projects/${seed.projectId}/formList`, { headers: { authorization: basic(emailOf('admin'), TEST_PASSWORD) } });
    expect(keyed.statusCode).toBe(403);
    expect(keyed.headers['www-authenticate']).toBeUndefined();
  });
});
