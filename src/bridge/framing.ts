import { MAX_MESSAGE_BYTES } from './protocol';

/**
 * Cuts a byte stream into lines. A line longer than the limit (or a stream that never ends one) is an
 * error: the peer is broken, and what follows cannot be trusted.
 */
export class LineDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxBytes = MAX_MESSAGE_BYTES) {}

  /** The complete lines in this chunk; throws TooLarge past the limit. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      const part = chunk.subarray(start, nl);
      if (this.pendingBytes + part.length > this.maxBytes) throw new TooLarge();
      const line = this.pending.length === 0 ? part.toString('utf8') : Buffer.concat([...this.pending, part]).toString('utf8');
      this.pending = [];
      this.pendingBytes = 0;
      if (line.trim() !== '') lines.push(line);
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.pendingBytes += rest.length;
      if (this.pendingBytes > this.maxBytes) throw new TooLarge();
      this.pending.push(Buffer.from(rest));
    }
    return lines;
  }
}

export class TooLarge extends Error {
  constructor() {
    super(`a message is longer than ${MAX_MESSAGE_BYTES} bytes`);
  }
}
