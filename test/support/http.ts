/**
 * The one way integration tests make a request: through the app in-process (`app.inject`), any
 * method, JSON or raw payload, headers, the caller's address; the answer with its status, parsed
 * body (empty object when not JSON), text, headers and cookies.
 */
import type { LiptakoApp } from '../../src/core/http-kit.js';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Reply<Body = Record<string, unknown>> {
  statusCode: number;
  body: Body & { error?: { code: string; message: string; details?: unknown } };
  text: string;
  /** The body's bytes (zips, pictures). */
  raw: Buffer;
  headers: Record<string, string | string[] | number | undefined>;
  cookies: Array<{ name: string; value: string; path?: string; httpOnly?: boolean; sameSite?: string; secure?: boolean; expires?: Date; maxAge?: number }>;
}

export interface SendOptions {
  payload?: unknown;
  headers?: Record<string, string>;
  /** The caller's address: sign-in is throttled per address, so tests that sign in a lot use their own. */
  remoteAddress?: string;
}

export async function send<Body = Record<string, unknown>>(app: LiptakoApp, method: Method, url: string, options: SendOptions = {}): Promise<Reply<Body>> {
  const response = await app.inject({
    method,
    url,
    headers: options.headers ?? {},
    ...(options.remoteAddress === undefined ? {} : { remoteAddress: options.remoteAddress }),
    ...(options.payload === undefined ? {} : { payload: options.payload as Record<string, unknown> }),
  });
  let body: Reply<Body>['body'];
  try {
    body = response.json();
  } catch {
    body = {} as Reply<Body>['body'];
  }
  return { statusCode: response.statusCode, body, text: response.body, raw: response.rawPayload, headers: response.headers, cookies: response.cookies };
}

/** `send` with the payload and headers as arguments, as most tests write it. */
export async function call<Body = Record<string, unknown>>(app: LiptakoApp, method: Method, url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<Reply<Body>> {
  return send<Body>(app, method, url, { payload, headers });
}
