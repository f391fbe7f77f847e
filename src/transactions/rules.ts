import { ApiError, ValidationError } from '../shared/errors';
import { MAX_TOTAL } from './model';
import type { TransactionRow } from './transactions.repository';

// The business rules checked before a UTI is given (SPEC §3). Each throws, and so creates nothing.

/** `amount`: the completion's total (with its tip); `cap`: the pre-authorisation's authorised total, INCREMENTs included. */
export function checkCompletion(original: TransactionRow, amount: number, cap = original.amount): void {
  if (original.transType !== 'PREAUTH' || original.status !== 'APPROVED') {
    throw new ApiError('INVALID_ORIGINAL', 'Only an approved PREAUTH can be completed.', { uti: original.uti });
  }
  if (original.voidedBy) throw new ApiError('ALREADY_VOIDED', 'This pre-authorisation was voided.', { uti: original.voidedBy });
  if (original.completedBy) throw new ApiError('ALREADY_COMPLETED', 'This pre-authorisation is already completed.', { uti: original.completedBy });
  if (amount > cap) {
    throw new ApiError('AMOUNT_EXCEEDS_PREAUTH', `The completion may be at most the pre-authorised ${cap}.`, { preauthAmount: cap });
  }
}

/**
 * An INCREMENT raises an open pre-authorisation: the rules of COMPLETION. A pre-authorisation is a hold,
 * not money moved, and stays open across settlement (as for COMPLETION and void): a hotel raises its
 * hold night after night.
 */
export function checkIncrement(original: TransactionRow, amount: number, cap: number): void {
  if (original.transType !== 'PREAUTH' || original.status !== 'APPROVED') {
    throw new ApiError('INVALID_ORIGINAL', 'Only an approved PREAUTH can be incremented.', { uti: original.uti });
  }
  if (original.voidedBy) throw new ApiError('ALREADY_VOIDED', 'This pre-authorisation was voided.', { uti: original.voidedBy });
  if (original.completedBy) throw new ApiError('ALREADY_COMPLETED', 'This pre-authorisation is already completed.', { uti: original.completedBy });
  // The hold is a total like any other: within the documented bound.
  if (cap + amount > MAX_TOTAL) {
    throw new ValidationError([{ field: 'amountTrans', message: `would raise the pre-authorisation's total to ${cap + amount}: it must stay at most ${MAX_TOTAL} minor units` }]);
  }
}

/**
 * @NOTE A void takes money back from a card: by default only the register that made the transaction
 * may void it, as only it may cancel it. A shop whose tills void each other's sales (a supervisor's
 * till) sets EPOSD_VOID_ANY_REGISTER=true. Refunds stay open to every register.
 */
export function checkReversal(original: TransactionRow, registerId: string, anyRegister: boolean): void {
  if (!anyRegister && original.registerId !== registerId) {
    throw new ApiError('FORBIDDEN', 'Only the register that made this transaction can void it on this terminal; refund it instead.', { uti: original.uti });
  }
  if (original.transType === 'INCREMENT') {
    throw new ApiError('INVALID_ORIGINAL', 'An INCREMENT is not voided alone: void its pre-authorisation, which releases the whole hold.', { uti: original.uti });
  }
  if (original.transType === 'REVERSAL' || original.status !== 'APPROVED') {
    throw new ApiError('INVALID_ORIGINAL', 'Only an approved SALE, REFUND, PREAUTH or COMPLETION can be voided.', { uti: original.uti });
  }
  if (original.voidedBy) throw new ApiError('ALREADY_VOIDED', 'This transaction is already voided.', { uti: original.voidedBy });
  // A pre-authorisation is a hold, not money moved: closing the batch does not stop its release.
  if (original.batchId !== null && original.transType !== 'PREAUTH')
    throw new ApiError('ALREADY_SETTLED', 'This transaction is settled and can no longer be voided; refund it instead.', { uti: original.uti });
  if (original.completedBy) throw new ApiError('ALREADY_COMPLETED', 'This pre-authorisation is completed: void the completion instead.', { uti: original.completedBy });
}
