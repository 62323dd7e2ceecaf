/**
 * Published answers computed before their first caller. Computing the DTM API's answer for an
 * operation takes 65–150 ms (PGlite parses every aggregated row in JavaScript); answering it from
 * the cache takes about a millisecond. So a serving process asks the paths its modules name
 * (LiptakoModule.publishedPaths) of itself, anonymously, once it has started, and again shortly
 * after each change of the versions in this process (a publication, an import): answers whose
 * versions did not change are cache hits, the others are recomputed before HDX's scraper or a
 * partner's dashboard asks. Another process sharing the database recomputes on its next request.
 */
import type { Queryable } from './db.js';
import type { LiptakoApp } from './http-kit.js';
import type { LiptakoModule } from './module.js';
import { onVersionsChanged } from './versions.js';

export interface PublishedWarmup {
  /** Resolves once no pass is waiting or running (tests). */
  idle(): Promise<void>;
  stop(): void;
}

/** After a change, how long to wait for the writes around it to settle before asking again. */
const DEFAULT_DELAY_MS = 1_000;

export function keepPublishedAnswersWarm(
  app: LiptakoApp,
  modules: readonly LiptakoModule[],
  db: Queryable,
  options: { delayMs?: number } = {},
): PublishedWarmup {
  const delayMs = options.delayMs ?? DEFAULT_DELAY_MS;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let settled: Promise<void> | null = null;

  const pass = async (): Promise<void> => {
    for (const module of modules) {
      if (module.publishedPaths === undefined) continue;
      for (const url of await module.publishedPaths(db)) {
        // Compressed once per encoding and kept: asked in each, so the first caller waits for neither.
        for (const encoding of ['br', 'gzip']) {
          if (stopped) return;
          const response = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': encoding } });
          // A path a module names that does not answer is a defect to see in the log, not a reason to stop.
          if (response.statusCode !== 200) app.log.warn({ url, status: response.statusCode }, 'published answer not computed ahead');
        }
      }
    }
  };

  const schedule = (delay: number): void => {
    if (stopped || timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      running = running.then(pass).catch((error: unknown) => {
        if (!stopped) app.log.warn({ err: error }, 'published answers not computed ahead');
      });
    }, delay);
    timer.unref();
  };

  const unsubscribe = onVersionsChanged(() => schedule(delayMs));
  schedule(0);
  return {
    idle: async () => {
      // A pass may schedule nothing new, but a change during one schedules the next: wait until neither.
      while (timer !== null || running !== settled) {
        if (timer !== null) await new Promise((resolve) => setTimeout(resolve, Math.min(delayMs, 20)));
        settled = running;
        await running;
      }
    },
    stop: () => {
      stopped = true;
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
