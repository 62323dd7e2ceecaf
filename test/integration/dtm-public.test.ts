/**
 * Published displacement outputs: the DTM API v3 compatible endpoints, HDX HAPI v2 IDPs, and the
 * native exports (CSV/XLSX with HXL, GeoJSON). Seeded with three published rounds of the Mali
 * operation (baseline R1, site R1 and R2) and one draft (site R3) that must never leak.
 */
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import type { LiptakoApp } from '../../src/core/http-kit.js';
import type { DtmRow } from '../../src/displacement/publishing.js';
import { describeEachDatabase } from '../support/harness.js';
import { csvOf, EN_HEADERS, importRound, MALI, seedMali, siteRow } from '../support/dtm.js';
import { importGeo, squaresGeoJson } from '../support/geo.js';
import { call } from '../support/http.js';

const DTM_FIELDS = [
  'id',
  'operation',
  'admin0Name',
  'admin0Pcode',
  'admin1Name',
  'admin1Pcode',
  'admin2Name',
  'admin2Pcode',
  'numPresentIdpInd',
  'reportingDate',
  'yearReportingDate',
  'monthReportingDate',
  'roundNumber',
  'displacementReason',
  'numberMales',
  'numberFemales',
  'idpOriginAdmin1Name',
  'idpOriginAdmin1Pcode',
  'assessmentType',
];
const HAPI_FIELDS = [
  'location_code',
  'admin1_code',
  'admin1_name',
  'admin2_code',
  'admin2_name',
  'admin_level',
  'operation',
  'assessment_type',
  'reporting_round',
  'population',
  'reference_period_start',
  'reference_period_end',
];

interface Envelope<Row = DtmRow> {
  result: Row[];
  statusCode: number;
  isSuccess: boolean;
  errorMessages: string[];
  totalRecordsCount: number;
}
type HapiRow = Record<(typeof HAPI_FIELDS)[number], string | number | null>;

const noOrigin = { 'Origin Admin1 Pcode': null };
const bandiagara = (n: number, individuals: number, date: string) => siteRow(`ML0501-000${n}`, 'ML0501', individuals, { 'Assessment date': date });

interface Seeded {
  r1ba: number;
  r1sa: number;
  r2sa: number;
  r3draft: number;
}

/**
 * Mali: R1 BA (admin areas: ML0501 10,000; ML0601 20,000), R1 SA (ML0501 1,200 conflict from
 * ML05 + 600 insecurity of unknown origin; ML0601 3,000), R2 SA (1,500 + 700; 3,300), all
 * published; R3 SA (a draft, with figures that would stand out: 77,777).
 */
async function seed(app: LiptakoApp, db: Parameters<typeof seedMali>[1]): Promise<Seeded> {
  await seedMali(app, db);
  const round = async (file: string, target: Parameters<typeof importRound>[2], publish: boolean): Promise<number> => {
    const { job } = await importRound(app, file, target, `r${target.roundNumber}-${target.assessmentType}.csv`);
    expect(job?.status, JSON.stringify(job)).toBe('succeeded');
    expect(job?.result, JSON.stringify(job?.result)).toMatchObject({ errors: 0, warnings: 0 });
    const id = job!.result!.roundId as number;
    if (publish) {
      const published = await call(app, 'POST', `/api/dtm/rounds/${id}/status`, { status: 'published' });
      expect(published.statusCode, published.text).toBe(200);
    }
    return id;
  };
  const admin = (admin2: string, individuals: number) => siteRow('', admin2, individuals, { 'Location code': null, 'Location name': null });
  const r1ba = await round(csvOf(EN_HEADERS, [admin('ML0501', 10_000), admin('ML0601', 20_000)]), { roundNumber: 1, assessmentType: 'BA' }, true);
  const r1sa = await round(
    csvOf(EN_HEADERS, [bandiagara(1, 1200, '2021-03-15'), siteRow('ML0501-0002', 'ML0501', 600, { Reason: 'Insecurity', ...noOrigin }), siteRow('ML0601-0001', 'ML0601', 3000)]),
    { roundNumber: 1, assessmentType: 'SA' },
    true,
  );
  const r2sa = await round(
    csvOf(EN_HEADERS, [
      bandiagara(1, 1500, '2021-05-15'),
      siteRow('ML0501-0002', 'ML0501', 700, { Reason: 'Insecurity', ...noOrigin, 'Assessment date': '2021-05-15' }),
      siteRow('ML0601-0001', 'ML0601', 3300, { 'Assessment date': '2021-05-15' }),
    ]),
    { roundNumber: 2, assessmentType: 'SA', referenceDate: '2021-05-31', collectionStart: '2021-05-01', collectionEnd: '2021-05-31' },
    true,
  );
  const r3draft = await round(
    csvOf(EN_HEADERS, [bandiagara(1, 1600, '2021-07-15'), siteRow('ML0601-0001', 'ML0601', 3400, { 'Assessment date': '2021-07-15' }), siteRow('ML0601-0009', 'ML0601', 777, { 'Assessment date': '2021-07-15' })]),
    { roundNumber: 3, assessmentType: 'SA', referenceDate: '2021-07-31', collectionStart: '2021-07-01', collectionEnd: '2021-07-31' },
    false,
  );
  return { r1ba, r1sa, r2sa, r3draft };
}

const q = (value: string): string => encodeURIComponent(value);
const csvRows = (text: string): string[][] => parse(text, { bom: true });

describeEachDatabase('published displacement outputs', (context) => {
  const dtm = async <Row = DtmRow>(path: string, persona: Parameters<typeof context.as>[0] = 'anonymous', headers: Record<string, string> = {}) =>
    call<Envelope<Row>>(context.as(persona), 'GET', path, undefined, headers);

  it('answers the DTM API v3 admin0/1/2 endpoints with the exact envelope and fields, published rounds only, BA and SA apart', async () => {
    await seed(context.app, context.db);

    const admin2 = await dtm(`/dtm/v3/displacement/admin2?Operation=${q('Mali Conflict')}`);
    expect(admin2.statusCode, admin2.text).toBe(200);
    expect(Object.keys(admin2.body).sort()).toEqual(['errorMessages', 'isSuccess', 'result', 'statusCode', 'totalRecordsCount']);
    expect(admin2.body).toMatchObject({ statusCode: 200, isSuccess: true, errorMessages: [], totalRecordsCount: 8 });
    for (const row of admin2.body.result) expect(Object.keys(row)).toEqual(DTM_FIELDS);
    // The draft round (R3, 1,600 / 3,400 / 777) never appears.
    expect(admin2.body.result.map((row) => row.roundNumber)).not.toContain(3);
    expect(admin2.body.result.map((row) => row.numPresentIdpInd)).not.toContain(777);
    expect(admin2.body.result[0]).toEqual({
      id: admin2.body.result[0]!.id,
      operation: 'Mali Conflict',
      admin0Name: 'Mali',
      admin0Pcode: 'MLI',
      admin1Name: 'Mopti',
      admin1Pcode: 'ML05',
      admin2Name: 'Bandiagara',
      admin2Pcode: 'ML0501',
      numPresentIdpInd: 10_000,
      reportingDate: '2021-03-31T00:00:00',
      yearReportingDate: 2021,
      monthReportingDate: 3,
      roundNumber: 1,
      displacementReason: 'Conflict',
      numberMales: 4800,
      numberFemales: 5200,
      idpOriginAdmin1Name: 'Mopti',
      idpOriginAdmin1Pcode: 'ML05',
      assessmentType: 'BA',
    });
    expect(Number.isSafeInteger(admin2.body.result[0]!.id)).toBe(true);
    expect(new Set(admin2.body.result.map((row) => row.id)).size).toBe(8);
    const sa1 = admin2.body.result.filter((row) => row.roundNumber === 1 && row.assessmentType === 'SA');
    expect(sa1.map((row) => [row.admin2Pcode, row.displacementReason, row.idpOriginAdmin1Pcode, row.idpOriginAdmin1Name, row.numPresentIdpInd])).toEqual([
      ['ML0501', 'Conflict', 'ML05', 'Mopti', 1200],
      ['ML0501', 'Insecurity', 'Not available', 'Not available', 600],
      ['ML0601', 'Conflict', 'ML05', 'Mopti', 3000],
    ]);

    // Ids are stable from one request to the next.
    const again = await dtm(`/dtm/v3/displacement/admin2?Operation=${q('Mali Conflict')}`);
    expect(again.body.result.map((row) => row.id)).toEqual(admin2.body.result.map((row) => row.id));

    const admin1 = await dtm('/dtm/v3/displacement/admin1?Admin0Pcode=MLI');
    expect(admin1.body.totalRecordsCount).toBe(8);
    for (const row of admin1.body.result) {
      expect(Object.keys(row)).toEqual(DTM_FIELDS);
      expect(row).toMatchObject({ admin2Name: null, admin2Pcode: null });
    }
    expect(admin1.body.result.filter((row) => row.roundNumber === 2).map((row) => [row.admin1Pcode, row.admin1Name, row.displacementReason, row.numPresentIdpInd])).toEqual([
      ['ML05', 'Mopti', 'Conflict', 1500],
      ['ML05', 'Mopti', 'Insecurity', 700],
      ['ML06', 'Tombouctou', 'Conflict', 3300],
    ]);

    // Round 1: a BA row and SA rows, never one row adding them (34,200 or 30,000 + 3,600).
    const admin0 = await dtm('/dtm/v3/displacement/admin0?CountryName=Mali');
    expect(admin0.body.totalRecordsCount).toBe(5);
    for (const row of admin0.body.result) expect(row).toMatchObject({ admin1Name: null, admin1Pcode: null, admin2Name: null, admin2Pcode: null, admin0Pcode: 'MLI' });
    expect(admin0.body.result.map((row) => [row.roundNumber, row.assessmentType, row.displacementReason, row.numPresentIdpInd])).toEqual([
      [1, 'BA', 'Conflict', 30_000],
      [1, 'SA', 'Conflict', 4200],
      [1, 'SA', 'Insecurity', 600],
      [2, 'SA', 'Conflict', 4800],
      [2, 'SA', 'Insecurity', 700],
    ]);
    expect(admin0.body.result.map((row) => row.numPresentIdpInd)).not.toContain(34_800);
  });

  it('filters by round range, reporting dates, admin1 P-code or name, admin2, country name and code', async () => {
    await seed(context.app, context.db);
    const rows = async (query: string, level = 2): Promise<DtmRow[]> => {
      const response = await dtm(`/dtm/v3/displacement/admin${level}?${query}`);
      expect(response.statusCode, `${query}: ${response.text}`).toBe(200);
      expect(response.body.totalRecordsCount).toBe(response.body.result.length);
      return response.body.result;
    };
    const rounds = (list: DtmRow[]) => [...new Set(list.map((row) => `${row.roundNumber}${row.assessmentType}`))];

    expect(rounds(await rows('Admin0Pcode=MLI&FromRoundNumber=2'))).toEqual(['2SA']);
    expect(rounds(await rows('Admin0Pcode=MLI&ToRoundNumber=1'))).toEqual(['1BA', '1SA']);
    expect(rounds(await rows('Admin0Pcode=MLI&FromRoundNumber=1&ToRoundNumber=1'))).toEqual(['1BA', '1SA']);
    expect(rounds(await rows('Admin0Pcode=MLI&FromRoundNumber=3'))).toEqual([]);
    expect(rounds(await rows('Admin0Pcode=MLI&FromReportingDate=2021-04-01'))).toEqual(['2SA']);
    expect(rounds(await rows('Admin0Pcode=MLI&ToReportingDate=2021-03-31'))).toEqual(['1BA', '1SA']);
    expect(rounds(await rows('Admin0Pcode=MLI&FromReportingDate=2021-03-31&ToReportingDate=2021-05-31'))).toEqual(['1BA', '1SA', '2SA']);
    expect(rounds(await rows('Admin0Pcode=MLI&FromReportingDate=2021-06-01'))).toEqual([]);

    const tombouctou = await rows('CountryName=Mali&Admin1Pcode=ML06');
    expect(tombouctou.map((row) => row.admin2Pcode)).toEqual(['ML0601', 'ML0601', 'ML0601']);
    // ISO3-style P-codes, lower case, names without accents or case: all the same unit.
    expect(await rows('CountryName=Mali&Admin1Pcode=mli06')).toEqual(tombouctou);
    expect(await rows('CountryName=Mali&Admin1Name=tombouctou')).toEqual(tombouctou);
    expect((await rows('CountryName=Mali&Admin1Name=Mopti', 1)).map((row) => row.admin1Pcode)).toEqual(Array(5).fill('ML05'));
    expect((await rows('CountryName=Mali&Admin2Name=Bandiagara')).map((row) => row.admin2Pcode)).toEqual(Array(5).fill('ML0501'));
    expect((await rows('CountryName=Mali&Admin2Pcode=ML0601')).length).toBe(3);

    // Country by English or French name, ISO3 or ISO2, any case; an operation by name or code.
    const all = await rows('Operation=Mali%20Conflict');
    expect(all).toHaveLength(8);
    for (const query of ['CountryName=mali', 'Admin0Pcode=ML', 'Admin0Pcode=mli', `Operation=${MALI.code}`, 'Operation=mali%20conflict', 'CountryName=Mali&Admin0Pcode=MLI']) {
      expect(await rows(query), query).toEqual(all);
    }
    for (const query of ['CountryName=Niger', 'Admin0Pcode=BFA', 'Admin0Pcode=XYZ', 'Operation=Burkina%20Faso%20Crisis', 'CountryName=Mali&Admin0Pcode=NER', 'CountryName=Mali&Admin1Pcode=ML09']) {
      expect(await rows(query), query).toEqual([]);
    }
  });

  it('answers a query without Operation, CountryName or Admin0Pcode, or with a bad value, with the DTM error envelope and HTTP 400, in the caller’s language', async () => {
    await seed(context.app, context.db);
    for (const path of ['/dtm/v3/displacement/admin0', '/dtm/v3/displacement/admin1?Admin1Pcode=ML05', '/dtm/v3/displacement/admin2?FromRoundNumber=1&Operation=']) {
      const response = await dtm(path);
      expect(response.statusCode, path).toBe(400);
      expect(response.body).toEqual({ result: [], statusCode: 400, isSuccess: false, errorMessages: [expect.stringMatching(/Operation, CountryName or Admin0Pcode/)], totalRecordsCount: 0 });
    }
    const french = await dtm('/dtm/v3/displacement/admin0', 'anonymous', { 'accept-language': 'fr' });
    expect(french.statusCode).toBe(400);
    expect(french.headers['content-language']).toBe('fr');
    expect(french.body.errorMessages).toEqual(['Indiquez au moins l’un des filtres Operation, CountryName ou Admin0Pcode.']);

    const reversed = await dtm('/dtm/v3/displacement/admin1?Admin0Pcode=MLI&FromRoundNumber=3&ToRoundNumber=1');
    expect(reversed.body.errorMessages).toEqual(['FromRoundNumber comes after ToRoundNumber.']);
    for (const query of ['FromReportingDate=31/03/2021', 'FromRoundNumber=two', 'ToReportingDate=2021-02-30x', 'FromRoundNumber=3&ToRoundNumber=1', 'FromReportingDate=2021-06-01&ToReportingDate=2021-01-01']) {
      const response = await dtm(`/dtm/v3/displacement/admin1?Admin0Pcode=MLI&${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.body, query).toMatchObject({ result: [], statusCode: 400, isSuccess: false, totalRecordsCount: 0 });
      expect(response.body.errorMessages, query).toHaveLength(1);
    }
  });

  it('lists countries and operations with published data only', async () => {
    const empty = await dtm<{ admin0Name: string; admin0Pcode: string }>('/dtm/v3/country-list');
    expect(empty.body).toEqual({ result: [], statusCode: 200, isSuccess: true, errorMessages: [], totalRecordsCount: 0 });
    await seed(context.app, context.db);
    const countries = await dtm<{ admin0Name: string; admin0Pcode: string }>('/dtm/v3/country-list');
    expect(countries.statusCode).toBe(200);
    expect(countries.body).toEqual({ result: [{ admin0Name: 'Mali', admin0Pcode: 'MLI' }], statusCode: 200, isSuccess: true, errorMessages: [], totalRecordsCount: 1 });
    const operations = await dtm<{ operation: string }>('/dtm/v3/operation-list');
    expect(operations.body).toEqual({
      result: [{ operation: 'Mali Conflict', admin0Name: 'Mali', admin0Pcode: 'MLI' }],
      statusCode: 200,
      isSuccess: true,
      errorMessages: [],
      totalRecordsCount: 1,
    });
  });

  it('answers HDX HAPI IDPs in JSON and CSV, pages with limit/offset without overlap, and refuses limit 10,001', async () => {
    await seed(context.app, context.db);
    const hapi = async (query: string) => call<{ data: HapiRow[] }>(context.as('anonymous'), 'GET', `/hapi/v2/affected-people/idps${query}`);

    const all = await hapi('');
    expect(all.statusCode, all.text).toBe(200);
    expect(Object.keys(all.body)).toEqual(['data']);
    expect(all.body.data).toHaveLength(6);
    for (const row of all.body.data) expect(Object.keys(row)).toEqual(HAPI_FIELDS);
    expect(all.body.data.map((row) => [row.reporting_round, row.assessment_type, row.admin2_code, row.population])).toEqual([
      [1, 'BA', 'ML0501', 10_000],
      [1, 'BA', 'ML0601', 20_000],
      [1, 'SA', 'ML0501', 1800],
      [1, 'SA', 'ML0601', 3000],
      [2, 'SA', 'ML0501', 2200],
      [2, 'SA', 'ML0601', 3300],
    ]);
    expect(all.body.data[4]).toEqual({
      location_code: 'MLI',
      admin1_code: 'ML05',
      admin1_name: 'Mopti',
      admin2_code: 'ML0501',
      admin2_name: 'Bandiagara',
      admin_level: 2,
      operation: 'Mali Conflict',
      assessment_type: 'SA',
      reporting_round: 2,
      population: 2200,
      reference_period_start: '2021-05-01T00:00:00',
      reference_period_end: '2021-05-31T23:59:59',
    });

    // Pages of 4 then 4 (the second has 2): together the whole list, in order, nothing twice.
    const first = await hapi('?limit=4&offset=0');
    const second = await hapi('?limit=4&offset=4');
    expect(first.body.data).toHaveLength(4);
    expect(second.body.data).toHaveLength(2);
    expect([...first.body.data, ...second.body.data]).toEqual(all.body.data);
    const pages: HapiRow[] = [];
    for (let offset = 0; offset < 8; offset += 1) pages.push(...(await hapi(`?limit=1&offset=${offset}`)).body.data);
    expect(pages).toEqual(all.body.data);
    expect((await hapi('?offset=6')).body.data).toEqual([]);

    const level1 = await hapi('?admin_level=1&assessment_type=SA');
    expect(level1.body.data.map((row) => [row.reporting_round, row.admin1_code, row.admin2_code, row.admin2_name, row.admin_level, row.population])).toEqual([
      [1, 'ML05', null, null, 1, 1800],
      [1, 'ML06', null, null, 1, 3000],
      [2, 'ML05', null, null, 1, 2200],
      [2, 'ML06', null, null, 1, 3300],
    ]);
    expect((await hapi('?location_code=ML')).body.data).toEqual(all.body.data);
    expect((await hapi('?location_code=mli&reporting_round=2&admin1_code=ML06')).body.data.map((row) => row.population)).toEqual([3300]);
    expect((await hapi('?admin2_code=ML0501&operation=Mali%20Conflict&assessment_type=BA')).body.data.map((row) => row.population)).toEqual([10_000]);
    expect((await hapi('?location_code=BFA')).body.data).toEqual([]);
    expect((await hapi('?reporting_round=3')).body.data).toEqual([]);

    const csv = await call(context.as('anonymous'), 'GET', '/hapi/v2/affected-people/idps?output_format=csv&limit=4');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const table = csvRows(csv.text);
    expect(table[0]).toEqual(HAPI_FIELDS);
    expect(table).toHaveLength(5);
    expect(table[1]).toEqual(['MLI', 'ML05', 'Mopti', 'ML0501', 'Bandiagara', '2', 'Mali Conflict', 'BA', '1', '10000', '2021-03-01T00:00:00', '2021-03-31T23:59:59']);

    for (const query of ['?limit=10001', '?limit=0', '?offset=-1', '?admin_level=3', '?output_format=xml', '?assessment_type=XX', '?reporting_round=abc']) {
      const refused = await hapi(query);
      expect(refused.statusCode, query).toBe(400);
      expect(refused.body.error?.code, query).toBe('request.invalid');
    }
    expect((await hapi('?limit=10000')).statusCode).toBe(200);
  });

  it('exports a round’s figures per admin unit as CSV with header, HXL row and figures, in French or English, audited', async () => {
    const { r2sa } = await seed(context.app, context.db);
    const response = await call(context.app, 'GET', `/api/dtm/operations/${MALI.code}/export?format=csv&level=2&assessmentType=SA&lang=en`);
    expect(response.statusCode, response.text).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers['content-disposition']).toBe('attachment; filename="MLI-CONFLICT-R2-SA-idp-adm2.csv"');
    const table = csvRows(response.text);
    expect(table[0]).toEqual([
      'Admin1 P-code',
      'Admin1 name',
      'Admin2 P-code',
      'Admin2 name',
      'IDPs (individuals)',
      'IDPs (households)',
      'Females',
      'Males',
      'Females 0-4',
      'Females 5-17',
      'Females 18-59',
      'Females 60+',
      'Males 0-4',
      'Males 5-17',
      'Males 18-59',
      'Males 60+',
      'Reference date',
      'Round',
      'Assessment type',
      'Operation',
    ]);
    expect(table[1]).toEqual([
      '#adm1+code',
      '#adm1+name',
      '#adm2+code',
      '#adm2+name',
      '#affected+idps+ind',
      '#affected+idps+hh',
      '#affected+f',
      '#affected+m',
      '#affected+f+age0_4',
      '#affected+f+age5_17',
      '#affected+f+age18_59',
      '#affected+f+age60plus',
      '#affected+m+age0_4',
      '#affected+m+age5_17',
      '#affected+m+age18_59',
      '#affected+m+age60plus',
      '#date+reported',
      '#round+code',
      '#assessment+type',
      '#operation+name',
    ]);
    // Round 2 (SA): Bandiagara 1,500 + 700, households 250 + 117, females 780 + 364; no age breakdown reported.
    expect(table.slice(2)).toEqual([
      ['ML05', 'Mopti', 'ML0501', 'Bandiagara', '2200', '367', '1144', '1056', '', '', '', '', '', '', '', '', '2021-05-31', '2', 'SA', 'Mali Conflict'],
      ['ML06', 'Tombouctou', 'ML0601', 'Dire', '3300', '550', '1716', '1584', '', '', '', '', '', '', '', '', '2021-05-31', '2', 'SA', 'Mali Conflict'],
    ]);

    const french = await call(context.app, 'GET', `/api/dtm/operations/${MALI.code}/export?level=1&assessmentType=SA&round=${r2sa}`, undefined, { 'accept-language': 'fr' });
    const frenchTable = csvRows(french.text);
    expect(frenchTable[0]!.slice(0, 6)).toEqual(['Code admin1', 'Nom admin1', 'PDI (individus)', 'PDI (ménages)', 'Femmes', 'Hommes']);
    expect(frenchTable[0]!.at(-1)).toBe('Opération');
    expect(frenchTable[1]!.slice(0, 3)).toEqual(['#adm1+code', '#adm1+name', '#affected+idps+ind']);
    expect(frenchTable.slice(2).map((row) => [row[0], row[2], row.at(-1)])).toEqual([
      ['ML05', '2200', 'Conflit au Mali'],
      ['ML06', '3300', 'Conflit au Mali'],
    ]);
    expect(french.headers['content-disposition']).toBe('attachment; filename="MLI-CONFLICT-R2-SA-idp-adm1.csv"');

    // Baseline by default when the operation has one; never mixed with the site figures.
    const baseline = csvRows((await call(context.app, 'GET', `/api/dtm/operations/${MALI.code}/export?level=2`)).text);
    expect(baseline.slice(2).map((row) => [row[2], row[4], row.at(-2)])).toEqual([
      ['ML0501', '10000', 'BA'],
      ['ML0601', '20000', 'BA'],
    ]);

    const [event] = await context.db.query<{ actor: string; object_id: string; outcome: string; summary: Record<string, unknown> }>(
      "SELECT actor, object_id, outcome, summary FROM audit_event WHERE action = 'dtm.export' ORDER BY id LIMIT 1",
    );
    expect(event).toMatchObject({ object_id: MALI.code, outcome: 'success', summary: { format: 'csv', level: 2, round: r2sa, assessmentType: 'SA', group: 'idp' } });
  });

  it('exports XLSX that exceljs opens, with formula-looking names neutralised in XLSX and CSV', async () => {
    await seed(context.app, context.db);
    const evil = '=HYPERLINK("http://evil.example","x")';
    await context.db.query('UPDATE admin_unit SET name = $1 WHERE pcode = $2', [evil, 'ML0501']);
    await context.db.query('UPDATE admin_unit SET name = $1 WHERE pcode = $2', ['@SUM(1+1)', 'ML05']);

    const response = await context.app.inject({ method: 'GET', url: `/api/dtm/operations/${MALI.code}/export?format=xlsx&assessmentType=SA&lang=en` });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(response.headers['content-disposition']).toBe('attachment; filename="MLI-CONFLICT-R2-SA-idp-adm2.xlsx"');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('Admin1 P-code');
    expect(sheet.getRow(2).getCell(5).value).toBe('#affected+idps+ind');
    const data = sheet.getRow(3);
    expect(data.getCell(1).value).toBe('ML05');
    expect(data.getCell(2).value).toBe("'@SUM(1+1)");
    expect(data.getCell(4).value).toBe(`'${evil}`);
    expect(data.getCell(4).formula).toBeUndefined();
    expect(data.getCell(5).value).toBe(2200);
    expect(data.getCell(17).value).toEqual(new Date(Date.UTC(2021, 4, 31)));

    const csv = csvRows((await call(context.app, 'GET', `/api/dtm/operations/${MALI.code}/export?format=csv&assessmentType=SA`)).text);
    expect(csv[2]!.slice(0, 4)).toEqual(['ML05', "'@SUM(1+1)", 'ML0501', `'${evil}`]);
  });

  it('exports drafts only to people who see them; anonymous gets 401 on exports and 200 on the public APIs', async () => {
    const { r2sa, r3draft } = await seed(context.app, context.db);
    const exportUrl = `/api/dtm/operations/${MALI.code}/export?format=csv&assessmentType=SA`;
    const roundOf = (text: string): string | undefined => csvRows(text)[2]?.[17];

    // The administrator (and anyone reading drafts in Mali) may ask for the draft.
    expect(roundOf((await call(context.app, 'GET', `${exportUrl}&includeDrafts=true`)).text)).toBe('3');
    const draft = await call(context.app, 'GET', `${exportUrl}&round=${r3draft}`);
    expect(draft.headers['content-disposition']).toBe('attachment; filename="MLI-CONFLICT-R3-SA-idp-adm2-draft.csv"');
    expect(csvRows(draft.text).slice(2).map((row) => row[4])).toEqual(['1600', '4177']);

    // A partner (organisation scope) reads published data only: includeDrafts is ignored, the draft is not found.
    const partner = context.as('partner');
    expect(roundOf((await call(partner, 'GET', `${exportUrl}&includeDrafts=true`)).text)).toBe('2');
    const hidden = await call(partner, 'GET', `${exportUrl}&round=${r3draft}`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.body.error?.code).toBe('dtm.round.notFound');
    expect((await call(partner, 'GET', `/api/dtm/operations/${MALI.code}/geojson?round=${r3draft}`)).statusCode).toBe(404);
    expect((await call(partner, 'GET', `${exportUrl}&round=${r2sa}`)).statusCode).toBe(200);

    const anonymous = context.as('anonymous');
    const refused = await call(anonymous, 'GET', exportUrl);
    expect(refused.statusCode).toBe(401);
    expect(refused.body.error?.code).toBe('auth.required');
    expect((await call(anonymous, 'GET', `/api/dtm/operations/${MALI.code}/geojson`)).statusCode).toBe(401);
    // An enumerator lacks export.download.
    expect((await call(context.as('enumeratorNiger'), 'GET', exportUrl)).statusCode).toBe(403);

    for (const path of ['/dtm/v3/displacement/admin0?Admin0Pcode=MLI', '/dtm/v3/displacement/admin2?Admin0Pcode=MLI', '/dtm/v3/country-list', '/dtm/v3/operation-list', '/hapi/v2/affected-people/idps']) {
      expect((await call(anonymous, 'GET', path)).statusCode, path).toBe(200);
    }
    expect((await call(context.app, 'GET', `/api/dtm/operations/NO-SUCH-OP/export`)).statusCode).toBe(404);
  });

  it('gives GeoJSON per admin level with boundaries where imported and geometry null elsewhere', async () => {
    await seed(context.app, context.db);
    const boundaries = await importGeo(context.app, squaresGeoJson(2, [{ pcode: 'ML0501', name: 'Bandiagara', x: -3, y: 14 }]), 'mli_adm2.geojson');
    expect(boundaries.statusCode, JSON.stringify(boundaries.body)).toBe(201);

    const response = await call<{
      type: string;
      features: Array<{ type: string; id: string; properties: Record<string, unknown>; geometry: { type: string } | null }>;
      liptako: Record<string, unknown>;
    }>(context.app, 'GET', `/api/dtm/operations/${MALI.code}/geojson?level=2&assessmentType=SA`);
    expect(response.statusCode, response.text).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(response.body.type).toBe('FeatureCollection');
    expect(response.body.features.map((feature) => [feature.id, feature.geometry?.type ?? null])).toEqual([
      ['ML0501', 'Polygon'],
      ['ML0601', null],
    ]);
    expect(response.body.features[0]).toMatchObject({
      type: 'Feature',
      properties: { pcode: 'ML0501', name: 'Bandiagara', individuals: 2200, households: 367, roundNumber: 2, referenceDate: '2021-05-31' },
    });
    expect(Object.keys(response.body.features[0]!.properties).sort()).toEqual(['households', 'individuals', 'name', 'pcode', 'referenceDate', 'roundNumber']);
    expect(response.body.liptako).toMatchObject({ operation: MALI.code, level: 2, assessmentType: 'SA', unitsWithoutGeometry: 1, withoutGeometry: ['ML0601'] });

    const level1 = await call<{ features: Array<{ id: string; geometry: unknown; properties: { individuals: number } }>; liptako: { unitsWithoutGeometry: number } }>(
      context.app,
      'GET',
      `/api/dtm/operations/${MALI.code}/geojson?level=1&assessmentType=BA`,
    );
    expect(level1.body.features.map((feature) => [feature.id, feature.geometry, feature.properties.individuals])).toEqual([
      ['ML05', null, 10_000],
      ['ML06', null, 20_000],
    ]);
    expect(level1.body.liptako.unitsWithoutGeometry).toBe(2);
    const [event] = await context.db.query<{ count: number }>("SELECT count(*)::int AS count FROM audit_event WHERE action = 'dtm.export.geojson'");
    expect(event!.count).toBe(2);
  });

  it('treats injection attempts and oversized filters as data: 400 or nothing, never a 500', async () => {
    await seed(context.app, context.db);
    const attacks = ["' OR 1=1 --", "'; DROP TABLE dtm_summary; --", 'ML05\' OR \'1\'=\'1', '%', '_', '\\', 'x'.repeat(5000), 'Mali\u0000', '{"$ne":null}'];
    const parameters = [
      ['/dtm/v3/displacement/admin2?', ['Operation', 'CountryName', 'Admin0Pcode', 'Admin1Name', 'Admin1Pcode', 'Admin2Name', 'Admin2Pcode', 'FromReportingDate', 'FromRoundNumber']],
      ['/hapi/v2/affected-people/idps?', ['location_code', 'admin1_code', 'admin2_code', 'operation', 'assessment_type', 'reporting_round', 'limit', 'offset']],
      [`/api/dtm/operations/${MALI.code}/export?`, ['level', 'assessmentType', 'group', 'round', 'lang', 'format']],
    ] as const;
    for (const [path, names] of parameters) {
      for (const name of names) {
        for (const attack of attacks) {
          // Admin1/Admin2 filters come with a valid country, so that they are what decides.
          const base = path.startsWith('/dtm') && !['Operation', 'CountryName', 'Admin0Pcode'].includes(name) ? 'Admin0Pcode=MLI&' : '';
          const response = await call<Envelope & { data?: unknown[] }>(context.as(path.startsWith('/api') ? 'viewer' : 'anonymous'), 'GET', `${path}${base}${name}=${q(attack)}`);
          const label = `${path}${name}=${attack.slice(0, 30)}`;
          expect([200, 400], `${label}: ${response.statusCode} ${response.text.slice(0, 300)}`).toContain(response.statusCode);
          if (response.statusCode === 200 && path.startsWith('/dtm')) expect(response.body.result, label).toEqual([]);
          if (response.statusCode === 200 && path.startsWith('/hapi')) expect(response.body.data, label).toEqual([]);
          if (response.statusCode === 400 && path.startsWith('/dtm')) expect(response.body.isSuccess, label).toBe(false);
        }
      }
    }
    // Everything is still there.
    expect((await dtm('/dtm/v3/displacement/admin2?Admin0Pcode=MLI')).body.totalRecordsCount).toBe(8);
  });
});
