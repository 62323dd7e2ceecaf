/**
 * The DTM vocabularies in French and English (population groups, reasons, location and
 * settlement types, periods of arrival) and how readable a column's values are as each kind of
 * field. Pure: the mapping step uses it to suggest a field from the values themselves and to
 * flag, before anything is imported, a column whose values would turn rows into errors.
 */
import { normalisePcode } from '../geo/pcode.js';
import { CHOICE_FIELDS, type ChoiceField, type LocationType, type PopulationGroup, type Reason, type SettlementType, type ValueKind } from '../shared/displacement.js';
import { foldHeader } from './fields.js';
import { lookUp } from '../shared/lookup.js';

export const VALUE_SYNONYMS = {
  populationGroup: {
    idp: 'idp', idps: 'idp', pdi: 'idp', pdis: 'idp', deplaces: 'idp', deplacesinternes: 'idp', personnesdeplaceesinternes: 'idp',
    internallydisplacedpersons: 'idp', internallydisplaced: 'idp',
    returnee: 'returnee', returnees: 'returnee', returneeformeridp: 'returnee', returneesformeridps: 'returnee', retournes: 'returnee', retourne: 'returnee', retournesexpdi: 'returnee', formeridp: 'returnee', expdi: 'returnee',
    returneeabroad: 'returnee-abroad', returneesfromabroad: 'returnee-abroad', returneefromabroad: 'returnee-abroad', rapatries: 'returnee-abroad', rapatrie: 'returnee-abroad', returnedrefugees: 'returnee-abroad', retournesdeletranger: 'returnee-abroad',
  } as Record<string, PopulationGroup>,
  reason: {
    conflict: 'conflict', conflit: 'conflict', conflitarme: 'conflict', armedconflict: 'conflict', conflits: 'conflict', conflitintercommunautaire: 'conflict', intercommunalconflict: 'conflict', communalviolence: 'conflict',
    insecurity: 'insecurity', insecurite: 'insecurity', violence: 'insecurity', attaques: 'insecurity', attacks: 'insecurity', attaquesarmees: 'insecurity',
    naturaldisaster: 'natural-disaster', catastrophenaturelle: 'natural-disaster', catastrophesnaturelles: 'natural-disaster', flood: 'natural-disaster', floods: 'natural-disaster', inondation: 'natural-disaster', inondations: 'natural-disaster', drought: 'natural-disaster', secheresse: 'natural-disaster',
    other: 'other', otherreason: 'other', autre: 'other', autres: 'other', autreraison: 'other', autresraisons: 'other',
    notreported: 'not-reported', noreasonfordisplacementreported: 'not-reported', nonrenseigne: 'not-reported', nonreporte: 'not-reported', notavailable: 'not-reported', nd: 'not-reported', na: 'not-reported', inconnu: 'not-reported', unknown: 'not-reported',
  } as Record<string, Reason>,
  locationType: {
    village: 'village', villages: 'village', neighbourhood: 'neighbourhood', neighborhood: 'neighbourhood', quartier: 'neighbourhood', quartiers: 'neighbourhood', ward: 'neighbourhood',
    site: 'site', camp: 'site', sitededeplaces: 'site', adminarea: 'admin-area', area: 'admin-area', zone: 'admin-area', commune: 'admin-area',
    hameau: 'village', hamlet: 'village', ville: 'neighbourhood', town: 'neighbourhood', localite: 'village',
  } as Record<string, LocationType>,
  settlementType: {
    hostcommunity: 'host-community', hostfamilies: 'host-community', hostfamily: 'host-community', familledaccueil: 'host-community', familleaccueil: 'host-community', famillesdaccueil: 'host-community', familles: 'host-community',
    communautehote: 'host-community', communautedaccueil: 'host-community', communautehotes: 'host-community', communautesdaccueil: 'host-community', aveclacommunautehote: 'host-community',
    camp: 'camp', camplike: 'camp', camplikesite: 'camp', sitedeplaces: 'camp', camps: 'camp',
    plannedsite: 'planned-site', plannedcamp: 'planned-site', siteplanifie: 'planned-site', sitesplanifies: 'planned-site', siteamenage: 'planned-site', formalsite: 'planned-site', siteformel: 'planned-site',
    spontaneoussite: 'spontaneous-site', spontaneous: 'spontaneous-site', sitespontane: 'spontaneous-site', sitesspontanes: 'spontaneous-site', informalsite: 'spontaneous-site', siteinformel: 'spontaneous-site', selfsettledsite: 'spontaneous-site',
    collectivecentre: 'collective-centre', collectivecenter: 'collective-centre', centrecollectif: 'collective-centre', centrescollectifs: 'collective-centre',
    transitsite: 'transit-site', transitcentre: 'transit-site', transitcenter: 'transit-site', sitedetransit: 'transit-site', centredetransit: 'transit-site', transit: 'transit-site',
    other: 'other', autre: 'other',
  } as Record<string, SettlementType>,
} satisfies Record<ChoiceField, Record<string, string>>;


const valueKey = (text: string): string => foldHeader(text).replace(/[^a-z0-9]/g, '');

/** A vocabulary value read from its French or English label; null when unknown. */
export function readChoice(field: ChoiceField, text: string): string | null {
  return lookUp(VALUE_SYNONYMS[field] as Record<string, string>, valueKey(text)) ?? null;
}

export function acceptedValues(field: ChoiceField): string {
  return [...new Set(Object.values(VALUE_SYNONYMS[field]))].join(', ');
}

const MONTHS: Record<string, number> = {
  janvier: 1, january: 1, jan: 1, janv: 1, fevrier: 2, february: 2, feb: 2, fev: 2, fevr: 2, mars: 3, march: 3, mar: 3, avril: 4, april: 4, apr: 4, avr: 4,
  mai: 5, may: 5, juin: 6, june: 6, jun: 6, juillet: 7, july: 7, jul: 7, juil: 7, aout: 8, august: 8, aug: 8, septembre: 9, september: 9, sep: 9, sept: 9,
  octobre: 10, october: 10, oct: 10, novembre: 11, november: 11, nov: 11, decembre: 12, december: 12, dec: 12,
};

/**
 * A period of arrival as DTM files write it, in one spelling: `2020-T4`, `T4 2020`, `Q4-2020`,
 * `4e trimestre 2020` → `2020-Q4`; `octobre 2020`, `10/2020`, `2020-10` → `2020-10`; `2020` →
 * `2020`; `avant 2019` / `before 2019` → `<2019`. Null when it is not a period.
 */
export function parseArrivalPeriod(text: string): string | null {
  const folded = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();
  if (folded === '') return null;
  const year = (value: string | undefined): number | null => {
    const number = Number(value);
    return Number.isInteger(number) && number >= 1990 && number <= 2100 ? number : null;
  };
  let match = /^(\d{4})\s*[-/ ]?\s*[tq]([1-4])$/.exec(folded) ?? null;
  if (match && year(match[1]) !== null) return `${match[1]}-Q${match[2]}`;
  match = /^[tq]([1-4])\s*[-/ ]?\s*(\d{4})$/.exec(folded);
  if (match && year(match[2]) !== null) return `${match[2]}-Q${match[1]}`;
  match = /^([1-4])\s*(?:er|e|eme|st|nd|rd|th)?\s*(?:trimestre|quarter)\s*(?:de\s+|of\s+)?(\d{4})$/.exec(folded);
  if (match && year(match[2]) !== null) return `${match[2]}-Q${match[1]}`;
  match = /^(\d{4})[-/](\d{1,2})$/.exec(folded) ?? null;
  if (match && year(match[1]) !== null && Number(match[2]) >= 1 && Number(match[2]) <= 12) return `${match[1]}-${match[2]!.padStart(2, '0')}`;
  match = /^(\d{1,2})[-/](\d{4})$/.exec(folded);
  if (match && year(match[2]) !== null && Number(match[1]) >= 1 && Number(match[1]) <= 12) return `${match[2]}-${match[1]!.padStart(2, '0')}`;
  match = /^([a-z]+)\.?\s*[-/ ]?\s*(\d{4})$/.exec(folded);
  const month = match ? lookUp(MONTHS, match[1]!) : undefined;
  if (match && month !== undefined && year(match[2]) !== null) return `${match[2]}-${String(month).padStart(2, '0')}`;
  match = /^(?:avant|before)\s+(\d{4})$/.exec(folded);
  if (match && year(match[1]) !== null) return `<${match[1]}`;
  if (year(folded) !== null && /^\d{4}$/.test(folded)) return folded;
  return null;
}

/** What a column's values can be read as. */
const COUNT = /^\d{1,3}([ \u00a0\u202f,]?\d{3})*(\.0+)?$/;
const DATE = /^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{5})$/;

/** How many of these values read as each kind (names are counted by the caller, who has the gazetteer). */
export function readableCounts(values: readonly string[]): Record<Exclude<ValueKind, 'name'>, number> {
  const counts = { count: 0, pcode: 0, date: 0, coordinate: 0, populationGroup: 0, reason: 0, locationType: 0, settlementType: 0, arrivalPeriod: 0, text: 0 };
  for (const raw of values) {
    const value = raw.trim();
    counts.text += 1;
    if (COUNT.test(value)) counts.count += 1;
    const pcode = normalisePcode(value);
    if (pcode.status === 'ok') counts.pcode += 1;
    if (DATE.test(value)) counts.date += 1;
    if (/^-?\d{1,3}([.,]\d+)?$/.test(value) && Math.abs(Number(value.replace(',', '.'))) <= 180) counts.coordinate += 1;
    for (const field of CHOICE_FIELDS) if (readChoice(field, value) !== null) counts[field] += 1;
    if (parseArrivalPeriod(value) !== null) counts.arrivalPeriod += 1;
  }
  return counts;
}
