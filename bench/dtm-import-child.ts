/**
 * One DTM import in a fresh process, printing its peak resident memory: `npm run bench` runs it
 * for files of different sizes to show memory stays flat as the file grows.
 */
import { readFileSync, statSync } from 'node:fs';
import { PgliteDatabase, PostgresDatabase, type Database } from '../src/core/db.js';
import { migrate } from '../src/core/migrate.js';
import { importFile, prepareOperation } from './dtm.js';

async function main(): Promise<void> {
  const file = process.argv[2]!;
  const url = process.env.BENCH_CHILD_DATABASE_URL;
  const db: Database = url ? PostgresDatabase.open(url, { max: 2 }) : await PgliteDatabase.open();
  try {
    await migrate(db);
    await prepareOperation(db);
    if (statSync(file).size === 0) throw new Error('empty bench file');
    await importFile(db, readFileSync(file), 1);
    console.log(`maxRssMb=${Math.round(process.resourceUsage().maxRSS / 1024)}`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
