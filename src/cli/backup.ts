/**
 * `liptako backup <file>` and `liptako restore <file> [--force]`: a thin shell over core/backup.ts.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { recordAudit, systemActor } from '../access/audit.js';
import { backupDatabase } from '../core/backup.js';
import { restoreDatabase } from '../core/restore.js';
import { readConfig, type Config } from '../core/config.js';
import { openDatabase } from '../core/db.js';
import { AppError } from '../core/errors.js';
import { formatBytes } from '../core/http-kit.js';
import { progressBar } from './progress.js';

function describeDatabase(config: Config): string {
  return config.databaseUrl === null ? `PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)';
}

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Registers the two commands; errors travel up to the program's handler, which localises them. */
export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description(
      'Write a backup of the whole database (every table, the audit log included) to a gzip-compressed file that ' +
        '`liptako restore` reads into PGlite or PostgreSQL. On PostgreSQL it can run while the server runs (it reads one ' +
        'consistent snapshot); a PGlite data folder is used by one process at a time, so stop the server first. ' +
        'The file holds personal data: store it encrypted (see docs/operations.md).',
    )
    .argument('<file>', 'the backup file to write (replaced if it exists; written in full or not at all)')
    .action(async (file: string) => {
      const config = readConfig();
      const target = path.resolve(file);
      // The folder must exist: the error then names it, not the temporary file inside it.
      statSync(path.dirname(target));
      // Opening a PGlite folder creates it: a mistyped folder must not give a backup of nothing.
      if (config.databaseUrl === null && !existsSync(config.dataDir)) throw new AppError('backup.sourceEmpty', { database: describeDatabase(config) });
      const db = await openDatabase(config);
      const bar = progressBar('backup');
      try {
        const startedAt = Date.now();
        const report = await backupDatabase(db, target, { onProgress: (done, total) => bar.update(done, total) });
        bar.stop();
        // A read: nothing to commit with it; the row says who took a copy of everything, and when.
        await recordAudit(db, systemActor('cli'), {
          action: 'backup.create',
          objectType: 'database',
          summary: { file: path.basename(target), bytes: report.bytes, rows: report.rows, migrationLevel: report.header.migrationLevel, via: 'cli' },
        });
        console.log(
          `Backup of ${describeDatabase(config)} written to ${target}: ${formatBytes(report.bytes)}, ${report.tables} tables, ` +
            `${report.rows} rows, migration level ${report.header.migrationLevel}, in ${seconds(startedAt)}.`,
        );
        console.log('  It holds personal data and the audit log: keep it encrypted, readable by administrators only.');
      } finally {
        bar.stop();
        await db.close();
      }
    });

  program
    .command('restore')
    .description(
      'Restore a backup written by `liptako backup` into the configured database (PGlite folder or DATABASE_URL), in one ' +
        'transaction: if anything fails, the database stays as it was. The database must be empty (new, or only migrated) ' +
        'unless --force; an older backup is migrated to this version afterwards. A PGlite folder must not be in use.',
    )
    .argument('<file>', 'the backup file to read')
    .option('--force', 'replace the data of a database that already holds some (everything in it is replaced by the backup)')
    .action(async (file: string, options: { force?: boolean }) => {
      const config = readConfig();
      const source = path.resolve(file);
      // Fails early, naming the file, before a PGlite folder is created for nothing.
      statSync(source);
      const db = await openDatabase(config);
      const bar = progressBar('restore');
      try {
        const startedAt = Date.now();
        const report = await restoreDatabase(db, source, { force: options.force, onProgress: (done, total) => bar.update(done, total) });
        bar.stop();
        const header = report.header;
        // After the restore, into the restored log (the restore replaced the one before it).
        await recordAudit(db, systemActor('cli'), {
          action: 'backup.restore',
          objectType: 'database',
          summary: {
            file: path.basename(source),
            createdAt: header.createdAt,
            from: header.database,
            rows: report.rows,
            replacedData: report.replacedData,
            via: 'cli',
          },
        });
        console.log(
          `Restored ${path.basename(source)} (taken ${header.createdAt} from ${header.database === 'pglite' ? 'PGlite' : 'PostgreSQL'}, ` +
            `Liptako ${header.liptakoVersion}) into ${describeDatabase(config)}: ${report.tables} tables, ${report.rows} rows, in ${seconds(startedAt)}.`,
        );
        if (report.migrationLevel !== header.migrationLevel) {
          console.log(`  migrated from level ${header.migrationLevel} to ${report.migrationLevel}`);
        }
        if (report.replacedData) console.log('  the data that was in the database before was replaced (--force)');
      } finally {
        bar.stop();
        await db.close();
      }
    });
}
