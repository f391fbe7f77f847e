import type { Db } from '../db/open';

export interface AuditEntry {
  at: string;
  actor: string | null;
  role: string | null;
  origin: string | null;
  event: string;
  outcome: string;
  uti: string | null;
}

interface Row {
  id: number;
  at: number;
  actor: string | null;
  role: string | null;
  origin: string | null;
  event: string;
  outcome: string;
  uti: string | null;
}

export class AuditRepository {
  private readonly insertStmt;
  private readonly latestStmt;
  private readonly latestStepsStmt;
  private readonly purgeStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(`INSERT INTO audit_events (at, actor, role, origin, event, outcome, uti) VALUES (@at, @actor, @role, @origin, @event, @outcome, @uti)`);
    this.latestStmt = db.prepare<[number], Row>(`SELECT id, at, actor, role, origin, event, outcome, uti FROM audit_events ORDER BY id DESC LIMIT ?`);
    // The state machine's steps, as audit entries: the terminal acted, for the register that started the payment.
    this.latestStepsStmt = db.prepare<[number], Row>(`
      SELECT e.id, e.at, t.register_id AS actor, 'pos' AS role, 'terminal' AS origin, 'transaction.' || lower(e.to_state) AS event,
        coalesce(e.detail, 'OK') AS outcome, t.uti FROM transaction_events e JOIN transactions t ON t.id = e.transaction_id
      ORDER BY e.id DESC LIMIT ?`);
    this.purgeStmt = db.prepare(`DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events WHERE at < ? ORDER BY at LIMIT ?)`);
  }

  insert(e: Omit<Row, 'id'>): void {
    this.insertStmt.run(e);
  }

  /** The latest `n` entries of the whole trail, newest first. */
  latest(n: number): AuditEntry[] {
    const merged = [...this.latestStmt.all(n), ...this.latestStepsStmt.all(n)].sort((a, b) => b.at - a.at || b.id - a.id).slice(0, n);
    return merged.map(({ id: _id, at, ...rest }) => ({ at: new Date(at).toISOString(), ...rest }));
  }

  purgeBefore(cutoff: number, batch: number): number {
    return this.purgeStmt.run(cutoff, batch).changes;
  }
}
