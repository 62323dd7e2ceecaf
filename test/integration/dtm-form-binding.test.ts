/**
 * Collected data flows on (issue 14): a DTM site-assessment form bound to the Mali operation, 50
 * submissions sent through the OpenRosa route by a phone (some with errors DTM validation
 * catches), reviewed, then made into a draft round whose findings are exactly the planted ones,
 * each naming its submission; published the ordinary way, it changes the dashboard. Bad input at
 * each step is refused with a catalogued message and stores nothing.
 */
import { expect, it } from 'vitest';
import { upsertOperation } from '../../src/displacement/queries.js';
import { postSubmission, xmlPart } from '../support/collection.js';
import { MALI, seedMali, waitForJob, type JobBody } from '../support/dtm.js';
import { DTM_FORM_ID, DTM_FORM_MAPPING, seedDtmForm, siteAssessment, siteAssessmentXml, type DtmFormSeed, type SiteAssessment } from '../support/dtm-form.js';
import { describeEachDatabase, type TestContext } from '../support/harness.js';
import { call, send } from '../support/http.js';

const NIGER = { code: 'NER-CONFLICT', name: 'Niger Conflict', nameFr: 'Conflit au Niger', country: 'NE', ageRanges: ['0-4', '5-17', '18-59', '60+'] };

interface PanelBody {
  form: { formId: string; country: string };
  questions: Array<{ path: string; suggested: string | null }>;
  operations: Array<{ code: string }>;
  binding: { id: number; operation: string; mapping: Record<string, string | null> } | null;
  rounds: Array<{ roundId: number; number: number; status: string; rowsRead: number; rowsStored: number }>;
}
interface BindBody {
  binding: { id: number; operation: string; assessmentType: string; mapping: Record<string, string | null> };
  created: boolean;
}
interface DraftBody extends JobBody {
  extract: { uploadId: number; fileName: string; submissions: number };
}
interface IssuesBody {
  total: number;
  issues: Array<{ id: number; row: number; column: string | null; rule: string; severity: string; message: string; source: { instanceId: string; submissionId: number } | null }>;
}
interface ErrorBody {
  error: { code: string; message: string };
}
interface SummaryBody {
  round: { id: number; number: number } | null;
  totals: { individuals: number; households: number; females: number; males: number; locations: number } | null;
}

const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** Where the planted errors are (submission index → what DTM validation must say). */
const PLANTED: Record<number, { rule: string; column: string; over: Partial<SiteAssessment> }> = {
  3: { rule: 'partsAboveTotal', column: '/data/femmes', over: { femmes: 5000 } },
  11: { rule: 'partsAboveTotal', column: '/data/femmes', over: { femmes: 9999 } },
  17: { rule: 'partsAboveTotal', column: '/data/menages', over: { menages: 99_999 } },
  8: { rule: 'pcodeUnknown', column: '/data/admin2_pcode', over: { admin2_pcode: 'ML0599' } },
  24: { rule: 'pcodeUnknown', column: '/data/admin2_pcode', over: { admin2_pcode: 'ML0999' } },
  30: { rule: 'badDate', column: '/data/date_evaluation', over: { date_evaluation: '2026-02-30' } },
  41: { rule: 'badDate', column: '/data/date_evaluation', over: { date_evaluation: '2021-13-01' } },
};
/** Sent but not approved: never part of the round. */
const REJECTED = new Set([5, 33]);
const LEFT_RECEIVED = new Set([47]);

async function countOf(context: TestContext, table: string): Promise<number> {
  const [row] = await context.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return row!.n;
}

/** What a refused request must leave untouched. */
const storedCounts = async (context: TestContext): Promise<number[]> =>
  Promise.all(['dtm_form_binding', 'dtm_binding_extract', 'file_upload', 'dtm_upload_source', 'dtm_round', 'dtm_figure', 'dtm_issue', 'job'].map((table) => countOf(context, table)));

describeEachDatabase('a collection form bound to a DTM operation', (context) => {
  /** The Mali operation and gazetteer, the DTM form published with a phone, 50 submissions sent by the phone and reviewed. */
  async function collected(): Promise<{ seed: DtmFormSeed; sites: SiteAssessment[]; approved: SiteAssessment[]; submissionIds: Map<string, number> }> {
    await seedMali(context.app, context.db);
    const seed = await seedDtmForm(context.app);
    const today = day(0);
    const sites = Array.from({ length: 50 }, (_unused, index) => siteAssessment(index, today, PLANTED[index]?.over ?? {}));
    // The phone's own OpenRosa base (its token in the path): no session, no API token.
    const phone = context.as('anonymous');
    for (const site of sites) {
      const posted = await postSubmission(phone, seed.phoneBase, [xmlPart(siteAssessmentXml(site))]);
      expect(posted.statusCode, posted.text).toBe(201);
    }
    const list = await call<{ submissions: Array<{ id: number; instanceId: string }>; total: number }>(
      context.app,
      'GET',
      `/api/collection/projects/${seed.projectId}/forms/${DTM_FORM_ID}/submissions?limit=100`,
    );
    expect(list.body.total).toBe(50);
    const submissionIds = new Map(list.body.submissions.map((submission) => [submission.instanceId, submission.id]));
    const review = async (state: string, chosen: SiteAssessment[]): Promise<void> => {
      const reviewed = await call(context.app, 'POST', `/api/collection/projects/${seed.projectId}/forms/${DTM_FORM_ID}/reviews`, {
        submissionIds: chosen.map((site) => submissionIds.get(site.instanceId)!),
        state,
      });
      expect(reviewed.statusCode, reviewed.text).toBe(200);
    };
    const approved = sites.filter((_site, index) => !REJECTED.has(index) && !LEFT_RECEIVED.has(index));
    await review('approved', approved);
    await review('rejected', sites.filter((_site, index) => REJECTED.has(index)));
    return { seed, sites, approved, submissionIds };
  }

  async function bind(seed: DtmFormSeed): Promise<number> {
    const bound = await call<BindBody>(context.as('imOfficerMali'), 'PUT', '/api/dtm/form-bindings', {
      projectId: seed.projectId,
      formId: DTM_FORM_ID,
      operation: MALI.code,
      assessmentType: 'SA',
      mapping: DTM_FORM_MAPPING,
    });
    expect(bound.statusCode, bound.text).toBe(200);
    return bound.body.binding.id;
  }

  it('suggests round fields for the questions, binds the form, and turns the approved submissions into a draft round whose findings are the planted errors, then publishes it', async () => {
    const { seed, sites, approved, submissionIds } = await collected();

    // The panel offers the Mali operation and suggests fields from the questions' names and labels.
    const panel = await call<PanelBody>(context.as('imOfficerMali'), 'GET', `/api/dtm/form-bindings?projectId=${seed.projectId}&formId=${DTM_FORM_ID}`);
    expect(panel.statusCode, panel.text).toBe(200);
    expect(panel.body.operations.map((operation) => operation.code)).toEqual([MALI.code]);
    expect(panel.body.binding).toBeNull();
    const suggested = Object.fromEntries(panel.body.questions.map((question) => [question.path, question.suggested]));
    expect(Object.keys(suggested).sort()).toEqual(Object.keys(DTM_FORM_MAPPING).sort());
    // The mapping step's own vocabulary reads every question but the displacement date (the officer names it).
    expect({ ...suggested, '/data/date_deplacement': 'arrivalPeriod' }).toEqual(DTM_FORM_MAPPING);

    const bindingId = await bind(seed);
    const audit = await context.db.query<{ action: string }>("SELECT action FROM audit_event WHERE action LIKE 'dtm.binding.%' AND outcome = 'success' ORDER BY id");
    expect(audit.map((row) => row.action)).toEqual(['dtm.binding.save']);

    // Before: nothing published for Mali.
    const before = await call<SummaryBody>(context.app, 'GET', `/api/dtm/operations/${MALI.code}/summary`);
    expect(before.body.totals).toBeNull();

    const made = await call<DraftBody>(context.as('imOfficerMali'), 'POST', `/api/dtm/form-bindings/${bindingId}/rounds`, { roundNumber: 1, periodStart: day(-1), periodEnd: day(1) });
    expect(made.statusCode, made.text).toBe(202);
    expect(made.body.extract.submissions).toBe(approved.length);
    const job = await waitForJob(context.app, made.body.job.id);
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    const planted = Object.keys(PLANTED).map(Number);
    expect(job.result).toMatchObject({ rowsRead: approved.length, rowsStored: approved.length - planted.length, errors: planted.length, warnings: 0 });
    expect(job.result!.byRule).toEqual({ partsAboveTotal: 3, pcodeUnknown: 2, badDate: 2 });
    const roundId = job.result!.roundId as number;

    // Each finding: the planted rule, on the planted submission's row and question, naming that submission.
    const issues = await call<IssuesBody>(context.as('imOfficerMali'), 'GET', `/api/dtm/rounds/${roundId}/issues?limit=100`, undefined, { 'accept-language': 'fr' });
    expect(issues.body.total).toBe(planted.length);
    const rowOf = (site: SiteAssessment): number => approved.indexOf(site) + 2;
    const expected = planted
      .map((index) => ({ rule: PLANTED[index]!.rule, column: PLANTED[index]!.column, row: rowOf(sites[index]!), instanceId: sites[index]!.instanceId, submissionId: submissionIds.get(sites[index]!.instanceId)! }))
      .sort((a, b) => a.row - b.row);
    const found = issues.body.issues
      .map((issue) => ({ rule: issue.rule, column: issue.column, row: issue.row, instanceId: issue.source?.instanceId, submissionId: issue.source?.submissionId }))
      .sort((a, b) => a.row - b.row);
    expect(found).toEqual(expected);
    expect(issues.body.issues.every((issue) => issue.severity === 'error' && issue.message !== issue.rule)).toBe(true);

    // Each stored figure keeps its submission: the round's rows name the instanceIDs of the clean approved submissions.
    const locations = await call<{ total: number; locations: Array<{ name: string; sourceRow: number; sourceInstanceId: string | null }> }>(
      context.as('imOfficerMali'),
      'GET',
      `/api/dtm/operations/${MALI.code}/locations?round=${roundId}&limit=100`,
    );
    const clean = approved.filter((site) => !planted.some((index) => sites[index] === site));
    expect(locations.body.total).toBe(clean.length);
    expect(locations.body.locations.map((location) => location.sourceInstanceId).sort()).toEqual(clean.map((site) => site.instanceId).sort());
    for (const location of locations.body.locations) expect(approved[location.sourceRow - 2]!.instanceId).toBe(location.sourceInstanceId);

    // Reviewed and published the ordinary way: errors excluded, then publication.
    const decided = await call(context.as('imOfficerMali'), 'POST', `/api/dtm/rounds/${roundId}/decisions`, { ids: issues.body.issues.map((issue) => issue.id), decision: 'excluded' });
    expect(decided.statusCode, decided.text).toBe(200);
    const published = await call<{ round: { status: string } }>(context.as('imOfficerMali'), 'POST', `/api/dtm/rounds/${roundId}/status`, { status: 'published' });
    expect(published.statusCode, published.text).toBe(200);

    // The public dashboard changes: the clean submissions' people, in the published round.
    const after = await call<SummaryBody>(context.as('anonymous'), 'GET', `/api/dtm/operations/${MALI.code}/summary`);
    expect(after.body.round?.id).toBe(roundId);
    expect(after.body.totals).toMatchObject({
      individuals: clean.reduce((sum, site) => sum + Number(site.individus), 0),
      households: clean.reduce((sum, site) => sum + Number(site.menages), 0),
      locations: clean.length,
    });

    // The panel links to the round; remaking a published round is refused and stores nothing.
    const linked = await call<PanelBody>(context.as('imOfficerMali'), 'GET', `/api/dtm/form-bindings?projectId=${seed.projectId}&formId=${DTM_FORM_ID}`);
    expect(linked.body.rounds).toEqual([expect.objectContaining({ roundId, number: 1, status: 'published', rowsRead: approved.length, rowsStored: clean.length })]);
    const counts = await storedCounts(context);
    const locked = await call<ErrorBody>(context.as('imOfficerMali'), 'POST', `/api/dtm/form-bindings/${bindingId}/rounds`, { roundNumber: 1, periodStart: day(-1), periodEnd: day(1) }, { 'accept-language': 'fr' });
    expect(locked.statusCode).toBe(409);
    expect(locked.body.error.code).toBe('dtm.round.notDraft');
    expect(locked.body.error.message).toMatch(/ne peuvent plus être remplacés/);
    expect(await storedCounts(context)).toEqual(counts);
  });

  it('makes the same draft again as a no-op and counts only approved submissions of the period', async () => {
    const { seed, approved } = await collected();
    const bindingId = await bind(seed);
    const first = await call<DraftBody>(context.app, 'POST', `/api/dtm/form-bindings/${bindingId}/rounds`, { roundNumber: 2, periodStart: day(0), periodEnd: day(0), referenceDate: day(0) });
    const firstJob = await waitForJob(context.app, first.body.job.id);
    expect(firstJob.result).toMatchObject({ rowsRead: approved.length, alreadyImported: false });
    const again = await call<DraftBody>(context.app, 'POST', `/api/dtm/form-bindings/${bindingId}/rounds`, { roundNumber: 2, periodStart: day(0), periodEnd: day(0), referenceDate: day(0) });
    const againJob = await waitForJob(context.app, again.body.job.id);
    expect(againJob.result).toMatchObject({ alreadyImported: true, importId: firstJob.result!.importId });
  });

  it('refuses a binding to an unknown question or field, an incomplete mapping, another country’s operation or by someone outside Mali, storing nothing', async () => {
    await seedMali(context.app, context.db);
    await upsertOperation(context.db, NIGER);
    const seed = await seedDtmForm(context.app);
    const before = await storedCounts(context);
    const attempt = async (body: Record<string, unknown>, as: Parameters<TestContext['as']>[0] = 'imOfficerMali', language = 'en') =>
      call<ErrorBody>(context.as(as), 'PUT', '/api/dtm/form-bindings', { projectId: seed.projectId, formId: DTM_FORM_ID, operation: MALI.code, assessmentType: 'SA', mapping: DTM_FORM_MAPPING, ...body }, { 'accept-language': language });

    const unknownQuestion = await attempt({ mapping: { ...DTM_FORM_MAPPING, '/data/nombre_de_tentes': 'households' } }, 'imOfficerMali', 'fr');
    expect([unknownQuestion.statusCode, unknownQuestion.body.error.code]).toEqual([422, 'dtm.binding.unknownQuestion']);
    expect(unknownQuestion.body.error.message).toBe(
      'Le formulaire evaluation_sites_dtm n’a pas de question /data/nombre_de_tentes pouvant alimenter un round (une question hors répétition et hors meta). Rien n’a été enregistré.',
    );
    const inMeta = await attempt({ mapping: { ...DTM_FORM_MAPPING, '/data/meta/instanceID': 'locationCode' } });
    expect(inMeta.body.error.code).toBe('dtm.binding.unknownQuestion');

    const unknownField = await attempt({ mapping: { ...DTM_FORM_MAPPING, '/data/raison': 'motifDuDepart' } });
    expect([unknownField.statusCode, unknownField.body.error.code]).toEqual([422, 'dtm.binding.unknownField']);
    expect(unknownField.body.error.message).toBe('motifDuDepart is not a field of a DTM round. Nothing was saved.');

    const incomplete = await attempt({ mapping: { ...DTM_FORM_MAPPING, '/data/admin2_pcode': null, '/data/hommes': 'females' } });
    expect([incomplete.statusCode, incomplete.body.error.code]).toEqual([422, 'dtm.binding.mappingIncomplete']);
    expect(incomplete.body.error.message).toBe('The binding cannot feed a round: fields missing admin2Pcode; fields given to two questions females. Nothing was saved.');

    const otherCountry = await attempt({ operation: NIGER.code }, 'admin', 'fr');
    expect([otherCountry.statusCode, otherCountry.body.error.code]).toEqual([422, 'dtm.binding.otherCountry']);
    expect(otherCountry.body.error.message).toMatch(/^L’opération NER-CONFLICT est au pays NE, le formulaire evaluation_sites_dtm au pays ML/);

    // The Niger enumerator may import only in Niger; the programme manager may import nowhere.
    expect((await attempt({}, 'enumeratorNiger')).statusCode).toBe(403);
    expect((await attempt({ operation: NIGER.code }, 'enumeratorNiger')).body.error.code).toBe('collection.project.notFound');
    expect((await attempt({}, 'programmeManager')).statusCode).toBe(403);
    expect((await attempt({ operation: 'NOPE-OP' })).statusCode).toBe(404);

    expect(await storedCounts(context)).toEqual(before);
  });

  it('refuses a draft round from a period with no approved submission, a reversed period, or a binding out of scope, storing nothing', async () => {
    const { seed } = await collected();
    const bindingId = await bind(seed);
    const before = await storedCounts(context);
    const draft = async (body: Record<string, unknown>, as: Parameters<TestContext['as']>[0] = 'imOfficerMali', id = bindingId) =>
      call<ErrorBody>(context.as(as), 'POST', `/api/dtm/form-bindings/${id}/rounds`, { roundNumber: 1, ...body }, { 'accept-language': 'fr' });

    const empty = await draft({ periodStart: '2021-03-01', periodEnd: '2021-03-31' });
    expect([empty.statusCode, empty.body.error.code]).toEqual([422, 'dtm.binding.noSubmissions']);
    expect(empty.body.error.message).toBe(
      'Aucune soumission approuvée du formulaire evaluation_sites_dtm n’a été reçue du 2021-03-01 au 2021-03-31 : il n’y a rien pour faire un round. Rien n’a été enregistré.',
    );
    const reversed = await draft({ periodStart: day(1), periodEnd: day(-1) });
    expect([reversed.statusCode, reversed.body.error.code]).toEqual([400, 'dtm.round.badPeriod']);
    expect((await draft({ periodStart: day(-1), periodEnd: day(1) }, 'enumeratorNiger')).statusCode).toBe(404);
    expect((await draft({ periodStart: day(-1), periodEnd: day(1) }, 'viewer')).statusCode).toBe(403);
    expect((await draft({ periodStart: day(-1), periodEnd: day(1) }, 'imOfficerMali', bindingId + 1000)).body.error.code).toBe('dtm.binding.notFound');
    const invalid = await draft({ periodStart: 'hier', periodEnd: day(1) });
    expect(invalid.statusCode).toBe(400);

    expect(await storedCounts(context)).toEqual(before);
  });

  it('unbinds a form; the rounds made from it stay', async () => {
    const { seed } = await collected();
    const bindingId = await bind(seed);
    const made = await call<DraftBody>(context.app, 'POST', `/api/dtm/form-bindings/${bindingId}/rounds`, { roundNumber: 3, periodStart: day(-1), periodEnd: day(1) });
    await waitForJob(context.app, made.body.job.id);
    expect((await send(context.as('enumeratorNiger'), 'DELETE', `/api/dtm/form-bindings/${bindingId}`)).statusCode).toBe(404);
    const deleted = await send(context.as('imOfficerMali'), 'DELETE', `/api/dtm/form-bindings/${bindingId}`);
    expect(deleted.statusCode, deleted.text).toBe(200);
    expect(await countOf(context, 'dtm_form_binding')).toBe(0);
    expect(await countOf(context, 'dtm_figure')).toBeGreaterThan(0);
    const panel = await call<PanelBody>(context.as('imOfficerMali'), 'GET', `/api/dtm/form-bindings?projectId=${seed.projectId}&formId=${DTM_FORM_ID}`);
    expect(panel.body.binding).toBeNull();
  });
});
