import type { Db } from '../db/open';
import type { UnsettledRow } from '../transactions/transactions.repository';
import type { BatchTotals } from './totals';

export interface BatchRow {
  id: number;
  openedAt: number;
  closedAt: number;
  closedBy: string;
  totals: BatchTotals;
}

/** The transactions' side of closing a batch: the transactions module answers it. */
export interface OpenBatch {
  unsettled(): UnsettledRow[];
  assignBatch(batchId: number): void;
}

/** Closed batches. */
export class BatchesRepository {
  private readonly lastStmt;
  private readonly insertStmt;

  constructor(private readonly db: Db) {
    this.lastStmt = db.prepare<[], { id: number; openedAt: number; closedAt: number; closedBy: string; totals: string }>(
      `SELECT id, opened_at AS openedAt, closed_at AS closedAt, closed_by AS closedBy, totals FROM batches ORDER BY id DESC LIMIT 1`,
    );
    this.insertStmt = db.prepare(`INSERT INTO batches (opened_at, closed_at, closed_by, totals) VALUES (?, ?, ?, ?)`);
  }

  last(): BatchRow | undefined {
    const row = this.lastStmt.get();
    return row && { ...row, totals: JSON.parse(row.totals) as BatchTotals };
  }

  /** Closes the open batch: records it and has every final transaction in it stamped, atomically. */
  close(openedAt: number, closedAt: number, closedBy: string, open: OpenBatch, totals: (rows: UnsettledRow[]) => BatchTotals): BatchRow {
    return this.db.transaction(() => {
      const t = totals(open.unsettled());
      const id = Number(this.insertStmt.run(openedAt, closedAt, closedBy, JSON.stringify(t)).lastInsertRowid);
      open.assignBatch(id);
      return { id, openedAt, closedAt, closedBy, totals: t };
    })();
  }
}
