/** Every SQL statement of the assistance registry. */
import type { Queryable } from '../core/db.js';
import { seal, unseal } from '../core/data-keys.js';

/** What a caller may see: everything, some countries, and/or some organisations' registrations. */
export interface RegistryScope {
  all: boolean;
  countries: readonly string[];
  organisations: readonly number[];
}

export const scopeParams = (scope: RegistryScope): unknown[] => [scope.all, scope.countries, scope.organisations];
export const IN_SCOPE = (alias: string, first: number): string =>
  `($${first}::boolean OR ${alias}.country = ANY($${first + 1}::text[]) OR ${alias}.organisation_id = ANY($${first + 2}::bigint[]))`;

/**
 * A member whose consent stands: the household's (or the member's own) consent is not withdrawn,
 * and the member has not withdrawn theirs. Everything listed or compared passes this test.
 */
export const CONSENTING = (member: string): string => `(
  NOT EXISTS (SELECT 1 FROM assistance_consent wc WHERE wc.member_id = ${member}.id AND wc.withdrawn_at IS NOT NULL)
  AND EXISTS (SELECT 1 FROM assistance_consent ac WHERE ac.household_id = ${member}.household_id AND (ac.member_id IS NULL OR ac.member_id = ${member}.id) AND ac.withdrawn_at IS NULL))`;

export interface HouseholdValues {
  organisationId: number;
  country: string;
  admin1: string;
  admin2: string;
  admin3: string | null;
  geographyVersion: string;
  site: string | null;
  displacementStatus: string;
  origin: string | null;
  vulnerabilities: readonly string[];
  createdBy: string;
}

export async function insertHousehold(db: Queryable, values: HouseholdValues): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO assistance_household (organisation_id, country, admin1_pcode, admin2_pcode, admin3_pcode, geography_version, site_code,
       displacement_status, origin_pcode, vulnerabilities, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id::int AS id`,
    [values.organisationId, values.country, values.admin1, values.admin2, values.admin3, values.geographyVersion, values.site, values.displacementStatus, values.origin, values.vulnerabilities, values.createdBy],
  );
  return row!.id;
}

/** The personal columns of assistance_member, sealed at rest (core/data-keys.ts; migration 0022). */
export const SEALED_COLUMNS = ['given_names', 'family_name', 'spoken_name', 'phone', 'id_document'] as const;
type SealedColumn = (typeof SEALED_COLUMNS)[number];

/** A row read from assistance_member with its sealed columns opened (those it has). */
export function unsealPerson<Row extends Partial<Record<SealedColumn, string | null>>>(row: Row): Row {
  const opened: Partial<Record<SealedColumn, string | null>> = {};
  for (const column of SEALED_COLUMNS) if (row[column] !== undefined) opened[column] = unseal(row[column]);
  return { ...row, ...opened };
}

export interface MemberValues {
  givenNames: string;
  familyName: string;
  spokenName: string | null;
  sex: 'f' | 'm';
  birthYear: number | null;
  birthDate: string | null;
  relation: string;
  phone: string | null;
  idDocument: string | null;
}

/** All members of a household in one statement (a registration is one round trip, not one per person). */
export async function insertMembers(db: Queryable, householdId: number, members: readonly MemberValues[]): Promise<number[]> {
  const rows = await db.query<{ id: number }>(
    `INSERT INTO assistance_member (household_id, given_names, family_name, spoken_name, sex, birth_year, birth_date, relation, phone, id_document)
     SELECT $1, m.given_names, m.family_name, m.spoken_name, m.sex, m.birth_year, m.birth_date, m.relation, m.phone, m.id_document
       FROM jsonb_to_recordset($2::jsonb) AS m(given_names text, family_name text, spoken_name text, sex text, birth_year smallint,
            birth_date date, relation text, phone text, id_document text)
     RETURNING id::int AS id`,
    [
      householdId,
      JSON.stringify(
        members.map((member) => ({
          given_names: seal(member.givenNames),
          family_name: seal(member.familyName),
          spoken_name: seal(member.spokenName),
          sex: member.sex,
          birth_year: member.birthYear,
          birth_date: member.birthDate,
          relation: member.relation,
          phone: seal(member.phone),
          id_document: seal(member.idDocument),
        })),
      ),
    ],
  );
  return rows.map((row) => row.id).sort((a, b) => a - b);
}

export async function insertConsent(db: Queryable, values: { householdId: number; memberId: number | null; givenBy: string; givenAt: string; purposes: readonly string[] }): Promise<void> {
  await db.query('INSERT INTO assistance_consent (household_id, member_id, given_by, given_at, purposes) VALUES ($1, $2, $3, $4, $5)', [
    values.householdId,
    values.memberId,
    values.givenBy,
    values.givenAt,
    values.purposes,
  ]);
}

export interface HouseholdRow {
  id: number;
  organisation_id: number;
  organisation_acronym: string;
  country: string;
  admin1_pcode: string;
  admin2_pcode: string;
  admin2_name: string | null;
  admin3_pcode: string | null;
  geography_version: string;
  site_code: string | null;
  displacement_status: string;
  origin_pcode: string | null;
  vulnerabilities: string[];
  members: number;
  created_by: string;
  created_at: string;
}

const HOUSEHOLD_SELECT = `
  SELECT h.id::int AS id, h.organisation_id::int AS organisation_id, ro.acronym AS organisation_acronym, h.country, h.admin1_pcode, h.admin2_pcode,
         a2.name AS admin2_name, h.admin3_pcode, to_char(h.geography_version, 'YYYY-MM-DD') AS geography_version, h.site_code, h.displacement_status,
         h.origin_pcode, h.vulnerabilities, h.created_by, to_char(h.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
         (SELECT count(*)::int FROM assistance_member m WHERE m.household_id = h.id AND ${CONSENTING('m')}) AS members
    FROM assistance_household h
    JOIN response_organisation ro ON ro.organisation_id = h.organisation_id
    LEFT JOIN LATERAL (SELECT name FROM admin_unit WHERE pcode = h.admin2_pcode AND valid_from <= h.geography_version ORDER BY valid_from DESC LIMIT 1) a2 ON true`;

export interface HouseholdFilter {
  country?: string;
  organisationId?: number;
  limit: number;
  offset: number;
}

/** Households with at least one consenting member, newest first. */
export async function households(db: Queryable, scope: RegistryScope, filter: HouseholdFilter): Promise<{ total: number; rows: HouseholdRow[] }> {
  const where = `WHERE ${IN_SCOPE('h', 1)} AND ($4::text IS NULL OR h.country = $4) AND ($5::bigint IS NULL OR h.organisation_id = $5)
      AND EXISTS (SELECT 1 FROM assistance_member m WHERE m.household_id = h.id AND ${CONSENTING('m')})`;
  const params = [...scopeParams(scope), filter.country ?? null, filter.organisationId ?? null];
  const [count] = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM assistance_household h ${where}`, params);
  const rows = await db.query<HouseholdRow>(`${HOUSEHOLD_SELECT} ${where} ORDER BY h.id DESC LIMIT $6 OFFSET $7`, [...params, filter.limit, filter.offset]);
  return { total: count!.total, rows };
}

export async function householdById(db: Queryable, id: number): Promise<HouseholdRow | undefined> {
  const [row] = await db.query<HouseholdRow>(`${HOUSEHOLD_SELECT} WHERE h.id = $1`, [id]);
  return row;
}

export interface MemberRow {
  id: number;
  household_id: number;
  given_names: string;
  family_name: string;
  spoken_name: string | null;
  sex: 'f' | 'm';
  birth_year: number | null;
  birth_date: string | null;
  relation: string;
  phone: string | null;
  id_document: string | null;
}

const MEMBER_SELECT = `
  SELECT m.id::int AS id, m.household_id::int AS household_id, m.given_names, m.family_name, m.spoken_name, m.sex, m.birth_year::int AS birth_year,
         to_char(m.birth_date, 'YYYY-MM-DD') AS birth_date, m.relation, m.phone, m.id_document
    FROM assistance_member m`;

/** The consenting members of some households. */
export async function membersOf(db: Queryable, householdIds: readonly number[]): Promise<MemberRow[]> {
  return (await db.query<MemberRow>(`${MEMBER_SELECT} WHERE m.household_id = ANY($1::bigint[]) AND ${CONSENTING('m')} ORDER BY m.household_id, m.id`, [householdIds])).map(unsealPerson);
}

export interface ConsentRow {
  id: number;
  member_id: number | null;
  given_by: string;
  given_at: string;
  purposes: string[];
  withdrawn_at: string | null;
}

export async function consentsOf(db: Queryable, householdId: number): Promise<ConsentRow[]> {
  return db.query<ConsentRow>(
    `SELECT id::int AS id, member_id::int AS member_id, given_by, to_char(given_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS given_at, purposes,
            to_char(withdrawn_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS withdrawn_at
       FROM assistance_consent WHERE household_id = $1 ORDER BY id`,
    [householdId],
  );
}

export async function withdrawHouseholdConsent(db: Queryable, householdId: number, by: string): Promise<number> {
  const rows = await db.query('UPDATE assistance_consent SET withdrawn_at = now(), withdrawn_by = $2 WHERE household_id = $1 AND withdrawn_at IS NULL RETURNING id', [householdId, by]);
  return rows.length;
}

/**
 * A member withdraws: their own consent rows are withdrawn, and a withdrawn row is added saying
 * that the household's consent no longer covers them.
 */
export async function withdrawMemberConsent(db: Queryable, householdId: number, memberId: number, by: string): Promise<void> {
  await db.query('UPDATE assistance_consent SET withdrawn_at = now(), withdrawn_by = $2 WHERE member_id = $1 AND withdrawn_at IS NULL', [memberId, by]);
  await db.query(
    `INSERT INTO assistance_consent (household_id, member_id, given_by, given_at, purposes, withdrawn_at, withdrawn_by)
     SELECT household_id, $2, given_by, given_at, purposes, now(), $3 FROM assistance_consent
      WHERE household_id = $1 AND member_id IS NULL ORDER BY id LIMIT 1`,
    [householdId, memberId, by],
  );
}

export interface ComparableRow {
  id: number;
  household_id: number;
  given_names: string;
  family_name: string;
  sex: 'f' | 'm';
  birth_year: number | null;
  birth_date: string | null;
  phone: string | null;
  id_document: string | null;
  admin2_pcode: string;
  site_code: string | null;
}

/**
 * A page of the consenting members in a scope, as duplicate detection compares them, after the
 * member id `after` (keyset paging: a registry of a million people is read a page at a time, not
 * as one answer held whole by the driver).
 */
export async function comparableMembers(db: Queryable, scope: RegistryScope, after = 0, limit = 20_000): Promise<ComparableRow[]> {
  const rows = await db.query<ComparableRow>(
    `SELECT m.id::int AS id, m.household_id::int AS household_id, m.given_names, m.family_name, m.sex, m.birth_year::int AS birth_year,
            to_char(m.birth_date, 'YYYY-MM-DD') AS birth_date, m.phone, m.id_document, h.admin2_pcode, h.site_code
       FROM assistance_member m JOIN assistance_household h ON h.id = m.household_id
      WHERE ${IN_SCOPE('h', 1)} AND ${CONSENTING('m')} AND m.id > $4
      ORDER BY m.id LIMIT $5`,
    [...scopeParams(scope), after, limit],
  );
  return rows.map(unsealPerson);
}

/** Stores new candidates; a pair already found (whatever its decision) is left as it is. Returns how many were new. */
export async function insertCandidates(db: Queryable, candidates: ReadonlyArray<{ low: number; high: number; score: number; reasons: readonly string[] }>): Promise<number> {
  if (candidates.length === 0) return 0;
  const rows = await db.query(
    `INSERT INTO assistance_duplicate (member_low, member_high, score, reasons)
     SELECT c.low, c.high, c.score, c.reasons FROM jsonb_to_recordset($1::jsonb) AS c(low bigint, high bigint, score numeric, reasons jsonb)
     ON CONFLICT (member_low, member_high) DO NOTHING RETURNING id`,
    [JSON.stringify(candidates)],
  );
  return rows.length;
}


/** The pairs reviewers decided (same person or different) in the scope: the labels that choose the threshold. */
export async function labelledPairs(db: Queryable, scope: RegistryScope): Promise<Array<{ low: number; high: number; same: boolean }>> {
  return db.query<{ low: number; high: number; same: boolean }>(
    `SELECT d.member_low::int AS low, d.member_high::int AS high, d.status = 'same' AS same
       FROM assistance_duplicate d
       JOIN assistance_member ml ON ml.id = d.member_low JOIN assistance_household hl ON hl.id = ml.household_id
       JOIN assistance_member mh ON mh.id = d.member_high JOIN assistance_household hh ON hh.id = mh.household_id
      WHERE d.status IN ('same', 'different') AND ${IN_SCOPE('hl', 1)} AND ${IN_SCOPE('hh', 1)}`,
    scopeParams(scope),
  );
}

export interface DetectionRunRow {
  run_at: string;
  threshold: number;
  threshold_source: 'labels' | 'default';
  labels: number;
  labels_same: number;
}

export async function insertDetectionRun(
  db: Queryable,
  run: { by: string; threshold: number; source: 'labels' | 'default'; labels: number; same: number; compared: number; found: number; added: number },
): Promise<void> {
  await db.query(
    'INSERT INTO assistance_detection_run (run_by, threshold, threshold_source, labels, labels_same, compared, found, added) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [run.by, run.threshold, run.source, run.labels, run.same, run.compared, run.found, run.added],
  );
}

/** The latest detection run: the threshold in force. */
export async function latestDetectionRun(db: Queryable): Promise<DetectionRunRow | undefined> {
  const [row] = await db.query<DetectionRunRow>(
    `SELECT to_char(run_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS run_at, threshold, threshold_source, labels, labels_same FROM assistance_detection_run ORDER BY id DESC LIMIT 1`,
  );
  return row;
}

export type DuplicateStatus = 'pending' | 'same' | 'different' | 'unsure';

export interface DuplicateRow {
  id: number;
  member_low: number;
  member_high: number;
  score: string;
  reasons: string[];
  status: DuplicateStatus;
  decided_by: string | null;
  decided_at: string | null;
  comment: string | null;
  merge_id: number | null;
}

const DUPLICATE_SELECT = `
  SELECT d.id::int AS id, d.member_low::int AS member_low, d.member_high::int AS member_high, d.score::text AS score, d.reasons, d.status, d.decided_by,
         to_char(d.decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS decided_at, d.comment,
         (SELECT g.id::int FROM assistance_merge g WHERE g.duplicate_id = d.id AND g.undone_at IS NULL) AS merge_id
    FROM assistance_duplicate d
    JOIN assistance_member ml ON ml.id = d.member_low JOIN assistance_household hl ON hl.id = ml.household_id
    JOIN assistance_member mh ON mh.id = d.member_high JOIN assistance_household hh ON hh.id = mh.household_id`;

/** Candidates of a status whose two people both consent and both lie in the scope, best first. */
export async function duplicates(db: Queryable, scope: RegistryScope, status: DuplicateStatus, limit: number, offset: number): Promise<{ total: number; rows: DuplicateRow[] }> {
  const where = `WHERE d.status = $4 AND ${IN_SCOPE('hl', 1)} AND ${IN_SCOPE('hh', 1)} AND ${CONSENTING('ml')} AND ${CONSENTING('mh')}`;
  const params = [...scopeParams(scope), status];
  const [count] = await db.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM assistance_duplicate d
       JOIN assistance_member ml ON ml.id = d.member_low JOIN assistance_household hl ON hl.id = ml.household_id
       JOIN assistance_member mh ON mh.id = d.member_high JOIN assistance_household hh ON hh.id = mh.household_id ${where}`,
    params,
  );
  const rows = await db.query<DuplicateRow>(`${DUPLICATE_SELECT} ${where} ORDER BY d.score DESC, d.id LIMIT $5 OFFSET $6`, [...params, limit, offset]);
  return { total: count!.total, rows };
}

export async function duplicateForUpdate(db: Queryable, scope: RegistryScope, id: number): Promise<DuplicateRow | undefined> {
  const [row] = await db.query<DuplicateRow>(
    `${DUPLICATE_SELECT} WHERE d.id = $4 AND ${IN_SCOPE('hl', 1)} AND ${IN_SCOPE('hh', 1)} AND ${CONSENTING('ml')} AND ${CONSENTING('mh')} FOR UPDATE OF d`,
    [...scopeParams(scope), id],
  );
  return row;
}

export async function decideDuplicate(db: Queryable, id: number, status: Exclude<DuplicateStatus, 'pending'>, by: string, comment: string | null): Promise<void> {
  await db.query('UPDATE assistance_duplicate SET status = $2, decided_by = $3, decided_at = now(), comment = $4 WHERE id = $1', [id, status, by, comment]);
}

/** Back to the queue after a merge is undone: the decision is kept in the merge row and the audit log. */
export async function reopenDuplicate(db: Queryable, id: number, comment: string | null): Promise<void> {
  await db.query("UPDATE assistance_duplicate SET status = 'pending', decided_by = NULL, decided_at = NULL, comment = $2 WHERE id = $1", [id, comment]);
}

export async function insertMerge(db: Queryable, values: { duplicateId: number; low: number; high: number; by: string }): Promise<number> {
  const [row] = await db.query<{ id: number }>('INSERT INTO assistance_merge (duplicate_id, member_low, member_high, merged_by) VALUES ($1, $2, $3, $4) RETURNING id::int AS id', [
    values.duplicateId,
    values.low,
    values.high,
    values.by,
  ]);
  return row!.id;
}

export async function undoMerge(db: Queryable, mergeId: number, by: string): Promise<void> {
  await db.query('UPDATE assistance_merge SET undone_at = now(), undone_by = $2 WHERE id = $1', [mergeId, by]);
}

/** The members side by side in the review queue, with their household's place and organisation. */
export interface ReviewMemberRow extends MemberRow {
  organisation_id: number;
  organisation_acronym: string;
  country: string;
  admin2_pcode: string;
  admin2_name: string | null;
  site_code: string | null;
  household_size: number;
  registered_at: string;
}

export async function reviewMembers(db: Queryable, ids: readonly number[]): Promise<ReviewMemberRow[]> {
  const rows = await db.query<ReviewMemberRow>(
    `SELECT m.id::int AS id, m.household_id::int AS household_id, m.given_names, m.family_name, m.spoken_name, m.sex, m.birth_year::int AS birth_year,
            to_char(m.birth_date, 'YYYY-MM-DD') AS birth_date, m.relation, m.phone, m.id_document,
            h.organisation_id::int AS organisation_id, ro.acronym AS organisation_acronym, h.country, h.admin2_pcode, a2.name AS admin2_name, h.site_code,
            (SELECT count(*)::int FROM assistance_member o WHERE o.household_id = h.id AND ${CONSENTING('o')}) AS household_size,
            to_char(h.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS registered_at
       FROM assistance_member m JOIN assistance_household h ON h.id = m.household_id
       JOIN response_organisation ro ON ro.organisation_id = h.organisation_id
       LEFT JOIN LATERAL (SELECT name FROM admin_unit WHERE pcode = h.admin2_pcode AND valid_from <= h.geography_version ORDER BY valid_from DESC LIMIT 1) a2 ON true
      WHERE m.id = ANY($1::bigint[])`,
    [ids],
  );
  return rows.map(unsealPerson);
}

export async function organisationExists(db: Queryable, id: number): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM response_organisation WHERE organisation_id = $1', [id]);
  return rows.length > 0;
}

/** Households an organisation registered (the demo loader asks whether it already ran). */
export async function householdCount(db: Queryable, organisationId: number): Promise<number> {
  const [row] = await db.query<{ count: number }>('SELECT count(*)::int AS count FROM assistance_household WHERE organisation_id = $1', [organisationId]);
  return row!.count;
}

const STALE = `(given_names NOT LIKE $1 OR family_name NOT LIKE $1 OR spoken_name NOT LIKE $1 OR phone NOT LIKE $1 OR id_document NOT LIKE $1)`;

/** People with a personal column not sealed with the current key (`pattern`: core/data-keys currentSealPattern), and all people. */
export async function stalePeopleCount(db: Queryable, pattern: string): Promise<{ stale: number; total: number }> {
  const [row] = await db.query<{ stale: number; total: number }>(`SELECT count(*) FILTER (WHERE ${STALE})::int AS stale, count(*)::int AS total FROM assistance_member`, [pattern]);
  return row!;
}

/**
 * A sealed name at each end of the registry (the first and the last person stored): enough to
 * tell at start whether this process was given the keys the data is sealed with (a rekey seals
 * the old end last), without reading the registry.
 */
export async function sealedNamesAtEnds(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    `(SELECT given_names AS name FROM assistance_member WHERE given_names LIKE 's1:%' ORDER BY id LIMIT 1)
     UNION ALL
     (SELECT given_names AS name FROM assistance_member WHERE given_names LIKE 's1:%' ORDER BY id DESC LIMIT 1)`,
  );
  return rows.map((row) => row.name);
}

export type SealedPersonRow = { id: number } & Record<SealedColumn, string | null>;

/** A page of those people after `after`, every member whatever their consent (withdrawn data stays sealed too). */
export async function rekeyPage(db: Queryable, pattern: string, after: number, limit: number): Promise<SealedPersonRow[]> {
  return db.query<SealedPersonRow>(
    `SELECT id::int AS id, given_names, family_name, spoken_name, phone, id_document FROM assistance_member
      WHERE id > $2 AND ${STALE} ORDER BY id LIMIT $3`,
    [pattern, after, limit],
  );
}

export async function resealMembers(db: Queryable, people: readonly SealedPersonRow[]): Promise<void> {
  await db.query(
    `UPDATE assistance_member m SET given_names = s.given_names, family_name = s.family_name, spoken_name = s.spoken_name, phone = s.phone, id_document = s.id_document
       FROM jsonb_to_recordset($1::jsonb) AS s(id bigint, given_names text, family_name text, spoken_name text, phone text, id_document text)
      WHERE m.id = s.id`,
    [JSON.stringify(people)],
  );
}
