import type { Db } from '../db/open';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { ClockGuard } from './clock-guard';

export const PURGE_BATCH_SIZE = 50;
export const PURGE_INTERVAL_MS = 3600_000;
const DAY_MS = 86_400_000;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Deletes transactions (and their events), audit entries and webhook deliveries older than the retention period, a small batch at a time,
 * yielding to the event loop between batches so that no request waits on the purge. Their UTIs
 * become free to reuse.
 * @NOTE "Older" is measured from the time the terminal can vouch for (ClockGuard), never from a wall
 * clock that jumped ahead: a jump must not destroy records, nor free the UTIs a POS used minutes ago.
 * A damaged database is left as it is, for the technician.
 * @NOTE The event loop stalls for as long as a batch takes (scripts/bench: at most 20 ms): a batch is
 * one commit, and the write-ahead log is checkpointed after each, in a turn of its own. Left to
 * SQLite, a checkpoint copies a thousand pages at once, in the middle of a batch.
 */
export class Retention {
  private readonly purgeBatch: (cutoff: number, batch: number) => number;
  private readonly checkpoint: () => void;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    db: Db,
    private readonly deps: {
      clock: Clock;
      logger: Logger;
      retentionDays: number;
      batchSize?: number;
      alsoPurge?: { purgeBefore(cutoff: number, batch: number): number }[];
      guard?: ClockGuard;
      /** True while the database must not be written to (damaged). */
      frozen?: () => boolean;
    },
  ) {
    const deleteBatch = db.prepare(`DELETE FROM transactions WHERE id IN (SELECT id FROM transactions WHERE created_at < ? AND status <> 'IN_PROGRESS' ORDER BY created_at LIMIT ?)`);
    // One commit a batch, for every table: each commit waits for the disk (synchronous=FULL), and the
    // event loop with it.
    this.purgeBatch = db.transaction((cutoff: number, batch: number) => deleteBatch.run(cutoff, batch).changes + (deps.alsoPurge ?? []).reduce((sum, r) => sum + r.purgeBefore(cutoff, batch), 0));
    this.checkpoint = () => void db.pragma('wal_checkpoint(PASSIVE)');
  }

  /** Purges everything expired; resolves with how many transactions were deleted. */
  async purge(): Promise<number> {
    if (this.deps.frozen?.()) return 0;
    const wall = this.deps.clock.now().getTime();
    const cutoff = Math.min(wall, this.deps.guard?.check().trusted ?? wall) - this.deps.retentionDays * DAY_MS;
    let total = 0;
    for (;;) {
      if (this.stopped) break;
      const batch = this.deps.batchSize ?? PURGE_BATCH_SIZE;
      const n = this.purgeBatch(cutoff, batch);
      total += n;
      if (n === 0) break;
      await nextTurn();
      if (this.stopped) break;
      this.checkpoint();
      await nextTurn();
    }
    if (total > 0) this.deps.logger.info({ purged: total }, 'expired transactions purged');
    return total;
  }

  schedule(): void {
    const tick = () => {
      this.purge().catch((err: unknown) => this.deps.logger.error({ err }, 'purge failed'));
      this.timer = setTimeout(tick, PURGE_INTERVAL_MS).unref();
    };
    this.timer = setTimeout(tick, 5_000).unref();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
