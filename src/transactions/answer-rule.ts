import { RESPONSE_REASONS } from '../host/response-codes';
import type { FinalStatusName } from './model';
import { otherCardOutcome } from './refund-card';
import type { Outcome } from './states';

/*
 * @NOTE The one rule for what an acquirer's answer makes of a payment, whoever relays it and whenever:
 * the host's answer to the engine, the payment app's live result, its status after a link drop and its
 * status after a restart (docs/bridge.md, "What eposd records"). Three paths with three checks drift,
 * and the one that drifted is where the money goes: each of them calls judgeAnswer.
 */

/** Response codes that approve: 00, and 10 (approved for a part of the amount). */
export const APPROVAL_CODES: readonly string[] = ['00', '10'];

/** Why an answer was not taken as it was given. */
export const REFUSALS = ['OTHER_UTI', 'OTHER_CARD', 'OVER_APPROVAL', 'ZERO_APPROVAL', 'PARTIAL_NOT_ALLOWED'] as const;
export type Refusal = (typeof REFUSALS)[number];

/** What eposd asked for: the payment, the total it asked the card for, and whether less may be taken. */
export interface Asked {
  uti: string;
  total: number;
  allowPartial: boolean;
  /** A linked refund: the card identity of the payment it refunds (refund-card.ts); the card must be that one. */
  originalCardId?: string | null;
}

/** What the acquirer said, as a host or a payment app relays it. */
export interface Said {
  /** The payment the answer names. */
  uti: string;
  outcome: FinalStatusName;
  /** The relay's own reason: for a decline eposd has no name for, and for what never reached the acquirer. */
  reason: string;
  responseCode: string | null;
  authCode: string | null;
  /** What was approved; undefined: all that was asked (a host that approves only in full says nothing more). */
  amountAuthorised: number | undefined;
  /** The identity of the card the answer names, when the relay gives one. */
  cardId?: string;
}

export type Verdict = { refusal: 'OTHER_UTI' } | { outcome: Outcome; refusal?: Exclude<Refusal, 'OTHER_UTI'> };

/** An approval eposd does not keep: declined with `reason`, and what was taken given back. */
const notKept = (statusReason: string, responseCode: string | null): Outcome => ({ status: 'DECLINED', statusReason, responseCode, authCode: null, reversal: 'PENDING' });

/**
 * What eposd records of an answer. An answer about another payment is no answer to this one; a linked
 * refund's answer naming another card than its original's is a decline (CARD_MISMATCH). 00 and 10
 * approve, and the amount decides what: all of the total, an approval; less, a partial approval where
 * the POS allowed one, else a decline 51 with the part reversed; more, or nothing, is never an approval
 * (declined with a reason of its own, and reversed). Declines keep their code, named as eposd names it.
 */
export function judgeAnswer(asked: Asked, said: Said): Verdict {
  if (said.uti !== asked.uti) return { refusal: 'OTHER_UTI' };
  // A linked refund paid to another card than the one that paid: declined, and undone if approved.
  const reached = said.outcome === 'APPROVED' || said.outcome === 'DECLINED';
  if (reached && asked.originalCardId && said.cardId !== undefined && said.cardId !== asked.originalCardId) {
    return said.outcome === 'APPROVED' ? { outcome: otherCardOutcome('PENDING'), refusal: 'OTHER_CARD' } : { outcome: otherCardOutcome() };
  }
  if (said.outcome === 'DECLINED') {
    return { outcome: { status: 'DECLINED', statusReason: RESPONSE_REASONS[said.responseCode ?? ''] ?? said.reason, responseCode: said.responseCode, authCode: null } };
  }
  if (said.outcome !== 'APPROVED') return { outcome: { status: said.outcome, statusReason: said.reason, responseCode: said.responseCode } };
  const amount = said.amountAuthorised ?? asked.total;
  if (amount > asked.total) return { outcome: notKept('OVER_APPROVAL', null), refusal: 'OVER_APPROVAL' };
  if (amount <= 0) return { outcome: notKept('ZERO_APPROVAL', null), refusal: 'ZERO_APPROVAL' };
  if (amount < asked.total && !asked.allowPartial) return { outcome: notKept(RESPONSE_REASONS['51']!, '51'), refusal: 'PARTIAL_NOT_ALLOWED' };
  return {
    outcome: {
      status: 'APPROVED',
      statusReason: 'APPROVED',
      responseCode: said.responseCode,
      authCode: said.authCode,
      ...(amount < asked.total ? { amountAuthorised: amount } : {}),
    },
  };
}
