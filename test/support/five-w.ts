/** 5W/3W file imports over HTTP: upload → preview → start → poll the job, as the web app does. */
import type { LiptakoApp } from '../../src/core/http-kit.js';
import type { FiveWSheetView, FiveWUploadView } from '../../src/response/five-w-imports.js';
import type { FiveWImportResult } from '../../src/response/five-w-store.js';
import { call, send, type Reply } from './http.js';

export interface FiveWJob {
  id: number;
  status: string;
  phase: string | null;
  done: number;
  result: FiveWImportResult | null;
  error: { code: string; params: Record<string, unknown>; details?: { byRule?: Record<string, number> } } | null;
  message: string | null;
}

export async function uploadFiveW(app: LiptakoApp, bytes: string | Uint8Array, fileName: string, country = 'ML', headers: Record<string, string> = {}): Promise<Reply<{ upload: FiveWUploadView }>> {
  return send<{ upload: FiveWUploadView }>(app, 'POST', `/api/response/imports/uploads?fileName=${encodeURIComponent(fileName)}&country=${country}`, {
    headers: { 'content-type': 'application/octet-stream', ...headers },
    payload: Buffer.from(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes),
  });
}

export async function previewFiveW(app: LiptakoApp, id: number, query = ''): Promise<Reply<{ sheet: FiveWSheetView }>> {
  return call<{ sheet: FiveWSheetView }>(app, 'GET', `/api/response/imports/uploads/${id}${query}`);
}

export async function waitForFiveWJob(app: LiptakoApp, id: number, language: 'en' | 'fr' = 'en'): Promise<FiveWJob> {
  for (let attempt = 0; attempt < 3000; attempt += 1) {
    const response = await call<{ job: FiveWJob }>(app, 'GET', `/api/response/imports/jobs/${id}`, undefined, { 'accept-language': language });
    if (response.statusCode !== 200) throw new Error(response.text);
    if (response.body.job.status !== 'running' && response.body.job.status !== 'queued') return response.body.job;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`job ${id} did not finish`);
}

/** Starts the import of an upload and waits for its job; the start's own refusal comes back as `refused`. */
export async function startFiveW(app: LiptakoApp, uploadId: number, body: Record<string, unknown> = {}, language: 'en' | 'fr' = 'en'): Promise<{ start: Reply<{ job: FiveWJob }>; job: FiveWJob | null }> {
  const start = await call<{ job: FiveWJob }>(app, 'POST', `/api/response/imports/uploads/${uploadId}/start`, body, { 'accept-language': language });
  if (start.statusCode !== 202) return { start, job: null };
  return { start, job: await waitForFiveWJob(app, start.body.job.id, language) };
}

/** Upload then import; throws when the upload is refused. */
export async function importFiveW(app: LiptakoApp, bytes: string | Uint8Array, fileName: string, body: Record<string, unknown> = {}, country = 'ML'): Promise<FiveWJob> {
  const upload = await uploadFiveW(app, bytes, fileName, country);
  if (upload.statusCode !== 201) throw new Error(`upload refused: ${upload.text}`);
  const { start, job } = await startFiveW(app, upload.body.upload.id, body);
  if (job === null) throw new Error(`start refused: ${start.text}`);
  return job;
}
