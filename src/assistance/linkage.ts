// Over 600 lines on purpose for now: comparison levels, pattern keys, blocking and the EM training
// share one set of field indices and the pattern encoding, and are tuned together against
// bench/linkage.ts. The seam if it grows: blocking (BLOCKING_RULES … forEachCandidatePair) to a
// file of its own.
/**
 * Record linkage with weights learned from the registry itself (pure): the Fellegi–Sunter model,
 * as Splink implements it. Each pair of registrations is compared field by field into levels
 * (names exact, close, far; birth date exact, one typo, year ±1…); each level has m, how often
 * it is seen between two registrations of one person, and u, how often between two different
 * people; a pair's match weight is the sum of log2(m/u) and the prior odds, and its probability
 * follows. u comes from random pairs of the registry (almost all of them are different people),
 * m and the prior from expectation–maximisation over the blocked pairs: hand-set weights were
 * right for one registry and wrong for the next (a name as common as Mamadou says little in
 * Mopti, a lot in Agadez).
 *
 * Only pairs sharing a blocking key are compared (a registry of a million people is 5·10^11
 * pairs); blocks are walked one at a time from sorted keys, so memory grows with the records and
 * the candidates kept, never with the pairs compared. EM works on the counts of comparison
 * patterns (a few hundred distinct vectors), not on pairs.
 */
import { jaroWinkler } from '@skyra/jaro-winkler';
import { distance } from 'fastest-levenshtein';
import { release, releasableArray, releasableArrays } from '../core/releasable.js';
import { foldSpelling, nameTokens, phoneticKey } from './names.js';

/** A registration as the matcher sees it; every field but the names may be missing. */
export interface LinkageRecord {
  givenNames: string;
  familyName: string;
  sex: 'f' | 'm' | null;
  birthYear: number | null;
  /** YYYY-MM-DD when the full date is known. */
  birthDate: string | null;
  /** The coarse place: admin2 P-code (a postcode or a town in other registries). */
  place: string | null;
  /** The fine place: site, neighbourhood, suburb. */
  locality: string | null;
  /** A street address where registries have one. */
  address: string | null;
  /** Phone (compared on its last 8 digits) or e-mail. */
  contact: string | null;
  idDocument: string | null;
  /** The household the registration belongs to, where the registry has households. */
  household?: number | null;
}

/** What comparing is done on: folded, canonical and phonetic forms computed once per record. */
export interface PreparedRecord {
  givenFold: string;
  familyFold: string;
  /** Canonical name tokens (names.ts: table of equivalent names, particles dropped), sorted. */
  given: readonly string[];
  family: readonly string[];
  givenKey: string;
  familyKey: string;
  /** The phonetic keys of the canonical tokens, for the level between similar and different. */
  givenSound: string;
  familySound: string;
  sex: 'f' | 'm' | null;
  birthYear: number | null;
  birthDigits: string | null;
  place: string | null;
  locality: string | null;
  address: string | null;
  contact: string | null;
  idDocument: string | null;
  household: number | null;
}

/** Places and addresses folded like names, digits kept (SITE-07 and SITE-12 are two sites). */
const orNull = (text: string | null | undefined): string | null => {
  if (text === null || text === undefined) return null;
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  return folded === '' ? null : folded;
};

function contactKey(contact: string | null): string | null {
  if (contact === null) return null;
  const text = contact.trim().toLowerCase();
  if (text.includes('@')) return text;
  const digits = text.replace(/\D/g, '');
  // Country codes and leading zeros come and go between partners; the subscriber number stays.
  return digits.length >= 8 ? digits.slice(-8) : null;
}

/**
 * Strings and token lists shared between the records of one run: a registry repeats a few hundred
 * names a million times, and each record would otherwise hold its own copies of their folded,
 * canonical and phonetic forms and its own arrays of tokens (some 120 bytes a record). One per run
 * (a long-lived one would only grow).
 */
export interface InternTable {
  strings: Map<string, string>;
  /** Sorted canonical tokens by their joined form. */
  tokens: Map<string, readonly string[]>;
}

export const internTable = (): InternTable => ({ strings: new Map(), tokens: new Map() });

const interned = (table: InternTable | undefined, text: string): string => {
  if (table === undefined) return text;
  const known = table.strings.get(text);
  if (known !== undefined) return known;
  table.strings.set(text, text);
  return text;
};

/** The sorted canonical tokens of a name and their joined form (the key names are compared and counted on). */
function tokensOf(table: InternTable | undefined, name: string): { tokens: readonly string[]; key: string } {
  const tokens = nameTokens(name).sort();
  const key = interned(table, tokens.join(' '));
  if (table === undefined) return { tokens, key };
  const known = table.tokens.get(key);
  if (known !== undefined) return { tokens: known, key };
  const shared = tokens.map((token) => interned(table, token));
  table.tokens.set(key, shared);
  return { tokens: shared, key };
}

export function prepareRecord(record: LinkageRecord, table?: InternTable): PreparedRecord {
  const { tokens: given, key: givenKey } = tokensOf(table, record.givenNames);
  const { tokens: family, key: familyKey } = tokensOf(table, record.familyName);
  const date = record.birthDate !== null && /^\d{4}-\d{2}-\d{2}$/.test(record.birthDate) ? record.birthDate.replace(/-/g, '') : null;
  return {
    givenFold: interned(table, foldSpelling(record.givenNames)),
    familyFold: interned(table, foldSpelling(record.familyName)),
    given,
    family,
    givenKey,
    familyKey,
    givenSound: interned(table, given.map(phoneticKey).join(' ')),
    familySound: interned(table, family.map(phoneticKey).join(' ')),
    sex: record.sex,
    birthYear: record.birthYear ?? (date === null ? null : Number(date.slice(0, 4))),
    birthDigits: date,
    place: record.place === null ? null : interned(table, record.place.trim().toUpperCase()) || null,
    locality: record.locality === null ? null : interned(table, orNull(record.locality) ?? '') || null,
    address: orNull(record.address),
    contact: contactKey(record.contact),
    idDocument: record.idDocument === null ? null : record.idDocument.replace(/[\s./-]/g, '').toUpperCase() || null,
    household: record.household ?? null,
  };
}

// ---- comparisons --------------------------------------------------------------------------------

/**
 * How alike two names are, 0 to 1, order-free: the better of Jaro-Winkler on the folded spelling
 * (typos: lachlan / lachlna) and the token-by-token product on canonical forms (Mahamadou
 * Ousmane / Mohamed Usman; a token one side lacks costs 5 %).
 */
function nameSimilarity(foldA: string, foldB: string, tokensA: readonly string[], tokensB: readonly string[]): number {
  if (foldA === foldB) return 1;
  const best = jaroWinkler(foldA, foldB);
  if (tokensA.length === 0 || tokensB.length === 0) return best;
  const [shorter, longer] = tokensA.length <= tokensB.length ? [tokensA, tokensB] : [tokensB, tokensA];
  const unused = [...longer];
  let product = 1;
  for (const token of shorter) {
    let top = 0;
    let at = -1;
    for (let index = 0; index < unused.length; index++) {
      const candidate = unused[index]!;
      const similarity = candidate === token ? 1 : jaroWinkler(candidate, token);
      if (similarity > top) {
        top = similarity;
        at = index;
      }
    }
    product *= top;
    if (at >= 0) unused.splice(at, 1);
    if (product <= best) return best;
  }
  product *= Math.pow(0.95, longer.length - shorter.length);
  return Math.max(best, product);
}

/**
 * Levels of a name comparison: the canonical forms equal (term frequencies adjust it), then
 * Jaro-Winkler bands as Splink's name comparison grades them (0.92, 0.8, 0.7), the phonetic keys
 * equal between the two lower bands (a transliteration the table lacks, far in spelling).
 */
const NAME_LEVELS = ['exact', 'close', 'similar', 'phonetic', 'distant', 'different'] as const;

function nameLevel(keyA: string, keyB: string, similarity: number, phoneticA: string, phoneticB: string): number {
  if (keyA === keyB) return 0;
  if (similarity >= 0.92) return 1;
  if (similarity >= 0.8) return 2;
  if (phoneticA === phoneticB) return 3;
  if (similarity >= 0.7) return 4;
  return 5;
}

export interface Comparison {
  name: string;
  levels: readonly string[];
  /** m (first) and u (second) before any data: the prior of the registry's first, small runs. */
  prior: { m: readonly number[]; u: readonly number[] };
  /** m known rather than learned: EM would take a household's namesake siblings for one person. */
  fixedM?: boolean;
}

/**
 * The comparisons, in the order of a pattern's digits. Priors are what a Sahel registry looks
 * like before it has grown (spellings vary, ages are estimated, phones change hands): EM starts
 * there and the data takes over as pairs accumulate (they weigh as PRIOR_PAIRS pairs).
 */
export const COMPARISONS: readonly Comparison[] = [
  { name: 'given', levels: NAME_LEVELS, prior: { m: [0.7, 0.15, 0.08, 0.02, 0.02, 0.03], u: [0.03, 0.02, 0.1, 0.05, 0.1, 0.7] } },
  { name: 'family', levels: NAME_LEVELS, prior: { m: [0.75, 0.12, 0.06, 0.02, 0.02, 0.03], u: [0.05, 0.02, 0.1, 0.05, 0.1, 0.68] } },
  {
    // Full dates graded as Splink's date-of-birth comparison (one typo, a month, a year, ten
    // years apart); registries that know the year only use the year levels.
    name: 'birth',
    levels: ['same date', 'date one typo', 'dates within a month', 'dates within a year', 'same year', 'year ±1', 'year ±2', 'within ten years', 'different'],
    prior: { m: [0.4, 0.1, 0.03, 0.04, 0.2, 0.1, 0.04, 0.05, 0.04], u: [0.0005, 0.002, 0.003, 0.02, 0.02, 0.04, 0.04, 0.25, 0.6245] },
  },
  { name: 'sex', levels: ['same', 'different'], prior: { m: [0.98, 0.02], u: [0.5, 0.5] } },
  { name: 'place', levels: ['same', 'same region', 'close spelling', 'different'], prior: { m: [0.8, 0.1, 0.05, 0.05], u: [0.01, 0.1, 0.01, 0.88] } },
  { name: 'locality', levels: ['same', 'close', 'different'], prior: { m: [0.75, 0.1, 0.15], u: [0.02, 0.02, 0.96] } },
  { name: 'address', levels: ['same', 'close', 'different'], prior: { m: [0.7, 0.15, 0.15], u: [0.0005, 0.005, 0.9945] } },
  { name: 'contact', levels: ['same', 'close', 'same e-mail user', 'similar e-mail', 'different'], prior: { m: [0.8, 0.05, 0.02, 0.03, 0.1], u: [0.0005, 0.002, 0.0005, 0.005, 0.992] } },
  { name: 'idDocument', levels: ['same', 'one typo', 'different'], prior: { m: [0.85, 0.1, 0.05], u: [0.00001, 0.0001, 0.99989] } },
  // Two members of one household are seldom one person registered twice (a namesake sibling is
  // the usual reason two of them look alike).
  { name: 'household', levels: ['same', 'different'], prior: { m: [0.0005, 0.9995], u: [0.001, 0.999] }, fixedM: true },
];

const GIVEN = 0;
const FAMILY = 1;
const BIRTH = 2;
const SEX = 3;
const PLACE = 4;
const LOCALITY = 5;
const ADDRESS = 6;
const CONTACT = 7;
const ID_DOCUMENT = 8;
const HOUSEHOLD = 9;

/** Levels of one pair, one per comparison; -1 where a side is missing (no evidence either way). */
export type Pattern = Int8Array;

export interface PairDetail {
  pattern: Pattern;
  /** Name similarities after the order was aligned, for the reviewer. */
  given: number;
  family: number;
  /** Whether given and family names were read crossed (Hall Isla / Isla Hall). */
  swapped: boolean;
  birthGap: number | null;
  /** Another member of each household is alike too (set after scoring, by householdEvidence). */
  household?: boolean;
  /** The level of HOUSEHOLD_LEVELS between the two households, where there was evidence either way. */
  householdLevel?: number;
}

/** The place codes share all but their last two characters: admin1 of an admin2 P-code (ML05 of ML0501), a postcode's district. */
function sameRegion(a: string, b: string): boolean {
  const length = Math.max(2, Math.min(a.length, b.length) - 2);
  return a.length === b.length && a.slice(0, length) === b.slice(0, length);
}

function stringLevel(a: string | null, b: string | null): number {
  if (a === null || b === null) return -1;
  if (a === b) return 0;
  return jaroWinkler(a, b) >= 0.88 ? 1 : 2;
}

const dayNumber = (digits: string): number => Date.UTC(Number(digits.slice(0, 4)), Number(digits.slice(4, 6)) - 1, Number(digits.slice(6, 8))) / 86_400_000;

/** One digit changed, or two neighbouring digits transposed (Damerau), or day and month swapped. */
function oneDateTypo(a: string, b: string): boolean {
  if (a.slice(0, 4) + a.slice(6, 8) + a.slice(4, 6) === b) return true;
  let first = -1;
  let differences = 0;
  for (let index = 0; index < a.length; index++) {
    if (a[index] === b[index]) continue;
    if (differences === 0) first = index;
    differences++;
  }
  return differences === 1 || (differences === 2 && a[first] === b[first + 1] && a[first + 1] === b[first]);
}

function birthLevel(a: PreparedRecord, b: PreparedRecord): number {
  if (a.birthDigits !== null && b.birthDigits !== null) {
    if (a.birthDigits === b.birthDigits) return 0;
    if (oneDateTypo(a.birthDigits, b.birthDigits)) return 1;
    const days = Math.abs(dayNumber(a.birthDigits) - dayNumber(b.birthDigits));
    // Two full dates in the same year but a different day are not "same year" evidence: that
    // level is for registries that hold years only.
    return days <= 31 ? 2 : days <= 366 ? 3 : days <= 3653 ? 7 : 8;
  }
  if (a.birthYear === null || b.birthYear === null) return -1;
  const gap = Math.abs(a.birthYear - b.birthYear);
  return gap === 0 ? 4 : gap === 1 ? 5 : gap === 2 ? 6 : gap <= 10 ? 7 : 8;
}

/**
 * Phones and e-mails: the same, two characters apart, then for e-mails Splink's two further
 * levels: the same user at another domain, and a close spelling (Jaro-Winkler ≥ 0.88).
 */
function contactLevel(a: string, b: string): number {
  if (a === b) return 0;
  if (distance(a, b) <= 2) return 1;
  const atA = a.indexOf('@');
  const atB = b.indexOf('@');
  if (atA < 0 || atB < 0) return 4;
  if (a.slice(0, atA) === b.slice(0, atB)) return 2;
  return jaroWinkler(a, b) >= 0.88 ? 3 : 4;
}

/** Town names mistyped (Londn / London) are close; codes are not (ML0501 and ML0601 are far apart). */
function placeLevel(a: string | null, b: string | null): number {
  if (a === null || b === null) return -1;
  if (a === b) return 0;
  if (sameRegion(a, b)) return 1;
  return !/\d/.test(a) && !/\d/.test(b) && jaroWinkler(a, b) >= 0.88 ? 2 : 3;
}

export function comparePair(a: PreparedRecord, b: PreparedRecord): PairDetail {
  const pattern = new Int8Array(COMPARISONS.length);
  const hasNames = (fold: string): boolean => fold !== '';
  let given = 0;
  let family = 0;
  let swapped = false;
  const givenBoth = hasNames(a.givenFold) && hasNames(b.givenFold);
  const familyBoth = hasNames(a.familyFold) && hasNames(b.familyFold);
  if (givenBoth) given = a.givenKey === b.givenKey ? 1 : nameSimilarity(a.givenFold, b.givenFold, a.given, b.given);
  if (familyBoth) family = a.familyKey === b.familyKey ? 1 : nameSimilarity(a.familyFold, b.familyFold, a.family, b.family);
  // Given and family names written in each other's place: read them crossed when that fits
  // better, also when one name is missing on a side (Moore Oscar / Oscar, no family name): the
  // name one side has is then compared with the other side's name in the other field.
  const crossedGivenBoth = hasNames(a.givenFold) && hasNames(b.familyFold);
  const crossedFamilyBoth = hasNames(a.familyFold) && hasNames(b.givenFold);
  if ((!givenBoth || given < 0.92 || !familyBoth || family < 0.92) && (crossedGivenBoth || crossedFamilyBoth)) {
    const crossedGiven = crossedGivenBoth ? nameSimilarity(a.givenFold, b.familyFold, a.given, b.family) : 0;
    const crossedFamily = crossedFamilyBoth ? nameSimilarity(a.familyFold, b.givenFold, a.family, b.given) : 0;
    if (crossedGiven + crossedFamily > given + family + 0.1) {
      given = crossedGiven;
      family = crossedFamily;
      swapped = true;
    }
  }
  if (swapped) {
    pattern[GIVEN] = crossedGivenBoth ? nameLevel(a.givenKey, b.familyKey, given, a.givenSound, b.familySound) : -1;
    pattern[FAMILY] = crossedFamilyBoth ? nameLevel(a.familyKey, b.givenKey, family, a.familySound, b.givenSound) : -1;
  } else {
    pattern[GIVEN] = givenBoth ? nameLevel(a.givenKey, b.givenKey, given, a.givenSound, b.givenSound) : -1;
    pattern[FAMILY] = familyBoth ? nameLevel(a.familyKey, b.familyKey, family, a.familySound, b.familySound) : -1;
  }
  pattern[BIRTH] = birthLevel(a, b);
  pattern[SEX] = a.sex === null || b.sex === null ? -1 : a.sex === b.sex ? 0 : 1;
  pattern[PLACE] = placeLevel(a.place, b.place);
  pattern[LOCALITY] = stringLevel(a.locality, b.locality);
  pattern[ADDRESS] = stringLevel(a.address, b.address);
  if (a.contact === null || b.contact === null) pattern[CONTACT] = -1;
  else pattern[CONTACT] = contactLevel(a.contact, b.contact);
  if (a.idDocument === null || b.idDocument === null) pattern[ID_DOCUMENT] = -1;
  else pattern[ID_DOCUMENT] = a.idDocument === b.idDocument ? 0 : distance(a.idDocument, b.idDocument) === 1 ? 1 : 2;
  pattern[HOUSEHOLD] = a.household === null || b.household === null ? -1 : a.household === b.household ? 0 : 1;
  const birthGap = a.birthYear === null || b.birthYear === null ? null : Math.abs(a.birthYear - b.birthYear);
  return { pattern, given, family, swapped, birthGap };
}

/** One number per pattern (mixed radix, missing as its own digit): patterns are counted, not kept. */
export function patternKey(pattern: Pattern): number {
  let key = 0;
  for (let index = 0; index < COMPARISONS.length; index++) key = key * (COMPARISONS[index]!.levels.length + 1) + (pattern[index]! + 1);
  return key;
}

export function patternOf(key: number): Pattern {
  const pattern = new Int8Array(COMPARISONS.length);
  for (let index = COMPARISONS.length - 1; index >= 0; index--) {
    const radix = COMPARISONS[index]!.levels.length + 1;
    pattern[index] = (key % radix) - 1;
    key = Math.floor(key / radix);
  }
  return pattern;
}

// ---- blocking -----------------------------------------------------------------------------------

/**
 * The blocking rules: a pair is compared when the two records share a key of at least one rule.
 * Each rule is narrow enough that common names do not make blocks of thousands (name tokens go
 * with a birth-year window), and together they forgive what one rule cannot: a misspelt name is
 * caught by the date or the phone, a wrong year by the names and the place.
 */
/** The largest block of the rules on rare values: names shared by more people than this say little of who is who. */
const RARE_BLOCK = 20;

export const BLOCKING_RULES: ReadonlyArray<{
  name: string;
  uses: readonly number[];
  maxBlock?: number;
  /**
   * Whether EM learns from the rule's pairs. Not the rules on rare names: in a small registry
   * their blocks are mostly relatives and namesakes, EM takes them for a class of matches and
   * the levels it learns there are wrong (Splink keeps training rules apart from prediction's).
   */
  forTraining?: boolean;
  keys: (record: PreparedRecord) => string[];
}> = [
  {
    // Two canonical name tokens in any order (Maïga Mahamadou / Mohamed Mayga) within a birth-year
    // window, in the same country (a family that moved to another cercle): windows of 2 years in
    // two phases, so years one apart always share one. The country is a P-code's first two
    // letters (a postcode's district, a town's initials in other registries).
    name: 'name pair, birth years and country',
    uses: [GIVEN, FAMILY, BIRTH, SEX],
    keys: (record) => {
      const tokens = [...new Set([...record.given, ...record.family])].sort();
      if (tokens.length < 2) return [];
      const windows = record.birthYear === null ? ['?'] : [`a${Math.floor(record.birthYear / 2)}`, `b${Math.floor((record.birthYear + 1) / 2)}`];
      const country = record.place?.slice(0, 2) ?? '?';
      const keys: string[] = [];
      for (let i = 0; i < tokens.length; i++) for (let j = i + 1; j < tokens.length; j++) for (const window of windows) keys.push(`${record.sex ?? '?'}|${tokens[i]}|${tokens[j]}|${window}|${country}`);
      return keys;
    },
  },
  {
    // The same names and a year mistyped (1991-04-26 / 1997-04-26): the day and month.
    name: 'name pair and birth day',
    uses: [GIVEN, FAMILY, SEX],
    keys: (record) => {
      if (record.birthDigits === null) return [];
      const tokens = [...new Set([...record.given, ...record.family])].sort();
      const keys: string[] = [];
      for (let i = 0; i < tokens.length; i++) for (let j = i + 1; j < tokens.length; j++) keys.push(`${record.sex ?? '?'}|${tokens[i]}|${tokens[j]}|${record.birthDigits.slice(4)}`);
      return keys;
    },
  },
  {
    // The same names and the same place, whatever the birth date says (ages re-estimated, dates mistyped).
    name: 'name pair and place',
    uses: [GIVEN, FAMILY, SEX, PLACE],
    // Not for EM: a son named after his father lives in the same place, and EM would learn
    // from such pairs that one person's birth years differ.
    forTraining: false,
    keys: (record) => {
      if (record.place === null) return [];
      const tokens = [...new Set([...record.given, ...record.family])].sort();
      const keys: string[] = [];
      for (let i = 0; i < tokens.length; i++) for (let j = i + 1; j < tokens.length; j++) keys.push(`${record.sex ?? '?'}|${tokens[i]}|${tokens[j]}|${record.place}`);
      return keys;
    },
  },
  {
    // Names alone, when few share them: a rare name pair says who someone is whatever else was
    // mistyped; a common one (Mamadou Maïga) makes a block of thousands that says nothing.
    name: 'rare name pair',
    uses: [GIVEN, FAMILY, SEX],
    maxBlock: RARE_BLOCK,
    forTraining: false,
    keys: (record) => {
      const tokens = [...new Set([...record.given, ...record.family])].sort();
      const keys: string[] = [];
      for (let i = 0; i < tokens.length; i++) for (let j = i + 1; j < tokens.length; j++) keys.push(`${record.sex ?? '?'}|${tokens[i]}|${tokens[j]}`);
      return keys;
    },
  },
  {
    // One name missing or mistyped: a rare name token, alone or in the same place.
    name: 'rare name token',
    uses: [GIVEN, FAMILY, SEX],
    maxBlock: RARE_BLOCK,
    forTraining: false,
    keys: (record) => [...new Set([...record.given, ...record.family])].map((token) => `${record.sex ?? '?'}|${token}`),
  },
  {
    name: 'rare name token and place',
    uses: [GIVEN, FAMILY, SEX, PLACE],
    maxBlock: RARE_BLOCK,
    forTraining: false,
    keys: (record) => (record.place === null ? [] : [...new Set([...record.given, ...record.family])].map((token) => `${record.sex ?? '?'}|${token}|${record.place}`)),
  },
  { name: 'birth date', uses: [BIRTH, SEX], keys: (record) => (record.birthDigits === null ? [] : [`${record.birthDigits}|${record.sex ?? '?'}`]) },
  { name: 'contact', uses: [CONTACT], keys: (record) => (record.contact === null ? [] : [record.contact]) },
  { name: 'identity document', uses: [ID_DOCUMENT], keys: (record) => (record.idDocument === null ? [] : [record.idDocument]) },
  {
    // A misspelt given name: the family name's sound, the given name's initial, the place.
    name: 'family sound and place',
    uses: [GIVEN, FAMILY, PLACE, BIRTH, SEX],
    keys: (record) => {
      if (record.family.length === 0 || record.place === null) return [];
      const initial = record.givenFold.charAt(0);
      return record.family.map((token) => `${record.sex ?? '?'}|${phoneticKey(token)}|${initial}|${record.place}|${record.birthYear === null ? '?' : Math.floor(record.birthYear / 10)}`);
    },
  },
  {
    // A misspelt family name: the given name, the birth year and the country.
    name: 'given name, birth year and country',
    uses: [GIVEN, FAMILY, BIRTH, SEX],
    keys: (record) =>
      record.birthYear === null || record.given.length === 0 ? [] : [`${record.sex ?? '?'}|${record.givenKey}|${record.birthYear}|${record.familyFold.charAt(0)}|${record.place?.slice(0, 2) ?? '?'}`],
  },
  {
    // One of the names missing: any name token with the birth year and the place.
    name: 'name token, birth year and place',
    uses: [GIVEN, FAMILY, BIRTH, SEX, PLACE],
    keys: (record) =>
      record.birthYear === null || record.place === null ? [] : [...new Set([...record.given, ...record.family])].map((token) => `${record.sex ?? '?'}|${token}|${record.birthYear}|${record.place}`),
  },
  {
    name: 'name token and birth date',
    uses: [GIVEN, FAMILY, BIRTH, SEX],
    keys: (record) => (record.birthDigits === null ? [] : [...new Set([...record.given, ...record.family])].map((token) => `${record.sex ?? '?'}|${token}|${record.birthDigits}`)),
  },
  {
    // An e-mail's domain mistyped: the user part alone (phones have none).
    name: 'e-mail user',
    uses: [CONTACT],
    keys: (record) => {
      const at = record.contact?.indexOf('@') ?? -1;
      return at > 2 ? [record.contact!.slice(0, at)] : [];
    },
  },
];

/**
 * 32-bit FNV-1a hash, finished with a Murmur mix: keys sorted as numbers, not strings, four bytes
 * each (a million records hold some thirty keys each over the rules). Two keys of one rule that
 * collide only merge their blocks: a few more pairs compared, none lost.
 */
function hashKey(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/**
 * The hashed keys of each rule for each record, flat: record i's keys under a rule are
 * keys[offsets[i]] to keys[offsets[i + 1]] (one typed array per rule, not one per record: a
 * million records would otherwise cost a million small objects per rule).
 */
export interface BlockingIndex {
  rules: Array<{ offsets: Int32Array; keys: Uint32Array }>;
}

export function blockingIndex(records: readonly PreparedRecord[]): BlockingIndex {
  return {
    rules: BLOCKING_RULES.map((rule) => {
      // Released once the pairs are walked (releaseIndex): some 130 MB at a million people.
      const offsets = releasableArray(Int32Array, records.length + 1);
      // Grown in place (a JS array of numbers would hold them as 8-byte doubles, and then be copied).
      let keys = releasableArray(Uint32Array, Math.max(1024, records.length));
      let length = 0;
      records.forEach((record, index) => {
        for (const key of new Set(rule.keys(record).map(hashKey))) {
          if (length === keys.length) {
            const grown = releasableArray(Uint32Array, keys.length * 2);
            grown.set(keys);
            release(keys);
            keys = grown;
          }
          keys[length++] = key;
        }
        // Zero already: a rule no record has a key for (no birth dates, no documents) then
        // never touches its offsets' pages, which stay out of memory (4 MB a rule at a million).
        if (length > 0) offsets[index + 1] = length;
      });
      const exact = releasableArray(Uint32Array, length);
      exact.set(keys.subarray(0, length));
      release(keys);
      return { offsets, keys: exact };
    }),
  };
}

/** Gives the index's memory back now: it is empty afterwards. */
export function releaseIndex(index: BlockingIndex): void {
  for (const rule of index.rules) release(rule.offsets, rule.keys);
}

/**
 * Whether records i and j share a key of the rule whose block was walked (below a bound: the
 * smaller keys of a block's own rule); a key whose block was too large to walk does not count,
 * or its pairs would be left to a block that skipped them.
 */
function shares(rule: { offsets: Int32Array; keys: Uint32Array }, i: number, j: number, skipped: ReadonlySet<number>, below = Infinity): boolean {
  const { offsets, keys } = rule;
  for (let x = offsets[i]!; x < offsets[i + 1]!; x++) {
    const key = keys[x]!;
    if (key >= below || skipped.has(key)) continue;
    for (let y = offsets[j]!; y < offsets[j + 1]!; y++) if (keys[y] === key) return true;
  }
  return false;
}

/** Records below this count pack a key and its record into one double (32 + 21 bits, exact). */
const PACKED_RECORDS = 2 ** 21;

/**
 * A rule's keys with their records, sorted by key then record. Packed into one number each and
 * sorted natively where the registry allows, rather than through a comparator called per
 * comparison (about 5 % of the CPU of a run at 100,000 people).
 */
function sortedEntries(offsets: Int32Array, hashes: Uint32Array): { keys: Uint32Array; owners: Int32Array } {
  const entries = hashes.length;
  const keys = new Uint32Array(entries);
  const owners = new Int32Array(entries);
  const records = offsets.length - 1;
  if (records <= PACKED_RECORDS) {
    const packed = new Float64Array(entries);
    for (let record = 0; record < records; record++) for (let at = offsets[record]!; at < offsets[record + 1]!; at++) packed[at] = hashes[at]! * PACKED_RECORDS + record;
    packed.sort();
    for (let at = 0; at < entries; at++) {
      const record = packed[at]! % PACKED_RECORDS;
      owners[at] = record;
      keys[at] = (packed[at]! - record) / PACKED_RECORDS;
    }
    return { keys, owners };
  }
  const unsorted = new Int32Array(entries);
  for (let record = 0; record < records; record++) for (let at = offsets[record]!; at < offsets[record + 1]!; at++) unsorted[at] = record;
  const order = new Int32Array(entries);
  for (let position = 0; position < entries; position++) order[position] = position;
  order.sort((x, y) => hashes[x]! - hashes[y]! || unsorted[x]! - unsorted[y]!);
  for (let at = 0; at < entries; at++) {
    keys[at] = hashes[order[at]!]!;
    owners[at] = unsorted[order[at]!]!;
  }
  return { keys, owners };
}

/**
 * Calls visit(i, j, rule) once for each pair sharing a key of some rule. A pair found by a
 * smaller key of the same rule is skipped, and so is one found by an earlier rule unless
 * everyRule is set (training wants each rule's pairs whole), so no set of seen pairs is needed.
 * visit returning false ends the rule's walk (training is content with a sample). Blocks larger
 * than maxBlock are skipped and counted (a key shared by half the registry says nothing and
 * would cost hours).
 */
export function forEachCandidatePair(
  index: BlockingIndex,
  visit: (i: number, j: number, rule: number) => boolean | void,
  options: { maxBlock?: number; everyRule?: boolean } = {},
): { pairs: number; skippedBlocks: number } {
  const maxBlock = options.maxBlock ?? 2000;
  let pairs = 0;
  let skippedBlocks = 0;
  const skippedKeys = index.rules.map(() => new Set<number>());
  index.rules.forEach((ruleIndex, rule) => {
    const ruleMaxBlock = Math.min(maxBlock, BLOCKING_RULES[rule]?.maxBlock ?? Infinity);
    const { offsets, keys: hashes } = ruleIndex;
    const entries = hashes.length;
    const { keys: sortedKeys, owners: sortedOwners } = sortedEntries(offsets, hashes);
    let start = 0;
    walk: while (start < entries) {
      const key = sortedKeys[start]!;
      let end = start + 1;
      while (end < entries && sortedKeys[end] === key) end++;
      const size = end - start;
      if (size > ruleMaxBlock) {
        skippedBlocks++;
        skippedKeys[rule]!.add(key);
      }
      else {
        for (let x = start; x < end; x++) {
          const i = sortedOwners[x]!;
          for (let y = x + 1; y < end; y++) {
            const j = sortedOwners[y]!;
            if (shares(ruleIndex, i, j, skippedKeys[rule]!, key)) continue;
            let earlier = false;
            if (options.everyRule !== true) for (let previous = 0; previous < rule && !earlier; previous++) earlier = shares(index.rules[previous]!, i, j, skippedKeys[previous]!);
            if (earlier) continue;
            pairs++;
            if (visit(i, j, rule) === false) break walk;
          }
        }
      }
      start = end;
    }
  });
  return { pairs, skippedBlocks };
}

// ---- the model ----------------------------------------------------------------------------------

export interface LinkageModel {
  /** Prior probability that two records taken at random are one person. */
  lambda: number;
  m: number[][];
  u: number[][];
  /** How many times each canonical given / family name occurs, over the records: rare names weigh more. */
  givenFrequency: Map<string, number>;
  familyFrequency: Map<string, number>;
  records: number;
  iterations: number;
  /** The household weight, learned after λ (null while no households are alike). */
  household?: HouseholdWeight | null;
}

/** How many pairs the priors weigh as: enough to steady a registry of a dozen families, nothing for a large one. */
export const PRIOR_PAIRS = 20;

const clamp = (p: number): number => Math.min(1 - 1e-6, Math.max(1e-6, p));

function normalise(values: number[]): number[] {
  const total = values.reduce((sum, value) => sum + value, 0);
  return values.map((value) => clamp(value / total));
}

/** Random pairs drawn from a seeded generator: nearly all are two different people, so their levels are u. */
export function estimateU(records: readonly PreparedRecord[], samples = 200_000, seed = 13): number[][] {
  const counts = COMPARISONS.map((comparison) => comparison.prior.u.map((u) => u * PRIOR_PAIRS));
  const n = records.length;
  if (n >= 2) {
    let state = seed >>> 0;
    const random = (): number => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const total = Math.min(samples, (n * (n - 1)) / 2);
    for (let sample = 0; sample < total; sample++) {
      const i = Math.floor(random() * n);
      let j = Math.floor(random() * (n - 1));
      if (j >= i) j++;
      const { pattern } = comparePair(records[i]!, records[j]!);
      pattern.forEach((level, comparison) => {
        if (level >= 0) counts[comparison]![level]! += 1;
      });
    }
  }
  return counts.map(normalise);
}

function frequencies(records: readonly PreparedRecord[], field: 'givenKey' | 'familyKey'): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) {
    const key = record[field];
    if (key !== '') counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

const logRatio = (m: number[][], u: number[][], pattern: Pattern, active: readonly boolean[]): number => {
  let sum = 0;
  for (let comparison = 0; comparison < pattern.length; comparison++) {
    const level = pattern[comparison]!;
    if (level >= 0 && active[comparison]) sum += Math.log(m[comparison]![level]! / u[comparison]![level]!);
  }
  return sum;
};

/**
 * Expectation–maximisation over the pattern counts of one blocking rule, as Splink trains: the
 * comparisons the rule blocks on are left out (within a block of one birth date, every pair agrees
 * on the date, matches or not, so the date's m cannot be learned there and would mislead the
 * rest). E gives each pattern its probability of being a match; M re-estimates m and the rule's
 * λ; u stays the random-pair estimate. The priors enter as PRIOR_PAIRS pseudo-pairs (MAP).
 */
function emForRule(patterns: ReadonlyArray<{ pattern: Pattern; count: number }>, u: number[][], active: readonly boolean[], maxIterations: number): { m: number[][]; iterations: number } {
  let m = COMPARISONS.map((comparison) => [...comparison.prior.m]);
  let lambda = 0.1;
  const total = patterns.reduce((sum, { count }) => sum + count, 0);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const mCounts = COMPARISONS.map((comparison) => comparison.prior.m.map((prior) => prior * PRIOR_PAIRS));
    let matches = 0;
    for (const { pattern, count } of patterns) {
      const probability = 1 / (1 + Math.exp(-(Math.log(lambda / (1 - lambda)) + logRatio(m, u, pattern, active))));
      matches += probability * count;
      pattern.forEach((level, comparison) => {
        if (level >= 0) mCounts[comparison]![level]! += probability * count;
      });
    }
    const next = mCounts.map((counts, comparison) => (COMPARISONS[comparison]!.fixedM === true ? [...COMPARISONS[comparison]!.prior.m] : normalise(counts)));
    const nextLambda = clamp(matches / total);
    let change = Math.abs(nextLambda - lambda);
    next.forEach((levels, comparison) => {
      if (active[comparison]) levels.forEach((value, level) => (change = Math.max(change, Math.abs(value - m[comparison]![level]!))));
    });
    m = next;
    lambda = nextLambda;
    if (change < 1e-5) break;
  }
  return { m, iterations };
}

/**
 * m learned rule by rule (each comparison's m is the mean over the rules that do not block on
 * it; the prior where none has data), u from random pairs. λ comes later, from the pairs that
 * are scored (estimateLambda).
 */
export function trainModel(records: readonly PreparedRecord[], countsByRule: ReadonlyArray<ReadonlyMap<number, number>>, options: { u?: number[][]; maxIterations?: number } = {}): LinkageModel {
  const u = options.u ?? estimateU(records);
  const sums = COMPARISONS.map((comparison) => comparison.prior.m.map(() => 0));
  const rulesPer = COMPARISONS.map(() => 0);
  let iterations = 0;
  countsByRule.forEach((counts, rule) => {
    const patterns = [...counts.entries()].map(([key, count]) => ({ pattern: patternOf(key), count }));
    if (patterns.length === 0) return;
    const active = COMPARISONS.map((_, comparison) => !BLOCKING_RULES[rule]!.uses.includes(comparison));
    const learned = emForRule(patterns, u, active, options.maxIterations ?? 100);
    iterations = Math.max(iterations, learned.iterations);
    active.forEach((isActive, comparison) => {
      if (!isActive || COMPARISONS[comparison]!.fixedM === true) return;
      rulesPer[comparison]!++;
      learned.m[comparison]!.forEach((value, level) => (sums[comparison]![level]! += value));
    });
  });
  const m = COMPARISONS.map((comparison, index) => (rulesPer[index] === 0 ? [...comparison.prior.m] : normalise(sums[index]!.map((sum) => sum / rulesPer[index]!))));
  // One person twice in one household: a thousand times rarer than two people of the registry sharing a household.
  m[HOUSEHOLD] = [u[HOUSEHOLD]![0]! / 1000, 1 - u[HOUSEHOLD]![0]! / 1000];
  return { lambda: 0.5, m, u, givenFrequency: frequencies(records, 'givenKey'), familyFrequency: frequencies(records, 'familyKey'), records: records.length, iterations };
}

/**
 * λ, the probability that two records taken at random are one person (Splink's
 * probability_two_random_records_match), by EM on λ alone with m and u held: over every pair of
 * the registry, the pairs blocking left out counting as non-matches (they share no key, by
 * design). Estimated within the blocks instead, it would say "most compared pairs are matches"
 * and every namesake would pass; over all pairs, agreeing names must be outweighed by the odds
 * against any two people being one.
 */
/** The least λ: one pair of one person among the 5·10¹² pairs of three million people. */
const LAMBDA_FLOOR = 1e-13;

export function estimateLambda(model: LinkageModel, patternCounts: ReadonlyMap<number, number>, records: number): number {
  const totalPairs = Math.max(1, (records * (records - 1)) / 2);
  const active = COMPARISONS.map(() => true);
  const patterns = [...patternCounts.entries()].map(([key, count]) => ({ ratio: logRatio(model.m, model.u, patternOf(key), active), count }));
  let lambda = Math.min(0.5, 1 / records);
  for (let iteration = 0; iteration < 500; iteration++) {
    let matches = 0;
    for (const { ratio, count } of patterns) matches += count / (1 + Math.exp(-(Math.log(lambda / (1 - lambda)) + ratio)));
    // Not clamp(): its floor of 10⁻⁶ is above λ from 200,000 people up (10,000 pairs of one person
    // among 2·10¹⁰ are 5·10⁻⁷; at a million, 10⁻⁷), and held there the prior odds were too high by
    // up to 3 bits, which let namesakes through as the registry grew.
    const next = Math.min(0.5, Math.max(LAMBDA_FLOOR, matches / totalPairs));
    if (Math.abs(next - lambda) < lambda * 1e-6) return next;
    lambda = next;
  }
  return lambda;
}

export interface ScoredPair {
  /** Match weight in bits: log2 of the odds that the two are one person. */
  weight: number;
  /** The probability that the two are one person, 0 to 1. */
  probability: number;
}

/**
 * The weight of a pair: the prior odds and each comparison's log2(m/u); an exact name match is
 * weighed by how common the name is (term frequency, as in Splink): two Mamadou agree by chance
 * far more often than two Intalla.
 */
export function scorePattern(model: LinkageModel, detail: PairDetail, a: PreparedRecord): ScoredPair {
  const weight = Math.log2(model.lambda / (1 - model.lambda)) + evidenceBits(model, detail, a);
  return { weight, probability: 1 / (1 + Math.pow(2, -weight)) };
}

/** The comparisons every member of a household shares: they say which households are alike, not which members. */
const HOUSEHOLD_FIELDS: readonly number[] = [PLACE, LOCALITY, ADDRESS, HOUSEHOLD];

/** The comparisons' part of a pair's weight (the sum of log2(m/u)), without the prior odds; personOnly: without HOUSEHOLD_FIELDS. */
function evidenceBits(model: LinkageModel, detail: PairDetail, a: PreparedRecord, personOnly = false): number {
  let weight = 0;
  const { pattern } = detail;
  for (let comparison = 0; comparison < pattern.length; comparison++) {
    const level = pattern[comparison]!;
    if (level < 0 || (personOnly && HOUSEHOLD_FIELDS.includes(comparison))) continue;
    const m = model.m[comparison]![level]!;
    let u = model.u[comparison]![level]!;
    if (level === 0 && (comparison === GIVEN || comparison === FAMILY) && model.records > 0) {
      const value = comparison === GIVEN ? a.givenKey : a.familyKey;
      // Read crossed, the name is a given name on one side and a family name on the other: its
      // frequency is the larger of the two (Maïga is rare as a given name, common as a family name).
      const count = detail.swapped
        ? Math.max(model.givenFrequency.get(value) ?? 1, model.familyFrequency.get(value) ?? 1)
        : ((comparison === GIVEN ? model.givenFrequency : model.familyFrequency).get(value) ?? 1);
      // Bounded so one rare name cannot outweigh every other field.
      u = Math.min(Math.max(count / model.records, u / 10), u * 10);
    }
    weight += Math.log2(m / u);
  }
  return weight;
}

/** The reasons a reviewer reads beside a pair, in the review queue's vocabulary. */
export function reasonsOf(detail: PairDetail): string[] {
  const reasons = [`name ${Math.min(detail.given, detail.family).toFixed(2)}`];
  const { pattern } = detail;
  if (detail.birthGap !== null) reasons.push(detail.birthGap === 0 ? 'same birth year' : `birth year ±${detail.birthGap}`);
  if (pattern[SEX] === 1) reasons.push('sex differs');
  if (pattern[CONTACT]! >= 0) reasons.push(pattern[CONTACT] === 0 ? 'same phone' : 'phones differ');
  if (pattern[PLACE]! >= 0) reasons.push(pattern[PLACE] === 0 ? 'same admin2' : 'different admin2');
  if (detail.household === true) reasons.push('household alike');
  return reasons;
}

// ---- the whole run ------------------------------------------------------------------------------

export interface MatchedPair {
  i: number;
  j: number;
  weight: number;
  probability: number;
  detail: PairDetail;
}

export interface LinkageRun {
  model: LinkageModel;
  compared: number;
  skippedBlocks: number;
  matches: MatchedPair[];
}

/**
 * Evidence (bits, without the prior odds) from which a pair counts as "another member alike" for
 * its households: the names and the birth year agree about as well as a person's two
 * registrations do. In bits rather than probability, so that it does not rise with the registry:
 * the prior odds of a million people are ten times smaller than those of 100,000, and a floor in
 * probability left most members of a family registered twice below it. 10 rather than 14 since
 * household composition is graded (HOUSEHOLD_LEVELS): two registrations of one child named
 * Hawa Maïga, a year apart, bring some 12 bits, and at 14 a whole family of common names counted
 * as "some alike" (generated registry of 200,000 at 0.5: F1 0.942 at 14, 0.951 at 11, 0.952 at 8).
 */
export const ALIKE_BITS = 10;
/** Pairs below and above these probabilities (before the household) are taken as different people and as one person when the household weight is learned. */
const HOUSEHOLD_DIFFERENT = 0.01;
/**
 * The most a household level may add: 14 bits, 16,000 to 1 (at 200,000 generated people "all alike"
 * learns 9.8). A level seen among a handful of namesakes only would otherwise learn odds without
 * bound from its pseudo-counts, and the walk needs a bound to know which pairs it may drop.
 */
export const HOUSEHOLD_MAX_BITS = 14;
const HOUSEHOLD_SAME = 0.99;

/**
 * Levels of household composition between the households of a pair: how many members have an
 * alike counterpart in the other household (each counted once on each side, the pair itself
 * included), as a share of the larger household (householdLevel). A family registered twice brings most or all of its members alike at
 * once (head, spouse, children); two namesake families bring one or two pairs. "All" is split by
 * the larger household: every member of both alike, or all of the smaller only, the other having
 * more (a couple alike inside a family of seven): at 200,000 generated people most false pairs
 * at "all alike" were of the second kind, and it learns +0.3 bits where the first learns +9.8.
 */
export const HOUSEHOLD_LEVELS = ['none alike', 'some alike', 'most alike', 'all of the smaller alike', 'all alike'] as const;

/** The household weight learned from the pairs: m and u of each level of HOUSEHOLD_LEVELS, and its bits. */
export interface HouseholdWeight {
  m: number[];
  u: number[];
  /** Bits added to a pair at each level (the first, negative: both households have others and none is alike). */
  bits: number[];
}

/**
 * The level of household composition from the members alike besides the pair itself: none; less
 * than half of the larger household, or half or more; all of the smaller while the larger has
 * more; all of both. Shares of the larger: three namesakes of a family of four inside a family of
 * seven are "some", not "most" (at a million generated people most false pairs were "most alike"
 * between households of unequal size; at 200,000 F1 0.955 → 0.967 with shares of the larger).
 */
export function householdLevel(othersAlike: number, smaller: number, larger = smaller): number {
  if (othersAlike === 0) return 0;
  const alike = othersAlike + 1;
  if (alike >= larger) return 4;
  if (alike >= smaller) return 3;
  return alike / larger < 0.5 ? 1 : 2;
}

/**
 * The alike pairs (person's own evidence ≥ ALIKE_BITS, two households) grouped by their pair of
 * households, for householdEvidence to find the other alike pairs of a pair's two households.
 * Households are numbered densely (householdOf: -1 for none); the pairs are bucketed by their
 * lower household (counting sort), each bucket sorted by the higher one: one Int32Array of 4
 * bytes a pair. At a million people 18 million pairs are alike; sorting them by a pair key held
 * as doubles took five arrays, some 500 MB at once, and made the household phase the run's peak.
 */
export interface AlikeGroups {
  householdOf: Int32Array;
  /** Members per dense household. */
  sizes: Int32Array;
  /** Positions in the PairList of the alike pairs, by lower household, then higher. */
  alikeAt: Int32Array;
  /** The first position of (low, high) in alikeAt, or of the next pair of households of that low one. */
  firstOf: (low: number, high: number) => number;
  /** The end of the low household's bucket in alikeAt. */
  end: (low: number) => number;
}

export function alikeByHouseholds(records: readonly PreparedRecord[], candidates: PairList, packLimit = 2 ** 53): AlikeGroups | null {
  const householdOf = new Int32Array(records.length);
  const dense = new Map<number, number>();
  records.forEach((record, index) => {
    if (record.household === null) {
      householdOf[index] = -1;
      return;
    }
    let number = dense.get(record.household);
    if (number === undefined) dense.set(record.household, (number = dense.size));
    householdOf[index] = number;
  });
  const households = dense.size;
  dense.clear();
  const sizes = new Int32Array(households);
  for (const number of householdOf) if (number >= 0) sizes[number]!++;
  const lowOf = (at: number): number => {
    const [a, b] = [householdOf[candidates.left(at)]!, householdOf[candidates.right(at)]!];
    return a < 0 || b < 0 || a === b || !candidates.alike(at) ? -1 : Math.min(a, b);
  };
  const highOf = (at: number): number => Math.max(householdOf[candidates.left(at)]!, householdOf[candidates.right(at)]!);
  // starts[low] .. starts[low + 1]: the bucket of the pairs whose lower household is low.
  const starts = new Int32Array(households + 1);
  for (let at = 0; at < candidates.length; at++) {
    const low = lowOf(at);
    if (low >= 0) starts[low + 1]!++;
  }
  for (let low = 0; low < households; low++) starts[low + 1]! += starts[low]!;
  const alikeCount = starts[households] ?? 0;
  if (alikeCount === 0) return null;
  const alikeAt = releasableArray(Int32Array, alikeCount);
  const filled = starts.slice(0, households);
  for (let at = 0; at < candidates.length; at++) {
    const low = lowOf(at);
    if (low >= 0) alikeAt[filled[low]!++] = at;
  }
  // Each bucket by its higher household: packed with the position into one double and sorted
  // natively where that is exact, else through a comparator.
  let largest = 0;
  for (let low = 0; low < households; low++) largest = Math.max(largest, starts[low + 1]! - starts[low]!);
  const packable = households * candidates.length < packLimit;
  const packed = new Float64Array(packable ? largest : 0);
  for (let low = 0; low < households; low++) {
    const [from, to] = [starts[low]!, starts[low + 1]!];
    if (to - from < 2) continue;
    if (packable) {
      for (let x = from; x < to; x++) packed[x - from] = highOf(alikeAt[x]!) * candidates.length + alikeAt[x]!;
      const bucket = packed.subarray(0, to - from).sort();
      for (let x = from; x < to; x++) alikeAt[x] = bucket[x - from]! % candidates.length;
    } else {
      alikeAt.subarray(from, to).sort((x, y) => highOf(x) - highOf(y) || x - y);
    }
  }
  return {
    householdOf,
    sizes,
    alikeAt,
    firstOf: (low, high) => {
      let [from, to] = [starts[low]!, starts[low + 1]!];
      while (from < to) {
        const middle = (from + to) >>> 1;
        if (highOf(alikeAt[middle]!) < high) from = middle + 1;
        else to = middle;
      }
      return from;
    },
    end: (low) => starts[low + 1]!,
  };
}

/**
 * Household composition: two registrations of one family bring several members alike at once
 * (head, spouse, children), two namesakes do not, or one pair more at most. Learned like the
 * other comparisons: m of each level is how often a pair that is surely one person
 * (≥ HOUSEHOLD_SAME before this) is at that level, u how often a compared pair that is surely two
 * people (≤ HOUSEHOLD_DIFFERENT) and alike itself is: namesakes, the pairs this evidence has to
 * tell apart. The compared namesakes, not random pairs, give u: two Maïga families with a
 * namesake each are far more often alike elsewhere than two families at random, and two unlike
 * people's households seldom are (u learned from them made "most alike" worth more than namesake
 * families deserve, at a million people most of the false pairs).
 * Graded rather than "another pair alike or not": at a million people the prior odds are some
 * −20 bits, and a whole family of common names that moved to another cercle was lost under them
 * while two families sharing two namesakes passed. A pair that is not the best alike of both its
 * members there (a son named after his father, a sister of the same age) gains nothing. Works on
 * the candidates' typed arrays: no object per pair.
 */
function householdEvidence(records: readonly PreparedRecord[], candidates: PairList): HouseholdWeight | null {
  const groups = alikeByHouseholds(records, candidates);
  if (groups === null) return null;
  const { householdOf, sizes } = groups;
  // The level of HOUSEHOLD_LEVELS; -1: no evidence either way.
  // Released with the pairs (PairList.release).
  const state = releasableArray(Int8Array, candidates.length).fill(-1);
  const levels = HOUSEHOLD_LEVELS.length;
  const sameAt = new Array<number>(levels).fill(0);
  const differentAt = new Array<number>(levels).fill(0);
  const sameBits = Math.log2(HOUSEHOLD_SAME / (1 - HOUSEHOLD_SAME));
  const differentBits = Math.log2(HOUSEHOLD_DIFFERENT / (1 - HOUSEHOLD_DIFFERENT));
  const lows = new Set<number>();
  const highs = new Set<number>();
  for (let at = 0; at < candidates.length; at++) {
    const [i, j] = [candidates.left(at), candidates.right(at)];
    const [hi, hj] = [householdOf[i]!, householdOf[j]!];
    if (hi < 0 || hj < 0 || hi === hj) continue;
    const [sizeI, sizeJ] = [sizes[hi]!, sizes[hj]!];
    const smaller = Math.min(sizeI, sizeJ);
    if (smaller < 2) continue;
    const weight = candidates.evidence(at);
    // The other members alike, each counted once on each side (a father and his namesake son
    // alike to one registration are one member matched, not two).
    lows.clear();
    highs.clear();
    // The best weight of each of the two members alike between these two households: a
    // namesake's registration in a third household says nothing of this one (a family that
    // moved was otherwise lost to the namesakes of the cercle it left).
    let bestOfI = -Infinity;
    let bestOfJ = -Infinity;
    const [low, high] = hi < hj ? [hi, hj] : [hj, hi];
    for (let position = groups.firstOf(low, high), last = groups.end(low); position < last; position++) {
      const other = groups.alikeAt[position]!;
      const [k, l] = [candidates.left(other), candidates.right(other)];
      if (Math.max(householdOf[k]!, householdOf[l]!) !== high) break;
      const otherWeight = candidates.evidence(other);
      if (k === i || l === i) bestOfI = Math.max(bestOfI, otherWeight);
      if (k === j || l === j) bestOfJ = Math.max(bestOfJ, otherWeight);
      if (k === i || k === j || l === i || l === j) continue;
      const kLow = householdOf[k]! === low;
      lows.add(kLow ? k : l);
      highs.add(kLow ? l : k);
    }
    const others = Math.min(lows.size, highs.size);
    // Others alike but this pair not the best of its members there: no evidence either way
    // (the cross pairs of a family registered twice, the head and the other side's spouse).
    if (others > 0 && (weight < bestOfI || weight < bestOfJ)) continue;
    const level = householdLevel(others, smaller, Math.max(sizeI, sizeJ));
    state[at] = level;
    if (weight >= sameBits) sameAt[level]!++;
    else if (weight <= differentBits && candidates.alike(at)) differentAt[level]!++;
  }
  // Half a pair of pseudo-counts per level: a registry with no sure pair yet learns nothing extreme.
  const total = (counts: number[]): number => counts.reduce((sum, count) => sum + count, 0) + levels / 2;
  const m = sameAt.map((count) => clamp((count + 0.5) / total(sameAt)));
  const u = differentAt.map((count) => clamp((count + 0.5) / total(differentAt)));
  const weight: HouseholdWeight = { m, u, bits: m.map((value, level) => Math.min(HOUSEHOLD_MAX_BITS, Math.log2(value / u[level]!))) };
  for (let at = 0; at < candidates.length; at++) if (state[at]! >= 0) candidates.setEvidence(at, candidates.evidence(at) + weight.bits[state[at]!]!);
  candidates.household = state;
  release(groups.alikeAt);
  return weight;
}

/** Entries per chunk of a PairList (2^16: 640 KB for its arrays, little for a small registry). */
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const IN_CHUNK = CHUNK - 1;
/** Records a PairList numbers in three bytes (two low, one high); beyond, the high part takes two. */
const THREE_BYTE_RECORDS = 2 ** 24;

/**
 * Pairs and their evidence in typed arrays of fixed-size chunks: millions of them cost 10 bytes
 * each, not an object each, and growing never copies (a doubling array held the old and the new
 * copy at once, up to three times the list: at a million people 16 million pairs, some 400 MB at
 * the moment it grew). A record's number takes three bytes (a low Uint16 and a high Uint8, up to
 * 16.7 million records; more take a Uint16 high part). Of the person's own evidence only whether it
 * reaches ALIKE_BITS is kept, and in no byte of its own: a pair is held as (smaller, larger) record,
 * and as (larger, smaller) when alike. At a million people, 19.9 million held pairs: 199 MB, where
 * four-byte numbers and a flag byte took 258 MB.
 */
export class PairList {
  private firstLows: Uint16Array[] = [];
  private secondLows: Uint16Array[] = [];
  private firstHighs: Array<Uint8Array | Uint16Array> = [];
  private secondHighs: Array<Uint8Array | Uint16Array> = [];
  private evidences: Float32Array[] = [];
  private readonly Highs: typeof Uint8Array | typeof Uint16Array;
  /** Set by householdEvidence: the level of HOUSEHOLD_LEVELS of each pair, -1 where there is none. */
  household: Int8Array | null = null;
  length = 0;

  /** `records`: how many records the pairs number (the layout of a record's number depends on it). */
  constructor(records = 0) {
    this.Highs = records > THREE_BYTE_RECORDS ? Uint16Array : Uint8Array;
  }

  push(i: number, j: number, evidence: number, person: number): void {
    const offset = this.length & IN_CHUNK;
    if (offset === 0) {
      // One buffer for the chunk: the evidence first, for its alignment.
      const [evidences, firstLows, secondLows, firstHighs, secondHighs] = releasableArrays(CHUNK, [Float32Array, Uint16Array, Uint16Array, this.Highs, this.Highs] as const);
      this.evidences.push(evidences);
      this.firstLows.push(firstLows);
      this.secondLows.push(secondLows);
      this.firstHighs.push(firstHighs);
      this.secondHighs.push(secondHighs);
    }
    const chunk = this.length >>> CHUNK_BITS;
    // Judged on the float the list held before (a person's evidence a hair under 10 bits rounds to 10).
    const alike = Math.fround(person) >= ALIKE_BITS;
    const [smaller, larger] = i < j ? [i, j] : [j, i];
    const [first, second] = alike ? [larger, smaller] : [smaller, larger];
    this.firstLows[chunk]![offset] = first & 0xffff;
    this.firstHighs[chunk]![offset] = Math.floor(first / 0x10000);
    this.secondLows[chunk]![offset] = second & 0xffff;
    this.secondHighs[chunk]![offset] = Math.floor(second / 0x10000);
    this.evidences[chunk]![offset] = evidence;
    this.length++;
  }

  private first(at: number): number {
    const [chunk, offset] = [at >>> CHUNK_BITS, at & IN_CHUNK];
    return this.firstHighs[chunk]![offset]! * 0x10000 + this.firstLows[chunk]![offset]!;
  }

  private second(at: number): number {
    const [chunk, offset] = [at >>> CHUNK_BITS, at & IN_CHUNK];
    return this.secondHighs[chunk]![offset]! * 0x10000 + this.secondLows[chunk]![offset]!;
  }

  /** The pair's smaller record. */
  left(at: number): number {
    return Math.min(this.first(at), this.second(at));
  }

  /** The pair's larger record. */
  right(at: number): number {
    return Math.max(this.first(at), this.second(at));
  }

  /** The pair's evidence (bits, without the prior odds; its weight once linkRecords has added them and the household's). */
  evidence(at: number): number {
    return this.evidences[at >>> CHUNK_BITS]![at & IN_CHUNK]!;
  }

  /** Replaces the pair's evidence in place (the weight with the prior odds: no second array of them). */
  setEvidence(at: number, value: number): void {
    this.evidences[at >>> CHUNK_BITS]![at & IN_CHUNK] = value;
  }

  /** Whether the person's own fields (names, birth, sex, phone, document) bring ALIKE_BITS or more: alike for the households. */
  alike(at: number): boolean {
    return this.first(at) > this.second(at);
  }

  /** Gives the pairs' memory back now (core/releasable.ts): the list is empty afterwards. */
  release(): void {
    // The arrays of a chunk share one buffer: releasing one releases the chunk.
    release(...this.evidences, this.household);
    [this.evidences, this.firstLows, this.secondLows, this.firstHighs, this.secondHighs] = [[], [], [], [], []];
    this.household = null;
    this.length = 0;
  }
}

/**
 * Learns the model from the records and returns the pairs at or above the threshold probability.
 * Two walks over the blocks: every rule's pairs (up to trainingPairs each) for EM, then each pair
 * compared once, counted for λ and kept compactly when it could pass; no object per pair compared.
 */
export function linkRecords(
  records: readonly PreparedRecord[],
  threshold: number,
  options: {
    maxBlock?: number;
    uSamples?: number;
    trainingPairs?: number;
    /** λ the walk assumes when it decides which pairs to keep (tests: a wrong one must not lose pairs). */
    assumedLambda?: number;
    /** Called at the end of each phase, for the bench's timings. */
    onPhase?: (phase: string) => void;
  } = {},
): LinkageRun {
  const phase = options.onPhase ?? ((): void => undefined);
  // Let go once the pairs are walked: at a million people some 130 MB the household phase can use.
  let index: BlockingIndex | null = blockingIndex(records);
  phase('blocking keys');
  const byRule = BLOCKING_RULES.map(() => new Map<number, number>());
  const seenByRule = BLOCKING_RULES.map(() => 0);
  const limit = options.trainingPairs ?? 2_000_000;
  const count = (counts: Map<number, number>, i: number, j: number): void => {
    const key = patternKey(comparePair(records[i]!, records[j]!).pattern);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  forEachCandidatePair(
    index,
    (i, j, rule) => {
      if (BLOCKING_RULES[rule]!.forTraining === false) return false;
      count(byRule[rule]!, i, j);
      return ++seenByRule[rule]! < limit;
    },
    { maxBlock: options.maxBlock, everyRule: true },
  );
  phase('training pairs');
  const model = trainModel(records, byRule, { u: estimateU(records, options.uSamples) });
  phase('EM');
  // One walk compares each pair once: its pattern is counted for λ, and the pair is kept (two
  // numbers and its evidence, 10 bytes: PairList) when it counts as alike for its household, or when its
  // evidence could reach the threshold with the prior odds and the most the household can add.
  // The prior is not known before the walk (λ is learned from its patterns): the walk assumes four
  // times the λ of the training pairs. That λ counts a pair once per rule that finds it (three
  // times the final one at 200,000 generated people) but stops at trainingPairs a rule (0.56 times
  // the final one at a million). Should the walk's λ be higher still, the pairs are walked again
  // keeping all that could pass at any λ: never a pair lost.
  const floor = Math.min(threshold, 0.05);
  const floorBits = Math.min(ALIKE_BITS, Math.log2(floor / (1 - floor)));
  const merged = new Map<number, number>();
  for (const counts of byRule) for (const [key, found] of counts) merged.set(key, (merged.get(key) ?? 0) + found);
  const assumedLambda = options.assumedLambda ?? Math.min(0.5, 4 * estimateLambda(model, merged, records.length));
  const bitsToKeep = (lambda: number): number => Math.max(floorBits, Math.log2(floor / (1 - floor)) - Math.log2(lambda / (1 - lambda)) - HOUSEHOLD_MAX_BITS);
  const walk = (keepBits: number): { scored: Map<number, number>; candidates: PairList; pairs: number; skippedBlocks: number } => {
    const scored = new Map<number, number>();
    const candidates = new PairList(records.length);
    const { pairs, skippedBlocks } = forEachCandidatePair(
      index!,
      (i, j) => {
        const detail = comparePair(records[i]!, records[j]!);
        const key = patternKey(detail.pattern);
        scored.set(key, (scored.get(key) ?? 0) + 1);
        const evidence = evidenceBits(model, detail, records[i]!);
        if (evidence < floorBits) return;
        const person = evidenceBits(model, detail, records[i]!, true);
        if (evidence >= keepBits || person >= ALIKE_BITS) candidates.push(i, j, evidence, person);
      },
      { maxBlock: options.maxBlock },
    );
    return { scored, candidates, pairs, skippedBlocks };
  };
  let compared = walk(bitsToKeep(assumedLambda));
  model.lambda = estimateLambda(model, compared.scored, records.length);
  phase(`pairs compared (${compared.pairs} pairs, ${compared.candidates.length} kept, λ ${model.lambda.toExponential(2)} where ${assumedLambda.toExponential(2)} was assumed)`);
  if (model.lambda > assumedLambda) {
    // The first walk's pairs let go before the second walk holds its own.
    compared = { scored: new Map(), candidates: new PairList(records.length), pairs: 0, skippedBlocks: 0 };
    compared = walk(floorBits);
    phase(`pairs compared again (${compared.candidates.length} kept)`);
  }
  releaseIndex(index);
  index = null;
  const { candidates, pairs, skippedBlocks } = compared;
  const prior = Math.log2(model.lambda / (1 - model.lambda));
  // Each pair's evidence becomes its weight in place (no second array of 4 bytes a pair).
  for (let at = 0; at < candidates.length; at++) candidates.setEvidence(at, prior + candidates.evidence(at));
  model.household = householdEvidence(records, candidates);
  phase('household');
  const thresholdBits = Math.log2(threshold / (1 - threshold));
  const matches: MatchedPair[] = [];
  for (let at = 0; at < candidates.length; at++) {
    const weight = candidates.evidence(at);
    if (weight < thresholdBits) continue;
    const [i, j] = [candidates.left(at), candidates.right(at)];
    const detail = comparePair(records[i]!, records[j]!);
    const householdAt = candidates.household?.[at] ?? -1;
    if (householdAt >= 1) detail.household = true;
    if (householdAt >= 0) detail.householdLevel = householdAt;
    matches.push({ i, j, weight, probability: 1 / (1 + Math.pow(2, -weight)), detail });
  }
  // Given back now, not at V8's next full collection: that wait, while the caller stored the
  // candidates, was the peak of a million-person detection (~270 MB of pairs).
  candidates.release();
  phase('matches');
  return { model, compared: pairs, skippedBlocks, matches };
}

/**
 * The people behind the matched pairs: records joined through any chain of pairs (connected
 * components, as Splink clusters at a threshold). A registration matching two others that share
 * no blocking key still puts all three together.
 */
export function clusterOf(count: number, pairs: ReadonlyArray<{ i: number; j: number }>): Int32Array {
  const parent = new Int32Array(count);
  for (let index = 0; index < count; index++) parent[index] = index;
  const root = (index: number): number => {
    while (parent[index] !== index) {
      parent[index] = parent[parent[index]!]!;
      index = parent[index]!;
    }
    return index;
  };
  for (const { i, j } of pairs) {
    const [a, b] = [root(i), root(j)];
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  }
  for (let index = 0; index < count; index++) parent[index] = root(index);
  return parent;
}
