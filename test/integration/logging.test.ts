import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteDatabase } from '../../src/core/db.js';
import { buildApp } from '../../src/core/http.js';
import { MODULES } from '../../src/modules.js';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import { migrate } from '../../src/core/migrate.js';
import { gazetteerCsv, importGeo } from '../support/geo.js';

describe('request logs', () => {
  const lines: string[] = [];
  let db: PgliteDatabase;
  let app: LiptakoApp;

  beforeAll(async () => {
    db = await PgliteDatabase.open();
    await migrate(db);
    app = await buildApp({ db, modules: MODULES, logLevel: 'info', logStream: { write: (line) => lines.push(line) }, webRoot: null });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('are JSON lines with method, path and status, and never bodies or query values', async () => {
    const secretName = 'Aminata Traoré 76 12 34 56';
    await importGeo(app, gazetteerCsv([['MLI', 1, 'ML05', secretName, 'MLI', '2021-12-20']]), 'persons.csv');
    await app.inject({ method: 'GET', url: `/api/geo/units?q=${encodeURIComponent(secretName)}` });
    await app.inject({ method: 'GET', url: '/api/nowhere' });

    expect(lines.length).toBeGreaterThan(0);
    const entries = lines.map((line) => JSON.parse(line) as { req?: { method: string; path: string }; res?: { statusCode: number } });
    expect(entries.some((entry) => entry.req?.method === 'POST' && entry.req.path === '/api/geo/imports')).toBe(true);
    expect(entries.some((entry) => entry.res?.statusCode === 404)).toBe(true);
    const everything = lines.join('\n');
    expect(everything).not.toContain('Aminata');
    expect(everything).not.toContain('Traor');
    expect(everything).not.toContain('persons.csv');
  });
});
