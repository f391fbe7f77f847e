import { testContext, type TestContext } from '../helpers/context';
import { dbSnapshot } from '../helpers/db';
import { capturingLogger, committedStates, rowOf } from '../helpers/payments';

// The tip step (AWAITING_TIP) as the engine runs it, on fake timers: the simulated cardholder's choice
// after its delay, the timeout, and a choice that comes too late, which the guard refuses.

const PIN_DELAY_MS = 1500;
const CARD_TIMEOUT_MS = 60_000;

describe('the engine: the tip step', () => {
  let t: TestContext;
  let log: ReturnType<typeof capturingLogger>;
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    t.ctx.destroy();
    jest.useRealTimers();
  });

  const sale = async (env: NodeJS.ProcessEnv, amount = 2000) => {
    log = capturingLogger('warn');
    t = testContext({ logger: log.logger, env });
    const { uti } = t.ctx.transactions.start({ transType: 'SALE', amountTrans: amount, tipOnTerminal: true, tipPercentages: [5, 10] }, 'till-1', true);
    await Promise.resolve();
    return uti;
  };

  it('When the simulated cardholder picks 10 %, then the tip is committed with the move to AWAITING_CARD, after the choice delay', async () => {
    const uti = await sale({ EPOSD_SIM_TIP: '10', EPOSD_SIM_CARD_DELAY_MS: '2000' });
    expect(rowOf(t.ctx, uti)).toMatchObject({ stage: 'AWAITING_TIP', tipAmount: null, tipOptions: '[5,10]' });
    await jest.advanceTimersByTimeAsync(PIN_DELAY_MS - 1);
    expect(rowOf(t.ctx, uti).stage).toBe('AWAITING_TIP');
    await jest.advanceTimersByTimeAsync(1);
    expect(rowOf(t.ctx, uti)).toMatchObject({ stage: 'AWAITING_CARD', tipAmount: 200 });
    await jest.advanceTimersByTimeAsync(10_000);
    expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'APPROVED', tipAmount: 200 });
    expect(committedStates(t.ctx.db, uti).slice(0, 2)).toEqual(['IDLE→AWAITING_TIP', 'AWAITING_TIP→AWAITING_CARD']);
  });

  it('When nobody chooses within the card timeout, then it ends TIMED_OUT TIP_TIMEOUT, and a choice after that is refused and changes nothing', async () => {
    const uti = await sale({ EPOSD_SIM_MODE: 'manual' });
    await jest.advanceTimersByTimeAsync(CARD_TIMEOUT_MS);
    expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'TIMED_OUT', statusReason: 'TIP_TIMEOUT', tipAmount: null });
    const before = dbSnapshot(t.ctx.db);
    expect(t.ctx.engine.chooseTip(uti, 100)).toBe(false);
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
    expect(log.lines.filter((l) => l.msg === 'late or unexpected answer refused')).toHaveLength(1);
  });

  it('When the POS cancels while it asks, then the simulated choice that comes later is refused', async () => {
    const uti = await sale({ EPOSD_SIM_TIP: '5', EPOSD_SIM_CARD_DELAY_MS: '2000' });
    expect(t.ctx.engine.cancel(uti, 'POS_CANCELLED')).toBe('CANCELLED');
    await jest.advanceTimersByTimeAsync(PIN_DELAY_MS);
    expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'CANCELLED', statusReason: 'POS_CANCELLED', tipAmount: null });
    expect(committedStates(t.ctx.db, uti)).toEqual(['IDLE→AWAITING_TIP', 'AWAITING_TIP→IDLE']);
  });
});
