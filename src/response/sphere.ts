/**
 * Sphere checks: thresholds stored with their source (editable by IM officers) and flags computed
 * from approved reports. An activity counted in items declares what its items are for a Sphere
 * indicator (`sphereIndicator`: latrines, taps, handpumps, wells, water_litres_per_day,
 * covered_m2). In one place (the site, else the admin2) and month, the units are the sum of
 * those activities' reached figures and the people served are the largest people-reached figure
 * of the same sector there (people are never summed across activities); the ratio is people per
 * unit or units per person, as the threshold says.
 */
import { audited, actorName, type Actor } from '../access/audit.js';
import type { Queryable } from '../core/db.js';
import { AppError } from '../core/errors.js';
import * as q from './sphere-queries.js';

export const SPHERE_INDICATORS = ['latrines', 'taps', 'handpumps', 'wells', 'water_litres_per_day', 'covered_m2'] as const;
export type SphereIndicator = (typeof SPHERE_INDICATORS)[number];

export interface SphereThreshold {
  code: string;
  indicator: SphereIndicator;
  ratio: 'people_per_unit' | 'units_per_person';
  comparison: 'above' | 'below';
  value: number;
  phase: 'acute' | 'after' | 'all';
  label: { fr: string; en: string };
  source: string;
  changedBy: string | null;
  changedAt: string;
}

const view = (row: q.ThresholdRow): SphereThreshold => ({
  code: row.code,
  indicator: row.indicator as SphereIndicator,
  ratio: row.ratio,
  comparison: row.comparison,
  value: Number(row.value),
  phase: row.phase,
  label: { fr: row.label_fr, en: row.label_en },
  source: row.source,
  changedBy: row.changed_by,
  changedAt: row.changed_at,
});

export async function listThresholds(db: Queryable): Promise<SphereThreshold[]> {
  return (await q.thresholds(db)).map(view);
}

export async function updateThreshold(db: Queryable, actor: Actor, code: string, input: { value: number; source?: string }): Promise<SphereThreshold> {
  return audited(
    db,
    actor,
    async (tx) => {
      const before = await q.thresholdByCode(tx, code);
      if (!before) throw new AppError('response.sphere.unknownThreshold', { code: code.slice(0, 60) });
      await q.updateThreshold(tx, code, { value: input.value, source: input.source?.trim() || before.source, by: actorName(actor) });
      return { before: view(before), after: view((await q.thresholdByCode(tx, code))!) };
    },
    ({ before, after }) => ({ action: 'response.sphere.threshold', objectType: 'sphere_threshold', objectId: null, summary: { code, from: before.value, to: after.value, source: after.source } }),
  ).then(({ after }) => after);
}

/** One approved report as the checks read it. */
export interface SphereReport {
  sector: string;
  admin2: string;
  place: string;
  period: string;
  unit: string;
  sphereIndicator: string | null;
  reached: number | null;
}

export interface SphereFlag {
  threshold: string;
  indicator: SphereIndicator;
  phase: SphereThreshold['phase'];
  label: { fr: string; en: string };
  source: string;
  sector: string;
  admin2: string;
  place: string;
  month: string;
  people: number;
  units: number;
  ratio: number;
  comparison: SphereThreshold['comparison'];
  limit: number;
}

/** Places × months whose ratio is on the wrong side of a threshold; a place without people or units is not judged. */
export function sphereFlags(reports: readonly SphereReport[], thresholds: readonly SphereThreshold[]): SphereFlag[] {
  const people = new Map<string, number>();
  const units = new Map<string, { sector: string; admin2: string; place: string; period: string; indicator: SphereIndicator; total: number }>();
  for (const report of reports) {
    if (report.reached === null) continue;
    const where = [report.sector, report.place, report.period].join('\u0000');
    if (report.unit === 'people') people.set(where, Math.max(people.get(where) ?? 0, report.reached));
    if (report.unit === 'items' && report.sphereIndicator !== null) {
      const key = `${where}\u0000${report.sphereIndicator}`;
      const entry = units.get(key) ?? { sector: report.sector, admin2: report.admin2, place: report.place, period: report.period, indicator: report.sphereIndicator as SphereIndicator, total: 0 };
      entry.total += report.reached;
      units.set(key, entry);
    }
  }
  const flags: SphereFlag[] = [];
  for (const entry of units.values()) {
    const served = people.get([entry.sector, entry.place, entry.period].join('\u0000'));
    if (served === undefined || served <= 0 || entry.total <= 0) continue;
    for (const threshold of thresholds.filter((candidate) => candidate.indicator === entry.indicator)) {
      const ratio = Math.round((threshold.ratio === 'people_per_unit' ? served / entry.total : entry.total / served) * 10) / 10;
      const flagged = threshold.comparison === 'above' ? ratio > threshold.value : ratio < threshold.value;
      if (!flagged) continue;
      flags.push({
        threshold: threshold.code,
        indicator: entry.indicator,
        phase: threshold.phase,
        label: threshold.label,
        source: threshold.source,
        sector: entry.sector,
        admin2: entry.admin2,
        place: entry.place,
        month: entry.period,
        people: served,
        units: entry.total,
        ratio,
        comparison: threshold.comparison,
        limit: threshold.value,
      });
    }
  }
  return flags.sort((a, b) => a.month.localeCompare(b.month) || a.place.localeCompare(b.place) || a.threshold.localeCompare(b.threshold));
}
