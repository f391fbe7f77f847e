import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { DeliveriesRepository, DueDelivery } from './deliveries.repository';
import { sign } from './signature';
import { TargetRefused, type Post } from './post';

export const FIRST_RETRY_MS = 5_000;
export const MAX_RETRY_MS = 3600_000;
export const GIVE_UP_AFTER_MS = 24 * 3600_000;
export const SEND_TIMEOUT_MS = 10_000;
const BATCH = 20;

/** Delay before attempt n+1 after n failed attempts: 5 s, 10 s, 20 s … at most an hour. */
export const backoffMs = (failedAttempts: number): number => Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, failedAttempts - 1), MAX_RETRY_MS);

interface Deps {
  deliveries: DeliveriesRepository;
  clock: Clock;
  logger: Logger;
  /** The body to send: the transaction's status as GET /transaction answers it now (a prompt's, for a prompt's event). */
  bodyFor: (uti: string, event: string | null) => unknown;
  /** The POST: post.ts's checkedPost, which sends only where target.ts allows (tests give their own). */
  post: Post;
}

/**
 * Sends the outbox: at least once, in order of due time, with exponential back-off for 24 hours.
 * It holds one timer, for the next due delivery, and none when the outbox is empty.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly deps: Deps) {}

  /** Something was queued, or the terminal started: send what is due. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // A database error (busy, or closed by a shutdown mid-send) must not become an unhandled rejection.
    this.running = this.drain()
      .catch((err: unknown) => this.deps.logger.error({ err }, 'webhook dispatch failed'))
      .finally(() => {
        this.running = undefined;
        if (!this.again) return this.scheduleNext();
        this.again = false;
        this.kick();
      });
  }

  /** Resolves when nothing is being sent (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private scheduleNext(): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    const next = this.deps.deliveries.nextAttemptAt();
    if (next === null) return;
    const wait = Math.max(0, next - this.deps.clock.now().getTime());
    this.timer = setTimeout(() => this.kick(), Math.min(wait, 2 ** 31 - 1)).unref();
  }

  private async drain(): Promise<void> {
    for (;;) {
      const due = this.deps.deliveries.due(this.deps.clock.now().getTime(), BATCH);
      if (due.length === 0 || this.stopped) return;
      for (const d of due) await this.send(d);
    }
  }

  private async send(d: DueDelivery): Promise<void> {
    const { deliveries, clock, logger } = this.deps;
    const body = d.payload ?? JSON.stringify(this.deps.bodyFor(d.uti, d.event) ?? { uti: d.uti, status: 'PURGED' });
    const timestamp = String(Math.floor(clock.now().getTime() / 1000));
    let error: string;
    try {
      const res = await this.deps.post(d.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'eposd-webhooks',
          'X-Eposd-Delivery': d.deliveryId,
          'X-Eposd-Event': d.event ?? 'transaction.final',
          'X-Eposd-Timestamp': timestamp,
          'X-Eposd-Signature': sign(d.secret, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
      await res.body?.cancel();
      if (res.status >= 200 && res.status < 300) {
        deliveries.delivered(d.id, clock.now().getTime());
        logger.info({ deliveryId: d.deliveryId, uti: d.uti }, 'webhook delivered');
        return;
      }
      error = `HTTP ${res.status}`;
    } catch (err) {
      // Where a webhook may not go is said in full (the register's URL is the POS's to fix); other errors by name.
      error = err instanceof TargetRefused ? `TARGET_REFUSED: callbackUrl ${err.message}` : err instanceof Error ? err.name : 'error';
    }
    const now = clock.now().getTime();
    if (now - d.createdAt >= GIVE_UP_AFTER_MS) {
      deliveries.failed(d.id, now, error);
      logger.error({ deliveryId: d.deliveryId, uti: d.uti, error }, 'webhook abandoned after 24 hours');
    } else {
      deliveries.retryAt(d.id, now + backoffMs(d.attempts + 1), error);
      logger.warn({ deliveryId: d.deliveryId, uti: d.uti, error, attempts: d.attempts + 1 }, 'webhook not delivered; will retry');
    }
  }
}
