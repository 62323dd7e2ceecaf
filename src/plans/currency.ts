/**
 * Converting a contribution to US dollars on the server: the exact conversion and its checks live
 * in the shared layer (src/shared/currency.ts, also used by the web form's preview); here a
 * problem becomes a catalogued AppError (422).
 */
import { AppError } from '../core/errors.js';
import { checkCurrency, conversionToUsd, type Conversion, type ConversionInput, type ConversionIssue, type Currency } from '../shared/currency.js';

export {
  CURRENCIES,
  isCurrency,
  MAX_AMOUNT,
  roundToCents,
  XOF_PER_EUR,
  type Conversion,
  type ConversionInput,
  type Currency,
  type RateBasis,
} from '../shared/currency.js';

function refuse(issue: ConversionIssue): never {
  throw new AppError(issue.code, issue.params);
}

/** Normalises and checks a currency code (`' xof '` → `'XOF'`), or throws funding.currency.unknown. */
export function normaliseCurrency(currency: string): Currency {
  const checked = checkCurrency(currency);
  return checked.ok ? checked.value : refuse(checked.issue);
}

/**
 * Converts an amount to US dollars (rules: conversionToUsd). Errors: funding.currency.unknown,
 * funding.amount.invalid, funding.rate.invalid, funding.rate.missing, funding.rate.missingEurPeg (all 422).
 */
export function convertToUsd(input: ConversionInput): Conversion {
  const converted = conversionToUsd(input);
  return converted.ok ? converted.value : refuse(converted.issue);
}
