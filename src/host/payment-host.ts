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
  /** ISO 8583 response code: "00" approves. */
  responseCode: string;
  authCode: string | null;
  /** Set when the host approved less than asked (only if allowPartialApproval). */
  amountAuthorised?: number;
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
  /** Tells the host to undo a message whose answer the terminal never recorded. */
  reverse(uti: string, reason: string): Promise<void>;
}
