/**
 * What collection tests share: a project with the demo site form published and an app user (a
 * phone), and submissions built as ODK Collect sends them (multipart/form-data).
 */
import { randomUUID } from 'node:crypto';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import { DEMO_FORM_ID, DEMO_SITE_FORM, siteSubmissionXml, type SiteAnswers } from '../../src/demo/collection-demo.js';
import { call, send, type Reply } from './http.js';

export { DEMO_FORM_ID, DEMO_SITE_FORM, siteSubmissionXml };

export interface Part {
  field: string;
  /** Null: a plain field (Collect's `*isIncomplete*`), not a file. */
  fileName: string | null;
  contentType: string;
  bytes: Buffer;
}

/** A multipart body as Collect writes it: the XML as `xml_submission_file`, each file under its own name. */
export function multipart(parts: readonly Part[], boundary = `----liptako${randomUUID()}`): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = part.fileName === null ? `name="${part.field}"` : `name="${part.field}"; filename="${part.fileName}"\r\nContent-Type: ${part.contentType}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; ${disposition}\r\n\r\n`));
    chunks.push(part.bytes, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export const xmlPart = (xml: string): Part => ({ field: 'xml_submission_file', fileName: 'submission.xml', contentType: 'text/xml', bytes: Buffer.from(xml) });
export const filePart = (name: string, bytes: Buffer, contentType = 'image/jpeg'): Part => ({ field: name, fileName: name, contentType, bytes });
/** What Collect (and the web outbox) add to every batch but the last. */
export const incompletePart: Part = { field: '*isIncomplete*', fileName: null, contentType: 'text/plain', bytes: Buffer.from('yes') };

export function siteAnswers(over: Partial<SiteAnswers> = {}): SiteAnswers {
  return {
    instanceId: `uuid:${randomUUID()}`,
    siteName: 'Site de test',
    admin2: 'ML0501',
    siteType: 'spontaneous',
    households: 120,
    individuals: 700,
    location: '14.35 -3.61 300 5',
    photo: null,
    needs: [{ priority: 'water', people: 300 }],
    start: '2021-05-10T09:00:00.000Z',
    ...over,
  };
}

export async function postSubmission(app: LiptakoApp, base: string, parts: readonly Part[], headers: Record<string, string> = {}): Promise<Reply> {
  const { body, contentType } = multipart(parts);
  return send(app, 'POST', `${base}/submission`, { payload: body, headers: { 'content-type': contentType, 'x-openrosa-version': '1.0', ...headers } });
}

export interface CollectionSeed {
  projectId: number;
  formDbId: number;
  /** `/v1/key/{token}/projects/{id}`: what the phone was configured with. */
  phoneBase: string;
  token: string;
  appUserId: number;
}

/** A Mali project with the demo form published and one app user given that form (as the administrator). */
export async function seedCollection(app: LiptakoApp, name = 'Projet de test'): Promise<CollectionSeed> {
  const project = await call<{ project: { id: number } }>(app, 'POST', '/api/collection/projects', { name, country: 'ML' });
  if (project.statusCode !== 201) throw new Error(project.text);
  const projectId = project.body.project.id;
  const form = await send<{ form: { id: number } }>(app, 'POST', `/api/collection/projects/${projectId}/forms?publish=true`, {
    payload: Buffer.from(DEMO_SITE_FORM),
    headers: { 'content-type': 'application/xml' },
  });
  if (form.statusCode !== 201) throw new Error(form.text);
  const appUser = await call<{ appUser: { id: number }; serverUrl: string }>(app, 'POST', `/api/collection/projects/${projectId}/app-users`, { name: 'Téléphone 1', formIds: [form.body.form.id] });
  if (appUser.statusCode !== 201) throw new Error(appUser.text);
  const phoneBase = new URL(appUser.body.serverUrl).pathname;
  return { projectId, formDbId: form.body.form.id, phoneBase, token: phoneBase.split('/')[3]!, appUserId: appUser.body.appUser.id };
}

/**
 * The demo form as a new version that shows a logo and draws its sectors from a CSV list: the
 * two media files (`logo.png`, `secteurs.csv`) a phone must download beside it.
 */
export function siteFormWithMedia(version = '2021050104'): string {
  return DEMO_SITE_FORM.replace('2021050101', version).replace(
    '<text id="/data/site_name:label"><value>Nom du site</value></text>',
    '<text id="/data/site_name:label"><value>Nom du site</value><value form="image">jr://images/logo.png</value></text><text id="/data/secteurs:source"><value>jr://file-csv/secteurs.csv</value></text>',
  );
}
