import { majorUnits } from '../shared/currencies';
import { ApiError } from '../shared/errors';
import { chargedTotal } from './money';
import type { TransactionRow, TransactionsRepository } from './transactions.repository';

/** What is given back from a sale or a completion: a linked REFUND of some of it, or its void (all of it). */
export type GivingBack = { transType: 'REFUND'; amount: number } | { transType: 'REVERSAL' };

/**
 * @NOTE One rule for what may be given back: a sale's (or completion's) refunds and its void together
 * never exceed what it charged. A void gives back all of it, so it stands alone: a voided sale is not
 * refunded (ALREADY_VOIDED) and a refunded one is not voided (ALREADY_REFUNDED: refund the rest, or
 * void its refunds first). Refunds count while approved or running, not once declined, failed or voided.
 * The check runs when the request arrives and again inside the SQLite transaction that inserts the
 * refund or the void (Ledger.open), so that nothing can be counted in between.
 */
export function giveBackCheck(original: TransactionRow, transactions: Pick<TransactionsRepository, 'linkedRefunds'>, giving: GivingBack): () => void {
  return () => {
    if (original.voidedBy) throw new ApiError('ALREADY_VOIDED', 'This transaction was voided: nothing was taken to refund.', { uti: original.voidedBy });
    const refunds = transactions.linkedRefunds(original.uti);
    const charged = chargedTotal(original);
    const refunded = refunds.reduce((sum, r) => sum + r.amount, 0);
    const refundable = Math.max(0, charged - refunded);
    const where = { originalAmount: charged, refundedAmount: refunded, refundableAmount: refundable };
    if (giving.transType === 'REVERSAL' && refunds.length > 0) {
      const left = `${majorUnits(refundable, original.currency)} ${original.currency}`;
      throw new ApiError('ALREADY_REFUNDED', `Part of this transaction is refunded: a void would give it back twice. Refund what is left (${left}), or void its refunds first.`, {
        uti: original.uti,
        refunds: refunds.map((r) => r.uti),
        ...where,
      });
    }
    if (giving.transType === 'REFUND' && refunded + giving.amount > charged) {
      throw new ApiError('AMOUNT_EXCEEDS_ORIGINAL', `At most ${majorUnits(refundable, original.currency)} ${original.currency} of this transaction is left to refund.`, where);
    }
  };
}

/** Whether a void gives money back from this transaction in the sense of the rule: a sale's or a completion's. */
export const refundable = (tx: Pick<TransactionRow, 'transType'>): boolean => tx.transType === 'SALE' || tx.transType === 'COMPLETION';

/** What the original's status shows: the money refunded from it and the refunds' UTIs; nothing when none stands. */
export function refundsAnswer(tx: Pick<TransactionRow, 'refundUtis' | 'amountRefunded'>): { amountRefunded?: number; refunds?: string[] } {
  if (tx.refundUtis === null || tx.amountRefunded === null) return {};
  // In the order they were made (by id): SQLite promises no order within group_concat, and sorting there costs a temporary tree per row.
  const refunds = tx.refundUtis.split(' ').map((entry) => {
    const colon = entry.indexOf(':');
    return { id: Number(entry.slice(0, colon)), uti: entry.slice(colon + 1) };
  });
  return { amountRefunded: tx.amountRefunded, refunds: refunds.sort((a, b) => a.id - b.id).map((r) => r.uti) };
}
