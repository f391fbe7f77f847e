import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { Ledger } from './ledger';
import type { FinalStatusName } from './model';
import type { TransactionChange, TransactionsRepository } from './transactions.repository';

/**
 * At start-up, before the API listens: no transaction stays IN_PROGRESS (SPEC §4).
 * One that never reached the host ends FAILED / TERMINAL_RESTARTED. One that was at the host with no
 * answer recorded ends the same way and is marked for a reversal, which the host is sent next.
 * An outcome that was committed (approved, declined…) is final already and is not touched.
 */
export function recoverInterrupted(deps: { transactions: TransactionsRepository; ledger: Ledger; clock: Clock; logger: Logger }): number {
  const interrupted = deps.transactions.inProgress();
  for (const tx of interrupted) {
    const atHost = tx.stage === 'AUTHORIZING';
    const now = deps.clock.now().getTime();
    deps.ledger.advance(
      tx,
      tx.stage ?? 'IDLE',
      'IDLE',
      { status: 'FAILED', statusReason: 'TERMINAL_RESTARTED', stage: null, completedAt: now, reversal: atHost ? 'PENDING' : undefined },
      now,
      'TERMINAL_RESTARTED',
    );
    deps.logger.warn({ uti: tx.uti, stage: tx.stage, reversal: atHost }, 'transaction interrupted by a restart ended FAILED');
  }
  return interrupted.length;
}

/** What the payment app says of a transaction eposd lost track of (payment.query). */
export type AppAnswer =
  | { state: 'FINAL'; record: { status: FinalStatusName; statusReason: string; responseCode: string | null; authCode: string | null; card: TransactionChange | null } }
  | { state: 'IN_PROGRESS' }
  | { state: 'UNKNOWN' };

interface ReconcileDeps {
  transactions: TransactionsRepository;
  ledger: Ledger;
  clock: Clock;
  logger: Logger;
  /** Rejects when the app cannot be asked now. */
  ask(uti: string): Promise<AppAnswer>;
  /** The payment the engine itself follows: not an orphan. */
  busyWith(): string | undefined;
  reverseLater(): void;
}

/**
 * With a payment app that can be asked (the bridge driver), reconcile before failing: every
 * transaction left IN_PROGRESS (by a restart of eposd, or a payment app that went away) is asked about.
 * - a result the app has is recorded as it is (an approval stays an approval);
 * - one the app has never seen ends FAILED / TERMINAL_RESTARTED, with nothing to reverse;
 * - one still in progress there is asked again; only once the time is up (`expire`) does what the app
 *   could not account for end FAILED / PAYMENT_APP_UNAVAILABLE, reversed.
 * Answers the number still open.
 */
export async function reconcileWithPaymentApp(deps: ReconcileDeps): Promise<number> {
  let open = 0;
  for (const tx of orphans(deps)) {
    let answer: AppAnswer;
    try {
      answer = await deps.ask(tx.uti);
    } catch (err) {
      deps.logger.warn({ err, uti: tx.uti }, 'payment app could not be asked about an interrupted transaction');
      open += 1;
      continue;
    }
    // Asked while something else may have settled it: only a row still in progress is ended here.
    const row = deps.transactions.findByUti(tx.uti);
    if (!row || row.status !== 'IN_PROGRESS') continue;
    const now = deps.clock.now().getTime();
    if (answer.state === 'IN_PROGRESS') {
      open += 1;
      continue;
    }
    const change: TransactionChange =
      answer.state === 'FINAL'
        ? { ...(answer.record.card ?? {}), status: answer.record.status, statusReason: answer.record.statusReason, responseCode: answer.record.responseCode, authCode: answer.record.authCode }
        : { status: 'FAILED', statusReason: 'TERMINAL_RESTARTED' };
    deps.ledger.advance(row, row.stage ?? 'IDLE', 'IDLE', { ...change, stage: null, completedAt: now }, now, answer.state === 'FINAL' ? 'RECONCILED' : 'TERMINAL_RESTARTED');
    deps.logger.warn({ uti: row.uti, stage: row.stage, status: change.status }, 'interrupted transaction reconciled with the payment app');
  }
  return open;
}

/** The time to reconcile is up: what the app could not account for ends FAILED and is reversed. */
export function expireUnreconciled(deps: Omit<ReconcileDeps, 'ask'>): number {
  const left = orphans(deps);
  for (const tx of left) {
    const now = deps.clock.now().getTime();
    deps.ledger.advance(
      tx,
      tx.stage ?? 'IDLE',
      'IDLE',
      { status: 'FAILED', statusReason: 'PAYMENT_APP_UNAVAILABLE', stage: null, completedAt: now, reversal: 'PENDING' },
      now,
      'PAYMENT_APP_UNAVAILABLE',
    );
    deps.logger.warn({ uti: tx.uti, stage: tx.stage }, 'interrupted transaction the payment app could not account for ended FAILED; reversing');
  }
  if (left.length > 0) deps.reverseLater();
  return left.length;
}

export const orphans = (deps: Pick<ReconcileDeps, 'transactions' | 'busyWith'>) => deps.transactions.inProgress().filter((tx) => tx.uti !== deps.busyWith());
