/**
 * The match threshold chosen from pairs a person labelled (pure). The learned model says how
 * likely a pair is one person; where to cut is a question of what reviewers see: the cut that
 * best separates the pairs they decided "same person" from those they decided "different" (the
 * highest F1 over them), or the lowest cut whose precision reaches a stated level. Too few
 * labels say nothing, and the default stays in force.
 *
 * The pairs reviewers decided were above an earlier threshold, so the labels say nothing of the
 * pairs below it: a cut that keeps every labelled pair is not lowered below the default.
 */

/** The threshold in force while too few pairs are labelled: where the learned odds say "more likely one person than two". */
export const DEFAULT_THRESHOLD = 0.5;
/** The lowest threshold a choice may give (detection keeps the pairs down to it to score the labels). */
export const MIN_THRESHOLD = 0.05;
/** The highest: above it the queue would hold only the pairs nobody needs to review (in a small registry most pairs are above 0.99). */
export const MAX_THRESHOLD = 0.999;
/** Labelled pairs needed before the labels choose: this many in all, and MIN_EACH of each decision. */
export const MIN_LABELS = 20;
export const MIN_EACH = 5;

export interface LabelledPair {
  /** The pair's probability of being one person in this run (0 when it was not compared). */
  probability: number;
  same: boolean;
}

export interface ThresholdChoice {
  threshold: number;
  /** 'labels': chosen from them; 'default': too few labels (see MIN_LABELS, MIN_EACH). */
  source: 'labels' | 'default';
  /** Labelled pairs used (same + different). */
  labels: number;
  same: number;
  /** The quality over the labelled pairs at the threshold chosen (null with the default). */
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

const logit = (p: number): number => Math.log(p / (1 - p));
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const bounded = (p: number): number => Math.min(MAX_THRESHOLD, Math.max(MIN_THRESHOLD, p));

/**
 * Chooses the threshold: by default the one of highest F1 over the labels (ties: the highest
 * threshold of the tie, fewer pairs to review); with `precision`, the lowest threshold whose
 * precision over the labels reaches it (the default when none does). The cut falls halfway, in
 * log-odds, between the lowest pair kept and the highest left out.
 */
export function chooseThreshold(labels: readonly LabelledPair[], options: { precision?: number } = {}): ThresholdChoice {
  const same = labels.filter((label) => label.same).length;
  const fallback: ThresholdChoice = { threshold: DEFAULT_THRESHOLD, source: 'default', labels: labels.length, same, precision: null, recall: null, f1: null };
  if (labels.length < MIN_LABELS || same < MIN_EACH || labels.length - same < MIN_EACH) return fallback;
  // Best first; a cut after position k keeps the first k + 1 (pairs of equal probability stay together).
  const sorted = [...labels].sort((a, b) => b.probability - a.probability);
  let best: { at: number; precision: number; recall: number; f1: number } | null = null;
  let kept = 0;
  let hits = 0;
  for (let at = 0; at < sorted.length; at++) {
    kept++;
    if (sorted[at]!.same) hits++;
    if (at + 1 < sorted.length && sorted[at + 1]!.probability === sorted[at]!.probability) continue;
    if (sorted[at]!.probability <= 0) break;
    const precision = hits / kept;
    const recall = hits / same;
    const f1 = hits === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    if (options.precision !== undefined) {
      // The lowest cut reaching the precision: later cuts overwrite earlier ones.
      if (precision >= options.precision && hits > 0) best = { at, precision, recall, f1 };
    } else if (best === null || f1 > best.f1) best = { at, precision, recall, f1 };
  }
  if (best === null) return fallback;
  const lowestKept = sorted[best.at]!.probability;
  const highestLeft = sorted[best.at + 1]?.probability ?? 0;
  const threshold =
    highestLeft <= 0
      ? // Every labelled pair that was compared is kept: nothing below says where to cut.
        Math.min(DEFAULT_THRESHOLD, lowestKept)
      : sigmoid((logit(bounded(lowestKept)) + logit(bounded(highestLeft))) / 2);
  return { threshold: bounded(threshold), source: 'labels', labels: labels.length, same, precision: best.precision, recall: best.recall, f1: best.f1 };
}
