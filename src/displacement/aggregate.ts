/**
 * Displacement aggregates for dashboards and exports: key figures of a round with change
 * against the previous round, totals per admin level, trend across rounds, sex/age pyramid,
 * reasons and origins, and the current figure per admin unit.
 *
 * Rules (DESIGN §5): one assessment type at a time (BA and SA are never added), one round at a
 * time (rounds are never summed), one population group at a time.
 */
import type { Principal } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { AppError } from '../core/errors.js';
import * as aq from './aggregate-queries.js';
import type { PopulationGroup } from '../shared/displacement.js';
import * as q from './queries.js';
import { roundView, seesDrafts, type RoundView } from './service.js';

export interface AggregateQuery {
  assessmentType?: 'BA' | 'SA';
  group?: PopulationGroup;
  /** A round id; by default the latest published round of the assessment type. */
  round?: number;
  /** Show draft and validated rounds too (people in the operation's country only). */
  includeDrafts?: boolean;
}

export interface ChosenRound {
  operation: q.OperationRow;
  assessmentType: 'BA' | 'SA';
  group: PopulationGroup;
  round: q.RoundRow | null;
  previous: q.RoundRow | null;
  includeDrafts: boolean;
  /** The rounds the principal may see that have figures, oldest first (read once per request). */
  roundsWithFigures: q.RoundRow[];
}

/** Picks the round an aggregate is about, and the one before it, visible to the principal. */
export async function chooseRound(db: Queryable, operation: q.OperationRow, query: AggregateQuery, principal: Principal): Promise<ChosenRound> {
  const includeDrafts = query.includeDrafts === true && seesDrafts(principal, operation);
  const rounds = (await q.roundsOf(db, operation.id)).filter((round) => includeDrafts || round.status === 'published');
  let round: q.RoundRow | null = null;
  if (query.round !== undefined) {
    round = rounds.find((candidate) => candidate.id === query.round) ?? null;
    if (round === null) {
      const hidden = (await q.roundById(db, query.round)) ?? null;
      // A draft asked for by id is visible to people of the operation's country even without includeDrafts.
      if (hidden !== null && hidden.operation_id === operation.id && seesDrafts(principal, operation)) round = hidden;
      else throw new AppError('dtm.round.notFound', { round: query.round });
    }
  }
  const withFigures = new Set((await q.roundsWithFigures(db, operation.id)).map((row) => row.id));
  const roundsWithFigures = rounds.filter((candidate) => withFigures.has(candidate.id));
  const assessmentType =
    round?.assessment_type ?? query.assessmentType ?? (rounds.some((candidate) => candidate.assessment_type === 'BA' && withFigures.has(candidate.id)) ? 'BA' : 'SA');
  const sameType = rounds.filter((candidate) => candidate.assessment_type === assessmentType && withFigures.has(candidate.id));
  round ??= sameType.at(-1) ?? null;
  const previous = round === null ? null : (sameType.filter((candidate) => candidate.number < round.number).at(-1) ?? null);
  return { operation, assessmentType, group: query.group ?? 'idp', round, previous, includeDrafts, roundsWithFigures };
}

export interface KeyFigures {
  operation: string;
  assessmentType: 'BA' | 'SA';
  group: PopulationGroup;
  round: RoundView | null;
  previousRound: RoundView | null;
  totals: aq.Totals | null;
  previousTotals: aq.Totals | null;
  change: { individuals: number; pct: number | null; households: number } | null;
  pyramid: Array<{ range: string; females: number; males: number }>;
  groups: Array<{ group: string; individuals: number; households: number }>;
  reasons: Array<{ reason: string; individuals: number }>;
  origins: Array<{ pcode: string; name: string | null; individuals: number }>;
  availableTypes: Array<'BA' | 'SA'>;
}

const numeric = (totals: aq.Totals): aq.Totals =>
  Object.fromEntries(Object.entries(totals).map(([key, value]) => [key, Number(value)])) as aq.Totals;

export async function keyFigures(db: Queryable, chosen: ChosenRound): Promise<KeyFigures> {
  const { operation, round, previous, group } = chosen;
  const code = operation.code;
  const availableTypes = (['BA', 'SA'] as const).filter((type) => chosen.roundsWithFigures.some((candidate) => candidate.assessment_type === type));
  if (round === null) {
    return {
      operation: code,
      assessmentType: chosen.assessmentType,
      group,
      round: null,
      previousRound: null,
      totals: null,
      previousTotals: null,
      change: null,
      pyramid: [],
      groups: [],
      reasons: [],
      origins: [],
      availableTypes,
    };
  }
  const totals = numeric(await aq.roundTotals(db, round, group));
  const previousTotals = previous === null ? null : numeric(await aq.roundTotals(db, previous, group));
  const change =
    previousTotals === null
      ? null
      : {
          individuals: totals.individuals - previousTotals.individuals,
          households: totals.households - previousTotals.households,
          pct: previousTotals.individuals === 0 ? null : Math.round(((totals.individuals - previousTotals.individuals) * 1000) / previousTotals.individuals) / 10,
        };
  const pyramid = operation.age_ranges.map((range, index) => ({
    range,
    females: totals[`f${index + 1}` as aq.Measure],
    males: totals[`m${index + 1}` as aq.Measure],
  }));
  return {
    operation: code,
    assessmentType: chosen.assessmentType,
    group,
    round: roundView(round, code),
    previousRound: previous === null ? null : roundView(previous, code),
    totals,
    previousTotals,
    change,
    pyramid,
    groups: (await aq.groupTotals(db, round)).map((row) => ({ group: row.population_group, individuals: Number(row.individuals), households: Number(row.households) })),
    reasons: (await aq.reasons(db, round, group)).map((row) => ({ reason: row.reason, individuals: Number(row.individuals) })),
    origins: (await aq.origins(db, operation.country, round, group)).map((row) => ({ pcode: row.pcode, name: row.name, individuals: Number(row.individuals) })),
    availableTypes,
  };
}

export interface AdminFigure {
  pcode: string;
  name: string | null;
  parentPcode: string | null;
  individuals: number;
  households: number;
  females: number;
  males: number;
  locations: number;
  previousIndividuals: number | null;
  change: number | null;
  population: number | null;
  /** IDPs (or the group asked) per 1,000 inhabitants, where COD-PS population is loaded. */
  perThousand: number | null;
}

export async function adminFigures(db: Queryable, chosen: ChosenRound, level: 1 | 2, parent: string | null): Promise<AdminFigure[]> {
  if (chosen.round === null) return [];
  const rows = await aq.adminTotals(db, chosen.operation.country, chosen.round, chosen.group, level, parent);
  const previous = chosen.previous === null ? null : await aq.adminIndividuals(db, chosen.previous, chosen.group, level);
  return rows.map((row) => {
    const individuals = Number(row.individuals);
    const before = previous === null ? null : (previous.get(row.pcode) ?? 0);
    const population = row.population === null ? null : Number(row.population);
    return {
      pcode: row.pcode,
      name: row.name,
      parentPcode: row.parent_pcode,
      individuals,
      households: Number(row.households),
      females: Number(row.females),
      males: Number(row.males),
      locations: Number(row.locations),
      previousIndividuals: before,
      change: before === null ? null : individuals - before,
      population,
      perThousand: population === null || population === 0 ? null : Math.round((individuals * 10_000) / population) / 10,
    };
  });
}

export interface TrendPoint {
  roundId: number;
  number: number;
  referenceDate: string;
  status: string;
  individuals: number;
  households: number;
  locations: number;
}

export async function roundTrend(db: Queryable, chosen: ChosenRound): Promise<TrendPoint[]> {
  const rows = await aq.trend(db, chosen.operation.id, chosen.assessmentType, chosen.group, chosen.includeDrafts);
  return rows.map((row) => ({
    roundId: row.round_id,
    number: row.number,
    referenceDate: row.reference_date,
    status: row.status,
    individuals: Number(row.individuals),
    households: Number(row.households),
    locations: Number(row.locations),
  }));
}

export async function currentFigures(db: Queryable, operation: q.OperationRow, type: 'BA' | 'SA', group: PopulationGroup, level: 1 | 2) {
  const rows = await aq.currentByAdmin(db, operation.country, operation.id, type, group, level);
  return rows.map((row) => ({
    pcode: row.pcode,
    name: row.name,
    roundId: row.round_id,
    roundNumber: row.number,
    referenceDate: row.reference_date,
    individuals: Number(row.individuals),
    households: Number(row.households),
  }));
}

export async function roundLocations(db: Queryable, chosen: ChosenRound, admin2: string | null, limit: number, offset: number) {
  if (chosen.round === null) return { total: 0, locations: [] };
  const { total, rows } = await aq.locationsOfRound(db, chosen.round, chosen.group, admin2, limit, offset);
  return {
    total,
    locations: rows.map((row) => ({
      id: row.location_id,
      code: row.code,
      name: row.name,
      locationType: row.location_type,
      settlementType: row.settlement_type,
      latitude: row.latitude,
      longitude: row.longitude,
      admin2Pcode: row.admin2_pcode,
      individuals: row.individuals,
      households: row.households,
      females: row.females,
      males: row.males,
      reason: row.reason,
      originAdmin1Pcode: row.origin_admin1_pcode,
      sourceRow: row.source_row,
      sourceInstanceId: row.source_instance_id,
    })),
  };
}

export interface OperationSummary {
  code: string;
  name: string;
  nameFr: string;
  country: string;
  rounds: number;
  publishedRounds: number;
  latestPublished: RoundView | null;
}

/**
 * Every operation with its round counts. Draft rounds are counted only for a caller who may see
 * them (`seesDraftsOf`); for everyone else `rounds` is the published ones, so the list does not
 * reveal that unpublished work exists.
 */
export async function operationSummaries(db: Queryable, seesDraftsOf: (operation: q.OperationRow) => boolean = () => false): Promise<OperationSummary[]> {
  const overview = new Map((await aq.operationOverview(db)).map((row) => [row.operation_id, row]));
  const result: OperationSummary[] = [];
  for (const operation of await q.operations(db)) {
    const row = overview.get(operation.id);
    const latest = row?.latest_published_id == null ? undefined : await q.roundById(db, row.latest_published_id);
    result.push({
      code: operation.code,
      name: operation.name,
      nameFr: operation.name_fr,
      country: operation.country,
      rounds: (seesDraftsOf(operation) ? row?.rounds : row?.published) ?? 0,
      publishedRounds: row?.published ?? 0,
      latestPublished: latest === undefined ? null : roundView(latest, operation.code),
    });
  }
  return result;
}
