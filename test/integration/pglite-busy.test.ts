/**
 * PGlite has one connection. Requests queue for it first come, first served, and wait a bounded
 * time: past it they are told the database is busy (503 db.busy with Retry-After) instead of
 * hanging until the client gives up. Cached answers about published data never queue at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FairGate, PgliteDatabase, withoutWaitLimit, withWaitLimit } from '../../src/core/db.js';
import { AppError } from '../../src/core/errors.js';
import { buildApp } from '../../src/core/http.js';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import { migrate } from '../../src/core/migrate.js';
import { MODULES } from '../../src/modules.js';

/** A transaction that holds the connection until `release` is called, as an import's last step does. */
function holdConnection(db: PgliteDatabase): { release: () => void; done: Promise<void> } {
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const done = withoutWaitLimit(() =>
    db.transaction(async (tx) => {
      await tx.query('SELECT 1');
      await gate;
    }),
  );
  return { release, done };
}

describe('the fair gate in front of one connection', () => {
  it('serves in arrival order and refuses, with a Retry-After, a wait past its limit', async () => {
    const gate = new FairGate();
    const order: string[] = [];
    let release = (): void => undefined;
    const first = gate.run(() => new Promise<void>((resolve) => (release = resolve)).then(() => void order.push('first')));
    const note = (name: string) => (): Promise<void> => {
      order.push(name);
      return Promise.resolve();
    };
    const second = gate.run(note('second'));
    const impatient = withWaitLimit(50, () => gate.run(note('impatient')));
    const third = gate.run(note('third'));
    expect(gate.waiting).toBe(3);
    const refused = await impatient.then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('db.busy');
    expect((refused as AppError).status).toBe(503);
    expect((refused as AppError).retryAfter).toBeGreaterThanOrEqual(1);
    expect(gate.waiting).toBe(2);
    release();
    await Promise.all([first, second, third]);
    expect(order).toEqual(['first', 'second', 'third']);
    expect(gate.waiting).toBe(0);
  });
});

describe('PGlite under a long transaction', () => {
  let db: PgliteDatabase;
  let app: LiptakoApp;

  beforeAll(async () => {
    db = await PgliteDatabase.open();
    await migrate(db);
    app = await buildApp({ db, modules: MODULES, webRoot: null, databaseWaitMs: 300 });
    await app.ready();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('answers 503 db.busy with Retry-After past the bounded wait, and cached published answers at once', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    const boundaries = await app.inject({ method: 'GET', url: '/api/geo/boundaries?country=ML&level=1' });
    expect(boundaries.statusCode).toBe(200);
    const etag = boundaries.headers.etag as string;

    const held = holdConnection(db);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = performance.now();
    const [busy, cached, conditional] = await Promise.all([
      app.inject({ method: 'GET', url: '/api/health', headers: { 'accept-language': 'fr' } }),
      app.inject({ method: 'GET', url: '/api/geo/boundaries?country=ML&level=1' }),
      app.inject({ method: 'GET', url: '/api/geo/boundaries?country=ML&level=1', headers: { 'if-none-match': etag } }),
    ]);
    expect(busy.statusCode).toBe(503);
    expect(busy.json()).toMatchObject({ error: { code: 'db.busy' } });
    expect(busy.json<{ error: { message: string } }>().error.message).toMatch(/occupée/);
    expect(Number(busy.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(cached.statusCode).toBe(200);
    expect(cached.body).toBe(boundaries.body);
    expect(conditional.statusCode).toBe(304);

    held.release();
    await held.done;
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
  });
});
