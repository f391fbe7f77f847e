import type { ReceiptLine } from './receipt-line';

export type { ReceiptLine };

/** The printer port. */
export interface Printer {
  print(lines: ReceiptLine[], what: string): Promise<void>;
  /** Paper, cover and the last error, for diagnostics. */
  state(): { status: 'OK' | 'ERROR'; lastError: string | null; printed: number };
  ping(): Promise<void>;
}
