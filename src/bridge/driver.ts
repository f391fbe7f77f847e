import { resultExtras } from './transaction-fields';
import { HostOutcome, type AuthorizationRequest, type HostAnswer, type PaymentHost } from '../host/payment-host';
import type { CardReader, EndedOutcome, ReaderEvents, ReaderSession } from '../reader/card-reader';
import type { Logger } from '../shared/logger';
import { BridgeError, type BridgeClient } from './client';
import { cardReadOf, newPayment, stopAsking, type Payment } from './payment-state';
import type { BridgeCard, BridgeEvent, BridgeTransaction, PaymentResult } from './protocol';
import type { Status } from './queries';

export interface BridgeDriverOptions {
  client: BridgeClient;
  logger: Logger;
  /** payment.start's transaction, from the committed row. */
  requestOf(uti: string): BridgeTransaction;
  /** Why eposd ended a payment (the committed row's statusReason): payment.cancel's reason. */
  reasonOf(uti: string): string;
  /** How long a payment in progress waits for a lost payment app to come back before it ends FAILED. */
  graceMs: number;
  /** How long a result eposd asked for after a refused cancel is waited for: the host timeout. */
  hostTimeoutMs: number;
  /** How often a payment the app still holds is asked about while its result is awaited. */
  reaskMs: number;
  /** payment.query, answered only when the status names the UTI asked about (queries.ts). */
  query(uti: string): Promise<Status>;
  /** A result about a payment the driver does not follow (ended, or never eposd's): PaymentApp decides. */
  elsewhere(uti: string, result: PaymentResult): void;
  /** A payment eposd ended whose cancel the app did not confirm: whatever it holds is reversed (PaymentApp). */
  owed(uti: string): void;
}

const UNAVAILABLE = 'PAYMENT_APP_UNAVAILABLE';

const codeOf = (err: unknown) => (err instanceof BridgeError ? err.code : 'ERROR');

/**
 * The payment app behind the engine's two ports. The app runs the whole payment (card, PIN, acquirer):
 * payment.start goes out when the engine begins; its stage events become the reader's events (card read,
 * PIN entered) and its result becomes the host's answer, which the engine judges (answer-rule.ts), so
 * the engine, the screen and the `stage` the POS sees are the same as with the simulator. The engine's
 * guard refuses whatever comes late.
 *
 * @NOTE Nothing the app may hold is given up on without asking it first. Whenever eposd gives up (no
 * card in time, no ack of payment.start, the app back too late), it sends payment.cancel: confirmed, the
 * payment ends as eposd decided; NOT_CANCELLABLE (the acquirer has it), the payment stays open and eposd
 * keeps asking until the result comes (with its card) or the host timeout passes; no answer, it ends and
 * is reversed. A result for a payment already ended is PaymentApp's to reverse (`elsewhere`).
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

  release(uti: string, outcome: EndedOutcome): void {
    const p = this.current;
    if (p?.uti === uti) this.endWithApp(p, outcome);
  }

  /**
   * The engine ended the payment (a POS's cancel, the host timeout): the app is told to stop. A cancel it
   * does not confirm (the acquirer has it, no answer) leaves it holding what eposd no longer follows: the
   * payment is marked for a reversal, which the app answers once it knows, and which survives a restart.
   */
  end(uti: string): void {
    const p = this.current;
    if (!p || p.uti !== uti) return;
    this.current = undefined;
    stopAsking(p);
    if (p.result || p.forced || !p.sent) return;
    this.opts.client.request({ type: 'payment.cancel', uti, reason: this.opts.reasonOf(uti) }).catch((err: unknown) => {
      this.opts.logger.warn({ uti, code: codeOf(err) }, 'payment app: cancel of an ended payment not confirmed: reversing it');
      this.opts.owed(uti);
    });
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

  /** Resolves with what the app says: whether an approval was undone. */
  async reverse(uti: string, reason: string): Promise<boolean> {
    const code = /^[A-Z][A-Z0-9_]{0,63}$/.test(reason) ? reason : 'UNKNOWN_OUTCOME';
    const ok = await this.opts.client.request<'reversal.ok'>({ type: 'reversal', uti, reason: code });
    if (ok.uti !== uti) throw new BridgeError('OTHER_UTI', `reversal.ok names ${ok.uti}, not ${uti}`);
    return ok.reversed;
  }

  private start(uti: string, events: ReaderEvents | undefined): Payment {
    const p = newPayment(uti, events, this.opts.client.connected);
    this.current = p;
    this.opts.client.request<'ack'>({ type: 'payment.start', transaction: this.opts.requestOf(uti) }).catch((err: unknown) => {
      const code = codeOf(err);
      this.opts.logger.warn({ uti, code }, 'payment app: payment.start not acknowledged');
      if (code === 'NOT_CONNECTED') return this.conclude(p, { status: 'FAILED', statusReason: UNAVAILABLE });
      // Lost with the link: the link's loss decides (onDown).
      if (code === 'DISCONNECTED') return;
      // No ack in time: the app may have it after all.
      if (code === 'TIMEOUT') return this.endWithApp(p, { status: 'FAILED', statusReason: 'PAYMENT_APP_TIMEOUT' });
      this.conclude(p, { status: 'FAILED', statusReason: 'PAYMENT_APP_ERROR' });
    });
    return p;
  }

  private onEvent(e: BridgeEvent): void {
    const p = this.current;
    if (!p || p.uti !== e.uti) {
      if (e.type === 'payment.result') this.opts.elsewhere(e.uti, e.result);
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
    if (p.forced) return this.opts.elsewhere(p.uti, result);
    if (p.result) return this.opts.logger.warn({ uti: p.uti, outcome: result.outcome }, 'payment app: a second result for the payment dropped');
    const answered = result.outcome === 'APPROVED' || (result.outcome === 'DECLINED' && result.responseCode !== undefined);
    // The app stopped it as eposd asked (its result follows its ack): it ends as eposd decided.
    if (p.ending && !answered) return this.conclude(p, p.ending);
    p.result = result;
    clearTimeout(p.lostTimer);
    stopAsking(p);
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
    if (r.outcome === 'APPROVED' || r.outcome === 'DECLINED') {
      w.resolve({ uti: p.uti, responseCode: r.responseCode ?? '06', authCode: r.outcome === 'APPROVED' ? (r.authCode ?? null) : null, reason: r.reason, ...resultExtras(r) });
    } else w.reject(new HostOutcome({ status: r.outcome, statusReason: r.reason }));
  }

  /** eposd gives up on its own: the app is asked to stop first (see the class's note). */
  private endWithApp(p: Payment, outcome: EndedOutcome): void {
    if (p.result || p.forced || p.ending || this.current !== p) return;
    p.ending = outcome;
    const unconfirmed = { ...outcome, reversal: p.sent ? ('PENDING' as const) : undefined };
    if (!this.opts.client.connected) return this.conclude(p, unconfirmed);
    this.opts.client.request<'ack'>({ type: 'payment.cancel', uti: p.uti, reason: outcome.statusReason }).then(
      () => this.conclude(p, outcome),
      (err: unknown) => {
        const code = codeOf(err);
        this.opts.logger.warn({ uti: p.uti, code }, 'payment app: cancel before giving up not confirmed');
        if (code === 'NOT_CANCELLABLE') return this.awaitResult(p);
        if (code === 'NOT_IN_PROGRESS') return this.askOnce(p, outcome);
        this.conclude(p, unconfirmed);
      },
    );
  }

  /**
   * The acquirer has it: eposd asks until the result comes (applied as any result, the card with it) or
   * the host timeout passes; then the app could not account for it, and it ends FAILED, reversed. While
   * authorising, the engine's own host timeout bounds the wait.
   */
  private awaitResult(p: Payment): void {
    this.keepAsking(p);
    if (p.authorizing || p.awaiting) return;
    p.awaiting = setTimeout(() => this.conclude(p, { status: 'FAILED', statusReason: UNAVAILABLE, reversal: 'PENDING' }), this.opts.hostTimeoutMs).unref();
  }

  /** The app has no such payment in progress: over, or never seen. */
  private askOnce(p: Payment, outcome: EndedOutcome): void {
    this.opts.query(p.uti).then(
      (status) => {
        if (status.state === 'FINAL') return this.apply(p, status.result);
        if (status.state === 'UNKNOWN') return this.conclude(p, outcome);
        this.awaitResult(p);
      },
      () => this.conclude(p, { ...outcome, reversal: 'PENDING' }),
    );
  }

  /** Asks again every reaskMs while the result is awaited; the engine's host timeout ends the wait. */
  private keepAsking(p: Payment): void {
    if (p.asking || this.current !== p) return;
    p.asking = setTimeout(() => {
      p.asking = undefined;
      if (this.current !== p || p.result || p.forced) return;
      this.opts.query(p.uti).then(
        (status) => {
          if (status.state === 'FINAL') this.apply(p, status.result);
          else this.keepAsking(p);
        },
        () => this.keepAsking(p),
      );
    }, this.opts.reaskMs).unref();
  }

  private conclude(p: Payment, outcome: EndedOutcome): void {
    if (p.result || p.forced || this.current !== p) return;
    p.forced = outcome;
    clearTimeout(p.lostTimer);
    stopAsking(p);
    this.opts.logger.warn({ uti: p.uti, ...outcome }, 'payment app: payment given up');
    if (p.authorizing || !p.events) this.settle(p);
    else p.events.ended?.(p.uti, outcome);
  }

  private onDown(): void {
    const p = this.current;
    if (!p || p.result || p.forced) return;
    clearTimeout(p.lostTimer);
    stopAsking(p);
    p.lostTimer = setTimeout(() => {
      p.lostTimer = undefined;
      this.endWithApp(p, { status: 'FAILED', statusReason: UNAVAILABLE });
    }, this.opts.graceMs).unref();
  }

  /** Back: what became of the payment in progress? */
  private async onUp(): Promise<void> {
    const p = this.current;
    if (!p || p.result || p.forced || !p.lostTimer) return;
    try {
      const status = await this.opts.query(p.uti);
      if (status.state === 'FINAL') this.apply(p, status.result);
      else if (status.state === 'UNKNOWN') this.conclude(p, { status: 'FAILED', statusReason: UNAVAILABLE });
      else {
        clearTimeout(p.lostTimer);
        p.lostTimer = undefined;
        if (p.ending) this.awaitResult(p);
      }
    } catch (err) {
      // The grace timer still runs: no answer in time ends the payment.
      this.opts.logger.warn({ uti: p.uti, code: codeOf(err) }, 'payment app: query after reconnect failed');
    }
  }
}
