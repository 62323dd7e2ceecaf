/**
 * Fuzz test (property-based) of every GET route the app registers (`app.guardedRoutes`): arbitrary
 * query strings — the route's own parameters with absurd values, unknown and repeated keys,
 * broken percent-encoding, control characters, very long values — must be answered below 500,
 * and refusals with the error envelope of a catalogued code. A 500 here is a crash a user can
 * cause with a link. Runs as the administrator, so no refusal hides a route's code.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { systemActor } from '../../src/access/audit.js';
import { catalogue } from '../../src/core/errors.js';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import { DEMO_PLAN_FILE } from '../../src/demo/demo.js';
import { importGeoFile } from '../../src/geo/geo-imports.js';
import { importPlanFile } from '../../src/plans/plan-imports.js';
import { gazetteerCsv } from '../support/geo.js';
import { describeEachDatabase, type TestContext } from '../support/harness.js';
import { CSAHEL } from '../support/plans.js';

interface GetRoute {
  url: string;
  /** Query parameter names the route documents (from the OpenAPI document). */
  query: string[];
}

/** GET routes with their documented query parameters; documentation assets left out. */
function getRoutes(app: LiptakoApp): GetRoute[] {
  const spec = app.swagger() as { paths?: Record<string, { get?: { parameters?: Array<{ in: string; name: string }> } }> };
  const seen = new Set<string>();
  const routes: GetRoute[] = [];
  for (const route of app.guardedRoutes) {
    if (route.method !== 'GET' || route.url.startsWith('/api/docs') || seen.has(route.url)) continue;
    seen.add(route.url);
    const parameters = spec.paths?.[route.url.replace(/:(\w+)/g, '{$1}')]?.get?.parameters ?? [];
    routes.push({ url: route.url, query: parameters.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name) });
  }
  return routes;
}

/**
 * Values for path parameters: real ones (so the handler runs) and hostile ones, up to Fastify's
 * maxParamLength (100); longer ones are the known limit tested at the end of this file.
 */
const PATH_VALUES: Record<string, readonly string[]> = {
  code: [CSAHEL, CSAHEL.toLowerCase(), 'NOPE', '%00', 'a'.repeat(100), '..%2F..', '%E2%80%AE', '1'],
  pcode: ['ML05', 'MLI05', 'ML', 'ml05', 'XX99', '%00', 'a'.repeat(100), '-1'],
  id: ['1', '0', '-1', '99999999999999999999', '1.5', 'abc', '1e3', '%20'],
};
const pathValue = (name: string): fc.Arbitrary<string> => fc.constantFrom(...(PATH_VALUES[name] ?? ['x', '1', '%00']));

/** Values a query parameter may be given: absurd numbers, impossible dates, junk text. */
const NASTY_VALUES = [
  '',
  '-1',
  '0',
  '1.5',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '99999999999999999999',
  '9007199254740993',
  '0x10',
  '2021-02-30',
  '0000-00-00',
  '9999-99-99',
  '2021-13-01T25:61:61Z',
  'true',
  'null',
  '__proto__',
  "' OR 1=1 --",
  '%',
  '\u0000',
  '\u202E',
  '𝄞',
  'x'.repeat(4000),
] as const;

const queryValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_VALUES) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom('ML', 'MLI', 'ML05', 'BF', '2021-12-20', 'csv', 'xlsx', 'json', 'fr', 'en', '1', '2', '10', '500', CSAHEL, 'contributions', 'success') },
);

/** Raw query text that no encoder writes: broken escapes, stray separators. */
const rawJunk = fc.constantFrom('%', '%E0%A4%A', '%zz', '%00', '%C0%AF', '&&', '==', '=', '+', '&=&', ';', '#frag', '%2', '[]', '[a][b]=');

function queryText(route: GetRoute): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: route.query.length > 0 ? 6 : 0, arbitrary: route.query.length > 0 ? fc.constantFrom(...route.query) : fc.constant('x') },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'limit[]', 'a[b]', 'toString', '') },
  );
  const pair = fc.tuple(key, queryValue).map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  const part = fc.oneof({ weight: 6, arbitrary: pair }, { weight: 1, arbitrary: rawJunk });
  return fc.array(part, { maxLength: 6 }).map((parts) => parts.join('&'));
}

function request(route: GetRoute): fc.Arbitrary<string> {
  const names = [...route.url.matchAll(/:(\w+)/g)].map((match) => match[1]!);
  return fc.tuple(fc.tuple(...names.map(pathValue)), queryText(route)).map(([values, query]) => {
    let url = route.url;
    names.forEach((name, index) => {
      url = url.replace(`:${name}`, values[index] ?? 'x');
    });
    url = url.replace('/*', '/index.html');
    return query === '' ? url : `${url}?${query}`;
  });
}

/**
 * A refusal in one of the two envelopes the API speaks: Liptako's `{ error: { code, message } }`
 * with a catalogued code, or, on the DTM API v3 compatible routes (/dtm/v3), that API's own
 * `{ isSuccess: false, errorMessages: [...] }`, or on the OpenRosa routes (/v1) an OpenRosaResponse.
 */
function expectEnvelope(url: string, text: string): void {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  const shown = `${url.slice(0, 200)} → ${text.slice(0, 300)}`;
  if (url.startsWith('/v1/')) {
    // The OpenRosa routes answer phones in OpenRosa's own envelope, with a message for the enumerator.
    expect(text, shown).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<OpenRosaResponse xmlns="http:\/\/openrosa.org\/http\/response" items="0"><message nature="">[^<]+<\/message><\/OpenRosaResponse>$/);
    return;
  }
  if (url.startsWith('/dtm/v3/')) {
    const dtm = body as { isSuccess?: unknown; errorMessages?: unknown } | null;
    expect(dtm?.isSuccess, shown).toBe(false);
    expect(Array.isArray(dtm?.errorMessages) && (dtm.errorMessages as unknown[]).every((message) => typeof message === 'string'), shown).toBe(true);
    return;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  expect(typeof error?.message, shown).toBe('string');
  expect(typeof error?.code === 'string' && Object.hasOwn(catalogue, error.code), shown).toBe(true);
}

/** A little of everything the routes read: admin units of Mali and the 2021 plan, in the test's transaction. */
async function seed(context: TestContext): Promise<void> {
  const gazetteer = gazetteerCsv([
    ['MLI', 1, 'ML05', 'Mopti', 'MLI', '2021-12-20'],
    ['MLI', 1, 'ML06', 'Tombouctou', 'MLI', '2021-12-20'],
    ['MLI', 2, 'ML0501', 'Bandiagara', 'ML05', '2021-12-20'],
  ]);
  await importGeoFile(context.db, { bytes: new TextEncoder().encode(gazetteer), fileName: 'mli.csv', actor: systemActor('test') });
  await importPlanFile(context.db, { bytes: readFileSync(DEMO_PLAN_FILE), fileName: 'iom-csahel-2021.yaml', actor: systemActor('test') });
}

/** One request inside a savepoint: a statement that fails must not poison the test's transaction. */
async function check(context: TestContext, url: string): Promise<void> {
  await context.db.exec('SAVEPOINT query_fuzz');
  try {
    const response = await context.app.inject({ method: 'GET', url });
    expect(response.statusCode, `GET ${url.slice(0, 300)} → ${response.statusCode} ${response.body.slice(0, 300)}`).toBeLessThan(500);
    if (response.statusCode >= 400) expectEnvelope(url, response.body);
  } finally {
    await context.db.exec('ROLLBACK TO SAVEPOINT query_fuzz');
  }
}

describeEachDatabase('query fuzz: arbitrary query strings on every GET route', (context) => {
  it('answers random query strings on random routes below 500, refusals in the error envelope', async () => {
    await seed(context);
    const routes = getRoutes(context.app);
    expect(routes.length).toBeGreaterThan(20);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes).chain((route) => request(route)),
        async (url) => check(context, url),
      ),
      // No shrinking: the failure message already names the URL and the answer, and shrinking
      // a failing route's query strings costs a request per step.
      { numRuns: 150, endOnFailure: true },
    );
  }, 180_000);

  it('answers each route with each nasty value in all its parameters at once, and with repeated keys', async () => {
    await seed(context);
    for (const route of getRoutes(context.app)) {
      const url = route.url.replace(/:(\w+)/g, (_whole, name: string) => PATH_VALUES[name]?.[0] ?? '1').replace('/*', '/index.html');
      const queries = [
        ...NASTY_VALUES.map((value) => route.query.map((name) => `${name}=${encodeURIComponent(value)}`).join('&')),
        route.query.map((name) => `${name}=1&${name}=2&${name}[]=3`).join('&'),
        '%E0%A4%A&=&%zz=%zz',
      ];
      for (const query of queries) await check(context, query === '' ? url : `${url}?${query}`);
    }
  }, 180_000);

  // Known gap, outside the routes' code: Fastify's router answers a path parameter longer than
  // maxParamLength (100) with 414 and a malformed escape in the path with 400, in its own body
  // ({ error: 'Bad Request', code: 'FST_ERR_…' }), because they never reach the app's error
  // handler. The fix belongs in core/http.ts (the `frameworkErrors` option, sending the
  // catalogued envelope); this test then passes and `it.fails` turns it red as a reminder.
  it.fails('known gap: answers an over-long path parameter and a malformed path escape with the error envelope', async () => {
    await check(context, `/api/plans/${'a'.repeat(101)}`);
    await check(context, '/api/plans/%E0%A4%A');
  });
});
