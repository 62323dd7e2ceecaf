import { Type } from '@sinclair/typebox';
import { expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import { describeEachDatabase } from '../support/harness.js';

describeEachDatabase(
  'HTTP basics',
  (context) => {
    it('reports health: version, database kind and migration level', async () => {
      const response = await context.app.inject({ method: 'GET', url: '/api/health' });
      expect(response.statusCode).toBe(200);
      const body = response.json<{ status: string; version: string; database: string; migration: number }>();
      expect(body).toMatchObject({ status: 'ok', database: context.kind });
      expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(body.migration).toBeGreaterThanOrEqual(2);
    });

    it('serves an OpenAPI 3 document listing every API route, and its viewer', async () => {
      const response = await context.app.inject({ method: 'GET', url: '/api/openapi.json' });
      expect(response.statusCode).toBe(200);
      const document = response.json<{ openapi: string; paths: Record<string, unknown> }>();
      expect(document.openapi).toMatch(/^3\./);
      for (const path of ['/api/health', '/api/geo/units', '/api/geo/units/{pcode}', '/api/geo/boundaries', '/api/geo/imports', '/api/geo/tree', '/api/geo/match', '/api/geo/countries']) {
        expect(Object.keys(document.paths)).toContain(path);
      }
      const docs = await context.app.inject({ method: 'GET', url: '/api/docs/' });
      expect([200, 302]).toContain(docs.statusCode);
    });

    it('compresses large responses for clients that accept it (satellite links)', async () => {
      const plain = await context.app.inject({ method: 'GET', url: '/api/openapi.json' });
      const compressed = await context.app.inject({ method: 'GET', url: '/api/openapi.json', headers: { 'accept-encoding': 'br, gzip' } });
      expect(compressed.headers['content-encoding']).toMatch(/br|gzip/);
      expect(compressed.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
    });

    it('answers an unknown API address with a catalogued 404 in the asked language', async () => {
      const english = await context.app.inject({ method: 'GET', url: '/api/nothing-here?name=x' });
      expect(english.statusCode).toBe(404);
      expect(english.json()).toEqual({ error: { code: 'route.notFound', message: 'There is no such address: GET /api/nothing-here.' } });
      const french = await context.app.inject({ method: 'GET', url: '/api/nothing-here', headers: { 'accept-language': 'fr-FR,fr;q=0.9' } });
      expect(french.json<{ error: { message: string } }>().error.message).toBe('Cette adresse n’existe pas : GET /api/nothing-here.');
      expect(french.headers['content-language']).toBe('fr');
    });

    it('refuses wrong types in query parameters with 400 and says which', async () => {
      const response = await context.app.inject({ method: 'GET', url: '/api/geo/units?level=deux&limit=-1' });
      expect(response.statusCode).toBe(400);
      const body = response.json<{ error: { code: string; message: string } }>();
      expect(body.error.code).toBe('request.invalid');
      expect(body.error.message).toMatch(/level|limit/);
    });

    it('refuses a body that is not JSON with 400, and a wrong content type with 415', async () => {
      const notJson = await context.app.inject({ method: 'POST', url: '/api/test/echo', headers: { 'content-type': 'application/json' }, payload: '{"name": "Mopti",' });
      expect(notJson.statusCode).toBe(400);
      expect(notJson.json<{ error: { code: string } }>().error.code).toBe('request.notJson');
      const wrongType = await context.app.inject({ method: 'POST', url: '/api/test/echo', headers: { 'content-type': 'application/x-whatever' }, payload: 'x' });
      expect(wrongType.statusCode).toBe(415);
      expect(wrongType.json<{ error: { code: string } }>().error.code).toBe('request.unsupportedMediaType');
    });

    it('refuses an oversized JSON body with 413', async () => {
      const response = await context.app.inject({
        method: 'POST',
        url: '/api/test/echo',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
      });
      expect(response.statusCode).toBe(413);
      expect(response.json<{ error: { code: string } }>().error.code).toBe('request.tooLarge');
    });

    it('never leaks a stack trace or SQL in a 500', async () => {
      const response = await context.app.inject({ method: 'GET', url: '/api/test/boom', headers: { 'accept-language': 'fr' } });
      expect(response.statusCode).toBe(500);
      const text = response.body;
      expect(text).not.toMatch(/SELECT|secret_table|at .*\.ts|stack/i);
      const body = response.json<{ error: { code: string; message: string } }>();
      expect(body.error.code).toBe('internal');
      expect(body.error.message).toMatch(/référence [0-9a-f-]{36}/);
    });

    it('keeps the status of a catalogued error', async () => {
      const catalogued = await context.app.inject({ method: 'GET', url: '/api/test/conflict' });
      expect(catalogued.statusCode).toBe(409);
      expect(catalogued.json<{ error: { code: string } }>().error.code).toBe('resource.exists');
    });

    it('translates a database rule violation at the boundary into a catalogued 422, without the SQL', async () => {
      const response = await context.app.inject({ method: 'GET', url: '/api/test/constraint' });
      expect(response.statusCode).toBe(422);
      expect(response.json<{ error: { code: string } }>().error.code).toBe('value.rejected');
      expect(response.body).not.toMatch(/INSERT|admin_unit/);
    });
  },
  {
    setup(app, db) {
      app.get('/api/test/constraint', { config: { verb: 'system.read' } }, async () => {
        await db.transaction((tx) =>
          tx.query("INSERT INTO admin_unit (pcode, country, level, name, name_key, valid_from) VALUES ('ml 09', 'ML', 1, 'x', 'x', '2020-01-01')"),
        );
        return {};
      });
      app.post('/api/test/echo', { config: { verb: 'system.read', audit: 'test.echo' }, schema: { response: { 200: Type.Object({ received: Type.Unknown() }) } } }, (request) => ({ received: request.body }));
      app.get('/api/test/boom', { config: { verb: 'system.read' } }, () => {
        throw new Error('SELECT password FROM secret_table failed');
      });
      app.get('/api/test/conflict', { config: { verb: 'system.read' } }, () => {
        throw new AppError('resource.exists');
      });
    },
  },
);
