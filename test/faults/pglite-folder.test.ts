/**
 * A PGlite data folder that cannot be written to: on a read-only filesystem, the built server
 * refuses to start with the catalogued `db.folderNotWritable` message (French or English, from
 * the terminal's locale) instead of a stack trace; on a full one, writes answer 503 `db.full`
 * and the process stays up. Either way, once the folder is writable again the database opens,
 * holds exactly what was acknowledged, and takes writes.
 *
 * Root ignores file permissions (CI runs as root), so the folder lives on a small tmpfs that is
 * remounted read-only or filled to 100%. Without root, the read-only case falls back to
 * chmod -R a-w and the full-disk case is skipped, saying so.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PgliteDatabase } from '../../src/core/db.js';
import { formatMessage } from '../../src/core/errors.js';
import type { ContributionView } from '../../src/plans/contributions.js';
import { contributionState, PLAN, request, seedPlan } from './server.js';
import { builtAppPresent, launchServer, ServerExitedError } from '../support/server.js';
import { cleanupAfterAll } from '../support/cleanup.js';

const ROOT = userInfo().uid === 0;

/** A tmpfs of `size` mounted on a new folder, or null (with the reason) when it cannot be. */
function mountTmpfs(size: string): { folder: string; readOnly: (on: boolean) => void; unmount: () => void } | string {
  if (!ROOT) return 'not root: cannot mount a tmpfs';
  const folder = mkdtempSync(path.join(tmpdir(), 'liptako-fs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', folder], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    rmSync(folder, { recursive: true, force: true });
    return `mount -t tmpfs failed: ${mounted.stderr.trim() || mounted.error?.message || `status ${mounted.status}`}`;
  }
  return {
    folder,
    readOnly: (on) => execFileSync('mount', ['-o', `remount,${on ? 'ro' : 'rw'}`, folder]),
    unmount: () => {
      // A lazy unmount if something still holds it (a server that would not stop).
      if (spawnSync('umount', [folder]).status !== 0) spawnSync('umount', ['-l', folder]);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

async function contributions(base: string, token: string): Promise<ContributionView[]> {
  const list = await request<{ contributions: ContributionView[] }>(base, 'GET', `/api/plans/${PLAN}/contributions`, { token });
  expect(list.status, list.text).toBe(200);
  return list.body.contributions;
}

const sorted = (rows: readonly ContributionView[]): string[] => rows.map((row) => `${row.id} ${row.donor} v${row.version} ${row.amountUsd}`).sort();

const built = builtAppPresent();
if (!built) console.warn('[skipped] Liptako is not built: run `npm run build` (npm test does it)');

describe.skipIf(!built)('a PGlite folder that cannot be written to', () => {
  const cleanup = cleanupAfterAll();

  describe('read-only', () => {
    let dataDir: string;
    let token: string;
    let makeReadOnly: (on: boolean) => void;

    beforeAll(async () => {
      const mounted = mountTmpfs('96m');
      if (typeof mounted === 'string') {
        // Without root, permissions do stop the server: chmod is enough.
        const folder = mkdtempSync(path.join(tmpdir(), 'liptako-ro-'));
        cleanup.push(() => rmSync(folder, { recursive: true, force: true }));
        dataDir = path.join(folder, 'data');
        makeReadOnly = (on) => execFileSync('chmod', ['-R', on ? 'a-w' : 'u+w', dataDir]);
        console.log(`read-only folder by chmod (${mounted})`);
      } else {
        cleanup.push(() => mounted.unmount());
        dataDir = path.join(mounted.folder, 'data');
        makeReadOnly = mounted.readOnly;
      }
      mkdirSync(dataDir, { recursive: true });
      const db = await PgliteDatabase.open(dataDir);
      try {
        ({ token } = await seedPlan(db));
      } finally {
        await db.close();
      }
    });

    it('refuses to start with the catalogued message, and opens intact once writable again', async () => {
      makeReadOnly(true);
      cleanup.push(() => makeReadOnly(false));
      for (const [language, locale] of [['en', 'en_GB.UTF-8'], ['fr', 'fr_FR.UTF-8']] as const) {
        const failure = await launchServer({ command: 'serve', runtime: 'built', dataDir, env: { LANG: locale }, startTimeoutMs: 60_000 }).then(
          async (server) => {
            await server.stop();
            return null;
          },
          (error: unknown) => error,
        );
        expect(failure, 'the server started on a read-only folder').toBeInstanceOf(ServerExitedError);
        const { exitCode, output } = failure as ServerExitedError;
        expect(exitCode).toBe(1);
        const reason = ROOT ? 'EROFS' : 'EACCES';
        expect(output).toContain(`liptako: ${formatMessage('db.folderNotWritable', language, { folder: dataDir, reason })}`);
        expect(output).not.toMatch(/unexpected error|\n {4}at /);
      }

      makeReadOnly(false);
      const server = await launchServer({ command: 'serve', runtime: 'built', dataDir });
      try {
        const rows = await contributions(server.url, token);
        expect(rows.map((row) => [row.donor, row.version])).toEqual([[contributionState(0).donor, 1]]);
        const added = await request(server.url, 'POST', `/api/plans/${PLAN}/contributions`, { token, body: contributionState(1) });
        expect(added.status, added.text).toBe(201);
      } finally {
        await server.stop();
      }
    });
  });

  describe('full', () => {
    it('answers 503 db.full while the disk is full, stays up, and keeps exactly what it acknowledged', async (context) => {
      const mounted = mountTmpfs('64m');
      if (typeof mounted === 'string') {
        console.warn(`[skipped] cannot simulate a full disk: ${mounted}`);
        context.skip();
        return;
      }
      cleanup.push(() => mounted.unmount());
      const dataDir = path.join(mounted.folder, 'data');
      const db = await PgliteDatabase.open(dataDir);
      let token: string;
      try {
        ({ token } = await seedPlan(db));
      } finally {
        await db.close();
      }
      const server = await launchServer({ command: 'serve', runtime: 'built', dataDir });
      cleanup.push(() => server.stop());
      const before = await contributions(server.url, token);

      // Fill the filesystem to the last byte.
      const filler = path.join(mounted.folder, 'filler');
      const fd = openSync(filler, 'w');
      for (const size of [1024 * 1024, 4096, 1]) {
        const chunk = Buffer.alloc(size);
        try {
          for (;;) writeSync(fd, chunk);
        } catch (error) {
          expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
        }
      }
      closeSync(fd);

      // Writes (large ones, so that tables must grow) until the database refuses one.
      const accepted: string[] = [];
      const answers: Array<{ status: number; code?: string; message?: string; language: 'fr' | 'en' }> = [];
      for (let index = 1; index <= 400; index += 1) {
        const language = index % 2 === 0 ? 'fr' : 'en';
        const body = { ...contributionState(index), description: `${'Sahel '.repeat(330)}${index}` };
        const response = await request(server.url, 'POST', `/api/plans/${PLAN}/contributions`, { token, body, language });
        answers.push({ status: response.status, code: response.body.error?.code, message: response.body.error?.message, language });
        if (response.status === 201) accepted.push(body.donor);
        else if (answers.filter((answer) => answer.status !== 201).length >= 4) break;
      }
      const refused = answers.filter((answer) => answer.status !== 201);
      expect(refused.length, 'the disk never filled up').toBeGreaterThan(0);
      for (const answer of refused) {
        expect(answer).toEqual({ status: 503, code: 'db.full', message: formatMessage('db.full', answer.language), language: answer.language });
      }
      expect(server.alive(), server.output()).toBe(true);

      // Space again: the same server takes writes again, and a restart finds exactly what was acknowledged.
      rmSync(filler);
      const after = await request(server.url, 'POST', `/api/plans/${PLAN}/contributions`, { token, body: contributionState(1_000) });
      expect(after.status, after.text).toBe(201);
      accepted.push(contributionState(1_000).donor);
      await server.stop();
      const restarted = await launchServer({ command: 'serve', runtime: 'built', dataDir });
      cleanup.push(() => restarted.stop());
      const rows = await contributions(restarted.url, token);
      expect(rows.map((row) => row.donor).sort()).toEqual([...before.map((row) => row.donor), ...accepted].sort());
      expect(sorted(rows.filter((row) => before.some((old) => old.id === row.id)))).toEqual(sorted(before));
      console.log(`full disk: ${accepted.length - 1} large writes accepted, then ${refused.length} refused with 503 db.full; all acknowledged rows found after a restart`);
    });
  });
});
