/**
 * The simulator's test amounts (SPEC §4): the last two digits of the amount choose the outcome,
 * like the test amounts of the big acquirers.
 */
export type AmountBehaviour =
  | { kind: 'APPROVE' }
  | { kind: 'DECLINE'; responseCode: '05' | '51' | '54'; reason: string }
  | { kind: 'DECLINE_AFTER_PIN' }
  | { kind: 'HOST_TIMEOUT' }
  | { kind: 'READ_ERROR' }
  | { kind: 'CUSTOMER_CANCEL' }
  | { kind: 'NO_CARD' }
  /** SALE, PREAUTH: half approved when allowPartialApproval, else declined 51. */
  | { kind: 'PARTIAL' }
  /** INCREMENT: declined 05 (any other type approves). */
  | { kind: 'INCREMENT_DECLINE' };

export { RESPONSE_REASONS } from '../../host/response-codes';

export function behaviourFor(amount: number): AmountBehaviour {
  switch (amount % 100) {
    case 10:
      return { kind: 'PARTIAL' };
    case 12:
      return { kind: 'INCREMENT_DECLINE' };
    case 5:
      return { kind: 'DECLINE', responseCode: '05', reason: 'DO_NOT_HONOUR' };
    case 51:
      return { kind: 'DECLINE', responseCode: '51', reason: 'INSUFFICIENT_FUNDS' };
    case 54:
      return { kind: 'DECLINE', responseCode: '54', reason: 'EXPIRED_CARD' };
    case 55:
      return { kind: 'DECLINE_AFTER_PIN' };
    case 91:
      return { kind: 'HOST_TIMEOUT' };
    case 96:
      return { kind: 'READ_ERROR' };
    case 97:
      return { kind: 'CUSTOMER_CANCEL' };
    case 98:
      return { kind: 'NO_CARD' };
    default:
      return { kind: 'APPROVE' };
  }
}
