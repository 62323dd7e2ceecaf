/**
 * A power cut during a contribution edit: the built server, on a PGlite folder, is killed with
 * SIGKILL (no chance to clean up) while a PATCH of a contribution of the demo plan is being
 * processed, at several moments of it. After each restart the contribution is exactly what one
 * edit wrote (the last acknowledged one, or the one in flight if it committed), never a mix of
 * two, its version agrees, and its change history has one entry per committed edit.
 * (The same for a DTM import: test/integration/dtm-crash.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteDatabase } from '../../src/core/db.js';
import type { ContributionView } from '../../src/plans/contributions.js';
import { contributionState, PLAN, request, seedPlan } from './server.js';
import { builtAppPresent, freePort, launchServer } from '../support/server.js';

/** What the API shows of a contribution written as `state` (see contributionState). */
function expected(state: number): Partial<ContributionView> {
  const input = contributionState(state);
  return {
    donor: input.donor,
    currency: input.currency,
    amountOriginal: input.amount,
    amountUsd: input.amount,
    status: input.status,
    pledgedOn: input.pledgedOn ?? null,
    committedOn: input.committedOn ?? null,
    paidOn: input.paidOn ?? null,
    description: input.description ?? null,
    version: state + 1,
  };
}

const shown = (contribution: ContributionView): Partial<ContributionView> => ({
  donor: contribution.donor,
  currency: contribution.currency,
  amountOriginal: contribution.amountOriginal,
  amountUsd: contribution.amountUsd,
  status: contribution.status,
  pledgedOn: contribution.pledgedOn,
  committedOn: contribution.committedOn,
  paidOn: contribution.paidOn,
  description: contribution.description,
  version: contribution.version,
});

const built = builtAppPresent();
if (!built) console.warn('[skipped] Liptako is not built: run `npm run build` (npm test does it)');

describe.skipIf(!built)('a server killed (SIGKILL) during a contribution edit, PGlite folder', () => {
  let workDir: string;
  let token: string;
  let contributionId: number;
  const dataDir = (): string => path.join(workDir, 'data');

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'liptako-kill-'));
    const db = await PgliteDatabase.open(dataDir());
    try {
      ({ token, contributionId } = await seedPlan(db));
    } finally {
      await db.close();
    }
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  /** The state the restarted server shows, checked whole against the states it may be in. */
  async function storedState(base: string, candidates: readonly number[]): Promise<number> {
    const list = await request<{ contributions: ContributionView[] }>(base, 'GET', `/api/plans/${PLAN}/contributions`, { token });
    expect(list.status, list.text).toBe(200);
    const contribution = list.body.contributions.find((candidate) => candidate.id === contributionId);
    expect(contribution).toBeDefined();
    const seen = shown(contribution!);
    const state = candidates.find((candidate) => JSON.stringify(expected(candidate)) === JSON.stringify(seen));
    expect(state, `stored ${JSON.stringify(seen)}; expected exactly state ${candidates.join(' or ')}`).toBeDefined();
    const changes = await request<{ changes: Array<{ entity: string; entityId: number | string; field: string }> }>(base, 'GET', `/api/plans/${PLAN}/changes?limit=1000`, { token });
    expect(changes.status, changes.text).toBe(200);
    const edits = changes.body.changes.filter((change) => change.entity === 'contribution' && Number(change.entityId) === contributionId && change.field === 'updated');
    expect(edits, 'one history entry per committed edit').toHaveLength(state!);
    return state!;
  }

  const patch = (base: string, state: number) =>
    request<{ contribution: ContributionView }>(base, 'PATCH', `/api/plans/${PLAN}/contributions/${contributionId}`, {
      token,
      body: { ...contributionState(state), version: state, reason: `edit to state ${state}` },
    });

  it('finds the contribution exactly as one edit left it, never a mix, wherever the kill lands', async () => {
    const port = await freePort();
    let acknowledged = 0;
    let inFlight: number | null = null;
    // When the kill lands, as a share of the time an edit takes on this machine right now (timers
    // fire late and the signal takes a moment, so the later shares often find the edit answered).
    const moments = [0, 0.1, 0.2, 0.3, 0.45, 0.6];
    const found: string[] = [];
    for (const moment of moments) {
      const server = await launchServer({ command: 'serve', runtime: 'built', dataDir: dataDir(), port });
      const state = await storedState(server.url, inFlight === null ? [acknowledged] : [acknowledged, inFlight]);
      if (inFlight !== null) found.push(state === inFlight ? 'request cut, edit committed' : 'request cut, edit absent');
      acknowledged = state;
      inFlight = null;

      // Two edits to warm up and time one, then one more killed part-way.
      let took = 0;
      for (let warm = 0; warm < 2; warm += 1) {
        const started = performance.now();
        const response = await patch(server.url, acknowledged + 1);
        took = performance.now() - started;
        expect(response.status, response.text).toBe(200);
        expect(shown(response.body.contribution)).toEqual(expected(acknowledged + 1));
        acknowledged += 1;
      }
      inFlight = acknowledged + 1;
      const killed = patch(server.url, inFlight).then(
        (response) => response.status,
        (error: unknown) => {
          // fetch reports a connection cut by the kill as a TypeError; anything else is a failure.
          if (error instanceof TypeError) return 'cut' as const;
          throw error;
        },
      );
      await new Promise((resolve) => setTimeout(resolve, Math.round(moment * took)));
      await server.kill('SIGKILL');
      const outcome = await killed;
      // An edit answered 200 before the kill is acknowledged: it must be there after the restart.
      if (outcome === 200) {
        found.push('answered before the kill');
        acknowledged = inFlight;
        inFlight = null;
      } else {
        expect(outcome).toBe('cut');
      }
    }
    const server = await launchServer({ command: 'serve', runtime: 'built', dataDir: dataDir(), port });
    try {
      const state = await storedState(server.url, inFlight === null ? [acknowledged] : [acknowledged, inFlight]);
      if (inFlight !== null) found.push(state === inFlight ? 'request cut, edit committed' : 'request cut, edit absent');
      // The record is still editable where it stands.
      const edit = await patch(server.url, state + 1);
      expect(edit.status, edit.text).toBe(200);
      expect(shown(edit.body.contribution)).toEqual(expected(state + 1));
      console.log(`kills at ${moments.join(', ')} of an edit's time: ${found.join('; ')}`);
    } finally {
      await server.stop();
    }
  });
});
