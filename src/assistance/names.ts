/**
 * Telling whether two registrations are the same person across partners and spellings (pure):
 * the first piece of the assistance registry's duplicate detection (issue 13). Sahel names
 * reach a registry transliterated from Arabic, Fulfulde, Songhai, Tamasheq and Hausa by
 * different enumerators: *Mahamadou Ousmane Maïga* and *Mohamed Usman Maiga* are one man, given
 * and family names swap places, and particles (ould, ag, bin…) come and go. So names are
 * compared token by token, order-free, after three folds: spelling (accents, case, hyphens),
 * a table of known equivalent names, and a phonetic key for the spellings the table lacks; the
 * remaining difference is measured with Jaro-Winkler, the usual string measure for short
 * personal names (@skyra/jaro-winkler).
 */
import { jaroWinkler } from '@skyra/jaro-winkler';

/**
 * Names that are one name in the registries of the region: the Arabic name and its French,
 * English and local transliterations. Gathered from the variants partners' distribution lists
 * show (and the issue's examples); each group's first spelling is the one shown.
 */
export const EQUIVALENT_NAMES: readonly (readonly string[])[] = [
  ['mohamed', 'mahamadou', 'mamadou', 'muhammad', 'mohammed', 'mohamad', 'mahamed', 'mouhamed', 'mouhamadou', 'mohamadou', 'mahmadou', 'amadou bello'],
  ['ousmane', 'usman', 'ousman', 'outhman', 'othmane', 'usmane', 'ousseini', 'oussemane'],
  ['aissata', 'aisseta', 'aichata', 'aissatou', 'aicha', 'aisha', 'aysata'],
  ['boubacar', 'aboubacar', 'bubakar', 'abubakar', 'aboubakar', 'boubakar', 'abubacar', 'bakary'],
  ['maiga', 'mayga', 'maega'],
  ['fatoumata', 'fatimata', 'fatima', 'fatoumatou', 'fadimata', 'fatouma'],
  ['amadou', 'ahmadou', 'ahmed', 'ahmad', 'hamadou', 'amadu'],
  ['abdoulaye', 'abdullahi', 'abdallah', 'abdoullahi', 'abdulahi', 'abdoulahi'],
  ['ibrahim', 'ibrahima', 'brahim', 'ibrahime', 'ibrahimou'],
  ['souleymane', 'suleiman', 'souleimane', 'sulaiman', 'souleyman', 'suleyman'],
  ['moussa', 'musa', 'mousa', 'mussa'],
  ['hamidou', 'hamid', 'hamido', 'hamidu'],
  ['mariam', 'mariama', 'maryam', 'mariame', 'mariamou'],
  ['oumar', 'omar', 'umar', 'oumarou', 'umaru'],
  ['issa', 'issah', 'isa'],
  ['alou', 'ali', 'aliou', 'alio'],
  ['adama', 'adam', 'adamou'],
  ['hawa', 'awa', 'hawaou'],
  ['seydou', 'saidou', 'sidi', 'seidou', 'saydou'],
  ['traore', 'traore', 'trawre'],
  ['toure', 'ture', 'tourey'],
  ['diallo', 'jallo', 'djallo', 'jalloh', 'jallow', 'diallow', 'djalo'],
  ['cisse', 'sisse', 'cissé', 'sissay'],
  // From public lists of Sahel names (Malian, Burkinabè and Nigerien registries, Hausa and Fulfulde forms).
  ['idrissa', 'idris', 'idriss', 'idrissou', 'driss'],
  ['hassane', 'hassan', 'hasan', 'assane', 'hassana'],
  ['yacouba', 'yakubu', 'yacoub', 'yaqub', 'yakouba'],
  ['abdourahamane', 'abdourahmane', 'abderrahmane', 'abdulrahman', 'abdourahman', 'abdramane'],
  ['aminata', 'aminatou', 'amina', 'aminetou'],
  ['zeinabou', 'zainab', 'zenabou', 'zeynab', 'zeinab'],
  ['kadidia', 'khadija', 'kadidiatou', 'kadiatou', 'kadidja'],
  ['djibrilla', 'djibril', 'jibril', 'jibrila', 'gibril'],
  ['sawadogo', 'sawadgo', 'sawadougou'],
  ['coulibaly', 'kulibali', 'koulibaly', 'coulibali'],
  ['dicko', 'diko', 'dikko'],
];

/** Particles of filiation and articles that one registration writes and another drops. */
export const PARTICLES = new Set(['ould', 'wuld', 'ag', 'ben', 'bin', 'bint', 'ibn', 'ibnou', 'mint', 'walet', 'welet', 'el', 'al', 'dan', 'ba', 'de']);

/** Case, accents, apostrophes and hyphens folded: `Aïssata`, `AISSATA` and `Ai-ssata` read alike. */
export function foldSpelling(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[’'`´ʼ\-_.]/g, ' ')
    .replace(/[^a-z\s]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A phonetic key for spellings the table does not know: French and English transliterations of
 * the same sound (ou/u, dj/j, y/i, ch/sh, doubled letters, a silent h) and vowel shades inside
 * the word; the first letter's vowel is kept.
 */
export function phoneticKey(token: string): string {
  let key = token
    .replace(/ou/g, 'u')
    .replace(/dj/g, 'j')
    .replace(/tch|ch|sh/g, 'c')
    .replace(/ph/g, 'f')
    .replace(/kh|gh|ck|q/g, 'k')
    .replace(/c(?=[aou])/g, 'k')
    .replace(/ow$/, 'o')
    .replace(/y/g, 'i')
    .replace(/(?<=[aeiou])h/g, '')
    .replace(/(.)\1+/g, '$1');
  if (key.length > 1) key = key[0] + key.slice(1).replace(/[aeiou]/g, (vowel) => (vowel === 'a' ? 'a' : 'e'));
  return key;
}

const CANONICAL = new Map<string, string>();
for (const group of EQUIVALENT_NAMES) {
  for (const spelling of group) {
    const folded = foldSpelling(spelling);
    CANONICAL.set(folded, group[0]!);
    CANONICAL.set(phoneticKey(folded), group[0]!);
  }
}

/** The form a name token is compared in: its group in the table, else its phonetic key. */
export function canonicalToken(token: string): string {
  return CANONICAL.get(token) ?? CANONICAL.get(phoneticKey(token)) ?? phoneticKey(token);
}

/** A full name as comparable tokens: folded, particles dropped, each in its canonical form. */
export function nameTokens(fullName: string): string[] {
  return foldSpelling(fullName)
    .split(' ')
    .filter((token) => token !== '' && !PARTICLES.has(token))
    .map(canonicalToken);
}

/**
 * How alike two full names are, 0 to 1, whatever their order: each token of the shorter name
 * is paired with its most similar token of the other (equal canonical forms score 1, others
 * their Jaro-Winkler similarity), and the pairs' similarities are multiplied (an average let
 * *Moussa Cissé* pass for *Issa Cissé*: one token that differs is enough to doubt a pair); a
 * name with extra tokens (a second given name one partner wrote) loses a little, not everything.
 */
export function nameSimilarity(first: string, second: string): number {
  const left = nameTokens(first);
  const right = nameTokens(second);
  if (left.length === 0 || right.length === 0) return 0;
  const [shorter, longer] = left.length <= right.length ? [left, right] : [right, left];
  const unused = [...longer];
  let product = 1;
  for (const token of shorter) {
    let best = 0;
    let bestIndex = -1;
    unused.forEach((candidate, index) => {
      const similarity = candidate === token ? 1 : jaroWinkler(candidate, token);
      if (similarity > best) {
        best = similarity;
        bestIndex = index;
      }
    });
    product *= best;
    if (bestIndex >= 0) unused.splice(bestIndex, 1);
  }
  const extra = longer.length - shorter.length;
  return product * Math.pow(0.95, extra);
}

export interface RegisteredPerson {
  name: string;
  sex: 'f' | 'm' | null;
  birthYear: number | null;
  phone: string | null;
  /** Admin2 P-code of where the person is registered. */
  admin2: string | null;
}

export interface PairScore {
  /** 0 to 1: above 0.85 is proposed as a duplicate for a person to decide; never merged by itself. */
  score: number;
  /** What counted, for the reviewer: `name 0.97`, `birth year ±1`, `same phone`, `sex differs`… */
  reasons: string[];
}

/** Birth years further apart than this are two people: ages are often estimated by a year or two. */
export const BIRTH_YEAR_TOLERANCE = 2;

const digits = (phone: string): string => phone.replace(/\D/g, '').slice(-8);

/**
 * The likeness of two registrations. Weights are set by hand for now (names half, birth year a
 * fifth, phone and place the rest); a different sex or birth years far apart rule a pair out,
 * because a false merge takes assistance away from a real person.
 */
export function scorePair(first: RegisteredPerson, second: RegisteredPerson): PairScore {
  const reasons: string[] = [];
  const names = nameSimilarity(first.name, second.name);
  reasons.push(`name ${names.toFixed(2)}`);
  if (first.sex !== null && second.sex !== null && first.sex !== second.sex) return { score: 0, reasons: [...reasons, 'sex differs'] };
  let score = 0.5 * names;
  let weight = 0.5;
  if (first.birthYear !== null && second.birthYear !== null) {
    const gap = Math.abs(first.birthYear - second.birthYear);
    if (gap > BIRTH_YEAR_TOLERANCE) return { score: 0, reasons: [...reasons, `birth years ${gap} apart`] };
    score += 0.2 * (1 - gap / (BIRTH_YEAR_TOLERANCE + 1));
    weight += 0.2;
    reasons.push(gap === 0 ? 'same birth year' : `birth year ±${gap}`);
  }
  if (first.phone !== null && second.phone !== null && digits(first.phone).length >= 8 && digits(second.phone).length >= 8) {
    const same = digits(first.phone) === digits(second.phone);
    score += same ? 0.2 : 0;
    weight += 0.2;
    reasons.push(same ? 'same phone' : 'phones differ');
  }
  if (first.admin2 !== null && second.admin2 !== null) {
    const same = first.admin2 === second.admin2;
    score += same ? 0.1 : 0;
    weight += 0.1;
    reasons.push(same ? 'same admin2' : 'different admin2');
  }
  return { score: Math.round((score / weight) * 1000) / 1000, reasons };
}

/**
 * Keys that put two registrations in the same block (only pairs sharing a key are scored, so a
 * registry of 100,000 people is not 5 billion comparisons): each canonical name token with the
 * sex. Name order and spelling do not split a block.
 */
export function blockingKeys(person: RegisteredPerson): string[] {
  return [...new Set(nameTokens(person.name))].map((token) => `${person.sex ?? '?'}:${token}`);
}
