import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURRENCIES, XOF_PER_EUR, convertToUsd, normaliseCurrency, roundToCents, type ConversionInput } from './currency.js';
import { appErrorOf } from '../../test/support/errors.js';

describe('CURRENCIES', () => {
  it('holds the donor currencies and the CFA francs, once each', () => {
    for (const code of ['USD', 'EUR', 'XOF', 'XAF', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'CAD', 'AUD', 'JPY', 'NZD', 'KWD', 'SAR', 'AED', 'CNY', 'KRW', 'QAR']) {
      expect(CURRENCIES).toContain(code);
    }
    expect(new Set(CURRENCIES).size).toBe(CURRENCIES.length);
    for (const code of CURRENCIES) expect(code).toMatch(/^[A-Z]{3}$/);
  });

  it('normalises case and spaces', () => {
    expect(normaliseCurrency(' xof ')).toBe('XOF');
  });
});

describe('convertToUsd', () => {
  it('keeps US dollars as they are, rate 1', () => {
    expect(convertToUsd({ amount: 250_000.5, currency: 'USD' })).toEqual({ amountUsd: 250_000.5, exchangeRate: 1, rateBasis: 'usd' });
    // A rate given with USD changes nothing: a dollar is a dollar.
    expect(convertToUsd({ amount: 10, currency: 'usd', usdPerUnit: 1.3 }).amountUsd).toBe(10);
  });

  it('converts CFA francs through the euro peg, exactly', () => {
    expect(XOF_PER_EUR).toBe(655.957);
    const result = convertToUsd({ amount: 655_957_000, currency: 'XOF', usdPerEur: 1.2 });
    expect(result).toEqual({ amountUsd: 1_200_000, exchangeRate: 1.2 / 655.957, rateBasis: 'eur-peg' });
    expect(result.amountUsd.toFixed(2)).toBe('1200000.00');
    // XAF shares the parity.
    expect(convertToUsd({ amount: 655_957, currency: 'XAF', usdPerEur: 1.0865 }).amountUsd).toBe(1086.5);
    // 1,000,000 XOF at 1.1 USD/EUR = 1,676.94… USD (1,000,000 × 1.1 / 655.957 = 1,676.938…).
    expect(convertToUsd({ amount: 1_000_000, currency: 'XOF', usdPerEur: 1.1 }).amountUsd).toBe(1676.94);
  });

  it('is exact where float arithmetic drifts', () => {
    // Naive float gives 655,957,000 × 1.13 / 655.957 = 1,129,999.9999999998.
    for (const usdPerEur of [1.13, 1.17, 1.0921, 0.9876, 1.2345]) {
      const amount = 655_957 * 1000;
      const expected = usdPerEur * 1_000_000;
      expect(convertToUsd({ amount, currency: 'XOF', usdPerEur }).amountUsd).toBe(Number(expected.toFixed(2)));
    }
    // 1,279,116.15 XOF = 1,950 EUR; at 1.0921 that is 2,129.595 USD → 2,129.60. Naive float
    // (amount × rate / 655.957, then Math.round) gives 2,129.59.
    expect(convertToUsd({ amount: 1_279_116.15, currency: 'XOF', usdPerEur: 1.0921 }).amountUsd).toBe(2129.6);
    expect(Math.round(((1_279_116.15 * 1.0921) / 655.957) * 100) / 100).toBe(2129.59);
    // 0.1 EUR at 1.15 → 0.115 USD → 0.12 (half away from zero on the true decimal, not on 0.11499999…).
    expect(convertToUsd({ amount: 0.1, currency: 'EUR', usdPerEur: 1.15 }).amountUsd).toBe(0.12);
    expect(0.1 * 1.15).toBeLessThan(0.115);
  });

  it('property: XOF amounts of whole tens of euros convert exactly, whatever the USD/EUR rate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000_000 }), fc.integer({ min: 2000, max: 50000 }), (k, rateTenThousandths) => {
        // k × 6,559.57 XOF = 10k EUR exactly; the division by 100 is correctly rounded, so the
        // amount prints with (at most) two decimals, as a user would type it.
        const amount = (k * 655_957) / 100;
        const usdPerEur = rateTenThousandths / 10_000;
        // 10k EUR × r/10,000 USD/EUR = k·r/1,000 USD = k·r/10 cents.
        const expectedCents = Math.round((k * rateTenThousandths) / 10);
        expect(convertToUsd({ amount, currency: 'XOF', usdPerEur }).amountUsd).toBe(expectedCents / 100);
      }),
    );
  });

  it('converts euros and other currencies with a direct rate', () => {
    expect(convertToUsd({ amount: 1_000_000, currency: 'EUR', usdPerEur: 1.1827 })).toEqual({
      amountUsd: 1_182_700,
      exchangeRate: 1.1827,
      rateBasis: 'direct',
    });
    expect(convertToUsd({ amount: 500_000, currency: 'EUR', usdPerUnit: 1.2 }).rateBasis).toBe('direct');
    expect(convertToUsd({ amount: 3_000_000, currency: 'SEK', usdPerUnit: 0.1165 })).toEqual({
      amountUsd: 349_500,
      exchangeRate: 0.1165,
      rateBasis: 'direct',
    });
    expect(convertToUsd({ amount: 100_000_000, currency: 'JPY', usdPerUnit: 0.0091 }).amountUsd).toBe(910_000);
  });

  it('prefers an explicit rate for CFA francs (the bank rate of the transfer)', () => {
    const result = convertToUsd({ amount: 1_000_000, currency: 'XOF', usdPerUnit: 0.0018, usdPerEur: 1.2 });
    expect(result).toEqual({ amountUsd: 1800, exchangeRate: 0.0018, rateBasis: 'direct' });
  });

  it('rounds half away from zero', () => {
    expect(convertToUsd({ amount: 1, currency: 'GBP', usdPerUnit: 1.005 }).amountUsd).toBe(1.01);
    expect(convertToUsd({ amount: 1, currency: 'GBP', usdPerUnit: 1.00499 }).amountUsd).toBe(1);
    expect(roundToCents(1.005)).toBe(1.01);
    expect(roundToCents(-1.005)).toBe(-1.01);
    expect(roundToCents(2.675)).toBe(2.68);
    expect(roundToCents(-0.001)).toBe(0);
    expect(Object.is(roundToCents(-0.001), -0)).toBe(false);
    expect(roundToCents(1e-7)).toBe(0);
    expect(roundToCents(123_456_789.125)).toBe(123_456_789.13);
  });

  describe('errors', () => {
    it('refuses an unknown currency', () => {
      for (const currency of ['XYZ', '', 'EURO', 'F CFA', '=1+1']) {
        const error = appErrorOf(() => convertToUsd({ amount: 10, currency, usdPerUnit: 1 }));
        expect(error.code).toBe('funding.currency.unknown');
        expect(error.status).toBe(422);
      }
      expect(appErrorOf(() => normaliseCurrency('FCFA')).localisedMessage('fr')).toMatch(/n’est pas un code de devise/);
    });

    it('says which rate is missing', () => {
      const sek = appErrorOf(() => convertToUsd({ amount: 10, currency: 'SEK' }));
      expect(sek.code).toBe('funding.rate.missing');
      expect(sek.params).toEqual({ currency: 'SEK' });
      expect(sek.localisedMessage('en')).toContain('US dollars for 1 SEK');
      // A USD/EUR rate does not convert Swedish krona.
      expect(appErrorOf(() => convertToUsd({ amount: 10, currency: 'SEK', usdPerEur: 1.1 })).code).toBe('funding.rate.missing');
      const eur = appErrorOf(() => convertToUsd({ amount: 10, currency: 'EUR' }));
      expect(eur.code).toBe('funding.rate.missing');
      const xof = appErrorOf(() => convertToUsd({ amount: 10, currency: 'XOF' }));
      expect(xof.code).toBe('funding.rate.missingEurPeg');
      expect(xof.localisedMessage('en')).toContain('1 EUR = 655.957 XOF');
      expect(xof.localisedMessage('fr')).toContain('pour 1 EUR');
      expect(xof.status).toBe(422);
    });

    it('refuses amounts that are not numbers, not positive, too large or finer than the cent', () => {
      const bad: unknown[] = [Number.NaN, Number.POSITIVE_INFINITY, -5, 0, -0, 1e13 + 1, 1e20, 10.001, 0.001, 1e-7, '100'];
      for (const amount of bad) {
        // Deliberately untyped input: the API layer hands over whatever JSON carried.
        const input = { amount, currency: 'USD' } as unknown as ConversionInput;
        const error = appErrorOf(() => convertToUsd(input));
        expect(error.code, String(amount)).toBe('funding.amount.invalid');
        expect(error.status).toBe(422);
      }
      expect(convertToUsd({ amount: 1e13, currency: 'USD' }).amountUsd).toBe(1e13);
      expect(convertToUsd({ amount: 0.01, currency: 'USD' }).amountUsd).toBe(0.01);
      // 0.1 + 0.2 is printed 0.30000000000000004: it has more than two decimals, as written.
      expect(appErrorOf(() => convertToUsd({ amount: 0.1 + 0.2, currency: 'USD' })).code).toBe('funding.amount.invalid');
    });

    it('refuses rates that are not positive, not finite or absurd', () => {
      const bad: Array<Omit<ConversionInput, 'amount'>> = [
        { currency: 'SEK', usdPerUnit: 0 },
        { currency: 'SEK', usdPerUnit: -0.1 },
        { currency: 'SEK', usdPerUnit: Number.NaN },
        { currency: 'SEK', usdPerUnit: Number.POSITIVE_INFINITY },
        { currency: 'SEK', usdPerUnit: 2e6 },
        { currency: 'SEK', usdPerUnit: 1e-12 },
        // The parity typed where the USD/EUR rate belongs.
        { currency: 'XOF', usdPerEur: 655.957 },
        { currency: 'EUR', usdPerEur: 0 },
        { currency: 'EUR', usdPerUnit: 1100 },
        // XOF per USD typed as USD per XOF.
        { currency: 'XOF', usdPerUnit: 600 },
      ];
      for (const input of bad) {
        const error = appErrorOf(() => convertToUsd({ amount: 1000, ...input }));
        expect(error.code, JSON.stringify(input)).toBe('funding.rate.invalid');
        expect(error.status).toBe(422);
      }
      const eur = appErrorOf(() => convertToUsd({ amount: 1000, currency: 'XOF', usdPerEur: 655.957 }));
      expect(eur.params).toMatchObject({ value: '655.957', unit: 'EUR', min: '0.2', max: '5' });
      expect(eur.localisedMessage('fr')).toContain('dollars américains pour 1 EUR');
    });
  });
});
