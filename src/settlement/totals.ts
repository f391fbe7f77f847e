import type { UnsettledRow } from '../transactions/transactions.repository';
import { chargedTotal } from '../transactions/money';

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
  /** Approved INCREMENTs of pre-authorisations (holds, as preauths: not in net); only when there are some. */
  increments?: TypeTotal;
  /** Of the sales and completions above, the tips and the cash given back; only when there are some. */
  tips?: TypeTotal;
  cashback?: TypeTotal;
}

const zero = (): TypeTotal => ({ count: 0, amount: 0 });
const add = (total: TypeTotal, amount: number) => {
  total.count += 1;
  total.amount += amount;
};
const BUCKETS = { SALE: 'sales', REFUND: 'refunds', PREAUTH: 'preauths', COMPLETION: 'completions', INCREMENT: 'increments' } as const;

/** The totals of one currency: rows of another are left to that currency's totals (totalsByCurrency). */
export function totalsOf(all: UnsettledRow[], currency: string): BatchTotals {
  const rows = all.filter((r) => r.currency === undefined || r.currency === currency);
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
      const charged = chargedTotal({ amount: r.amount, tipAmount: r.tipAmount ?? null, cashbackAmount: r.cashbackAmount ?? null, amountAuthorised: r.amountAuthorised ?? null });
      const key = BUCKETS[r.transType as keyof typeof BUCKETS];
      const bucket = r.voided ? t.voided : key === 'increments' ? (t.increments ??= zero()) : t[key];
      bucket.count += 1;
      bucket.amount += charged;
      if (!r.voided && r.tipAmount) add((t.tips ??= zero()), r.tipAmount);
      if (!r.voided && r.cashbackAmount) add((t.cashback ??= zero()), r.cashbackAmount);
    }
  }
  t.net = t.sales.amount + t.completions.amount - t.refunds.amount;
  return t;
}

/** Every currency traded in the batch, the terminal's own first: each reconciles on its own (no sum across currencies). */
export function totalsByCurrency(rows: UnsettledRow[], own: string): BatchTotals[] {
  const others = [...new Set(rows.map((r) => r.currency).filter((c) => c !== own))].sort();
  return [own, ...others].map((c) => totalsOf(rows, c));
}

/** What a batch keeps: its terminal currency's totals, and every currency's when more than one was traded. */
export type StoredTotals = BatchTotals & { byCurrency?: BatchTotals[] };

export function batchTotals(rows: UnsettledRow[], own: string): StoredTotals {
  const all = totalsByCurrency(rows, own);
  return all.length > 1 ? { ...all[0]!, byCurrency: all } : all[0]!;
}
