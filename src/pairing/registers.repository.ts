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
  /** The webhook's event types, a JSON array; null: transaction.final only. */
  callbackEvents?: string | null;
  /** The public key a POS paired through the relay signs with (docs/relay.md); null otherwise. */
  relayKey?: string | null;
}

const COLUMNS = `register_id AS registerId, register_name AS registerName, role, token_selector AS tokenSelector,
  token_hash AS tokenHash, paired_at AS pairedAt, expires_at AS expiresAt, revoked_at AS revokedAt,
  callback_url AS callbackUrl, webhook_secret AS webhookSecret, callback_events AS callbackEvents, relay_key AS relayKey`;

export class RegistersRepository {
  private readonly upsertStmt;
  private readonly revokeStmt;
  private readonly revokeAllStmt;
  private readonly activePosStmt;
  private readonly listStmt;
  private readonly pairedStmt;
  private readonly relayKeyStmt;
  /** Every register holding a token, by selector: read on every request, so held in memory. */
  private bySelector: Map<string, RegisterRow> | undefined;
  /** The paired registers that gave a callback URL, from the same rows. */
  private withCallback: Set<string> | undefined;
  private byRegister: Map<string, RegisterRow> | undefined;

  constructor(db: Db) {
    this.upsertStmt = db.prepare(`
      INSERT INTO registers (register_id, register_name, role, token_selector, token_hash, paired_at, expires_at, revoked_at, callback_url, webhook_secret, callback_events)
      VALUES (@registerId, @registerName, @role, @tokenSelector, @tokenHash, @pairedAt, @expiresAt, NULL, @callbackUrl, @webhookSecret, @callbackEvents)
      ON CONFLICT (register_id) DO UPDATE SET register_name = excluded.register_name, role = excluded.role,
        token_selector = excluded.token_selector, token_hash = excluded.token_hash, paired_at = excluded.paired_at,
        expires_at = excluded.expires_at, revoked_at = NULL, callback_url = excluded.callback_url, webhook_secret = excluded.webhook_secret,
        callback_events = excluded.callback_events, relay_key = NULL`);
    this.revokeStmt = db.prepare(`UPDATE registers SET token_selector = NULL, token_hash = NULL, relay_key = NULL, revoked_at = ? WHERE register_id = ? AND revoked_at IS NULL`);
    this.revokeAllStmt = db.prepare(`UPDATE registers SET token_selector = NULL, token_hash = NULL, relay_key = NULL, revoked_at = ? WHERE revoked_at IS NULL`);
    this.activePosStmt = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM registers WHERE role = 'pos' AND revoked_at IS NULL`);
    this.listStmt = db.prepare<[], RegisterRow>(`SELECT ${COLUMNS} FROM registers ORDER BY paired_at`);
    this.pairedStmt = db.prepare<[], RegisterRow>(`SELECT ${COLUMNS} FROM registers WHERE token_selector IS NOT NULL`);
    this.relayKeyStmt = db.prepare(`UPDATE registers SET relay_key = ? WHERE register_id = ? AND token_hash = ? AND revoked_at IS NULL`);
  }

  /** Pairs a register, replacing (and so revoking) any token it had. */
  save(row: Omit<RegisterRow, 'revokedAt'>): void {
    this.written(() => this.upsertStmt.run({ callbackEvents: null, ...row }));
  }
  /**
   * @NOTE The paired registers are few and every request looks one up: they are held in memory and
   * read again after any write here (this repository is the only writer of the table). A known and an
   * unknown selector cost the same Map lookup, as the equal-cost token check requires.
   */
  findBySelector(selector: string): RegisterRow | undefined {
    return this.paired().get(selector);
  }
  /** Whether `registerId` is paired with a callback URL: whether a webhook could be queued for it at all. */
  hasCallback(registerId: string): boolean {
    this.withCallback ??= new Set([...this.paired().values()].filter((r) => r.callbackUrl !== null).map((r) => r.registerId));
    return this.withCallback.has(registerId);
  }
  /** The paired register `registerId`, from the same rows in memory. */
  findByRegisterId(registerId: string): RegisterRow | undefined {
    this.byRegister ??= new Map([...this.paired().values()].map((r) => [r.registerId, r]));
    return this.byRegister.get(registerId);
  }
  /** Keeps a relay key for the register whose token hash is `tokenHash` (the pairing just made): false if it was replaced since. */
  setRelayKey(registerId: string, tokenHash: Buffer, relayKey: string): boolean {
    return this.written(() => this.relayKeyStmt.run(relayKey, registerId, tokenHash)).changes > 0;
  }
  revoke(registerId: string, at: string): boolean {
    return this.written(() => this.revokeStmt.run(at, registerId)).changes > 0;
  }
  revokeAll(at: string): number {
    return this.written(() => this.revokeAllStmt.run(at)).changes;
  }
  countActivePos(): number {
    return this.activePosStmt.get()!.n;
  }
  list(): RegisterRow[] {
    return this.listStmt.all();
  }

  private paired(): Map<string, RegisterRow> {
    return (this.bySelector ??= new Map(this.pairedStmt.all().map((r) => [r.tokenSelector!, r])));
  }

  private written<T>(write: () => T): T {
    try {
      return write();
    } finally {
      this.bySelector = undefined;
      this.withCallback = undefined;
      this.byRegister = undefined;
    }
  }
}
