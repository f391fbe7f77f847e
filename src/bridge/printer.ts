import type { Printer, ReceiptLine } from '../printer/printer';
import { ApiError } from '../shared/errors';
import { BridgeError, type BridgeClient } from './client';

/** The columns of a printed line at the normal size: the 58 mm roll receipts are laid out for. */
export const PRINT_COLUMNS = 32;
/** The most lines one `print` message carries (the schema's limit): a longer job goes as several. */
export const PRINT_LINES = 200;

/** Columns a character takes on the printer: CJK and other wide characters take two. */
const columnsOf = (c: string) => (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(c) ? 2 : 1);

/** `text` in pieces of at most `width` columns, broken at spaces where it can be, inside a word where it cannot. */
export function wrap(text: string, width = PRINT_COLUMNS): string[] {
  if ([...text].reduce((n, c) => n + columnsOf(c), 0) <= width) return [text];
  const pieces: string[] = [];
  let line = '';
  let used = 0;
  let lastSpace = -1;
  for (const c of text) {
    const w = columnsOf(c);
    if (used + w > width && line !== '') {
      const cut = c !== ' ' && lastSpace > 0 ? lastSpace : line.length;
      pieces.push(line.slice(0, cut).trimEnd());
      line = line.slice(cut).trimStart();
      used = [...line].reduce((n, x) => n + columnsOf(x), 0);
      lastSpace = -1;
    }
    // A piece after a break starts at its first word; the first keeps its indent.
    if (c === ' ' && line === '' && pieces.length > 0) continue;
    if (c === ' ') lastSpace = line.length;
    line += c;
    used += w;
  }
  if (line !== '') pieces.push(line.trimEnd());
  return pieces;
}

/** Every line wrapped to the printer's width: its size, alignment and style kept on each piece. */
export const wrapLines = (lines: readonly ReceiptLine[]): ReceiptLine[] => lines.flatMap(([text, size, align, style]) => wrap(text).map((piece): ReceiptLine => [piece, size, align, style]));

/**
 * EPOSD_DRIVER=bridge: the payment app owns the terminal's printer too; receipts go to it as `print`.
 * @NOTE A receipt always prints: a line longer than the printer's width (a long description, a line
 * item's name, a long UTI) is wrapped here rather than refused by the protocol's schema, and a job of
 * more lines than one message carries goes as several, in order.
 */
export class BridgePrinter implements Printer {
  private printed = 0;
  private lastError: string | null = null;

  constructor(private readonly client: BridgeClient) {}

  async print(lines: ReceiptLine[], what: string): Promise<void> {
    const all = wrapLines(lines);
    try {
      for (let i = 0; i < all.length || i === 0; i += PRINT_LINES) {
        await this.client.request<'ack'>({ type: 'print', lines: all.slice(i, i + PRINT_LINES).map((l) => [...l]), what: what.slice(0, 128) });
      }
      this.printed += 1;
      this.lastError = null;
    } catch (err) {
      const code = err instanceof BridgeError ? err.code : 'ERROR';
      this.lastError = `${code}: the payment app did not print`;
      throw new ApiError('PAYMENT_APP_UNAVAILABLE', `The payment application did not print (${code}). Try again.`);
    }
  }

  state(): { status: 'OK' | 'ERROR'; lastError: string | null; printed: number } {
    return { status: this.lastError ? 'ERROR' : 'OK', lastError: this.lastError, printed: this.printed };
  }

  async ping(): Promise<void> {
    await this.client.request<'pong'>({ type: 'ping' });
  }
}
