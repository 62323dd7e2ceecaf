/**
 * Verbs: what a role allows. Every route declares the verb it needs (`config.verb`); roles are
 * lists of verbs stored in the database (migrations/0004_access_audit.sql).
 */
import { VERBS, type ScopeKind, type Verb } from '../shared/access.js';

// The list lives in the shared layer: the web app names each verb and a test checks it names them all.
export { VERBS, type Verb };

export const isVerb = (value: string): value is Verb => (VERBS as readonly string[]).includes(value);

export type { ScopeKind } from '../shared/access.js';

export interface Assignment {
  role: string;
  verbs: readonly string[];
  scope: { kind: ScopeKind; value: string | null };
}

/**
 * The parts of Liptako that act as the system itself, named in the audit log as `system:<name>`:
 * the command line, the demo loader, the benchmarks, and the test suite's fixtures.
 */
export type SystemName = 'cli' | 'demo' | 'bench' | 'test';

/**
 * Who is calling. Anonymous callers get the verbs of the `public` role. `system` is the command
 * line, the demo loader or a benchmark: whoever runs them on the server already holds the
 * database, so it may do everything, and is recorded under its own name, not as a user.
 */
export type Principal =
  | { kind: 'anonymous'; verbs: readonly string[] }
  /**
   * A phone configured with a collection project's app-user token (in the URL, no password):
   * it may only list, download and submit to the forms it is assigned (collection module).
   */
  | { kind: 'app-user'; appUserId: number; projectId: number; name: string; verbs: readonly string[] }
  | { kind: 'system'; name: SystemName }
  | {
      kind: 'user';
      userId: number;
      email: string;
      name: string;
      language: 'fr' | 'en';
      organisationId: number | null;
      assignments: readonly Assignment[];
      /** `password`: HTTP Basic credentials on a route that accepts them (OpenRosa clients). */
      via: 'session' | 'token' | 'system' | 'password';
      sessionId?: number;
      csrfToken?: string;
      tokenId?: number;
      /** A token may narrow its owner's verbs; empty means no narrowing. */
      tokenVerbs?: readonly string[];
    };

/** What a permission is asked about: where it is, who owns it. Nothing means "anywhere". */
export interface ScopedObject {
  countries?: readonly string[];
  organisationId?: number | null;
}

/**
 * The one authorisation question: may this principal do `verb` on `object`? Route guards ask
 * without an object ("anywhere in your scope?"); services ask with one.
 */
export function can(principal: Principal, verb: Verb, object?: ScopedObject): boolean {
  if (principal.kind === 'anonymous') return principal.verbs.includes(verb);
  // Which project and forms an app user reaches is the collection service's question.
  if (principal.kind === 'app-user') return principal.verbs.includes(verb) && object?.countries === undefined && object?.organisationId === undefined;
  if (principal.kind === 'system') return true;
  if (principal.tokenVerbs && principal.tokenVerbs.length > 0 && !principal.tokenVerbs.includes(verb)) return false;
  return principal.assignments.some((assignment) => {
    if (!assignment.verbs.includes(verb)) return false;
    const { kind, value } = assignment.scope;
    if (kind === 'response' || object === undefined) return true;
    if (kind === 'country') return object.countries === undefined || (value !== null && object.countries.includes(value));
    // An organisation scope covers that organisation's objects, not a country's.
    if (object.organisationId === undefined) return object.countries === undefined;
    return object.organisationId !== null && String(object.organisationId) === value;
  });
}

/** What a module's path-token resolver may name (core/module.ts): an app user, nothing more powerful. */
export function isPathTokenHolder(value: { readonly kind: string } | null): value is Extract<Principal, { kind: 'app-user' }> {
  if (value === null || value.kind !== 'app-user') return false;
  const holder = value as Partial<Extract<Principal, { kind: 'app-user' }>>;
  return typeof holder.appUserId === 'number' && typeof holder.projectId === 'number' && typeof holder.name === 'string' && Array.isArray(holder.verbs);
}

/**
 * Countries where the principal holds one of the verbs through a country or response-wide
 * assignment, or null for everywhere (organisation scopes name no country).
 */
export function countriesWith(principal: Principal, verbs: readonly string[]): string[] | null {
  if (principal.kind === 'system') return null;
  if (principal.kind === 'anonymous' || principal.kind === 'app-user') return [];
  const assignments = principal.assignments.filter((assignment) => verbs.some((verb) => assignment.verbs.includes(verb)));
  if (assignments.some((assignment) => assignment.scope.kind === 'response')) return null;
  return assignments.filter((assignment) => assignment.scope.kind === 'country').map((assignment) => assignment.scope.value!);
}

/** Every verb the principal has somewhere (for the web app to show what it may do). */
export function verbsOf(principal: Principal): string[] {
  if (principal.kind === 'anonymous' || principal.kind === 'app-user') return [...principal.verbs].sort();
  if (principal.kind === 'system') return [...VERBS].sort();
  const all = new Set(principal.assignments.flatMap((assignment) => assignment.verbs));
  const narrowed = principal.tokenVerbs && principal.tokenVerbs.length > 0 ? [...all].filter((verb) => principal.tokenVerbs!.includes(verb)) : [...all];
  return narrowed.sort();
}

export function actorOf(principal: Principal): string {
  if (principal.kind === 'system') return `system:${principal.name}`;
  if (principal.kind === 'app-user') return `app-user:${principal.appUserId}`;
  return principal.kind === 'user' ? principal.email : 'anonymous';
}
