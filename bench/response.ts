/**
 * 4W benchmarks (`npm run bench`, BENCH_ONLY=response for these alone):
 * - 5W import: a generated BENCH_5W_ROWS-row (default 200,000) 5W CSV shaped as partners make
 *   them (French headers and an HXL row, P-codes of admin2, sectors by local label, 40
 *   organisations) through the real import (upload in parts, reading, organisations folded,
 *   places resolved, figures checked, reports stored in one transaction), against a raw
 *   INSERT … SELECT unnest of the same rows into a bare table, in the same run.
 * - Gaps and overlaps: the 4W dashboard over those reports once approved (presence per sector ×
 *   admin2 × month, people reached by the stated rules, overlaps), against the two GROUP BY
 *   queries that count presence and overlaps directly, in the same run.
 */
import { performance } from 'node:perf_hooks';
import { systemActor } from '../src/access/audit.js';
import type { Database } from '../src/core/db.js';
import { demoGazetteerCsv } from '../src/demo/geo-demo.js';
import { importGeoFile } from '../src/geo/geo-imports.js';
import { FIVE_W_FILE_LIMIT, receiveFiveWFile, startFiveWImport } from '../src/response/five-w-imports.js';
import { dashboard } from '../src/response/presence.js';

const BENCH = systemActor('bench');
const SECTORS = ['EHA', 'Abris/AME', 'Santé', 'Education', 'Protection', 'Sécurité alimentaire'];
const ACTIVITIES = ['Distribution de kits', 'Sensibilisation', 'Construction de latrines', 'Transferts monétaires', 'Appui psychosocial'];

interface FiveWRow {
  organisation: string;
  admin1: string;
  admin2: string;
  sector: string;
  activity: string;
  beneficiaries: number;
  women: number;
}

function rows(count: number, admin2: ReadonlyArray<readonly [string, string]>): FiveWRow[] {
  const generated: FiveWRow[] = [];
  for (let index = 0; index < count; index += 1) {
    const [pcode, parent] = admin2[(index * 7919) % admin2.length]!;
    const beneficiaries = 50 + ((index * 104_729) % 5_000);
    generated.push({
      organisation: `ONG${String(index % 40).padStart(2, '0')}`,
      admin1: parent,
      admin2: pcode,
      sector: SECTORS[index % SECTORS.length]!,
      activity: ACTIVITIES[(index >> 3) % ACTIVITIES.length]!,
      beneficiaries,
      women: Math.floor(beneficiaries / 2),
    });
  }
  return generated;
}

function csv(generated: readonly FiveWRow[]): Uint8Array {
  const lines = [
    'Organisation,Région,admin1Pcod,admin2Pcod,Secteur/Cluster,Activité,Nombre Bénéficiaire,Femmes',
    '#org+acronym,#adm1+name,#adm1+code,#adm2+code,#sector,#activity+name,#beneficiary,#beneficiary+f',
  ];
  for (const row of generated) lines.push(`${row.organisation},Région,${row.admin1},${row.admin2},${row.sector},${row.activity},${row.beneficiaries},${row.women}`);
  return new TextEncoder().encode(`${lines.join('\r\n')}\r\n`);
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

export async function benchResponse(db: Database): Promise<void> {
  const count = Number(process.env.BENCH_5W_ROWS ?? 200_000);
  await importGeoFile(db, { bytes: new TextEncoder().encode(demoGazetteerCsv()), fileName: 'demo-gazetteer.csv', actor: BENCH });
  const admin2 = (await db.query<{ pcode: string; parent_pcode: string }>("SELECT pcode, parent_pcode FROM admin_unit WHERE country = 'ML' AND level = 2 ORDER BY pcode")).map(
    (unit) => [unit.pcode, unit.parent_pcode] as const,
  );
  const generated = rows(count, admin2);
  const file = csv(generated);

  const [job, importMs] = await timed(async () => {
    const upload = await receiveFiveWFile(db, [Buffer.from(file)], { fileName: 'bench-5w.csv', country: 'ML', actor: BENCH, limit: FIVE_W_FILE_LIMIT });
    return startFiveWImport(db, upload.id, { month: '2022-03' }, { actor: BENCH, background: false });
  });
  const stored = (job.result as { rowsStored?: number } | null)?.rowsStored ?? null;
  if (job.status !== 'succeeded' || stored !== count) throw new Error(`5W bench import: ${job.status}, ${stored ?? '?'} of ${count} rows stored: ${JSON.stringify(job.error)}`);

  await db.exec('CREATE TEMP TABLE bench_5w (organisation text, admin1 text, admin2 text, sector text, activity text, beneficiaries integer, women integer)');
  const [, rawMs] = await timed(async () => {
    for (let start = 0; start < generated.length; start += 5_000) {
      const batch = generated.slice(start, start + 5_000);
      await db.query(
        'INSERT INTO bench_5w SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[])',
        [
          batch.map((row) => row.organisation),
          batch.map((row) => row.admin1),
          batch.map((row) => row.admin2),
          batch.map((row) => row.sector),
          batch.map((row) => row.activity),
          batch.map((row) => row.beneficiaries),
          batch.map((row) => row.women),
        ],
      );
    }
  });
  console.log(
    `  5W import          ${count.toLocaleString('en')} rows in ${seconds(importMs)} (${Math.round(count / (importMs / 1000)).toLocaleString('en')} rows/s)   baseline raw INSERT: ${seconds(rawMs)}   ratio ${(rawMs / importMs).toFixed(3)} × raw`,
  );

  // What coordinators see once the reports are approved (a bench shortcut: no review queue).
  await db.exec("UPDATE response_report SET status = 'approved' WHERE status = 'submitted'");
  const [board, dashboardMs] = await timed(() => dashboard(db, { country: 'ML', month: '2022-03' }));
  const [, groupByMs] = await timed(async () => {
    await db.query(
      `SELECT sector_code, admin2_pcode, count(DISTINCT reporting_org_id) FROM response_report
        WHERE status IN ('approved', 'published') GROUP BY sector_code, admin2_pcode`,
    );
    await db.query(
      `SELECT activity_id, coalesce(site_code, admin3_pcode, admin2_pcode), count(DISTINCT reporting_org_id) FROM response_report
        WHERE status IN ('approved', 'published') GROUP BY 1, 2 HAVING count(DISTINCT reporting_org_id) > 1`,
    );
  });
  console.log(
    `  4W gaps/overlaps   dashboard over ${count.toLocaleString('en')} reports: ${seconds(dashboardMs)} (${board.presence.length} presence rows, ${board.overlaps.length} overlaps)   baseline GROUP BY: ${seconds(groupByMs)}   ratio ${(dashboardMs / groupByMs).toFixed(1)} × SQL`,
  );
}
