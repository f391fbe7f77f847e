import type { Db } from '../db/open';
import type { StateName } from './states';

export interface TransactionEventRow {
  transactionId: number;
  at: number;
  fromState: string;
  toState: string;
  detail: string | null;
}

/** A transition as the audit trail shows it: the terminal acted, for the register that started the payment. */
export interface StepEntry {
  id: number;
  at: number;
  actor: string;
  role: 'pos';
  origin: 'terminal';
  event: string;
  outcome: string;
  uti: string;
}

/** The append-only log of state machine transitions. */
export class TransactionEventsRepository {
  private readonly insertStmt;
  private readonly latestStepsStmt;
  private readonly unloggedStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(`INSERT INTO transaction_events (transaction_id, at, from_state, to_state, detail) VALUES (@transactionId, @at, @fromState, @toState, @detail)`);
    this.latestStepsStmt = db.prepare<[number], StepEntry>(`
      SELECT e.id, e.at, t.register_id AS actor, 'pos' AS role, 'terminal' AS origin, 'transaction.' || lower(e.to_state) AS event,
        coalesce(e.detail, 'OK') AS outcome, t.uti FROM transaction_events e JOIN transactions t ON t.id = e.transaction_id
      ORDER BY e.id DESC LIMIT ?`);
    this.unloggedStmt = db.prepare<[number], { createdAt: number; stage: StateName }>(`
      SELECT t.created_at AS createdAt, t.stage FROM transactions t
      WHERE t.id = ? AND t.stage IS NOT NULL AND NOT EXISTS (SELECT 1 FROM transaction_events e WHERE e.transaction_id = t.id)`);
  }

  /** A transaction none of whose steps is in the log yet: when it began, and its first state (its row's stage until a step is logged). */
  unlogged(transactionId: number): { createdAt: number; stage: StateName } | undefined {
    return this.unloggedStmt.get(transactionId);
  }

  /** The latest `n` transitions, newest first, as audit entries. */
  latestSteps(n: number): StepEntry[] {
    return this.latestStepsStmt.all(n);
  }

  append(e: TransactionEventRow): number {
    return Number(this.insertStmt.run(e).lastInsertRowid);
  }
}
