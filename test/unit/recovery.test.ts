import type { PaymentHost } from '../../src/host/payment-host';
import { testContext, type TestContext } from '../helpers/context';
import { MANUAL_SIMULATOR_ENV, committedStates, rowOf, untilIdleAfter, untilStage } from '../helpers/payments';

// A restart, as the process sees it: what was committed is in the database, nothing else survives.
// The first context stands for the process that died (its host never answers, so that nothing it
// left running can write later); the second is the new process over the same database.

/** A host that never answers: the authorisation is "at the host" when the terminal dies. */
const silentHost = (): PaymentHost => ({ authorize: () => new Promise(() => {}), reverse: () => new Promise(() => {}) });

describe('recovery after a crash or power loss (SPEC §4)', () => {
  let before: TestContext;
  let after: TestContext | undefined;
  let reverse: jest.Mock<Promise<boolean>, [string, string]>;
  beforeEach(() => {
    before = testContext({ env: MANUAL_SIMULATOR_ENV, host: silentHost() });
    reverse = jest.fn<Promise<boolean>, [string, string]>(() => Promise.resolve(true));
    after = undefined;
  });
  afterEach(() => {
    after?.ctx.destroy();
    before.ctx.destroy();
  });

  // The engine acts on a payment once start() has returned: a promise's turn later.
  const sale = async (amount = 1000) => {
    const { uti } = before.ctx.transactions.start({ transType: 'SALE', amountTrans: amount }, 'till-1', true);
    await Promise.resolve();
    return uti;
  };
  const restart = (host: Partial<PaymentHost> = {}) => {
    before.ctx.engine.stop();
    after = testContext({ db: before.ctx.db, clock: before.clock, env: MANUAL_SIMULATOR_ENV, host: { authorize: jest.fn(), reverse, ...host } });
    after.ctx.start();
    return after.ctx;
  };
  const inProgress = () => before.ctx.db.prepare(`SELECT count(*) FROM transactions WHERE status = 'IN_PROGRESS'`).pluck().get();

  it('ends a payment that waited for a card FAILED TERMINAL_RESTARTED, with no reversal', async () => {
    const uti = await sale();
    const ctx = restart();
    await ctx.reversals.flush();
    expect(rowOf(ctx, uti)).toMatchObject({ status: 'FAILED', statusReason: 'TERMINAL_RESTARTED', stage: null, reversal: null, completedAt: before.clock.now().getTime() });
    expect(committedStates(ctx.db, uti)).toEqual(['IDLE→AWAITING_CARD', 'AWAITING_CARD→IDLE']);
    expect(reverse).not.toHaveBeenCalled();
    expect(inProgress()).toBe(0);
  });

  it('When the terminal stops between the answer and the log entry of the first step, then recovery logs that step before the end', () => {
    // No promise's turn: the process dies right after the POS has its UTI.
    const { uti } = before.ctx.transactions.start({ transType: 'SALE', amountTrans: 1000 }, 'till-1', true);
    expect(committedStates(before.ctx.db, uti)).toEqual([]);
    const ctx = restart();
    expect(rowOf(ctx, uti)).toMatchObject({ status: 'FAILED', statusReason: 'TERMINAL_RESTARTED' });
    expect(committedStates(ctx.db, uti)).toEqual(['IDLE→AWAITING_CARD', 'AWAITING_CARD→IDLE']);
  });

  it('ends a payment that waited for a PIN the same way: the host never had it', async () => {
    const uti = await sale(6000);
    before.ctx.simulator!.presentCard('mastercard-chip');
    await untilStage(before.ctx, uti, 'AWAITING_PIN');
    const ctx = restart();
    await ctx.reversals.flush();
    expect(rowOf(ctx, uti)).toMatchObject({ status: 'FAILED', statusReason: 'TERMINAL_RESTARTED', reversal: null, maskedPan: '54**********0434' });
    expect(committedStates(ctx.db, uti).at(-1)).toBe('AWAITING_PIN→IDLE');
    expect(reverse).not.toHaveBeenCalled();
  });

  describe('When the payment was at the host with no answer recorded', () => {
    let uti: string;
    beforeEach(async () => {
      uti = await sale();
      before.ctx.simulator!.presentCard('visa-contactless');
      await untilStage(before.ctx, uti, 'AUTHORIZING');
    });

    it('then it ends FAILED TERMINAL_RESTARTED with a reversal PENDING until the host confirms', async () => {
      let confirm = () => {};
      reverse.mockImplementation(() => new Promise<boolean>((resolve) => (confirm = () => resolve(true))));
      const ctx = restart();
      expect(rowOf(ctx, uti)).toMatchObject({ status: 'FAILED', statusReason: 'TERMINAL_RESTARTED', reversal: 'PENDING' });
      expect(reverse).toHaveBeenCalledWith(uti, 'TERMINAL_RESTARTED');
      expect(finalStatus(ctx, uti).reversed).toBe(false);
      confirm();
      await ctx.reversals.flush();
      expect(rowOf(ctx, uti).reversal).toBe('DONE');
      expect(finalStatus(ctx, uti).reversed).toBe(true);
      expect(committedStates(ctx.db, uti)).toEqual(['IDLE→AWAITING_CARD', 'AWAITING_CARD→READING_CARD', 'READING_CARD→AUTHORIZING', 'AUTHORIZING→IDLE']);
    });

    it('then a host that refuses the reversal leaves it PENDING, to be sent again', async () => {
      reverse.mockRejectedValueOnce(new Error('host down'));
      const ctx = restart();
      expect(reverse).toHaveBeenCalledTimes(1);
      expect(rowOf(ctx, uti).reversal).toBe('PENDING');
      await ctx.reversals.flush();
      expect(rowOf(ctx, uti).reversal).toBe('DONE');
      expect(reverse).toHaveBeenCalledTimes(2);
    });
  });

  it('leaves an approved payment approved and untouched', async () => {
    before.ctx.destroy();
    before = testContext({ env: MANUAL_SIMULATOR_ENV });
    const uti = await sale();
    before.ctx.simulator!.presentCard('visa-contactless');
    await untilIdleAfter(before.ctx, uti);
    const approved = rowOf(before.ctx, uti);
    expect(approved.status).toBe('APPROVED');
    const ctx = restart();
    await ctx.reversals.flush();
    expect(rowOf(ctx, uti)).toEqual(approved);
    expect(committedStates(ctx.db, uti)).toHaveLength(4);
    expect(reverse).not.toHaveBeenCalled();
  });

  it('leaves nothing IN_PROGRESS and lets the restarted terminal take the next payment', async () => {
    await sale();
    const ctx = restart();
    expect(inProgress()).toBe(0);
    expect(ctx.engine.current).toEqual({ name: 'IDLE' });
    const next = ctx.transactions.start({ transType: 'SALE', amountTrans: 1000 }, 'till-1', true);
    expect(rowOf(ctx, next.uti)).toMatchObject({ status: 'IN_PROGRESS', stage: 'AWAITING_CARD' });
  });
});

/** The status body as the API would answer it. */
function finalStatus(ctx: TestContext['ctx'], uti: string): { reversed: boolean } {
  const answer = ctx.transactions.status(uti);
  if (!answer?.final) throw new Error('not final');
  return answer.body;
}
