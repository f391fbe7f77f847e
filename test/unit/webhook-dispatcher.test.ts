import { backoffMs, GIVE_UP_AFTER_MS } from '../../src/webhooks/dispatcher';
import { useApi } from '../helpers/api';
import { capturingLogger, INSTANT_SIMULATOR_ENV, untilIdleAfter } from '../helpers/payments';

const SECOND_MS = 1000;

describe('backoffMs', () => {
  it('waits 5 s after the first failure and doubles each time, up to an hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 50].map(backoffMs)).toEqual([5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600, 3600].map((s) => s * SECOND_MS));
  });

  it('treats "no failure yet" like the first', () => {
    expect(backoffMs(0)).toBe(5 * SECOND_MS);
  });
});

describe('the webhook dispatcher, with a manual clock and an injected fetch', () => {
  let fetch: jest.Mock<Promise<Response>, []>;
  let sentAt: number[];
  const t = useApi(() => {
    sentAt = [];
    fetch = jest.fn(() => {
      sentAt.push(t.clock.now().getTime());
      return Promise.resolve(new Response(null, { status: 503 }));
    });
    return { env: INSTANT_SIMULATOR_ENV, fetch };
  });
  beforeEach(() => {
    t.ctx.pairing.pair({ pairingCode: t.ctx.pairing.openWindow().code, registerId: 'till-1', callbackUrl: 'http://pos.example/hook' });
  });

  const sale = async (): Promise<string> => {
    const { uti } = t.ctx.transactions.start({ transType: 'SALE', amountTrans: 1000 }, 'till-1', true);
    await untilIdleAfter(t.ctx, uti);
    await t.ctx.webhooks.idle();
    return uti;
  };
  const delivery = () =>
    t.ctx.db.prepare('SELECT attempts, next_attempt_at AS nextAttemptAt, delivered_at AS deliveredAt, failed_at AS failedAt, last_error AS lastError FROM webhook_deliveries').get() as {
      attempts: number;
      nextAttemptAt: number;
      deliveredAt: number | null;
      failedAt: number | null;
      lastError: string | null;
    };
  /** What the dispatcher's own timer does when the next attempt is due. */
  const runDue = async () => {
    t.ctx.webhooks.kick();
    await t.ctx.webhooks.idle();
  };

  it('sends nothing before the next attempt is due', async () => {
    await sale();
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(delivery()).toMatchObject({ attempts: 1, nextAttemptAt: t.clock.now().getTime() + 5 * SECOND_MS, lastError: 'HTTP 503' });
    t.clock.advance(5 * SECOND_MS - 1);
    await runDue();
    expect(fetch).toHaveBeenCalledTimes(1);
    t.clock.advance(1);
    await runDue();
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('retries with exponential back-off for 24 hours, then gives up and sends no more', async () => {
    const created = t.clock.now().getTime();
    await sale();
    for (let i = 0; i < 100 && delivery().failedAt === null; i++) {
      t.clock.set(new Date(delivery().nextAttemptAt));
      await runDue();
    }
    const offsetsS = sentAt.map((at) => (at - created) / SECOND_MS);
    const doubling = [0, 5, 15, 35, 75, 155, 315, 635, 1275, 2555, 5115];
    // Then hourly, until the first attempt 24 hours or more after the outcome: the last one.
    const hourly = Array.from({ length: 23 }, (_, i) => 5115 + 3600 * (i + 1));
    expect(offsetsS).toEqual([...doubling, ...hourly]);
    expect(offsetsS.at(-2)! * SECOND_MS).toBeLessThan(GIVE_UP_AFTER_MS);
    expect(offsetsS.at(-1)! * SECOND_MS).toBeGreaterThanOrEqual(GIVE_UP_AFTER_MS);

    expect(delivery()).toMatchObject({ attempts: 34, deliveredAt: null, failedAt: created + 87_915 * SECOND_MS, lastError: 'HTTP 503' });
    expect(t.ctx.deliveries.counts()).toEqual({ pending: 0, delivered: 0, failed: 1 });
    expect(t.ctx.deliveries.nextAttemptAt()).toBeNull();
    t.clock.advance(7 * 24 * 3600 * SECOND_MS);
    await runDue();
    expect(fetch).toHaveBeenCalledTimes(34);
  });

  it('counts a network error like an error answer', async () => {
    fetch.mockImplementation(() => Promise.reject(new TypeError('fetch failed')));
    await sale();
    expect(delivery()).toMatchObject({ attempts: 1, deliveredAt: null, failedAt: null, lastError: 'TypeError' });
  });

  it('marks a delivery delivered on a 2xx answer and sends it no more', async () => {
    fetch.mockImplementation(() => Promise.resolve(new Response(null, { status: 200 })));
    await sale();
    expect(delivery()).toMatchObject({ attempts: 1, deliveredAt: t.clock.now().getTime(), lastError: null });
    t.clock.advance(3600 * SECOND_MS);
    await runDue();
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('does not throw when the terminal stops while a delivery is being sent; the delivery stays pending', async () => {
    const { logger, lines } = capturingLogger('error');
    let answer: (r: Response) => void = () => undefined;
    const held = jest.fn(() => new Promise<Response>((resolve) => (answer = resolve)));
    await t.rebuild({ env: INSTANT_SIMULATOR_ENV, fetch: held as unknown as typeof globalThis.fetch, logger });
    t.ctx.pairing.pair({ pairingCode: t.ctx.pairing.openWindow().code, registerId: 'till-1', callbackUrl: 'http://pos.example/hook' });
    const { uti } = t.ctx.transactions.start({ transType: 'SALE', amountTrans: 1000 }, 'till-1', true);
    await untilIdleAfter(t.ctx, uti);
    expect(held).toHaveBeenCalledTimes(1);
    const webhooks = t.ctx.webhooks;
    t.ctx.destroy();
    answer(new Response(null, { status: 200 }));
    await expect(webhooks.idle()).resolves.toBeUndefined();
    expect(lines.map((l) => l.msg)).toEqual(['webhook dispatch failed']);
  });
});
