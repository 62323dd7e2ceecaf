/** The access module's code lists and the one password rule, shared by the server and the web app. */

/** Where a role applies: the whole response, one country, or one organisation. */
export const SCOPE_KINDS = ['response', 'country', 'organisation'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

/** The password policy's length rule; the browser checks it early, the server checks it and the rest. */
export const MIN_PASSWORD_LENGTH = 12;
