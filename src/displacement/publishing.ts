/**
 * Published displacement figures in the shapes the ecosystem reads (DESIGN §6): the DTM API v3
 * (`/dtm/v3/…`), HDX HAPI v2 IDPs (`/hapi/v2/affected-people/idps`), and the native exports (CSV/XLSX
 * with an HXL row, GeoJSON for maps). SQL is in publishing-queries.ts; this file resolves filters,
 * shapes rows and builds export columns.
 *
 * Rules (DESIGN §5): IDPs only in the public APIs; published rounds only there; every row is one
 * round and one assessment type (BA and SA are never added, rounds are never summed).
 */
import { createHash } from 'node:crypto';
import type { Geometry, MultiPolygon, Polygon } from 'geojson';
import type { Queryable } from '../core/db.js';
import { AppError, type Language } from '../core/errors.js';
import type { ExportColumn } from '../core/exports.js';
import { versionKeys } from '../core/versions.js';
import { nameKey } from '../geo/names.js';
import { iso2ToIso3, iso3ToIso2, normalisePcode } from '../geo/pcode.js';
import { boundaries } from '../geo/queries.js';
import type { ChosenRound } from './aggregate.js';
import { REASON_DTM_LABEL, REASONS, type PopulationGroup, type Reason } from '../shared/displacement.js';
import * as pq from './publishing-queries.js';

// ---- shared ---------------------------------------------------------------------------------------

/** DTM writes an unknown origin this way, in the name and in the P-code. */
export const NOT_AVAILABLE = 'Not available';

const ENGLISH_REGIONS = new Intl.DisplayNames(['en'], { type: 'region' });
const FRENCH_REGIONS = new Intl.DisplayNames(['fr'], { type: 'region' });

/** English short name of a country (as DTM and HDX spell it): ML → Mali. */
export function countryName(iso2: string): string {
  try {
    return ENGLISH_REGIONS.of(iso2) ?? iso2;
  } catch {
    return iso2;
  }
}

function frenchCountryName(iso2: string): string {
  try {
    return FRENCH_REGIONS.of(iso2) ?? iso2;
  } catch {
    return iso2;
  }
}

const iso3 = (iso2: string): string => iso2ToIso3(iso2) ?? iso2;

/** `ML` or `MLI` (any case, spaces around) → `ML`; anything else → undefined. */
export function countryOfCode(code: string): string | undefined {
  const text = code.trim().toUpperCase();
  if (/^[A-Z]{2}$/.test(text)) return iso2ToIso3(text) === undefined ? undefined : text;
  if (/^[A-Z]{3}$/.test(text)) return iso3ToIso2(text);
  return undefined;
}

/** A P-code filter in any accepted spelling (`MLI05`, `ml05 `) → the stored form; else as typed, upper case. */
export function pcodeFilter(value: string | undefined): string | null {
  if (value === undefined) return null;
  const result = normalisePcode(value);
  return result.status === 'ok' ? result.pcode : value.trim().toUpperCase();
}

const isReason = (value: string): value is Reason => (REASONS as readonly string[]).includes(value);

/** A sum of 0 over a unit that has people means the part was not reported, not that it is zero. */
const reported = (part: number, whole: number): number | null => (part === 0 && whole > 0 ? null : part);

// ---- DTM API v3 ----------------------------------------------------------------------------------

export interface DtmQuery {
  Operation?: string;
  CountryName?: string;
  Admin0Pcode?: string;
  Admin1Name?: string;
  Admin1Pcode?: string;
  Admin2Name?: string;
  Admin2Pcode?: string;
  FromReportingDate?: string;
  ToReportingDate?: string;
  FromRoundNumber?: number;
  ToRoundNumber?: number;
}

export interface DtmRow {
  id: number;
  operation: string;
  admin0Name: string;
  admin0Pcode: string;
  admin1Name: string | null;
  admin1Pcode: string | null;
  admin2Name: string | null;
  admin2Pcode: string | null;
  numPresentIdpInd: number;
  reportingDate: string;
  yearReportingDate: number;
  monthReportingDate: number;
  roundNumber: number;
  displacementReason: string;
  numberMales: number | null;
  numberFemales: number | null;
  idpOriginAdmin1Name: string;
  idpOriginAdmin1Pcode: string;
  assessmentType: 'BA' | 'SA';
}

export interface DtmEnvelope<Row> {
  result: Row[];
  statusCode: number;
  isSuccess: boolean;
  errorMessages: string[];
  totalRecordsCount: number;
}

export function dtmSuccess<Row>(rows: Row[]): DtmEnvelope<Row> {
  return { result: rows, statusCode: 200, isSuccess: true, errorMessages: [], totalRecordsCount: rows.length };
}

export function dtmFailure(statusCode: number, messages: string[]): DtmEnvelope<never> {
  return { result: [], statusCode, isSuccess: false, errorMessages: messages, totalRecordsCount: 0 };
}

/**
 * What is wrong with a DTM query beyond its schema, as the DTM API's own catalogue code
 * (`dtm.api.*`, docs/displacement.md); null when it is fine.
 */
export function dtmQueryProblem(query: DtmQuery): AppError | null {
  const given = (value: string | undefined): boolean => value !== undefined && value.trim() !== '';
  if (!given(query.Operation) && !given(query.CountryName) && !given(query.Admin0Pcode)) return new AppError('dtm.api.filterRequired');
  if (query.FromReportingDate !== undefined && query.ToReportingDate !== undefined && query.FromReportingDate > query.ToReportingDate) {
    return new AppError('dtm.api.rangeReversed', { from: 'FromReportingDate', to: 'ToReportingDate' });
  }
  if (query.FromRoundNumber !== undefined && query.ToRoundNumber !== undefined && query.FromRoundNumber > query.ToRoundNumber) {
    return new AppError('dtm.api.rangeReversed', { from: 'FromRoundNumber', to: 'ToRoundNumber' });
  }
  return null;
}

/**
 * The countries a query keeps: CountryName (English or French, accents and case ignored) and
 * Admin0Pcode (ISO3 or ISO2) both narrow; null when neither is given. A name or code that matches
 * nothing keeps nothing (an empty result, not an error, as DTM answers).
 */
function countriesOf(query: DtmQuery, known: readonly string[]): string[] | null {
  let countries: string[] | null = null;
  if (query.CountryName !== undefined && query.CountryName.trim() !== '') {
    const wanted = nameKey(query.CountryName);
    countries = known.filter((country) => nameKey(countryName(country)) === wanted || nameKey(frenchCountryName(country)) === wanted);
  }
  if (query.Admin0Pcode !== undefined && query.Admin0Pcode.trim() !== '') {
    const country = countryOfCode(query.Admin0Pcode);
    const byCode = country === undefined ? [] : [country];
    countries = countries === null ? byCode : countries.filter((candidate) => byCode.includes(candidate));
  }
  return countries;
}

const COUNTRY_KEY = versionKeys.dtmCountry('');

/** Countries with published DTM data, as the versions known now list them. */
function countriesWithVersions(versions: ReadonlyMap<string, string>): string[] {
  return [...versions.keys()].filter((key) => key.startsWith(COUNTRY_KEY)).map((key) => key.slice(COUNTRY_KEY.length));
}

/**
 * What a DTM API v3 answer depends on: the countries it can include (a publication elsewhere
 * leaves its ETag alone) and the geography. Filtered by operation only, every country.
 */
export function dtmVersionKeys(query: DtmQuery, versions: ReadonlyMap<string, string>): string[] {
  const known = countriesWithVersions(versions);
  const countries = countriesOf(query, known) ?? known;
  // A country with nothing published yet: its first publication must change the answer.
  const keys = countries.length === 0 ? [versionKeys.dtmRounds] : countries.map(versionKeys.dtmCountry);
  return [...keys, versionKeys.geography];
}

/** The same for HDX HAPI IDPs, filtered by `location_code`. */
export function hapiVersionKeys(query: { location_code?: string }, versions: ReadonlyMap<string, string>): string[] {
  const wanted = query.location_code !== undefined && query.location_code.trim() !== '' ? countryOfCode(query.location_code) : null;
  const countries = wanted === null ? countriesWithVersions(versions) : wanted === undefined ? [] : [wanted];
  const keys = countries.length === 0 ? [versionKeys.dtmRounds] : countries.map(versionKeys.dtmCountry);
  return [...keys, versionKeys.geography];
}

const optionalKey = (value: string | undefined): string | null => (value === undefined || value.trim() === '' ? null : nameKey(value));
const optionalText = (value: string | undefined): string | null => (value === undefined || value.trim() === '' ? null : value.trim().toLowerCase());
const optionalPcode = (value: string | undefined): string | null => (value === undefined || value.trim() === '' ? null : pcodeFilter(value));

/** A stable integer id (< 2^52) for a row: the same round, level, unit, reason and origin give the same id. */
export function rowId(parts: ReadonlyArray<string | number | null>): number {
  const digest = createHash('sha256').update(parts.map((part) => (part === null ? '' : String(part))).join('|')).digest('hex');
  return Number.parseInt(digest.slice(0, 13), 16);
}

function dtmRow(row: pq.DtmDisplacementRow, level: pq.AdminLevel): DtmRow {
  const [year = '0', month = '0'] = row.reference_date.split('-');
  const individuals = Number(row.individuals);
  const females = Number(row.females);
  const males = Number(row.males);
  const sexReported = !(females === 0 && males === 0 && individuals > 0);
  const origin = row.origin_admin1_pcode === '' ? null : row.origin_admin1_pcode;
  const unit = level === 2 ? row.admin2_pcode : level === 1 ? row.admin1_pcode : row.country;
  return {
    id: rowId([row.round_id, level, unit, row.reason, row.origin_admin1_pcode]),
    operation: row.operation,
    admin0Name: countryName(row.country),
    admin0Pcode: iso3(row.country),
    admin1Name: level >= 1 ? row.admin1_name : null,
    admin1Pcode: level >= 1 ? row.admin1_pcode : null,
    admin2Name: level === 2 ? row.admin2_name : null,
    admin2Pcode: level === 2 ? row.admin2_pcode : null,
    numPresentIdpInd: individuals,
    reportingDate: `${row.reference_date}T00:00:00`,
    yearReportingDate: Number(year),
    monthReportingDate: Number(month),
    roundNumber: row.number,
    displacementReason: isReason(row.reason) ? REASON_DTM_LABEL[row.reason] : row.reason,
    numberMales: sexReported ? males : null,
    numberFemales: sexReported ? females : null,
    idpOriginAdmin1Name: origin === null ? NOT_AVAILABLE : (row.origin_admin1_name ?? origin),
    idpOriginAdmin1Pcode: origin ?? NOT_AVAILABLE,
    assessmentType: row.assessment_type,
  };
}

/** DTM API v3 rows of one admin level (0, 1 or 2) for a query already checked by `dtmQueryProblem`. */
export async function dtmDisplacement(db: Queryable, level: pq.AdminLevel, query: DtmQuery): Promise<DtmRow[]> {
  const known = [...new Set((await pq.publishedOperations(db)).map((operation) => operation.country))];
  const countries = countriesOf(query, known);
  if (countries !== null && countries.length === 0) return [];
  const rows = await pq.dtmDisplacement(db, level, {
    countries,
    operation: optionalText(query.Operation),
    admin1Pcode: level >= 1 ? optionalPcode(query.Admin1Pcode) : null,
    admin1NameKey: level >= 1 ? optionalKey(query.Admin1Name) : null,
    admin2Pcode: level === 2 ? optionalPcode(query.Admin2Pcode) : null,
    admin2NameKey: level === 2 ? optionalKey(query.Admin2Name) : null,
    fromDate: query.FromReportingDate ?? null,
    toDate: query.ToReportingDate ?? null,
    fromRound: query.FromRoundNumber ?? null,
    toRound: query.ToRoundNumber ?? null,
  });
  return rows.map((row) => dtmRow(row, level));
}

/**
 * The public answers scrapers and dashboards ask all day, computed ahead of them (module
 * publishedPaths): each published operation's DTM API v3 answer at every level, and the HAPI IDPs
 * of each country and of all.
 */
export async function publishedPaths(db: Queryable): Promise<string[]> {
  const operations = await pq.publishedOperations(db);
  const dtm = operations.flatMap((operation) => [0, 1, 2].map((level) => `/dtm/v3/displacement/admin${level}?Operation=${encodeURIComponent(operation.name)}`));
  const countries = [...new Set(operations.map((operation) => iso3(operation.country)))];
  return [...dtm, '/hapi/v2/affected-people/idps', ...countries.map((country) => `/hapi/v2/affected-people/idps?location_code=${country}`)];
}

export interface DtmCountry {
  admin0Name: string;
  admin0Pcode: string;
}

/** Countries with published DTM figures, by name. */
export async function dtmCountries(db: Queryable): Promise<DtmCountry[]> {
  const countries = [...new Set((await pq.publishedOperations(db)).map((operation) => operation.country))];
  return countries.map((country) => ({ admin0Name: countryName(country), admin0Pcode: iso3(country) })).sort((a, b) => a.admin0Name.localeCompare(b.admin0Name, 'en'));
}

export interface DtmOperation {
  operation: string;
  admin0Name: string;
  admin0Pcode: string;
}

/** Operations with published DTM figures, by name (DTM's own English name, e.g. "Mali Conflict"). */
export async function dtmOperations(db: Queryable): Promise<DtmOperation[]> {
  return (await pq.publishedOperations(db)).map((operation) => ({ operation: operation.name, admin0Name: countryName(operation.country), admin0Pcode: iso3(operation.country) }));
}

// ---- HDX HAPI v2 ---------------------------------------------------------------------------------

export const HAPI_IDP_FIELDS = [
  'location_code',
  'admin1_code',
  'admin1_name',
  'admin2_code',
  'admin2_name',
  'admin_level',
  'operation',
  'assessment_type',
  'reporting_round',
  'population',
  'reference_period_start',
  'reference_period_end',
] as const;

export interface HapiIdpRow {
  location_code: string;
  admin1_code: string;
  admin1_name: string | null;
  admin2_code: string | null;
  admin2_name: string | null;
  admin_level: 1 | 2;
  operation: string;
  assessment_type: 'BA' | 'SA';
  reporting_round: number;
  population: number;
  reference_period_start: string;
  reference_period_end: string;
}

export const HAPI_IDP_COLUMNS: Array<ExportColumn<HapiIdpRow>> = HAPI_IDP_FIELDS.map((key) => ({ key, header: key, hxl: null, value: (row) => row[key] }));

export interface HapiIdpQuery {
  location_code?: string;
  admin1_code?: string;
  admin2_code?: string;
  admin_level: 1 | 2;
  operation?: string;
  assessment_type?: 'BA' | 'SA';
  reporting_round?: number;
  limit: number;
  offset: number;
}

/** One page of HAPI IDP rows: published rounds, one row per operation, round, assessment type and unit. */
export async function hapiIdps(db: Queryable, query: HapiIdpQuery): Promise<HapiIdpRow[]> {
  let countries: string[] | null = null;
  if (query.location_code !== undefined && query.location_code.trim() !== '') {
    const country = countryOfCode(query.location_code);
    if (country === undefined) return [];
    countries = [country];
  }
  const level = query.admin_level;
  const rows = await pq.hapiIdps(
    db,
    level,
    {
      countries,
      operation: optionalText(query.operation),
      admin1Pcode: optionalPcode(query.admin1_code),
      admin2Pcode: optionalPcode(query.admin2_code),
      assessmentType: query.assessment_type ?? null,
      round: query.reporting_round ?? null,
    },
    query.limit,
    query.offset,
  );
  return rows.map((row) => ({
    location_code: iso3(row.country),
    admin1_code: row.admin1_pcode,
    admin1_name: row.admin1_name,
    admin2_code: level === 2 ? row.admin2_pcode : null,
    admin2_name: level === 2 ? row.admin2_name : null,
    admin_level: level,
    operation: row.operation,
    assessment_type: row.assessment_type,
    reporting_round: row.number,
    population: Number(row.population),
    reference_period_start: `${row.collection_start ?? row.reference_date}T00:00:00`,
    reference_period_end: `${row.collection_end ?? row.reference_date}T23:59:59`,
  }));
}

// ---- native exports ------------------------------------------------------------------------------

export interface UnitFigures {
  admin1Pcode: string;
  admin1Name: string | null;
  admin2Pcode: string | null;
  admin2Name: string | null;
  individuals: number;
  households: number | null;
  females: number | null;
  males: number | null;
  /** f1…fn then m1…mn, in the operation's age ranges; null when the breakdown was not reported. */
  femalesByAge: Array<number | null>;
  malesByAge: Array<number | null>;
  locations: number;
}

/** Figures per admin unit of the chosen round (empty when there is none). */
export async function unitFigures(db: Queryable, chosen: ChosenRound, level: 1 | 2): Promise<UnitFigures[]> {
  if (chosen.round === null) return [];
  const ranges = chosen.operation.age_ranges.length;
  const rows = await pq.unitTotals(db, chosen.round, chosen.group, level);
  return rows.map((row) => {
    const individuals = Number(row.individuals);
    const females = Number(row.females);
    const males = Number(row.males);
    const sexReported = !(females === 0 && males === 0 && individuals > 0);
    const band = (sex: 'f' | 'm', index: number): number => Number(row[`${sex}${index + 1}` as keyof typeof row]);
    const bands = Array.from({ length: ranges }, (_, index) => band('f', index) + band('m', index));
    const agesReported = !(bands.every((value) => value === 0) && individuals > 0);
    return {
      admin1Pcode: row.admin1_pcode,
      admin1Name: row.admin1_name,
      admin2Pcode: row.admin2_pcode,
      admin2Name: row.admin2_name,
      individuals,
      households: reported(Number(row.households), individuals),
      females: sexReported ? females : null,
      males: sexReported ? males : null,
      femalesByAge: Array.from({ length: ranges }, (_, index) => (agesReported ? band('f', index) : null)),
      malesByAge: Array.from({ length: ranges }, (_, index) => (agesReported ? band('m', index) : null)),
      locations: Number(row.locations),
    };
  });
}

const GROUP_HXL: Record<PopulationGroup, string> = { idp: 'idps', returnee: 'returnees', 'returnee-abroad': 'returnees+abroad' };
const GROUP_LABEL: Record<PopulationGroup, Record<Language, string>> = {
  idp: { en: 'IDPs', fr: 'PDI' },
  returnee: { en: 'Returnees', fr: 'Retournés' },
  'returnee-abroad': { en: 'Returnees from abroad', fr: 'Rapatriés' },
};

/** `0-4` → `age0_4`, `60+` → `age60plus` (the importer reads both back to the same range). */
export function ageAttribute(range: string): string {
  return `age${range.trim().replace(/\+$/, 'plus').replace(/[^0-9a-z]+/gi, '_')}`;
}

/**
 * Columns of a DTM export: admin units, totals, sex and sex × age (the operation's ranges), then
 * the round, assessment type and operation on every row, each with its HXL hashtag.
 */
export function exportColumns(chosen: ChosenRound, level: 1 | 2, language: Language): Array<ExportColumn<UnitFigures>> {
  const fr = language === 'fr';
  const group = GROUP_LABEL[chosen.group][language];
  const tag = GROUP_HXL[chosen.group];
  const round = chosen.round;
  const operationName = fr ? chosen.operation.name_fr : chosen.operation.name;
  const columns: Array<ExportColumn<UnitFigures>> = [
    { key: 'admin1Pcode', header: fr ? 'Code admin1' : 'Admin1 P-code', hxl: '#adm1+code', value: (row) => row.admin1Pcode },
    { key: 'admin1Name', header: fr ? 'Nom admin1' : 'Admin1 name', hxl: '#adm1+name', value: (row) => row.admin1Name },
  ];
  if (level === 2) {
    columns.push(
      { key: 'admin2Pcode', header: fr ? 'Code admin2' : 'Admin2 P-code', hxl: '#adm2+code', value: (row) => row.admin2Pcode },
      { key: 'admin2Name', header: fr ? 'Nom admin2' : 'Admin2 name', hxl: '#adm2+name', value: (row) => row.admin2Name },
    );
  }
  columns.push(
    { key: 'individuals', header: fr ? `${group} (individus)` : `${group} (individuals)`, hxl: `#affected+${tag}+ind`, value: (row) => row.individuals, type: 'number' },
    { key: 'households', header: fr ? `${group} (ménages)` : `${group} (households)`, hxl: `#affected+${tag}+hh`, value: (row) => row.households, type: 'number' },
    { key: 'females', header: fr ? 'Femmes' : 'Females', hxl: '#affected+f', value: (row) => row.females, type: 'number' },
    { key: 'males', header: fr ? 'Hommes' : 'Males', hxl: '#affected+m', value: (row) => row.males, type: 'number' },
  );
  chosen.operation.age_ranges.forEach((range, index) => {
    columns.push({ key: `f${index + 1}`, header: fr ? `Femmes ${range}` : `Females ${range}`, hxl: `#affected+f+${ageAttribute(range)}`, value: (row) => row.femalesByAge[index] ?? null, type: 'number' });
  });
  chosen.operation.age_ranges.forEach((range, index) => {
    columns.push({ key: `m${index + 1}`, header: fr ? `Hommes ${range}` : `Males ${range}`, hxl: `#affected+m+${ageAttribute(range)}`, value: (row) => row.malesByAge[index] ?? null, type: 'number' });
  });
  columns.push(
    { key: 'referenceDate', header: fr ? 'Date de référence' : 'Reference date', hxl: '#date+reported', value: () => round?.reference_date ?? null, type: 'date' },
    { key: 'round', header: 'Round', hxl: '#round+code', value: () => round?.number ?? null, type: 'number' },
    { key: 'assessmentType', header: fr ? 'Type d’évaluation' : 'Assessment type', hxl: '#assessment+type', value: () => chosen.assessmentType },
    { key: 'operation', header: fr ? 'Opération' : 'Operation', hxl: '#operation+name', value: () => operationName },
  );
  return columns;
}

/** File name stem of an export: `MLI-CONFLICT-R2-SA-idp-adm2` (+ `-draft`/`-validated` when not published). */
export function exportStem(chosen: ChosenRound, level: 1 | 2): string {
  const round = chosen.round;
  const parts = [chosen.operation.code, round === null ? 'no-round' : `R${round.number}`, chosen.assessmentType, chosen.group, `adm${level}`];
  if (round !== null && round.status !== 'published') parts.push(round.status);
  return parts.join('-').replace(/[^A-Za-z0-9-]/g, '_');
}

export interface FigureFeature {
  type: 'Feature';
  id: string;
  properties: { pcode: string; name: string | null; individuals: number; households: number | null; roundNumber: number; referenceDate: string };
  geometry: Polygon | MultiPolygon | null;
}

/** Boundaries are stored as polygons only (the geography import checks them): the type says so. */
const boundaryShape = (geometry: Geometry | null): Polygon | MultiPolygon | null =>
  geometry !== null && (geometry.type === 'Polygon' || geometry.type === 'MultiPolygon') ? geometry : null;

export interface FigureCollection {
  type: 'FeatureCollection';
  features: FigureFeature[];
  /** Foreign member (RFC 7946 §6.1), as the geography module's boundary collections carry. */
  liptako: {
    operation: string;
    country: string;
    level: 1 | 2;
    group: PopulationGroup;
    assessmentType: 'BA' | 'SA';
    round: { id: number; number: number; referenceDate: string; status: string } | null;
    detail: 'simplified';
    unitsWithoutGeometry: number;
    withoutGeometry: string[];
  };
}

/**
 * The chosen round's figures per admin unit as GeoJSON, with each unit's simplified boundary as
 * valid on the round's reference date (or the gazetteer's first version, for an older round). A
 * unit without an imported boundary keeps its figures with `geometry: null`, and the collection
 * says how many (and which) there are.
 */
export async function figureCollection(db: Queryable, chosen: ChosenRound, level: 1 | 2): Promise<FigureCollection> {
  const round = chosen.round;
  const units = await unitFigures(db, chosen, level);
  const shapes = new Map<string, Polygon | MultiPolygon | null>();
  const asOf = round === null || units.length === 0 ? null : await pq.geographyDate(db, chosen.operation.country, level, round.reference_date);
  if (asOf !== null) {
    for (const row of await boundaries(db, { country: chosen.operation.country, level, asOf, detail: 'simplified' })) {
      shapes.set(row.pcode, boundaryShape(row.geometry));
    }
  }
  const features = units.map((unit): FigureFeature => {
    const pcode = level === 2 ? (unit.admin2Pcode ?? unit.admin1Pcode) : unit.admin1Pcode;
    return {
      type: 'Feature',
      id: pcode,
      properties: {
        pcode,
        name: level === 2 ? unit.admin2Name : unit.admin1Name,
        individuals: unit.individuals,
        households: unit.households,
        roundNumber: round!.number,
        referenceDate: round!.reference_date,
      },
      geometry: shapes.get(pcode) ?? null,
    };
  });
  const withoutGeometry = features.filter((feature) => feature.geometry === null).map((feature) => feature.id);
  return {
    type: 'FeatureCollection',
    features,
    liptako: {
      operation: chosen.operation.code,
      country: chosen.operation.country,
      level,
      group: chosen.group,
      assessmentType: chosen.assessmentType,
      round: round === null ? null : { id: round.id, number: round.number, referenceDate: round.reference_date, status: round.status },
      detail: 'simplified',
      unitsWithoutGeometry: withoutGeometry.length,
      withoutGeometry,
    },
  };
}
