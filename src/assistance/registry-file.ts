/**
 * Reading a registry file (pure): one row per person, as an Excel user or a Kobo export writes it,
 * with a household key grouping the rows of one household. Columns are found by their French or
 * English header; values (sex, relation, displacement status) in either language. Every problem
 * is a finding with its row, column and value; the caller stores nothing while any remains.
 */
import type { Cell } from '../core/table-files.js';
import { AppError } from '../core/errors.js';
import type { HouseholdInput, MemberInput } from './service.js';
import { checkMembers, cleanPhone, DISPLACEMENT_STATUSES, MAX_MEMBERS, RELATIONS } from './service.js';
import { REGISTRY_FIELDS, REQUIRED_REGISTRY_FIELDS, type RegistryField } from '../shared/registry.js';
import { lookUp } from '../shared/lookup.js';

export { REGISTRY_FIELDS, type RegistryField };
export type RegistryColumns = Partial<Record<RegistryField, string>>;

/** Headers folded (case, accents, punctuation) as people write them in French or English. */
const HEADERS: Record<RegistryField, readonly string[]> = {
  household: ['household', 'household id', 'household code', 'household key', 'household no', 'menage', 'id menage', 'code menage', 'numero menage', 'numero du menage', 'no menage', 'n menage'],
  pcode: ['pcode', 'p code', 'place', 'location', 'place pcode', 'lieu', 'code lieu', 'pcode lieu', 'admin2 pcode', 'admin3 pcode'],
  site: ['site', 'site code', 'code site'],
  status: ['status', 'displacement status', 'statut', 'statut de deplacement'],
  givenNames: ['given names', 'given name', 'first name', 'first names', 'prenom', 'prenoms'],
  familyName: ['family name', 'surname', 'last name', 'nom', 'nom de famille'],
  spokenName: ['spoken name', 'name as spoken', 'nom prononce', 'nom tel que prononce'],
  sex: ['sex', 'gender', 'sexe'],
  birthYear: ['birth year', 'year of birth', 'annee de naissance'],
  birthDate: ['birth date', 'date of birth', 'date de naissance'],
  relation: ['relation', 'relation to head', 'relation to the head', 'relationship', 'lien', 'lien avec le chef', 'lien de parente'],
  phone: ['phone', 'phone number', 'telephone', 'numero de telephone', 'tel'],
  idDocument: ['id document', 'identity document', 'piece d identite', 'document d identite'],
  consentBy: ['consent by', 'consent given by', 'consentement', 'consentement donne par'],
  consentDate: ['consent date', 'date of consent', 'date du consentement', 'date de consentement'],
};

export const fold = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

const BY_HEADER = new Map(Object.entries(HEADERS).flatMap(([field, headers]) => headers.map((header) => [header, field as RegistryField] as const)));

/** The columns of a header row this reader knows, the first of each field winning. */
export function recogniseColumns(headers: readonly string[]): RegistryColumns {
  const columns: RegistryColumns = {};
  for (const header of headers) {
    const field = BY_HEADER.get(fold(header));
    if (field !== undefined && columns[field] === undefined) columns[field] = header;
  }
  return columns;
}

export const registryHeaderScore = (cells: readonly string[]): number => Object.keys(recogniseColumns(cells)).length;

export const missingFields = (columns: RegistryColumns): RegistryField[] => REQUIRED_REGISTRY_FIELDS.filter((field) => columns[field] === undefined);

const SEXES: Record<string, 'f' | 'm'> = { f: 'f', female: 'f', femme: 'f', feminin: 'f', fille: 'f', m: 'm', male: 'm', homme: 'm', masculin: 'm', h: 'm', garcon: 'm' };
const RELATION_WORDS: Record<string, (typeof RELATIONS)[number]> = {
  head: 'head', 'head of household': 'head', chef: 'head', 'chef de menage': 'head', cm: 'head',
  spouse: 'spouse', wife: 'spouse', husband: 'spouse', conjoint: 'spouse', conjointe: 'spouse', epouse: 'spouse', epoux: 'spouse',
  child: 'child', son: 'child', daughter: 'child', enfant: 'child', fils: 'child', fille: 'child',
  parent: 'parent', father: 'parent', mother: 'parent', pere: 'parent', mere: 'parent',
  sibling: 'sibling', brother: 'sibling', sister: 'sibling', frere: 'sibling', soeur: 'sibling',
  grandchild: 'grandchild', 'petit enfant': 'grandchild', 'petit fils': 'grandchild', 'petite fille': 'grandchild',
  other: 'other', autre: 'other',
};
const STATUS_WORDS: Record<string, (typeof DISPLACEMENT_STATUSES)[number]> = {
  idp: 'idp', pdi: 'idp', deplace: 'idp', 'deplace interne': 'idp', 'internally displaced': 'idp',
  returnee: 'returnee', retourne: 'returnee', rapatrie: 'returnee',
  refugee: 'refugee', refugie: 'refugee',
  host: 'host', 'host community': 'host', hote: 'host', 'communaute hote': 'host', 'population hote': 'host',
  other: 'other', autre: 'other',
};

/** One problem of the file: a catalogued code (assistance.import.*) and its parameters, row and column included. */
export interface Finding {
  code: 'assistance.import.formula' | 'assistance.import.phone' | 'assistance.import.date' | 'assistance.import.birthFuture' | 'assistance.import.value' | 'assistance.import.required' | 'assistance.import.repeated' | 'assistance.import.household' | 'assistance.import.placeConflict' | 'assistance.import.place' | 'assistance.import.name';
  row: number;
  params: Record<string, string | number>;
}

export interface ReadRow {
  row: number;
  cells: readonly Cell[];
  /** 0-based indexes of cells that held a formula (XLSX). */
  formulas?: readonly number[];
}

interface PlannedMember {
  row: number;
  member: MemberInput;
}

export interface PlannedHousehold {
  key: string;
  firstRow: number;
  pcode: string;
  site: string | null;
  status: (typeof DISPLACEMENT_STATUSES)[number];
  consentBy: string;
  consentAt: string;
  members: PlannedMember[];
}

const FORMULA_TEXT = /^[=@]|^[+-](?=\D)/;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const FRENCH_DAY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** A day from a date cell, an ISO day or a French day (DD/MM/YYYY); null when it is none. */
export function dayOf(cell: Cell): string | null {
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? null : cell.toISOString().slice(0, 10);
  if (typeof cell !== 'string') return null;
  const text = cell.trim();
  const iso = ISO_DAY.exec(text);
  const french = FRENCH_DAY.exec(text);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : french ? [french[3], french[2], french[1]] : [];
  if (y === undefined) return null;
  const day = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(day) ? day : null;
}

const textOf = (cell: Cell | undefined): string => {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
  return String(cell).trim();
};

/** The most findings kept; beyond, they are counted only. */
export const MAX_FINDINGS = 1_000;

/**
 * Reads the rows into households, noting every problem. Rows are handed in as they are read; call
 * `finish()` at the end for the household-level checks (one head, consistent place, size).
 */
export class RegistryReader {
  readonly findings: Finding[] = [];
  findingCount = 0;
  rows = 0;
  private readonly households = new Map<string, PlannedHousehold>();
  private readonly seen = new Map<string, { first: number; count: number; second: number }>();
  /**
   * Each household as the file writes it, every row counted even when one of its cells is refused:
   * a head whose birth year is wrong is still the head, and saying "no head" would send the
   * officer after a problem the file does not have.
   */
  private readonly written = new Map<string, { firstRow: number; members: number; heads: number; unreadRelations: number; consentBy: string }>();
  private readonly index: Map<RegistryField, number>;

  constructor(
    headers: readonly string[],
    private readonly columns: RegistryColumns,
    private readonly today: string,
  ) {
    this.index = new Map(Object.entries(columns).map(([field, header]) => [field as RegistryField, headers.indexOf(header)] as const));
  }

  private note(finding: Finding): void {
    this.findingCount += 1;
    if (this.findings.length < MAX_FINDINGS) this.findings.push(finding);
  }

  private header(field: RegistryField): string {
    return this.columns[field] ?? field;
  }

  add(raw: ReadRow): void {
    this.rows += 1;
    const cell = (field: RegistryField): Cell | undefined => {
      const at = this.index.get(field);
      return at === undefined || at < 0 ? undefined : raw.cells[at];
    };
    const text = (field: RegistryField): string => textOf(cell(field));
    // A pasted block: the same row again, cell for cell.
    const signature = JSON.stringify(raw.cells.map((value) => textOf(value)));
    const repeat = this.seen.get(signature);
    if (repeat) {
      repeat.count += 1;
      if (repeat.second === 0) repeat.second = raw.row;
      return;
    }
    this.seen.set(signature, { first: raw.row, count: 1, second: 0 });
    const key = text('household');
    const relation = lookUp(RELATION_WORDS, fold(text('relation')));
    if (key !== '') {
      const written = this.written.get(key) ?? { firstRow: raw.row, members: 0, heads: 0, unreadRelations: 0, consentBy: '' };
      written.members += 1;
      if (relation === 'head') written.heads += 1;
      else if (relation === undefined) written.unreadRelations += 1;
      if (written.consentBy === '') written.consentBy = text('consentBy');
      this.written.set(key, written);
    }
    let ok = true;
    const flag = (field: RegistryField, code: Finding['code'], params: Record<string, string | number> = {}): void => {
      ok = false;
      this.note({ code, row: raw.row, params: { row: raw.row, column: this.header(field).slice(0, 80), value: text(field).slice(0, 60), ...params } });
    };
    const formulas = new Set(raw.formulas ?? []);
    for (const [field, at] of this.index) {
      if (at >= 0 && (formulas.has(at) || (field !== 'phone' && FORMULA_TEXT.test(textOf(raw.cells[at]))))) flag(field, 'assistance.import.formula');
    }
    if (!ok) return;
    for (const field of REQUIRED_REGISTRY_FIELDS) if (text(field) === '' && field !== 'consentBy') flag(field, 'assistance.import.required');
    const sex = lookUp(SEXES, fold(text('sex')));
    if (text('sex') !== '' && sex === undefined) flag('sex', 'assistance.import.value', { expected: 'f, m, femme, homme' });
    if (text('relation') !== '' && relation === undefined) flag('relation', 'assistance.import.value', { expected: 'chef, conjoint, enfant, parent, frère/sœur, petit-enfant, autre' });
    const statusText = text('status');
    const status = statusText === '' ? 'idp' : lookUp(STATUS_WORDS, fold(statusText));
    if (status === undefined) flag('status', 'assistance.import.value', { expected: 'PDI/IDP, retourné, réfugié, hôte, autre' });
    let phone: string | null = null;
    try {
      phone = cleanPhone(text('phone'), raw.row);
    } catch {
      flag('phone', 'assistance.import.phone');
    }
    let birthYear: number | null = null;
    const yearText = text('birthYear');
    if (yearText !== '') {
      birthYear = /^\d{4}$/.test(yearText) ? Number(yearText) : null;
      if (birthYear === null) flag('birthYear', 'assistance.import.value', { expected: 'YYYY' });
      else if (birthYear > Number(this.today.slice(0, 4))) flag('birthYear', 'assistance.import.birthFuture', { year: birthYear, current: Number(this.today.slice(0, 4)) });
    }
    let birthDate: string | null = null;
    if (text('birthDate') !== '') {
      birthDate = dayOf(cell('birthDate') ?? null);
      if (birthDate === null) flag('birthDate', 'assistance.import.date');
      else if (birthDate > this.today) flag('birthDate', 'assistance.import.birthFuture', { year: Number(birthDate.slice(0, 4)), current: Number(this.today.slice(0, 4)) });
      else if (birthYear === null) birthYear = Number(birthDate.slice(0, 4));
    }
    let consentAt = this.today;
    if (text('consentDate') !== '') {
      const day = dayOf(cell('consentDate') ?? null);
      if (day === null || day > this.today) flag('consentDate', 'assistance.import.date');
      else consentAt = day;
    }
    if (!ok) return;
    const member: MemberInput = {
      givenNames: text('givenNames'),
      familyName: text('familyName'),
      spokenName: text('spokenName') || null,
      sex: sex!,
      birthYear,
      birthDate: birthDate !== null && birthYear === Number(birthDate.slice(0, 4)) ? birthDate : null,
      relation: relation!,
      phone,
      idDocument: text('idDocument') || null,
    };
    // The registry's own checks of one person (names, years), row by row.
    try {
      checkMembers([{ ...member, relation: 'head' }], Number(this.today.slice(0, 4)));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const field: RegistryField = error.code === 'assistance.member.name' || error.code === 'assistance.member.formula' ? (/^[\p{L}\p{M}][\p{L}\p{M}' ’.-]*$/u.test(member.givenNames) ? 'familyName' : 'givenNames') : 'birthYear';
      flag(field, error.code.startsWith('assistance.member.birth') ? 'assistance.import.value' : 'assistance.import.name', error.code.startsWith('assistance.member.birth') ? { expected: '1900 – ' + this.today.slice(0, 4) } : {});
      return;
    }
    const household = this.households.get(key);
    const place = { pcode: text('pcode').toUpperCase(), site: text('site') || null };
    if (household === undefined) {
      this.households.set(key, { key, firstRow: raw.row, pcode: place.pcode, site: place.site, status: status!, consentBy: text('consentBy'), consentAt, members: [{ row: raw.row, member }] });
      return;
    }
    if (household.pcode !== place.pcode) flag('pcode', 'assistance.import.placeConflict', { household: key.slice(0, 40), first: household.firstRow, place: household.pcode });
    if (household.consentBy === '') household.consentBy = text('consentBy');
    household.members.push({ row: raw.row, member });
  }

  /** The household-level checks, then the households to register (when no finding remains). */
  finish(): PlannedHousehold[] {
    for (const repeat of this.seen.values()) {
      if (repeat.count > 1) this.note({ code: 'assistance.import.repeated', row: repeat.second, params: { row: repeat.second, first: repeat.first, count: repeat.count } });
    }
    for (const [key, household] of this.written) {
      const params = { household: key.slice(0, 40), row: household.firstRow, members: household.members, heads: household.heads, max: MAX_MEMBERS };
      // A relation the reader could not read is its row's own finding; the count of heads waits for it.
      const headsWrong = household.unreadRelations === 0 && household.heads !== 1;
      if (headsWrong || household.members > MAX_MEMBERS) this.note({ code: 'assistance.import.household', row: household.firstRow, params });
      if (household.consentBy === '') this.note({ code: 'assistance.import.required', row: household.firstRow, params: { row: household.firstRow, column: this.header('consentBy'), value: '' } });
    }
    this.findings.sort((a, b) => a.row - b.row);
    return [...this.households.values()];
  }
}

/** A planned household as the registry's registration takes it. */
export function householdInput(organisationId: number, household: PlannedHousehold): HouseholdInput {
  return {
    organisationId,
    location: { pcode: household.pcode, site: household.site },
    displacementStatus: household.status,
    members: household.members.map((planned) => planned.member),
    consent: { givenBy: household.consentBy, givenAt: household.consentAt, purposes: ['registration', 'assistance', 'deduplication'] },
  };
}
