/** The field collection demo loads through the module contract, once: forms with submissions to review, edits, a photo still on a phone. */
import { expect, it } from 'vitest';
import { MODULES } from '../../src/modules.js';
import { describeEachDatabase } from '../support/harness.js';
import { call, send } from '../support/http.js';

describeEachDatabase('collection demo', (context) => {
  it('loads three projects with synthetic submissions in every review state, and loads them only once', async () => {
    const demo = MODULES.find((module) => module.name === 'collection')!.demo!;
    const lines = await demo.load(context.db, () => undefined);
    expect(lines.join('\n')).toMatch(/synthetic/);
    const [counts] = await context.db.query<{ current: number; edited: number; approved: number; issues: number; received: number; missing: number }>(
      `SELECT count(*) FILTER (WHERE current)::int AS current,
              count(*) FILTER (WHERE current AND deprecated_id IS NOT NULL)::int AS edited,
              count(*) FILTER (WHERE current AND review_state = 'approved')::int AS approved,
              count(*) FILTER (WHERE current AND review_state = 'has-issues')::int AS issues,
              count(*) FILTER (WHERE current AND review_state = 'received')::int AS received,
              (SELECT count(*)::int FROM collection_submission_attachment WHERE bytes IS NULL) AS missing
         FROM collection_submission`,
    );
    expect(counts!.current).toBe(200);
    expect(counts!.edited).toBeGreaterThan(5);
    expect(counts!.approved).toBeGreaterThan(80);
    expect(counts!.issues).toBeGreaterThan(5);
    expect(counts!.received).toBeGreaterThan(40);
    expect(counts!.missing).toBeGreaterThan(0);
    expect(await demo.load(context.db, () => undefined)).toEqual(['  demo field collection already loaded']);
    const projects = await call<{ projects: Array<{ id: number; country: string; submissions: number }> }>(context.app, 'GET', '/api/collection/projects');
    expect(projects.body.projects.map((project) => project.country).sort()).toEqual(['BF', 'ML', 'NE']);
    // A Mali officer sees Mali's project only; its form list serves the demo form to a signed-in account.
    const mali = await call<{ projects: Array<{ id: number; country: string }> }>(context.as('imOfficerMali'), 'GET', '/api/collection/projects');
    expect(mali.body.projects.map((project) => project.country)).toEqual(['ML']);
    const formList = await send(context.as('imOfficerMali'), 'GET', `/v1/projects/${mali.body.projects[0]!.id}/formList`);
    expect(formList.text).toContain('<formID>suivi_sites_demo</formID>');
  }, 120_000);
});
