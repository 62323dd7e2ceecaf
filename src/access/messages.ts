import type { CatalogueEntry } from '../core/errors.js';

/** Catalogue entries of access control (merged into the one catalogue in core/errors.ts). */
export const accessMessages = {
  'auth.required': {
    status: 401,
    en: 'Sign in to do this.',
    fr: 'Connectez-vous pour faire ceci.',
  },
  'auth.forbidden': {
    status: 403,
    en: 'Your role does not allow this ({verb}).',
    fr: 'Votre rôle ne permet pas ceci ({verb}).',
  },
  'auth.csrf': {
    status: 403,
    en: 'This request did not come from a Liptako page (missing or wrong anti-forgery token). Reload the page and try again.',
    fr: 'Cette requête ne vient pas d’une page Liptako (jeton anti-falsification absent ou erroné). Rechargez la page et réessayez.',
  },
  'auth.token.invalid': {
    status: 401,
    en: 'This API token is not valid: it is unknown, expired or revoked.',
    fr: 'Ce jeton d’API n’est pas valide : il est inconnu, expiré ou révoqué.',
  },
  'auth.signIn.failed': {
    status: 401,
    en: 'Wrong e-mail address or password.',
    fr: 'Adresse électronique ou mot de passe incorrect.',
  },
  'auth.signIn.locked': {
    status: 429,
    en: 'Too many wrong passwords: this account is locked for {minutes} minutes.',
    fr: 'Trop de mots de passe erronés : ce compte est bloqué pendant {minutes} minutes.',
  },
  'auth.signIn.throttled': {
    status: 429,
    en: 'Too many sign-in attempts from this address; wait a few minutes.',
    fr: 'Trop de tentatives de connexion depuis cette adresse ; patientez quelques minutes.',
  },
  'auth.password.tooShort': {
    status: 422,
    en: 'The password must have at least {min} characters; a sentence is easier to remember.',
    fr: 'Le mot de passe doit comporter au moins {min} caractères ; une phrase est plus facile à retenir.',
  },
  'auth.password.tooLong': {
    status: 422,
    en: 'The password must have at most {max} characters.',
    fr: 'Le mot de passe doit comporter au plus {max} caractères.',
  },
  'auth.password.common': {
    status: 422,
    en: 'This password is too common or too simple; choose another.',
    fr: 'Ce mot de passe est trop courant ou trop simple ; choisissez-en un autre.',
  },
  'auth.password.personal': {
    status: 422,
    en: 'The password must not contain your name or e-mail address.',
    fr: 'Le mot de passe ne doit pas contenir votre nom ni votre adresse électronique.',
  },
  'auth.password.wrongCurrent': {
    status: 422,
    en: 'The current password is not right.',
    fr: 'Le mot de passe actuel n’est pas le bon.',
  },
  'auth.user.exists': {
    status: 409,
    en: 'An account already exists for {email}.',
    fr: 'Un compte existe déjà pour {email}.',
  },
  'auth.role.unknown': {
    status: 422,
    en: 'There is no role “{role}”.',
    fr: 'Le rôle « {role} » n’existe pas.',
  },
  'auth.scope.invalid': {
    status: 422,
    en: 'The scope “{scope}” is not valid (the whole response, a country such as ML, or an organisation number).',
    fr: 'La portée « {scope} » n’est pas valide (toute la réponse, un pays comme ML, ou un numéro d’organisation).',
  },
  'auth.verb.unknown': {
    status: 422,
    en: 'There is no permission “{verb}”.',
    fr: 'La permission « {verb} » n’existe pas.',
  },
} satisfies Record<string, CatalogueEntry>;
