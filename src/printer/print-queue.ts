import { ApiError } from '../shared/errors';
import type { Printer, ReceiptLine } from './printer';

/** How many jobs a POS asked for (reprints, its own lines) may wait behind the one printing; past it, 429 PRINT_QUEUE_FULL. */
export const MAX_WAITING_PRINTS = 10;

interface Job {
  lines: ReceiptLine[];
  what: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * One job at a time on the one printer, never interleaved, in two lines: the terminal's own (a
 * payment's receipts, the Z report) and, behind them, what a POS asked for.
 * @NOTE A payment's receipts always come first: they go ahead of every job a POS asked for, and no such
 * job starts while a payment prints (between its merchant and cardholder copies, say). A job already on
 * the printer is let finish. The POS's line is bounded, so that a burst of requests cannot hold a
 * payment's receipts past the print timeout, or the memory of the terminal.
 */
export class PrintQueue implements Printer {
  private printing = false;
  private readonly own: Job[] = [];
  private readonly asked: Job[] = [];

  /** `paymentPrinting`: whether a payment is printing its receipts (the engine's PRINTING state). */
  constructor(
    private readonly printer: Printer,
    private readonly paymentPrinting: () => boolean = () => false,
  ) {}

  /** The terminal's own prints: ahead of every job a POS asked for. */
  print(lines: ReceiptLine[], what: string): Promise<void> {
    return this.enqueue(this.own, lines, what);
  }

  /** A job a POS asked for. Throws PRINT_QUEUE_FULL, and queues nothing, when MAX_WAITING_PRINTS wait already. */
  printForPos(lines: ReceiptLine[], what: string): Promise<void> {
    if (this.asked.length >= MAX_WAITING_PRINTS) {
      throw new ApiError('PRINT_QUEUE_FULL', `${this.asked.length} print jobs are waiting for the printer; send this one again once it has caught up.`, {
        waiting: this.asked.length,
        limit: MAX_WAITING_PRINTS,
      });
    }
    return this.enqueue(this.asked, lines, what);
  }

  /** A payment has finished printing: the jobs held for it may start. */
  resume(): void {
    this.next();
  }

  state() {
    return this.printer.state();
  }

  ping(): Promise<void> {
    return this.printer.ping();
  }

  private enqueue(line: Job[], lines: ReceiptLine[], what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      line.push({ lines, what, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.printing) return;
    const job = this.own.shift() ?? (this.paymentPrinting() ? undefined : this.asked.shift());
    if (!job) return;
    this.printing = true;
    // A printer that throws at once fails its job, not the queue.
    Promise.resolve()
      .then(() => this.printer.print(job.lines, job.what))
      .then(job.resolve, job.reject)
      .finally(() => {
        this.printing = false;
        this.next();
      });
  }
}
