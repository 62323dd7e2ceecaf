/**
 * Verbs: what a role allows. Every route declares the verb it needs (`config.verb`); roles are
 * lists of verbs stored in the database (migrations/0004_access_audit.sql).
 */
import type { ScopeKind } from '../shared/access.js';

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
  'export.download',
  'hapi.read',
  'user.manage',
  'audit.read',
  'account.manage',
] as const;

export type Verb = (typeof VERBS)[number];

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
  | { kind: 'system'; name: SystemName }
  | {
      kind: 'user';
      userId: number;
      email: string;
      name: string;
      language: 'fr' | 'en';
      organisationId: number | null;
      assignments: readonly Assignment[];
      via: 'session' | 'token' | 'system';
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

/** Every verb the principal has somewhere (for the web app to show what it may do). */
export function verbsOf(principal: Principal): string[] {
  if (principal.kind === 'anonymous') return [...principal.verbs].sort();
  if (principal.kind === 'system') return [...VERBS].sort();
  const all = new Set(principal.assignments.flatMap((assignment) => assignment.verbs));
  const narrowed = principal.tokenVerbs && principal.tokenVerbs.length > 0 ? [...all].filter((verb) => principal.tokenVerbs!.includes(verb)) : [...all];
  return narrowed.sort();
}

export function actorOf(principal: Principal): string {
  if (principal.kind === 'system') return `system:${principal.name}`;
  return principal.kind === 'user' ? principal.email : 'anonymous';
}
