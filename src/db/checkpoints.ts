import type { Logger } from '../shared/logger';
import type { Db } from './open';

/** A checkpoint once this many payments have ended: about 30 pages of the log each, a few hundred kilobytes. */
export const PAYMENTS_PER_CHECKPOINT = 8;
/** ...and the terminal has then been idle this long: between two customers, not between a POS's outcome and its next payment. */
export const CHECKPOINT_QUIET_MS = 200;

/**
 * Copies the write-ahead log into the database while the terminal is idle, not in the middle of a payment.
 *
 * Left to SQLite, the commit that brings the log to a thousand pages copies them all and waits for
 * the disk again (wal_autocheckpoint): every twenty payments or so, one POS's acknowledgement or
 * outcome took several milliseconds more. Here a PASSIVE checkpoint runs once PAYMENTS_PER_CHECKPOINT
 * payments have ended and no payment has run for CHECKPOINT_QUIET_MS, so the log stays far below
 * SQLite's threshold. That threshold is left as it is, as the safety net for a terminal that is never
 * idle that long (payments back to back, as the bench sends them) and for writes that are not
 * payments (a settlement; a purge checkpoints after each of its batches itself).
 * @NOTE PASSIVE never waits for a reader: what a reader still needs is copied the next time.
 */
export class Checkpoints {
  private ended = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly deps: { logger: Logger; idle: () => boolean; every?: number; quietMs?: number },
  ) {}

  /** A payment ended: once enough have, the log is checkpointed after the quiet time, if no payment has started meanwhile. */
  paymentEnded(): void {
    if (++this.ended < (this.deps.every ?? PAYMENTS_PER_CHECKPOINT)) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Busy again: the next payment's end tries again.
      if (!this.deps.idle()) return;
      this.ended = 0;
      this.run();
    }, this.deps.quietMs ?? CHECKPOINT_QUIET_MS).unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    if (!this.db.open) return;
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch (err) {
      // SQLite checkpoints by itself when the log grows: a failed one here costs nothing but latency.
      this.deps.logger.warn({ err }, 'write-ahead log checkpoint failed');
    }
  }
}
