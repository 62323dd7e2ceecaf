/**
 * What fault tests and benchmarks need beside the server launcher (test/support/server.ts):
 * scratch PostgreSQL databases, raw HTTP requests, and a plan with a contribution to edit.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { systemActor } from '../../src/access/audit.js';
import * as access from '../../src/access/service.js';
import type { Database } from '../../src/core/db.js';
import { migrate } from '../../src/core/migrate.js';
import { DEMO_PLAN_FILE } from '../../src/demo/demo.js';
import { addContribution, type ContributionInput } from '../../src/plans/contributions.js';
import { importPlanFile } from '../../src/plans/plan-imports.js';

/** Creates an empty database on the server of `serverUrl`; returns its URL and how to drop it. */
export async function createScratchDatabase(serverUrl: string, prefix = 'liptako_scratch'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface HttpResult<Body = Record<string, unknown>> {
  status: number;
  body: Body & { error?: { code: string; message: string } };
  text: string;
}

/** One JSON request to a running server; never throws for an HTTP status. */
export async function request<Body = Record<string, unknown>>(
  base: string,
  method: string,
  url: string,
  options: { token?: string; body?: unknown; language?: string; timeoutMs?: number } = {},
): Promise<HttpResult<Body>> {
  const headers: Record<string, string> = { 'accept-language': options.language ?? 'en' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${url}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  const text = await response.text();
  let body: HttpResult<Body>['body'];
  try {
    body = JSON.parse(text) as HttpResult<Body>['body'];
  } catch {
    body = {} as HttpResult<Body>['body'];
  }
  return { status: response.status, body, text };
}

export const PLAN = 'IOM-CSAHEL-2021';

/** A contribution body: every field says `state`, so a record mixing two states shows at once. */
export function contributionState(state: number): ContributionInput {
  return {
    donor: `Donor state ${state}`,
    currency: 'USD',
    amount: 1_000 + state,
    status: state % 2 === 0 ? 'paid' : 'commitment',
    pledgedOn: '2021-02-01',
    committedOn: '2021-03-01',
    paidOn: state % 2 === 0 ? '2021-04-15' : null,
    earmark: { level: 'plan' },
    description: `Written as state ${state}`,
  };
}

/**
 * Migrates `db`, imports the demo plan, creates a programme manager with an API token and one
 * contribution (state 0). What the fault tests start from, without the demo's DTM rounds.
 */
export async function seedPlan(db: Database): Promise<{ token: string; contributionId: number }> {
  await migrate(db);
  await importPlanFile(db, { bytes: readFileSync(DEMO_PLAN_FILE), fileName: path.basename(DEMO_PLAN_FILE), actor: systemActor('test') });
  const user = await access.createUser(db, systemActor('test'), {
    email: 'faults@test.liptako.org',
    name: 'Fault tests',
    password: 'correct horse battery staple 2021',
    organisationId: null,
    assignments: [{ role: 'programme-manager', scope: { kind: 'response' } }],
  });
  const { secret } = await access.issueToken(
    db,
    { kind: 'user', userId: user.id, email: user.email, name: user.name, language: 'en', organisationId: null, assignments: [], via: 'system' },
    { name: 'faults', expiresInDays: 1 },
  );
  const contribution = await addContribution(db, systemActor('test'), PLAN, contributionState(0));
  return { token: secret, contributionId: contribution.id };
}
