/** Every SQL statement of the geography module. */
import type { Queryable } from '../core/db.js';
import type { Geometry } from 'geojson';

export type UnitRowId = number & { readonly __brand: 'AdminUnitRowId' };
export type GeoImportId = number & { readonly __brand: 'GeoImportId' };

export interface AdminUnitRow {
  id: UnitRowId;
  pcode: string;
  country: string;
  level: number;
  parent_pcode: string | null;
  name: string;
  name_key: string;
  alt_names: string[];
  valid_from: string;
  valid_to: string | null;
}

const UNIT_COLUMNS = 'u.id, u.pcode, u.country, u.level, u.parent_pcode, u.name, u.name_key, u.alt_names, u.valid_from, u.valid_to';

/** Valid on date $n: from inclusive, to exclusive. */
const validAt = (n: number): string => `u.valid_from <= $${n}::date AND (u.valid_to IS NULL OR u.valid_to > $${n}::date)`;

// ---- imports -------------------------------------------------------------------------------

export interface GeoImportRow {
  id: GeoImportId;
  file_name: string;
  kind: string;
  sha256: string;
  report: unknown;
  created_at: Date;
}

export async function findImportByKey(db: Queryable, importKey: string): Promise<GeoImportRow | undefined> {
  const [row] = await db.query<GeoImportRow>(
    'SELECT id, file_name, kind, sha256, report, created_at FROM geo_import WHERE import_key = $1',
    [importKey],
  );
  return row;
}

export async function insertImport(
  db: Queryable,
  values: { fileName: string; kind: string; sha256: string; importKey: string; options: object; raw: Uint8Array },
): Promise<{ id: GeoImportId; created_at: Date }> {
  const [row] = await db.query<{ id: GeoImportId; created_at: Date }>(
    `INSERT INTO geo_import (file_name, kind, sha256, import_key, options, size_bytes, raw, report)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, '{}'::jsonb) RETURNING id, created_at`,
    [values.fileName, values.kind, values.sha256, values.importKey, JSON.stringify(values.options), values.raw.byteLength, values.raw],
  );
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return row;
}

export async function saveImportReport(db: Queryable, id: GeoImportId, report: object): Promise<void> {
  await db.query('UPDATE geo_import SET report = $2::jsonb WHERE id = $1', [id, JSON.stringify(report)]);
}

export async function listImports(db: Queryable, limit: number): Promise<GeoImportRow[]> {
  return db.query<GeoImportRow>(
    'SELECT id, file_name, kind, sha256, report, created_at FROM geo_import ORDER BY id DESC LIMIT $1',
    [limit],
  );
}

// ---- units ---------------------------------------------------------------------------------

export async function unitsValidAt(db: Queryable, country: string, level: number, date: string): Promise<AdminUnitRow[]> {
  return db.query<AdminUnitRow>(
    `SELECT ${UNIT_COLUMNS} FROM admin_unit u WHERE u.country = $1 AND u.level = $2 AND ${validAt(3)} ORDER BY u.pcode`,
    [country, level, date],
  );
}

/** Start of the next version of a country's level after `date`, if one exists. */
export async function nextVersionStart(db: Queryable, country: string, level: number, date: string): Promise<string | null> {
  const [row] = await db.query<{ start: string | null }>(
    'SELECT min(valid_from) AS start FROM admin_unit WHERE country = $1 AND level = $2 AND valid_from > $3::date',
    [country, level, date],
  );
  return row?.start ?? null;
}

export async function earliestValidFrom(db: Queryable, pcodes: readonly string[]): Promise<string | null> {
  const [row] = await db.query<{ start: string | null }>(
    'SELECT min(valid_from) AS start FROM admin_unit WHERE pcode = ANY($1::text[])',
    [pcodes],
  );
  return row?.start ?? null;
}

export interface NewUnit {
  pcode: string;
  country: string;
  level: number;
  parentPcode: string | null;
  name: string;
  nameKey: string;
  altNames: readonly string[];
  validFrom: string;
  validTo: string | null;
  importId: GeoImportId | null;
}

export async function insertUnit(db: Queryable, unit: NewUnit): Promise<UnitRowId> {
  const [row] = await db.query<{ id: UnitRowId }>(
    `INSERT INTO admin_unit (pcode, country, level, parent_pcode, name, name_key, alt_names, valid_from, valid_to, source_import_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8::date, $9::date, $10) RETURNING id`,
    [unit.pcode, unit.country, unit.level, unit.parentPcode, unit.name, unit.nameKey, unit.altNames, unit.validFrom, unit.validTo, unit.importId],
  );
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return row.id;
}

/** Many units in one statement (a gazetteer can carry tens of thousands). Returns ids by P-code. */
export async function insertUnits(db: Queryable, units: readonly NewUnit[]): Promise<Map<string, UnitRowId>> {
  if (units.length === 0) return new Map();
  const rows = await db.query<{ id: UnitRowId; pcode: string }>(
    `INSERT INTO admin_unit (pcode, country, level, parent_pcode, name, name_key, alt_names, valid_from, valid_to, source_import_id)
     SELECT u.pcode, u.country, u.level, u.parent_pcode, u.name, u.name_key,
            ARRAY(SELECT jsonb_array_elements_text(u.alt_names)), u.valid_from, u.valid_to, u.import_id
       FROM jsonb_to_recordset($1::jsonb) AS u(pcode text, country text, level smallint, parent_pcode text, name text,
            name_key text, alt_names jsonb, valid_from date, valid_to date, import_id bigint)
     RETURNING id, pcode`,
    [
      JSON.stringify(
        units.map((unit) => ({
          pcode: unit.pcode,
          country: unit.country,
          level: unit.level,
          parent_pcode: unit.parentPcode,
          name: unit.name,
          name_key: unit.nameKey,
          alt_names: unit.altNames,
          valid_from: unit.validFrom,
          valid_to: unit.validTo,
          import_id: unit.importId,
        })),
      ),
    ],
  );
  return new Map(rows.map((row) => [row.pcode, row.id]));
}

export async function updateUnitNames(
  db: Queryable,
  id: UnitRowId,
  values: { name: string; nameKey: string; altNames: readonly string[]; parentPcode: string | null; importId: GeoImportId },
): Promise<void> {
  await db.query(
    `UPDATE admin_unit SET name = $2, name_key = $3, alt_names = $4::text[], parent_pcode = $5, source_import_id = $6, updated_at = now()
     WHERE id = $1`,
    [id, values.name, values.nameKey, values.altNames, values.parentPcode, values.importId],
  );
}

export async function setValidFrom(db: Queryable, id: UnitRowId, validFrom: string): Promise<void> {
  await db.query('UPDATE admin_unit SET valid_from = $2::date, updated_at = now() WHERE id = $1', [id, validFrom]);
}

export async function closeUnits(db: Queryable, ids: readonly UnitRowId[], validTo: string): Promise<void> {
  await db.query('UPDATE admin_unit SET valid_to = $2::date, updated_at = now() WHERE id = ANY($1::bigint[])', [ids, validTo]);
}

/** Carries geometry and population of an earlier version over to the unit that replaces it. */
export async function copyAttachments(db: Queryable, from: UnitRowId, to: UnitRowId): Promise<void> {
  await db.query(
    `INSERT INTO admin_unit_geometry (unit_id, geometry, simplified, bbox, vertex_count, geometry_sha256, import_id)
     SELECT $2, geometry, simplified, bbox, vertex_count, geometry_sha256, import_id FROM admin_unit_geometry WHERE unit_id = $1`,
    [from, to],
  );
  await db.query(
    `INSERT INTO admin_unit_population (unit_id, year, total, female, male, by_age_sex, import_id)
     SELECT $2, year, total, female, male, by_age_sex, import_id FROM admin_unit_population WHERE unit_id = $1`,
    [from, to],
  );
}

// ---- geometry and population ---------------------------------------------------------------

export async function geometryHashes(db: Queryable, ids: readonly UnitRowId[]): Promise<Map<number, string>> {
  const rows = await db.query<{ unit_id: number; geometry_sha256: string }>(
    'SELECT unit_id, geometry_sha256 FROM admin_unit_geometry WHERE unit_id = ANY($1::bigint[])',
    [ids],
  );
  return new Map(rows.map((row) => [Number(row.unit_id), row.geometry_sha256]));
}

export async function upsertGeometry(
  db: Queryable,
  values: { unitId: UnitRowId; geometry: Geometry; simplified: Geometry; bbox: readonly number[]; vertexCount: number; sha256: string; importId: GeoImportId },
): Promise<void> {
  await db.query(
    `INSERT INTO admin_unit_geometry (unit_id, geometry, simplified, bbox, vertex_count, geometry_sha256, import_id)
     VALUES ($1, $2::jsonb, $3::jsonb, $4::float8[], $5, $6, $7)
     ON CONFLICT (unit_id) DO UPDATE SET geometry = EXCLUDED.geometry, simplified = EXCLUDED.simplified, bbox = EXCLUDED.bbox,
       vertex_count = EXCLUDED.vertex_count, geometry_sha256 = EXCLUDED.geometry_sha256, import_id = EXCLUDED.import_id, updated_at = now()`,
    [values.unitId, JSON.stringify(values.geometry), JSON.stringify(values.simplified), values.bbox, values.vertexCount, values.sha256, values.importId],
  );
}

export interface PopulationValues {
  unitId: UnitRowId;
  year: number;
  total: number;
  female: number | null;
  male: number | null;
  byAgeSex: Record<string, number>;
  importId: GeoImportId;
}

/** Returns 'added', 'updated' or 'unchanged'. */
export async function upsertPopulation(db: Queryable, values: PopulationValues): Promise<'added' | 'updated' | 'unchanged'> {
  const [existing] = await db.query<{ total: number; female: number | null; male: number | null; by_age_sex: Record<string, number> }>(
    'SELECT total, female, male, by_age_sex FROM admin_unit_population WHERE unit_id = $1 AND year = $2',
    [values.unitId, values.year],
  );
  if (
    existing &&
    existing.total === values.total &&
    existing.female === values.female &&
    existing.male === values.male &&
    JSON.stringify(existing.by_age_sex) === JSON.stringify(sortKeys(values.byAgeSex))
  ) {
    return 'unchanged';
  }
  await db.query(
    `INSERT INTO admin_unit_population (unit_id, year, total, female, male, by_age_sex, import_id)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
     ON CONFLICT (unit_id, year) DO UPDATE SET total = EXCLUDED.total, female = EXCLUDED.female, male = EXCLUDED.male,
       by_age_sex = EXCLUDED.by_age_sex, import_id = EXCLUDED.import_id`,
    [values.unitId, values.year, values.total, values.female, values.male, JSON.stringify(sortKeys(values.byAgeSex)), values.importId],
  );
  return existing ? 'updated' : 'added';
}

// jsonb stores keys in its own order; compare like with like.
function sortKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a.length - b.length) || a.localeCompare(b)));
}

// ---- reading -------------------------------------------------------------------------------

export interface UnitListRow extends AdminUnitRow {
  has_geometry: boolean;
  population: number | null;
  total: number;
}

export interface UnitFilters {
  country?: string;
  level?: number;
  parent?: string;
  /** Folded name or P-code fragment. */
  nameKey?: string;
  pcodePrefix?: string;
  pcodes?: readonly string[];
  asOf: string;
  limit: number;
  offset: number;
}

export async function searchUnits(db: Queryable, filters: UnitFilters): Promise<UnitListRow[]> {
  const params: unknown[] = [filters.asOf];
  const where = [validAt(1)];
  const add = (clause: (n: number) => string, value: unknown): void => {
    params.push(value);
    where.push(clause(params.length));
  };
  if (filters.country !== undefined) add((n) => `u.country = $${n}`, filters.country);
  if (filters.level !== undefined) add((n) => `u.level = $${n}`, filters.level);
  if (filters.parent !== undefined) add((n) => `u.parent_pcode = $${n}`, filters.parent);
  if (filters.pcodes !== undefined) add((n) => `u.pcode = ANY($${n}::text[])`, filters.pcodes);
  if (filters.nameKey !== undefined || filters.pcodePrefix !== undefined) {
    const clauses: string[] = [];
    if (filters.nameKey !== undefined && filters.nameKey !== '') {
      params.push(`%${escapeLike(filters.nameKey)}%`);
      const n = params.length;
      clauses.push(`u.name_key LIKE $${n}`, `EXISTS (SELECT 1 FROM unnest(u.alt_names) alt WHERE lower(alt) LIKE $${n})`);
    }
    if (filters.pcodePrefix !== undefined && filters.pcodePrefix !== '') {
      params.push(`${escapeLike(filters.pcodePrefix)}%`);
      clauses.push(`u.pcode LIKE $${params.length}`);
    }
    // A search of punctuation only matches nothing rather than everything.
    where.push(clauses.length > 0 ? `(${clauses.join(' OR ')})` : 'false');
  }
  params.push(filters.limit, filters.offset);
  return db.query<UnitListRow>(
    `SELECT ${UNIT_COLUMNS},
            EXISTS (SELECT 1 FROM admin_unit_geometry g WHERE g.unit_id = u.id) AS has_geometry,
            (SELECT p.total FROM admin_unit_population p WHERE p.unit_id = u.id ORDER BY p.year DESC LIMIT 1) AS population,
            count(*) OVER () AS total
       FROM admin_unit u
      WHERE ${where.join(' AND ')}
      ORDER BY u.level, u.pcode
      LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

export async function unitHistory(db: Queryable, pcode: string): Promise<AdminUnitRow[]> {
  return db.query<AdminUnitRow>(`SELECT ${UNIT_COLUMNS} FROM admin_unit u WHERE u.pcode = $1 ORDER BY u.valid_from`, [pcode]);
}

export interface LevelSummaryRow {
  country: string;
  country_name: string | null;
  level: number;
  units: number;
  with_geometry: number;
}

export async function levelSummary(db: Queryable, asOf: string): Promise<LevelSummaryRow[]> {
  return db.query<LevelSummaryRow>(
    `SELECT u.country,
            (SELECT c.name FROM admin_unit c WHERE c.pcode = u.country AND c.level = 0 ORDER BY c.valid_from DESC LIMIT 1) AS country_name,
            u.level, count(*)::int AS units, count(g.unit_id)::int AS with_geometry
       FROM admin_unit u LEFT JOIN admin_unit_geometry g ON g.unit_id = u.id
      WHERE ${validAt(1)}
      GROUP BY u.country, u.level
      ORDER BY u.country, u.level`,
    [asOf],
  );
}

export interface BoundaryRow {
  pcode: string;
  name: string;
  level: number;
  parent_pcode: string | null;
  geometry: Geometry | null;
  population: number | null;
}

export async function boundaries(
  db: Queryable,
  filters: { country: string; level: number; asOf: string; detail: 'simplified' | 'full' },
): Promise<BoundaryRow[]> {
  const column = filters.detail === 'full' ? 'g.geometry' : 'g.simplified';
  return db.query<BoundaryRow>(
    `SELECT u.pcode, u.name, u.level, u.parent_pcode, ${column} AS geometry,
            (SELECT p.total FROM admin_unit_population p WHERE p.unit_id = u.id ORDER BY p.year DESC LIMIT 1) AS population
       FROM admin_unit u LEFT JOIN admin_unit_geometry g ON g.unit_id = u.id
      WHERE u.country = $1 AND u.level = $2 AND ${validAt(3)}
      ORDER BY u.pcode`,
    [filters.country, filters.level, filters.asOf],
  );
}
