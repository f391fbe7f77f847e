/** One printed line, in Paynt's receipt format: [text, size "1".."9", align L|C|R, style N|B]. */
export type ReceiptLine = [text: string, size: string, align: 'L' | 'C' | 'R', style: 'N' | 'B'];

/** The printer port. */
export interface Printer {
  print(lines: ReceiptLine[], what: string): Promise<void>;
  /** Paper, cover and the last error, for diagnostics. */
  state(): { status: 'OK' | 'ERROR'; lastError: string | null; printed: number };
  ping(): Promise<void>;
}
