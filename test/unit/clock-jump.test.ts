import { join } from 'node:path';
import { openDatabase } from '../../src/db/open';
import { ManualClock } from '../../src/shared/clock';
import type { Monotonic } from '../../src/transactions/clock-guard';
import { testContext, type TestContext } from '../helpers/context';
import { capturingLogger, INSTANT_SIMULATOR_ENV, transactionCount, untilIdleAfter } from '../helpers/payments';
import { cleanupEposd, makeTempDir } from '../helpers/process';

// Issue: restarted with the clock 93 days ahead, eposd purged every transaction and took a new payment
// under a client UTI used minutes before. The purge now goes by the time the terminal can vouch for.

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const START = '2025-04-28T09:00:00.000Z';

/** The machine's monotonic clock, moved by hand, in one boot unless told otherwise. */
class FakeMonotonic implements Monotonic {
  now = 1_000_000;
  boot = 'boot-1';
  uptime = 3_600_000;
  nowMs = () => this.now;
  bootId = () => this.boot;
  uptimeMs = () => this.uptime;
}

describe('When the wall clock jumps between two starts', () => {
  let file: string;
  let mono: FakeMonotonic;
  let t: TestContext;
  afterEach(() => t.ctx.destroy());
  afterAll(cleanupEposd);

  /** A first run: payments under client-chosen UTIs, then a stop. */
  async function firstRun(): Promise<string[]> {
    file = join(makeTempDir('eposd-clock-'), 'eposd.db');
    mono = new FakeMonotonic();
    t = testContext({ env: INSTANT_SIMULATOR_ENV, db: openDatabase(file), clock: new ManualClock(START), monotonic: mono });
    t.ctx.start();
    const utis = [];
    for (let i = 0; i < 3; i++) {
      const ack = t.ctx.transactions.start({ transType: 'SALE', amountTrans: 1000 + i, uti: `pos-chosen-${i}` }, 'till-1', true);
      await untilIdleAfter(t.ctx, ack.uti);
      utis.push(ack.uti);
    }
    t.ctx.destroy();
    return utis;
  }

  function restart(wall: string | Date) {
    const captured = capturingLogger('info');
    t = testContext({ env: INSTANT_SIMULATOR_ENV, db: openDatabase(file), clock: new ManualClock(wall), monotonic: mono, logger: captured.logger });
    t.ctx.start();
    return captured.lines;
  }

  it('When it is restarted minutes later with the clock 93 days ahead, then the jump is logged, nothing is purged and the UTIs used stay taken', async () => {
    const utis = await firstRun();
    mono.now += 10 * MINUTE_MS;
    const lines = restart(new Date(Date.parse(START) + 93 * DAY_MS + 10 * MINUTE_MS));
    expect(await t.ctx.retention.purge()).toBe(0);
    expect(transactionCount(t.ctx.db)).toBe(3);
    // The same request again is a replay; another one under a used UTI is refused.
    expect(t.ctx.transactions.start({ transType: 'SALE', amountTrans: 1000, uti: utis[0] }, 'till-1', true).uti).toBe(utis[0]);
    expect(() => t.ctx.transactions.start({ transType: 'SALE', amountTrans: 555, uti: utis[1] }, 'till-1', true)).toThrow(/UTI_CONFLICT/);
    expect(transactionCount(t.ctx.db)).toBe(3);
    expect(lines.find((l) => /wall clock jumped 93\.00 days ahead/.test(String(l.msg)))).toMatchObject({ level: 40 });
    expect(t.ctx.clockGuard.reading()?.jumpMs).toBeGreaterThan(92 * DAY_MS);
  });

  it('When the machine was also rebooted minutes ago, then a 93-day jump still purges nothing', async () => {
    await firstRun();
    Object.assign(mono, { boot: 'boot-2', now: 5_000, uptime: 5 * MINUTE_MS });
    restart(new Date(Date.parse(START) + 93 * DAY_MS));
    expect(await t.ctx.retention.purge()).toBe(0);
    expect(transactionCount(t.ctx.db)).toBe(3);
  });

  it('When 93 days really passed (the monotonic clock agrees), then the expired transactions are purged', async () => {
    await firstRun();
    mono.now += 93 * DAY_MS;
    restart(new Date(Date.parse(START) + 93 * DAY_MS));
    expect(t.ctx.clockGuard.check().jumpMs).toBe(0);
    expect(await t.ctx.retention.purge()).toBe(3);
  });

  it('When the terminal was switched off for 93 days, then it catches up as it runs, no faster than time passes', async () => {
    await firstRun();
    Object.assign(mono, { boot: 'boot-2', now: 5_000, uptime: 5 * MINUTE_MS });
    const clock = new ManualClock(new Date(Date.parse(START) + 93 * DAY_MS));
    t = testContext({ env: INSTANT_SIMULATOR_ENV, db: openDatabase(file), clock, monotonic: mono });
    t.ctx.start();
    expect(await t.ctx.retention.purge()).toBe(0);
    const runFor = async (days: number) => {
      for (let day = 0; day < days; day++) {
        mono.now += DAY_MS;
        clock.advance(DAY_MS);
        await t.ctx.retention.purge();
      }
    };
    await runFor(2);
    expect(transactionCount(t.ctx.db)).toBe(3);
    await runFor(92);
    expect(transactionCount(t.ctx.db)).toBe(0);
  });
});

// Issue 26 item 2: a terminal whose clock was 400 days behind (a reset RTC) took payments stamped 400
// days old; once NTP corrected the clock, the purge deleted them. Retention now follows the time the
// terminal has provably run, whatever the wall clock said when a payment was taken.
const WRONG_CLOCKS = [
  ['400 days behind', -400],
  ['400 days ahead', 400],
] as const;

describe('When payments are taken while the wall clock is wrong, and it is corrected later', () => {
  const START_MS = Date.parse(START);
  let file: string;
  let mono: FakeMonotonic;
  let clock: ManualClock;
  let t: TestContext;
  afterEach(() => t.ctx.destroy());
  afterAll(cleanupEposd);

  function run(wallMs: number): void {
    clock = new ManualClock(new Date(wallMs));
    t = testContext({ env: INSTANT_SIMULATOR_ENV, db: openDatabase(file), clock, monotonic: mono });
    t.ctx.start();
  }
  /** Minutes pass, on the monotonic clock and on the wall clock alike. */
  function pass(ms: number): void {
    mono.now += ms;
    clock.advance(ms);
  }
  async function pay(prefix: string, n: number): Promise<string[]> {
    const utis = [];
    for (let i = 0; i < n; i++) {
      const ack = t.ctx.transactions.start({ transType: 'SALE', amountTrans: 1000 + i, uti: `${prefix}-${i}` }, 'till-1', true);
      await untilIdleAfter(t.ctx, ack.uti);
      utis.push(ack.uti);
      pass(MINUTE_MS);
    }
    return utis;
  }
  /** Two payments with the clock right, then a stop. */
  async function firstRun(): Promise<string[]> {
    run(START_MS);
    const utis = await pay('before', 2);
    t.ctx.destroy();
    return utis;
  }
  const present = (utis: string[]) => utis.filter((u) => t.ctx.transactionsRepo.findByUti(u) !== undefined).length;

  beforeEach(() => {
    file = join(makeTempDir('eposd-clock-'), 'eposd.db');
    mono = new FakeMonotonic();
  });

  it.each(WRONG_CLOCKS)('When it was %s and NTP corrects it while eposd runs, then nothing is purged and the UTIs stay taken', async (_, offsetDays) => {
    const before = await firstRun();
    pass(10 * MINUTE_MS);
    run(START_MS + 12 * MINUTE_MS + offsetDays * DAY_MS);
    const wrong = await pay('wrong', 4);
    clock.set(new Date(START_MS + 30 * MINUTE_MS));
    pass(MINUTE_MS);
    expect(await t.ctx.retention.purge()).toBe(0);
    expect([present(before), present(wrong)]).toEqual([2, 4]);
    expect(() => t.ctx.transactions.start({ transType: 'SALE', amountTrans: 5, uti: wrong[0] }, 'till-1', true)).toThrow(/UTI_CONFLICT/);
  });

  it.each(WRONG_CLOCKS)('When it was %s, then corrected across a restart and a reboot, then nothing is purged until 92 days of running time have passed', async (_, offsetDays) => {
    const before = await firstRun();
    // The machine reboots with its clock reset: a new boot, two minutes up.
    Object.assign(mono, { boot: 'boot-2', now: 2 * MINUTE_MS, uptime: 2 * MINUTE_MS });
    run(START_MS + offsetDays * DAY_MS);
    const wrong = await pay('wrong', 4);
    t.ctx.destroy();
    pass(5 * MINUTE_MS);
    run(START_MS + HOUR_MS);
    expect(await t.ctx.retention.purge()).toBe(0);
    expect([present(before), present(wrong)]).toEqual([2, 4]);
    // 91 days of running later, still there; after 93, gone.
    for (let day = 0; day < 91; day++) {
      pass(DAY_MS);
      await t.ctx.retention.purge();
    }
    expect([present(before), present(wrong)]).toEqual([2, 4]);
    pass(2 * DAY_MS);
    await t.ctx.retention.purge();
    expect([present(before), present(wrong)]).toEqual([0, 0]);
  });
});
