import type { Db } from '../db/open';

/** At the running time `running`, the newest row of each table retention purges. */
export interface RetentionMark {
  running: number;
  transactions: number;
  audit: number;
  deliveries: number;
}

/**
 * The retention_marks table: how retention knows a row's age without trusting the wall clock it was
 * stamped with. A row whose id is at most a mark's existed at that mark's running time, so it is at least
 * as old as the running time since. Marks are written at start, at stop and with each purge (hourly),
 * never on a payment's path; a row is kept at most that long beyond its retention.
 */
export class RetentionMarks {
  private readonly recordStmt;
  private readonly newestBeforeStmt;
  private readonly forgetStmt;

  constructor(db: Db) {
    this.recordStmt = db.prepare(`INSERT OR REPLACE INTO retention_marks (running_ms, transaction_id, audit_id, delivery_id) VALUES (@running, @transactions, @audit, @deliveries)`);
    this.newestBeforeStmt = db.prepare<[number], RetentionMark>(`
      SELECT running_ms AS running, transaction_id AS transactions, audit_id AS audit, delivery_id AS deliveries
      FROM retention_marks WHERE running_ms < ? ORDER BY running_ms DESC LIMIT 1`);
    this.forgetStmt = db.prepare(`DELETE FROM retention_marks WHERE running_ms < ?`);
  }

  record(mark: RetentionMark): void {
    this.recordStmt.run(mark);
  }

  /** The newest mark written before the running time `cutoff`. */
  newestBefore(cutoff: number): RetentionMark | undefined {
    return this.newestBeforeStmt.get(cutoff);
  }

  /** Forgets the marks older than `running`: the mark written then covers every row they did. */
  forgetBefore(running: number): void {
    this.forgetStmt.run(running);
  }
}
