import pino from 'pino';
import request from 'supertest';
import type { App } from '../../src/http/serve';
import { BASE_PATH } from '../../src/app';
import type { AppContext } from '../../src/context';
import type { Db } from '../../src/db/open';
import { SimulatedHost } from '../../src/host/host.simulator';
import { SimulatedPrinter } from '../../src/printer/printer.simulator';
import type { Logger } from '../../src/shared/logger';
import type { TransitionEvent } from '../../src/transactions/engine';
import type { TransactionRow } from '../../src/transactions/transactions.repository';
import type { Acknowledgement } from '../../src/transactions/transactions.schemas';

// Helpers for the payment tests: what the state machine committed, what the simulators saw, and
// how to wait for a payment to end without depending on how fast the machine is.

export const TX_PATH = `${BASE_PATH}/transaction`;

/** The simulators answer at once: payments end within a few turns of the event loop. */
export const INSTANT_SIMULATOR_ENV: NodeJS.ProcessEnv = { EPOSD_SIM_CARD_DELAY_MS: '0', EPOSD_SIM_AUTH_DELAY_MS: '0' };
/** The simulated reader waits for a person at the screen. */
export const MANUAL_SIMULATOR_ENV: NodeJS.ProcessEnv = { ...INSTANT_SIMULATOR_ENV, EPOSD_SIM_MODE: 'manual' };

/** Every committed transition of one transaction, in order, as "FROM→TO". */
export function committedStates(db: Db, uti: string): string[] {
  return db.prepare(`SELECT e.from_state || '→' || e.to_state FROM transaction_events e JOIN transactions t ON t.id = e.transaction_id WHERE t.uti = ? ORDER BY e.id`).pluck().all(uti) as string[];
}

/** The transaction's row, read through the repository the service uses. */
export function rowOf(ctx: AppContext, uti: string): TransactionRow {
  const row = ctx.transactionsRepo.findByUti(uti);
  if (!row) throw new Error(`no transaction ${uti}`);
  return row;
}

export function transactionCount(db: Db): number {
  return db.prepare('SELECT count(*) FROM transactions').pluck().get() as number;
}

export function simulatedHost(ctx: AppContext): SimulatedHost {
  if (!(ctx.host instanceof SimulatedHost)) throw new Error('the context has no simulated host');
  return ctx.host;
}

export function simulatedPrinter(ctx: AppContext): SimulatedPrinter {
  if (!(ctx.printer instanceof SimulatedPrinter)) throw new Error('the context has no simulated printer');
  return ctx.printer;
}

/** Records every transition the engine reports, in order, as "FROM→TO". */
export function recordTransitions(ctx: AppContext): { seen: TransitionEvent[]; states: () => string[] } {
  const seen: TransitionEvent[] = [];
  ctx.engine.on('transition', (e: TransitionEvent) => void seen.push(e));
  return { seen, states: () => seen.map((e) => `${e.from}→${e.to}`) };
}

/** Resolves once the engine is back to IDLE after `uti` (at once if it already is). Needs real timers. */
export function untilIdleAfter(ctx: AppContext, uti: string, timeoutMs = 10_000): Promise<void> {
  const current = ctx.engine.current;
  if (current.name === 'IDLE' || current.tx.uti !== uti) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ctx.engine.off('transition', listener);
      reject(new Error(`transaction ${uti} did not end within ${timeoutMs} ms (state ${ctx.engine.current.name})`));
    }, timeoutMs);
    const listener = (e: TransitionEvent) => {
      if (e.uti !== uti || e.to !== 'IDLE') return;
      clearTimeout(timer);
      ctx.engine.off('transition', listener);
      resolve();
    };
    ctx.engine.on('transition', listener);
  });
}

/** Resolves once `uti` has reached `stage` (at once if it is there). Needs real timers. */
export function untilStage(ctx: AppContext, uti: string, stage: string, timeoutMs = 10_000): Promise<void> {
  const current = ctx.engine.current;
  if (current.name !== 'IDLE' && current.name === stage && current.tx.uti === uti) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ctx.engine.off('transition', listener);
      reject(new Error(`transaction ${uti} did not reach ${stage} within ${timeoutMs} ms (state ${ctx.engine.current.name})`));
    }, timeoutMs);
    const listener = (e: TransitionEvent) => {
      if (e.uti !== uti || e.to !== stage) return;
      clearTimeout(timer);
      ctx.engine.off('transition', listener);
      resolve();
    };
    ctx.engine.on('transition', listener);
  });
}

/** POSTs a transaction (receipts not printed unless `query` says so), expects it accepted, and answers its UTI without waiting. */
export async function startPayment(app: App, token: string, body: Record<string, unknown>, query = 'disablePrinting=true'): Promise<string> {
  const res = await request(app).post(`${TX_PATH}?${query}`).set('Authorization', token).send(body);
  expect(res.status).toBe(200);
  return (res.body as Acknowledgement).uti;
}

/** POSTs a transaction and, when it was accepted, waits for the terminal to be idle again. */
export async function payAndWait(app: App, ctx: AppContext, token: string, body: Record<string, unknown>, query = 'disablePrinting=true') {
  const res = await request(app).post(`${TX_PATH}?${query}`).set('Authorization', token).send(body);
  if (res.status !== 200) throw new Error(`POST /transaction answered ${res.status}: ${JSON.stringify(res.body)}`);
  const ack = res.body as Acknowledgement;
  await untilIdleAfter(ctx, ack.uti);
  return { ack, uti: ack.uti };
}

/** GET /transaction for one UTI. */
export const getStatus = (app: App, token: string, uti: string) => request(app).get(TX_PATH).query({ uti }).set('Authorization', token);

/** A real pino logger whose lines are kept as parsed objects, to see what was logged. */
export function capturingLogger(level = 'debug'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
  return { logger: pino({ level }, destination), lines };
}

/**
 * Asks `get` again every few milliseconds until `ok` holds for its answer, and returns that answer.
 * The timeout only bounds a failing test; it measures nothing.
 */
export async function eventually<T>(what: string, get: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last answer: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
