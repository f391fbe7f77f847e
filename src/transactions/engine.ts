import { EventEmitter } from 'node:events';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { CardRead, CardReader, EndedOutcome, ReaderEvents } from '../reader/card-reader';
import { HostOutcome, type HostAnswer, type PaymentHost } from '../host/payment-host';
import type { Printer } from '../printer/printer';
import type { ReceiptLine } from '../printer/printer';
import { APPROVAL_CODES, judgeAnswer, type Refusal } from './answer-rule';
import { emvAtOutcome, encodeEmv, readColumns } from './card-outcome';
import type { Ledger } from './ledger';
import { CANCELLABLE, isLegal, type ActiveTransaction, type Outcome, type ReaderState, type StateName } from './states';
import { needsCard, type Stage } from './model';
import { maxTip } from './tips';
import { isOtherCard, otherCardOutcome } from './refund-card';
import type { NewTransaction, TransactionChange } from './transactions.repository';

export interface EngineTimings {
  cardTimeoutMs: number;
  hostTimeoutMs: number;
  /** How long to wait before retrying a transition the database refused. */
  commitRetryMs: number;
  /** A printer that has not finished by then is given up on: the terminal must not stay busy. */
  printTimeoutMs: number;
}

export interface EngineDeps {
  ledger: Ledger;
  reader: CardReader;
  host: PaymentHost;
  printer: Printer;
  clock: Clock;
  logger: Logger;
  timings: EngineTimings;
  /** The committed transaction's receipts (none for an outcome that never reached the host). */
  receiptsOf: (uti: string) => { merchant: ReceiptLine[]; cardholder: ReceiptLine[] } | undefined;
  /** Sends the pending reversals (committed with the outcome) to the host. */
  reverseLater: () => void;
  /** An answer of the host that was not taken as given (transactions/answer-rule.ts): counted and told where a technician looks. */
  refused?: (uti: string, refusal: Refusal) => void;
}

export interface TransitionEvent {
  /** The id of its row in transaction_events: also the event stream's id. Undefined for a first step whose log entry could not be written yet. */
  eventId: number | undefined;
  uti: string;
  tx: ActiveTransaction;
  /** The card read so far, while the payment waits for a PIN or is authorised. */
  card: CardRead | null;
  from: StateName;
  to: StateName;
  stage: Stage | null;
  outcome?: Outcome;
}

type Next = { state: ReaderState; change?: TransactionChange; outcome?: Outcome; detail?: string };

/**
 * Drives one payment at a time through the states in states.ts. `transition` is the only place the
 * state changes: it refuses any move that is not legal from the current state of that transaction
 * (a late answer from the reader or the host), commits the move, and only then acts on it.
 */
export class PaymentEngine extends EventEmitter {
  private state: ReaderState = { name: 'IDLE' };
  private timer: NodeJS.Timeout | undefined;
  private readonly retries = new Set<NodeJS.Timeout>();
  /** Once stopped, nothing moves: the database may be closed, and recovery settles the payment at the next start. */
  private stopped = false;
  /** The first entry action of a payment just begun, until it has run: anything that moves the payment runs it first. */
  private entering: (() => void) | undefined;

  constructor(private readonly deps: EngineDeps) {
    super();
    this.setMaxListeners(0);
  }

  get current(): ReaderState {
    return this.state;
  }

  /**
   * Commits the new transaction in its first state, and returns: it logs that step and acts on it
   * (screen, reader, listeners) just after, once the caller has answered the POS. Throws (and changes
   * nothing) if the commit fails.
   */
  begin(row: Omit<NewTransaction, 'stage'>, tx: Omit<ActiveTransaction, 'id'>, check?: () => void): ActiveTransaction {
    if (this.state.name !== 'IDLE') throw new Error('begin while busy');
    const first: StateName = !needsCard(tx.transType) ? 'AUTHORIZING' : tx.tipOptions ? 'AWAITING_TIP' : 'AWAITING_CARD';
    const { id } = this.deps.ledger.open({ ...row, stage: first }, check);
    const active = { ...tx, id };
    const state: ReaderState = first === 'AUTHORIZING' ? { name: 'AUTHORIZING', tx: active, card: null, pinVerified: false } : { name: first, tx: active };
    this.state = state;
    const act = () => {
      if (this.entering !== act) return;
      this.entering = undefined;
      let eventId: number | undefined;
      try {
        eventId = this.deps.ledger.logOpening(id);
      } catch (err) {
        // The step is committed in the row; its log entry is written with the payment's next commit.
        this.deps.logger.error({ err, uti: active.uti }, 'could not log the first step yet');
      }
      try {
        this.moved(eventId, 'IDLE', state);
      } catch (err) {
        // The payment is committed and the POS has its UTI: a screen or reader that failed is logged.
        this.deps.logger.error({ err, uti: active.uti }, 'could not act on the new payment');
      }
    };
    this.entering = act;
    // A promise's turn: after the caller's synchronous answer, and never held back by fake timers.
    void Promise.resolve().then(act);
    return active;
  }

  /**
   * Cancels the payment while the terminal waits for a card or a PIN. NOT_COMMITTED: the database
   * refused the cancellation just now; it is retried, and the payment is cancelled once it commits.
   */
  cancel(uti: string, reason: 'POS_CANCELLED' | 'CUSTOMER_CANCELLED'): 'CANCELLED' | 'NOT_CANCELLABLE' | 'NOT_CURRENT' | 'NOT_COMMITTED' {
    this.entering?.();
    const s = this.state;
    if (s.name === 'IDLE' || s.tx.uti !== uti) return 'NOT_CURRENT';
    if (!CANCELLABLE.includes(s.name)) return 'NOT_CANCELLABLE';
    return this.finish(uti, CANCELLABLE, { status: 'CANCELLED', statusReason: reason }) ? 'CANCELLED' : 'NOT_COMMITTED';
  }

  /** The reader's answers, each checked by the guard against the transaction it names. */
  readonly readerEvents: ReaderEvents = {
    cardDetected: (uti) => this.transition(uti, ['AWAITING_CARD'], (tx) => ({ state: { name: 'READING_CARD', tx }, change: { stage: 'READING_CARD' } })),
    cardRead: (uti, card) => {
      const read = readColumns(card);
      // A linked refund to another card is declined here: before the PIN, and before the host.
      const s = this.state;
      if (s.name === 'READING_CARD' && s.tx.uti === uti && isOtherCard(s.tx, card.cardId)) return void this.finish(uti, ['READING_CARD'], otherCardOutcome(), read);
      this.transition(uti, ['READING_CARD'], (tx) => {
        const stage = card.cvm === 'PIN' ? 'AWAITING_PIN' : 'AUTHORIZING';
        const change: TransactionChange = { stage, ...read };
        return stage === 'AWAITING_PIN' ? { state: { name: 'AWAITING_PIN', tx, card }, change } : { state: { name: 'AUTHORIZING', tx, card, pinVerified: false }, change };
      });
    },
    cardReadFailed: (uti) => this.finish(uti, ['READING_CARD'], { status: 'FAILED', statusReason: 'CARD_READ_ERROR' }),
    pinEntered: (uti) =>
      this.transition(uti, ['AWAITING_PIN'], (tx, s) => ({
        state: { name: 'AUTHORIZING', tx, card: s.name === 'AWAITING_PIN' ? s.card : null, pinVerified: true },
        change: { stage: 'AUTHORIZING' },
        detail: 'PIN_VERIFIED',
      })),
    customerCancelled: (uti) => this.cancel(uti, 'CUSTOMER_CANCELLED'),
    ended: (uti: string, outcome: EndedOutcome) => {
      if (this.finish(uti, CANCELLABLE, outcome) && outcome.reversal) this.deps.reverseLater();
    },
    tipChosen: (uti, tipAmount) => this.chooseTip(uti, tipAmount),
  };

  /** The tip is committed with the move to AWAITING_CARD: a crash after it keeps the tip the card is then asked for. False: refused or not committed. */
  chooseTip(uti: string, tipAmount: number): boolean {
    const s = this.state;
    // Whoever reports the choice (the screen, a reader with a display), a tip past the total's bound is not taken.
    if (s.name === 'AWAITING_TIP' && s.tx.uti === uti && tipAmount > maxTip(s.tx.amount, s.tx.cashbackAmount)) {
      this.deps.logger.warn({ uti, tipAmount }, 'tip beyond the bound refused');
      return false;
    }
    return this.transition(uti, ['AWAITING_TIP'], (tx) => ({
      state: { name: 'AWAITING_CARD', tx: { ...tx, tipAmount } },
      change: { stage: 'AWAITING_CARD', tipAmount },
      detail: tipAmount > 0 ? 'TIP_CHOSEN' : 'NO_TIP',
    }));
  }

  /**
   * Stops timers and the reader's work on the payment in progress; an answer that comes later (the
   * host's, the reader's) is refused. In a host app's process eposd's timers outlive a stop: they must
   * find nothing to do. An interrupted payment is settled by recovery at the next start.
   */
  stop(): void {
    this.stopped = true;
    const s = this.state;
    if (s.name !== 'IDLE') this.callReader(s.tx, s.name, () => this.deps.reader.end(s.tx.uti));
    this.entering = undefined;
    clearTimeout(this.timer);
    this.retries.forEach(clearTimeout);
    this.retries.clear();
  }

  /** `read`: the card, when the outcome is decided as it is read. */
  private finish(uti: string, from: readonly StateName[], outcome: Outcome, read: TransactionChange = {}): boolean {
    return this.transition(uti, from, (tx) => {
      const final: TransactionChange = {
        ...read,
        status: outcome.status,
        statusReason: outcome.statusReason,
        responseCode: outcome.responseCode ?? null,
        authCode: outcome.authCode ?? null,
        stage: null,
        completedAt: this.deps.clock.now().getTime(),
        reversal: outcome.reversal,
        amountAuthorised: outcome.amountAuthorised,
        ...(outcome.emv ? { emv: encodeEmv(outcome.emv) } : {}),
        ...(outcome.cardBrand ? { cardBrand: outcome.cardBrand } : {}),
        ...(outcome.cardId ? { cardId: outcome.cardId } : {}),
      };
      // Receipts are for outcomes the host gave (a response code); a refund declined at the card has none.
      const prints = !tx.disablePrinting && (outcome.status === 'APPROVED' || outcome.status === 'DECLINED') && outcome.responseCode != null;
      return { state: prints ? { name: 'PRINTING', tx } : { name: 'IDLE' }, change: final, outcome };
    });
  }

  /** The guard. Returns false, and changes nothing, for a move that is not legal now. */
  private transition(uti: string, from: readonly StateName[], next: (tx: ActiveTransaction, s: ReaderState) => Next): boolean {
    if (this.stopped) return false;
    this.entering?.();
    const s = this.state;
    if (s.name === 'IDLE' || s.tx.uti !== uti || !from.includes(s.name)) {
      this.deps.logger.warn({ uti, state: s.name, expected: from }, 'late or unexpected answer refused');
      return false;
    }
    const n = next(s.tx, s);
    if (!isLegal(s.name, n.state.name)) throw new Error(`illegal transition ${s.name} → ${n.state.name}`);
    let eventId: number;
    try {
      eventId = this.deps.ledger.advance(s.tx, s.name, n.state.name, n.change ?? {}, this.deps.clock.now().getTime(), n.detail);
    } catch (err) {
      // The database refused (disk full, I/O error): nothing moved. Try the same move again shortly;
      // the guard drops the retry if something else has moved the payment on meanwhile.
      this.deps.logger.error({ err, uti, from: s.name, to: n.state.name }, 'could not commit transition; retrying');
      const retry = setTimeout(() => {
        this.retries.delete(retry);
        this.transition(uti, [s.name], next);
      }, this.deps.timings.commitRetryMs).unref();
      this.retries.add(retry);
      return false;
    }
    this.moved(eventId, s.name, n.state, s.tx, n.outcome);
    return true;
  }

  private moved(eventId: number | undefined, from: StateName, to: ReaderState, prevTx?: ActiveTransaction, outcome?: Outcome): void {
    const tx = to.name === 'IDLE' ? prevTx! : to.tx;
    this.state = to;
    const stage = to.name === 'IDLE' || to.name === 'PRINTING' ? null : to.name;
    this.deps.logger.info({ uti: tx.uti, from, to: to.name, status: outcome?.status }, 'transition');
    this.enter(to, tx);
    const card = to.name === 'AWAITING_PIN' || to.name === 'AUTHORIZING' ? to.card : null;
    this.emit('transition', { eventId, uti: tx.uti, tx, card, from, to: to.name, stage, outcome } satisfies TransitionEvent);
  }

  /** What each state does on entry. The screen follows the 'transition' events (screen/payment-screen.ts). */
  private enter(s: ReaderState, tx: ActiveTransaction): void {
    const { reader, timings } = this.deps;
    clearTimeout(this.timer);
    switch (s.name) {
      case 'AWAITING_TIP':
        this.timer = this.after(timings.cardTimeoutMs, () => this.finish(tx.uti, ['AWAITING_TIP'], { status: 'TIMED_OUT', statusReason: 'TIP_TIMEOUT' }));
        if (reader.requestTip)
          this.callReader(tx, s.name, () =>
            reader.requestTip!({ uti: tx.uti, amount: tx.amount, currency: tx.currency, percentages: tx.tipOptions ?? [], maxTip: maxTip(tx.amount, tx.cashbackAmount) }, this.readerEvents),
          );
        return;
      case 'AWAITING_CARD':
        this.timer = this.after(timings.cardTimeoutMs, () => this.giveUp(tx, 'AWAITING_CARD', { status: 'TIMED_OUT', statusReason: 'CARD_TIMEOUT' }));
        this.callReader(tx, s.name, () =>
          reader.begin({ uti: tx.uti, transType: tx.transType, amount: tx.amount, originalCardId: tx.transType === 'REFUND' ? tx.originalCardId : null }, this.readerEvents),
        );
        return;
      case 'READING_CARD':
        // A reader that detected a card but never reports the read must not keep the terminal busy.
        this.timer = this.after(timings.cardTimeoutMs, () => this.giveUp(tx, 'READING_CARD', { status: 'FAILED', statusReason: 'CARD_READ_ERROR' }));
        return;
      case 'AWAITING_PIN':
        this.timer = this.after(timings.cardTimeoutMs, () => this.giveUp(tx, 'AWAITING_PIN', { status: 'TIMED_OUT', statusReason: 'PIN_TIMEOUT' }));
        this.callReader(tx, s.name, () => reader.requestPin(tx.uti));
        return;
      case 'AUTHORIZING':
        this.authorize(tx, s.card, s.pinVerified);
        return;
      case 'PRINTING':
        this.callReader(tx, s.name, () => reader.end(tx.uti));
        this.print(tx);
        return;
      case 'IDLE':
        this.callReader(tx, s.name, () => reader.end(tx.uti));
        return;
      default: {
        const unreachable: never = s;
        throw new Error(`no entry action for ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /**
   * Nothing came in time from the reader. A reader that runs the payment itself (a payment app) is asked
   * to end it there first, and reports back: readerEvents.ended, or, when it can no longer be stopped,
   * the payment's result as it comes. Any other reader's payment ends at once.
   */
  private giveUp(tx: ActiveTransaction, state: StateName, outcome: EndedOutcome): void {
    const { reader } = this.deps;
    if (!reader.release) return void this.finish(tx.uti, [state], outcome);
    this.callReader(tx, state, () => reader.release!(tx.uti, outcome, this.readerEvents));
  }

  /**
   * A reader driver that throws must not wedge the terminal: while the payment waits on the reader it
   * ends FAILED / READER_ERROR (on the next turn, so this entry action completes first).
   */
  private callReader(tx: ActiveTransaction, state: StateName, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.deps.logger.error({ err, uti: tx.uti, state }, 'card reader failed');
      if (CANCELLABLE.includes(state)) setImmediate(() => this.finish(tx.uti, [state], { status: 'FAILED', statusReason: 'READER_ERROR' }));
    }
  }

  private authorize(tx: ActiveTransaction, card: CardRead | null, pinVerified: boolean): void {
    const { host, timings, logger } = this.deps;
    // No answer in time means the outcome is unknown: decline it here, and have the host reverse it.
    const unanswered = () => {
      const emv = emvAtOutcome(card, false, undefined);
      if (this.finish(tx.uti, ['AUTHORIZING'], { status: 'DECLINED', statusReason: 'ISSUER_UNAVAILABLE', responseCode: '91', reversal: 'PENDING', emv })) this.deps.reverseLater();
    };
    this.timer = this.after(timings.hostTimeoutMs, unanswered);
    const request = {
      uti: tx.uti,
      transType: tx.transType,
      amount: tx.amount + (tx.tipAmount ?? 0) + (tx.cashbackAmount ?? 0),
      tipAmount: tx.tipAmount ?? null,
      cashbackAmount: tx.cashbackAmount ?? null,
      allowPartialApproval: tx.allowPartial ?? false,
      currency: tx.currency,
      hostData: card?.hostData ?? null,
      pinVerified,
      originalUti: tx.originalUti,
      originalAuthCode: tx.originalAuthCode,
    };
    // Promise.resolve().then: a host adapter that throws at once is a host that did not answer.
    Promise.resolve()
      .then(() => host.authorize(request))
      .then(
        (answer: HostAnswer) => {
          const said = {
            uti: answer.uti ?? tx.uti,
            outcome: APPROVAL_CODES.includes(answer.responseCode) ? ('APPROVED' as const) : ('DECLINED' as const),
            reason: answer.reason ?? 'DECLINED',
            responseCode: answer.responseCode,
            authCode: answer.authCode,
            amountAuthorised: answer.amountAuthorised,
            ...(answer.cardId !== undefined ? { cardId: answer.cardId } : {}),
          };
          // A void gives back what its original charged: a partial approval's part (REVERSAL rows carry it).
          const verdict = judgeAnswer(
            { uti: tx.uti, total: tx.amountAuthorised ?? request.amount, allowPartial: tx.allowPartial ?? false, originalCardId: tx.transType === 'REFUND' ? tx.originalCardId : null },
            said,
          );
          if (verdict.refusal) this.deps.refused?.(tx.uti, verdict.refusal);
          // An answer about another payment is no answer to this one: the host timeout still runs.
          if (!('outcome' in verdict)) return;
          const approved = verdict.outcome.status === 'APPROVED';
          const outcome: Outcome = {
            ...verdict.outcome,
            emv: emvAtOutcome(card, approved, verdict.refusal ? undefined : answer),
            cardBrand: answer.cardBrand,
            ...(answer.cardId ? { cardId: answer.cardId } : {}),
          };
          if (this.finish(tx.uti, ['AUTHORIZING'], outcome) && outcome.reversal) this.deps.reverseLater();
        },
        (err: unknown) => {
          if (err instanceof HostOutcome) {
            if (this.finish(tx.uti, ['AUTHORIZING'], err.outcome) && err.outcome.reversal) this.deps.reverseLater();
            return;
          }
          logger.error({ err, uti: tx.uti }, 'host did not answer');
          unanswered();
        },
      )
      .catch((err: unknown) => logger.error({ err, uti: tx.uti }, 'could not record the host answer'));
  }

  private print(tx: ActiveTransaction): void {
    const receipts = this.deps.receiptsOf(tx.uti);
    const done = (detail: string) => this.transition(tx.uti, ['PRINTING'], () => ({ state: { name: 'IDLE' }, detail }));
    if (!receipts) return void done('NOTHING_TO_PRINT');
    // Whichever comes first: the printer finishing, failing, or the print timeout. The guard drops the others.
    this.timer = this.after(this.deps.timings.printTimeoutMs, () => {
      this.deps.logger.error({ uti: tx.uti }, 'printer did not finish in time');
      done('PRINT_TIMEOUT');
    });
    Promise.resolve()
      .then(() => this.deps.printer.print(receipts.merchant, `merchant copy ${tx.uti}`))
      .then(() => this.deps.printer.print(receipts.cardholder, `cardholder copy ${tx.uti}`))
      .then(
        () => done('PRINTED'),
        (err: unknown) => {
          this.deps.logger.error({ err, uti: tx.uti }, 'printing failed');
          done('PRINT_FAILED');
        },
      )
      .catch((err: unknown) => this.deps.logger.error({ err, uti: tx.uti }, 'could not record the end of printing'));
  }

  /** An outcome committed outside the engine's own payment (reconciliation after a restart), told to the same listeners. */
  announce(e: TransitionEvent): void {
    this.deps.logger.info({ uti: e.uti, from: e.from, to: e.to, status: e.outcome?.status }, 'transition (reconciled)');
    this.emit('transition', e);
  }

  private after(ms: number, fn: () => void): NodeJS.Timeout {
    return setTimeout(fn, ms).unref();
  }
}
