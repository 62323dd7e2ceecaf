import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertToUsd } from '../../../src/plans/currency.js';
import {
  checkDraft,
  CURRENCIES,
  draftFromContribution,
  EMPTY_DRAFT,
  fieldOfServerError,
  OTHER_CURRENCY,
  parseDecimal,
  previewUsd,
  rateKind,
  toUsd,
  usdPerUnit,
  type Draft,
} from './contributionDraft.js';
import type { ContributionView } from './types.js';

describe('parseDecimal', () => {
  it('reads French and English numbers', () => {
    expect(parseDecimal('1 000 000', 'fr')).toBe(1_000_000);
    expect(parseDecimal('1\u202f000\u202f000,50', 'fr')).toBe(1_000_000.5);
    expect(parseDecimal('1,2', 'fr')).toBe(1.2);
    expect(parseDecimal('1.2', 'fr')).toBe(1.2);
    expect(parseDecimal('1,000,000', 'en')).toBe(1_000_000);
    expect(parseDecimal('1,000,000', 'fr')).toBe(1_000_000);
    expect(parseDecimal('1,000', 'en')).toBe(1000);
    expect(parseDecimal('1,000', 'fr')).toBe(1);
    expect(parseDecimal('1,2', 'en')).toBe(1.2);
    expect(parseDecimal('1.000.000', 'fr')).toBe(1_000_000);
    expect(parseDecimal('1.000.000,25', 'fr')).toBe(1_000_000.25);
    expect(parseDecimal('1,000,000.25', 'en')).toBe(1_000_000.25);
    expect(parseDecimal('-5', 'en')).toBe(-5);
  });
  it('refuses what is not a number', () => {
    expect(parseDecimal('', 'en')).toBeNull();
    expect(parseDecimal('abc', 'en')).toBeNull();
    expect(parseDecimal('1,2,3', 'fr')).toBeNull();
    expect(parseDecimal('1.2.3', 'en')).toBeNull();
    expect(parseDecimal('12e3', 'en')).toBeNull();
  });
});

describe('currencies and rates', () => {
  it('asks for the right rate', () => {
    expect(rateKind('USD')).toBe('none');
    expect(rateKind('eur')).toBe('usd-per-eur');
    expect(rateKind('XOF')).toBe('cfa');
    expect(rateKind('XAF')).toBe('cfa');
    expect(rateKind('GBP')).toBe('usd-per-unit');
  });
  it('converts CFA francs through the euro peg', () => {
    expect(toUsd(655_957_000, 'XOF', 1.2)).toBe(1_200_000);
    expect(usdPerUnit('XOF', 1.2)).toBeCloseTo(0.001829, 6);
    expect(toUsd(1_000_000, 'EUR', 1.2)).toBe(1_200_000);
    expect(toUsd(100, 'USD', null)).toBe(100);
    expect(toUsd(100, 'GBP', null)).toBeNull();
    expect(toUsd(100, 'GBP', 1.25)).toBe(125);
  });
});

describe('the USD preview is the amount the server stores', () => {
  const draftOf = (currency: string, amount: string, rate: string): Draft => ({
    ...EMPTY_DRAFT,
    donor: 'ECHO',
    currency: (CURRENCIES as readonly string[]).includes(currency) ? currency : OTHER_CURRENCY,
    otherCurrency: (CURRENCIES as readonly string[]).includes(currency) ? '' : currency,
    amount,
    rate,
    pledgedOn: '2021-02-01',
  });
  const stored = (draft: Draft): number => {
    const checked = checkDraft(draft, 'en');
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    return convertToUsd(checked.request).amountUsd;
  };

  it('3,878,220 GBP at 1.21675 is 4,718,824.19 USD in the preview and in the database', () => {
    // The float preview said 4,718,824.18 (3,878,220 × 1.21675 = 4,718,824.185 exactly).
    const draft = draftOf('GBP', '3878220', '1.21675');
    expect(previewUsd(draft, 'en')).toBe(4_718_824.19);
    expect(stored(draft)).toBe(4_718_824.19);
  });

  /** A decimal with `scale` decimals written out in full, as a user types it ("0.00123"). */
  const decimalText = (units: number, scale: number): string => {
    const digits = String(units).padStart(scale + 1, '0');
    return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  };
  const amounts = fc
    .tuple(fc.integer({ min: 1, max: 1_000_000_000_000_000 }), fc.constantFrom(0, 1, 2))
    .map(([cents, scale]) => decimalText(scale === 2 ? cents : Math.max(1, Math.floor(cents / 10 ** (2 - scale))), scale));
  /** USD per EUR, also used for XOF and XAF through the peg. */
  const eurRates = fc.integer({ min: 2_000, max: 50_000 }).chain((units) => fc.constantFrom(decimalText(units, 4), decimalText(units * 10 + 3, 5)));
  /** USD per unit: from the Iranian rial to the Kuwaiti dinar and beyond, up to nine decimals. */
  const directRates = fc.tuple(fc.integer({ min: 1, max: 999_999 }), fc.integer({ min: 0, max: 9 })).map(([units, scale]) => decimalText(units, scale));
  const cases = fc.oneof(
    fc.tuple(fc.constant('USD'), amounts, fc.constant('')),
    fc.tuple(fc.constantFrom('EUR', 'XOF', 'XAF'), amounts, eurRates),
    fc.tuple(fc.constantFrom('GBP', 'CHF', 'JPY', 'KWD', 'NGN', 'IRR'), amounts, directRates),
  );

  it('property: for random amounts, currencies and rates, preview = stored, always', () => {
    let converted = 0;
    fc.assert(
      fc.property(cases, ([currency, amount, rate]) => {
        const draft = draftOf(currency, amount, rate);
        const preview = previewUsd(draft, 'en');
        // A rate or amount the server refuses has no preview; every other one previews what is stored.
        let expected: number | null;
        try {
          expected = stored(draft);
        } catch {
          expected = null;
        }
        expect(preview).toBe(expected);
        if (expected !== null) converted += 1;
      }),
      { numRuns: 2_000 },
    );
    // Most cases are conversions, not refusals: the property is not won by answering null.
    expect(converted).toBeGreaterThan(1_500);
  });
});

const valid: Draft = {
  ...EMPTY_DRAFT,
  donor: ' ECHO ',
  currency: 'EUR',
  amount: '1 000 000',
  rate: '1,2',
  status: 'paid',
  pledgedOn: '2021-03-01',
  paidOn: '2021-04-01',
  earmarkLevel: 'activity-area',
  activityAreaId: '3',
};

describe('checkDraft', () => {
  it('builds the request', () => {
    const check = checkDraft(valid, 'fr');
    expect(check).toEqual({
      ok: true,
      request: {
        donor: 'ECHO',
        currency: 'EUR',
        amount: 1_000_000,
        usdPerEur: 1.2,
        status: 'paid',
        pledgedOn: '2021-03-01',
        committedOn: null,
        paidOn: '2021-04-01',
        earmark: { level: 'activity-area', activityAreaId: 3 },
        ftsFlowId: null,
        description: null,
      },
    });
  });
  it('sends USD per unit for other currencies and no rate for USD', () => {
    const gbp = checkDraft({ ...valid, currency: OTHER_CURRENCY, otherCurrency: 'gbp', rate: '1.25' }, 'en');
    expect(gbp.ok && gbp.request.usdPerUnit).toBe(1.25);
    expect(gbp.ok && gbp.request.currency).toBe('GBP');
    const usd = checkDraft({ ...valid, currency: 'USD', rate: '' }, 'en');
    expect(usd.ok && usd.request.usdPerEur).toBeUndefined();
  });
  it('drops dates the status does not show', () => {
    const pledge = checkDraft({ ...valid, status: 'pledge', committedOn: '2021-03-05' }, 'en');
    expect(pledge.ok && [pledge.request.committedOn, pledge.request.paidOn]).toEqual([null, null]);
  });
  it('lists missing and wrong fields', () => {
    const check = checkDraft({ ...EMPTY_DRAFT, currency: 'XOF', amount: '-3', status: 'commitment', earmarkLevel: 'country' }, 'fr');
    expect(check).toEqual({
      ok: false,
      errors: { donor: 'donorRequired', amount: 'amountPositive', rate: 'rateRequired', committedOn: 'dateRequired', earmark: 'countryRequired' },
    });
    expect(checkDraft({ ...valid, amount: 'beaucoup' }, 'fr')).toEqual({ ok: false, errors: { amount: 'notANumber' } });
  });
  it('leaves the order of dates to the server', () => {
    expect(checkDraft({ ...valid, pledgedOn: '2021-05-01', paidOn: '2021-04-01' }, 'fr').ok).toBe(true);
  });
});

describe('server errors and editing', () => {
  it('puts a server error next to its field', () => {
    expect(fieldOfServerError('funding.rate.missingEurPeg', 'paid')).toBe('rate');
    expect(fieldOfServerError('funding.date.missing', 'commitment')).toBe('committedOn');
    expect(fieldOfServerError('funding.date.order', 'paid')).toBe('dates');
    expect(fieldOfServerError('funding.earmark.outsidePlan', 'paid')).toBe('earmark');
    expect(fieldOfServerError('resource.stale', 'paid')).toBeNull();
    expect(fieldOfServerError(null, 'paid')).toBeNull();
  });
  it('turns a stored contribution back into the form (USD per EUR for CFA francs)', () => {
    const stored: ContributionView = {
      id: 7,
      donor: 'Japan',
      ftsFlowId: null,
      currency: 'XOF',
      amountOriginal: 655_957_000,
      exchangeRate: 1.2 / 655.957,
      rateBasis: 'eur-peg',
      amountUsd: 1_200_000,
      status: 'commitment',
      pledgedOn: null,
      committedOn: '2021-05-01',
      paidOn: null,
      earmark: { level: 'objective', objectiveId: 2, activityAreaId: null, country: null },
      description: null,
      version: 3,
      createdBy: 'demo',
      createdAt: '2021-05-01T00:00:00Z',
      updatedAt: '2021-05-01T00:00:00Z',
    };
    const draft = draftFromContribution(stored);
    expect(draft).toMatchObject({ currency: 'XOF', rate: '1.2', amount: '655957000', objectiveId: '2', committedOn: '2021-05-01', pledgedOn: '' });
  });
});
