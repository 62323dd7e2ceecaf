/**
 * What a module's routes need from core, without loading Fastify itself: the app and context
 * types, the error body of every route's schema, the caller's language, byte sizes for
 * messages. Routes import this file, never core/http.ts (which builds the app and imports the
 * modules through the composition root's list). Only type imports of Fastify here, so the CLI
 * can use `formatBytes` without loading the HTTP stack.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from './db.js';
import type { Language } from './errors.js';
import { pickLanguage } from './i18n.js';

export type LiptakoApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/** What every module's routes receive. */
export interface AppContext {
  db: Database;
  version: string;
  /** The longest lifetime an API token may be given, in days. */
  tokenMaxDays: number;
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

const API_PREFIXES = ['/api/', '/dtm/', '/hapi/'];
/** Paths that belong to the API; everything else may be a page of the web app. */
export const isApiUrl = (url: string): boolean => url === '/api' || API_PREFIXES.some((prefix) => url.startsWith(prefix));
