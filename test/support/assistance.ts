/** Assistance registry fixtures: the 4W seed (gazetteer, TPN/ACF/NRC), a partner account of ACF, households to register. */
import type { InjectOptions } from 'fastify';
import { expect } from 'vitest';
import { systemActor } from '../../src/access/audit.js';
import * as access from '../../src/access/service.js';
import type { Queryable } from '../../src/core/db.js';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import { call } from './http.js';
import { seedResponse, type ResponseSeed } from './response.js';

export interface AssistanceSeed extends ResponseSeed {
  /** A partner-reporter of ACF (the persona `partner` is of TPN). */
  acfPartner: LiptakoApp;
}

function withToken(app: LiptakoApp, token: string): LiptakoApp {
  return new Proxy(app, {
    get(target, property, receiver) {
      if (property !== 'inject') return Reflect.get(target, property, receiver) as unknown;
      return (options: InjectOptions) => target.inject({ ...options, headers: { authorization: `Bearer ${token}`, ...(options.headers ?? {}) } });
    },
  });
}

export async function seedAssistance(app: LiptakoApp, db: Queryable): Promise<AssistanceSeed> {
  const seed = await seedResponse(app, db);
  const user = await access.createUser(db, systemActor('test'), {
    email: 'partner.acf@test.liptako.org',
    name: 'ACF partner',
    password: 'correct horse battery staple 2021',
    organisationId: seed.acf,
    assignments: [{ role: 'partner-reporter', scope: { kind: 'organisation', value: String(seed.acf) } }],
  });
  const { secret } = await access.issueToken(
    db,
    { kind: 'user', userId: user.id, email: user.email, name: user.name, language: 'en', organisationId: user.organisationId, assignments: [], via: 'system' },
    { name: 'tests', expiresInDays: 1 },
  );
  return { ...seed, acfPartner: withToken(app, secret) };
}

export interface PersonSpec {
  givenNames: string;
  familyName: string;
  sex: 'f' | 'm';
  birthYear?: number;
  birthDate?: string;
  relation: 'head' | 'spouse' | 'child';
  phone?: string;
}

export function householdBody(organisationId: number, members: readonly PersonSpec[], over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    organisationId,
    location: { pcode: 'ML0501', site: 'SITE-01' },
    displacementStatus: 'idp',
    vulnerabilities: ['female-headed'],
    members,
    consent: { givenBy: 'head of household', givenAt: '2021-03-10', purposes: ['registration', 'assistance'] },
    ...over,
  };
}

/** The family of the issue: Mahamadou Ousmane Maïga as one partner writes it, or as another does. */
export const MAIGA_FIRST: readonly PersonSpec[] = [
  { givenNames: 'Mahamadou Ousmane', familyName: 'Maïga', sex: 'm', birthYear: 1978, relation: 'head', phone: '+223 76 12 34 56' },
  { givenNames: 'Aïssata', familyName: 'Touré', sex: 'f', birthYear: 1985, relation: 'spouse' },
];
export const MAIGA_SECOND: readonly PersonSpec[] = [
  { givenNames: 'Mohamed Usman', familyName: 'Maiga', sex: 'm', birthYear: 1979, relation: 'head', phone: '76123456' },
  { givenNames: 'Aisseta', familyName: 'Toure', sex: 'f', birthYear: 1985, relation: 'spouse' },
];

/** A distribution of one NFI kit per household in Bandiagara in April 2021 (the list is built from the organisation's households there). */
export const distributionBody = (organisationId: number, over: Record<string, unknown> = {}): Record<string, unknown> => ({
  organisationId,
  type: 'nfi-kit',
  quantity: 1,
  location: { pcode: 'ML0501' },
  startsOn: '2021-04-01',
  endsOn: '2021-04-30',
  label: 'Kits AME',
  ...over,
});

export async function register(app: LiptakoApp, organisationId: number, members: readonly PersonSpec[], over: Record<string, unknown> = {}): Promise<number> {
  const reply = await call<{ household: { id: number } }>(app, 'POST', '/api/assistance/households', householdBody(organisationId, members, over));
  expect(reply.statusCode, reply.text).toBe(201);
  return reply.body.household.id;
}

export async function count(db: Queryable, table: 'assistance_household' | 'assistance_member' | 'assistance_consent' | 'assistance_duplicate' | 'assistance_merge', where = 'true'): Promise<number> {
  const [row] = await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${table} WHERE ${where}`);
  return row!.count;
}
