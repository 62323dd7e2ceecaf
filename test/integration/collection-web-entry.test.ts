/**
 * What the web form entry's outbox relies on (issue 14): a signed-in user sends a submission to the
 * OpenRosa route with the session cookie and its anti-forgery token (no token: refused, nothing
 * stored); the receipt says what the server holds of an instanceID, so a sender that lost track
 * posts only what is missing; resending what arrived stores nothing twice; OpenRosa errors carry
 * their catalogue code in a header, beside the message in the caller's language.
 */
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/harness.js';
import { signIn, withSession } from '../support/access.js';
import { send } from '../support/http.js';
import { DEMO_FORM_ID, filePart, incompletePart, postSubmission, seedCollection, siteAnswers, siteSubmissionXml, xmlPart } from '../support/collection.js';

const PHOTO = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describeEachDatabase('collection: sending from the web app', (context) => {
  it('takes a session-authenticated submission in separate posts, tells what it lacks, and stores each thing once', async () => {
    const seed = await seedCollection(context.app, 'Projet web');
    const anonymous = context.as('anonymous');
    const session = await signIn(anonymous, 'imOfficerMali');
    const instanceId = `uuid:${randomUUID()}`;
    const xml = siteSubmissionXml(siteAnswers({ instanceId, photo: 'entree-1.png' }));
    const base = `/v1/projects/${seed.projectId}`;
    const receipt = async () => {
      const reply = await send<{ received: boolean; missing: string[] }>(anonymous, 'GET', `/api/collection/projects/${seed.projectId}/forms/${DEMO_FORM_ID}/receipt?instanceId=${encodeURIComponent(instanceId)}`, { headers: withSession(session) });
      expect(reply.statusCode, reply.text).toBe(200);
      return reply.body;
    };
    const count = async () => (await context.db.query<{ n: number }>('SELECT count(*)::int AS n FROM collection_submission WHERE instance_id = $1', [instanceId]))[0]!.n;

    expect(await receipt()).toEqual({ received: false, missing: [] });
    // Without the anti-forgery token the cookie alone is not enough (another site could send it).
    const forged = await postSubmission(anonymous, base, [xmlPart(xml)], { cookie: session.cookie, 'accept-language': 'en' });
    expect(forged.statusCode).toBe(403);
    expect(forged.headers['x-liptako-error']).toBe('auth.csrf');
    expect(forged.text).toContain('<OpenRosaResponse');
    expect(await count()).toBe(0);

    // The XML first, saying more is to come (as the web outbox and Collect do): the field is read past.
    const first = await postSubmission(anonymous, base, [xmlPart(xml), incompletePart], withSession(session, { 'accept-language': 'fr' }));
    expect(first.statusCode, first.text).toBe(201);
    expect(await receipt()).toEqual({ received: true, missing: ['entree-1.png'] });
    // The XML again (a tab closed before the answer came): nothing new.
    expect((await postSubmission(anonymous, base, [xmlPart(xml)], withSession(session))).statusCode).toBe(201);
    const photo = await postSubmission(anonymous, base, [xmlPart(xml), filePart('entree-1.png', PHOTO, 'image/png')], withSession(session));
    expect(photo.statusCode, photo.text).toBe(201);
    expect(await receipt()).toEqual({ received: true, missing: [] });
    expect(await count()).toBe(1);
    const [stored] = await context.db.query<{ submitted_by: string; xml: string }>('SELECT submitted_by, xml FROM collection_submission WHERE instance_id = $1', [instanceId]);
    expect(stored!.xml).toBe(xml);

    // A refusal comes in the caller's language with its code: other XML under the same instanceID.
    const conflict = await postSubmission(anonymous, base, [xmlPart(xml.replace('<households>', '<households>9'))], withSession(session, { 'accept-language': 'fr' }));
    expect(conflict.statusCode).toBe(409);
    expect(conflict.headers['x-liptako-error']).toBe('collection.submission.conflict');
    expect(conflict.headers['content-language']).toBe('fr');
    expect(await count()).toBe(1);
  });

  it('answers the receipt only about forms the caller may fill', async () => {
    const seed = await seedCollection(context.app, 'Projet fermé');
    const url = `/api/collection/projects/${seed.projectId}/forms/${DEMO_FORM_ID}/receipt?instanceId=uuid:x`;
    expect((await send(context.as('admin'), 'GET', url)).statusCode).toBe(200);
    expect((await send(context.as('admin'), 'GET', url.replace(DEMO_FORM_ID, 'no_such_form'))).statusCode).toBe(404);
    expect((await send(context.as('admin'), 'GET', url.replace('?instanceId=uuid:x', ''))).statusCode).toBe(400);
    await send(context.as('admin'), 'POST', `/api/collection/projects/${seed.projectId}/forms/${DEMO_FORM_ID}/state`, { payload: { state: 'closed' } });
    expect((await send(context.as('admin'), 'GET', url)).statusCode).toBe(404);
  });
});
