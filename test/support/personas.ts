/**
 * The named people of permission tests. Made once per test run in the database templates
 * (test/support/database-template.ts), or per suite when a file runs without them.
 */
import { systemActor } from '../../src/access/audit.js';
import * as access from '../../src/access/service.js';
import type { AssignmentInput } from '../../src/access/service.js';
import type { Database } from '../../src/core/db.js';

export type Persona = 'admin' | 'imOfficerMali' | 'programmeManager' | 'enumeratorNiger' | 'partner' | 'viewer' | 'anonymous';

/** The named people of permission tests: each with a role, a scope and an API token. */
export const PERSONAS: Record<Exclude<Persona, 'anonymous'>, { email: string; role: string; scope: AssignmentInput['scope'] }> = {
  admin: { email: 'admin@test.liptako.org', role: 'administrator', scope: { kind: 'response' } },
  imOfficerMali: { email: 'im.mali@test.liptako.org', role: 'im-officer', scope: { kind: 'country', value: 'ML' } },
  programmeManager: { email: 'manager@test.liptako.org', role: 'programme-manager', scope: { kind: 'response' } },
  enumeratorNiger: { email: 'enum.niger@test.liptako.org', role: 'enumerator', scope: { kind: 'country', value: 'NE' } },
  partner: { email: 'partner@test.liptako.org', role: 'partner-reporter', scope: { kind: 'organisation', value: 'ORG' } },
  viewer: { email: 'viewer@test.liptako.org', role: 'viewer', scope: { kind: 'response' } },
};

export const TEST_PASSWORD = 'correct horse battery staple 2021';

/** Each persona's API token, by persona. */
export type PersonaTokens = Record<Exclude<Persona, 'anonymous'>, string>;

export async function createPersonas(db: Database): Promise<PersonaTokens> {
  const organisation = await access.createOrganisation(db, systemActor('test'), { name: 'Test Partner NGO', acronym: 'TPN' });
  const tokens = {} as PersonaTokens;
  for (const [persona, definition] of Object.entries(PERSONAS) as Array<[Exclude<Persona, 'anonymous'>, (typeof PERSONAS)[keyof typeof PERSONAS]]>) {
    const scope = definition.scope.kind === 'organisation' ? { kind: 'organisation' as const, value: String(organisation.id) } : definition.scope;
    const user = await access.createUser(db, systemActor('test'), {
      email: definition.email,
      name: persona,
      password: TEST_PASSWORD,
      organisationId: definition.scope.kind === 'organisation' ? organisation.id : null,
      assignments: [{ role: definition.role, scope }],
    });
    const { secret } = await access.issueToken(
      db,
      { kind: 'user', userId: user.id, email: user.email, name: user.name, language: 'fr', organisationId: user.organisationId, assignments: [], via: 'system' },
      { name: 'tests', expiresInDays: 1 },
    );
    tokens[persona] = secret;
  }
  return tokens;
}

