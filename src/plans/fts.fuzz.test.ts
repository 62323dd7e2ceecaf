/**
 * Fuzz tests (property-based) of the FTS readers: the requirements-and-funding CSV and flows as
 * CSV or FTS API JSON. Whatever the file, the answer keeps every promise of FtsAppeal / FtsFlow
 * (amounts finite, in range and in cents; valid codes, ids and dates) with catalogued refusals,
 * or is one catalogued AppError; never another exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_AMOUNT } from './currency.js';
import { parseFtsFlows } from './fts-flows.js';
import { parseFtsRequirementsFunding } from './fts-requirements.js';
import { type FtsFlows, type FtsRequirementsFunding } from './fts-common.js';
import { isCalendarDate } from '../shared/dates.js';
import { CONTRIBUTION_STATUSES } from './types.js';
import { FUZZ, checkRowIssues, columnsOf, mostly, settle } from '../../test/support/fuzz.js';

const APPEAL_CODE = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
const FLOW_ID = /^[0-9A-Za-z-]{1,40}$/;
const isCents = (value: number): boolean => Math.round(value * 100) / 100 === value;

function checkMoney(value: number | null, positive = false): void {
  if (value === null) return;
  expect(Number.isFinite(value) && value >= 0 && value <= MAX_AMOUNT && isCents(value), String(value)).toBe(true);
  if (positive) expect(value).toBeGreaterThan(0);
}

function checkAppeals(result: FtsRequirementsFunding): void {
  const codes = new Set<string>();
  for (const appeal of result.appeals) {
    expect(appeal.code).toMatch(APPEAL_CODE);
    expect(codes.has(appeal.code)).toBe(false);
    codes.add(appeal.code);
    expect(appeal.countryIso3).toMatch(/^[A-Z]{3}$/);
    expect(appeal.name.trim()).not.toBe('');
    expect(appeal.name.length).toBeLessThanOrEqual(300);
    if (appeal.ftsPlanId !== null) expect(Number.isInteger(appeal.ftsPlanId) && appeal.ftsPlanId >= 1 && appeal.ftsPlanId <= 2_147_483_647).toBe(true);
    if (appeal.startDate !== null) expect(isCalendarDate(appeal.startDate)).toBe(true);
    if (appeal.endDate !== null) expect(isCalendarDate(appeal.endDate)).toBe(true);
    if (appeal.startDate !== null && appeal.endDate !== null) expect(appeal.endDate >= appeal.startDate).toBe(true);
    if (appeal.year !== null) expect(appeal.year >= 1900 && appeal.year <= 2200).toBe(true);
    checkMoney(appeal.requirementsUsd);
    checkMoney(appeal.fundingUsd);
    if (appeal.percentFunded !== null) expect(Number.isFinite(appeal.percentFunded) && appeal.percentFunded >= 0 && appeal.percentFunded <= 1e6).toBe(true);
  }
  checkRowIssues(result.refused);
}

function checkFlows(result: FtsFlows): void {
  const ids = new Set<string>();
  for (const flow of result.flows) {
    expect(flow.flowId).toMatch(FLOW_ID);
    expect(ids.has(flow.flowId)).toBe(false);
    ids.add(flow.flowId);
    checkMoney(flow.amountUsd, true);
    checkMoney(flow.originalAmount, true);
    if (flow.originalAmount !== null) expect(flow.originalCurrency).toMatch(/^[A-Z]{3}$/);
    if (flow.exchangeRate !== null) expect(Number.isFinite(flow.exchangeRate) && flow.exchangeRate > 0).toBe(true);
    expect(CONTRIBUTION_STATUSES).toContain(flow.status);
    expect(flow.donor.trim()).not.toBe('');
    expect(flow.donor.length).toBeLessThanOrEqual(300);
    if (flow.planCode !== null) expect(flow.planCode).toMatch(APPEAL_CODE);
    if (flow.ftsPlanId !== null) expect(Number.isInteger(flow.ftsPlanId) && flow.ftsPlanId >= 1 && flow.ftsPlanId <= 2_147_483_647).toBe(true);
    for (const date of [flow.date, flow.decisionDate]) if (date !== null) expect(isCalendarDate(date)).toBe(true);
    for (const name of [flow.clusterName, flow.countryIso3OrName]) if (name !== null) expect(name.length).toBeLessThanOrEqual(300);
  }
  for (const skipped of result.skipped) {
    expect(['parked', 'not-incoming', 'zero-amount']).toContain(skipped.reason);
    expect(ids.has(skipped.flowId)).toBe(false);
  }
  checkRowIssues(result.refused);
}

/** CSV text from cells, quoted where needed. */
function csv(rows: readonly (readonly string[])[]): string {
  const quote = (value: string): string => (/[",;\t\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return `${rows.map((cells) => cells.map(quote).join(',')).join('\n')}\n`;
}

const wrongAmountText = fc.oneof(
  fc.constantFrom('0', '1', '607875894', '607875894.5', '0.005', '1e13', '1.0000000001e13', '1e309', '-1e309', 'NaN', 'Infinity', '-0', '-5', '1 234', '1,234', '1.234,5', '0x10', '', '<Null>', '  12  ', '１２', '1e-400', '9'.repeat(400), '.5', '5.'),
  fc.double().map(String),
  fc.integer().map(String),
);
const amountText = mostly(fc.oneof(fc.integer({ min: 1, max: 1e9 }).map(String), fc.constantFrom('607875894.5', '1 234 567', '0.01')), wrongAmountText);
const dateText = mostly(fc.constantFrom('2021-01-01', '2021-12-31', '2021-03-04T00:00:00Z', ''), fc.constantFrom('2020-02-29', '2021-02-29', '2021-13-01', '2021-03-04T00:00:00Z', '2021-03-04T25:99:00Z', '2021-03-04 10:00', '', 'null', '04/03/2021', '99999-01-01'));
const nameText = mostly(
  fc.constantFrom('Burkina Faso Plan de Réponse Humanitaire 2021', 'Royaume de Belgique', 'Not specified', '=1+1', 'Ségou — « x »'),
  fc.oneof(fc.constantFrom('', ' ', 'x'.repeat(301), 'nan', '#N/A'), fc.string({ maxLength: 20 })),
);
const codeText = mostly(fc.constantFrom('HBFA21', 'hbfa21', 'CXWAF10', 'HBFA21 ', 'RDJIETHSOMYEM22'), fc.constantFrom('', 'Not specified', '#activity+appeal', 'A'.repeat(41), 'H-', 'X', 'ÉÉ21'));

describe('FTS requirements and funding (fuzz)', FUZZ, () => {
  const header = ['countryCode', 'id', 'name', 'code', 'typeId', 'typeName', 'startDate', 'endDate', 'year', 'requirements', 'funding', 'percentFunded'];
  const hxl = '#country+code,#activity+appeal+id+fts_internal,#activity+appeal+name,#activity+appeal+id+external,#activity+appeal+type+id+fts_internal,#activity+appeal+type+name,#date+start,#date+end,#date+year,#value+funding+required+usd,#value+funding+total+usd,#value+funding+pct'.split(',');
  const row = fc.tuple(
    mostly(fc.constantFrom('BFA', 'bfa', 'MLI'), fc.constantFrom('BF', '', 'Burkina')),
    mostly(fc.constantFrom('1037', '1037.0', ''), fc.constantFrom('0', '2147483648', '-1', '1e3', 'x')),
    nameText,
    codeText,
    fc.constantFrom('4', '', 'x'),
    nameText,
    dateText,
    dateText,
    mostly(fc.constantFrom('2021', '2021.0', ''), fc.constantFrom('1899', '21', '2201', '2021.5')),
    amountText,
    amountText,
    amountText,
  );
  const file = fc.record({
    columns: columnsOf(header, ['countryCode', 'name', 'code', 'requirements', 'funding']),
    withHxl: fc.boolean(),
    rows: fc.array(row, { maxLength: 8 }),
    repeat: fc.boolean(),
  });

  it('gives appeals that keep every promise, and catalogued refusals, for any file of this shape', () => {
    let accepted = 0;
    fc.assert(
      fc.property(file, ({ columns, withHxl, rows, repeat }) => {
        const pick = (cells: readonly string[]): string[] => columns.map((column) => cells[header.indexOf(column)] ?? '');
        const lines = [pick(header), ...(withHxl ? [pick(hxl)] : []), ...rows.map((cells) => pick(cells))];
        // An exact repeat of a row is skipped; a different one with the same code is refused.
        if (repeat && rows.length > 0) lines.push(pick(rows[0]!));
        const outcome = settle(() => parseFtsRequirementsFunding(csv(lines)));
        if (outcome.ok) checkAppeals(outcome.value);
        if (outcome.ok && outcome.value.appeals.length > 0) accepted += 1;
      }),
      { numRuns: 300 },
    );
    // The generators reach the accepting path, not only refusals.
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('FTS flows (fuzz)', FUZZ, () => {
  const junk = fc.constantFrom<unknown>(null, undefined, true, [], {}, 'x', 0, -1, 1e308, Number.NaN);
  const organisation = mostly(fc.record({ type: fc.constantFrom('Organization', 'organization', 'Plan', 'X'), name: mostly(nameText, junk) }), junk);
  const destination = fc.oneof(
    fc.record({
      type: fc.constantFrom('Plan', 'GlobalCluster', 'Cluster', 'Location', 'plan', 'Other'),
      id: fc.oneof(fc.constantFrom<unknown>(1037, '1037', 0, -5, 2 ** 31, 1.5, '1037.0'), junk),
      name: fc.oneof(nameText, junk),
      code: fc.oneof(codeText, junk),
    }),
    junk,
  );
  const flow = fc.oneof(
    {
      weight: 12,
      arbitrary: fc.record(
        {
          id: mostly(fc.oneof(fc.nat(), fc.constantFrom<unknown>('213042', 'REF-1')), fc.oneof(fc.constantFrom<unknown>('', 'a b', '1'.repeat(41), -1, 1.5), junk)),
          amountUSD: mostly(fc.oneof(fc.integer({ min: 0, max: 1e9 }), fc.constantFrom<unknown>(726738, 1e13, 0.01)), fc.oneof(fc.double(), wrongAmountText, junk, fc.constantFrom<unknown>(1e13 + 0.01))),
          originalAmount: mostly(fc.constantFrom<unknown>(617727, null, 0), fc.oneof(fc.double(), amountText, junk)),
          originalCurrency: mostly(fc.constantFrom<unknown>('EUR', 'XOF', 'usd', 'USD', null), fc.constantFrom<unknown>('ZZZ', '', 5, 'EURO')),
          exchangeRate: mostly(fc.constantFrom<unknown>(0.85, '0.85', 655.957, null), fc.oneof(fc.constantFrom<unknown>(0, -1, 1e-300, 1e308, 1e9, 'x'), fc.double())),
          status: mostly(fc.constantFrom<unknown>('paid', 'Paid Contribution', 'pledge', 'commitment', 'versé', 'PROMESSE DE DON'), fc.constantFrom<unknown>('x', null, 3, '')),
          date: fc.oneof(dateText, junk),
          decisionDate: fc.oneof(dateText, junk),
          sourceObjects: mostly(fc.array(organisation, { minLength: 1, maxLength: 3 }), junk),
          destinationObjects: mostly(fc.array(destination, { maxLength: 3 }), junk),
          flowType: fc.constantFrom<unknown>('Parked', 'parked', 'Standard', null, 5),
          boundary: fc.constantFrom<unknown>('incoming', 'internal', 'Outgoing', null, []),
        },
        { requiredKeys: ['id', 'amountUSD', 'status', 'sourceObjects'] },
      ),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
  const document = fc.oneof(
    fc.array(flow, { maxLength: 6 }).map((flows) => ({ data: { flows } })),
    fc.array(flow, { maxLength: 6 }),
    fc.array(flow, { maxLength: 6 }).map((flows) => ({ flows })),
    fc.constantFrom<unknown>({ data: { flows: {} } }, { data: null }, { flows: 'x' }, [], {}, null, 'flows'),
  );

  it('reads FTS API JSON of any shape into flows that keep every promise, or catalogued refusals', () => {
    let accepted = 0;
    fc.assert(
      fc.property(document, fc.constantFrom(0, 2), (value, indent) => {
        const outcome = settle(() => parseFtsFlows(JSON.stringify(value, null, indent) ?? '', 'flows.json'));
        if (outcome.ok) checkFlows(outcome.value);
        if (outcome.ok && outcome.value.flows.length > 0) accepted += 1;
      }),
      { numRuns: 400 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('reads flow CSVs with English, French or HDX headers and damaged cells', () => {
    let accepted = 0;
    const header = ['Flow ID', 'Donor', 'Amount (USD)', 'Status', 'Original currency', 'Amount (original)', 'Exchange rate', 'Date', 'Decision date', 'Recipient plan code', 'Plan ID', 'Cluster', 'Country', 'flowType', 'boundary', 'Montant en USD', 'Statut'];
    const cellFor = (column: string): fc.Arbitrary<string> => {
      if (/amount|montant/i.test(column)) return amountText;
      if (/date/i.test(column)) return dateText;
      if (/stat/i.test(column)) return mostly(fc.constantFrom('paid', 'Paid Contribution', 'pledge', 'versé'), fc.constantFrom('x', ''));
      if (/currency/i.test(column)) return mostly(fc.constantFrom('EUR', 'XOF', 'usd', ''), fc.constantFrom('ZZZ', 'EURO'));
      if (/rate/i.test(column)) return mostly(fc.constantFrom('0.85', '655.957', ''), fc.constantFrom('0', '-1', '1e-300', '1e309', 'x'));
      if (column === 'Flow ID') return mostly(fc.nat().map(String), fc.constantFrom('REF-1', '', 'a b', '1'.repeat(41), '213042'));
      if (column === 'flowType') return fc.constantFrom('Parked', 'Standard', '');
      if (column === 'boundary') return fc.constantFrom('incoming', 'internal', '');
      if (column === 'Recipient plan code') return codeText;
      return nameText;
    };
    const file = columnsOf(header, ['Flow ID', 'Donor', 'Amount (USD)', 'Status']).chain((columns) =>
      fc.record({ columns: fc.constant(columns), rows: fc.array(fc.tuple(...columns.map(cellFor)), { maxLength: 6 }) }),
    );
    fc.assert(
      fc.property(file, ({ columns, rows }) => {
        const outcome = settle(() => parseFtsFlows(csv([columns, ...rows]), 'flows.csv'));
        if (outcome.ok) checkFlows(outcome.value);
        if (outcome.ok && outcome.value.flows.length > 0) accepted += 1;
      }),
      { numRuns: 300 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('says where malformed or truncated flow JSON breaks', () => {
    const valid = JSON.stringify({ data: { flows: [{ id: 1, amountUSD: 10, status: 'paid', sourceObjects: [{ type: 'Organization', name: 'X' }] }] } });
    const text = fc.oneof(
      fc.nat({ max: valid.length }).map((end) => valid.slice(0, end)),
      fc.tuple(fc.nat({ max: valid.length }), fc.constantFrom('"', '\u0000', '}', ',', '\\u12', 'NaN', 'x')).map(([at, insert]) => valid.slice(0, at) + insert + valid.slice(at)),
      fc.nat({ max: 3000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
    );
    fc.assert(
      fc.property(text, (value) => {
        const outcome = settle(() => parseFtsFlows(value));
        if (outcome.ok) checkFlows(outcome.value);
        else if (outcome.error.code === 'import.malformedJson') {
          const position = Number(outcome.error.params.position);
          expect(position >= 0 && position <= value.length).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
