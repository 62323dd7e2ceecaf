/** HTTP routes of partner activity reporting (4W/5W). */
import { Type } from '@sinclair/typebox';
import { toCsv, toXlsx, type ExportColumn } from '../core/exports.js';
import { hapiPage, hapiQuery, hapiResponses, sendHapiCsv, TextFilter } from '../core/hapi.js';
import { errorResponses, fileResponse, languageOf, XLSX, type AppContext, type LiptakoApp } from '../core/http-kit.js';
import { versionKeys } from '../core/versions.js';
import { AGES, GROUPS, MEASURES, SEXES, UNITS } from './aggregate.js';
import * as response from './service.js';
import * as responseReports from './reports.js';
import * as responsePresence from './presence.js';
import { responseImportRoutes } from './import-routes.js';
import { responseNeedsRoutes } from './needs-routes.js';
import { SPHERE_INDICATORS } from './sphere.js';
import { responseSphereRoutes } from './sphere-routes.js';
import { responsePlanAreaRoutes } from './plan-areas-routes.js';
import * as schemas from './route-schemas.js';

const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const Month = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$', maxLength: 7, description: 'Reporting month, e.g. 2021-03' });
const Country = Type.String({ minLength: 2, maxLength: 3, description: 'ISO2 country code (BF, ML, NE)' });
const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const OptionalText = (max: number) => Type.Optional(Type.Union([Type.String({ maxLength: max }), Type.Null()]));

const FigureSchema = Type.Object(
  { measure: literals(MEASURES), group: literals(GROUPS), sex: literals(SEXES), age: literals(AGES), value: Type.Number({ minimum: 0, maximum: 1e12 }) },
  { additionalProperties: false },
);

const ReportBody = Type.Object(
  {
    month: Month,
    reportingOrganisationId: Id,
    implementingOrganisationId: Type.Optional(Type.Union([Id, Type.Null()])),
    donorOrganisationIds: Type.Optional(Type.Array(Id, { maxItems: 50 })),
    sector: Text(200),
    activity: Text(60),
    location: Type.Object(
      {
        pcode: Text(20),
        site: OptionalText(60),
        providerAdmin1Name: OptionalText(200),
        providerAdmin2Name: OptionalText(200),
        providerLocationName: OptionalText(200),
      },
      { additionalProperties: false },
    ),
    figures: Type.Array(FigureSchema, { maxItems: 400 }),
    cashValueUsd: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 1e13 }), Type.Null()])),
  },
  { additionalProperties: false },
);


/** One HAPI operational-presence row (published reports: organisation × sector × admin2 × month). */
const HapiPresenceRowSchema = Type.Object(
  Object.fromEntries(responsePresence.HAPI_PRESENCE_FIELDS.map((field) => [field, Type.Union([Type.String(), Type.Number(), Type.Null()])])),
);

const HAPI_PRESENCE_COLUMNS: Array<ExportColumn<responsePresence.HapiPresenceRow>> = responsePresence.HAPI_PRESENCE_FIELDS.map((key) => ({ key, header: key, hxl: null, value: (row) => row[key] }));

const cell = (report: responseReports.ReportView, measure: string): number | null =>
  report.figures.find((figure) => figure.measure === measure && figure.group === 'all' && figure.sex === 'all' && figure.age === 'all')?.value ?? null;

/** The 3W/5W table with HXL tags as OCHA's 3W templates use them. */
function reportColumns(language: 'fr' | 'en'): Array<ExportColumn<responseReports.ReportView>> {
  const fr = language === 'fr';
  return [
    { key: 'id', header: 'Id', hxl: '#activity+id', value: (row) => row.id, type: 'number' },
    { key: 'organisation', header: fr ? 'Organisation' : 'Organisation', hxl: '#org+acronym', value: (row) => row.reportingOrganisation.acronym },
    { key: 'sector', header: fr ? 'Secteur' : 'Sector', hxl: '#sector+code', value: (row) => row.sectorCode },
    { key: 'activity', header: fr ? 'Activité' : 'Activity', hxl: '#activity+code', value: (row) => row.activity },
    { key: 'country', header: fr ? 'Pays' : 'Country', hxl: '#country+code', value: (row) => row.country },
    { key: 'admin1', header: 'Admin1 P-code', hxl: '#adm1+code', value: (row) => row.location.admin1 },
    { key: 'admin1Provider', header: fr ? 'Admin1 (nom du fournisseur)' : 'Admin1 (provider name)', hxl: '#adm1+name+provider', value: (row) => row.location.providerAdmin1Name },
    { key: 'admin2', header: 'Admin2 P-code', hxl: '#adm2+code', value: (row) => row.location.admin2 },
    { key: 'admin2Provider', header: fr ? 'Admin2 (nom du fournisseur)' : 'Admin2 (provider name)', hxl: '#adm2+name+provider', value: (row) => row.location.providerAdmin2Name },
    { key: 'admin3', header: 'Admin3 P-code', hxl: '#adm3+code', value: (row) => row.location.admin3 },
    { key: 'site', header: fr ? 'Site' : 'Site', hxl: '#loc+code', value: (row) => row.location.site },
    { key: 'month', header: fr ? 'Mois' : 'Month', hxl: '#date+month', value: (row) => row.month },
    { key: 'status', header: fr ? 'Statut' : 'Status', hxl: '#status', value: (row) => row.status },
    { key: 'unit', header: fr ? 'Unité' : 'Unit', hxl: '#indicator+unit', value: (row) => row.unit },
    { key: 'targeted', header: fr ? 'Ciblés' : 'Targeted', hxl: '#targeted', value: (row) => cell(row, 'targeted'), type: 'number' },
    { key: 'reached', header: fr ? 'Atteints' : 'Reached', hxl: '#reached', value: (row) => cell(row, 'reached'), type: 'number' },
    { key: 'reachedNew', header: fr ? 'Dont nouveaux' : 'Of whom new', hxl: '#reached+new', value: (row) => cell(row, 'reached-new'), type: 'number' },
    { key: 'cash', header: fr ? 'Valeur monétaire (USD)' : 'Cash value (USD)', hxl: '#value+cash+usd', value: (row) => row.cashValueUsd, type: 'number' },
  ];
}

export function responseRoutes(app: LiptakoApp, context: AppContext): void {
  const { db, published } = context;
  responseImportRoutes(app, context);
  responseNeedsRoutes(app, context);
  responseSphereRoutes(app, context);
  responsePlanAreaRoutes(app, context);
  app.get(
    '/api/response/reports/export',
    {
      config: { verb: 'export.download', audit: 'response.export' },
      schema: {
        tags: ['response'],
        summary: 'The reports you may see as a 3W/5W table (CSV or XLSX) with an HXL row',
        querystring: Type.Object({
          format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' }),
          status: Type.Optional(literals(['draft', 'submitted', 'approved', 'rejected', 'published'] as const)),
          month: Type.Optional(Month),
          country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
          sector: Type.Optional(Type.String({ maxLength: 10 })),
        }),
        response: { 200: fileResponse('The reports as CSV or as an Excel workbook, with an HXL row', 'text/csv', XLSX), ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const { format, ...filter } = request.query;
      const { reports } = await responseReports.listReports(db, request.principal, { ...filter, limit: 1_000_000, offset: 0 });
      await request.auditRead({ objectType: 'report', objectId: null, summary: { format, rows: reports.length, ...filter } });
      const columns = reportColumns(languageOf(request));
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="liptako-5w.csv"').send(toCsv(columns, reports));
      return reply
        .type(XLSX)
        .header('content-disposition', 'attachment; filename="liptako-5w.xlsx"')
        .send(await toXlsx(columns, reports, { sheetName: '5W' }));
    },
  );

  app.get(
    '/api/response/dashboard',
    {
      config: { verb: 'response.read' },
      schema: {
        tags: ['response'],
        summary: 'Presence (organisations per sector × admin2 × month), people reached without double counting, gaps against the DTM IDP caseload, overlaps',
        querystring: Type.Object({
          country: Type.Optional(Country),
          month: Type.Optional(Month),
          sector: TextFilter(200, 'Sector code or label'),
          threshold: Type.Optional(Type.Integer({ minimum: 0, maximum: 1e9, description: 'IDP caseload above which an admin2 without a partner is a gap (default 1,000)' })),
        }),
        response: { 200: schemas.DashboardSchema, ...errorResponses(400, 422) },
      },
    },
    async (request) => responsePresence.dashboard(db, request.query),
  );

  app.get(
    '/hapi/v2/coordination-context/operational-presence',
    {
      config: { verb: 'hapi.read' },
      schema: {
        tags: ['publishing'],
        summary: 'HDX HAPI v2 compatible operational presence (who does what where; published reports only)',
        querystring: hapiQuery({
          location_code: TextFilter(3, 'ISO3 (MLI) or ISO2 (ML)'),
          admin1_code: TextFilter(20, 'Admin1 P-code'),
          admin2_code: TextFilter(20, 'Admin2 P-code'),
          admin_level: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])),
          sector_code: TextFilter(10, 'IASC sector code (SHL, WSH, PRO-GBV, …)'),
          org_acronym: TextFilter(40, 'Organisation acronym'),
          org_name: TextFilter(300, 'Part of the organisation name'),
        }),
        response: hapiResponses(HapiPresenceRowSchema),
      },
    },
    async (request, reply) => {
      const query = request.query;
      if (query.output_format === 'csv') return sendHapiCsv(reply, HAPI_PRESENCE_COLUMNS, await responsePresence.hapiOperationalPresence(db, query));
      // Published reports only: the same for everyone until a report is published.
      const keys = [versionKeys.responsePublished, versionKeys.geography];
      return published.answer(request, reply, {
        keys,
        compute: async () => ({
          body: { data: await hapiPage(published, 'hapi-operational-presence', query, keys, (paging) => responsePresence.hapiOperationalPresence(db, { ...query, ...paging })) },
          store: true,
        }),
      });
    },
  );

  // ---- organisations ----
  app.get(
    '/api/response/organisations',
    { config: { verb: 'response.read' }, schema: { tags: ['response'], summary: 'Organisations of the response with their HAPI type and confirmed aliases', response: { 200: Type.Object({ organisations: Type.Array(schemas.OrganisationSchema) }) } } },
    async (request) => ({ organisations: await response.listOrganisations(db, languageOf(request)) }),
  );

  app.post(
    '/api/response/organisations',
    {
      config: { verb: 'response.manage', audit: 'response.organisation.create' },
      schema: {
        tags: ['response'],
        summary: 'Add an organisation; names folding to a known one (case, accents, spaces) get 409, similar ones come back as merge proposals',
        body: Type.Object({ acronym: Text(40), name: Text(300), orgTypeCode: Type.String({ minLength: 1, maxLength: 10 }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ organisation: schemas.OrganisationSchema, proposals: Type.Array(schemas.MergeProposalSchema) }), ...errorResponses(400, 409, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await response.createOrganisation(db, request.actor, request.body)),
  );

  app.post(
    '/api/response/organisations/:id/aliases',
    {
      config: { verb: 'response.manage', audit: 'response.organisation.alias' },
      schema: {
        tags: ['response'],
        summary: 'Confirm another spelling of an organisation (a merge a person decided)',
        params: Type.Object({ id: Id }),
        body: Type.Object({ alias: Text(300) }, { additionalProperties: false }),
        response: { 200: Type.Object({ organisation: schemas.OrganisationSchema }), ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => ({ organisation: await response.addAlias(db, request.actor, request.params.id, request.body.alias) }),
  );

  // ---- sectors and activities ----
  app.get(
    '/api/response/sectors',
    { config: { verb: 'response.read' }, schema: { tags: ['response'], summary: 'IASC sectors (FR/EN) and the local labels confirmed for them', response: { 200: Type.Object({ sectors: Type.Array(schemas.SectorSchema) }) } } },
    async () => ({ sectors: await response.listSectors(db) }),
  );

  app.post(
    '/api/response/sector-labels',
    {
      config: { verb: 'response.manage', audit: 'response.sector.label' },
      schema: {
        tags: ['response'],
        summary: 'Confirm what a local sector label means (e.g. “Abris/AME” → SHL)',
        body: Type.Object({ label: Text(200), sector: Type.String({ minLength: 2, maxLength: 10 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ sectors: Type.Array(schemas.SectorSchema) }), ...errorResponses(400, 422) },
      },
    },
    async (request) => ({ sectors: await response.confirmSectorLabel(db, request.actor, request.body.label, request.body.sector) }),
  );

  app.get(
    '/api/response/activities',
    { config: { verb: 'response.read' }, schema: { tags: ['response'], summary: 'Activities, their indicator unit and aggregation rule, and the plan activity area they count towards', response: { 200: Type.Object({ activities: Type.Array(schemas.ActivitySchema) }) } } },
    async () => ({ activities: await response.listActivities(db) }),
  );

  app.post(
    '/api/response/activities',
    {
      config: { verb: 'response.manage', audit: 'response.activity.create' },
      schema: {
        tags: ['response'],
        summary: 'Add an activity (people and households aggregate by maximum, items and money add)',
        body: Type.Object(
          {
            code: Type.String({ minLength: 1, maxLength: 60, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
            sector: Text(200),
            nameEn: Text(300),
            nameFr: Text(300),
            plan: Type.Optional(Type.String({ minLength: 2, maxLength: 40 })),
            activityArea: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
            unit: literals(UNITS),
            aggregation: Type.Optional(literals(['max', 'sum'] as const)),
            sphereIndicator: Type.Optional(literals(SPHERE_INDICATORS)),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ activity: schemas.ActivitySchema }), ...errorResponses(400, 404, 409, 422) },
      },
    },
    async (request, reply) => reply.status(201).send({ activity: await response.createActivity(db, request.actor, request.body) }),
  );

  // ---- periods ----
  app.get(
    '/api/response/periods',
    { config: { verb: 'response.read' }, schema: { tags: ['response'], summary: 'Reporting periods and their status (open, closed, locked)', response: { 200: Type.Object({ periods: Type.Array(schemas.PeriodSchema) }) } } },
    async (request) => ({ periods: await response.listPeriods(db, request.principal) }),
  );

  app.post(
    '/api/response/periods',
    {
      config: { verb: 'response.manage', audit: 'response.period.open' },
      schema: {
        tags: ['response'],
        summary: 'Open a reporting month for a country (a first report opens it too)',
        body: Type.Object({ country: Country, month: Month }, { additionalProperties: false }),
        response: { 201: Type.Object({ period: schemas.PeriodSchema }), ...errorResponses(400, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send({ period: await response.openPeriod(db, request.actor, request.body.country, request.body.month) }),
  );

  app.post(
    '/api/response/periods/:id/status',
    {
      config: { verb: 'response.manage', audit: 'response.period.status' },
      schema: {
        tags: ['response'],
        summary: 'Close, reopen or lock a period; a locked period answers 409 to every write',
        params: Type.Object({ id: Id }),
        body: Type.Object({ status: literals(['open', 'closed', 'locked'] as const) }, { additionalProperties: false }),
        response: { 200: Type.Object({ period: schemas.PeriodSchema }), ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => ({ period: await response.setPeriodStatus(db, request.actor, request.params.id, request.body.status) }),
  );

  app.post(
    '/api/response/periods/:id/unlock',
    {
      config: { verb: 'response.unlock', audit: 'response.period.unlock' },
      schema: {
        tags: ['response'],
        summary: 'Unlock a locked period back to closed, with a reason kept in the audit log',
        params: Type.Object({ id: Id }),
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ period: schemas.PeriodSchema }), ...errorResponses(400, 404, 409, 422) },
      },
    },
    async (request) => ({ period: await response.unlockPeriod(db, request.actor, request.params.id, request.body.reason) }),
  );

  // ---- reports ----
  app.get(
    '/api/response/reports',
    {
      config: { verb: 'response.read' },
      schema: {
        tags: ['response'],
        summary: 'Activity reports: partners see their organisation’s, coordinators their countries’, everyone the published ones',
        querystring: Type.Object({
          status: Type.Optional(literals(['draft', 'submitted', 'approved', 'rejected', 'published'] as const)),
          month: Type.Optional(Month),
          country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
          sector: Type.Optional(Type.String({ maxLength: 10 })),
          limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 500 }),
          offset: Type.Integer({ minimum: 0, maximum: 1e9, default: 0 }),
        }),
        response: { 200: Type.Object({ total: Type.Integer(), reports: Type.Array(schemas.ReportSchema) }), ...errorResponses(400) },
      },
    },
    async (request) => responseReports.listReports(db, request.principal, request.query),
  );

  app.post(
    '/api/response/reports',
    {
      config: { verb: 'response.report', audit: 'response.report.create' },
      schema: {
        tags: ['response'],
        summary: 'Enter one activity report (a 5W row) as a draft',
        body: ReportBody,
        response: { 201: Type.Object({ report: schemas.ReportSchema }), ...errorResponses(400, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => reply.status(201).send({ report: await responseReports.createReport(db, request.actor, request.body) }),
  );

  app.put(
    '/api/response/reports/:id',
    {
      config: { verb: 'response.report', audit: 'response.report.update' },
      schema: {
        tags: ['response'],
        summary: 'Change a draft or rejected report (it becomes a draft again); a stale version gets 409',
        params: Type.Object({ id: Id }),
        body: Type.Object({ ...ReportBody.properties, version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ report: schemas.ReportSchema }), ...errorResponses(400, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { version, ...input } = request.body;
      return { report: await responseReports.updateReport(db, request.actor, request.params.id, version, input) };
    },
  );

  app.post(
    '/api/response/reports/submit',
    {
      config: { verb: 'response.report', audit: 'response.report.submit' },
      schema: {
        tags: ['response'],
        summary: 'Submit drafts (or corrected rejected reports) for review: all of them or none',
        body: Type.Object({ ids: Type.Array(Id, { minItems: 1, maxItems: 20_000 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ changed: Type.Integer() }), ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => responseReports.decide(db, request.actor, request.body.ids, 'submitted', null),
  );

  app.post(
    '/api/response/reports/decisions',
    {
      config: { verb: 'response.review', audit: 'response.report.decide' },
      schema: {
        tags: ['response'],
        summary: 'Approve, reject (with a comment) or publish reports in bulk, within your countries: all of them or none',
        body: Type.Object(
          { ids: Type.Array(Id, { minItems: 1, maxItems: 20_000 }), decision: literals(['approved', 'rejected', 'published'] as const), comment: Type.Optional(Type.String({ maxLength: 2000 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ changed: Type.Integer() }), ...errorResponses(400, 404, 409, 422) },
      },
    },
    async (request) => responseReports.decide(db, request.actor, request.body.ids, request.body.decision, request.body.comment ?? null),
  );
}
