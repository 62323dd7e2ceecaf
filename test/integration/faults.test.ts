/**
 * Faults that are quick to provoke, in-process: a PostgreSQL server that cannot be reached
 * (nothing listening, every connection cut at once, a server that accepts and never answers)
 * gives 503 with the catalogued `db.unavailable` body in French and English, never a 500 and
 * never a hang. The slow ones (a server killed during edits, PostgreSQL restarted under load, a
 * read-only or full PGlite folder) start real server processes: test/faults, `npm run test:faults`.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { PostgresDatabase, translateDbError } from '../../src/core/db.js';
import { AppError, formatMessage } from '../../src/core/errors.js';
import { buildApp } from '../../src/core/http.js';
import { MODULES } from '../../src/modules.js';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import { contributionState, PLAN } from '../faults/server.js';
import { freePort } from '../support/server.js';

/** A TCP server standing where PostgreSQL should be, misbehaving as told. */
async function fakePostgres(behaviour: 'cut' | 'silent'): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (behaviour === 'cut') socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function expectUnavailable(app: LiptakoApp, method: 'GET' | 'POST', url: string, language: 'fr' | 'en'): Promise<void> {
  const response = await app.inject({ method, url, headers: { 'accept-language': language }, ...(method === 'POST' ? { payload: contributionState(1) } : {}) });
  expect(response.statusCode, response.body).toBe(503);
  expect(response.headers['content-language']).toBe(language);
  expect(response.json()).toEqual({ error: { code: 'db.unavailable', message: formatMessage('db.unavailable', language) } });
}

describe('a PostgreSQL server that cannot be reached', () => {
  it('has the catalogued error in French and English', () => {
    expect(formatMessage('db.unavailable', 'en')).toMatch(/database is unavailable/);
    expect(formatMessage('db.unavailable', 'fr')).toMatch(/base de données est momentanément indisponible/);
    expect(new AppError('db.unavailable').status).toBe(503);
  });

  it('translates the connection losses node-postgres reports without a SQLSTATE', () => {
    for (const message of ['Connection terminated unexpectedly', 'Client has encountered a connection error and is not queryable', 'timeout exceeded when trying to connect']) {
      expect(translateDbError(new Error(message)), message).toMatchObject({ code: 'db.unavailable', status: 503 });
    }
    const programmingError = new Error('Connection terminated unexpectedly, said the test');
    expect(translateDbError(programmingError)).toBe(programmingError);
  });

  const cases: Array<{ name: string; open: () => Promise<{ url: string; close: () => Promise<void> }> }> = [
    { name: 'nothing listening', open: async () => ({ url: `postgres://root@127.0.0.1:${await freePort()}/liptako`, close: () => Promise.resolve() }) },
    {
      name: 'every connection cut at once',
      open: async () => {
        const fake = await fakePostgres('cut');
        return { url: `postgres://root@127.0.0.1:${fake.port}/liptako`, close: fake.close };
      },
    },
  ];
  for (const { name, open } of cases) {
    it(`answers 503 db.unavailable when ${name}, reads and writes, in both languages`, async () => {
      const target = await open();
      const db = PostgresDatabase.open(target.url, { max: 2 });
      const app = await buildApp({ db, modules: MODULES, logLevel: false, webRoot: null });
      try {
        await expectUnavailable(app, 'GET', '/api/health', 'en');
        await expectUnavailable(app, 'GET', `/api/plans/${PLAN}`, 'fr');
        await expectUnavailable(app, 'GET', '/hapi/v2/coordination-context/funding', 'en');
        await expectUnavailable(app, 'POST', `/api/plans/${PLAN}/contributions`, 'fr');
      } finally {
        await app.close();
        await db.close();
        await target.close();
      }
    });
  }

  it('answers 503 db.unavailable, not a hang, when the server accepts and never speaks', async () => {
    const fake = await fakePostgres('silent');
    const db = PostgresDatabase.open(`postgres://root@127.0.0.1:${fake.port}/liptako`, { max: 2 });
    const app = await buildApp({ db, modules: MODULES, logLevel: false, webRoot: null });
    try {
      const started = Date.now();
      await expectUnavailable(app, 'GET', '/api/plans', 'en');
      // The pool's connection timeout (5 s) bounds the wait.
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await app.close();
      await db.close();
      await fake.close();
    }
  }, 30_000);
});
