/**
 * Sending one finalised submission to the server's OpenRosa route, as the signed-in user (the
 * session cookie and its anti-forgery token, as every write of the web app): the XML first, then
 * each file in a post of its own, so a cut costs at most the file that was on its way. Every post
 * but the last says `*isIncomplete*`, as ODK Collect's batches do (the server needs no such word:
 * it knows from the XML which files are still to come).
 *
 * Idempotent and resumable: before posting, the server is asked what it already holds of this
 * instanceID (`…/receipt`), and only what it lacks is sent. The server keys submissions by
 * instanceID, so sending the same XML again (a tab closed between the post and its answer) stores
 * nothing twice.
 */
import { ApiError, buildUrl, getJson, reportAuthRequired, withCsrfRetry, writeHeaders } from '../../api.js';
import { i18n } from '../../i18n.js';

export interface OutgoingFile {
  name: string;
  blob: Blob;
}

export interface OutgoingSubmission {
  projectId: number;
  formId: string;
  instanceId: string;
  xml: string;
  files: readonly OutgoingFile[];
}

export interface Receipt {
  received: boolean;
  missing: string[];
}

export type SendStep = { kind: 'xml' } | { kind: 'file'; name: string; index: number; count: number };

/** This browser's device id for `deviceID` (phones send theirs): random, kept on this device. */
export function deviceId(): string {
  const key = 'liptako.deviceId';
  try {
    const known = localStorage.getItem(key);
    if (known) return known;
    const fresh = `liptako-web:${crypto.randomUUID()}`;
    localStorage.setItem(key, fresh);
    return fresh;
  } catch {
    return 'liptako-web';
  }
}

function receipt(item: OutgoingSubmission): Promise<Receipt> {
  return getJson<Receipt>(buildUrl(`/api/collection/projects/${item.projectId}/forms/${encodeURIComponent(item.formId)}/receipt`, { instanceId: item.instanceId }));
}

/** The message of an OpenRosaResponse body (the server writes it in the user's language). */
function openRosaMessage(text: string): string | null {
  const document = new DOMParser().parseFromString(text, 'text/xml');
  const message = document.getElementsByTagNameNS('http://openrosa.org/http/response', 'message')[0] ?? document.getElementsByTagName('message')[0];
  return message?.textContent?.trim() || null;
}

async function postOnce(item: OutgoingSubmission, file: OutgoingFile | null, incomplete: boolean): Promise<void> {
  const body = new FormData();
  body.append('xml_submission_file', new File([item.xml], 'submission.xml', { type: 'text/xml' }));
  if (incomplete) body.append('*isIncomplete*', 'yes');
  if (file !== null) body.append(file.name, file.blob, file.name);
  let response: Response;
  try {
    response = await fetch(buildUrl(`/v1/projects/${item.projectId}/submission`, { deviceID: deviceId() }), {
      method: 'POST',
      headers: writeHeaders({ 'X-OpenRosa-Version': '1.0' }),
      body,
    });
  } catch (error) {
    throw new ApiError('network', i18n.t('errors.network'), null, null, error);
  }
  const text = await response.text().catch(() => '');
  if (response.ok) return;
  const code = response.headers.get('x-liptako-error');
  if (code === null && (response.status === 502 || response.status === 503 || response.status === 504)) {
    throw new ApiError('network', i18n.t('errors.unavailable', { status: response.status }), response.status);
  }
  const error = new ApiError('http', openRosaMessage(text) ?? i18n.t('errors.unexpected', { status: response.status }), response.status, code);
  reportAuthRequired(error);
  throw error;
}

const post = (item: OutgoingSubmission, file: OutgoingFile | null, incomplete: boolean): Promise<void> => withCsrfRetry(() => postOnce(item, file, incomplete));

/**
 * Sends what the server lacks of one submission. Resolves when the server holds the XML and every
 * file; rejects with an ApiError (`retryable` tells a link or server problem from a refusal).
 */
export async function sendSubmission(item: OutgoingSubmission, onStep: (step: SendStep) => void = () => undefined): Promise<void> {
  let held = await receipt(item);
  if (!held.received) {
    onStep({ kind: 'xml' });
    await post(item, null, item.files.length > 0);
    held = await receipt(item);
  }
  const waiting = item.files.filter((file) => held.missing.includes(file.name));
  for (const [index, file] of waiting.entries()) {
    onStep({ kind: 'file', name: file.name, index, count: waiting.length });
    await post(item, file, index < waiting.length - 1);
  }
  if (waiting.length > 0) held = await receipt(item);
  const lacking = held.missing.filter((name) => item.files.some((file) => file.name === name));
  if (!held.received || lacking.length > 0) throw new ApiError('network', i18n.t('collection.outbox.incomplete', { files: lacking.join(', ') }));
}
