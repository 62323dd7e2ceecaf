import { readFileSync } from 'node:fs';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import { DEMO_PLAN_FILE } from '../../src/demo/demo.js';

export const CSAHEL = 'IOM-CSAHEL-2021';

export interface ApiResult<Body = Record<string, unknown>> {
  statusCode: number;
  body: Body & { error?: { code: string; message: string; details?: unknown } };
  text: string;
  headers: Record<string, unknown>;
}

export async function call<Body = Record<string, unknown>>(
  app: LiptakoApp,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResult<Body>> {
  const response = await app.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  let body: ApiResult<Body>['body'];
  try {
    body = response.json();
  } catch {
    body = {} as ApiResult<Body>['body'];
  }
  return { statusCode: response.statusCode, body, text: response.body, headers: response.headers };
}

export async function importPlanBytes(app: LiptakoApp, bytes: Uint8Array | string, fileName: string, query = ''): Promise<ApiResult> {
  const response = await app.inject({
    method: 'POST',
    url: `/api/plans/imports?fileName=${encodeURIComponent(fileName)}${query}`,
    headers: { 'content-type': 'application/octet-stream' },
    payload: typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes),
  });
  return { statusCode: response.statusCode, body: response.json(), text: response.body, headers: response.headers };
}

export async function loadCsahelPlan(app: LiptakoApp): Promise<void> {
  const result = await importPlanBytes(app, readFileSync(DEMO_PLAN_FILE), 'iom-csahel-2021.yaml');
  if (result.statusCode !== 201) throw new Error(`plan import failed: ${result.text}`);
}
