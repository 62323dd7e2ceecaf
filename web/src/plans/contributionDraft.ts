/**
 * The "record a contribution" form as plain data: parsing what people type (French or English
 * decimals), which exchange rate a currency needs, the USD preview, client-side checks and where a
 * server error belongs. The server stays the authority; these checks only catch the obvious early.
 */
import { isCalendarDate } from '../../../src/shared/dates.js';
import type { Language } from '../../../src/shared/format.js';
import { conversionToUsd, XOF_PER_EUR, type Currency } from '../../../src/shared/currency.js';
import type { ContributionRequest, ContributionStatus, ContributionView, EarmarkLevel } from './types.js';

/** Offered in the currency list; "other" lets the user type any ISO 4217 code. */
export const CURRENCIES: readonly Currency[] = ['USD', 'EUR', 'XOF', 'XAF', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'CAD', 'JPY', 'AUD'];
export const OTHER_CURRENCY = 'other';

/**
 * Which rate a currency needs: none for USD; "USD per EUR" for the euro and for the CFA francs
 * (pegged to the euro); "USD per unit" for the others.
 */
export type RateKind = 'none' | 'usd-per-eur' | 'cfa' | 'usd-per-unit';

export function rateKind(currency: string): RateKind {
  const code = currency.trim().toUpperCase();
  if (code === 'USD') return 'none';
  if (code === 'EUR') return 'usd-per-eur';
  if (code === 'XOF' || code === 'XAF') return 'cfa';
  return 'usd-per-unit';
}

/** US dollars for one unit of the currency, from the rate the form asks for. */
export function usdPerUnit(currency: string, rate: number): number {
  const kind = rateKind(currency);
  if (kind === 'none') return 1;
  if (kind === 'cfa') return rate / XOF_PER_EUR;
  return rate;
}

/** The rate as the request carries it: USD per EUR for the euro and the CFA francs, else USD per unit. */
function rateFields(kind: RateKind, rate: number | null): Pick<ContributionRequest, 'usdPerEur' | 'usdPerUnit'> {
  if (rate === null || kind === 'none') return {};
  return kind === 'usd-per-eur' || kind === 'cfa' ? { usdPerEur: rate } : { usdPerUnit: rate };
}

/**
 * The amount in US dollars as the server will store it: the same exact conversion
 * (src/shared/currency.ts), so the preview never differs by a cent. Null when the server would
 * refuse the amount or the rate, or the rate is still missing.
 */
export function toUsd(amount: number, currency: string, rate: number | null): number | null {
  const kind = rateKind(currency);
  if (kind !== 'none' && rate === null) return null;
  const converted = conversionToUsd({ amount, currency, ...rateFields(kind, rate) });
  return converted.ok ? converted.value.amountUsd : null;
}

/** The live USD preview of the form: what `toUsd` gives for what is typed, or null. */
export function previewUsd(draft: Draft, language: Language): number | null {
  const currency = currencyOf(draft);
  const amount = parseDecimal(draft.amount, language);
  if (currency === '' || amount === null || !(amount > 0)) return null;
  return toUsd(amount, currency, rateKind(currency) === 'none' ? null : parseDecimal(draft.rate, language));
}

/**
 * A number as typed: spaces (also no-break) group thousands; a comma is the decimal mark in French
 * and in English unless it groups thousands ("1,000,000"); a dot is a decimal mark unless several
 * dots group thousands. Returns null when the text is not a number.
 */
export function parseDecimal(text: string, language: Language): number | null {
  let value = text.replace(/[\s\u00a0\u202f']/g, '');
  if (value === '' || !/^[+-]?[\d.,]+$/.test(value)) return null;
  const commas = (value.match(/,/g) ?? []).length;
  const dots = (value.match(/\./g) ?? []).length;
  if (commas > 0 && dots > 0) {
    // Both: the last one is the decimal mark.
    const decimal = value.lastIndexOf(',') > value.lastIndexOf('.') ? ',' : '.';
    const group = decimal === ',' ? '.' : ',';
    value = value.split(group).join('').replace(decimal, '.');
    if ((value.match(/\./g) ?? []).length > 1) return null;
  } else if (commas > 0) {
    const grouping = /^[+-]?\d{1,3}(,\d{3})+$/.test(value) && (commas > 1 || language === 'en');
    if (grouping) value = value.replace(/,/g, '');
    else if (commas === 1) value = value.replace(',', '.');
    else return null;
  } else if (dots > 1) {
    if (!/^[+-]?\d{1,3}(\.\d{3})+$/.test(value)) return null;
    value = value.replace(/\./g, '');
  }
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

export interface Draft {
  donor: string;
  /** A code from CURRENCIES, or OTHER_CURRENCY (then otherCurrency holds the code). */
  currency: string;
  otherCurrency: string;
  amount: string;
  rate: string;
  status: ContributionStatus;
  pledgedOn: string;
  committedOn: string;
  paidOn: string;
  earmarkLevel: EarmarkLevel;
  objectiveId: string;
  activityAreaId: string;
  country: string;
  ftsFlowId: string;
  description: string;
  /** Why an existing contribution is changed (edits only). */
  reason: string;
}

export const EMPTY_DRAFT: Draft = {
  donor: '',
  currency: 'USD',
  otherCurrency: '',
  amount: '',
  rate: '',
  status: 'pledge',
  pledgedOn: '',
  committedOn: '',
  paidOn: '',
  earmarkLevel: 'plan',
  objectiveId: '',
  activityAreaId: '',
  country: '',
  ftsFlowId: '',
  description: '',
  reason: '',
};

export type DraftField =
  | 'donor'
  | 'currency'
  | 'amount'
  | 'rate'
  | 'status'
  | 'pledgedOn'
  | 'committedOn'
  | 'paidOn'
  | 'dates'
  | 'earmark'
  | 'ftsFlowId'
  | 'description';

/** Fields in the order they appear in the form (the first invalid one gets the focus). */
export const FIELD_ORDER: readonly DraftField[] = [
  'donor',
  'currency',
  'amount',
  'rate',
  'status',
  'pledgedOn',
  'committedOn',
  'paidOn',
  'dates',
  'earmark',
  'ftsFlowId',
  'description',
];

/** A client-side problem: a translation key under plans.form.errors. */
export type DraftErrors = Partial<Record<DraftField, string>>;

export function currencyOf(draft: Draft): string {
  return (draft.currency === OTHER_CURRENCY ? draft.otherCurrency : draft.currency).trim().toUpperCase();
}

/** Which dates the form shows for a status: the pledge date always, then commitment, then payment. */
export function datesShown(status: ContributionStatus): { committedOn: boolean; paidOn: boolean } {
  return { committedOn: status === 'commitment' || status === 'paid', paidOn: status === 'paid' };
}

/** The date a status cannot go without. */
export function requiredDate(status: ContributionStatus): 'pledgedOn' | 'committedOn' | 'paidOn' {
  return status === 'pledge' ? 'pledgedOn' : status === 'commitment' ? 'committedOn' : 'paidOn';
}

export type DraftCheck = { ok: true; request: ContributionRequest } | { ok: false; errors: DraftErrors };

/** Checks what can be checked without the server and builds the request body. */
export function checkDraft(draft: Draft, language: Language): DraftCheck {
  const errors: DraftErrors = {};
  if (draft.donor.trim() === '') errors.donor = 'donorRequired';
  const currency = currencyOf(draft);
  if (currency === '') errors.currency = 'currencyRequired';

  const amount = parseDecimal(draft.amount, language);
  if (draft.amount.trim() === '') errors.amount = 'amountRequired';
  else if (amount === null) errors.amount = 'notANumber';
  else if (!(amount > 0)) errors.amount = 'amountPositive';

  const kind = currency === '' ? 'none' : rateKind(currency);
  const rate = kind === 'none' ? null : parseDecimal(draft.rate, language);
  if (kind !== 'none') {
    if (draft.rate.trim() === '') errors.rate = 'rateRequired';
    else if (rate === null) errors.rate = 'notANumber';
    else if (!(rate > 0)) errors.rate = 'ratePositive';
  }

  const shown = datesShown(draft.status);
  const dates = {
    pledgedOn: draft.pledgedOn.trim(),
    committedOn: shown.committedOn ? draft.committedOn.trim() : '',
    paidOn: shown.paidOn ? draft.paidOn.trim() : '',
  };
  for (const field of ['pledgedOn', 'committedOn', 'paidOn'] as const) {
    if (dates[field] !== '' && !isCalendarDate(dates[field])) errors[field] = 'dateInvalid';
  }
  const needed = requiredDate(draft.status);
  if (dates[needed] === '') errors[needed] = 'dateRequired';

  if (draft.earmarkLevel === 'objective' && draft.objectiveId === '') errors.earmark = 'objectiveRequired';
  if (draft.earmarkLevel === 'activity-area' && draft.activityAreaId === '') errors.earmark = 'areaRequired';
  if (draft.earmarkLevel === 'country' && draft.country === '') errors.earmark = 'countryRequired';

  if (Object.keys(errors).length > 0 || amount === null) return { ok: false, errors };

  const request: ContributionRequest = {
    donor: draft.donor.trim(),
    currency,
    amount,
    ...rateFields(kind, rate),
    status: draft.status,
    pledgedOn: dates.pledgedOn || null,
    committedOn: dates.committedOn || null,
    paidOn: dates.paidOn || null,
    earmark:
      draft.earmarkLevel === 'objective'
        ? { level: 'objective', objectiveId: Number(draft.objectiveId) }
        : draft.earmarkLevel === 'activity-area'
          ? { level: 'activity-area', activityAreaId: Number(draft.activityAreaId) }
          : draft.earmarkLevel === 'country'
            ? { level: 'country', country: draft.country }
            : { level: 'plan' },
    ftsFlowId: draft.ftsFlowId.trim() || null,
    description: draft.description.trim() || null,
  };
  if (draft.reason.trim() !== '') request.reason = draft.reason.trim();
  return { ok: true, request };
}

/** A stored contribution back into the form, to edit it. */
export function draftFromContribution(contribution: ContributionView): Draft {
  const currency = contribution.currency.toUpperCase();
  const known = (CURRENCIES as readonly string[]).includes(currency);
  const kind = rateKind(currency);
  // The server stores USD per unit; the form asks for USD per EUR for the CFA francs.
  const rate = kind === 'none' ? '' : String(Math.round((kind === 'cfa' ? contribution.exchangeRate * XOF_PER_EUR : contribution.exchangeRate) * 1e6) / 1e6);
  return {
    ...EMPTY_DRAFT,
    donor: contribution.donor,
    currency: known ? currency : OTHER_CURRENCY,
    otherCurrency: known ? '' : currency,
    amount: String(contribution.amountOriginal),
    rate,
    status: contribution.status,
    pledgedOn: contribution.pledgedOn ?? '',
    committedOn: contribution.committedOn ?? '',
    paidOn: contribution.paidOn ?? '',
    earmarkLevel: contribution.earmark.level,
    objectiveId: contribution.earmark.objectiveId === null ? '' : String(contribution.earmark.objectiveId),
    activityAreaId: contribution.earmark.activityAreaId === null ? '' : String(contribution.earmark.activityAreaId),
    country: contribution.earmark.country ?? '',
    ftsFlowId: contribution.ftsFlowId ?? '',
    description: contribution.description ?? '',
  };
}

/**
 * The field a server error is about, so its message is shown next to it; null: shown at the top.
 * A missing date is the one its status needs; dates in the wrong order belong to the dates group.
 */
export function fieldOfServerError(code: string | null, status: ContributionStatus): DraftField | null {
  if (code === null) return null;
  if (code === 'funding.donor.missing') return 'donor';
  if (code === 'funding.currency.unknown') return 'currency';
  if (code.startsWith('funding.rate.')) return 'rate';
  if (code.startsWith('funding.amount.')) return 'amount';
  if (code === 'funding.date.missing') return requiredDate(status);
  if (code.startsWith('funding.date')) return 'dates';
  if (code.startsWith('funding.earmark.')) return 'earmark';
  if (code.startsWith('funding.flow.')) return 'ftsFlowId';
  return null;
}
