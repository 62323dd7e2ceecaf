/**
 * The assistance registry: households and their members registered by an organisation with
 * consent, duplicate detection across partners and spellings, and the review queue where a
 * person decides. Personal data (names, phones, documents) leaves only to holders of
 * `assistance.personal`, and each such read is recorded in the audit log before it leaves.
 * Every write is one audited transaction; everything is checked before anything is written.
 */
import { audited, auditedRead, actorName, type Actor } from '../access/audit.js';
import { can, type Principal } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { AppError } from '../core/errors.js';
import * as geo from '../geo/service.js';
import { internTable, linkRecords, prepareRecord, reasonsOf, type InternTable, type PreparedRecord } from './linkage.js';
import * as q from './queries.js';
import { chooseThreshold, DEFAULT_THRESHOLD, MIN_THRESHOLD, type LabelledPair, type ThresholdChoice } from './threshold.js';

export const DISPLACEMENT_STATUSES = ['idp', 'returnee', 'refugee', 'host', 'other'] as const;
export const RELATIONS = ['head', 'spouse', 'child', 'parent', 'sibling', 'grandchild', 'other'] as const;
export const SEXES = ['f', 'm'] as const;
export const DUPLICATE_STATUSES = ['pending', 'same', 'different', 'unsure'] as const;

/** The largest household a registration may hold: above it a list was pasted into one household. */
export const MAX_MEMBERS = 50;

/**
 * Pairs whose probability of being one person (Fellegi–Sunter, weights learned by EM from the
 * registry: linkage.ts) reaches the threshold go to the review queue. The threshold is chosen at
 * each run from the pairs reviewers decided (threshold.ts: the best F1 over them), and is
 * DEFAULT_THRESHOLD (0.5, "more likely one person than two") until MIN_LABELS pairs are decided.
 * A person decides every pair; nothing merges by itself.
 */
export const DUPLICATE_THRESHOLD = DEFAULT_THRESHOLD;

/**
 * Members read per query by duplicate detection. Small enough that a page's rows (as read, then
 * unsealed) die young: pages of 20,000 outlived the young generation, and at a million people
 * their garbage reached 590 MB of JS heap before a full collection, the run's peak on PGlite.
 */
const DETECTION_PAGE = 2_000;
/** Candidates written per statement. */
const CANDIDATE_BATCH = 5_000;

// ---- scope ----------------------------------------------------------------------------------------

/** Where the principal holds the verb: everywhere, some countries, some organisations. */
export function scopeOf(principal: Principal, verb: 'assistance.read' | 'assistance.personal' | 'assistance.manage'): q.RegistryScope {
  if (principal.kind === 'system') return { all: true, countries: [], organisations: [] };
  if (principal.kind === 'anonymous') return { all: principal.verbs.includes(verb), countries: [], organisations: [] };
  // A collection phone reaches its forms only, never the registry.
  if (principal.kind === 'app-user') return { all: false, countries: [], organisations: [] };
  if (principal.tokenVerbs && principal.tokenVerbs.length > 0 && !principal.tokenVerbs.includes(verb)) return { all: false, countries: [], organisations: [] };
  const assignments = principal.assignments.filter((assignment) => assignment.verbs.includes(verb));
  return {
    all: assignments.some((assignment) => assignment.scope.kind === 'response'),
    countries: assignments.filter((assignment) => assignment.scope.kind === 'country').map((assignment) => assignment.scope.value!),
    organisations: assignments.filter((assignment) => assignment.scope.kind === 'organisation').map((assignment) => Number(assignment.scope.value)),
  };
}

const holds = (principal: Principal, verb: 'assistance.personal' | 'assistance.manage', household: { country: string; organisation_id: number }): boolean =>
  can(principal, verb, { countries: [household.country], organisationId: household.organisation_id });

// ---- registration -------------------------------------------------------------------------------

export interface MemberInput {
  givenNames: string;
  familyName: string;
  spokenName?: string | null;
  sex: 'f' | 'm';
  birthYear?: number | null;
  birthDate?: string | null;
  relation: (typeof RELATIONS)[number];
  phone?: string | null;
  idDocument?: string | null;
}

export interface HouseholdInput {
  organisationId: number;
  location: { pcode: string; site?: string | null };
  displacementStatus: (typeof DISPLACEMENT_STATUSES)[number];
  originPcode?: string | null;
  vulnerabilities?: readonly string[];
  members: readonly MemberInput[];
  consent: { givenBy: string; givenAt: string; purposes: readonly string[] };
}

// Spreadsheet formulas start so; a name never does (a registry file opened in Excel would run it).
const FORMULA = /^[=+\-@\t\r]/;
const NAME = /^[\p{L}\p{M}][\p{L}\p{M}' ’.-]*$/u;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Checked here, not by the database: it holds these columns sealed (core/data-keys.ts). */
const MAX_NAME = 200;
const MAX_ID_DOCUMENT = 60;

function checkLength(text: string, index: number, field: 'name' | 'idDocument', max: number): string {
  if (text.length > max) throw new AppError('assistance.member.tooLong', { index, field, length: text.length, max });
  return text;
}

function cleanName(value: string, index: number): string {
  const text = value.trim().replace(/\s+/g, ' ');
  if (FORMULA.test(text)) throw new AppError('assistance.member.formula', { index, text: text.slice(0, 40) });
  if (!NAME.test(text)) throw new AppError('assistance.member.name', { index });
  return checkLength(text, index, 'name', MAX_NAME);
}

function cleanOptionalName(value: string | null | undefined, index: number): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : cleanName(value, index);
}

/** A phone as digits with an optional leading +: spaces, dots, dashes and brackets are the writer's. */
export function cleanPhone(value: string | null | undefined, index: number): string | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  const text = value.trim();
  if (FORMULA.test(text) && !text.startsWith('+')) throw new AppError('assistance.member.phone', { index, phone: text.slice(0, 30) });
  const phone = text.replace(/[\s.()-]/g, '');
  if (!/^\+?[0-9]{8,15}$/.test(phone)) throw new AppError('assistance.member.phone', { index, phone: text.slice(0, 30) });
  return phone;
}

/** Birth year and date checked against each other and the calendar; a future year is refused. */
function cleanBirth(member: MemberInput, index: number, currentYear: number): { year: number | null; date: string | null } {
  let date: string | null = null;
  let year = member.birthYear ?? null;
  if (member.birthDate !== undefined && member.birthDate !== null && member.birthDate !== '') {
    const match = DATE.exec(member.birthDate);
    const parsed = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
    if (!match || !parsed || parsed.getUTCFullYear() !== Number(match[1]) || parsed.getUTCMonth() !== Number(match[2]) - 1 || parsed.getUTCDate() !== Number(match[3])) {
      throw new AppError('assistance.member.birthDate', { index, date: member.birthDate.slice(0, 20) });
    }
    date = member.birthDate;
    if (year !== null && year !== parsed.getUTCFullYear()) throw new AppError('assistance.member.birthMismatch', { index, date, year });
    year = parsed.getUTCFullYear();
    if (parsed.getTime() > Date.now()) throw new AppError('assistance.member.birthFuture', { index, year, current: currentYear });
  }
  if (year !== null && year > currentYear) throw new AppError('assistance.member.birthFuture', { index, year, current: currentYear });
  if (year !== null && year < 1900) throw new AppError('assistance.member.birthTooOld', { index, year });
  return { year, date };
}

/** Every member checked, in order; the first problem is the caller's answer and nothing is stored. */
export function checkMembers(members: readonly MemberInput[], currentYear = new Date().getUTCFullYear()): q.MemberValues[] {
  if (members.length > MAX_MEMBERS) throw new AppError('assistance.household.tooManyMembers', { count: members.length, max: MAX_MEMBERS });
  const heads = members.filter((member) => member.relation === 'head').length;
  if (heads !== 1) throw new AppError('assistance.household.noHead', { count: heads });
  return members.map((member, offset) => {
    const index = offset + 1;
    const birth = cleanBirth(member, index, currentYear);
    return {
      givenNames: cleanName(member.givenNames, index),
      familyName: cleanName(member.familyName, index),
      spokenName: cleanOptionalName(member.spokenName, index),
      sex: member.sex,
      birthYear: birth.year,
      birthDate: birth.date,
      relation: member.relation,
      phone: cleanPhone(member.phone, index),
      idDocument: member.idDocument?.trim() ? checkLength(member.idDocument.trim(), index, 'idDocument', MAX_ID_DOCUMENT) : null,
    };
  });
}

export interface HouseholdView {
  id: number;
  organisation: { id: number; acronym: string };
  country: string;
  location: { admin1: string; admin2: string; admin2Name: string | null; admin3: string | null; site: string | null; geographyVersion: string };
  displacementStatus: string;
  origin: string | null;
  vulnerabilities: string[];
  /** Consenting members: people who withdrew are not counted. */
  members: number;
  registeredAt: string;
}

const householdView = (row: q.HouseholdRow): HouseholdView => ({
  id: row.id,
  organisation: { id: row.organisation_id, acronym: row.organisation_acronym },
  country: row.country,
  location: { admin1: row.admin1_pcode, admin2: row.admin2_pcode, admin2Name: row.admin2_name, admin3: row.admin3_pcode, site: row.site_code, geographyVersion: row.geography_version },
  displacementStatus: row.displacement_status,
  origin: row.origin_pcode,
  vulnerabilities: row.vulnerabilities,
  members: row.members,
  registeredAt: row.created_at,
});

/** Registers a household, its members and the household's consent, all or nothing. */
export async function registerHousehold(db: Queryable, actor: Actor, input: HouseholdInput): Promise<HouseholdView> {
  const members = checkMembers(input.members);
  const givenBy = input.consent.givenBy.trim();
  if (givenBy === '' || input.consent.purposes.length === 0) throw new AppError('assistance.household.consentRequired');
  const givenAt = new Date(input.consent.givenAt);
  if (Number.isNaN(givenAt.getTime())) throw new AppError('assistance.household.consentRequired');
  return audited(
    db,
    actor,
    async (tx) => {
      if (!(await q.organisationExists(tx, input.organisationId))) throw new AppError('response.organisation.notFound', { name: String(input.organisationId) });
      const place = await geo.getUnit(tx, input.location.pcode);
      const unit = place.unit;
      if (unit.level < 2 || unit.level > 3) throw new AppError('assistance.household.location', { pcode: unit.pcode, level: unit.level });
      const chain = [...place.ancestors, unit];
      const at = (level: number): string | null => chain.find((candidate) => candidate.level === level)?.pcode ?? null;
      if (!can(actor.principal, 'assistance.manage', { countries: [unit.country], organisationId: input.organisationId })) throw new AppError('assistance.household.ownOrganisation');
      const origin = input.originPcode?.trim() || null;
      if (origin !== null) await geo.getUnit(tx, origin);
      const id = await q.insertHousehold(tx, {
        organisationId: input.organisationId,
        country: unit.country,
        admin1: at(1) ?? unit.pcode.slice(0, 4),
        admin2: at(2)!,
        admin3: at(3),
        geographyVersion: unit.validFrom,
        site: input.location.site?.trim() || null,
        displacementStatus: input.displacementStatus,
        origin,
        vulnerabilities: [...new Set((input.vulnerabilities ?? []).map((criterion) => criterion.trim()).filter((criterion) => criterion !== ''))],
        createdBy: actorName(actor),
      });
      await q.insertMembers(tx, id, members);
      await q.insertConsent(tx, { householdId: id, memberId: null, givenBy, givenAt: givenAt.toISOString(), purposes: [...new Set(input.consent.purposes)] });
      return householdView((await q.householdById(tx, id))!);
    },
    // Counts and places only: the audit log never holds a name.
    (household) => ({ action: 'assistance.household.register', objectType: 'household', objectId: household.id, summary: { organisation: household.organisation.acronym, admin2: household.location.admin2, members: household.members } }),
  );
}

export async function listHouseholds(db: Queryable, principal: Principal, filter: q.HouseholdFilter): Promise<{ total: number; households: HouseholdView[] }> {
  const { total, rows } = await q.households(db, scopeOf(principal, 'assistance.read'), filter);
  return { total, households: rows.map(householdView) };
}

/** A member as the registry shows it: what was registered, with its id. */
export interface MemberView extends q.MemberValues {
  id: number;
}

const memberView = (row: q.MemberRow): MemberView => ({
  id: row.id,
  givenNames: row.given_names,
  familyName: row.family_name,
  spokenName: row.spoken_name,
  sex: row.sex,
  birthYear: row.birth_year,
  birthDate: row.birth_date,
  relation: row.relation,
  phone: row.phone,
  idDocument: row.id_document,
});

export interface PersonalHouseholdView extends HouseholdView {
  people: MemberView[];
  consents: Array<{ id: number; memberId: number | null; givenBy: string; givenAt: string; purposes: string[]; withdrawnAt: string | null }>;
}

async function visibleHousehold(db: Queryable, principal: Principal, id: number, verb: 'assistance.personal' | 'assistance.manage'): Promise<q.HouseholdRow> {
  const row = await q.householdById(db, id);
  // Out of scope reads as absent: a partner learns nothing about another's registrations.
  if (!row || !holds(principal, verb, row) || row.members === 0) throw new AppError('assistance.household.notFound', { id });
  return row;
}

/** One household with its people's personal data; the read and its reason are recorded before anything leaves. */
export async function readHousehold(db: Queryable, actor: Actor, id: number, reason: string): Promise<PersonalHouseholdView> {
  const why = reason.trim();
  if (why.length < 5) throw new AppError('assistance.read.reasonRequired');
  const row = await visibleHousehold(db, actor.principal, id, 'assistance.personal');
  const people = (await q.membersOf(db, [id])).map(memberView);
  const consents = (await q.consentsOf(db, id)).map((consent) => ({
    id: consent.id,
    memberId: consent.member_id,
    givenBy: consent.given_by,
    givenAt: consent.given_at,
    purposes: consent.purposes,
    withdrawnAt: consent.withdrawn_at,
  }));
  await auditedRead(db, actor, { action: 'assistance.household.read', objectType: 'household', objectId: id, summary: { reason: why.slice(0, 500), members: people.map((person) => person.id) } });
  return { ...householdView(row), people, consents };
}

/** Withdraws the consent of one member (memberId) or of the whole household; they disappear from every list. */
export async function withdrawConsent(db: Queryable, actor: Actor, householdId: number, memberId: number | null): Promise<{ householdId: number; memberId: number | null }> {
  return audited(
    db,
    actor,
    async (tx) => {
      await visibleHousehold(tx, actor.principal, householdId, 'assistance.manage');
      if (memberId === null) {
        await q.withdrawHouseholdConsent(tx, householdId, actorName(actor));
      } else {
        const members = await q.membersOf(tx, [householdId]);
        if (!members.some((member) => member.id === memberId)) throw new AppError('assistance.consent.notFound', { household: householdId, member: memberId });
        await q.withdrawMemberConsent(tx, householdId, memberId, actorName(actor));
      }
      return { householdId, memberId };
    },
    (result) => ({ action: 'assistance.consent.withdraw', objectType: 'household', objectId: result.householdId, summary: { member: result.memberId } }),
  );
}

// ---- duplicates ---------------------------------------------------------------------------------

const recordOf = (row: q.ComparableRow, table: InternTable): PreparedRecord =>
  prepareRecord({
    givenNames: row.given_names,
    familyName: row.family_name,
    sex: row.sex,
    birthYear: row.birth_year,
    birthDate: row.birth_date,
    place: row.admin2_pcode,
    locality: row.site_code,
    address: null,
    contact: row.phone,
    idDocument: row.id_document,
    household: row.household_id,
  }, table);

/**
 * Finds the pairs of the caller's scope that may be one person: members are read a page at a
 * time into their compact compared form; only members sharing a blocking key are compared; the
 * weights of the comparisons are learned from this registry (EM); pairs whose probability
 * reaches the threshold become pending candidates. Pairs already found keep their decision.
 * Memory grows with the members and the candidates, never with the pairs compared.
 */
/** The threshold a run applied and the labels that chose it. */
export interface ThresholdInForce {
  threshold: number;
  source: ThresholdChoice['source'];
  /** Decided pairs of the run's registry (same + different), and how many said "same person". */
  labels: number;
  same: number;
}

export interface DetectionResult {
  compared: number;
  found: number;
  added: number;
  threshold: ThresholdInForce;
}

export async function detectDuplicates(db: Queryable, actor: Actor, options: { onPhase?: (phase: string) => void } = {}): Promise<DetectionResult> {
  const phase = options.onPhase ?? ((): void => undefined);
  return audited(
    db,
    actor,
    async (tx) => {
      const scope = scopeOf(actor.principal, 'assistance.manage');
      const records: PreparedRecord[] = [];
      const memberIds: number[] = [];
      const householdIds: number[] = [];
      const table = internTable();
      for (let after = 0; ; ) {
        const page = await q.comparableMembers(tx, scope, after, DETECTION_PAGE);
        for (const row of page) {
          records.push(recordOf(row, table));
          memberIds.push(row.id);
          householdIds.push(row.household_id);
        }
        if (page.length < DETECTION_PAGE) break;
        after = page[page.length - 1]!.id;
      }
      // Pairs are kept down to the lowest threshold a choice may give, so that the decided pairs
      // are scored by this run's model (it is learned again each run) before the cut is chosen.
      phase(`members read (${records.length})`);
      const run = linkRecords(records, MIN_THRESHOLD, { onPhase: phase });
      // The compared forms are done with (some 200 bytes a member): let them go before the
      // candidates are written rather than hold them to the end of the transaction.
      records.length = 0;
      table.strings.clear();
      table.tokens.clear();
      const probabilityOf = new Map<string, number>();
      for (const { i, j, probability } of run.matches) probabilityOf.set(`${Math.min(memberIds[i]!, memberIds[j]!)}:${Math.max(memberIds[i]!, memberIds[j]!)}`, probability);
      // Only pairs of members this run compares: a withdrawn consent takes its labels with it.
      // (A set of the labelled members found, not of every member: at a million people that set
      // was some 50 MB more at the run's peak.)
      const labelled = await q.labelledPairs(tx, scope);
      const wanted = new Set(labelled.flatMap(({ low, high }) => [low, high]));
      const present = new Set(memberIds.filter((id) => wanted.has(id)));
      const labels: LabelledPair[] = labelled
        .filter(({ low, high }) => present.has(low) && present.has(high))
        .map(({ low, high, same }) => ({ probability: probabilityOf.get(`${low}:${high}`) ?? 0, same }));
      const choice = chooseThreshold(labels);
      const candidates = run.matches
        .filter(({ probability }) => probability >= choice.threshold)
        .map(({ i, j, probability, detail }) => {
          const reasons = reasonsOf(detail);
          return {
            low: Math.min(memberIds[i]!, memberIds[j]!),
            high: Math.max(memberIds[i]!, memberIds[j]!),
            // Stored with three decimals: a pair at the threshold stays at it.
            score: Math.max(choice.threshold, Math.min(1, Math.round(probability * 1000) / 1000)),
            reasons: householdIds[i] === householdIds[j] ? [...reasons, 'same household'] : reasons,
          };
        });
      let added = 0;
      for (let start = 0; start < candidates.length; start += CANDIDATE_BATCH) added += await q.insertCandidates(tx, candidates.slice(start, start + CANDIDATE_BATCH));
      const threshold: ThresholdInForce = { threshold: choice.threshold, source: choice.source, labels: choice.labels, same: choice.same };
      await q.insertDetectionRun(tx, { by: actorName(actor), ...threshold, compared: run.compared, found: candidates.length, added });
      phase(`candidates stored (${added} new)`);
      return { compared: run.compared, found: candidates.length, added, threshold };
    },
    (result) => ({ action: 'assistance.duplicates.detect', objectType: 'registry', objectId: null, summary: result }),
  );
}

/** The threshold of the latest detection run, and when it ran (null before the first run). */
export interface DetectionView extends ThresholdInForce {
  ranAt: string;
}

export interface ReviewRecord {
  memberId: number;
  householdId: number;
  organisation: { id: number; acronym: string };
  country: string;
  admin2: string;
  admin2Name: string | null;
  site: string | null;
  sex: 'f' | 'm';
  birthYear: number | null;
  relation: string;
  householdSize: number;
  registeredAt: string;
  /** Only for holders of `assistance.personal` over this record's household. */
  personal: { givenNames: string; familyName: string; spokenName: string | null; phone: string | null } | null;
}

export interface DuplicateView {
  id: number;
  score: number;
  reasons: string[];
  status: q.DuplicateStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
  merged: boolean;
  records: [ReviewRecord, ReviewRecord];
}

/** The review queue (or the pairs of another status), both records side by side, best score first. */
export async function listDuplicates(
  db: Queryable,
  actor: Actor,
  filter: { status: q.DuplicateStatus; limit: number; offset: number },
): Promise<{ total: number; duplicates: DuplicateView[]; detection: DetectionView | null }> {
  const principal = actor.principal;
  const { total, rows } = await q.duplicates(db, scopeOf(principal, 'assistance.manage'), filter.status, filter.limit, filter.offset);
  const members = new Map((await q.reviewMembers(db, rows.flatMap((row) => [row.member_low, row.member_high]))).map((member) => [member.id, member]));
  let personalShown = 0;
  const record = (id: number): ReviewRecord => {
    const member = members.get(id)!;
    const personal = holds(principal, 'assistance.personal', member);
    if (personal) personalShown++;
    return {
      memberId: member.id,
      householdId: member.household_id,
      organisation: { id: member.organisation_id, acronym: member.organisation_acronym },
      country: member.country,
      admin2: member.admin2_pcode,
      admin2Name: member.admin2_name,
      site: member.site_code,
      sex: member.sex,
      birthYear: member.birth_year,
      relation: member.relation,
      householdSize: member.household_size,
      registeredAt: member.registered_at,
      personal: personal ? { givenNames: member.given_names, familyName: member.family_name, spokenName: member.spoken_name, phone: member.phone } : null,
    };
  };
  const duplicates = rows.map((row): DuplicateView => ({
    id: row.id,
    score: Number(row.score),
    reasons: row.reasons,
    status: row.status,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    comment: row.comment,
    merged: row.merge_id !== null,
    records: [record(row.member_low), record(row.member_high)],
  }));
  // Names side by side are a read of personal data like any other: recorded before they leave.
  if (personalShown > 0) {
    await auditedRead(db, actor, { action: 'assistance.duplicates.read', objectType: 'duplicate', objectId: null, summary: { status: filter.status, pairs: duplicates.map((duplicate) => duplicate.id).slice(0, 500) } });
  }
  const run = await q.latestDetectionRun(db);
  const detection = run === undefined ? null : { ranAt: run.run_at, threshold: run.threshold, source: run.threshold_source, labels: run.labels, same: run.labels_same };
  return { total, duplicates, detection };
}

export type Decision = Exclude<q.DuplicateStatus, 'pending'>;

/** A reviewer decides a pair: the same person (a merge row, both records kept), different, or unsure (decided again later). */
export async function decideDuplicate(db: Queryable, actor: Actor, id: number, decision: Decision, comment: string | null): Promise<{ id: number; status: Decision; mergeId: number | null }> {
  const why = comment?.trim() || null;
  return audited(
    db,
    actor,
    async (tx) => {
      const row = await q.duplicateForUpdate(tx, scopeOf(actor.principal, 'assistance.manage'), id);
      if (!row) throw new AppError('assistance.duplicate.notFound', { id });
      if (row.status !== 'pending' && row.status !== 'unsure') throw new AppError('assistance.duplicate.decided', { id, status: row.status });
      await q.decideDuplicate(tx, id, decision, actorName(actor), why);
      const mergeId = decision === 'same' ? await q.insertMerge(tx, { duplicateId: id, low: row.member_low, high: row.member_high, by: actorName(actor) }) : null;
      return { id, status: decision, mergeId };
    },
    (result) => ({ action: 'assistance.duplicate.decide', objectType: 'duplicate', objectId: id, summary: { decision: result.status, merge: result.mergeId } }),
  );
}

/** Undoes a merge: the merge row says when and by whom, the pair goes back to the queue; both records were never touched. */
export async function undoMerge(db: Queryable, actor: Actor, id: number, comment: string | null): Promise<{ id: number; mergeId: number }> {
  const why = comment?.trim() || null;
  return audited(
    db,
    actor,
    async (tx) => {
      const row = await q.duplicateForUpdate(tx, scopeOf(actor.principal, 'assistance.manage'), id);
      if (!row) throw new AppError('assistance.duplicate.notFound', { id });
      if (row.merge_id === null) throw new AppError('assistance.merge.notActive', { id });
      await q.undoMerge(tx, row.merge_id, actorName(actor));
      await q.reopenDuplicate(tx, id, why);
      return { id, mergeId: row.merge_id };
    },
    (result) => ({ action: 'assistance.merge.undo', objectType: 'duplicate', objectId: id, summary: { merge: result.mergeId } }),
  );
}

/** Whether the registry already holds households of an organisation (the demo asks). */
export async function hasHouseholds(db: Queryable, organisationId: number): Promise<boolean> {
  return (await q.householdCount(db, organisationId)) > 0;
}
