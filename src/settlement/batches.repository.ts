import type { Db } from '../db/open';
import type { BatchTotals } from './totals';

export interface BatchRow {
  id: number;
  openedAt: number;
  closedAt: number;
  closedBy: string;
  totals: BatchTotals;
}

export interface UnsettledRow {
  transType: string;
  status: string;
  amount: number | null;
  voided: number;
  createdAt: number;
}

/** Closed batches, and the transactions of the open one. */
export class BatchesRepository {
  private readonly lastStmt;
  private readonly unsettledStmt;
  private readonly insertStmt;
  private readonly assignStmt;
  private readonly oldestUnsettledStmt;

  constructor(private readonly db: Db) {
    this.lastStmt = db.prepare<[], { id: number; openedAt: number; closedAt: number; closedBy: string; totals: string }>(
      `SELECT id, opened_at AS openedAt, closed_at AS closedAt, closed_by AS closedBy, totals FROM batches ORDER BY id DESC LIMIT 1`,
    );
    this.unsettledStmt = db.prepare<[], UnsettledRow>(`
      SELECT trans_type AS transType, status, amount, voided_by IS NOT NULL AS voided, created_at AS createdAt
      FROM transactions WHERE batch_id IS NULL AND status <> 'IN_PROGRESS'`);
    this.oldestUnsettledStmt = db.prepare<[], { at: number | null }>(`SELECT min(created_at) AS at FROM transactions WHERE batch_id IS NULL AND status <> 'IN_PROGRESS'`);
    this.insertStmt = db.prepare(`INSERT INTO batches (opened_at, closed_at, closed_by, totals) VALUES (?, ?, ?, ?)`);
    this.assignStmt = db.prepare(`UPDATE transactions SET batch_id = ? WHERE batch_id IS NULL AND status <> 'IN_PROGRESS'`);
  }

  last(): BatchRow | undefined {
    const row = this.lastStmt.get();
    return row && { ...row, totals: JSON.parse(row.totals) as BatchTotals };
  }

  unsettled(): UnsettledRow[] {
    return this.unsettledStmt.all();
  }

  oldestUnsettledAt(): number | null {
    return this.oldestUnsettledStmt.get()!.at;
  }

  /** Closes the open batch: records it and stamps every final transaction in it, atomically. */
  close(openedAt: number, closedAt: number, closedBy: string, totals: (rows: UnsettledRow[]) => BatchTotals): BatchRow {
    return this.db.transaction(() => {
      const t = totals(this.unsettled());
      const id = Number(this.insertStmt.run(openedAt, closedAt, closedBy, JSON.stringify(t)).lastInsertRowid);
      this.assignStmt.run(id);
      return { id, openedAt, closedAt, closedBy, totals: t };
    })();
  }
}
