/**
 * What the page shows about working without a network: answers the service worker served from
 * its cache (with the date they were fetched), and a newer build waiting to take over. The service
 * worker (vite.config.ts, Workbox) marks a cached answer with `X-Liptako-Offline: <date>`.
 */
import { useSyncExternalStore } from 'react';

export const OFFLINE_HEADER = 'x-liptako-offline';
/** The cache of API answers kept for offline use (vite.config.ts); emptied on sign-out. */
export const API_CACHE = 'liptako-api';
/**
 * The API answers the service worker keeps (its `liptako-api` route in vite.config.ts: keep the two
 * in step; that one is serialised into the worker, so it cannot import this): what the pages need
 * to open offline, never personal data (registry, users, audit).
 */
export const SAVED_API = /^\/api\/(auth\/me|plans|dtm|geo|response\/(dashboard|sectors|activities|organisations))(\/|$|\?)/;
/** The forms a user may fill, kept for filling offline (vite.config.ts); emptied on sign-out. */
export const FORMS_CACHE = 'liptako-forms';

interface OfflineState {
  /** The oldest date among the answers now shown from the cache; null when all came from the server. */
  cachedSince: Date | null;
  /**
   * Why they come from the cache: `offline` when the network failed (the service worker's
   * fallback), `saved` when the page showed them at once while asking the server (warm visit).
   */
  cachedBecause: 'offline' | 'saved' | null;
  /** Reloads into the new build; null while none is waiting. */
  update: (() => void) | null;
}

let state: OfflineState = { cachedSince: null, cachedBecause: null, update: null };
const listeners = new Set<() => void>();

function publish(next: OfflineState): void {
  state = next;
  for (const listener of listeners) listener();
}

/** Called for every API answer: a cached one keeps the oldest date, a fresh one clears it. */
export function noteAnswer(response: Response): void {
  const cached = response.headers.get(OFFLINE_HEADER);
  if (cached === null) {
    if (state.cachedSince !== null) publish({ ...state, cachedSince: null, cachedBecause: null });
    return;
  }
  noteCached(savedDate(cached), 'offline');
}

/** A `Date` header as a date; an unreadable one as the oldest date there is (never "fresh"). */
export function savedDate(header: string | null): Date {
  const date = new Date(header ?? '');
  return Number.isNaN(date.getTime()) ? new Date(0) : date;
}

/**
 * An answer shown from the cache: keeps the oldest date; the network failing outweighs a page
 * showing saved answers while it waits for the server.
 */
export function noteCached(when: Date, because: 'offline' | 'saved'): void {
  const cachedSince = state.cachedSince === null || when < state.cachedSince ? when : state.cachedSince;
  const cachedBecause = state.cachedBecause === 'offline' ? 'offline' : because;
  if (cachedSince !== state.cachedSince || cachedBecause !== state.cachedBecause) publish({ ...state, cachedSince, cachedBecause });
}

export function noteUpdate(update: () => void): void {
  publish({ ...state, update });
}

export function useOffline(): OfflineState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
  );
}

/** Forgets cached answers (sign-out: the next person at this computer must not read them). */
export async function forgetCachedAnswers(): Promise<void> {
  if (typeof caches !== 'undefined') await Promise.all([caches.delete(API_CACHE), caches.delete(FORMS_CACHE)]);
}

/**
 * Registers the service worker, asks the browser to keep its storage (a field office's laptop
 * must not lose the app under storage pressure), and says when a new build is waiting.
 */
export async function startOffline(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  const { registerSW } = await import('virtual:pwa-register');
  const updateServiceWorker = registerSW({
    immediate: true,
    onNeedRefresh: () =>
      noteUpdate(() => {
        // Workbox reloads by itself only when this page was controlled when it loaded; a first
        // visit's page is not, so the reload is asked for here once the new build has taken over.
        navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload(), { once: true });
        void updateServiceWorker(true);
      }),
  });
  if (navigator.storage?.persist !== undefined && !(await navigator.storage.persisted())) await navigator.storage.persist();
}
