import type { Printer, ReceiptLine } from '../printer/printer';
import type { BridgeClient } from './client';

/** EPOSD_DRIVER=bridge: the payment app owns the terminal's printer too; receipts go to it as `print`. */
export class BridgePrinter implements Printer {
  private printed = 0;
  private lastError: string | null = null;

  constructor(private readonly client: BridgeClient) {}

  async print(lines: ReceiptLine[], what: string): Promise<void> {
    try {
      await this.client.request<'ack'>({ type: 'print', lines: lines.map((l) => [...l]), what: what.slice(0, 128) });
      this.printed += 1;
      this.lastError = null;
    } catch (err) {
      this.lastError = `${(err as { code?: string }).code ?? 'ERROR'}: the payment app did not print`;
      throw err;
    }
  }

  state(): { status: 'OK' | 'ERROR'; lastError: string | null; printed: number } {
    return { status: this.lastError ? 'ERROR' : 'OK', lastError: this.lastError, printed: this.printed };
  }

  async ping(): Promise<void> {
    await this.client.request<'pong'>({ type: 'ping' });
  }
}
