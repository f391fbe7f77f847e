import { resultExtras } from './transaction-fields';
import { HostOutcome, type AuthorizationRequest, type HostAnswer, type PaymentHost } from '../host/payment-host';
import type { CardRead, CardReader, EndedOutcome, ReaderEvents, ReaderSession } from '../reader/card-reader';
import { ApiError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { BridgeError, type BridgeClient } from './client';
import type { BridgeCard, BridgeEvent, BridgeTransaction, PaymentResult } from './protocol';

export interface BridgeDriverOptions {
  client: BridgeClient;
  logger: Logger;
  /** payment.start's transaction, from the committed row. */
  requestOf(uti: string): BridgeTransaction;
  /** How long a payment in progress waits for a lost payment app to come back before it ends FAILED. */
  graceMs: number;
  /** An approval for a payment eposd no longer follows (it was cancelled or given up on meanwhile): reverse it unless it is recorded as approved. */
  lateApproval(uti: string): void;
}

interface Payment {
  uti: string;
  events: ReaderEvents | undefined;
  sent: boolean;
  cardSeen: boolean;
  pinDone: boolean;
  card: CardRead | undefined;
  result: PaymentResult | undefined;
  /** An outcome eposd decided on its own (the app lost): what authorize answers if it comes to that. */
  forced: EndedOutcome | undefined;
  authorizing: boolean;
  waiting: { resolve(answer: HostAnswer): void; reject(err: unknown): void } | undefined;
  lostTimer: NodeJS.Timeout | undefined;
}

const UNAVAILABLE = 'PAYMENT_APP_UNAVAILABLE';

/** How long a POS is told to wait before trying a new payment again, in seconds. */
export const RETRY_AFTER_S = 2;

export function unavailable(detail: string): ApiError {
  const err = new ApiError(UNAVAILABLE, detail, { retryAfter: RETRY_AFTER_S });
  err.headers['Retry-After'] = String(RETRY_AFTER_S);
  return err;
}

const cardReadOf = (card: BridgeCard | undefined): CardRead => ({
  maskedPan: card?.maskedPan ?? '',
  entryMode: card?.entryMode ?? 'MANUAL',
  aid: card?.aid ?? '',
  appName: card?.applicationLabel ?? '',
  cvm: card?.cvm ?? 'NO_CVM',
  // The payment app keeps the card: nothing opaque crosses to eposd.
  hostData: '',
  ...(card?.cardId !== undefined ? { cardId: card.cardId } : {}),
});

/**
 * The payment app behind the engine's two ports. The app runs the whole payment (card, PIN, acquirer):
 * payment.start goes out when the engine begins; its stage events become the reader's events (card read,
 * PIN entered) and its result becomes the host's answer, so the engine, the screen and the `stage` the
 * POS sees are the same as with the simulator. The engine's guard refuses whatever comes late.
 *
 * The link may go at any moment. A payment in progress then waits up to `graceMs` for the app to come
 * back and is asked about (payment.query): a result it has is applied, one it never saw ends FAILED,
 * and with no answer in time it ends FAILED / PAYMENT_APP_UNAVAILABLE and is reversed, since the app
 * may hold an authorisation.
 */
export class BridgeDriver implements CardReader, PaymentHost {
  readonly kind = 'bridge';
  private current: Payment | undefined;

  constructor(private readonly opts: BridgeDriverOptions) {
    opts.client.on('event', (e: BridgeEvent) => this.onEvent(e));
    opts.client.on('down', () => this.onDown());
    opts.client.on('up', () => void this.onUp());
  }

  begin(session: ReaderSession, events: ReaderEvents): void {
    this.start(session.uti, events);
  }

  requestPin(): void {
    // The payment app asks the cardholder itself.
  }

  end(uti: string): void {
    const p = this.current;
    if (!p || p.uti !== uti) return;
    this.current = undefined;
    clearTimeout(p.lostTimer);
    if (p.result || p.forced || !p.sent) return;
    this.opts.client.request({ type: 'payment.cancel', uti }).catch((err: unknown) => this.opts.logger.info({ uti, code: (err as BridgeError).code }, 'payment app: cancel not confirmed'));
  }

  async ping(): Promise<void> {
    await this.opts.client.request<'pong'>({ type: 'ping' });
  }

  authorize(req: AuthorizationRequest): Promise<HostAnswer> {
    // COMPLETION and REVERSAL carry no card: the engine starts them here, not at begin.
    const p = this.current?.uti === req.uti ? this.current : this.start(req.uti, undefined);
    p.authorizing = true;
    return new Promise((resolve, reject) => {
      p.waiting = { resolve, reject };
      this.settle(p);
    });
  }

  async reverse(uti: string, reason: string): Promise<void> {
    const code = /^[A-Z][A-Z0-9_]{0,63}$/.test(reason) ? reason : 'UNKNOWN_OUTCOME';
    await this.opts.client.request<'reversal.ok'>({ type: 'reversal', uti, reason: code });
  }

  private start(uti: string, events: ReaderEvents | undefined): Payment {
    const p: Payment = {
      uti,
      events,
      sent: false,
      cardSeen: false,
      pinDone: false,
      card: undefined,
      result: undefined,
      forced: undefined,
      authorizing: false,
      waiting: undefined,
      lostTimer: undefined,
    };
    this.current = p;
    const connected = this.opts.client.connected;
    p.sent = connected;
    this.opts.client.request<'ack'>({ type: 'payment.start', transaction: this.opts.requestOf(uti) }).catch((err: unknown) => {
      const code = err instanceof BridgeError ? err.code : 'ERROR';
      this.opts.logger.warn({ uti, code }, 'payment app: payment.start not acknowledged');
      if (code === 'NOT_CONNECTED') return this.giveUp(p, { status: 'FAILED', statusReason: UNAVAILABLE });
      // Lost or unanswered: the app may have it; the link's loss (or the engine's timers) decide.
      if (code === 'DISCONNECTED' || code === 'TIMEOUT') return;
      this.giveUp(p, { status: 'FAILED', statusReason: 'PAYMENT_APP_ERROR' });
    });
    if (!connected) this.opts.logger.warn({ uti }, 'payment app: not connected at payment.start');
    return p;
  }

  private onEvent(e: BridgeEvent): void {
    const p = this.current;
    if (!p || p.uti !== e.uti) {
      if (e.type === 'payment.result' && e.result.outcome === 'APPROVED') this.opts.lateApproval(e.uti);
      else this.opts.logger.warn({ uti: e.uti, type: e.type }, 'payment app: an event for a payment not in progress dropped');
      return;
    }
    if (e.type === 'payment.result') return this.apply(p, e.result);
    if (p.result || p.forced) return;
    if (e.stage === 'CARD_READ') this.cardRead(p, e.card);
    if (e.stage === 'AUTHORISING') this.pinEntered(p);
  }

  private cardRead(p: Payment, card: BridgeCard | undefined): void {
    if (p.cardSeen || !p.events) return;
    p.cardSeen = true;
    p.card = cardReadOf(card);
    p.events.cardDetected(p.uti);
    p.events.cardRead(p.uti, p.card);
  }

  private pinEntered(p: Payment): void {
    if (!p.events || p.pinDone || p.card?.cvm !== 'PIN') return;
    p.pinDone = true;
    p.events.pinEntered(p.uti);
  }

  /** A result, live or from a query: the engine is brought to AUTHORIZING if it has an answer to record there. */
  private apply(p: Payment, result: PaymentResult): void {
    if (p.result || p.forced) {
      if (result.outcome === 'APPROVED' && p.forced) this.opts.lateApproval(p.uti);
      return;
    }
    p.result = result;
    clearTimeout(p.lostTimer);
    const answered = result.outcome === 'APPROVED' || (result.outcome === 'DECLINED' && result.responseCode !== undefined);
    if (!p.authorizing && p.events) {
      if (!answered) return p.events.ended?.(p.uti, { status: result.outcome as EndedOutcome['status'], statusReason: result.reason, responseCode: result.responseCode ?? null });
      // The app has answered: the card it names is judged with its answer (the engine's host answer), not as a read still to come.
      this.cardRead(p, result.card && { ...result.card, cardId: undefined });
      this.pinEntered(p);
    }
    this.settle(p);
  }

  /** Answers the engine's authorize, once both it and the outcome are there. */
  private settle(p: Payment): void {
    const w = p.waiting;
    if (!w) return;
    if (p.forced) {
      p.waiting = undefined;
      return w.reject(new HostOutcome({ status: p.forced.status, statusReason: p.forced.statusReason, reversal: p.forced.reversal }));
    }
    const r = p.result;
    if (!r) return;
    p.waiting = undefined;
    if (r.outcome === 'APPROVED' || r.outcome === 'DECLINED') w.resolve({ responseCode: r.responseCode ?? '06', authCode: r.outcome === 'APPROVED' ? (r.authCode ?? null) : null, ...resultExtras(r) });
    else w.reject(new HostOutcome({ status: r.outcome, statusReason: r.reason }));
  }

  private giveUp(p: Payment, outcome: EndedOutcome): void {
    if (p.result || p.forced || this.current !== p) return;
    p.forced = outcome;
    clearTimeout(p.lostTimer);
    this.opts.logger.warn({ uti: p.uti, ...outcome }, 'payment app: payment given up');
    if (p.authorizing || !p.events) this.settle(p);
    else p.events.ended?.(p.uti, outcome);
  }

  private onDown(): void {
    const p = this.current;
    if (!p || p.result || p.forced) return;
    clearTimeout(p.lostTimer);
    p.lostTimer = setTimeout(() => this.giveUp(p, { status: 'FAILED', statusReason: UNAVAILABLE, reversal: p.sent ? 'PENDING' : undefined }), this.opts.graceMs).unref();
  }

  /** Back: what became of the payment in progress? */
  private async onUp(): Promise<void> {
    const p = this.current;
    if (!p || p.result || p.forced || !p.lostTimer) return;
    try {
      const status = await this.opts.client.request<'payment.status'>({ type: 'payment.query', uti: p.uti });
      if (status.state === 'FINAL' && status.result) this.apply(p, status.result);
      else if (status.state === 'UNKNOWN') this.giveUp(p, { status: 'FAILED', statusReason: UNAVAILABLE });
      else clearTimeout(p.lostTimer);
    } catch (err) {
      // The grace timer still runs: no answer in time ends the payment.
      this.opts.logger.warn({ uti: p.uti, code: (err as BridgeError).code }, 'payment app: query after reconnect failed');
    }
  }
}
