/**
 * The OpenRosa server as ODK Collect and Enketo call it: formList with the md5 of the bytes
 * served, download with ETag, HEAD before POST, multipart submissions, duplicates and races,
 * batches with files still on the phone, edits through meta/deprecatedID carrying files over;
 * and as an attacker calls it: bad and revoked tokens, odd token spellings, other projects,
 * oversize bodies, XML with entities. Every answer carries the OpenRosa headers; every error is
 * an OpenRosaResponse in the caller's language.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { expect, it } from 'vitest';
import { countRows } from '../support/access.js';
import { describeEachDatabase, type TestContext } from '../support/harness.js';
import { call, send } from '../support/http.js';
import { DEMO_FORM_ID, DEMO_SITE_FORM, filePart, postSubmission, seedCollection, siteAnswers, siteSubmissionXml, xmlPart } from '../support/collection.js';

const md5 = (bytes: Buffer | string): string => createHash('md5').update(bytes).digest('hex');

function expectOpenRosa(reply: { headers: Record<string, unknown>; text: string }, withBody = true): void {
  expect(reply.headers['x-openrosa-version']).toBe('1.0');
  expect(reply.headers['x-openrosa-accept-content-length']).toBe(String(10 * 1024 * 1024));
  if (withBody) expect(reply.text).toContain('<OpenRosaResponse xmlns="http://openrosa.org/http/response"');
}

const currentSubmissions = (context: TestContext): Promise<number> => countRows(context.db, 'collection_submission');

describeEachDatabase('collection: OpenRosa server', (context) => {
  it('lists the form with the md5 of the exact bytes it serves, honours formID, and downloads with an ETag', async () => {
    const seed = await seedCollection(context.app);
    const anonymous = context.as('anonymous');
    const list = await send(anonymous, 'GET', `${seed.phoneBase}/formList`, { headers: { 'x-openrosa-version': '1.0' } });
    expect(list.statusCode, list.text).toBe(200);
    expectOpenRosa(list, false);
    expect(list.headers['content-type']).toMatch(/^text\/xml/);
    expect(list.text).toContain(`<formID>${DEMO_FORM_ID}</formID>`);
    expect(list.text).toContain('<version>2021050101</version>');
    expect(list.text).toContain(`<hash>md5:${md5(DEMO_SITE_FORM)}</hash>`);
    expect(list.text).not.toContain('manifestUrl');
    const downloadUrl = /<downloadUrl>([^<]+)<\/downloadUrl>/.exec(list.text)![1]!;
    const download = await send(anonymous, 'GET', new URL(downloadUrl).pathname);
    expect(download.statusCode).toBe(200);
    expect(md5(Buffer.from(download.text))).toBe(md5(DEMO_SITE_FORM));
    expect(download.headers.etag).toBe(`"${md5(DEMO_SITE_FORM)}"`);
    const again = await send(anonymous, 'GET', new URL(downloadUrl).pathname, { headers: { 'if-none-match': `"${md5(DEMO_SITE_FORM)}"` } });
    expect(again.statusCode).toBe(304);
    const filtered = await send(anonymous, 'GET', `${seed.phoneBase}/formList?formID=other_form`);
    expect(filtered.text).not.toContain('<xform>');
  });

  it('answers HEAD before POST with 204 and the batch size, then stores a submission once (201), a repeat is success with nothing new', async () => {
    const seed = await seedCollection(context.app);
    const phone = context.as('anonymous');
    const head = await send(phone, 'HEAD', `${seed.phoneBase}/submission?deviceID=collect%3Aabc`);
    expect(head.statusCode).toBe(204);
    expectOpenRosa(head, false);
    const answers = siteAnswers();
    const first = await postSubmission(phone, seed.phoneBase, [xmlPart(siteSubmissionXml(answers))]);
    expect(first.statusCode, first.text).toBe(201);
    expectOpenRosa(first);
    const repeat = await postSubmission(phone, seed.phoneBase, [xmlPart(siteSubmissionXml(answers))], { 'accept-language': 'fr' });
    expect(repeat.statusCode).toBe(201);
    expect(repeat.text).toContain('déjà été reçue');
    expect(await currentSubmissions(context)).toBe(1);
    // The same instanceID with other content is a conflict, and nothing changes.
    const changed = await postSubmission(phone, seed.phoneBase, [xmlPart(siteSubmissionXml({ ...answers, households: 999 }))]);
    expect(changed.statusCode).toBe(409);
    expectOpenRosa(changed);
    expect(changed.text).toContain(answers.instanceId);
    const stored = await context.db.query<{ xml: string }>('SELECT xml FROM collection_submission');
    expect(stored.map((row) => row.xml)).toEqual([siteSubmissionXml(answers)]);
  });

  it('stores one submission when two identical posts arrive at once', async () => {
    const seed = await seedCollection(context.app);
    const phone = context.as('anonymous');
    const xml = siteSubmissionXml(siteAnswers());
    const replies = await Promise.all([postSubmission(phone, seed.phoneBase, [xmlPart(xml)]), postSubmission(phone, seed.phoneBase, [xmlPart(xml)])]);
    expect(replies.map((reply) => reply.statusCode)).toEqual([201, 201]);
    expect(await currentSubmissions(context)).toBe(1);
  });

  it('assembles a submission sent in batches: a photo still on the phone is shown missing, then arrives', async () => {
    const seed = await seedCollection(context.app);
    const phone = context.as('anonymous');
    const answers = siteAnswers({ photo: 'entree.jpg' });
    const first = await postSubmission(phone, seed.phoneBase, [xmlPart(siteSubmissionXml(answers))], {});
    expect(first.statusCode).toBe(201);
    expect(first.text).toContain('entree.jpg');
    const list = await call<{ submissions: Array<{ id: number; attachmentsExpected: number; attachmentsPresent: number }> }>(
      context.app,
      'GET',
      `/api/collection/projects/${seed.projectId}/forms/${DEMO_FORM_ID}/submissions`,
    );
    expect(list.body.submissions[0]).toMatchObject({ attachmentsExpected: 1, attachmentsPresent: 0 });
    const photo = Buffer.from('not really a jpeg, but bytes all the same');
    const second = await postSubmission(phone, `${seed.phoneBase}`, [xmlPart(siteSubmissionXml(answers)), filePart('entree.jpg', photo)]);
    expect(second.statusCode).toBe(201);
    const after = await call<{ attachments: Array<{ name: string; present: boolean }> }>(
      context.app,
      'GET',
      `/api/collection/projects/${seed.projectId}/forms/${DEMO_FORM_ID}/submissions/${list.body.submissions[0]!.id}`,
    );
    expect(after.body.attachments).toEqual([{ name: 'entree.jpg', present: true, contentType: 'image/jpeg' }]);
    const file = await send(context.app, 'GET', `/api/collection/projects/${seed.projectId}/forms/${DEMO_FORM_ID}/submissions/${list.body.submissions[0]!.id}/attachments/entree.jpg`);
    expect(file.text).toBe(photo.toString());
    // A file the XML does not name is not kept.
    await postSubmission(phone, seed.phoneBase, [xmlPart(siteSubmissionXml(answers)), filePart('autre.jpg', photo)]);
    const [files] = await context.db.query<{ n: number }>('SELECT count(*)::int AS n FROM collection_submission_attachment');
    expect(files!.n).toBe(1);
  });

  it('keeps an edit as a new version of the same submission, carrying the photo over by name', async () => {
    const seed = await seedCollection(context.app);
    const phone = context.as('anonymous');
    const original = siteAnswers({ photo: 'entree.jpg' });
    await postSubmission(phone, seed.phoneBase, [xmlPart(siteSubmissionXml(original)), filePart('entree.jpg', Buffer.from('photo'))]);
    const edit = { ...original, instanceId: `uuid:${crypto.randomUUID()}`, deprecatedId: original.instanceId, households: 150 };
    const reply = await postSubmission(phone, seed.phoneBase, [xmlPart(siteSubmissionXml(edit))]);
    expect(reply.statusCode, reply.text).toBe(201);
    const list = await call<{ submissions: Array<{ id: number; instanceId: string; reviewState: string; attachmentsPresent: number }>; total: number }>(
      context.app,
      'GET',
      `/api/collection/projects/${seed.projectId}/forms/${DEMO_FORM_ID}/submissions`,
    );
    expect(list.body.total).toBe(1);
    expect(list.body.submissions[0]).toMatchObject({ instanceId: edit.instanceId, reviewState: 'edited', attachmentsPresent: 1 });
    const detailUrl = `/api/collection/projects/${seed.projectId}/forms/${DEMO_FORM_ID}/submissions/${list.body.submissions[0]!.id}`;
    const detail = await call<{ history: unknown[]; answers: Array<{ path: string; position: string; value: string; label: string | null; valueLabel: string | null }> }>(
      context.app,
      'GET',
      detailUrl,
      undefined,
      { 'accept-language': 'en' },
    );
    expect(detail.body.history).toHaveLength(2);
    // What the reviewer reads: the form's own labels in their language, codes beside them.
    expect(detail.body.answers).toContainEqual({ path: '/data/households', position: '/data/households', value: '150', label: 'Number of households', valueLabel: null });
    expect(detail.body.answers).toContainEqual({ path: '/data/need/priority', position: '/data/need[1]/priority', value: 'water', label: 'Sector', valueLabel: 'Water, sanitation and hygiene' });
    const inFrench = await call<{ answers: Array<{ path: string; label: string | null; valueLabel: string | null }> }>(context.app, 'GET', detailUrl, undefined, { 'accept-language': 'fr' });
    expect(inFrench.body.answers.find((answer) => answer.path === '/data/site_type')).toMatchObject({ label: 'Type de site', valueLabel: 'Site spontané' });
    // An edit of a submission never received is refused.
    const orphan = await postSubmission(phone, seed.phoneBase, [xmlPart(siteSubmissionXml({ ...siteAnswers(), deprecatedId: 'uuid:never-seen' }))]);
    expect(orphan.statusCode).toBe(409);
  });

  it('refuses bad, revoked and oddly spelled tokens with 403 and an OpenRosa message, never a password prompt', async () => {
    const seed = await seedCollection(context.app);
    const phone = context.as('anonymous');
    const wrongToken = seed.phoneBase.replace(seed.token, 'A'.repeat(43));
    for (const url of [
      `${wrongToken}/formList`,
      `/v1/key/${seed.token.toLowerCase()}x/projects/${seed.projectId}/formList`,
      `/v1/key/${encodeURIComponent("' OR 1=1 --")}/projects/${seed.projectId}/formList`,
      `/v1/key/%2e%2e/projects/${seed.projectId}/formList`,
    ]) {
      const reply = await send(phone, 'GET', url, { headers: { 'accept-language': 'fr' } });
      // `%2e%2e` leaves no token at all: the router lands on the account route, which asks for a
      // password (401 with a Basic challenge). Every URL with a token in it is a 403, never a prompt.
      expect([401, 403, 404], `${url}: ${reply.statusCode}`).toContain(reply.statusCode);
      if (reply.statusCode === 401) expect(url).toContain('%2e%2e');
      else expect(reply.headers['www-authenticate']).toBeUndefined();
      if (reply.statusCode === 403) {
        expectOpenRosa(reply);
        expect(reply.text).toContain('code QR');
      }
    }
    // The phone's token does not open another project, even one of the same country.
    const other = await seedCollection(context.app, 'Autre projet');
    const crossed = await send(phone, 'GET', `/v1/key/${seed.token}/projects/${other.projectId}/formList`);
    expect(crossed.statusCode).toBe(404);
    const crossedPost = await postSubmission(phone, `/v1/key/${seed.token}/projects/${other.projectId}`, [xmlPart(siteSubmissionXml(siteAnswers()))]);
    expect(crossedPost.statusCode).toBe(404);
    // Revoked: refused from then on.
    const revoke = await call(context.app, 'POST', `/api/collection/projects/${seed.projectId}/app-users/${seed.appUserId}/revoke`);
    expect(revoke.statusCode).toBe(200);
    const after = await postSubmission(phone, seed.phoneBase, [xmlPart(siteSubmissionXml(siteAnswers()))]);
    expect(after.statusCode).toBe(403);
    expectOpenRosa(after);
    expect(await currentSubmissions(context)).toBe(0);
  });

  it('needs credentials without a token, and keeps other countries’ projects out of sight', async () => {
    const seed = await seedCollection(context.app);
    const anonymous = await send(context.as('anonymous'), 'GET', `/v1/projects/${seed.projectId}/formList`);
    expect(anonymous.statusCode).toBe(401);
    expectOpenRosa(anonymous);
    // The enumerator of Niger may submit, but not to a Mali project; the administrator may.
    const niger = await send(context.as('enumeratorNiger'), 'GET', `/v1/projects/${seed.projectId}/formList`);
    expect(niger.statusCode).toBe(404);
    const viewer = await send(context.as('viewer'), 'GET', `/v1/projects/${seed.projectId}/formList`);
    expect(viewer.statusCode).toBe(403);
    const admin = await send(context.app, 'GET', `/v1/projects/${seed.projectId}/formList`);
    expect(admin.text).toContain(`/v1/projects/${seed.projectId}/forms/${DEMO_FORM_ID}/form.xml`);
    const list = await call<{ projects: unknown[] }>(context.as('enumeratorNiger'), 'GET', '/api/collection/projects');
    expect(list.body.projects).toEqual([]);
  });

  it('refuses hostile and malformed submissions with a clear message, storing nothing', async () => {
    const seed = await seedCollection(context.app);
    const phone = context.as('anonymous');
    const xxe = `<?xml version="1.0"?><!DOCTYPE data [<!ENTITY x SYSTEM "file:///etc/passwd">]><data id="${DEMO_FORM_ID}" version="2021050101"><site_name>&x;</site_name><meta><instanceID>uuid:1</instanceID></meta></data>`;
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><data id="${DEMO_FORM_ID}"><a>&lol2;</a><meta><instanceID>uuid:2</instanceID></meta></data>`;
    const cases: Array<[string, string | null, number, string]> = [
      ['xxe', xxe, 400, 'doctype'],
      ['bomb', bomb, 400, 'doctype'],
      ['not xml', 'hello', 400, 'malformed'],
      ['no instanceID', `<data id="${DEMO_FORM_ID}" version="2021050101"><site_name>x</site_name></data>`, 400, 'noInstanceId'],
      ['unknown form', `<data id="no_such_form"><meta><instanceID>uuid:3</instanceID></meta></data>`, 404, 'no_such_form'],
      ['unknown version', `<data id="${DEMO_FORM_ID}" version="1999"><meta><instanceID>uuid:4</instanceID></meta></data>`, 409, '1999'],
      ['no xml part', null, 400, 'xml_submission_file'],
    ];
    for (const [name, xml, status, mention] of cases) {
      const parts = xml === null ? [filePart('photo.jpg', Buffer.from('x'))] : [xmlPart(xml)];
      const reply = await postSubmission(phone, seed.phoneBase, parts);
      expect(reply.statusCode, `${name}: ${reply.text}`).toBe(status);
      expectOpenRosa(reply);
      expect(reply.text, name).toContain(mention);
    }
    const notMultipart = await send(phone, 'POST', `${seed.phoneBase}/submission`, { payload: '<data/>', headers: { 'content-type': 'text/xml' } });
    expect(notMultipart.statusCode).toBeGreaterThanOrEqual(400);
    expect(notMultipart.statusCode).toBeLessThan(500);
    expectOpenRosa(notMultipart);
    expect(await currentSubmissions(context)).toBe(0);
    const health = await send(context.app, 'GET', '/api/health');
    expect(health.statusCode).toBe(200);
  });

  it('answers 413 with an OpenRosa message for a body beyond the limit, storing nothing', async () => {
    const seed = await seedCollection(context.app);
    const phone = context.as('anonymous');
    const huge = Buffer.alloc(51 * 1024 * 1024, 0x61);
    const reply = await postSubmission(phone, seed.phoneBase, [xmlPart(siteSubmissionXml(siteAnswers({ photo: 'big.jpg' }))), filePart('big.jpg', huge)]);
    expect(reply.statusCode).toBe(413);
    expectOpenRosa(reply);
    expect(await currentSubmissions(context)).toBe(0);
  });

  it('refuses a 200 MB submission over a real socket long before its end, storing nothing, the server up', async () => {
    const seed = await seedCollection(context.app);
    const address = await context.app.listen({ port: 0, host: '127.0.0.1' });
    const boundary = '----liptako200mb';
    const total = 200 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 0x62);
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="xml_submission_file"; filename="submission.xml"\r\nContent-Type: text/xml\r\n\r\n${siteSubmissionXml(siteAnswers({ photo: 'huge.jpg' }))}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="huge.jpg"; filename="huge.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
    );
    /** Sends 200 MB (generated as it goes, with the socket's back-pressure) until the server answers or hangs up. */
    const post = (declareLength: boolean): Promise<{ status: number | null; text: string; sent: number }> =>
      new Promise((resolve, reject) => {
        let sent = 0;
        const request = httpRequest(`${address}${seed.phoneBase}/submission`, {
          method: 'POST',
          headers: {
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'x-openrosa-version': '1.0',
            'accept-language': 'fr',
            ...(declareLength ? { 'content-length': String(head.length + total + boundary.length + 8) } : {}),
          },
        });
        let answered = false;
        request.on('response', (response) => {
          answered = true;
          const parts: Buffer[] = [];
          response.on('data', (part: Buffer) => parts.push(part));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8'), sent }));
        });
        request.on('error', (error: NodeJS.ErrnoException) => {
          if (answered) return;
          // The server hung up on a body it will not read: what a client sees when it writes on.
          if (error.code === 'EPIPE' || error.code === 'ECONNRESET') resolve({ status: null, text: '', sent });
          else reject(error);
        });
        const pump = (): void => {
          while (!answered && !request.destroyed && sent < total) {
            sent += chunk.length;
            if (!request.write(chunk)) {
              request.once('drain', pump);
              return;
            }
          }
          if (!answered && !request.destroyed) request.end(`\r\n--${boundary}--\r\n`);
        };
        request.write(head);
        pump();
      });

    // As ODK Collect sends it (with Content-Length): refused before the body is read.
    const declared = await post(true);
    expect(declared.status).toBe(413);
    expect(declared.text).toContain('<OpenRosaResponse');
    expect(declared.text).toContain('dépasse');
    expect(declared.sent).toBeLessThan(total / 2);
    // Chunked, with no length to go by: refused at the limit (the answer, or the hang-up if the
    // client is still writing when it comes), never read to its end.
    const chunked = await post(false);
    if (chunked.status !== null) expect(chunked.status).toBe(413);
    expect(chunked.sent).toBeLessThan(total / 2);
    expect(await currentSubmissions(context)).toBe(0);
    expect((await send(context.app, 'GET', '/api/health')).statusCode).toBe(200);
  });

  it('refuses a second form version with the same number and other bytes (409), accepts the same bytes again', async () => {
    const seed = await seedCollection(context.app);
    const url = `/api/collection/projects/${seed.projectId}/forms`;
    const same = await send(context.app, 'POST', url, { payload: Buffer.from(DEMO_SITE_FORM), headers: { 'content-type': 'application/xml' } });
    expect(same.statusCode).toBe(200);
    const changed = await send(context.app, 'POST', url, { payload: Buffer.from(DEMO_SITE_FORM.replace('Nom du site', 'Nom du lieu')), headers: { 'content-type': 'application/xml' } });
    expect(changed.statusCode).toBe(409);
    expect(changed.body.error!.code).toBe('collection.form.versionConflict');
    const encrypted = DEMO_SITE_FORM.replace('</model>', '<submission base64RsaPublicKey="MIIB" /></model>').replace('2021050101', '2021050102');
    const refused = await send(context.app, 'POST', url, { payload: Buffer.from(encrypted), headers: { 'content-type': 'application/xml', 'accept-language': 'fr' } });
    expect(refused.statusCode).toBe(422);
    expect(refused.body.error!.message).toContain('chiffr');
    const xxe = `<?xml version="1.0"?><!DOCTYPE h:html [<!ENTITY x SYSTEM "file:///etc/passwd">]>${DEMO_SITE_FORM.replace('<?xml version="1.0" encoding="UTF-8"?>', '')}`;
    const hostile = await send(context.app, 'POST', url, { payload: Buffer.from(xxe), headers: { 'content-type': 'application/xml' } });
    expect(hostile.statusCode).toBe(400);
    expect(hostile.body.error!.code).toBe('collection.form.invalid');
    const [versions] = await context.db.query<{ n: number }>('SELECT count(*)::int AS n FROM collection_form_version');
    expect(versions!.n).toBe(1);
  });

  it('reviews submissions in bulk, with a comment, and filters by review state', async () => {
    const seed = await seedCollection(context.app);
    const phone = context.as('anonymous');
    for (let index = 0; index < 5; index += 1) await postSubmission(phone, seed.phoneBase, [xmlPart(siteSubmissionXml(siteAnswers()))]);
    const base = `/api/collection/projects/${seed.projectId}/forms/${DEMO_FORM_ID}`;
    const list = await call<{ submissions: Array<{ id: number }> }>(context.app, 'GET', `${base}/submissions`);
    const ids = list.body.submissions.map((submission) => submission.id);
    const review = await call<{ changed: number[] }>(context.as('programmeManager'), 'POST', `${base}/reviews`, { submissionIds: ids.slice(0, 3), state: 'approved', comment: 'ok' });
    expect(review.statusCode, review.text).toBe(200);
    expect(review.body.changed).toHaveLength(3);
    const approved = await call<{ total: number }>(context.app, 'GET', `${base}/submissions?reviewState=approved`);
    expect(approved.body.total).toBe(3);
    const viewer = await call(context.as('viewer'), 'POST', `${base}/reviews`, { submissionIds: ids, state: 'approved' });
    expect(viewer.statusCode).toBe(403);
    const bad = await call(context.app, 'POST', `${base}/reviews`, { submissionIds: ids, state: 'received' });
    expect(bad.statusCode).toBe(400);
    const [rows] = await context.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_event WHERE action = 'collection.submission.review' AND outcome = 'success'");
    expect(rows!.n).toBe(1);
  });
});
