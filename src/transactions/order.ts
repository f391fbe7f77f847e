import { Type, type Static } from '@sinclair/typebox';
import { ApiError, ValidationError } from '../shared/errors';
import { LOCALES, type Locale } from '../i18n';
import { PrintableText, StringEnum } from '../shared/schema-types';

/*
 * Order data (SPEC §8): what the POS says of the order, carried with the payment. Optional, for every
 * type; returned as sent, shown on the screen (line items), printed on both receipts, and `metadata`
 * searchable (GET /transactions?metadata.KEY=VALUE).
 */

const MinorUnits = Type.Integer({ minimum: 0, maximum: 99_999_999, description: 'must be a whole number of minor units from 0 to 99999999' });

export const LineItem = Type.Object(
  {
    name: PrintableText({ minLength: 1, maxLength: 60, description: 'must be 1-60 printable characters: no control characters (line breaks, tabs, escapes)' }),
    quantity: Type.Integer({ minimum: 1, maximum: 9999, description: 'must be a whole number from 1 to 9999' }),
    unitAmount: MinorUnits,
    totalAmount: Type.Optional(Type.Integer({ ...MinorUnits, description: 'the line total; quantity × unitAmount when not sent' })),
    taxAmount: Type.Optional(Type.Integer({ ...MinorUnits, description: 'the tax included in the line total' })),
  },
  { additionalProperties: false },
);
export type LineItem = Static<typeof LineItem>;

export const Metadata = Type.Unsafe<Record<string, string>>({
  type: 'object',
  maxProperties: 20,
  propertyNames: { type: 'string', minLength: 1, maxLength: 40 },
  additionalProperties: { type: 'string', maxLength: 500 },
  description: 'at most 20 keys of 1-40 characters, each a string of at most 500; searchable with GET /transactions?metadata.KEY=VALUE',
  example: { order: '42', table: '7' },
});

/** The request fields of order data and language, spread into TransactionRequest. */
export const OrderFields = {
  description: Type.Optional(PrintableText({ maxLength: 255, description: 'must be at most 255 printable characters, what the payment is for: no control characters (line breaks, tabs, escapes)' })),
  metadata: Type.Optional(Metadata),
  lineItems: Type.Optional(Type.Array(LineItem, { maxItems: 100, description: 'at most 100; their totals add up to amountTrans' })),
  locale: Type.Optional(StringEnum(LOCALES, { description: `must be one of ${LOCALES.join(', ')}`, example: 'ja' })),
};

/** The same fields in answers, as the POS sent them; absent when it sent none. */
export const OrderAnswerFields = {
  description: OrderFields.description,
  metadata: OrderFields.metadata,
  lineItems: Type.Optional(Type.Array(LineItem)),
  locale: Type.Optional(StringEnum(LOCALES)),
};

/** GET /transactions?metadata.KEY=VALUE: each pair a filter (all must match). */
export const METADATA_QUERY = { '^metadata\\.': Type.String({ maxLength: 500, description: 'metadata.KEY=VALUE: transactions whose metadata has KEY with this VALUE' }) };
export const MAX_METADATA_FILTERS = 5;

/** The metadata pairs of a search's query, checked: at most MAX_METADATA_FILTERS keys of 1-40 characters. */
export function metadataFilters(query: Record<string, unknown>): [string, string][] | undefined {
  const pairs = Object.entries(query)
    .filter(([k]) => k.startsWith('metadata.'))
    .map(([k, v]): [string, string] => [k.slice('metadata.'.length), String(v)]);
  if (pairs.length === 0) return undefined;
  const bad = pairs.find(([k]) => k.length < 1 || k.length > 40);
  if (bad) throw new ValidationError([{ field: `metadata.${bad[0]}`, message: 'must name a metadata key of 1-40 characters' }]);
  if (pairs.length > MAX_METADATA_FILTERS) throw new ValidationError([{ field: 'metadata', message: `at most ${MAX_METADATA_FILTERS} metadata filters at once` }]);
  return pairs;
}

export interface OrderData {
  description?: string;
  metadata?: Record<string, string>;
  lineItems?: LineItem[];
}

export const lineTotal = (item: LineItem): number => item.totalAmount ?? item.quantity * item.unitAmount;

/** What the lines come to: a payment's (checked against its amount) and a customer display's basket alike. */
export const lineItemsTotal = (items: readonly LineItem[]): number => items.reduce((s, i) => s + lineTotal(i), 0);

/** The line items' totals add up to the transaction's amount: the receipt and the charge agree. */
export function checkLineItems(items: LineItem[] | undefined, amount: number): void {
  if (items === undefined) return;
  const sum = lineItemsTotal(items);
  if (sum !== amount) throw new ApiError('LINE_ITEMS_MISMATCH', `The line items add up to ${sum}, not the amount ${amount}.`, { lineItemsTotal: sum, amountTrans: amount });
}

/*
 * Stored in one column, compactly: {"d":…,"m":{…},"l":[[name,qty,unit,total?,tax?],…]}; NULL when there is
 * none (a plain sale costs nothing). A line's optional fields are null inside its array only when a
 * later one is present.
 */
export function encodeOrder(o: OrderData): string | null {
  if (o.description === undefined && o.metadata === undefined && o.lineItems === undefined) return null;
  const packed: Record<string, unknown> = {};
  if (o.description !== undefined) packed.d = o.description;
  if (o.metadata !== undefined) packed.m = o.metadata;
  if (o.lineItems !== undefined) {
    packed.l = o.lineItems.map((i) => {
      const row: unknown[] = [i.name, i.quantity, i.unitAmount, i.totalAmount ?? null, i.taxAmount ?? null];
      while (row.length > 3 && row[row.length - 1] === null) row.pop();
      return row;
    });
  }
  return JSON.stringify(packed);
}

export function decodeOrder(stored: string | null): OrderData {
  if (stored === null) return {};
  const p = JSON.parse(stored) as { d?: string; m?: Record<string, string>; l?: [string, number, number, (number | null)?, (number | null)?][] };
  const out: OrderData = {};
  if (p.d !== undefined) out.description = p.d;
  if (p.m !== undefined) out.metadata = p.m;
  if (p.l !== undefined) {
    out.lineItems = p.l.map(([name, quantity, unitAmount, total, tax]) => ({
      name,
      quantity,
      unitAmount,
      ...(total != null ? { totalAmount: total } : {}),
      ...(tax != null ? { taxAmount: tax } : {}),
    }));
  }
  return out;
}

export type { Locale };
