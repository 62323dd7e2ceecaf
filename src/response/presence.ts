/**
 * What the approved and published 4W reports say: presence by admin2 × sector × period, gaps
 * against the IDP caseload of the latest published DTM round, overlaps, coverage, and the HDX
 * HAPI operational-presence rows.
 */
import type { Queryable } from '../core/db.js';
import * as displacement from '../displacement/publishing.js';
import { iso2ToIso3, iso3ToIso2, normalisePcode } from '../geo/pcode.js';
import { acrossAdmin2, cellsOf, coverage, gaps, interSector, overlaps, pinGaps, presence, withinSector, type Aggregate, type Figure, type IndicatorUnit } from './aggregate.js';
import * as q from './queries.js';
import { isOrgTypeCode, isSectorCode, ORG_TYPES, SECTORS } from './vocabulary.js';
import { requireCountry, requireMonth, resolveSector } from './service.js';
import * as needQueries from './need-queries.js';
import { listThresholds, sphereFlags, type SphereFlag } from './sphere.js';

// ---- presence, gaps, overlaps ---------------------------------------------------------------------

export interface DashboardQuery {
  country?: string;
  month?: string;
  sector?: string;
  /** Gaps: admin2 units whose IDP caseload is above this (default 1,000). */
  threshold?: number;
}

export interface Dashboard {
  presence: Array<{ sector: string; admin1: string; admin2: string; month: string; organisations: string[] }>;
  reached: Array<{
    sector: string;
    admin2: string;
    month: string;
    unit: IndicatorUnit;
    reached: number | null;
    targeted: number | null;
    coverage: number | null;
    above100: boolean;
    /** The HNO's people in need of this sector and admin2 (null without one), and reached / PiN. */
    pin: number | null;
    pinCoverage: number | null;
    pinAbove100: boolean;
  }>;
  /** Per sector and unit: admin2 figures added up to admin1 (`admin1` set) and national (`admin1` null). */
  totals: Array<{ sector: string; unit: IndicatorUnit; admin1: string | null; reached: number | null; targeted: number | null }>;
  /** People reached in each admin2 across sectors: the largest sector's figure, never the sum. */
  interSector: Array<{ admin2: string; reached: number | null }>;
  gaps: Array<{ admin2: string; sector: string; caseload: number }>;
  /** Admin2 × sector whose HNO people in need are above the threshold with no partner in the sector, largest first. */
  pinGaps: Array<{ admin2: string; sector: string; pin: number }>;
  /** The HNO year the PiN figures come from (the dashboard month's year, else the latest before), null without any. */
  pinYear: number | null;
  overlaps: Array<{ activity: string; place: string; month: string; organisations: string[] }>;
  caseloadSource: Array<{ operation: string; assessmentType: string; round: number }>;
  /** Places × months on the wrong side of a Sphere threshold (response/sphere.ts). */
  sphereFlags: SphereFlag[];
}

/**
 * IDP caseload per admin2 from the latest published DTM round of each operation (through the
 * displacement module's public HAPI service). Baseline (BA) and site (SA) assessments are never
 * added: an operation's baseline is preferred. Operations covering the same unit: the largest.
 */
async function idpCaseload(db: Queryable, country: string | null): Promise<{ caseloads: Map<string, number>; sources: Dashboard['caseloadSource'] }> {
  const rows = await displacement.hapiIdps(db, { admin_level: 2, location_code: country ?? undefined, limit: 100_000, offset: 0 });
  const latest = new Map<string, { type: 'BA' | 'SA'; round: number }>();
  for (const row of rows) {
    const chosen = latest.get(row.operation);
    const better = !chosen || (row.assessment_type === 'BA' && chosen.type === 'SA') || (row.assessment_type === chosen.type && row.reporting_round > chosen.round);
    if (better) latest.set(row.operation, { type: row.assessment_type, round: row.reporting_round });
  }
  const caseloads = new Map<string, number>();
  for (const row of rows) {
    const chosen = latest.get(row.operation)!;
    if (row.admin2_code === null || row.assessment_type !== chosen.type || row.reporting_round !== chosen.round) continue;
    caseloads.set(row.admin2_code, Math.max(caseloads.get(row.admin2_code) ?? 0, row.population));
  }
  return { caseloads, sources: [...latest].map(([operation, chosen]) => ({ operation, assessmentType: chosen.type, round: chosen.round })) };
}

/** Admin2 aggregates of one month added up per sector and unit, to admin1 and national (months are never added here). */
function sectorTotals(aggregates: readonly Aggregate[]): Dashboard['totals'] {
  const groups = new Map<string, Aggregate[]>();
  for (const aggregate of aggregates) {
    for (const admin1 of [aggregate.admin1, null]) {
      const key = [aggregate.sector, aggregate.unit, aggregate.period, admin1 ?? ''].join('\u0000');
      groups.set(key, [...(groups.get(key) ?? []), aggregate]);
    }
  }
  return [...groups.entries()].map(([key, members]) => {
    const [sector, unit, , admin1] = key.split('\u0000');
    const cells = acrossAdmin2(members);
    return { sector: sector!, unit: unit as IndicatorUnit, admin1: admin1 === '' ? null : admin1!, reached: cells.get('reached|all|all|all') ?? null, targeted: cells.get('targeted|all|all|all') ?? null };
  });
}

export async function dashboard(db: Queryable, query: DashboardQuery): Promise<Dashboard> {
  const country = query.country === undefined ? null : requireCountry(query.country);
  const month = query.month === undefined ? null : requireMonth(query.month);
  const sector = query.sector === undefined ? null : await resolveSector(db, query.sector);
  const rows = await q.approvedReports(db, { country, month, sector });
  const acronyms = new Map(rows.map((row) => [row.organisation_id, row.acronym]));
  const named = (ids: number[]): string[] => ids.map((id) => acronyms.get(id)!).sort();
  const present = presence(rows.map((row) => ({ sector: row.sector_code, admin1: row.admin1_pcode, admin2: row.admin2_pcode, period: row.month, organisationId: row.organisation_id })));
  const aggregates = withinSector(
    rows.map((row) => ({
      sector: row.sector_code,
      admin1: row.admin1_pcode,
      admin2: row.admin2_pcode,
      period: row.month,
      activity: row.activity_code,
      unit: row.unit,
      cells: cellsOf((typeof row.figures === 'string' ? JSON.parse(row.figures) : row.figures) as Figure[]),
    })),
  );
  const { caseloads, sources } = await idpCaseload(db, country);
  const sectors = sector !== null ? [sector] : [...new Set(rows.map((row) => row.sector_code))].sort();
  const found = gaps(
    [...caseloads].map(([admin2, caseload]) => ({ admin2, caseload })),
    present,
    sectors,
    query.threshold ?? 1000,
  );
  const year = Number((month ?? new Date().toISOString().slice(0, 7)).slice(0, 4));
  const pinYear = await needQueries.needYearFor(db, country, year);
  const pins = pinYear === null ? [] : (await needQueries.admin2SectorNeeds(db, country, pinYear)).filter((need) => sector === null || need.sector === sector);
  const pinOf = new Map(pins.map((need) => [`${need.sector}\u0000${need.admin2}`, Number(need.in_need)]));
  const overlapping = overlaps(rows.map((row) => ({ activity: row.activity_code, place: row.site_code ?? row.admin3_pcode ?? row.admin2_pcode, period: row.month, organisationId: row.organisation_id })));
  return {
    presence: present.map((entry) => ({ sector: entry.sector, admin1: entry.admin1, admin2: entry.admin2, month: entry.period, organisations: named(entry.organisations) })),
    reached: aggregates.map((aggregate) => {
      const reached = aggregate.cells.get('reached|all|all|all') ?? null;
      const targeted = aggregate.cells.get('targeted|all|all|all') ?? null;
      const ratio = coverage(reached, targeted);
      // People reached against people in need: only for indicators that count people.
      const pin = aggregate.unit === 'people' ? (pinOf.get(`${aggregate.sector}\u0000${aggregate.admin2}`) ?? null) : null;
      const ofNeed = coverage(reached, pin);
      return {
        sector: aggregate.sector,
        admin2: aggregate.admin2,
        month: aggregate.period,
        unit: aggregate.unit,
        reached,
        targeted,
        coverage: ratio.percent,
        above100: ratio.above100,
        pin,
        pinCoverage: ofNeed.percent,
        pinAbove100: ofNeed.above100,
      };
    }),
    totals: sectorTotals(aggregates),
    interSector: [...new Set(aggregates.map((aggregate) => aggregate.admin2))].sort().map((admin2) => ({
      admin2,
      reached: interSector(aggregates.filter((aggregate) => aggregate.admin2 === admin2 && aggregate.unit === 'people')).get('reached|all|all|all') ?? null,
    })),
    gaps: found,
    pinGaps: pinGaps(
      pins.map((need) => ({ admin2: need.admin2, sector: need.sector, pin: Number(need.in_need) })),
      present,
      query.threshold ?? 1000,
    ),
    pinYear,
    overlaps: overlapping.map((entry) => ({ activity: entry.activity, place: entry.place, month: entry.period, organisations: named(entry.organisations) })),
    caseloadSource: sources,
    sphereFlags: sphereFlags(
      rows.map((row) => ({
        sector: row.sector_code,
        admin2: row.admin2_pcode,
        place: row.site_code ?? row.admin2_pcode,
        period: row.month,
        unit: row.unit,
        sphereIndicator: row.sphere_indicator,
        reached: cellsOf((typeof row.figures === 'string' ? JSON.parse(row.figures) : row.figures) as Figure[]).get('reached|all|all|all') ?? null,
      })),
      await listThresholds(db),
    ),
  };
}

// ---- HDX HAPI operational presence ------------------------------------------------------------------

export const HAPI_PRESENCE_FIELDS = [
  'location_code',
  'location_name',
  'admin1_code',
  'admin1_name',
  'provider_admin1_name',
  'admin2_code',
  'admin2_name',
  'provider_admin2_name',
  'admin_level',
  'org_acronym',
  'org_name',
  'org_type_code',
  'org_type_description',
  'sector_code',
  'sector_name',
  'reference_period_start',
  'reference_period_end',
] as const;

export type HapiPresenceRow = Record<(typeof HAPI_PRESENCE_FIELDS)[number], string | number | null>;

export interface HapiPresenceQuery {
  location_code?: string;
  admin1_code?: string;
  admin2_code?: string;
  admin_level?: 1 | 2;
  sector_code?: string;
  org_acronym?: string;
  org_name?: string;
  limit: number;
  offset: number;
}

const lastDayOf = (month: string): string => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);

/** Published reports only, one row per organisation × sector × admin2 × month, shaped as HAPI's operational presence. */
export async function hapiOperationalPresence(db: Queryable, query: HapiPresenceQuery): Promise<HapiPresenceRow[]> {
  let country: string | null = null;
  if (query.location_code !== undefined && query.location_code.trim() !== '') {
    const code = query.location_code.trim().toUpperCase();
    country = code.length === 3 ? (iso3ToIso2(code) ?? null) : code;
    if (country === null || !/^[A-Z]{2}$/.test(country)) return [];
  }
  const pcode = (value: string | undefined): string | null => {
    if (value === undefined || value.trim() === '') return null;
    const result = normalisePcode(value);
    return result.status === 'ok' ? result.pcode : value.trim().toUpperCase();
  };
  const rows = await q.publishedPresence(
    db,
    {
      country,
      admin1: pcode(query.admin1_code),
      admin2: pcode(query.admin2_code),
      level: query.admin_level ?? null,
      sector: query.sector_code?.trim() || null,
      acronym: query.org_acronym?.trim() || null,
      name: query.org_name?.trim() || null,
    },
    query.limit,
    query.offset,
  );
  return rows.map((row) => ({
    location_code: iso2ToIso3(row.country) ?? row.country,
    location_name: displacement.countryName(row.country),
    admin1_code: row.admin1_pcode,
    admin1_name: row.admin1_name,
    provider_admin1_name: row.provider_admin1_name,
    admin2_code: row.admin2_pcode,
    admin2_name: row.admin2_name,
    provider_admin2_name: row.provider_admin2_name,
    admin_level: row.admin2_pcode === null ? 1 : 2,
    org_acronym: row.acronym,
    org_name: row.name,
    org_type_code: row.org_type_code,
    org_type_description: isOrgTypeCode(row.org_type_code) ? ORG_TYPES[row.org_type_code].en : null,
    sector_code: row.sector_code,
    sector_name: isSectorCode(row.sector_code) ? SECTORS[row.sector_code].en : null,
    reference_period_start: `${row.month}T00:00:00`,
    reference_period_end: `${lastDayOf(row.month)}T23:59:59`,
  }));
}
