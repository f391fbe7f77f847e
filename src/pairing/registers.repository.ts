import type { Db } from '../db/open';

export type Role = 'pos' | 'technician';

export interface RegisterRow {
  registerId: string;
  registerName: string;
  role: Role;
  tokenSelector: string | null;
  tokenHash: Buffer | null;
  pairedAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  callbackUrl: string | null;
  webhookSecret: string | null;
}

const COLUMNS = `register_id AS registerId, register_name AS registerName, role, token_selector AS tokenSelector,
  token_hash AS tokenHash, paired_at AS pairedAt, expires_at AS expiresAt, revoked_at AS revokedAt,
  callback_url AS callbackUrl, webhook_secret AS webhookSecret`;

export class RegistersRepository {
  private readonly upsertStmt;
  private readonly bySelectorStmt;
  private readonly revokeStmt;
  private readonly revokeAllStmt;
  private readonly activePosStmt;
  private readonly listStmt;

  constructor(db: Db) {
    this.upsertStmt = db.prepare(`
      INSERT INTO registers (register_id, register_name, role, token_selector, token_hash, paired_at, expires_at, revoked_at, callback_url, webhook_secret)
      VALUES (@registerId, @registerName, @role, @tokenSelector, @tokenHash, @pairedAt, @expiresAt, NULL, @callbackUrl, @webhookSecret)
      ON CONFLICT (register_id) DO UPDATE SET register_name = excluded.register_name, role = excluded.role,
        token_selector = excluded.token_selector, token_hash = excluded.token_hash, paired_at = excluded.paired_at,
        expires_at = excluded.expires_at, revoked_at = NULL, callback_url = excluded.callback_url, webhook_secret = excluded.webhook_secret`);
    this.bySelectorStmt = db.prepare<[string], RegisterRow>(`SELECT ${COLUMNS} FROM registers WHERE token_selector = ?`);
    this.revokeStmt = db.prepare(`UPDATE registers SET token_selector = NULL, token_hash = NULL, revoked_at = ? WHERE register_id = ? AND revoked_at IS NULL`);
    this.revokeAllStmt = db.prepare(`UPDATE registers SET token_selector = NULL, token_hash = NULL, revoked_at = ? WHERE revoked_at IS NULL`);
    this.activePosStmt = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM registers WHERE role = 'pos' AND revoked_at IS NULL`);
    this.listStmt = db.prepare<[], RegisterRow>(`SELECT ${COLUMNS} FROM registers ORDER BY paired_at`);
  }

  /** Pairs a register, replacing (and so revoking) any token it had. */
  save(row: Omit<RegisterRow, 'revokedAt'>): void {
    this.upsertStmt.run(row);
  }
  findBySelector(selector: string): RegisterRow | undefined {
    return this.bySelectorStmt.get(selector);
  }
  revoke(registerId: string, at: string): boolean {
    return this.revokeStmt.run(at, registerId).changes > 0;
  }
  revokeAll(at: string): number {
    return this.revokeAllStmt.run(at).changes;
  }
  countActivePos(): number {
    return this.activePosStmt.get()!.n;
  }
  list(): RegisterRow[] {
    return this.listStmt.all();
  }
}
