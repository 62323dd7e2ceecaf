/**
 * The `liptako` command: a thin shell over the same services the HTTP API calls.
 */
import type { PublishedWarmup } from '../core/published-warmup.js';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { readConfig, type Config } from '../core/config.js';
import { readDataKeys, useDataKeys } from '../core/data-keys.js';
import { openDatabase, type Database } from '../core/db.js';
import { isAppError, formatMessage } from '../core/errors.js';
import { formatBytes } from '../core/http-kit.js';
import { pickLanguage } from '../core/i18n.js';
import { migrate } from '../core/migrate.js';
import { refreshStatistics } from '../core/statistics.js';
import { VERSION } from '../core/version.js';
import { loadDemo } from '../demo/demo.js';
// Loading the composition root registers every module's catalogue entries, before any command runs.
import { MODULES } from '../modules.js';
import { registerAssistanceCommands } from './assistance.js';
import { registerDtmCommands } from './dtm.js';
import { systemActor } from '../access/audit.js';
import { createAdministrator, unlockUserByEmail } from '../access/service.js';
import { GEO_IMPORT_LIMIT, importGeoFile } from '../geo/geo-imports.js';
import { importPlanFile } from '../plans/plan-imports.js';
import { PLAN_IMPORT_LIMIT } from '../plans/service.js';
import { parseDate } from './arguments.js';
import { registerBackupCommands } from './backup.js';
import { progressBar, type ProgressBar } from './progress.js';

// The terminal's locale chooses the language of messages, as for any command-line tool.
const language = pickLanguage((process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG || '').replace('_', '-'));

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return port;
}

function parseLevel(value: string): number {
  const level = Number(value);
  if (!Number.isInteger(level) || level < 0 || level > 5) throw new InvalidArgumentError('an admin level is a whole number from 0 to 5');
  return level;
}

function parseYear(value: string): number {
  const year = Number(value);
  if (!Number.isInteger(year) || year < 1950 || year > 2100) throw new InvalidArgumentError('expected a year such as 2023');
  return year;
}

async function withDatabase<T>(config: Config, work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(config);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

function describeDatabase(config: Config): string {
  return config.databaseUrl === null ? `PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)';
}

async function runMigrations(db: Database): Promise<void> {
  const applied = await migrate(db, { onApplied: (migration) => console.log(`  migration ${migration.version} ${migration.name} applied`) });
  if (applied.length === 0) console.log('  database schema is up to date');
}

async function runDemo(db: Database): Promise<void> {
  let bar: ProgressBar | undefined;
  try {
    await loadDemo(db, MODULES, {
      start: (label) => {
        bar = progressBar(`demo ${label}`);
      },
      update: (done, total) => bar?.update(done, total),
      finish: (lines) => {
        bar?.stop();
        for (const line of lines) console.log(line);
      },
    });
  } finally {
    bar?.stop();
  }
}

async function serve(db: Database, config: Config): Promise<void> {
  for (const module of MODULES) await module.checkAtStart?.(db);
  const interrupted: number[] = [];
  for (const module of MODULES) if (module.jobs?.recover) interrupted.push(...(await module.jobs.recover(db)));
  if (interrupted.length > 0) console.log(`  ${interrupted.length} import(s) cut short by the last stop were marked interrupted; run them again from the import page or with \`liptako dtm retry\`.`);
  // PGlite analyses nothing by itself and PostgreSQL's autovacuum may be a minute away
  // (core/statistics.ts): the demo just loaded, or whatever was written before the last stop, gets
  // its statistics before the first request is planned.
  await refreshStatistics(db, { atStart: true });
  // Loaded only to serve: the other commands never load Fastify and the routes.
  const { buildApp } = await import('../core/http.js');
  const { keepPublishedAnswersWarm } = await import('../core/published-warmup.js');
  const app = await buildApp({
    db,
    modules: MODULES,
    logLevel: config.logLevel,
    trustProxy: config.trustProxy,
    tokenMaxDays: config.tokenMaxDays,
    smallCellThreshold: config.smallCellThreshold,
    timeouts: config.timeouts,
    uploads: config.uploads,
    databaseWaitMs: config.databaseWaitMs,
    webRoot: config.webRoot,
  });
  const shutdown = (signal: string): void => {
    app.log.info({ signal }, 'shutting down');
    app
      .close()
      .then(() => db.close())
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  if (db.kind === 'pglite') {
    // Writes that are not jobs (a geography or plan import, a day of form submissions) are analysed
    // within a minute; the check itself reads the catalogue only.
    const analyse = setInterval(() => {
      refreshStatistics(db).then(
        (tables) => {
          if (tables.length > 0) app.log.info({ tables }, 'statistics refreshed');
        },
        (error: unknown) => app.log.warn({ err: error }, 'statistics refresh failed'),
      );
    }, 60_000);
    analyse.unref();
    app.addHook('onClose', () => clearInterval(analyse));
  }
  if (db.kind === 'postgres') {
    // Other processes may serve this database: the jobs of one that died are found by their
    // heartbeat's age, now and then, not only at start-up (docs/scaling.md).
    const sweep = setInterval(() => {
      for (const module of MODULES) {
        module.jobs?.recover?.(db).then(
          (ids) => {
            if (ids.length > 0) app.log.warn({ jobs: ids }, 'jobs of a stopped process marked interrupted');
          },
          (error: unknown) => app.log.warn({ err: error }, 'job sweep failed'),
        );
      }
    }, 30_000);
    sweep.unref();
    app.addHook('onClose', () => clearInterval(sweep));
  }
  let warmup: PublishedWarmup | null = null;
  app.addHook('onClose', (_instance, done) => {
    warmup?.stop();
    done();
  });
  await app.listen({ port: config.port, host: config.host });
  // The public answers callers ask most, computed before they ask (core/published-warmup.ts).
  warmup = keepPublishedAnswersWarm(app, MODULES, db);
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  console.log(`\nLiptako ${VERSION} is running on ${describeDatabase(config)}.`);
  console.log(`  Open http://${shownHost}:${port}/  ·  API documentation: http://${shownHost}:${port}/api/docs`);
  console.log('  Stop it with Ctrl+C.\n');
}

const program = new Command()
  .name('liptako')
  .description('Liptako: information system for the Central Sahel crisis response.')
  .version(VERSION)
  .showHelpAfterError()
  // Every command may read or write sealed personal data (the demo, restore, the server): the
  // keys are read, or the first one made, before any of them runs.
  .hook('preAction', () => useDataKeys(readDataKeys(process.env, readConfig().dataDir)));

const serverOptions = (command: Command): Command =>
  command
    .addOption(new Option('-p, --port <port>', 'port to listen on (env PORT)').argParser(parsePort))
    .addOption(new Option('-H, --host <host>', 'address to listen on (env HOST)'));

serverOptions(
  program
    .command('serve')
    .description('Migrate the database if needed and serve the API and web app.'),
).action(async (options: { port?: number; host?: string }) => {
  const config = { ...readConfig(), ...options };
  const db = await openDatabase(config);
  await runMigrations(db);
  await serve(db, config);
});

serverOptions(
  program
    .command('start')
    .description('First-run friendly: migrate, load the demo data once, and serve (what `npm start` runs).'),
).action(async (options: { port?: number; host?: string }) => {
  const config = { ...readConfig(), ...options };
  console.log(`Liptako ${VERSION} — database: ${describeDatabase(config)}`);
  const db = await openDatabase(config);
  await runMigrations(db);
  await runDemo(db);
  await serve(db, config);
});

program
  .command('migrate')
  .description('Apply the database migrations that are missing.')
  .action(async () => {
    const config = readConfig();
    await withDatabase(config, runMigrations);
  });

program
  .command('demo')
  .description('Load the demo data (the admin units of Burkina Faso, Mali and Niger). Loading it again changes nothing.')
  .action(async () => {
    const config = readConfig();
    await withDatabase(config, async (db) => {
      await runMigrations(db);
      await runDemo(db);
    });
  });

const geoCommand = program.command('geo').description('Geography: gazetteers, boundaries, population.');

geoCommand
  .command('import')
  .description(
    'Import geography files: the HDX global P-code CSV, COD-AB boundaries (GeoJSON or TopoJSON) or a COD-PS population CSV. ' +
      'Each file is one transaction; importing the same file again changes nothing.',
  )
  .argument('<files...>', 'files to import, in order (gazetteer before boundaries and population)')
  .addOption(new Option('--valid-from <date>', 'the boundaries are a new version valid from this date (boundary reform)').argParser(parseDate))
  .addOption(new Option('--year <year>', 'reference year of a population table without a year column').argParser(parseYear))
  .addOption(new Option('--level <level>', 'admin level to read a population table at (0 for a national table)').argParser(parseLevel))
  .option('--skip-refused', 'import the valid rows and skip refused ones instead of refusing the file')
  .option('--pcode-property <name>', 'boundaries: the feature property holding the P-codes, when it is not detected')
  .option('--name-property <name>', 'boundaries: the feature property holding the unit names')
  .action(async (files: string[], options: { validFrom?: string; year?: number; level?: number; skipRefused?: boolean; pcodeProperty?: string; nameProperty?: string }) => {
    const config = readConfig();
    await withDatabase(config, async (db) => {
      await migrate(db);
      for (const file of files) {
        const size = statSync(file).size;
        if (size > GEO_IMPORT_LIMIT) {
          throw new CliError(`${file}: ${formatMessage('request.tooLarge', language, { limit: formatBytes(GEO_IMPORT_LIMIT) })}`);
        }
        const bar = progressBar(path.basename(file));
        try {
          const report = await importGeoFile(db, {
            bytes: readFileSync(file),
            fileName: path.basename(file),
            validFrom: options.validFrom,
            year: options.year,
            level: options.level,
            skipRefused: options.skipRefused,
            pcodeProperty: options.pcodeProperty,
            nameProperty: options.nameProperty,
            language,
            onProgress: (done, total) => bar.update(done, total),
            actor: systemActor('cli'),
          });
          bar.stop();
          printReport(report);
        } finally {
          bar.stop();
        }
      }
    });
  });

const usersCommand = program.command('users').description('User accounts.');

usersCommand
  .command('create-admin')
  .description('Create the first administrator (or another one). The password is read from LIPTAKO_ADMIN_PASSWORD or asked for.')
  .requiredOption('--email <email>', 'e-mail address, used to sign in')
  .requiredOption('--name <name>', 'full name')
  .addOption(new Option('--language <language>', 'language of the account').choices(['fr', 'en']).default('fr'))
  .action(async (options: { email: string; name: string; language: 'fr' | 'en' }) => {
    const password = process.env.LIPTAKO_ADMIN_PASSWORD ?? (await askPassword());
    const config = readConfig();
    await withDatabase(config, async (db) => {
      await migrate(db);
      const user = await createAdministrator(db, { email: options.email, name: options.name, password, language: options.language });
      console.log(`Administrator ${user.email} created (id ${user.id}). Sign in at the web app.`);
    });
  });

usersCommand
  .command('unlock')
  .description('Clear the sign-in slow-down of an account (after wrong passwords), from every address.')
  .requiredOption('--email <email>', 'e-mail address of the account')
  .action(async (options: { email: string }) => {
    const config = readConfig();
    await withDatabase(config, async (db) => {
      await migrate(db);
      const user = await unlockUserByEmail(db, systemActor('cli'), options.email);
      console.log(`Sign-in of ${user.email} unlocked: the next attempt from any address is checked at once.`);
    });
  });

async function askPassword(): Promise<string> {
  if (!process.stdin.isTTY) throw new CliError('Give the password in LIPTAKO_ADMIN_PASSWORD (no terminal to ask it in).');
  const { createInterface } = await import('node:readline/promises');
  const terminal = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await terminal.question('Password (at least 12 characters, not a common one): ');
  } finally {
    terminal.close();
  }
}

const plansCommand = program.command('plans').description('Response plans and funding.');

plansCommand
  .command('import')
  .description(
    'Import plan files: a plan definition (YAML or JSON, see docs/plan-definition.md), an FTS requirements-and-funding CSV, ' +
      'or FTS flows (CSV or JSON). Each file is one transaction; the same file again changes nothing; flows are matched by FTS id.',
  )
  .argument('<files...>', 'files to import, in order')
  .option('--skip-refused', 'import the valid rows and skip refused ones instead of refusing the file')
  .action(async (files: string[], options: { skipRefused?: boolean }) => {
    const config = readConfig();
    await withDatabase(config, async (db) => {
      await migrate(db);
      for (const file of files) {
        const size = statSync(file).size;
        if (size > PLAN_IMPORT_LIMIT) {
          throw new CliError(`${file}: ${formatMessage('request.tooLarge', language, { limit: formatBytes(PLAN_IMPORT_LIMIT) })}`);
        }
        const report = await importPlanFile(db, {
          bytes: readFileSync(file),
          fileName: path.basename(file),
          actor: systemActor('cli'),
          language,
          skipRefused: options.skipRefused,
        });
        if (report.alreadyImported) {
          console.log(`${report.fileName}: already imported (import ${report.id}); nothing changed.`);
          continue;
        }
        console.log(`${report.fileName}: ${report.kind} · import ${report.id}`);
        for (const plan of report.plans) console.log(`  plan ${plan.code}: ${plan.outcome}`);
        const contributions = report.contributions;
        if (contributions.added + contributions.updated + contributions.unchanged > 0) {
          console.log(`  contributions: added ${contributions.added} · updated ${contributions.updated} · unchanged ${contributions.unchanged}`);
        }
        if (report.skipped.length > 0) console.log(`  skipped ${report.skipped.length} row(s) without an appeal code (funding outside appeals)`);
        for (const refused of report.refused.slice(0, 50)) {
          console.log(`  refused row ${refused.row}${refused.column ? ` column ${refused.column}` : ''}: ${refused.message}`);
        }
      }
    });
  });

registerAssistanceCommands(program);
registerBackupCommands(program);
registerDtmCommands(program, language);

function printReport(report: Awaited<ReturnType<typeof importGeoFile>>): void {
  const where = [report.country, report.level === null ? null : `admin${report.level}`].filter(Boolean).join(' ');
  if (report.alreadyImported) {
    console.log(`${report.fileName}: already imported (import ${report.id}); nothing changed.`);
    return;
  }
  console.log(`${report.fileName}: ${report.kind}${where ? ` · ${where}` : ''} · import ${report.id}`);
  console.log(`  added ${report.added} · updated ${report.updated} · unchanged ${report.unchanged} · refused ${report.refused.length}`);
  for (const version of report.versions) {
    console.log(`  new version of ${version.country} admin${version.level} from ${version.validFrom} (${version.closed} earlier units closed)`);
  }
  const list = (label: string, pcodes: string[]): void => {
    if (pcodes.length === 0) return;
    const shown = pcodes.slice(0, 20).join(', ');
    console.log(`  ${label} (${pcodes.length}): ${shown}${pcodes.length > 20 ? ', …' : ''}`);
  };
  list('in the file but not in the gazetteer', report.withoutGazetteer);
  list('in the gazetteer but without geometry', report.withoutGeometry);
  for (const mismatch of report.nameMismatches) {
    console.log(`  name differs for ${mismatch.pcode}: gazetteer “${mismatch.gazetteerName}”, file “${mismatch.fileName}”`);
  }
  for (const refused of report.refused.slice(0, 50)) {
    console.log(`  refused row ${refused.row}${refused.column ? ` column ${refused.column}` : ''}: ${refused.message}`);
  }
}

class CliError extends Error {}

program.parseAsync(process.argv).catch((error: unknown) => {
  if (isAppError(error)) {
    console.error(`liptako: ${error.localisedMessage(language)}`);
    const details = error.details as { refused?: Array<{ row: number; column: string | null; message: string }> } | undefined;
    for (const refused of details?.refused?.slice(0, 50) ?? []) {
      console.error(`  row ${refused.row}${refused.column ? ` column ${refused.column}` : ''}: ${refused.message}`);
    }
  } else if (error instanceof CliError) {
    console.error(`liptako: ${error.message}`);
  } else if (error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'EACCES' || error.code === 'EISDIR')) {
    console.error(`liptako: ${error.message}`);
  } else {
    console.error('liptako: unexpected error', error);
  }
  process.exit(1);
});
