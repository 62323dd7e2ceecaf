/**
 * The assistance outputs: households and people reached by admin2, sector, assistance type, sex
 * and age band, and donor contribution, as aggregates only, every table suppressed for small
 * counts (disclosure.ts) before it leaves. No name, phone or household id is ever in them.
 */
import type { Principal } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { AppError } from '../core/errors.js';
import { AGE_BANDS, ageBand, countTable, crossTable, MAX_THRESHOLD, MIN_THRESHOLD, type CountTable, type CrossTable } from './disclosure.js';
import * as q from './output-queries.js';
import * as dq from './distribution-queries.js';
import { scopeOf } from './service.js';

const SECTOR_NAMES: Record<string, { en: string; fr: string }> = {
  SHL: { en: 'Shelter and NFI', fr: 'Abris et AME' },
  WSH: { en: 'Water, sanitation and hygiene', fr: 'Eau, hygiène et assainissement' },
  MPC: { en: 'Multipurpose cash', fr: 'Transferts monétaires à usages multiples' },
  ERY: { en: 'Early recovery and livelihoods', fr: 'Relèvement précoce et moyens d’existence' },
  other: { en: 'Other', fr: 'Autre' },
};

export interface OutputsQuery extends q.OutputFilter {
  /** A reader may ask for a higher threshold than the setting, never a lower one. */
  threshold?: number | undefined;
}

export interface Outputs {
  threshold: number;
  filter: { country: string | null; from: string | null; to: string | null };
  byAdmin2: CountTable;
  bySector: CountTable;
  byType: CountTable;
  byContribution: CountTable;
  bySexAge: CrossTable;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (value: string): boolean => DAY.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

/** The setting (LIPTAKO_SMALL_CELL_THRESHOLD) bounded as the tables need it. */
export function checkThreshold(value: number): number {
  if (!Number.isInteger(value) || value < MIN_THRESHOLD || value > MAX_THRESHOLD) throw new AppError('assistance.outputs.threshold', { threshold: value, min: MIN_THRESHOLD, max: MAX_THRESHOLD });
  return value;
}

/** Every table of the outputs for the caller's scope (a partner: its organisation's distributions). */
export async function outputs(db: Queryable, principal: Principal, setting: number, query: OutputsQuery, language: 'en' | 'fr'): Promise<Outputs> {
  const threshold = checkThreshold(query.threshold ?? setting);
  if (threshold < setting) throw new AppError('assistance.outputs.threshold', { threshold, min: setting, max: MAX_THRESHOLD });
  for (const day of [query.from, query.to]) if (day !== undefined && !isDay(day)) throw new AppError('assistance.outputs.period', { from: query.from ?? '', to: query.to ?? '' });
  if (query.from !== undefined && query.to !== undefined && query.to < query.from) throw new AppError('assistance.outputs.period', { from: query.from, to: query.to });
  const filter: q.OutputFilter = { country: query.country, from: query.from, to: query.to };
  const scope = scopeOf(principal, 'assistance.read');
  // One after the other: PGlite has one connection, and a transaction's client runs one query at a time.
  const total = await q.countTotal(db, scope, filter);
  const admin2 = await q.countsBy(db, scope, filter, 'admin2');
  const sectors = await q.countsBy(db, scope, filter, 'sector');
  const types = await q.countsBy(db, scope, filter, 'type');
  const contributions = await q.countsBy(db, scope, filter, 'contribution');
  const sexAge = await q.peopleBySexAge(db, scope, filter);
  const typeNames = await dq.assistanceTypes(db);
  const places = new Map((await q.admin2Names(db, admin2.map((row) => row.key!))).map((row) => [row.pcode, row.name]));
  const donors = new Map((await q.contributionNames(db, contributions.flatMap((row) => (row.key === null ? [] : [Number(row.key)])))).map((row) => [String(row.id), row]));
  const typeName = new Map(typeNames.map((type) => [type.code, language === 'fr' ? type.name_fr : type.name_en]));
  const rows = (list: q.CountRow[], label: (key: string | null) => string) => list.map((row) => ({ key: row.key ?? 'none', label: label(row.key), households: row.households, people: row.people }));
  const sexAgeCount = new Map<string, number>();
  for (const row of sexAge) {
    const key = `${row.sex}:${ageBand(row.age)}`;
    sexAgeCount.set(key, (sexAgeCount.get(key) ?? 0) + row.people);
  }
  return {
    threshold,
    filter: { country: query.country ?? null, from: query.from ?? null, to: query.to ?? null },
    byAdmin2: countTable(
      rows(admin2, (key) => `${places.get(key!) ?? key} (${key})`),
      total,
      threshold,
      true,
    ),
    bySector: countTable(
      rows(sectors, (key) => (SECTOR_NAMES[key!] ?? SECTOR_NAMES.other!)[language]),
      total,
      threshold,
      false,
    ),
    byType: countTable(
      rows(types, (key) => typeName.get(key!) ?? key!),
      total,
      threshold,
      false,
    ),
    byContribution: countTable(
      rows(contributions, (key) => {
        if (key === null) return language === 'fr' ? 'Sans contribution liée' : 'Not linked to a contribution';
        const donor = donors.get(key);
        return donor ? `${donor.donor} (${donor.plan}, ${donor.currency} ${donor.amount.toLocaleString('en')})` : key;
      }),
      total,
      threshold,
      false,
    ),
    bySexAge: crossTable(['f', 'm'], AGE_BANDS, (sex, band) => sexAgeCount.get(`${sex}:${band}`) ?? 0, threshold),
  };
}
