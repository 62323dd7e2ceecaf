/**
 * The one error catalogue. Every error a user can meet has a stable code, an HTTP status and a
 * message in French and English. Module-specific entries live beside their module
 * (e.g. src/geo/messages.ts) and are merged here so that one test can check them all.
 */
import { accessMessages } from '../access/messages.js';
import { displacementMessages } from '../displacement/messages.js';
import { geoMessages } from '../geo/messages.js';
import { fundingMessages } from '../plans/funding-messages.js';
import { planMessages } from '../plans/messages.js';
import { backupMessages } from './backup-messages.js';
import { importMessages } from './import-messages.js';

export type Language = 'fr' | 'en';

export interface CatalogueEntry {
  /** HTTP status when this error ends a request. */
  status: number;
  /** Message templates; `{name}` is replaced by the parameter of that name. */
  en: string;
  fr: string;
}

export const coreMessages = {
  'job.interrupted': {
    status: 500,
    en: 'This work was interrupted (the server stopped). Nothing of it was stored; run it again.',
    fr: 'Ce travail a été interrompu (le serveur s’est arrêté). Rien n’en a été enregistré ; relancez-le.',
  },
  'request.invalid': {
    status: 400,
    en: 'The request is not valid: {detail}',
    fr: 'La requête n’est pas valide : {detail}',
  },
  'request.notJson': {
    status: 400,
    en: 'The request body is not valid JSON.',
    fr: 'Le corps de la requête n’est pas du JSON valide.',
  },
  'request.tooLarge': {
    status: 413,
    en: 'The request is too large (limit {limit}).',
    fr: 'La requête est trop volumineuse (limite {limit}).',
  },
  'request.unsupportedMediaType': {
    status: 415,
    en: 'This content type is not accepted here: {contentType}.',
    fr: 'Ce type de contenu n’est pas accepté ici : {contentType}.',
  },
  'route.notFound': {
    status: 404,
    en: 'There is no such address: {method} {url}.',
    fr: 'Cette adresse n’existe pas : {method} {url}.',
  },
  'resource.notFound': {
    status: 404,
    en: '{what} not found: {id}.',
    fr: '{what} introuvable : {id}.',
  },
  'resource.exists': {
    status: 409,
    en: 'This record already exists.',
    fr: 'Cet enregistrement existe déjà.',
  },
  'resource.stale': {
    status: 409,
    en: 'Someone changed this record since you opened it; reload and try again.',
    fr: 'Quelqu’un a modifié cet enregistrement depuis que vous l’avez ouvert ; rechargez et réessayez.',
  },
  'reference.missing': {
    status: 422,
    en: 'A record this one refers to does not exist.',
    fr: 'Un enregistrement auquel celui-ci fait référence n’existe pas.',
  },
  'value.rejected': {
    status: 422,
    en: 'A value was refused by the database rules.',
    fr: 'Une valeur a été refusée par les règles de la base de données.',
  },
  'db.unavailable': {
    status: 503,
    en: 'The database is unavailable for the moment; try again shortly.',
    fr: 'La base de données est momentanément indisponible ; réessayez dans un instant.',
  },
  'db.locked': {
    status: 503,
    en: 'Another Liptako process (pid {pid}) is using the data folder {folder}. Stop it first, or do this work through it (web app or API).',
    fr: 'Un autre processus Liptako (pid {pid}) utilise le dossier de données {folder}. Arrêtez-le d’abord, ou faites ce travail à travers lui (application web ou API).',
  },
  'db.folderNotWritable': {
    status: 503,
    en: 'The data folder {folder} cannot be written to ({reason}). Make it writable (permissions, a read-only or full disk), then start Liptako again; the data in it was not touched.',
    fr: 'Le dossier de données {folder} n’est pas accessible en écriture ({reason}). Rendez-le inscriptible (droits, disque en lecture seule ou plein), puis relancez Liptako ; les données qu’il contient n’ont pas été touchées.',
  },
  'db.full': {
    status: 503,
    en: 'The disk of the database is full: what was asked could not be stored. Free some disk space, then try again.',
    fr: 'Le disque de la base de données est plein : ce qui était demandé n’a pas pu être enregistré. Libérez de l’espace disque, puis réessayez.',
  },
  'db.retry': {
    status: 503,
    en: 'The database was busy with a conflicting change; try again.',
    fr: 'La base de données traitait une modification concurrente ; réessayez.',
  },
  internal: {
    status: 500,
    en: 'Something went wrong on the server. The incident was logged (reference {reference}).',
    fr: 'Une erreur est survenue sur le serveur. L’incident a été journalisé (référence {reference}).',
  },
} satisfies Record<string, CatalogueEntry>;

export const catalogue = {
  ...coreMessages,
  ...importMessages,
  ...accessMessages,
  ...geoMessages,
  ...planMessages,
  ...fundingMessages,
  ...displacementMessages,
  ...backupMessages,
} satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof catalogue;

export type ErrorParams = Record<string, string | number>;

/** Fills a template; unknown placeholders stay visible rather than vanish. */
export function formatMessage(code: ErrorCode, language: Language, params: ErrorParams = {}): string {
  const template = catalogue[code][language];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** An error the user can understand: a catalogue code, its parameters and optional details. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly params: ErrorParams;
  readonly details: unknown;
  /** Seconds after which the caller may try again (sent as Retry-After with 429 and 503). */
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, params: ErrorParams = {}, options: { details?: unknown; cause?: unknown; retryAfter?: number } = {}) {
    super(formatMessage(code, 'en', params), { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = catalogue[code].status;
    this.params = params;
    this.details = options.details;
    this.retryAfter = options.retryAfter;
  }

  localisedMessage(language: Language): string {
    return formatMessage(this.code, language, this.params);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
