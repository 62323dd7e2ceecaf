/**
 * The HTTP application: Fastify with one JSON schema per route (TypeBox), which validates
 * input, types the handler and feeds the OpenAPI document at /api/docs. Errors leave through
 * one handler that speaks the catalogue in the caller's language.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { DEFAULT_DATABASE_WAIT_MS, DEFAULT_SMALL_CELL_THRESHOLD, DEFAULT_TIMEOUTS, DEFAULT_TOKEN_MAX_DAYS, DEFAULT_UPLOADS, type ServerTimeouts, type TrustProxy, type UploadSettings } from './config.js';
import { withWaitLimit, type Database } from './db.js';
import { AppError, formatMessage } from './errors.js';
import { canonicalPath, errorResponses, ErrorBody, JsonValueDefinition, languageOf, looksLikeApiUrl, toAppError, type AppContext, type LiptakoApp } from './http-kit.js';
import { migrationLevel } from './migrate.js';
import { PublishedCache, type PublishedCacheOptions } from './published-cache.js';
import { installResponseCheck, type ResponseViolation } from './response-check.js';
import { CORE_VERBS, type LiptakoModule } from './module.js';
import { UploadGate } from './uploads.js';
import { VERSION } from './version.js';

/** A route and the module that registered it (through its `routes` in the module contract). */
export interface ModuleRoute {
  module: string;
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route a module registered: how tests discover each module's routes. */
    moduleRoutes: ModuleRoute[];
  }
}

function sendError(reply: FastifyReply, request: FastifyRequest, error: AppError): FastifyReply {
  const language = languageOf(request);
  if (error.retryAfter !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfter))));
  return reply
    .status(error.status)
    .header('content-language', language)
    .send({
      error: {
        code: error.code,
        message: formatMessage(error.code, language, error.params),
        ...(error.details === undefined ? {} : { details: error.details }),
      },
    });
}

export interface BuildAppOptions {
  db: Database;
  /** The modules to serve: the composition root's list (src/modules.ts). */
  modules: readonly LiptakoModule[];
  /** false in tests; otherwise JSON lines at this level. */
  logLevel?: string | false;
  /** Where log lines go (standard output by default). */
  logStream?: { write(line: string): void };
  /** Folder of the built web app; null to serve the API only. */
  webRoot?: string | null;
  /**
   * Which proxies to believe about the client's address and protocol (X-Forwarded-For and
   * -Proto); Fastify's trustProxy: false (default), true, a hop count, or addresses/CIDRs.
   */
  trustProxy?: TrustProxy;
  /** The longest lifetime of an API token, in days (default 90). */
  tokenMaxDays?: number;
  /** Counts below this are hidden in aggregates of people (default 5). */
  smallCellThreshold?: number;
  /** How many Argon2 hashes run at once and how many may wait (process-wide). */
  passwordHashing?: { concurrent: number; queue: number };
  /** Connection and request timeouts (core/config.ts); the defaults otherwise. */
  timeouts?: Partial<ServerTimeouts>;
  /** Upload allowance and limits (core/config.ts); the defaults otherwise. */
  uploads?: Partial<UploadSettings>;
  /** How long a request may wait for PGlite's one connection before 503 db.busy (default 5 s). */
  databaseWaitMs?: number;
  /** Check every 2xx JSON answer against its route's response schema; each misfit is reported (tests). */
  checkResponses?: (violation: ResponseViolation) => void;
  /** How long versions of published data are trusted, how much the answer cache may hold. */
  publishedCache?: PublishedCacheOptions;
}

const trustHops =
  (hops: number) =>
  (_address: string, hop: number): boolean =>
    hop < hops;

export const DEFAULT_WEB_ROOT = new URL('../../dist/web/', import.meta.url).pathname;

export async function buildApp(options: BuildAppOptions): Promise<LiptakoApp> {
  const timeouts: ServerTimeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const app = Fastify({
    logger:
      options.logLevel === false || options.logLevel === undefined
        ? false
        : {
            level: options.logLevel,
            ...(options.logStream ? { stream: options.logStream } : {}),
            // Only method, path and id: query strings may carry names, bodies personal data.
            serializers: {
              req: (request) => ({ id: request.id, method: request.method, path: request.url.split('?')[0] }),
              res: (reply) => ({ statusCode: reply.statusCode }),
            },
          },
    genReqId: () => randomUUID(),
    bodyLimit: 1024 * 1024,
    // Silence is what is timed, not the length of a transfer: see ServerTimeouts.
    connectionTimeout: timeouts.idleMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    requestTimeout: timeouts.requestMs,
    http: {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      // Node checks the headers and request deadlines on this beat (30 s by default).
      connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor((timeouts.headersMs || 30_000) / 4))),
    },
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
    // The guard decides on the matched route, so these only choose which spellings match at all;
    // anything that does not match is a plain 404 (see access/http.ts).
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: false, caseSensitive: true },
    // A hop count becomes the function Fastify applies to it (its types accept no number).
    trustProxy: typeof options.trustProxy === 'number' ? trustHops(options.trustProxy) : (options.trustProxy ?? false),
  }).withTypeProvider<TypeBoxTypeProvider>();

  const context: AppContext = {
    db: options.db,
    version: VERSION,
    tokenMaxDays: options.tokenMaxDays ?? DEFAULT_TOKEN_MAX_DAYS,
    smallCellThreshold: options.smallCellThreshold ?? DEFAULT_SMALL_CELL_THRESHOLD,
    ...(options.passwordHashing ? { passwordHashing: options.passwordHashing } : {}),
    uploads: new UploadGate({ ...DEFAULT_UPLOADS, ...options.uploads }),
    published: new PublishedCache(options.db, options.publishedCache),
    pathToken: async (db, token) => {
      for (const module of options.modules) {
        const principal = (await module.pathToken?.(db, token)) ?? null;
        if (principal !== null) return principal;
      }
      return null;
    },
  };
  app.addHook('onClose', () => context.published.close());

  app.addSchema(ErrorBody);
  app.addSchema(JsonValueDefinition);

  // A strict Content-Security-Policy the web app works under: only its own scripts, styles,
  // images and API; no inline script, no framing.
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // WebAssembly, not eval: ODK's form engine (web form entry) parses XPath with tree-sitter compiled to WASM.
        scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
        styleSrc: ["'self'"],
        // blob: the photo a user just picked for a form, shown from this browser's memory before it is sent.
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(fastifyCookie);
  // Offices work over satellite links: compress what is worth it (JSON, GeoJSON, CSV, scripts).
  await app.register(fastifyCompress, { threshold: 1024, encodings: ['br', 'gzip', 'deflate'] });
  // First of all hooks: every statement of a request waits at most this long for PGlite's one
  // connection (db.busy, 503 with Retry-After, instead of a request that hangs until it times out).
  const databaseWaitMs = options.databaseWaitMs ?? DEFAULT_DATABASE_WAIT_MS;
  app.addHook('onRequest', (_request, _reply, done) => {
    withWaitLimit(databaseWaitMs, done);
  });
  if (options.checkResponses) installResponseCheck(app, options.checkResponses);
  // Before any route, so that app-wide hooks (the access guard) see every route, core's included.
  for (const module of options.modules) module.install?.(app, context);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Liptako API',
        version: VERSION,
        description:
          'Liptako: plans and funding, displacement tracking, field collection, response monitoring, assistance, protection and publishing for the Central Sahel crisis response. Errors use one catalogue; send Accept-Language: fr for French messages.',
      },
      tags: [
        { name: 'system', description: 'Health and documentation' },
        { name: 'geography', description: 'Admin units, P-codes, boundaries and population' },
        { name: 'plans', description: 'Response plans, revisions, contributions and funding status' },
        { name: 'access', description: 'Sign-in, accounts, users and roles, API tokens, audit log' },
        { name: 'publishing', description: 'HDX HAPI and DTM API compatible endpoints (published data only)' },
      ],
    },
  });
  // The documentation viewer brings its own inline styles and scripts: it sets its own policy.
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error, request);
    if (appError.status >= 500) {
      request.log.error({ err: error, code: appError.code }, 'request failed');
    } else {
      request.log.info({ code: appError.code }, 'request refused');
    }
    return sendError(reply, request, appError);
  });

  const webRoot = options.webRoot === undefined ? DEFAULT_WEB_ROOT : options.webRoot;
  const serveWeb = webRoot !== null && existsSync(`${webRoot}/index.html`);
  if (serveWeb) {
    await app.register(fastifyStatic, {
      root: webRoot,
      wildcard: false,
      index: false,
      // Vite fingerprints asset names, so they can be cached for good; the page itself never is.
      setHeaders: (response, filePath) => {
        response.header('cache-control', filePath.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    // Decoded before deciding: `/%61pi/…` must not get the page, whatever the spelling.
    // A missing fingerprinted file (a tab open on an older build asking for its chunks) is a 404:
    // answered with the page, the browser would try to run HTML as JavaScript.
    if (serveWeb && request.method === 'GET' && !looksLikeApiUrl(request.url) && !canonicalPath(request.url).startsWith('/assets/')) {
      // Client-side routes (/geography, …) all load the same page. Read afresh (a deploy replaces
      // it) and compressed here: @fastify/compress only hooks routes, and this is no route.
      const page = await readFile(`${webRoot}/index.html`);
      const etag = `"${createHash('sha256').update(page).digest('base64url').slice(0, 22)}"`;
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('etag', etag).header('vary', 'accept-encoding');
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      const accepted = String(request.headers['accept-encoding'] ?? '');
      if (/\bbr\b/.test(accepted)) return reply.header('content-encoding', 'br').send(brotliCompressSync(page));
      if (/\bgzip\b/.test(accepted)) return reply.header('content-encoding', 'gzip').send(gzipSync(page));
      return reply.send(page);
    }
    return sendError(reply, request, new AppError('route.notFound', { method: request.method, url: path.slice(0, 200) }));
  });

  app.get(
    '/api/health',
    {
      config: { verb: 'system.read' },
      schema: {
        tags: ['system'],
        summary: 'Is the server up, which database and migration level',
        response: {
          200: Type.Object({
            status: Type.Literal('ok'),
            version: Type.String(),
            database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
            migration: Type.Integer(),
          }),
          ...errorResponses(503),
        },
      },
    },
    async () => ({
      status: 'ok' as const,
      version: VERSION,
      database: options.db.kind,
      migration: await migrationLevel(options.db),
    }),
  );

  app.get('/api/openapi.json', { config: { verb: 'system.read' }, schema: { hide: true } }, () => app.swagger());

  const moduleRoutes: ModuleRoute[] = [];
  app.decorate('moduleRoutes', moduleRoutes);
  for (const module of options.modules) {
    await app.register((scope, _opts, done) => {
      scope.addHook('onRoute', (route) => {
        const verb = route.config?.verb;
        // A module's routes declare only the verbs the module lists, so its contract tells the truth.
        if (verb !== undefined && verb !== 'public' && !CORE_VERBS.includes(verb) && !module.verbs.includes(verb)) {
          throw new Error(`Route ${String(route.method)} ${route.url} of module ${module.name} declares the verb ${verb}, which the module does not list in its verbs.`);
        }
        for (const method of Array.isArray(route.method) ? route.method : [route.method]) moduleRoutes.push({ module: module.name, method, url: route.url });
      });
      try {
        module.routes(scope, context);
        done();
      } catch (error) {
        // A route refused at registration (no verb, a verb the module does not list) fails buildApp.
        done(error as Error);
      }
    });
  }

  return app;
}
