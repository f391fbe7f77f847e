import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { PaymentResult } from '../bridge/protocol';

export interface StoredPayment {
  result: PaymentResult;
  reversed?: boolean;
}

interface StoreFile {
  payments: Record<string, StoredPayment>;
  reversals: string[];
}

/**
 * What the simulated payment app remembers across restarts (eposd's, and its own): every final result,
 * and every reversal it was sent. A JSON file written whole (temporary file, then rename) at each
 * decision, before it is told to eposd; in memory only when no file is given.
 */
export class SimStore {
  private data: StoreFile = { payments: {}, reversals: [] };

  constructor(private readonly path: string | undefined) {
    if (path && existsSync(path)) this.data = JSON.parse(readFileSync(path, 'utf8')) as StoreFile;
  }

  get(uti: string): StoredPayment | undefined {
    return this.data.payments[uti];
  }

  record(uti: string, result: PaymentResult): void {
    this.data.payments[uti] = { result };
    this.save();
  }

  forget(uti: string): void {
    delete this.data.payments[uti];
    this.save();
  }

  /** Answers whether that UTI's approval is undone: now, or by an earlier reversal (a retried reversal is still true). */
  reverse(uti: string): boolean {
    this.data.reversals.push(uti);
    const p = this.data.payments[uti];
    const approved = p?.result.outcome === 'APPROVED';
    if (p && approved) p.reversed = true;
    this.save();
    return approved;
  }

  private save(): void {
    if (!this.path) return;
    writeFileSync(`${this.path}.tmp`, JSON.stringify(this.data));
    renameSync(`${this.path}.tmp`, this.path);
  }
}
