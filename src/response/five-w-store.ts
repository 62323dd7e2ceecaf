/**
 * The job of a 5W import: every row read and resolved (organisation, sector, place, month,
 * figures), findings counted by rule, then the reports stored as `submitted` in one audited
 * transaction with the organisations the file introduced (an IM officer's import), the periods
 * and the import row, or nothing at all. Steps 1 and 2 (upload, preview, start): five-w-imports.ts.
 */
import { actorName, audited, type Actor } from '../access/audit.js';
import type { Principal } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { AppError } from '../core/errors.js';
import * as jobs from '../core/jobs.js';
import { cellText, detectFormat, openTable, previewTableFile, readRows, visibleSheets, type RawRow, type Table } from '../core/table-files.js';
import { checkFigures, type Figure } from './aggregate.js';
import { isHxlRow, readFiveWRow, recogniseColumns, type FiveWField, type FiveWRow } from './five-w.js';
import { orgTypeOfText, PlaceResolver, rowFigures, rowMonth, type KnownUnit, type ResolvedPlace } from './five-w-rows.js';
import * as iq from './import-queries.js';
import * as q from './queries.js';
import { addOrganisation, fiveWActivity, lockedError, periodOf, storedLabels } from './service.js';
import { foldName, proposeMerges, sectorOfLabel, type MergeProposal, type OrgTypeCode, type SectorCode } from './vocabulary.js';

/** Rows per sheet: a country's monthly 5W is tens of thousands; beyond, split the file. */
export const MAX_ROWS = 200_000;
/** Findings kept in the result; beyond, counts only. */
export const MAX_FINDINGS = 2_000;
const INSERT_BATCH = 2_000;

/** Rules that keep a row out; the others are noted and the row is stored. */
export const BLOCKING_RULES = new Set([
  'organisation.missing',
  'sector.missing',
  'sector.unknown',
  'place.unknown',
  'place.otherCountry',
  'date.missing',
  'figures.partsAboveTotal',
  'figures.invalid',
]);

/** How many of a row's cells read as 5W headers: picks the header row under title rows, and the data sheet among notes and lists. */
export const fiveWHeaderScore = (cells: readonly string[]): number => Object.keys(recogniseColumns(cells, null)).length;

export type FiveWColumns = Partial<Record<FiveWField, string>>;

/** The organisations a partner reports for (its organisation-scoped assignments). */
export function ownOrganisations(principal: Principal): number[] {
  if (principal.kind !== 'user') return [];
  return principal.assignments.filter((assignment) => assignment.scope.kind === 'organisation' && assignment.verbs.includes('response.report')).map((assignment) => Number(assignment.scope.value));
}

/** What the job runs on, settled before it starts so that a wrong choice is a 4xx now, not a failed job later. */
export interface SettledImport {
  uploadId: number;
  fileName: string;
  sha256: string;
  country: string;
  right: 'any' | 'own';
  sheet: string | null;
  headerRow: number;
  columns: FiveWColumns;
  month: string | null;
  sector: string | null;
  skipRefusedRows: boolean;
}

/** The table of a sheet; no sheet named: the one that looks like 5W data, never just the first (a notes sheet). */
export async function openFiveWSheet(bytes: Uint8Array, fileName: string, sheet: string | null, headerRow: number | null): Promise<Table> {
  const format = detectFormat(bytes, fileName);
  let name = sheet;
  if (format === 'xlsx') {
    const visible = await visibleSheets(bytes);
    if (name !== null && !visible.includes(name)) throw new AppError('import.sheetNotFound', { sheet: name.slice(0, 80), sheets: visible.join(', ') });
    if (name === null) name = (await previewTableFile(bytes, fileName, { headerScore: fiveWHeaderScore })).suggestedSheet;
  }
  const table = await openTable(readRows(bytes, format, format === 'xlsx' ? name : null), { headerRow, headerScore: fiveWHeaderScore });
  if (table !== null) return table;
  if (headerRow !== null) throw new AppError('import.headerRowEmpty', { row: headerRow });
  throw new AppError('import.empty');
}

export interface Finding {
  row: number;
  rule: string;
  value: string | null;
}

export interface CreatedOrganisation {
  id: number;
  acronym: string;
  name: string;
  orgTypeCode: string;
  rows: number;
  proposals: MergeProposal[];
}

export interface FiveWImportResult {
  [key: string]: unknown;
  importId: number;
  alreadyImported: boolean;
  fileName: string;
  country: string;
  sheet: string | null;
  month: string | null;
  rowsRead: number;
  rowsStored: number;
  rowsRefused: number;
  status: 'submitted';
  /** Organisations named by the file's rows after folding (case, accents, spaces), then among the stored rows. */
  organisations: { inFile: number; afterFolding: number; known: number; created: CreatedOrganisation[] };
  places: { byLevel: Record<string, number>; byName: number; coarser: number };
  sectors: Record<string, number>;
  periods: string[];
  byRule: Record<string, number>;
  findings: Finding[];
  findingsTruncated: boolean;
  formulasUsed: number;
  hxlRowsSkipped: number;
}

interface PlannedOrganisation {
  key: string;
  acronym: string;
  name: string;
  orgTypeCode: OrgTypeCode;
  rows: number;
  id?: number;
}

interface PlannedRow {
  row: FiveWRow;
  organisation: number | PlannedOrganisation;
  implementing: number | PlannedOrganisation | null;
  donors: Array<number | PlannedOrganisation>;
  sector: SectorCode;
  place: ResolvedPlace;
  month: string;
  figures: Figure[];
}

const FIGURE_RULES: Record<string, string> = { 'response.figures.partsAboveTotal': 'figures.partsAboveTotal' };
const READER_RULES: Record<string, string> = { 'date:dateStart': 'date.unreadable', 'date:dateEnd': 'date.unreadable', 'sector:unknown': '' };

function readerRule(finding: string): string {
  if (finding in READER_RULES) return READER_RULES[finding]!;
  if (finding.startsWith('errorCell:')) return 'cell.error';
  if (finding.startsWith('pcode:')) return 'pcode.unreadable';
  if (finding.endsWith(':invalid')) return 'figures.unreadable';
  return finding;
}

export type LoadUnits = (db: Queryable, country: string) => Promise<KnownUnit[]>;

/** Runs a claimed import job to its end: succeeded with its result, or failed with nothing stored. */
export async function runFiveWImport(db: Queryable, jobId: number, settled: SettledImport, bytes: Uint8Array, actor: Actor, loadUnits: LoadUnits): Promise<void> {
  try {
    const sheetKey = settled.sheet ?? '';
    const same = await iq.sameImport(db, { country: settled.country, sha256: settled.sha256, sheetKey });
    if (same !== undefined) {
      await jobs.finishJob(db, jobId, { ...same.result, importId: same.id, alreadyImported: true });
      return;
    }
    const resolver = new PlaceResolver(settled.country, await loadUnits(db, settled.country));
    const labels = await storedLabels(db);
    const known = await q.organisations(db);
    const byKey = new Map<string, number>();
    for (const organisation of known) {
      for (const text of [organisation.acronym, organisation.name, ...organisation.aliases]) if (!byKey.has(foldName(text))) byKey.set(foldName(text), organisation.id);
    }
    const own = ownOrganisations(actor.principal);
    const planned = new Map<string, PlannedOrganisation>();
    const findings: Finding[] = [];
    const byRule: Record<string, number> = {};
    let findingsTruncated = false;
    const note = (row: number, rule: string, value: string | null = null): void => {
      byRule[rule] = (byRule[rule] ?? 0) + 1;
      if (findings.length < MAX_FINDINGS) findings.push({ row, rule, value: value === null ? null : value.slice(0, 120) });
      else findingsTruncated = true;
    };

    const organisationOf = (text: string, name: string | null, type: string | null, create: boolean): number | PlannedOrganisation | null => {
      const keys = [foldName(text), ...(name === null ? [] : [foldName(name)])];
      for (const key of keys) {
        const id = byKey.get(key);
        if (id !== undefined) return id;
        const plan = planned.get(key);
        if (plan !== undefined) return plan;
      }
      if (!create) return null;
      const acronym = text.slice(0, 40).trim();
      const fresh: PlannedOrganisation = { key: foldName(acronym), acronym, name: (name ?? text).slice(0, 300), orgTypeCode: orgTypeOfText(type), rows: 0 };
      for (const key of new Set([...keys, fresh.key, foldName(fresh.name)])) planned.set(key, fresh);
      return fresh;
    };

    const table = await openFiveWSheet(bytes, settled.fileName, settled.sheet, settled.headerRow);
    const index = new Map(table.headers.map((header, at) => [header, at]));
    const mapped = new Set(Object.values(settled.columns).map((header) => index.get(header)));
    const plannedRows: PlannedRow[] = [];
    let rowsRead = 0;
    let formulasUsed = 0;
    let hxlRowsSkipped = 0;
    const namedInFile = new Set<string>();
    await jobs.reportProgress(db, jobId, 'reading', 0, null);
    for await (const batch of table.rows) {
      // The rows are the reader's own (RawRow): they say which cells held a formula.
      for (const raw of batch as RawRow[]) {
        rowsRead += 1;
        if (rowsRead > MAX_ROWS) throw new AppError('response.import.tooManyRows', { limit: MAX_ROWS });
        for (const at of raw.formulas ?? []) {
          if (!mapped.has(at)) continue;
          // Liptako never computes a formula: its saved result is used, and without one the file is refused.
          if (raw.cells[at] === null) throw new AppError('response.import.formulaWithoutValue', { row: raw.row, column: table.headers[at] ?? String(at + 1) });
          formulasUsed += 1;
        }
        // A second, partial HXL row under the first (templates copied into templates): not data.
        if (isHxlRow(raw.cells.map(cellText))) {
          hxlRowsSkipped += 1;
          rowsRead -= 1;
          continue;
        }
        const row = readFiveWRow(settled.columns, raw.row, (header) => cellText(raw.cells[index.get(header) ?? -1]));
        if (row.organisation !== null) namedInFile.add(foldName(row.organisation));
        for (const finding of row.findings) {
          const rule = readerRule(finding);
          if (rule !== '') note(row.row, rule);
        }
        const blocked: string[] = [];
        const block = (rule: string, value: string | null = null): void => {
          blocked.push(rule);
          note(row.row, rule, value);
        };
        // Organisation: a partner's rows are its own organisation's, or the file is refused.
        let organisation: number | PlannedOrganisation | null = null;
        if (settled.right === 'own') {
          const named = row.organisation === null ? own[0]! : organisationOf(row.organisation, row.organisationName, null, false);
          if (typeof named !== 'number' || !own.includes(named)) {
            const ownRow = known.find((candidate) => candidate.id === own[0]);
            throw new AppError('response.import.otherOrganisation', { row: row.row, name: (row.organisation ?? '').slice(0, 100), own: ownRow?.acronym ?? String(own[0]) });
          }
          organisation = named;
        } else if (row.organisation === null) block('organisation.missing');
        else organisation = organisationOf(row.organisation, row.organisationName, row.organisationType, true);
        const partner = (text: string | null): number | PlannedOrganisation | null => {
          if (text === null) return null;
          const found = organisationOf(text, null, null, false);
          if (found === null) note(row.row, 'organisation.partnerUnknown', text);
          return found;
        };
        const implementing = partner(row.implementing);
        const donors = (row.donor ?? '').split(/[,;/]/).map((text) => text.trim()).filter((text) => text !== '').map(partner).filter((donor): donor is number | PlannedOrganisation => donor !== null);
        // Sector: the file's label (built in or confirmed by a person), or the one chosen for a file without the column.
        let sector: string | null = settled.sector;
        if (row.sectorLabel !== null) {
          sector = sectorOfLabel(row.sectorLabel, labels);
          if (sector === null) block('sector.unknown', row.sectorLabel);
        } else if (settled.sector === null) block('sector.missing');
        const located = resolver.resolve(row);
        const place = 'place' in located ? located.place : null;
        if (!('place' in located)) block(located.problem, row.pcode ?? [row.names.admin1, row.names.admin2, row.names.admin3].filter((name) => name !== null).join(' / '));
        else if (located.place.coarser) note(row.row, 'place.coarser', row.pcode ?? row.names.admin3 ?? row.names.admin2);
        const month = rowMonth(row, settled.month);
        if (month === null) block('date.missing');
        const figures = rowFigures(row);
        const problems = checkFigures(figures, 'people');
        if (problems.length > 0) block(FIGURE_RULES[problems[0]!.code] ?? 'figures.invalid');
        if (blocked.length > 0) continue;
        plannedRows.push({ row, organisation: organisation!, implementing, donors, sector: sector as SectorCode, place: place!, month: month!, figures });
      }
      await jobs.reportProgress(db, jobId, 'reading', rowsRead, null);
    }
    if (rowsRead === 0) throw new AppError('import.empty');
    const refused = rowsRead - plannedRows.length;
    const blockingRules = Object.entries(byRule).filter(([rule]) => BLOCKING_RULES.has(rule));
    const rulesText = blockingRules.map(([rule, count]) => `${rule} ×${count}`).join(', ') || '—';
    const details = { byRule, findings: findings.filter((finding) => BLOCKING_RULES.has(finding.rule)).slice(0, 200) };
    if (plannedRows.length === 0) throw new AppError('response.import.noRows', { rows: rowsRead, rules: rulesText }, { details });
    if (refused > 0 && !settled.skipRefusedRows) throw new AppError('response.import.refusedRows', { count: refused, rows: rowsRead, rules: rulesText }, { details });
    await jobs.reportProgress(db, jobId, 'storing', 0, plannedRows.length);

    const result = await audited(
      db,
      actor,
      async (tx) => {
        const created: CreatedOrganisation[] = [];
        const idOf = (organisation: number | PlannedOrganisation): number => (typeof organisation === 'number' ? organisation : organisation.id!);
        for (const planRow of plannedRows) if (typeof planRow.organisation !== 'number') planRow.organisation.rows += 1;
        for (const organisation of new Set(planned.values())) {
          if (organisation.rows === 0) continue;
          organisation.id = await addOrganisation(tx, actor, { acronym: organisation.acronym, name: organisation.name, orgTypeCode: organisation.orgTypeCode });
          created.push({
            id: organisation.id,
            acronym: organisation.acronym,
            name: organisation.name,
            orgTypeCode: organisation.orgTypeCode,
            rows: organisation.rows,
            proposals: proposeMerges({ acronym: organisation.acronym, name: organisation.name }, known).slice(0, 3),
          });
        }
        // Partners named only as implementing partner or donor and created for no row of their own are left out.
        const linked = (organisation: number | PlannedOrganisation | null): number | null => (organisation === null ? null : typeof organisation === 'number' ? organisation : organisation.id ?? null);
        const periods = new Map<string, number>();
        for (const month of [...new Set(plannedRows.map((planRow) => planRow.month))].sort()) {
          const period = await periodOf(tx, settled.country, month);
          if (period.status === 'locked') throw lockedError(period);
          if (period.status === 'closed' && settled.right === 'own') throw new AppError('response.period.closed', { period: period.month, country: period.country });
          periods.set(month, period.id);
        }
        const activities = new Map<string, number>();
        for (const sector of new Set(plannedRows.map((planRow) => planRow.sector))) activities.set(sector, await fiveWActivity(tx, sector));
        const importId = await iq.insertImport(tx, {
          uploadId: settled.uploadId,
          jobId,
          country: settled.country,
          sha256: settled.sha256,
          fileName: settled.fileName,
          sheetKey,
          month: settled.month,
          rowsRead,
          by: actorName(actor),
        });
        let stored = 0;
        for (let start = 0; start < plannedRows.length; start += INSERT_BATCH) {
          const reports = plannedRows.slice(start, start + INSERT_BATCH).map((planRow): iq.ImportedReport => ({
            import_row: planRow.row.row,
            period_id: periods.get(planRow.month)!,
            reporting_org_id: idOf(planRow.organisation),
            implementing_org_id: linked(planRow.implementing),
            donor_org_ids: [...new Set(planRow.donors.map(linked).filter((id): id is number => id !== null))],
            sector_code: planRow.sector,
            activity_id: activities.get(planRow.sector)!,
            location_level: planRow.place.level,
            admin1: planRow.place.admin1,
            admin2: planRow.place.admin2,
            admin3: planRow.place.admin3,
            geography_version: planRow.place.geographyVersion,
            provider_admin1_name: planRow.row.names.admin1?.slice(0, 200) ?? null,
            provider_admin2_name: planRow.row.names.admin2?.slice(0, 200) ?? null,
            provider_location_name: (planRow.row.names.admin3 ?? planRow.row.pcode)?.slice(0, 200) ?? null,
            provider_activity_name: planRow.row.activity?.slice(0, 500) ?? null,
            figures: planRow.figures,
          }));
          stored += await iq.insertImportedReports(tx, importId, settled.country, actorName(actor), reports);
        }
        const byLevel: Record<string, number> = {};
        const sectors: Record<string, number> = {};
        for (const planRow of plannedRows) {
          byLevel[`admin${planRow.place.level}`] = (byLevel[`admin${planRow.place.level}`] ?? 0) + 1;
          sectors[planRow.sector] = (sectors[planRow.sector] ?? 0) + 1;
        }
        const outcome: FiveWImportResult = {
          importId,
          alreadyImported: false,
          fileName: settled.fileName,
          country: settled.country,
          sheet: settled.sheet,
          month: settled.month,
          rowsRead,
          rowsStored: stored,
          rowsRefused: refused,
          status: 'submitted',
          organisations: {
            inFile: namedInFile.size,
            afterFolding: new Set(plannedRows.map((planRow) => idOf(planRow.organisation))).size,
            known: new Set(plannedRows.filter((planRow) => typeof planRow.organisation === 'number').map((planRow) => planRow.organisation)).size,
            created,
          },
          places: { byLevel, byName: plannedRows.filter((planRow) => planRow.place.byName).length, coarser: plannedRows.filter((planRow) => planRow.place.coarser).length },
          sectors,
          periods: [...periods.keys()],
          byRule,
          findings,
          findingsTruncated,
          formulasUsed,
          hxlRowsSkipped,
        };
        await iq.finishImport(tx, importId, stored, outcome);
        await jobs.finishJob(tx, jobId, outcome);
        return outcome;
      },
      (outcome) => ({
        action: 'response.import',
        objectType: 'response-import',
        objectId: outcome.importId,
        summary: { file: outcome.fileName.slice(0, 255), country: outcome.country, job: jobId, rowsRead: outcome.rowsRead, rowsStored: outcome.rowsStored, organisationsCreated: outcome.organisations.created.length },
      }),
    );
    void result;
  } catch (error) {
    await jobs.failJob(db, jobId, error).catch(() => undefined);
    throw error;
  }
}

