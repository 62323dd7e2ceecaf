/**
 * The match threshold of duplicate detection chosen from the reviewers' decisions (issue 13):
 * until enough pairs are decided the default applies; once they are, the next run cuts where the
 * decisions say, records the threshold and how many decisions chose it, and the review page's
 * list reports it.
 */
import { expect, it } from 'vitest';
import { DEFAULT_THRESHOLD, MIN_EACH, MIN_LABELS } from '../../src/assistance/threshold.js';
import { describeEachDatabase } from '../support/harness.js';
import { call } from '../support/http.js';
import { register, seedAssistance, type PersonSpec } from '../support/assistance.js';

interface Detection {
  compared: number;
  found: number;
  added: number;
  threshold: { threshold: number; source: 'labels' | 'default'; labels: number; same: number };
}

/** Families as one partner writes them, then another: head (with a phone) and spouse. */
const FAMILIES: ReadonlyArray<readonly [string, string, string, string, string, string, number]> = [
  ['Mahamadou Ousmane', 'Mohamed Usman', 'Maïga', 'Aïssata', 'Aisseta', 'Touré', 1978],
  ['Boubacar', 'Aboubacar', 'Cissé', 'Fatoumata', 'Fatimata', 'Diallo', 1965],
  ['Ousmane', 'Usman', 'Sawadogo', 'Mariam', 'Maryam', 'Ouédraogo', 1981],
  ['Amadou', 'Hamadou', 'Diarra', 'Kadidia', 'Kadidiatou', 'Traoré', 1972],
  ['Souleymane', 'Suleyman', 'Tamboura', 'Hawa', 'Haoua', 'Coulibaly', 1990],
  ['Moussa', 'Musa', 'Ag Alhassane', 'Zeinabou', 'Zeynabu', 'Walet Mohamed', 1959],
  ['Issa', 'Isa', 'Kouyaté', 'Oumou', 'Umu', 'Sidibé', 1987],
  ['Abdoulaye', 'Abdullahi', 'Yattara', 'Salamatou', 'Salamatu', 'Maïga', 1969],
  ['Hamidou', 'Amidu', 'Boureima', 'Bintou', 'Bintu', 'Zerbo', 1975],
  ['Yacouba', 'Yakuba', 'Compaoré', 'Aminata', 'Aminatou', 'Sangaré', 1983],
  ['Alassane', 'Alhassane', 'Dicko', 'Ramatou', 'Ramatu', 'Barry', 1962],
  ['Seydou', 'Seidu', 'Guindo', 'Djénéba', 'Jeneba', 'Dolo', 1993],
  ['Mamadou', 'Muhammad', 'Sylla', 'Awa', 'Aoua', 'Konaté', 1970],
  ['Ibrahim', 'Ibrahima', 'Tandina', 'Safiatou', 'Safiatu', 'Haïdara', 1985],
];

const phone = (index: number): string => `+223 76 ${String(10 + index).padStart(2, '0')} 34 56`;

function registrations(index: number): [PersonSpec[], PersonSpec[]] {
  const [head, headAgain, family, spouse, spouseAgain, spouseFamily, year] = FAMILIES[index]!;
  return [
    [
      { givenNames: head, familyName: family, sex: 'm', birthYear: year, relation: 'head', phone: phone(index) },
      { givenNames: spouse, familyName: spouseFamily, sex: 'f', birthYear: year + 6, relation: 'spouse' },
    ],
    [
      // The second partner re-estimates ages, more so from one family to the next, and has the
      // phone of one head in two: the pairs' scores spread from certain to doubtful. The spouse's
      // age up to 3 years off: 4 or 5 made a head's pair doubtful too (household composition:
      // the spouses no longer alike), and the queue at the default threshold shorter than MIN_LABELS.
      { givenNames: headAgain, familyName: family, sex: 'm', birthYear: year + Math.floor(index / 2), relation: 'head', ...(index % 2 === 0 ? { phone: phone(index) } : {}) },
      { givenNames: spouseAgain, familyName: spouseFamily, sex: 'f', birthYear: year + 6 - Math.floor(index / 4), relation: 'spouse' },
    ],
  ];
}

describeEachDatabase('assistance duplicate threshold', (context) => {
  it('applies the default until enough pairs are decided, then the threshold the decisions choose, recorded with the run', async () => {
    const seed = await seedAssistance(context.app, context.db);
    for (let index = 0; index < FAMILIES.length; index++) {
      const [first, second] = registrations(index);
      await register(context.as('partner'), seed.tpn, first);
      await register(seed.acfPartner, seed.acf, second, index >= 7 ? { location: { pcode: 'ML0502', site: null } } : {});
    }
    const reviewer = context.as('imOfficerMali');
    const first = await call<Detection>(reviewer, 'POST', '/api/assistance/duplicates/detect', {});
    expect(first.statusCode, first.text).toBe(200);
    expect(first.body.threshold).toEqual({ threshold: DEFAULT_THRESHOLD, source: 'default', labels: 0, same: 0 });

    const queue = await call<{ duplicates: Array<{ id: number; score: number }>; detection: (Detection['threshold'] & { ranAt: string }) | null }>(
      reviewer,
      'GET',
      '/api/assistance/duplicates?limit=100',
    );
    expect(queue.statusCode, queue.text).toBe(200);
    expect(queue.body.detection).toMatchObject({ threshold: DEFAULT_THRESHOLD, source: 'default', labels: 0 });
    const pairs = queue.body.duplicates;
    expect(pairs.length).toBeGreaterThanOrEqual(MIN_LABELS);

    // Too few decisions: the default stays.
    for (const pair of pairs.slice(0, MIN_EACH)) expect((await call(reviewer, 'POST', `/api/assistance/duplicates/${pair.id}/decision`, { decision: 'same' })).statusCode).toBe(200);
    const tooFew = await call<Detection>(reviewer, 'POST', '/api/assistance/duplicates/detect', {});
    expect(tooFew.body.threshold).toEqual({ threshold: DEFAULT_THRESHOLD, source: 'default', labels: MIN_EACH, same: MIN_EACH });

    // The reviewers call the better-scored pairs the same person and the others different
    // (best first; the cut where two scores differ, so that one threshold separates them).
    let cut = Math.floor(pairs.length / 2);
    while (cut < pairs.length - MIN_EACH && pairs[cut - 1]!.score === pairs[cut]!.score) cut++;
    expect(pairs[cut - 1]!.score).toBeGreaterThan(pairs[cut]!.score);
    for (const [position, pair] of pairs.entries()) {
      if (position < MIN_EACH) continue;
      const decision = position < cut ? 'same' : 'different';
      expect((await call(reviewer, 'POST', `/api/assistance/duplicates/${pair.id}/decision`, { decision })).statusCode).toBe(200);
    }
    const chosen = await call<Detection>(reviewer, 'POST', '/api/assistance/duplicates/detect', {});
    expect(chosen.statusCode, chosen.text).toBe(200);
    expect(chosen.body.threshold).toMatchObject({ source: 'labels', labels: pairs.length, same: cut });
    // Scores are shown with three decimals, the threshold is not rounded.
    expect(chosen.body.threshold.threshold).toBeGreaterThan(pairs[cut]!.score - 0.0005);
    expect(chosen.body.threshold.threshold).toBeLessThan(pairs[cut - 1]!.score + 0.0005);
    // The run applies it: only the pairs the reviewers called the same pass.
    expect(chosen.body.found).toBe(cut);

    const [run] = await context.db.query<{ threshold: number; threshold_source: string; labels: number; labels_same: number; found: number }>(
      'SELECT threshold, threshold_source, labels, labels_same, found FROM assistance_detection_run ORDER BY id DESC LIMIT 1',
    );
    expect(run).toEqual({ threshold: chosen.body.threshold.threshold, threshold_source: 'labels', labels: pairs.length, labels_same: cut, found: cut });
    const after = await call<{ detection: Detection['threshold'] | null }>(reviewer, 'GET', '/api/assistance/duplicates?status=same');
    expect(after.body.detection).toMatchObject(chosen.body.threshold);
  });
});
