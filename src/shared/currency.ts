/**
 * Converting a contribution to US dollars, the currency every plan, FTS and HDX HAPI count in.
 * Shared by the server (which stores the conversion) and the web form (which previews it), so
 * that the preview is the stored amount to the cent. Pure and Node-free: the rate comes from the
 * caller (the donor's agreement, the treasury rate of the day or FTS), never from a feed, so that
 * a stored conversion can always be explained.
 *
 * Amounts are converted with exact decimal arithmetic on the figures as written (BigInt), then
 * rounded once to the cent, half away from zero: 655,957,000 XOF at 1.2 USD/EUR is exactly
 * 1,200,000.00 USD, not 1,199,999.99 after binary floating-point drift.
 *
 * Problems come back as an issue (a catalogue code and its parameters) rather than an error:
 * the server turns it into an AppError (src/plans/currency.ts), the web form into a message.
 */

/**
 * ISO 4217 codes accepted for contributions: the active list, plus HRK (replaced by the euro in
 * 2023) because recent FTS flows still carry it. Precious metals, funds and test codes are left
 * out: nobody pledges in XAU.
 */
export const CURRENCIES = [
  'AED', 'AFN', 'ALL', 'AMD', 'ANG', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD', 'BDT', 'BGN', 'BHD', 'BIF',
  'BMD', 'BND', 'BOB', 'BRL', 'BSD', 'BTN', 'BWP', 'BYN', 'BZD', 'CAD', 'CDF', 'CHF', 'CLP', 'CNY', 'COP', 'CRC',
  'CUP', 'CVE', 'CZK', 'DJF', 'DKK', 'DOP', 'DZD', 'EGP', 'ERN', 'ETB', 'EUR', 'FJD', 'FKP', 'GBP', 'GEL', 'GHS',
  'GIP', 'GMD', 'GNF', 'GTQ', 'GYD', 'HKD', 'HNL', 'HRK', 'HTG', 'HUF', 'IDR', 'ILS', 'INR', 'IQD', 'IRR', 'ISK',
  'JMD', 'JOD', 'JPY', 'KES', 'KGS', 'KHR', 'KMF', 'KPW', 'KRW', 'KWD', 'KYD', 'KZT', 'LAK', 'LBP', 'LKR', 'LRD',
  'LSL', 'LYD', 'MAD', 'MDL', 'MGA', 'MKD', 'MMK', 'MNT', 'MOP', 'MRU', 'MUR', 'MVR', 'MWK', 'MXN', 'MYR', 'MZN',
  'NAD', 'NGN', 'NIO', 'NOK', 'NPR', 'NZD', 'OMR', 'PAB', 'PEN', 'PGK', 'PHP', 'PKR', 'PLN', 'PYG', 'QAR', 'RON',
  'RSD', 'RUB', 'RWF', 'SAR', 'SBD', 'SCR', 'SDG', 'SEK', 'SGD', 'SHP', 'SLE', 'SLL', 'SOS', 'SRD', 'SSP', 'STN',
  'SVC', 'SYP', 'SZL', 'THB', 'TJS', 'TMT', 'TND', 'TOP', 'TRY', 'TTD', 'TWD', 'TZS', 'UAH', 'UGX', 'USD', 'UYU',
  'UZS', 'VES', 'VND', 'VUV', 'WST', 'XAF', 'XCD', 'XCG', 'XOF', 'XPF', 'YER', 'ZAR', 'ZMW', 'ZWG', 'ZWL',
] as const;
export type Currency = (typeof CURRENCIES)[number];

const CURRENCY_SET: ReadonlySet<string> = new Set(CURRENCIES);

/** CFA francs per euro: the fixed parity of the West (XOF) and Central (XAF) African CFA franc. */
export const XOF_PER_EUR = 655.957;

/** Currencies converted through their euro peg when only a USD/EUR rate is known. */
const EUR_PEGGED: ReadonlySet<string> = new Set(['XOF', 'XAF']);

/** Largest amount accepted, in any currency: above every humanitarian budget, below float trouble. */
export const MAX_AMOUNT = 1e13;

/** Bounds of any USD-per-unit rate: from the weakest currency ever quoted to far above the strongest. */
const MIN_RATE = 1e-9;
const MAX_RATE = 1e6;
/**
 * USD per EUR has stayed between 0.8 and 1.6 since the euro exists; these looser bounds still
 * catch the classic slips (655.957 typed as the EUR rate, or a rate entered per 1,000 units).
 */
const MIN_USD_PER_EUR = 0.2;
const MAX_USD_PER_EUR = 5;

export type RateBasis = 'usd' | 'direct' | 'eur-peg';

export interface ConversionInput {
  amount: number;
  /** ISO 4217 code; case and surrounding spaces are forgiven. */
  currency: string;
  /** US dollars for one unit of `currency`. Wins over `usdPerEur` when both are given. */
  usdPerUnit?: number;
  /** US dollars for one euro: converts EUR, and XOF/XAF through their peg. */
  usdPerEur?: number;
}

export interface Conversion {
  amountUsd: number;
  /** US dollars per unit of the original currency (1 for USD). */
  exchangeRate: number;
  rateBasis: RateBasis;
}

// ---------------------------------------------------------------------------------------------
// Exact decimals
// ---------------------------------------------------------------------------------------------

/** A decimal number as an integer and a power of ten: value = units / 10^scale. */
interface Decimal {
  units: bigint;
  scale: number;
}

/**
 * The decimal a user wrote, read from the shortest representation that round-trips to the
 * double (what JavaScript prints), so that 1.005 is 1.005 and not 1.00499999999999989…
 */
function toDecimal(value: number): Decimal {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  if (match === null) throw new RangeError(`not a finite number: ${value}`);
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  const digits = BigInt(`${sign}${whole}${fraction}`);
  const power = Number(exponent) - fraction.length;
  return power >= 0 ? { units: digits * 10n ** BigInt(power), scale: 0 } : { units: digits, scale: -power };
}

/** Decimals of a number as written (0.1 → 1, 1e-7 → 7, 1200 → 0). */
function decimalsOf(value: number): number {
  const { units, scale } = toDecimal(value);
  if (units === 0n) return 0;
  let decimals = scale;
  let rest = units < 0n ? -units : units;
  while (decimals > 0 && rest % 10n === 0n) {
    rest /= 10n;
    decimals -= 1;
  }
  return decimals;
}

/** numerator / denominator in cents, rounded half away from zero (denominator > 0). */
function centsOf(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const cents = (magnitude * 200n + denominator) / (2n * denominator);
  return negative ? -cents : cents;
}

function centsToNumber(cents: bigint): number {
  // Both operands are exact doubles (|cents| < 2^53 within MAX_AMOUNT), so the division is
  // correctly rounded: the result is the double closest to the decimal amount.
  return Number(cents) / 100;
}

/** Rounds to the cent, half away from zero, on the decimal as written (1.005 → 1.01, -0.005 → -0.01). */
export function roundToCents(value: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const { units, scale } = toDecimal(value);
  return centsToNumber(centsOf(units, 10n ** BigInt(scale))) + 0;
}

/** amount × Π(multipliers) ÷ divisor, exactly, rounded to the cent. */
function multiplyToCents(amount: number, multipliers: readonly number[], divisor: number = 1): number {
  let numerator = toDecimal(amount);
  for (const multiplier of multipliers) {
    const decimal = toDecimal(multiplier);
    numerator = { units: numerator.units * decimal.units, scale: numerator.scale + decimal.scale };
  }
  const divisorDecimal = toDecimal(divisor);
  // (n / 10^ns) / (d / 10^ds) = (n × 10^ds) / (d × 10^ns)
  const top = numerator.units * 10n ** BigInt(divisorDecimal.scale);
  const bottom = divisorDecimal.units * 10n ** BigInt(numerator.scale);
  return centsToNumber(centsOf(top, bottom));
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

/** A problem with a conversion's input: a catalogue code (src/plans/funding-messages.ts) and its parameters. */
export type ConversionIssue =
  | { code: 'funding.currency.unknown'; params: { currency: string } }
  | { code: 'funding.amount.invalid'; params: { value: string; max: string } }
  | { code: 'funding.rate.invalid'; params: { value: string; unit: string; min: string; max: string } }
  | { code: 'funding.rate.missing'; params: { currency: string } }
  | { code: 'funding.rate.missingEurPeg'; params: { currency: string; peg: string } };

export type Checked<T> = { ok: true; value: T } | { ok: false; issue: ConversionIssue };

/** Normalises and checks a currency code (`' xof '` → `'XOF'`). */
export function checkCurrency(currency: string): Checked<Currency> {
  const code = typeof currency === 'string' ? currency.trim().toUpperCase() : '';
  if (!CURRENCY_SET.has(code)) return { ok: false, issue: { code: 'funding.currency.unknown', params: { currency: echo(currency) } } };
  return { ok: true, value: code as Currency };
}

export function isCurrency(code: string): code is Currency {
  return CURRENCY_SET.has(code);
}

function echo(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * An amount of money as Liptako stores it (numeric(18,2) in the original currency): finite,
 * above zero, at most MAX_AMOUNT, at most two decimals. Currencies with three decimals (KWD,
 * BHD…) are recorded to the cent like everything else; a third decimal is refused rather than
 * silently dropped. Null when the amount is acceptable.
 */
export function amountIssue(amount: number): ConversionIssue | null {
  const valid =
    typeof amount === 'number' && Number.isFinite(amount) && amount > 0 && amount <= MAX_AMOUNT && decimalsOf(amount) <= 2;
  return valid ? null : { code: 'funding.amount.invalid', params: { value: echo(amount), max: '10,000,000,000,000' } };
}

function rateIssue(rate: number, unit: string, min: number, max: number): ConversionIssue | null {
  const valid = typeof rate === 'number' && Number.isFinite(rate) && rate >= min && rate <= max;
  return valid ? null : { code: 'funding.rate.invalid', params: { value: echo(rate), unit, min: formatBound(min), max: formatBound(max) } };
}

function formatBound(value: number): string {
  return value < 1e-6 ? value.toFixed(12).replace(/0+$/, '') : value.toLocaleString('en-US', { maximumFractionDigits: 12 });
}

/** Plausible USD-per-unit bounds for `currency` (tight for the euro and its pegged francs). */
function rateBounds(currency: string): { min: number; max: number } {
  if (currency === 'EUR') return { min: MIN_USD_PER_EUR, max: MAX_USD_PER_EUR };
  if (EUR_PEGGED.has(currency)) return { min: MIN_USD_PER_EUR / XOF_PER_EUR, max: MAX_USD_PER_EUR / XOF_PER_EUR };
  return { min: MIN_RATE, max: MAX_RATE };
}

// ---------------------------------------------------------------------------------------------
// Conversion
// ---------------------------------------------------------------------------------------------

/**
 * Converts an amount to US dollars. Rules:
 * - USD: rate 1, basis `usd`; rates given alongside are ignored (a dollar is a dollar).
 * - An explicit `usdPerUnit` is used as is (basis `direct`): it is the rate of the transaction.
 * - EUR: `usdPerEur` is its direct rate.
 * - XOF and XAF: through the fixed parity, USD per franc = usdPerEur / 655.957 (basis `eur-peg`).
 * - Anything else without `usdPerUnit`: funding.rate.missing.
 * Issues: funding.currency.unknown, funding.amount.invalid, funding.rate.invalid,
 * funding.rate.missing, funding.rate.missingEurPeg.
 */
export function conversionToUsd(input: ConversionInput): Checked<Conversion> {
  const checked = checkCurrency(input.currency);
  if (!checked.ok) return checked;
  const currency = checked.value;
  const invalidAmount = amountIssue(input.amount);
  if (invalidAmount !== null) return { ok: false, issue: invalidAmount };
  const { usdPerUnit, usdPerEur } = input;

  if (currency === 'USD') return { ok: true, value: { amountUsd: roundToCents(input.amount), exchangeRate: 1, rateBasis: 'usd' } };

  if (usdPerUnit !== undefined) {
    const bounds = rateBounds(currency);
    const invalidRate = rateIssue(usdPerUnit, currency, bounds.min, bounds.max);
    if (invalidRate !== null) return { ok: false, issue: invalidRate };
    return { ok: true, value: { amountUsd: multiplyToCents(input.amount, [usdPerUnit]), exchangeRate: usdPerUnit, rateBasis: 'direct' } };
  }

  if (usdPerEur !== undefined && (currency === 'EUR' || EUR_PEGGED.has(currency))) {
    const invalidRate = rateIssue(usdPerEur, 'EUR', MIN_USD_PER_EUR, MAX_USD_PER_EUR);
    if (invalidRate !== null) return { ok: false, issue: invalidRate };
    if (currency === 'EUR') {
      return { ok: true, value: { amountUsd: multiplyToCents(input.amount, [usdPerEur]), exchangeRate: usdPerEur, rateBasis: 'direct' } };
    }
    // amount × usdPerEur ÷ 655.957, in one exact step: dividing first would round twice.
    return {
      ok: true,
      value: { amountUsd: multiplyToCents(input.amount, [usdPerEur], XOF_PER_EUR), exchangeRate: usdPerEur / XOF_PER_EUR, rateBasis: 'eur-peg' },
    };
  }

  if (EUR_PEGGED.has(currency)) return { ok: false, issue: { code: 'funding.rate.missingEurPeg', params: { currency, peg: String(XOF_PER_EUR) } } };
  return { ok: false, issue: { code: 'funding.rate.missing', params: { currency } } };
}
