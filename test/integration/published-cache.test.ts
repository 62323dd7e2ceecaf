/**
 * Published data served as immutable: answers about published rounds, plans and boundaries carry
 * a strong ETag, a conditional request answers 304 without a database round trip, and a
 * publication changes the ETag of exactly the answers that include it.
 */
import { expect, it, vi } from 'vitest';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import { keepPublishedAnswersWarm } from '../../src/core/published-warmup.js';
import { publishedPaths } from '../../src/displacement/publishing.js';
import { upsertOperation } from '../../src/displacement/queries.js';
import { MODULES } from '../../src/modules.js';
import { describeEachDatabase } from '../support/harness.js';
import { csvOf, EN_HEADERS, importRound, seedMali, siteRow } from '../support/dtm.js';
import { CSAHEL, loadCsahelPlan } from '../support/plans.js';
import { call } from '../support/http.js';

const NIGER = { code: 'NER-CONFLICT', name: 'Niger Conflict', nameFr: 'Conflit au Niger', country: 'NE', ageRanges: ['0-4', '5-17', '18-59', '60+'] };

const MALI_SUMMARY = '/api/dtm/operations/MLI-CONFLICT/summary';
const MALI_ADMIN = '/api/dtm/operations/MLI-CONFLICT/admin?level=2';
const NIGER_SUMMARY = '/api/dtm/operations/NER-CONFLICT/summary';
const DTM_MALI = `/dtm/v3/displacement/admin1?Operation=${encodeURIComponent('Mali Conflict')}`;
const DTM_NIGER = '/dtm/v3/displacement/admin1?Admin0Pcode=NER';
const HAPI_MALI = '/hapi/v2/affected-people/idps?location_code=MLI';
const HAPI_NIGER = '/hapi/v2/affected-people/idps?location_code=NER';

async function round(app: LiptakoApp, number: number, individuals: number, publish: boolean): Promise<number> {
  const file = csvOf(EN_HEADERS, [siteRow('ML0501-0001', 'ML0501', individuals), siteRow('ML0601-0001', 'ML0601', 2 * individuals)]);
  const { job } = await importRound(app, file, { roundNumber: number, assessmentType: 'SA', referenceDate: `2021-0${number + 2}-28`, collectionStart: null, collectionEnd: null });
  expect(job?.status, JSON.stringify(job)).toBe('succeeded');
  const id = job!.result!.roundId as number;
  if (publish) await publishRound(app, id);
  return id;
}

async function publishRound(app: LiptakoApp, id: number): Promise<void> {
  const published = await call(app, 'POST', `/api/dtm/rounds/${id}/status`, { status: 'published' });
  expect(published.statusCode, published.text).toBe(200);
}

describeEachDatabase('published answers: ETags, 304 and invalidation', (context) => {
  const get = async (url: string, persona: Parameters<typeof context.as>[0] = 'anonymous', headers: Record<string, string> = {}) => {
    const response = await context.as(persona).inject({ method: 'GET', url, headers });
    return { status: response.statusCode, etag: response.headers.etag, body: response.body, headers: response.headers };
  };
  /** Statements sent to the database while `work` runs. */
  const statementsDuring = async (work: () => Promise<unknown>): Promise<number> => {
    const spies = [vi.spyOn(context.db, 'query'), vi.spyOn(context.db, 'exec'), vi.spyOn(context.db, 'transaction')];
    try {
      await work();
      return spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  };

  it('answers a conditional GET of a published aggregate with 304 without touching the database', async () => {
    await seedMali(context.app, context.db);
    await round(context.app, 1, 1000, true);
    await loadCsahelPlan(context.app);
    const urls = [MALI_SUMMARY, MALI_ADMIN, DTM_MALI, HAPI_MALI, '/hapi/v2/coordination-context/funding', `/api/plans/${CSAHEL}`, '/api/geo/boundaries?country=ML&level=1'];
    for (const url of urls) {
      const first = await get(url);
      expect(first.status, `${url}: ${first.body}`).toBe(200);
      expect(first.etag, url).toMatch(/^"[A-Za-z0-9_-]{20,}"$/);
      expect(first.headers['cache-control'], url).toBe('public, no-cache');
      let again: Awaited<ReturnType<typeof get>> | undefined;
      const statements = await statementsDuring(async () => {
        again = await get(url, 'anonymous', { 'if-none-match': first.etag! });
      });
      expect(again!.status, url).toBe(304);
      expect(again!.body, url).toBe('');
      expect(again!.etag, url).toBe(first.etag);
      expect(statements, `${url}: statements sent for a 304`).toBe(0);
      // Without the condition, the same bytes again, from memory as well.
      let cached: Awaited<ReturnType<typeof get>> | undefined;
      expect(await statementsDuring(async () => (cached = await get(url)))).toBe(0);
      expect(cached!.body, url).toBe(first.body);
    }
    // A stale tag gets the whole answer.
    const stale = await get(MALI_SUMMARY, 'anonymous', { 'if-none-match': '"not-the-current-one"' });
    expect(stale.status).toBe(200);
    expect(JSON.parse(stale.body)).toMatchObject({ round: { number: 1 } });
  });

  it('publishing a round changes the ETag of exactly the answers that include it', async () => {
    await seedMali(context.app, context.db);
    await upsertOperation(context.db, NIGER);
    await round(context.app, 1, 1000, true);
    const second = await round(context.app, 2, 1100, false);
    const watched = [MALI_SUMMARY, MALI_ADMIN, DTM_MALI, HAPI_MALI, NIGER_SUMMARY, DTM_NIGER, HAPI_NIGER, '/api/geo/boundaries?country=ML&level=1'];
    const before = new Map<string, { etag: string | undefined; body: string }>();
    for (const url of watched) {
      const answer = await get(url);
      expect(answer.status, `${url}: ${answer.body}`).toBe(200);
      before.set(url, answer);
    }
    expect(JSON.parse(before.get(MALI_SUMMARY)!.body)).toMatchObject({ round: { number: 1 }, totals: { individuals: 3000 } });

    await publishRound(context.app, second);

    for (const url of [MALI_SUMMARY, MALI_ADMIN, DTM_MALI, HAPI_MALI]) {
      const after = await get(url, 'anonymous', { 'if-none-match': before.get(url)!.etag! });
      expect(after.status, `${url} must change`).toBe(200);
      expect(after.etag, url).not.toBe(before.get(url)!.etag);
    }
    expect(JSON.parse((await get(MALI_SUMMARY)).body)).toMatchObject({ round: { number: 2 }, totals: { individuals: 3300 }, previousTotals: { individuals: 3000 } });
    expect((JSON.parse((await get(DTM_MALI)).body) as { result: Array<{ roundNumber: number }> }).result.map((row) => row.roundNumber)).toContain(2);
    for (const url of [NIGER_SUMMARY, DTM_NIGER, HAPI_NIGER, '/api/geo/boundaries?country=ML&level=1']) {
      const after = await get(url, 'anonymous', { 'if-none-match': before.get(url)!.etag! });
      expect(after.status, `${url} must not change`).toBe(304);
    }
  });

  it('one question spelled differently is one answer with one ETag, computed once', async () => {
    await seedMali(context.app, context.db);
    await round(context.app, 1, 1000, true);
    const first = await get(DTM_MALI, 'anonymous', { 'accept-language': 'fr-FR,fr;q=0.9' });
    expect(first.status, first.body).toBe(200);
    const spellings = [
      '/dtm/v3/displacement/admin1?Operation=Mali+Conflict',
      '/dtm/v3/displacement/admin1?Operation=Mali%20Conflict&',
      '/dtm/v3/displacement/admin1?FromRoundNumber=1&Operation=Mali%20Conflict',
      '/dtm/v3/displacement/admin1?Operation=Mali%20Conflict&FromRoundNumber=1',
    ];
    for (const url of spellings.slice(0, 2)) {
      let answer: Awaited<ReturnType<typeof get>> | undefined;
      expect(await statementsDuring(async () => (answer = await get(url, 'anonymous', { 'accept-language': 'fr' }))), url).toBe(0);
      expect(answer!.etag, url).toBe(first.etag);
    }
    // The DTM API speaks English whatever is asked: one answer for every language, and no Vary on it.
    const english = await get(DTM_MALI, 'anonymous', { 'accept-language': 'en' });
    expect(english.etag).toBe(first.etag);
    expect(english.headers.vary).toBe('accept-encoding');
    // The dashboards speak the caller's language: one answer per language.
    const summaries = [await get(MALI_SUMMARY, 'anonymous', { 'accept-language': 'fr' }), await get(MALI_SUMMARY, 'anonymous', { 'accept-language': 'en-GB' })];
    expect(summaries[1]!.etag).not.toBe(summaries[0]!.etag);
    expect(summaries[0]!.headers.vary).toBe('accept-encoding, accept-language');
    const reordered = [await get(spellings[2]!), await get(spellings[3]!)];
    expect(reordered[1]!.etag).toBe(reordered[0]!.etag);
    // A different question is a different answer.
    expect(reordered[0]!.etag).not.toBe(first.etag);
    expect((await get(DTM_NIGER)).etag).not.toBe(first.etag);
  });

  it('callers asking a new answer at once wait for one computation of it', async () => {
    await seedMali(context.app, context.db);
    await round(context.app, 1, 1000, true);
    const second = await round(context.app, 2, 1100, false);
    let alone: Awaited<ReturnType<typeof get>> | undefined;
    const one = await statementsDuring(async () => (alone = await get(DTM_MALI)));
    expect(one).toBeGreaterThan(0);
    // A publication makes the answer new: eight public callers ask it at the same moment.
    await publishRound(context.app, second);
    let answers: Array<Awaited<ReturnType<typeof get>>> = [];
    const eight = await statementsDuring(async () => (answers = await Promise.all(Array.from({ length: 8 }, () => get(DTM_MALI)))));
    // One computation (and one read of the versions the publication changed), not eight.
    expect(eight).toBeLessThanOrEqual(one + 2);
    expect(new Set(answers.map((answer) => answer.etag)).size).toBe(1);
    expect(new Set(answers.map((answer) => answer.body)).size).toBe(1);
    expect(answers[0]!.etag).not.toBe(alone!.etag);
    expect((JSON.parse(answers[0]!.body) as { result: Array<{ roundNumber: number }> }).result.map((row) => row.roundNumber)).toContain(2);
  });

  it('a caller waiting for an answer that is not for everyone computes their own', async () => {
    await seedMali(context.app, context.db);
    await round(context.app, 1, 1000, true);
    await round(context.app, 2, 5000, false);
    const url = `${MALI_SUMMARY}?includeDrafts=true`;
    // The officer's draft view and the anonymous published view asked at the same moment, both ways round.
    for (const order of [['imOfficerMali', 'anonymous'], ['anonymous', 'imOfficerMali']] as const) {
      const [first, then] = await Promise.all(order.map((persona) => get(url, persona)));
      const byPersona = new Map([
        [order[0], first!],
        [order[1], then!],
      ]);
      expect(JSON.parse(byPersona.get('anonymous')!.body), order.join(' then ')).toMatchObject({ round: { number: 1 } });
      expect(JSON.parse(byPersona.get('imOfficerMali')!.body), order.join(' then ')).toMatchObject({ round: { number: 2, status: 'draft' } });
    }
  });

  it('cuts every page of a HAPI question from its rows computed once', async () => {
    await seedMali(context.app, context.db);
    await round(context.app, 1, 1000, true);
    await round(context.app, 2, 1100, true);
    const whole = await get('/hapi/v2/affected-people/idps?location_code=MLI');
    const rows = (JSON.parse(whole.body) as { data: Array<{ reporting_round: number; admin1_code: string }> }).data;
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const [limit, offset] of [[1, 0], [2, 1], [100, 2], [5, rows.length]] as Array<[number, number]>) {
      let page: Awaited<ReturnType<typeof get>> | undefined;
      const url = `/hapi/v2/affected-people/idps?location_code=MLI&limit=${limit}&offset=${offset}`;
      expect(await statementsDuring(async () => (page = await get(url))), url).toBe(0);
      expect(JSON.parse(page!.body), url).toEqual({ data: rows.slice(offset, offset + limit) });
    }
    // Another question is computed on its own, and its pages are its own.
    const other = await get('/hapi/v2/affected-people/idps?location_code=MLI&reporting_round=1&limit=1&offset=1');
    expect((JSON.parse(other.body) as { data: Array<{ reporting_round: number }> }).data.map((row) => row.reporting_round)).toEqual([1]);
    // Past the first 10,000 rows, pages are asked of the database.
    const far = await get('/hapi/v2/affected-people/idps?location_code=MLI&limit=10000&offset=1');
    expect(JSON.parse(far.body)).toEqual({ data: rows.slice(1) });
  });

  it('cuts the pages of HAPI funding and operational presence from their rows computed once too', async () => {
    await loadCsahelPlan(context.app);
    const whole = await get('/hapi/v2/coordination-context/funding');
    const rows = (JSON.parse(whole.body) as { data: Array<{ location_code: string }> }).data;
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const [limit, offset] of [[1, 0], [1, 1], [100, 1], [3, rows.length]] as Array<[number, number]>) {
      let page: Awaited<ReturnType<typeof get>> | undefined;
      const url = `/hapi/v2/coordination-context/funding?limit=${limit}&offset=${offset}`;
      expect(await statementsDuring(async () => (page = await get(url))), url).toBe(0);
      expect(JSON.parse(page!.body), url).toEqual({ data: rows.slice(offset, offset + limit) });
    }
    // Operational presence with no published report: its pages are the same empty rows, asked once.
    expect(JSON.parse((await get('/hapi/v2/coordination-context/operational-presence?location_code=MLI')).body)).toEqual({ data: [] });
    const presencePage = '/hapi/v2/coordination-context/operational-presence?location_code=MLI&limit=5&offset=2';
    expect(await statementsDuring(() => get(presencePage))).toBe(0);
  });

  it('computes the public answers before their first caller, and again after a publication', async () => {
    await seedMali(context.app, context.db);
    await round(context.app, 1, 1000, true);
    const second = await round(context.app, 2, 1100, false);
    const warmup = keepPublishedAnswersWarm(context.app, MODULES, context.db, { delayMs: 0 });
    try {
      await warmup.idle();
      const paths = await publishedPaths(context.db);
      expect(paths).toContain(DTM_MALI);
      expect(paths).toContain('/hapi/v2/affected-people/idps?location_code=MLI');
      let answer: Awaited<ReturnType<typeof get>> | undefined;
      expect(await statementsDuring(async () => (answer = await get(DTM_MALI))), 'the first caller is answered from memory').toBe(0);
      expect((JSON.parse(answer!.body) as { result: Array<{ roundNumber: number }> }).result.map((row) => row.roundNumber)).not.toContain(2);

      await publishRound(context.app, second);
      await warmup.idle();
      expect(await statementsDuring(async () => (answer = await get(DTM_MALI))), 'recomputed after the publication, before anyone asked').toBe(0);
      expect((JSON.parse(answer!.body) as { result: Array<{ roundNumber: number }> }).result.map((row) => row.roundNumber)).toContain(2);
      expect(await statementsDuring(async () => (answer = await get('/hapi/v2/affected-people/idps?location_code=MLI')))).toBe(0);
      expect(answer!.status).toBe(200);
    } finally {
      warmup.stop();
    }
  });

  it('the operations list, the same for everyone who sees no drafts, changes when an import creates a round, without revealing the draft', async () => {
    await seedMali(context.app, context.db);
    await round(context.app, 1, 1000, true);
    const before = await get('/api/dtm/operations');
    expect((await get('/api/dtm/operations', 'partner', { 'if-none-match': before.etag! })).status).toBe(304);
    await round(context.app, 2, 1100, false);
    const after = await get('/api/dtm/operations', 'anonymous', { 'if-none-match': before.etag! });
    expect(after.status).toBe(200);
    const mali = (body: string) => (JSON.parse(body) as { operations: Array<{ code: string; rounds: number; publishedRounds: number }> }).operations.find((operation) => operation.code === 'MLI-CONFLICT');
    expect(mali(before.body)).toMatchObject({ rounds: 1, publishedRounds: 1 });
    // Anonymous callers and partners are not told that a draft round exists (issue 17).
    expect(mali(after.body)).toMatchObject({ rounds: 1, publishedRounds: 1 });
    expect(mali((await get('/api/dtm/operations', 'partner')).body)).toMatchObject({ rounds: 1, publishedRounds: 1 });
    // Those who may see Mali's drafts get their own answer, the draft counted.
    expect(mali((await get('/api/dtm/operations', 'imOfficerMali')).body)).toMatchObject({ rounds: 2, publishedRounds: 1 });
  });

  it('a contribution changes the plan’s ETag and the HAPI funding, and nothing else', async () => {
    await loadCsahelPlan(context.app);
    await seedMali(context.app, context.db);
    const plan = await get(`/api/plans/${CSAHEL}`);
    const funding = await get('/hapi/v2/coordination-context/funding');
    const boundaries = await get('/api/geo/boundaries?country=ML&level=1');
    const added = await call(context.app, 'POST', `/api/plans/${CSAHEL}/contributions`, {
      donor: 'ECHO',
      currency: 'USD',
      amount: 1_000_000,
      status: 'paid',
      pledgedOn: '2021-02-01',
      committedOn: '2021-03-01',
      paidOn: '2021-04-15',
      earmark: { level: 'plan' },
    });
    expect(added.statusCode, added.text).toBe(201);
    const planAfter = await get(`/api/plans/${CSAHEL}`, 'anonymous', { 'if-none-match': plan.etag! });
    expect(planAfter.status).toBe(200);
    const funded = (body: string): number => (JSON.parse(body) as { funding: { fundedUsd: number } }).funding.fundedUsd;
    expect(funded(planAfter.body)).toBe(funded(plan.body) + 1_000_000);
    expect((await get('/hapi/v2/coordination-context/funding', 'anonymous', { 'if-none-match': funding.etag! })).status).toBe(200);
    expect((await get('/api/geo/boundaries?country=ML&level=1', 'anonymous', { 'if-none-match': boundaries.etag! })).status).toBe(304);
  });

  it('never serves the shared answer to someone who may see drafts, nor keeps theirs', async () => {
    await seedMali(context.app, context.db);
    await round(context.app, 1, 1000, true);
    await round(context.app, 2, 5000, false);
    const url = `${MALI_SUMMARY}?includeDrafts=true`;
    const anonymous = await get(url);
    expect(JSON.parse(anonymous.body)).toMatchObject({ round: { number: 1 } });
    expect(anonymous.etag).toBeDefined();
    const officer = await get(url, 'imOfficerMali', { 'if-none-match': anonymous.etag! });
    expect(officer.status).toBe(200);
    expect(JSON.parse(officer.body)).toMatchObject({ round: { number: 2, status: 'draft' }, totals: { individuals: 15000 } });
    expect(officer.etag).toBeUndefined();
    expect(officer.headers['cache-control']).toBe('private, no-cache');
    // And the officer's draft view was not kept for the next anonymous caller.
    expect(JSON.parse((await get(url)).body)).toMatchObject({ round: { number: 1 } });
    // A draft plan: no tag, not kept.
    const draft = await get(`${MALI_SUMMARY}?round=999999`);
    expect(draft.status).toBe(404);
    expect(draft.etag).toBeUndefined();
  });

  it('answers compressed bytes that decompress to the same answer', async () => {
    await seedMali(context.app, context.db);
    await round(context.app, 1, 1000, true);
    const plain = await get('/api/geo/boundaries?country=ML&level=2');
    for (const encoding of ['br', 'gzip']) {
      const response = await context.as('anonymous').inject({ method: 'GET', url: '/api/geo/boundaries?country=ML&level=2', headers: { 'accept-encoding': encoding } });
      expect(response.headers['content-encoding']).toBe(encoding);
      const { brotliDecompressSync, gunzipSync } = await import('node:zlib');
      const bytes = encoding === 'br' ? brotliDecompressSync(response.rawPayload) : gunzipSync(response.rawPayload);
      expect(bytes.toString('utf8')).toBe(plain.body);
      expect(response.headers.etag).toBe(plain.etag);
    }
  });
  // Versions are also read again in the background once a second (other servers' changes); on a
  // loaded machine two requests can be a second apart, and that read would count as the 304's.
  // Changes made here are heard in-process, which is what these tests are about.
}, { build: { publishedCache: { refreshMs: 3_600_000 } } });
