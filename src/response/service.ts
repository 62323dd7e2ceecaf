/**
 * Partner activity reporting (4W/5W): organisations, sectors, activities, reporting periods and
 * activity reports with their approval workflow. Every write is one audited transaction
 * (access/audit.ts); everything is checked before anything is written.
 */
import { audited, actorName, type Actor } from '../access/audit.js';
import * as access from '../access/service.js';
import { can, type Principal } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { AppError, type Language } from '../core/errors.js';
import * as geo from '../geo/service.js';
import * as plans from '../plans/service.js';
import * as displacement from '../displacement/publishing.js';
import { iso2ToIso3, iso3ToIso2, normalisePcode } from '../geo/pcode.js';
import { acrossAdmin2, cellsOf, checkFigures, coverage, gaps, interSector, overlaps, presence, withinSector, type Aggregate, type Figure, type FigureProblem, type IndicatorUnit } from './aggregate.js';
import * as q from './queries.js';
import { foldName, isOrgTypeCode, isSectorCode, ORG_TYPES, proposeMerges, SECTORS, sectorOfLabel, type MergeProposal } from './vocabulary.js';

// ---- organisations ------------------------------------------------------------------------------

export interface OrganisationView {
  id: number;
  acronym: string;
  name: string;
  orgTypeCode: string;
  orgTypeDescription: string;
  aliases: string[];
}

function organisationView(row: q.OrganisationRow, language: Language = 'en'): OrganisationView {
  const type = isOrgTypeCode(row.org_type_code) ? ORG_TYPES[row.org_type_code][language] : row.org_type_code;
  return { id: row.id, acronym: row.acronym, name: row.name, orgTypeCode: row.org_type_code, orgTypeDescription: type, aliases: row.aliases };
}

export async function listOrganisations(db: Queryable, language: Language = 'en'): Promise<OrganisationView[]> {
  return (await q.organisations(db)).map((row) => organisationView(row, language));
}

export interface OrganisationInput {
  acronym: string;
  name: string;
  orgTypeCode: string;
}

/**
 * Adds an organisation. Names or acronyms that fold to one already known (case, accents, spaces)
 * are that organisation (409); merely similar ones come back as proposals, never merged.
 */
export async function createOrganisation(db: Queryable, actor: Actor, input: OrganisationInput): Promise<{ organisation: OrganisationView; proposals: MergeProposal[] }> {
  const acronym = input.acronym.trim();
  const name = input.name.trim().replace(/\s+/g, ' ');
  if (!isOrgTypeCode(input.orgTypeCode)) throw new AppError('response.organisation.typeUnknown', { code: input.orgTypeCode.slice(0, 10) });
  return audited(
    db,
    actor,
    async (tx) => {
      for (const key of [foldName(acronym), foldName(name)]) {
        const existing = await q.organisationByKey(tx, key);
        if (existing) throw new AppError('response.organisation.exists', { name: key === foldName(acronym) ? acronym : name, acronym: existing.acronym });
      }
      const known = await q.organisations(tx);
      // The access module's organisation of the same name (a partner's users belong to it) is reused.
      const accessOrganisation = (await access.listOrganisations(tx)).find((organisation) => foldName(organisation.name) === foldName(name));
      const id = accessOrganisation?.id ?? (await access.createOrganisation(tx, actor, { name, acronym, type: ORG_TYPES[input.orgTypeCode as keyof typeof ORG_TYPES].en })).id;
      await q.insertOrganisation(tx, { id: Number(id), acronym, acronymKey: foldName(acronym), nameKey: foldName(name), orgTypeCode: input.orgTypeCode, createdBy: actorName(actor) });
      const organisation = organisationView((await q.organisationById(tx, Number(id)))!);
      return { organisation, proposals: proposeMerges({ acronym, name }, known) };
    },
    ({ organisation, proposals }) => ({
      action: 'response.organisation.create',
      objectType: 'organisation',
      objectId: organisation.id,
      summary: { acronym: organisation.acronym, proposals: proposals.map((proposal) => proposal.id) },
    }),
  );
}

/** A person confirms another spelling as the same organisation. */
export async function addAlias(db: Queryable, actor: Actor, organisationId: number, alias: string): Promise<OrganisationView> {
  const text = alias.trim();
  const key = foldName(text);
  return audited(
    db,
    actor,
    async (tx) => {
      const organisation = await q.organisationById(tx, organisationId);
      if (!organisation) throw new AppError('resource.notFound', { what: 'Organisation', id: organisationId });
      const existing = await q.organisationByKey(tx, key);
      if (existing) throw new AppError('response.organisation.exists', { name: text.slice(0, 100), acronym: existing.acronym });
      await q.insertAlias(tx, { key, alias: text, organisationId, by: actorName(actor) });
      return organisationView((await q.organisationById(tx, organisationId))!);
    },
    (organisation) => ({ action: 'response.organisation.alias', objectType: 'organisation', objectId: organisation.id, summary: { alias: text.slice(0, 100) } }),
  );
}

/** The organisation a name, acronym or confirmed alias designates (folding case, accents and spaces only). */
export async function findOrganisation(db: Queryable, text: string): Promise<OrganisationView | null> {
  const row = await q.organisationByKey(db, foldName(text));
  return row ? organisationView(row) : null;
}

// ---- sectors --------------------------------------------------------------------------------------

export interface SectorView {
  code: string;
  name: { en: string; fr: string };
  labels: string[];
}

export async function listSectors(db: Queryable): Promise<SectorView[]> {
  const stored = await q.sectorLabels(db);
  return Object.entries(SECTORS).map(([code, name]) => ({ code, name, labels: stored.filter((label) => label.sector_code === code).map((label) => label.label) }));
}

async function storedLabels(db: Queryable): Promise<Map<string, string>> {
  return new Map((await q.sectorLabels(db)).map((label) => [label.label_key, label.sector_code]));
}

/** The IASC code a label names, or the catalogued refusal. */
export async function resolveSector(db: Queryable, label: string): Promise<string> {
  const code = sectorOfLabel(label, await storedLabels(db));
  if (code === null) throw new AppError('response.sector.unknown', { label: label.trim().slice(0, 100) });
  return code;
}

export async function confirmSectorLabel(db: Queryable, actor: Actor, label: string, sector: string): Promise<SectorView[]> {
  const text = label.trim();
  if (!isSectorCode(sector)) throw new AppError('response.sector.unknown', { label: sector.slice(0, 100) });
  await audited(
    db,
    actor,
    (tx) => q.upsertSectorLabel(tx, { key: foldName(text), label: text, sector, by: actorName(actor) }),
    () => ({ action: 'response.sector.label', objectType: 'sector', objectId: sector, summary: { label: text.slice(0, 100) } }),
  );
  return listSectors(db);
}

// ---- activities -----------------------------------------------------------------------------------

export interface ActivityView {
  id: number;
  code: string;
  sectorCode: string;
  name: { en: string; fr: string };
  plan: string | null;
  activityArea: string | null;
  unit: IndicatorUnit;
  aggregation: 'max' | 'sum';
}

const activityView = (row: q.ActivityRow): ActivityView => ({
  id: row.id,
  code: row.code,
  sectorCode: row.sector_code,
  name: { en: row.name_en, fr: row.name_fr },
  plan: row.plan_code,
  activityArea: row.area_code,
  unit: row.unit,
  aggregation: row.aggregation,
});

export async function listActivities(db: Queryable): Promise<ActivityView[]> {
  return (await q.activities(db)).map(activityView);
}

export interface ActivityInput {
  code: string;
  sector: string;
  nameEn: string;
  nameFr: string;
  plan?: string;
  activityArea?: string;
  unit: IndicatorUnit;
  aggregation?: 'max' | 'sum';
}

export async function createActivity(db: Queryable, actor: Actor, input: ActivityInput): Promise<ActivityView> {
  const expected = input.unit === 'people' || input.unit === 'households' ? 'max' : 'sum';
  if (input.aggregation !== undefined && input.aggregation !== expected) throw new AppError('response.activity.unitRule', { unit: input.unit, expected, given: input.aggregation });
  return audited(
    db,
    actor,
    async (tx) => {
      const sector = await resolveSector(tx, input.sector);
      let areaId: number | null = null;
      if (input.plan !== undefined || input.activityArea !== undefined) {
        const plan = await plans.getPlan(tx, input.plan ?? '');
        const area = plan.objectives.flatMap((objective) => objective.areas).find((candidate) => candidate.code === input.activityArea);
        if (!area) throw new AppError('response.activity.areaNotFound', { plan: plan.code, area: (input.activityArea ?? '').slice(0, 60) });
        areaId = area.id;
      }
      if (await q.activityByCode(tx, input.code.trim())) throw new AppError('resource.exists');
      await q.insertActivity(tx, { code: input.code.trim(), sector, nameEn: input.nameEn.trim(), nameFr: input.nameFr.trim(), areaId, unit: input.unit, aggregation: expected });
      return activityView((await q.activityByCode(tx, input.code.trim()))!);
    },
    (activity) => ({ action: 'response.activity.create', objectType: 'activity', objectId: activity.id, summary: { code: activity.code, sector: activity.sectorCode } }),
  );
}

// ---- periods --------------------------------------------------------------------------------------

export type PeriodView = Pick<q.PeriodRow, 'id' | 'country' | 'month' | 'status' | 'version'>;

/** Countries where the principal holds the verb, or null for everywhere. */
function countriesOf(principal: Principal, verbs: readonly string[]): string[] | null {
  if (principal.kind === 'system') return null;
  if (principal.kind === 'anonymous') return [];
  const assignments = principal.assignments.filter((assignment) => verbs.some((verb) => assignment.verbs.includes(verb)));
  if (assignments.some((assignment) => assignment.scope.kind === 'response')) return null;
  return assignments.filter((assignment) => assignment.scope.kind === 'country').map((assignment) => assignment.scope.value!);
}

export async function listPeriods(db: Queryable, principal: Principal): Promise<PeriodView[]> {
  // Periods say nothing secret: anyone who may read the response sees them all.
  void principal;
  return q.periods(db, null);
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

function requireMonth(input: string): string {
  if (!MONTH.test(input)) throw new AppError('response.period.invalid', { input: input.slice(0, 20) });
  return input;
}

function requireCountry(input: string): string {
  const country = input.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) throw new AppError('geo.country.unknown', { input: input.slice(0, 10) });
  return country;
}

function lockedError(period: q.PeriodRow): AppError {
  return new AppError('response.period.locked', { period: period.month, country: period.country });
}

/** The period of a country and month, opened on first use (monthly periods are the default). */
async function periodOf(tx: Queryable, country: string, month: string): Promise<q.PeriodRow> {
  return (await q.periodForUpdate(tx, country, month)) ?? (await q.insertPeriod(tx, country, month));
}

export async function openPeriod(db: Queryable, actor: Actor, countryInput: string, monthInput: string): Promise<PeriodView> {
  const country = requireCountry(countryInput);
  const month = requireMonth(monthInput);
  if (!can(actor.principal, 'response.manage', { countries: [country] })) throw new AppError('auth.forbidden', { verb: 'response.manage' });
  return audited(
    db,
    actor,
    async (tx) => {
      if (await q.periodForUpdate(tx, country, month)) throw new AppError('resource.exists');
      return q.insertPeriod(tx, country, month);
    },
    (period) => ({ action: 'response.period.open', objectType: 'period', objectId: period.id, summary: { country, month } }),
  );
}

const PERIOD_STEPS: Record<string, readonly string[]> = { open: ['closed'], closed: ['open', 'locked'], locked: [] };

/** open → closed → locked (and closed back to open). A locked period answers 409 whoever asks: unlocking is its own verb. */
export async function setPeriodStatus(db: Queryable, actor: Actor, id: number, status: 'open' | 'closed' | 'locked'): Promise<PeriodView> {
  return audited(
    db,
    actor,
    async (tx) => {
      const period = await q.periodByIdForUpdate(tx, id);
      if (!period || !can(actor.principal, 'response.manage', { countries: [period.country] })) throw new AppError('response.period.notFound', { period: id, country: '—' });
      if (period.status === 'locked') throw lockedError(period);
      if (!PERIOD_STEPS[period.status]!.includes(status)) throw new AppError('response.period.transition', { from: period.status, to: status });
      await q.setPeriodStatus(tx, id, status);
      return { ...period, status, version: period.version + 1 };
    },
    (period) => ({ action: `response.period.${period.status === 'open' ? 'reopen' : period.status === 'closed' ? 'close' : 'lock'}`, objectType: 'period', objectId: period.id, summary: { country: period.country, month: period.month } }),
  );
}

/** Unlocks a locked period back to closed; the reason is kept in the audit log. */
export async function unlockPeriod(db: Queryable, actor: Actor, id: number, reason: string): Promise<PeriodView> {
  const why = reason.trim();
  if (why.length < 3) throw new AppError('response.period.reasonRequired');
  return audited(
    db,
    actor,
    async (tx) => {
      const period = await q.periodByIdForUpdate(tx, id);
      if (!period || !can(actor.principal, 'response.unlock', { countries: [period.country] })) throw new AppError('response.period.notFound', { period: id, country: '—' });
      if (period.status !== 'locked') throw new AppError('response.period.transition', { from: period.status, to: 'unlocked' });
      await q.setPeriodStatus(tx, id, 'closed');
      return { ...period, status: 'closed' as const, version: period.version + 1 };
    },
    (period) => ({ action: 'response.period.unlock', objectType: 'period', objectId: period.id, summary: { country: period.country, month: period.month, reason: why.slice(0, 500) } }),
  );
}

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
  return audited(
    db,
    actor,
    async (tx) => {
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
  );
}

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
  reached: Array<{ sector: string; admin2: string; month: string; unit: IndicatorUnit; reached: number | null; targeted: number | null; coverage: number | null; above100: boolean }>;
  /** Per sector and unit: admin2 figures added up to admin1 (`admin1` set) and national (`admin1` null). */
  totals: Array<{ sector: string; unit: IndicatorUnit; admin1: string | null; reached: number | null; targeted: number | null }>;
  /** People reached in each admin2 across sectors: the largest sector's figure, never the sum. */
  interSector: Array<{ admin2: string; reached: number | null }>;
  gaps: Array<{ admin2: string; sector: string; caseload: number }>;
  overlaps: Array<{ activity: string; place: string; month: string; organisations: string[] }>;
  caseloadSource: Array<{ operation: string; assessmentType: string; round: number }>;
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
  const overlapping = overlaps(rows.map((row) => ({ activity: row.activity_code, place: row.site_code ?? row.admin3_pcode ?? row.admin2_pcode, period: row.month, organisationId: row.organisation_id })));
  return {
    presence: present.map((entry) => ({ sector: entry.sector, admin1: entry.admin1, admin2: entry.admin2, month: entry.period, organisations: named(entry.organisations) })),
    reached: aggregates.map((aggregate) => {
      const reached = aggregate.cells.get('reached|all|all|all') ?? null;
      const targeted = aggregate.cells.get('targeted|all|all|all') ?? null;
      const ratio = coverage(reached, targeted);
      return { sector: aggregate.sector, admin2: aggregate.admin2, month: aggregate.period, unit: aggregate.unit, reached, targeted, coverage: ratio.percent, above100: ratio.above100 };
    }),
    totals: sectorTotals(aggregates),
    interSector: [...new Set(aggregates.map((aggregate) => aggregate.admin2))].sort().map((admin2) => ({
      admin2,
      reached: interSector(aggregates.filter((aggregate) => aggregate.admin2 === admin2 && aggregate.unit === 'people')).get('reached|all|all|all') ?? null,
    })),
    gaps: found,
    overlaps: overlapping.map((entry) => ({ activity: entry.activity, place: entry.place, month: entry.period, organisations: named(entry.organisations) })),
    caseloadSource: sources,
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
