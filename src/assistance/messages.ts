import type { CatalogueEntry } from '../core/errors.js';

/** Catalogue entries of the assistance registry, registered through the module contract (see core/errors.ts). */
export const assistanceMessages = {
  'assistance.household.notFound': {
    status: 404,
    en: 'No household {id} in the registry you may see.',
    fr: 'Aucun ménage {id} dans le registre que vous pouvez consulter.',
  },
  'assistance.household.ownOrganisation': {
    status: 403,
    en: 'You may register households only for your own organisation.',
    fr: 'Vous ne pouvez enregistrer des ménages que pour votre propre organisation.',
  },
  'assistance.household.noHead': {
    status: 400,
    en: 'A household needs exactly one head among its members (found {count}).',
    fr: 'Un ménage doit compter exactement un chef parmi ses membres ({count} trouvé(s)).',
  },
  'assistance.household.tooManyMembers': {
    status: 400,
    en: 'A household of {count} members is not plausible: at most {max} members per household.',
    fr: 'Un ménage de {count} membres n’est pas plausible : au plus {max} membres par ménage.',
  },
  'assistance.household.location': {
    status: 422,
    en: 'The place {pcode} is level {level}: give an admin2 or admin3 P-code.',
    fr: 'Le lieu {pcode} est de niveau {level} : indiquez un P-code d’admin2 ou d’admin3.',
  },
  'assistance.household.consentRequired': {
    status: 400,
    en: 'A registration needs the consent of the household (who gave it, when, for which purposes).',
    fr: 'Un enregistrement exige le consentement du ménage (qui l’a donné, quand, pour quelles finalités).',
  },
  'assistance.member.phone': {
    status: 400,
    en: 'Member {index}: “{phone}” is not a phone number (8 to 15 digits, an optional + first).',
    fr: 'Membre {index} : « {phone} » n’est pas un numéro de téléphone (8 à 15 chiffres, un + facultatif en tête).',
  },
  'assistance.member.birthDate': {
    status: 400,
    en: 'Member {index}: “{date}” is not a date that exists (YYYY-MM-DD).',
    fr: 'Membre {index} : « {date} » n’est pas une date qui existe (AAAA-MM-JJ).',
  },
  'assistance.member.birthFuture': {
    status: 400,
    en: 'Member {index}: born in {year}, after this year ({current}).',
    fr: 'Membre {index} : né(e) en {year}, après l’année en cours ({current}).',
  },
  'assistance.member.birthTooOld': {
    status: 400,
    en: 'Member {index}: a birth year of {year} is not plausible (1900 at the earliest).',
    fr: 'Membre {index} : une année de naissance {year} n’est pas plausible (1900 au plus tôt).',
  },
  'assistance.member.birthMismatch': {
    status: 400,
    en: 'Member {index}: the birth date {date} is not in the birth year {year}.',
    fr: 'Membre {index} : la date de naissance {date} n’est pas dans l’année {year}.',
  },
  'assistance.member.formula': {
    status: 400,
    en: 'Member {index}: “{text}” starts like a spreadsheet formula (=, +, -, @); names never do.',
    fr: 'Membre {index} : « {text} » commence comme une formule de tableur (=, +, -, @) ; un nom jamais.',
  },
  'assistance.member.name': {
    status: 400,
    en: 'Member {index}: a name holds letters, spaces, apostrophes and hyphens only.',
    fr: 'Membre {index} : un nom ne contient que des lettres, des espaces, des apostrophes et des tirets.',
  },
  'assistance.member.tooLong': {
    status: 400,
    en: 'Member {index}: the {field} has {length} characters; at most {max} are kept.',
    fr: 'Membre {index} : le champ {field} compte {length} caractères ; {max} au plus sont conservés.',
  },
  'assistance.member.notFound': {
    status: 404,
    en: 'No member {id} in the registry you may see.',
    fr: 'Aucun membre {id} dans le registre que vous pouvez consulter.',
  },
  'assistance.read.reasonRequired': {
    status: 400,
    en: 'Say why you read this household’s personal data (a reason of at least 5 characters): every read is recorded.',
    fr: 'Indiquez pourquoi vous consultez les données personnelles de ce ménage (un motif d’au moins 5 caractères) : chaque consultation est enregistrée.',
  },
  'assistance.consent.notFound': {
    status: 404,
    en: 'No consent to withdraw for household {household}, member {member}.',
    fr: 'Aucun consentement à retirer pour le ménage {household}, membre {member}.',
  },
  'assistance.duplicate.notFound': {
    status: 404,
    en: 'No duplicate candidate {id} in the registry you may see.',
    fr: 'Aucun doublon potentiel {id} dans le registre que vous pouvez consulter.',
  },
  'assistance.duplicate.decided': {
    status: 409,
    en: 'The pair {id} was already decided ({status}).',
    fr: 'La paire {id} a déjà été tranchée ({status}).',
  },
  'assistance.merge.notActive': {
    status: 409,
    en: 'The pair {id} is not merged: nothing to undo.',
    fr: 'La paire {id} n’est pas fusionnée : rien à annuler.',
  },
  'assistance.type.unknown': {
    status: 400,
    en: 'No assistance type “{type}”: use nfi-kit, shelter-kit, wash-kit, cash-transfer or livelihood-grant.',
    fr: 'Aucun type d’assistance « {type} » : utilisez nfi-kit, shelter-kit, wash-kit, cash-transfer ou livelihood-grant.',
  },
  'assistance.distribution.quantity': {
    status: 400,
    en: 'A quantity of {quantity} per household is not plausible: more than 0 and at most {max}.',
    fr: 'Une quantité de {quantity} par ménage n’est pas plausible : plus de 0 et au plus {max}.',
  },
  'assistance.distribution.period': {
    status: 400,
    en: 'The period {startsOn} to {endsOn} is not valid: two real dates (YYYY-MM-DD), the end not before the start, at most a year apart.',
    fr: 'La période du {startsOn} au {endsOn} n’est pas valable : deux dates réelles (AAAA-MM-JJ), la fin pas avant le début, au plus un an d’écart.',
  },
  'assistance.distribution.label': {
    status: 400,
    en: 'A distribution needs a name that does not start like a spreadsheet formula (=, +, -, @).',
    fr: 'Une distribution doit avoir un nom qui ne commence pas comme une formule de tableur (=, +, -, @).',
  },
  'assistance.distribution.ownOrganisation': {
    status: 403,
    en: 'You may plan distributions only for your own organisation.',
    fr: 'Vous ne pouvez planifier des distributions que pour votre propre organisation.',
  },
  'assistance.distribution.activityArea': {
    status: 422,
    en: 'The plan {plan} has no activity area “{area}”.',
    fr: 'Le plan {plan} n’a pas de domaine d’activité « {area} ».',
  },
  'assistance.distribution.contribution': {
    status: 422,
    en: 'The plan {plan} has no contribution {id}.',
    fr: 'Le plan {plan} n’a pas de contribution {id}.',
  },
  'assistance.distribution.notFound': {
    status: 404,
    en: 'No distribution {id} among those you may see.',
    fr: 'Aucune distribution {id} parmi celles que vous pouvez consulter.',
  },
  'assistance.distribution.closed': {
    status: 409,
    en: 'The distribution “{distribution}” is closed: no receipt can be added to it.',
    fr: 'La distribution « {distribution} » est clôturée : aucune réception ne peut y être ajoutée.',
  },
  'assistance.receipt.notListed': {
    status: 409,
    en: 'Household {id} is not on the list of the distribution “{distribution}”.',
    fr: 'Le ménage {id} ne figure pas sur la liste de la distribution « {distribution} ».',
  },
  'assistance.receipt.consentWithdrawn': {
    status: 409,
    en: 'Household {id} withdrew its consent: no receipt is recorded for it.',
    fr: 'Le ménage {id} a retiré son consentement : aucune réception n’est enregistrée pour lui.',
  },
  'assistance.receipt.already': {
    status: 409,
    en: 'Household {id} already received this assistance: {organisation}, “{distribution}”, on {date}. A second receipt is refused.',
    fr: 'Le ménage {id} a déjà reçu cette assistance : {organisation}, « {distribution} », le {date}. Une deuxième réception est refusée.',
  },
  'assistance.receipt.mergedAlready': {
    status: 409,
    en: 'Household {id} is a confirmed duplicate of a household that already received this assistance in the same period: {organisation}, “{distribution}”, on {date}. A second receipt is refused.',
    fr: 'Le ménage {id} est un doublon confirmé d’un ménage qui a déjà reçu cette assistance sur la même période : {organisation}, « {distribution} », le {date}. Une deuxième réception est refusée.',
  },
  'assistance.receipt.receivedBy': {
    status: 400,
    en: 'Receipt {index}: say who received (a name or a role, not a spreadsheet formula).',
    fr: 'Réception {index} : indiquez qui a reçu (un nom ou un rôle, pas une formule de tableur).',
  },
  'assistance.receipt.date': {
    status: 400,
    en: 'Receipt {index}: “{date}” is not a plausible date of receipt (a real date, not in the future).',
    fr: 'Réception {index} : « {date} » n’est pas une date de réception plausible (une date réelle, pas dans le futur).',
  },
  'assistance.receipt.bulkSize': {
    status: 400,
    en: 'A sheet of {count} receipts: send between 1 and {max}.',
    fr: 'Une feuille de {count} réceptions : envoyez-en entre 1 et {max}.',
  },
  'assistance.export.personal': {
    status: 403,
    en: 'The fields {fields} are personal data: only holders of the right to read personal data may export them.',
    fr: 'Les champs {fields} sont des données personnelles : seuls les détenteurs du droit de lire les données personnelles peuvent les exporter.',
  },
  'assistance.import.formula': {
    status: 422,
    en: 'Row {row}, column “{column}”: the cell holds a formula or starts like one (“{value}”); type the value itself.',
    fr: 'Ligne {row}, colonne « {column} » : la cellule contient une formule ou commence comme une formule (« {value} ») ; saisissez la valeur elle-même.',
  },
  'assistance.import.phone': {
    status: 422,
    en: 'Row {row}, column “{column}”: “{value}” is not a phone number (8 to 15 digits, an optional + first).',
    fr: 'Ligne {row}, colonne « {column} » : « {value} » n’est pas un numéro de téléphone (8 à 15 chiffres, un + facultatif devant).',
  },
  'assistance.import.date': {
    status: 422,
    en: 'Row {row}, column “{column}”: “{value}” is not a date that exists and has passed (YYYY-MM-DD, DD/MM/YYYY or a date cell).',
    fr: 'Ligne {row}, colonne « {column} » : « {value} » n’est pas une date réelle et passée (AAAA-MM-JJ, JJ/MM/AAAA ou une cellule date).',
  },
  'assistance.import.birthFuture': {
    status: 422,
    en: 'Row {row}, column “{column}”: born in {year}, after this year ({current}).',
    fr: 'Ligne {row}, colonne « {column} » : né(e) en {year}, après l’année en cours ({current}).',
  },
  'assistance.import.value': {
    status: 422,
    en: 'Row {row}, column “{column}”: “{value}” is not one of the expected values ({expected}).',
    fr: 'Ligne {row}, colonne « {column} » : « {value} » ne fait pas partie des valeurs attendues ({expected}).',
  },
  'assistance.import.required': {
    status: 422,
    en: 'Row {row}, column “{column}”: empty, and a registration needs it.',
    fr: 'Ligne {row}, colonne « {column} » : vide, alors qu’un enregistrement en a besoin.',
  },
  'assistance.import.repeated': {
    status: 422,
    en: 'Row {row} repeats row {first} cell for cell ({count} identical rows in all): a block pasted twice? Nothing was stored.',
    fr: 'La ligne {row} répète la ligne {first} cellule par cellule ({count} lignes identiques en tout) : un bloc collé deux fois ? Rien n’a été enregistré.',
  },
  'assistance.import.household': {
    status: 422,
    en: 'Household “{household}” (from row {row}): {members} member(s) of whom {heads} head(s); a household needs exactly one head and at most {max} members.',
    fr: 'Ménage « {household} » (à partir de la ligne {row}) : {members} membre(s) dont {heads} chef(s) ; un ménage a exactement un chef et au plus {max} membres.',
  },
  'assistance.import.placeConflict': {
    status: 422,
    en: 'Row {row}, column “{column}”: household “{household}” is at {place} on row {first}, here at “{value}”.',
    fr: 'Ligne {row}, colonne « {column} » : le ménage « {household} » est à {place} à la ligne {first}, ici à « {value} ».',
  },
  'assistance.import.place': {
    status: 422,
    en: 'Row {row}, column “{column}”: “{value}” is not an admin2 or admin3 P-code of the gazetteer.',
    fr: 'Ligne {row}, colonne « {column} » : « {value} » n’est pas un P-code d’admin2 ou d’admin3 du répertoire géographique.',
  },
  'assistance.import.name': {
    status: 422,
    en: 'Row {row}, column “{column}”: “{value}” is not a name (letters, spaces, apostrophes and hyphens only).',
    fr: 'Ligne {row}, colonne « {column} » : « {value} » n’est pas un nom (lettres, espaces, apostrophes et traits d’union seulement).',
  },
  'assistance.import.refused': {
    status: 422,
    en: '{count} problem(s) in the file, the first on row {row} (column “{column}”). Nothing was stored; correct the file and import it again.',
    fr: '{count} problème(s) dans le fichier, le premier à la ligne {row} (colonne « {column} »). Rien n’a été enregistré ; corrigez le fichier et importez-le de nouveau.',
  },
  'assistance.import.columnsMissing': {
    status: 422,
    en: 'The sheet has no column for: {missing}. Name them in the column choice or add them to the file.',
    fr: 'La feuille n’a pas de colonne pour : {missing}. Choisissez-les parmi les colonnes ou ajoutez-les au fichier.',
  },
  'assistance.import.columnUnknown': {
    status: 400,
    en: 'The column “{column}” chosen for {field} is not in the sheet.',
    fr: 'La colonne « {column} » choisie pour {field} n’est pas dans la feuille.',
  },
  'assistance.import.tooManyRows': {
    status: 413,
    en: 'The file has more than {limit} rows: split it by site or commune.',
    fr: 'Le fichier a plus de {limit} lignes : découpez-le par site ou par commune.',
  },
  'assistance.import.uploadNotFound': {
    status: 404,
    en: 'No registry upload {id} that you may import.',
    fr: 'Aucun fichier de registre {id} que vous pouvez importer.',
  },
  'assistance.import.jobNotFound': {
    status: 404,
    en: 'No registry import {id} that you may see.',
    fr: 'Aucun import de registre {id} que vous pouvez consulter.',
  },
  'assistance.import.ownOrganisation': {
    status: 403,
    en: 'You may import registrations only for your own organisation.',
    fr: 'Vous ne pouvez importer des enregistrements que pour votre propre organisation.',
  },
  'assistance.outputs.threshold': {
    status: 400,
    en: 'A small-count threshold of {threshold} is not allowed here: between {min} and {max}.',
    fr: 'Un seuil de petits effectifs de {threshold} n’est pas permis ici : entre {min} et {max}.',
  },
  'assistance.outputs.period': {
    status: 400,
    en: 'The period “{from}” – “{to}” is not a period: two real days (YYYY-MM-DD), the first not after the second.',
    fr: 'La période « {from} » – « {to} » n’en est pas une : deux jours réels (AAAA-MM-JJ), le premier pas après le second.',
  },
} satisfies Record<string, CatalogueEntry>;

type AssistanceMessages = typeof assistanceMessages;

// Makes these codes part of `ErrorCode` (the entries themselves are registered by src/modules.ts).
declare module '../core/errors.js' {
  interface ErrorCatalogue extends AssistanceMessages {}
}
