import type { CatalogueEntry } from '../core/errors.js';

/**
 * Catalogue entries for money: currency conversion (plans/currency.ts) and FTS files
 * (plans/fts-*.ts). Registered through the module contract (see core/errors.ts). Row-level codes travel as
 * RowIssue, so their messages name the value, never the row (formatRowIssue adds it).
 */
export const fundingMessages = {
  'funding.currency.unknown': {
    status: 422,
    en: '“{currency}” is not a currency code Liptako accepts: use an ISO 4217 code such as USD, EUR, XOF or GBP.',
    fr: '« {currency} » n’est pas un code de devise accepté par Liptako : utilisez un code ISO 4217 tel que USD, EUR, XOF ou GBP.',
  },
  'funding.rate.missing': {
    status: 422,
    en: 'An exchange rate is needed to convert {currency} to US dollars: give the number of US dollars for 1 {currency}.',
    fr: 'Un taux de change est nécessaire pour convertir des {currency} en dollars américains : indiquez le nombre de dollars américains pour 1 {currency}.',
  },
  'funding.rate.missingEurPeg': {
    status: 422,
    en: '{currency} is pegged to the euro (1 EUR = {peg} {currency}): give the number of US dollars for 1 EUR to convert it to US dollars.',
    fr: 'Le {currency} est arrimé à l’euro (1 EUR = {peg} {currency}) : indiquez le nombre de dollars américains pour 1 EUR pour le convertir en dollars américains.',
  },
  'funding.rate.invalid': {
    status: 422,
    en: '“{value}” is not a plausible exchange rate: give the number of US dollars for 1 {unit}, between {min} and {max}.',
    fr: '« {value} » n’est pas un taux de change plausible : indiquez le nombre de dollars américains pour 1 {unit}, entre {min} et {max}.',
  },
  'funding.amount.invalid': {
    status: 422,
    en: '“{value}” is not a valid amount: give a number greater than 0 and at most {max}, with at most 2 decimals.',
    fr: '« {value} » n’est pas un montant valide : indiquez un nombre supérieur à 0 et au plus égal à {max}, avec au plus 2 décimales.',
  },
  'funding.amount.negative': {
    status: 422,
    en: '{value} is negative; an amount of money cannot be below zero.',
    fr: '{value} est négatif ; un montant ne peut pas être inférieur à zéro.',
  },
  'funding.amount.tooLarge': {
    status: 422,
    en: '{value} is larger than any amount Liptako accepts (at most {max}); check for a misplaced separator or a wrong column.',
    fr: '{value} dépasse tout montant accepté par Liptako (au plus {max}) ; vérifiez un séparateur mal placé ou une colonne erronée.',
  },
  'funding.percent.invalid': {
    status: 422,
    en: '“{value}” is not a valid percentage funded: give a number from 0 upwards.',
    fr: '« {value} » n’est pas un pourcentage de financement valide : indiquez un nombre positif ou nul.',
  },
  'funding.year.invalid': {
    status: 422,
    en: '“{value}” is not a valid year (expected four digits, such as 2021).',
    fr: '« {value} » n’est pas une année valide (quatre chiffres attendus, p. ex. 2021).',
  },
  'funding.dates.reversed': {
    status: 422,
    en: 'The end date {end} is before the start date {start}.',
    fr: 'La date de fin {end} est antérieure à la date de début {start}.',
  },
  'funding.fts.clusterFile': {
    status: 415,
    en: 'This is the FTS “requirements and funding by cluster” file. Liptako reads the per-appeal file “requirements and funding”, with the columns {expected}.',
    fr: 'Ce fichier est le fichier FTS « besoins et financements par cluster ». Liptako lit le fichier par appel « requirements and funding », avec les colonnes {expected}.',
  },
  'funding.fts.appealCodeInvalid': {
    status: 422,
    en: '“{value}” is not an FTS appeal code (letters, digits and hyphens, such as HBFA21).',
    fr: '« {value} » n’est pas un code d’appel FTS (lettres, chiffres et tirets, p. ex. HBFA21).',
  },
  'funding.fts.countryInvalid': {
    status: 422,
    en: '“{value}” is not an ISO3 country code (such as BFA, MLI or NER).',
    fr: '« {value} » n’est pas un code pays ISO3 (p. ex. BFA, MLI ou NER).',
  },
  'funding.fts.duplicateAppeal': {
    status: 422,
    en: 'The appeal {code} already appears on row {firstRow} with other figures; Liptako does not choose between them.',
    fr: 'L’appel {code} figure déjà à la ligne {firstRow} avec d’autres chiffres ; Liptako ne choisit pas entre eux.',
  },
  'funding.fts.planIdInvalid': {
    status: 422,
    en: '“{value}” is not an FTS plan identifier (a whole number such as 1037).',
    fr: '« {value} » n’est pas un identifiant de plan FTS (un nombre entier, p. ex. 1037).',
  },
  'funding.text.tooLong': {
    status: 422,
    en: 'This text is {length} characters long; at most {max} are accepted here.',
    fr: 'Ce texte compte {length} caractères ; {max} au plus sont acceptés ici.',
  },
  'funding.flow.notAnObject': {
    status: 422,
    en: 'This entry is not an FTS flow (found {value} instead of an object with id, amountUSD, status…).',
    fr: 'Cette entrée n’est pas un flux FTS ({value} au lieu d’un objet avec id, amountUSD, status…).',
  },
  'funding.flow.idInvalid': {
    status: 422,
    en: '“{value}” is not a valid flow identifier (letters, digits and hyphens, at most 40).',
    fr: '« {value} » n’est pas un identifiant de flux valide (lettres, chiffres et tirets, 40 au plus).',
  },
  'funding.flow.duplicate': {
    status: 422,
    en: 'The flow {flowId} already appears on row {firstRow}; a flow is counted once.',
    fr: 'Le flux {flowId} figure déjà à la ligne {firstRow} ; un flux ne compte qu’une fois.',
  },
  'funding.flow.statusUnknown': {
    status: 422,
    en: '“{value}” is not a flow status Liptako knows; accepted: {accepted}.',
    fr: '« {value} » n’est pas un statut de flux connu de Liptako ; valeurs acceptées : {accepted}.',
  },
  'funding.flow.severalPlans': {
    status: 422,
    en: 'This flow goes to several plans ({plans}); import it split per plan, as FTS shows its child flows.',
    fr: 'Ce flux va à plusieurs plans ({plans}) ; importez-le réparti par plan, comme FTS en montre les flux enfants.',
  },
  'funding.flow.rateInvalid': {
    status: 422,
    en: '“{value}” is not a valid exchange rate: give a number between 0.000000001 and 1,000,000,000.',
    fr: '« {value} » n’est pas un taux de change valide : indiquez un nombre entre 0,000000001 et 1 000 000 000.',
  },
  'funding.flow.rateMismatch': {
    status: 422,
    en: 'The exchange rate {rate} does not turn {original} {currency} into {usd} USD in either direction (USD per {currency} or {currency} per USD).',
    fr: 'Le taux de change {rate} ne transforme pas {original} {currency} en {usd} USD, dans aucun sens (USD pour 1 {currency} ou {currency} pour 1 USD).',
  },
  'funding.donor.missing': {
    status: 422,
    en: 'Say who gave the money: the donor is missing.',
    fr: 'Indiquez qui a donné les fonds : le bailleur manque.',
  },
  'funding.date.missing': {
    status: 422,
    en: 'A contribution with status “{status}” needs its date ({field}).',
    fr: 'Une contribution au statut « {status} » doit avoir sa date ({field}).',
  },
  'funding.date.order': {
    status: 422,
    en: 'The dates are in the wrong order: {later} comes before {earlier}. A pledge comes first, then the commitment, then the payment.',
    fr: 'Les dates sont dans le désordre : {later} est antérieure à {earlier}. L’annonce vient d’abord, puis l’engagement, puis le versement.',
  },
  'funding.earmark.outsidePlan': {
    status: 422,
    en: 'The earmarking ({level} {id}) is not part of plan {code}.',
    fr: 'L’affectation ({level} {id}) ne fait pas partie du plan {code}.',
  },
  'funding.contribution.notFound': {
    status: 404,
    en: 'No contribution {id} in this plan.',
    fr: 'Aucune contribution {id} dans ce plan.',
  },
} satisfies Record<string, CatalogueEntry>;

type FundingMessages = typeof fundingMessages;

// Makes these codes part of `ErrorCode` (the entries themselves are registered by src/modules.ts).
declare module '../core/errors.js' {
  interface ErrorCatalogue extends FundingMessages {}
}
