import type { PaymentHost } from '../host/payment-host';
import type { Logger } from '../shared/logger';
import type { TransactionsRepository } from './transactions.repository';

export const REVERSAL_RETRY_MS = 30_000;

/**
 * Sends the host a reversal for every transaction marked `reversal = 'PENDING'` (committed with its
 * outcome), and marks it DONE when the host confirms. Failures are retried until the host answers.
 */
export class Reversals {
  private running: Promise<void> | undefined;
  private again: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly deps: { transactions: TransactionsRepository; host: PaymentHost; logger: Logger; retryMs?: number }) {}

  /** Sends every pending reversal; resolves when each has been answered or has failed. */
  flush(): Promise<void> {
    // A reversal committed while a flush is under way was not in that flush's list: go round once more.
    if (this.running) return (this.again ??= this.running.then(() => ((this.again = undefined), this.flush())));
    this.running = this.sendAll()
      .catch((err: unknown) => {
        this.deps.logger.error({ err }, 'could not read the pending reversals; will retry');
        this.retryLater();
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  stop(): void {
    clearTimeout(this.retry);
  }

  private async sendAll(): Promise<void> {
    const { transactions, host, logger } = this.deps;
    let failed = 0;
    for (const tx of transactions.pendingReversals()) {
      try {
        // `reversed` is true only when the host says an approval was undone; nothing to undo leaves it unmarked.
        const undone = await host.reverse(tx.uti, tx.statusReason ?? 'UNKNOWN_OUTCOME');
        transactions.update(tx.id, { reversal: undone ? 'DONE' : null });
        logger.info({ uti: tx.uti, undone }, undone ? 'reversed with the host' : 'reversal answered: the host had nothing to undo');
      } catch (err) {
        failed += 1;
        logger.error({ err, uti: tx.uti }, 'reversal not confirmed; will retry');
      }
    }
    if (failed > 0) this.retryLater();
  }

  private retryLater(): void {
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.flush(), this.deps.retryMs ?? REVERSAL_RETRY_MS).unref();
  }
}
