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

type Schema = Record<string, unknown>;

/** What makes a schema say something about a value; a schema with none of these accepts anything. */
const CONSTRAINING = ['type', 'anyOf', 'oneOf', 'allOf', '$ref', 'const', 'enum', 'not', 'properties', 'items'];

/**
 * Where a schema accepts anything (paths inside it, '/' for the whole): `{}` or a schema with
 * only a description, an array of them, an object whose other properties may be anything. A
 * shared schema is followed once (a recursive one, the admin tree, refers to itself).
 */
function catchAlls(schema: unknown, shared: Record<string, Schema>, path = '', followed: ReadonlySet<string> = new Set()): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as Schema;
  if (typeof node.$ref === 'string') {
    const name = node.$ref.replace('#/components/schemas/', '');
    // A reference the document does not hold is a recursive schema's reference to itself.
    return followed.has(name) || shared[name] === undefined ? [] : catchAlls(shared[name], shared, `${path}→${name}`, new Set([...followed, name]));
  }
  if (!CONSTRAINING.some((key) => key in node)) return [path || '/'];
  const found: string[] = [];
  for (const [key, property] of Object.entries((node.properties ?? {}) as Record<string, unknown>)) found.push(...catchAlls(property, shared, `${path}/${key}`, followed));
  for (const [pattern, property] of Object.entries((node.patternProperties ?? {}) as Record<string, unknown>)) found.push(...catchAlls(property, shared, `${path}{${pattern}}`, followed));
  if (node.additionalProperties === true) found.push(`${path}{*}`);
  else found.push(...catchAlls(node.additionalProperties, shared, `${path}{*}`, followed));
  // A tuple's items are a list of schemas, one per place.
  if (Array.isArray(node.items)) for (const [index, item] of node.items.entries()) found.push(...catchAlls(item, shared, `${path}[${index}]`, followed));
  else found.push(...catchAlls(node.items, shared, `${path}[]`, followed));
  for (const key of ['anyOf', 'oneOf', 'allOf']) for (const [index, branch] of ((node[key] ?? []) as unknown[]).entries()) found.push(...catchAlls(branch, shared, `${path}|${index}`, followed));
  return found;
}

describe('the OpenAPI document', () => {
  it('finds what accepts anything in a schema', () => {
    const tree = { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: 'T0' } } } };
    expect(catchAlls(tree, {})).toEqual([]);
    expect(catchAlls({}, {})).toEqual(['/']);
    expect(catchAlls({ description: 'anything' }, {})).toEqual(['/']);
    expect(catchAlls({ type: 'object', properties: { plans: { type: 'array', items: {} } } }, {})).toEqual(['/plans[]']);
    expect(catchAlls({ type: 'object', patternProperties: { '^(.*)$': {} } }, {})).toEqual(['{^(.*)$}']);
    expect(catchAlls({ type: 'object', additionalProperties: true }, {})).toEqual(['{*}']);
    expect(catchAlls({ type: 'array', items: [{ type: 'string' }, {}] }, {})).toEqual(['[1]']);
    expect(catchAlls({ anyOf: [{ type: 'null' }, { $ref: '#/components/schemas/def-0' }] }, { 'def-0': { type: 'object', properties: { x: {} } } })).toEqual(['|1→def-0/x']);
  });

  it('gives every operation a typed 2xx answer that accepts nothing it does not describe', async () => {
    const db = await PgliteDatabase.open();
    const app = await buildApp({ db, modules: MODULES, webRoot: null });
    await app.ready();
    const document = app.swagger() as {
      paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: object }> }> }>>;
      components?: { schemas?: Record<string, Schema> };
    };
    await app.close();
    await db.close();
    const shared = document.components?.schemas ?? {};
    const untyped: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const success = Object.entries(operation.responses ?? {}).filter(([status]) => status.startsWith('2'));
        // Every 2xx status it declares has a schema; a 204 has no body: there is nothing to type.
        const typed = success.length > 0 && success.every(([status, response]) => status === '204' || Object.values(response.content ?? {}).some((content) => content.schema !== undefined && Object.keys(content.schema).length > 0));
        const anything = success.flatMap(([status, response]) =>
          Object.entries(response.content ?? {}).flatMap(([type, content]) => catchAlls(content.schema, shared).map((where) => `${status} ${type} ${where}`)),
        );
        if (!typed) untyped.push(`${method.toUpperCase()} ${path}: no 2xx schema`);
        else if (anything.length > 0) untyped.push(`${method.toUpperCase()} ${path}: accepts anything at ${anything.join(', ')}`);
      }
    }
    expect(untyped, 'operations whose 2xx answer is not typed, or accepts anything somewhere (type them)').toEqual([]);
  });
});
