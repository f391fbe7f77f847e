import type { CardBrand, EmvData } from '../reader/card-data';
import type { CardRead } from '../reader/card-reader';
import type { Locale } from '../i18n';
import type { FinalStatusName, TransType } from './model';
import type { LineItem } from './order';

/*
 * The terminal's payment state machine. One transaction at a time; every move goes through
 * PaymentEngine.transition, which commits it to SQLite before anything acts on it.
 *
 *   IDLE ──(tipOnTerminal)──► AWAITING_TIP ──(cancel, no choice in time)─────────────────► IDLE
 *    │ ▲                          │ tip chosen (or none)
 *    │ │                          ▼
 *   IDLE ──(SALE, REFUND, PREAUTH)──► AWAITING_CARD ──(cancel, no card in time)──────────► IDLE
 *    │ ▲                                   │ card detected
 *    │ │                                   ▼
 *    │ │                              READING_CARD ──(read error, cancel)────────────────► IDLE
 *    │ │                                │        │ the card needs a PIN
 *    │ │                                │        ▼
 *    │ │                                │   AWAITING_PIN ──(cancel, no PIN in time)──────► IDLE
 *    │ │                                │        │ PIN entered
 *    │ │                                ▼        ▼
 *    └─┼─(COMPLETION, REVERSAL,  ─► AUTHORIZING
 *      │   INCREMENT) ──(outcome; disablePrinting or no receipt)─► IDLE
 *      │                                │ outcome committed (host answer, or host timeout → 91)
 *      │                                ▼
 *      └─────────── printed ─────── PRINTING
 */

export type StateName = 'IDLE' | 'AWAITING_TIP' | 'AWAITING_CARD' | 'READING_CARD' | 'AWAITING_PIN' | 'AUTHORIZING' | 'PRINTING';

export interface ActiveTransaction {
  id: number;
  uti: string;
  transType: TransType;
  amount: number;
  currency: string;
  originalUti: string | null;
  registerId: string;
  disablePrinting: boolean;
  /** For COMPLETION: the pre-authorisation's auth code, sent to the host. */
  originalAuthCode: string | null;
  /** A linked REFUND: the identity of the card that paid its original, which its card must have (refund-card.ts). */
  originalCardId?: string | null;
  /** Payment breadth (money.ts): the tip (set by the POS, or chosen at AWAITING_TIP), the cashback, and whether the host may approve less. */
  tipAmount?: number | null;
  cashbackAmount?: number | null;
  allowPartial?: boolean;
  /** REVERSAL: what the original charged when a partial approval took less than its total (what the void gives back). */
  amountAuthorised?: number | null;
  /** The tip percentages the cardholder is offered: the payment starts at AWAITING_TIP. */
  tipOptions?: readonly number[] | null;
  /** The cardholder's language and the order's lines, for the screen (when the POS sent them). */
  locale?: Locale;
  lineItems?: LineItem[];
}

export type ReaderState =
  | { name: 'IDLE' }
  | { name: 'AWAITING_TIP'; tx: ActiveTransaction }
  | { name: 'AWAITING_CARD'; tx: ActiveTransaction }
  | { name: 'READING_CARD'; tx: ActiveTransaction }
  | { name: 'AWAITING_PIN'; tx: ActiveTransaction; card: CardRead }
  | { name: 'AUTHORIZING'; tx: ActiveTransaction; card: CardRead | null; pinVerified: boolean }
  | { name: 'PRINTING'; tx: ActiveTransaction };

/** Every legal move. Anything else is refused by the guard. */
export const TRANSITIONS: Readonly<Record<StateName, readonly StateName[]>> = {
  IDLE: ['AWAITING_TIP', 'AWAITING_CARD', 'AUTHORIZING'],
  AWAITING_TIP: ['AWAITING_CARD', 'IDLE'],
  AWAITING_CARD: ['READING_CARD', 'IDLE'],
  READING_CARD: ['AWAITING_PIN', 'AUTHORIZING', 'IDLE'],
  AWAITING_PIN: ['AUTHORIZING', 'IDLE'],
  AUTHORIZING: ['PRINTING', 'IDLE'],
  PRINTING: ['IDLE'],
};

export const isLegal = (from: StateName, to: StateName): boolean => TRANSITIONS[from].includes(to);

/** States in which the payment can still be cancelled: the host does not have it yet. */
export const CANCELLABLE: readonly StateName[] = ['AWAITING_TIP', 'AWAITING_CARD', 'READING_CARD', 'AWAITING_PIN'];

/** What the outcome of a transaction is, once it is final. */
export interface Outcome {
  status: FinalStatusName;
  statusReason: string;
  responseCode?: string | null;
  authCode?: string | null;
  /** What the host approved, when less than asked (a partial approval). */
  amountAuthorised?: number;
  /** The host may hold an authorisation whose answer never arrived: reverse it. */
  reversal?: 'PENDING';
  /** Chip and contactless: the card's EMV data once it knows the outcome (card-outcome.ts). */
  emv?: EmvData;
  /** The brand, when the host's driver named it. */
  cardBrand?: CardBrand;
  /** The card's identity, when the host's driver (a payment app) named it in its answer. */
  cardId?: string;
}
