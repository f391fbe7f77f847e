import { EventEmitter } from 'node:events';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { WebhookEvent } from './events';

export interface Notice {
  event: Exclude<WebhookEvent, 'transaction.updated' | 'transaction.final'>;
  data: unknown;
  /** Only this register's event streams hear it (a prompt's outcome); every register's when absent. */
  to?: string;
}

/**
 * Events of no transaction (settlement.closed, register.paired, register.unpaired): queued for the
 * webhooks of the registers that chose them, and told to the event streams ('notice').
 */
export class Notices extends EventEmitter<{ notice: [Notice] }> {
  constructor(
    private readonly deps: {
      outbox: { broadcast(event: string, payload: unknown, at: number): number };
      kick: () => void;
      clock: Clock;
      logger: Logger;
    },
  ) {
    super();
    this.setMaxListeners(0);
  }

  publish(event: Notice['event'], data: unknown): void {
    try {
      if (this.deps.outbox.broadcast(event, { event, ...(data as object) }, this.deps.clock.now().getTime()) > 0) this.deps.kick();
    } catch (err) {
      // The close or the pairing has happened: a webhook that cannot be queued is logged, not its undoing.
      this.deps.logger.error({ err, event }, 'could not queue the webhook');
    }
    this.emit('notice', { event, data });
  }

  /** Tells one register's event streams, and queues nothing: the caller queues its own webhook, if any. */
  tell(notice: Notice): void {
    this.emit('notice', notice);
  }
}
