import type { CatalogueEntry } from '../core/errors.js';

/** Catalogue entries of the displacement (DTM) module, registered through the module contract (see core/errors.ts). */
export const displacementMessages = {
  // The DTM API v3 routes answer these in their own envelope (errorMessages), HTTP 400.
  'dtm.api.filterRequired': {
    status: 400,
    en: 'Give at least one of Operation, CountryName or Admin0Pcode.',
    fr: 'Indiquez au moins l’un des filtres Operation, CountryName ou Admin0Pcode.',
  },
  'dtm.api.rangeReversed': {
    status: 400,
    en: '{from} comes after {to}.',
    fr: '{from} est postérieur à {to}.',
  },
  'dtm.operation.notFound': {
    status: 404,
    en: 'No DTM operation has the code {code}.',
    fr: 'Aucune opération DTM n’a le code {code}.',
  },
  'dtm.round.notFound': {
    status: 404,
    en: 'Round {round} was not found.',
    fr: 'Le round {round} est introuvable.',
  },
  'dtm.round.notDraft': {
    status: 409,
    en: 'Round {number} ({type}) of {operation} is {status}: its figures can no longer be replaced by an import.',
    fr: 'Le round {number} ({type}) de {operation} est {status} : ses chiffres ne peuvent plus être remplacés par un import.',
  },
  'dtm.round.openIssues': {
    status: 409,
    en: 'The round cannot be {action}: {errors} open error(s) and {warnings} undecided warning(s) remain in its data-quality report.',
    fr: 'Le round ne peut pas être {action} : il reste {errors} erreur(s) ouverte(s) et {warnings} alerte(s) non traitée(s) dans son rapport de qualité.',
  },
  'dtm.round.badTransition': {
    status: 409,
    en: 'A round that is {from} cannot become {to}.',
    fr: 'Un round {from} ne peut pas devenir {to}.',
  },
  'dtm.round.empty': {
    status: 409,
    en: 'The round has no figures yet: import a file first.',
    fr: 'Le round n’a encore aucun chiffre : importez d’abord un fichier.',
  },
  'dtm.round.badPeriod': {
    status: 400,
    en: 'The collection period ends ({end}) before it starts ({start}).',
    fr: 'La période de collecte se termine ({end}) avant de commencer ({start}).',
  },
  'dtm.upload.notFound': {
    status: 404,
    en: 'Upload {id} was not found; send the file again.',
    fr: 'Le fichier chargé {id} est introuvable ; envoyez-le à nouveau.',
  },
  'dtm.job.notFound': {
    status: 404,
    en: 'Job {id} was not found.',
    fr: 'La tâche {id} est introuvable.',
  },
  'dtm.job.notRetryable': {
    status: 409,
    en: 'Job {id} is {status}; only a failed or interrupted import can be run again.',
    fr: 'La tâche {id} est {status} ; seul un import échoué ou interrompu peut être relancé.',
  },
  'dtm.issue.notFound': {
    status: 404,
    en: 'Data-quality finding {id} was not found in this round.',
    fr: 'Le constat de qualité {id} est introuvable dans ce round.',
  },
  'dtm.issue.badDecision': {
    status: 422,
    en: 'A {severity} cannot be “{decision}”: errors are excluded (the row stays out) or fixed by a new import; warnings are accepted or fixed.',
    fr: 'Un(e) {severity} ne peut pas être « {decision} » : les erreurs sont exclues (la ligne reste hors du round) ou corrigées par un nouvel import ; les alertes sont acceptées ou corrigées.',
  },
  'dtm.issue.fixNeedsValue': {
    status: 422,
    en: 'Fixing this finding needs a corrected value for {column}.',
    fr: 'Corriger ce constat demande une valeur corrigée pour {column}.',
  },
  'dtm.import.mappingIncomplete': {
    status: 422,
    en: 'The column mapping is incomplete: {missing} must be mapped to a column of the file. {duplicated}',
    fr: 'La correspondance des colonnes est incomplète : {missing} doit correspondre à une colonne du fichier. {duplicated}',
  },
  'dtm.import.mappingUnknownHeader': {
    status: 422,
    en: 'The mapping names columns that are not in the file: {headers}.',
    fr: 'La correspondance nomme des colonnes absentes du fichier : {headers}.',
  },
  'dtm.import.mappingUnconfirmed': {
    status: 422,
    en: 'The columns of this file have not been confirmed yet. Confirm the mapping once in the import page, or pass --map header=field; unmapped: {unmapped}.',
    fr: 'Les colonnes de ce fichier n’ont pas encore été confirmées. Confirmez la correspondance une fois dans la page d’import, ou passez --map en-tête=champ ; non reconnues : {unmapped}.',
  },
  'dtm.import.noValidRows': {
    status: 422,
    en: 'None of the {rows} row(s) could be stored; {errors} error(s) were found. Nothing was imported; see the report.',
    fr: 'Aucune des {rows} ligne(s) n’a pu être enregistrée ; {errors} erreur(s) trouvée(s). Rien n’a été importé ; voir le rapport.',
  },
  'dtm.import.tooManyRows': {
    status: 413,
    en: 'The file has more than {limit} rows; split it by region.',
    fr: 'Le fichier a plus de {limit} lignes ; découpez-le par région.',
  },
  'dtm.rule.missingValue': { status: 422, en: 'A value is required here.', fr: 'Une valeur est obligatoire ici.' },
  'dtm.rule.notANumber': { status: 422, en: 'Not a number.', fr: 'Ce n’est pas un nombre.' },
  'dtm.rule.notAnInteger': { status: 422, en: 'A count of people or households is a whole number.', fr: 'Un nombre de personnes ou de ménages est un nombre entier.' },
  'dtm.rule.negative': { status: 422, en: 'A count cannot be negative.', fr: 'Un effectif ne peut pas être négatif.' },
  'dtm.rule.tooLarge': { status: 422, en: 'Larger than any location holds (more than {max}).', fr: 'Plus grand que ce qu’une localité peut compter (plus de {max}).' },
  'dtm.rule.pcodeInvalid': { status: 422, en: 'Not a P-code: {reason}.', fr: 'Ce n’est pas un P-code : {reason}.' },
  'dtm.rule.pcodeAmbiguous': { status: 422, en: 'Ambiguous P-code; did you mean {candidates}?', fr: 'P-code ambigu ; vouliez-vous dire {candidates} ?' },
  'dtm.rule.pcodeUnknown': {
    status: 422,
    en: '{pcode} is not an admin {level} unit of the gazetteer at the round’s date.',
    fr: '{pcode} n’est pas une unité administrative de niveau {level} du référentiel à la date du round.',
  },
  'dtm.rule.pcodeOtherCountry': { status: 422, en: '{pcode} is outside the operation’s country ({country}).', fr: '{pcode} est hors du pays de l’opération ({country}).' },
  'dtm.rule.pcodeNotUnder': { status: 422, en: '{pcode} is not inside {parent}.', fr: '{pcode} n’est pas situé dans {parent}.' },
  'dtm.rule.unknownValue': { status: 422, en: 'Unknown value; accepted: {accepted}.', fr: 'Valeur inconnue ; valeurs acceptées : {accepted}.' },
  'dtm.rule.badCoordinates': { status: 422, en: 'Not a latitude/longitude in degrees.', fr: 'Ce n’est pas une latitude/longitude en degrés.' },
  'dtm.rule.badDate': { status: 422, en: 'Not a date (use YYYY-MM-DD or DD/MM/YYYY).', fr: 'Ce n’est pas une date (utilisez AAAA-MM-JJ ou JJ/MM/AAAA).' },
  'dtm.rule.partsAboveTotal': { status: 422, en: 'The parts ({part}) are more than their total ({total}).', fr: 'Les parties ({part}) dépassent leur total ({total}).' },
  'dtm.rule.duplicateLocation': {
    status: 422,
    en: 'The same location and population group already appear at row {firstRow}.',
    fr: 'La même localité et le même groupe de population figurent déjà à la ligne {firstRow}.',
  },
  'dtm.rule.partsDoNotSum': { status: 422, en: 'The parts add up to {parts}, not {total}.', fr: 'Les parties totalisent {parts}, et non {total}.' },
  'dtm.rule.householdSize': {
    status: 422,
    en: 'Average household size {size} is outside {min}–{max}.',
    fr: 'La taille moyenne des ménages ({size}) est hors de l’intervalle {min}–{max}.',
  },
  'dtm.rule.changeVsPrevious': {
    status: 422,
    en: 'Changed from {previous} in round {previousRound} to {current} ({change}).',
    fr: 'Passé de {previous} au round {previousRound} à {current} ({change}).',
  },
  'dtm.rule.originNotMatched': {
    status: 422,
    en: 'No admin unit of this name was found with confidence (best: {candidate}, {confidence} %); the origin is left empty.',
    fr: 'Aucune unité administrative de ce nom n’a été trouvée avec certitude (meilleure : {candidate}, {confidence} %) ; l’origine reste vide.',
  },
  'dtm.binding.notFound': {
    status: 404,
    en: 'Form binding {id} was not found.',
    fr: 'La liaison de formulaire {id} est introuvable.',
  },
  'dtm.binding.unknownQuestion': {
    status: 422,
    en: 'The form {form} has no question {questions} that can feed a round (a question outside repeats and meta). Nothing was saved.',
    fr: 'Le formulaire {form} n’a pas de question {questions} pouvant alimenter un round (une question hors répétition et hors meta). Rien n’a été enregistré.',
  },
  'dtm.binding.unknownField': {
    status: 422,
    en: '{fields} is not a field of a DTM round. Nothing was saved.',
    fr: '{fields} n’est pas un champ d’un round DTM. Rien n’a été enregistré.',
  },
  'dtm.binding.mappingIncomplete': {
    status: 422,
    en: 'The binding cannot feed a round: fields missing {missing}; fields given to two questions {duplicated}. Nothing was saved.',
    fr: 'La liaison ne peut pas alimenter un round : champs manquants {missing} ; champs donnés à deux questions {duplicated}. Rien n’a été enregistré.',
  },
  'dtm.binding.otherCountry': {
    status: 422,
    en: 'The operation {operation} is in {country}, the form {form} in {formCountry}: a form feeds only an operation of its own country. Nothing was saved.',
    fr: 'L’opération {operation} est au pays {country}, le formulaire {form} au pays {formCountry} : un formulaire n’alimente qu’une opération de son pays. Rien n’a été enregistré.',
  },
  'dtm.binding.noSubmissions': {
    status: 422,
    en: 'No approved submission of the form {form} was received from {start} to {end}: there is nothing to make a round from. Nothing was stored.',
    fr: 'Aucune soumission approuvée du formulaire {form} n’a été reçue du {start} au {end} : il n’y a rien pour faire un round. Rien n’a été enregistré.',
  },
  'dtm.rule.outsideAdminUnit': { status: 422, en: 'The coordinates fall outside {pcode}.', fr: 'Les coordonnées tombent hors de {pcode}.' },
  'dtm.rule.dateOutsidePeriod': {
    status: 422,
    en: 'Outside the round’s collection period ({start} – {end}).',
    fr: 'Hors de la période de collecte du round ({start} – {end}).',
  },
} satisfies Record<string, CatalogueEntry>;

type DisplacementMessages = typeof displacementMessages;

// Makes these codes part of `ErrorCode` (the entries themselves are registered by src/modules.ts).
declare module '../core/errors.js' {
  interface ErrorCatalogue extends DisplacementMessages {}
}
