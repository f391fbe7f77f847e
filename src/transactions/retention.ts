import type { Db } from '../db/open';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { ClockGuard, ClockReading } from './clock-guard';
import { RetentionMarks, type RetentionMark } from './retention-marks';

export const PURGE_BATCH_SIZE = 50;
export const PURGE_INTERVAL_MS = 3600_000;
const DAY_MS = 86_400_000;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A table retention purges besides transactions: its newest id for a mark, and its oldest rows up to a mark's. */
export interface PurgedTable {
  newestId(): number;
  purgeUpTo(maxId: number, batch: number): number;
}

/** When the purge last ran, and what it did (diagnostics). */
export interface PurgeReport {
  at: string;
  purged: number;
  /** Running time, in days, that a record must be older than to go. */
  olderThanDays: number;
  /** The terminal's running time then, in days (what retention counts). */
  runningDays: number;
}

/**
 * Deletes transactions (and their events), audit entries and webhook deliveries older than the retention period, a small batch at a time,
 * yielding to the event loop between batches so that no request waits on the purge. Their UTIs
 * become free to reuse.
 * @NOTE "Older" is the terminal's running time since the row was written (ClockGuard, RetentionMarks),
 * never the wall clock it was stamped with: a clock set back, then corrected, must not make a payment
 * of this morning look a year old, nor free the UTIs a POS used minutes ago. A damaged database is
 * left as it is, for the technician.
 * @NOTE The event loop stalls for as long as a batch takes (scripts/bench: at most 20 ms): a batch is
 * one commit, and the write-ahead log is checkpointed after each, in a turn of its own. Left to
 * SQLite, a checkpoint copies a thousand pages at once, in the middle of a batch.
 */
export class Retention {
  private readonly purgeBatch: (mark: RetentionMark, batch: number) => number;
  private readonly checkpoint: () => void;
  private readonly marked: (at: 'now' | 'start') => ClockReading;
  private readonly marks: RetentionMarks;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private last: PurgeReport | null = null;

  constructor(
    db: Db,
    private readonly deps: {
      clock: Clock;
      logger: Logger;
      retentionDays: number;
      batchSize?: number;
      audit: PurgedTable;
      deliveries: PurgedTable;
      guard: ClockGuard;
      /** True while the database must not be written to (damaged). */
      frozen?: () => boolean;
    },
  ) {
    this.marks = new RetentionMarks(db);
    const deleteBatch = db.prepare(`DELETE FROM transactions WHERE id IN (SELECT id FROM transactions WHERE id <= ? AND status <> 'IN_PROGRESS' ORDER BY id LIMIT ?)`);
    const newestTransaction = db.prepare<[], number | null>(`SELECT max(id) FROM transactions`).pluck();
    // One commit a batch, for every table: each commit waits for the disk (synchronous=FULL), and the
    // event loop with it.
    this.purgeBatch = db.transaction(
      (mark: RetentionMark, batch: number) => deleteBatch.run(mark.transactions, batch).changes + deps.audit.purgeUpTo(mark.audit, batch) + deps.deliveries.purgeUpTo(mark.deliveries, batch),
    );
    this.checkpoint = () => void db.pragma('wal_checkpoint(PASSIVE)');
    // The anchor and the mark in one commit: the anchor's running time is never behind a mark's.
    this.marked = db.transaction((at: 'now' | 'start') => {
      const reading = deps.guard.check('always');
      this.marks.record({
        running: at === 'start' ? reading.previousRunEnded : reading.running,
        transactions: newestTransaction.get() ?? 0,
        audit: deps.audit.newestId(),
        deliveries: deps.deliveries.newestId(),
      });
      return reading;
    });
  }

  /**
   * Records the running time with the newest row of each table: at start (what is already written
   * predates the end of the previous run), then with each purge and at stop.
   */
  mark(at: 'now' | 'start' = 'now'): ClockReading {
    if (this.deps.frozen?.()) return this.deps.guard.check(false);
    return this.marked(at);
  }

  /** Purges everything expired; resolves with how many transactions were deleted. */
  async purge(): Promise<number> {
    if (this.deps.frozen?.()) return 0;
    const { running } = this.mark();
    const retentionMs = this.deps.retentionDays * DAY_MS;
    const mark = this.marks.newestBefore(running - retentionMs);
    let total = 0;
    for (;;) {
      if (this.stopped || !mark) break;
      const n = this.purgeBatch(mark, this.deps.batchSize ?? PURGE_BATCH_SIZE);
      total += n;
      if (n === 0) break;
      await nextTurn();
      if (this.stopped) break;
      this.checkpoint();
      await nextTurn();
    }
    // Older marks covered only rows that are gone now, or that this one covers.
    if (mark && !this.stopped) this.marks.forgetBefore(mark.running);
    this.last = { at: this.deps.clock.now().toISOString(), purged: total, olderThanDays: this.deps.retentionDays, runningDays: round2(running / DAY_MS) };
    if (total > 0) this.deps.logger.info({ purged: total }, 'expired transactions purged');
    return total;
  }

  /** The last purge, for diagnostics (null: none since the start). */
  lastPurge(): PurgeReport | null {
    return this.last;
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

const round2 = (n: number) => Math.round(n * 100) / 100;
