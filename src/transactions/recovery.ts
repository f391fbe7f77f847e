import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { Ledger } from './ledger';
import type { TransactionsRepository } from './transactions.repository';

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
