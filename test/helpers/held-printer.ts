import type { Printer, ReceiptLine } from '../../src/printer/printer';

/** A printer that records each job and, while `holding`, holds it until released: the test decides when a job is done. */
export class HeldPrinter implements Printer {
  readonly jobs: { what: string; lines: ReceiptLine[] }[] = [];
  holding = false;
  private releases: (() => void)[] = [];
  print(lines: ReceiptLine[], what: string): Promise<void> {
    this.jobs.push({ what, lines });
    return this.holding ? new Promise((resolve) => this.releases.push(resolve)) : Promise.resolve();
  }
  /** Finishes every job held so far. */
  releaseAll(): void {
    this.releases.splice(0).forEach((r) => r());
  }
  /** Finishes the oldest job held. */
  releaseNext(): void {
    this.releases.shift()?.();
  }
  state() {
    return { status: 'OK' as const, lastError: null, printed: this.jobs.length };
  }
  async ping(): Promise<void> {}
}
