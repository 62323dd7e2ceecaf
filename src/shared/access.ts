/** The access module's code lists and the one password rule, shared by the server and the web app. */

/** Where a role applies: the whole response, one country, or one organisation. */
export const SCOPE_KINDS = ['response', 'country', 'organisation'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

/** The password policy's length rule; the browser checks it early, the server checks it and the rest. */
export const MIN_PASSWORD_LENGTH = 12;

/** Verbs: what a role allows (src/access/verbs.ts says how they are checked). */
export const VERBS = [
  'system.read',
  'geo.read',
  'geo.import',
  'plan.read',
  'plan.edit',
  'plan.import',
  'contribution.record',
  'dtm.read',
  'dtm.import',
  'dtm.review',
  'dtm.publish',
  'response.read',
  'response.report',
  'response.review',
  'response.manage',
  'response.unlock',
  'collection.read',
  'collection.manage',
  'collection.review',
  'collection.submit',
  'assistance.read',
  'assistance.personal',
  'assistance.manage',
  'export.download',
  'hapi.read',
  'user.manage',
  'audit.read',
  'account.manage',
] as const;
export type Verb = (typeof VERBS)[number];
