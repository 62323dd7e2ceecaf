import type { CatalogueEntry } from '../core/errors.js';

/** Catalogue entries of field collection, registered through the module contract (see core/errors.ts). */
export const collectionMessages = {
  'collection.project.notFound': {
    status: 404,
    en: 'No collection project has the id {id} (or it is outside your scope).',
    fr: 'Aucun projet de collecte n’a l’identifiant {id} (ou il est hors de votre périmètre).',
  },
  'collection.project.exists': {
    status: 409,
    en: 'A collection project is already named “{name}”.',
    fr: 'Un projet de collecte s’appelle déjà « {name} ».',
  },
  'collection.media.unexpected': {
    status: 422,
    en: 'The form does not use a file named “{name}”. Files it uses: {expected}.',
    fr: 'Le formulaire n’utilise pas de fichier nommé « {name} ». Fichiers qu’il utilise : {expected}.',
  },
  'collection.media.noneInZip': {
    status: 422,
    en: 'None of the files in this zip is used by the form. Files it uses: {expected}.',
    fr: 'Aucun des fichiers de ce zip n’est utilisé par le formulaire. Fichiers qu’il utilise : {expected}.',
  },
  'collection.form.notFound': {
    status: 404,
    en: 'This project has no form “{formId}” that you may use.',
    fr: 'Ce projet n’a pas de formulaire « {formId} » que vous puissiez utiliser.',
  },
  'collection.form.invalid': {
    status: 400,
    en: 'This file is not a form Liptako can serve ({reason}{where}).',
    fr: 'Ce fichier n’est pas un formulaire que Liptako peut servir ({reason}{where}).',
  },
  'collection.form.encrypted': {
    status: 422,
    en: 'This form encrypts its submissions (base64RsaPublicKey): Liptako cannot serve encrypted forms yet. Remove the public key from the settings sheet and upload it again.',
    fr: 'Ce formulaire chiffre ses soumissions (base64RsaPublicKey) : Liptako ne sert pas encore de formulaires chiffrés. Retirez la clé publique de la feuille settings et téléversez-le à nouveau.',
  },
  'collection.form.versionConflict': {
    status: 409,
    en: 'The form “{formId}” already has a version “{version}” with other content. Give the new file another version (the version column of the settings sheet).',
    fr: 'Le formulaire « {formId} » a déjà une version « {version} » au contenu différent. Donnez une autre version au nouveau fichier (colonne version de la feuille settings).',
  },
  'collection.form.versionNotFound': {
    status: 404,
    en: 'The form “{formId}” has no version {versionId}.',
    fr: 'Le formulaire « {formId} » n’a pas de version {versionId}.',
  },
  'collection.form.notPublished': {
    status: 404,
    en: 'The form “{formId}” has no published version yet.',
    fr: 'Le formulaire « {formId} » n’a pas encore de version publiée.',
  },
  'collection.form.closed': {
    status: 409,
    en: 'The form “{formId}” is closed: it accepts no more submissions.',
    fr: 'Le formulaire « {formId} » est fermé : il n’accepte plus de soumissions.',
  },
  'collection.appUser.notFound': {
    status: 404,
    en: 'This project has no app user {id}.',
    fr: 'Ce projet n’a pas d’utilisateur d’application {id}.',
  },
  'collection.submission.invalid': {
    status: 400,
    en: 'This submission could not be read ({reason}{where}). Nothing was stored; send it again from the phone.',
    fr: 'Cette soumission n’a pas pu être lue ({reason}{where}). Rien n’a été enregistré ; renvoyez-la depuis le téléphone.',
  },
  'collection.submission.noXml': {
    status: 400,
    en: 'A submission must contain the form data as the part xml_submission_file.',
    fr: 'Une soumission doit contenir les données du formulaire dans la partie xml_submission_file.',
  },
  'collection.submission.versionUnknown': {
    status: 409,
    en: 'The form “{formId}” has no version “{version}”: the phone holds a form this server does not know. Update the form on the phone (Get blank form), then send again.',
    fr: 'Le formulaire « {formId} » n’a pas de version « {version} » : le téléphone a un formulaire que ce serveur ne connaît pas. Mettez à jour le formulaire sur le téléphone (Télécharger formulaire vierge), puis renvoyez.',
  },
  'collection.submission.conflict': {
    status: 409,
    en: 'A different submission with the instanceID {instanceId} was already received. Nothing was stored.',
    fr: 'Une autre soumission avec l’instanceID {instanceId} a déjà été reçue. Rien n’a été enregistré.',
  },
  'collection.submission.deprecatedUnknown': {
    status: 409,
    en: 'This edit replaces the submission {deprecatedId}, which this server never received.',
    fr: 'Cette modification remplace la soumission {deprecatedId}, que ce serveur n’a jamais reçue.',
  },
  'collection.submission.tooLarge': {
    status: 413,
    en: 'This submission is larger than {limit}: send it in batches of at most {batch} (ODK Collect does so by itself).',
    fr: 'Cette soumission dépasse {limit} : envoyez-la par lots d’au plus {batch} (ODK Collect le fait de lui-même).',
  },
  'collection.submission.notFound': {
    status: 404,
    en: 'No submission {id} in this form.',
    fr: 'Aucune soumission {id} dans ce formulaire.',
  },
  'collection.review.invalid': {
    status: 400,
    en: 'A review sets one of the states has-issues, edited, approved or rejected, for 1 to {max} submissions.',
    fr: 'Une revue fixe l’un des états has-issues, edited, approved ou rejected, pour 1 à {max} soumissions.',
  },
  'collection.odata.unsupported': {
    status: 400,
    en: 'The OData feed does not support {what}. It supports $top, $skip, $count, $select, $skiptoken and $filter on __system/submissionDate (eq, gt, ge, lt, le with a date or date-time) and __system/reviewState eq \'…\', joined by and.',
    fr: 'Le flux OData ne prend pas en charge {what}. Il prend en charge $top, $skip, $count, $select, $skiptoken et $filter sur __system/submissionDate (eq, gt, ge, lt, le avec une date ou une date-heure) et __system/reviewState eq \'…\', reliés par and.',
  },
  'collection.odata.tableUnknown': {
    status: 404,
    en: 'The form “{formId}” has no table “{table}” in its OData feed; $metadata lists them.',
    fr: 'Le formulaire « {formId} » n’a pas de table « {table} » dans son flux OData ; $metadata les liste.',
  },
} satisfies Record<string, CatalogueEntry>;

type CollectionMessages = typeof collectionMessages;
declare module '../core/errors.js' {
  interface ErrorCatalogue extends CollectionMessages {}
}
