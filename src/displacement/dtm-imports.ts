/**
 * Step 3 of a DTM import: the import job (stage batches, validate each row, swap into the round in
 * one final transaction), its retry, recovery after a crash, and the jobs as the caller may see
 * them. Steps 1 and 2 (upload, mapping): dtm-uploads.ts; review and publication: service.ts.
 */
import { actorName, audited, type Actor } from '../access/audit.js';
import { can, type Principal } from '../access/verbs.js';
import { withoutWaitLimit, type Queryable } from '../core/db.js';
import { AppError } from '../core/errors.js';
import * as jobs from '../core/jobs.js';
import * as files from '../core/file-uploads.js';
import { versionKeys, withVersions } from '../core/versions.js';
import { bboxOf, containsPoint, type AreaGeometry } from '../geo/rings.js';
import { headerScore, mappingProblems, suggestMapping, templateKey, type ColumnMapping } from './fields.js';
import * as q from './queries.js';
import * as staging from './staging-queries.js';
import { cellText, detectFormat, openTable, previewTableFile, readRows, visibleSheets } from '../core/table-files.js';
import { columnIndex, RULES, sameRowDuplicates, validateRow, type Finding, type RoundRules, type StagedFigure } from './validate.js';
import { authoriseOperation } from './service.js';
import { BATCH, IMPORT_JOB, MAX_ROWS, MAX_STORED_FINDINGS, nameIndexes, usableUpload } from './dtm-uploads.js';

// ---- import ---------------------------------------------------------------------------------------------

export interface ImportTarget {
  operation: string;
  roundNumber: number;
  assessmentType: 'BA' | 'SA';
  referenceDate: string;
  collectionStart?: string | null;
  collectionEnd?: string | null;
  sheet?: string | null;
  /** The header row the user chose (1-based); found from the headers and the HXL row otherwise. */
  headerRow?: number | null;
  /** The confirmed mapping; saved for the file's template so next round's file needs no confirmation. */
  mapping?: ColumnMapping;
}

export interface ImportResult {
  [key: string]: unknown;
  importId: number | null;
  roundId: number;
  operation: string;
  roundNumber: number;
  assessmentType: 'BA' | 'SA';
  fileName: string;
  alreadyImported: boolean;
  rowsRead: number;
  rowsStored: number;
  errors: number;
  warnings: number;
  byRule: Record<string, number>;
  findingsTruncated: boolean;
  /** null when the country has no admin2 boundaries: coordinates were not checked (absent on a repeat import). */
  boundaryCheck?: BoundaryCheck | null;
  /** Figures stored per population group: a row may carry several groups. */
  figuresByGroup?: Record<string, { figures: number; individuals: number }>;
  /** Columns of the file left unmapped, with how many non-empty values each held. */
  unmappedColumns?: Array<{ column: string; filled: number }>;
}

export type ProgressListener = (phase: 'reading' | 'storing' | 'checking', done: number, total: number | null) => void;

export interface StartImportOptions {
  /** Who imports: the scope is theirs, and the job, the import and the round are recorded under their name. */
  actor: Actor;
  /** true for HTTP: the job runs after the response; false for the CLI and tests: it is awaited. */
  background: boolean;
  onProgress?: ProgressListener;
  /** Called when a background job ends badly (logging). */
  onBackgroundError?: (error: unknown) => void;
  /** The job this one runs again (set by retryImport). */
  retryOf?: number;
}

function checkTarget(target: ImportTarget): void {
  if (target.collectionStart && target.collectionEnd && target.collectionEnd < target.collectionStart) {
    throw new AppError('dtm.round.badPeriod', { start: target.collectionStart, end: target.collectionEnd });
  }
}

/** Step 2: starts the import of an upload into a round, as a job. */
export async function startImport(db: Queryable, uploadId: number, target: ImportTarget, options: StartImportOptions): Promise<jobs.JobView> {
  checkTarget(target);
  const operation = await authoriseOperation(db, target.operation, options.actor.principal, 'dtm.import');
  const { upload } = await usableUpload(db, uploadId, options.actor);
  // A file sent for one operation is not imported into another (another country's, above all).
  if (upload.operation_id !== null && upload.operation_id !== operation.id) throw new AppError('dtm.upload.notFound', { id: uploadId });
  const existing = await q.findRound(db, operation.id, target.roundNumber, target.assessmentType);
  if (existing !== undefined && existing.status !== 'draft') {
    throw new AppError('dtm.round.notDraft', { number: existing.number, type: existing.assessment_type, operation: operation.name, status: existing.status });
  }
  // The mapping is settled before the job starts, so a wrong one is a 422 now, not a failed job later.
  const table = await openSheet(db, upload, target.sheet ?? null, target.headerRow ?? null);
  await table.rows.return(undefined);
  const mapping = await settleMapping(db, operation.country, table.headers, table.hxl, target.mapping, operation.age_ranges);
  // The sheet and header row are settled too, so the job reads exactly what the user saw.
  const settled = { ...target, mapping, sheet: table.sheet === 'CSV' ? null : table.sheet, headerRow: table.headerRow };
  const input = { uploadId, target: settled, fileName: upload.file_name };
  const by = actorName(options.actor);
  const jobId = await audited(
    db,
    options.actor,
    async (tx) => {
      const id = await jobs.createJob(tx, IMPORT_JOB, input, by);
      if (target.mapping !== undefined) await q.saveColumnMap(tx, operation.country, templateKey(table.headers), table.headers, mapping, by);
      return id;
    },
    (id) => ({
      action: options.retryOf === undefined ? 'dtm.import.start' : 'dtm.import.retry',
      objectType: 'dtm-import-job',
      objectId: id,
      summary: { upload: uploadId, operation: operation.code, round: target.roundNumber, type: target.assessmentType, ...(options.retryOf === undefined ? {} : { retryOf: options.retryOf }) },
    }),
  );
  // Claimed before it runs: of several processes on one database, only one ever runs a job.
  if (!(await jobs.claimJob(db, jobId))) return (await jobs.getJob(db, jobId))!;
  // The job outlives the request that started it: its statements wait for their turn as long as
  // it takes, and its heartbeat tells the other processes it is alive.
  const work = withoutWaitLimit(() => jobs.withHeartbeat(db, jobId, () => runImport(db, jobId, upload, operation, settled, options)));
  if (options.background) {
    work.catch((error: unknown) => options.onBackgroundError?.(error));
  } else {
    await work;
  }
  return (await jobs.getJob(db, jobId))!;
}

/** Runs a failed or interrupted import job again, from its kept upload. */
export async function retryImport(db: Queryable, jobId: number, options: StartImportOptions): Promise<jobs.JobView> {
  const job = await jobs.getJob(db, jobId);
  if (job === undefined || job.kind !== IMPORT_JOB || !(await jobInScope(db, options.actor.principal, job))) throw new AppError('dtm.job.notFound', { id: jobId });
  if (job.status !== 'failed' && job.status !== 'interrupted') throw new AppError('dtm.job.notRetryable', { id: jobId, status: job.status });
  const input = job.input as { uploadId: number; target: ImportTarget };
  return startImport(db, input.uploadId, input.target, { ...options, retryOf: jobId });
}

/**
 * The chosen sheet of an upload, its rows read as they are needed: a CSV part by part from the
 * database (a million-row file is never one buffer), a workbook whole (a zip is read from its end).
 */
async function openSheet(db: Queryable, upload: q.UploadRow, sheet: string | null, headerRow: number | null) {
  const fileName = upload.file_name;
  const format = detectFormat(await files.fileUploadHead(db, upload), fileName);
  if (format === 'csv') {
    const table = await openTable(readRows(files.fileUploadPieces(db, upload), format), { headerRow, headerScore });
    if (table !== null) return table;
    if (headerRow !== null) throw new AppError('import.headerRowEmpty', { row: headerRow });
    throw new AppError('import.empty');
  }
  const bytes = await files.fileUploadBytes(db, upload);
  const visible = await visibleSheets(bytes);
  if (sheet !== null && !visible.includes(sheet)) throw new AppError('import.sheetNotFound', { sheet: sheet.slice(0, 80), sheets: visible.join(', ') });
  // No sheet named: the one that looks like the data, never just the first (a "read me" sheet).
  const name = sheet ?? (await previewTableFile(bytes, fileName, { headerScore })).suggestedSheet;
  const table = await openTable(readRows(bytes, format, name), { headerRow, headerScore });
  if (table === null) {
    if (headerRow !== null) throw new AppError('import.headerRowEmpty', { row: headerRow });
    const preview = await previewTableFile(bytes, fileName, { headerScore });
    throw new AppError('import.sheetNotFound', { sheet: name.slice(0, 80), sheets: preview.sheets.map((s) => s.name).join(', ') });
  }
  return table;
}

async function settleMapping(
  db: Queryable,
  country: string,
  headers: readonly string[],
  hxl: readonly string[] | null,
  given: ColumnMapping | undefined,
  ageRanges: readonly string[],
): Promise<ColumnMapping> {
  const mapping = given ?? (await q.columnMapOf(db, country, templateKey(headers))) ?? suggestMapping(headers, hxl, ageRanges);
  const problems = mappingProblems(mapping, headers);
  if (problems.unknownHeaders.length > 0) throw new AppError('dtm.import.mappingUnknownHeader', { headers: problems.unknownHeaders.slice(0, 10).join(', ') });
  if (problems.missing.length > 0 || problems.duplicated.length > 0) {
    throw new AppError(
      given === undefined ? 'dtm.import.mappingUnconfirmed' : 'dtm.import.mappingIncomplete',
      {
        missing: problems.missing.join(', ') || '—',
        duplicated: problems.duplicated.length > 0 ? `(${problems.duplicated.join(', ')} ×2)` : '',
        unmapped: headers.filter((header) => !mapping[header]).slice(0, 20).join(', ') || '—',
      },
      { details: { mapping, missing: problems.missing, duplicated: problems.duplicated } },
    );
  }
  // Headers absent from the mapping are ignored columns.
  return Object.fromEntries(headers.map((header) => [header, mapping[header] ?? null]));
}

/** What the "coordinates outside the admin unit" check could rely on, for the import report. */
export interface BoundaryCheck {
  /** Start of the boundary version used (YYYY-MM-DD): the latest start among its units. */
  version: string;
  /** The round is dated before the geography's first version: its earliest boundaries stood in, as for units. */
  earliestVersion: boolean;
  /** Admin2 units with a boundary. */
  boundaries: number;
  /** Rows with coordinates checked against their admin2 boundary. */
  checked: number;
  /** Rows with coordinates whose admin2 has no boundary: not checked. */
  unchecked: number;
}

async function roundRules(db: Queryable, operation: q.OperationRow, target: ImportTarget): Promise<{ rules: RoundRules; boundaryCheck: BoundaryCheck | null }> {
  const { units, ...names } = await nameIndexes(db, operation.country, target.referenceDate);
  // Rings are tested in the plane with the even-odd rule, so files of either orientation (and
  // geometries stored before rings were normalised) give the same answer; see geo/rings.ts.
  const shapes = new Map<string, { geometry: AreaGeometry; bbox: [number, number, number, number] }>();
  let boundaryCheck: BoundaryCheck | null = null;
  for (const row of await q.boundariesOfCountry(db, operation.country, 2, target.referenceDate)) {
    if (row.geometry.type !== 'Polygon' && row.geometry.type !== 'MultiPolygon') continue;
    shapes.set(row.pcode, { geometry: row.geometry, bbox: bboxOf(row.geometry) });
    boundaryCheck ??= { version: row.valid_from, earliestVersion: row.earliest, boundaries: 0, checked: 0, unchecked: 0 };
    if (row.valid_from > boundaryCheck.version) boundaryCheck.version = row.valid_from;
  }
  if (boundaryCheck !== null) boundaryCheck.boundaries = shapes.size;
  const check = boundaryCheck;
  const rules: RoundRules = {
    country: operation.country,
    assessmentType: target.assessmentType,
    ageRanges: operation.age_ranges,
    householdSizeMin: Number(operation.household_size_min),
    householdSizeMax: Number(operation.household_size_max),
    collectionStart: target.collectionStart ?? null,
    collectionEnd: target.collectionEnd ?? null,
    units,
    names,
    insideAdmin2:
      check === null
        ? null
        : (admin2, longitude, latitude) => {
            const shape = shapes.get(admin2);
            if (shape === undefined) {
              check.unchecked += 1;
              return null;
            }
            check.checked += 1;
            const [west, south, east, north] = shape.bbox;
            if (longitude < west || longitude > east || latitude < south || latitude > north) return false;
            return containsPoint(shape.geometry, longitude, latitude);
          },
  };
  return { rules, boundaryCheck };
}

async function runImport(
  db: Queryable,
  jobId: number,
  upload: q.UploadRow,
  operation: q.OperationRow,
  target: ImportTarget & { mapping: ColumnMapping },
  options: StartImportOptions,
): Promise<void> {
  // The staging COPY still running, if any (set once rows are read).
  let stagingInFlight = (): Promise<void> => Promise.resolve();
  try {
    const existing = await q.findRound(db, operation.id, target.roundNumber, target.assessmentType);
    // An import is the file, the round and the way the file is read: a corrected mapping (or sheet,
    // or header row) is a new import that replaces the draft's figures and findings.
    const same =
      existing === undefined
        ? undefined
        : await q.sameImport(db, existing.id, { sha256: upload.sha256, sheet: target.sheet ?? null, headerRow: target.headerRow ?? 1, mapping: target.mapping });
    if (existing !== undefined && same !== undefined) {
      const result: ImportResult = {
        importId: same.id,
        roundId: existing.id,
        operation: operation.code,
        roundNumber: existing.number,
        assessmentType: existing.assessment_type,
        fileName: same.file_name,
        alreadyImported: true,
        rowsRead: same.rows_read,
        rowsStored: same.rows_stored,
        errors: same.errors,
        warnings: same.warnings,
        byRule: {},
        findingsTruncated: false,
      };
      await jobs.finishJob(db, jobId, result);
      return;
    }

    const { rules, boundaryCheck } = await roundRules(db, operation, target);
    const table = await openSheet(db, upload, target.sheet ?? null, target.headerRow ?? null);
    const columns = columnIndex(table.headers, target.mapping);
    // Nothing in a mapped file is dropped silently: each column left unmapped is counted and reported.
    const unmapped = table.headers.flatMap((header, index) => (target.mapping[header] ? [] : [{ column: header, index, filled: 0 }]));
    const locationHeader = columns.locationCode?.header ?? columns.admin2Pcode?.header ?? null;
    // Rows are staged between statements, outside any transaction (docs/scaling.md).
    const stage = staging.sharedStage(jobId);
    const findings: Finding[] = [];
    const byRule: Record<string, number> = {};
    let findingsTruncated = false;
    const note = (issue: Finding): void => {
      byRule[issue.rule] = (byRule[issue.rule] ?? 0) + 1;
      if (findings.length < MAX_STORED_FINDINGS) findings.push(issue);
      else findingsTruncated = true;
    };
    let batch: StagedFigure[] = [];
    let rowsRead = 0;
    let staged = 0;
    const progress = async (phase: 'reading' | 'storing' | 'checking', done: number): Promise<void> => {
      options.onProgress?.(phase, done, phase === 'reading' ? null : staged);
      await jobs.reportProgress(db, jobId, phase, done, phase === 'reading' ? null : staged);
    };
    await progress('reading', 0);
    // The COPY of a batch runs while the next one is read and validated (the database and
    // JavaScript each have a core); it is awaited before the next COPY, and before the stage is
    // cleared when the import fails, so no batch lands after that.
    let sending: Promise<void> = Promise.resolve();
    stagingInFlight = () => sending;
    for await (const rows of table.rows) {
      for (const row of rows) {
        rowsRead += 1;
        if (rowsRead > MAX_ROWS) throw new AppError('dtm.import.tooManyRows', { limit: MAX_ROWS });
        const { figures, findings: rowFindings } = validateRow(row, columns, rules);
        rowFindings.forEach(note);
        if (figures.length > 1) sameRowDuplicates(figures, locationHeader).forEach(note);
        for (const figure of figures) batch.push(figure);
        for (const column of unmapped) if (cellText(row.cells[column.index]).trim() !== '') column.filled += 1;
      }
      if (batch.length >= BATCH) {
        await sending;
        await progress('reading', rowsRead);
        sending = staging.stageFigures(db, stage, batch);
        // Its failure is met at the next await of it; until then it must not count as unhandled.
        sending.catch(() => undefined);
        staged += batch.length;
        batch = [];
      }
    }
    await sending;
    await staging.stageFigures(db, stage, batch);
    staged += batch.length;
    if (rowsRead === 0) throw new AppError('import.empty');
    if (staged === 0) throw new AppError('dtm.import.noValidRows', { rows: rowsRead, errors: countOf(byRule, 'error') }, { details: { byRule, findings: findings.slice(0, 200) } });
    await progress('storing', 0);
    // The swap joins the staged rows to the locations: with the staged rows' statistics the
    // planner sees hundreds of thousands of rows, not the few of an empty table, and hashes.
    await staging.analyzeStage(db, stage);

    const result = await withVersions((bump) => audited(db, options.actor, async (tx) => {
      await staging.sortInMemory(tx);
      let round = await q.findRound(tx, operation.id, target.roundNumber, target.assessmentType, true);
      const values: q.RoundValues = {
        operationId: operation.id,
        number: target.roundNumber,
        assessmentType: target.assessmentType,
        referenceDate: target.referenceDate,
        collectionStart: target.collectionStart ?? null,
        collectionEnd: target.collectionEnd ?? null,
        actor: actorName(options.actor),
      };
      if (round === undefined) round = await q.insertRound(tx, values);
      else {
        if (round.status !== 'draft') {
          throw new AppError('dtm.round.notDraft', { number: round.number, type: round.assessment_type, operation: operation.name, status: round.status });
        }
        await q.updateRoundDates(tx, round, values);
        await q.clearRound(tx, operation.id, round.id);
      }
      const importId = await q.insertImport(tx, {
        operationId: operation.id,
        roundId: round.id,
        jobId,
        uploadId: upload.id,
        sheet: table.sheet === 'CSV' ? null : table.sheet,
        headerRow: table.headerRow,
        mapping: target.mapping,
        rowsRead,
        actor: actorName(options.actor),
      });
      // Rows repeating an earlier row's location and group leave the stage before anything is written from it.
      const room = MAX_STORED_FINDINGS - findings.length;
      const duplicates = await staging.removeDuplicateLocations(tx, stage, { operationId: operation.id, roundId: round.id, importId, column: locationHeader, room });
      if (duplicates > 0) byRule.duplicateLocation = (byRule.duplicateLocation ?? 0) + duplicates;
      if (duplicates > room) findingsTruncated = true;
      await staging.upsertLocationsFromStage(tx, operation.id, stage);
      const stored = await staging.insertFiguresFromStage(tx, operation.id, round.id, importId, stage);
      options.onProgress?.('checking', stored, stored);
      await staging.insertFindings(tx, operation.id, round.id, importId, findings);
      const previous = await q.previousRound(tx, round);
      if (previous !== undefined) {
        const changes = await staging.flagChangesVsPrevious(tx, {
          operationId: operation.id,
          roundId: round.id,
          importId,
          previousRoundId: previous.id,
          previousNumber: previous.number,
          pct: Number(operation.change_threshold_pct),
          people: operation.change_threshold_people,
          column: columns.individuals?.header ?? null,
        });
        if (changes > 0) byRule.changeVsPrevious = changes;
      }
      await q.rebuildSummary(tx, operation.id, round.id);
      // The operations list counts rounds of every status. Bumped last: the row stays locked until commit.
      await bump(tx, [versionKeys.dtmRounds]);
      const errors = countOf(byRule, 'error');
      const warnings = countOf(byRule, 'warning');
      await q.finishImport(tx, operation.id, importId, { stored, errors, warnings });
      await staging.dropStage(tx, stage);
      const outcome: ImportResult = {
        importId,
        roundId: round.id,
        operation: operation.code,
        roundNumber: round.number,
        assessmentType: round.assessment_type,
        fileName: upload.file_name,
        alreadyImported: false,
        rowsRead,
        rowsStored: stored,
        errors,
        warnings,
        byRule,
        findingsTruncated,
        boundaryCheck,
        figuresByGroup: await q.figuresByGroup(tx, operation.id, round.id),
        unmappedColumns: unmapped.map(({ column, filled }) => ({ column, filled })),
      };
      await jobs.finishJob(tx, jobId, outcome);
      return outcome;
    }, (outcome) => ({
      action: 'dtm.round.import',
      objectType: 'dtm-round',
      objectId: outcome.roundId,
      summary: { operation: outcome.operation, number: outcome.roundNumber, type: outcome.assessmentType, job: jobId, import: outcome.importId, rowsStored: outcome.rowsStored, errors: outcome.errors, warnings: outcome.warnings },
    })));
    options.onProgress?.('checking', result.rowsStored, result.rowsStored);
  } catch (error) {
    await stagingInFlight().catch(() => undefined);
    await staging.clearStage(db, [jobId]).catch(() => undefined);
    await jobs.failJob(db, jobId, error).catch(() => undefined);
    throw error;
  }
}

/** Findings of one severity, from the counts by rule. */
function countOf(byRule: Record<string, number>, severity: 'error' | 'warning'): number {
  return Object.entries(byRule).reduce((sum, [rule, count]) => sum + (RULES[rule as keyof typeof RULES] === severity ? count : 0), 0);
}

/** At start-up: imports cut short by a crash are marked interrupted and their staged rows swept. */
export async function recoverInterruptedImports(db: Queryable): Promise<number[]> {
  const ids = await jobs.markInterruptedJobs(db);
  await staging.clearStage(db, ids);
  return ids;
}

/** Findings a job carries when it failed on them (raw cells of the file): how many. */
function findingsIn(job: jobs.JobView): number {
  const details = job.error?.details as { findings?: unknown } | undefined;
  return Array.isArray(details?.findings) ? details.findings.length : 0;
}

/**
 * An import job, as the web app polls it. Polls of a running job are not audited (they carry
 * counts only); a job that failed on its findings returns cells of the file, and that read is.
 */
export async function importJob(db: Queryable, actor: Actor, id: number): Promise<jobs.JobView> {
  const job = await jobs.getJob(db, id);
  if (job === undefined || job.kind !== IMPORT_JOB || !(await jobInScope(db, actor.principal, job))) throw new AppError('dtm.job.notFound', { id });
  const findings = findingsIn(job);
  if (findings === 0) return job;
  return audited(db, actor, () => Promise.resolve(job), () => ({ action: 'dtm.findings.read', objectType: 'dtm-import-job', objectId: id, summary: { findings } }));
}

/**
 * What the server log keeps of a failed import: the catalogue code, its parameters and how many
 * findings it carried, never the findings themselves (cells of the file, which the log's readers
 * may not be allowed to see).
 */
export function importFailureForLog(error: unknown): Record<string, unknown> {
  if (error instanceof AppError) {
    const findings = (error.details as { findings?: unknown } | undefined)?.findings;
    return { code: error.code, params: error.params, findings: Array.isArray(findings) ? findings.length : 0 };
  }
  // An unexpected error's message can quote a cell (a database error on a value): its name and
  // SQLSTATE only; the job row keeps the reference the user is given.
  const sqlstate = (error as { code?: unknown } | null)?.code;
  return { error: error instanceof Error ? error.name : typeof error, ...(typeof sqlstate === 'string' ? { sqlstate } : {}) };
}

/** The operation an import job was started for (its input's target). */
async function operationOfJob(db: Queryable, job: jobs.JobView): Promise<q.OperationRow | undefined> {
  const code = (job.input as { target?: { operation?: unknown } }).target?.operation;
  return typeof code === 'string' ? q.operationByCode(db, code) : undefined;
}

/** May this principal see (and retry) the job: may they import into its operation's country? */
async function jobInScope(db: Queryable, principal: Principal, job: jobs.JobView): Promise<boolean> {
  const operation = await operationOfJob(db, job);
  return operation !== undefined && principal.kind !== 'anonymous' && can(principal, 'dtm.import', { countries: [operation.country] });
}

/** The newest import jobs this principal may see: those of the operations they may import into. */
async function jobsInScope(db: Queryable, principal: Principal, limit: number): Promise<jobs.JobView[]> {
  if (principal.kind === 'anonymous') return [];
  const codes = (await q.operations(db)).filter((operation) => can(principal, 'dtm.import', { countries: [operation.country] })).map((operation) => operation.code);
  return codes.length === 0 ? [] : jobs.listJobs(db, IMPORT_JOB, limit, { path: ['target', 'operation'], values: codes });
}

/** Recent import jobs; audited as `importJob` is, one row for the list, when any carries findings. */
export async function importJobs(db: Queryable, actor: Actor, limit: number): Promise<jobs.JobView[]> {
  const list = await jobsInScope(db, actor.principal, limit);
  const withFindings = list.filter((job) => findingsIn(job) > 0).map((job) => job.id);
  if (withFindings.length === 0) return list;
  return audited(db, actor, () => Promise.resolve(list), () => ({ action: 'dtm.findings.read', objectType: 'dtm-import-job', summary: { jobs: withFindings } }));
}
