import { Reversals } from '../../src/transactions/reversals';
import { useApi } from '../helpers/api';
import { capturingLogger, rowOf } from '../helpers/payments';

const RETRY_MS = 30_000;

describe('Reversals: sending the host what it must undo', () => {
  let host: { authorize: jest.Mock; reverse: jest.Mock<Promise<boolean>, [string, string]> };
  let reversals: Reversals;
  const t = useApi({ afterEach: () => reversals.stop() });
  afterEach(() => jest.useRealTimers());
  beforeEach(() => {
    host = { authorize: jest.fn(), reverse: jest.fn<Promise<boolean>, [string, string]>(() => Promise.resolve(true)) };
    reversals = new Reversals({ transactions: t.ctx.transactionsRepo, host, logger: capturingLogger().logger, retryMs: RETRY_MS });
  });

  /** A final transaction whose outcome left the host holding something to undo. */
  function pending(uti: string): void {
    const id = t.ctx.transactionsRepo.insert({
      uti,
      transType: 'SALE',
      amount: 1091,
      currency: 'EUR',
      reference: null,
      originalUti: null,
      registerId: 'till-1',
      requestHash: null,
      disablePrinting: 1,
      stage: 'AUTHORIZING',
      createdAt: t.clock.now().getTime(),
    });
    t.ctx.transactionsRepo.update(id, { status: 'DECLINED', statusReason: 'ISSUER_UNAVAILABLE', responseCode: '91', stage: null, reversal: 'PENDING' });
  }

  it('sends every pending reversal once, with its reason, and marks each DONE', async () => {
    pending('u-1');
    pending('u-2');
    await reversals.flush();
    expect(host.reverse.mock.calls).toEqual([
      ['u-1', 'ISSUER_UNAVAILABLE'],
      ['u-2', 'ISSUER_UNAVAILABLE'],
    ]);
    expect([rowOf(t.ctx, 'u-1').reversal, rowOf(t.ctx, 'u-2').reversal]).toEqual(['DONE', 'DONE']);
    await reversals.flush();
    expect(host.reverse).toHaveBeenCalledTimes(2);
  });

  it('tries a refused reversal again after the retry delay, until the host confirms', async () => {
    jest.useFakeTimers();
    host.reverse.mockRejectedValueOnce(new Error('host down')).mockRejectedValueOnce(new Error('host down'));
    pending('u-1');
    await reversals.flush();
    expect(rowOf(t.ctx, 'u-1').reversal).toBe('PENDING');
    await jest.advanceTimersByTimeAsync(RETRY_MS - 1);
    expect(host.reverse).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(host.reverse).toHaveBeenCalledTimes(2);
    expect(rowOf(t.ctx, 'u-1').reversal).toBe('PENDING');
    await jest.advanceTimersByTimeAsync(RETRY_MS);
    expect(host.reverse).toHaveBeenCalledTimes(3);
    expect(rowOf(t.ctx, 'u-1').reversal).toBe('DONE');
  });

  it('When the host says it had nothing to undo, then the transaction is no longer pending and not marked reversed', async () => {
    host.reverse.mockResolvedValueOnce(false);
    pending('u-1');
    await reversals.flush();
    expect(rowOf(t.ctx, 'u-1').reversal).toBeNull();
    expect(t.ctx.transactions.status('u-1')?.body).toMatchObject({ reversed: false });
  });

  it('also sends a reversal that became pending while an earlier flush was still waiting for the host', async () => {
    let confirmFirst = () => {};
    host.reverse.mockImplementationOnce(() => new Promise<boolean>((resolve) => (confirmFirst = () => resolve(true))));
    pending('u-1');
    const first = reversals.flush();
    pending('u-2');
    const second = reversals.flush();
    confirmFirst();
    await Promise.all([first, second]);
    expect(host.reverse.mock.calls.map((c) => c[0])).toEqual(['u-1', 'u-2']);
    expect(rowOf(t.ctx, 'u-2').reversal).toBe('DONE');
  });
});
