import type { PaymentHost } from '../host/payment-host';
import type { Logger } from '../shared/logger';

const RETRY_MS = 30_000;

/**
 * Approvals for UTIs eposd never had (no row to mark): reversed through the app now, and again at every
 * reconnect and every RETRY_MS until it answers. Kept in memory only: a restart forgets them, the audit
 * trail keeps each one (payment-app.late-approval, UNKNOWN_UTI).
 */
export class UnknownReversals {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly host: Pick<PaymentHost, 'reverse'>,
    private readonly logger: Logger,
  ) {}

  add(uti: string): void {
    this.pending.add(uti);
    void this.flush();
  }

  flush(): Promise<void> {
    this.running ??= this.sendAll().finally(() => (this.running = undefined));
    return this.running;
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private async sendAll(): Promise<void> {
    for (const uti of [...this.pending]) {
      try {
        const undone = await this.host.reverse(uti, 'UNKNOWN_UTI');
        this.pending.delete(uti);
        this.logger.info({ uti, undone }, 'payment app: approval of an unknown UTI reversed');
      } catch (err) {
        this.logger.warn({ uti, err }, 'payment app: reversal of an unknown UTI not confirmed; will retry');
      }
    }
    clearTimeout(this.timer);
    if (this.pending.size > 0) this.timer = setTimeout(() => void this.flush(), RETRY_MS).unref();
  }
}
