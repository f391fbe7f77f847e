import type { CardRead } from '../../src/reader/card-reader';
import type { PaymentHost } from '../../src/host/payment-host';
import { testContext, type TestContext, type TestContextOptions } from '../helpers/context';
import { dbSnapshot } from '../helpers/db';
import { capturingLogger, committedStates, rowOf, simulatedHost } from '../helpers/payments';

const CARD_DELAY_MS = 2000;
const AUTH_DELAY_MS = 1000;
const HOST_TIMEOUT_MS = 15_000;
const CARD_TIMEOUT_MS = 60_000;
const COMMIT_RETRY_MS = 1000;

const A_CARD: CardRead = { maskedPan: '47**********0010', entryMode: 'PICC', aid: 'A0000000031010', appName: 'VISA CREDIT', cvm: 'NO_CVM', hostData: 'sim:visa-contactless' };

describe('the engine guard: late and unexpected answers', () => {
  let t: TestContext;
  let log: ReturnType<typeof capturingLogger>;
  const start = (options: TestContextOptions = {}) => {
    log = capturingLogger('warn');
    t = testContext({ logger: log.logger, ...options });
  };
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    t.ctx.destroy();
    jest.useRealTimers();
  });

  // The engine acts on a payment once start() has returned: a promise's turn later.
  const sale = async (amount: number) => {
    const { uti } = t.ctx.transactions.start({ transType: 'SALE', amountTrans: amount }, 'till-1', false);
    await Promise.resolve();
    return uti;
  };
  const refusals = () => log.lines.filter((l) => l.msg === 'late or unexpected answer refused');

  describe('When the host does not answer a 91 amount in time', () => {
    let uti: string;
    beforeEach(async () => {
      start();
      uti = await sale(1091);
      await jest.advanceTimersByTimeAsync(CARD_DELAY_MS + 1);
      expect(rowOf(t.ctx, uti).stage).toBe('AUTHORIZING');
    });

    it('then it waits exactly the host timeout, then declines 91 ISSUER_UNAVAILABLE with a reversal pending', async () => {
      await jest.advanceTimersByTimeAsync(HOST_TIMEOUT_MS - 1);
      expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'IN_PROGRESS', stage: 'AUTHORIZING' });
      await jest.advanceTimersByTimeAsync(1);
      expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'DECLINED', statusReason: 'ISSUER_UNAVAILABLE', responseCode: '91', reversal: 'PENDING' });
      expect(simulatedHost(t.ctx).reversals).toEqual([]);
    });

    it('then the reversal reaches the host and is recorded DONE', async () => {
      await jest.advanceTimersByTimeAsync(HOST_TIMEOUT_MS + AUTH_DELAY_MS);
      expect(simulatedHost(t.ctx).reversals).toEqual([uti]);
      expect(rowOf(t.ctx, uti).reversal).toBe('DONE');
    });

    it("then the host's late answer is refused, logged, and changes nothing", async () => {
      await jest.advanceTimersByTimeAsync(HOST_TIMEOUT_MS + AUTH_DELAY_MS);
      expect(t.ctx.engine.current.name).toBe('IDLE');
      const before = dbSnapshot(t.ctx.db);
      expect(refusals()).toEqual([]);
      // The simulated host answers a 91 amount after the host timeout + the auth delay + 1 s.
      await jest.advanceTimersByTimeAsync(AUTH_DELAY_MS + 1000);
      expect(refusals()).toEqual([expect.objectContaining({ uti, state: 'IDLE', expected: ['AUTHORIZING'] })]);
      expect(dbSnapshot(t.ctx.db)).toEqual(before);
      expect(simulatedHost(t.ctx).authorizations).toEqual([uti]);
    });
  });

  it('When the host link fails, then the payment is declined 91 at once and reversed', async () => {
    const reverse = jest.fn<Promise<boolean>, [string, string]>().mockResolvedValue(true);
    const host: PaymentHost = { authorize: jest.fn().mockRejectedValue(new Error('link down')), reverse };
    start({ host });
    const uti = await sale(1000);
    await jest.advanceTimersByTimeAsync(CARD_DELAY_MS + 1);
    expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'DECLINED', responseCode: '91', statusReason: 'ISSUER_UNAVAILABLE', reversal: 'DONE' });
    expect(reverse).toHaveBeenCalledWith(uti, 'ISSUER_UNAVAILABLE');
  });

  describe('When the reader answers for a payment that has already ended', () => {
    let uti: string;
    beforeEach(async () => {
      start();
      uti = await sale(1098);
      await jest.advanceTimersByTimeAsync(CARD_TIMEOUT_MS);
      expect(rowOf(t.ctx, uti).status).toBe('TIMED_OUT');
    });

    it.each([
      ['cardDetected', () => t.ctx.engine.readerEvents.cardDetected(uti)],
      ['cardRead', () => t.ctx.engine.readerEvents.cardRead(uti, A_CARD)],
      ['cardReadFailed', () => t.ctx.engine.readerEvents.cardReadFailed(uti)],
      ['pinEntered', () => t.ctx.engine.readerEvents.pinEntered(uti)],
      ['customerCancelled', () => t.ctx.engine.readerEvents.customerCancelled(uti)],
    ])('then %s is refused and changes nothing', async (_name, answer) => {
      const before = dbSnapshot(t.ctx.db);
      answer();
      await jest.advanceTimersByTimeAsync(CARD_TIMEOUT_MS);
      expect(dbSnapshot(t.ctx.db)).toEqual(before);
      expect(t.ctx.engine.current).toEqual({ name: 'IDLE' });
    });

    it('then an answer naming it is refused while the next payment waits for its card', async () => {
      const next = await sale(1000);
      t.ctx.engine.readerEvents.cardDetected(uti);
      t.ctx.engine.readerEvents.cardRead(uti, A_CARD);
      expect(refusals().map((l) => l.uti)).toEqual([uti, uti]);
      expect(committedStates(t.ctx.db, next)).toEqual(['IDLE→AWAITING_CARD']);
      expect(committedStates(t.ctx.db, uti)).toEqual(['IDLE→AWAITING_CARD', 'AWAITING_CARD→IDLE']);
    });
  });

  it('When the reader answers out of order, then the move is refused: no PIN before a card', async () => {
    start({ env: { EPOSD_SIM_MODE: 'manual' } });
    const uti = await sale(1000);
    t.ctx.engine.readerEvents.pinEntered(uti);
    t.ctx.engine.readerEvents.cardRead(uti, A_CARD);
    expect(refusals()).toHaveLength(2);
    expect(committedStates(t.ctx.db, uti)).toEqual(['IDLE→AWAITING_CARD']);
  });

  it('When a cancel comes while the host has the payment, then it is not cancellable and the payment goes on', async () => {
    start();
    const uti = await sale(1000);
    await jest.advanceTimersByTimeAsync(CARD_DELAY_MS + 1);
    expect(t.ctx.engine.cancel(uti, 'POS_CANCELLED')).toBe('NOT_CANCELLABLE');
    expect(t.ctx.engine.cancel('some-other-uti', 'POS_CANCELLED')).toBe('NOT_CURRENT');
    await jest.advanceTimersByTimeAsync(AUTH_DELAY_MS);
    expect(rowOf(t.ctx, uti).status).toBe('APPROVED');
  });

  it('When no PIN is entered in time, then the payment ends TIMED_OUT PIN_TIMEOUT', async () => {
    start({ env: { EPOSD_SIM_MODE: 'manual' } });
    const uti = await sale(6000);
    t.ctx.simulator!.presentCard('mastercard-chip');
    await jest.advanceTimersByTimeAsync(1);
    expect(rowOf(t.ctx, uti).stage).toBe('AWAITING_PIN');
    await jest.advanceTimersByTimeAsync(CARD_TIMEOUT_MS);
    expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'TIMED_OUT', statusReason: 'PIN_TIMEOUT' });
    expect(committedStates(t.ctx.db, uti)).toEqual(['IDLE→AWAITING_CARD', 'AWAITING_CARD→READING_CARD', 'READING_CARD→AWAITING_PIN', 'AWAITING_PIN→IDLE']);
  });

  it('When the database refuses a transition, then nothing moves, and the same move is retried', async () => {
    start({ env: { EPOSD_SIM_MODE: 'manual' } });
    const uti = await sale(1000);
    t.ctx.db.exec(`CREATE TEMP TRIGGER refuse BEFORE INSERT ON transaction_events WHEN NEW.to_state = 'READING_CARD' BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    t.ctx.simulator!.presentCard('visa-contactless');
    expect(t.ctx.engine.current.name).toBe('AWAITING_CARD');
    expect(rowOf(t.ctx, uti).stage).toBe('AWAITING_CARD');
    t.ctx.db.exec('DROP TRIGGER refuse');
    await jest.advanceTimersByTimeAsync(COMMIT_RETRY_MS);
    expect(committedStates(t.ctx.db, uti).slice(0, 2)).toEqual(['IDLE→AWAITING_CARD', 'AWAITING_CARD→READING_CARD']);
    // The reader's read came while the move was not committed and was refused: the payment must still end.
    await jest.advanceTimersByTimeAsync(CARD_TIMEOUT_MS);
    expect(t.ctx.engine.current).toEqual({ name: 'IDLE' });
    expect(rowOf(t.ctx, uti).status).not.toBe('IN_PROGRESS');
  });

  it('When the first step cannot be logged after the answer, then the payment goes on and its next commit logs that step first', async () => {
    start({ env: { EPOSD_SIM_MODE: 'manual' } });
    t.ctx.db.exec(`CREATE TEMP TRIGGER refuse BEFORE INSERT ON transaction_events WHEN NEW.from_state = 'IDLE' BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    const uti = await sale(1000);
    expect(log.lines.filter((l) => l.msg === 'could not log the first step yet')).toHaveLength(1);
    expect(committedStates(t.ctx.db, uti)).toEqual([]);
    // Committed in its row, the payment is acted on: the reader waits for a card.
    expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'IN_PROGRESS', stage: 'AWAITING_CARD' });
    expect(t.ctx.engine.current.name).toBe('AWAITING_CARD');
    t.ctx.db.exec('DROP TRIGGER refuse');
    t.ctx.simulator!.presentCard('visa-contactless');
    await jest.advanceTimersByTimeAsync(1);
    expect(committedStates(t.ctx.db, uti).slice(0, 2)).toEqual(['IDLE→AWAITING_CARD', 'AWAITING_CARD→READING_CARD']);
    const firstAt = t.ctx.db.prepare(`SELECT e.at FROM transaction_events e JOIN transactions t ON t.id = e.transaction_id WHERE t.uti = ? ORDER BY e.id LIMIT 1`).pluck().get(uti);
    expect(firstAt).toBe(rowOf(t.ctx, uti).createdAt);
  });

  it('When the reader detects a card and then never reads it, then the payment still ends and frees the terminal', async () => {
    start({ env: { EPOSD_SIM_MODE: 'manual' } });
    const uti = await sale(1000);
    t.ctx.engine.readerEvents.cardDetected(uti);
    expect(rowOf(t.ctx, uti).stage).toBe('READING_CARD');
    await jest.advanceTimersByTimeAsync(CARD_TIMEOUT_MS);
    expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'FAILED', statusReason: 'CARD_READ_ERROR' });
    expect(t.ctx.engine.current).toEqual({ name: 'IDLE' });
  });
});
