/**
 * Duplicate detection quality on public labelled datasets (issue 13): the assistance matcher
 * (Fellegi–Sunter, weights learned by EM) beside a baseline of exact normalised name and birth
 * year, on FEBRL 1–3 and Splink's fake_1000 from ../shared/data/record-linkage. Quality, not
 * time: the same figures `npm run bench` prints (BENCH_ONLY=linkage).
 */
import { describe, expect, it } from 'vitest';
import { DUPLICATE_THRESHOLD } from '../../src/assistance/service.js';
import { evaluate, fake1000, febrl, missingLinkageFiles } from '../support/record-linkage.js';

const missing = missingLinkageFiles();
if (missing.length > 0) console.warn(`assistance linkage quality skipped: missing ${missing.join(', ')}`);

describe.skipIf(missing.length > 0)('duplicate detection quality on labelled datasets', () => {
  it.each([1, 2, 3] as const)('finds FEBRL %i’s duplicates with F1 ≥ 0.95, far above exact name and birth year', (dataset) => {
    const result = evaluate(febrl(dataset), DUPLICATE_THRESHOLD);
    expect(result.matcher.f1).toBeGreaterThanOrEqual(0.95);
    expect(result.matcher.precision).toBeGreaterThanOrEqual(0.95);
    expect(result.matcher.f1).toBeGreaterThan(result.baseline.f1 + 0.3);
  }, 120_000);

  it('finds fake_1000’s people with F1 ≥ 0.90 once pairs are joined into people, its pairs with precision ≥ 0.95', () => {
    const result = evaluate(fake1000(), DUPLICATE_THRESHOLD);
    // Pair by pair, recall is bounded by records with no name and a mistyped date that share no
    // blocking key with their cluster's others; joined through chains, they are found.
    expect(result.clustered.f1).toBeGreaterThanOrEqual(0.9);
    expect(result.matcher.precision).toBeGreaterThanOrEqual(0.95);
    expect(result.matcher.f1).toBeGreaterThan(0.8);
    expect(result.baseline.f1).toBeLessThan(0.3);
  }, 120_000);
});
