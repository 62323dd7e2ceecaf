import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PgliteDatabase } from '../../src/core/db.js';
import { migrate, migrationLevel } from '../../src/core/migrate.js';

describe('the PGlite data folder', () => {
  const folders: string[] = [];
  const folder = (): string => {
    const created = mkdtempSync(path.join(tmpdir(), 'liptako-folder-'));
    folders.push(created);
    return created;
  };
  afterEach(() => {
    for (const created of folders.splice(0)) rmSync(created, { recursive: true, force: true });
  });

  it('keeps data between openings', async () => {
    const dataDir = folder();
    const first = await PgliteDatabase.open(dataDir);
    await migrate(first);
    await first.close();
    const second = await PgliteDatabase.open(dataDir);
    expect(await migrationLevel(second)).toBeGreaterThanOrEqual(2);
    await second.close();
  });

  it('refuses a second opener while the first holds it, with a catalogued error', async () => {
    const dataDir = folder();
    const first = await PgliteDatabase.open(dataDir);
    try {
      // The lock names a live process other than this one (the test runner's parent).
      writeFileSync(path.join(dataDir, 'liptako.lock'), String(process.ppid));
      await expect(PgliteDatabase.open(dataDir)).rejects.toMatchObject({ code: 'db.locked', status: 503 });
    } finally {
      await first.close();
    }
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const dataDir = folder();
    writeFileSync(path.join(dataDir, 'liptako.lock'), '2147483646');
    const db = await PgliteDatabase.open(dataDir);
    await migrate(db);
    expect(await migrationLevel(db)).toBeGreaterThanOrEqual(2);
    await db.close();
  });
});
