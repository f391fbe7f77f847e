/**
 * The card reader port: the hardware that takes the card and the PIN. A PAX driver implements this
 * as the simulator does. Card numbers never cross this port: the reader hands over the masked PAN and
 * an opaque reference that only the payment host understands (on a real device, the encrypted card data).
 */

import type { CardBrand, CardEmv } from './card-data';

export type EntryMode = 'ICC' | 'PICC' | 'MAG' | 'MANUAL';
export type Cvm = 'PIN' | 'NO_CVM' | 'SIGNATURE';

export interface CardRead {
  maskedPan: string;
  entryMode: EntryMode;
  aid: string;
  appName: string;
  cvm: Cvm;
  /** Opaque: for the payment host only. Never stored, logged or returned. */
  hostData: string;
  /** The brand, from the BIN; when absent, from the AID. */
  cardBrand?: CardBrand;
  /** Chip and contactless: the card's first GENERATE AC (docs/payments.md, "Card brand and EMV data"). */
  emv?: CardEmv;
  /** The card's identity, a keyed hash of its number (card-identity.ts): what a linked refund's card is compared by. Never shown. */
  cardId?: string;
}

export interface ReaderSession {
  uti: string;
  transType: string;
  amount: number;
  /** A linked refund: the identity of the card that paid the original (CardRead.cardId), when it was recorded. */
  originalCardId?: string | null;
}

/** What the reader reports. Each call names the transaction; the engine refuses answers that arrive too late. */
export interface ReaderEvents {
  cardDetected(uti: string): void;
  cardRead(uti: string, card: CardRead): void;
  cardReadFailed(uti: string): void;
  pinEntered(uti: string): void;
  customerCancelled(uti: string): void;
  /**
   * A payment app that runs the whole payment (the bridge) ended it before the host answered: cancelled,
   * timed out or failed there, or lost. Only while the terminal waits for a card or a PIN.
   */
  ended?(uti: string, outcome: EndedOutcome): void;
  /** The cardholder chose a tip on the terminal, in minor units (0: no tip). */
  tipChosen(uti: string, tipAmount: number): void;
}

export interface EndedOutcome {
  status: 'CANCELLED' | 'TIMED_OUT' | 'FAILED';
  statusReason: string;
  responseCode?: string | null;
  /** The payment app may hold an authorisation nobody heard of: reverse it. */
  reversal?: 'PENDING';
}

/** What the terminal offers the cardholder before the card: amounts of the choices are worked out here. */
export interface TipRequest {
  uti: string;
  amount: number;
  currency: string;
  percentages: readonly number[];
  /** The largest tip the terminal takes (tips.ts, maxTip): a choice above it is refused. */
  maxTip: number;
}

export interface CardReader {
  readonly kind: string;
  /** Starts waiting for a card for this transaction. */
  begin(session: ReaderSession, events: ReaderEvents): void;
  /**
   * Asks the cardholder to choose a tip (tipOnTerminal). Optional: without it, the choice comes from
   * the terminal's screen (POST /screen/actions chooseTip), which a reader without a display leaves to.
   */
  requestTip?(request: TipRequest, events: ReaderEvents): void;
  /** Asks the cardholder for the PIN of the card just read. */
  requestPin(uti: string): void;
  /**
   * The terminal gives up on the payment (no card, read or PIN in time). Optional: a reader that runs the
   * payment itself (a payment app) ends it there first and reports `events.ended(uti, outcome)`; if it
   * can no longer be stopped (the acquirer has it), the payment's result decides, as it comes. Without
   * it the engine ends the payment at once.
   */
  release?(uti: string, outcome: EndedOutcome, events: ReaderEvents): void;
  /** Stops whatever the reader does for this transaction. */
  end(uti: string): void;
  /** A round trip to the reader for the self-test: resolves when it answers. */
  ping(): Promise<void>;
}

/** First 2 and last 4 digits kept, the rest starred, the length kept: 4761739001010010 → 47**********0010. */
export function maskPan(pan: string): string {
  const digits = pan.replace(/\D/g, '');
  if (digits.length < 8) return '*'.repeat(digits.length);
  return digits.slice(0, 2) + '*'.repeat(digits.length - 6) + digits.slice(-4);
}
