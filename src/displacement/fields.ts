/**
 * The canonical columns of a DTM round file (one row per location or admin area and population
 * group), and how the headers of real files map onto them: English and French labels as typed
 * in Excel or exported by Kobo/ODK, and HXL hashtags (matched on the set of attributes, in any
 * order, `+code` and `+pcode` alike). Pure: no database, no I/O.
 */
import { createHash } from 'node:crypto';
import { parseHxl } from '../core/cells.js';
import { headerKey } from '../core/tabular.js';
import { BASE_FIELDS, DEFAULT_AGE_RANGES, MEASURE_FIELDS, REQUIRED_FIELDS, isRoundField, type AgeBandField, type AgeOnlyField, type MeasureField, type RoundField, type SideGroup } from '../shared/displacement.js';
import { lookUp } from '../shared/lookup.js';

/**
 * Header spellings per field, compared with `headerKey` (case, spaces, `_`, `-`, `.` ignored)
 * after accents are folded. English first, then French, then Kobo-style names.
 */
const HEADER_SYNONYMS: Record<Exclude<(typeof BASE_FIELDS)[number], AgeBandField | AgeOnlyField>, readonly string[]> = {
  admin1Pcode: ['admin1 pcode', 'admin1pcode', 'adm1 pcode', 'adm1_pcode', 'admin1 code', 'region pcode', 'pcode region', 'code region', 'pcode admin1'],
  admin1Name: ['admin1 name', 'admin1', 'adm1 name', 'region', 'region name', 'nom region'],
  admin2Pcode: ['admin2 pcode', 'admin2pcode', 'adm2 pcode', 'adm2_pcode', 'admin2 code', 'pcode admin2', 'province pcode', 'cercle pcode', 'departement pcode', 'pcode cercle', 'pcode province', 'pcode departement', 'code cercle', 'code province', 'code departement'],
  admin2Name: ['admin2 name', 'admin2', 'adm2 name', 'province', 'cercle', 'departement', 'nom cercle', 'nom province', 'nom departement'],
  admin3Pcode: ['admin3 pcode', 'adm3 pcode', 'commune pcode', 'pcode commune', 'code commune'],
  locationCode: ['location code', 'location id', 'site code', 'site id', 'village code', 'code localite', 'code site', 'code village', 'id localite', 'id site'],
  locationName: ['location name', 'location', 'site name', 'site', 'village', 'nom localite', 'localite', 'nom site', 'nom village', 'quartier'],
  locationType: ['location type', 'type of location', 'type localite', 'type de localite', 'type lieu', 'type de lieu'],
  settlementType: ['settlement type', 'type of settlement', 'type installation', 'type d installation', 'type hebergement', 'type site', 'type de site', 'type d hebergement', 'type d abri'],
  latitude: ['latitude', 'lat', 'gps latitude', 'y', 'location latitude', '_gps_latitude'],
  longitude: ['longitude', 'lon', 'long', 'lng', 'gps longitude', 'x', 'location longitude', '_gps_longitude'],
  populationGroup: ['population group', 'population type', 'group', 'groupe de population', 'type de population', 'categorie', 'statut'],
  households: ['households', 'hh', 'number of households', 'num households', 'menages', 'nombre de menages', 'nb menages', 'nbre menages'],
  individuals: ['individuals', 'ind', 'number of individuals', 'num individuals', 'persons', 'people', 'population', 'individus', 'nombre d individus', 'nombre de personnes', 'nb individus', 'nbre individus', 'personnes'],
  females: ['females', 'female', 'women and girls', 'total female', 'femmes', 'total femmes', 'sexe feminin', 'nombre de femmes'],
  males: ['males', 'male', 'men and boys', 'total male', 'hommes', 'total hommes', 'sexe masculin', 'nombre d hommes'],
  reason: ['reason', 'displacement reason', 'reason for displacement', 'cause', 'raison', 'raison du deplacement', 'cause du deplacement', 'motif'],
  originAdmin1Pcode: ['origin admin1 pcode', 'origin admin1', 'idp origin admin1 pcode', 'origin region pcode', 'origine admin1', 'region d origine pcode', 'pcode region origine'],
  originAdmin1Name: ['origin region', 'origin admin1 name', 'region of origin', 'region d origine', 'nom region origine', 'region origine'],
  originAdmin2Pcode: ['origin admin2 pcode', 'origin admin2', 'origin province pcode', 'origine admin2', 'pcode cercle origine', 'pcode province origine'],
  originAdmin2Name: ['origin province', 'origin cercle', 'origin admin2 name', 'cercle d origine', 'province d origine', 'origine cercle', 'origine province', 'departement d origine'],
  arrivalPeriod: ['arrival period', 'period of arrival', 'year of arrival', 'arrival', 'arrival date', 'periode d arrivee', 'annee d arrivee', 'arrivee', 'date d arrivee', 'trimestre d arrivee', 'mois d arrivee'],
  assessmentDate: ['assessment date', 'date of assessment', 'date', 'survey date', 'collection date', 'date d evaluation', 'date de collecte', 'date enquete', 'today', '_submission_time'],
};

const SEX_WORDS: Record<'f' | 'm', readonly string[]> = {
  f: ['f', 'female', 'females', 'femmes', 'femme', 'filles', 'women', 'girls'],
  m: ['m', 'male', 'males', 'hommes', 'homme', 'garcons', 'men', 'boys'],
};

/** HXL attribute sets (without the leading hashtag's attributes order) per field. */
const HXL_TAGS: Array<{ tag: string; attributes: readonly string[]; field: RoundField }> = [
  { tag: 'adm1', attributes: ['code'], field: 'admin1Pcode' },
  { tag: 'adm1', attributes: ['pcode'], field: 'admin1Pcode' },
  { tag: 'adm1', attributes: ['name'], field: 'admin1Name' },
  { tag: 'adm1', attributes: [], field: 'admin1Name' },
  { tag: 'adm2', attributes: ['code'], field: 'admin2Pcode' },
  { tag: 'adm2', attributes: ['pcode'], field: 'admin2Pcode' },
  { tag: 'adm2', attributes: ['name'], field: 'admin2Name' },
  { tag: 'adm2', attributes: [], field: 'admin2Name' },
  { tag: 'adm3', attributes: ['code'], field: 'admin3Pcode' },
  { tag: 'adm3', attributes: ['pcode'], field: 'admin3Pcode' },
  { tag: 'loc', attributes: ['code'], field: 'locationCode' },
  { tag: 'loc', attributes: ['name'], field: 'locationName' },
  { tag: 'loc', attributes: ['type'], field: 'locationType' },
  { tag: 'loc', attributes: ['type', 'settlement'], field: 'settlementType' },
  { tag: 'geo', attributes: ['lat'], field: 'latitude' },
  { tag: 'geo', attributes: ['lon'], field: 'longitude' },
  { tag: 'population', attributes: ['type'], field: 'populationGroup' },
  { tag: 'affected', attributes: ['type'], field: 'populationGroup' },
  { tag: 'affected', attributes: ['hh'], field: 'households' },
  { tag: 'affected', attributes: ['ind'], field: 'individuals' },
  { tag: 'affected', attributes: ['idps', 'hh'], field: 'households' },
  { tag: 'affected', attributes: ['idps', 'ind'], field: 'individuals' },
  { tag: 'affected', attributes: ['f'], field: 'females' },
  { tag: 'affected', attributes: ['m'], field: 'males' },
  { tag: 'affected', attributes: ['ind', 'f'], field: 'females' },
  { tag: 'affected', attributes: ['ind', 'm'], field: 'males' },
  { tag: 'affected', attributes: ['idps', 'f'], field: 'females' },
  { tag: 'affected', attributes: ['idps', 'm'], field: 'males' },
  { tag: 'affected', attributes: ['idps', 'ind', 'f'], field: 'females' },
  { tag: 'affected', attributes: ['idps', 'ind', 'm'], field: 'males' },
  { tag: 'cause', attributes: [], field: 'reason' },
  { tag: 'cause', attributes: ['displacement'], field: 'reason' },
  { tag: 'adm1', attributes: ['origin', 'code'], field: 'originAdmin1Pcode' },
  { tag: 'adm1', attributes: ['origin', 'pcode'], field: 'originAdmin1Pcode' },
  { tag: 'adm2', attributes: ['origin', 'code'], field: 'originAdmin2Pcode' },
  { tag: 'adm2', attributes: ['origin', 'pcode'], field: 'originAdmin2Pcode' },
  { tag: 'adm1', attributes: ['origin', 'name'], field: 'originAdmin1Name' },
  { tag: 'adm1', attributes: ['origin'], field: 'originAdmin1Name' },
  { tag: 'adm2', attributes: ['origin', 'name'], field: 'originAdmin2Name' },
  { tag: 'adm2', attributes: ['origin'], field: 'originAdmin2Name' },
  { tag: 'date', attributes: ['arrival'], field: 'arrivalPeriod' },
  { tag: 'date', attributes: ['reported'], field: 'assessmentDate' },
  { tag: 'date', attributes: ['assessed'], field: 'assessmentDate' },
  { tag: 'date', attributes: [], field: 'assessmentDate' },
];

/** Folds accents and apostrophes so `Ménages`, `menages` and `MENAGES` compare equal. */
export function foldHeader(header: string): string {
  return headerKey(
    header
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[’'`]/g, ' '),
  );
}

const SYNONYM_INDEX: Map<string, RoundField> = new Map(
  Object.entries(HEADER_SYNONYMS).flatMap(([field, names]) => names.map((name) => [foldHeader(name), field as RoundField] as const)),
);

/** An age range label as it may appear in a header: `0-4`, `0_4`, `04`, `60+`, `60plus`. */
function ageRangeKeys(range: string): string[] {
  const [from, to] = range.split(/[-+]/);
  const open = range.endsWith('+');
  const keys = new Set<string>([foldHeader(range)]);
  if (from !== undefined && open) {
    keys.add(`${from}plus`);
    keys.add(`${from}+`);
    keys.add(`${from}ans+`);
    keys.add(`${from}etplus`);
  }
  if (from !== undefined && to !== undefined && to !== '') {
    keys.add(`${from}${to}`);
    keys.add(`${from}${to}ans`);
    keys.add(`age${from}${to}`);
  }
  return [...keys];
}

/**
 * Recognises a sex × age header (`f_0_4`, `Femmes 5-17`, `male 60+`, `M18-59`) against the
 * operation's age ranges; returns the band field or null.
 */
export function ageBandOf(header: string, ageRanges: readonly string[]): AgeBandField | null {
  const folded = foldHeader(header);
  for (const sex of ['f', 'm'] as const) {
    for (const word of SEX_WORDS[sex]) {
      if (!folded.startsWith(word)) continue;
      const rest = folded.slice(word.length).replace(/^(de|age|ages)/, '');
      for (const [index, range] of ageRanges.entries()) {
        if (ageRangeKeys(range).includes(rest)) return `${sex}${index + 1}` as AgeBandField;
      }
    }
  }
  return null;
}

const AGE_HXL = /^age(\d+)_?(\d+|plus)?$/;

/** HXL attributes naming a population group: `+idps` is the row's main group. */
function groupOfHxl(attributes: Set<string>): SideGroup | 'main' | null {
  if (attributes.has('returnees') && (attributes.has('abroad') || attributes.has('refugees'))) return 'returnee-abroad';
  if (attributes.has('returnees')) return 'returnee';
  if (attributes.has('idps')) return 'main';
  return null;
}

const GROUP_ATTRIBUTES = new Set(['idps', 'returnees', 'abroad', 'refugees']);

function fieldOfHxl(cell: string, ageRanges: readonly string[]): RoundField | null {
  const hxl = parseHxl(cell);
  if (hxl === null) return null;
  const group = groupOfHxl(hxl.attributes);
  const attributes = new Set([...hxl.attributes].filter((attribute) => !GROUP_ATTRIBUTES.has(attribute)));
  let field: RoundField | null = null;
  // Sex × age (`+f +age0_4`) and age only (`+age0_4`) are read against the operation's ranges.
  const sex = attributes.has('f') ? 'f' : attributes.has('m') ? 'm' : null;
  const ageAttribute = [...attributes].find((attribute) => AGE_HXL.test(attribute));
  if (hxl.tag === 'affected' && ageAttribute !== undefined) {
    const [, from, to] = AGE_HXL.exec(ageAttribute)!;
    const label = to === 'plus' || to === undefined ? `${from}+` : `${from}-${to}`;
    const index = ageRanges.indexOf(label);
    if (index === -1) return null;
    field = `${sex ?? 'a'}${index + 1}` as AgeBandField | AgeOnlyField;
  } else {
    const wanted = [...attributes].sort().join('+');
    const exact = HXL_TAGS.find((entry) => entry.tag === hxl.tag && [...entry.attributes].filter((a) => a !== 'idps').sort().join('+') === wanted);
    field = exact?.field ?? null;
    // `#affected +returnees` alone is that group's individuals.
    if (field === null && hxl.tag === 'affected' && wanted === '' && group !== null) field = 'individuals';
  }
  if (field === null) return null;
  if (group === 'returnee' || group === 'returnee-abroad') return (MEASURE_FIELDS as readonly string[]).includes(field) ? (`${group}:${field}` as RoundField) : null;
  return field;
}

/**
 * Words that name a population group in a header, longest first: `Retournés de l’étranger`
 * before `Retournés`, `Retournés ex-PDI` before `PDI`. `main` is the row's own group (IDP).
 */
const GROUP_WORDS: ReadonlyArray<readonly [string, SideGroup | 'main']> = [
  ['retournesdeletranger', 'returnee-abroad'], ['returneesfromabroad', 'returnee-abroad'], ['returneefromabroad', 'returnee-abroad'], ['returnedrefugees', 'returnee-abroad'],
  ['rapatries', 'returnee-abroad'], ['rapatrie', 'returnee-abroad'],
  ['retournesexpdi', 'returnee'], ['returneesformeridps', 'returnee'], ['returneeformeridp', 'returnee'], ['formeridps', 'returnee'], ['formeridp', 'returnee'], ['expdi', 'returnee'],
  ['retournes', 'returnee'], ['retourne', 'returnee'], ['returnees', 'returnee'], ['returnee', 'returnee'],
  ['deplacesinternes', 'main'], ['deplaces', 'main'], ['pdis', 'main'], ['pdi', 'main'], ['idps', 'main'], ['idp', 'main'],
];

const MEASURE_WORDS: Record<string, MeasureField> = {
  '': 'individuals', individus: 'individuals', individuals: 'individuals', ind: 'individuals', personnes: 'individuals', persons: 'individuals', people: 'individuals', total: 'individuals', nombre: 'individuals', nb: 'individuals',
  menages: 'households', households: 'households', hh: 'households', nombredemenages: 'households', nbmenages: 'households',
};

/** The count a header names once its group word is taken out: `Ménages`, `Femmes`, `0-4 ans`, `F 5-17`. */
function measureOf(rest: string, ageRanges: readonly string[]): MeasureField | null {
  const cleaned = rest.replace(/^(nombrede|nombred|nombre|nbre|nb|total|des|de|d)(?=.)/, '').replace(/(total|nombre)$/, '');
  const word = lookUp(MEASURE_WORDS, cleaned) ?? lookUp(MEASURE_WORDS, rest);
  if (word !== undefined) return word;
  const synonym = SYNONYM_INDEX.get(cleaned);
  if (synonym !== undefined && (MEASURE_FIELDS as readonly string[]).includes(synonym)) return synonym as MeasureField;
  return ageBandOf(cleaned, ageRanges) ?? ageOnlyOf(cleaned, ageRanges);
}

/** An age-only header (`0-4 ans`, `age 5-17`, `60+`): both sexes of one age range. */
export function ageOnlyOf(header: string, ageRanges: readonly string[]): AgeOnlyField | null {
  const folded = foldHeader(header).replace(/^(age|ages|de|enfants|children)/, '');
  for (const [index, range] of ageRanges.entries()) if (ageRangeKeys(range).includes(folded)) return `a${index + 1}` as AgeOnlyField;
  return null;
}

/** A header naming a group and a count (`PDI 0-4 ans`, `Ménages retournés`, `Returnees (ind)`). */
function groupFieldOf(header: string, ageRanges: readonly string[]): RoundField | null {
  const folded = foldHeader(header).replace(/[()]/g, '');
  for (const [word, group] of GROUP_WORDS) {
    const at = folded.indexOf(word);
    if (at === -1) continue;
    const measure = measureOf(folded.slice(0, at) + folded.slice(at + word.length), ageRanges);
    if (measure === null) return null;
    return group === 'main' ? measure : (`${group}:${measure}` as RoundField);
  }
  return null;
}

/** The field a header (and the HXL cell under it, if any) maps to, or null when unknown. */
export function suggestField(header: string, hxl: string | null, ageRanges: readonly string[]): RoundField | null {
  if (hxl !== null && hxl.trim() !== '') {
    const byTag = fieldOfHxl(hxl, ageRanges);
    if (byTag !== null) return byTag;
  }
  const folded = foldHeader(header);
  if (isRoundField(header.trim())) return header.trim() as RoundField;
  const bySynonym = SYNONYM_INDEX.get(folded);
  if (bySynonym !== undefined) return bySynonym;
  return ageBandOf(header, ageRanges) ?? groupFieldOf(header, ageRanges) ?? ageOnlyOf(header, ageRanges);
}

/** header → field (null = ignore this column). */
export type ColumnMapping = Record<string, RoundField | null>;

/** What the values of a column read as: how many are filled, and how many read as each vocabulary. */
export interface ColumnValues {
  filled: number;
  readable: Partial<Record<string, number>>;
}

/** Fields whose values are a vocabulary: a column is one of them by its values, whatever its header says. */
const VOCABULARY_FIELDS: readonly RoundField[] = ['settlementType', 'locationType', 'populationGroup', 'reason'];

/**
 * The field the values of a column say it is: a vocabulary most of its values belong to, and
 * better than the one its header or tag named (a `#loc+type` column of `Site planifié`,
 * `Communauté hôte` is a settlement type).
 */
function fieldOfValues(values: ColumnValues | undefined, suggested: RoundField | null): RoundField | null {
  if (values === undefined || values.filled === 0) return suggested;
  const share = (field: RoundField): number => (values.readable[field] ?? 0) / values.filled;
  if (suggested !== null && !VOCABULARY_FIELDS.includes(suggested)) return suggested;
  const best = [...VOCABULARY_FIELDS].sort((a, b) => share(b) - share(a))[0]!;
  if (share(best) >= 0.8 && (suggested === null || share(best) > share(suggested))) return best;
  return suggested;
}

/**
 * Suggests a mapping for a file's headers, from the headers, their HXL tags and (when given) the
 * values of each column. A field claimed by two headers keeps the first and leaves the second
 * unmapped: the user decides, Liptako does not guess.
 */
export function suggestMapping(
  headers: readonly string[],
  hxlRow: readonly string[] | null,
  ageRanges: readonly string[],
  values?: ReadonlyArray<ColumnValues | undefined>,
): ColumnMapping {
  const mapping: ColumnMapping = {};
  const taken = new Set<RoundField>();
  const fields = headers.map((header, index) => fieldOfValues(values?.[index], suggestField(header, hxlRow?.[index] ?? null, ageRanges)));
  // A column named by its values comes first: the header it displaces cannot keep the field.
  const order = headers.map((_header, index) => index);
  headers.forEach((header, index) => {
    void order;
    const field = fields[index] ?? null;
    if (field !== null && !taken.has(field)) {
      mapping[header] = field;
      taken.add(field);
    } else {
      mapping[header] = null;
    }
  });
  return mapping;
}

/** Problems that stop an import before any row is read: missing required fields, a field mapped twice. */
export function mappingProblems(mapping: ColumnMapping, headers: readonly string[]): { missing: RoundField[]; duplicated: RoundField[]; unknownHeaders: string[] } {
  const counts = new Map<RoundField, number>();
  for (const field of Object.values(mapping)) if (field !== null) counts.set(field, (counts.get(field) ?? 0) + 1);
  // Individuals of any group place a count on the row: a file of returnees only is a round too.
  const hasIndividuals = [...counts.keys()].some((field) => field === 'individuals' || field.endsWith(':individuals'));
  const missing = REQUIRED_FIELDS.filter((field) => (field === 'individuals' ? !hasIndividuals : !counts.has(field)));
  const duplicated = [...counts].filter(([, count]) => count > 1).map(([field]) => field);
  const unknownHeaders = Object.keys(mapping).filter((header) => !headers.includes(header));
  return { missing, duplicated, unknownHeaders };
}

/** How many cells of a row read as known headers: the header row is the row that scores most. */
export function headerScore(cells: readonly string[]): number {
  let score = 0;
  for (const cell of cells) if (cell.trim() !== '' && suggestField(cell, null, DEFAULT_AGE_RANGES) !== null) score += 1;
  return score;
}

/**
 * The template of a file: its headers, folded and in order. Files exported from the same Kobo
 * form or Excel template share it, so a confirmed mapping is found again next round.
 */
export function templateKey(headers: readonly string[]): string {
  return createHash('sha256').update(headers.map(foldHeader).join('\u001f')).digest('hex').slice(0, 32);
}
