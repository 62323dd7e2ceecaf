/**
 * Access control in the HTTP layer: every API route declares the verb it needs
 * (`config: { verb }`), a route without one cannot even be registered, and one hook
 * authenticates the caller, checks the verb, refuses cross-site writes, and audits.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Database } from '../core/db.js';
import { AppError } from '../core/errors.js';
import { looksLikeApiUrl } from '../core/http-kit.js';
import type { PathTokenResolver } from '../core/module.js';
import { auditedRead, recordAudit, recordOrRefuse, type Actor, type AuditEvent } from './audit.js';
import { authenticate, passwordPrincipal, sameSecret, SESSION_COOKIE } from './service.js';
import { can, isPathTokenHolder, type Principal, type Verb } from './verbs.js';

// Where the guard's notion of an API address lives (core, since the not-found handler needs it too).

/** `public`: anyone, signed in or not (sign-in itself); otherwise a verb of a role. */
export type RouteVerb = Verb | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    verb?: RouteVerb;
    /**
     * The route's action in the domain's words (`user.create`). Required on every write: its
     * service records it in the write's transaction (access/audit.ts), and the guard records it
     * as a failure when the write is refused. On a GET, names a read the handler records with
     * `request.auditRead` before the data leaves (exports).
     */
    audit?: string;
    /**
     * The caller is named by the route's `:token` parameter, not by a header or cookie: a phone
     * configured by QR code (`/v1/key/{token}/…`). An unknown or revoked token is refused with
     * 403, so that clients do not prompt for a password.
     */
    pathToken?: boolean;
    /**
     * The route also takes an account's e-mail and password as HTTP Basic credentials, as ODK
     * Collect sends them when it is configured with an account; a caller without credentials is
     * challenged (`WWW-Authenticate: Basic`) so that the phone asks for them. Writes need the
     * `X-OpenRosa-Version` header, which a cross-site form cannot send with a browser's
     * remembered credentials.
     */
    basicAuth?: boolean;
  }
  interface FastifyRequest {
    principal: Principal;
    /** The principal and this request's id: what a service's audited write needs (access/audit.ts). */
    actor: Actor;
    /**
     * Records the read this request is about to answer (an export), under the route's `audit`
     * action; refuses it with `audit.unavailable` when the row cannot be written.
     */
    auditRead(event: Omit<AuditEvent, 'action'>): Promise<void>;
  }
}


const BASIC_CHALLENGE = 'Basic realm="Liptako", charset="UTF-8"';

/** E-mail and password from `Basic base64(email:password)`, or null when it is not that shape. */
function basicCredentials(header: string): { email: string; password: string } | null {
  const encoded = header.replace(/^Basic\s+/i, '').trim();
  // An e-mail (≤ 320) and a password (the policy's maximum is far below 1,000) encode in well under 2 KB.
  if (encoded.length === 0 || encoded.length > 2048 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) return null;
  return { email: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

// Plugin routes that serve documentation assets: readable by anyone allowed to read the system.
const DOCUMENTATION_PREFIX = '/api/docs';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RouteGuardReport {
  method: string;
  url: string;
  verb: RouteVerb | undefined;
}

/**
 * Registers the guard. Returns the list of registered routes and their verbs, which the
 * route-coverage test reads.
 */
export function installAccessControl(app: FastifyInstance, db: Database, pathToken: PathTokenResolver = () => Promise.resolve(null)): RouteGuardReport[] {
  const routes: RouteGuardReport[] = [];
  app.decorateRequest('principal', null as never);
  app.decorateRequest('actor', null as never);
  app.decorateRequest('auditRead', function (this: FastifyRequest, event: Omit<AuditEvent, 'action'>): Promise<void> {
    const action = this.routeOptions.config?.audit;
    if (action === undefined) throw new Error(`Route ${this.routeOptions.url} records a read but names no action: add config: { audit }.`);
    return auditedRead(db, this.actor, { ...event, action });
  });

  app.addHook('onRoute', (route: RouteOptions) => {
    const url = route.url;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (url.startsWith(DOCUMENTATION_PREFIX) && route.config?.verb === undefined) {
      route.config = { ...route.config, verb: 'system.read' };
    }
    const verb = route.config?.verb;
    if (looksLikeApiUrl(url) && verb === undefined) {
      throw new Error(`Route ${methods.join(',')} ${url} declares no verb: add config: { verb } (see src/access/verbs.ts).`);
    }
    if (verb !== undefined && verb !== 'public' && methods.some((method) => UNSAFE.has(method)) && route.config?.audit === undefined) {
      throw new Error(`Route ${methods.join(',')} ${url} writes but names no action: add config: { audit: 'thing.done' } and record it with audited() (src/access/audit.ts).`);
    }
    if (route.config?.pathToken === true && !url.includes(':token')) {
      throw new Error(`Route ${methods.join(',')} ${url} takes its caller from the path but has no :token parameter.`);
    }
    for (const method of methods) routes.push({ method, url, verb });
  });

  app.addHook('onRequest', async (request: FastifyRequest) => {
    // Decided on the route the router matched, never on the URL as sent: the router decodes
    // (`/%61pi/users` is `/api/users`), so a check of the raw URL can be walked around. A route
    // without a verb is a page or an asset of the web app (the same for everyone: no database
    // round trip), or the not-found handler.
    const verb = request.routeOptions.config?.verb;
    if (verb === undefined) return;
    if (request.routeOptions.config?.pathToken === true) {
      const token = (request.params as { token?: unknown }).token;
      // Long or odd tokens are not looked up: no secret of ours looks like them.
      const holder = typeof token === 'string' && /^[A-Za-z0-9_-]{20,100}$/.test(token) ? await pathToken(db, token) : null;
      if (!isPathTokenHolder(holder)) throw new AppError('auth.pathToken.invalid');
      request.principal = holder;
      request.actor = { principal: holder, requestId: request.id };
      if (verb !== 'public' && !can(holder, verb)) throw new AppError('auth.forbidden', { verb });
      return;
    }
    const authorization = request.headers.authorization;
    if (request.routeOptions.config?.basicAuth === true && typeof authorization === 'string' && /^Basic\s/i.test(authorization)) {
      const credentials = basicCredentials(authorization);
      if (credentials === null) throw new AppError('auth.signIn.failed');
      if (UNSAFE.has(request.method) && request.headers['x-openrosa-version'] === undefined) throw new AppError('auth.basic.openRosaOnly');
      const principal = await passwordPrincipal(db, { ...credentials, address: request.ip, requestId: request.id });
      request.principal = principal;
      request.actor = { principal, requestId: request.id };
      if (verb !== 'public' && !can(principal, verb)) throw new AppError('auth.forbidden', { verb });
      return;
    }
    const bearer = typeof authorization === 'string' && /^Bearer\s+/i.test(authorization) ? authorization.replace(/^Bearer\s+/i, '').trim() : undefined;
    const cookies = request.cookies as Record<string, string | undefined> | undefined;
    const principal = await authenticate(db, { bearerToken: bearer, sessionToken: cookies?.[SESSION_COOKIE] });
    if (principal === 'invalid-token') throw new AppError('auth.token.invalid');
    request.principal = principal;
    request.actor = { principal, requestId: request.id };

    if (verb === 'public') return;
    if (!can(principal, verb)) throw new AppError(principal.kind === 'anonymous' ? 'auth.required' : 'auth.forbidden', { verb });

    if (principal.kind === 'user' && principal.via === 'session' && UNSAFE.has(request.method)) {
      // Cookies travel with cross-site requests; the token in a header cannot be forged by another site.
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || principal.csrfToken === undefined || !sameSecret(sent, principal.csrfToken)) throw new AppError('auth.csrf');
    }
    if (principal.kind === 'user' && principal.via === 'token') {
      // Before the request goes any further: a token's use that cannot be recorded is refused.
      await recordOrRefuse(db, request.actor, {
        action: 'token.use',
        objectType: 'api-token',
        objectId: principal.tokenId,
        summary: { method: request.method, route: request.routeOptions.url },
      });
    }
  });

  // Fails closed: a handler of a guarded route never runs for a caller nobody identified, even
  // if a hook registered before this one answered or skipped authentication.
  app.addHook('preHandler', (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
    done(request.routeOptions.config?.verb !== undefined && request.principal === null ? new AppError('auth.required') : undefined);
  });

  // A write that succeeded recorded its own row in its transaction, a named read before its data
  // left (access/audit.ts); what is left to record here are refusals (nothing was written, so
  // nothing to keep together). Sign-in (`public`) records every attempt itself.
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const config = request.routeOptions.config;
    // Asked when nothing or a wrong password was sent: the phone then prompts for the password.
    if (config?.basicAuth === true && reply.statusCode === 401) reply.header('www-authenticate', BASIC_CHALLENGE);
    if (config?.verb === undefined || config.verb === 'public' || request.principal === null) return payload;
    const write = UNSAFE.has(request.method);
    const failed = reply.statusCode >= 400;
    if (!write && (config.audit === undefined || failed)) return payload;
    if (!failed && request.actor.recorded === true) return payload;
    // A bug, not a caller's doing: the answer has left; the least is a row saying so.
    if (!failed) request.log.error({ route: request.routeOptions.url }, 'a write or named read succeeded without recording itself (use audited() or request.auditRead)');
    const params = (request.params ?? {}) as Record<string, unknown>;
    try {
      await recordAudit(db, request.actor, {
        action: config.audit ?? `${request.method} ${request.routeOptions.url}`,
        objectType: null,
        objectId: typeof params.code === 'string' ? params.code : typeof params.id === 'number' || typeof params.id === 'string' ? String(params.id) : null,
        outcome: failed ? 'failure' : 'success',
        summary: { status: reply.statusCode, route: request.routeOptions.url },
      });
    } catch (error) {
      // The answer is already a refusal (or a read whose data is on its way): nothing to undo.
      request.log.error({ err: error }, 'audit write failed');
    }
    return payload;
  });

  return routes;
}
