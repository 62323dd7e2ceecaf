/** Response (4W) fixtures: the demo gazetteer, the persona partner's organisation and two more, WASH and shelter activities. */
import { expect } from 'vitest';
import type { Queryable } from '../../src/core/db.js';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import type { Figure } from '../../src/response/aggregate.js';
import type { ReportView } from '../../src/response/reports.js';
import { seedMali } from './dtm.js';
import { call, type Reply } from './http.js';

export interface ResponseSeed {
  /** The persona `partner`'s organisation (Test Partner NGO). */
  tpn: number;
  acf: number;
  nrc: number;
}

async function organisation(app: LiptakoApp, acronym: string, name: string, orgTypeCode: string): Promise<number> {
  const reply = await call<{ organisation: { id: number } }>(app, 'POST', '/api/response/organisations', { acronym, name, orgTypeCode });
  expect(reply.statusCode, reply.text).toBe(201);
  return reply.body.organisation.id;
}

export async function seedResponse(app: LiptakoApp, db: Queryable): Promise<ResponseSeed> {
  await seedMali(app, db);
  const tpn = await organisation(app, 'TPN', 'Test Partner NGO', '441');
  const acf = await organisation(app, 'ACF', 'Action contre la Faim', '437');
  const nrc = await organisation(app, 'NRC', 'Norwegian Refugee Council', '437');
  for (const activity of [
    { code: 'WSH-latrines', sector: 'EHA', nameEn: 'Emergency latrines', nameFr: 'Latrines d’urgence', unit: 'people' },
    { code: 'WSH-hygiene', sector: 'WSH', nameEn: 'Hygiene promotion', nameFr: 'Promotion de l’hygiène', unit: 'people' },
    { code: 'SHL-kits', sector: 'Abris/AME', nameEn: 'NFI kits', nameFr: 'Kits AME', unit: 'items' },
  ]) {
    const reply = await call(app, 'POST', '/api/response/activities', activity);
    expect(reply.statusCode, reply.text).toBe(201);
  }
  return { tpn, acf, nrc };
}

export const total = (measure: Figure['measure'], value: number): Figure => ({ measure, group: 'all', sex: 'all', age: 'all', value });

export function reportBody(organisationId: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    month: '2021-03',
    reportingOrganisationId: organisationId,
    sector: 'WSH',
    activity: 'WSH-latrines',
    location: { pcode: 'ML0501', providerAdmin2Name: 'Bandiagara ' },
    figures: [total('targeted', 600), total('reached', 300)],
    ...over,
  };
}

export async function createReport(app: LiptakoApp, organisationId: number, over: Record<string, unknown> = {}): Promise<Reply<{ report: ReportView }>> {
  return call<{ report: ReportView }>(app, 'POST', '/api/response/reports', reportBody(organisationId, over));
}

export async function reportCount(db: Queryable): Promise<number> {
  const [row] = await db.query<{ count: number }>('SELECT count(*)::int AS count FROM response_report');
  return row!.count;
}
