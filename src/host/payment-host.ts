import type { CardBrand, EmvData } from '../reader/card-data';

/** The payment host port: the acquirer. A real terminal reaches it over its own network link. */

export interface AuthorizationRequest {
  uti: string;
  transType: string;
  amount: number;
  currency: string;
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
  /** A driver that drives the card too (a payment app's bridge) may give the final EMV data and brand itself. */
  emv?: EmvData;
  cardBrand?: CardBrand;
}

export interface PaymentHost {
  authorize(req: AuthorizationRequest): Promise<HostAnswer>;
  /** Tells the host to undo a message whose answer the terminal never recorded. */
  reverse(uti: string, reason: string): Promise<void>;
}
