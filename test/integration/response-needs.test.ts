/**
 * People in need from an HNO file (HPC format): stored as given, the inter-sector figure the
 * HNO's own and never a sum of sectors; the real Mali 2024 file; and files that must be refused
 * whole.
 */
import { existsSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeEachDatabase, type TestContext } from '../support/harness.js';
import { call, send, type Reply } from '../support/http.js';
import { seedMali } from '../support/dtm.js';
import { createReport, seedResponse, total } from '../support/response.js';

const REAL = '../shared/data/hno/hno_mli_2024_pin.csv';

const HEADER = [
  'Admin 1 PCode,Admin 2 PCode,Sector,Gender,Age Range,Min Age,Max Age,Disabled,Population Group,Population,In Need,Targeted,Affected,Reached',
  '#adm1+code,#adm2+code,#sector+code,#gender+code,#age+range,#age+min,#age+max,#is_disabled,#population_group+code,#population,#inneed,#targeted,#affected,#reached',
];

/** A small HNO as OCHA writes them: national, admin1 and admin2 rows; sexes and ages; a sector as PRO_GBV. */
const SMALL = [
  ...HEADER,
  ',,ALL,a,ALL,,,a,ALL,1000000,400000,250000,,',
  ',,WSH,a,ALL,,,a,ALL,,300000,,,',
  ',,FSC,a,ALL,,,a,ALL,,250000,,,',
  ',,PRO_GBV,a,ALL,,,a,ALL,,90000,,,',
  ',,ALL,f,0-17,0,17,a,ALL,260000,104000,,,',
  'ML05,,ALL,a,ALL,,,a,ALL,300000,150000,,,',
  'ML05,ML0501,ALL,a,ALL,,,a,ALL,80000,45000,,,',
  'ML05,ML0501,WSH,a,ALL,,,a,IDP,,12000,,,',
  'ML05,ML0501,WSH,a,ALL,,,a,ALL,,30000,,,',
  'ML05,ML0599,FSC,a,ALL,,,a,ALL,,5000,,,',
].join('\r\n');

interface ImportAnswer {
  imported: boolean;
  rows: number;
  byLevel: { national: number; admin1: number; admin2: number };
  sectors: string[];
  unknownPlaces: Array<{ row: number; pcode: string }>;
  nationalInterSector: number | null;
}
interface NeedsAnswer {
  level: number;
  interSector: { inNeed: number | null; population: number | null } | null;
  sectors: Array<{ sector: string; name: string; inNeed: number | null }>;
  years: number[];
}

const importHno = (context: TestContext, csv: string | Buffer, query = 'country=ML&year=2024', language = 'en'): Promise<Reply<ImportAnswer & { error?: { code: string; message: string; details?: { problems: Array<{ row: number; rule: string }> } } }>> =>
  send(context.app, 'POST', `/api/response/needs?${query}&fileName=hno.csv`, { payload: Buffer.from(csv), headers: { 'content-type': 'text/csv', 'accept-language': language } });

const needRows = async (context: TestContext): Promise<number> => {
  const [row] = await context.db.query<{ n: number }>('SELECT count(*)::int AS n FROM response_need');
  return row!.n;
};

describeEachDatabase('response: people in need (HNO)', (context) => {
  it('stores an HNO as given and answers the HNO’s own inter-sector figure, not a sum of sectors', async () => {
    await seedMali(context.app, context.db);
    const first = await importHno(context, SMALL);
    expect(first.statusCode, first.text).toBe(201);
    expect(first.body).toMatchObject({ imported: true, rows: 10, byLevel: { national: 5, admin1: 1, admin2: 4 }, nationalInterSector: 400000 });
    expect(first.body.sectors).toEqual(['ALL', 'FSC', 'PRO-GBV', 'WSH']);
    // A P-code the geography does not know is kept as given and said.
    expect(first.body.unknownPlaces).toEqual([{ row: 12, pcode: 'ML0599' }]);

    const national = await call<NeedsAnswer>(context.as('viewer'), 'GET', '/api/response/needs?country=ML&year=2024');
    expect(national.statusCode, national.text).toBe(200);
    expect(national.body.interSector).toEqual({ inNeed: 400000, population: 1000000, targeted: 250000 });
    const sum = national.body.sectors.reduce((total, sector) => total + (sector.inNeed ?? 0), 0);
    expect(sum).toBe(640000);
    expect(national.body.interSector!.inNeed).not.toBe(sum);
    expect(national.body.sectors.find((sector) => sector.sector === 'PRO-GBV')).toMatchObject({ inNeed: 90000, name: 'Gender Based Violence' });
    expect(national.body.years).toEqual([2024]);

    // An admin2: the whole population's figure per sector (the IDP-only row is a part, not added).
    const bandiagara = await call<NeedsAnswer>(context.app, 'GET', '/api/response/needs?country=ML&year=2024&admin2=ML0501', undefined, { 'accept-language': 'fr' });
    expect(bandiagara.body.level).toBe(2);
    expect(bandiagara.body.interSector?.inNeed).toBe(45000);
    expect(bandiagara.body.sectors).toEqual([{ sector: 'WSH', name: 'Eau, hygiène et assainissement', inNeed: 30000, targeted: null }]);

    // The same file again changes nothing; a corrected file replaces the year's figures.
    const again = await importHno(context, SMALL);
    expect(again.statusCode).toBe(200);
    expect(again.body.imported).toBe(false);
    expect(await needRows(context)).toBe(10);
    const corrected = await importHno(context, SMALL.replace(',,ALL,a,ALL,,,a,ALL,1000000,400000', ',,ALL,a,ALL,,,a,ALL,1000000,410000'));
    expect(corrected.statusCode).toBe(201);
    expect(await needRows(context)).toBe(10);
    const after = await call<NeedsAnswer>(context.app, 'GET', '/api/response/needs?country=ML&year=2024');
    expect(after.body.interSector?.inNeed).toBe(410000);
  });

  it('measures people reached against the sector PiN and lists admin2 × sector gaps of need on the dashboard', async () => {
    const seed = await seedResponse(context.app, context.db);
    expect((await importHno(context, SMALL)).statusCode).toBe(201);
    // ACF reaches 6,000 people with latrines (WASH) in Bandiagara, March 2024; no one works there in food security.
    const report = await createReport(context.app, seed.acf, { month: '2024-03', figures: [total('targeted', 8000), total('reached', 6000)] });
    expect(report.statusCode, report.text).toBe(201);
    for (const decision of ['submitted', 'approved']) {
      const decided = await call(context.app, 'POST', decision === 'submitted' ? '/api/response/reports/submit' : '/api/response/reports/decisions', decision === 'submitted' ? { ids: [report.body.report.id] } : { ids: [report.body.report.id], decision: 'approved' });
      expect(decided.statusCode, decided.text).toBe(200);
    }
    const board = await call<{ reached: Array<{ sector: string; admin2: string; reached: number; pin: number | null; pinCoverage: number | null }>; pinGaps: Array<{ admin2: string; sector: string; pin: number }>; pinYear: number }>(
      context.app,
      'GET',
      '/api/response/dashboard?country=ML&month=2024-03',
    );
    expect(board.statusCode, board.text).toBe(200);
    expect(board.body.pinYear).toBe(2024);
    expect(board.body.reached).toContainEqual(expect.objectContaining({ sector: 'WSH', admin2: 'ML0501', reached: 6000, pin: 30000, pinCoverage: 20 }));
    // WASH in Bandiagara has a partner: not a gap; food security in the (unknown) ML0599 has 5,000 in need and none.
    expect(board.body.pinGaps).toEqual([{ admin2: 'ML0599', sector: 'FSC', pin: 5000 }]);
    // A higher threshold leaves none.
    const strict = await call<{ pinGaps: unknown[] }>(context.app, 'GET', '/api/response/dashboard?country=ML&month=2024-03&threshold=10000');
    expect(strict.body.pinGaps).toEqual([]);
  });

  it('refuses whole a file with an unknown sector, a sex, a number or another country’s P-code, or no people-in-need column', async () => {
    await seedMali(context.app, context.db);
    const cases: Array<[string, string, string]> = [
      ['unknown sector', SMALL.replace(',,FSC,a,', ',,CAMPS,a,'), 'sectorUnknown'],
      ['unknown sex', SMALL.replace(',,WSH,a,ALL', ',,WSH,x,ALL'), 'sexUnknown'],
      ['negative', SMALL.replace(',,WSH,a,ALL,,,a,ALL,,300000', ',,WSH,a,ALL,,,a,ALL,,-300000'), 'numberInvalid'],
      ['text for a number', SMALL.replace(',,WSH,a,ALL,,,a,ALL,,300000', ',,WSH,a,ALL,,,a,ALL,,trois cent mille'), 'numberInvalid'],
      ['huge', SMALL.replace(',,WSH,a,ALL,,,a,ALL,,300000', ',,WSH,a,ALL,,,a,ALL,,1e300'), 'numberInvalid'],
      ['another country', SMALL.replace('ML05,,ALL', 'BF46,,ALL'), 'countryOther'],
      ['injection', SMALL.replace(',,FSC,a,', ",,FSC'; DROP TABLE response_need; --,a,"), 'sectorUnknown'],
    ];
    for (const [label, csv, rule] of cases) {
      const refused = await importHno(context, csv, 'country=ML&year=2024', 'fr');
      expect(refused.statusCode, label).toBe(422);
      expect(refused.body.error?.code, label).toBe('response.needs.invalid');
      expect(refused.body.error?.message, label).toContain('Rien n’a été importé');
      expect(refused.body.error?.details?.problems.map((problem) => problem.rule), label).toContain(rule);
      expect(await needRows(context), label).toBe(0);
    }
    const noNeed = await importHno(context, 'Admin 1 PCode,Sector,Population\nML05,WSH,100\n');
    expect(noNeed.statusCode).toBe(422);
    expect(noNeed.body.error?.code).toBe('response.needs.columns');
    const empty = await importHno(context, '');
    expect(empty.statusCode).toBe(422);
    const badYear = await importHno(context, SMALL, 'country=ML&year=1850');
    expect(badYear.statusCode).toBe(400);
    // A Mali officer imports for Mali only.
    const otherCountry = await send(context.as('imOfficerMali'), 'POST', '/api/response/needs?country=BF&year=2024&fileName=hno.csv', { payload: Buffer.from(SMALL.replace(/ML/g, 'BF')), headers: { 'content-type': 'text/csv' } });
    expect(otherCountry.statusCode).toBe(403);
    expect(await needRows(context)).toBe(0);
  });

  it.runIf(existsSync(REAL))('imports the real Mali HNO 2024: the national inter-sector PiN is the HNO’s 7,107,194, not the 25.4 million sum of sectors', async () => {
    await seedMali(context.app, context.db);
    const bytes = readFileSync(REAL);
    const imported = await importHno(context, bytes);
    expect(imported.statusCode, imported.text).toBe(201);
    // 1,323 data rows: 40 national, 58 admin1, 1,225 admin2; one admin1 code is a typo in the file (ML011).
    expect(imported.body).toMatchObject({ rows: 1323, byLevel: { national: 40, admin1: 58, admin2: 1225 }, nationalInterSector: 7107194 });
    expect(imported.body.unknownPlaces.map((place) => place.pcode)).toContain('ML011');
    const national = await call<NeedsAnswer>(context.app, 'GET', '/api/response/needs?country=ML&year=2024');
    expect(national.body.interSector?.inNeed).toBe(7107194);
    const sum = national.body.sectors.reduce((total, sector) => total + (sector.inNeed ?? 0), 0);
    expect(sum).toBe(25428019);
    expect(national.body.sectors.map((sector) => sector.sector)).toEqual(expect.arrayContaining(['EDU', 'FSC', 'HEA', 'NUT', 'PRO', 'PRO-CPN', 'PRO-GBV', 'PRO-HLP', 'PRO-MIN', 'SHL', 'WSH']));
  });
  it.skipIf(existsSync(REAL))(`the real Mali HNO 2024: skipped, ${REAL} is absent`, () => undefined);
});
