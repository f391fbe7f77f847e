import fc from 'fast-check';
import { formatAmount as cliFormat, parseAmount } from '../../src/cli/amount';
import { CURRENCIES, currencyOf, majorUnits } from '../../src/shared/currencies';
import { formatAmount } from '../../src/shared/money';
import { buildReceipts } from '../../src/transactions/receipts';
import { transactionRow as row } from '../helpers/rows';

// Amounts across currencies: minor units with each currency's ISO 4217 exponent, the same everywhere
// (receipts, the command line's parsing and printing).

const codes = [...CURRENCIES.keys()];
const anyCurrency = fc.constantFrom(...codes);
const anyAmount = fc.integer({ min: 1, max: 99_999_999 });

describe('amounts across currencies (ISO 4217 exponents)', () => {
  it('knows the exponents: JPY 0, EUR 2, KWD 3, and an unknown code as 2', () => {
    expect([currencyOf('JPY').exponent, currencyOf('EUR').exponent, currencyOf('GBP').exponent, currencyOf('KWD').exponent, currencyOf('BHD').exponent, currencyOf('XYZ').exponent]).toEqual([
      0, 2, 2, 3, 3, 2,
    ]);
    expect([formatAmount(1250, 'JPY'), formatAmount(1250, 'EUR'), formatAmount(1250, 'KWD'), formatAmount(5, 'BHD')]).toEqual(['JPY 1250', 'EUR 12.50', 'KWD 1.250', 'BHD 0.005']);
  });

  it('writes every amount with exactly its currency exponent of decimals, and reads it back to the same minor units', () => {
    fc.assert(
      fc.property(anyCurrency, anyAmount, (currency, minor) => {
        const text = majorUnits(minor, currency);
        const exp = currencyOf(currency).exponent;
        expect(text.includes('.') ? text.split('.')[1]!.length : 0).toBe(exp);
        expect(parseAmount(text, false, currency)).toBe(minor);
        expect(cliFormat(minor, currency)).toBe(formatAmount(minor, currency));
      }),
    );
  });

  it('refuses more decimals than the currency has (12.50 JPY, 1.2345 KWD)', () => {
    fc.assert(
      fc.property(anyCurrency, anyAmount, (currency, minor) => {
        const exp = currencyOf(currency).exponent;
        const tooFine = `${Math.floor(minor / 10 ** exp)}.${'1'.repeat(exp + 1)}`;
        expect(() => parseAmount(tooFine, false, currency)).toThrow(/not an amount/);
      }),
    );
  });

  it('prints a receipt amount that reads back to the amount charged, in any currency', () => {
    fc.assert(
      fc.property(anyCurrency, fc.integer({ min: 1, max: 99_899_999 }), fc.integer({ min: 0, max: 100_000 }), (currency, amount, tip) => {
        const lines = buildReceipts(row({ currency, amount, tipAmount: tip }), { tid: '12345678', mid: 'M1', serialNumber: 'S1', merchantName: 'SHOP', currency: 'EUR' })!.merchant.map((l) => l[0]);
        const read = (label: string) => parseAmount(lines.find((l) => l.startsWith(`${label}: `))!.slice(label.length + 2 + currency.length + 1), false, currency);
        expect(read('AMOUNT')).toBe(amount);
        expect(read('TOTAL')).toBe(amount + tip);
      }),
    );
  });
});
