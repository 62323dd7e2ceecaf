/**
 * What the page shows about working without a network: answers the service worker served from
 * its cache (with the date they were fetched), and a newer build waiting to take over. The service
 * worker (vite.config.ts, Workbox) marks a cached answer with `X-Liptako-Offline: <date>`.
 */
import { useSyncExternalStore } from 'react';

export const OFFLINE_HEADER = 'x-liptako-offline';
/** The cache of API answers kept for offline use (vite.config.ts); emptied on sign-out. */
export const API_CACHE = 'liptako-api';
/** The forms a user may fill, kept for filling offline (vite.config.ts); emptied on sign-out. */
export const FORMS_CACHE = 'liptako-forms';

interface OfflineState {
  /** The oldest date among the answers now shown from the cache; null when all came from the server. */
  cachedSince: Date | null;
  /** Reloads into the new build; null while none is waiting. */
  update: (() => void) | null;
}

let state: OfflineState = { cachedSince: null, update: null };
const listeners = new Set<() => void>();

function publish(next: OfflineState): void {
  state = next;
  for (const listener of listeners) listener();
}

/** Called for every API answer: a cached one keeps the oldest date, a fresh one clears it. */
export function noteAnswer(response: Response): void {
  const cached = response.headers.get(OFFLINE_HEADER);
  if (cached === null) {
    if (state.cachedSince !== null) publish({ ...state, cachedSince: null });
    return;
  }
  const date = new Date(cached);
  const when = Number.isNaN(date.getTime()) ? new Date(0) : date;
  if (state.cachedSince === null || when < state.cachedSince) publish({ ...state, cachedSince: when });
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
