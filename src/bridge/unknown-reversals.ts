import type { PaymentHost } from '../host/payment-host';
import type { Logger } from '../shared/logger';

const RETRY_MS = 30_000;

/** Where the work is kept across restarts: the audit trail, which has each such approval already. */
export interface Trail {
  /** The UTIs whose approval was audited and whose reversal was not. */
  owed(): string[];
  /** The app answered the reversal. */
  answered(uti: string, undone: boolean): void;
}

/**
 * Approvals for UTIs eposd never had (no row to mark): reversed through the app now, and again at every
 * reconnect and every RETRY_MS until it answers. @NOTE The audit trail is the durable record: each such
 * approval is audited before it is reversed (payment-app.late-approval, UNKNOWN_UTI) and each answer
 * after (payment-app.unknown-reversed), so a restart in between still owes, and sends, the reversal.
 */
export class UnknownReversals {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly host: Pick<PaymentHost, 'reverse'>,
    private readonly trail: Trail,
    private readonly logger: Logger,
  ) {}

  /** What a previous run left owed. */
  load(): void {
    for (const uti of this.trail.owed()) this.pending.add(uti);
  }

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
        this.trail.answered(uti, undone);
        this.logger.info({ uti, undone }, 'payment app: approval of an unknown UTI reversed');
      } catch (err) {
        this.logger.warn({ uti, err }, 'payment app: reversal of an unknown UTI not confirmed; will retry');
      }
    }
    clearTimeout(this.timer);
    if (this.pending.size > 0) this.timer = setTimeout(() => void this.flush(), RETRY_MS).unref();
  }
}
