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

  constructor(db: Db) {
    this.insertStmt = db.prepare(`INSERT INTO transaction_events (transaction_id, at, from_state, to_state, detail) VALUES (@transactionId, @at, @fromState, @toState, @detail)`);
  }

  append(e: TransactionEventRow): number {
    return Number(this.insertStmt.run(e).lastInsertRowid);
  }
}
