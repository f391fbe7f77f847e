import type { Db } from '../db/open';
import type { IdGenerator } from '../shared/ids';

export interface DueDelivery {
  id: number;
  deliveryId: string;
  uti: string;
  createdAt: number;
  attempts: number;
  url: string;
  secret: string;
  /** Null: transaction.final. */
  event: string | null;
  /** The body as it was when queued, for an event of no transaction; null: the transaction's status now. */
  payload: string | null;
}

// A register's webhook gets the types it chose at pairing; none chosen (NULL) is transaction.final only.
const WANTS = `((callback_events IS NULL AND @event = 'transaction.final') OR EXISTS (SELECT 1 FROM json_each(callback_events) WHERE value = @event))`;

// A register unpaired, or re-paired without a callback URL, is no longer sent anything.
const STILL_WANTED = 'AND r.revoked_at IS NULL AND r.callback_url IS NOT NULL';

/** The webhook outbox. */
export class DeliveriesRepository {
  private readonly enqueueStmt;
  private readonly dueStmt;
  private readonly nextStmt;
  private readonly deliveredStmt;
  private readonly retryStmt;
  private readonly failedStmt;
  private readonly countsStmt;
  private readonly purgeStmt;
  private readonly newestStmt;
  private readonly enqueueEventStmt;
  private readonly broadcastStmt;
  /** Whether a payment's commit queued a delivery since takeQueued() last asked: most queue nothing. */
  private queued = false;

  /**
   * `listening`: whether a register could be sent anything at all (paired, with a callback URL), known
   * in memory: a payment of a register without one (most POS long-poll) runs no outbox statement.
   */
  constructor(
    db: Db,
    private readonly ids: IdGenerator,
    private readonly listening: (registerId: string) => boolean = () => true,
  ) {
    // Only for a register that gave a callback URL and is still paired.
    this.enqueueStmt = db.prepare(`
      INSERT INTO webhook_deliveries (delivery_id, register_id, uti, created_at, next_attempt_at)
      SELECT @deliveryId, register_id, @uti, @at, @at FROM registers
      WHERE register_id = @registerId AND callback_url IS NOT NULL AND revoked_at IS NULL AND ${WANTS}`);
    this.enqueueEventStmt = db.prepare(`
      INSERT INTO webhook_deliveries (delivery_id, register_id, uti, created_at, next_attempt_at, event)
      SELECT @deliveryId, register_id, @uti, @at, @at, @event FROM registers
      WHERE register_id = @registerId AND callback_url IS NOT NULL AND revoked_at IS NULL AND ${WANTS}`);
    // Events of no transaction go to every paired register that chose them: one delivery id each.
    this.broadcastStmt = db.prepare(`
      INSERT INTO webhook_deliveries (delivery_id, register_id, uti, created_at, next_attempt_at, event, payload)
      SELECT @deliveryId || '-' || register_id, register_id, '', @at, @at, @event, @payload FROM registers
      WHERE callback_url IS NOT NULL AND revoked_at IS NULL AND ${WANTS}`);
    this.dueStmt = db.prepare<[number, number], DueDelivery>(`
      SELECT d.id, d.delivery_id AS deliveryId, d.uti, d.created_at AS createdAt, d.attempts, r.callback_url AS url, r.webhook_secret AS secret,
        d.event, d.payload
      FROM webhook_deliveries d JOIN registers r ON r.register_id = d.register_id
      WHERE d.delivered_at IS NULL AND d.failed_at IS NULL AND d.next_attempt_at <= ? ${STILL_WANTED} ORDER BY d.next_attempt_at, d.id LIMIT ?`);
    this.nextStmt = db.prepare<[], { at: number | null }>(`
      SELECT min(d.next_attempt_at) AS at FROM webhook_deliveries d JOIN registers r ON r.register_id = d.register_id
      WHERE d.delivered_at IS NULL AND d.failed_at IS NULL ${STILL_WANTED}`);
    this.purgeStmt = db.prepare(`DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries WHERE id <= ? ORDER BY id LIMIT ?)`);
    this.newestStmt = db.prepare<[], number | null>(`SELECT max(id) FROM webhook_deliveries`).pluck();
    this.deliveredStmt = db.prepare(`UPDATE webhook_deliveries SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?`);
    this.retryStmt = db.prepare(`UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?`);
    this.failedStmt = db.prepare(`UPDATE webhook_deliveries SET attempts = attempts + 1, failed_at = ?, last_error = ? WHERE id = ?`);
    this.countsStmt = db.prepare<[], { pending: number; delivered: number; failed: number }>(`
      SELECT count(*) FILTER (WHERE delivered_at IS NULL AND failed_at IS NULL) AS pending,
             count(delivered_at) AS delivered, count(failed_at) AS failed FROM webhook_deliveries`);
  }

  /** Queues the outcome of `uti` for the register that started it, if it wants webhooks. */
  enqueue(uti: string, registerId: string, at: number): void {
    if (!this.listening(registerId)) return;
    this.queued ||= this.enqueueStmt.run({ deliveryId: this.ids.deliveryId(), uti, registerId, at, event: 'transaction.final' }).changes > 0;
  }

  /** Queues a stage of `uti` (transaction.updated) for the register that started it, if it chose them. */
  enqueueUpdated(uti: string, registerId: string, at: number): void {
    if (!this.listening(registerId)) return;
    this.queued ||= this.enqueueEventStmt.run({ deliveryId: this.ids.deliveryId(), uti, registerId, at, event: 'transaction.updated' }).changes > 0;
  }

  /**
   * True once after a payment's commit queued a delivery (enqueue, enqueueUpdated), then false until
   * the next: the dispatcher is woken after a transition only when there is something to send. A
   * commit rolled back after queuing costs one needless wake-up, never a lost delivery.
   */
  takeQueued(): boolean {
    const queued = this.queued;
    this.queued = false;
    return queued;
  }

  /** Queues `event` about `subject` (a prompt's id) for one register, if it chose that event; true if queued. */
  enqueueFor(event: string, subject: string, registerId: string, at: number): boolean {
    if (!this.listening(registerId)) return false;
    return this.enqueueEventStmt.run({ deliveryId: this.ids.deliveryId(), uti: subject, registerId, at, event }).changes > 0;
  }

  /** Queues an event of no transaction (settlement.closed, register.paired, register.unpaired) for every register that chose it. */
  broadcast(event: string, payload: unknown, at: number): number {
    return this.broadcastStmt.run({ deliveryId: this.ids.deliveryId(), event, payload: JSON.stringify(payload), at }).changes;
  }
  due(now: number, limit: number): DueDelivery[] {
    return this.dueStmt.all(now, limit);
  }
  nextAttemptAt(): number | null {
    return this.nextStmt.get()!.at;
  }
  delivered(id: number, at: number): void {
    this.deliveredStmt.run(at, id);
  }
  retryAt(id: number, at: number, error: string): void {
    this.retryStmt.run(at, error, id);
  }
  failed(id: number, at: number, error: string): void {
    this.failedStmt.run(at, error, id);
  }
  /** The id of the newest delivery (0: none yet), for retention's marks. */
  newestId(): number {
    return this.newestStmt.get() ?? 0;
  }

  /** Deletes up to `batch` of the oldest deliveries whose id is at most `maxId`. */
  purgeUpTo(maxId: number, batch: number): number {
    return this.purgeStmt.run(maxId, batch).changes;
  }

  counts() {
    return this.countsStmt.get()!;
  }
}
