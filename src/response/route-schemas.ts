/**
 * The answers of the 4W/5W routes as schemas (the OpenAPI document publishes them, the tests check
 * every answer against them): the view types of service.ts, reports.ts, presence.ts and
 * five-w-imports.ts, field for field. The web app imports those types; the routes' type provider
 * holds each handler's answer to its schema.
 */
import { Type, type Static } from '@sinclair/typebox';
import { jobSchema, Nullable, oneOf } from '../core/http-kit.js';
import type * as jobs from '../core/jobs.js';
import { AGES, GROUPS, MEASURES, SEXES, UNITS } from './aggregate.js';
import { FIVE_W_FIELDS } from './five-w.js';
import { SPHERE_INDICATORS } from './sphere.js';

const Count = Type.Integer({ minimum: 0 });
const Month = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$' });
const Names = Type.Object({ en: Type.String(), fr: Type.String() });
const Unit = oneOf(UNITS);

export const OrganisationSchema = Type.Object({
  id: Type.Integer(),
  acronym: Type.String(),
  name: Type.String(),
  orgTypeCode: Type.String({ description: 'HAPI organisation type code' }),
  orgTypeDescription: Type.String({ description: 'In the language asked by Accept-Language' }),
  aliases: Type.Array(Type.String(), { description: 'Other spellings a person confirmed' }),
});

/** An existing organisation that may be the one named (vocabulary.ts MergeProposal): never merged automatically. */
export const MergeProposalSchema = Type.Object({ id: Type.Integer(), acronym: Type.String(), name: Type.String(), score: Type.Number() });

export const SectorSchema = Type.Object({ code: Type.String(), name: Names, labels: Type.Array(Type.String()) });

export const ActivitySchema = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  sectorCode: Type.String(),
  name: Names,
  plan: Nullable(Type.String()),
  activityArea: Nullable(Type.String()),
  unit: Unit,
  aggregation: oneOf(['max', 'sum'] as const),
  sphereIndicator: Nullable(Type.String()),
});

export const PeriodSchema = Type.Object({
  id: Type.Integer(),
  country: Type.String(),
  month: Month,
  status: oneOf(['open', 'closed', 'locked'] as const),
  version: Type.Integer(),
});

const Figure = Type.Object({ measure: oneOf(MEASURES), group: oneOf(GROUPS), sex: oneOf(SEXES), age: oneOf(AGES), value: Type.Number() });

/** reports.ts ReportView: one 5W row as stored. */
export const ReportSchema = Type.Object({
  id: Type.Integer(),
  month: Month,
  periodStatus: Type.String(),
  country: Type.String(),
  reportingOrganisation: Type.Object({ id: Type.Integer(), acronym: Type.String() }),
  implementingOrganisationId: Nullable(Type.Integer()),
  donorOrganisationIds: Type.Array(Type.Integer()),
  sectorCode: Type.String(),
  activity: Type.String(),
  unit: Unit,
  location: Type.Object({
    level: Type.Integer(),
    admin1: Type.String(),
    admin2: Nullable(Type.String()),
    admin3: Nullable(Type.String()),
    site: Nullable(Type.String()),
    geographyVersion: Type.String(),
    providerAdmin1Name: Nullable(Type.String()),
    providerAdmin2Name: Nullable(Type.String()),
    providerLocationName: Nullable(Type.String()),
  }),
  figures: Type.Array(Figure),
  cashValueUsd: Nullable(Type.Number()),
  status: oneOf(['draft', 'submitted', 'approved', 'rejected', 'published'] as const),
  reviewComment: Nullable(Type.String()),
  version: Type.Integer(),
});

/** presence.ts Dashboard. */
export const DashboardSchema = Type.Object({
  presence: Type.Array(Type.Object({ sector: Type.String(), admin1: Type.String(), admin2: Type.String(), month: Month, organisations: Type.Array(Type.String()) })),
  reached: Type.Array(
    Type.Object({
      sector: Type.String(),
      admin2: Type.String(),
      month: Month,
      unit: Unit,
      reached: Nullable(Type.Number()),
      targeted: Nullable(Type.Number()),
      coverage: Nullable(Type.Number()),
      above100: Type.Boolean(),
      pin: Nullable(Type.Number({ description: "The HNO's people in need of this sector and admin2" })),
      pinCoverage: Nullable(Type.Number()),
      pinAbove100: Type.Boolean(),
    }),
  ),
  totals: Type.Array(
    Type.Object(
      { sector: Type.String(), unit: Unit, admin1: Nullable(Type.String()), reached: Nullable(Type.Number()), targeted: Nullable(Type.Number()) },
      { description: 'admin2 figures added up to admin1 (admin1 set) and national (admin1 null)' },
    ),
  ),
  interSector: Type.Array(Type.Object({ admin2: Type.String(), reached: Nullable(Type.Number()) }, { description: "The largest sector's figure, never the sum" })),
  gaps: Type.Array(Type.Object({ admin2: Type.String(), sector: Type.String(), caseload: Type.Number() })),
  pinGaps: Type.Array(Type.Object({ admin2: Type.String(), sector: Type.String(), pin: Type.Number() })),
  pinYear: Nullable(Type.Integer()),
  overlaps: Type.Array(Type.Object({ activity: Type.String(), place: Type.String(), month: Month, organisations: Type.Array(Type.String()) })),
  caseloadSource: Type.Array(Type.Object({ operation: Type.String(), assessmentType: Type.String(), round: Type.Integer() })),
  sphereFlags: Type.Array(
    Type.Object({
      threshold: Type.String(),
      indicator: oneOf(SPHERE_INDICATORS),
      phase: oneOf(['acute', 'after', 'all'] as const),
      label: Type.Object({ fr: Type.String(), en: Type.String() }),
      source: Type.String(),
      sector: Type.String(),
      admin2: Type.String(),
      place: Type.String(),
      month: Month,
      people: Type.Number(),
      units: Type.Number(),
      ratio: Type.Number(),
      comparison: oneOf(['above', 'below'] as const),
      limit: Type.Number(),
    }),
  ),
});

// ---- 5W imports ----

const Columns = Type.Partial(Type.Object(Object.fromEntries(FIVE_W_FIELDS.map((field) => [field, Type.String()]))), {
  description: 'Which column holds which 5W field (by HXL tag, else French or English header)',
});

/** five-w-imports.ts FiveWSheetView. */
export const FiveWSheetSchema = Type.Object({
  name: Type.String(),
  headerRow: Type.Integer(),
  headers: Type.Array(Type.String()),
  hxl: Nullable(Type.Array(Type.String())),
  samples: Type.Array(Type.Array(Type.String())),
  rows: Count,
  columns: Columns,
  missing: Type.Array(Type.String()),
  hasSector: Type.Boolean(),
  hasDates: Type.Boolean(),
});

export const FiveWUploadSchema = Type.Object({
  id: Type.Integer(),
  fileName: Type.String(),
  sha256: Type.String(),
  sizeBytes: Count,
  format: oneOf(['csv', 'xlsx'] as const),
  country: Type.String(),
  sheets: Type.Array(FiveWSheetSchema),
  suggestedSheet: Type.String(),
});

export const ImportListItemSchema = Type.Object({
  id: Type.Integer(),
  country: Type.String(),
  fileName: Type.String(),
  sheet: Nullable(Type.String()),
  month: Nullable(Month),
  rowsRead: Count,
  rowsStored: Count,
  createdBy: Type.String(),
  createdAt: Type.String(),
  reports: Type.Record(Type.String(), Count, { description: 'What became of its reports since: counts per status' }),
});

/** What a 5W import job was started with (five-w-store.ts SettledImport). */
const ImportInput = Type.Object({
  uploadId: Type.Integer(),
  country: Type.String(),
  settled: Type.Object({
    uploadId: Type.Integer(),
    fileName: Type.String(),
    sha256: Type.String(),
    country: Type.String(),
    right: oneOf(['any', 'own'] as const),
    sheet: Nullable(Type.String()),
    headerRow: Type.Integer(),
    columns: Columns,
    month: Nullable(Month),
    sector: Nullable(Type.String()),
    skipRefusedRows: Type.Boolean(),
  }),
});

/** five-w-store.ts FiveWImportResult. */
const ImportResult = Type.Object({
  importId: Type.Integer(),
  alreadyImported: Type.Boolean(),
  fileName: Type.String(),
  country: Type.String(),
  sheet: Nullable(Type.String()),
  month: Nullable(Month),
  rowsRead: Count,
  rowsStored: Count,
  rowsRefused: Count,
  status: Type.Literal('submitted'),
  organisations: Type.Object({
    inFile: Count,
    afterFolding: Count,
    known: Count,
    created: Type.Array(Type.Object({ id: Type.Integer(), acronym: Type.String(), name: Type.String(), orgTypeCode: Type.String(), rows: Count, proposals: Type.Array(MergeProposalSchema) })),
  }),
  places: Type.Object({ byLevel: Type.Record(Type.String(), Count), byName: Count, coarser: Count }),
  sectors: Type.Record(Type.String(), Count),
  periods: Type.Array(Month),
  byRule: Type.Record(Type.String(), Count),
  findings: Type.Array(Type.Object({ row: Type.Integer(), rule: Type.String(), value: Nullable(Type.String()) })),
  findingsTruncated: Type.Boolean(),
  formulasUsed: Count,
  hxlRowsSkipped: Count,
});

export const ImportJobSchema = jobSchema(ImportInput, ImportResult);
export type ImportJob = Static<typeof ImportJobSchema>;

/**
 * A 5W import job as the schema describes it: its input and result are the JSON startFiveWImport
 * and runFiveWImport wrote (core/jobs.ts keeps them as plain records for every kind of job).
 */
export const importJobView = (job: jobs.JobView, message: string | null): ImportJob => ({ ...job, message }) as ImportJob;
