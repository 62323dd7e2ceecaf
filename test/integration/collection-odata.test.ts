/**
 * The OData feed Excel and Power BI read: service document, $metadata, the form's rows and its
 * repeat's rows, paging by nextLink (every row exactly once), $count, $filter on review state
 * and date, $select, refusals by name (never a filter silently ignored), country scope.
 */
import { SaxesParser } from 'saxes';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/harness.js';
import { send, type Reply } from '../support/http.js';
import { DEMO_FORM_ID, postSubmission, seedCollection, siteAnswers, siteSubmissionXml, xmlPart } from '../support/collection.js';

interface Page {
  '@odata.context': string;
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
  value: Array<Record<string, unknown>>;
}

describeEachDatabase('collection: OData feed', (context) => {
  it('serves the form and its repeat as OData tables, paged, counted, filtered and selected', async () => {
    const seed = await seedCollection(context.app);
    const phone = context.as('anonymous');
    const sent = [
      siteAnswers({ siteName: 'Sinai', households: 12, needs: [{ priority: 'water', people: 10 }, { priority: 'food', people: 20 }] }),
      siteAnswers({ siteName: 'Socoura', needs: [{ priority: 'health', people: 5 }] }),
      siteAnswers({ siteName: 'Fatoma', needs: [{ priority: 'water', people: 7 }, { priority: 'shelter', people: 3 }] }),
      siteAnswers({ siteName: 'Mopti', needs: [] }),
      siteAnswers({ siteName: 'Konna', needs: [{ priority: 'food', people: 1 }] }),
    ];
    for (const answers of sent) expect((await postSubmission(phone, seed.phoneBase, [xmlPart(siteSubmissionXml(answers))])).statusCode).toBe(201);
    const svc = `/api/collection/projects/${seed.projectId}/forms/${DEMO_FORM_ID}.svc`;

    const service = await send<{ value: Array<{ name: string }> }>(context.app, 'GET', svc);
    expect(service.statusCode).toBe(200);
    expect(service.body.value.map((set) => set.name)).toEqual(['Submissions', 'Submissions.need']);

    const metadata = await send(context.app, 'GET', `${svc}/$metadata`);
    expect(metadata.statusCode).toBe(200);
    expect(metadata.headers['content-type']).toContain('application/xml');
    const entitySets: string[] = [];
    const properties = new Map<string, string>();
    const parser = new SaxesParser();
    parser.on('opentag', (tag) => {
      if (tag.name === 'EntitySet') entitySets.push(String(tag.attributes.Name));
      if (tag.name === 'Property') properties.set(String(tag.attributes.Name), String(tag.attributes.Type));
    });
    parser.write(metadata.text).close();
    expect(entitySets).toEqual(['Submissions', 'Submissions.need']);
    expect(properties.get('households')).toBe('Edm.Int64');
    expect(properties.get('people')).toBe('Edm.Int64');
    expect(properties.get('start')).toBe('Edm.DateTimeOffset');
    expect(metadata.text).toContain('<NavigationProperty Name="need"');

    // Two rows a page: following nextLink gives every row exactly once, the count on each page.
    const follow = async (first: string): Promise<Page[]> => {
      const pages: Page[] = [];
      let url: string | undefined = first;
      while (url !== undefined && pages.length < 20) {
        const reply: Reply<Page> = await send<Page>(context.app, 'GET', url.replace(/^https?:\/\/[^/]+/, ''), { headers: { prefer: 'odata.maxpagesize=2' } });
        expect(reply.statusCode, reply.text).toBe(200);
        pages.push(reply.body);
        url = reply.body['@odata.nextLink'];
      }
      return pages;
    };
    const main = await follow(`${svc}/Submissions?$count=true`);
    expect(main).toHaveLength(3);
    expect(main.every((page) => page['@odata.count'] === 5)).toBe(true);
    const ids = main.flatMap((page) => page.value.map((row) => row.__id));
    expect(ids.sort()).toEqual(sent.map((answers) => answers.instanceId).sort());
    const sinai = main.flatMap((page) => page.value).find((row) => row.site_name === 'Sinai')!;
    expect(sinai.households).toBe(12);
    expect((sinai.__system as { reviewState: string }).reviewState).toBe('received');
    expect(main[0]!['@odata.context']).toMatch(/\$metadata#Submissions$/);

    const needs = await follow(`${svc}/Submissions.need?$count=true`);
    const needRows = needs.flatMap((page) => page.value);
    expect(needs[0]!['@odata.count']).toBe(6);
    expect(needRows.map((row) => row.__id).sort()).toEqual(
      [
        `${sent[0]!.instanceId}/need[1]`,
        `${sent[0]!.instanceId}/need[2]`,
        `${sent[1]!.instanceId}/need[1]`,
        `${sent[2]!.instanceId}/need[1]`,
        `${sent[2]!.instanceId}/need[2]`,
        `${sent[4]!.instanceId}/need[1]`,
      ].sort(),
    );
    expect(needRows.find((row) => row.__id === `${sent[0]!.instanceId}/need[2]`)).toMatchObject({ priority: 'food', people: 20, '__Submissions-id': sent[0]!.instanceId });

    // $top and $skip count rows.
    const skipped = await send<Page>(context.app, 'GET', `${svc}/Submissions.need?$top=2&$skip=1`);
    expect(skipped.body.value).toHaveLength(2);
    expect(skipped.body['@odata.nextLink']).toBeUndefined();

    // $filter on review state, and on the date received.
    const [row] = await context.db.query<{ id: number }>('SELECT id::int AS id FROM collection_submission WHERE instance_id = $1', [sent[1]!.instanceId]);
    expect((await send(context.app, 'POST', `/api/collection/projects/${seed.projectId}/forms/${DEMO_FORM_ID}/reviews`, { payload: { submissionIds: [row!.id], state: 'approved' } })).statusCode).toBe(200);
    const approved = await send<Page>(context.app, 'GET', `${svc}/Submissions?$filter=${encodeURIComponent("__system/reviewState eq 'approved'")}&$count=true`);
    expect(approved.body.value.map((value) => value.__id)).toEqual([sent[1]!.instanceId]);
    expect(approved.body['@odata.count']).toBe(1);
    const future = await send<Page>(context.app, 'GET', `${svc}/Submissions?$filter=${encodeURIComponent('__system/submissionDate gt 2999-01-01')}`);
    expect(future.body.value).toEqual([]);
    const past = await send<Page>(context.app, 'GET', `${svc}/Submissions?$filter=${encodeURIComponent('__system/submissionDate ge 2020-01-01T00:00:00Z and __system/submissionDate lt 2999-01-01')}`);
    expect(past.body.value).toHaveLength(5);

    // $select keeps only the named properties.
    const selected = await send<Page>(context.app, 'GET', `${svc}/Submissions?$select=__id,site_name`);
    expect(Object.keys(selected.body.value[0]!).sort()).toEqual(['__id', 'site_name']);

    // What the feed does not do is refused by name, in the user's language; injection attempts too, and nothing leaks.
    const refusals = [
      ['$filter', 'households gt 10'],
      ['$filter', "__system/reviewState eq 'approved'' OR 1=1 --'"],
      ['$filter', "__system/reviewState eq 'approved'; DROP TABLE collection_submission"],
      ['$filter', '__system/submissionDate gt 2021-01-01); SELECT pg_sleep(1)--'],
      ['$orderby', '__id'],
      ['$select', 'password'],
      ['$skiptoken', 'eyJhIjoiMSBPUiAxPTEifQ'],
    ];
    for (const [option, value] of refusals) {
      const reply = await send(context.app, 'GET', `${svc}/Submissions?${option}=${encodeURIComponent(value!)}`, { headers: { 'accept-language': 'fr' } });
      expect(reply.statusCode, `${option}=${value}`).toBe(400);
      expect(reply.body.error!.code).toBe('collection.odata.unsupported');
      expect(reply.body.error!.message).toContain('ne prend pas en charge');
      expect(reply.text).not.toMatch(/syntax error|postgres|PGlite|relation "|at character|stack/i);
    }
    const [{ n }] = (await context.db.query<{ n: number }>('SELECT count(*)::int AS n FROM collection_submission')) as [{ n: number }];
    expect(n).toBe(5);
    expect((await send(context.app, 'GET', `${svc}/Submissions.nothing`)).statusCode).toBe(404);

    // Each read is in the audit log under its own action; another country's officer gets what the other reads answer.
    const [audit] = await context.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_event WHERE action = 'collection.odata.read' AND outcome = 'success'");
    expect(audit!.n).toBeGreaterThanOrEqual(10);
    expect((await send(context.as('enumeratorNiger'), 'GET', `${svc}/Submissions`)).statusCode).toBe(404);
    expect((await send(context.as('anonymous'), 'GET', `${svc}/Submissions`)).statusCode).toBe(401);
  });
});
