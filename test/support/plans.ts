import { readFileSync } from 'node:fs';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import { send, type Reply as ApiResult } from './http.js';
import { DEMO_PLAN_FILE } from '../../src/demo/demo.js';

export const CSAHEL = 'IOM-CSAHEL-2021';

export async function importPlanBytes(app: LiptakoApp, bytes: Uint8Array | string, fileName: string, query = ''): Promise<ApiResult> {
  return send(app, 'POST', `/api/plans/imports?fileName=${encodeURIComponent(fileName)}${query}`, {
    headers: { 'content-type': 'application/octet-stream' },
    payload: Buffer.from(bytes),
  });
}

export async function loadCsahelPlan(app: LiptakoApp): Promise<void> {
  const result = await importPlanBytes(app, readFileSync(DEMO_PLAN_FILE), 'iom-csahel-2021.yaml');
  if (result.statusCode !== 201) throw new Error(`plan import failed: ${result.text}`);
}
