/**
 * The public record-linkage datasets of ../shared/data/record-linkage as registries with their
 * truth, and the quality of the assistance matcher on them beside a baseline (exact normalised
 * name and birth year), both measured in the same call. Used by the quality test and by
 * `npm run bench` (BENCH_ONLY=linkage).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { clusterOf, linkRecords, prepareRecord, type LinkageRecord } from '../../src/assistance/linkage.js';
import { foldSpelling } from '../../src/assistance/names.js';
import { chooseThreshold, MIN_THRESHOLD, type ThresholdChoice } from '../../src/assistance/threshold.js';

export const RECORD_LINKAGE_DIR = path.resolve('..', 'shared', 'data', 'record-linkage');

export interface LabelledRegistry {
  name: string;
  records: LinkageRecord[];
  /** The entity of each record: two records of one entity are a true pair. */
  entity: string[];
}

export const LINKAGE_FILES = ['febrl_dataset1.csv', 'febrl_dataset2.csv', 'febrl_dataset3.csv', 'fake_1000.csv'] as const;

export function missingLinkageFiles(): string[] {
  return LINKAGE_FILES.map((file) => path.join(RECORD_LINKAGE_DIR, file)).filter((file) => !existsSync(file));
}

const blank = (value: string | undefined): string | null => (value === undefined || value.trim() === '' ? null : value.trim());

function rows(file: string): Array<Record<string, string>> {
  return parse<Record<string, string>>(readFileSync(path.join(RECORD_LINKAGE_DIR, file)), { columns: true, trim: true, skip_empty_lines: true });
}

/** FEBRL: `rec-N-org` and its `rec-N-dup-k` are one person; soc_sec_id is the identity document. */
export function febrl(dataset: 1 | 2 | 3): LabelledRegistry {
  const records: LinkageRecord[] = [];
  const entity: string[] = [];
  for (const row of rows(`febrl_dataset${dataset}.csv`)) {
    const dob = blank(row.date_of_birth);
    const date = dob !== null && /^\d{8}$/.test(dob) ? `${dob.slice(0, 4)}-${dob.slice(4, 6)}-${dob.slice(6, 8)}` : null;
    records.push({
      givenNames: row.given_name ?? '',
      familyName: row.surname ?? '',
      sex: null,
      birthYear: date === null && dob !== null && /^\d{4}/.test(dob) ? Number(dob.slice(0, 4)) : null,
      birthDate: date,
      place: blank(row.postcode),
      locality: blank(row.suburb),
      address: [row.street_number, row.address_1].map((part) => part?.trim() ?? '').filter((part) => part !== '').join(' ') || null,
      contact: null,
      idDocument: blank(row.soc_sec_id),
    });
    entity.push(/^rec-(\d+)-/.exec(row.rec_id ?? '')![1]!);
  }
  return { name: `FEBRL ${dataset}`, records, entity };
}

/** Splink's fake_1000: cluster is the truth; the e-mail is the contact, the city the place. */
export function fake1000(): LabelledRegistry {
  const records: LinkageRecord[] = [];
  const entity: string[] = [];
  for (const row of rows('fake_1000.csv')) {
    const dob = blank(row.dob);
    records.push({
      givenNames: row.first_name ?? '',
      familyName: row.surname ?? '',
      sex: null,
      birthYear: null,
      birthDate: dob !== null && /^\d{4}-\d{2}-\d{2}$/.test(dob) ? dob : null,
      place: blank(row.city),
      locality: null,
      address: null,
      contact: blank(row.email),
      idDocument: null,
    });
    entity.push(row.cluster!);
  }
  return { name: 'fake_1000', records, entity };
}

/** Splink's clerical labels of fake_1000: pairs of unique_id a person judged (1 same, 0 not). */
export function fake1000Labels(): Array<{ left: number; right: number; match: boolean }> {
  return rows('fake_1000_labels.csv').map((row) => ({ left: Number(row.unique_id_l), right: Number(row.unique_id_r), match: Number(row.clerical_match_score) >= 0.5 }));
}

export interface Quality {
  truePairs: number;
  predicted: number;
  precision: number;
  recall: number;
  f1: number;
}

const pairKey = (i: number, j: number): number => (i < j ? i * 1_000_000 + j : j * 1_000_000 + i);

export function quality(truth: ReadonlySet<number>, predicted: ReadonlySet<number>): Quality {
  let hits = 0;
  for (const pair of predicted) if (truth.has(pair)) hits++;
  const precision = predicted.size === 0 ? 0 : hits / predicted.size;
  const recall = truth.size === 0 ? 0 : hits / truth.size;
  return { truePairs: truth.size, predicted: predicted.size, precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}

/** Every pair of records sharing a key (a cluster id, or the baseline's name + year). */
function pairsOfGroups(keys: ReadonlyArray<string | null>): Set<number> {
  const groups = new Map<string, number[]>();
  keys.forEach((key, index) => {
    if (key === null) return;
    const group = groups.get(key);
    if (group) group.push(index);
    else groups.set(key, [index]);
  });
  const pairs = new Set<number>();
  for (const group of groups.values()) for (let x = 0; x < group.length; x++) for (let y = x + 1; y < group.length; y++) pairs.add(pairKey(group[x]!, group[y]!));
  return pairs;
}

/** The baseline: the same folded given and family name and the same birth year. */
export function baselineKey(record: LinkageRecord): string | null {
  const year = record.birthYear ?? (record.birthDate === null ? null : Number(record.birthDate.slice(0, 4)));
  const given = foldSpelling(record.givenNames);
  const family = foldSpelling(record.familyName);
  if (given === '' || family === '' || year === null) return null;
  return `${given}|${family}|${year}`;
}

export interface LinkageEvaluation {
  dataset: string;
  records: number;
  compared: number;
  matcher: Quality;
  /** The matcher's pairs joined into people (connected components): what a registry of people counts. */
  clustered: Quality;
  baseline: Quality;
  lambda: number;
  iterations: number;
  milliseconds: number;
}

/** Both methods on one registry, against its truth. */
export function evaluate(registry: LabelledRegistry, threshold: number): LinkageEvaluation {
  const truth = pairsOfGroups(registry.entity);
  const started = performance.now();
  const run = linkRecords(registry.records.map((record) => prepareRecord(record)), threshold);
  const milliseconds = performance.now() - started;
  const predicted = new Set(run.matches.map((match) => pairKey(match.i, match.j)));
  const baseline = pairsOfGroups(registry.records.map(baselineKey));
  return {
    dataset: registry.name,
    records: registry.records.length,
    compared: run.compared,
    matcher: quality(truth, predicted),
    clustered: quality(truth, pairsOfGroups([...clusterOf(registry.records.length, run.matches)].map(String))),
    baseline: quality(truth, baseline),
    lambda: run.model.lambda,
    iterations: run.model.iterations,
    milliseconds,
  };
}

export function formatEvaluation(result: LinkageEvaluation): string {
  const line = (q: Quality): string => `P ${q.precision.toFixed(3)} R ${q.recall.toFixed(3)} F1 ${q.f1.toFixed(3)} (${q.predicted} pairs)`;
  return `  ${result.dataset.padEnd(10)} ${result.records} records, ${result.matcher.truePairs} true pairs, ${result.compared} compared: Fellegi–Sunter/EM ${line(result.matcher)}, clustered ${line(result.clustered)}   baseline exact name+year ${line(result.baseline)}`;
}

export interface ChosenEvaluation {
  dataset: string;
  /** Where the labels came from, and the choice they made. */
  labelSource: string;
  choice: ThresholdChoice;
  /** The matcher at the chosen threshold and at the default, on the truth of the pairs not labelled. */
  chosen: Quality;
  fixed: Quality;
  fixedThreshold: number;
}

/**
 * The threshold chosen from a labelled sample, then the matcher scored on the truth of every
 * other pair (the labelled ones left out of both truth and prediction, so the choice is not
 * scored on what chose it). `labelled` gives the sample from the run's pairs: fake_1000's
 * clerical labels, or pairs drawn from the queue as reviewers would decide them.
 */
export function evaluateChosen(
  registry: LabelledRegistry,
  fixedThreshold: number,
  labelled: (run: ReadonlyArray<{ i: number; j: number }>, truth: ReadonlySet<number>) => { source: string; pairs: Array<{ i: number; j: number; same: boolean }> },
): ChosenEvaluation {
  const truth = pairsOfGroups(registry.entity);
  const run = linkRecords(registry.records.map((record) => prepareRecord(record)), MIN_THRESHOLD);
  const probability = new Map(run.matches.map((match) => [pairKey(match.i, match.j), match.probability]));
  const sample = labelled(run.matches, truth);
  const choice = chooseThreshold(sample.pairs.map(({ i, j, same }) => ({ probability: probability.get(pairKey(i, j)) ?? 0, same })));
  const held = new Set(sample.pairs.map(({ i, j }) => pairKey(i, j)));
  const unlabelled = (pairs: Iterable<number>): Set<number> => new Set([...pairs].filter((pair) => !held.has(pair)));
  const at = (threshold: number): Set<number> => unlabelled(run.matches.filter((match) => match.probability >= threshold).map((match) => pairKey(match.i, match.j)));
  const heldTruth = unlabelled(truth);
  return { dataset: registry.name, labelSource: sample.source, choice, chosen: quality(heldTruth, at(choice.threshold)), fixed: quality(heldTruth, at(fixedThreshold)), fixedThreshold };
}

/** Half of fake_1000's clerical labels (every other row), as a reviewer's decisions. */
export function halfOfClericalLabels(): { source: string; pairs: Array<{ i: number; j: number; same: boolean }> } {
  const labels = fake1000Labels().filter((_, row) => row % 2 === 0);
  return { source: `${labels.length} clerical labels (every other row of fake_1000_labels.csv)`, pairs: labels.map(({ left, right, match }) => ({ i: left, j: right, same: match })) };
}

/** Every k-th pair the run found down to the lowest threshold (best first), decided by the truth: what reviewers would see. */
export function queueSample(count: number): (run: ReadonlyArray<{ i: number; j: number }>, truth: ReadonlySet<number>) => { source: string; pairs: Array<{ i: number; j: number; same: boolean }> } {
  return (run, truth) => {
    const step = Math.max(1, Math.floor(run.length / count));
    const pairs = run.filter((_, position) => position % step === 0).slice(0, count).map(({ i, j }) => ({ i, j, same: truth.has(pairKey(i, j)) }));
    return { source: `${pairs.length} pairs of the queue (probability ≥ ${MIN_THRESHOLD}) decided by the truth`, pairs };
  };
}

export function formatChosen(result: ChosenEvaluation): string {
  const line = (q: Quality): string => `P ${q.precision.toFixed(3)} R ${q.recall.toFixed(3)} F1 ${q.f1.toFixed(3)}`;
  const { choice } = result;
  const chosen = choice.source === 'labels' ? `threshold ${choice.threshold.toFixed(3)} chosen (F1 ${choice.f1!.toFixed(3)} on the labels)` : `threshold ${choice.threshold} (default: too few labels)`;
  return `  ${result.dataset.padEnd(10)} ${result.labelSource} (${choice.same} same): ${chosen} → ${line(result.chosen)}; fixed ${result.fixedThreshold} → ${line(result.fixed)} (on the ${result.chosen.truePairs} true pairs not labelled)`;
}
