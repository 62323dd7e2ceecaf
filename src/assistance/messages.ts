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
} satisfies Record<string, CatalogueEntry>;

type AssistanceMessages = typeof assistanceMessages;

// Makes these codes part of `ErrorCode` (the entries themselves are registered by src/modules.ts).
declare module '../core/errors.js' {
  interface ErrorCatalogue extends AssistanceMessages {}
}
