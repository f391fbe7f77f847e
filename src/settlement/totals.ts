import type { UnsettledRow } from '../transactions/transactions.repository';

export interface TypeTotal {
  count: number;
  amount: number;
}

export interface BatchTotals {
  currency: string;
  sales: TypeTotal;
  refunds: TypeTotal;
  preauths: TypeTotal;
  completions: TypeTotal;
  /** Approved transactions that a reversal voided: in no other total. */
  voided: TypeTotal;
  reversals: { count: number };
  declined: { count: number };
  /** Cancelled, timed out and failed. */
  notCompleted: { count: number };
  /** Sales and completions less refunds, voided ones excluded: what the merchant is paid. */
  net: number;
}

const zero = (): TypeTotal => ({ count: 0, amount: 0 });
const BUCKETS = { SALE: 'sales', REFUND: 'refunds', PREAUTH: 'preauths', COMPLETION: 'completions' } as const;

export function totalsOf(rows: UnsettledRow[], currency: string): BatchTotals {
  const t: BatchTotals = {
    currency,
    sales: zero(),
    refunds: zero(),
    preauths: zero(),
    completions: zero(),
    voided: zero(),
    reversals: { count: 0 },
    declined: { count: 0 },
    notCompleted: { count: 0 },
    net: 0,
  };
  for (const r of rows) {
    if (r.status === 'DECLINED') t.declined.count += 1;
    else if (r.status !== 'APPROVED') t.notCompleted.count += 1;
    else if (r.transType === 'REVERSAL') t.reversals.count += 1;
    else {
      const bucket = r.voided ? t.voided : t[BUCKETS[r.transType as keyof typeof BUCKETS]];
      bucket.count += 1;
      bucket.amount += r.amount;
    }
  }
  t.net = t.sales.amount + t.completions.amount - t.refunds.amount;
  return t;
}
