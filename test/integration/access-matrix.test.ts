// Over 600 lines on purpose: one table of every write route × persona, so that a missing route
// or cell shows in one place (the test names any route of a module's contract it has no row for).
// Its rows' helpers come from test/support; split it by module only if the table itself splits.
/**
 * Who may do what: representative requests × the seven personas, with the status each one gets.
 * Every write row has a success, a 401 and (unless every role holds the verb) a 403, and each
 * cell checks the database too: a refused write changes nothing, an accepted one changes
 * something. Remove the guard and the 401/403 cells fail; break a role and its row fails.
 */
import { describe, expect, it } from 'vitest';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import { MODULES } from '../../src/modules.js';
import type { PlanView } from '../../src/plans/service.js';
import { describeEachDatabase, TEST_PASSWORD, type Persona, type TestContext } from '../support/harness.js';
import { CSAHEL, loadCsahelPlan } from '../support/plans.js';
import { gazetteerCsv } from '../support/geo.js';
import { csvOf, EN_HEADERS, importRound, MALI, seedMali, siteRow, upload } from '../support/dtm.js';
import { createReport, reportBody, seedResponse } from '../support/response.js';
import { distributionBody, householdBody, MAIGA_FIRST, MAIGA_SECOND, register } from '../support/assistance.js';
import { DEMO_FORM_ID, DEMO_SITE_FORM, postSubmission, seedCollection, siteAnswers, siteFormWithMedia, siteSubmissionXml, xmlPart } from '../support/collection.js';
import { DTM_FORM_ID, DTM_FORM_MAPPING, seedDtmForm, siteAssessment, siteAssessmentXml } from '../support/dtm-form.js';
import { contributionCount, countRows, importPlanVariant, paidUsd, planVariant } from '../support/access.js';
import { send, type Reply } from '../support/http.js';

const PERSONAS = ['admin', 'imOfficerMali', 'programmeManager', 'enumeratorNiger', 'partner', 'viewer', 'anonymous'] as const satisfies readonly Persona[];
type Statuses = readonly [number, number, number, number, number, number, number];
type Prepared = Record<string, number>;

interface RequestSpec {
  /** The route as app.guardedRoutes names it. */
  route: string;
  /** Whether the 2021 plan must be loaded first. */
  plan?: boolean;
  /** Creates what the request needs (as the administrator, or as the persona for its own things). */
  prepare?: (context: TestContext, persona: Persona) => Promise<Prepared>;
  send: (app: LiptakoApp, prepared: Prepared) => Promise<Reply>;
  /** A snapshot of what the request would change: must differ after a success, stay equal after a refusal. */
  observe?: (context: TestContext, prepared: Prepared) => Promise<unknown>;
}

const adminOrSelf = (context: TestContext, persona: Persona): LiptakoApp => context.as(persona === 'anonymous' ? 'admin' : persona);

async function csahel(context: TestContext): Promise<PlanView> {
  return (await send<PlanView>(context.app, 'GET', `/api/plans/${CSAHEL}`)).body;
}

async function scalar(context: TestContext, sql: string, params: unknown[] = []): Promise<unknown> {
  const [row] = await context.db.query<{ value: unknown }>(sql, params);
  return row?.value;
}

const MALI_GAZETTEER = gazetteerCsv([
  ['MLI', 1, 'ML05', 'Mopti', 'MLI', '2021-12-20'],
  ['MLI', 2, 'ML0501', 'Bandiagara', 'ML05', '2021-12-20'],
]);

let sequence = 0;
const unique = (stem: string): string => `${stem}-${process.pid}-${++sequence}`;

// ---- the requests -------------------------------------------------------------------------------

const HEALTH: RequestSpec = { route: 'GET /api/health', send: (app) => send(app, 'GET', '/api/health') };

const READ_PLAN: RequestSpec = { route: 'GET /api/plans/:code', plan: true, send: (app) => send(app, 'GET', `/api/plans/${CSAHEL}`) };

const EXPORT_PLAN: RequestSpec = {
  route: 'GET /api/plans/:code/export',
  plan: true,
  send: (app) => send(app, 'GET', `/api/plans/${CSAHEL}/export?table=funding&format=csv`),
};

const HAPI_FUNDING: RequestSpec = {
  route: 'GET /hapi/v2/coordination-context/funding',
  plan: true,
  send: (app) => send(app, 'GET', '/hapi/v2/coordination-context/funding'),
};

const LIST_USERS: RequestSpec = { route: 'GET /api/users', send: (app) => send(app, 'GET', '/api/users') };
const LIST_ROLES: RequestSpec = { route: 'GET /api/roles', send: (app) => send(app, 'GET', '/api/roles') };
const READ_AUDIT: RequestSpec = { route: 'GET /api/audit', send: (app) => send(app, 'GET', '/api/audit') };
const HEAD_AUDIT: RequestSpec = { route: 'HEAD /api/audit', send: (app) => send(app, 'HEAD', '/api/audit') };
const EXPORT_AUDIT: RequestSpec = { route: 'GET /api/audit/export', send: (app) => send(app, 'GET', '/api/audit/export') };
const LIST_TOKENS: RequestSpec = { route: 'GET /api/tokens', send: (app) => send(app, 'GET', '/api/tokens') };

const RECORD_CONTRIBUTION: RequestSpec = {
  route: 'POST /api/plans/:code/contributions',
  plan: true,
  send: (app) => send(app, 'POST', `/api/plans/${CSAHEL}/contributions`, { payload: paidUsd(1000) }),
  observe: (context) => contributionCount(context.db),
};

const CHANGE_CONTRIBUTION: RequestSpec = {
  route: 'PATCH /api/plans/:code/contributions/:id',
  plan: true,
  async prepare(context) {
    const created = await send<{ contribution: { id: number } }>(context.app, 'POST', `/api/plans/${CSAHEL}/contributions`, { payload: paidUsd(100) });
    return { id: created.body.contribution.id };
  },
  send: (app, { id }) => send(app, 'PATCH', `/api/plans/${CSAHEL}/contributions/${id}`, { payload: { ...paidUsd(250), version: 1 } }),
  observe: (context, { id }) => scalar(context, 'SELECT amount_usd AS value FROM contribution WHERE id = $1', [id]),
};

const REVISE_PLAN: RequestSpec = {
  route: 'PATCH /api/plans/:code',
  plan: true,
  prepare: async (context) => ({ version: (await csahel(context)).version }),
  send: (app, { version }) => send(app, 'PATCH', `/api/plans/${CSAHEL}`, { payload: { version, requirementsUsd: 70_000_000, reason: 'matrix' } }),
  observe: (context) => scalar(context, 'SELECT revised_requirements_usd AS value FROM plan WHERE code = $1', [CSAHEL]),
};

const REVISE_OBJECTIVE: RequestSpec = {
  route: 'PATCH /api/plans/:code/objectives/:id',
  plan: true,
  async prepare(context) {
    const objective = (await csahel(context)).objectives[0]!;
    return { id: objective.id, version: objective.version };
  },
  send: (app, { id, version }) => send(app, 'PATCH', `/api/plans/${CSAHEL}/objectives/${id}`, { payload: { version, peopleTargeted: 900_000 } }),
  observe: (context, { id }) => scalar(context, 'SELECT people_targeted AS value FROM plan_objective WHERE id = $1', [id]),
};

const REVISE_AREA: RequestSpec = {
  route: 'PATCH /api/plans/:code/areas/:id',
  plan: true,
  async prepare(context) {
    const area = (await csahel(context)).objectives[0]!.areas[0]!;
    return { id: area.id, version: area.version };
  },
  send: (app, { id, version }) => send(app, 'PATCH', `/api/plans/${CSAHEL}/areas/${id}`, { payload: { version, requirementsUsd: 30_000_000, reason: 'mid-year review' } }),
  observe: (context, { id }) => scalar(context, 'SELECT revised_requirements_usd AS value FROM plan_activity_area WHERE id = $1', [id]),
};

const IMPORT_GEOGRAPHY: RequestSpec = {
  route: 'POST /api/geo/imports',
  send: (app) =>
    send(app, 'POST', '/api/geo/imports?fileName=mli.csv', { headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.from(MALI_GAZETTEER) }),
  observe: (context) => countRows(context.db, 'admin_unit'),
};

const IMPORT_PLAN: RequestSpec = {
  route: 'POST /api/plans/imports',
  send: (app) =>
    send(app, 'POST', '/api/plans/imports?fileName=mali.yaml', {
      headers: { 'content-type': 'application/octet-stream' },
      payload: Buffer.from(planVariant({ code: 'MLI-TEST-2021', countries: ['ML'] })),
    }),
  observe: (context) => countRows(context.db, 'plan'),
};

const CREATE_USER: RequestSpec = {
  route: 'POST /api/users',
  send: (app) =>
    send(app, 'POST', '/api/users', {
      payload: { email: `${unique('new.user')}@test.liptako.org`, name: 'Nouvel Utilisateur', password: 'une phrase assez longue 2021', assignments: [{ role: 'viewer', scope: { kind: 'response' } }] },
    }),
  observe: (context) => countRows(context.db, 'app_user'),
};

const CHANGE_USER: RequestSpec = {
  route: 'PATCH /api/users/:id',
  prepare: async (context) => ({ id: Number(await scalar(context, "SELECT id AS value FROM app_user WHERE email = 'viewer@test.liptako.org'")) }),
  send: (app, { id }) => send(app, 'PATCH', `/api/users/${id}`, { payload: { name: 'Renamed Viewer' } }),
  observe: (context, { id }) => scalar(context, 'SELECT name AS value FROM app_user WHERE id = $1', [id]),
};

const UNLOCK_USER: RequestSpec = {
  route: 'POST /api/users/:id/unlock',
  async prepare(context) {
    await context.db.query("INSERT INTO sign_in_throttle (email, address, failures, retry_at) VALUES ('viewer@test.liptako.org', '192.0.2.1', 9, now() + interval '10 minutes')");
    return { id: Number(await scalar(context, "SELECT id AS value FROM app_user WHERE email = 'viewer@test.liptako.org'")) };
  },
  send: (app, { id }) => send(app, 'POST', `/api/users/${id}/unlock`),
  observe: (context) => scalar(context, "SELECT count(*)::int AS value FROM sign_in_throttle WHERE email = 'viewer@test.liptako.org'"),
};

const CREATE_ORGANISATION: RequestSpec = {
  route: 'POST /api/organisations',
  send: (app) => send(app, 'POST', '/api/organisations', { payload: { name: unique('Organisation') } }),
  observe: (context) => countRows(context.db, 'organisation'),
};

const CREATE_TOKEN: RequestSpec = {
  route: 'POST /api/tokens',
  send: (app) => send(app, 'POST', '/api/tokens', { payload: { name: 'matrix', expiresInDays: 30, password: TEST_PASSWORD } }),
  observe: (context) => countRows(context.db, 'api_token'),
};

const REVOKE_TOKEN: RequestSpec = {
  route: 'DELETE /api/tokens/:id',
  async prepare(context, persona) {
    // Each signed-in persona revokes a token of its own; the anonymous caller tries the administrator's.
    const created = await send<{ token: { id: number } }>(adminOrSelf(context, persona), 'POST', '/api/tokens', { payload: { name: 'to revoke', expiresInDays: 30, password: TEST_PASSWORD } });
    return { id: created.body.token.id };
  },
  send: (app, { id }) => send(app, 'DELETE', `/api/tokens/${id}`),
  observe: (context, { id }) => scalar(context, 'SELECT revoked_at IS NOT NULL AS value FROM api_token WHERE id = $1', [id]),
};

const CHANGE_ACCOUNT: RequestSpec = {
  route: 'PATCH /api/account',
  send: (app) => send(app, 'PATCH', '/api/account', { payload: { name: 'Nom changé' } }),
  observe: (context) => scalar(context, "SELECT string_agg(name, ',' ORDER BY id) AS value FROM app_user"),
};

// ---- displacement tracking: a Mali round, imported and reviewed ------------------------------------

const ROUND_CSV = csvOf(EN_HEADERS, [siteRow('ML0501-0001', 'ML0501', 1200), siteRow('ML0501-0002', 'ML0501', 600, { Households: 20 })]);

async function maliUpload(context: TestContext): Promise<number> {
  await seedMali(context.app, context.db);
  // Sent for the Mali operation: any Mali importer may use it (one sent without is its sender's only).
  const uploaded = await upload(context.app, ROUND_CSV, 'round-1.csv', {}, MALI.code);
  return uploaded.body.upload.id;
}

/** A draft Mali round with one warning (household size 30), imported as the administrator. */
async function maliDraftRound(context: TestContext): Promise<Prepared> {
  await seedMali(context.app, context.db);
  const { job } = await importRound(context.app, ROUND_CSV, { roundNumber: 1 });
  const roundId = job!.result!.roundId as number;
  const issue = Number(await scalar(context, 'SELECT id AS value FROM dtm_issue WHERE round_id = $1', [roundId]));
  return { roundId, issue };
}

const UPLOAD_ROUND: RequestSpec = {
  route: 'POST /api/dtm/uploads',
  prepare: async (context) => {
    await seedMali(context.app, context.db);
    return {};
  },
  send: (app) => send(app, 'POST', '/api/dtm/uploads?fileName=round.csv', { headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.from(ROUND_CSV) }),
  observe: (context) => countRows(context.db, 'file_upload', "module = 'dtm'"),
};

/** Waits for background jobs (imports run after their 202) so that none writes into the next test's session. */
async function jobsSettled(context: TestContext): Promise<void> {
  for (let attempt = 0; attempt < 500 && Number(await scalar(context, "SELECT count(*)::int AS value FROM job WHERE status IN ('queued', 'running')")) > 0; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const IMPORT_ROUND: RequestSpec = {
  route: 'POST /api/dtm/uploads/:id/import',
  prepare: async (context) => ({ upload: await maliUpload(context) }),
  send: (app, { upload }) =>
    send(app, 'POST', `/api/dtm/uploads/${upload}/import`, {
      payload: { operation: MALI.code, roundNumber: 1, assessmentType: 'SA', referenceDate: '2021-03-31' },
    }),
  // The import runs after the 202: wait for it, or it would write into the next test's session.
  async observe(context) {
    await jobsSettled(context);
    return countRows(context.db, 'job');
  },
};

const REVIEW_ROUND: RequestSpec = {
  route: 'POST /api/dtm/rounds/:id/decisions',
  prepare: maliDraftRound,
  send: (app, { roundId, issue }) => send(app, 'POST', `/api/dtm/rounds/${roundId}/decisions`, { payload: { ids: [issue], decision: 'accepted' } }),
  observe: (context, { issue }) => scalar(context, 'SELECT status AS value FROM dtm_issue WHERE id = $1', [issue]),
};

const PUBLISH_ROUND: RequestSpec = {
  route: 'POST /api/dtm/rounds/:id/status',
  async prepare(context) {
    const prepared = await maliDraftRound(context);
    await send(context.app, 'POST', `/api/dtm/rounds/${prepared.roundId}/decisions`, { payload: { ids: [prepared.issue], decision: 'accepted' } });
    return prepared;
  },
  send: (app, { roundId }) => send(app, 'POST', `/api/dtm/rounds/${roundId}/status`, { payload: { status: 'published' } }),
  observe: (context, { roundId }) => scalar(context, 'SELECT status AS value FROM dtm_round WHERE id = $1', [roundId]),
};

// ---- a collection form bound to the Mali operation (issue 14) -----------------------------------------

/** The Mali operation and the DTM site form published, as the administrator. */
async function maliDtmForm(context: TestContext): Promise<Prepared> {
  await seedMali(context.app, context.db);
  const seed = await seedDtmForm(context.app, unique('Suivi DTM'));
  return { project: seed.projectId };
}

const BIND_FORM: RequestSpec = {
  route: 'PUT /api/dtm/form-bindings',
  prepare: maliDtmForm,
  send: (app, { project }) => send(app, 'PUT', '/api/dtm/form-bindings', { payload: { projectId: project, formId: DTM_FORM_ID, operation: MALI.code, assessmentType: 'SA', mapping: DTM_FORM_MAPPING } }),
  observe: (context) => scalar(context, 'SELECT count(*)::int AS value FROM dtm_form_binding'),
};

/** A bound form with one approved submission received today. */
async function boundForm(context: TestContext): Promise<Prepared> {
  await seedMali(context.app, context.db);
  const seed = await seedDtmForm(context.app, unique('Suivi DTM'));
  const bound = await send<{ binding: { id: number } }>(context.app, 'PUT', '/api/dtm/form-bindings', {
    payload: { projectId: seed.projectId, formId: DTM_FORM_ID, operation: MALI.code, assessmentType: 'SA', mapping: DTM_FORM_MAPPING },
  });
  await postSubmission(context.as('anonymous'), seed.phoneBase, [xmlPart(siteAssessmentXml(siteAssessment(1, new Date().toISOString().slice(0, 10))))]);
  const [row] = await context.db.query<{ id: number }>('SELECT id::int AS id FROM collection_submission ORDER BY id DESC LIMIT 1');
  await send(context.app, 'POST', `/api/collection/projects/${seed.projectId}/forms/${DTM_FORM_ID}/reviews`, { payload: { submissionIds: [row!.id], state: 'approved' } });
  return { project: seed.projectId, binding: bound.body.binding.id };
}

const today = (offset = 0): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

const DRAFT_FROM_FORM: RequestSpec = {
  route: 'POST /api/dtm/form-bindings/:id/rounds',
  prepare: boundForm,
  send: (app, { binding }) => send(app, 'POST', `/api/dtm/form-bindings/${binding}/rounds`, { payload: { roundNumber: 1, periodStart: today(-1), periodEnd: today(1) } }),
  // The round is made after the 202: wait for it, or it would write into the next test's session.
  async observe(context) {
    await jobsSettled(context);
    return countRows(context.db, 'file_upload', "module = 'dtm'");
  },
};

const UNBIND_FORM: RequestSpec = {
  route: 'DELETE /api/dtm/form-bindings/:id',
  prepare: boundForm,
  send: (app, { binding }) => send(app, 'DELETE', `/api/dtm/form-bindings/${binding}`),
  observe: (context) => scalar(context, 'SELECT count(*)::int AS value FROM dtm_form_binding'),
};

// ---- response (4W): organisations, activities, periods and reports of Mali --------------------------

const responseRead = (url: string, route = `GET ${url}`): RequestSpec => ({ route, send: (app) => send(app, 'GET', url) });
const RESPONSE_READS = [
  responseRead('/api/response/organisations'),
  responseRead('/api/response/sectors'),
  responseRead('/api/response/activities'),
  responseRead('/api/response/periods'),
  responseRead('/api/response/reports'),
  responseRead('/api/response/dashboard?country=ML', 'GET /api/response/dashboard'),
  responseRead('/api/response/needs?country=ML&year=2024', 'GET /api/response/needs'),
  responseRead('/api/response/sphere-thresholds'),
];
const RESPONSE_PLAN_AREAS: RequestSpec = { route: 'GET /api/response/plan-areas', plan: true, send: (app) => send(app, 'GET', `/api/response/plan-areas?plan=${CSAHEL}&country=ML`) };
const RESPONSE_EXPORT: RequestSpec = { route: 'GET /api/response/reports/export', send: (app) => send(app, 'GET', '/api/response/reports/export?format=csv') };
const HAPI_PRESENCE: RequestSpec = { route: 'GET /hapi/v2/coordination-context/operational-presence', send: (app) => send(app, 'GET', '/hapi/v2/coordination-context/operational-presence') };

const RESPONSE_ORGANISATION: RequestSpec = {
  route: 'POST /api/response/organisations',
  prepare: async (context) => ({ ...(await seedResponse(context.app, context.db)) }),
  send: (app) => send(app, 'POST', '/api/response/organisations', { payload: { acronym: 'IRC', name: 'International Rescue Committee', orgTypeCode: '437' } }),
  observe: (context) => countRows(context.db, 'response_organisation'),
};

const RESPONSE_ALIAS: RequestSpec = {
  route: 'POST /api/response/organisations/:id/aliases',
  prepare: async (context) => ({ ...(await seedResponse(context.app, context.db)) }),
  send: (app, { acf }) => send(app, 'POST', `/api/response/organisations/${acf}/aliases`, { payload: { alias: 'A.C.F.' } }),
  observe: (context) => countRows(context.db, 'response_org_alias'),
};

const RESPONSE_SECTOR_LABEL: RequestSpec = {
  route: 'POST /api/response/sector-labels',
  send: (app) => send(app, 'POST', '/api/response/sector-labels', { payload: { label: 'Pêche', sector: 'FSC' } }),
  observe: (context) => countRows(context.db, 'response_sector_label'),
};

const RESPONSE_ACTIVITY: RequestSpec = {
  route: 'POST /api/response/activities',
  send: (app) => send(app, 'POST', '/api/response/activities', { payload: { code: 'EDU-classes', sector: 'Éducation', nameEn: 'Temporary classrooms', nameFr: 'Classes temporaires', unit: 'people' } }),
  observe: (context) => countRows(context.db, 'response_activity'),
};

const HNO_CSV = [
  'Admin 1 PCode,Admin 2 PCode,Sector,Gender,Age Range,Population Group,Population,In Need',
  '#adm1+code,#adm2+code,#sector+code,#gender+code,#age+range,#population_group+code,#population,#inneed',
  ',,ALL,a,ALL,ALL,22411919,7107194',
  ',,WSH,a,ALL,ALL,,3211436',
].join('\n');

const RESPONSE_NEEDS: RequestSpec = {
  route: 'POST /api/response/needs',
  send: (app) => send(app, 'POST', '/api/response/needs?country=ML&year=2024&fileName=hno.csv', { payload: Buffer.from(HNO_CSV), headers: { 'content-type': 'text/csv' } }),
  observe: (context) => scalar(context, 'SELECT count(*)::int AS value FROM response_need'),
};

const RESPONSE_SPHERE: RequestSpec = {
  route: 'PUT /api/response/sphere-thresholds/:code',
  send: (app) => send(app, 'PUT', '/api/response/sphere-thresholds/people_per_tap', { payload: { value: 200 } }),
  observe: (context) => scalar(context, "SELECT value::int AS value FROM response_sphere_threshold WHERE code = 'people_per_tap'"),
};

const RESPONSE_PERIOD: RequestSpec = {
  route: 'POST /api/response/periods',
  send: (app) => send(app, 'POST', '/api/response/periods', { payload: { country: 'ML', month: '2021-04' } }),
  observe: (context) => countRows(context.db, 'response_period'),
};

async function maliPeriod(context: TestContext, status: 'open' | 'locked'): Promise<Prepared> {
  const period = await send<{ period: { id: number } }>(context.app, 'POST', '/api/response/periods', { payload: { country: 'ML', month: '2021-04' } });
  const id = period.body.period.id;
  if (status === 'locked') {
    await send(context.app, 'POST', `/api/response/periods/${id}/status`, { payload: { status: 'closed' } });
    await send(context.app, 'POST', `/api/response/periods/${id}/status`, { payload: { status: 'locked' } });
  }
  return { period: id };
}

const RESPONSE_PERIOD_STATUS: RequestSpec = {
  route: 'POST /api/response/periods/:id/status',
  prepare: (context) => maliPeriod(context, 'open'),
  send: (app, { period }) => send(app, 'POST', `/api/response/periods/${period}/status`, { payload: { status: 'closed' } }),
  observe: (context, { period }) => scalar(context, 'SELECT status AS value FROM response_period WHERE id = $1', [period]),
};

const RESPONSE_UNLOCK: RequestSpec = {
  route: 'POST /api/response/periods/:id/unlock',
  prepare: (context) => maliPeriod(context, 'locked'),
  send: (app, { period }) => send(app, 'POST', `/api/response/periods/${period}/unlock`, { payload: { reason: 'late figures from Bandiagara' } }),
  observe: (context, { period }) => scalar(context, 'SELECT status AS value FROM response_period WHERE id = $1', [period]),
};

const RESPONSE_REPORT: RequestSpec = {
  route: 'POST /api/response/reports',
  prepare: async (context) => ({ ...(await seedResponse(context.app, context.db)) }),
  send: (app, { tpn }) => send(app, 'POST', '/api/response/reports', { payload: reportBody(tpn!) }),
  observe: (context) => countRows(context.db, 'response_report'),
};

async function tpnDraft(context: TestContext): Promise<Prepared> {
  const seed = await seedResponse(context.app, context.db);
  const report = await createReport(context.app, seed.tpn);
  return { ...seed, report: report.body.report.id };
}

const RESPONSE_REPORT_UPDATE: RequestSpec = {
  route: 'PUT /api/response/reports/:id',
  prepare: tpnDraft,
  send: (app, { tpn, report }) => send(app, 'PUT', `/api/response/reports/${report}`, { payload: { ...reportBody(tpn!, { location: { pcode: 'ML0502' } }), version: 1 } }),
  observe: (context, { report }) => scalar(context, 'SELECT admin2_pcode AS value FROM response_report WHERE id = $1', [report]),
};

const RESPONSE_SUBMIT: RequestSpec = {
  route: 'POST /api/response/reports/submit',
  prepare: tpnDraft,
  send: (app, { report }) => send(app, 'POST', '/api/response/reports/submit', { payload: { ids: [report] } }),
  observe: (context, { report }) => scalar(context, 'SELECT status AS value FROM response_report WHERE id = $1', [report]),
};

const RESPONSE_DECIDE: RequestSpec = {
  route: 'POST /api/response/reports/decisions',
  async prepare(context) {
    const prepared = await tpnDraft(context);
    await send(context.app, 'POST', '/api/response/reports/submit', { payload: { ids: [prepared.report] } });
    return prepared;
  },
  send: (app, { report }) => send(app, 'POST', '/api/response/reports/decisions', { payload: { ids: [report], decision: 'approved' } }),
  observe: (context, { report }) => scalar(context, 'SELECT status AS value FROM response_report WHERE id = $1', [report]),
};

// ---- response (4W): 5W file imports --------------------------------------------------------------

const TPN_5W = 'Organisation,Région,admin2Pcod,Secteur,Nombre Bénéficiaire,Date Débute\nTPN,Mopti,ML0501,EHA,120,2021-03-04\n';

async function uploadFiveWAs(app: LiptakoApp): Promise<number> {
  const reply = await send<{ upload: { id: number } }>(app, 'POST', '/api/response/imports/uploads?fileName=tpn.csv&country=ML', { headers: { 'content-type': 'text/csv' }, payload: Buffer.from(TPN_5W) });
  expect(reply.statusCode, reply.text).toBe(201);
  return reply.body.upload.id;
}

/** An upload of the TPN sheet: the partner's own for the partner, the administrator's for everyone else. */
async function fiveWUpload(context: TestContext, persona: Persona): Promise<Prepared> {
  const seed = await seedResponse(context.app, context.db);
  return { ...seed, upload: await uploadFiveWAs(context.as(persona === 'partner' ? 'partner' : 'admin')) };
}

const RESPONSE_IMPORT_UPLOAD: RequestSpec = {
  route: 'POST /api/response/imports/uploads',
  prepare: async (context) => ({ ...(await seedResponse(context.app, context.db)) }),
  send: (app) => send(app, 'POST', '/api/response/imports/uploads?fileName=tpn.csv&country=ML', { headers: { 'content-type': 'text/csv' }, payload: Buffer.from(TPN_5W) }),
  observe: (context) => scalar(context, "SELECT count(*)::int AS value FROM file_upload WHERE module = 'response' AND complete"),
};

const RESPONSE_IMPORT_START: RequestSpec = {
  route: 'POST /api/response/imports/uploads/:id/start',
  prepare: fiveWUpload,
  send: (app, { upload }) => send(app, 'POST', `/api/response/imports/uploads/${upload}/start`, { payload: {} }),
  async observe(context) {
    await jobsSettled(context);
    return scalar(context, "SELECT count(*)::int AS value FROM job WHERE kind = 'response-import'");
  },
};

const RESPONSE_IMPORT_PREVIEW: RequestSpec = {
  route: 'GET /api/response/imports/uploads/:id',
  prepare: async (context) => fiveWUpload(context, 'admin'),
  send: (app, { upload }) => send(app, 'GET', `/api/response/imports/uploads/${upload}`),
};

const RESPONSE_IMPORT_JOB: RequestSpec = {
  route: 'GET /api/response/imports/jobs/:id',
  async prepare(context) {
    const prepared = await fiveWUpload(context, 'admin');
    const start = await send<{ job: { id: number } }>(context.app, 'POST', `/api/response/imports/uploads/${prepared.upload}/start`, { payload: {} });
    await jobsSettled(context);
    return { ...prepared, job: start.body.job.id };
  },
  send: (app, { job }) => send(app, 'GET', `/api/response/imports/jobs/${job}`),
};

const RESPONSE_IMPORTS: RequestSpec = { route: 'GET /api/response/imports', send: (app) => send(app, 'GET', '/api/response/imports') };

// ---- field collection: a Mali project with the demo form and a phone ------------------------------

async function maliProject(context: TestContext): Promise<Prepared> {
  const seed = await seedCollection(context.app, unique('Projet'));
  const form = await send<{ versions: Array<{ id: number }> }>(context.app, 'GET', `/api/collection/projects/${seed.projectId}/forms/${DEMO_FORM_ID}`);
  return { project: seed.projectId, appUser: seed.appUserId, form: seed.formDbId, version: form.body.versions[0]!.id };
}

const COLLECTION_RECEIPT: RequestSpec = {
  route: 'GET /api/collection/projects/:projectId/forms/:xmlFormId/receipt',
  prepare: maliProject,
  send: (app, { project }) => send(app, 'GET', `/api/collection/projects/${String(project)}/forms/${DEMO_FORM_ID}/receipt?instanceId=uuid:matrix`),
};
const odataRoot = (project: unknown): string => `/api/collection/projects/${String(project)}/forms/${DEMO_FORM_ID}.svc`;
const COLLECTION_ODATA_SERVICE: RequestSpec = { route: 'GET /api/collection/projects/:projectId/forms/:xmlFormId.svc', prepare: maliProject, send: (app, { project }) => send(app, 'GET', odataRoot(project)) };
const COLLECTION_ODATA_METADATA: RequestSpec = {
  route: 'GET /api/collection/projects/:projectId/forms/:xmlFormId.svc/$metadata',
  prepare: maliProject,
  send: (app, { project }) => send(app, 'GET', `${odataRoot(project)}/$metadata`),
};
const COLLECTION_XLSX: RequestSpec = {
  route: 'GET /api/collection/projects/:projectId/forms/:xmlFormId/submissions.xlsx',
  prepare: maliProject,
  send: (app, { project }) => send(app, 'GET', `/api/collection/projects/${String(project)}/forms/${DEMO_FORM_ID}/submissions.xlsx`),
};
const COLLECTION_ODATA_ROWS: RequestSpec = {
  route: 'GET /api/collection/projects/:projectId/forms/:xmlFormId.svc/:table',
  prepare: maliProject,
  send: (app, { project }) => send(app, 'GET', `${odataRoot(project)}/Submissions.need?$count=true`),
};

const COLLECTION_PROJECT: RequestSpec = {
  route: 'POST /api/collection/projects',
  send: (app) => send(app, 'POST', '/api/collection/projects', { payload: { name: unique('Projet Mali'), country: 'ML' } }),
  observe: (context) => countRows(context.db, 'collection_project'),
};

const COLLECTION_FORM: RequestSpec = {
  route: 'POST /api/collection/projects/:projectId/forms',
  prepare: maliProject,
  send: (app, { project }) =>
    send(app, 'POST', `/api/collection/projects/${project}/forms`, { payload: Buffer.from(DEMO_SITE_FORM.replace('2021050101', '2021050102')), headers: { 'content-type': 'application/xml' } }),
  observe: (context) => countRows(context.db, 'collection_form_version'),
};

const COLLECTION_PUBLISH: RequestSpec = {
  route: 'POST /api/collection/projects/:projectId/forms/:xmlFormId/publish',
  async prepare(context) {
    const prepared = await maliProject(context);
    const upload = await send<{ version: { id: number } }>(context.app, 'POST', `/api/collection/projects/${prepared.project}/forms`, {
      payload: Buffer.from(DEMO_SITE_FORM.replace('2021050101', '2021050103')),
      headers: { 'content-type': 'application/xml' },
    });
    return { ...prepared, version: upload.body.version.id };
  },
  send: (app, { project, version }) => send(app, 'POST', `/api/collection/projects/${project}/forms/${DEMO_FORM_ID}/publish`, { payload: { versionId: version } }),
  observe: (context, { form }) => scalar(context, 'SELECT published_version_id::int AS value FROM collection_form WHERE id = $1', [form]),
};

const COLLECTION_MEDIA: RequestSpec = {
  route: 'POST /api/collection/projects/:projectId/forms/:xmlFormId/versions/:versionId/media',
  async prepare(context) {
    const prepared = await maliProject(context);
    const upload = await send<{ version: { id: number } }>(context.app, 'POST', `/api/collection/projects/${prepared.project}/forms`, {
      payload: Buffer.from(siteFormWithMedia()),
      headers: { 'content-type': 'application/xml' },
    });
    return { ...prepared, version: upload.body.version.id };
  },
  send: (app, { project, version }) =>
    send(app, 'POST', `/api/collection/projects/${project}/forms/${DEMO_FORM_ID}/versions/${version}/media?fileName=logo.png`, { payload: Buffer.from('PNG'), headers: { 'content-type': 'image/png' } }),
  observe: (context, { version }) => scalar(context, 'SELECT count(*)::int AS value FROM collection_form_attachment WHERE form_version_id = $1', [version]),
};

const COLLECTION_FORM_STATE: RequestSpec = {
  route: 'POST /api/collection/projects/:projectId/forms/:xmlFormId/state',
  prepare: maliProject,
  send: (app, { project }) => send(app, 'POST', `/api/collection/projects/${project}/forms/${DEMO_FORM_ID}/state`, { payload: { state: 'closed' } }),
  observe: (context, { form }) => scalar(context, 'SELECT state AS value FROM collection_form WHERE id = $1', [form]),
};

const COLLECTION_APP_USER: RequestSpec = {
  route: 'POST /api/collection/projects/:projectId/app-users',
  prepare: maliProject,
  send: (app, { project, form }) => send(app, 'POST', `/api/collection/projects/${project}/app-users`, { payload: { name: 'Téléphone 2', formIds: [form] } }),
  observe: (context) => countRows(context.db, 'collection_app_user'),
};

const COLLECTION_REVOKE: RequestSpec = {
  route: 'POST /api/collection/projects/:projectId/app-users/:appUserId/revoke',
  prepare: maliProject,
  send: (app, { project, appUser }) => send(app, 'POST', `/api/collection/projects/${project}/app-users/${appUser}/revoke`),
  observe: (context, { appUser }) => scalar(context, 'SELECT revoked_at IS NOT NULL AS value FROM collection_app_user WHERE id = $1', [appUser]),
};

const COLLECTION_REVIEW: RequestSpec = {
  route: 'POST /api/collection/projects/:projectId/forms/:xmlFormId/reviews',
  async prepare(context) {
    const prepared = await maliProject(context);
    const seedBase = `/v1/projects/${prepared.project}`;
    await postSubmission(context.app, seedBase, [xmlPart(siteSubmissionXml(siteAnswers()))]);
    const [row] = await context.db.query<{ id: number }>('SELECT id::int AS id FROM collection_submission ORDER BY id DESC LIMIT 1');
    return { ...prepared, submission: row!.id };
  },
  send: (app, { project, submission }) =>
    send(app, 'POST', `/api/collection/projects/${project}/forms/${DEMO_FORM_ID}/reviews`, { payload: { submissionIds: [submission], state: 'approved' } }),
  observe: (context, { submission }) => scalar(context, 'SELECT review_state AS value FROM collection_submission WHERE id = $1', [submission]),
};

// ---- assistance registry: TPN (the partner's organisation) registers in Mali ---------------------

async function tpnHousehold(context: TestContext): Promise<Prepared> {
  const seed = await seedResponse(context.app, context.db);
  return { ...seed, household: await register(context.app, seed.tpn, MAIGA_FIRST) };
}

/** Two TPN registrations of one family and the pair detection found between the heads. */
async function tpnPair(context: TestContext): Promise<Prepared> {
  const prepared = await tpnHousehold(context);
  await register(context.app, prepared.tpn!, MAIGA_SECOND);
  await send(context.app, 'POST', '/api/assistance/duplicates/detect', { payload: {} });
  const [row] = await context.db.query<{ id: number }>('SELECT id::int AS id FROM assistance_duplicate ORDER BY score DESC, id LIMIT 1');
  return { ...prepared, pair: row!.id };
}

const ASSISTANCE_REGISTER: RequestSpec = {
  route: 'POST /api/assistance/households',
  prepare: async (context) => ({ ...(await seedResponse(context.app, context.db)) }),
  send: (app, { tpn }) => send(app, 'POST', '/api/assistance/households', { payload: householdBody(tpn!, MAIGA_FIRST) }),
  observe: (context) => scalar(context, 'SELECT count(*)::int AS value FROM assistance_household'),
};

const ASSISTANCE_WITHDRAW: RequestSpec = {
  route: 'POST /api/assistance/households/:id/consent/withdraw',
  prepare: tpnHousehold,
  send: (app, { household }) => send(app, 'POST', `/api/assistance/households/${household}/consent/withdraw`, { payload: {} }),
  observe: (context) => scalar(context, 'SELECT count(*)::int AS value FROM assistance_consent WHERE withdrawn_at IS NOT NULL'),
};

const ASSISTANCE_DETECT: RequestSpec = {
  route: 'POST /api/assistance/duplicates/detect',
  async prepare(context) {
    const prepared = await tpnHousehold(context);
    await register(context.app, prepared.tpn!, MAIGA_SECOND);
    return prepared;
  },
  send: (app) => send(app, 'POST', '/api/assistance/duplicates/detect', { payload: {} }),
  observe: (context) => scalar(context, 'SELECT count(*)::int AS value FROM assistance_duplicate'),
};

const ASSISTANCE_DECIDE: RequestSpec = {
  route: 'POST /api/assistance/duplicates/:id/decision',
  prepare: tpnPair,
  send: (app, { pair }) => send(app, 'POST', `/api/assistance/duplicates/${pair}/decision`, { payload: { decision: 'different' } }),
  observe: (context, { pair }) => scalar(context, 'SELECT status AS value FROM assistance_duplicate WHERE id = $1', [pair]),
};

const ASSISTANCE_UNDO: RequestSpec = {
  route: 'POST /api/assistance/duplicates/:id/undo',
  async prepare(context) {
    const prepared = await tpnPair(context);
    await send(context.app, 'POST', `/api/assistance/duplicates/${prepared.pair}/decision`, { payload: { decision: 'same' } });
    return prepared;
  },
  send: (app, { pair }) => send(app, 'POST', `/api/assistance/duplicates/${pair}/undo`, { payload: {} }),
  observe: (context) => scalar(context, 'SELECT count(*)::int AS value FROM assistance_merge WHERE undone_at IS NOT NULL'),
};

/** A TPN household and an open TPN distribution of NFI kits in Bandiagara whose list holds it. */
async function tpnDistribution(context: TestContext): Promise<Prepared> {
  const prepared = await tpnHousehold(context);
  const reply = await send<{ distribution: { id: number } }>(context.app, 'POST', '/api/assistance/distributions', { payload: distributionBody(prepared.tpn!) });
  return { ...prepared, distribution: reply.body.distribution.id };
}


const ASSISTANCE_DISTRIBUTION: RequestSpec = {
  route: 'POST /api/assistance/distributions',
  prepare: tpnHousehold,
  send: (app, { tpn }) => send(app, 'POST', '/api/assistance/distributions', { payload: distributionBody(tpn!) }),
  observe: (context) => scalar(context, 'SELECT count(*)::int AS value FROM assistance_distribution'),
};

const ASSISTANCE_RECEIPT: RequestSpec = {
  route: 'POST /api/assistance/distributions/:id/receipts',
  prepare: tpnDistribution,
  send: (app, { distribution, household }) =>
    send(app, 'POST', `/api/assistance/distributions/${distribution}/receipts`, { payload: { householdId: household, receivedBy: 'chef de ménage', receivedAt: '2021-04-12' } }),
  observe: (context) => scalar(context, 'SELECT count(*)::int AS value FROM assistance_receipt'),
};

const ASSISTANCE_RECEIPTS: RequestSpec = {
  route: 'POST /api/assistance/distributions/:id/receipts/bulk',
  prepare: tpnDistribution,
  send: (app, { distribution, household }) =>
    send(app, 'POST', `/api/assistance/distributions/${distribution}/receipts/bulk`, { payload: { receipts: [{ householdId: household, receivedBy: 'chef de ménage', receivedAt: '2021-04-12' }] } }),
  observe: (context) => scalar(context, 'SELECT count(*)::int AS value FROM assistance_receipt'),
};

const ASSISTANCE_CLOSE: RequestSpec = {
  route: 'POST /api/assistance/distributions/:id/close',
  prepare: tpnDistribution,
  send: (app, { distribution }) => send(app, 'POST', `/api/assistance/distributions/${distribution}/close`, { payload: {} }),
  observe: (context) => scalar(context, "SELECT count(*)::int AS value FROM assistance_distribution WHERE status = 'closed'"),
};

const ASSISTANCE_OUTPUTS: RequestSpec = {
  route: 'GET /api/assistance/outputs',
  prepare: tpnDistribution,
  send: (app) => send(app, 'GET', '/api/assistance/outputs?country=ML'),
};

const ASSISTANCE_LIST_XLSX: RequestSpec = {
  route: 'GET /api/assistance/distributions/:id/list.xlsx',
  prepare: tpnDistribution,
  send: (app, { distribution }) => send(app, 'GET', `/api/assistance/distributions/${distribution}/list.xlsx`),
};

const TPN_REGISTRY = 'Household,Place,Given names,Family name,Sex,Birth year,Relation,Consent by\nH-1,ML0501,Awa,Traoré,f,1990,head,the head\n';

async function registryUpload(context: TestContext): Promise<Prepared> {
  const seed = await seedResponse(context.app, context.db);
  const reply = await send<{ upload: { id: number } }>(context.app, 'POST', `/api/assistance/imports/uploads?fileName=tpn.csv&organisationId=${seed.tpn}`, { headers: { 'content-type': 'text/csv' }, payload: Buffer.from(TPN_REGISTRY) });
  expect(reply.statusCode, reply.text).toBe(201);
  return { ...seed, upload: reply.body.upload.id };
}

const ASSISTANCE_IMPORT_UPLOAD: RequestSpec = {
  route: 'POST /api/assistance/imports/uploads',
  prepare: async (context) => ({ ...(await seedResponse(context.app, context.db)) }),
  send: (app, { tpn }) => send(app, 'POST', `/api/assistance/imports/uploads?fileName=tpn.csv&organisationId=${tpn}`, { headers: { 'content-type': 'text/csv' }, payload: Buffer.from(TPN_REGISTRY) }),
  observe: (context) => scalar(context, "SELECT count(*)::int AS value FROM file_upload WHERE module = 'assistance' AND complete"),
};

const ASSISTANCE_IMPORT_START: RequestSpec = {
  route: 'POST /api/assistance/imports/uploads/:id/start',
  prepare: registryUpload,
  send: (app, { upload }) => send(app, 'POST', `/api/assistance/imports/uploads/${upload}/start`, { payload: {} }),
  async observe(context) {
    await jobsSettled(context);
    return scalar(context, "SELECT count(*)::int AS value FROM job WHERE kind = 'assistance-import'");
  },
};

// ---- the matrix ---------------------------------------------------------------------------------

const MATRIX: ReadonlyArray<readonly [string, RequestSpec, ...Statuses]> = [
  //                                                                              admin  imMali manager enumNE partner viewer anonymous
  ['GET    /api/health',                                 HEALTH,                  200,   200,   200,    200,   200,    200,   200],
  ['GET    /api/plans/IOM-CSAHEL-2021 (published)',      READ_PLAN,               200,   200,   200,    200,   200,    200,   200],
  ['GET    /hapi/v2/coordination-context/funding',       HAPI_FUNDING,            200,   200,   200,    200,   200,    200,   200],
  ['GET    /api/plans/IOM-CSAHEL-2021/export',           EXPORT_PLAN,             200,   200,   200,    403,   200,    200,   401],
  ['GET    /api/users',                                  LIST_USERS,              200,   403,   403,    403,   403,    403,   401],
  ['GET    /api/roles',                                  LIST_ROLES,              200,   403,   403,    403,   403,    403,   401],
  ['GET    /api/audit',                                  READ_AUDIT,              200,   403,   403,    403,   403,    403,   401],
  ['HEAD   /api/audit',                                  HEAD_AUDIT,              200,   403,   403,    403,   403,    403,   401],
  ['GET    /api/audit/export',                           EXPORT_AUDIT,            200,   403,   403,    403,   403,    403,   401],
  ['GET    /api/tokens',                                 LIST_TOKENS,             200,   200,   200,    200,   200,    200,   401],
  ['POST   /api/plans/IOM-CSAHEL-2021/contributions',    RECORD_CONTRIBUTION,     201,   201,   201,    403,   403,    403,   401],
  ['PATCH  /api/plans/IOM-CSAHEL-2021/contributions/:id', CHANGE_CONTRIBUTION,    200,   200,   200,    403,   403,    403,   401],
  ['PATCH  /api/plans/IOM-CSAHEL-2021 (revision)',       REVISE_PLAN,             200,   403,   200,    403,   403,    403,   401],
  ['PATCH  /api/plans/IOM-CSAHEL-2021/objectives/:id',   REVISE_OBJECTIVE,        200,   403,   200,    403,   403,    403,   401],
  ['PATCH  /api/plans/IOM-CSAHEL-2021/areas/:id',        REVISE_AREA,             200,   403,   200,    403,   403,    403,   401],
  ['POST   /api/geo/imports (a Mali gazetteer)',         IMPORT_GEOGRAPHY,        201,   201,   403,    403,   403,    403,   401],
  ['POST   /api/plans/imports (a Mali-only plan)',       IMPORT_PLAN,             201,   201,   403,    403,   403,    403,   401],
  // An upload without an operation is its sender's alone (dtm-import-scope); importing into Mali needs Mali in scope.
  ['POST   /api/dtm/uploads',                            UPLOAD_ROUND,            201,   201,   403,    201,   403,    403,   401],
  ['POST   /api/dtm/uploads/:id/import (Mali)',          IMPORT_ROUND,            202,   202,   403,    403,   403,    403,   401],
  ['POST   /api/dtm/rounds/:id/decisions (Mali)',        REVIEW_ROUND,            200,   200,   403,    403,   403,    403,   401],
  ['POST   /api/dtm/rounds/:id/status (publish, Mali)',  PUBLISH_ROUND,           200,   200,   403,    403,   403,    403,   401],
  // Binding a Mali form and making rounds from it: whoever may import Mali rounds (the Niger enumerator's binding of a Mali form is 404 or 403).
  ['PUT    /api/dtm/form-bindings (Mali form)',          BIND_FORM,               200,   200,   403,    403,   403,    403,   401],
  ['POST   /api/dtm/form-bindings/:id/rounds',           DRAFT_FROM_FORM,         202,   202,   403,    404,   403,    403,   401],
  ['DELETE /api/dtm/form-bindings/:id',                  UNBIND_FORM,             200,   200,   403,    404,   403,    403,   401],
  ...RESPONSE_READS.map((spec) => [spec.route, spec, 200, 200, 200, 200, 200, 200, 401] as const),
  ['GET    /api/response/plan-areas', RESPONSE_PLAN_AREAS, 200, 200, 200, 200, 200, 200, 401],
  ['GET    /api/response/reports/export',           RESPONSE_EXPORT,         200,   200,   200,    403,   200,    200,   401],
  ['GET    /hapi/v2/coordination-context/operational-presence', HAPI_PRESENCE, 200,   200,   200,    200,   200,    200,   200],
  ['POST   /api/response/organisations',               RESPONSE_ORGANISATION,   201,   201,   403,    403,   403,    403,   401],
  ['POST   /api/response/organisations/:id/aliases',   RESPONSE_ALIAS,          200,   200,   403,    403,   403,    403,   401],
  ['POST   /api/response/sector-labels',               RESPONSE_SECTOR_LABEL,   200,   200,   403,    403,   403,    403,   401],
  ['POST   /api/response/activities',                  RESPONSE_ACTIVITY,       201,   201,   403,    403,   403,    403,   401],
  ['POST   /api/response/periods (Mali)',              RESPONSE_PERIOD,         201,   201,   403,    403,   403,    403,   401],
  ['POST   /api/response/needs (Mali HNO)',            RESPONSE_NEEDS,          201,   201,   403,    403,   403,    403,   401],
  ['PUT    /api/response/sphere-thresholds/:code',     RESPONSE_SPHERE,         200,   200,   403,    403,   403,    403,   401],
  ['POST   /api/response/periods/:id/status (close)',  RESPONSE_PERIOD_STATUS,  200,   200,   403,    403,   403,    403,   401],
  ['POST   /api/response/periods/:id/unlock',          RESPONSE_UNLOCK,         200,   403,   403,    403,   403,    403,   401],
  // The partner reports for its own organisation (TPN); the Mali officer for anyone in Mali.
  ['POST   /api/response/reports (TPN, Mali)',         RESPONSE_REPORT,         201,   201,   403,    403,   201,    403,   401],
  ['PUT    /api/response/reports/:id (TPN draft)',     RESPONSE_REPORT_UPDATE,  200,   200,   403,    403,   200,    403,   401],
  ['POST   /api/response/reports/submit',              RESPONSE_SUBMIT,         200,   200,   403,    403,   200,    403,   401],
  ['POST   /api/response/reports/decisions (approve)', RESPONSE_DECIDE,         200,   200,   200,    403,   403,    403,   401],
  // 5W imports: the partner for its own organisation, the Mali officer for any in Mali; another's upload or job is 404.
  ['POST   /api/response/imports/uploads (Mali)',     RESPONSE_IMPORT_UPLOAD,  201,   201,   403,    403,   201,    403,   401],
  ['POST   /api/response/imports/uploads/:id/start',  RESPONSE_IMPORT_START,   202,   202,   403,    403,   202,    403,   401],
  ['GET    /api/response/imports/uploads/:id',        RESPONSE_IMPORT_PREVIEW, 200,   200,   403,    403,   404,    403,   401],
  ['GET    /api/response/imports/jobs/:id',           RESPONSE_IMPORT_JOB,     200,   200,   403,    403,   404,    403,   401],
  ['GET    /api/response/imports',                    RESPONSE_IMPORTS,        200,   200,   403,    403,   200,    403,   401],
  // Collection in Mali: managed by the administrator and the Mali officer; reviewed by the programme manager too.
  ['POST   /api/collection/projects (Mali)',             COLLECTION_PROJECT,      201,   201,   403,    403,   403,    403,   401],
  ['POST   /api/collection/projects/:id/forms',          COLLECTION_FORM,         201,   201,   403,    403,   403,    403,   401],
  ['POST   …/forms/:xmlFormId/publish',                  COLLECTION_PUBLISH,      200,   200,   403,    403,   403,    403,   401],
  ['POST   …/forms/:xmlFormId/state (close)',            COLLECTION_FORM_STATE,   200,   200,   403,    403,   403,    403,   401],
  ['POST   …/versions/:versionId/media (logo.png)',      COLLECTION_MEDIA,        200,   200,   403,    403,   403,    403,   401],
  ['POST   /api/collection/projects/:id/app-users',      COLLECTION_APP_USER,     201,   201,   403,    403,   403,    403,   401],
  ['POST   …/app-users/:appUserId/revoke',               COLLECTION_REVOKE,       200,   200,   403,    403,   403,    403,   401],
  ['POST   …/forms/:xmlFormId/reviews (approve)',        COLLECTION_REVIEW,       200,   200,   200,    403,   403,    403,   401],
  // The registry: registered and reviewed by the administrator, the Mali officer and the partner for its own organisation.
  // The OData feed Excel and Power BI read: collection.read in Mali; the Niger officer and the partner (no collection project in their scope) get 404, as for every project read.
  ['GET    …/forms/:xmlFormId.svc (OData service)',    COLLECTION_ODATA_SERVICE, 200,  200,   200,    404,  404,    200,   401],
  ['GET    …/forms/:xmlFormId.svc/$metadata',          COLLECTION_ODATA_METADATA, 200, 200,   200,    404,  404,    200,   401],
  ['GET    …/forms/:xmlFormId/submissions.xlsx',       COLLECTION_XLSX,         200,   200,   200,    404,  404,    200,   401],
  ['GET    …/forms/:xmlFormId.svc/Submissions.need',   COLLECTION_ODATA_ROWS,   200,   200,   200,    404,  404,    200,   401],
  // What the web outbox asks before sending: whoever may submit to the project (the Niger enumerator may not in Mali: 404).
  ['GET    …/forms/:xmlFormId/receipt',                COLLECTION_RECEIPT,      200,   200,   403,    404,   403,    403,   401],
  ['POST   /api/assistance/households (TPN, Mali)',     ASSISTANCE_REGISTER,     201,   201,   403,    403,   201,    403,   401],
  ['POST   …/households/:id/consent/withdraw',          ASSISTANCE_WITHDRAW,     200,   200,   403,    403,   200,    403,   401],
  ['POST   /api/assistance/duplicates/detect',          ASSISTANCE_DETECT,       200,   200,   403,    403,   200,    403,   401],
  ['POST   /api/assistance/duplicates/:id/decision',    ASSISTANCE_DECIDE,       200,   200,   403,    403,   200,    403,   401],
  ['POST   /api/assistance/duplicates/:id/undo',        ASSISTANCE_UNDO,         200,   200,   403,    403,   200,    403,   401],
  ['POST   /api/assistance/distributions (TPN)',         ASSISTANCE_DISTRIBUTION, 201,   201,   403,    403,   201,    403,   401],
  ['POST   …/distributions/:id/receipts',                ASSISTANCE_RECEIPT,      201,   201,   403,    403,   201,    403,   401],
  ['POST   …/distributions/:id/receipts/bulk',           ASSISTANCE_RECEIPTS,     201,   201,   403,    403,   201,    403,   401],
  ['POST   …/distributions/:id/close',                   ASSISTANCE_CLOSE,        200,   200,   403,    403,   200,    403,   401],
  ['GET    /api/assistance/outputs (aggregates)',       ASSISTANCE_OUTPUTS,      200,   200,   200,    403,   200,    200,   401],
  ['GET    …/distributions/:id/list.xlsx (TPN)',         ASSISTANCE_LIST_XLSX,    200,   200,   403,    403,   200,    403,   401],
  ['POST   /api/assistance/imports/uploads (TPN)',      ASSISTANCE_IMPORT_UPLOAD, 201,  201,   403,    403,   201,    403,   401],
  ['POST   …/imports/uploads/:id/start (TPN)',          ASSISTANCE_IMPORT_START, 202,   202,   403,    403,   202,    403,   401],
  ['POST   /api/users',                                  CREATE_USER,             201,   403,   403,    403,   403,    403,   401],
  ['PATCH  /api/users/:id',                              CHANGE_USER,             200,   403,   403,    403,   403,    403,   401],
  ['POST   /api/users/:id/unlock',                       UNLOCK_USER,             200,   403,   403,    403,   403,    403,   401],
  ['POST   /api/organisations',                          CREATE_ORGANISATION,     201,   403,   403,    403,   403,    403,   401],
  // Every role may manage its own account and tokens: only a narrowed token gets 403 here (access-sessions).
  ['POST   /api/tokens',                                 CREATE_TOKEN,            201,   201,   201,    201,   201,    201,   401],
  ['DELETE /api/tokens/:id (own token)',                 REVOKE_TOKEN,            204,   204,   204,    204,   204,    204,   401],
  ['PATCH  /api/account',                                CHANGE_ACCOUNT,          200,   200,   200,    200,   200,    200,   401],
];

/** Write routes tested elsewhere, and why they are not rows of the matrix. */
const WRITES_TESTED_ELSEWHERE: Record<string, string> = {
  'POST /api/auth/sign-in': 'public; access-sessions signs in every way',
  'POST /api/auth/sign-out': 'needs a session; access-sessions',
  'POST /api/account/password': 'access-sessions (password policy)',
  'PATCH /api/plans/:code/country-lines/:id': 'the 2021 plan has no country lines; same guard as the other revision routes',
  'POST /api/dtm/jobs/:id/retry': 'dtm-import (a finished job cannot be run again); same verb and operation scope as the import',
};

const cells = MATRIX.flatMap(([label, spec, ...statuses]) =>
  PERSONAS.map((persona, index) => ({ label: label.replace(/\s+/g, ' '), spec, persona, status: statuses[index]! })),
);

const isWrite = (route: string): boolean => !/^(GET|HEAD) /.test(route);

describe('the persona × route matrix itself', () => {
  it('gives each write row a success, a 401 and a 403 (a 403 only where every role lacks nothing)', () => {
    for (const [label, spec, ...statuses] of MATRIX) {
      if (!isWrite(spec.route)) continue;
      expect(statuses.some((status) => status >= 200 && status < 300), label).toBe(true);
      expect(statuses, label).toContain(401);
      const everyRoleMay = ['POST /api/tokens', 'DELETE /api/tokens/:id', 'PATCH /api/account'].includes(spec.route);
      if (!everyRoleMay) expect(statuses, label).toContain(403);
      expect(spec.observe, `${label} checks what it changes`).toBeDefined();
    }
  });
});

describeEachDatabase('who may do what', (context) => {
  it('has a row for every write route of every module, or says where it is tested', () => {
    const inMatrix = new Set(MATRIX.map(([, spec]) => spec.route));
    const isApiWrite = (route: { method: string; url: string }): boolean => /^\/(api|hapi|dtm)\//.test(route.url) && isWrite(`${route.method} `);
    // Routes are discovered through the module contract: a module added to src/modules.ts is checked here unedited.
    for (const module of MODULES) {
      const writes = [...new Set(context.app.moduleRoutes.filter((route) => route.module === module.name && isApiWrite(route)).map((route) => `${route.method} ${route.url}`))];
      const untested = writes.filter((route) => !inMatrix.has(route) && !(route in WRITES_TESTED_ELSEWHERE));
      expect(untested, module.name).toEqual([]);
    }
    // And no write reaches the app outside a module (core's own routes only read).
    const ofModules = new Set(context.app.moduleRoutes.map((route) => `${route.method} ${route.url}`));
    expect(context.app.guardedRoutes.filter(isApiWrite).filter((route) => !ofModules.has(`${route.method} ${route.url}`))).toEqual([]);
    // And the matrix names real routes only.
    const known = new Set(context.app.guardedRoutes.map((route) => `${route.method} ${route.url}`));
    for (const route of inMatrix) expect(known, route).toContain(route);
  });

  it('says that accounts and tokens are open to every role, as the matrix assumes', async () => {
    const roles = await context.db.query<{ code: string; verbs: string[] }>("SELECT code, verbs FROM role WHERE code <> 'public'");
    for (const role of roles) expect(role.verbs, role.code).toContain('account.manage');
  });

  it.each(cells)('$persona: $label → $status', async ({ spec, persona, status }) => {
    if (spec.plan) await loadCsahelPlan(context.app);
    const prepared = (await spec.prepare?.(context, persona)) ?? {};
    const before = await spec.observe?.(context, prepared);
    const [mark] = await context.db.query<{ last: number }>('SELECT coalesce(max(id), 0)::int AS last FROM audit_event');
    const reply = await spec.send(context.as(persona), prepared);
    expect(reply.statusCode, reply.text).toBe(status);
    if (isWrite(spec.route)) {
      // Every write is on record: an accepted one under its action in the domain's words (written
      // in its transaction, never the guard's bare-route fallback), a refused one as a failure.
      const rows = await context.db.query<{ action: string; outcome: string }>("SELECT action, outcome FROM audit_event WHERE id > $1 AND action <> 'token.use'", [mark!.last]);
      if (status < 300) expect(rows.filter((row) => row.outcome === 'success').length, JSON.stringify(rows)).toBeGreaterThan(0);
      else expect(rows.filter((row) => row.outcome === 'failure').length, JSON.stringify(rows)).toBeGreaterThan(0);
      expect(rows.filter((row) => /^(POST|PUT|PATCH|DELETE) /.test(row.action))).toEqual([]);
    }
    if (status === 401 && spec.route.startsWith('HEAD') === false) expect(reply.body.error!.code).toBe('auth.required');
    if (status === 403 && spec.route.startsWith('HEAD') === false) expect(reply.body.error!.code).toBe('auth.forbidden');
    if (spec.observe) {
      const after = await spec.observe(context, prepared);
      if (status < 300) expect(after, 'an accepted write changes the database').not.toEqual(before);
      else expect(after, 'a refused write changes nothing').toEqual(before);
    }
  });
});

describeEachDatabase('plans that are not for everyone', (context) => {
  it('hides a draft plan from anonymous callers (404, absent from the list) but shows it to a signed-in reader', async () => {
    await loadCsahelPlan(context.app);
    await importPlanVariant(context.app, { code: 'IOM-CSAHEL-DRAFT', status: 'draft' });
    const anonymous = context.as('anonymous');

    const draft = await send(anonymous, 'GET', '/api/plans/IOM-CSAHEL-DRAFT');
    expect(draft.statusCode).toBe(404);
    expect(draft.body.error!.code).toBe('plans.notFound');
    // The same answer as for a plan that does not exist: the draft's existence does not leak.
    const missing = await send(anonymous, 'GET', '/api/plans/NO-SUCH-PLAN');
    expect(missing.statusCode).toBe(404);
    expect(missing.body.error!.code).toBe(draft.body.error!.code);

    for (const url of ['/api/plans/IOM-CSAHEL-DRAFT/contributions', '/api/plans/IOM-CSAHEL-DRAFT/funding-over-time', '/api/plans/IOM-CSAHEL-DRAFT/changes']) {
      expect((await send(anonymous, 'GET', url)).statusCode, url).toBe(404);
    }
    const anonymousList = await send<{ plans: Array<{ code: string }> }>(anonymous, 'GET', '/api/plans');
    expect(anonymousList.body.plans.map((plan) => plan.code)).toEqual([CSAHEL]);
    const hapi = await send<{ data: Array<{ appeal_code: string }> }>(anonymous, 'GET', '/hapi/v2/coordination-context/funding');
    expect(new Set(hapi.body.data.map((row) => row.appeal_code))).toEqual(new Set([CSAHEL]));

    const viewerList = await send<{ plans: Array<{ code: string }> }>(context.as('viewer'), 'GET', '/api/plans');
    expect(viewerList.body.plans.map((plan) => plan.code).sort()).toEqual([CSAHEL, 'IOM-CSAHEL-DRAFT']);
    expect((await send(context.as('viewer'), 'GET', '/api/plans/IOM-CSAHEL-DRAFT')).statusCode).toBe(200);
  });

  it('lets a Mali officer read a published Burkina-only plan like anyone, but not write to it (403), storing nothing', async () => {
    await importPlanVariant(context.app, { code: 'BFA-ONLY-2021', countries: ['BF'] });
    const mali = context.as('imOfficerMali');

    const write = await send(mali, 'POST', '/api/plans/BFA-ONLY-2021/contributions', { payload: paidUsd(5000) });
    expect(write.statusCode).toBe(403);
    expect(write.body.error!.code).toBe('auth.forbidden');
    expect(await contributionCount(context.db, 'BFA-ONLY-2021')).toBe(0);
    // A published plan is public: the officer reads it as the public does.
    expect((await send(mali, 'GET', '/api/plans/BFA-ONLY-2021')).statusCode).toBe(200);
    const list = await send<{ plans: Array<{ code: string }> }>(mali, 'GET', '/api/plans');
    expect(list.body.plans.map((plan) => plan.code)).toContain('BFA-ONLY-2021');

    // A draft for Burkina Faso, though, does not exist for the Mali officer: 404 to read and write.
    await importPlanVariant(context.app, { code: 'BFA-DRAFT-2021', countries: ['BF'], status: 'draft' });
    expect((await send(mali, 'GET', '/api/plans/BFA-DRAFT-2021')).statusCode).toBe(404);
    const draftWrite = await send(mali, 'POST', '/api/plans/BFA-DRAFT-2021/contributions', { payload: paidUsd(5000) });
    expect(draftWrite.statusCode).toBe(404);
    expect(await contributionCount(context.db, 'BFA-DRAFT-2021')).toBe(0);

    // Someone whose scope covers Burkina Faso records the same contribution.
    const manager = await send(context.as('programmeManager'), 'POST', '/api/plans/BFA-ONLY-2021/contributions', { payload: paidUsd(5000) });
    expect(manager.statusCode).toBe(201);
    expect(await contributionCount(context.db, 'BFA-ONLY-2021')).toBe(1);
  });

  it('refuses (403) a Mali officer importing a plan for Burkina Faso, or re-importing one to change its figures', async () => {
    const mali = context.as('imOfficerMali');
    const importAs = (app: LiptakoApp, text: string, fileName: string) =>
      send(app, 'POST', `/api/plans/imports?fileName=${fileName}`, { headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.from(text) });

    const create = await importAs(mali, planVariant({ code: 'BFA-ONLY-2021', countries: ['BF'] }), 'bfa.yaml');
    expect(create.statusCode, create.text).toBe(403);
    expect(create.body.error!.code).toBe('auth.forbidden');
    expect(await countRows(context.db, 'plan')).toBe(0);

    // The administrator creates it; the officer cannot change its figures through a new file,
    // even one that claims the plan is Malian.
    await importPlanVariant(context.app, { code: 'BFA-ONLY-2021', countries: ['BF'] });
    const revised = planVariant({ code: 'BFA-ONLY-2021', countries: ['ML'] }).replace(/^requirementsUsd: .*$/m, 'requirementsUsd: 1');
    const update = await importAs(mali, revised, 'bfa-revised.yaml');
    expect(update.statusCode, update.text).toBe(403);
    const [plan] = await context.db.query<{ revised: string }>("SELECT revised_requirements_usd AS revised FROM plan WHERE code = 'BFA-ONLY-2021'");
    expect(Number(plan!.revised)).toBe(68_350_000);

    // Nor add FTS flows to it.
    const flows = JSON.stringify({
      data: {
        flows: [
          { id: 9001, amountUSD: 250000, originalAmount: 250000, originalCurrency: 'USD', status: 'paid', date: '2021-06-01T00:00:00Z', sourceObjects: [{ type: 'Organization', name: 'Sweden' }], destinationObjects: [{ type: 'Plan', id: 1, name: 'Burkina', code: 'BFA-ONLY-2021' }] },
        ],
      },
    });
    expect((await importAs(mali, flows, 'flows.json')).statusCode).toBe(403);
    expect(await contributionCount(context.db, 'BFA-ONLY-2021')).toBe(0);
    // The same files from someone whose scope covers Burkina Faso go through.
    expect((await importAs(context.app, flows, 'flows.json')).statusCode).toBe(201);
    expect(await contributionCount(context.db, 'BFA-ONLY-2021')).toBe(1);
  });

  it('lets the Mali officer record a contribution to a plan that covers Mali, earmarked to Mali', async () => {
    await loadCsahelPlan(context.app);
    const reply = await send<{ contribution: { earmark: { country: string } } }>(context.as('imOfficerMali'), 'POST', `/api/plans/${CSAHEL}/contributions`, {
      payload: paidUsd(1000, { earmark: { level: 'country', country: 'ML' } }),
    });
    expect(reply.statusCode, reply.text).toBe(201);
    expect(await contributionCount(context.db)).toBe(1);
  });
});
