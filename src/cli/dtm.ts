/** `liptako dtm …`: displacement-tracking rounds from the command line, over the same services as the web app. */
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { systemActor } from '../access/audit.js';
import { readConfig } from '../core/config.js';
import { openDatabase, type Database } from '../core/db.js';
import { formatMessage, type Language } from '../core/errors.js';
import { formatBytes } from '../core/http-kit.js';
import * as jobs from '../core/jobs.js';
import { migrate } from '../core/migrate.js';
import { type ColumnMapping } from '../displacement/fields.js';
import { isRoundField } from '../shared/displacement.js';
import * as dtm from '../displacement/service.js';
import * as dtmImports from '../displacement/dtm-imports.js';
import * as dtmUploads from '../displacement/dtm-uploads.js';
import { parseDate } from './arguments.js';
import { progressBar } from './progress.js';

/**
 * The CLI acts as the system (`system:cli` in the audit log): whoever can run it on the server
 * already holds the database. Its writes are audited by the services, as the web app's are.
 */
const CLI = systemActor('cli');

function parseRound(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 10_000) throw new InvalidArgumentError('expected a round number such as 12');
  return number;
}

function parseType(value: string): 'BA' | 'SA' {
  const upper = value.toUpperCase();
  if (upper !== 'BA' && upper !== 'SA') throw new InvalidArgumentError('expected BA (baseline area) or SA (site/location assessment)');
  return upper;
}

function collectMapping(value: string, previous: ColumnMapping = {}): ColumnMapping {
  const at = value.lastIndexOf('=');
  const header = value.slice(0, at).trim();
  const field = value.slice(at + 1).trim();
  if (at <= 0 || (field !== '' && field !== '-' && !isRoundField(field))) {
    throw new InvalidArgumentError(`expected "header=field" (field one of the canonical fields, or "-" to ignore the column), got "${value}"`);
  }
  return { ...previous, [header]: field === '' || field === '-' ? null : field };
}

async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(readConfig());
  try {
    await migrate(db);
    // Only PGlite's folder lock guarantees no server is importing right now; on PostgreSQL a
    // server may be running, and its jobs are its own to sweep when it starts.
    if (db.kind === 'pglite') await dtmImports.recoverInterruptedImports(db);
    return await work(db);
  } finally {
    await db.close();
  }
}

interface ImportOptions {
  operation: string;
  round: number;
  type: 'BA' | 'SA';
  date: string;
  from?: string;
  to?: string;
  sheet?: string;
  map?: ColumnMapping;
  publish?: boolean;
}

export function registerDtmCommands(program: Command, language: Language): void {
  const command = program.command('dtm').description('Displacement tracking (DTM): import, review and publish rounds.');

  command
    .command('import')
    .description(
      'Import a round file (CSV or XLSX as Kobo/ODK export it or as typed in Excel) into a draft round. Columns are mapped by the ' +
        'mapping confirmed earlier for the same template, else by Liptako’s suggestion when it is complete; --map settles the rest. ' +
        'One final transaction: a crash leaves the round as it was. The same file again is a no-op.',
    )
    .argument('<file>', 'the round file')
    .requiredOption('-o, --operation <code>', 'operation code, e.g. MLI-CONFLICT')
    .requiredOption('-r, --round <number>', 'round number (numbers restart per operation)', parseRound)
    .requiredOption('-t, --type <BA|SA>', 'assessment type: BA baseline area, SA site/location', parseType)
    .requiredOption('-d, --date <YYYY-MM-DD>', 'reference date of the round', parseDate)
    .option('--from <YYYY-MM-DD>', 'first day of data collection', parseDate)
    .option('--to <YYYY-MM-DD>', 'last day of data collection', parseDate)
    .option('--sheet <name>', 'sheet of a workbook (default: the one whose headers Liptako recognises best)')
    .option('--map <header=field>', 'map a column to a canonical field (repeatable; "-" ignores it)', collectMapping)
    .option('--publish', 'publish the round when no finding is left open')
    .action(async (file: string, options: ImportOptions) => {
      const size = statSync(file).size;
      if (size > dtmUploads.DTM_IMPORT_LIMIT) throw new Error(`${file}: ${formatMessage('request.tooLarge', language, { limit: formatBytes(dtmUploads.DTM_IMPORT_LIMIT) })}`);
      await withDatabase(async (db) => {
        // The file streams into its stored parts, as an HTTP upload does; the import then reads
        // it back part by part, and one copy in memory keeps a million-row file within bounds.
        const upload = await dtmUploads.receiveRoundFile(db, createReadStream(file), { fileName: path.basename(file), actor: CLI, operation: options.operation });
        const sheet = upload.sheets.find((candidate) => options.sheet === undefined || candidate.name === options.sheet) ?? upload.sheets.find((candidate) => candidate.name === upload.suggestedSheet) ?? upload.sheets[0]!;
        const mapping = options.map === undefined ? undefined : { ...sheet.mapping, ...options.map };
        const bar = progressBar('import');
        const total = sheet.rows;
        let lastLogged = 0;
        let job: jobs.JobView;
        try {
          job = await dtmImports.startImport(
            db,
            upload.id,
            {
              operation: options.operation,
              roundNumber: options.round,
              assessmentType: options.type,
              referenceDate: options.date,
              collectionStart: options.from ?? null,
              collectionEnd: options.to ?? null,
              sheet: sheet.name === 'CSV' ? null : sheet.name,
              ...(mapping === undefined ? {} : { mapping }),
            },
            {
              actor: CLI,
              background: false,
              onProgress: (phase, done) => {
                if (phase === 'reading') bar.update(done, total);
                // Without a terminal (scripts, CI), a line every 50,000 rows shows the work is alive.
                if (!process.stderr.isTTY && phase === 'reading' && done - lastLogged >= 50_000) {
                  lastLogged = done;
                  process.stderr.write(`  read ${done} of ${total} rows\n`);
                }
                if (phase === 'storing' && !process.stderr.isTTY) process.stderr.write('  storing the round…\n');
              },
            },
          );
        } finally {
          bar.stop();
        }
        const result = job.result as dtmImports.ImportResult;
        if (result.alreadyImported) {
          console.log(`${upload.fileName}: already imported into round ${result.roundNumber} ${result.assessmentType} (import ${result.importId}); nothing changed.`);
          return;
        }
        console.log(`${upload.fileName}: round ${result.roundNumber} ${result.assessmentType} of ${result.operation} (round id ${result.roundId}, draft)`);
        console.log(`  rows read ${result.rowsRead} · stored ${result.rowsStored} · errors ${result.errors} · warnings ${result.warnings}`);
        for (const [rule, count] of Object.entries(result.byRule)) console.log(`    ${rule}: ${count}`);
        const check = result.boundaryCheck;
        if (check === null) console.log('  coordinates not checked: no admin2 boundaries for this country');
        else if (check !== undefined) {
          const version = check.earliestVersion ? ` (round dated before the geography: its earliest boundaries of ${check.version} stood in)` : ` (boundaries of ${check.version})`;
          console.log(`  coordinates checked against admin2 boundaries: ${check.checked} row(s)${version}; ${check.unchecked} without a boundary`);
        }
        if (options.publish) {
          const operation = await dtm.authoriseOperation(db, options.operation, CLI.principal, 'dtm.publish');
          const round = await dtm.changeRoundStatus(db, CLI, operation, result.roundId, 'published');
          console.log(`  round ${round.number} ${round.assessmentType} published`);
        }
      });
    });

  command
    .command('jobs')
    .description('Recent import jobs and their state (interrupted ones can be run again with `dtm retry`).')
    .action(async () => {
      await withDatabase(async (db) => {
        for (const job of await jobs.listJobs(db, dtmUploads.IMPORT_JOB, 20)) {
          const message = jobs.jobErrorMessage(job.error, language);
          console.log(`${String(job.id).padStart(6)}  ${job.status.padEnd(11)} ${typeof job.input.fileName === 'string' ? job.input.fileName : ''}${message ? `  ${message}` : ''}`);
        }
      });
    });

  command
    .command('retry')
    .description('Run a failed or interrupted import again from its kept file.')
    .argument('<job>', 'job id', (value) => parseRound(value))
    .action(async (jobId: number) => {
      await withDatabase(async (db) => {
        const job = await dtmImports.retryImport(db, jobId, { actor: CLI, background: false });
        const result = job.result as dtmImports.ImportResult;
        console.log(`job ${job.id}: ${job.status} · round ${result.roundNumber} ${result.assessmentType} · stored ${result.rowsStored}`);
      });
    });
}
