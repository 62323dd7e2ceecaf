import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError, type ErrorCode } from '../core/errors.js';
import { decodeText, formatRowIssue, type RowIssue } from '../core/tabular.js';
import { parseFtsFlows } from './fts-flows.js';
import { parseFtsRequirementsFunding } from './fts-requirements.js';
import { type FtsFlow } from './fts-common.js';
import { appErrorOf } from '../../test/support/errors.js';

// Real files live beside the project, never in it (see ../shared/data/README.md).
const DATA = path.resolve(process.cwd(), '../shared/data');

function fixture(relative: string): { exists: boolean; title: (what: string) => string; text: () => string } {
  const file = path.join(DATA, relative);
  const exists = existsSync(file);
  return {
    exists,
    title: (what) => (exists ? what : `${what} — SKIPPED: fixture ../shared/data/${relative} not found`),
    text: () => decodeText(new Uint8Array(readFileSync(file))),
  };
}

const codes = (issues: readonly RowIssue[]): Array<[number, ErrorCode]> => issues.map((issue) => [issue.row, issue.code]);

const HEADER = 'countryCode,id,name,code,typeId,typeName,startDate,endDate,year,requirements,funding,percentFunded';
const HXL =
  '#country+code,#activity+appeal+id+fts_internal,#activity+appeal+name,#activity+appeal+id+external,#activity+appeal+type+id+fts_internal,#activity+appeal+type+name,#date+start,#date+end,#date+year,#value+funding+required+usd,#value+funding+total+usd,#value+funding+pct';

// ---------------------------------------------------------------------------------------------
// Requirements and funding
// ---------------------------------------------------------------------------------------------

describe('parseFtsRequirementsFunding', () => {
  const bfa = fixture('funding/funding_bfa_fts_requirements_funding_bfa.csv');

  it.skipIf(!bfa.exists)(bfa.title('reads the real Burkina Faso file: HBFA21 = 607,875,894 required, 293,527,616 funded, 48 %'), () => {
    const result = parseFtsRequirementsFunding(bfa.text());
    expect(result.refused).toEqual([]);
    expect(result.appeals).toHaveLength(21);
    // 28 "Not specified" rows: funding outside any appeal, not errors.
    expect(result.skipped).toHaveLength(28);
    expect(result.skipped.every((entry) => entry.reason === 'no-appeal-code')).toBe(true);
    expect(result.skipped[0]).toEqual({ row: 3, reason: 'no-appeal-code' });
    const hbfa21 = result.appeals.find((appeal) => appeal.code === 'HBFA21');
    expect(hbfa21).toEqual({
      row: 13,
      ftsPlanId: 1037,
      code: 'HBFA21',
      name: 'Burkina Faso Plan de Réponse Humanitaire 2021',
      typeName: 'Humanitarian response plan',
      countryIso3: 'BFA',
      startDate: '2021-01-01',
      endDate: '2021-12-31',
      year: 2021,
      requirementsUsd: 607_875_894,
      fundingUsd: 293_527_616,
      percentFunded: 48,
    });
    // The HXL row is not an appeal, and multi-year appeals keep their span.
    expect(result.appeals.some((appeal) => appeal.code.startsWith('#'))).toBe(false);
    expect(result.appeals.find((appeal) => appeal.code === 'HBFA1314')).toMatchObject({ startDate: '2013-01-01', endDate: '2014-12-31', year: 2014 });
  });

  const cluster = fixture('funding/SCHEMA_ONLY_fts_requirements_funding_cluster_afg.csv');

  it.skipIf(!cluster.exists)(cluster.title('refuses the by-cluster file and names the expected columns'), () => {
    const error = appErrorOf(() => parseFtsRequirementsFunding(cluster.text()));
    expect(error.code).toBe('funding.fts.clusterFile');
    expect(error.status).toBe(415);
    expect(error.localisedMessage('en')).toContain('countryCode, id, name, code, typeId, typeName, startDate, endDate, year, requirements, funding, percentFunded');
    expect(error.localisedMessage('fr')).toContain('par cluster');
  });

  it('refuses the by-cluster format when only its HXL row gives it away', () => {
    const text = 'a,b,c\n#activity+appeal+id+external,#sector+cluster+name,#value+funding+total+usd\nHAFG20,Health,10\n';
    expect(appErrorOf(() => parseFtsRequirementsFunding(text)).code).toBe('funding.fts.clusterFile');
  });

  it('finds columns by HXL hashtag when headers are translated, in any attribute order', () => {
    const text = [
      'Pays,Identifiant,Nom de l’appel,Code de l’appel,Type,Début,Fin,Année,Besoins,Financement,Pourcentage',
      '#country+code,#activity+fts_internal+appeal+id,#activity+name+appeal,#activity+external+id+appeal,#activity+appeal+type+name,#date+start,#date+end,#date+year,#value+usd+required+funding,#value+funding+usd+total,#value+pct+funding',
      'MLI,1038,Mali Plan de Réponse Humanitaire 2021,HMLI21,Humanitarian response plan,2021-01-01,2021-12-31,2021,563275271,209104185,37',
    ].join('\n');
    const result = parseFtsRequirementsFunding(text);
    expect(result.refused).toEqual([]);
    expect(result.appeals).toEqual([
      {
        row: 3,
        ftsPlanId: 1038,
        code: 'HMLI21',
        name: 'Mali Plan de Réponse Humanitaire 2021',
        typeName: 'Humanitarian response plan',
        countryIso3: 'MLI',
        startDate: '2021-01-01',
        endDate: '2021-12-31',
        year: 2021,
        requirementsUsd: 563_275_271,
        fundingUsd: 209_104_185,
        percentFunded: 37,
      },
    ]);
  });

  it('reads a file whose header row is the hashtags themselves', () => {
    const text = `${HXL}\nNER,1039,Niger 2021,HNER21,4,Humanitarian response plan,2021-01-01,2021-12-31,2021,523000000,226000000,43\n`;
    expect(parseFtsRequirementsFunding(text).appeals[0]).toMatchObject({ row: 2, code: 'HNER21', countryIso3: 'NER', fundingUsd: 226_000_000 });
  });

  it('reads HDX HAPI funding rows (appeal_code, requirements_usd…)', () => {
    const text = [
      'location_code,appeal_code,appeal_name,appeal_type,requirements_usd,funding_usd,funding_pct,reference_period_start,reference_period_end',
      'BFA,HBFA21,Burkina Faso 2021,HRP,607875894.00,293527616.00,48.29,2021-01-01T00:00:00,2021-12-31T23:59:59',
    ].join('\n');
    const [appeal] = parseFtsRequirementsFunding(text).appeals;
    expect(appeal).toMatchObject({
      code: 'HBFA21',
      typeName: 'HRP',
      requirementsUsd: 607_875_894,
      percentFunded: 48.29,
      startDate: '2021-01-01',
      endDate: '2021-12-31',
      ftsPlanId: null,
      year: null,
    });
  });

  it('refuses bad rows with row, column, value and reason, and keeps the good ones', () => {
    const rows = [
      'BFA,1,Good appeal,HGOOD21,4,HRP,2021-01-01,2021-12-31,2021,1000,500,50', // 3
      'BFA,2,Not a number,HBAD1,4,HRP,2021-01-01,2021-12-31,2021,beaucoup,500,50', // 4
      'BFA,3,Negative,HBAD2,4,HRP,2021-01-01,2021-12-31,2021,1000,-500,50', // 5
      'BFA,4,Bad date,HBAD3,4,HRP,2021-02-30,2021-12-31,2021,1000,500,50', // 6
      'BFA,5,Reversed,HBAD4,4,HRP,2021-12-31,2021-01-01,2021,1000,500,50', // 7
      'BFA,6,Huge,HBAD5,4,HRP,2021-01-01,2021-12-31,2021,1e300,500,50', // 8
      'BFA,7,Decimal comma,HBAD6,4,HRP,2021-01-01,2021-12-31,2021,"1,5",500,50', // 9
      'BFA,8,Bad year,HBAD7,4,HRP,2021-01-01,2021-12-31,21,1000,500,50', // 10
      'Burkina,9,Bad country,HBAD8,4,HRP,2021-01-01,2021-12-31,2021,1000,500,50', // 11
      'BFA,10,Formula code,=1+1,4,HRP,2021-01-01,2021-12-31,2021,1000,500,50', // 12
      'BFA,11,Same code other figures,HGOOD21,4,HRP,2021-01-01,2021-12-31,2021,2000,500,25', // 13
      'BFA,1,Good appeal,HGOOD21,4,HRP,2021-01-01,2021-12-31,2021,1000,500,50', // 14: exact repeat
      'BFA,12,Negative percent,HBAD9,4,HRP,2021-01-01,2021-12-31,2021,1000,500,-3', // 15
      'BFA,abc,Bad plan id,HBAD10,4,HRP,2021-01-01,2021-12-31,2021,1000,500,50', // 16
      'BFA,13,,HBAD11,4,HRP,2021-01-01,2021-12-31,2021,1000,500,50', // 17: no name
    ];
    const result = parseFtsRequirementsFunding([HEADER, HXL, ...rows].join('\n'));
    expect(result.appeals.map((appeal) => appeal.code)).toEqual(['HGOOD21']);
    expect(result.skipped).toEqual([{ row: 14, reason: 'duplicate' }]);
    expect(codes(result.refused)).toEqual([
      [4, 'import.notANumber'],
      [5, 'funding.amount.negative'],
      [6, 'import.dateInvalid'],
      [7, 'funding.dates.reversed'],
      [8, 'funding.amount.tooLarge'],
      [9, 'import.notANumber'],
      [10, 'funding.year.invalid'],
      [11, 'funding.fts.countryInvalid'],
      [12, 'funding.fts.appealCodeInvalid'],
      [13, 'funding.fts.duplicateAppeal'],
      [15, 'funding.percent.invalid'],
      [16, 'funding.fts.planIdInvalid'],
      [17, 'import.valueMissing'],
    ]);
    const duplicate = result.refused.find((issue) => issue.code === 'funding.fts.duplicateAppeal');
    expect(duplicate?.params).toEqual({ code: 'HGOOD21', firstRow: 3 });
    const negative = result.refused.find((issue) => issue.row === 5);
    expect(negative).toMatchObject({ column: 'funding', value: '-500' });
    expect(formatRowIssue(negative!, 'fr')).toBe('Ligne 5, colonne funding : -500 est négatif ; un montant ne peut pas être inférieur à zéro.');
    expect(formatRowIssue(duplicate!, 'en')).toContain('already appears on row 3');
  });

  it('keeps names with formulas as text (exports neutralise them)', () => {
    const text = `${HEADER}\nBFA,1,"=HYPERLINK(""http://evil"",""x"")",HBFA21,4,@SUM(A1),,,,100,50,50\n`;
    const [appeal] = parseFtsRequirementsFunding(text).appeals;
    expect(appeal?.name).toBe('=HYPERLINK("http://evil","x")');
    expect(appeal?.typeName).toBe('@SUM(A1)');
  });

  it('says which columns are missing', () => {
    const error = appErrorOf(() => parseFtsRequirementsFunding('Accronym,Year,Country,Requirement,Funding\nBFA,2014,Burkina Faso,1,1\n'));
    expect(error.code).toBe('import.missingColumns');
    expect(error.params.columns).toBe('countryCode, name, code, requirements');
  });

  it('refuses a file with a header and no rows', () => {
    expect(appErrorOf(() => parseFtsRequirementsFunding(`${HEADER}\n${HXL}\n`)).code).toBe('import.empty');
    expect(appErrorOf(() => parseFtsRequirementsFunding('')).code).toBe('import.empty');
  });
});

// ---------------------------------------------------------------------------------------------
// Flows
// ---------------------------------------------------------------------------------------------

interface JsonFlowInput {
  id?: unknown;
  amountUSD?: unknown;
  originalAmount?: unknown;
  originalCurrency?: unknown;
  exchangeRate?: unknown;
  status?: unknown;
  flowType?: unknown;
  boundary?: unknown;
  date?: unknown;
  decisionDate?: unknown;
  sourceObjects?: unknown;
  destinationObjects?: unknown;
}

/** A flow shaped like the FTS API v1 (`/v1/public/fts/flow?planId=…`). */
function ftsFlow(overrides: JsonFlowInput = {}): JsonFlowInput {
  return {
    id: '215001',
    amountUSD: 726738,
    originalAmount: 617727,
    originalCurrency: 'EUR',
    exchangeRate: 0.85,
    status: 'paid',
    flowType: 'Standard',
    boundary: 'incoming',
    date: '2021-03-04T00:00:00Z',
    decisionDate: '2021-02-15T00:00:00Z',
    sourceObjects: [
      { type: 'Organization', id: '4306', name: 'Germany, Government of', organizationTypes: ['Government'] },
      { type: 'Location', id: '83', name: 'Germany' },
      { type: 'UsageYear', id: '42', name: '2021' },
    ],
    destinationObjects: [
      { type: 'Plan', id: '1037', name: 'Burkina Faso Plan de Réponse Humanitaire 2021' },
      { type: 'Organization', id: '4234', name: 'International Organization for Migration' },
      { type: 'GlobalCluster', id: '4', name: 'Emergency Shelter and NFI' },
      { type: 'Location', id: '37', name: 'Burkina Faso' },
      { type: 'UsageYear', id: '42', name: '2021' },
    ],
    ...overrides,
  };
}

const envelope = (flows: unknown[]): string => JSON.stringify({ status: 'ok', data: { incoming: { flowCount: flows.length }, flows } });

describe('parseFtsFlows — FTS API JSON', () => {
  // Regression case found by the fuzz run (fts.fuzz.test.ts): a subnormal rate passed the
  // "greater than 0" check and its inverse, Infinity, became the stored rate.
  it('refuses an exchange rate whose inverse is not a finite number (5e-324), and an absurd one', () => {
    for (const exchangeRate of [5e-324, 1e-300, 1e-10, 1e9, 1e308, Number.MAX_VALUE]) {
      const result = parseFtsFlows(envelope([ftsFlow({ originalAmount: undefined, exchangeRate })]), 'flows.json');
      expect(result.flows).toEqual([]);
      expect(codes(result.refused)).toEqual([[1, 'funding.flow.rateInvalid']]);
    }
    const plausible = parseFtsFlows(envelope([ftsFlow({ originalAmount: undefined, exchangeRate: 655.957 })]), 'flows.json');
    expect(plausible.flows[0]?.exchangeRate).toBeCloseTo(1 / 655.957, 12);
  });

  it('reads an FTS flow and turns FTS’s rate (units per USD) into USD per unit', () => {
    const result = parseFtsFlows(envelope([ftsFlow()]), 'flows.json');
    expect(result.refused).toEqual([]);
    expect(result.flows).toEqual<FtsFlow[]>([
      {
        row: 1,
        flowId: '215001',
        donor: 'Germany, Government of',
        planCode: null,
        ftsPlanId: 1037,
        amountUsd: 726_738,
        originalAmount: 617_727,
        originalCurrency: 'EUR',
        exchangeRate: 1 / 0.85,
        status: 'paid',
        date: '2021-03-04',
        decisionDate: '2021-02-15',
        clusterName: 'Emergency Shelter and NFI',
        countryIso3OrName: 'Burkina Faso',
      },
    ]);
  });

  it('reads a bare array of flows and numeric ids, strings for numbers and status variants', () => {
    const flows = [
      ftsFlow({ id: 1, status: 'Paid Contribution' }),
      ftsFlow({ id: 2, status: 'COMMITMENT', amountUSD: '1001001', originalAmount: '1000000', originalCurrency: 'chf', exchangeRate: '0.999' }),
      ftsFlow({ id: 3, status: ' pledge ', originalAmount: null, originalCurrency: null, exchangeRate: null }),
      ftsFlow({ id: 4, status: 'paid', originalAmount: 1_000_000, originalCurrency: 'USD', amountUSD: 1_000_000, exchangeRate: null }),
    ];
    const result = parseFtsFlows(JSON.stringify(flows));
    expect(result.refused).toEqual([]);
    expect(result.flows.map((flow) => [flow.flowId, flow.status, flow.originalCurrency, flow.exchangeRate])).toEqual([
      ['1', 'paid', 'EUR', 1 / 0.85],
      ['2', 'commitment', 'CHF', 1 / 0.999],
      ['3', 'pledge', null, null],
      ['4', 'paid', 'USD', 1],
    ]);
  });

  it('accepts a rate written the Liptako way (USD per unit) when the amounts show it', () => {
    const [flow] = parseFtsFlows(envelope([ftsFlow({ exchangeRate: 1.1765 })])).flows;
    expect(flow?.exchangeRate).toBe(1.1765);
  });

  it('skips parked, internal/outgoing and zero-amount flows instead of counting them twice', () => {
    const result = parseFtsFlows(
      envelope([
        ftsFlow({ id: '10', flowType: 'Parked', amountUSD: 0, originalAmount: 0 }),
        ftsFlow({ id: '11', boundary: 'internal' }),
        ftsFlow({ id: '12', boundary: 'outgoing' }),
        ftsFlow({ id: '13', amountUSD: 0 }),
        ftsFlow({ id: '14' }),
      ]),
    );
    expect(result.skipped).toEqual([
      { row: 1, flowId: '10', reason: 'parked' },
      { row: 2, flowId: '11', reason: 'not-incoming' },
      { row: 3, flowId: '12', reason: 'not-incoming' },
      { row: 4, flowId: '13', reason: 'zero-amount' },
    ]);
    expect(result.flows.map((flow) => flow.flowId)).toEqual(['14']);
  });

  it('refuses bad flows, one issue per problem, and keeps the rest', () => {
    const result = parseFtsFlows(
      envelope([
        ftsFlow({ id: '1' }), // 1: good
        ftsFlow({ id: '1' }), // 2: duplicate id
        ftsFlow({ id: undefined }), // 3: no id
        ftsFlow({ id: 'x y' }), // 4: malformed id
        ftsFlow({ id: '5', amountUSD: -10 }), // 5
        ftsFlow({ id: '6', amountUSD: 1e300 }), // 6
        ftsFlow({ id: '7', amountUSD: 'lots' }), // 7
        ftsFlow({ id: '8', status: 'rumoured' }), // 8
        ftsFlow({ id: '9', originalCurrency: 'EURO' }), // 9
        ftsFlow({ id: '10', date: '04/03/2021' }), // 10
        ftsFlow({ id: '11', exchangeRate: 0 }), // 11
        ftsFlow({ id: '12', exchangeRate: 2.5 }), // 12: matches neither direction
        ftsFlow({ id: '13', sourceObjects: [] }), // 13: no donor
        ftsFlow({
          id: '14',
          destinationObjects: [
            { type: 'Plan', id: '1037', name: 'Burkina Faso 2021' },
            { type: 'Plan', id: '1038', name: 'Mali 2021' },
          ],
        }), // 14
        null, // 15
        'flow', // 16
        ftsFlow({ id: '17', amountUSD: undefined }), // 17
        ftsFlow({ id: '18', status: null, amountUSD: -1 }), // 18: two problems
      ]),
    );
    expect(result.flows.map((flow) => flow.flowId)).toEqual(['1']);
    expect(codes(result.refused)).toEqual([
      [2, 'funding.flow.duplicate'],
      [3, 'import.valueMissing'],
      [4, 'funding.flow.idInvalid'],
      [5, 'funding.amount.negative'],
      [6, 'funding.amount.tooLarge'],
      [7, 'import.notANumber'],
      [8, 'funding.flow.statusUnknown'],
      [9, 'funding.currency.unknown'],
      [10, 'import.dateInvalid'],
      [11, 'funding.flow.rateInvalid'],
      [12, 'funding.flow.rateMismatch'],
      [13, 'import.valueMissing'],
      [14, 'funding.flow.severalPlans'],
      [15, 'funding.flow.notAnObject'],
      [16, 'funding.flow.notAnObject'],
      [17, 'import.valueMissing'],
      [18, 'funding.amount.negative'],
      [18, 'import.valueMissing'],
    ]);
    const duplicate = result.refused[0];
    expect(duplicate?.params).toEqual({ flowId: '1', firstRow: 1 });
    const status = result.refused.find((issue) => issue.code === 'funding.flow.statusUnknown');
    expect(formatRowIssue(status!, 'fr')).toBe(
      'Ligne 8, colonne status : « rumoured » n’est pas un statut de flux connu de Liptako ; valeurs acceptées : pledge, commitment, paid.',
    );
    expect(result.refused.find((issue) => issue.row === 13)?.column).toBe('sourceObjects (Organization)');
  });

  it('keeps formulas in donor names as text', () => {
    const donor = '=HYPERLINK("http://evil","Donateur")';
    const [flow] = parseFtsFlows(envelope([ftsFlow({ sourceObjects: [{ type: 'Organization', name: donor }] })])).flows;
    expect(flow?.donor).toBe(donor);
  });

  it('says where truncated JSON breaks', () => {
    const pretty = JSON.stringify({ data: { flows: [ftsFlow(), ftsFlow({ id: '2' })] } }, null, 2);
    const cut = pretty.slice(0, pretty.indexOf('"amountUSD"', pretty.indexOf('"2"')));
    const error = appErrorOf(() => parseFtsFlows(cut, 'flows.json'));
    expect(error.code).toBe('import.malformedJson');
    expect(error.params.line).toBe(cut.split('\n').length);
    expect(error.params.position).toBe(cut.length);
    // A stray character mid-file is located where it stands.
    const broken = '{\n  "data": {\n    "flows": [ x ]\n  }\n}';
    expect(appErrorOf(() => parseFtsFlows(broken)).params).toMatchObject({ line: 3, column: 16 });
  });

  it('refuses JSON that is not flows, naming the file', () => {
    const error = appErrorOf(() => parseFtsFlows('{"type":"FeatureCollection","features":[]}', 'limites.geojson'));
    expect(error.code).toBe('import.unknownFormat');
    expect(error.params.file).toBe('limites.geojson');
    expect(appErrorOf(() => parseFtsFlows('{"data":{"flows":[]}}')).code).toBe('import.empty');
    expect(appErrorOf(() => parseFtsFlows('   ')).code).toBe('import.empty');
  });
});

describe('parseFtsFlows — CSV', () => {
  it('reads the documented English headers', () => {
    const text = [
      'Flow ID,Donor,Recipient plan code,Amount (original),Original currency,Amount (USD),Exchange rate,Status,Date,Decision date,Cluster,Country',
      '301,"Sweden, Government of",HBFA21,3000000,SEK,349500,8.5837,Commitment,2021-05-02,2021-04-20,Protection,BFA',
      '302,European Commission,hmli21,,,250000,,Pledge,,,,',
    ].join('\r\n');
    const result = parseFtsFlows(text, 'flows.csv');
    expect(result.refused).toEqual([]);
    expect(result.flows).toEqual<FtsFlow[]>([
      {
        row: 2,
        flowId: '301',
        donor: 'Sweden, Government of',
        planCode: 'HBFA21',
        ftsPlanId: null,
        amountUsd: 349_500,
        originalAmount: 3_000_000,
        originalCurrency: 'SEK',
        exchangeRate: 1 / 8.5837,
        status: 'commitment',
        date: '2021-05-02',
        decisionDate: '2021-04-20',
        clusterName: 'Protection',
        countryIso3OrName: 'BFA',
      },
      {
        row: 3,
        flowId: '302',
        donor: 'European Commission',
        planCode: 'HMLI21',
        ftsPlanId: null,
        amountUsd: 250_000,
        originalAmount: null,
        originalCurrency: null,
        exchangeRate: null,
        status: 'pledge',
        date: null,
        decisionDate: null,
        clusterName: null,
        countryIso3OrName: null,
      },
    ]);
  });

  it('reads French headers from French Excel (semicolons, accents)', () => {
    const text = [
      'Identifiant du flux;Bailleur;Code du plan;Montant;Devise;Montant (USD);Taux de change;Statut;Date;Date de décision;Secteur;Pays',
      '401;Coopération suisse;HNER21;1 000 000;CHF;1 001 001;0,999;Versé;2021-06-01;2021-05-15;Abris et AME;Niger',
      '402;Royaume-Uni;HNER21;500000;GBP;690000;;Promesse;2021-06-01;;EHA;Niger',
    ].join('\n');
    const result = parseFtsFlows(text);
    // A decimal comma is refused, not guessed; spaces as thousands separators are forgiven.
    expect(codes(result.refused)).toEqual([[2, 'import.notANumber']]);
    expect(result.refused[0]?.column).toBe('Taux de change');
    expect(result.flows).toHaveLength(1);
    expect(result.flows[0]).toMatchObject({ flowId: '402', donor: 'Royaume-Uni', originalCurrency: 'GBP', status: 'pledge', clusterName: 'EHA' });
  });

  it('reads the HDX “FTS incoming funding” layout and its HXL row', () => {
    const text = [
      'date,amountUSD,srcOrganization,destPlanCode,destPlanId,destGlobalClusters,destLocations,flowType,boundary,status,decisionDate,originalAmount,originalCurrency,exchangeRate,id',
      '#date,#value+funding+total+usd,#org+name+funder,#activity+appeal+id+external+impl,#activity+appeal+id+fts_internal+impl,#sector+cluster+name+impl+list,#country+iso3+impl+list,#financial+contribution+type,#financial+direction,#status+text,#date+decision,#value+funding+total,#value+funding+total+currency,#financial+fx,#activity+id+fts_internal',
      '2021-02-01,1200000,"Norway, Government of",HMLI21,1038,"Food Security,Nutrition",MLI,Standard,incoming,paid,2021-01-10,10285714,NOK,8.5714,900001',
      '2021-02-01,0,"Norway, Government of",HMLI21,1038,,MLI,Parked,incoming,commitment,,0,NOK,8.5714,900002',
    ].join('\n');
    const result = parseFtsFlows(text);
    expect(result.refused).toEqual([]);
    expect(result.skipped).toEqual([{ row: 4, flowId: '900002', reason: 'parked' }]);
    expect(result.flows[0]).toMatchObject({
      row: 3,
      flowId: '900001',
      donor: 'Norway, Government of',
      planCode: 'HMLI21',
      ftsPlanId: 1038,
      amountUsd: 1_200_000,
      originalAmount: 10_285_714,
      originalCurrency: 'NOK',
      clusterName: 'Food Security,Nutrition',
      countryIso3OrName: 'MLI',
    });
    expect(result.flows[0]?.exchangeRate).toBeCloseTo(1 / 8.5714, 12);
  });

  it('finds columns by hashtag alone when the headers mean nothing', () => {
    const text = [
      'a,b,c,d,e',
      '#activity+id+fts_internal,#org+funder+name,#value+usd+funding+total,#status+text,#date',
      '77,ECHO,5000,paid,2021-07-07',
    ].join('\n');
    expect(parseFtsFlows(text).flows[0]).toMatchObject({ flowId: '77', donor: 'ECHO', amountUsd: 5000, status: 'paid', date: '2021-07-07' });
  });

  it('keeps formulas as text, refuses duplicates, unknown statuses, negative and huge amounts', () => {
    const text = [
      'Flow ID,Donor,Amount (USD),Status',
      '1,"=HYPERLINK(""http://evil"",""x"")",100,paid',
      '1,Other,100,paid',
      '2,Donor,-100,paid',
      '3,Donor,99999999999999999999,paid',
      '4,Donor,100,maybe',
      '5,+1+1,100.456,paid',
      ',Donor,100,paid',
    ].join('\n');
    const result = parseFtsFlows(text);
    expect(result.flows.map((flow) => [flow.flowId, flow.donor, flow.amountUsd])).toEqual([
      ['1', '=HYPERLINK("http://evil","x")', 100],
      ['5', '+1+1', 100.46],
    ]);
    expect(codes(result.refused)).toEqual([
      [3, 'funding.flow.duplicate'],
      [4, 'funding.amount.negative'],
      [5, 'funding.amount.tooLarge'],
      [6, 'funding.flow.statusUnknown'],
      [8, 'import.valueMissing'],
    ]);
  });

  it('says which columns are missing', () => {
    const error = appErrorOf(() => parseFtsFlows('Donor,Amount\nECHO,5\n', 'flows.csv'));
    expect(error.code).toBe('import.missingColumns');
    expect(error.params.columns).toBe('Flow ID, Amount (USD), Status');
  });
});

describe('hostile input', () => {
  it('binary junk is refused before parsing', () => {
    const junk = new Uint8Array(2048);
    let seed = 7;
    for (let i = 0; i < junk.length; i += 1) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      junk[i] = seed & 0xff;
    }
    expect(appErrorOf(() => decodeText(junk)).code).toBe('import.notText');
  });

  it('property: any text gives a result or a catalogued AppError, never a crash', () => {
    const texts = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\n', '#', '=', '1', 'a', ' ', ';'), maxLength: 80 }),
      fc.array(fc.constantFrom(HEADER, HXL, 'BFA,1,x,HX1,4,y,2021-01-01,2021-12-31,2021,1,1,1', '"', ',,,'), { maxLength: 5 }).map((lines) => lines.join('\n')),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.jsonValue().map((value) => JSON.stringify({ data: { flows: [value, ftsFlow()] } })),
    );
    fc.assert(
      fc.property(texts, (text) => {
        for (const parse of [() => parseFtsRequirementsFunding(text), () => parseFtsFlows(text)]) {
          try {
            const result = parse();
            expect(Array.isArray(result.refused)).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(AppError);
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});
