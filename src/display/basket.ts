import { ApiError, ValidationError } from '../shared/errors';
import { lineTotal, type LineItem } from '../transactions/order';

/** A line of the basket as the screen shows it: what changed since the basket before is marked. */
export interface BasketLine {
  name: string;
  quantity: number;
  total: number;
  change?: 'added' | 'changed';
}

/** The basket's sums: the line totals, tax on top, and the total the POS may have sent (checked). */
export function basketSums(items: LineItem[], tax: number | undefined, total: number | undefined): { subtotal: number; tax: number; total: number } {
  const subtotal = items.reduce((s, i) => s + lineTotal(i), 0);
  const expected = subtotal + (tax ?? 0);
  if (total !== undefined && total !== expected) {
    throw new ApiError('LINE_ITEMS_MISMATCH', `The line items add up to ${subtotal}${tax ? ` and the tax to ${tax}` : ''}, not the total ${total}.`, {
      lineItemsTotal: subtotal,
      tax: tax ?? 0,
      total,
    });
  }
  if (expected > 99_999_999) throw new ValidationError([{ field: 'lineItems', message: 'must add up, with the tax, to at most 99999999 minor units' }]);
  return { subtotal, tax: tax ?? 0, total: expected };
}

/**
 * What changed from one basket to the next (the POS sends a whole new basket each time): lines are
 * matched by name, the n-th of a name with the n-th before; a line with no match is added, one whose
 * quantity or total moved is changed, and the lines left over before were removed.
 */
export function basketChanges(before: readonly LineItem[] | undefined, after: readonly LineItem[]): { lines: BasketLine[]; removed: BasketLine[] } {
  const left = new Map<string, LineItem[]>();
  for (const item of before ?? []) left.set(item.name, [...(left.get(item.name) ?? []), item]);
  const lines = after.map((item): BasketLine => {
    const line = { name: item.name, quantity: item.quantity, total: lineTotal(item) };
    if (!before) return line;
    const match = left.get(item.name)?.shift();
    if (!match) return { ...line, change: 'added' };
    return match.quantity !== item.quantity || lineTotal(match) !== line.total ? { ...line, change: 'changed' } : line;
  });
  const removed = [...left.values()].flat().map((i) => ({ name: i.name, quantity: i.quantity, total: lineTotal(i) }));
  return { lines, removed };
}
