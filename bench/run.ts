/**
 * Benchmarks (`npm run bench`). Machines here are noisy, so every figure is printed beside a
 * baseline measured in the same run, as a ratio. Runs on PGlite, and on PostgreSQL too when
 * BENCH_DATABASE_URL (or TEST_DATABASE_URL) is set.
 *
 * - Gazetteer import: a generated gazetteer of 10,000 admin units through the real import
 *   (parse, normalise, validate, version, store) against a raw INSERT … SELECT unnest of the same
 *   rows into a bare table.
 * - Unit search: p50/p95 of GET /api/geo/units (name search, in-process HTTP) against the same
 *   SQL run directly.
 * - DTM import, import memory and dashboard: see bench/dtm.ts.
 * - Upload memory: peak RSS of the built server with four 200 MB uploads at once (bench/uploads.ts).
 * - Field collection: submissions over loopback and the CSV zip export (bench/collection.ts;
 *   BENCH_COLLECTION_ON=postgres or pglite for one database only).
 * - 4W: a 200,000-row 5W import and the gaps/overlaps dashboard over it (bench/response.ts).
 * - Assistance duplicates: quality on FEBRL 1–3 and fake_1000 against exact name + birth year
 *   (BENCH_ONLY=linkage), and detection over a generated registry of BENCH_LINKAGE_PEOPLE people
 *   (BENCH_ONLY=linkage-scale; BENCH_LINKAGE_ON=postgres or pglite for one database only;
 *   BENCH_LINKAGE_PGLITE=disk for PGlite in a data folder rather than in memory) (bench/linkage.ts).
 */
import { loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { systemActor } from '../src/access/audit.js';
import { PgliteDatabase, PostgresDatabase, type Database } from '../src/core/db.js';
import { buildApp } from '../src/core/http.js';
import { MODULES } from '../src/modules.js';
import { migrate } from '../src/core/migrate.js';
import { importGeoFile } from '../src/geo/geo-imports.js';
import { nameKey } from '../src/geo/names.js';
import { benchDashboard, benchDtmImport, benchFolder, CHILD_HEAP_MB, peakMemory, writeBenchFile } from './dtm.js';
import { benchCollection } from './collection.js';
import { benchResponse } from './response.js';
import { benchUploads } from './uploads.js';
import { benchLinkageQuality, benchLinkageScale } from './linkage.js';

const SYLLABLES = ['ba', 'di', 'ko', 'ma', 'sa', 'ta', 'ni', 'go', 'ro', 'bou', 'dou', 'kan', 'fo', 'lé', 'mé'];

function placeName(seed: number): string {
  let name = '';
  let value = seed * 2654435761;
  for (let index = 0; index < 3; index++) {
    name += SYLLABLES[Math.abs(value) % SYLLABLES.length];
    value = Math.floor(value / 7) + 13;
  }
  return name.charAt(0).toUpperCase() + name.slice(1);
}

interface GeneratedUnit {
  level: number;
  pcode: string;
  name: string;
  parent: string;
}

/** Burkina-style P-codes: 20 regions × 20 provinces × 24 communes + parents = 10,020 units. */
function generateUnits(): GeneratedUnit[] {
  const units: GeneratedUnit[] = [];
  const two = (n: number): string => String(n).padStart(2, '0');
  for (let region = 1; region <= 20; region++) {
    const regionCode = `BF${two(region)}`;
    units.push({ level: 1, pcode: regionCode, name: placeName(region), parent: 'BFA' });
    for (let province = 1; province <= 20; province++) {
      const provinceCode = `${regionCode}${two(province)}`;
      units.push({ level: 2, pcode: provinceCode, name: placeName(region * 100 + province), parent: regionCode });
      for (let commune = 1; commune <= 24; commune++) {
        units.push({ level: 3, pcode: `${provinceCode}${two(commune)}`, name: placeName(region * 10_000 + province * 100 + commune), parent: provinceCode });
      }
    }
  }
  return units;
}

function gazetteer(units: readonly GeneratedUnit[]): Uint8Array {
  const lines = ['Location,Admin Level,P-Code,Name,Parent P-Code,Valid from date'];
  for (const unit of units) lines.push(`BFA,${unit.level},${unit.pcode},${unit.name},${unit.parent},2020-03-23`);
  return new TextEncoder().encode(lines.join('\n'));
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

async function benchImport(db: Database, units: readonly GeneratedUnit[]): Promise<void> {
  const file = gazetteer(units);
  const [, importMs] = await timed(() => importGeoFile(db, { bytes: file, fileName: 'bench-gazetteer.csv', actor: systemActor('bench') }));

  await db.exec('CREATE TEMP TABLE bench_bare (pcode text, level smallint, parent text, name text, name_key text, valid_from date)');
  const [, rawMs] = await timed(() =>
    db.transaction((tx) =>
      tx.query(
        `INSERT INTO bench_bare SELECT * FROM unnest($1::text[], $2::smallint[], $3::text[], $4::text[], $5::text[], $6::date[])`,
        [
          units.map((unit) => unit.pcode),
          units.map((unit) => unit.level),
          units.map((unit) => unit.parent),
          units.map((unit) => unit.name),
          units.map((unit) => nameKey(unit.name)),
          units.map(() => '2020-03-23'),
        ],
      ),
    ),
  );
  const rate = (units.length / importMs) * 1000;
  const rawRate = (units.length / rawMs) * 1000;
  console.log(
    `  gazetteer import   ${units.length} units: ${rate.toFixed(0)} units/s   baseline raw INSERT: ${rawRate.toFixed(0)} rows/s   ratio ${(rate / rawRate).toFixed(3)}`,
  );
}

async function benchSearch(db: Database): Promise<void> {
  const app = await buildApp({ db, modules: MODULES, logLevel: false, webRoot: null });
  await app.ready();
  const queries = Array.from({ length: 200 }, (_, index) => placeName(index * 37 + 5).slice(0, 4).toLowerCase());
  const httpTimes: number[] = [];
  const sqlTimes: number[] = [];
  for (const query of queries) {
    const [, httpMs] = await timed(() => app.inject({ method: 'GET', url: `/api/geo/units?country=BF&level=3&limit=50&q=${encodeURIComponent(query)}` }));
    httpTimes.push(httpMs);
    const [, sqlMs] = await timed(() =>
      db.query(
        `SELECT u.pcode, u.name, count(*) OVER () AS total FROM admin_unit u
          WHERE u.country = 'BF' AND u.level = 3 AND u.valid_from <= current_date AND (u.valid_to IS NULL OR u.valid_to > current_date)
            AND u.name_key LIKE $1 ORDER BY u.pcode LIMIT 50`,
        [`%${query}%`],
      ),
    );
    sqlTimes.push(sqlMs);
  }
  await app.close();
  httpTimes.sort((a, b) => a - b);
  sqlTimes.sort((a, b) => a - b);
  const line = (times: number[]): string => `p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms`;
  console.log(
    `  unit search (HTTP) ${line(httpTimes)}   baseline raw SQL: ${line(sqlTimes)}   ratio p95 ${(percentile(httpTimes, 95) / percentile(sqlTimes, 95)).toFixed(2)}`,
  );
}

async function scratchPostgres(url: string, suffix = ''): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `liptako_bench_${process.pid}${suffix ? `_${suffix}` : ''}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  return {
    url: scratch.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

async function main(): Promise<void> {
  const units = generateUnits();
  console.log(`Liptako benchmarks (${new Date().toISOString()}, Node ${process.version})`);

  const only = process.env.BENCH_ONLY ?? '';
  // Named exactly: 'linkage' is a part of 'linkage-scale'.
  const linkageQuality = only === '' || only.split(',').includes('linkage');
  const linkageScale = only === '' || only.split(',').includes('linkage-scale');
  const dtmRows = Number(process.env.BENCH_DTM_ROWS ?? 200_000);
  const dashboardRounds = Number(process.env.BENCH_DTM_ROUNDS ?? 10);
  const dashboardLocations = Number(process.env.BENCH_DTM_LOCATIONS ?? 200_000);
  const memoryRows = (process.env.BENCH_DTM_MEMORY_ROWS ?? '200000,1000000').split(',').map(Number).filter((rows) => rows > 0);
  const { folder, dispose } = benchFolder();
  const roundFile = await writeBenchFile(folder, dtmRows);
  const withFresh = async (open: () => Promise<Database>, work: (db: Database) => Promise<void>): Promise<void> => {
    const db = await open();
    try {
      await migrate(db);
      await work(db);
    } finally {
      await db.close();
    }
  };
  const memory = async (url: string | null): Promise<void> => {
    const figures: string[] = [];
    for (const rows of memoryRows) {
      const file = rows === dtmRows ? roundFile : await writeBenchFile(folder, rows);
      const peak = peakMemory(file, url);
      figures.push(`${rows} rows → RSS ${peak?.rss ?? '?'} MB (${peak?.before ?? '?'} MB before the import), heapUsed ${peak?.heap ?? '?'} MB`);
    }
    console.log(`  DTM import memory  peaks of one import (heap capped at ${CHILD_HEAP_MB} MB; load ${loadavg().map((load) => load.toFixed(2)).join(' ')}): ${figures.join('; ')}`);
  };

  console.log('PGlite (in memory)');
  if (only === '' || only.includes('geo')) {
    await withFresh(() => PgliteDatabase.open(), async (db) => {
      await benchImport(db, units);
      await benchSearch(db);
    });
  }
  if (only === '' || only.includes('dtm')) {
    await withFresh(() => PgliteDatabase.open(), async (db) => {
      await benchDtmImport(db, null, roundFile, dtmRows);
      await benchDashboard(db, dashboardRounds, dashboardLocations);
    });
    await memory(null);
  }
  // BENCH_COLLECTION_ON=postgres: posting 100,000 submissions into PGlite takes a quarter of an hour of its own.
  const collectionOn = (process.env.BENCH_COLLECTION_ON ?? 'pglite,postgres').split(',');
  if ((only === '' || only.includes('collection')) && collectionOn.includes('pglite')) await withFresh(() => PgliteDatabase.open(), (db) => benchCollection(db, null));
  if (only === '' || only.includes('response')) await withFresh(() => PgliteDatabase.open(), benchResponse);
  if (only === '' || only.includes('uploads')) await benchUploads('pglite', null);
  if (linkageQuality) benchLinkageQuality();
  // BENCH_LINKAGE_ON=postgres: a million people do not fit PGlite's in-memory database in a run's memory.
  const linkageOn = (process.env.BENCH_LINKAGE_ON ?? 'pglite,postgres').split(',');
  // BENCH_LINKAGE_PGLITE=disk: PGlite in a data folder of the bench's scratch folder rather than in
  // memory (the in-memory database of 100,000 people already takes 0.9 GB of the run's memory).
  const pgliteOnDisk = process.env.BENCH_LINKAGE_PGLITE === 'disk';
  if (linkageScale && linkageOn.includes('pglite')) {
    await withFresh(
      () => PgliteDatabase.open(pgliteOnDisk ? path.join(folder, 'linkage-pglite') : undefined),
      (db) => (pgliteOnDisk ? benchLinkageScale(db, 'PGlite (data folder on disk)', { folder: path.join(folder, 'linkage-pglite') }) : benchLinkageScale(db, 'PGlite')),
    );
  }

  const postgresUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (postgresUrl) {
    console.log('PostgreSQL');
    const scratch = await scratchPostgres(postgresUrl);
    try {
      if (only === '' || only.includes('geo')) {
        await withFresh(() => Promise.resolve(PostgresDatabase.open(scratch.url, { max: 1 })), async (db) => {
          await benchImport(db, units);
          await benchSearch(db);
        });
      }
      if (only === '' || only.includes('dtm')) {
        await withFresh(() => Promise.resolve(PostgresDatabase.open(scratch.url, { max: 4 })), async (db) => {
          await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
          await migrate(db);
          await benchDtmImport(db, scratch.url, roundFile, dtmRows);
          await benchDashboard(db, dashboardRounds, dashboardLocations);
        });
        const child = await scratchPostgres(postgresUrl, 'memory');
        try {
          await memory(child.url);
        } finally {
          await child.drop();
        }
      }
      if ((only === '' || only.includes('collection')) && collectionOn.includes('postgres')) {
        await withFresh(() => Promise.resolve(PostgresDatabase.open(scratch.url, { max: 10 })), async (db) => {
          await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
          await migrate(db);
          await benchCollection(db, scratch.url);
        });
      }
      if (only === '' || only.includes('response')) {
        await withFresh(() => Promise.resolve(PostgresDatabase.open(scratch.url, { max: 4 })), async (db) => {
          await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
          await migrate(db);
          await benchResponse(db);
        });
      }
      if (only === '' || only.includes('uploads')) await benchUploads('postgres', postgresUrl);
      if (linkageScale && linkageOn.includes('postgres')) {
        await withFresh(() => Promise.resolve(PostgresDatabase.open(scratch.url, { max: 4 })), async (db) => {
          await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
          await migrate(db);
          await benchLinkageScale(db, 'PostgreSQL', { url: scratch.url });
        });
      }
    } finally {
      await scratch.drop();
      dispose();
    }
  } else {
    dispose();
    console.log('PostgreSQL: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL)');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
