import { ApiError, type FieldError } from '../shared/errors';
import { majorUnits } from '../shared/currencies';
import { DEFAULT_TIP_PERCENTAGES } from './tips';
import { MAX_TOTAL, type TransType } from './model';
import type { TransactionRequest } from './transactions.schemas';
import type { TransactionRow, TransactionsRepository } from './transactions.repository';

/*
 * Payment breadth's money (docs/payments.md): currencies, tips, cashback, linked refunds, partial
 * approvals and INCREMENT. A request that sends none of it is a Paynt request and is answered as one.
 */

export interface MoneyPolicy {
  /** EPOSD_CURRENCY: the terminal's own, used when a request names none. */
  defaultCurrency: string;
  /** EPOSD_CURRENCIES (it always holds the default). */
  currencies: readonly string[];
  cashbackMax: number;
  unlinkedRefunds: boolean;
  refundMax: number | undefined;
}

/** What a new transaction carries beyond Paynt's fields, once the rules have passed. */
export interface MoneyTerms {
  currency: string;
  tipAmount: number | null;
  cashbackAmount: number | null;
  allowPartial: boolean;
  tipOptions: number[] | null;
  /** A linked REFUND's original: what it may give back is give-back.ts's rule. */
  linked: TransactionRow | undefined;
}

const TIP_TYPES: readonly TransType[] = ['SALE', 'PREAUTH', 'COMPLETION'];
const TERMINAL_TIP_TYPES: readonly TransType[] = ['SALE', 'PREAUTH'];

/** What the card is asked for: amountTrans with the tip and the cashback. */
export const requestedTotal = (tx: Pick<TransactionRow, 'amount' | 'tipAmount' | 'cashbackAmount'>): number => tx.amount + (tx.tipAmount ?? 0) + (tx.cashbackAmount ?? 0);

/** What the card was charged: the total, or the part a partial approval took. */
export const chargedTotal = (tx: Pick<TransactionRow, 'amount' | 'tipAmount' | 'cashbackAmount' | 'amountAuthorised'>): number => tx.amountAuthorised ?? requestedTotal(tx);

/** A pre-authorisation's authorised total: what it held, raised by its approved INCREMENTs. COMPLETION's cap. */
export const preauthCap = (preauth: TransactionRow, transactions: Pick<TransactionsRepository, 'linkedTotal'>): number => chargedTotal(preauth) + transactions.linkedTotal(preauth.uti, 'INCREMENT');

/** Which fields each type takes: a field sent where it means nothing is a mistake (400), never ignored. */
export function moneyShapeErrors(r: TransactionRequest): FieldError[] {
  const errors: FieldError[] = [];
  const only = (field: keyof TransactionRequest, types: readonly TransType[]) => {
    if (r[field] !== undefined && !types.includes(r.transType)) errors.push({ field, message: `is not taken by ${r.transType}; only by ${types.join(', ')}` });
  };
  only('tipAmount', TIP_TYPES);
  only('tipOnTerminal', TERMINAL_TIP_TYPES);
  only('tipPercentages', TERMINAL_TIP_TYPES);
  only('cashbackAmount', ['SALE']);
  only('allowPartialApproval', TERMINAL_TIP_TYPES);
  only('originalUti', ['REFUND', 'INCREMENT']);
  if (r.transType === 'INCREMENT' && r.originalUti === undefined) errors.push({ field: 'originalUti', message: 'is required for INCREMENT: the UTI of the pre-authorisation' });
  if (r.tipPercentages !== undefined && r.tipOnTerminal !== true) errors.push({ field: 'tipPercentages', message: 'needs tipOnTerminal: true' });
  if (r.tipOnTerminal === true && r.tipAmount !== undefined) errors.push({ field: 'tipAmount', message: 'must not be sent with tipOnTerminal: the cardholder chooses the tip' });
  if ((r.amountTrans ?? 0) + (r.tipAmount ?? 0) + (r.cashbackAmount ?? 0) > MAX_TOTAL) {
    errors.push({ field: 'amountTrans', message: `with tipAmount and cashbackAmount must be at most ${MAX_TOTAL} minor units` });
  }
  return errors;
}

export class Money {
  constructor(
    private readonly policy: MoneyPolicy,
    private readonly transactions: Pick<TransactionsRepository, 'findByUti'>,
  ) {}

  /** The rules on money, each a 422 (or the original's 404/409) that creates nothing. `original`: a COMPLETION's, REVERSAL's or INCREMENT's. */
  terms(r: TransactionRequest, original: TransactionRow | undefined): MoneyTerms {
    const { policy } = this;
    if (r.currency !== undefined && !policy.currencies.includes(r.currency)) {
      throw new ApiError('CURRENCY_NOT_SUPPORTED', `This terminal takes ${policy.currencies.join(', ')}.`, { currency: r.currency, supported: policy.currencies });
    }
    const linked = r.transType === 'REFUND' && r.originalUti !== undefined ? this.linkedOriginal(r.originalUti) : undefined;
    const inherited = original ?? linked;
    if (inherited && r.currency !== undefined && r.currency !== inherited.currency) {
      throw new ApiError('CURRENCY_MISMATCH', `The original transaction is in ${inherited.currency}; this one must be too.`, { currency: r.currency, originalCurrency: inherited.currency });
    }
    const currency = inherited?.currency ?? r.currency ?? policy.defaultCurrency;
    if (r.cashbackAmount !== undefined && r.cashbackAmount > policy.cashbackMax) {
      throw new ApiError(
        'CASHBACK_NOT_ALLOWED',
        policy.cashbackMax === 0 ? 'This terminal gives no cashback.' : `The cashback may be at most ${majorUnits(policy.cashbackMax, currency)} ${currency}.`,
        { cashbackMax: policy.cashbackMax },
      );
    }
    if (r.transType === 'REFUND' && !linked) this.checkUnlinked(r.amountTrans!, currency);
    return {
      currency,
      tipAmount: r.tipAmount ?? null,
      cashbackAmount: r.cashbackAmount ?? null,
      allowPartial: r.allowPartialApproval === true,
      tipOptions: r.tipOnTerminal === true ? [...(r.tipPercentages ?? DEFAULT_TIP_PERCENTAGES)] : null,
      linked,
    };
  }

  private linkedOriginal(uti: string): TransactionRow {
    const original = this.transactions.findByUti(uti);
    if (!original) throw new ApiError('ORIGINAL_NOT_FOUND', 'No transaction with that UTI exists on this terminal.', { uti });
    if ((original.transType !== 'SALE' && original.transType !== 'COMPLETION') || original.status !== 'APPROVED') {
      throw new ApiError('INVALID_ORIGINAL', 'Only an approved SALE or COMPLETION can be refunded against.', { uti });
    }
    return original;
  }

  private checkUnlinked(amount: number, currency: string): void {
    const { unlinkedRefunds, refundMax } = this.policy;
    if (!unlinkedRefunds) throw new ApiError('UNLINKED_REFUND_NOT_ALLOWED', 'This terminal refunds only against a sale: send its UTI as originalUti.');
    if (refundMax !== undefined && amount > refundMax) {
      throw new ApiError('UNLINKED_REFUND_NOT_ALLOWED', `A refund without originalUti may be at most ${majorUnits(refundMax, currency)} ${currency}; refund against the sale instead.`, {
        refundMax,
      });
    }
  }
}

/**
 * What the final answer adds (docs/payments.md), for a transaction that used payment breadth's money
 * fields, and only then: a Paynt sale's answer stays exactly Paynt's.
 */
export function moneyAnswer(tx: TransactionRow, defaultCurrency: string) {
  const uses =
    tx.tipAmount !== null ||
    tx.cashbackAmount !== null ||
    tx.allowPartial === 1 ||
    tx.tipOptions !== null ||
    tx.amountAuthorised !== null ||
    tx.currency !== defaultCurrency ||
    tx.transType === 'INCREMENT' ||
    (tx.transType === 'REFUND' && tx.originalUti !== null);
  if (!uses) return {};
  const approved = tx.status === 'APPROVED';
  return {
    currency: tx.currency,
    ...(tx.tipAmount !== null ? { tipAmount: tx.tipAmount } : {}),
    ...(tx.cashbackAmount !== null ? { cashbackAmount: tx.cashbackAmount } : {}),
    totalAmount: requestedTotal(tx),
    ...(approved ? { amountAuthorised: chargedTotal(tx), partialApproval: tx.amountAuthorised !== null } : {}),
  };
}
