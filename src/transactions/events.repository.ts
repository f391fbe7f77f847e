import type { Db } from '../db/open';

export interface TransactionEventRow {
  transactionId: number;
  at: number;
  fromState: string;
  toState: string;
  detail: string | null;
}

/** The append-only log of state machine transitions. */
export class TransactionEventsRepository {
  private readonly insertStmt;
  private readonly listStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(`INSERT INTO transaction_events (transaction_id, at, from_state, to_state, detail) VALUES (@transactionId, @at, @fromState, @toState, @detail)`);
    this.listStmt = db.prepare<[number], TransactionEventRow>(
      `SELECT transaction_id AS transactionId, at, from_state AS fromState, to_state AS toState, detail FROM transaction_events WHERE transaction_id = ? ORDER BY id`,
    );
  }

  append(e: TransactionEventRow): number {
    return Number(this.insertStmt.run(e).lastInsertRowid);
  }

  forTransaction(transactionId: number): TransactionEventRow[] {
    return this.listStmt.all(transactionId);
  }
}
