/**
 * Geography imports: a gazetteer, boundaries, population or P-code lengths file becomes a new
 * version of the admin units it touches (never an overwrite), in one audited transaction,
 * identified by its hash (the same file again changes nothing), with a report per row.
 */
import { createHash } from 'node:crypto';
import { audited, type Actor } from '../access/audit.js';
import { can } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { versionKeys, withVersions } from '../core/versions.js';
import { AppError, type Language } from '../core/errors.js';
import { decodeText, localiseRowIssues, type LocalisedRowIssue, type RowIssue } from '../core/tabular.js';
import { detectGeoFormat, parseGazetteer, parsePcodeLengths, parsePopulation, type GazetteerUnit } from './formats.js';
import { parseBoundaries, type BoundaryUnit } from './boundaries.js';
import { isCalendarDate } from '../shared/dates.js';
import { matchName, nameKey } from './names.js';
import { countryOf, parentOf, loadSchemesFromLengthsCsv } from './pcode.js';
import * as q from './queries.js';

/**
 * Upload limit of a geography file: the largest real COD-AB commune layers are tens of MB. The
 * file is read whole (GeoJSON and TopoJSON parse as one document); this limit bounds that memory.
 */
export const GEO_IMPORT_LIMIT = 64 * 1024 * 1024;

export type GeoImportKind = 'gazetteer' | 'boundaries' | 'population' | 'pcode-lengths';

export type RefusedRow = LocalisedRowIssue;

export interface RowOutcome {
  row: number;
  pcode: string;
  outcome: 'added' | 'updated' | 'unchanged';
}

export interface VersionChange {
  country: string;
  level: number;
  validFrom: string;
  closed: number;
}

export interface GeoImportReport {
  id: string;
  fileName: string;
  kind: GeoImportKind;
  sha256: string;
  alreadyImported: boolean;
  country: string | null;
  level: number | null;
  added: number;
  updated: number;
  unchanged: number;
  refused: RefusedRow[];
  outcomes: RowOutcome[];
  withoutGazetteer: string[];
  withoutGeometry: string[];
  nameMismatches: Array<{ pcode: string; gazetteerName: string; fileName: string }>;
  versions: VersionChange[];
  notes: string[];
  createdAt: string;
}

export interface GeoImportRequest {
  bytes: Uint8Array;
  fileName: string;
  /** Opens a new version of the geography from this date (boundary reforms). */
  validFrom?: string;
  /** Reference year of a population table that has no year column. */
  year?: number;
  /** Admin level to read a population table at, when its columns say more than one. */
  level?: number;
  /** Import the valid rows and skip the refused ones, instead of refusing the whole file. */
  skipRefused?: boolean;
  /** Boundaries: the property holding the P-codes, when detection cannot tell (a renamed or cut column). */
  pcodeProperty?: string;
  /** Boundaries: the property holding the names. */
  nameProperty?: string;
  language?: Language;
  onProgress?: (done: number, total: number) => void;
  /** Who imports: only countries in their scope (the system: all); recorded with the import. */
  actor: Actor;
}

export const today = (): string => new Date().toISOString().slice(0, 10);

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** French short names from ICU ("Burkina Faso", "Mali", "Niger"); the P-code as a last resort. */
export function countryName(iso2: string): string {
  try {
    return new Intl.DisplayNames(['fr'], { type: 'region' }).of(iso2) ?? iso2;
  } catch {
    return iso2;
  }
}

function emptyReport(request: GeoImportRequest, kind: GeoImportKind, hash: string): Omit<GeoImportReport, 'id' | 'createdAt'> {
  return {
    fileName: request.fileName,
    kind,
    sha256: hash,
    alreadyImported: false,
    country: null,
    level: null,
    added: 0,
    updated: 0,
    unchanged: 0,
    refused: [],
    outcomes: [],
    withoutGazetteer: [],
    withoutGeometry: [],
    nameMismatches: [],
    versions: [],
    notes: [],
  };
}

type WorkingReport = ReturnType<typeof emptyReport>;

function count(report: WorkingReport, row: number, pcode: string, outcome: RowOutcome['outcome']): void {
  report[outcome] += 1;
  report.outcomes.push({ row, pcode, outcome });
}

/** Makes sure the country (admin0) exists from `date` on. */
async function ensureCountry(tx: Queryable, country: string, date: string, importId: q.GeoImportId): Promise<void> {
  const history = await q.unitHistory(tx, country);
  const first = history[0];
  if (first === undefined) {
    await q.insertUnit(tx, {
      pcode: country,
      country,
      level: 0,
      parentPcode: null,
      name: countryName(country),
      nameKey: nameKey(countryName(country)),
      altNames: [],
      validFrom: date,
      validTo: null,
      importId,
    });
  } else if (first.valid_from > date) {
    await q.setValidFrom(tx, first.id, date);
  }
}

interface IncomingUnit {
  row: number;
  pcode: string;
  level: number;
  name: string;
  altNames: readonly string[];
  parentPcode: string | null;
}

function sameUnit(existing: q.AdminUnitRow, incoming: IncomingUnit): boolean {
  return existing.name_key === nameKey(incoming.name) && existing.parent_pcode === incoming.parentPcode;
}

/**
 * Applies the complete list of a country's units at one level valid from `validFrom`.
 * - Nothing there yet, or the same version: units are added or updated in place.
 * - An earlier version that the file restates exactly: nothing changes.
 * - An earlier version that differs: a reform. The earlier units are closed at `validFrom` and
 *   the file's units open a new version; geometry and population carry over to units whose
 *   P-code and name did not change.
 * Returns the unit rows of the version the file now describes, by P-code.
 */
async function applyVersion(
  tx: Queryable,
  report: WorkingReport,
  target: { country: string; level: number; validFrom: string; importId: q.GeoImportId },
  incoming: readonly IncomingUnit[],
): Promise<Map<string, q.AdminUnitRow>> {
  const { country, level, validFrom, importId } = target;
  await ensureCountry(tx, country, validFrom, importId);
  const current = await q.unitsValidAt(tx, country, level, validFrom);
  const older = current.filter((unit) => unit.valid_from < validFrom);
  const sameVersion = new Map(current.filter((unit) => unit.valid_from === validFrom).map((unit) => [unit.pcode, unit]));
  const olderByPcode = new Map(older.map((unit) => [unit.pcode, unit]));
  const incomingPcodes = new Set(incoming.map((unit) => unit.pcode));

  const reform =
    older.length > 0 &&
    (incoming.some((unit) => {
      const existing = olderByPcode.get(unit.pcode);
      return existing === undefined || !sameUnit(existing, unit);
    }) ||
      older.some((unit) => !incomingPcodes.has(unit.pcode)));

  let validTo = current[0]?.valid_to ?? (await q.nextVersionStart(tx, country, level, validFrom));
  if (reform) {
    await q.closeUnits(tx, older.map((unit) => unit.id), validFrom);
    report.versions.push({ country, level, validFrom, closed: older.length });
    validTo = older[0]?.valid_to ?? validTo;
  }

  const toInsert: IncomingUnit[] = [];
  for (const unit of incoming) {
    const existing = sameVersion.get(unit.pcode) ?? (reform ? undefined : olderByPcode.get(unit.pcode));
    if (existing) {
      if (sameUnit(existing, unit) && sameNames(existing.alt_names, unit.altNames) && existing.name === unit.name) {
        count(report, unit.row, unit.pcode, 'unchanged');
      } else {
        await q.updateUnitNames(tx, existing.id, {
          name: unit.name,
          nameKey: nameKey(unit.name),
          altNames: unit.altNames,
          parentPcode: unit.parentPcode,
          importId,
        });
        count(report, unit.row, unit.pcode, 'updated');
      }
      continue;
    }
    toInsert.push(unit);
  }
  const inserted = await q.insertUnits(
    tx,
    toInsert.map((unit) => ({
      pcode: unit.pcode,
      country,
      level,
      parentPcode: unit.parentPcode,
      name: unit.name,
      nameKey: nameKey(unit.name),
      altNames: unit.altNames,
      validFrom,
      validTo,
      importId,
    })),
  );
  for (const unit of toInsert) {
    const predecessor = olderByPcode.get(unit.pcode);
    if (predecessor && sameUnit(predecessor, unit)) await q.copyAttachments(tx, predecessor.id, inserted.get(unit.pcode)!);
    count(report, unit.row, unit.pcode, 'added');
  }
  const result = await q.unitsValidAt(tx, country, level, validFrom);
  return new Map(result.map((unit) => [unit.pcode, unit]));
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, index) => name === b[index]);
}

async function applyGazetteer(tx: Queryable, report: WorkingReport, importId: q.GeoImportId, units: readonly GazetteerUnit[], progress: Progress): Promise<void> {
  const groups = new Map<string, GazetteerUnit[]>();
  for (const unit of units) {
    const key = `${unit.country}|${unit.level}|${unit.validFrom}`;
    const group = groups.get(key);
    if (group) group.push(unit);
    else groups.set(key, [unit]);
  }
  // Parents first, so a level's parents exist when it is applied; earlier versions first.
  const ordered = [...groups.values()].sort((a, b) => (a[0]!.level - b[0]!.level) || a[0]!.validFrom.localeCompare(b[0]!.validFrom));
  for (const group of ordered) {
    const first = group[0]!;
    if (first.level === 0) {
      for (const unit of group) {
        await ensureCountry(tx, unit.country, unit.validFrom, importId);
        count(report, unit.row, unit.pcode, 'unchanged');
      }
      continue;
    }
    await applyVersion(
      tx,
      report,
      { country: first.country, level: first.level, validFrom: first.validFrom, importId },
      group.map((unit) => ({ row: unit.row, pcode: unit.pcode, level: unit.level, name: unit.name, altNames: [], parentPcode: unit.parentPcode })),
    );
    progress.advance(group.length);
  }
  const countries = new Set(units.map((unit) => unit.country));
  report.country = countries.size === 1 ? [...countries][0]! : null;
  const levels = new Set(units.map((unit) => unit.level));
  report.level = levels.size === 1 ? [...levels][0]! : null;
}

/** Names disagree when even a fuzzy match does not recognise one as the other. */
function namesDisagree(gazetteerName: string, fileName: string | null): boolean {
  if (fileName === null || fileName.trim() === '') return false;
  const [match] = matchName(fileName, [{ pcode: 'x', names: [gazetteerName] }], { minConfidence: 0 });
  return (match?.confidence ?? 0) < 0.75;
}

async function applyBoundaries(
  tx: Queryable,
  report: WorkingReport,
  importId: q.GeoImportId,
  parsed: { level: number; units: readonly BoundaryUnit[]; validFrom: string | null },
  validFrom: string | undefined,
  progress: Progress,
): Promise<void> {
  const byCountry = new Map<string, BoundaryUnit[]>();
  for (const unit of parsed.units) {
    const country = countryOf(unit.pcode);
    const countryUnits = byCountry.get(country);
    if (countryUnits) countryUnits.push(unit);
    else byCountry.set(country, [unit]);
  }
  report.country = byCountry.size === 1 ? [...byCountry.keys()][0]! : null;
  report.level = parsed.level;

  for (const [country, units] of byCountry) {
    const level = parsed.level;
    let targets: Map<string, q.AdminUnitRow>;
    const incoming = (unit: BoundaryUnit): IncomingUnit => ({
      row: unit.row,
      pcode: unit.pcode,
      level,
      name: unit.name?.trim() ? unit.name.trim() : unit.pcode,
      altNames: unit.altNames,
      parentPcode: unit.parentPcode ?? parentOf(unit.pcode) ?? country,
    });

    if (validFrom !== undefined) {
      // An explicit date: the file is the complete level from that date (a reform, or a restatement).
      targets = await applyVersion(tx, report, { country, level, validFrom, importId }, units.map(incoming));
      report.outcomes = [];
      report.added = 0;
      report.updated = 0;
      report.unchanged = 0;
    } else {
      const date = today();
      const current = await q.unitsValidAt(tx, country, level, date);
      if (current.length === 0) {
        // No gazetteer for this level (e.g. communes): the boundary file founds it.
        const parents = [...new Set(units.map((unit) => incoming(unit).parentPcode).filter((p): p is string => p !== null))];
        const founded = parsed.validFrom ?? (await q.earliestValidFrom(tx, parents)) ?? date;
        report.withoutGazetteer = units.map((unit) => unit.pcode);
        report.notes.push(`created:${country}:${level}:${founded}`);
        targets = await applyVersion(tx, report, { country, level, validFrom: founded, importId }, units.map(incoming));
        report.outcomes = [];
        report.added = 0;
        report.updated = 0;
        report.unchanged = 0;
      } else {
        targets = new Map(current.map((unit) => [unit.pcode, unit]));
        const mismatches = units
          .map((unit) => ({ unit, existing: targets.get(unit.pcode) }))
          .filter(({ unit, existing }) => existing !== undefined && namesDisagree(existing.name, unit.name))
          .map(({ unit, existing }) => ({ pcode: unit.pcode, gazetteerName: existing!.name, fileName: unit.name ?? '' }));
        if (mismatches.length >= 3 || (mismatches.length > 0 && mismatches.length >= units.length / 4)) {
          throw new AppError(
            'geo.import.reformNeedsDate',
            { count: mismatches.length, country, level },
            { details: { nameMismatches: mismatches, suggestedValidFrom: parsed.validFrom } },
          );
        }
        report.nameMismatches.push(...mismatches);
        report.withoutGazetteer.push(...units.filter((unit) => !targets.has(unit.pcode)).map((unit) => unit.pcode));
      }
    }

    const matched = units.filter((unit) => targets.has(unit.pcode));
    // One read of the level's geometry hashes serves both the comparison and the "without geometry" list.
    const hashes = await q.geometryHashes(tx, [...targets.values()].map((unit) => unit.id));
    for (const unit of matched) {
      const target = targets.get(unit.pcode)!;
      const hash = sha256(new TextEncoder().encode(JSON.stringify(unit.geometry)));
      const previous = hashes.get(Number(target.id));
      if (previous === hash) {
        count(report, unit.row, unit.pcode, 'unchanged');
      } else {
        await q.upsertGeometry(tx, {
          unitId: target.id,
          geometry: unit.geometry,
          simplified: unit.simplified,
          bbox: unit.bbox,
          vertexCount: unit.vertexCount,
          sha256: hash,
          importId,
        });
        count(report, unit.row, unit.pcode, previous === undefined ? 'added' : 'updated');
      }
      progress.advance(1);
    }
    const inFile = new Set(units.map((unit) => unit.pcode));
    report.withoutGeometry.push(
      ...[...targets.values()].filter((unit) => !inFile.has(unit.pcode) && !hashes.has(Number(unit.id))).map((unit) => unit.pcode),
    );
  }
}

async function applyPopulation(
  tx: Queryable,
  report: WorkingReport,
  importId: q.GeoImportId,
  parsed: ReturnType<typeof parsePopulation>,
  yearOption: number | undefined,
  skipRefused: boolean,
  language: Language,
  progress: Progress,
): Promise<void> {
  const refused: RowIssue[] = [];
  const levels = new Set(parsed.units.map((unit) => unit.level));
  report.level = levels.size === 1 ? [...levels][0]! : null;
  const countries = new Set(parsed.units.map((unit) => countryOf(unit.pcode)));
  report.country = countries.size === 1 ? [...countries][0]! : null;
  for (const unit of parsed.units) {
    const year = unit.year ?? yearOption ?? parsed.year;
    if (year === null || year === undefined) throw new AppError('geo.import.populationYearMissing');
    // Population of a year belongs to the units valid that year, not to a later reform's.
    const [target] = await q.searchUnits(tx, { pcodes: [unit.pcode], asOf: `${year}-07-01`, limit: 1, offset: 0 });
    if (!target) {
      refused.push({ row: unit.row, column: null, value: unit.pcode, code: 'geo.import.unknownPcode', params: { pcode: unit.pcode, date: `${year}-07-01` } });
      continue;
    }
    const outcome = await q.upsertPopulation(tx, {
      unitId: target.id,
      year,
      total: unit.total,
      female: unit.female,
      male: unit.male,
      byAgeSex: unit.byAgeSex,
      importId,
    });
    count(report, unit.row, unit.pcode, outcome);
    progress.advance(1);
  }
  if (refused.length > 0) {
    if (!skipRefused) throw rowsRefused(localiseRowIssues(refused, language));
    report.refused.push(...localiseRowIssues(refused, language));
  }
}

function rowsRefused(refused: RefusedRow[]): AppError {
  return new AppError('geo.import.rowsRefused', { count: refused.length }, { details: { refused: refused.slice(0, 1000) } });
}

interface Progress {
  advance(rows: number): void;
}

function progressOf(total: number, onProgress: GeoImportRequest['onProgress']): Progress {
  let done = 0;
  onProgress?.(0, total);
  return {
    advance(rows) {
      done = Math.min(total, done + rows);
      onProgress?.(done, total);
    },
  };
}

/**
 * Imports one geography file in one transaction: all of it or nothing. The raw bytes and the
 * report are stored with it; the same bytes with the same options come back as a no-op.
 */
export async function importGeoFile(db: Queryable, request: GeoImportRequest): Promise<GeoImportReport> {
  const language = request.language ?? 'en';
  if (request.validFrom !== undefined && !isCalendarDate(request.validFrom)) {
    throw new AppError('request.invalid', { detail: `validFrom: ${request.validFrom.slice(0, 40)}` });
  }
  if (request.bytes.byteLength === 0) throw new AppError('import.empty');
  const hash = sha256(request.bytes);
  const options = {
    validFrom: request.validFrom ?? null,
    year: request.year ?? null,
    level: request.level ?? null,
    skipRefused: request.skipRefused ?? false,
    pcodeProperty: request.pcodeProperty ?? null,
    nameProperty: request.nameProperty ?? null,
  };
  // Property choices change what is read, so they are part of the identity; absent, the key is as before.
  const properties = options.pcodeProperty === null && options.nameProperty === null ? '' : `:${JSON.stringify([options.pcodeProperty, options.nameProperty])}`;
  const importKey = `${hash}:${options.validFrom ?? ''}:${options.year ?? ''}:${options.level ?? ''}${properties}`;

  const describe = (report: GeoImportReport) => ({
    action: 'geo.import',
    objectType: 'geo-import',
    objectId: report.id,
    summary: { file: report.fileName, kind: report.kind, alreadyImported: report.alreadyImported, added: report.added, updated: report.updated, refused: report.refused.length },
  });
  const previous = await q.findImportByKey(db, importKey);
  // The same file again changes nothing, but who sent it is still worth a row.
  if (previous) return audited(db, request.actor, () => Promise.resolve({ ...(previous.report as GeoImportReport), alreadyImported: true }), describe);

  const kind = detectGeoFormat(request.bytes, request.fileName);
  const text = decodeText(request.bytes);
  const report = emptyReport(request, kind, hash);

  // Parse everything before touching the database: a bad file stores nothing.
  const countries = new Set<string>();
  let apply: (tx: Queryable, importId: q.GeoImportId) => Promise<void>;
  switch (kind) {
    case 'gazetteer': {
      const parsed = parseGazetteer(text);
      parsed.units.forEach((unit) => countries.add(unit.country));
      if (parsed.refused.length > 0 && !request.skipRefused) throw rowsRefused(localiseRowIssues(parsed.refused, language));
      report.refused.push(...localiseRowIssues(parsed.refused, language));
      if (parsed.units.length === 0) throw new AppError('import.empty');
      const progress = progressOf(parsed.units.length, request.onProgress);
      apply = (tx, importId) => applyGazetteer(tx, report, importId, parsed.units, progress);
      break;
    }
    case 'boundaries': {
      const parsed = parseBoundaries(text, { pcodeProperty: request.pcodeProperty, nameProperty: request.nameProperty });
      parsed.units.forEach((unit) => countries.add(countryOf(unit.pcode)));
      if (parsed.refused.length > 0 && !request.skipRefused) throw rowsRefused(localiseRowIssues(parsed.refused, language));
      report.refused.push(...localiseRowIssues(parsed.refused, language));
      if (parsed.units.length === 0) throw new AppError('import.empty');
      const progress = progressOf(parsed.units.length, request.onProgress);
      apply = (tx, importId) => applyBoundaries(tx, report, importId, parsed, request.validFrom, progress);
      break;
    }
    case 'population': {
      const parsed = parsePopulation(text, request.level === undefined ? {} : { level: request.level });
      parsed.units.forEach((unit) => countries.add(countryOf(unit.pcode)));
      if (parsed.refused.length > 0 && !request.skipRefused) throw rowsRefused(localiseRowIssues(parsed.refused, language));
      report.refused.push(...localiseRowIssues(parsed.refused, language));
      if (parsed.units.length === 0) throw new AppError('import.empty');
      const progress = progressOf(parsed.units.length, request.onProgress);
      apply = (tx, importId) => applyPopulation(tx, report, importId, parsed, request.year, request.skipRefused ?? false, language, progress);
      break;
    }
    case 'pcode-lengths': {
      const schemes = loadSchemesFromLengthsCsv(parsePcodeLengths(text));
      report.notes.push(`schemes:${Object.keys(schemes).length}`);
      apply = () => Promise.resolve();
      break;
    }
  }

  for (const country of countries) {
    if (!can(request.actor.principal, 'geo.import', { countries: [country] })) throw new AppError('auth.forbidden', { verb: 'geo.import' });
  }

  return withVersions((bump) =>
    audited(
      db,
      request.actor,
      async (tx) => {
        await bump(tx, [versionKeys.geography]);
        const stored = await q.insertImport(tx, { fileName: request.fileName, kind, sha256: hash, importKey, options, raw: request.bytes });
        await apply(tx, stored.id);
        const finished: GeoImportReport = { ...report, id: String(stored.id), createdAt: new Date(stored.created_at).toISOString() };
        await q.saveImportReport(tx, stored.id, finished);
        return finished;
      },
      describe,
    ),
  );
}

export async function listGeoImports(db: Queryable, limit = 50): Promise<GeoImportReport[]> {
  const rows = await q.listImports(db, limit);
  return rows.map((row) => ({ ...(row.report as GeoImportReport), id: String(row.id), alreadyImported: false }));
}
