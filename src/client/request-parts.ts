import type { MoneyFields, OrderData } from './types';

// Parts of the requests the client builds: a query string, and the optional fields a body carries.

/** The order fields that were given, as the body carries them. */
export const orderOf = (o: OrderData): OrderData => {
  const out: OrderData = {};
  if (o.description !== undefined) out.description = o.description;
  if (o.metadata !== undefined) out.metadata = o.metadata;
  if (o.lineItems !== undefined) out.lineItems = o.lineItems;
  if (o.locale !== undefined) out.locale = o.locale;
  return out;
};

export const query = (params: Record<string, string | number | boolean | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};

const MONEY_FIELDS = ['currency', 'tipAmount', 'tipOnTerminal', 'tipPercentages', 'cashbackAmount', 'originalUti', 'allowPartialApproval'] as const;

/** The payment-breadth fields the POS set (docs/payments.md); a field left out is not sent. */
export const moneyOf = (options: MoneyFields): MoneyFields => Object.fromEntries(MONEY_FIELDS.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]));
