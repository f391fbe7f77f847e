import type { CardBrand, EmvData } from '../reader/card-data';

/** The payment host port: the acquirer. A real terminal reaches it over its own network link. */

export interface AuthorizationRequest {
  uti: string;
  transType: string;
  /** What is charged: amountTrans with the tip and the cashback. */
  amount: number;
  currency: string;
  tipAmount?: number | null;
  cashbackAmount?: number | null;
  /** The host may approve less than `amount` (a prepaid card's balance). */
  allowPartialApproval?: boolean;
  /** The reader's opaque card reference; null for COMPLETION and REVERSAL, which carry no card. */
  hostData: string | null;
  pinVerified: boolean;
  originalUti: string | null;
  originalAuthCode: string | null;
}

export interface HostAnswer {
  /** The payment the answer names, when the host names one (a payment app does): checked against the one asked. */
  uti?: string;
  /** ISO 8583 response code: "00" and "10" approve (transactions/answer-rule.ts). */
  responseCode: string;
  authCode: string | null;
  /** What the host approved; undefined: all that was asked. Less is a partial approval, more is never an approval. */
  amountAuthorised?: number;
  /** The host's own name for a decline whose code eposd does not name. */
  reason?: string;
  /** A driver that drives the card too (a payment app's bridge) may give the final EMV data and brand itself. */
  emv?: EmvData;
  cardBrand?: CardBrand;
  /** The card's identity (reader/card-identity.ts), when a driver that holds the card names it in its answer. */
  cardId?: string;
}

/**
 * An authorisation that ended without an acquirer's answer to record (the payment app cancelled it,
 * or could not be reached): `authorize` rejects with it and the payment ends with this outcome.
 */
export class HostOutcome extends Error {
  constructor(readonly outcome: { status: 'CANCELLED' | 'TIMED_OUT' | 'FAILED'; statusReason: string; reversal?: 'PENDING' }) {
    super(`${outcome.status}: ${outcome.statusReason}`);
  }
}

export interface PaymentHost {
  authorize(req: AuthorizationRequest): Promise<HostAnswer>;
  /**
   * Tells the host to undo an authorisation the terminal does not keep (its answer was lost, or eposd
   * refused it). Resolves with whether the host says an approval was undone: false, there was none.
   */
  reverse(uti: string, reason: string): Promise<boolean>;
}
