import { randomBytes } from 'node:crypto';
import { sameSecret } from '../bridge/client';
import type { Link } from '../bridge/link';
import {
  assertFromBridge,
  checkToBridge,
  PROTOCOL,
  SIMULATOR_CAPABILITY,
  DISPLAY_CAPABILITY,
  PROMPT_CAPABILITY,
  type BridgeCard,
  type BridgeTransaction,
  type FromBridge,
  type PaymentResult,
  type SimulatorAction,
  type ToBridge,
} from '../bridge/protocol';
import { brandOfBin } from '../reader/card-data';
import { maskPan } from '../reader/card-reader';
import { cardIdentity } from '../reader/card-identity';
import { behaviourFor } from '../reader/simulator/test-amounts';
import { autoCardFor, cvmFor, TEST_CARDS, type TestCard, type TestCardId } from '../reader/simulator/test-cards';
import type { SimStore } from './store';
import { SimScreen } from './screen';

export interface SimOptions {
  mode: 'auto' | 'manual';
  cardDelayMs: number;
  pinDelayMs: number;
  authDelayMs: number;
  /** Loopback TCP: hello must carry it. */
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

/**
 * The key of the card identities it makes. A real payment app keeps its own in its secure storage; the
 * reference app reads only the schemes' published test cards, so a key written here is enough.
 */
const SIM_CARD_KEY = Buffer.from('eposd-bridge-sim card identities of the test cards');

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
  private atc = 0;

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

  /** A connection from eposd: it must say hello first. */
  connect(link: Link): void {
    let greeted = false;
    link.onLine((line) => {
      const checked = checkToBridge(line);
      if (!checked.ok) return this.send(link, { type: 'error', ...(checked.id ? { re: checked.id } : {}), code: 'MALFORMED_MESSAGE', message: checked.problem.slice(0, 200) });
      const m = checked.message;
      if (m.type === 'hello') {
        greeted = this.hello(link, m);
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
    else this.opts.store.record(uti, verdict === 'approved' ? this.approval(p?.tx.amountTrans ?? 0, TEST_CARDS['visa-contactless']) : this.decline('05', TEST_CARDS['visa-contactless']));
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

  private hello(link: Link, m: Extract<ToBridge, { type: 'hello' }>): boolean {
    if (this.opts.secret !== undefined && !sameSecret(m.secret, this.opts.secret)) {
      this.send(link, { type: 'error', re: m.id, code: 'UNAUTHORIZED', message: 'wrong or missing secret' });
      link.close();
      return false;
    }
    if (!m.protocols.includes(this.opts.protocol)) {
      this.send(link, { type: 'error', re: m.id, code: 'UNSUPPORTED_VERSION', message: `this payment app speaks ${this.opts.protocol}`, protocols: [this.opts.protocol] });
      link.close();
      return false;
    }
    this.link = link;
    // Manual mode takes the cardholder's actions from eposd's screen page too (simulator.action).
    const capabilities = [
      'payment',
      'query',
      'reversal',
      'print',
      'ping',
      ...(this.opts.mode === 'manual' ? [SIMULATOR_CAPABILITY] : []),
      ...(this.screen ? [DISPLAY_CAPABILITY, PROMPT_CAPABILITY] : []),
    ];
    this.send(link, { type: 'hello.ok', re: m.id, protocol: this.opts.protocol, bridge: { name: 'eposd-bridge-sim', version: '1' }, capabilities });
    this.opts.log('eposd connected');
    return true;
  }

  private handle(link: Link, m: Exclude<ToBridge, { type: 'hello' }>): void {
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
        return this.decide(p, { outcome: 'CANCELLED', reason: 'POS_CANCELLED' });
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
      case 'reversal': {
        const reversed = this.opts.store.reverse(m.uti);
        this.opts.log(`reversal ${m.uti} ${reversed ? 'reversed' : 'nothing to reverse'}`);
        return this.send(link, { type: 'reversal.ok', re: m.id, uti: m.uti, reversed });
      }
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
      this.read(p, autoCardFor(tx.amountTrans));
    }, this.opts.cardDelayMs);
  }

  private read(p: Payment, card: TestCard): void {
    clearTimeout(p.timer);
    if (behaviourFor(p.tx.amountTrans).kind === 'READ_ERROR') return this.decide(p, { outcome: 'FAILED', reason: 'CARD_READ_ERROR' });
    p.card = card;
    const cvm = behaviourFor(p.tx.amountTrans).kind === 'DECLINE_AFTER_PIN' ? 'PIN' : cvmFor(card, p.tx.amountTrans);
    this.stage(p, 'CARD_READ', { ...this.cardOf(card), cvm });
    // A linked refund pays back the card that paid: another card is declined here, before the acquirer.
    if (typeof p.tx.originalCardId === 'string' && p.tx.originalCardId !== this.cardOf(card).cardId) return this.decide(p, { outcome: 'DECLINED', reason: 'CARD_MISMATCH', card: this.cardOf(card) });
    if (cvm !== 'PIN') return this.authorise(p);
    this.stage(p, 'PIN_AWAITED');
    if (this.opts.mode === 'auto') p.timer = setTimeout(() => this.authorise(p), this.opts.pinDelayMs);
  }

  private authorise(p: Payment): void {
    clearTimeout(p.timer);
    this.stage(p, 'AUTHORISING');
    p.timer = setTimeout(() => this.decide(p, this.verdict(p)), this.opts.authDelayMs);
  }

  private verdict(p: Payment): PaymentResult {
    const card = p.card;
    const tx = p.tx;
    const b = behaviourFor(tx.amountTrans);
    // What is charged: the amount with the tip and the cashback, as the host is asked for it.
    const charged = tx.amountTrans + (typeof tx.tipAmount === 'number' ? tx.tipAmount : 0) + (typeof tx.cashbackAmount === 'number' ? tx.cashbackAmount : 0);
    if (tx.transType === 'INCREMENT' && b.kind === 'INCREMENT_DECLINE') return this.decline('05', undefined);
    if (['COMPLETION', 'REVERSAL', 'INCREMENT'].includes(tx.transType))
      return { outcome: 'APPROVED', reason: 'APPROVED', responseCode: '00', authCode: tx.originalAuthCode ?? this.authCode(), amountAuthorised: charged };
    if (card?.declines) return this.decline('05', card);
    if (b.kind === 'DECLINE') return this.decline(b.responseCode, card);
    if (b.kind === 'DECLINE_AFTER_PIN') return this.decline('55', card);
    if (b.kind === 'HOST_TIMEOUT') return this.decline('91', card);
    if (b.kind === 'PARTIAL' && (tx.transType === 'SALE' || tx.transType === 'PREAUTH'))
      return tx.allowPartialApproval === true ? this.approval(Math.floor(charged / 2), card) : this.decline('51', card);
    return this.approval(charged, card);
  }

  private approval(amount: number, card: TestCard | undefined): PaymentResult {
    return { outcome: 'APPROVED', reason: 'APPROVED', responseCode: '00', authCode: this.authCode(), amountAuthorised: amount, ...this.cardData(card, 'TC') };
  }

  private decline(code: string, card: TestCard | undefined): PaymentResult {
    return { outcome: 'DECLINED', reason: 'DECLINED', responseCode: code, ...this.cardData(card, 'AAC') };
  }

  private cardData(card: TestCard | undefined, cryptogramType: 'TC' | 'AAC'): Partial<PaymentResult> {
    if (!card) return {};
    const c = this.cardOf(card);
    const emv =
      card.entryMode === 'MAG'
        ? undefined
        : {
            aid: card.aid,
            applicationLabel: card.appName,
            tvr: '0000008000',
            tsi: 'E800',
            atc: (++this.atc % 0x10000).toString(16).toUpperCase().padStart(4, '0'),
            arc: cryptogramType === 'TC' ? '00' : 'Z1',
            cryptogramType,
            cryptogram: randomBytes(8).toString('hex').toUpperCase(),
          };
    return { card: c, cardBrand: c.cardBrand, ...(emv ? { emv } : {}) };
  }

  private cardOf(card: TestCard): BridgeCard {
    return {
      maskedPan: maskPan(card.pan),
      entryMode: card.entryMode,
      cvm: card.cvm,
      aid: card.aid,
      applicationLabel: card.appName,
      cardBrand: brandOfBin(card.pan),
      cardId: cardIdentity(SIM_CARD_KEY, card.pan),
    };
  }

  /** Remembered first, then told: a result eposd never heard of can still be asked for. */
  private decide(p: Payment, result: PaymentResult): void {
    clearTimeout(p.timer);
    if (this.current !== p) return;
    p.phase = 'DECIDED';
    this.current = undefined;
    this.opts.store.record(p.tx.uti, result);
    this.opts.log(`result ${p.tx.uti} ${result.outcome} ${result.responseCode ?? ''}`.trim());
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

  private authCode(): string {
    return randomBytes(3).toString('hex').toUpperCase();
  }
}

export { PROTOCOL };
