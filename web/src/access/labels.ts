/** Names of roles, scopes, permissions (verbs) and audit actions in the interface language. */
import type { TFunction } from 'i18next';
import type { Language } from '../../../src/shared/format.js';
import type { Formatters } from '../useFormat.js';
import type { OrganisationRow, RoleView, ScopeKind } from './types.js';

export function roleLabel(t: TFunction, code: string, language: Language, roles?: readonly RoleView[]): string {
  const role = roles?.find((candidate) => candidate.code === code);
  if (role) return role.name[language];
  return t(`access.roles.${code}`, { defaultValue: code });
}

export function organisationLabel(organisation: OrganisationRow): string {
  return organisation.acronym ? `${organisation.name} (${organisation.acronym})` : organisation.name;
}

export function scopeLabel(
  t: TFunction,
  format: Formatters,
  scope: { kind: ScopeKind; value: string | null },
  organisations?: readonly OrganisationRow[],
): string {
  if (scope.kind === 'response') return t('access.scopes.response');
  if (scope.kind === 'country') return t('access.scopes.countryValue', { country: scope.value ? format.country(scope.value) : '?' });
  const organisation = organisations?.find((candidate) => String(candidate.id) === scope.value);
  return t('access.scopes.organisationValue', { organisation: organisation ? organisationLabel(organisation) : `#${scope.value ?? '?'}` });
}

/** "Administrator — whole response" */
export function assignmentLabel(
  t: TFunction,
  format: Formatters,
  assignment: { role: string; scope: { kind: ScopeKind; value: string | null } },
  roles?: readonly RoleView[],
  organisations?: readonly OrganisationRow[],
): string {
  return `${roleLabel(t, assignment.role, format.language, roles)} — ${scopeLabel(t, format, assignment.scope, organisations)}`;
}

export function verbLabel(t: TFunction, verb: string): string {
  return t(`access.verbs.${verb}`, { defaultValue: verb });
}
