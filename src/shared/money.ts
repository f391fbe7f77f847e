import { majorUnits } from './currencies';

/**
 * Minor units to a printed amount: 1000 EUR → "EUR 10.00", 1250 JPY → "JPY 1250", 1250 KWD → "KWD 1.250".
 * @NOTE Receipts and reports print the ISO code, not the symbol: "$" is a dozen currencies, and a receipt
 * printer's code page has no ₩ or ₫. The cardholder's screen shows the symbol (currencies.ts).
 */
export function formatAmount(minor: number, currency: string): string {
  return `${currency} ${majorUnits(minor, currency)}`;
}

/** A percentage of the amount, in the same minor units, rounded half up: 15% of 1250 → 188. */
export const tipFor = (amount: number, percent: number): number => Math.round((amount * percent) / 100);
