import type { Command } from 'commander';
import { isFinal, type LineItem, type TransactionStatus } from '../client';
import { formatAmount, minorUnitsHint, parseAmount, readMinorUnits, UsageError } from './amount';
import { majorUnits } from '../shared/currencies';

/*
 * `--item "[QUANTITY x ]NAME @ UNIT[ = TOTAL][ tax TAX]"` (docs/pos-client.md): one line of the order,
 * as a receipt shows it. The price part follows the last `@`, so a name may hold one; a name that
 * itself starts with "3 x " is written with its quantity first ("1 x 3 x 4 prints @ 2.00").
 */

export interface ItemFlags {
  item?: string[];
  minor?: boolean;
  currency?: string;
}

/** How the amounts of an item are written: the payment's currency's decimals, or minor units. */
export interface ItemUnits {
  minor?: boolean;
  currency?: string;
}

const MAX_ITEMS = 100;
const MAX_NAME = 60;
const MAX_QUANTITY = 9999;
const MAX_MINOR = 99_999_999;
const QUANTITY = /^(\d+)\s*[x×]\s+(.+)$/is;
const PRICE = /^([^\s=]+)(?:\s*=\s*([^\s=]+))?(?:\s+tax\s+(\S+))?$/i;

export const AUTO = 'auto';

export const ITEM_HELP =
  '\nLine items (--item, repeatable): "[QUANTITY x ]NAME @ UNIT[ = TOTAL][ tax TAX]", e.g.\n' +
  '  --item "2 x Flat white @ 3.50" --item "Croissant @ 2.20 tax 0.20" --item "3 x Muffin @ 2.00 = 5.00"\n' +
  "Amounts as the amount (the currency's decimals, or minor units with --minor). TOTAL is the line total\n" +
  '(default QUANTITY x UNIT), TAX the tax it includes. The line totals must add up to the amount (for\n' +
  'void: the original\'s, in its currency); for a payment, "auto" as the amount charges their total.';

/** Adds the repeatable `--item <spec>`. */
export const itemOption = (cmd: Command): Command =>
  cmd.option('--item <spec>', 'a line of the order, "2 x Flat white @ 3.50" (repeat for more lines; see below)', (v: string, prev: string[] = []) => [...prev, v]).addHelpText('after', ITEM_HELP);

const itemError = (spec: string, why: string) => new UsageError(`--item "${spec}": ${why}`);

function money(spec: string, what: string, text: string, units: ItemUnits): number {
  let value: number;
  try {
    value = readMinorUnits(text, units.minor, units.currency);
  } catch (err) {
    throw itemError(spec, `the ${what} ${(err as Error).message}`);
  }
  if (value > MAX_MINOR) throw itemError(spec, `the ${what} must be at most ${units.minor ? MAX_MINOR : majorUnits(MAX_MINOR, units.currency ?? 'EUR')}`);
  return value;
}

/** One `--item`, read as the terminal takes it (minor units); a mistake is a UsageError naming the item. */
export function parseItem(spec: string, units: ItemUnits = {}): LineItem {
  const at = spec.lastIndexOf('@');
  if (at < 0) throw itemError(spec, 'has no price: write it like "2 x Flat white @ 3.50"');
  const head = spec.slice(0, at).trim();
  // "2 x @ 3.50" is a quantity without its name, not an item named "2 x".
  const q = QUANTITY.exec(head) ?? /^(\d+)\s*[x×]()$/i.exec(head);
  const name = (q ? q[2]! : head).trim();
  const quantity = q ? Number(q[1]) : 1;
  if (name.length === 0) throw itemError(spec, 'has no name before the "@"');
  if ([...name].length > MAX_NAME) throw itemError(spec, `the name must be at most ${MAX_NAME} characters`);
  if (quantity < 1 || quantity > MAX_QUANTITY) throw itemError(spec, `the quantity must be a whole number from 1 to ${MAX_QUANTITY}`);
  const p = PRICE.exec(spec.slice(at + 1).trim());
  if (!p) throw itemError(spec, 'after the "@" write the unit price, then optionally "= TOTAL" and "tax TAX", like "@ 3.50 = 6.00 tax 0.55"');
  const item: LineItem = { name, quantity, unitAmount: money(spec, 'unit price', p[1]!, units) };
  if (p[2] !== undefined) item.totalAmount = money(spec, 'line total', p[2], units);
  if (p[3] !== undefined) item.taxAmount = money(spec, 'tax', p[3], units);
  return item;
}

/** An item as `--item` takes it back (parseItem(formatItem(i)) is i). */
export function formatItem(item: LineItem, units: ItemUnits = {}): string {
  const amount = (minor: number) => (units.minor ? String(minor) : majorUnits(minor, units.currency ?? 'EUR'));
  const total = item.totalAmount === undefined ? '' : ` = ${amount(item.totalAmount)}`;
  const tax = item.taxAmount === undefined ? '' : ` tax ${amount(item.taxAmount)}`;
  return `${item.quantity} x ${item.name} @ ${amount(item.unitAmount)}${total}${tax}`;
}

export const itemsTotal = (items: readonly LineItem[]): number => items.reduce((sum, i) => sum + (i.totalAmount ?? i.quantity * i.unitAmount), 0);

export function parseItems(specs: readonly string[], units: ItemUnits = {}): LineItem[] {
  if (specs.length > MAX_ITEMS) throw new UsageError(`at most ${MAX_ITEMS} --item lines, got ${specs.length}`);
  return specs.map((s) => parseItem(s, units));
}

/** The line totals add up to `amount` (what the terminal checks too, as LINE_ITEMS_MISMATCH): else nothing is sent. */
export function checkItemsAddUp(items: readonly LineItem[], amount: number, currency: string | undefined, isVoid = false): void {
  const sum = itemsTotal(items);
  if (sum === amount) return;
  const [what, hint] = isVoid
    ? ['the amount voided', 'the void was not sent (a void takes back the whole amount: correct an --item)']
    : ['the amount', 'the payment was not sent (correct an --item, or pass "auto" as the amount)'];
  throw new UsageError(`the --item lines add up to ${formatAmount(sum, currency)}, not ${what} ${formatAmount(amount, currency)}: ${hint}`);
}

/**
 * A payment's amount argument with its `--item`s: "auto" charges the items' total; any other amount is
 * read as ever, and the items must add up to it.
 */
export function amountWithItems(amountText: string, o: ItemFlags): { amount: number; lineItems?: LineItem[] } {
  const lineItems = o.item ? parseItems(o.item, o) : undefined;
  if (amountText.toLowerCase() !== AUTO) {
    const amount = parseAmount(amountText, o.minor, o.currency);
    const hint = minorUnitsHint(amountText, o.minor ?? false, o.currency);
    if (hint) process.stderr.write(`${hint}\n`);
    if (lineItems) checkItemsAddUp(lineItems, amount, o.currency);
    return lineItems ? { amount, lineItems } : { amount };
  }
  if (!lineItems) throw new UsageError('"auto" charges the total of the --item lines: give at least one --item, or the amount');
  const total = itemsTotal(lineItems);
  if (total < 1 || total > MAX_MINOR) {
    const code = o.currency ?? 'EUR';
    throw new UsageError(`the --item lines add up to ${formatAmount(total, o.currency)}; an amount must be from ${majorUnits(1, code)} to ${majorUnits(MAX_MINOR, code)}`);
  }
  return { amount: total, lineItems };
}

/**
 * A void's items: a REVERSAL takes back the original's amount, in the original's currency, so the items
 * are read in it and must add up to it. `original`: its status (the terminal refuses a void of one that
 * is not final, so only a final one is checked here).
 */
export function voidItems(specs: readonly string[], minor: boolean | undefined, original: TransactionStatus): LineItem[] {
  const currency = isFinal(original) ? original.currencyCode : undefined;
  const items = parseItems(specs, { minor, currency });
  if (isFinal(original) && original.transAmount !== null) checkItemsAddUp(items, original.transAmount, currency, true);
  return items;
}
