/**
 * `liptako assistance rekey`: seals the registry's personal data again with the first key of the
 * keyring (a thin shell over assistance/sealing.ts). Run it after putting a new key first; the
 * old key may be removed once it reports nothing left under it.
 */
import type { Command } from 'commander';
import { systemActor } from '../access/audit.js';
import { rekeyPersonalData } from '../assistance/sealing.js';
import { readConfig } from '../core/config.js';
import { openDatabase } from '../core/db.js';
import { migrate } from '../core/migrate.js';
import { progressBar } from './progress.js';

export function registerAssistanceCommands(program: Command): void {
  const assistance = program.command('assistance').description('The assistance registry.');
  assistance
    .command('rekey')
    .description(
      'Seal every registered person’s names, phone and identity document with the first key of LIPTAKO_DATA_KEYS ' +
        '(or of the keys file), whatever key sealed them before; rows stored before sealing existed are sealed too. ' +
        'Safe to run while the server runs, and again: what is already sealed with that key is left alone.',
    )
    .action(async () => {
      const db = await openDatabase(readConfig());
      const bar = progressBar('rekey');
      try {
        await migrate(db);
        const report = await rekeyPersonalData(db, systemActor('cli'), (done, total) => bar.update(done, total));
        bar.stop();
        console.log(`${report.resealed} people sealed again with the current key; ${report.alreadyCurrent} already were.`);
      } finally {
        bar.stop();
        await db.close();
      }
    });
}
