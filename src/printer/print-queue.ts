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
  /** While a payment prints its receipts (the engine's PRINTING state): the POS's jobs wait. */
  private held = false;
  private readonly terminalJobs: Job[] = [];
  private readonly posJobs: Job[] = [];

  constructor(private readonly printer: Printer) {}

  /** The terminal's own prints: ahead of every job a POS asked for. */
  print(lines: ReceiptLine[], what: string): Promise<void> {
    return this.enqueue(this.terminalJobs, lines, what);
  }

  /** A job a POS asked for. Throws PRINT_QUEUE_FULL, and queues nothing, when MAX_WAITING_PRINTS wait already. */
  printForPos(lines: ReceiptLine[], what: string): Promise<void> {
    if (this.posJobs.length >= MAX_WAITING_PRINTS) {
      throw new ApiError('PRINT_QUEUE_FULL', `${this.posJobs.length} print jobs are waiting for the printer; send this one again once it has caught up.`, {
        waiting: this.posJobs.length,
        limit: MAX_WAITING_PRINTS,
      });
    }
    return this.enqueue(this.posJobs, lines, what);
  }

  /** A payment has begun printing its receipts: no job a POS asked for starts until `resume`. */
  hold(): void {
    this.held = true;
  }

  /** A payment has finished printing: the jobs held for it may start. */
  resume(): void {
    this.held = false;
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
    const job = this.terminalJobs.shift() ?? (this.held ? undefined : this.posJobs.shift());
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
