import { describe, expect, it } from 'vitest';
import { SAHEL_ADMIN } from '../demo/sahel-admin.js';
import { normalisePcode } from '../geo/pcode.js';
import { AGE_BAND_FIELDS, LOCATION_TYPES, POPULATION_GROUPS, REASONS, SETTLEMENT_TYPES } from '../shared/displacement.js';
import { BENCH_ROUND, DEFAULT_ERROR_RATE, PROBLEM_KINDS, PROBLEM_SEVERITY, apportion, generateBenchRound, generateRoundRows, listInjectedProblems, type InjectedProblem } from './dtm-generator.js';
import { DEMO_OPERATIONS, adminBox, degreesOutside, demoOperation, type DemoOperation, type RoundFileRow } from './dtm-geography.js';
import { generateOperationPlan, type RoundPlan } from './dtm-model.js';
import { mulberry32 } from './synthetic.js';

const SEED = 20_190_101;

/** admin P-code → parent admin1 (null for admin1), from the demo gazetteer. */
const GAZETTEER = new Map<string, string | null>();
for (const { admin1 } of Object.values(SAHEL_ADMIN)) {
  for (const [pcode, , children] of admin1) {
    GAZETTEER.set(pcode, null);
    for (const [child] of children) GAZETTEER.set(child, pcode);
  }
}

const DAY = 86_400_000;
const days = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / DAY;

function canonical(value: unknown): string | null {
  const result = normalisePcode(value);
  return result.status === 'ok' ? result.pcode : null;
}

const plans = generateOperationPlan(SEED);
const planOf = (code: string): RoundPlan[] => plans.find((plan) => plan.operation.code === code)?.rounds ?? [];
const roundOf = (code: string, number: number, type: 'BA' | 'SA'): RoundPlan => {
  const found = planOf(code).find((round) => round.number === number && round.assessmentType === type);
  if (found === undefined) throw new Error(`no round ${code} ${number} ${type}`);
  return found;
};

const rowsOf = (operation: DemoOperation, round: RoundPlan, errorRate = 0, seed = SEED): RoundFileRow[] => [...generateRoundRows(seed, operation, round, { errorRate })];

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);
const idpTotal = (rows: RoundFileRow[]): number => sum(rows.filter((row) => row.populationGroup === 'idp').map((row) => Number(row.individuals)));

/** Every invariant a clean row keeps; returns the broken ones (empty when clean). */
function brokenInvariants(row: RoundFileRow, round: RoundPlan, ageCount: number, country: string): string[] {
  const broken: string[] = [];
  const admin1 = canonical(row.admin1Pcode);
  const admin2 = canonical(row.admin2Pcode);
  if (admin1 === null || GAZETTEER.get(admin1) !== null) broken.push(`admin1 ${String(row.admin1Pcode)}`);
  if (admin2 === null || GAZETTEER.get(admin2) !== admin1) broken.push(`admin2 ${String(row.admin2Pcode)}`);
  if (admin1 !== null && !admin1.startsWith(country)) broken.push('country');
  for (const field of ['originAdmin1Pcode', 'originAdmin2Pcode'] as const) {
    const value = row[field];
    if (row.populationGroup === 'returnee-abroad') {
      if (value !== null) broken.push(`${field} for returnees from abroad`);
      continue;
    }
    const code = canonical(value);
    if (code === null || !GAZETTEER.has(code) || !code.startsWith(country)) broken.push(`${field} ${String(value)}`);
  }
  if (row.populationGroup !== 'returnee-abroad' && GAZETTEER.get(canonical(row.originAdmin2Pcode) ?? '') !== canonical(row.originAdmin1Pcode)) broken.push('origin admin2 not in origin admin1');

  const numbers = ['households', 'individuals', 'females', 'males', ...AGE_BAND_FIELDS.slice(0, ageCount), ...AGE_BAND_FIELDS.slice(5, 5 + ageCount)] as const;
  for (const field of numbers) {
    const value = row[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) broken.push(`${field} = ${String(value)}`);
  }
  const individuals = Number(row.individuals);
  const households = Number(row.households);
  const females = Number(row.females);
  const males = Number(row.males);
  if (individuals < 3 || households < 1) broken.push('empty');
  // Inside the default household-size range of an operation (migrations: 2–12).
  if (individuals / households < 2 || individuals / households > 12) broken.push(`household size ${individuals}/${households}`);
  if (females + males !== individuals) broken.push('sexes do not sum');
  if (sum(AGE_BAND_FIELDS.slice(0, ageCount).map((field) => Number(row[field]))) !== females) broken.push('female bands do not sum');
  if (sum(AGE_BAND_FIELDS.slice(5, 5 + ageCount).map((field) => Number(row[field]))) !== males) broken.push('male bands do not sum');
  for (const field of [...AGE_BAND_FIELDS.slice(ageCount, 5), ...AGE_BAND_FIELDS.slice(5 + ageCount)]) {
    if (field in row) broken.push(`${field} beyond the age ranges`);
  }

  const date = String(row.assessmentDate);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || date < round.collectionStart || date > round.collectionEnd) broken.push(`date ${date}`);
  const arrival = /^(\d{4})-Q([1-4])$/.exec(String(row.arrivalPeriod));
  if (arrival === null || `${arrival[1]}-${String((Number(arrival[2]) - 1) * 3 + 1).padStart(2, '0')}-01` > round.referenceDate) broken.push(`arrival ${String(row.arrivalPeriod)}`);
  if (!(REASONS as readonly unknown[]).includes(row.reason)) broken.push(`reason ${String(row.reason)}`);
  if (!(POPULATION_GROUPS as readonly unknown[]).includes(row.populationGroup)) broken.push(`group ${String(row.populationGroup)}`);
  if (!(LOCATION_TYPES as readonly unknown[]).includes(row.locationType)) broken.push(`location type ${String(row.locationType)}`);

  if (round.assessmentType === 'BA') {
    if (row.locationType !== 'admin-area' || row.locationCode !== admin2) broken.push('BA location');
    if ('latitude' in row || 'locationName' in row) broken.push('BA row with site fields');
  } else {
    if (typeof row.locationCode !== 'string' || !row.locationCode.startsWith(`${admin2 ?? '?'}-`) || !/-\d{4,}$/.test(row.locationCode)) broken.push(`location code ${String(row.locationCode)}`);
    if (typeof row.locationName !== 'string' || row.locationName.trim() === '') broken.push('location name');
    if (!(SETTLEMENT_TYPES as readonly unknown[]).includes(row.settlementType)) broken.push(`settlement ${String(row.settlementType)}`);
    const box = adminBox(admin2 ?? '');
    if (box === undefined || degreesOutside(box, Number(row.latitude), Number(row.longitude)) > 0) broken.push('coordinates outside the admin2 box');
  }
  return broken;
}

describe('mulberry32 and apportion', () => {
  it('is a pure function of its seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
    expect(first.every((value) => value >= 0 && value < 1)).toBe(true);
  });

  it('splits a whole number exactly', () => {
    expect(apportion(10, [0.17, 0.32, 0.43, 0.08])).toEqual([2, 3, 4, 1]);
    expect(sum(apportion(1, [0.2, 0.3, 0.5]))).toBe(1);
    expect(sum(apportion(0, [0.2, 0.8]))).toBe(0);
  });
});

describe('DEMO_OPERATIONS', () => {
  it('lists the three operations over the demo gazetteer', () => {
    expect(DEMO_OPERATIONS.map((operation) => [operation.code, operation.name, operation.nameFr, operation.country])).toEqual([
      ['MLI-CONFLICT', 'Mali Conflict', 'Conflit au Mali', 'ML'],
      ['BFA-CRISIS', 'Burkina Faso Crisis', 'Crise au Burkina Faso', 'BF'],
      ['NER-TAHOUA-TILLABERI', 'Displacement in Tahoua and Tillaberi', 'Déplacements à Tahoua et Tillabéri', 'NE'],
    ]);
    expect(demoOperation('MLI-CONFLICT').admin1Pcodes).toHaveLength(10);
    expect(demoOperation('BFA-CRISIS').admin1Pcodes).toHaveLength(13);
    expect(demoOperation('NER-TAHOUA-TILLABERI').admin1Pcodes).toEqual(['NE005', 'NE006']);
    for (const operation of DEMO_OPERATIONS) expect(operation.ageRanges).toEqual(['0-4', '5-17', '18-59', '60+']);
  });
});

describe('generateOperationPlan', () => {
  it('plans BA and SA rounds every 2–3 months from 2019 to 2021, numbered per operation', () => {
    expect(plans.map((plan) => plan.operation.code)).toEqual(['MLI-CONFLICT', 'BFA-CRISIS', 'NER-TAHOUA-TILLABERI']);
    for (const { operation, rounds } of plans) {
      const numbers = [...new Set(rounds.map((round) => round.number))];
      expect(numbers).toEqual(numbers.map((_, index) => index + 1));
      expect(numbers.length).toBeGreaterThanOrEqual(12);
      expect(numbers.length).toBeLessThanOrEqual(18);
      for (const number of numbers) {
        const pair = rounds.filter((round) => round.number === number);
        expect(pair.map((round) => round.assessmentType)).toEqual(['BA', 'SA']);
        expect(pair[0]?.referenceDate).toBe(pair[1]?.referenceDate);
      }
      const bas = rounds.filter((round) => round.assessmentType === 'BA');
      bas.forEach((round, index) => {
        expect(round.operationCode).toBe(operation.code);
        expect(days(round.collectionStart, round.collectionEnd)).toBeGreaterThanOrEqual(20);
        expect(days(round.collectionStart, round.collectionEnd)).toBeLessThanOrEqual(28);
        expect(days(round.collectionEnd, round.referenceDate)).toBeGreaterThanOrEqual(0);
        expect(days(round.collectionEnd, round.referenceDate)).toBeLessThanOrEqual(3);
        expect(round.collectionStart >= '2019-01-01' && round.referenceDate <= '2021-12-31').toBe(true);
        const previous = bas[index - 1];
        expect(round.previousReferenceDate).toBe(previous?.referenceDate ?? null);
        if (previous) {
          expect(days(previous.collectionStart, round.collectionStart)).toBeGreaterThanOrEqual(60);
          expect(days(previous.collectionStart, round.collectionStart)).toBeLessThanOrEqual(90);
        }
      });
    }
  });

  it('is deterministic from the seed', () => {
    expect(generateOperationPlan(SEED)).toEqual(plans);
    expect(generateOperationPlan(SEED + 1)).not.toEqual(plans);
    expect(generateOperationPlan(SEED, { assessmentTypes: ['SA'] })[0]?.rounds.every((round) => round.assessmentType === 'SA')).toBe(true);
  });
});

describe('generateRoundRows', () => {
  const mali = demoOperation('MLI-CONFLICT');

  it('gives the same rows for the same seed, other rows for another seed', () => {
    const round = roundOf('MLI-CONFLICT', 3, 'SA');
    const problems: InjectedProblem[] = [];
    const again: InjectedProblem[] = [];
    const first = [...generateRoundRows(SEED, mali, round, { problems })];
    expect([...generateRoundRows(SEED, mali, round, { problems: again })]).toEqual(first);
    expect(again).toEqual(problems);
    expect(JSON.stringify(rowsOf(mali, round, DEFAULT_ERROR_RATE, SEED + 1))).not.toEqual(JSON.stringify(first));
  });

  it('is lazy: the first rows come without generating the round', () => {
    const iterator = generateRoundRows(SEED, mali, roundOf('MLI-CONFLICT', 1, 'SA'));
    const first = iterator.next();
    expect(first.done).toBe(false);
    expect(first.value).toMatchObject({ admin1Pcode: expect.any(String) as unknown });
  });

  it.each([
    ['BFA-CRISIS', [420_000, 620_000], [1_200_000, 1_600_000]],
    ['MLI-CONFLICT', [225_000, 300_000], [340_000, 430_000]],
    ['NER-TAHOUA-TILLABERI', [90_000, 130_000], [170_000, 215_000]],
  ] as const)('keeps %s IDP totals in plausible ranges, growing across rounds', (code, [firstLow, firstHigh], [lastLow, lastHigh]) => {
    const operation = demoOperation(code);
    for (const seed of [SEED, 7]) {
      const rounds = generateOperationPlan(seed).find((plan) => plan.operation.code === code)?.rounds ?? [];
      const ba = rounds.filter((round) => round.assessmentType === 'BA').map((round) => idpTotal(rowsOf(operation, round, 0, seed)));
      const sa = rounds.filter((round) => round.assessmentType === 'SA').map((round) => idpTotal(rowsOf(operation, round, 0, seed)));
      expect(ba[0]).toBeGreaterThanOrEqual(firstLow);
      expect(ba[0]).toBeLessThanOrEqual(firstHigh);
      expect(ba.at(-1)).toBeGreaterThanOrEqual(lastLow);
      expect(ba.at(-1)).toBeLessThanOrEqual(lastHigh);
      expect(Math.min(...ba)).toBeGreaterThanOrEqual(firstLow);
      expect(Math.max(...ba)).toBeLessThanOrEqual(lastHigh);
      // Sites cover most, never more, of the baseline: the reason BA and SA are never added.
      sa.forEach((total, index) => {
        expect(total).toBeLessThanOrEqual(ba[index] ?? 0);
        expect(total).toBeGreaterThanOrEqual(0.7 * (ba[index] ?? 0));
      });
    }
  });

  it('keeps every invariant on clean rows, and figures evolve without jumps', () => {
    const failures: string[] = [];
    for (const { operation, rounds } of plans) {
      const previous = new Map<string, number>();
      const identity = new Map<string, string>();
      const groups = new Map<string, number>();
      const reasons = new Map<string, number>();
      let variants = 0;
      let rowsSeen = 0;
      let females = 0;
      let individuals = 0;
      let sameOrNeighbour = 0;
      for (const round of rounds) {
        const rows = rowsOf(operation, round);
        const keys = new Set<string>();
        for (const row of rows) {
          rowsSeen += 1;
          const where = `${operation.code} round ${round.number} ${round.assessmentType} ${String(row.locationCode)}`;
          for (const broken of brokenInvariants(row, round, 4, operation.country)) failures.push(`${where}: ${broken}`);
          const key = `${round.assessmentType}|${String(row.locationCode)}|${String(row.populationGroup)}`;
          if (keys.has(key)) failures.push(`${where}: duplicate`);
          keys.add(key);
          const value = Number(row.individuals);
          const before = previous.get(key);
          if (before !== undefined && Math.abs(value - before) > 500 && Math.abs(value - before) / before > 0.5) failures.push(`${where}: jump ${before} → ${value}`);
          previous.set(key, value);
          // A location keeps its name, coordinates, reason and origin across rounds.
          const who = JSON.stringify([row.locationName, row.latitude, row.longitude, row.locationType, row.settlementType, row.reason, canonical(row.originAdmin2Pcode)]);
          const seen = identity.get(key);
          if (seen !== undefined && seen !== who) failures.push(`${where}: identity changed`);
          identity.set(key, who);
          groups.set(String(row.populationGroup), (groups.get(String(row.populationGroup)) ?? 0) + 1);
          reasons.set(String(row.reason), (reasons.get(String(row.reason)) ?? 0) + value);
          if (row.admin2Pcode !== canonical(row.admin2Pcode) || row.admin1Pcode !== canonical(row.admin1Pcode)) variants += 1;
          females += Number(row.females);
          individuals += value;
          const origin = canonical(row.originAdmin1Pcode);
          if (origin !== null && origin === canonical(row.admin1Pcode)) sameOrNeighbour += 1;
        }
      }
      expect((groups.get('idp') ?? 0) / rowsSeen).toBeGreaterThan(0.6);
      expect(groups.get('returnee') ?? 0).toBeGreaterThan(0);
      expect(groups.get('returnee-abroad') ?? 0).toBeGreaterThan(0);
      const people = sum([...reasons.values()]);
      expect(((reasons.get('conflict') ?? 0) + (reasons.get('insecurity') ?? 0)) / people).toBeGreaterThan(0.8);
      expect(reasons.get('natural-disaster') ?? 0).toBeGreaterThan(0);
      expect(females / individuals).toBeGreaterThan(0.5);
      expect(females / individuals).toBeLessThan(0.54);
      expect(sameOrNeighbour / rowsSeen).toBeGreaterThan(0.4);
      // A few harmless P-code spellings (ISO3, trailing space, lower case), all normalised above.
      expect(variants / rowsSeen).toBeGreaterThan(0.01);
      expect(variants / rowsSeen).toBeLessThan(0.1);
    }
    expect(failures.slice(0, 10)).toEqual([]);
  }, 60_000);

  it('keeps SA locations across rounds and adds new ones now and then', () => {
    const codes = (number: number): Set<string> => new Set(rowsOf(mali, roundOf('MLI-CONFLICT', number, 'SA')).map((row) => String(row.locationCode)));
    const first = codes(1);
    const last = codes(planOf('MLI-CONFLICT').length / 2);
    expect([...first].every((code) => last.has(code))).toBe(true);
    expect(last.size).toBeGreaterThan(first.size);
    const names = rowsOf(mali, roundOf('MLI-CONFLICT', 1, 'SA')).map((row) => String(row.locationName));
    expect(names.some((name) => /^[A-Z]/.test(name) && !/^(Site|Quartier|École|Centre)/.test(name))).toBe(true);
    expect(names.some((name) => name.startsWith('Site'))).toBe(true);
  });

  it('writes BA rows per admin2 and group', () => {
    const rows = rowsOf(demoOperation('NER-TAHOUA-TILLABERI'), roundOf('NER-TAHOUA-TILLABERI', 1, 'BA'));
    const admin2 = new Set(rows.map((row) => canonical(row.admin2Pcode)));
    expect(admin2.size).toBe(26);
    expect(rows.filter((row) => row.populationGroup === 'idp')).toHaveLength(26);
  });

  it('follows the age ranges given', () => {
    const round = roundOf('BFA-CRISIS', 2, 'SA');
    const rows = [...generateRoundRows(SEED, demoOperation('BFA-CRISIS'), round, { errorRate: 0, ageRanges: ['0-17', '18+'] })];
    for (const row of rows.slice(0, 500)) expect(brokenInvariants(row, round, 2, 'BF')).toEqual([]);
  });
});

/** An independent reading of each problem against its row: what a validator must find. */
function confirms(problem: InjectedProblem, rows: RoundFileRow[], round: RoundPlan, previous: Map<string, number>): boolean {
  const row = rows[problem.rowIndex];
  if (row === undefined || row.locationCode !== problem.locationCode || row.populationGroup !== problem.populationGroup) return false;
  const n = (field: keyof RoundFileRow): number => Number(row[field]);
  switch (problem.kind) {
    case 'unknown-pcode': {
      const code = canonical(row.admin2Pcode);
      return code !== null && !GAZETTEER.has(code);
    }
    case 'not-a-number':
      return typeof row[problem.field] === 'string' && !/^-?\d+(\.\d+)?$/.test(String(row[problem.field]).trim());
    case 'negative-number':
      return n(problem.field) < 0;
    case 'parts-exceed-total':
      return n('females') > n('individuals');
    case 'duplicate-location': {
      const first = rows[problem.duplicateOf ?? -1];
      return first !== undefined && first.locationCode === row.locationCode && first.populationGroup === row.populationGroup;
    }
    case 'parts-sum-mismatch':
      return (
        n('females') + n('males') !== n('individuals') ||
        n('f1') + n('f2') + n('f3') + n('f4') !== n('females') ||
        n('m1') + n('m2') + n('m3') + n('m4') !== n('males')
      );
    case 'household-size':
      return n('individuals') / n('households') > 15;
    case 'round-jump': {
      const before = previous.get(`${problem.locationCode}|${problem.populationGroup}`);
      if (before === undefined) return false;
      const change = n('individuals') - before;
      return Math.abs(change) > 500 && Math.abs(change) / before > 0.5;
    }
    case 'coordinates-outside': {
      const box = adminBox(canonical(row.admin2Pcode) ?? '');
      return box !== undefined && degreesOutside(box, n('latitude'), n('longitude')) >= 2;
    }
    case 'date-outside-period': {
      const date = String(row.assessmentDate);
      return date < round.collectionStart || date > round.collectionEnd;
    }
  }
}

describe('the error sprinkle', () => {
  it('is off at errorRate 0 and about 0.5 % of rows by default', () => {
    const operation = demoOperation('BFA-CRISIS');
    let rows = 0;
    let problems = 0;
    for (const round of planOf('BFA-CRISIS').filter((plan) => plan.assessmentType === 'SA')) {
      expect(listInjectedProblems(SEED, operation, round, { errorRate: 0 })).toEqual([]);
      rows += rowsOf(operation, round).length;
      problems += listInjectedProblems(SEED, operation, round).length;
    }
    expect(problems / rows).toBeGreaterThan(0.003);
    expect(problems / rows).toBeLessThan(0.008);
  });

  it.each(DEMO_OPERATIONS.map((operation) => [operation.code, operation] as const))('produces every kind in %s, each where it is reported', (code, operation) => {
    const kinds = new Set<string>();
    for (const type of ['BA', 'SA'] as const) {
      for (const number of [4, 9]) {
        const round = roundOf(code, number, type);
        const problems: InjectedProblem[] = [];
        const rows = [...generateRoundRows(SEED, operation, round, { errorRate: 0.08, problems })];
        const before = roundOf(code, number - 1, type);
        const previous = new Map(rowsOf(operation, before).map((row) => [`${String(row.locationCode)}|${String(row.populationGroup)}`, Number(row.individuals)]));
        expect(problems.length).toBeGreaterThan(0);
        for (const problem of problems) {
          kinds.add(problem.kind);
          expect(problem.severity).toBe(PROBLEM_SEVERITY[problem.kind]);
          expect(rows[problem.rowIndex]?.[problem.field], `${problem.kind} value`).toEqual(problem.value);
          expect(confirms(problem, rows, round, previous), `${problem.kind} at row ${problem.rowIndex}`).toBe(true);
        }
        // Every row not reported is clean.
        const reported = new Set(problems.map((problem) => problem.rowIndex));
        const failures = rows.flatMap((row, index) => (reported.has(index) ? [] : brokenInvariants(row, round, 4, operation.country).map((broken) => `row ${index}: ${broken}`)));
        expect(failures).toEqual([]);
      }
    }
    expect([...kinds].sort()).toEqual([...PROBLEM_KINDS].sort());
  }, 30_000);

  it('leaves the clean rows as they are', () => {
    const operation = demoOperation('MLI-CONFLICT');
    const round = roundOf('MLI-CONFLICT', 5, 'SA');
    const clean = new Map(rowsOf(operation, round).map((row) => [`${String(row.locationCode)}|${String(row.populationGroup)}`, row]));
    const problems: InjectedProblem[] = [];
    const rows = [...generateRoundRows(SEED, operation, round, { errorRate: 0.05, problems })];
    const touched = new Set(problems.map((problem) => problem.rowIndex));
    expect(rows.length).toBe(clean.size + problems.filter((problem) => problem.kind === 'duplicate-location').length);
    rows.forEach((row, index) => {
      if (!touched.has(index)) expect(row).toEqual(clean.get(`${String(row.locationCode)}|${String(row.populationGroup)}`));
    });
  });
});

describe('generateBenchRound', () => {
  it('yields exactly the rows asked, unique sites over every Mali admin2', () => {
    const rows = [...generateBenchRound(SEED, 12_345, { errorRate: 0 })];
    expect(rows).toHaveLength(12_345);
    expect(new Set(rows.map((row) => row.locationCode)).size).toBe(12_345);
    expect(new Set(rows.map((row) => canonical(row.admin2Pcode))).size).toBe(53);
    expect(rows.flatMap((row) => brokenInvariants(row, BENCH_ROUND, 4, 'ML'))).toEqual([]);
    expect([...generateBenchRound(SEED, 50)]).toEqual([...generateBenchRound(SEED, 50)]);
  });

  it('keeps the count with the sprinkle on (a duplicate takes the next row’s place)', () => {
    const problems: InjectedProblem[] = [];
    const rows = [...generateBenchRound(SEED, 5_000, { errorRate: 0.02, problems })];
    expect(rows).toHaveLength(5_000);
    expect(problems.length).toBeGreaterThan(50);
    expect(new Set(problems.map((problem) => problem.kind)).size).toBe(PROBLEM_KINDS.length - 1); // no previous round: no jump
    expect([...generateBenchRound(SEED, 0)]).toEqual([]);
  });
});
