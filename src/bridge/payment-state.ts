import type { HostAnswer } from '../host/payment-host';
import type { CardRead, EndedOutcome, ReaderEvents } from '../reader/card-reader';
import type { BridgeCard, PaymentResult } from './protocol';

/** The payment the driver follows, as the app has told it so far. */
export interface Payment {
  uti: string;
  events: ReaderEvents | undefined;
  sent: boolean;
  cardSeen: boolean;
  pinDone: boolean;
  card: CardRead | undefined;
  result: PaymentResult | undefined;
  /** An outcome eposd decided on its own (the app lost, or it confirmed a cancel): what authorize answers if it comes to that. */
  forced: EndedOutcome | undefined;
  /** eposd is giving up: payment.cancel is out, or refused and the result is awaited. */
  ending: EndedOutcome | undefined;
  authorizing: boolean;
  waiting: { resolve(answer: HostAnswer): void; reject(err: unknown): void } | undefined;
  lostTimer: NodeJS.Timeout | undefined;
  asking: NodeJS.Timeout | undefined;
  /** Until when a result the app could not cancel is awaited, when the engine's host timeout does not bound it. */
  awaiting: NodeJS.Timeout | undefined;
}

export const newPayment = (uti: string, events: ReaderEvents | undefined, sent: boolean): Payment => ({
  uti,
  events,
  sent,
  cardSeen: false,
  pinDone: false,
  card: undefined,
  result: undefined,
  forced: undefined,
  ending: undefined,
  authorizing: false,
  waiting: undefined,
  lostTimer: undefined,
  asking: undefined,
  awaiting: undefined,
});

/** Stops asking the app about it, and the wait for a result it could not cancel. */
export function stopAsking(p: Payment): void {
  clearTimeout(p.asking);
  clearTimeout(p.awaiting);
  p.asking = undefined;
  p.awaiting = undefined;
}

export const cardReadOf = (card: BridgeCard | undefined): CardRead => ({
  maskedPan: card?.maskedPan ?? '',
  entryMode: card?.entryMode ?? 'MANUAL',
  aid: card?.aid ?? '',
  appName: card?.applicationLabel ?? '',
  cvm: card?.cvm ?? 'NO_CVM',
  // The payment app keeps the card: nothing opaque crosses to eposd.
  hostData: '',
  ...(card?.cardId !== undefined ? { cardId: card.cardId } : {}),
});
