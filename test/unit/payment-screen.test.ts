import { RESULT_DISPLAY_MS } from '../../src/screen/payment-screen';
import type { ScreenState } from '../../src/screen/screen.service';
import type { TransitionEvent } from '../../src/transactions/engine';
import { testContext, type TestContext } from '../helpers/context';
import { MANUAL_SIMULATOR_ENV } from '../helpers/payments';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

// The screen as the engine's listener, on the real composition root: the engine, the simulated reader
// and host, the screen service. What it draws, and when, for a payment's transitions; timers are fake
// (the outcome's display time), the turns of the event loop real.

type Drawn = Pick<NonNullable<ScreenState['payment']>, 'uti' | 'prompt' | 'card'> | undefined;

describe('the payment screen', () => {
  let t: TestContext;
  let drawn: Drawn[];

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'clearImmediate'] });
    t = testContext({ env: MANUAL_SIMULATOR_ENV });
    drawn = [];
    t.ctx.screen.on('change', (s: ScreenState) => drawn.push(s.payment && { uti: s.payment.uti, prompt: s.payment.prompt, card: s.payment.card }));
  });
  afterEach(() => {
    t.ctx.destroy();
    jest.useRealTimers();
  });

  const sale = (amountTrans: number) => t.ctx.transactions.start({ transType: 'SALE', amountTrans }, 'till-1', true).uti;
  /** Resolves once the engine has reported `uti` back to IDLE, in the same turn as that transition. */
  const ended = (uti: string) =>
    new Promise<void>((resolve) => {
      const listener = (e: TransitionEvent) => {
        if (e.uti !== uti || e.to !== 'IDLE') return;
        t.ctx.engine.off('transition', listener);
        resolve();
      };
      t.ctx.engine.on('transition', listener);
    });

  it('draws each step at once, and the outcome a turn after the transition that the POS waiting for it hears of first', async () => {
    const uti = sale(1000);
    await Promise.resolve(); // the engine moves to its first step once the POST's commit is done
    expect(drawn).toEqual([{ uti, prompt: 'PRESENT_CARD', card: undefined }]);
    let atOutcome: Drawn[] = [];
    t.ctx.engine.on('transition', (e: TransitionEvent) => e.to === 'IDLE' && (atOutcome = [...drawn]));
    let done = false;
    void ended(uti).then(() => (done = true));
    t.ctx.simulator!.presentCard('visa-contactless');
    // The simulated read and host take their (fake) time.
    for (let ms = 0; !done && ms < 10_000; ms += 10) await jest.advanceTimersByTimeAsync(10);
    expect(done).toBe(true);
    // When the outcome is committed and reported, the screen still shows the step before it.
    expect(atOutcome.at(-1)?.prompt).not.toBe('APPROVED');
    await nextTurn();
    expect(drawn.at(-1)).toEqual({ uti, prompt: 'APPROVED', card: expect.stringMatching(/^47\*+0010$/) as string });
  });

  it('never draws an outcome over the next payment that started in the same turn', async () => {
    const first = sale(1000);
    expect(t.ctx.engine.cancel(first, 'POS_CANCELLED')).toBe('CANCELLED');
    const second = sale(2000);
    await nextTurn();
    await nextTurn();
    expect(drawn.filter((d) => d?.uti === first).map((d) => d!.prompt)).toEqual(['PRESENT_CARD']);
    expect(drawn.at(-1)).toEqual({ uti: second, prompt: 'PRESENT_CARD', card: undefined });
  });

  it('draws nothing once the terminal has stopped, not even the outcome of the payment that just ended', async () => {
    const uti = sale(1000);
    expect(t.ctx.engine.cancel(uti, 'POS_CANCELLED')).toBe('CANCELLED');
    const before = drawn.length;
    t.ctx.destroy();
    await nextTurn();
    expect(drawn.slice(before)).toEqual([]);
  });

  it('keeps an outcome up for the display time once drawn, then shows the idle screen', async () => {
    const uti = sale(1000);
    expect(t.ctx.engine.cancel(uti, 'POS_CANCELLED')).toBe('CANCELLED');
    await nextTurn();
    expect(drawn.at(-1)).toMatchObject({ uti, prompt: 'CANCELLED' });
    await jest.advanceTimersByTimeAsync(RESULT_DISPLAY_MS - 1);
    expect(drawn.at(-1)).toMatchObject({ uti, prompt: 'CANCELLED' });
    await jest.advanceTimersByTimeAsync(1);
    expect(drawn.at(-1)).toBeUndefined();
    expect(t.ctx.screen.state().screen).not.toBe('payment');
  });
});
