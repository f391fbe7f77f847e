import type { ActiveTransaction, Outcome } from './states';

/** The reason a linked refund to another card is declined with. */
export const CARD_MISMATCH = 'CARD_MISMATCH';

/**
 * @NOTE A linked refund pays back the card that paid: the card read for it, or named in the payment
 * app's answer, is compared with its original's by card identity (reader/card-identity.ts). When
 * either side has none (an original from before card identities, a payment app that gives none), there
 * is nothing to compare and the refund goes ahead, as an unlinked one would.
 */
export const isOtherCard = (tx: Pick<ActiveTransaction, 'transType' | 'originalCardId'>, cardId: string | undefined): boolean =>
  tx.transType === 'REFUND' && typeof tx.originalCardId === 'string' && cardId !== undefined && cardId !== tx.originalCardId;

/**
 * Declined at the card, before the host: no response code, so no receipt. `reversal`: a payment app
 * that approved it all the same (its card named only in its answer) is asked to undo it.
 */
export const otherCardOutcome = (reversal?: 'PENDING'): Outcome => ({ status: 'DECLINED', statusReason: CARD_MISMATCH, responseCode: null, ...(reversal ? { reversal } : {}) });
