import { isDeepStrictEqual } from 'node:util';
import type { EposdProcess } from '../helpers/process';
import { cleanupEposd } from '../helpers/process';
import type { Client } from './helpers/client';
import { apiClient, integrityCheck, pairRegister, readDb, screenAction, startDevice, type Device } from './helpers/device';
import { figures, median, sleep } from './helpers/figures';
import { scaled } from './helpers/scale';
import type { AnyAnswer, DiagnosticsReport } from '../helpers/bodies';

// Issue 7 §2. The terminal is killed with SIGKILL while the reader is in each of its states, started
// again, and every payment ends as SPEC §4 says: not at the host → FAILED / TERMINAL_RESTARTED, not
// reversed; at the host → FAILED / TERMINAL_RESTARTED and reversed with the host; printing → stays
// APPROVED. The host's reversals are counted where the simulated host records them: its
// 'simulated host: reversal received' log line (info, standard error), one per UTI.
//
// Each state is held by a slow simulator: a reader in manual mode waits for the screen; the
// EPOSD_SIM_READ_DELAY_MS, EPOSD_SIM_AUTH_DELAY_MS and EPOSD_SIM_PRINT_DELAY_MS test hooks hold
// READING_CARD, AUTHORIZING and PRINTING. The restart has no delays.

const EACH = scaled(2, 20);
const HOLD_MS = '600000';
const MANUAL = { EPOSD_SIM_MODE: 'manual', EPOSD_SIM_READ_DELAY_MS: '0', EPOSD_SIM_AUTH_DELAY_MS: '0', EPOSD_SIM_PRINT_DELAY_MS: '0', EPOSD_LOG_LEVEL: 'info' };

type State = 'AWAITING_TIP' | 'AWAITING_CARD' | 'READING_CARD' | 'AWAITING_PIN' | 'AUTHORIZING' | 'PRINTING';

interface Case {
  state: State;
  hold: NodeJS.ProcessEnv;
  printing: boolean;
  /** What the cardholder does at the screen to bring the payment to `state`. */
  drive(eposd: EposdProcess, i: number): Promise<void>;
  expected: { status: string; statusReason: string; reversed: boolean; transApproved: boolean };
  /** More of the POST's body (the tip step takes a SALE with tipOnTerminal). */
  body?: Record<string, unknown>;
}

const restarted = { status: 'FAILED', statusReason: 'TERMINAL_RESTARTED', transApproved: false };

async function act(eposd: EposdProcess, body: Record<string, unknown>): Promise<void> {
  // A screen action can meet the reader a moment before it is ready for it (a read still finishing).
  for (let tries = 0; ; tries++) {
    const res = await screenAction(eposd, body);
    if (res.status === 200) return;
    if (tries > 200) throw new Error(`screen action ${JSON.stringify(body)} answered ${res.status}: ${JSON.stringify(res.body)}`);
    await sleep(10);
  }
}

const CASES: Case[] = [
  { state: 'AWAITING_TIP', hold: {}, printing: false, body: { tipOnTerminal: true }, drive: () => Promise.resolve(), expected: { ...restarted, reversed: false } },
  { state: 'AWAITING_CARD', hold: {}, printing: false, drive: () => Promise.resolve(), expected: { ...restarted, reversed: false } },
  {
    state: 'READING_CARD',
    hold: { EPOSD_SIM_READ_DELAY_MS: HOLD_MS },
    printing: false,
    drive: (eposd, i) => act(eposd, { action: 'presentCard', card: ['visa-contactless', 'mastercard-chip', 'amex-swipe'][i % 3] }),
    expected: { ...restarted, reversed: false },
  },
  { state: 'AWAITING_PIN', hold: {}, printing: false, drive: (eposd) => act(eposd, { action: 'presentCard', card: 'mastercard-chip' }), expected: { ...restarted, reversed: false } },
  {
    state: 'AUTHORIZING',
    hold: { EPOSD_SIM_AUTH_DELAY_MS: HOLD_MS },
    printing: false,
    // Contactless without a PIN, and chip with a PIN, by turns.
    drive: async (eposd, i) => {
      await act(eposd, { action: 'presentCard', card: i % 2 === 0 ? 'visa-contactless' : 'mastercard-chip' });
      if (i % 2 === 1) await act(eposd, { action: 'enterPin', pin: '1234' });
    },
    expected: { ...restarted, reversed: true },
  },
  {
    state: 'PRINTING',
    hold: { EPOSD_SIM_PRINT_DELAY_MS: HOLD_MS },
    printing: true,
    drive: (eposd) => act(eposd, { action: 'presentCard', card: 'visa-contactless' }),
    expected: { status: 'APPROVED', statusReason: 'APPROVED', transApproved: true, reversed: false },
  },
];

/** The reader's state as the technician's diagnostics show it. */
async function readerState(tech: Client): Promise<{ state: string; uti: string | null }> {
  const res = await tech.call<DiagnosticsReport>('/diagnostics');
  if (res.status !== 200) throw new Error(`diagnostics answered ${res.status}: ${res.text}`);
  return { state: res.body.reader.state, uti: res.body.currentTransaction?.uti ?? null };
}

async function untilReaderIn(tech: Client, state: State, uti: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const now = await readerState(tech);
    if (now.state === state && now.uti === uti) return;
    if (Date.now() > deadline) throw new Error(`the reader did not reach ${state} for ${uti}: ${JSON.stringify(now)}`);
    await sleep(10);
  }
}

/** The UTIs of the simulated host's reversals in a process's log. */
function hostReversals(stderr: string[]): string[] {
  const utis: string[] = [];
  for (const line of stderr) {
    if (!line.includes('simulated host: reversal received')) continue;
    const entry = JSON.parse(line) as { msg: string; uti: string };
    if (entry.msg === 'simulated host: reversal received') utis.push(entry.uti);
  }
  return utis;
}

interface Observed {
  state: State;
  uti: string;
  integrity: string;
  atKill: unknown;
  /** The status read's HTTP statuses after the restart: 200 at once, since recovery ran before the API listened. */
  readStatuses: number[];
  final: { status: unknown; statusReason: unknown; reversed: unknown; transApproved: unknown };
  exitCode: number | null;
  reversals: string[];
}

/** Whether one case ended as SPEC §4 says, judged from what was observed. */
function asSpec(c: Case, o: Observed): boolean {
  const atKill = c.state === 'PRINTING' ? { status: 'APPROVED', stage: null } : { status: 'IN_PROGRESS', stage: c.state };
  return (
    o.integrity === 'ok' &&
    isDeepStrictEqual(o.atKill, atKill) &&
    o.readStatuses.every((s) => s === 200) &&
    isDeepStrictEqual(o.final, c.expected) &&
    o.exitCode === 0 &&
    isDeepStrictEqual(o.reversals, c.expected.reversed ? [o.uti] : [])
  );
}

describe('Restart in every reader state', () => {
  afterAll(cleanupEposd);

  it(`When the terminal is killed ${EACH} times in each reader state and started again, then each payment ends as SPEC §4 says`, async () => {
    let device: Device | undefined;
    let pos = '';
    let tech = '';
    const observed: { c: Case; o: Observed }[] = [];
    const recoverMs: number[] = [];
    const types = ['SALE', 'REFUND', 'PREAUTH'];

    for (let i = 0; i < EACH; i++) {
      for (const c of CASES) {
        const holding = { ...MANUAL, ...c.hold };
        if (!device) {
          device = await startDevice(holding);
          pos = await pairRegister(device.eposd, { registerId: 'till-states' });
          tech = await pairRegister(device.eposd, { registerId: 'tech-states', role: 'technician' });
        } else {
          await device.restart(holding);
        }
        const api = apiClient(device.eposd, pos);
        const diag = apiClient(device.eposd, tech);
        const transType = c.state === 'PRINTING' || c.body ? 'SALE' : types[i % types.length]!;
        const body = { transType, amountTrans: 2000 + i * 100, ...c.body }; // ends in 00: approved
        const posted = await api.call<AnyAnswer>(`/transaction?disablePrinting=${!c.printing}`, { method: 'POST', body });
        if (posted.status !== 200) throw new Error(`the ${c.state} case's payment answered ${posted.status}: ${posted.text}`);
        const uti = posted.body.uti!;
        await c.drive(device.eposd, i);
        await untilReaderIn(diag, c.state, uti);
        api.close();
        diag.close();

        device.eposd.kill('SIGKILL');
        const exit = await device.eposd.waitForExit();
        if (exit.signal !== 'SIGKILL') throw new Error(`the ${c.state} case's process ended by ${JSON.stringify(exit)}, not by the kill`);
        const integrity = integrityCheck(device.dataDir);
        const atKill = readDb(device.dataDir, (db) => ({ ...(db.prepare('SELECT status, stage FROM transactions WHERE uti = ?').get(uti) as object) }));

        const t0 = performance.now();
        const eposd = await device.restart(MANUAL);
        const reader = apiClient(eposd, pos);
        const readStatuses: number[] = [];
        let final: Record<string, unknown>;
        for (const deadline = Date.now() + 15_000; ;) {
          const res = await reader.call(`/transaction?uti=${uti}`);
          readStatuses.push(res.status);
          final = res.body as Record<string, unknown>;
          if (final.reversed === c.expected.reversed || Date.now() > deadline) break;
          await sleep(20);
        }
        recoverMs.push(performance.now() - t0);
        reader.close();
        const exitCode = await eposd.stop(); // flushes the log
        observed.push({
          c,
          o: {
            state: c.state,
            uti,
            integrity,
            atKill,
            readStatuses,
            final: { status: final.status, statusReason: final.statusReason, reversed: final.reversed, transApproved: final.transApproved },
            exitCode,
            reversals: hostReversals(eposd.stderr()),
          },
        });
      }
    }

    const inState = (state: State) => observed.filter(({ c }) => c.state === state);
    figures('2 restart in every reader state', {
      ...Object.fromEntries(
        CASES.map(({ state }) => [
          state,
          `cases:${inState(state).length},asSpec:${inState(state).filter(({ c, o }) => asSpec(c, o)).length},hostReversals:${inState(state).reduce((n, { o }) => n + o.reversals.length, 0)}`,
        ]),
      ),
      kills: observed.length,
      integrityOk: observed.filter(({ o }) => o.integrity === 'ok').length,
      medianRestartToFinalMs: Math.round(median(recoverMs)),
    });
    expect(observed.filter(({ c, o }) => !asSpec(c, o)).map(({ c, o }) => ({ ...o, expected: c.expected }))).toEqual([]);
    expect(observed).toHaveLength(EACH * CASES.length);
    expect(inState('AUTHORIZING').reduce((n, { o }) => n + o.reversals.length, 0)).toBe(EACH);
  });
});
