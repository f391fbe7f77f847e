import type { ReceiptLine } from '../printer/printer';
import type { Printer } from './printer';

/**
 * One job at a time on the one printer: a payment's receipts, a reprint and a Z report asked for at
 * the same moment come out one after the other, never interleaved.
 */
export class PrintQueue implements Printer {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly printer: Printer) {}

  print(lines: ReceiptLine[], what: string): Promise<void> {
    const job = this.tail.then(() => this.printer.print(lines, what));
    this.tail = job.catch(() => undefined);
    return job;
  }

  state() {
    return this.printer.state();
  }

  ping(): Promise<void> {
    return this.printer.ping();
  }
}
