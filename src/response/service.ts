/**
 * Partner activity reporting (4W/5W): organisations, sectors, activities, reporting periods and
 * activity reports with their approval workflow. Every write is one audited transaction
 * (access/audit.ts); everything is checked before anything is written.
 */
import { audited, actorName, type Actor } from '../access/audit.js';
import * as access from '../access/service.js';
import { can, countriesWith, type Principal } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { AppError, type Language } from '../core/errors.js';
import * as plans from '../plans/service.js';
import { type IndicatorUnit } from './aggregate.js';
import * as q from './queries.js';
import type { SphereIndicator } from './sphere.js';
import { foldName, isOrgTypeCode, isSectorCode, ORG_TYPES, proposeMerges, SECTORS, sectorOfLabel, type MergeProposal, type OrgTypeCode, type SectorCode } from './vocabulary.js';

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
      const id = await addOrganisation(tx, actor, { acronym, name, orgTypeCode: input.orgTypeCode as OrgTypeCode });
      const organisation = organisationView((await q.organisationById(tx, id))!);
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

/**
 * Adds a response organisation inside the caller's transaction, its folded keys known to be free:
 * the access module's organisation of the same name (a partner's users belong to it) is reused.
 * Used by createOrganisation and by a 5W import (which audits the import as a whole).
 */
export async function addOrganisation(tx: Queryable, actor: Actor, input: { acronym: string; name: string; orgTypeCode: OrgTypeCode }): Promise<number> {
  const accessOrganisation = (await access.listOrganisations(tx)).find((organisation) => foldName(organisation.name) === foldName(input.name));
  const id = Number(accessOrganisation?.id ?? (await access.createOrganisation(tx, actor, { name: input.name, acronym: input.acronym, type: ORG_TYPES[input.orgTypeCode].en })).id);
  await q.insertOrganisation(tx, { id, acronym: input.acronym, acronymKey: foldName(input.acronym), nameKey: foldName(input.name), orgTypeCode: input.orgTypeCode, createdBy: actorName(actor) });
  return id;
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

/** The labels a person confirmed, folded, and the cluster each names. */
export async function storedLabels(db: Queryable): Promise<Map<string, string>> {
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
  sphereIndicator: string | null;
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
  sphereIndicator: row.sphere_indicator,
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
  /** What the activity's items count for a Sphere check (response/sphere.ts); items only. */
  sphereIndicator?: SphereIndicator;
}

export async function createActivity(db: Queryable, actor: Actor, input: ActivityInput): Promise<ActivityView> {
  const expected = input.unit === 'people' || input.unit === 'households' ? 'max' : 'sum';
  if (input.aggregation !== undefined && input.aggregation !== expected) throw new AppError('response.activity.unitRule', { unit: input.unit, expected, given: input.aggregation });
  if (input.sphereIndicator !== undefined && input.unit !== 'items') throw new AppError('response.sphere.itemsOnly', { unit: input.unit });
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
      await q.insertActivity(tx, { code: input.code.trim(), sector, nameEn: input.nameEn.trim(), nameFr: input.nameFr.trim(), areaId, unit: input.unit, aggregation: expected, sphereIndicator: input.sphereIndicator ?? null });
      return activityView((await q.activityByCode(tx, input.code.trim()))!);
    },
    (activity) => ({ action: 'response.activity.create', objectType: 'activity', objectId: activity.id, summary: { code: activity.code, sector: activity.sectorCode } }),
  );
}

/**
 * The activity a 5W file's rows of a sector count under: `5w-<sector>`, in people (maximum across
 * activities), created on first use. A 5W file names its activities in free text, kept on each
 * report as the provider's own; overlaps of imported rows are therefore by sector.
 */
export async function fiveWActivity(tx: Queryable, sector: SectorCode): Promise<number> {
  const code = `5w-${sector}`;
  const existing = await q.activityByCode(tx, code);
  if (existing) return existing.id;
  const names = SECTORS[sector];
  return q.insertActivity(tx, { code, sector, nameEn: `${names.en} (5W file)`, nameFr: `${names.fr} (fichier 5W)`, areaId: null, unit: 'people', aggregation: 'max' });
}

// ---- periods --------------------------------------------------------------------------------------

export type PeriodView = Pick<q.PeriodRow, 'id' | 'country' | 'month' | 'status' | 'version'>;

/** Countries where the principal holds the verb, or null for everywhere. */
export function countriesOf(principal: Principal, verbs: readonly string[]): string[] | null {
  return countriesWith(principal, verbs);
}

export async function listPeriods(db: Queryable, principal: Principal): Promise<PeriodView[]> {
  // Periods say nothing secret: anyone who may read the response sees them all.
  void principal;
  return q.periods(db, null);
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function requireMonth(input: string): string {
  if (!MONTH.test(input)) throw new AppError('response.period.invalid', { input: input.slice(0, 20) });
  return input;
}

export function requireCountry(input: string): string {
  const country = input.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) throw new AppError('geo.country.unknown', { input: input.slice(0, 10) });
  return country;
}

export function lockedError(period: q.PeriodRow): AppError {
  return new AppError('response.period.locked', { period: period.month, country: period.country });
}

/** The period of a country and month, opened on first use (monthly periods are the default). */
export async function periodOf(tx: Queryable, country: string, month: string): Promise<q.PeriodRow> {
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
