import type { CatalogueEntry } from '../core/errors.js';

/** Catalogue entries of access control (registered through the module contract; see core/errors.ts). */
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
  'auth.basic.openRosaOnly': {
    status: 403,
    en: 'A password in the request (HTTP Basic) is accepted only from OpenRosa clients such as ODK Collect: send the X-OpenRosa-Version header.',
    fr: 'Un mot de passe dans la requête (HTTP Basic) n’est accepté que des clients OpenRosa comme ODK Collect : envoyez l’en-tête X-OpenRosa-Version.',
  },
  'auth.csrf': {
    status: 403,
    en: 'This request did not come from a Liptako page (missing or wrong anti-forgery token). Reload the page and try again.',
    fr: 'Cette requête ne vient pas d’une page Liptako (jeton anti-falsification absent ou erroné). Rechargez la page et réessayez.',
  },
  'auth.pathToken.invalid': {
    status: 403,
    en: 'This device’s access is not valid: the link or QR code it was configured with is unknown or was revoked. Ask your project manager for a new one.',
    fr: 'L’accès de cet appareil n’est pas valide : le lien ou le code QR avec lequel il a été configuré est inconnu ou a été révoqué. Demandez-en un nouveau au responsable du projet.',
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
  'auth.signIn.slowDown': {
    status: 429,
    en: 'Too many wrong passwords from this address for this account: try again in {seconds} seconds.',
    fr: 'Trop de mots de passe erronés depuis cette adresse pour ce compte : réessayez dans {seconds} secondes.',
  },
  'auth.signIn.throttled': {
    status: 429,
    en: 'Too many wrong sign-ins from this address; wait a few minutes.',
    fr: 'Trop de connexions erronées depuis cette adresse ; patientez quelques minutes.',
  },
  'audit.unavailable': {
    status: 500,
    en: 'Nothing was changed: this action ({action}) could not be recorded in the audit log. Try again; if it persists, tell the administrator.',
    fr: 'Rien n’a été modifié : cette action ({action}) n’a pas pu être enregistrée dans le journal d’audit. Réessayez ; si cela persiste, prévenez l’administrateur.',
  },
  'server.busy': {
    status: 503,
    en: 'The server is busy checking passwords; try again in a few seconds.',
    fr: 'Le serveur est occupé à vérifier des mots de passe ; réessayez dans quelques secondes.',
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
    en: 'This password is a common password or word, even with letters swapped for digits or symbols; choose another.',
    fr: 'Ce mot de passe est un mot ou un mot de passe courant, même avec des lettres remplacées par des chiffres ou des symboles ; choisissez-en un autre.',
  },
  'auth.password.repeated': {
    status: 422,
    en: 'This password repeats the same few characters; choose another.',
    fr: 'Ce mot de passe répète les mêmes caractères ; choisissez-en un autre.',
  },
  'auth.password.sequence': {
    status: 422,
    en: 'This password is mostly a sequence such as abcd or 6789; choose another.',
    fr: 'Ce mot de passe est surtout une suite comme abcd ou 6789 ; choisissez-en un autre.',
  },
  'auth.password.keyboard': {
    status: 422,
    en: 'This password is mostly a row or pattern of keyboard keys; choose another.',
    fr: 'Ce mot de passe est surtout une rangée ou un motif de touches du clavier ; choisissez-en un autre.',
  },
  'auth.password.dates': {
    status: 422,
    en: 'This password is mostly dates or years; choose another.',
    fr: 'Ce mot de passe est surtout fait de dates ou d’années ; choisissez-en un autre.',
  },
  'auth.password.weak': {
    status: 422,
    en: 'This password is too easy to guess; a sentence of a few unusual words is stronger.',
    fr: 'Ce mot de passe est trop facile à deviner ; une phrase de quelques mots inhabituels est plus solide.',
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
  'auth.email.invalid': {
    status: 422,
    en: 'This is not a valid e-mail address.',
    fr: 'Cette adresse électronique n’est pas valide.',
  },
  'auth.email.invisible': {
    status: 422,
    en: 'This e-mail address holds invisible characters (zero-width spaces, direction marks, soft hyphens); type it again.',
    fr: 'Cette adresse électronique contient des caractères invisibles (espaces sans largeur, marques de direction, traits d’union conditionnels) ; saisissez-la à nouveau.',
  },
  'auth.email.confusable': {
    status: 422,
    en: 'This e-mail address mixes look-alike characters (full-width letters, or letters of several alphabets in one part); type it in one alphabet.',
    fr: 'Cette adresse électronique mêle des caractères qui se ressemblent (lettres pleine chasse, ou lettres de plusieurs alphabets dans une même partie) ; saisissez-la dans un seul alphabet.',
  },
  'auth.token.tooLong': {
    status: 422,
    en: 'An API token may last at most {days} days.',
    fr: 'Un jeton d’API peut durer au plus {days} jours.',
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

type AccessMessages = typeof accessMessages;

// Makes these codes part of `ErrorCode` (the entries themselves are registered by src/modules.ts).
declare module '../core/errors.js' {
  interface ErrorCatalogue extends AccessMessages {}
}
