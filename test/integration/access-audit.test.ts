/** The audit log: append-only in the database itself, fed by every write, searchable and exportable. */
import { expect, it } from 'vitest';
import { describeEachDatabase, PERSONAS } from '../support/harness.js';
import { CSAHEL, loadCsahelPlan } from '../support/plans.js';
import { auditEvents, countRows, paidUsd } from '../support/access.js';
import { send } from '../support/http.js';
import { csvOf, EN_HEADERS, importRound, seedMali, siteRow } from '../support/dtm.js';

describeEachDatabase('the audit log', (context) => {
  /** Something in the log first: row triggers do not fire on an empty table. */
  async function someEvents(): Promise<number> {
    await loadCsahelPlan(context.app);
    expect((await send(context.as('programmeManager'), 'POST', `/api/plans/${CSAHEL}/contributions`, { payload: paidUsd(10) })).statusCode).toBe(201);
    const count = await countRows(context.db, 'audit_event');
    expect(count).toBeGreaterThan(1);
    return count;
  }

  it.each([
    ['UPDATE', "UPDATE audit_event SET action = 'x'"],
    ['UPDATE of one event', "UPDATE audit_event SET outcome = 'success' WHERE id = (SELECT min(id) FROM audit_event)"],
    ['DELETE', 'DELETE FROM audit_event'],
    ['TRUNCATE', 'TRUNCATE audit_event'],
  ])('refuses %s in the database itself', async (_label, sql) => {
    const before = await someEvents();
    const [first] = await context.db.query<{ id: number; action: string }>('SELECT id, action FROM audit_event ORDER BY id LIMIT 1');
    // A savepoint confines the failure, so the test's transaction goes on.
    await expect(context.db.transaction((tx) => tx.query(sql))).rejects.toThrow(/audit_event is append-only/);
    expect(await countRows(context.db, 'audit_event')).toBe(before);
    expect(await countRows(context.db, 'audit_event', "action = 'x'")).toBe(0);
    const [still] = await context.db.query<{ action: string }>('SELECT action FROM audit_event WHERE id = $1', [first!.id]);
    expect(still!.action).toBe(first!.action);
  });

  it('still accepts new events after a refused change', async () => {
    const before = await someEvents();
    await expect(context.db.transaction((tx) => tx.query('DELETE FROM audit_event'))).rejects.toThrow();
    expect((await send(context.app, 'POST', `/api/plans/${CSAHEL}/contributions`, { payload: paidUsd(20) })).statusCode).toBe(201);
    expect(await countRows(context.db, 'audit_event')).toBeGreaterThan(before);
  });

  it('records a contribution with who, what, which object and the outcome, and the refused attempts as failures', async () => {
    await loadCsahelPlan(context.app);
    const created = await send<{ contribution: { id: number } }>(context.as('programmeManager'), 'POST', `/api/plans/${CSAHEL}/contributions`, { payload: paidUsd(1234) });
    expect(created.statusCode).toBe(201);
    expect((await send(context.as('enumeratorNiger'), 'POST', `/api/plans/${CSAHEL}/contributions`, { payload: paidUsd(99) })).statusCode).toBe(403);
    expect((await send(context.as('anonymous'), 'POST', `/api/plans/${CSAHEL}/contributions`, { payload: paidUsd(98) })).statusCode).toBe(401);
    // A refused value (stale or invalid) is a failure too, by someone who was allowed to try.
    expect((await send(context.as('programmeManager'), 'POST', `/api/plans/${CSAHEL}/contributions`, { payload: paidUsd(5, { currency: 'EUR' }) })).statusCode).toBe(422);

    const { events } = await auditEvents(context.app, { action: 'contribution.create' });
    const rows = events.map((event) => ({ actor: event.actor, outcome: event.outcome, status: event.summary.status })).reverse();
    expect(rows).toEqual([
      // Written in the contribution's own transaction, before any HTTP status existed.
      { actor: PERSONAS.programmeManager.email, outcome: 'success', status: undefined },
      { actor: PERSONAS.enumeratorNiger.email, outcome: 'failure', status: 403 },
      { actor: 'anonymous', outcome: 'failure', status: 401 },
      { actor: PERSONAS.programmeManager.email, outcome: 'failure', status: 422 },
    ]);
    const success = events.find((event) => event.outcome === 'success')!;
    expect(success).toMatchObject({ object_type: 'contribution', object_id: String(created.body.contribution.id), summary: { plan: CSAHEL, amountUsd: 1234, contributionStatus: 'paid' } });
    expect(Date.now() - new Date(success.occurredAt).getTime()).toBeLessThan(10 * 60 * 1000);

    // The filters narrow it down.
    expect((await auditEvents(context.app, { action: 'contribution.create', outcome: 'failure' })).total).toBe(3);
    expect((await auditEvents(context.app, { objectType: 'contribution', objectId: String(created.body.contribution.id) })).total).toBe(1);
    expect((await auditEvents(context.app, { actor: 'ENUM.NIGER' })).events.every((event) => event.actor === PERSONAS.enumeratorNiger.email)).toBe(true);
    const today = new Date().toISOString().slice(0, 10);
    expect((await auditEvents(context.app, { action: 'contribution.create', from: today, to: today })).total).toBe(4);
    expect((await auditEvents(context.app, { action: 'contribution.create', to: '2000-01-01' })).total).toBe(0);
  });

  it('records revisions, users created, and plan exports (a read worth knowing about)', async () => {
    await loadCsahelPlan(context.app);
    const plan = (await send<{ version: number }>(context.app, 'GET', `/api/plans/${CSAHEL}`)).body;
    expect((await send(context.as('programmeManager'), 'PATCH', `/api/plans/${CSAHEL}`, { payload: { version: plan.version, peopleTargeted: 4_100_000 } })).statusCode).toBe(200);
    expect((await send(context.app, 'POST', '/api/users', { payload: { email: 'new.officer@test.liptako.org', name: 'New Officer', password: 'une phrase assez longue 2021', assignments: [{ role: 'im-officer', scope: { kind: 'country', value: 'NE' } }] } })).statusCode).toBe(201);
    expect((await send(context.as('viewer'), 'GET', `/api/plans/${CSAHEL}/export?table=contributions`)).statusCode).toBe(200);

    const revise = await auditEvents(context.app, { action: 'plan.revise' });
    expect(revise.events[0]).toMatchObject({ actor: PERSONAS.programmeManager.email, object_id: CSAHEL, outcome: 'success' });
    const user = await auditEvents(context.app, { action: 'user.create' });
    expect(user.events[0]).toMatchObject({ actor: PERSONAS.admin.email, object_type: 'user', summary: { email: 'new.officer@test.liptako.org' } });
    expect(JSON.stringify(user.events[0])).not.toContain('une phrase');
    const exported = await auditEvents(context.app, { action: 'plan.export' });
    expect(exported.events[0]).toMatchObject({ actor: PERSONAS.viewer.email, object_type: 'plan', object_id: CSAHEL, summary: { table: 'contributions', format: 'csv' } });
    // Ordinary reads are not logged (only token use is).
    expect((await auditEvents(context.app, { action: 'GET' })).total).toBe(0);
  });

  it('exports as CSV with a header row, the same filters, and is itself audited', async () => {
    await loadCsahelPlan(context.app);
    expect((await send(context.as('programmeManager'), 'POST', `/api/plans/${CSAHEL}/contributions`, { payload: paidUsd(10, { donor: 'Donor, "quoted"' }) })).statusCode).toBe(201);
    const csv = await send(context.app, 'GET', '/api/audit/export?action=contribution.create');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="liptako-audit.csv"');
    const lines = csv.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,occurred_at,actor,action,object_type,object_id,outcome,summary');
    expect(lines[1]).toMatch(/^,#date\+occurred,#contact\+email,#activity\+code/);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain(`,${PERSONAS.programmeManager.email},contribution.create,contribution,`);
    expect(lines[2]).toContain(',success,');

    expect((await auditEvents(context.app, { action: 'audit.export' })).events[0]).toMatchObject({ actor: PERSONAS.admin.email, outcome: 'success' });
    expect((await send(context.as('viewer'), 'GET', '/api/audit/export')).statusCode).toBe(403);
  });

  /**
   * The audit store refuses the success row of one action (a trigger standing for a full disk, a
   * revoked grant, a broken replica): the write must not stay without its row.
   */
  async function refuseAuditOf(action: string): Promise<void> {
    await context.db.exec(`
      CREATE FUNCTION refuse_audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.action = TG_ARGV[0] AND NEW.outcome = 'success' THEN RAISE EXCEPTION 'audit store refused the row'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_audit_row BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION refuse_audit_row('${action}');`);
  }

  it('refuses a user creation whose audit row cannot be written: 500 audit.unavailable, no account stored, the refusal on record', async () => {
    await refuseAuditOf('user.create');
    const email = 'unrecorded@test.liptako.org';
    const created = await send(context.app, 'POST', '/api/users', {
      payload: { email, name: 'Not Recorded', password: 'une phrase assez longue 2021', assignments: [{ role: 'administrator', scope: { kind: 'response' } }] },
      headers: { 'accept-language': 'fr' },
    });
    expect(created.statusCode).toBe(500);
    expect(created.body.error).toMatchObject({ code: 'audit.unavailable', message: expect.stringMatching(/^Rien n’a été modifié/) as unknown });
    expect(await countRows(context.db, 'app_user', 'email = $1', [email])).toBe(0);
    // The attempt itself is still recorded, as a failure, by the guard.
    expect((await auditEvents(context.app, { action: 'user.create', outcome: 'failure' })).events[0]).toMatchObject({ actor: PERSONAS.admin.email, summary: { status: 500 } });
    // Nothing else was hurt: the same account is created once the audit store accepts rows again.
    await context.db.exec('DROP TRIGGER refuse_audit_row ON audit_event');
    const again = await send(context.app, 'POST', '/api/users', { payload: { email, name: 'Recorded', password: 'une phrase assez longue 2021', assignments: [] } });
    expect(again.statusCode).toBe(201);
    expect(await countRows(context.db, 'audit_event', "action = 'user.create' AND outcome = 'success' AND object_id = $1", [String((again.body as { user: { id: number } }).user.id)])).toBe(1);
  });

  it('refuses a request made with an API token whose use cannot be recorded', async () => {
    await refuseAuditOf('token.use');
    const reply = await send(context.as('viewer'), 'GET', '/api/plans');
    expect(reply.statusCode).toBe(500);
    expect(reply.body.error?.code).toBe('audit.unavailable');
  });

  it('refuses an export whose audit row cannot be written: 500 audit.unavailable, no file', async () => {
    await loadCsahelPlan(context.app);
    await refuseAuditOf('plan.export');
    const exported = await send(context.as('viewer'), 'GET', `/api/plans/${CSAHEL}/export?table=contributions`);
    expect(exported.statusCode).toBe(500);
    expect(exported.body.error?.code).toBe('audit.unavailable');
    expect(exported.headers['content-disposition']).toBeUndefined();
  });

  it('refuses to publish a DTM round whose audit row cannot be written: 500, the round stays a draft', async () => {
    await seedMali(context.app, context.db);
    const { job } = await importRound(context.app, csvOf(EN_HEADERS, [siteRow('ML0501-0001', 'ML0501', 1200), siteRow('ML0601-0001', 'ML0601', 3000)]), { roundNumber: 1 });
    const roundId = job!.result!.roundId as number;
    await refuseAuditOf('dtm.round.publish');
    const officer = context.as('imOfficerMali');
    const publish = await send(officer, 'POST', `/api/dtm/rounds/${roundId}/status`, { payload: { status: 'published' } });
    expect(publish.statusCode).toBe(500);
    expect(publish.body.error?.code).toBe('audit.unavailable');
    const round = await send<{ report: { round: { status: string } } }>(officer, 'GET', `/api/dtm/rounds/${roundId}`);
    expect(round.body.report.round.status).toBe('draft');
    expect(await countRows(context.db, 'audit_event', "action = 'dtm.round.publish' AND outcome = 'success'")).toBe(0);
  });

  it('names every write in the domain: the import, the review and the publication of a round, with their objects', async () => {
    await seedMali(context.app, context.db);
    const { job } = await importRound(context.app, csvOf(EN_HEADERS, [siteRow('ML0501-0001', 'ML0501', 1200)]), { roundNumber: 1 });
    const roundId = job!.result!.roundId as number;
    expect((await send(context.as('imOfficerMali'), 'POST', `/api/dtm/rounds/${roundId}/status`, { payload: { status: 'published' } })).statusCode).toBe(200);
    const rows = await context.db.query<{ action: string; object_type: string; object_id: string }>(
      "SELECT action, object_type, object_id FROM audit_event WHERE action LIKE 'dtm.%' AND outcome = 'success' ORDER BY id",
    );
    expect(rows).toEqual([
      { action: 'dtm.upload', object_type: 'dtm-upload', object_id: expect.any(String) as unknown },
      { action: 'dtm.import.start', object_type: 'dtm-import-job', object_id: String(job!.id) },
      { action: 'dtm.round.import', object_type: 'dtm-round', object_id: String(roundId) },
      { action: 'dtm.round.publish', object_type: 'dtm-round', object_id: String(roundId) },
    ]);
    // No write is left to the guard's fallback, which would name it by its bare route.
    expect(await countRows(context.db, 'audit_event', "action LIKE 'POST %' OR action LIKE 'PATCH %' OR action LIKE 'DELETE %'")).toBe(0);
  });

  it('records who read the user list, the audit log and its export: one row per request, with the filters', async () => {
    const rowsOf = (action: string): Promise<Array<{ actor: string; summary: Record<string, unknown> }>> =>
      context.db.query("SELECT actor, summary FROM audit_event WHERE action = $1 AND outcome = 'success' ORDER BY id", [action]);
    const users = await send<{ users: unknown[] }>(context.app, 'GET', '/api/users');
    expect(users.statusCode).toBe(200);
    expect(await rowsOf('user.list')).toEqual([{ actor: PERSONAS.admin.email, summary: { users: users.body.users.length } }]);
    expect(users.body.users.length).toBeGreaterThan(1);

    expect((await send(context.app, 'GET', '/api/audit?action=user.list&limit=5')).statusCode).toBe(200);
    expect(await rowsOf('audit.read')).toEqual([{ actor: PERSONAS.admin.email, summary: { filters: { action: 'user.list', limit: 5, offset: 0 }, events: 1 } }]);
    expect((await send(context.app, 'GET', '/api/audit/export?outcome=failure')).statusCode).toBe(200);
    expect(await rowsOf('audit.export')).toMatchObject([{ actor: PERSONAS.admin.email, summary: { filters: { outcome: 'failure' } } }]);
    // A refused read leaves no row of a read that did not happen.
    expect((await send(context.as('viewer'), 'GET', '/api/users')).statusCode).toBe(403);
    expect(await rowsOf('user.list')).toHaveLength(1);
  });

  it('records reads of import findings (cells of the file), one row per request, and not the polls of a running import', async () => {
    await seedMali(context.app, context.db);
    const officer = context.as('imOfficerMali');
    const findingsRead = (): Promise<Array<{ actor: string; object_type: string; object_id: string | null; summary: Record<string, unknown> }>> =>
      context.db.query("SELECT actor, object_type, object_id, summary FROM audit_event WHERE action = 'dtm.findings.read' ORDER BY id");
    // A round with findings (an unknown population group is an error), imported and polled.
    const rows = [siteRow('ML0501-0001', 'ML0501', 1200), siteRow('ML0501-0002', 'ML0501', 50, { 'Population group': 'Martians' })];
    const { job } = await importRound(officer, csvOf(EN_HEADERS, rows), { roundNumber: 1 });
    expect(job?.status).toBe('succeeded');
    expect(await findingsRead()).toEqual([]);
    const roundId = job!.result!.roundId as number;
    const page = await send<{ total: number; issues: unknown[] }>(officer, 'GET', `/api/dtm/rounds/${roundId}/issues?limit=10`);
    expect(page.statusCode).toBe(200);
    expect(page.body.total).toBeGreaterThan(0);
    expect(await findingsRead()).toEqual([
      { actor: PERSONAS.imOfficerMali.email, object_type: 'dtm-round', object_id: String(roundId), summary: { filters: { limit: 10, offset: 0 }, shown: page.body.issues.length, total: page.body.total } },
    ]);

    // A job that failed on its findings returns cells of the file: reading it is recorded too.
    const failed = await importRound(officer, csvOf(EN_HEADERS, [rows[1]!]), { roundNumber: 2 });
    expect(failed.job?.status).toBe('failed');
    const before = (await findingsRead()).length;
    expect((await send(officer, 'GET', `/api/dtm/jobs/${failed.job!.id}`)).statusCode).toBe(200);
    expect((await findingsRead()).slice(before)).toEqual([{ actor: PERSONAS.imOfficerMali.email, object_type: 'dtm-import-job', object_id: String(failed.job!.id), summary: { findings: 1 } }]);
    expect((await send(officer, 'GET', '/api/dtm/jobs?limit=50')).statusCode).toBe(200);
    expect((await findingsRead()).slice(before + 1)).toEqual([{ actor: PERSONAS.imOfficerMali.email, object_type: 'dtm-import-job', object_id: null, summary: { jobs: [failed.job!.id] } }]);
  });
});
