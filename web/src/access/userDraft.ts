/**
 * The user form's draft (create or change a user) and its checks: pure functions, unit-tested.
 * The server decides; these catch the obvious mistakes before a round trip.
 */
import type { Language } from '../../../src/shared/format.js';
import { MIN_PASSWORD_LENGTH, type AssignmentInput, type ScopeKind, type UserView } from './types.js';

export interface AssignmentDraft {
  role: string;
  kind: ScopeKind;
  /** Country code (kind country) or organisation id (kind organisation); '' otherwise. */
  value: string;
}

export interface UserDraft {
  email: string;
  name: string;
  language: Language;
  /** '' for none. */
  organisationId: string;
  /** Create: the first password. Change: a new one, or '' to keep it. */
  password: string;
  disabled: boolean;
  assignments: AssignmentDraft[];
}

export type UserField = 'email' | 'name' | 'password' | 'assignments';

/** Message keys under admin.users.form.errors. */
export type UserDraftError = 'emailInvalid' | 'nameRequired' | 'passwordRequired' | 'passwordTooShort' | 'roleRequired' | 'countryInvalid' | 'organisationRequired';

export type UserDraftErrors = Partial<Record<UserField, UserDraftError>>;

export const EMPTY_ASSIGNMENT: AssignmentDraft = { role: '', kind: 'response', value: '' };

export function newUserDraft(): UserDraft {
  return { email: '', name: '', language: 'fr', organisationId: '', password: '', disabled: false, assignments: [{ ...EMPTY_ASSIGNMENT }] };
}

export function draftFromUser(user: UserView): UserDraft {
  return {
    email: user.email,
    name: user.name,
    language: user.language,
    organisationId: user.organisationId === null ? '' : String(user.organisationId),
    password: '',
    disabled: user.disabled,
    assignments: user.assignments.map((assignment) => ({ role: assignment.role, kind: assignment.scope.kind, value: assignment.scope.value ?? '' })),
  };
}

const EMAIL = /^[^@\s]{1,64}@[^@\s]{1,255}$/;
const COUNTRY = /^[A-Z]{2}$/;

function checkAssignment(assignment: AssignmentDraft): UserDraftError | null {
  if (assignment.role === '') return 'roleRequired';
  if (assignment.kind === 'country' && !COUNTRY.test(assignment.value.trim().toUpperCase())) return 'countryInvalid';
  if (assignment.kind === 'organisation' && !/^\d+$/.test(assignment.value)) return 'organisationRequired';
  return null;
}

/** What is wrong with the draft, per field; empty when it can be sent. */
export function checkUserDraft(draft: UserDraft, creating: boolean): UserDraftErrors {
  const errors: UserDraftErrors = {};
  if (creating && !EMAIL.test(draft.email.trim())) errors.email = 'emailInvalid';
  if (draft.name.trim() === '') errors.name = 'nameRequired';
  if (creating && draft.password === '') errors.password = 'passwordRequired';
  else if (draft.password !== '' && draft.password.length < MIN_PASSWORD_LENGTH) errors.password = 'passwordTooShort';
  for (const assignment of draft.assignments) {
    const problem = checkAssignment(assignment);
    if (problem) {
      errors.assignments = problem;
      break;
    }
  }
  return errors;
}

/** The assignments as the API takes them (duplicates dropped). */
export function assignmentsFromDrafts(drafts: readonly AssignmentDraft[]): AssignmentInput[] {
  const seen = new Set<string>();
  const result: AssignmentInput[] = [];
  for (const draft of drafts) {
    const value = draft.kind === 'response' ? null : draft.kind === 'country' ? draft.value.trim().toUpperCase() : draft.value;
    const key = `${draft.role}|${draft.kind}|${value ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push({ role: draft.role, scope: value === null ? { kind: draft.kind } : { kind: draft.kind, value } });
  }
  return result;
}

const assignmentKey = (assignment: AssignmentInput): string => `${assignment.role}|${assignment.scope.kind}|${assignment.scope.value ?? ''}`;

/** Whether the edited assignments differ from the user's (order does not matter). */
export function assignmentsChanged(current: UserView['assignments'], next: readonly AssignmentInput[]): boolean {
  const before = current.map(assignmentKey).sort();
  const after = next.map(assignmentKey).sort();
  return before.length !== after.length || before.some((key, index) => key !== after[index]);
}

/** The form field a server refusal is about (null: the form as a whole). */
export function userFieldOfError(code: string | null): UserField | null {
  if (code === null) return null;
  if (code === 'auth.user.exists' || code.startsWith('auth.email.')) return 'email';
  if (code.startsWith('auth.password.')) return 'password';
  if (code === 'auth.role.unknown' || code === 'auth.scope.invalid') return 'assignments';
  return null;
}
