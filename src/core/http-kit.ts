/**
 * What a module's routes need from core, without loading Fastify itself: the app and context
 * types, the error body of every route's schema, the caller's language, byte sizes for
 * messages. Routes import this file, never core/http.ts (which builds the app and imports the
 * modules through the composition root's list). Only type imports of Fastify here, so the CLI
 * can use `formatBytes` without loading the HTTP stack.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from './db.js';
import { AppError, isAppError, type Language } from './errors.js';
import { pickLanguage } from './i18n.js';
import type { PathTokenResolver } from './module.js';
import type { PublishedCache } from './published-cache.js';
import type { UploadGate } from './uploads.js';

export type LiptakoApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/** What every module's routes receive. */
export interface AppContext {
  db: Database;
  version: string;
  /** The longest lifetime an API token may be given, in days. */
  tokenMaxDays: number;
  /** How many password hashes may run at once, and how many may wait (access applies it when installed). */
  passwordHashing?: { concurrent: number; queue: number };
  /** Counts below this are hidden in aggregates of people (LIPTAKO_SMALL_CELL_THRESHOLD, default 5). */
  smallCellThreshold: number;
  /** Uploads in flight per person, shared by every route that takes a file. */
  uploads: UploadGate;
  /** Answers about published data, kept by the versions they depend on (ETag, 304). */
  published: PublishedCache;
  /** Who holds a token sent in the URL: the modules' resolvers, asked in turn (core/module.ts). */
  pathToken: PathTokenResolver;
}

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable code from the error catalogue' }),
      message: Type.String({ description: 'Message in the language asked by Accept-Language' }),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'ErrorBody', title: 'Error' },
);

/** One of these strings (a code list of src/shared), typed as their union, not as `never`. */
export const oneOf = <T extends string>(values: readonly T[], options: { description?: string } = {}) =>
  Type.Unsafe<T>(Type.Union(values.map((value) => Type.Literal(value)), options));

/** The schema, or null. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A moment, as every answer writes one (ISO 8601, UTC). */
export const Timestamp = Type.String({ format: 'date-time' });

const Position = Type.Array(Type.Number(), { minItems: 2, maxItems: 3, description: 'Longitude, latitude' });
/** A boundary as stored and served: a GeoJSON Polygon or MultiPolygon (geo/boundary-geometry.ts). */
export const BoundaryGeometry = Type.Union([
  Type.Object({ type: Type.Literal('Polygon'), coordinates: Type.Array(Type.Array(Position)) }),
  Type.Object({ type: Type.Literal('MultiPolygon'), coordinates: Type.Array(Type.Array(Type.Array(Position))) }),
]);

/**
 * A job as it is polled (core/jobs.ts JobView, with its error in the caller's language): what it
 * was started with and what it found are the module's own (`input`, `result`); an error's details
 * depend on its code (the findings that stopped an import, a mapping's problems).
 */
export function jobSchema<Input extends TSchema, Result extends TSchema>(input: Input, result: Result) {
  return Type.Object({
    id: Type.Integer(),
    kind: Type.String(),
    status: oneOf(['queued', 'running', 'succeeded', 'failed', 'interrupted'] as const),
    phase: Nullable(Type.String()),
    done: Type.Integer(),
    total: Nullable(Type.Integer()),
    input,
    result: Nullable(result),
    error: Nullable(
      Type.Object({
        code: Type.String({ description: 'From the error catalogue' }),
        params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
        details: Type.Optional(JsonValue),
      }),
    ),
    message: Nullable(Type.String({ description: 'The error in the language asked by Accept-Language' })),
    createdBy: Type.String(),
    createdAt: Timestamp,
    finishedAt: Nullable(Timestamp),
  });
}

/** A 204: nothing in the body, the status says it all. */
export const NoContent = Type.Null({ description: 'No body' });

/**
 * Any JSON value, for what is free-form by design (an audit event's summary, whose keys depend
 * on its action): still only what JSON can hold. Registered once by buildApp (a recursive schema
 * may appear only once in a route's schema); routes refer to it as `JsonValue`.
 */
export const JsonValueDefinition = Type.Recursive(
  (This) => Type.Union([Type.Null(), Type.Boolean(), Type.Number(), Type.String(), Type.Array(This), Type.Record(Type.String(), This)]),
  { $id: 'JsonValue', title: 'JSON value' },
);
export const JsonValue = Type.Unsafe<Static<typeof JsonValueDefinition>>(Type.Ref('JsonValue'));

/**
 * A 200 that is a file to download: its bytes under each media type the route may send (CSV,
 * XLSX, a zip), never described as JSON. `text/…` types are text; the others binary.
 */
export function fileResponse(description: string, ...types: string[]) {
  return {
    description,
    content: Object.fromEntries(types.map((type) => [type, { schema: Type.Unsafe<string | Buffer>(type.startsWith('text/') ? { type: 'string' } : { type: 'string', format: 'binary' }) }])),
  };
}

/** The media type of an Excel workbook. */
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Standard error responses for a route's schema, so OpenAPI documents them. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorBody> {
  return Object.fromEntries(statuses.map((status) => [status, ErrorBody]));
}

export function languageOf(request: FastifyRequest): Language {
  return pickLanguage(request.headers['accept-language']);
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round(bytes / (1024 * 1024))} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

const API_PREFIXES = ['/api/', '/dtm/', '/hapi/', '/v1/'];
/** Paths that belong to the API, as a route declares them (canonical spelling). */
export const isApiUrl = (url: string): boolean => url === '/api' || url === '/dtm' || url === '/hapi' || url === '/v1' || API_PREFIXES.some((prefix) => url.startsWith(prefix));

/**
 * The path of a URL as the most lenient router or proxy could understand it: percent-escapes
 * decoded until nothing changes (`%2561` → `%61` → `a`), lower case, backslashes as slashes,
 * `;parameters`, empty and dot segments dropped. Only for deciding what an unknown address looks
 * like; access is never decided on a URL, always on the route that matched.
 */
export function canonicalPath(url: string): string {
  let path = url;
  for (let round = 0; round < 5; round += 1) {
    // Byte by byte, so that a malformed escape elsewhere cannot stop the decoding of the rest.
    const decoded = path.replace(/%([0-9a-f]{2})/gi, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (decoded === path) break;
    path = decoded;
  }
  path = (path.split(/[?#]/)[0] ?? '').replace(/\\/g, '/').toLowerCase();
  const segments: string[] = [];
  for (const raw of path.split('/')) {
    const segment = raw.split(';')[0] ?? '';
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join('/')}`;
}

/** Whether an address looks like the API in any spelling (the not-found handler never serves the page for it). */
export const looksLikeApiUrl = (url: string): boolean => isApiUrl(canonicalPath(url));

/** What any error thrown while answering becomes for the caller: a catalogue entry (validation, body limits, plugins' refusals). */
export function toAppError(error: FastifyError, request: FastifyRequest): AppError {
  if (isAppError(error)) return error;
  if (error.validation) {
    const detail = error.validation
      .map((issue) => `${issue.instancePath || error.validationContext || ''} ${issue.message ?? ''}`.trim())
      .join('; ');
    return new AppError('request.invalid', { detail }, { details: error.validation, cause: error });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('request.tooLarge', { limit: formatBytes(request.routeOptions.bodyLimit ?? 0) }, { cause: error });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('request.unsupportedMediaType', { contentType: request.headers['content-type'] ?? '—' }, { cause: error });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('request.notJson', {}, { cause: error });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('request.invalid', { detail: 'Content-Length' }, { cause: error });
    default:
      break;
  }
  if (error instanceof SyntaxError && error.statusCode === 400) return new AppError('request.notJson', {}, { cause: error });
  // A plugin refusing a path (the documentation's static files refuse a NUL byte with 403): the
  // address does not exist as sent. Anything else a plugin refuses is the caller's request.
  const status = error.statusCode ?? 500;
  if (status === 403 || status === 404) return new AppError('route.notFound', { method: request.method, url: (request.url.split('?')[0] ?? '/').slice(0, 200) }, { cause: error });
  if (status >= 400 && status < 500) return new AppError('request.invalid', { detail: String(error.code ?? status) }, { cause: error });
  return new AppError('internal', { reference: String(request.id) }, { cause: error });
}
