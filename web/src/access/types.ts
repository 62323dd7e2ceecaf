/**
 * Shapes of the access-control API. The server's own types are used where it has them
 * (type-only imports are erased by the build); only the envelopes are declared here.
 */
import type { OrganisationRow } from '../../../src/access/queries.js';
import type { TokenView, UserView } from '../../../src/access/service.js';
import type { ScopeKind } from '../../../src/shared/access.js';

export type { OrganisationRow, ScopeKind, TokenView, UserView };

export { MIN_PASSWORD_LENGTH, SCOPE_KINDS } from '../../../src/shared/access.js';

export interface UsersResponse {
  users: UserView[];
}

export interface UserResponse {
  user: UserView;
}

export interface RoleView {
  code: string;
  name: { en: string; fr: string };
  verbs: string[];
}

export interface RolesResponse {
  roles: RoleView[];
  verbs: string[];
}

export interface OrganisationsResponse {
  organisations: OrganisationRow[];
}

export interface TokensResponse {
  tokens: TokenView[];
}

export interface CreatedToken {
  token: TokenView;
  secret: string;
}

export interface AssignmentInput {
  role: string;
  scope: { kind: ScopeKind; value?: string | null };
}

export interface AuditEvent {
  id: number;
  occurredAt: string;
  actor: string;
  action: string;
  object_type: string | null;
  object_id: string | null;
  /** 'success' or 'failure'. */
  outcome: string;
  summary: unknown;
  request_id: string | null;
}

export interface AuditResponse {
  total: number;
  events: AuditEvent[];
}

/** The audit log's filters, as the address and the API spell them. */
export const AUDIT_FILTERS = ['actor', 'action', 'objectType', 'objectId', 'outcome', 'from', 'to'] as const;
export type AuditFilter = (typeof AUDIT_FILTERS)[number];
