/**
 * Hostile text in every filter and name built so far: refused (400/404/422) or stored and read
 * back exactly as sent, never interpreted as SQL, LIKE patterns or markup.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase, TEST_PASSWORD } from '../support/harness.js';
import { CSAHEL, loadCsahelPlan } from '../support/plans.js';
import { gazetteerCsv, importGeo } from '../support/geo.js';
import { auditEvents, countRows, freshAddress, paidUsd } from '../support/access.js';
import { send } from '../support/http.js';

const HOSTILE = ["' OR '1'='1", '"; DROP TABLE app_user; --', '<script>alert(1)</script>', '%', '_', '\\', "Robert'); DELETE FROM audit_event; --"] as const;
const REFUSED_OR_EMPTY = [200, 400, 404, 422];

const GAZETTEER = gazetteerCsv([
  ['MLI', 1, 'ML05', 'Mopti', 'MLI', '2021-12-20'],
  ['MLI', 1, 'ML06', 'Tombouctou', 'MLI', '2021-12-20'],
  ['MLI', 2, 'ML0501', 'Bandiagara', 'ML05', '2021-12-20'],
  ['MLI', 2, 'ML0502', 'Bankass', 'ML05', '2021-12-20'],
]);

const q = (value: string): string => encodeURIComponent(value);

describeEachDatabase('hostile text', (context) => {
  it('in geography searches (q, code, parent, match, a P-code in the address) matches nothing and breaks nothing', async () => {
    expect((await importGeo(context.app, GAZETTEER, 'mli.csv')).statusCode).toBe(201);
    const all = await send<{ total: number }>(context.app, 'GET', '/api/geo/units?country=ML');
    expect(all.body.total).toBe(5);
    expect((await send<{ total: number }>(context.app, 'GET', '/api/geo/units?q=mopti')).body.total).toBe(1);

    for (const text of HOSTILE) {
      for (const url of [`/api/geo/units?q=${q(text)}`, `/api/geo/units?code=${q(text)}`, `/api/geo/units?parent=${q(text)}`, `/api/geo/match?name=${q(text)}`, `/api/geo/units/${q(text)}`]) {
        const reply = await send<{ total?: number; candidates?: unknown[] }>(context.as('anonymous'), 'GET', url);
        expect(REFUSED_OR_EMPTY, `${url} → ${reply.statusCode}`).toContain(reply.statusCode);
        if (reply.statusCode === 200 && reply.body.total !== undefined) expect(reply.body.total, url).toBe(0);
        expect(reply.text, url).not.toMatch(/syntax error|SELECT|stack/i);
      }
    }
    expect((await send<{ total: number }>(context.app, 'GET', '/api/geo/units?country=ML')).body.total).toBe(5);
  });

  it('in audit filters (actor, action, object type and id, export) is matched literally', async () => {
    await loadCsahelPlan(context.app);
    expect((await send(context.app, 'POST', `/api/plans/${CSAHEL}/contributions`, { payload: paidUsd(10) })).statusCode).toBe(201);
    const everything = await auditEvents(context.app);
    expect(everything.total).toBeGreaterThan(2);

    for (const text of HOSTILE) {
      for (const filter of ['actor', 'action', 'objectType', 'objectId']) {
        const reply = await send<{ total: number }>(context.app, 'GET', `/api/audit?${filter}=${q(text)}`);
        expect(reply.statusCode, `${filter}=${text}`).toBe(200);
        expect(reply.body.total, `${filter}=${text} must not match everything`).toBe(0);
      }
      const csv = await send(context.app, 'GET', `/api/audit/export?actor=${q(text)}`);
      expect(csv.statusCode).toBe(200);
      expect(csv.text.replace(/^\uFEFF/, '').trim().split('\r\n')).toHaveLength(2); // header and HXL rows only
    }
    // Literal matching still finds what is there.
    expect((await auditEvents(context.app, { actor: 'admin@test' })).total).toBeGreaterThan(0);
    expect((await auditEvents(context.app, { action: 'contribution.' })).total).toBe(1);
  });

  it('in user names and e-mail addresses is refused or stored verbatim', async () => {
    for (const [index, text] of HOSTILE.entries()) {
      const name = await send<{ user: { id: number; name: string } }>(context.app, 'POST', '/api/users', {
        payload: { email: `hostile.${index}@test.liptako.org`, name: text, password: 'une phrase assez longue 2021', assignments: [{ role: 'viewer', scope: { kind: 'response' } }] },
      });
      expect(name.statusCode, text).toBe(201);
      expect(name.body.user.name).toBe(text);

      const email = `${text}@example.org`;
      const byEmail = await send<{ user: { email: string } }>(context.app, 'POST', '/api/users', {
        payload: { email, name: `Person ${index}`, password: 'une phrase assez longue 2021', assignments: [] },
      });
      expect([201, 400, 422], `${email} → ${byEmail.statusCode}`).toContain(byEmail.statusCode);
      if (byEmail.statusCode === 201) expect(byEmail.body.user.email).toBe(email);
    }
    const users = await send<{ users: Array<{ name: string; email: string }> }>(context.app, 'GET', '/api/users');
    expect(users.headers['content-type']).toMatch(/^application\/json/);
    const names = users.body.users.map((user) => user.name);
    for (const text of HOSTILE) expect(names).toContain(text);
    // The address with a script in its local part is a valid address: kept as typed, never rendered.
    expect(users.body.users.map((user) => user.email)).toContain('<script>alert(1)</script>@example.org');
    expect(await countRows(context.db, 'app_user')).toBeGreaterThanOrEqual(6 + HOSTILE.length);
  });

  it('in organisation names and token names is stored verbatim', async () => {
    for (const text of HOSTILE) {
      const organisation = await send<{ organisation: { name: string } }>(context.app, 'POST', '/api/organisations', { payload: { name: text, acronym: text.slice(0, 40) } });
      expect(organisation.statusCode, text).toBe(201);
      const token = await send(context.app, 'POST', '/api/tokens', { payload: { name: text, expiresInDays: 1, password: TEST_PASSWORD } });
      expect(token.statusCode, text).toBe(201);
    }
    const organisations = await send<{ organisations: Array<{ name: string; acronym: string | null }> }>(context.app, 'GET', '/api/organisations');
    const tokens = await send<{ tokens: Array<{ name: string }> }>(context.app, 'GET', '/api/tokens');
    for (const text of HOSTILE) {
      expect(organisations.body.organisations.find((organisation) => organisation.name === text)?.acronym).toBe(text.slice(0, 40));
      expect(tokens.body.tokens.map((token) => token.name)).toContain(text);
    }
    // The same name again (any case) is a conflict, not a crash.
    expect((await send(context.app, 'POST', '/api/organisations', { payload: { name: '<SCRIPT>alert(1)</SCRIPT>' } })).statusCode).toBe(409);
  });

  it('in contribution donors and descriptions is stored verbatim and exported as text', async () => {
    await loadCsahelPlan(context.app);
    for (const text of HOSTILE) {
      const reply = await send(context.app, 'POST', `/api/plans/${CSAHEL}/contributions`, { payload: paidUsd(10, { donor: text, description: text }) });
      expect(reply.statusCode, text).toBe(201);
    }
    const list = await send<{ contributions: Array<{ donor: string; description: string | null }> }>(context.app, 'GET', `/api/plans/${CSAHEL}/contributions`);
    expect(list.body.contributions.map((contribution) => [contribution.donor, contribution.description])).toEqual(HOSTILE.map((text) => [text, text]));
    const csv = await send(context.app, 'GET', `/api/plans/${CSAHEL}/export?table=contributions&format=csv`);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text).toContain('"""; DROP TABLE app_user; --"');
  });

  it('in plan codes in addresses answers 400 or 404, and writes nothing', async () => {
    await loadCsahelPlan(context.app);
    for (const text of [...HOSTILE, `${CSAHEL}' OR '1'='1`, `${CSAHEL}%`, `${CSAHEL}_`, 'IOM-CSAHEL-20__']) {
      for (const suffix of ['', '/contributions', '/changes', '/export']) {
        const reply = await send(context.as('viewer'), 'GET', `/api/plans/${q(text)}${suffix}`);
        expect([400, 404], `${text}${suffix} → ${reply.statusCode}`).toContain(reply.statusCode);
      }
      const write = await send(context.app, 'POST', `/api/plans/${q(text)}/contributions`, { payload: paidUsd(10) });
      expect([400, 404]).toContain(write.statusCode);
      const revise = await send(context.app, 'PATCH', `/api/plans/${q(text)}`, { payload: { version: 1, requirementsUsd: 1 } });
      expect([400, 404]).toContain(revise.statusCode);
    }
    expect(await countRows(context.db, 'contribution')).toBe(0);
    const [plan] = await context.db.query<{ revised: string; version: number }>('SELECT revised_requirements_usd AS revised, version FROM plan WHERE code = $1', [CSAHEL]);
    expect(Number(plan!.revised)).toBe(68_350_000);
    expect(plan!.version).toBe(1);
  });

  it('in sign-in e-mails and HAPI filters is just a wrong e-mail or an empty result', async () => {
    await loadCsahelPlan(context.app);
    const address = freshAddress();
    for (const text of HOSTILE) {
      const signIn = await send(context.as('anonymous'), 'POST', '/api/auth/sign-in', { payload: { email: `${text}@x.org`, password: text }, remoteAddress: address });
      expect([400, 401], text).toContain(signIn.statusCode);
      expect(signIn.headers['set-cookie']).toBeUndefined();
      for (const filter of ['appeal_code', 'location_name']) {
        const hapi = await send<{ data: unknown[] }>(context.as('anonymous'), 'GET', `/hapi/v2/coordination-context/funding?${filter}=${q(text)}`);
        expect(hapi.statusCode).toBe(200);
        expect(hapi.body.data, `${filter}=${text}`).toEqual([]);
      }
    }
  });

  it('leaves every table in place afterwards', async () => {
    await loadCsahelPlan(context.app);
    for (const text of HOSTILE) {
      await send(context.app, 'POST', '/api/organisations', { payload: { name: text } });
      await send(context.app, 'GET', `/api/audit?actor=${q(text)}`);
      await send(context.app, 'POST', `/api/plans/${CSAHEL}/contributions`, { payload: paidUsd(10, { donor: text }) });
    }
    const [users] = await context.db.query<{ n: number }>('SELECT count(*)::int AS n FROM app_user');
    expect(users!.n).toBe(6);
    for (const table of ['app_user', 'audit_event', 'plan', 'contribution', 'organisation', 'api_token', 'user_session', 'admin_unit']) {
      const [row] = await context.db.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [table]);
      expect(row!.present, table).toBe(true);
    }
    expect(await countRows(context.db, 'audit_event')).toBeGreaterThan(HOSTILE.length);
  });
});
