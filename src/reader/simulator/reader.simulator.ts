import { ApiError } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import { maskPan, type CardRead, type CardReader, type ReaderEvents, type ReaderSession, type TipRequest } from '../card-reader';
import { tipFor } from '../../transactions/tips';
import { brandOfBin } from '../card-data';
import { cardIdentity } from '../card-identity';
import { SimulatedCardChips } from './emv.simulator';
import { behaviourFor } from './test-amounts';
import { autoCardOf, cvmFor, hostDataFor, TEST_CARDS, type TestCard, type TestCardId } from './test-cards';

export interface SimulatorOptions {
  mode: 'auto' | 'manual';
  cardDelayMs: number;
  /** Auto mode: how long the simulated cardholder takes to type the PIN. */
  pinDelayMs: number;
  /** How long reading a presented card takes (0: at once). */
  readDelayMs?: number;
  /** Auto mode: the tip the simulated cardholder picks when asked (EPOSD_SIM_TIP). */
  tip?: 'none' | number;
  /** The key of the card identities it makes where it reads the number (card-identity.ts); without it, none is made. */
  cardKey?: Buffer;
  logger: Logger;
}

interface Session extends ReaderSession {
  events: ReaderEvents;
  phase: 'waiting' | 'reading' | 'pin' | 'done';
  timer?: NodeJS.Timeout;
}

/**
 * A card reader with a simulated cardholder. In auto mode a card arrives by itself after the card
 * delay; in manual mode a person presents one from the screen. Either way the test amounts decide
 * what the card and the cardholder do.
 */
export class SimulatedCardReader implements CardReader {
  readonly kind = 'simulator';
  private session: Session | undefined;
  private tipTimer: NodeJS.Timeout | undefined;

  private readonly chips = new SimulatedCardChips();

  constructor(private readonly opts: SimulatorOptions) {}

  begin(s: ReaderSession, events: ReaderEvents): void {
    this.end(this.session?.uti ?? '');
    const session: Session = { ...s, events, phase: 'waiting' };
    this.session = session;
    if (this.opts.mode === 'auto') session.timer = this.later(this.opts.cardDelayMs, () => this.autoPresent(session));
  }

  /** Auto mode: the cardholder picks EPOSD_SIM_TIP after the PIN delay. Manual mode: a person chooses on the screen. */
  requestTip(request: TipRequest, events: ReaderEvents): void {
    clearTimeout(this.tipTimer);
    if (this.opts.mode !== 'auto') return;
    const choice = this.opts.tip ?? 'none';
    this.tipTimer = this.later(this.opts.pinDelayMs, () => events.tipChosen(request.uti, choice === 'none' ? 0 : Math.min(tipFor(request.amount, choice), request.maxTip)));
  }

  requestPin(uti: string): void {
    const s = this.session;
    if (!s || s.uti !== uti) return;
    s.phase = 'pin';
    if (this.opts.mode === 'auto') s.timer = this.later(this.opts.pinDelayMs, () => s.phase === 'pin' && this.pinOk(s));
  }

  end(uti: string): void {
    clearTimeout(this.tipTimer);
    if (this.session?.uti !== uti) return;
    clearTimeout(this.session.timer);
    this.session.phase = 'done';
    this.session = undefined;
  }

  async ping(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** From the screen: a person presents one of the test cards. */
  presentCard(cardId: TestCardId): void {
    const s = this.session;
    if (!s || s.phase !== 'waiting') throw new ApiError('ACTION_NOT_POSSIBLE', 'The terminal is not waiting for a card.');
    clearTimeout(s.timer);
    this.present(s, TEST_CARDS[cardId]);
  }

  /** From the screen: a person types the PIN. Any 4 to 12 digits verify; the PIN is never kept. */
  enterPin(pin: string): void {
    const s = this.session;
    if (!s || s.phase !== 'pin') throw new ApiError('ACTION_NOT_POSSIBLE', 'The terminal is not asking for a PIN.');
    if (!/^\d{4,12}$/.test(pin)) throw new ApiError('VALIDATION_FAILED', 'A PIN is 4 to 12 digits.');
    clearTimeout(s.timer);
    this.pinOk(s);
  }

  private autoPresent(s: Session): void {
    const behaviour = behaviourFor(s.amount);
    if (behaviour.kind === 'NO_CARD') return; // the card timeout ends it
    if (behaviour.kind === 'CUSTOMER_CANCEL') return s.events.customerCancelled(s.uti);
    const { cardKey } = this.opts;
    const original = s.originalCardId;
    this.present(s, autoCardOf(s.amount, cardKey && original ? (card) => cardIdentity(cardKey, card.pan) === original : undefined));
  }

  private present(s: Session, card: TestCard): void {
    s.phase = 'reading';
    this.opts.logger.debug({ uti: s.uti, card: card.id }, 'simulator: card presented');
    s.events.cardDetected(s.uti);
    s.timer = this.later(this.opts.readDelayMs ?? 0, () => {
      if (s.phase !== 'reading') return;
      if (behaviourFor(s.amount).kind === 'READ_ERROR') return s.events.cardReadFailed(s.uti);
      s.events.cardRead(s.uti, this.read(card, s.amount, s.uti));
    });
  }

  private read(card: TestCard, amount: number, uti: string): CardRead {
    const cvm = behaviourFor(amount).kind === 'DECLINE_AFTER_PIN' ? 'PIN' : cvmFor(card, amount);
    const emv = this.chips.emvFor(card, cvm, uti, amount);
    return {
      maskedPan: maskPan(card.pan),
      entryMode: card.entryMode,
      aid: card.aid,
      appName: card.appName,
      cvm,
      hostData: hostDataFor(card),
      cardBrand: brandOfBin(card.pan),
      ...(this.opts.cardKey ? { cardId: cardIdentity(this.opts.cardKey, card.pan) } : {}),
      ...(emv ? { emv } : {}),
    };
  }

  private pinOk(s: Session): void {
    s.phase = 'reading';
    s.events.pinEntered(s.uti);
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    return setTimeout(fn, ms).unref();
  }
}
