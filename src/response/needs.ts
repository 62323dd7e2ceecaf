/**
 * People in need (HNO caseloads) in the HPC format OCHA publishes on HDX: one row per place
 * (national, admin1 or admin2) × sector × sex × age range × population group, tagged with HXL.
 * Stored as given: the inter-sector figure is the HNO's own row (sector ALL) and is never
 * recomputed as a sum of sectors (a person in need of food and of water counts once). P-codes
 * the geography does not know are kept as the file writes them and listed; a sector, sex or
 * number that cannot be read refuses the whole file, with its rows.
 */
import { createHash } from 'node:crypto';
import { actorName, audited, type Actor } from '../access/audit.js';
import { can, type Principal } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { AppError, type Language } from '../core/errors.js';
import { isHxlRow, parseHxl, presentText } from '../core/cells.js';
import { decodeText, parseCsv } from '../core/tabular.js';
import * as geo from '../geo/service.js';
import * as q from './need-queries.js';
import { requireCountry } from './service.js';
import { isSectorCode, SECTORS, type SectorCode } from './vocabulary.js';
import { lookUp } from '../shared/lookup.js';

/** An HNO file of a country is a few thousand rows; beyond 32 MB it is not one. */
export const NEEDS_FILE_LIMIT = 32 * 1024 * 1024;

type NeedField = 'admin1' | 'admin2' | 'sector' | 'sex' | 'age' | 'group' | 'population' | 'inNeed' | 'targeted' | 'affected' | 'reached';

/** Columns by HXL tag (the HPC template's), else by the template's English header. */
const FIELDS: ReadonlyArray<{ field: NeedField; tag: string; attribute?: string; header: string }> = [
  { field: 'admin1', tag: 'adm1', attribute: 'code', header: 'admin 1 pcode' },
  { field: 'admin2', tag: 'adm2', attribute: 'code', header: 'admin 2 pcode' },
  { field: 'sector', tag: 'sector', header: 'sector' },
  { field: 'sex', tag: 'gender', header: 'gender' },
  { field: 'age', tag: 'age', attribute: 'range', header: 'age range' },
  { field: 'group', tag: 'population_group', header: 'population group' },
  { field: 'population', tag: 'population', header: 'population' },
  { field: 'inNeed', tag: 'inneed', header: 'in need' },
  { field: 'targeted', tag: 'targeted', header: 'targeted' },
  { field: 'affected', tag: 'affected', header: 'affected' },
  { field: 'reached', tag: 'reached', header: 'reached' },
];

/** HPC sector codes that are not IASC/HAPI codes as Liptako writes them. */
const HPC_SECTORS: Readonly<Record<string, SectorCode>> = { MS: 'Multi', PRO_CPM: 'PRO-CPN', PRO_CPN: 'PRO-CPN', PRO_CP: 'PRO-CPN' };

function sectorOf(code: string): SectorCode | null | undefined {
  const upper = code.trim().toUpperCase();
  if (upper === 'ALL' || upper === 'INTERSECTORAL' || upper === 'INTERSECTOR') return null;
  const mapped = HPC_SECTORS[upper] ?? upper.replace(/_/g, '-');
  if (isSectorCode(mapped)) return mapped;
  const caseless = Object.keys(SECTORS).find((known) => known.toUpperCase() === mapped);
  return caseless === undefined ? undefined : (caseless as SectorCode);
}

const SEXES: Readonly<Record<string, 'all' | 'f' | 'm'>> = { a: 'all', all: 'all', t: 'all', f: 'f', female: 'f', m: 'm', male: 'm' };

export interface NeedsProblem {
  row: number;
  column: string;
  value: string;
  rule: 'sectorUnknown' | 'sexUnknown' | 'numberInvalid' | 'countryOther' | 'admin2WithoutAdmin1';
}

export interface NeedsImportResult {
  /** False when the same file was already imported for this country and year: nothing changed. */
  imported: boolean;
  importId: number;
  rows: number;
  byLevel: { national: number; admin1: number; admin2: number };
  sectors: string[];
  /** P-codes the geography does not know, kept as given. */
  unknownPlaces: Array<{ row: number; pcode: string }>;
  /** The HNO's own national inter-sector people in need, as given. */
  nationalInterSector: number | null;
}

function columnsOf(header: readonly string[], hxl: readonly string[] | null): Partial<Record<NeedField, string>> {
  const columns: Partial<Record<NeedField, string>> = {};
  for (const spec of FIELDS) {
    const byTag =
      hxl === null
        ? undefined
        : header.find((_name, index) => {
            const tag = parseHxl(hxl[index] ?? '');
            return tag !== null && tag.tag === spec.tag && (spec.attribute === undefined || tag.attributes.has(spec.attribute));
          });
    const byHeader = header.find((name) => name.trim().toLowerCase() === spec.header);
    const column = byTag ?? byHeader;
    if (column !== undefined) columns[spec.field] = column;
  }
  return columns;
}

/** Importing is a country's coordinators' work; reading is open to every reader (HNOs are public). */
function authorise(principal: Principal, country: string, verb: 'response.manage' | 'response.read'): void {
  if (!can(principal, verb, verb === 'response.manage' ? { countries: [country] } : undefined)) throw new AppError('auth.forbidden', { verb });
}

/** Imports an HNO people-in-need file for a country and year: all rows or none; the same file again changes nothing. */
export async function importNeeds(
  db: Queryable,
  actor: Actor,
  input: { country: string; year: number; fileName: string; bytes: Uint8Array; language: Language },
): Promise<NeedsImportResult> {
  const country = requireCountry(input.country);
  authorise(actor.principal, country, 'response.manage');
  if (!Number.isInteger(input.year) || input.year < 2000 || input.year > 2100) throw new AppError('response.needs.year', { year: String(input.year).slice(0, 10) });
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  const parsed = parseCsv(decodeText(input.bytes));
  const first = parsed.records[0];
  const hxl = first !== undefined && isHxlRow(parsed.header.map((name) => first.values[name] ?? '')) ? parsed.header.map((name) => first.values[name] ?? '') : null;
  const records = hxl === null ? parsed.records : parsed.records.slice(1);
  const columns = columnsOf(parsed.header, hxl);
  const missing = (['sector', 'inNeed'] as const).filter((field) => columns[field] === undefined);
  if (missing.length > 0) throw new AppError('response.needs.columns', { missing: missing.map((field) => FIELDS.find((spec) => spec.field === field)!.header).join(', ') });
  if (records.length === 0) throw new AppError('import.empty');

  const known = new Set((await geo.searchUnits(db, { country, limit: 100_000 })).units.map((unit) => unit.pcode));
  const problems: NeedsProblem[] = [];
  const unknownPlaces: NeedsImportResult['unknownPlaces'] = [];
  const needs: q.NeedValues[] = [];
  for (const record of records) {
    const cell = (field: NeedField): string | null => (columns[field] === undefined ? null : presentText(record.values[columns[field]]));
    const problem = (field: NeedField, rule: NeedsProblem['rule']): void => {
      problems.push({ row: record.row, column: columns[field] ?? field, value: (record.values[columns[field] ?? ''] ?? '').slice(0, 80), rule });
    };
    const number = (field: NeedField): number | null => {
      const text = cell(field);
      if (text === null) return null;
      const value = Number(text.replace(/[\s\u00a0\u202f]/g, ''));
      if (!Number.isFinite(value) || value < 0 || value > 1e10) {
        problem(field, 'numberInvalid');
        return null;
      }
      return value;
    };
    const admin1 = cell('admin1')?.toUpperCase() ?? null;
    const admin2 = cell('admin2')?.toUpperCase() ?? null;
    for (const [field, pcode] of [['admin1', admin1], ['admin2', admin2]] as const) {
      if (pcode === null) continue;
      if (!pcode.startsWith(country)) problem(field, 'countryOther');
      else if (!known.has(pcode)) unknownPlaces.push({ row: record.row, pcode });
    }
    if (admin2 !== null && admin1 === null) problem('admin2', 'admin2WithoutAdmin1');
    const providerSector = cell('sector') ?? '';
    const sector = sectorOf(providerSector);
    if (sector === undefined) problem('sector', 'sectorUnknown');
    const sexText = (cell('sex') ?? 'a').toLowerCase();
    const sex = lookUp(SEXES, sexText);
    if (sex === undefined) problem('sex', 'sexUnknown');
    needs.push({
      level: admin2 !== null ? 2 : admin1 !== null ? 1 : 0,
      admin1,
      admin2,
      sector: sector ?? null,
      providerSector: providerSector.slice(0, 60),
      sex: sex ?? 'all',
      age: (cell('age') ?? 'ALL').slice(0, 20),
      group: (cell('group') ?? 'ALL').slice(0, 40),
      population: number('population'),
      inNeed: number('inNeed'),
      targeted: number('targeted'),
      affected: number('affected'),
      reached: number('reached'),
      row: record.row,
    });
  }
  if (problems.length > 0) {
    throw new AppError('response.needs.invalid', { count: problems.length, first: `${problems[0]!.row}` }, { details: { problems: problems.slice(0, 100) } });
  }

  const nationalInterSector = needs.find((need) => need.level === 0 && need.sector === null && need.sex === 'all' && need.age.toUpperCase() === 'ALL' && need.group.toUpperCase() === 'ALL')?.inNeed ?? null;
  const summary = {
    rows: needs.length,
    byLevel: { national: needs.filter((need) => need.level === 0).length, admin1: needs.filter((need) => need.level === 1).length, admin2: needs.filter((need) => need.level === 2).length },
    sectors: [...new Set(needs.map((need) => need.sector ?? 'ALL'))].sort(),
    unknownPlaces,
    nationalInterSector,
  };
  const earlier = await q.needImportBySha(db, country, input.year, sha256);
  if (earlier !== undefined) return { imported: false, importId: earlier.id, ...summary };
  const importId = await audited(
    db,
    actor,
    (tx) => q.replaceNeeds(tx, { country, year: input.year, sha256, fileName: input.fileName.slice(0, 255), by: actorName(actor) }, needs),
    (id) => ({ action: 'response.needs.import', objectType: 'need-import', objectId: id, summary: { country, year: input.year, rows: needs.length, unknownPlaces: unknownPlaces.length, sha256 } }),
  );
  return { imported: true, importId, ...summary };
}

export interface NeedsView {
  country: string;
  year: number;
  level: 0 | 1 | 2;
  admin1: string | null;
  admin2: string | null;
  /** The HNO's own inter-sector figure for this place (null when it gives none): never a sum of sectors. */
  interSector: { inNeed: number | null; population: number | null; targeted: number | null } | null;
  sectors: Array<{ sector: string; name: string; inNeed: number | null; targeted: number | null }>;
  /** Years with caseloads for this country, to choose from. */
  years: number[];
}

const numeric = (text: string | null): number | null => (text === null ? null : Number(text));

/** People in need of a place (national when none is given) for a country and year, by sector and inter-sector. */
export async function needsOf(db: Queryable, principal: Principal, query: { country: string; year: number; admin1?: string; admin2?: string; language: Language }): Promise<NeedsView> {
  const country = requireCountry(query.country);
  authorise(principal, country, 'response.read');
  const admin2 = query.admin2?.trim().toUpperCase() || null;
  const admin1 = query.admin1?.trim().toUpperCase() || null;
  const level: 0 | 1 | 2 = admin2 !== null ? 2 : admin1 !== null ? 1 : 0;
  const rows = await q.needTotals(db, { country, year: query.year, level, admin1, admin2 });
  const inter = rows.find((row) => row.sector_code === null);
  return {
    country,
    year: query.year,
    level,
    admin1,
    admin2,
    interSector: inter === undefined ? null : { inNeed: numeric(inter.in_need), population: numeric(inter.population), targeted: numeric(inter.targeted) },
    sectors: rows
      .filter((row) => row.sector_code !== null)
      .map((row) => ({ sector: row.sector_code!, name: isSectorCode(row.sector_code!) ? SECTORS[row.sector_code][query.language] : row.sector_code!, inNeed: numeric(row.in_need), targeted: numeric(row.targeted) })),
    years: await q.needYears(db, country),
  };
}
