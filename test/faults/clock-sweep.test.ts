import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeIf } from '../helpers/needs';
import { cleanupEposd } from '../helpers/process';
import { apiClient, pairRegister, startDevice, type Device } from './helpers/device';
import { figures, sleep } from './helpers/figures';
import { scaled } from './helpers/scale';
import type { AnyAnswer } from '../helpers/bodies';

// Issue 26 item 2, the clock sweep. The real process under libfaketime (Debian's faketime package;
// .ci/run installs it): its wall clock 400 days behind or ahead while a POS pays, then still wrong or
// corrected, across restarts, each start followed by the purge. Every acknowledged payment must still
// be there with its outcome. The machine's monotonic clock is left alone (FAKETIME_DONT_FAKE_MONOTONIC),
// as on a terminal whose RTC is wrong. A control fakes the monotonic clock too, so that 400 days really
// seem to pass: there the purge must delete the payments, or the sweep would prove nothing.

const PAYMENTS_PER_START = scaled(2, 10);
const OFFSET_DAYS = 400;
const PURGE_WAIT_MS = 20_000;

/** Debian's libfaketime, where it is installed. */
const LIBFAKETIME = ['/usr/lib', '/usr/lib64', ...readdirSync('/usr/lib').map((d) => join('/usr/lib', d))].map((d) => join(d, 'faketime', 'libfaketime.so.1')).find((f) => existsSync(f));

type Clock = { days: number; monotonicToo?: boolean } | 'right';

function clockEnv(clock: Clock): NodeJS.ProcessEnv {
  if (clock === 'right') return {};
  const offset = `${clock.days >= 0 ? '+' : ''}${clock.days}d`;
  return { LD_PRELOAD: LIBFAKETIME, FAKETIME: offset, ...(clock.monotonicToo ? {} : { FAKETIME_DONT_FAKE_MONOTONIC: '1' }) };
}

interface Outcome {
  starts: number;
  taken: number;
  lost: string[];
  jumpsLogged: number;
  purgeRuns: number;
  purgedAtEnd: number;
  /** What went wrong on the way (a refused sale, a purge that never ran, an unclean stop): asserted after the figures. */
  problems: string[];
}

/** Starts with each clock in turn on the same data: pays at each start but the last, waits for the purge at each, and checks every payment after. */
async function sweep(clocks: Clock[]): Promise<Outcome> {
  let device: Device | undefined;
  const outcomes = new Map<string, string>();
  const out: Outcome = { starts: 0, taken: 0, lost: [], jumpsLogged: 0, purgeRuns: 0, purgedAtEnd: 0, problems: [] };
  let pos = '';
  for (const [i, clock] of clocks.entries()) {
    const env = { ...clockEnv(clock), EPOSD_LOG_LEVEL: 'warn' };
    if (!device) {
      device = await startDevice(env);
      pos = await pairRegister(device.eposd, { registerId: 'till-1' });
    } else await device.restart(env);
    out.starts += 1;
    // A technician's token lasts 8 hours by the wall clock: one for each start.
    const tech = await pairRegister(device.eposd, { registerId: `tech-${i}`, role: 'technician' });
    const api = apiClient(device.eposd, pos);
    const last = i === clocks.length - 1;
    for (let n = 0; !last && n < PAYMENTS_PER_START; n++) {
      const uti = `clock-${i}-${n}-${'x'.repeat(20)}`;
      const ack = await api.call<AnyAnswer>('/transaction?disablePrinting=true', { method: 'POST', body: { transType: 'SALE', amountTrans: 1000 + n, uti } });
      if (ack.status !== 200) {
        out.problems.push(`start ${i}: the sale answered ${ack.status}: ${ack.text}`);
        continue;
      }
      const final = await api.call<AnyAnswer>(`/transaction?uti=${uti}&wait=10`);
      outcomes.set(uti, String(final.body.status));
      out.taken += 1;
    }
    // The purge runs 5 s after each start: wait until diagnostics say it has.
    const techApi = apiClient(device.eposd, tech);
    const deadline = Date.now() + PURGE_WAIT_MS;
    let lastPurge: { purged: number } | null = null;
    while (!lastPurge && Date.now() < deadline) {
      await sleep(250);
      lastPurge = (await techApi.call<AnyAnswer>('/diagnostics')).body.database?.lastPurge ?? null;
    }
    if (lastPurge) out.purgeRuns += 1;
    else out.problems.push(`the purge did not run within 20 s of the start with the clock ${JSON.stringify(clock)}: ${device.eposd.stderr().join('\n')}`);
    if (last) {
      out.purgedAtEnd = lastPurge?.purged ?? 0;
      for (const [uti, status] of outcomes) {
        const read = await api.call<AnyAnswer>(`/transaction?uti=${uti}`);
        if (read.status !== 200 || read.body.status !== status) out.lost.push(`${uti}: ${read.status} ${String(read.body.status ?? read.body.code)}`);
      }
    }
    api.close();
    techApi.close();
    const exit = await device.eposd.stop();
    if (exit !== 0) out.problems.push(`start ${i} stopped with ${exit}`);
    out.jumpsLogged += device.eposd.stderr().filter((l) => /the wall clock (jumped|is)/.test(l)).length;
  }
  return out;
}

describeIf(LIBFAKETIME !== undefined, 'faketime')('Clock sweep', () => {
  afterAll(cleanupEposd);

  it('When the wall clock is 400 days behind or ahead, then corrected or not, across restarts, then no payment is lost; when 400 days really pass, they are purged', async () => {
    const behind = { days: -OFFSET_DAYS };
    const ahead = { days: OFFSET_DAYS };
    const scenarios: [string, Clock[]][] = [
      ['behind', ['right', behind, behind]],
      ['ahead', ['right', ahead, ahead]],
      ['behindThenCorrected', ['right', behind, 'right']],
      ['aheadThenCorrected', ['right', ahead, 'right']],
    ];
    // The control: the monotonic clock moves 400 days with the wall clock, as if they really passed.
    const control: Clock[] = [
      { days: 0, monotonicToo: true },
      { days: OFFSET_DAYS, monotonicToo: true },
    ];
    // Three terminals at a time: each spends most of its time waiting for its purge.
    const runs = [...scenarios.map(([, clocks]) => clocks), control];
    const results: Outcome[] = [];
    for (let i = 0; i < runs.length; i += 3) results.push(...(await Promise.all(runs.slice(i, i + 3).map(sweep))));
    const controlResult = results.pop()!;
    const taken = results.reduce((n, r) => n + r.taken, 0);
    const lost = results.flatMap((r) => r.lost);
    const problems = [...results, controlResult].flatMap((r) => r.problems);
    figures('clock sweep', {
      ...Object.fromEntries(
        scenarios.map(([name], i) => [
          name,
          `starts ${results[i]!.starts} taken ${results[i]!.taken} lost ${results[i]!.lost.length} purges ${results[i]!.purgeRuns} jumpsLogged ${results[i]!.jumpsLogged}`,
        ]),
      ),
      paymentsTaken: taken,
      paymentsLost: lost.length,
      control400DaysPassed: `taken ${controlResult.taken} lost ${controlResult.lost.length} (to the purge: ${controlResult.purgedAtEnd} rows)`,
      problems: problems.length,
    });
    expect(problems).toEqual([]);
    expect(lost).toEqual([]);
    expect(taken).toBe(scenarios.length * 2 * PAYMENTS_PER_START);
    // The control's payments really are 400 days old: the purge takes every one of them.
    expect(controlResult.lost.length).toBe(controlResult.taken);
  });
});
