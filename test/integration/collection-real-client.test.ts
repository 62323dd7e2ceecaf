/**
 * ODK's own form engine (`@getodk/xforms-engine`, what ODK Web Forms runs on) as a real client of
 * the OpenRosa server: it loads the form from formList and download, is filled through its own
 * API, builds the submission itself (chunked, so the server receives a batch), and later edits
 * the stored submission in its edit mode. What is stored must be exactly what the engine sent.
 */
import { createHash } from 'node:crypto';
import { JSDOM } from 'jsdom';
import { beforeAll, expect, it } from 'vitest';
import type { ChunkedInstancePayload, MonolithicInstancePayload, RootNode, loadForm as LoadForm } from '@getodk/xforms-engine';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import { describeEachDatabase } from '../support/harness.js';
import { call, send, type Reply } from '../support/http.js';

let loadForm: typeof LoadForm;

beforeAll(async () => {
  // The engine parses XForms with the browser's DOMParser and evaluates XPath over DOM nodes, and
  // its own tests run it on jsdom: jsdom gives it those. Fetch, FormData and File stay Node's own,
  // so that what the engine builds is what goes on the wire.
  const { window } = new JSDOM('');
  for (const name of ['DOMParser', 'XMLSerializer', 'Node', 'Element', 'Document', 'XMLDocument', 'Attr', 'Text', 'NodeFilter', 'document'] as const) {
    (globalThis as Record<string, unknown>)[name] ??= window[name];
  }
  // Its XPath parser is Emscripten code that reads __dirname when it sees Node; the WASM itself is inlined.
  (globalThis as Record<string, unknown>).__dirname ??= import.meta.dirname;
  ({ loadForm } = await import('@getodk/xforms-engine'));
}, 60_000);

const FORM_ID = 'suivi_point_eau_test';

/** A form as a site manager would fill it: a choice, a repeat, a GPS point, two photos, a constraint. */
const FORM = `<?xml version="1.0" encoding="UTF-8"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa" xmlns:odk="http://www.opendatakit.org/xforms" xmlns:orx="http://openrosa.org/xforms">
  <h:head>
    <h:title>Point d’eau (test)</h:title>
    <model odk:xforms-version="1.0.0">
      <itext>
        <translation default="true()" lang="Français (fr)">
          <text id="/data/site:label"><value>Nom du site</value></text>
          <text id="/data/kind:label"><value>Type de point d’eau</value></text>
          <text id="/data/kind/pump:label"><value>Pompe à motricité humaine</value></text>
          <text id="/data/kind/well:label"><value>Puits ouvert</value></text>
          <text id="/data/users:label"><value>Personnes servies</value></text>
        </translation>
        <translation lang="English (en)">
          <text id="/data/site:label"><value>Site name</value></text>
          <text id="/data/kind:label"><value>Water point type</value></text>
          <text id="/data/kind/pump:label"><value>Hand pump</value></text>
          <text id="/data/kind/well:label"><value>Open well</value></text>
          <text id="/data/users:label"><value>People served</value></text>
        </translation>
      </itext>
      <instance>
        <data id="${FORM_ID}" version="2021060101">
          <start/>
          <site/>
          <kind/>
          <users/>
          <location/>
          <photo_point/>
          <photo_queue/>
          <visit jr:template="">
            <day/>
            <litres/>
          </visit>
          <meta><instanceID/><instanceName/></meta>
        </data>
      </instance>
      <bind jr:preload="timestamp" jr:preloadParams="start" nodeset="/data/start" type="dateTime"/>
      <bind nodeset="/data/site" required="true()" type="string"/>
      <bind nodeset="/data/kind" required="true()" type="string"/>
      <bind nodeset="/data/users" type="int" constraint=". &gt;= 0"/>
      <bind nodeset="/data/location" type="geopoint"/>
      <bind nodeset="/data/photo_point" type="binary"/>
      <bind nodeset="/data/photo_queue" type="binary"/>
      <bind nodeset="/data/visit/day" type="date"/>
      <bind nodeset="/data/visit/litres" type="decimal"/>
      <bind jr:preload="uid" nodeset="/data/meta/instanceID" readonly="true()" type="string"/>
      <bind calculate="concat(/data/site, ' — ', /data/kind)" nodeset="/data/meta/instanceName" type="string"/>
    </model>
  </h:head>
  <h:body>
    <input ref="/data/site"><label ref="jr:itext('/data/site:label')"/></input>
    <select1 ref="/data/kind">
      <label ref="jr:itext('/data/kind:label')"/>
      <item><label ref="jr:itext('/data/kind/pump:label')"/><value>pump</value></item>
      <item><label ref="jr:itext('/data/kind/well:label')"/><value>well</value></item>
    </select1>
    <input ref="/data/users"><label ref="jr:itext('/data/users:label')"/></input>
    <input ref="/data/location"><label>GPS</label></input>
    <upload mediatype="image/*" ref="/data/photo_point"><label>Photo du point d’eau</label></upload>
    <upload mediatype="image/*" ref="/data/photo_queue"><label>Photo de la file d’attente</label></upload>
    <group ref="/data/visit">
      <label>Visites</label>
      <repeat nodeset="/data/visit">
        <input ref="/data/visit/day"><label>Jour</label></input>
        <input ref="/data/visit/litres"><label>Litres distribués</label></input>
      </repeat>
    </group>
  </h:body>
</h:html>
`;

const md5 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

/** Bytes that stand for a photo: deterministic, and large enough that two do not fit one batch. */
function photo(seed: number, size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  let state = seed;
  for (let at = 0; at < size; at += 1) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[at] = state >>> 24;
  }
  return bytes;
}

/**
 * The few members of the engine's form nodes this test uses. Its published node types import files
 * the package does not ship (`../../common/…`), so the linter sees them as unresolved.
 */
interface FormNode {
  readonly nodeType: string;
  readonly currentState: { readonly reference: string; readonly children: readonly FormNode[] | null };
  setValue?(value: unknown): unknown;
  selectValue?(value: string | null): unknown;
  addInstances?(): unknown;
}

const formNode = (root: RootNode): FormNode => root;

function nodeAt(node: FormNode, reference: string): FormNode {
  if (node.currentState.reference === reference) return node;
  for (const child of node.currentState.children ?? []) {
    if (reference === child.currentState.reference || reference.startsWith(`${child.currentState.reference}/`) || reference.startsWith(`${child.currentState.reference}[`)) {
      return nodeAt(child, reference);
    }
  }
  throw new Error(`no node ${reference} in the form`);
}

function answer(root: RootNode, reference: string, value: string | number | File | { latitude: number; longitude: number; altitude: number; accuracy: number }): void {
  const node = nodeAt(formNode(root), reference);
  if (node.nodeType === 'select' && typeof value === 'string') node.selectValue?.(value);
  else if (node.nodeType === 'input' || node.nodeType === 'upload') node.setValue?.(value);
  else throw new Error(`${reference} is a ${node.nodeType}, not a question for this value`);
}

/** What a client sends for one FormData the engine built: a multipart body, as fetch would encode it. */
async function postInstanceData(phone: LiptakoApp, base: string, data: FormData): Promise<Reply> {
  const encoded = new Response(data);
  const payload = Buffer.from(await encoded.arrayBuffer());
  return send(phone, 'POST', `${base}/submission?deviceID=webforms%3Atest`, {
    payload,
    headers: { 'content-type': encoded.headers.get('content-type')!, 'x-openrosa-version': '1.0', 'accept-language': 'fr' },
  });
}

describeEachDatabase('collection: ODK’s form engine as a client', (context) => {
  it('loads the form from formList, sends what it filled in a batch of two posts, and edits it into a new version', async () => {
    const project = await call<{ project: { id: number } }>(context.app, 'POST', '/api/collection/projects', { name: 'Points d’eau (test)', country: 'ML' });
    expect(project.statusCode, project.text).toBe(201);
    const projectId = project.body.project.id;
    const upload = await send<{ form: { id: number } }>(context.app, 'POST', `/api/collection/projects/${projectId}/forms?publish=true`, {
      payload: Buffer.from(FORM),
      headers: { 'content-type': 'application/xml' },
    });
    expect(upload.statusCode, upload.text).toBe(201);
    const appUser = await call<{ serverUrl: string }>(context.app, 'POST', `/api/collection/projects/${projectId}/app-users`, { name: 'Tablette Kaya', formIds: [upload.body.form.id] });
    expect(appUser.statusCode, appUser.text).toBe(201);
    const base = new URL(appUser.body.serverUrl).pathname;
    const phone = context.as('anonymous');

    // Discovery and download as a client does it.
    const list = await send(phone, 'GET', `${base}/formList?formID=${FORM_ID}`, { headers: { 'x-openrosa-version': '1.0' } });
    expect(list.statusCode, list.text).toBe(200);
    const downloadUrl = /<downloadUrl>([^<]+)<\/downloadUrl>/.exec(list.text)?.[1];
    expect(downloadUrl).toBeDefined();
    const download = await send(phone, 'GET', new URL(downloadUrl!).pathname);
    expect(download.statusCode).toBe(200);
    expect(download.text).toBe(FORM);

    const loaded = await loadForm(download.text);
    expect(loaded.status, String(loaded.error)).toBe('success');
    if (loaded.status === 'failure') return;
    const { root } = loaded.createInstance();
    expect(root.languages.map((language) => language.language)).toEqual(['Français (fr)', 'English (en)']);

    const pointPhoto = photo(1, 96_000);
    const queuePhoto = photo(2, 64_000);
    answer(root, '/data/site', 'Site de Kaya — Secteur 6');
    answer(root, '/data/kind', 'pump');
    answer(root, '/data/users', 480);
    answer(root, '/data/location', { latitude: 13.0917, longitude: -1.0844, altitude: 310, accuracy: 4.5 });
    answer(root, '/data/photo_point', new File([pointPhoto], 'point.jpg', { type: 'image/jpeg' }));
    answer(root, '/data/photo_queue', new File([queuePhoto], 'file.jpg', { type: 'image/jpeg' }));
    const visits = nodeAt(formNode(root), '/data/visit');
    expect(visits.nodeType).toBe('repeat-range:uncontrolled');
    visits.addInstances?.();
    visits.addInstances?.();
    answer(root, '/data/visit[1]/day', '2021-06-14');
    answer(root, '/data/visit[1]/litres', 1250.5);
    answer(root, '/data/visit[2]/day', '2021-06-21');
    answer(root, '/data/visit[2]/litres', 980);

    // The batch size a phone learns from HEAD; small enough here that the two photos go in two posts.
    const head = await send(phone, 'HEAD', `${base}/submission`);
    expect(head.statusCode).toBe(204);
    expect(head.headers['x-openrosa-accept-content-length']).toBeDefined();
    const payload: ChunkedInstancePayload = await root.prepareInstancePayload({ payloadType: 'chunked', maxSize: 100_000 });
    expect(payload.status).toBe('ready');
    expect(payload.data.length).toBe(2);
    const xmlSent = await (payload.data[0].get('xml_submission_file') as File).text();
    const instanceId = /<instanceID>([^<]+)<\/instanceID>/.exec(xmlSent)![1]!;
    expect(xmlSent).toContain('<visit><day>2021-06-14</day><litres>1250.5</litres></visit>');
    expect(xmlSent).toContain('<location>13.0917 -1.0844 310.0 4.5</location>');

    for (const part of payload.data) {
      const reply = await postInstanceData(phone, base, part);
      expect(reply.statusCode, reply.text).toBe(201);
      expect(reply.headers['x-openrosa-version']).toBe('1.0');
      expect(reply.text).toContain('<OpenRosaResponse xmlns="http://openrosa.org/http/response"');
    }

    const [stored] = await context.db.query<{ id: number; xml: string; current: boolean }>(
      'SELECT id::int AS id, xml, current FROM collection_submission WHERE instance_id = $1',
      [instanceId],
    );
    expect(stored?.xml).toBe(xmlSent);
    const files = await context.db.query<{ name: string; md5: string | null }>(
      'SELECT name, md5 FROM collection_submission_attachment WHERE submission_id = $1 ORDER BY name',
      [stored!.id],
    );
    const sentNames = [...payload.data.flatMap((part) => [...part.keys()])].filter((name) => name !== 'xml_submission_file').sort();
    expect(files.map((file) => file.name)).toEqual(sentNames);
    expect(new Set(files.map((file) => file.md5))).toEqual(new Set([md5(pointPhoto), md5(queuePhoto)]));

    // The reviewer sees it through the ordinary API, its files present.
    const detail = await call<{ attachments: Array<{ name: string; present: boolean }> }>(
      context.app,
      'GET',
      `/api/collection/projects/${projectId}/forms/${FORM_ID}/submissions/${stored!.id}`,
    );
    expect(detail.statusCode, detail.text).toBe(200);
    expect(detail.body.attachments.every((file) => file.present)).toBe(true);

    // Edit mode: the engine reopens what the server holds (XML and files from the API) and sends a new version.
    const attachmentUrl = (name: string): string => `/api/collection/projects/${projectId}/forms/${FORM_ID}/submissions/${stored!.id}/attachments/${encodeURIComponent(name)}`;
    const edited = await loaded.editInstance({
      inputType: 'FORM_INSTANCE_INPUT_RESOLVABLE',
      resolveInstance: () => stored!.xml,
      attachments: new Map(
        files.map((file) => [
          file.name,
          async () => {
            const reply = await send(context.app, 'GET', attachmentUrl(file.name));
            return new Response(new Uint8Array(reply.raw), { status: reply.statusCode, headers: { 'content-type': String(reply.headers['content-type']) } });
          },
        ]),
      ),
    });
    answer(edited.root, '/data/users', 520);
    const editPayload: MonolithicInstancePayload = await edited.root.prepareInstancePayload({ payloadType: 'monolithic' });
    expect(editPayload.status).toBe('ready');
    const editXml = await (editPayload.data[0].get('xml_submission_file') as File).text();
    expect(editXml).toContain(`<deprecatedID>${instanceId}</deprecatedID>`);
    const editReply = await postInstanceData(phone, base, editPayload.data[0]);
    expect(editReply.statusCode, editReply.text).toBe(201);

    const versions = await context.db.query<{ instance_id: string; deprecated_id: string | null; current: boolean; xml: string }>(
      'SELECT instance_id, deprecated_id, current, xml FROM collection_submission WHERE root_instance_id = $1 ORDER BY id',
      [instanceId],
    );
    expect(versions.map((version) => [version.deprecated_id, version.current])).toEqual([
      [null, false],
      [instanceId, true],
    ]);
    expect(versions[1]!.xml).toBe(editXml);
    expect(versions[1]!.xml).toContain('<users>520</users>');
    const editedFiles = await context.db.query<{ md5: string | null }>(
      'SELECT a.md5 FROM collection_submission_attachment a JOIN collection_submission s ON s.id = a.submission_id WHERE s.instance_id = $1',
      [versions[1]!.instance_id],
    );
    expect(new Set(editedFiles.map((file) => file.md5))).toEqual(new Set([md5(pointPhoto), md5(queuePhoto)]));
  });
});
