import { useCallback, useEffect, useState } from 'react';
import { ApiError, getJson, getSavedJson } from './api.js';
import { noteCached } from './offline.js';

/**
 * A small in-memory cache of GET answers, for heavy resources (boundaries) that users switch back
 * and forth between: on a satellite link a refetch costs seconds. Cleared after every import.
 */
const cache = new Map<string, unknown>();
const CACHE_LIMIT = 24;

export function clearApiCache(): void {
  cache.clear();
}

function remember(url: string, data: unknown): void {
  cache.delete(url);
  cache.set(url, data);
  while (cache.size > CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (oldest.done) break;
    cache.delete(oldest.value);
  }
}

export interface ApiState<T> {
  /** The latest answer; while a new URL loads, the previous answer stays here (shown dimmed). */
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** True when `data` belongs to an earlier request than the current one. */
  stale: boolean;
  retry: () => void;
}

interface Settled<T> {
  key: string;
  data: T | undefined;
  error: ApiError | undefined;
}

/**
 * GETs `url` (null: nothing to load) and re-fetches when it changes, when `version` changes (data
 * changed on the server) or on retry. Out-of-date requests are aborted. Meanwhile, the answer the
 * service worker kept for it, if any, is shown at once with its date (the page's notice) until the
 * server's answer replaces it: on a slow link a warm visit needs no round trip to show figures.
 */
export function useApi<T>(url: string | null, options: { cache?: boolean; version?: number } = {}): ApiState<T> {
  const useCache = options.cache ?? false;
  const version = options.version ?? 0;
  const [attempt, setAttempt] = useState(0);
  const [settled, setSettled] = useState<Settled<T> | undefined>(undefined);
  const key = url === null ? null : `${version}|${attempt}|${url}`;
  const cached = url !== null && useCache && cache.has(url) ? (cache.get(url) as T) : undefined;

  useEffect(() => {
    if (url === null || key === null || (useCache && cache.has(url))) return undefined;
    const controller = new AbortController();
    let answered = false;
    void getSavedJson<T>(url).then((saved) => {
      if (saved === null || answered || controller.signal.aborted) return;
      noteCached(saved.savedAt, 'saved');
      setSettled({ key, data: saved.data, error: undefined });
    });
    getJson<T>(url, { signal: controller.signal }).then(
      (data) => {
        answered = true;
        if (useCache) remember(url, data);
        setSettled({ key, data, error: undefined });
      },
      (error: unknown) => {
        answered = true;
        if (controller.signal.aborted) return;
        const apiError = error instanceof ApiError ? error : new ApiError('network', String(error));
        setSettled((previous) => ({ key, data: previous?.data, error: apiError }));
      },
    );
    return () => controller.abort();
  }, [key, url, useCache]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  if (url === null) return { data: undefined, error: undefined, loading: false, stale: false, retry };
  if (cached !== undefined) return { data: cached, error: undefined, loading: false, stale: false, retry };
  const current = settled?.key === key;
  return {
    data: settled?.data,
    error: current ? settled?.error : undefined,
    loading: !current,
    stale: !current || settled?.error !== undefined,
    retry,
  };
}
