/**
 * Duplicate detection of the assistance registry (issue 13).
 *
 * - linkage: precision, recall and F1 on FEBRL 1–3 and Splink's fake_1000
 *   (../shared/data/record-linkage) for the matcher (Fellegi–Sunter, weights learned by EM) and,
 *   in the same run, for a baseline of exact normalised name + birth year.
 * - linkage-scale: a generated registry of BENCH_LINKAGE_PEOPLE people (default 1,000,000) with
 *   5 % planted second registrations in Sahel spellings, stored in bulk, then the product's own
 *   detection (assistance service detectDuplicates: members read by pages, blocking, EM, scoring,
 *   candidates written to the review queue); wall time, peak RSS of this process (the database
 *   too when it is PGlite, in-process) and F1 of the queue against the planted truth.
 */
import { spawn } from 'node:child_process';
import { highWaterMark, megabytes, phasePrinter } from './memory.js';
import { loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemActor } from '../src/access/audit.js';
import { detectDuplicates, DUPLICATE_THRESHOLD, type DetectionResult } from '../src/assistance/service.js';
import { newDataKeyLine, parseDataKeys, seal, useDataKeys } from '../src/core/data-keys.js';
import { PgliteDatabase, type Database } from '../src/core/db.js';
import { generateRegistry, type GeneratedHousehold } from '../src/demo/registry-generator.js';
import { createOrganisation } from '../src/response/service.js';
import { evaluate, evaluateChosen, fake1000, febrl, formatChosen, formatEvaluation, halfOfClericalLabels, missingLinkageFiles, queueSample } from '../test/support/record-linkage.js';

export function benchLinkageQuality(): void {
  const missing = missingLinkageFiles();
  if (missing.length > 0) {
    console.log(`  linkage quality    skipped: missing ${missing.join(', ')}`);
    return;
  }
  console.log(`  linkage quality    threshold: probability ≥ ${DUPLICATE_THRESHOLD}; "clustered": pairs joined into people (connected components)`);
  for (const registry of [febrl(1), febrl(2), febrl(3), fake1000()]) console.log(formatEvaluation(evaluate(registry, DUPLICATE_THRESHOLD)));
  // The threshold chosen from labels (src/assistance/threshold.ts, as detection chooses it from
  // the reviewers' decisions), scored on the pairs not labelled.
  console.log('  linkage threshold  chosen from a labelled sample, evaluated on the truth of the other pairs');
  for (const registry of [febrl(1), febrl(2), febrl(3)]) console.log(formatChosen(evaluateChosen(registry, DUPLICATE_THRESHOLD, queueSample(200))));
  console.log(formatChosen(evaluateChosen(fake1000(), DUPLICATE_THRESHOLD, halfOfClericalLabels)));
}

/** Peak RSS and peak JS memory (heap and array buffers) while work runs, sampled every 50 ms. */
async function withPeakMemory<T>(work: () => Promise<T>): Promise<[T, { rss: number; js: number }]> {
  const js = (): number => {
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  const peak = { rss: process.memoryUsage.rss(), js: js() };
  const sample = (): void => {
    peak.rss = Math.max(peak.rss, process.memoryUsage.rss());
    peak.js = Math.max(peak.js, js());
  };
  const timer = setInterval(sample, 50);
  try {
    const result = await work();
    sample();
    return [result, peak];
  } finally {
    clearInterval(timer);
  }
}

const mb = megabytes;

/** The generated households stored in bulk (ids given here, so the planted truth is known by member id). */
async function storeRegistry(db: Database, people: number, organisations: readonly number[], keyLine: string): Promise<Int32Array> {
  useDataKeys(parseDataKeys(keyLine, 'bench key'));
  const personOf: number[] = [];
  let householdId = 0;
  let memberId = 0;
  let batch: GeneratedHousehold[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const households = batch.map((household) => ({ id: ++householdId, household }));
    const members = households.flatMap(({ id, household }) => household.members.map((member) => ({ id: ++memberId, householdId: id, member })));
    for (const { member } of members) personOf.push(member.person);
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO assistance_household (id, organisation_id, country, admin1_pcode, admin2_pcode, geography_version, site_code, displacement_status, created_by)
         OVERRIDING SYSTEM VALUE
         SELECT h.id, h.org, left(h.admin2, 2), left(h.admin2, 4), h.admin2, DATE '2020-01-01', h.site, 'idp', 'bench'
           FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS h(id, org, admin2, site)`,
        [households.map(({ id }) => id), households.map(({ household }) => organisations[household.organisation]!), households.map(({ household }) => household.admin2), households.map(({ household }) => household.site)],
      );
      await tx.query(
        `INSERT INTO assistance_member (id, household_id, given_names, family_name, sex, birth_year, relation, phone)
         OVERRIDING SYSTEM VALUE
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::smallint[], $7::text[], $8::text[])`,
        [
          members.map(({ id }) => id),
          members.map(({ householdId: id }) => id),
          // Sealed as the service seals them (core/data-keys.ts): the database accepts nothing else.
          members.map(({ member }) => seal(member.givenNames)),
          members.map(({ member }) => seal(member.familyName)),
          members.map(({ member }) => member.sex),
          members.map(({ member }) => member.birthYear),
          members.map(({ member }) => member.relation),
          members.map(({ member }) => seal(member.phone)),
        ],
      );
      await tx.query(
        `INSERT INTO assistance_consent (household_id, given_by, given_at, purposes)
         SELECT id, 'bench (synthetic)', TIMESTAMPTZ '2021-03-01', ARRAY['registration', 'deduplication'] FROM unnest($1::bigint[]) AS id`,
        [households.map(({ id }) => id)],
      );
    });
    batch = [];
  };
  for (const household of generateRegistry(people, 2026)) {
    batch.push(household);
    if (batch.length >= 2_000) await flush();
  }
  await flush();
  await db.exec('ANALYZE assistance_household; ANALYZE assistance_member; ANALYZE assistance_consent');
  return Int32Array.from(personOf);
}

/** Where detection runs in a child of its own: the database it opens there (PGlite's folder is closed here meanwhile). */
export type DetectionChild = { url: string } | { folder: string };

interface ChildOutcome {
  result: DetectionResult;
  detectMs: number;
  cpuSeconds: number;
  hwm: number | null;
  before: number;
  engine: number | null;
}

/** Detection in bench/linkage-child.ts, its phases echoed as they come. */
function detectInChild(where: DetectionChild, keyLine: string): Promise<ChildOutcome> {
  const env = { ...process.env, BENCH_CHILD_DATA_KEY: keyLine, ...('url' in where ? { BENCH_CHILD_DATABASE_URL: where.url } : { BENCH_CHILD_PGLITE_FOLDER: where.folder }) };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'linkage-child.ts')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    output += text;
    process.stdout.write(text.split('\n').filter((line) => !line.startsWith('result=')).join('\n'));
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => {
      const line = output.split('\n').find((candidate) => candidate.startsWith('result='));
      if (status !== 0 || line === undefined) reject(new Error(`detection child failed (status ${status})`));
      else resolve(JSON.parse(line.slice('result='.length)) as ChildOutcome);
    });
  });
}

/**
 * Stores the generated registry, then detects. With `child`, detection runs in a fresh process that
 * opens the stored database (its kernel high-water mark is detection's peak, as a server's would
 * be); without (PGlite in memory, which no other process can open), in this process.
 */
export async function benchLinkageScale(db: Database, label: string, child?: DetectionChild): Promise<void> {
  const people = Number(process.env.BENCH_LINKAGE_PEOPLE ?? 1_000_000);
  const actor = systemActor('bench');
  const organisations: number[] = [];
  for (const [acronym, name] of [['BENCH-A', 'Bench partner A'], ['BENCH-B', 'Bench partner B'], ['BENCH-C', 'Bench partner C']] as const) {
    organisations.push((await createOrganisation(db, actor, { acronym, name, orgTypeCode: '441' })).organisation.id);
  }
  // A key of this run only: the bench's registry is synthetic and dropped after it.
  const keyLine = newDataKeyLine();
  const storing = performance.now();
  const personOf = await storeRegistry(db, people, organisations, keyLine);
  const storedMs = performance.now() - storing;
  const heapOf = (pglite: PgliteDatabase): number => (pglite.pglite.Module as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer.byteLength;
  console.log(`    stored: RSS ${mb(process.memoryUsage.rss())}${db instanceof PgliteDatabase ? `, PGlite heap ${mb(heapOf(db))}` : ''} (load ${loadavg()[0]!.toFixed(1)})`);
  let outcome: ChildOutcome;
  let peakLine: string;
  let reader = db;
  if (child !== undefined) {
    if ('folder' in child) await db.close();
    outcome = await detectInChild(child, keyLine);
    if ('folder' in child) reader = await PgliteDatabase.open(child.folder);
    peakLine =
      `kernel high-water mark of the detecting process ${outcome.hwm === null ? '?' : mb(outcome.hwm)} (${mb(outcome.before)} when opened` +
      `${outcome.engine === null ? '' : `, PGlite heap ${mb(outcome.engine)} at the end`})`;
  } else {
    global.gc?.();
    const before = process.memoryUsage();
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const onPhase = phasePrinter();
    const [result, peak] = await withPeakMemory(() => detectDuplicates(db, actor, { onPhase }));
    const cpu = process.cpuUsage(cpuBefore);
    const hwm = highWaterMark();
    outcome = { result, detectMs: performance.now() - started, cpuSeconds: (cpu.user + cpu.system) / 1e6, hwm, before: before.rss, engine: null };
    peakLine =
      `peak RSS ${mb(peak.rss)} sampled${hwm === null ? '' : `, ${mb(hwm)} kernel high-water mark`} (${mb(before.rss)} before), JS memory ${mb(before.heapUsed + before.arrayBuffers)} → peak ${mb(peak.js)} ` +
      `(${Math.round((peak.js - before.heapUsed - before.arrayBuffers) / personOf.length)} bytes per registration)`;
  }
  const { result } = outcome;

  // Truth: the member pairs of one person (ids are 1-based positions in personOf).
  const byPerson = new Map<number, number[]>();
  personOf.forEach((person, index) => {
    const ids = byPerson.get(person);
    if (ids) ids.push(index + 1);
    else byPerson.set(person, [index + 1]);
  });
  const truth = new Set<string>();
  for (const ids of byPerson.values()) for (let x = 0; x < ids.length; x++) for (let y = x + 1; y < ids.length; y++) truth.add(`${ids[x]}:${ids[y]}`);
  const found = await reader.query<{ low: number; high: number }>('SELECT member_low::int AS low, member_high::int AS high FROM assistance_duplicate');
  if (reader !== db) await reader.close();
  const hits = found.filter((pair) => truth.has(`${pair.low}:${pair.high}`)).length;
  const precision = found.length === 0 ? 0 : hits / found.length;
  const recall = truth.size === 0 ? 0 : hits / truth.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  console.log(
    `  linkage scale      ${label}: ${personOf.length} registrations (${truth.size} planted pairs), stored in ${(storedMs / 1000).toFixed(0)} s; ` +
      `detection ${(outcome.detectMs / 1000).toFixed(1)} s (the detecting process's CPU ${outcome.cpuSeconds.toFixed(1)} s; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}), ${result.compared} pairs compared, ${result.found} candidates at threshold ${result.threshold.threshold.toFixed(3)} (${result.threshold.source}, ${result.threshold.labels} decided pairs); ` +
      `${peakLine}; P ${precision.toFixed(3)} R ${recall.toFixed(3)} F1 ${f1.toFixed(3)}`,
  );
}
