/**
 * Typed helpers to talk to the Liptako server. Every request says which language the user reads
 * (`Accept-Language`) so that error messages come back translated. Errors become an ApiError whose
 * message can be shown as is.
 *
 * Writes (POST, PUT, PATCH, DELETE, uploads) carry the session's anti-forgery token in
 * `X-CSRF-Token`: the session context (session.tsx) sets it with setCsrfToken. A write refused
 * with `auth.csrf` (the session changed in another tab) refreshes the token once and is sent again.
 * Any answer `auth.required` (401) is reported to the session context, which tells the user that
 * the session has ended.
 */
import { currentLanguage, i18n } from './i18n.js';
import { API_CACHE, noteAnswer, OFFLINE_HEADER, SAVED_API, savedDate } from './offline.js';

/** The error body every route of the server uses. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export type ApiErrorKind =
  /** The server answered with an error status. */
  | 'http'
  /** The server could not be reached (offline, DNS, connection reset, proxy gateway error). */
  | 'network'
  /** The request was cancelled by the interface. */
  | 'aborted';

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  /** HTTP status, or null when there was no answer. */
  readonly status: number | null;
  /** Stable error code from the server's catalogue, when the server sent one. */
  readonly code: string | null;
  readonly details: unknown;

  constructor(kind: ApiErrorKind, message: string, status: number | null = null, code: string | null = null, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Worth trying again as is: no answer, server overloaded or down. */
  get retryable(): boolean {
    if (this.kind === 'network') return true;
    return this.status !== null && (this.status >= 500 || this.status === 408 || this.status === 429);
  }
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = value.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { message?: unknown }).message === 'string' &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

/** Turns an error answer (body already read as text) into an ApiError with a readable message. */
export function errorFromResponse(status: number, bodyText: string): ApiError {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    body = undefined;
  }
  if (isErrorBody(body)) {
    return new ApiError('http', body.error.message, status, body.error.code, body.error.details);
  }
  // No catalogue error: a gateway or proxy answered (server down or restarting).
  if (status === 502 || status === 503 || status === 504) {
    return new ApiError('network', i18n.t('errors.unavailable', { status }), status);
  }
  return new ApiError('http', i18n.t('errors.unexpected', { status }), status);
}

export type QueryValue = string | number | boolean | null | undefined;

/** "/api/geo/units" + { country: 'BF', q: '' } → "/api/geo/units?country=BF" (empty values left out). */
/** Any failure of a call as an ApiError (a thrown non-ApiError is a network failure for the user). */
export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError('network', String(error));
}

export function buildUrl(path: string, params: Record<string, QueryValue> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === '') continue;
    search.set(key, String(value));
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

// ---- session hooks (set by the session context) ----------------------------------------------

let csrfToken: string | null = null;
let csrfRefresher: (() => Promise<string | null>) | null = null;
let authRequiredListener: ((error: ApiError) => void) | null = null;

/** The anti-forgery token of the current session (null when signed out). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** How to get a fresh token after an `auth.csrf` refusal (reads /api/auth/me again). */
export function setCsrfRefresher(refresher: (() => Promise<string | null>) | null): void {
  csrfRefresher = refresher;
}

/** Called with every `auth.required` answer (401): the session has ended, or never began. */
export function setAuthRequiredListener(listener: ((error: ApiError) => void) | null): void {
  authRequiredListener = listener;
}

export function reportAuthRequired(error: ApiError): void {
  if (error.status === 401 && error.code === 'auth.required') authRequiredListener?.(error);
}

/** A refused write worth sending again once with a fresh anti-forgery token. */
function isCsrfRefusal(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403 && error.code === 'auth.csrf' && csrfRefresher !== null;
}

/** Sends once more with a fresh anti-forgery token when the first try was refused for it. */
export async function withCsrfRetry<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (!isCsrfRefusal(error) || csrfRefresher === null) throw error;
    let fresh: string | null;
    try {
      fresh = await csrfRefresher();
    } catch {
      throw error;
    }
    if (fresh === null) throw error;
    return send();
  }
}

function requestHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { Accept: 'application/json', 'Accept-Language': currentLanguage(), ...extra };
}

/** Headers of a write: the user's language and the session's anti-forgery token. */
export function writeHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return requestHeaders(csrfToken === null ? extra : { ...extra, 'X-CSRF-Token': csrfToken });
}

/**
 * The answer to `url` the early-start script (vite-early-start.ts) began fetching while the app's
 * code was still loading, taken once; undefined when it did not.
 */
function takeEarly(url: string): Promise<Response> | undefined {
  const early = (window as { __liptakoEarly?: Record<string, Promise<Response> | undefined> }).__liptakoEarly;
  const pending = early?.[url];
  if (early !== undefined && pending !== undefined) delete early[url];
  return pending;
}

async function requestJson<T>(url: string, init: RequestInit, signal: AbortSignal | undefined, early?: Promise<Response>): Promise<T> {
  let response: Response;
  try {
    response = await (early ?? fetch(url, { ...init, signal: signal ?? null }));
    if (signal?.aborted) throw new ApiError('aborted', 'aborted');
  } catch (error) {
    if (signal?.aborted) throw new ApiError('aborted', 'aborted');
    throw new ApiError('network', i18n.t('errors.network'), null, null, error);
  }
  const copy = keepsItself(url, init, response) ? null : response.clone();
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    if (signal?.aborted) throw new ApiError('aborted', 'aborted');
    throw new ApiError('network', i18n.t('errors.network'), null, null, error);
  }
  noteAnswer(response);
  if (!response.ok) {
    const error = errorFromResponse(response.status, text);
    reportAuthRequired(error);
    throw error;
  }
  if (copy !== null) void keep(url, init, copy);
  // 204 No Content (sign-out, password change, token revocation): nothing to read.
  if (response.status === 204 || text.trim() === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError('http', i18n.t('errors.badResponse'), response.status);
  }
}

/**
 * True unless the answer is one the service worker would have kept but could not: a page it does
 * not control yet (the first visit, whose answers all come before the worker is installed) reads
 * a fresh answer it keeps itself, so the next visit shows it at once (getSavedJson).
 */
function keepsItself(url: string, init: RequestInit, response: Response): boolean {
  if (typeof caches === 'undefined' || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return true;
  if (navigator.serviceWorker.controller !== null) return true;
  if ((init.method ?? 'GET') !== 'GET' || response.status !== 200 || response.headers.has(OFFLINE_HEADER)) return true;
  return !SAVED_API.test(url);
}

async function keep(url: string, init: RequestInit, response: Response): Promise<void> {
  try {
    const cache = await caches.open(API_CACHE);
    await cache.put(new Request(new URL(url, window.location.href), { headers: init.headers ?? {} }), response);
  } catch {
    // Storage refused or full: the next visit asks the server, as it would have anyway.
  }
}

/** GET a JSON resource. Rejects with an ApiError. */
export async function getJson<T>(url: string, options: { signal?: AbortSignal } = {}): Promise<T> {
  return requestJson<T>(url, { headers: requestHeaders() }, options.signal, typeof window === 'undefined' ? undefined : takeEarly(url));
}

/** An answer kept by the service worker, and the date the server sent it. */
export interface SavedAnswer<T> {
  data: T;
  savedAt: Date;
}

/**
 * The answer to a GET the service worker kept (vite.config.ts, `liptako-api`), read straight from
 * the cache without going through the network: a warm visit shows it at once, before the server's
 * answer comes back over a slow link (stale-while-revalidate, driven by the page so that the fresh
 * answer replaces it on screen). Null when none is kept, or it cannot be read. Matched with the
 * request's own headers: an answer kept in another language (Vary) is not shown.
 */
export async function getSavedJson<T>(url: string): Promise<SavedAnswer<T> | null> {
  if (typeof caches === 'undefined') return null;
  try {
    const request = new Request(new URL(url, window.location.href), { headers: requestHeaders() });
    const response = await caches.match(request, { cacheName: API_CACHE });
    if (response === undefined || !response.ok) return null;
    return { data: JSON.parse(await response.text()) as T, savedAt: savedDate(response.headers.get('date')) };
  } catch {
    // Storage refused (private window, quota) or a damaged entry: the network answers instead.
    return null;
  }
}

/**
 * POST / PATCH / PUT / DELETE a JSON body (none when `body` is undefined) and read the JSON
 * answer (undefined for 204). Sends the anti-forgery token. Rejects with an ApiError.
 */
export async function sendJson<T>(
  method: 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  body: unknown,
  options: { signal?: AbortSignal } = {},
): Promise<T> {
  return withCsrfRetry(() =>
    requestJson<T>(
      url,
      body === undefined
        ? { method, headers: writeHeaders() }
        : { method, headers: writeHeaders({ 'Content-Type': 'application/json' }), body: JSON.stringify(body) },
      options.signal,
    ),
  );
}

export interface UploadProgress {
  loaded: number;
  /** Null when the browser cannot tell the size. */
  total: number | null;
}

/** What an upload's caller hears of it as it goes, and how it stops one. */
export interface UploadOptions {
  onProgress?: (progress: UploadProgress) => void;
  onSent?: () => void;
  signal?: AbortSignal;
}

export interface UploadResult<T> {
  status: number;
  data: T;
}

/**
 * POSTs raw bytes with XMLHttpRequest (fetch has no upload progress). Calls onProgress while the
 * body is sent and onSent once it is all sent (the server then works on it). Sends the
 * anti-forgery token.
 */
export function uploadFile<T>(
  url: string,
  body: Blob,
  options: UploadOptions = {},
): Promise<UploadResult<T>> {
  return withCsrfRetry(() => uploadOnce<T>(url, body, options));
}

function uploadOnce<T>(
  url: string,
  body: Blob,
  options: UploadOptions = {},
): Promise<UploadResult<T>> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [name, value] of Object.entries(writeHeaders({ 'Content-Type': 'application/octet-stream' }))) {
      xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => {
      options.onProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : null });
    };
    xhr.upload.onload = () => {
      options.onProgress?.({ loaded: body.size, total: body.size });
      options.onSent?.();
    };
    xhr.onload = () => {
      if (xhr.status < 200 || xhr.status >= 300) {
        const error = errorFromResponse(xhr.status, xhr.responseText);
        reportAuthRequired(error);
        reject(error);
        return;
      }
      try {
        resolve({ status: xhr.status, data: JSON.parse(xhr.responseText) as T });
      } catch {
        reject(new ApiError('http', i18n.t('errors.badResponse'), xhr.status));
      }
    };
    xhr.onerror = () => reject(new ApiError('network', i18n.t('errors.network')));
    xhr.ontimeout = () => reject(new ApiError('network', i18n.t('errors.timeout')));
    xhr.onabort = () => reject(new ApiError('aborted', 'aborted'));
    if (options.signal) {
      if (options.signal.aborted) {
        reject(new ApiError('aborted', 'aborted'));
        return;
      }
      options.signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    xhr.send(body);
  });
}
