import Decimal from 'decimal.js';
import { code as currencyCode } from 'currency-codes';

/** A decimal amount in an ISO 4217 currency; amounts are exact decimal strings, never floats. */
export interface Money {
  amount: string;
  currency: string;
}

/** Digits after the decimal point of a currency's minor unit (USD 2, JPY 0, BHD 3); null when unknown. */
export function minorUnitDigits(currency: string): number | null {
  const entry = /^[A-Z]{3}$/.test(currency) ? currencyCode(currency) : undefined;
  return entry === undefined ? null : entry.digits;
}

/** `percent` % of an amount, rounded half-up to the currency's minor unit. */
export function percentOf(money: Money, percent: string): Money {
  const digits = minorUnitDigits(money.currency) ?? 2;
  const amount = new Decimal(money.amount).mul(percent).div(100).toDecimalPlaces(digits, Decimal.ROUND_HALF_UP);
  return { amount: amount.toFixed(digits), currency: money.currency };
}

/** Sums amounts per currency, each in its minor unit. */
export function totalsByCurrency(amounts: readonly Money[]): Money[] {
  const sums = new Map<string, Decimal>();
  for (const m of amounts) sums.set(m.currency, (sums.get(m.currency) ?? new Decimal(0)).add(m.amount));
  return [...sums.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, sum]) => ({ currency, amount: sum.toFixed(minorUnitDigits(currency) ?? 2) }));
}
