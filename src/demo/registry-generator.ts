/**
 * A synthetic, seeded assistance registry with planted duplicates (pure), for the duplicate
 * detection benchmark and tests: households of Sahel names drawn with the skew of real lists (a
 * few names are very common), and a share of the households registered a second time by another
 * partner the way it happens in the field: another transliteration of each name (the groups of
 * names.ts: Mohamed / Mahamadou / Mamadou, Ousmane / Usman, Diallo / Jallo…), accents dropped,
 * particles added or dropped, given and family name swapped, a second given name left out, ages
 * estimated a year or two apart, the phone missing, the family moved to another cercle. No person
 * here is real.
 */
import { EQUIVALENT_NAMES, foldSpelling } from '../assistance/names.js';
import { Rng } from './synthetic.js';

const MEN = [
  'Mahamadou', 'Ousmane', 'Boubacar', 'Amadou', 'Abdoulaye', 'Ibrahim', 'Souleymane', 'Moussa', 'Hamidou', 'Oumar', 'Issa', 'Alou', 'Adama', 'Seydou',
  'Hassane', 'Yacouba', 'Idrissa', 'Alassane', 'Harouna', 'Soumaïla', 'Djibrilla', 'Garba', 'Sani', 'Mahamane', 'Intalla', 'Attaher', 'Salif', 'Lassina',
  'Modibo', 'Yéro', 'Demba', 'Samba', 'Hama', 'Boureima', 'Daouda', 'Abdourahamane', 'Aliou', 'Cheick', 'Drissa', 'Karim', 'Kalilou', 'Mamoudou', 'Nouhoum',
  'Sékou', 'Tiémoko', 'Yaya', 'Zakaria', 'Younoussa', 'Bocar', 'Hamadoun', 'Abdramane', 'Alhassane', 'Almoustapha', 'Mohamed', 'Mamadou',
];
const WOMEN = [
  'Fatoumata', 'Aïssata', 'Mariam', 'Hawa', 'Kadidia', 'Zeinabou', 'Ramatou', 'Hadiza', 'Salamatou', 'Halimatou', 'Oumou', 'Djénéba', 'Bintou', 'Rakiatou',
  'Mariama', 'Assétou', 'Fadimata', 'Safiatou', 'Nana', 'Adiaratou', 'Coumba', 'Tata', 'Aminata', 'Kounkou', 'Aïcha', 'Habsatou', 'Hadjara', 'Rokia',
  'Sali', 'Hamsatou', 'Fanta', 'Korotoumou', 'Maïmouna', 'Nafissatou', 'Ramatoulaye', 'Saran', 'Sira', 'Tenin', 'Zalika', 'Balkissa', 'Ouma', 'Mounira',
];
const FAMILIES = [
  'Maïga', 'Touré', 'Cissé', 'Diallo', 'Dicko', 'Sidibé', 'Barry', 'Sow', 'Bah', 'Sawadogo', 'Ouédraogo', 'Issoufou', 'Moumouni', 'Hama', 'Abdou', 'Tandina',
  'Haïdara', 'Traoré', 'Guindo', 'Diarra', 'Coulibaly', 'Boureima', 'Tamboura', 'Keïta', 'Konaté', 'Sangaré', 'Kouyaté', 'Kane', 'Ba', 'Cissoko', 'Dembélé',
  'Doumbia', 'Fofana', 'Kanté', 'Koné', 'Sylla', 'Tall', 'Yattara', 'Zerbo', 'Kaboré', 'Compaoré', 'Zongo', 'Nikiéma', 'Ilboudo', 'Tapsoba', 'Yaméogo',
  'Ag Alhassane', 'Ould Mohamed', 'Walet Intalla', 'Mahamadou', 'Ousmane', 'Garba', 'Souley', 'Hassane', 'Idrissa', 'Amadou', 'Seyni', 'Djibo',
];

/** Every spelling a name is written in, by its folded form (from the table of equivalent names). */
const SPELLINGS = new Map<string, readonly string[]>();
for (const group of EQUIVALENT_NAMES) for (const spelling of group) if (!spelling.includes(' ')) SPELLINGS.set(foldSpelling(spelling), group.filter((name) => !name.includes(' ')));

const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** Spelling habits of enumerators when the table has no other form: the sounds written another way. */
const RESPELLINGS: ReadonlyArray<readonly [RegExp, string]> = [
  [/ou/, 'u'],
  [/é/, 'e'],
  [/ï/, 'i'],
  [/dj/, 'j'],
  [/y/, 'i'],
  [/ss/, 's'],
  [/tt/, 't'],
  [/aw/, 'ao'],
  [/ch/, 'sh'],
];

/** Another way of writing one name token, as a second partner's enumerator would. */
export function respell(rng: Rng, token: string): string {
  const group = SPELLINGS.get(foldSpelling(token));
  if (group && rng.chance(0.7)) return capitalise(rng.pick(group));
  const lower = token.toLowerCase();
  const options = RESPELLINGS.filter(([pattern]) => pattern.test(lower));
  if (options.length === 0) return capitalise(foldSpelling(token));
  const [pattern, replacement] = rng.pick(options);
  return capitalise(lower.replace(pattern, replacement));
}

/** Zipf-like weights: the first names of a list are far more common than the last. */
function zipf(names: readonly string[], exponent: number): Array<readonly [string, number]> {
  return names.map((name, rank) => [name, 1 / Math.pow(rank + 1, exponent)] as const);
}

const MEN_WEIGHTED = zipf(MEN, 0.9);
const WOMEN_WEIGHTED = zipf(WOMEN, 0.9);
const FAMILIES_WEIGHTED = zipf(FAMILIES, 0.8);

export interface GeneratedMember {
  /** The person behind the registration: two registrations of one person share it (the truth). */
  person: number;
  givenNames: string;
  familyName: string;
  sex: 'f' | 'm';
  birthYear: number;
  relation: 'head' | 'spouse' | 'child';
  phone: string | null;
}

export interface GeneratedHousehold {
  /** 0, 1 or 2: which of three partners registered it. */
  organisation: number;
  admin2: string;
  site: string | null;
  members: GeneratedMember[];
  /** Whether this is the second registration of a household registered before. */
  duplicate: boolean;
}

/** Admin2 P-codes of the synthetic registry: 3 countries, 10 admin1 × 8 admin2 each (not real places). */
export function admin2Codes(): string[] {
  const codes: string[] = [];
  for (const country of ['ML', 'BF', 'NE']) for (let admin1 = 1; admin1 <= 10; admin1++) for (let admin2 = 1; admin2 <= 8; admin2++) codes.push(`${country}${String(admin1).padStart(2, '0')}${String(admin2).padStart(2, '0')}`);
  return codes;
}

const DIALLING: Record<string, string> = { ML: '223', BF: '226', NE: '227' };

function givenName(rng: Rng, sex: 'f' | 'm'): string {
  const first = rng.weighted(sex === 'm' ? MEN_WEIGHTED : WOMEN_WEIGHTED);
  // A second given name is common for men (Mahamadou Ousmane), the father's name.
  return sex === 'm' && rng.chance(0.3) ? `${first} ${rng.weighted(MEN_WEIGHTED)}` : first;
}

/** The second registration of a person: each name respelt or not, the order or particles changed at times, the age re-estimated. */
function reRegistered(rng: Rng, member: GeneratedMember): GeneratedMember {
  let given = member.givenNames
    .split(' ')
    .map((token) => (rng.chance(0.6) ? respell(rng, token) : token))
    .join(' ');
  let family = member.familyName
    .split(' ')
    .map((token) => (rng.chance(0.5) ? respell(rng, token) : token))
    .join(' ');
  // A second given name written by one partner only.
  if (given.includes(' ') && rng.chance(0.3)) given = given.split(' ')[0]!;
  if (/^(Ag|Ould|Walet) /.test(family) && rng.chance(0.5)) family = family.split(' ').slice(1).join(' ');
  if (rng.chance(0.1)) [given, family] = [family, given];
  const drift = rng.weighted([[0, 65], [1, 15], [-1, 15], [2, 3], [-2, 2]] as const);
  return { ...member, givenNames: given, familyName: family, birthYear: member.birthYear + drift, phone: member.phone !== null && rng.chance(0.4) ? null : member.phone };
}

/**
 * About `people` registrations in households, `duplicateShare` of them second registrations of
 * people registered before (by another partner). Households come one at a time so a million
 * people need not be held: the caller stores each and forgets it.
 */
export function* generateRegistry(people: number, seed = 13, duplicateShare = 0.05): Generator<GeneratedHousehold> {
  const rng = new Rng(seed);
  const places = admin2Codes();
  let registered = 0;
  let nextPerson = 0;
  const planted: GeneratedHousehold[] = [];
  const duplicates = Math.round(people * duplicateShare);
  let duplicated = 0;
  while (registered < people) {
    const dueDuplicates = Math.floor((registered / people) * duplicates);
    if (duplicated < dueDuplicates && planted.length > 0) {
      const original = planted.splice(rng.int(0, planted.length - 1), 1)[0]!;
      const moved = rng.chance(0.2);
      const household: GeneratedHousehold = {
        organisation: (original.organisation + rng.int(1, 2)) % 3,
        admin2: moved ? rng.pick(places.filter((code) => code.startsWith(original.admin2.slice(0, 2)))) : original.admin2,
        site: rng.chance(0.4) ? `SITE-${rng.int(1, 40)}` : null,
        members: original.members.map((member) => reRegistered(rng, member)),
        duplicate: true,
      };
      duplicated += household.members.length;
      registered += household.members.length;
      yield household;
      continue;
    }
    const admin2 = rng.pick(places);
    const family = rng.weighted(FAMILIES_WEIGHTED);
    const headIsWoman = rng.chance(0.25);
    const headYear = rng.int(1950, 2000);
    const phone = rng.chance(0.6) ? `+${DIALLING[admin2.slice(0, 2)]}${rng.int(60, 99)}${String(rng.int(0, 999_999)).padStart(6, '0')}` : null;
    const members: GeneratedMember[] = [
      { person: nextPerson++, givenNames: givenName(rng, headIsWoman ? 'f' : 'm'), familyName: family, sex: headIsWoman ? 'f' : 'm', birthYear: headYear, relation: 'head', phone },
    ];
    if (!headIsWoman && rng.chance(0.85)) {
      members.push({ person: nextPerson++, givenNames: givenName(rng, 'f'), familyName: rng.weighted(FAMILIES_WEIGHTED), sex: 'f', birthYear: headYear + rng.int(2, 12), relation: 'spouse', phone: null });
    }
    const usedNames = new Set(members.map((member) => member.givenNames));
    for (let child = rng.int(0, 5); child > 0; child--) {
      const sex = rng.chance(0.5) ? 'f' : 'm';
      let name = givenName(rng, sex);
      // Parents do not give two children the same name.
      for (let attempt = 0; usedNames.has(name) && attempt < 5; attempt++) name = givenName(rng, sex);
      usedNames.add(name);
      members.push({ person: nextPerson++, givenNames: name, familyName: family, sex, birthYear: rng.int(headYear + 18, Math.min(2023, headYear + 40)), relation: 'child', phone: null });
    }
    const household: GeneratedHousehold = { organisation: rng.int(0, 2), admin2, site: rng.chance(0.4) ? `SITE-${rng.int(1, 40)}` : null, members, duplicate: false };
    registered += members.length;
    // Kept for a later second registration; a bounded pool, so memory stays flat at any size.
    if (planted.length < 5_000) planted.push(household);
    else planted[rng.int(0, planted.length - 1)] = household;
    yield household;
  }
}
