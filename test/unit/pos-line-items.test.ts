import fc from 'fast-check';
import type { FinalStatus, LineItem } from '../../src/client';
import { UsageError } from '../../src/cli/amount';
import { amountWithItems, formatItem, itemsTotal, parseItem, parseItems, voidItems } from '../../src/cli/line-items';

// `eposd-pos … --item "[QUANTITY x ]NAME @ UNIT[ = TOTAL][ tax TAX]"` (docs/pos-client.md).

const minorUnits = fc.integer({ min: 0, max: 99_999_999 });
/** A name as a person types one: 1-60 characters, no space at either end (it is trimmed). */
const anyName = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 60 })
  .map((n) => n.trim())
  .filter((n) => n.length > 0 && [...n].length <= 60);
const anyItem: fc.Arbitrary<LineItem> = fc.record(
  { name: anyName, quantity: fc.integer({ min: 1, max: 9999 }), unitAmount: minorUnits, totalAmount: minorUnits, taxAmount: minorUnits },
  { requiredKeys: ['name', 'quantity', 'unitAmount'] },
);

describe('eposd-pos --item', () => {
  it.each([
    ['2 x Flat white @ 3.50', { name: 'Flat white', quantity: 2, unitAmount: 350 }],
    ['Croissant @ 2.2', { name: 'Croissant', quantity: 1, unitAmount: 220 }],
    ['3x Muffin@2 = 5.00 tax 0.45', { name: 'Muffin', quantity: 3, unitAmount: 200, totalAmount: 500, taxAmount: 45 }],
    ['1 × Tea @ home @ 0', { name: 'Tea @ home', quantity: 1, unitAmount: 0 }],
    ['1 x 3 x 4 prints @ 2.00', { name: '3 x 4 prints', quantity: 1, unitAmount: 200 }],
    ['2 xylophones @ 5', { name: '2 xylophones', quantity: 1, unitAmount: 500 }],
  ])('reads %j', (spec, item) => {
    expect(parseItem(spec)).toEqual(item);
  });

  it('reads amounts in the currency of the payment (JPY whole, KWD three decimals) or in minor units with --minor', () => {
    expect(parseItem('2 x Ramen @ 950', { currency: 'JPY' })).toEqual({ name: 'Ramen', quantity: 2, unitAmount: 950 });
    expect(parseItem('Tea @ 1.250 tax 0.125', { currency: 'KWD' })).toEqual({ name: 'Tea', quantity: 1, unitAmount: 1250, taxAmount: 125 });
    expect(parseItem('Tea @ 350', { minor: true })).toEqual({ name: 'Tea', quantity: 1, unitAmount: 350 });
    expect(() => parseItem('Ramen @ 9.50', { currency: 'JPY' })).toThrow(/--item "Ramen @ 9.50": the unit price "9.50" is not an amount in JPY/);
  });

  it.each([
    ['Flat white 3.50', /has no price/],
    ['2 x  @ 3.50', /has no name/],
    ['0 x Tea @ 1', /quantity must be a whole number from 1 to 9999/],
    ['10000 x Tea @ 1', /quantity/],
    [`${'n'.repeat(61)} @ 1`, /at most 60 characters/],
    ['Tea @ 3,50', /unit price "3,50" is not an amount/],
    ['Tea @ -1', /unit price "-1"/],
    ['Tea @ 1 = ', /after the "@"/],
    ['Tea @ 1 vat 2', /after the "@"/],
    ['Tea @ 1000000.00', /unit price must be at most 999999.99/],
  ])('refuses %j with a UsageError that names it', (spec, why) => {
    expect(() => parseItem(spec)).toThrow(UsageError);
    expect(() => parseItem(spec)).toThrow(why);
  });

  it('gives back any item formatted then read, in currencies with 0, 2 and 3 decimals and in minor units', () => {
    fc.assert(
      fc.property(anyItem, fc.constantFrom('JPY', 'EUR', 'KWD', undefined), fc.boolean(), (item, currency, minor) => {
        const units = { currency, minor };
        expect(parseItem(formatItem(item, units), units)).toEqual(item);
      }),
      { numRuns: 500 },
    );
  });

  it('with the amount "auto", charges the line totals; with an amount, refuses items that do not add up to it', () => {
    const item = ['2 x Flat white @ 3.50', 'Croissant @ 2.20 = 2.00'];
    expect(amountWithItems('auto', { item })).toEqual({ amount: 900, lineItems: parseItems(item) });
    expect(amountWithItems('9.00', { item }).amount).toBe(900);
    expect(() => amountWithItems('9.50', { item })).toThrow(/the --item lines add up to 9.00, not the amount 9.50: the payment was not sent/);
    expect(() => amountWithItems('auto', {})).toThrow(/give at least one --item/);
    expect(() => amountWithItems('auto', { item: ['Water @ 0'] })).toThrow(/add up to 0.00/);
    expect(amountWithItems('12.50', {})).toEqual({ amount: 1250 });
  });

  it('property: "auto" is the sum of the line totals, and that sum as the amount is accepted', () => {
    fc.assert(
      fc.property(fc.array(anyItem, { minLength: 1, maxLength: 10 }), fc.constantFrom('JPY', 'EUR', 'KWD'), (items, currency) => {
        const total = itemsTotal(items);
        fc.pre(total >= 1 && total <= 99_999_999);
        const item = items.map((i) => formatItem(i, { currency }));
        expect(amountWithItems('auto', { item, currency })).toEqual({ amount: total, lineItems: items });
        expect(amountWithItems(String(total), { item: items.map((i) => formatItem(i, { minor: true })), currency, minor: true }).amount).toBe(total);
      }),
    );
  });

  it('refuses more than 100 items', () => {
    expect(() => parseItems(Array.from({ length: 101 }, () => 'Tea @ 1'))).toThrow(/at most 100 --item/);
  });

  it("reads a void's items in the original's currency and checks them against the original's amount", () => {
    const original = { status: 'APPROVED', transAmount: 1900, currencyCode: 'JPY' } as FinalStatus;
    expect(voidItems(['2 x Ramen @ 950'], false, original)).toEqual([{ name: 'Ramen', quantity: 2, unitAmount: 950 }]);
    expect(() => voidItems(['Ramen @ 950'], false, original)).toThrow(/add up to JPY 950, not the amount voided JPY 1900/);
  });
});
