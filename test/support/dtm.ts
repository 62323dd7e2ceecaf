/** Helpers for displacement-tracking tests: small round files, the upload → import → poll path. */
import { expect } from 'vitest';
import { csvText, type CsvValue } from '../../src/core/csv.js';
import type { Queryable } from '../../src/core/db.js';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import { demoGazetteerCsv } from '../../src/demo/demo.js';
import { upsertOperation } from '../../src/displacement/queries.js';
import { importGeo } from './geo.js';
import { call } from './http.js';

export const MALI = { code: 'MLI-CONFLICT', name: 'Mali Conflict', nameFr: 'Conflit au Mali', country: 'ML', ageRanges: ['0-4', '5-17', '18-59', '60+'] };

export async function seedMali(app: LiptakoApp, db: Queryable): Promise<void> {
  const gazetteer = await importGeo(app, demoGazetteerCsv(), 'demo-gazetteer.csv');
  expect(gazetteer.statusCode, JSON.stringify(gazetteer.body)).toBeLessThan(300);
  await upsertOperation(db, MALI);
}

/** A CSV round file from rows keyed by header. */
export function csvOf(headers: readonly string[], rows: ReadonlyArray<Record<string, string | number | null>>, options: { hxl?: readonly string[]; delimiter?: ',' | ';' | '\t' } = {}): string {
  const lines: CsvValue[][] = [[...headers]];
  if (options.hxl) lines.push([...options.hxl]);
  for (const row of rows) lines.push(headers.map((header) => row[header]));
  return csvText(lines, { delimiter: options.delimiter ?? ',' });
}

export const EN_HEADERS = ['Admin1 Pcode', 'Admin2 Pcode', 'Location code', 'Location name', 'Population group', 'Households', 'Individuals', 'Females', 'Males', 'Reason', 'Origin Admin1 Pcode', 'Assessment date'];

export interface UploadBody {
  upload: { id: number; sheets: Array<{ name: string; headers: string[]; hxl: string[] | null; mapping: Record<string, string | null>; mappingConfirmed: boolean; missing: string[]; rows: number; samples: string[][] }> };
}

export async function upload(app: LiptakoApp, bytes: string | Uint8Array, fileName: string, headers: Record<string, string> = {}, operation?: string) {
  const response = await app.inject({
    method: 'POST',
    url: `/api/dtm/uploads?fileName=${encodeURIComponent(fileName)}${operation === undefined ? '' : `&operation=${encodeURIComponent(operation)}`}`,
    headers: { 'content-type': 'application/octet-stream', ...headers },
    payload: Buffer.from(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes),
  });
  let body: UploadBody & { error?: { code: string; message: string; details?: unknown } };
  try {
    body = response.json();
  } catch {
    body = {} as typeof body;
  }
  return { statusCode: response.statusCode, body };
}

export interface JobBody {
  job: { id: number; status: string; phase: string | null; result: Record<string, unknown> | null; error: { code: string } | null; message: string | null };
}

export async function waitForJob(app: LiptakoApp, id: number): Promise<JobBody['job']> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const response = await call<JobBody>(app, 'GET', `/api/dtm/jobs/${id}`);
    if (response.body.job.status !== 'running' && response.body.job.status !== 'queued') return response.body.job;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`job ${id} did not finish`);
}

export interface RoundTarget {
  roundNumber: number;
  assessmentType?: 'BA' | 'SA';
  referenceDate?: string;
  collectionStart?: string | null;
  collectionEnd?: string | null;
  mapping?: Record<string, string | null>;
  sheet?: string;
}

/** Uploads a file, confirms Liptako's suggested mapping (or the given one), imports it and waits for the job. */
export async function importRound(app: LiptakoApp, bytes: string | Uint8Array, target: RoundTarget, fileName = `round-${target.roundNumber}.csv`) {
  const uploaded = await upload(app, bytes, fileName, {}, MALI.code);
  expect(uploaded.statusCode, JSON.stringify(uploaded.body)).toBe(201);
  const suggested = (uploaded.body.upload as { suggestedSheet?: string }).suggestedSheet;
  const sheet = uploaded.body.upload.sheets.find((candidate) => (target.sheet === undefined ? candidate.name === suggested : candidate.name === target.sheet)) ?? uploaded.body.upload.sheets[0]!;
  const started = await call<JobBody>(app, 'POST', `/api/dtm/uploads/${uploaded.body.upload.id}/import`, {
    operation: MALI.code,
    roundNumber: target.roundNumber,
    assessmentType: target.assessmentType ?? 'SA',
    referenceDate: target.referenceDate ?? '2021-03-31',
    collectionStart: target.collectionStart === undefined ? '2021-03-01' : target.collectionStart,
    collectionEnd: target.collectionEnd === undefined ? '2021-03-31' : target.collectionEnd,
    ...(target.sheet === undefined ? {} : { sheet: target.sheet }),
    mapping: target.mapping ?? sheet.mapping,
  });
  if (started.statusCode !== 202) return { started, job: null, uploadId: uploaded.body.upload.id };
  const job = await waitForJob(app, started.body.job.id);
  return { started, job, uploadId: uploaded.body.upload.id };
}

export function siteRow(code: string, admin2: string, individuals: number, extra: Record<string, string | number | null> = {}): Record<string, string | number | null> {
  const females = Math.round(individuals * 0.52);
  return {
    'Admin1 Pcode': admin2.slice(0, 4),
    'Admin2 Pcode': admin2,
    'Location code': code,
    'Location name': `Site ${code}`,
    'Population group': 'IDP',
    Households: Math.round(individuals / 6),
    Individuals: individuals,
    Females: females,
    Males: individuals - females,
    Reason: 'Conflict',
    'Origin Admin1 Pcode': 'ML05',
    'Assessment date': '2021-03-15',
    ...extra,
  };
}
