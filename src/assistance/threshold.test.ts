import { describe, expect, it } from 'vitest';
import { chooseThreshold, DEFAULT_THRESHOLD, MIN_EACH, MIN_LABELS, type LabelledPair } from './threshold.js';

const pairs = (probabilities: readonly number[], same: boolean): LabelledPair[] => probabilities.map((probability) => ({ probability, same }));

describe('the match threshold chosen from labelled pairs', () => {
  it('cuts between the lowest pair decided "same" and the highest decided "different" when they separate', () => {
    const labels = [...pairs([0.99, 0.97, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6], true), ...pairs([0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1, 0.08, 0.07, 0.06], false)];
    const choice = chooseThreshold(labels);
    expect(choice.source).toBe('labels');
    expect(choice.labels).toBe(20);
    expect(choice.same).toBe(10);
    expect(choice.f1).toBe(1);
    // Halfway in log-odds between 0.6 and 0.4.
    expect(choice.threshold).toBe(0.5);
  });

  it('moves the cut up when reviewers said "different" to pairs the default would queue', () => {
    const labels = [...pairs([0.99, 0.98, 0.97, 0.96, 0.95, 0.94, 0.93, 0.92, 0.91, 0.9], true), ...pairs([0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.52, 0.51, 0.5, 0.5], false)];
    const choice = chooseThreshold(labels);
    expect(choice.threshold).toBeGreaterThan(0.8);
    expect(choice.threshold).toBeLessThanOrEqual(0.9);
    expect(choice.precision).toBe(1);
    expect(choice.recall).toBe(1);
  });

  it('keeps the best F1 when the classes overlap, and reaches a stated precision with the lowest cut that does', () => {
    const labels = [...pairs([0.99, 0.98, 0.97, 0.96, 0.95, 0.9, 0.85, 0.7, 0.6, 0.3], true), ...pairs([0.92, 0.65, 0.55, 0.5, 0.45, 0.2, 0.1, 0.05, 0.04, 0.03], false)];
    const best = chooseThreshold(labels);
    // At or above 0.6: 9 of 10 "same" kept with 2 "different", F1 18/21, the best cut.
    expect(best.f1).toBeCloseTo(18 / 21, 5);
    expect(best.threshold).toBeGreaterThan(0.55);
    expect(best.threshold).toBeLessThanOrEqual(0.6);
    const strict = chooseThreshold(labels, { precision: 0.9 });
    // The lowest cut with precision ≥ 0.9: 0.95 and above (0.92 was "different").
    expect(strict.precision).toBe(1);
    expect(strict.threshold).toBeGreaterThan(0.92);
    expect(strict.threshold).toBeLessThanOrEqual(0.95);
  });

  it('does not go below the default when every labelled pair is kept: nothing below it was labelled', () => {
    const labels = [...pairs([0.99, 0.98, 0.97, 0.96, 0.95, 0.94, 0.93, 0.92, 0.91, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9], true), ...pairs([0.98, 0.95, 0.93, 0.91, 0.9], false)];
    const choice = chooseThreshold(labels);
    expect(choice.source).toBe('labels');
    expect(choice.threshold).toBe(DEFAULT_THRESHOLD);
  });

  it('pairs that were never compared (probability 0) count as missed whatever the cut', () => {
    const labels = [...pairs([0.99, 0.97, 0.95, 0.9, 0.85, 0.8, 0, 0], true), ...pairs([0.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0], false)];
    const choice = chooseThreshold(labels);
    expect(choice.recall).toBeCloseTo(0.75, 5);
    expect(choice.threshold).toBeGreaterThan(0.3);
    expect(choice.threshold).toBeLessThanOrEqual(0.8);
  });

  it(`falls back to the default with fewer than ${MIN_LABELS} labels or fewer than ${MIN_EACH} of a decision`, () => {
    const few = [...pairs([0.99, 0.9, 0.8, 0.7, 0.6], true), ...pairs([0.55, 0.52, 0.3, 0.2, 0.1], false)];
    expect(chooseThreshold(few)).toEqual({ threshold: DEFAULT_THRESHOLD, source: 'default', labels: 10, same: 5, precision: null, recall: null, f1: null });
    const oneSided = [...pairs(Array.from({ length: 30 }, () => 0.9), true), ...pairs([0.6, 0.55, 0.52, 0.51], false)];
    expect(chooseThreshold(oneSided)).toMatchObject({ threshold: DEFAULT_THRESHOLD, source: 'default', labels: 34, same: 30 });
    expect(chooseThreshold([])).toMatchObject({ threshold: DEFAULT_THRESHOLD, source: 'default', labels: 0 });
  });
});
