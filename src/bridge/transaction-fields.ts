import type { BridgeTransaction } from './protocol';

/**
 * payment.start's `transaction`: the request fields of a transaction row. The §8 fields are picked up
 * by name once the row has them (other work adds their columns), so the payment app gets every field
 * the POS sent without a change here; JSON kept as text is sent as JSON, 0/1 flags as booleans.
 */
const OPTIONAL_FIELDS = ['tipAmount', 'cashbackAmount', 'allowPartialApproval', 'tipOnTerminal', 'tipPercentages', 'description', 'metadata', 'lineItems', 'locale'] as const;
const JSON_FIELDS = new Set(['metadata', 'lineItems', 'tipPercentages']);
const FLAGS = new Set(['allowPartialApproval', 'tipOnTerminal']);

export interface RequestRow {
  uti: string;
  transType: string;
  amount: number;
  currency: string;
  reference: string | null;
  originalUti: string | null;
  registerId: string;
  disablePrinting: number;
}

export function bridgeTransactionOf(row: RequestRow, originalAuthCode: string | null): BridgeTransaction {
  const tx: BridgeTransaction = { uti: row.uti, transType: row.transType, amountTrans: row.amount, currency: row.currency, registerId: row.registerId, disablePrinting: row.disablePrinting === 1 };
  if (row.reference !== null) tx.reference = row.reference;
  if (row.originalUti !== null) tx.originalUti = row.originalUti;
  if (originalAuthCode !== null) tx.originalAuthCode = originalAuthCode;
  const extra = row as unknown as Record<string, unknown>;
  for (const field of OPTIONAL_FIELDS) {
    const value = extra[field];
    if (value === null || value === undefined) continue;
    if (FLAGS.has(field)) tx[field] = value === true || value === 1;
    else if (JSON_FIELDS.has(field) && typeof value === 'string') tx[field] = JSON.parse(value) as unknown;
    else tx[field] = value;
  }
  return tx;
}
