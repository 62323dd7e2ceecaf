/**
 * 4W activity reports: who may see and edit which (partners their organisation's drafts and
 * rejected reports, coordinators their countries), the workflow draft → submitted → approved /
 * rejected → published, locked periods refused for everyone, figures checked (parts not above
 * totals), every write audited in its transaction.
 */
import { audited, actorName, type Actor } from '../access/audit.js';
import { can, type Principal } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { AppError } from '../core/errors.js';
import { versionKeys, withVersions } from '../core/versions.js';
import * as geo from '../geo/service.js';
import { checkFigures, type Figure, type FigureProblem, type IndicatorUnit } from './aggregate.js';
import * as q from './queries.js';
import { countriesOf, lockedError, periodOf, requireMonth, resolveSector } from './service.js';

// ---- reports --------------------------------------------------------------------------------------

export type ReportStatus = q.ReportRow['status'];

export interface ReportInput {
  month: string;
  reportingOrganisationId: number;
  implementingOrganisationId?: number | null;
  donorOrganisationIds?: number[];
  sector: string;
  activity: string;
  location: { pcode: string; site?: string | null; providerAdmin1Name?: string | null; providerAdmin2Name?: string | null; providerLocationName?: string | null };
  figures: Figure[];
  cashValueUsd?: number | null;
}

export interface ReportView {
  id: number;
  month: string;
  periodStatus: string;
  country: string;
  reportingOrganisation: { id: number; acronym: string };
  implementingOrganisationId: number | null;
  donorOrganisationIds: number[];
  sectorCode: string;
  activity: string;
  unit: IndicatorUnit;
  location: {
    level: number;
    admin1: string;
    admin2: string | null;
    admin3: string | null;
    site: string | null;
    geographyVersion: string;
    providerAdmin1Name: string | null;
    providerAdmin2Name: string | null;
    providerLocationName: string | null;
  };
  figures: Figure[];
  cashValueUsd: number | null;
  status: ReportStatus;
  reviewComment: string | null;
  version: number;
}

export const reportView = (row: q.ReportRow): ReportView => ({
  id: row.id,
  month: row.month,
  periodStatus: row.period_status,
  country: row.country,
  reportingOrganisation: { id: row.reporting_org_id, acronym: row.reporting_acronym },
  implementingOrganisationId: row.implementing_org_id,
  donorOrganisationIds: row.donor_org_ids,
  sectorCode: row.sector_code,
  activity: row.activity_code,
  unit: row.unit,
  location: {
    level: row.location_level,
    admin1: row.admin1_pcode,
    admin2: row.admin2_pcode,
    admin3: row.admin3_pcode,
    site: row.site_code,
    geographyVersion: row.geography_version,
    providerAdmin1Name: row.provider_admin1_name,
    providerAdmin2Name: row.provider_admin2_name,
    providerLocationName: row.provider_location_name,
  },
  figures: (typeof row.figures === 'string' ? JSON.parse(row.figures) : row.figures) as Figure[],
  cashValueUsd: row.cash_value_usd === null ? null : Number(row.cash_value_usd),
  status: row.status,
  reviewComment: row.review_comment,
  version: row.version,
});

/** What a principal may list: coordinators their countries, partners their organisation; published reports are for every reader. */
function reportScope(principal: Principal): q.ReportScope {
  const countries = countriesOf(principal, ['response.review', 'response.manage']);
  if (countries === null) return { all: true, countries: [], organisations: [] };
  const organisations =
    principal.kind === 'user'
      ? principal.assignments.filter((assignment) => assignment.scope.kind === 'organisation' && assignment.verbs.includes('response.report')).map((assignment) => Number(assignment.scope.value))
      : [];
  return { all: false, countries, organisations };
}

export async function listReports(db: Queryable, principal: Principal, filter: q.ReportFilter): Promise<{ total: number; reports: ReportView[] }> {
  const { total, rows } = await q.reports(db, reportScope(principal), filter);
  return { total, reports: rows.map(reportView) };
}

function figureError(problems: readonly FigureProblem[]): AppError {
  const [first] = problems;
  const { code, ...params } = first!;
  return new AppError(code, params, { details: { problems } });
}

/** Everything a report names, resolved and checked; throws the first catalogued problem. */
async function reportValues(tx: Queryable, principal: Principal, input: ReportInput): Promise<{ values: q.ReportValues; period: q.PeriodRow }> {
  const month = requireMonth(input.month);
  const place = await geo.getUnit(tx, input.location.pcode);
  const unit = place.unit;
  if (unit.level < 1 || unit.level > 3) throw new AppError('response.location.level', { pcode: unit.pcode, level: unit.level });
  const chain = [...place.ancestors, unit];
  const at = (level: number): string | null => chain.find((candidate) => candidate.level === level)?.pcode ?? null;
  const country = unit.country;
  const reporting = await q.organisationById(tx, input.reportingOrganisationId);
  if (!reporting) throw new AppError('response.organisation.notFound', { name: String(input.reportingOrganisationId) });
  for (const other of [input.implementingOrganisationId ?? null, ...(input.donorOrganisationIds ?? [])]) {
    if (other !== null && !(await q.organisationById(tx, other))) throw new AppError('response.organisation.notFound', { name: String(other) });
  }
  if (!can(principal, 'response.report', { countries: [country], organisationId: reporting.id })) throw new AppError('response.report.ownOrganisation');
  const sector = await resolveSector(tx, input.sector);
  const activity = await q.activityByCode(tx, input.activity);
  if (!activity) throw new AppError('response.activity.notFound', { code: input.activity.slice(0, 60) });
  if (activity.sector_code !== sector) throw new AppError('response.activity.sectorMismatch', { code: activity.code, expected: activity.sector_code, given: sector });
  const problems = checkFigures(input.figures, activity.unit);
  if (problems.length > 0) throw figureError(problems);
  const period = await periodOf(tx, country, month);
  const site = input.location.site?.trim() || null;
  const text = (value: string | null | undefined): string | null => value?.trim().slice(0, 200) || null;
  return {
    period,
    values: {
      periodId: period.id,
      country,
      reportingOrgId: reporting.id,
      implementingOrgId: input.implementingOrganisationId ?? null,
      donorOrgIds: [...new Set(input.donorOrganisationIds ?? [])],
      sector,
      activityId: activity.id,
      locationLevel: site ? 4 : unit.level,
      admin1: at(1)!,
      admin2: at(2),
      admin3: at(3),
      site,
      geographyVersion: unit.validFrom,
      providerAdmin1Name: text(input.location.providerAdmin1Name),
      providerAdmin2Name: text(input.location.providerAdmin2Name),
      providerLocationName: text(input.location.providerLocationName),
      figures: input.figures,
      cashValueUsd: input.cashValueUsd ?? null,
    },
  };
}

/** A locked period refuses every write (409, whoever asks); a closed one refuses partners. */
function checkPeriodWritable(principal: Principal, period: q.PeriodRow): void {
  if (period.status === 'locked') throw lockedError(period);
  if (period.status === 'closed' && !can(principal, 'response.manage', { countries: [period.country] })) {
    throw new AppError('response.period.closed', { period: period.month, country: period.country });
  }
}

async function reportById(tx: Queryable, id: number): Promise<ReportView> {
  const [row] = await q.reportsByIdForUpdate(tx, [id]);
  return reportView(row!);
}

export async function createReport(db: Queryable, actor: Actor, input: ReportInput): Promise<ReportView> {
  return audited(
    db,
    actor,
    async (tx) => {
      const { values, period } = await reportValues(tx, actor.principal, input);
      checkPeriodWritable(actor.principal, period);
      return reportById(tx, await q.insertReport(tx, values, actorName(actor)));
    },
    (report) => ({ action: 'response.report.create', objectType: 'report', objectId: report.id, summary: { month: report.month, sector: report.sectorCode, organisation: report.reportingOrganisation.acronym } }),
  );
}

/** The reports, each visible to the principal for `verb`, or 404 for the first that is not (its existence does not leak). */
async function reportsFor(tx: Queryable, principal: Principal, ids: readonly number[], allowed: (row: q.ReportRow) => boolean): Promise<q.ReportRow[]> {
  const rows = await q.reportsByIdForUpdate(tx, ids);
  const found = new Map(rows.map((row) => [row.id, row]));
  for (const id of ids) {
    const row = found.get(id);
    if (!row || !allowed(row)) throw new AppError('response.report.notFound', { id });
  }
  void principal;
  return ids.map((id) => found.get(id)!);
}

const reportsOwn = (principal: Principal) => (row: q.ReportRow): boolean => can(principal, 'response.report', { countries: [row.country], organisationId: row.reporting_org_id });

export async function updateReport(db: Queryable, actor: Actor, id: number, version: number, input: ReportInput): Promise<ReportView> {
  return audited(
    db,
    actor,
    async (tx) => {
      const [before] = await reportsFor(tx, actor.principal, [id], reportsOwn(actor.principal));
      const beforePeriod = (await q.periodByIdForUpdate(tx, before!.period_id))!;
      checkPeriodWritable(actor.principal, beforePeriod);
      if (before!.status !== 'draft' && before!.status !== 'rejected') throw new AppError('response.report.notEditable', { id, status: before!.status });
      const { values, period } = await reportValues(tx, actor.principal, input);
      checkPeriodWritable(actor.principal, period);
      if ((await q.updateReport(tx, id, version, values)) === null) throw new AppError('resource.stale', {}, { details: { currentVersion: before!.version } });
      return reportById(tx, id);
    },
    (report) => ({ action: 'response.report.update', objectType: 'report', objectId: report.id, summary: { version: report.version } }),
  );
}

const REPORT_STEPS: Record<ReportStatus, readonly ReportStatus[]> = {
  draft: ['submitted'],
  rejected: ['submitted'],
  submitted: ['approved', 'rejected'],
  approved: ['published', 'rejected'],
  published: [],
};

export type Decision = 'submitted' | 'approved' | 'rejected' | 'published';

/**
 * Moves reports along draft → submitted → approved / rejected (with a comment) → published, all
 * of them or none. Partners submit their organisation's reports; coordinators decide within
 * their countries. A locked period refuses every change.
 */
export async function decide(db: Queryable, actor: Actor, ids: readonly number[], decision: Decision, comment: string | null): Promise<{ changed: number }> {
  const unique = [...new Set(ids)];
  const why = comment?.trim() || null;
  if (decision === 'rejected' && why === null) throw new AppError('response.report.commentRequired');
  const principal = actor.principal;
  const allowed =
    decision === 'submitted' ? reportsOwn(principal) : (row: q.ReportRow): boolean => can(principal, 'response.review', { countries: [row.country] });
  return withVersions((bump) => audited(
    db,
    actor,
    async (tx) => {
      // Published reports are what HAPI's operational presence answers from.
      if (decision === 'published') await bump(tx, [versionKeys.responsePublished]);
      const rows = await reportsFor(tx, principal, unique, allowed);
      for (const row of rows) {
        if (row.period_status === 'locked') throw new AppError('response.period.locked', { period: row.month, country: row.country });
        if (!REPORT_STEPS[row.status].includes(decision)) throw new AppError('response.report.transition', { id: row.id, from: row.status, to: decision });
        if (decision === 'submitted' && row.period_status === 'closed') checkPeriodWritable(principal, { id: row.period_id, country: row.country, month: row.month, status: 'closed', version: 0 });
      }
      await q.setReportStatus(tx, unique, decision, decision === 'submitted' ? null : { comment: why, by: actorName(actor) });
      return { changed: unique.length };
    },
    (result) => ({ action: `response.report.${decision === 'submitted' ? 'submit' : decision === 'approved' ? 'approve' : decision === 'rejected' ? 'reject' : 'publish'}`, objectType: 'report', objectId: unique.length === 1 ? unique[0] : null, summary: { ids: unique.slice(0, 1000), count: result.changed } }),
  ));
}
