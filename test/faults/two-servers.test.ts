/**
 * Two Liptako processes on one PostgreSQL: each job is claimed by exactly one of them and run
 * once; a process starting does not take the other's running jobs for interrupted (only jobs
 * whose heartbeat is old are). Needs TEST_DATABASE_URL and the built server; skipped otherwise.
 */
import { describe, expect, it } from 'vitest';
import { systemActor } from '../../src/access/audit.js';
import * as access from '../../src/access/service.js';
import { PostgresDatabase } from '../../src/core/db.js';
import { claimJob } from '../../src/core/jobs.js';
import { migrate } from '../../src/core/migrate.js';
import { demoOperation } from '../../src/demo/dtm-geography.js';
import { generateBenchRound } from '../../src/demo/dtm-generator.js';
import { demoGazetteerCsv } from '../../src/demo/geo-demo.js';
import { writeRoundCsv } from '../../src/demo/round-file.js';
import { upsertOperation } from '../../src/displacement/queries.js';
import { importGeoFile } from '../../src/geo/geo-imports.js';
import { builtAppPresent, launchServer, type LaunchedServer } from '../support/server.js';
import { createScratchDatabase } from './server.js';
import { cleanupAfterAll } from '../support/cleanup.js';

const DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || null;
const OPERATION = demoOperation('MLI-CONFLICT');
const ROUNDS = 6;

interface Job {
  id: number;
  status: string;
  message: string | null;
}

async function api<Body>(base: string, method: string, url: string, token: string, body?: string | object, contentType = 'application/json'): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    signal: AbortSignal.timeout(120_000),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

/** Uploads a generated round file to one server, imports it there and waits for its job. */
async function importRound(base: string, token: string, round: number): Promise<Job> {
  const csv = [...writeRoundCsv(generateBenchRound(round, 400, { errorRate: 0 }), { ageRanges: OPERATION.ageRanges, style: 'en', hxl: false })].join('');
  const uploaded = await api<{ upload: { id: number; sheets: Array<{ mapping: Record<string, string | null> }> } }>(
    base,
    'POST',
    `/api/dtm/uploads?fileName=r${round}.csv&operation=${OPERATION.code}`,
    token,
    csv,
    'text/csv',
  );
  expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
  const reference = `2022-0${1 + (round % 9)}-28`;
  const started = await api<{ job: Job }>(base, 'POST', `/api/dtm/uploads/${uploaded.body.upload.id}/import`, token, {
    operation: OPERATION.code,
    roundNumber: round,
    assessmentType: 'SA',
    referenceDate: reference,
    mapping: uploaded.body.upload.sheets[0]?.mapping,
  });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  let job = started.body.job;
  while (job.status === 'queued' || job.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, 200));
    job = (await api<{ job: Job }>(base, 'GET', `/api/dtm/jobs/${job.id}`, token)).body.job;
  }
  return job;
}

describe.skipIf(DATABASE_URL === null || !builtAppPresent())('two server processes on one PostgreSQL', () => {
  const cleanup = cleanupAfterAll();

  it('claims each job once, runs it once, and leaves the other process’s running jobs alone', async () => {
    const scratch = await createScratchDatabase(DATABASE_URL!, 'liptako_two');
    cleanup.push(() => scratch.drop());
    const db = PostgresDatabase.open(scratch.url, { max: 4 });
    cleanup.push(() => db.close());
    await migrate(db);
    await importGeoFile(db, { bytes: new TextEncoder().encode(demoGazetteerCsv()), fileName: 'demo-gazetteer.csv', actor: systemActor('test') });
    await upsertOperation(db, OPERATION);
    const user = await access.createUser(db, systemActor('test'), {
      email: 'im.two@test.liptako.org',
      name: 'Two servers',
      password: 'correct horse battery staple 2021',
      organisationId: null,
      assignments: [{ role: 'im-officer', scope: { kind: 'country', value: 'ML' } }],
    });
    const { secret: token } = await access.issueToken(
      db,
      { kind: 'user', userId: user.id, email: user.email, name: user.name, language: 'en', organisationId: null, assignments: [], via: 'system' },
      { name: 'two servers', expiresInDays: 1 },
    );

    // A job another process is running right now (fresh heartbeat), and one whose process died.
    const [alive] = await db.query<{ id: number }>("INSERT INTO job (kind, status, created_by, claimed_by) VALUES ('dtm-import', 'running', 'test', 'elsewhere:1') RETURNING id");
    const [dead] = await db.query<{ id: number }>(
      "INSERT INTO job (kind, status, created_by, claimed_by, heartbeat_at) VALUES ('dtm-import', 'running', 'test', 'elsewhere:2', now() - interval '5 minutes') RETURNING id",
    );

    const servers: LaunchedServer[] = [];
    for (let index = 0; index < 2; index += 1) {
      const server = await launchServer({ command: 'serve', runtime: 'built', databaseUrl: scratch.url, startTimeoutMs: 120_000 });
      cleanup.push(() => server.stop());
      servers.push(server);
    }
    const statusOf = async (id: number): Promise<string> => (await db.query<{ status: string }>('SELECT status FROM job WHERE id = $1', [id]))[0]!.status;
    expect(await statusOf(alive!.id)).toBe('running');
    expect(await statusOf(dead!.id)).toBe('interrupted');

    // Both servers import at once, a round each at a time (one person may upload two files at once per server).
    const jobs: Job[] = [];
    for (let round = 1; round <= ROUNDS; round += 2) {
      jobs.push(...(await Promise.all([importRound(servers[0]!.url, token, round), importRound(servers[1]!.url, token, round + 1)])));
    }
    for (const job of jobs) expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded' });

    const runs = await db.query<{ job_id: number; runs: number }>('SELECT job_id, count(*)::int AS runs FROM dtm_import GROUP BY job_id');
    expect(runs).toHaveLength(ROUNDS);
    expect(runs.every((row) => row.runs === 1)).toBe(true);
    const claimers = await db.query<{ claimed_by: string }>("SELECT DISTINCT claimed_by FROM job WHERE kind = 'dtm-import' AND status = 'succeeded'");
    expect(claimers).toHaveLength(2);
    const recorded = await db.query<{ object_id: string; rows: number }>("SELECT object_id, count(*)::int AS rows FROM audit_event WHERE action = 'dtm.round.import' GROUP BY object_id");
    expect(recorded).toHaveLength(ROUNDS);
    expect(recorded.every((row) => row.rows === 1)).toBe(true);

    // However many processes ask for the same queued job at once, exactly one gets it.
    const other = PostgresDatabase.open(scratch.url, { max: 4 });
    cleanup.push(() => other.close());
    const [queued] = await db.query<{ id: number }>("INSERT INTO job (kind, created_by) VALUES ('dtm-import', 'test') RETURNING id");
    const claims = await Promise.all(Array.from({ length: 16 }, (_, index) => claimJob(index % 2 === 0 ? db : other, queued!.id, `claimer-${index}`)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    for (const server of servers) expect(server.alive()).toBe(true);
  });
});
