/**
 * The one error catalogue. Every error a user can meet has a stable code, an HTTP status and a
 * message in French and English. Core's own entries are here; each module's live beside it
 * (e.g. src/geo/messages.ts) and reach the catalogue in two ways, so that core imports no module:
 * - types: the module's messages file augments the `ErrorCatalogue` interface below
 *   (`declare module '../core/errors.js'`), so `ErrorCode` is the exact union of every code;
 * - run time: the composition root (src/modules.ts) registers each module's entries with
 *   `registerCatalogue` when it is loaded, before any request or command runs.
 */
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
  'request.incomplete': {
    status: 400,
    en: 'The request body did not arrive whole (the connection was cut); send it again.',
    fr: 'Le corps de la requête n’est pas arrivé en entier (la connexion a été coupée) ; envoyez-le à nouveau.',
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
  'db.busy': {
    status: 503,
    en: 'The database is busy with other work (an import, many requests at once); try again in {seconds} s.',
    fr: 'La base de données est occupée par d’autres travaux (un import, de nombreuses requêtes à la fois) ; réessayez dans {seconds} s.',
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

type CoreCatalogue = typeof coreMessages & typeof importMessages & typeof backupMessages;

/**
 * Every entry of the catalogue by code. Each module's messages file adds its own:
 * `declare module '../core/errors.js' { interface ErrorCatalogue extends ModuleMessages {} }`.
 * Two modules giving the same code different entries is then a type error.
 */
export interface ErrorCatalogue extends CoreCatalogue {}

export type ErrorCode = Extract<keyof ErrorCatalogue, string>;

const entries: Record<string, CatalogueEntry> = { ...coreMessages, ...importMessages, ...backupMessages };

/**
 * The catalogue as it stands: core's entries, plus every module's once the composition root
 * (src/modules.ts) is loaded. Typed as complete because every entry point loads that root first.
 */
export const catalogue = entries as unknown as Readonly<ErrorCatalogue>;

/** Adds a module's entries. A code already registered with another entry is a programming error. */
export function registerCatalogue(owner: string, messages: Readonly<Record<string, CatalogueEntry>>): void {
  for (const [code, entry] of Object.entries(messages)) {
    const existing = entries[code];
    if (existing !== undefined && existing !== entry) throw new Error(`Catalogue code ${code} of ${owner} is already registered with another entry.`);
    entries[code] = entry;
  }
}

function entryOf(code: ErrorCode): CatalogueEntry {
  const entry = entries[code];
  // Only a program that skipped the composition root gets here (e.g. a script importing a service alone).
  if (entry === undefined) throw new Error(`The error catalogue has no entry ${code}: load src/modules.ts before using a module.`);
  return entry;
}

export type ErrorParams = Record<string, string | number>;

/** Fills a template; unknown placeholders stay visible rather than vanish. */
export function formatMessage(code: ErrorCode, language: Language, params: ErrorParams = {}): string {
  const template = entryOf(code)[language];
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
    this.status = entryOf(code).status;
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

/** File-system error codes that mean a folder cannot be written to (read-only, permissions, full). */
export const UNWRITABLE_CODES: ReadonlySet<string> = new Set(['EROFS', 'EACCES', 'EPERM', 'ENOSPC', 'EDQUOT']);
