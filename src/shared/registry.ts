/** The registry file's fields, shared by the server's reader (src/assistance/registry-file.ts) and the web app's mapping step. */

/** What a registry file can give, one row per person. */
export const REGISTRY_FIELDS = [
  'household',
  'pcode',
  'site',
  'status',
  'givenNames',
  'familyName',
  'spokenName',
  'sex',
  'birthYear',
  'birthDate',
  'relation',
  'phone',
  'idDocument',
  'consentBy',
  'consentDate',
] as const;
export type RegistryField = (typeof REGISTRY_FIELDS)[number];

/** Without these a file cannot make a registration (consent included). */
export const REQUIRED_REGISTRY_FIELDS: readonly RegistryField[] = ['household', 'pcode', 'givenNames', 'familyName', 'sex', 'relation', 'consentBy'];
