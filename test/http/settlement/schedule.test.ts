import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { BASE_PATH, createApp } from '../../../src/app';
import { openDatabase } from '../../../src/db/open';
import { ManualClock } from '../../../src/shared/clock';
import { pairPos, testContext, type TestContext } from '../../helpers/context';
import { INSTANT_SIMULATOR_ENV, payAndWait, simulatedPrinter } from '../../helpers/payments';

// Settlement times are the terminal's local time: every instant here is built with the local-time
// Date constructor, on a day without a daylight-saving change.
const day = (d: number, h: number, m: number) => new Date(2025, 5, d, h, m);
const ENV = { ...INSTANT_SIMULATOR_ENV, EPOSD_SETTLEMENT_TIME: '01:00' };

interface Batch {
  id: number;
  closedAt: number;
  closedBy: string;
  totals: string;
}

describe('When the batch closes by itself at EPOSD_SETTLEMENT_TIME (01:00 local)', () => {
  let dir: string;
  let file: string;
  const running: TestContext[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'eposd-settlement-'));
    file = join(dir, 'eposd.db');
  });
  afterEach(() => {
    running.splice(0).forEach((t) => t.ctx.destroy());
    rmSync(dir, { recursive: true, force: true });
  });

  /** Powers the terminal on at `at`, on the database file: a fresh context, started. */
  const powerOn = (at: Date): TestContext => {
    const t = testContext({ env: ENV, db: openDatabase(file), clock: new ManualClock(at) });
    running.push(t);
    t.ctx.start();
    return t;
  };
  const powerOff = (t: TestContext) => {
    running.splice(running.indexOf(t), 1);
    t.ctx.destroy();
  };
  const batches = (t: TestContext) => t.ctx.db.prepare('SELECT id, closed_at AS closedAt, closed_by AS closedBy, totals FROM batches ORDER BY id').all() as Batch[];

  /** At 00:30 the terminal takes two sales, then it is switched off. */
  const tradeUntilOff = async (): Promise<string> => {
    const t = powerOn(day(10, 0, 30));
    const app = createApp(t.ctx);
    const token = await pairPos(app, t.ctx);
    await payAndWait(app, t.ctx, token, { transType: 'SALE', amountTrans: 1000 });
    await payAndWait(app, t.ctx, token, { transType: 'SALE', amountTrans: 2500 });
    expect(batches(t)).toEqual([]);
    powerOff(t);
    return token;
  };

  it('then a terminal that was off at 01:00 closes the batch at its next start, by SCHEDULE, with the sales taken before', async () => {
    const token = await tradeUntilOff();
    const t = powerOn(day(10, 2, 0));

    const [batch, ...more] = batches(t);
    expect(more).toEqual([]);
    expect(batch).toMatchObject({ id: 1, closedAt: day(10, 2, 0).getTime(), closedBy: 'SCHEDULE' });
    expect(JSON.parse(batch!.totals)).toMatchObject({ sales: { count: 2, amount: 3500 }, net: 3500 });
    await new Promise((resolve) => setImmediate(resolve)); // the Z report goes through the print queue
    expect(simulatedPrinter(t.ctx).jobs.map((j) => j.what)).toEqual(['Z report 1']);

    const open = await request(createApp(t.ctx)).get(`${BASE_PATH}/settlement`).set('Authorization', token);
    expect(open.body).toMatchObject({ batchNumber: 2, status: 'OPEN', totals: { sales: { count: 0, amount: 0 }, net: 0 } });
  });

  it('then a terminal started again before 01:00 closes nothing', async () => {
    await tradeUntilOff();
    const t = powerOn(day(10, 0, 50));
    expect(batches(t)).toEqual([]);
    expect(t.ctx.settlement.current()).toMatchObject({ batchNumber: 1, totals: { sales: { count: 2, amount: 3500 } } });
    expect(simulatedPrinter(t.ctx).jobs).toEqual([]);
  });

  it('then starting again later the same day does not close a second batch', async () => {
    await tradeUntilOff();
    powerOff(powerOn(day(10, 2, 0)));
    const t = powerOn(day(10, 3, 0));
    expect(batches(t).map((b) => b.closedBy)).toEqual(['SCHEDULE']);
    expect(simulatedPrinter(t.ctx).jobs).toEqual([]);
  });

  it('then a terminal that was off for several days closes the waiting sales once', async () => {
    await tradeUntilOff();
    const t = powerOn(day(13, 9, 0));
    expect(batches(t)).toEqual([expect.objectContaining({ id: 1, closedBy: 'SCHEDULE' })]);
    expect(JSON.parse(batches(t)[0]!.totals)).toMatchObject({ sales: { count: 2 } });
  });
});
