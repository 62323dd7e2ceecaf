import { useEffect, useRef } from 'react';
import { getJson } from './api.js';

/** Waits between polls of a job: short at first, then longer (a satellite link pays per request). */
export function pollDelay(attempt: number): number {
  return Math.min(3000, 500 + attempt * 250);
}

/**
 * Polls a long job (an import) at `url` (null: none running) until it ends, telling `onJob` each
 * state and whether it is over. A lost poll is not a failed job: it is tried again a little later.
 */
export function useJobPoll<Job extends { status: string }>(url: string | null, onJob: (job: Job, done: boolean) => void): void {
  // The latest callback, without restarting the polling each render.
  const latest = useRef(onJob);
  useEffect(() => {
    latest.current = onJob;
  });
  useEffect(() => {
    if (url === null) return undefined;
    let cancelled = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout>;
    const poll = () => {
      timer = setTimeout(() => {
        getJson<{ job: Job }>(url).then(
          ({ job }) => {
            if (cancelled) return;
            attempt += 1;
            const done = job.status !== 'running' && job.status !== 'queued';
            latest.current(job, done);
            if (!done) poll();
          },
          () => {
            if (cancelled) return;
            attempt += 1;
            poll();
          },
        );
      }, pollDelay(attempt));
    };
    poll();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [url]);
}
