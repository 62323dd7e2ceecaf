/**
 * The answers of the DTM routes as schemas (the OpenAPI document publishes them, the tests check
 * every answer against them): the view types of service.ts, aggregate.ts, dtm-uploads.ts and
 * dtm-imports.ts, field for field. The web app imports those types; the routes' type provider
 * holds each handler's answer to its schema, so the two cannot drift apart unnoticed.
 */
import { Type, type Static } from '@sinclair/typebox';
import { jobSchema, Nullable, oneOf, Timestamp } from '../core/http-kit.js';
import type * as jobs from '../core/jobs.js';
import { POPULATION_GROUPS, ROUND_FIELDS } from '../shared/displacement.js';

const AssessmentType = oneOf(['BA', 'SA'] as const);
const Day = Type.String({ format: 'date' });
const Count = Type.Integer({ minimum: 0 });

export const OperationSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  nameFr: Type.String(),
  country: Type.String(),
  ageRanges: Type.Array(Type.String()),
  householdSize: Type.Object({ min: Type.Number(), max: Type.Number() }),
  changeThreshold: Type.Object({ pct: Type.Number(), people: Type.Integer() }),
});

export const RoundSchema = Type.Object({
  id: Type.Integer(),
  operation: Type.String(),
  number: Type.Integer(),
  assessmentType: AssessmentType,
  referenceDate: Day,
  collectionStart: Nullable(Day),
  collectionEnd: Nullable(Day),
  status: oneOf(['draft', 'validated', 'published'] as const),
  validatedBy: Nullable(Type.String()),
  validatedAt: Nullable(Timestamp),
  publishedBy: Nullable(Type.String()),
  publishedAt: Nullable(Timestamp),
  version: Type.Integer(),
});

export const OperationSummarySchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  nameFr: Type.String(),
  country: Type.String(),
  rounds: Type.Integer({ description: 'Every round for who may see drafts, the published ones for everyone else' }),
  publishedRounds: Type.Integer(),
  latestPublished: Nullable(RoundSchema),
});

export const OperationAnswer = Type.Object({ operation: OperationSchema, rounds: Type.Array(RoundSchema), canImport: Type.Boolean() });

const Totals = Type.Object(
  Object.fromEntries(['households', 'individuals', 'females', 'males', 'f1', 'f2', 'f3', 'f4', 'f5', 'm1', 'm2', 'm3', 'm4', 'm5', 'locations'].map((measure) => [measure, Type.Number()])),
);
const Group = oneOf(POPULATION_GROUPS);

/** aggregate.ts KeyFigures. */
export const KeyFiguresSchema = Type.Object({
  operation: Type.String(),
  assessmentType: AssessmentType,
  group: Group,
  round: Nullable(RoundSchema),
  previousRound: Nullable(RoundSchema),
  totals: Nullable(Totals),
  previousTotals: Nullable(Totals),
  change: Nullable(Type.Object({ individuals: Type.Integer(), pct: Nullable(Type.Number()), households: Type.Integer() })),
  pyramid: Type.Array(Type.Object({ range: Type.String(), females: Type.Number(), males: Type.Number() })),
  groups: Type.Array(Type.Object({ group: Type.String(), individuals: Type.Number(), households: Type.Number() })),
  reasons: Type.Array(Type.Object({ reason: Type.String(), individuals: Type.Number() })),
  origins: Type.Array(Type.Object({ pcode: Type.String(), name: Nullable(Type.String()), individuals: Type.Number() })),
  availableTypes: Type.Array(AssessmentType),
});

export const AdminFiguresSchema = Type.Object({
  round: Nullable(RoundSchema),
  assessmentType: AssessmentType,
  group: Group,
  level: Type.Union([Type.Literal(1), Type.Literal(2)]),
  units: Type.Array(
    Type.Object({
      pcode: Type.String(),
      name: Nullable(Type.String()),
      parentPcode: Nullable(Type.String()),
      individuals: Type.Number(),
      households: Type.Number(),
      females: Type.Number(),
      males: Type.Number(),
      locations: Type.Number(),
      previousIndividuals: Nullable(Type.Number()),
      change: Nullable(Type.Number()),
      population: Nullable(Type.Number()),
      perThousand: Nullable(Type.Number({ description: 'Per 1,000 inhabitants, where COD-PS population is loaded' })),
    }),
  ),
});

export const TrendSchema = Type.Object({
  assessmentType: AssessmentType,
  group: Group,
  points: Type.Array(
    Type.Object({ roundId: Type.Integer(), number: Type.Integer(), referenceDate: Day, status: Type.String(), individuals: Type.Number(), households: Type.Number(), locations: Type.Number() }),
  ),
});

export const CurrentSchema = Type.Object({
  assessmentType: AssessmentType,
  units: Type.Array(
    Type.Object({ pcode: Type.String(), name: Nullable(Type.String()), roundId: Type.Integer(), roundNumber: Type.Integer(), referenceDate: Day, individuals: Type.Number(), households: Type.Number() }),
  ),
});

export const LocationsSchema = Type.Object({
  total: Type.Integer(),
  locations: Type.Array(
    Type.Object({
      id: Type.Integer(),
      code: Type.String(),
      name: Type.String(),
      locationType: Type.String(),
      settlementType: Nullable(Type.String()),
      latitude: Nullable(Type.Number()),
      longitude: Nullable(Type.Number()),
      admin2Pcode: Type.String(),
      individuals: Type.Integer(),
      households: Nullable(Type.Integer()),
      females: Nullable(Type.Integer()),
      males: Nullable(Type.Integer()),
      reason: Type.String(),
      originAdmin1Pcode: Nullable(Type.String()),
      sourceRow: Type.Integer(),
      sourceInstanceId: Nullable(Type.String({ description: 'The submission the figure came from, for a round made from a bound collection form' })),
    }),
  ),
});

const Severity = oneOf(['error', 'warning'] as const);

/** service.ts QualityReport: a round, its imports and its findings counted. */
export const QualityReportSchema = Type.Object({
  round: RoundSchema,
  imports: Type.Array(
    Type.Object({
      id: Type.Integer(),
      fileName: Type.String(),
      sha256: Type.String(),
      rowsRead: Count,
      rowsStored: Count,
      errors: Count,
      warnings: Count,
      superseded: Type.Boolean(),
      createdBy: Type.String(),
      createdAt: Timestamp,
    }),
  ),
  counts: Type.Array(Type.Object({ rule: Type.String(), severity: Severity, status: Type.String(), count: Count })),
  openErrors: Count,
  openWarnings: Count,
  canPublish: Type.Boolean(),
});

export const IssueSchema = Type.Object({
  id: Type.Integer(),
  row: Nullable(Type.Integer()),
  column: Nullable(Type.String()),
  value: Nullable(Type.String()),
  rule: Type.String(),
  severity: Severity,
  params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
  location: Nullable(Type.Object({ id: Type.Integer(), code: Nullable(Type.String()), name: Nullable(Type.String()) })),
  figureId: Nullable(Type.Integer()),
  status: oneOf(['open', 'accepted', 'fixed', 'excluded'] as const),
  decidedBy: Nullable(Type.String()),
  decidedAt: Nullable(Timestamp),
  comment: Nullable(Type.String()),
  source: Nullable(Type.Object({ instanceId: Type.String(), submissionId: Type.Integer() }, { description: 'The submission of the row, for a round made from a bound collection form' })),
  message: Type.String({ description: 'The finding in the language asked by Accept-Language' }),
});

const Mapping = Type.Record(Type.String(), Nullable(oneOf(ROUND_FIELDS)), { description: 'File header → canonical field (null: the column is not read)' });

/** dtm-uploads.ts SheetView: one sheet read from a header row, and the mapping to confirm. */
export const SheetSchema = Type.Object({
  name: Type.String(),
  headerRow: Type.Integer(),
  headers: Type.Array(Type.String()),
  hxl: Nullable(Type.Array(Type.String())),
  samples: Type.Array(Type.Array(Type.String())),
  rows: Count,
  recognised: Type.Number(),
  templateKey: Type.String(),
  mapping: Mapping,
  mappingConfirmed: Type.Boolean(),
  missing: Type.Array(oneOf(ROUND_FIELDS)),
  columns: Type.Array(
    Type.Object({
      header: Type.String(),
      filled: Count,
      readable: Type.Record(Type.String(), Count, { description: 'How many values read as each kind (count, pcode, date, settlementType, …)' }),
      names: Type.Array(Type.Object({ value: Type.String(), pcode: Nullable(Type.String()), name: Nullable(Type.String()), confidence: Type.Number(), level: Type.Integer() })),
    }),
  ),
});

export const UploadSchema = Type.Object({
  id: Type.Integer(),
  fileName: Type.String(),
  sha256: Type.String(),
  sizeBytes: Count,
  format: oneOf(['csv', 'xlsx'] as const),
  sheets: Type.Array(SheetSchema),
  suggestedSheet: Type.String(),
});

/** What an import job was started with (dtm-imports.ts startImport): the settled target. */
const ImportInput = Type.Object({
  uploadId: Type.Integer(),
  fileName: Type.String(),
  target: Type.Object({
    operation: Type.String(),
    roundNumber: Type.Integer(),
    assessmentType: AssessmentType,
    referenceDate: Day,
    collectionStart: Type.Optional(Nullable(Day)),
    collectionEnd: Type.Optional(Nullable(Day)),
    sheet: Type.Optional(Nullable(Type.String())),
    headerRow: Type.Optional(Nullable(Type.Integer())),
    mapping: Type.Optional(Mapping),
  }),
});

/** dtm-imports.ts ImportResult. */
const ImportResult = Type.Object({
  importId: Nullable(Type.Integer()),
  roundId: Type.Integer(),
  operation: Type.String(),
  roundNumber: Type.Integer(),
  assessmentType: AssessmentType,
  fileName: Type.String(),
  alreadyImported: Type.Boolean(),
  rowsRead: Count,
  rowsStored: Count,
  errors: Count,
  warnings: Count,
  byRule: Type.Record(Type.String(), Count),
  findingsTruncated: Type.Boolean(),
  boundaryCheck: Type.Optional(
    Nullable(
      Type.Object(
        { version: Day, earliestVersion: Type.Boolean(), boundaries: Count, checked: Count, unchecked: Count },
        { description: 'null when the country has no admin2 boundaries: coordinates were not checked' },
      ),
    ),
  ),
  figuresByGroup: Type.Optional(Type.Record(Type.String(), Type.Object({ figures: Count, individuals: Count }))),
  unmappedColumns: Type.Optional(Type.Array(Type.Object({ column: Type.String(), filled: Count }))),
});

export const ImportJobSchema = jobSchema(ImportInput, ImportResult);
export type ImportJob = Static<typeof ImportJobSchema>;

/**
 * An import job as the schema describes it: its input and result are the JSON startImport and
 * runImport wrote (core/jobs.ts keeps them as plain records for every kind of job).
 */
export const importJobView = (job: jobs.JobView, message: string | null): ImportJob => ({ ...job, message }) as ImportJob;
