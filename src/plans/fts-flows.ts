/**
 * FTS flows (contributions), as the FTS API v1 JSON (`/v1/public/fts/flow`) or as CSV (the HDX
 * "FTS incoming funding" file or a hand-made sheet with English or French headers). Pure: text
 * in, checked flows, skipped rows (not errors) and refused rows out; a file that cannot be read
 * at all is an AppError.
 */
import { AppError } from '../core/errors.js';
import { rowIssue, stripBom, truncateForEcho, type RowIssue } from '../core/tabular.js';
import { parseJsonDocument } from '../core/json.js';
import { isCurrency } from './currency.js';
import type { ContributionStatus } from './types.js';
import { FLOW_ID, MAX_EXCHANGE_RATE, MAX_FLOWS, MIN_EXCHANGE_RATE, describeValue, issue, readAppealCode, readCsv, readDate, readMoney, readName, readNumber, readPlanId, requireColumns, requireValue, resolveColumns, textOf, type Cell, type ColumnSpec, type CsvLayout, type FtsFlow, type FtsFlowSkipReason, type FtsFlows, type Issues } from './fts-common.js';

// ---------------------------------------------------------------------------------------------
// Flows
// ---------------------------------------------------------------------------------------------

/** One flow before checks, from either JSON or CSV; `columns` names where each value came from. */
interface RawFlow {
  row: number;
  id: Cell;
  amountUsd: Cell;
  originalAmount: Cell;
  originalCurrency: Cell;
  exchangeRate: Cell;
  status: Cell;
  date: Cell;
  decisionDate: Cell;
  donor: Cell;
  planCode: Cell;
  planId: Cell;
  cluster: Cell;
  country: Cell;
  flowType: Cell;
  boundary: Cell;
  /** Names of the destination plans when the source lists them (JSON); more than one is refused. */
  plans: string[];
}

/**
 * Statuses as FTS, its exports and French-speaking finance officers write them. Keys are
 * lower-case without accents or extra spaces.
 */
const STATUS_SYNONYMS: ReadonlyMap<string, ContributionStatus> = new Map([
  ['paid', 'paid'],
  ['paid contribution', 'paid'],
  ['contribution', 'paid'],
  ['disbursed', 'paid'],
  ['paye', 'paid'],
  ['verse', 'paid'],
  ['versement', 'paid'],
  ['contribution versee', 'paid'],
  ['decaisse', 'paid'],
  ['commitment', 'commitment'],
  ['committed', 'commitment'],
  ['commitments', 'commitment'],
  ['engagement', 'commitment'],
  ['engage', 'commitment'],
  ['pledge', 'pledge'],
  ['pledged', 'pledge'],
  ['pledges', 'pledge'],
  ['promesse', 'pledge'],
  ['promesse de don', 'pledge'],
  ['annonce', 'pledge'],
  ['annonce de contribution', 'pledge'],
]);

function statusKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();
}

/**
 * Tolerance when checking an exchange rate against the two amounts: FTS rounds amounts to the
 * dollar and rates to three decimals.
 */
function amountsAgree(originalAmount: number, usdPerUnit: number, amountUsd: number): boolean {
  return Math.abs(originalAmount * usdPerUnit - amountUsd) <= 1 + amountUsd * 0.005;
}

type FlowOutcome = { kind: 'flow'; flow: FtsFlow } | { kind: 'skip'; reason: FtsFlowSkipReason } | { kind: 'refused'; issues: Issues };

function checkFlow(raw: RawFlow, flowId: string): FlowOutcome {
  const flowType = textOf(raw.flowType.value);
  if (flowType !== null && flowType.toLowerCase() === 'parked') return { kind: 'skip', reason: 'parked' };
  const boundary = textOf(raw.boundary.value);
  if (boundary !== null && ['internal', 'outgoing'].includes(boundary.toLowerCase())) return { kind: 'skip', reason: 'not-incoming' };

  const issues: Issues = [];
  if (raw.plans.length > 1) {
    issues.push(rowIssue(raw.row, raw.planId.column, null, 'funding.flow.severalPlans', { plans: truncateForEcho(raw.plans.join('; ')) }));
  }
  const amountUsd = requireValue(raw.amountUsd, readMoney(raw.amountUsd, issues), issues);
  if (amountUsd === 0) return { kind: 'skip', reason: 'zero-amount' };

  const statusText = textOf(raw.status.value);
  let status: ContributionStatus | undefined;
  if (statusText === null) {
    requireValue(raw.status, null, issues);
  } else {
    status = STATUS_SYNONYMS.get(statusKey(statusText));
    if (status === undefined) {
      issues.push(issue(raw.status, 'funding.flow.statusUnknown', { value: truncateForEcho(statusText), accepted: 'pledge, commitment, paid' }));
    }
  }

  const donor = requireValue(raw.donor, readName(raw.donor, issues), issues);
  const planCode = readAppealCode(raw.planCode, issues);
  const ftsPlanId = readPlanId(raw.planId, issues);
  const date = readDate(raw.date, issues);
  const decisionDate = readDate(raw.decisionDate, issues);
  const clusterName = readName(raw.cluster, issues);
  const countryIso3OrName = readName(raw.country, issues);

  const currencyText = textOf(raw.originalCurrency.value);
  let originalCurrency: string | null | undefined = null;
  if (currencyText !== null) {
    const code = currencyText.toUpperCase();
    if (isCurrency(code)) originalCurrency = code;
    else {
      originalCurrency = undefined;
      issues.push(issue(raw.originalCurrency, 'funding.currency.unknown', { currency: truncateForEcho(currencyText, 40) }));
    }
  }
  let originalAmount = readMoney(raw.originalAmount, issues);
  // FTS writes 0 for an original amount it does not know.
  if (originalAmount === 0) originalAmount = null;
  if (typeof originalAmount === 'number' && originalCurrency === null) {
    issues.push(rowIssue(raw.row, raw.originalCurrency.column, null, 'import.valueMissing', { column: raw.originalCurrency.column }));
  }

  const rate = readNumber(raw.exchangeRate, issues);
  let exchangeRate: number | null | undefined = null;
  if (rate === undefined) {
    exchangeRate = undefined; // already reported: not a number
  } else if (rate !== null && !(Number.isFinite(rate) && rate >= MIN_EXCHANGE_RATE && rate < MAX_EXCHANGE_RATE)) {
    // Both directions must stay finite: a subnormal rate such as 5e-324 inverts to Infinity.
    exchangeRate = undefined;
    issues.push(issue(raw.exchangeRate, 'funding.flow.rateInvalid', { value: describeValue(raw.exchangeRate.value) }));
  } else if (typeof originalCurrency === 'string' && typeof originalAmount === 'number' && typeof amountUsd === 'number') {
    // Both amounts known: the rate must agree with them, in FTS's direction (units per USD)
    // or in Liptako's (USD per unit). A dollar is a dollar whatever rate is written.
    const original = originalAmount;
    const candidates = originalCurrency === 'USD' ? [1] : rate === null ? [] : [1 / rate, rate];
    const agreeing = candidates.find((candidate) => amountsAgree(original, candidate, amountUsd));
    if (agreeing !== undefined) {
      exchangeRate = agreeing;
    } else if (candidates.length > 0) {
      exchangeRate = undefined;
      issues.push(
        issue(rate === null ? raw.originalAmount : raw.exchangeRate, 'funding.flow.rateMismatch', {
          rate: rate ?? 1,
          original,
          currency: originalCurrency,
          usd: amountUsd,
        }),
      );
    }
  } else if (originalCurrency === 'USD') {
    exchangeRate = 1;
  } else if (rate !== null) {
    // Without both amounts the direction cannot be checked: FTS's is assumed.
    exchangeRate = 1 / rate;
  }

  if (
    issues.length > 0 ||
    amountUsd === undefined ||
    status === undefined ||
    donor === undefined ||
    planCode === undefined ||
    ftsPlanId === undefined ||
    date === undefined ||
    decisionDate === undefined ||
    clusterName === undefined ||
    countryIso3OrName === undefined ||
    originalCurrency === undefined ||
    originalAmount === undefined ||
    exchangeRate === undefined
  ) {
    return { kind: 'refused', issues };
  }
  return {
    kind: 'flow',
    flow: {
      row: raw.row,
      flowId,
      donor,
      planCode,
      ftsPlanId,
      amountUsd,
      originalAmount,
      originalCurrency,
      exchangeRate,
      status,
      date,
      decisionDate,
      clusterName,
      countryIso3OrName,
    },
  };
}

/** Checks every raw flow: ids first (present, well-formed, unique), then the rest. */
function checkFlows(raws: Iterable<RawFlow | { row: number; issue: RowIssue }>): FtsFlows {
  const flows: FtsFlow[] = [];
  const skipped: FtsFlows['skipped'] = [];
  const refused: RowIssue[] = [];
  const firstRowOf = new Map<string, number>();
  for (const raw of raws) {
    if ('issue' in raw) {
      refused.push(raw.issue);
      continue;
    }
    const idText = textOf(raw.id.value);
    if (idText === null) {
      refused.push(rowIssue(raw.row, raw.id.column, null, 'import.valueMissing', { column: raw.id.column }));
      continue;
    }
    if (!FLOW_ID.test(idText)) {
      refused.push(issue(raw.id, 'funding.flow.idInvalid', { value: truncateForEcho(idText) }));
      continue;
    }
    const firstRow = firstRowOf.get(idText);
    if (firstRow !== undefined) {
      refused.push(issue(raw.id, 'funding.flow.duplicate', { flowId: idText, firstRow }));
      continue;
    }
    firstRowOf.set(idText, raw.row);
    const outcome = checkFlow(raw, idText);
    if (outcome.kind === 'flow') flows.push(outcome.flow);
    else if (outcome.kind === 'skip') skipped.push({ row: raw.row, flowId: idText, reason: outcome.reason });
    else refused.push(...outcome.issues);
  }
  return { flows, skipped, refused };
}

// ---- flows as JSON (FTS API v1) -------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The objects of one `type` in a flow's source or destination list. */
function objectsOfType(list: unknown, type: string): Array<Record<string, unknown>> {
  if (!Array.isArray(list)) return [];
  return list.filter((item): item is Record<string, unknown> => isRecord(item) && typeof item.type === 'string' && item.type.toLowerCase() === type.toLowerCase());
}

/** Distinct names of objects, joined with "; " (names such as "Congo, Republic of" hold commas). */
function joinedNames(objects: ReadonlyArray<Record<string, unknown>>): string | null {
  const names = [...new Set(objects.map((object) => textOf(object.name)).filter((name): name is string => name !== null))];
  return names.length === 0 ? null : names.join('; ');
}

function jsonFlow(item: unknown, row: number): RawFlow | { row: number; issue: RowIssue } {
  if (!isRecord(item)) {
    return { row, issue: rowIssue(row, null, describeValue(item), 'funding.flow.notAnObject', { value: describeValue(item) }) };
  }
  const cell = (column: string, value: unknown): Cell => ({ row, column, value });
  const organisations = objectsOfType(item.sourceObjects, 'Organization');
  const plans = objectsOfType(item.destinationObjects, 'Plan');
  const clusters = objectsOfType(item.destinationObjects, 'GlobalCluster');
  const planClusters = objectsOfType(item.destinationObjects, 'Cluster');
  const locations = objectsOfType(item.destinationObjects, 'Location');

  // The same plan listed twice is one plan; two different ones are refused in checkFlow.
  const distinctPlans = new Map<string, string>();
  for (const plan of plans) distinctPlans.set(textOf(plan.id) ?? textOf(plan.name) ?? '?', textOf(plan.name) ?? textOf(plan.id) ?? '?');
  const plan = plans[0];
  return {
    row,
    id: cell('id', item.id),
    amountUsd: cell('amountUSD', item.amountUSD),
    originalAmount: cell('originalAmount', item.originalAmount),
    originalCurrency: cell('originalCurrency', item.originalCurrency),
    exchangeRate: cell('exchangeRate', item.exchangeRate),
    status: cell('status', item.status),
    date: cell('date', item.date),
    decisionDate: cell('decisionDate', item.decisionDate),
    donor: cell('sourceObjects (Organization)', joinedNames(organisations)),
    planCode: cell('destinationObjects (Plan)', plan?.code ?? null),
    planId: cell('destinationObjects (Plan)', plan?.id ?? null),
    cluster: cell('destinationObjects (GlobalCluster)', joinedNames(clusters.length > 0 ? clusters : planClusters)),
    country: cell('destinationObjects (Location)', joinedNames(locations)),
    flowType: cell('flowType', item.flowType),
    boundary: cell('boundary', item.boundary),
    plans: [...distinctPlans.values()],
  };
}

const FLOW_FORMATS =
  'FTS API v1 JSON ({"data":{"flows":[…]}} or a list of flows), CSV with Flow ID, Donor, Amount (USD), Status… (or the HDX “FTS incoming funding” file)';

// ---- flows as CSV ---------------------------------------------------------------------------

type FlowField =
  | 'flowId'
  | 'donor'
  | 'planCode'
  | 'planId'
  | 'originalAmount'
  | 'originalCurrency'
  | 'amountUsd'
  | 'exchangeRate'
  | 'status'
  | 'date'
  | 'decisionDate'
  | 'cluster'
  | 'country'
  | 'flowType'
  | 'boundary';

/**
 * Accepted CSV headers (case, accents, spaces and punctuation ignored), first the names this
 * documentation gives, then HDX's FTS flow file (`srcOrganization`, `destPlanCode`…), then French:
 *
 * | field | headers |
 * |---|---|
 * | flow id (required) | Flow ID, id, Identifiant du flux |
 * | donor (required) | Donor, Source organization, srcOrganization, Bailleur, Donateur |
 * | plan | Recipient plan code, Plan code, destPlanCode, Code du plan; Plan ID, destPlanId |
 * | original amount | Amount (original), originalAmount, Montant, Montant (original), Montant d’origine |
 * | original currency | Original currency, Currency, originalCurrency, Devise, Monnaie |
 * | amount in USD (required) | Amount (USD), amountUSD, USD amount, Montant (USD), Montant en USD |
 * | exchange rate | Exchange rate, exchangeRate, Taux de change (FTS direction: units per USD; checked against the amounts) |
 * | status (required) | Status, Statut — pledge / commitment / paid (also “paid contribution”, promesse, engagement, versé…) |
 * | dates | Date, Date du flux; Decision date, decisionDate, Date de décision |
 * | cluster | Cluster, Global cluster, destGlobalClusters, Sector, Secteur |
 * | country | Country, destLocations, Location, Pays |
 * | FTS bookkeeping | flowType (Parked rows skipped), boundary (internal/outgoing skipped) |
 *
 * HXL hashtags of the HDX file (`#activity+id+fts_internal`, `#org+name+funder`,
 * `#value+funding+total+usd`, `#status+text`…) stand in for unrecognised headers.
 */
const FLOW_COLUMNS: Record<FlowField, ColumnSpec> = {
  flowId: { label: 'Flow ID', keys: ['flowid', 'id', 'identifiantduflux', 'idduflux'], hxl: { tag: 'activity', all: ['id', 'fts_internal'], none: ['appeal'] } },
  donor: {
    label: 'Donor',
    keys: ['donor', 'sourceorganization', 'sourceorganisation', 'srcorganization', 'source', 'bailleur', 'bailleurdefonds', 'donateur'],
    hxl: { tag: 'org', all: ['name', 'funder'] },
  },
  planCode: {
    label: 'Recipient plan code',
    keys: ['recipientplancode', 'plancode', 'destplancode', 'appealcode', 'codeduplan'],
    hxl: { tag: 'activity', all: ['appeal', 'id', 'external'] },
  },
  planId: {
    label: 'Plan ID',
    keys: ['recipientplanid', 'planid', 'destplanid', 'ftsplanid'],
    hxl: { tag: 'activity', all: ['appeal', 'id', 'fts_internal'] },
  },
  originalAmount: {
    label: 'Amount (original)',
    keys: ['amountoriginal', 'originalamount', 'montantoriginal', 'montantdorigine', 'montant'],
    hxl: { tag: 'value', all: ['funding', 'total'], none: ['usd', 'currency'] },
  },
  originalCurrency: {
    label: 'Original currency',
    keys: ['originalcurrency', 'currency', 'devise', 'monnaie', 'devisedorigine'],
    hxl: { tag: 'value', all: ['funding', 'total', 'currency'] },
  },
  amountUsd: {
    label: 'Amount (USD)',
    keys: ['amountusd', 'usdamount', 'amountinusd', 'montantusd', 'montantenusd'],
    hxl: { tag: 'value', all: ['funding', 'total', 'usd'] },
  },
  exchangeRate: { label: 'Exchange rate', keys: ['exchangerate', 'tauxdechange', 'taux'], hxl: { tag: 'financial', all: ['fx'] } },
  status: { label: 'Status', keys: ['status', 'statut', 'flowstatus', 'statutduflux'], hxl: { tag: 'status', all: [] } },
  date: {
    label: 'Date',
    keys: ['date', 'flowdate', 'dateduflux'],
    hxl: { tag: 'date', all: [], none: ['decision', 'reported', 'created', 'updated', 'start', 'end', 'year'] },
  },
  decisionDate: { label: 'Decision date', keys: ['decisiondate', 'datededecision'], hxl: { tag: 'date', all: ['decision'] } },
  cluster: {
    label: 'Cluster',
    keys: ['cluster', 'globalcluster', 'destglobalclusters', 'clusters', 'sector', 'secteur'],
    hxl: { tag: 'sector', all: [] },
  },
  country: {
    label: 'Country',
    keys: ['country', 'destlocations', 'countryiso3', 'location', 'pays'],
    hxl: { tag: 'country', all: [], none: ['funder'] },
  },
  flowType: { label: 'flowType', keys: ['flowtype'] },
  boundary: { label: 'boundary', keys: ['boundary'], hxl: { tag: 'financial', all: ['direction'] } },
};

function csvFlows(layout: CsvLayout): Array<RawFlow> {
  const columns = resolveColumns(layout, FLOW_COLUMNS);
  requireColumns(layout, FLOW_COLUMNS, columns, ['flowId', 'donor', 'amountUsd', 'status']);
  return layout.records.map((record) => {
    const cell = (field: FlowField): Cell => {
      const column = columns[field];
      return { row: record.row, column: column ?? FLOW_COLUMNS[field].label, value: column === null ? null : record.values[column] };
    };
    return {
      row: record.row,
      id: cell('flowId'),
      amountUsd: cell('amountUsd'),
      originalAmount: cell('originalAmount'),
      originalCurrency: cell('originalCurrency'),
      exchangeRate: cell('exchangeRate'),
      status: cell('status'),
      date: cell('date'),
      decisionDate: cell('decisionDate'),
      donor: cell('donor'),
      planCode: cell('planCode'),
      planId: cell('planId'),
      cluster: cell('cluster'),
      country: cell('country'),
      flowType: cell('flowType'),
      boundary: cell('boundary'),
      plans: [],
    };
  });
}

/**
 * Reads FTS-shaped flows, JSON or CSV (recognised from the content; `fileName` only names the
 * file in messages). Decisions:
 * - parked, internal/outgoing and zero-amount flows are `skipped` (see FtsFlowSkipReason);
 * - refused: a missing, malformed or repeated flow id, a missing donor, bad amounts (negative,
 *   absurd, not numbers), an unknown status or currency, bad dates, a rate that does not agree
 *   with the two amounts, and a flow to several plans (its money would count in each);
 * - the USD figure is FTS's own (`amountUSD`), rounded to the cent; it is never recomputed;
 * - names (donors, clusters, places) are kept verbatim, formulas included: exports neutralise.
 */
export function parseFtsFlows(text: string, fileName?: string): FtsFlows {
  const body = stripBom(text).trimStart();
  if (body.trim() === '') throw new AppError('import.empty');
  const unknownFormat = (): AppError =>
    new AppError('import.unknownFormat', { file: truncateForEcho(fileName ?? '—', 120), accepted: FLOW_FORMATS });

  if (body.startsWith('{') || body.startsWith('[')) {
    const root = parseJsonDocument(body);
    let list: unknown[] | null = null;
    if (Array.isArray(root)) list = root;
    else if (isRecord(root) && isRecord(root.data) && Array.isArray(root.data.flows)) list = root.data.flows;
    else if (isRecord(root) && Array.isArray(root.flows)) list = root.flows;
    if (list === null) throw unknownFormat();
    if (list.length === 0) throw new AppError('import.empty');
    if (list.length > MAX_FLOWS) throw new AppError('import.tooManyRows', { limit: MAX_FLOWS });
    return checkFlows(list.map((item, index) => jsonFlow(item, index + 1)));
  }

  const layout = readCsv(body, MAX_FLOWS);
  const raws = csvFlows(layout);
  if (raws.length === 0) throw new AppError('import.empty');
  const result = checkFlows(raws);
  result.refused = [...layout.refused, ...result.refused].sort((a, b) => a.row - b.row);
  return result;
}
