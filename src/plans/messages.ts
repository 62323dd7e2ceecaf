import type { CatalogueEntry } from '../core/errors.js';

/**
 * Catalogue entries of the plans module (registered through the module contract; see core/errors.ts).
 *
 * `plans.definition.*` — plan definition files (src/plans/definition.ts). The file-level codes end
 * a request; the others are the per-problem codes listed in `details.problems` of
 * `plans.definition.invalid`, without the location (each problem carries its own path and line,
 * as a RowIssue carries its row and column).
 *
 * `plans.consistency.*` — templates of the consistency findings (`checkConsistency`). They are not
 * errors: a plan whose parts do not add up is still stored as stated. They carry 422 only because
 * every catalogue entry needs an error status.
 */
export const planMessages = {
  // File-level: these end the request.
  'plans.definition.invalid': {
    status: 422,
    en: 'The plan definition has {count} problem(s); nothing was stored. The first is at {detail}, line {line}; see the list of problems.',
    fr: 'La définition du plan comporte {count} problème(s) ; rien n’a été enregistré. Le premier se trouve à {detail}, ligne {line} ; voir la liste des problèmes.',
  },
  'plans.definition.malformed': {
    status: 422,
    en: 'The plan definition is not valid YAML or JSON: its structure breaks at line {line}, column {column}.',
    fr: 'La définition du plan n’est pas du YAML ou du JSON valide : sa structure est cassée à la ligne {line}, colonne {column}.',
  },
  'plans.definition.multipleDocuments': {
    status: 422,
    en: 'The file holds more than one YAML document (a second one starts at line {line}); a plan definition is one document.',
    fr: 'Le fichier contient plus d’un document YAML (un deuxième commence à la ligne {line}) ; une définition de plan est un seul document.',
  },
  'plans.definition.empty': {
    status: 422,
    en: 'The plan definition file is empty.',
    fr: 'Le fichier de définition du plan est vide.',
  },
  'plans.definition.tooLarge': {
    status: 413,
    en: 'The plan definition file is too large (limit {limit}).',
    fr: 'Le fichier de définition du plan est trop volumineux (limite {limit}).',
  },
  'plans.definition.tooComplex': {
    status: 422,
    en: 'The plan definition nests more than {limit} levels deep or expands too many YAML aliases to be read safely; write the values out in full.',
    fr: 'La définition du plan imbrique plus de {limit} niveaux ou développe trop d’alias YAML pour être lue sans risque ; écrivez les valeurs en entier.',
  },

  'plans.definition.structureChanged': {
    status: 409,
    en: 'The plan {code} already exists with other objectives or activity areas. Importing its definition again revises figures only; change its objectives and activity areas in Liptako, or give a new plan its own code.',
    fr: 'Le plan {code} existe déjà avec d’autres objectifs ou domaines d’activité. Importer à nouveau sa définition ne révise que les chiffres ; modifiez ses objectifs et domaines d’activité dans Liptako, ou donnez à un nouveau plan son propre code.',
  },

  // Used by the plans service (src/plans/service.ts).
  'plans.notFound': {
    status: 404,
    en: 'No plan has the code {code}.',
    fr: 'Aucun plan n’a le code {code}.',
  },
  'plans.part.notFound': {
    status: 404,
    en: 'The plan {code} has no such part (id {id}).',
    fr: 'Le plan {code} n’a pas cette partie (id {id}).',
  },
  'plans.import.rowsRefused': {
    status: 422,
    en: '{count} row(s) of the file were refused; nothing was imported. Fix them and import the file again.',
    fr: '{count} ligne(s) du fichier ont été refusées ; rien n’a été importé. Corrigez-les et importez à nouveau le fichier.',
  },

  // Per-problem codes (in details.problems of plans.definition.invalid).
  'plans.definition.notMapping': {
    status: 422,
    en: 'Expected keys and values here (a mapping), found {value}.',
    fr: 'Des clés et des valeurs (un dictionnaire) sont attendues ici ; trouvé : {value}.',
  },
  'plans.definition.notList': {
    status: 422,
    en: 'Expected a list here, found {value}.',
    fr: 'Une liste est attendue ici ; trouvé : {value}.',
  },
  'plans.definition.notText': {
    status: 422,
    en: 'Expected text here, found {value}.',
    fr: 'Un texte est attendu ici ; trouvé : {value}.',
  },
  'plans.definition.missing': {
    status: 422,
    en: 'This value is required and must not be empty.',
    fr: 'Cette valeur est obligatoire et ne doit pas être vide.',
  },
  'plans.definition.listEmpty': {
    status: 422,
    en: 'This list needs at least one entry.',
    fr: 'Cette liste doit contenir au moins une entrée.',
  },
  'plans.definition.unknownKey': {
    status: 422,
    en: '“{key}” is not a key of this section; the keys are: {expected}.',
    fr: '« {key} » n’est pas une clé de cette section ; les clés sont : {expected}.',
  },
  'plans.definition.unknownKeySuggestion': {
    status: 422,
    en: '“{key}” is not a key of this section; did you mean “{suggestion}”?',
    fr: '« {key} » n’est pas une clé de cette section ; vouliez-vous dire « {suggestion} » ?',
  },
  'plans.definition.textTooLong': {
    status: 422,
    en: 'This text has {length} characters; at most {limit} are allowed.',
    fr: 'Ce texte compte {length} caractères ; {limit} au plus sont admis.',
  },
  'plans.definition.tooMany': {
    status: 422,
    en: 'This list has {count} entries; at most {limit} are allowed.',
    fr: 'Cette liste compte {count} entrées ; {limit} au plus sont admises.',
  },
  'plans.definition.tooManyAreas': {
    status: 422,
    en: 'The plan has {count} activity areas in all; at most {limit} are allowed.',
    fr: 'Le plan compte {count} domaines d’activité en tout ; {limit} au plus sont admis.',
  },
  'plans.definition.codeInvalid': {
    status: 422,
    en: '“{value}” is not a plan code: 2 to 40 capital letters, digits or hyphens, not starting with a hyphen (e.g. IOM-CSAHEL-2021).',
    fr: '« {value} » n’est pas un code de plan : 2 à 40 lettres majuscules, chiffres ou tirets, sans tiret au début (p. ex. IOM-CSAHEL-2021).',
  },
  'plans.definition.notAllowed': {
    status: 422,
    en: '“{value}” is not allowed here; expected one of: {expected}.',
    fr: '« {value} » n’est pas admis ici ; valeurs attendues : {expected}.',
  },
  'plans.definition.dateInvalid': {
    status: 422,
    en: '“{value}” is not a date written YYYY-MM-DD (e.g. 2021-01-01).',
    fr: '« {value} » n’est pas une date écrite AAAA-MM-JJ (p. ex. 2021-01-01).',
  },
  'plans.definition.dateOrder': {
    status: 422,
    en: 'The end date {end} is before the start date {start}.',
    fr: 'La date de fin {end} est antérieure à la date de début {start}.',
  },
  'plans.definition.countryInvalid': {
    status: 422,
    en: '“{value}” is not a country code (ISO2 such as BF, or ISO3 such as BFA).',
    fr: '« {value} » n’est pas un code pays (ISO2, p. ex. BF, ou ISO3, p. ex. BFA).',
  },
  'plans.definition.countryNotInPlan': {
    status: 422,
    en: 'The country {value} is not one of the plan’s countries ({countries}).',
    fr: 'Le pays {value} ne fait pas partie des pays du plan ({countries}).',
  },
  'plans.definition.amountInvalid': {
    status: 422,
    en: '“{value}” is not an amount in USD: write a number such as 28520000, or text such as "28,520,000" or "28 520 000", with at most 2 decimals.',
    fr: '« {value} » n’est pas un montant en USD : écrivez un nombre comme 28520000, ou un texte comme "28,520,000" ou "28 520 000", avec 2 décimales au plus.',
  },
  'plans.definition.countInvalid': {
    status: 422,
    en: '“{value}” is not a whole number: write a number such as 880000, or text such as "880,000" or "880 000".',
    fr: '« {value} » n’est pas un nombre entier : écrivez un nombre comme 880000, ou un texte comme "880,000" ou "880 000".',
  },
  'plans.definition.numberNegative': {
    status: 422,
    en: 'The figure {value} is negative; figures of a plan are zero or more.',
    fr: 'Le chiffre {value} est négatif ; les chiffres d’un plan sont nuls ou positifs.',
  },
  'plans.definition.numberTooLarge': {
    status: 422,
    en: 'The figure {value} is larger than the limit {limit}; check for extra digits.',
    fr: 'Le chiffre {value} dépasse la limite de {limit} ; vérifiez qu’il n’y a pas de chiffres en trop.',
  },
  'plans.definition.areaCodeInvalid': {
    status: 422,
    en: '“{value}” is not an activity area code: up to 60 lower-case letters, digits and hyphens, not starting with a hyphen (e.g. shelter-nfi).',
    fr: '« {value} » n’est pas un code de domaine d’activité : 60 lettres minuscules, chiffres et tirets au plus, sans tiret au début (p. ex. shelter-nfi).',
  },
  'plans.definition.areaCodeDuplicate': {
    status: 422,
    en: 'The activity area code “{value}” is already used at {firstPath}.',
    fr: 'Le code de domaine d’activité « {value} » est déjà utilisé à {firstPath}.',
  },
  'plans.definition.areaUnknown': {
    status: 422,
    en: 'No activity area of this plan has the code “{value}”.',
    fr: 'Aucun domaine d’activité de ce plan n’a le code « {value} ».',
  },
  'plans.definition.countryLineDuplicate': {
    status: 422,
    en: 'There is already a line for this country and activity area at {firstPath}.',
    fr: 'Il existe déjà une ligne pour ce pays et ce domaine d’activité à {firstPath}.',
  },
  'plans.definition.problemsTruncated': {
    status: 422,
    en: 'Only the first {shown} of {count} problems are listed.',
    fr: 'Seuls les {shown} premiers problèmes sur {count} sont listés.',
  },

  // Consistency findings (templates only; see the note at the top).
  'plans.consistency.scopePlan': {
    status: 422,
    en: 'The plan',
    fr: 'Le plan',
  },
  'plans.consistency.scopeObjective': {
    status: 422,
    en: 'Objective {position}',
    fr: 'L’objectif {position}',
  },
  'plans.consistency.requirementsMatch': {
    status: 422,
    en: '{scope} states {stated} USD; its parts add up to the same amount.',
    fr: '{scope} indique {stated} USD ; ses parties totalisent le même montant.',
  },
  'plans.consistency.requirementsDiffer': {
    status: 422,
    en: '{scope} states {stated} USD; its parts add up to {sum} USD ({difference}). Check the figures against the plan document.',
    fr: '{scope} indique {stated} USD ; ses parties totalisent {sum} USD ({difference}). Vérifiez les chiffres dans le document du plan.',
  },
  'plans.consistency.peopleMatch': {
    status: 422,
    en: '{scope} states {stated} people targeted; its parts add up to the same figure.',
    fr: '{scope} indique {stated} personnes ciblées ; ses parties totalisent le même chiffre.',
  },
  'plans.consistency.peopleDeduplicated': {
    status: 422,
    en: '{scope} states {stated} people targeted; its parts add up to {sum} ({difference}). People-targeted totals are de-duplicated (a person reached by several objectives or activity areas counts once in the whole), so the parts may add up to more or less than the whole. This is expected and not an error: the stated figure is kept as given.',
    fr: '{scope} indique {stated} personnes ciblées ; ses parties totalisent {sum} ({difference}). Les totaux de personnes ciblées sont dédoublonnés (une personne touchée par plusieurs objectifs ou domaines d’activité compte une seule fois dans l’ensemble) : les parties peuvent donc totaliser plus ou moins que l’ensemble. C’est normal et ce n’est pas une erreur : le chiffre indiqué est conservé tel quel.',
  },
  'plans.consistency.entitiesMatch': {
    status: 422,
    en: '{scope} states {stated} entities targeted; its activity areas add up to the same figure.',
    fr: '{scope} indique {stated} entités ciblées ; ses domaines d’activité totalisent le même chiffre.',
  },
  'plans.consistency.entitiesDeduplicated': {
    status: 422,
    en: '{scope} states {stated} entities targeted; its activity areas add up to {sum} ({difference}). An entity supported in several activity areas counts once in the whole, so this is expected and not an error: the stated figure is kept as given.',
    fr: '{scope} indique {stated} entités ciblées ; ses domaines d’activité totalisent {sum} ({difference}). Une entité appuyée dans plusieurs domaines d’activité compte une seule fois dans l’ensemble : c’est normal et ce n’est pas une erreur ; le chiffre indiqué est conservé tel quel.',
  },
} satisfies Record<string, CatalogueEntry>;

export type PlanMessageCode = keyof typeof planMessages;

type PlanMessages = typeof planMessages;

// Makes these codes part of `ErrorCode` (the entries themselves are registered by src/modules.ts).
declare module '../core/errors.js' {
  interface ErrorCatalogue extends PlanMessages {}
}
