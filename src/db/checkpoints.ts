import type { Logger } from '../shared/logger';
import type { Db } from './open';

/** A checkpoint after this many payments: about 30 pages of the log each, a few hundred kilobytes. */
export const PAYMENTS_PER_CHECKPOINT = 8;

/**
 * Copies the write-ahead log into the database between payments, not in the middle of one.
 *
 * Left to SQLite, the commit that brings the log to a thousand pages copies them all and waits for
 * the disk again (wal_autocheckpoint): every twenty payments or so, one POS's acknowledgement or
 * outcome took several milliseconds more (the bench's p99). Here a PASSIVE checkpoint runs in a turn
 * of its own once every PAYMENTS_PER_CHECKPOINT payments have ended, when the terminal is idle, so the
 * log stays far below SQLite's threshold, which remains as it is as a safety net (a run of writes that
 * are not payments, e.g. a settlement, a purge: the purge checkpoints after each of its batches).
 * @NOTE PASSIVE never waits for a reader: what a reader still needs is copied the next time.
 */
export class Checkpoints {
  private ended = 0;
  private pending: NodeJS.Immediate | undefined;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly every = PAYMENTS_PER_CHECKPOINT,
  ) {}

  /** A payment ended and the terminal is idle: every `every`-th time, the log is checkpointed a turn later. */
  paymentEnded(): void {
    if (++this.ended % this.every !== 0 || this.pending) return;
    this.pending = setImmediate(() => {
      this.pending = undefined;
      this.run();
    });
  }

  stop(): void {
    clearImmediate(this.pending);
    this.pending = undefined;
  }

  private run(): void {
    if (!this.db.open) return;
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch (err) {
      // SQLite checkpoints by itself when the log grows: a failed one here costs nothing but latency.
      this.logger.warn({ err }, 'write-ahead log checkpoint failed');
    }
  }
}
