/**
 * Matching admin-unit names when a file carries names but no P-codes (e.g. the Niger 3W). Names
 * arrive with or without accents, in capitals, with hyphens or spaces, with typos. The score says
 * how sure we are; only CONFIDENT matches may be taken without asking a person.
 */
import { distance } from 'fastest-levenshtein';

/** At or above: an import may take the match without asking. */
export const CONFIDENT = 0.95;

const SCORE_EXACT = 1;
const SCORE_FOLDED = 0.98;
const SCORE_ALTERNATIVE = 0.96;
/** Fuzzy scores are scaled into [0, 0.9] so that a guess can never pass as confident. */
const FUZZY_CEILING = 0.9;
/** Below this similarity two words are different words, not one misspelt. */
const WORD_FLOOR = 0.5;

const DEFAULT_LIMIT = 5;
const DEFAULT_MIN_CONFIDENCE = 0.6;

export interface NameCandidate {
  pcode: string;
  /** The first name is the main one, the others alternative names (old, local or English spellings). */
  names: readonly string[];
}

export interface NameMatch {
  pcode: string;
  /** The candidate's main name, whichever of its names matched: the name to show a person. */
  name: string;
  confidence: number;
  matchedOn: 'exact' | 'folded' | 'alternative' | 'fuzzy';
}

export interface MatchOptions {
  limit?: number;
  minConfidence?: number;
}

/** UN-style trailing articles: "Mali (le)", "Gambia (the)", "Niger (l')". */
const ARTICLE_IN_PARENTHESES = /\(\s*(?:le|la|les|l|l'|l’|the)\s*\)/gu;

/**
 * Folds a name for comparison. NFKD rather than NFD so that compatibility forms (ligatures like
 * "ﬁ", full-width letters) fold too; œ and æ have no decomposition and are spelt out.
 */
export function nameKey(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .replace(ARTICLE_IN_PARENTHESES, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

interface IndexedName {
  text: string;
  key: string;
  /** Tokens sorted, joined: word order does not matter ("Mouhoun, Boucle du"). */
  sortedKey: string;
  tokens: readonly string[];
}

interface IndexedCandidate {
  pcode: string;
  mainName: string;
  /** Undefined when the main name folds to nothing (e.g. "-"): only its alternatives can match. */
  main: IndexedName | undefined;
  alternatives: readonly IndexedName[];
}

/** Candidates with their folded forms computed once; build it once per gazetteer, match many times. */
export interface NameIndex {
  readonly candidates: readonly IndexedCandidate[];
}

function indexName(text: string): IndexedName {
  const key = nameKey(text);
  const tokens = key === '' ? [] : key.split(' ');
  return { text, key, sortedKey: [...tokens].sort().join(' '), tokens };
}

export function buildNameIndex(candidates: readonly NameCandidate[]): NameIndex {
  const indexed: IndexedCandidate[] = [];
  for (const candidate of candidates) {
    const [mainName, ...alternativeNames] = candidate.names;
    // A unit without a name cannot be matched by name.
    if (mainName === undefined) continue;
    const main = indexName(mainName);
    indexed.push({
      pcode: candidate.pcode,
      mainName,
      main: main.key === '' ? undefined : main,
      // An alternative that folds to nothing ("", "-") would otherwise match any other empty name.
      alternatives: alternativeNames.map(indexName).filter((entry) => entry.key !== ''),
    });
  }
  return { candidates: indexed };
}

function editSimilarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : 1 - distance(a, b) / longest;
}

/**
 * Similarity of two words, or 0 when they are different words rather than one misspelt
 * ("say" and "tahoua"). The length check skips the distance when it cannot reach WORD_FLOOR.
 */
function wordSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const longest = Math.max(a.length, b.length);
  if (1 - Math.abs(a.length - b.length) / longest < WORD_FLOOR) return 0;
  const similarity = 1 - distance(a, b) / longest;
  return similarity >= WORD_FLOOR ? similarity : 0;
}

/** Words this short ("de", "i") say nothing about which unit is meant when found inside a longer name. */
const MIN_CONTAINED_WORD = 3;

/**
 * Word-level scores, where each word earns the similarity of its closest word on the other side
 * (so "naimey" still earns most of "niamey"). `overlap`: share of words on both sides found on
 * the other side. `contained`: share of the shorter name's meaningful words found in the longer
 * one, so that "Maradi" points to "Ville de Maradi" rather than to "Mayahi", a closer string.
 */
function wordScores(a: readonly string[], b: readonly string[]): { overlap: number; contained: number } {
  if (a.length === 0 || b.length === 0) return { overlap: 0, contained: 0 };
  const bestA = new Array<number>(a.length).fill(0);
  const bestB = new Array<number>(b.length).fill(0);
  for (let i = 0; i < a.length; i += 1) {
    for (let j = 0; j < b.length; j += 1) {
      const similarity = wordSimilarity(a[i] ?? '', b[j] ?? '');
      if (similarity > (bestA[i] ?? 0)) bestA[i] = similarity;
      if (similarity > (bestB[j] ?? 0)) bestB[j] = similarity;
    }
  }
  let shared = 0;
  for (const credit of bestA) shared += credit;
  for (const credit of bestB) shared += credit;
  const overlap = shared / (a.length + b.length);

  if (a.length === b.length) return { overlap, contained: 0 };
  const [shorter, credits] = a.length < b.length ? [a, bestA] : [b, bestB];
  let counted = 0;
  let found = 0;
  for (let i = 0; i < shorter.length; i += 1) {
    if ((shorter[i]?.length ?? 0) < MIN_CONTAINED_WORD) continue;
    counted += 1;
    found += credits[i] ?? 0;
  }
  return { overlap, contained: counted === 0 ? 0 : found / counted };
}

const EDIT_WEIGHT = 0.6;
const OVERLAP_WEIGHT = 0.4;
/** A name found inside a longer one is a lead, not an answer: it stays well below CONFIDENT. */
const CONTAINED_WEIGHT = 0.75;

/**
 * Highest fuzzy score this pair could reach without computing it: edit similarity cannot beat
 * the length difference, word overlap is at most 1, and containment needs unequal word counts.
 * Lets most of a large gazetteer be skipped cheaply when minConfidence is high.
 */
function fuzzyUpperBound(input: IndexedName, name: IndexedName): number {
  const longest = Math.max(input.key.length, name.key.length);
  const editBound = 1 - Math.abs(input.key.length - name.key.length) / longest;
  const blended = EDIT_WEIGHT * editBound + OVERLAP_WEIGHT;
  return FUZZY_CEILING * (input.tokens.length === name.tokens.length ? blended : Math.max(blended, CONTAINED_WEIGHT));
}

function fuzzyScore(input: IndexedName, name: IndexedName): number {
  let edit = editSimilarity(input.key, name.key);
  // Word order only matters when a side has several words ("Mouhoun Boucle du").
  if (input.sortedKey !== input.key || name.sortedKey !== name.key) {
    edit = Math.max(edit, editSimilarity(input.sortedKey, name.sortedKey));
  }
  const { overlap, contained } = wordScores(input.tokens, name.tokens);
  const similarity = Math.max(EDIT_WEIGHT * edit + OVERLAP_WEIGHT * overlap, CONTAINED_WEIGHT * contained);
  // Rounded so that equal-looking scores compare equal (ties) and reports stay readable.
  return Math.round(FUZZY_CEILING * similarity * 10_000) / 10_000;
}

function hasKey(names: readonly IndexedName[], key: string): boolean {
  for (const name of names) if (name.key === key) return true;
  return false;
}

function scoreCandidate(input: IndexedName, candidate: IndexedCandidate, minConfidence: number): NameMatch | undefined {
  let confidence: number;
  let matchedOn: NameMatch['matchedOn'];
  const { main, alternatives } = candidate;
  if (candidate.mainName === input.text) {
    confidence = SCORE_EXACT;
    matchedOn = 'exact';
  } else if (main !== undefined && main.key === input.key) {
    confidence = SCORE_FOLDED;
    matchedOn = 'folded';
  } else if (hasKey(alternatives, input.key)) {
    confidence = SCORE_ALTERNATIVE;
    matchedOn = 'alternative';
  } else {
    confidence = 0;
    matchedOn = 'fuzzy';
    const floor = minConfidence - Number.EPSILON;
    const names = main === undefined ? alternatives : [main, ...alternatives];
    for (const name of names) {
      if (fuzzyUpperBound(input, name) <= Math.max(confidence, floor)) continue;
      confidence = Math.max(confidence, fuzzyScore(input, name));
    }
    if (confidence === 0) return undefined;
  }
  return { pcode: candidate.pcode, name: candidate.mainName, confidence, matchedOn };
}

function resolveOptions(options: MatchOptions | undefined): { limit: number; minConfidence: number } {
  const limit = options?.limit;
  const minConfidence = options?.minConfidence;
  return {
    limit: limit !== undefined && Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : DEFAULT_LIMIT,
    minConfidence: minConfidence !== undefined && Number.isFinite(minConfidence) ? minConfidence : DEFAULT_MIN_CONFIDENCE,
  };
}

/**
 * Best matches first. Confident matches are never cut by `limit`: when two units both score at
 * or above CONFIDENT (two communes both called "Gorom", or "Tillabéri" the region and
 * "Tillaberi" the department), all of them come back, so the caller sees more than one and must
 * ask a person. Take a match without asking only when it is the single one at or above CONFIDENT.
 */
export function matchInIndex(index: NameIndex, input: string, options?: MatchOptions): NameMatch[] {
  const { limit, minConfidence } = resolveOptions(options);
  if (typeof input !== 'string' || limit === 0) return [];
  const indexedInput = indexName(input);
  if (indexedInput.key === '') return [];

  const matches: NameMatch[] = [];
  const seen = new Map<string, number>();
  for (const candidate of index.candidates) {
    const match = scoreCandidate(indexedInput, candidate, minConfidence);
    if (match === undefined || match.confidence < minConfidence) continue;
    // The same P-code listed twice must not look like a tie between two units.
    const previous = seen.get(match.pcode);
    if (previous !== undefined) {
      const kept = matches[previous];
      if (kept !== undefined && kept.confidence < match.confidence) matches[previous] = match;
      continue;
    }
    seen.set(match.pcode, matches.length);
    matches.push(match);
  }

  matches.sort((a, b) => b.confidence - a.confidence);
  let confident = 0;
  while (confident < matches.length && (matches[confident]?.confidence ?? 0) >= CONFIDENT) confident += 1;
  return matches.slice(0, Math.max(limit, confident));
}

/** One-off convenience; for many names against the same gazetteer build the index once. */
export function matchName(input: string, candidates: readonly NameCandidate[], options?: MatchOptions): NameMatch[] {
  return matchInIndex(buildNameIndex(candidates), input, options);
}
