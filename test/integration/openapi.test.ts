/**
 * The OpenAPI document tells the truth about answers. Every integration test checks each answer
 * it receives against its route's published response schema (test/support/harness.ts,
 * core/response-check.ts); this file proves that check catches a misfit, and keeps the list of
 * operations still answering without a typed 2xx schema from growing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Type, type Static } from '@sinclair/typebox';
import { PgliteDatabase } from '../../src/core/db.js';
import { buildApp } from '../../src/core/http.js';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import type { ResponseViolation } from '../../src/core/response-check.js';
import { MODULES } from '../../src/modules.js';

/**
 * Operations whose 2xx answer has no schema yet, or `{}` (anything). Type one, then remove it
 * here: the test fails while a typed operation is still listed, and for any new untyped one.
 */
const UNTYPED = new Set<string>([
  'DELETE /api/tokens/{id}',
  'GET /api/audit',
  'GET /api/audit/export',
  'GET /api/auth/me',
  'GET /api/dtm/jobs',
  'GET /api/dtm/jobs/{id}',
  'GET /api/dtm/operations',
  'GET /api/dtm/operations/{code}',
  'GET /api/dtm/operations/{code}/admin',
  'GET /api/dtm/operations/{code}/current',
  'GET /api/dtm/operations/{code}/export',
  'GET /api/dtm/operations/{code}/geojson',
  'GET /api/dtm/operations/{code}/locations',
  'GET /api/dtm/operations/{code}/summary',
  'GET /api/dtm/operations/{code}/trend',
  'GET /api/dtm/rounds/{id}',
  'GET /api/dtm/rounds/{id}/issues',
  'GET /api/dtm/uploads/{id}/sheet',
  'GET /api/plans/{code}',
  'GET /api/plans/{code}/export',
  'GET /api/response/dashboard',
  'GET /api/response/reports/export',
  'PATCH /api/account',
  'PATCH /api/users/{id}',
  'POST /api/account/password',
  'POST /api/auth/sign-in',
  'POST /api/auth/sign-out',
  'POST /api/dtm/jobs/{id}/retry',
  'POST /api/dtm/rounds/{id}/decisions',
  'POST /api/dtm/rounds/{id}/status',
  'POST /api/dtm/uploads',
  'POST /api/dtm/uploads/{id}/import',
  'POST /api/organisations',
  'POST /api/tokens',
  'POST /api/users',
  'POST /api/users/{id}/unlock',
]);

describe('answers checked against their schema', () => {
  let db: PgliteDatabase;
  let app: LiptakoApp;
  const violations: ResponseViolation[] = [];

  beforeAll(async () => {
    db = await PgliteDatabase.open();
    app = await buildApp({ db, modules: [], webRoot: null, checkResponses: (violation) => violations.push(violation) });
    const Body = Type.Object({ count: Type.Integer(), name: Type.String() });
    const route = (url: string, answer: () => unknown) =>
      app.get(url, { config: { verb: 'system.read' }, schema: { response: { 200: Body } } }, async (_request, reply) => {
        // Deliberately wrong bodies: the types would refuse them, a JavaScript mistake would not.
        const body = answer() as Static<typeof Body>;
        return Buffer.isBuffer(body) ? reply.type('application/json; charset=utf-8').send(body) : body;
      });
    route('/api/test/fits', () => ({ count: 1, name: 'Mopti' }));
    route('/api/test/extra', () => ({ count: 1, name: 'Mopti', email: 'someone@example.org' }));
    route('/api/test/wrong', () => ({ count: 'one', name: 'Mopti' }));
    route('/api/test/bytes', () => Buffer.from(JSON.stringify({ count: 1, name: 'Mopti', secret: true })));
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('reports an answer holding what its schema does not describe, or not matching it, and nothing for one that fits', async () => {
    for (const url of ['/api/test/fits', '/api/test/extra', '/api/test/wrong', '/api/test/bytes']) await app.inject({ method: 'GET', url });
    expect(violations.map(({ route, problem }) => [route, problem])).toEqual([
      ['/api/test/extra', 'holds properties its schema does not describe'],
      ['/api/test/wrong', expect.stringMatching(/^invalid at \/count/)],
      ['/api/test/bytes', 'holds properties its schema does not describe'],
    ]);
  });
});

describe('the OpenAPI document', () => {
  it('gives every operation a typed 2xx answer, but the listed ones', async () => {
    const db = await PgliteDatabase.open();
    const app = await buildApp({ db, modules: MODULES, webRoot: null });
    await app.ready();
    const document = app.swagger() as { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: object }> }> }>> };
    await app.close();
    await db.close();
    const untyped: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const success = Object.entries(operation.responses ?? {}).filter(([status]) => status.startsWith('2'));
        // A 204 has no body: there is nothing to type (OpenRosa's HEAD/GET submission).
        const typed = success.some(([status, response]) => status === '204' || Object.values(response.content ?? {}).some((content) => content.schema !== undefined && Object.keys(content.schema).length > 0));
        if (!typed) untyped.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(untyped.filter((operation) => !UNTYPED.has(operation)), 'operations without a typed 2xx answer (type them)').toEqual([]);
    expect([...UNTYPED].filter((operation) => !untyped.includes(operation)), 'typed now: remove them from UNTYPED').toEqual([]);
  });
});
