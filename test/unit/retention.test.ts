import { Retention } from '../../src/transactions/retention';
import { testContext, type TestContext } from '../helpers/context';
import { INSTANT_SIMULATOR_ENV, MANUAL_SIMULATOR_ENV, rowOf, transactionCount, untilIdleAfter } from '../helpers/payments';

const DAY_MS = 86_400_000;
const RETENTION_DAYS = 92;
const BATCH = 3;

describe('retention: transactions older than EPOSD_RETENTION_DAYS are purged', () => {
  let t: TestContext;
  let retention: Retention;
  const make = (env: NodeJS.ProcessEnv) => {
    t = testContext({ env });
    retention = new Retention(t.ctx.db, {
      clock: t.clock,
      logger: t.ctx.logger,
      retentionDays: RETENTION_DAYS,
      batchSize: BATCH,
      audit: t.ctx.auditRepo,
      deliveries: t.ctx.deliveries,
      // Its monotonic clock moves with the manual one (test/helpers/context.ts).
      guard: t.ctx.clockGuard,
    });
  };
  afterEach(() => {
    retention.stop();
    t.ctx.destroy();
  });

  async function sale(amount: number, uti?: string): Promise<string> {
    const ack = t.ctx.transactions.start({ transType: 'SALE', amountTrans: amount, ...(uti ? { uti } : {}) }, 'till-1', true);
    await untilIdleAfter(t.ctx, ack.uti);
    // A row's age counts from the first mark after it (the terminal marks hourly): here, at once.
    retention.mark();
    return ack.uti;
  }
  const count = (sql: string, ...args: unknown[]) =>
    t.ctx.db
      .prepare(sql)
      .pluck()
      .get(...args) as number;
  const events = () => count('SELECT count(*) FROM transaction_events');

  describe('When some are expired and some are not', () => {
    let old: string[];
    let recent: string[];
    beforeEach(async () => {
      make(INSTANT_SIMULATOR_ENV);
      old = [];
      for (let i = 0; i < 7; i++) old.push(await sale(1000 + i));
      t.clock.advance(50 * DAY_MS);
      recent = [await sale(2000), await sale(2005)];
      t.clock.advance((RETENTION_DAYS - 50) * DAY_MS + 1);
    });

    it('then the expired ones and their events are deleted, the others kept', async () => {
      const recentEvents = recent.map((u) => rowOf(t.ctx, u).id).map((id) => count('SELECT count(*) FROM transaction_events WHERE transaction_id = ?', id));
      expect(await retention.purge()).toBe(7);
      for (const uti of old) expect(t.ctx.transactionsRepo.findByUti(uti)).toBeUndefined();
      for (const uti of recent) expect(t.ctx.transactionsRepo.findByUti(uti)).toBeDefined();
      expect(events()).toBe(recentEvents.reduce((a, b) => a + b, 0));
      expect(count('SELECT count(*) FROM transaction_events WHERE transaction_id NOT IN (SELECT id FROM transactions)')).toBe(0);
    });

    it('then they go a small batch at a time, letting other work run in between', async () => {
      const purging = retention.purge();
      // The first batch runs at once; the next ones only after the event loop has had a turn.
      expect(transactionCount(t.ctx.db)).toBe(9 - BATCH);
      await new Promise((resolve) => setImmediate(resolve));
      expect(transactionCount(t.ctx.db)).toBeGreaterThanOrEqual(9 - 2 * BATCH);
      await purging;
      expect(transactionCount(t.ctx.db)).toBe(2);
    });

    it('then a second purge finds nothing to do', async () => {
      await retention.purge();
      expect(await retention.purge()).toBe(0);
      expect(transactionCount(t.ctx.db)).toBe(2);
    });
  });

  it('keeps a transaction that is exactly as old as the retention period', async () => {
    make(INSTANT_SIMULATOR_ENV);
    const uti = await sale(1000);
    t.clock.advance(RETENTION_DAYS * DAY_MS);
    expect(await retention.purge()).toBe(0);
    t.clock.advance(1);
    expect(await retention.purge()).toBe(1);
    expect(t.ctx.transactionsRepo.findByUti(uti)).toBeUndefined();
  });

  it('never purges the transaction in progress, however old', async () => {
    make(MANUAL_SIMULATOR_ENV);
    const { uti } = t.ctx.transactions.start({ transType: 'SALE', amountTrans: 1000 }, 'till-1', true);
    retention.mark();
    t.clock.advance(1000 * DAY_MS);
    expect(await retention.purge()).toBe(0);
    expect(rowOf(t.ctx, uti).status).toBe('IN_PROGRESS');
    expect(events()).toBe(1);
  });

  it('frees the UTI of a purged transaction for a new payment', async () => {
    make(INSTANT_SIMULATOR_ENV);
    const body = { transType: 'SALE' as const, amountTrans: 1000, uti: 'order-1' };
    await sale(1000, 'order-1');
    const first = rowOf(t.ctx, 'order-1');
    // Before the purge the same request is a replay: nothing new starts.
    expect(t.ctx.transactions.start(body, 'till-1', true)).toEqual({ transType: 'SALE', amountTrans: 1000, uti: 'order-1' });
    expect(transactionCount(t.ctx.db)).toBe(1);
    t.clock.advance(RETENTION_DAYS * DAY_MS + 1);
    await retention.purge();
    expect(t.ctx.transactions.start(body, 'till-1', true)).toEqual({ transType: 'SALE', amountTrans: 1000, uti: 'order-1' });
    await untilIdleAfter(t.ctx, 'order-1');
    const second = rowOf(t.ctx, 'order-1');
    expect(second.createdAt).toBe(first.createdAt + RETENTION_DAYS * DAY_MS + 1);
    expect(second.status).toBe('APPROVED');
  });
});
