import type { Logger } from '../shared/logger';
import type { ReceiptLine } from './printer';
import type { Printer } from './printer';

/** A printer that writes what it prints to the log. It never runs out of paper. */
export class SimulatedPrinter implements Printer {
  private printed = 0;
  readonly jobs: { what: string; lines: ReceiptLine[] }[] = [];

  /** `delayMs`: how long each receipt takes to print (0: at once). */
  constructor(
    private readonly logger: Logger,
    private readonly delayMs = 0,
  ) {}

  async print(lines: ReceiptLine[], what: string): Promise<void> {
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs).unref());
    this.printed += 1;
    this.jobs.push({ what, lines });
    if (this.jobs.length > 50) this.jobs.shift();
    this.logger.info({ what, receipt: lines.map((l) => l[0]) }, 'printer: printed');
  }

  state() {
    return { status: 'OK' as const, lastError: null, printed: this.printed };
  }

  async ping(): Promise<void> {}
}
