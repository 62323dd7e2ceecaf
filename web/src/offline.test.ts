import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SAVED_API } from './offline.js';

describe('answers kept for offline use', () => {
  it('are the same addresses for the page (first visit) as for the service worker (vite.config.ts)', () => {
    // The worker's route is a function serialised into the worker: it cannot import SAVED_API.
    const config = readFileSync(new URL('../../vite.config.ts', import.meta.url), 'utf8');
    expect(config).toContain(`${SAVED_API.toString()}.test(url.pathname + url.search)`);
  });

  it('cover the first pages and never personal data', () => {
    for (const url of ['/api/auth/me', '/api/plans', '/api/plans/IOM-CSAHEL-2021', '/api/dtm/operations/MLI-CONFLICT/summary', '/api/dtm/operations/MLI-CONFLICT/admin?level=1', '/api/geo/boundaries?country=ML&level=1']) {
      expect(SAVED_API.test(url), url).toBe(true);
    }
    for (const url of ['/api/users', '/api/audit', '/api/assistance/members', '/api/authx', '/api/plansx']) expect(SAVED_API.test(url), url).toBe(false);
  });
});
