import type { Link } from '../bridge/link';
import {
  assertFromBridge,
  checkToBridge,
  PROTOCOL,
  SIMULATOR_CAPABILITY,
  type BridgeCard,
  type BridgeTransaction,
  type FromBridge,
  type PaymentResult,
  type SimulatorAction,
  type ToBridge,
} from '../bridge/protocol';
import { behaviourFor } from '../reader/simulator/test-amounts';
import { autoCardOf, cvmFor, TEST_CARDS, type TestCard, type TestCardId } from '../reader/simulator/test-cards';
import { Greeting } from './greeting';
import { cardOf, SimResults, totalOf } from './results';
import type { SimStore } from './store';
import { SimScreen } from './screen';

export interface SimOptions {
  mode: 'auto' | 'manual';
  cardDelayMs: number;
  pinDelayMs: number;
  authDelayMs: number;
  /** The shared secret (loopback TCP): eposd must prove it holds it, and so does the app (greeting.ts). */
  secret?: string;
  /** The protocol it speaks (another one for version-mismatch tests). */
  protocol: string;
  /** Test hook: a decided result is kept (and remembered) but not sent until `release()`. */
  holdResults: boolean;
  store: SimStore;
  log(line: string): void;
  /** Takes the customer display and prompts (capabilities display, prompt: bridge-sim/screen.ts). */
  screen?: boolean;
}

type Phase = 'CARD_AWAITED' | 'CARD_READ' | 'PIN_AWAITED' | 'AUTHORISING' | 'DECIDED';

/** When each of the cardholder's actions can be taken (the same rules as the stdin commands). */
const CARDHOLDER_PHASES: Record<SimulatorAction, Phase[]> = {
  presentCard: ['CARD_AWAITED'],
  enterPin: ['PIN_AWAITED'],
  cancel: ['CARD_AWAITED', 'CARD_READ', 'PIN_AWAITED'],
};

interface Payment {
  tx: BridgeTransaction;
  phase: Phase;
  card?: TestCard;
  timer?: NodeJS.Timeout;
  /** A reversal that came while the acquirer had it: answered once the result is known. */
  reversals?: string[];
}

/**
 * The reference payment app (eposd-bridge-sim): the built-in simulator's test amounts and cards behind
 * the bridge protocol, one payment at a time. It remembers every result before telling eposd, and
 * answers payment.query from that memory, as a payment app must.
 */
export class SimulatedPaymentApp {
  private link: Link | undefined;
  private current: Payment | undefined;
  private held: { uti: string; result: PaymentResult } | undefined;
  private seq = 0;
  private readonly results = new SimResults();

  /** With --screen: the cardholder's screen for the POS's display and prompts. */
  readonly screen: SimScreen | undefined;

  constructor(private readonly opts: SimOptions) {
    this.screen = opts.screen
      ? new SimScreen(
          { mode: opts.mode, delayMs: opts.cardDelayMs, log: (line) => opts.log(line) },
          (m) => this.event(m),
          () => this.id(),
        )
      : undefined;
  }

  /** A connection from eposd: it must say hello first (and with a secret, prove it), and only one eposd is served at a time. */
  connect(link: Link): void {
    let greeted = false;
    // Manual mode takes the cardholder's actions from eposd's screen page too (simulator.action).
    const capabilities = ['payment', 'query', 'reversal', 'print', 'ping', ...(this.opts.mode === 'manual' ? [SIMULATOR_CAPABILITY] : []), ...(this.screen?.capabilities ?? [])];
    const greeting = new Greeting({ protocol: this.opts.protocol, secret: this.opts.secret, capabilities, busy: () => this.link !== undefined && this.link !== link });
    link.onLine((line) => {
      const checked = checkToBridge(line);
      if (!checked.ok) return this.send(link, { type: 'error', ...(checked.id ? { re: checked.id } : {}), code: 'MALFORMED_MESSAGE', message: checked.problem.slice(0, 200) });
      const m = checked.message;
      if (m.type === 'hello' || m.type === 'hello.proof') {
        const answer = m.type === 'hello' ? greeting.hello(m) : greeting.proof(m);
        this.send(link, answer.reply);
        if (answer.close) return link.close();
        if (answer.greeted) {
          greeted = true;
          this.link = link;
          this.opts.log('eposd connected');
        }
        return;
      }
      if (!greeted) return this.send(link, { type: 'error', re: m.id, code: 'HELLO_REQUIRED', message: 'say hello first' });
      this.handle(link, m);
    });
    link.onClose(() => {
      if (this.link === link) this.link = undefined;
    });
  }

  get state(): { uti: string; phase: Phase } | undefined {
    return this.current ? { uti: this.current.tx.uti, phase: this.current.phase } : undefined;
  }

  /** Manual mode: the cardholder presents a card. */
  presentCard(id: TestCardId = 'visa-contactless'): boolean {
    const p = this.current;
    if (!p || p.phase !== 'CARD_AWAITED') return false;
    this.read(p, TEST_CARDS[id]);
    return true;
  }

  /** Manual mode: the cardholder types the PIN. */
  enterPin(): boolean {
    const p = this.current;
    if (!p || p.phase !== 'PIN_AWAITED') return false;
    this.authorise(p);
    return true;
  }

  /** The cardholder presses cancel on the device. */
  customerCancel(): boolean {
    const p = this.current;
    if (!p || p.phase === 'AUTHORISING' || p.phase === 'DECIDED') return false;
    this.decide(p, { outcome: 'CANCELLED', reason: 'CUSTOMER_CANCELLED' });
    return true;
  }

  /** Test hook: ends the payment in progress with this verdict, remembered as such (or forgotten). */
  settle(verdict: 'approved' | 'declined' | 'forget'): boolean {
    const uti = this.current?.tx.uti ?? this.held?.uti;
    if (!uti) return false;
    const p = this.current;
    if (p) clearTimeout(p.timer);
    this.current = undefined;
    this.held = undefined;
    if (verdict === 'forget') this.opts.store.forget(uti);
    else {
      const card = TEST_CARDS['visa-contactless'];
      this.opts.store.record(uti, verdict === 'approved' ? this.results.approval(p ? totalOf(p.tx) : 0, card) : this.results.decline('05', card));
    }
    this.opts.log(`settled ${uti} ${verdict}`);
    return true;
  }

  /** Test hook: sends the held result. */
  release(): boolean {
    const h = this.held;
    if (!h) return false;
    this.held = undefined;
    this.event({ type: 'payment.result', id: this.id(), uti: h.uti, result: h.result });
    return true;
  }

  private handle(link: Link, m: Exclude<ToBridge, { type: 'hello' | 'hello.proof' }>): void {
    switch (m.type) {
      case 'ping':
        return this.send(link, { type: 'pong', re: m.id });
      case 'print':
        this.opts.log(`print ${m.lines.length} lines`);
        return this.send(link, { type: 'ack', re: m.id });
      case 'payment.start':
        return this.start(link, m.id, m.transaction);
      case 'payment.cancel': {
        const p = this.current;
        if (!p || p.tx.uti !== m.uti) return this.send(link, { type: 'error', re: m.id, code: 'NOT_IN_PROGRESS', message: 'no such payment in progress' });
        if (p.phase === 'AUTHORISING' || p.phase === 'DECIDED') return this.send(link, { type: 'error', re: m.id, code: 'NOT_CANCELLABLE', message: 'the acquirer has it' });
        this.send(link, { type: 'ack', re: m.id });
        // The cancelled result carries the reason eposd gave.
        return this.decide(p, { outcome: 'CANCELLED', reason: m.reason });
      }
      case 'payment.query': {
        const stored = this.opts.store.get(m.uti);
        if (stored) return this.send(link, { type: 'payment.status', re: m.id, uti: m.uti, state: 'FINAL', result: stored.result });
        const inProgress = this.current?.tx.uti === m.uti;
        return this.send(link, { type: 'payment.status', re: m.id, uti: m.uti, state: inProgress ? 'IN_PROGRESS' : 'UNKNOWN' });
      }
      case 'simulator.action':
        return this.cardholder(link, m);
      case 'display.show':
      case 'display.clear':
      case 'prompt.show':
      case 'prompt.cancel':
      case 'prompt.refused':
        if (!this.screen) return this.send(link, { type: 'error', re: m.id, code: 'NOT_SUPPORTED', message: 'start eposd-bridge-sim with --screen to take the display and prompts' });
        return this.screen.take(m);
      case 'reversal':
        return this.reversal(link, m);
    }
  }

  /** simulator.action (manual mode): the screen page's buttons, as `card`, `pin` and `cancel` on standard input. */
  private cardholder(link: Link, m: Extract<ToBridge, { type: 'simulator.action' }>): void {
    const refuse = (code: string, message: string) => this.send(link, { type: 'error', re: m.id, code, message });
    if (this.opts.mode !== 'manual') return refuse('NOT_SUPPORTED', 'simulator actions are taken in manual mode only');
    const card = m.card ?? 'visa-contactless';
    if (m.action === 'presentCard' && !Object.hasOwn(TEST_CARDS, card)) return refuse('UNKNOWN_CARD', 'no such test card');
    const waiting = CARDHOLDER_PHASES[m.action];
    if (!this.current || !waiting.includes(this.current.phase)) return refuse('NOT_POSSIBLE', `no payment is waiting for ${m.action}`);
    this.send(link, { type: 'ack', re: m.id });
    this.opts.log(`cardholder ${m.action}${m.action === 'presentCard' ? ` ${card}` : ''}`);
    if (m.action === 'presentCard') this.presentCard(card as TestCardId);
    else if (m.action === 'enterPin') this.enterPin();
    else this.customerCancel();
  }

  private start(link: Link, id: string, tx: BridgeTransaction): void {
    if (this.opts.store.get(tx.uti)) return this.send(link, { type: 'error', re: id, code: 'DUPLICATE_UTI', message: 'this UTI was already used' });
    if (this.current || this.held) return this.send(link, { type: 'error', re: id, code: 'BUSY', message: 'another payment is in progress' });
    const p: Payment = { tx, phase: 'CARD_AWAITED' };
    this.current = p;
    this.send(link, { type: 'ack', re: id });
    this.opts.log(`payment ${tx.uti} ${tx.transType} ${tx.amountTrans}`);
    if (!['SALE', 'REFUND', 'PREAUTH'].includes(tx.transType)) return this.authorise(p);
    this.stage(p, 'CARD_AWAITED');
    if (this.opts.mode !== 'auto') return;
    const behaviour = behaviourFor(tx.amountTrans);
    p.timer = setTimeout(() => {
      if (behaviour.kind === 'NO_CARD') return; // eposd's card timeout ends it, with a cancel
      if (behaviour.kind === 'CUSTOMER_CANCEL') return this.decide(p, { outcome: 'CANCELLED', reason: 'CUSTOMER_CANCELLED' });
      const original = tx.originalCardId;
      this.read(p, autoCardOf(tx.amountTrans, typeof original === 'string' ? (card) => cardOf(card).cardId === original : undefined));
    }, this.opts.cardDelayMs);
  }

  private read(p: Payment, card: TestCard): void {
    clearTimeout(p.timer);
    if (behaviourFor(p.tx.amountTrans).kind === 'READ_ERROR') return this.decide(p, { outcome: 'FAILED', reason: 'CARD_READ_ERROR' });
    p.card = card;
    const cvm = behaviourFor(p.tx.amountTrans).kind === 'DECLINE_AFTER_PIN' ? 'PIN' : cvmFor(card, p.tx.amountTrans);
    this.stage(p, 'CARD_READ', { ...cardOf(card), cvm });
    // A linked refund pays back the card that paid: another card is declined here, before the acquirer.
    if (typeof p.tx.originalCardId === 'string' && p.tx.originalCardId !== cardOf(card).cardId) return this.decide(p, { outcome: 'DECLINED', reason: 'CARD_MISMATCH', card: cardOf(card) });
    if (cvm !== 'PIN') return this.authorise(p);
    this.stage(p, 'PIN_AWAITED');
    if (this.opts.mode === 'auto') p.timer = setTimeout(() => this.authorise(p), this.opts.pinDelayMs);
  }

  private authorise(p: Payment): void {
    clearTimeout(p.timer);
    this.stage(p, 'AUTHORISING');
    const original = typeof p.tx.originalUti === 'string' ? this.opts.store.get(p.tx.originalUti)?.result.amountAuthorised : undefined;
    p.timer = setTimeout(() => this.decide(p, this.results.verdict(p.tx, p.card, original)), this.opts.authDelayMs);
  }

  /**
   * A reversal: of a payment still in progress, it ends it (as payment.cancel would) or, once the acquirer
   * has it, is answered when the result is known; of a final one, it undoes an approval. `reversed` is
   * true when that UTI's approval is undone, now or by an earlier reversal (a retried reversal stays true).
   */
  private reversal(link: Link, m: Extract<ToBridge, { type: 'reversal' }>): void {
    const p = this.current;
    if (p?.tx.uti === m.uti && p.phase === 'AUTHORISING') {
      (p.reversals ??= []).push(m.id);
      return this.opts.log(`reversal ${m.uti} waits for the acquirer`);
    }
    if (p?.tx.uti === m.uti) this.decide(p, { outcome: 'CANCELLED', reason: m.reason });
    const reversed = this.opts.store.reverse(m.uti);
    this.opts.log(`reversal ${m.uti} ${reversed ? 'reversed' : 'nothing to reverse'}`);
    this.send(link, { type: 'reversal.ok', re: m.id, uti: m.uti, reversed });
  }

  /** Remembered first, then told: a result eposd never heard of can still be asked for. */
  private decide(p: Payment, result: PaymentResult): void {
    clearTimeout(p.timer);
    if (this.current !== p) return;
    p.phase = 'DECIDED';
    this.current = undefined;
    this.opts.store.record(p.tx.uti, result);
    this.opts.log(`result ${p.tx.uti} ${result.outcome} ${result.responseCode ?? ''}`.trim());
    if (p.reversals) {
      // eposd gave up on it meanwhile: the answer is the reversal's, not a result.
      const reversed = this.opts.store.reverse(p.tx.uti);
      for (const re of p.reversals) this.event({ type: 'reversal.ok', re, uti: p.tx.uti, reversed });
      return this.opts.log(`reversal ${p.tx.uti} ${reversed ? 'reversed' : 'nothing to reverse'}`);
    }
    if (this.opts.holdResults) {
      this.held = { uti: p.tx.uti, result };
      return this.opts.log(`held ${p.tx.uti}`);
    }
    this.event({ type: 'payment.result', id: this.id(), uti: p.tx.uti, result });
  }

  private stage(p: Payment, stage: Exclude<Phase, 'DECIDED'>, card?: BridgeCard): void {
    p.phase = stage;
    this.opts.log(`stage ${p.tx.uti} ${stage}`);
    this.event({ type: 'payment.stage', id: this.id(), uti: p.tx.uti, stage, ...(card ? { card } : {}) });
  }

  private event(m: FromBridge): void {
    if (this.link) this.send(this.link, m);
  }

  private send(link: Link, m: FromBridge): void {
    assertFromBridge(m);
    link.send(JSON.stringify(m));
  }

  private id(): string {
    return `b${++this.seq}`;
  }
}

export { PROTOCOL };
