import { EventEmitter } from 'node:events';
import type { PaymentEngine, TransitionEvent } from '../../src/transactions/engine';
import type { ActiveTransaction } from '../../src/transactions/states';
import { followPayments } from '../../src/screen/payment-screen';
import type { PaymentView } from '../../src/screen/display';
import type { ScreenService } from '../../src/screen/screen.service';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

// The screen as the engine's listener: what it draws, and when, for a payment's transitions.
const tx = (uti: string): ActiveTransaction => ({
  id: 1,
  uti,
  transType: 'SALE',
  amount: 1250,
  currency: 'EUR',
  originalUti: null,
  registerId: 'till-1',
  disablePrinting: true,
  originalAuthCode: null,
});

describe('the payment screen', () => {
  let engine: EventEmitter & { current: { name: string } };
  let shown: (Pick<PaymentView, 'uti' | 'prompt' | 'card'> | undefined)[];
  let stop: () => void;

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'clearImmediate'] });
    engine = Object.assign(new EventEmitter(), { current: { name: 'IDLE' } });
    shown = [];
    const screen = { showPayment: (view?: PaymentView) => shown.push(view && { uti: view.uti, prompt: view.prompt, card: view.card }) } as unknown as ScreenService;
    stop = followPayments({ engine: engine as unknown as PaymentEngine, screen, finalOf: () => ({ maskedPan: '47******0010' }), resultDisplayMs: 60_000 });
  });
  afterEach(() => {
    stop();
    jest.useRealTimers();
  });

  const move = (uti: string, to: TransitionEvent['to'], outcome?: TransitionEvent['outcome']) => {
    const e: TransitionEvent = { eventId: 1, uti, tx: tx(uti), card: null, from: 'AUTHORIZING', to, stage: null, outcome };
    engine.emit('transition', e);
  };

  it('draws a step at once, and an outcome a turn later, once the POS waiting for it has been answered', async () => {
    move('A', 'AWAITING_CARD');
    expect(shown).toEqual([{ uti: 'A', prompt: 'PRESENT_CARD', card: undefined }]);
    move('A', 'IDLE', { status: 'APPROVED', statusReason: 'APPROVED', responseCode: '00', authCode: '123456' });
    expect(shown).toHaveLength(1);
    await nextTurn();
    expect(shown).toEqual([
      { uti: 'A', prompt: 'PRESENT_CARD', card: undefined },
      { uti: 'A', prompt: 'APPROVED', card: '47******0010' },
    ]);
  });

  it('never draws an outcome over the next payment that started in the same turn', async () => {
    move('A', 'IDLE', { status: 'DECLINED', statusReason: 'DO_NOT_HONOUR', responseCode: '05' });
    move('B', 'AWAITING_CARD');
    await nextTurn();
    expect(shown).toEqual([{ uti: 'B', prompt: 'PRESENT_CARD', card: undefined }]);
  });

  it('draws nothing after it has stopped following the payments', async () => {
    move('A', 'IDLE', { status: 'APPROVED', statusReason: 'APPROVED', responseCode: '00', authCode: '123456' });
    stop();
    await nextTurn();
    expect(shown).toEqual([]);
  });

  it('keeps an outcome up for the display time once drawn, then shows the idle screen', async () => {
    move('A', 'IDLE', { status: 'APPROVED', statusReason: 'APPROVED', responseCode: '00', authCode: '123456' });
    await nextTurn();
    jest.advanceTimersByTime(60_000 - 1);
    expect(shown.at(-1)).toMatchObject({ uti: 'A', prompt: 'APPROVED' });
    jest.advanceTimersByTime(1);
    expect(shown.at(-1)).toBeUndefined();
  });
});
