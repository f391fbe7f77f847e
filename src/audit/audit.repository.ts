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
  private readonly purgeStmt;
  private readonly newestStmt;
  private readonly openStmt;

  /** `steps`: the payments' state machine steps, which the transactions module keeps as audit entries of their own. */
  constructor(
    db: Db,
    private readonly steps: (n: number) => Row[] = () => [],
  ) {
    this.insertStmt = db.prepare(`INSERT INTO audit_events (at, actor, role, origin, event, outcome, uti) VALUES (@at, @actor, @role, @origin, @event, @outcome, @uti)`);
    this.latestStmt = db.prepare<[number], Row>(`SELECT id, at, actor, role, origin, event, outcome, uti FROM audit_events ORDER BY id DESC LIMIT ?`);
    this.purgeStmt = db.prepare(`DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events WHERE id <= ? ORDER BY id LIMIT ?)`);
    this.newestStmt = db.prepare<[], number | null>(`SELECT max(id) FROM audit_events`).pluck();
    this.openStmt = db.prepare<[string, string, string], string>(
      `SELECT DISTINCT a.uti FROM audit_events a WHERE a.event = ? AND a.outcome = ? AND a.uti IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM audit_events b WHERE b.event = ? AND b.uti = a.uti AND b.id > a.id)`,
    );
  }

  insert(e: Omit<Row, 'id'>): void {
    this.insertStmt.run(e);
  }

  /** The latest `n` entries of the whole trail, newest first. */
  latest(n: number): AuditEntry[] {
    const merged = [...this.latestStmt.all(n), ...this.steps(n)].sort((a, b) => b.at - a.at || b.id - a.id).slice(0, n);
    return merged.map(({ id: _id, at, ...rest }) => ({ at: new Date(at).toISOString(), ...rest }));
  }

  /** The id of the newest entry (0: none yet), for retention's marks. */
  newestId(): number {
    return this.newestStmt.get() ?? 0;
  }

  /** Deletes up to `batch` of the oldest entries whose id is at most `maxId`. */
  purgeUpTo(maxId: number, batch: number): number {
    return this.purgeStmt.run(maxId, batch).changes;
  }

  /** The UTIs of `event` entries with `outcome` that no later `closedBy` entry answered: work the trail still owes. */
  unanswered(event: string, outcome: string, closedBy: string): string[] {
    return this.openStmt.pluck().all(event, outcome, closedBy);
  }
}
