/**
 * Route coverage: every API route declares the verb it needs, and a route without one cannot be
 * registered at all, so forgetting the guard is a start-up failure rather than an open door.
 */
import { Type } from '@sinclair/typebox';
import { expect, it } from 'vitest';
import { buildApp } from '../../src/core/http.js';
import type { LiptakoModule } from '../../src/core/module.js';
import { MODULES } from '../../src/modules.js';
import { VERBS } from '../../src/access/verbs.js';
import { describeEachDatabase } from '../support/harness.js';
import { send } from '../support/http.js';

const API = /^\/(api|hapi|dtm)(\/|$)/;
const ALLOWED = new Set<string>(['public', ...VERBS]);

describeEachDatabase('route coverage', (context) => {
  it('lists every registered route with its verb, and every API route declares public or a known verb', () => {
    const routes = context.app.guardedRoutes;
    const api = routes.filter((route) => API.test(route.url));
    // The modules built so far are all there (a sample of each, not a copy of the list).
    const listed = new Set(api.map((route) => `${route.method} ${route.url}`));
    for (const expected of [
      'GET /api/health',
      'POST /api/auth/sign-in',
      'POST /api/tokens',
      'DELETE /api/tokens/:id',
      'GET /api/audit',
      'GET /api/audit/export',
      'POST /api/users',
      'GET /api/geo/units',
      'POST /api/geo/imports',
      'POST /api/plans/imports',
      'POST /api/plans/:code/contributions',
      'PATCH /api/plans/:code/areas/:id',
      'GET /api/plans/:code/export',
      'GET /hapi/v2/coordination-context/funding',
      'HEAD /api/users',
    ]) {
      expect(listed, expected).toContain(expected);
    }
    expect(api.length).toBeGreaterThan(40);
    const undeclared = api.filter((route) => route.verb === undefined || !ALLOWED.has(route.verb));
    expect(undeclared).toEqual([]);
  });

  it('discovers the routes of every module through the module contract, and the guard sees each of them', () => {
    const key = (route: { method: string; url: string }): string => `${route.method} ${route.url}`;
    const guarded = new Set(context.app.guardedRoutes.map(key));
    for (const module of MODULES) {
      const routes = context.app.moduleRoutes.filter((route) => route.module === module.name);
      expect(routes.length, module.name).toBeGreaterThan(0);
      for (const route of routes) expect(guarded, `${module.name}: ${key(route)}`).toContain(key(route));
    }
    // Outside the modules, only core's own routes (health, the OpenAPI document and its viewer) and the harness's test routes.
    const ofModules = new Set(context.app.moduleRoutes.map(key));
    const outside = context.app.guardedRoutes.filter((route) => API.test(route.url) && !ofModules.has(key(route))).map((route) => route.url);
    for (const url of outside) expect(url).toMatch(/^\/api\/(health|openapi\.json|docs|test\/)/);
  });

  it('covers the routes of a new module as soon as the composition root lists it, and holds it to the verbs it lists', async () => {
    const census: LiptakoModule = {
      name: 'census',
      routes: (app) => {
        app.get('/api/census', { config: { verb: 'audit.read' } }, () => ({ households: 0 }));
      },
      catalogue: [],
      verbs: ['audit.read'],
    };
    const app = await buildApp({ db: context.db, modules: [...MODULES, census], logLevel: false, webRoot: null });
    try {
      await app.ready();
      expect(app.moduleRoutes).toContainEqual({ module: 'census', method: 'GET', url: '/api/census' });
      expect(app.guardedRoutes).toContainEqual({ method: 'GET', url: '/api/census', verb: 'audit.read' });
      expect((await app.inject({ method: 'GET', url: '/api/census' })).statusCode).toBe(401);
    } finally {
      await app.close();
    }
    const overreaching: LiptakoModule = { ...census, name: 'overreaching', verbs: [] };
    await expect(buildApp({ db: context.db, modules: [...MODULES, overreaching], logLevel: false, webRoot: null })).rejects.toThrow(
      /GET \/api\/census of module overreaching declares the verb audit\.read/,
    );
  });

  it('makes only sign-in and "who am I" public: every other API route needs a verb of a role', () => {
    const publicRoutes = context.app.guardedRoutes.filter((route) => route.verb === 'public').map((route) => `${route.method} ${route.url}`);
    expect(publicRoutes.sort()).toEqual(['GET /api/auth/me', 'HEAD /api/auth/me', 'POST /api/auth/sign-in']);
  });

  it('gives every write route a verb that the public role lacks', async () => {
    const [role] = await context.db.query<{ verbs: string[] }>("SELECT verbs FROM role WHERE code = 'public'");
    const writes = context.app.guardedRoutes.filter((route) => API.test(route.url) && !['GET', 'HEAD'].includes(route.method) && route.verb !== 'public');
    expect(writes.length).toBeGreaterThan(10);
    for (const route of writes) expect(role!.verbs, `${route.method} ${route.url}`).not.toContain(route.verb);
  });

  it('refuses to register an API route without a verb, naming the route', async () => {
    const app = await buildApp({ db: context.db, modules: MODULES, logLevel: false, webRoot: null });
    try {
      expect(() => app.get('/api/x', () => ({ open: true }))).toThrow(/GET \/api\/x declares no verb/);
      expect(() => app.post('/hapi/v2/x', () => ({}))).toThrow(/POST \/hapi\/v2\/x declares no verb/);
      expect(() => app.route({ method: ['GET', 'DELETE'], url: '/dtm/x', handler: () => ({}) })).toThrow(/GET,DELETE \/dtm\/x/);
      // Declared routes, and pages outside the API, are accepted.
      expect(() => app.get('/api/declared', { config: { verb: 'system.read' } }, () => ({ ok: true }))).not.toThrow();
      expect(() => app.get('/about', () => 'page')).not.toThrow();
    } finally {
      await app.close();
    }
  });

  it('also refuses an undeclared route registered by a plugin under an /api prefix', async () => {
    const app = await buildApp({ db: context.db, modules: MODULES, logLevel: false, webRoot: null });
    try {
      void app.register(
        // eslint-disable-next-line @typescript-eslint/require-await -- an async plugin makes avvio report the error to ready()
        async (scope) => {
          scope.get('/y', () => ({ open: true }));
        },
        { prefix: '/api/plugin' },
      );
      await expect(app.ready()).rejects.toThrow(/GET \/api\/plugin\/y declares no verb/);
    } finally {
      await app.close();
    }
  });

  it('guards the route it declares: a route declared for user.manage refuses a viewer and an anonymous caller', async () => {
    // The registered test route below: handlers never run for callers without the verb.
    const viewer = await send(context.as('viewer'), 'GET', '/api/test/admin-only');
    expect(viewer.statusCode).toBe(403);
    expect(viewer.body.error!.code).toBe('auth.forbidden');
    expect(viewer.text).not.toContain('secret');
    const anonymous = await send(context.as('anonymous'), 'GET', '/api/test/admin-only');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.body.error!.code).toBe('auth.required');
    const admin = await send(context.as('admin'), 'GET', '/api/test/admin-only');
    expect(admin.statusCode).toBe(200);
    expect(admin.body).toEqual({ secret: 'only for user managers' });
  });
}, {
  setup(app) {
    app.get('/api/test/admin-only', { config: { verb: 'user.manage' }, schema: { response: { 200: Type.Object({ secret: Type.String() }) } } }, () => ({ secret: 'only for user managers' }));
  },
});
