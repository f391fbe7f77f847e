import { request } from 'node:http';

export interface SseFrame {
  id?: string;
  event?: string;
  data: string;
}

export interface SseClient {
  status: number;
  contentType: string | undefined;
  /** Every frame with data received so far, in order (comments and `retry:` alone are not frames). */
  frames: SseFrame[];
  /** Resolves with the first `n` frames once they have arrived. */
  waitForFrames(n: number, timeoutMs?: number): Promise<SseFrame[]>;
  /** Disconnects, as a client that goes away would. */
  close(): void;
}

const FRAME_TIMEOUT_MS = 10_000;

/** Parses one block of an event stream (the lines between two blank lines). */
function parseBlock(block: string): SseFrame | undefined {
  const frame: { id?: string; event?: string; data?: string[] } = {};
  for (const line of block.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') frame.id = value;
    else if (field === 'event') frame.event = value;
    else if (field === 'data') (frame.data ??= []).push(value);
  }
  return frame.data ? { id: frame.id, event: frame.event, data: frame.data.join('\n') } : undefined;
}

/**
 * Opens a Server-Sent Events stream with node:http and parses its frames as they come. Resolves once
 * the response headers are in; for a non-200 answer `frames` stays empty and the connection is closed.
 */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const frames: SseFrame[] = [];
    const waiting = new Set<() => void>();
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
          const frame = parseBlock(block);
          if (frame) frames.push(frame);
        }
        for (const w of [...waiting]) w();
      });
      res.on('error', () => undefined);
      if (res.statusCode !== 200) res.resume();
      resolve({
        status: res.statusCode ?? 0,
        contentType: res.headers['content-type'],
        frames,
        waitForFrames(n, timeoutMs = FRAME_TIMEOUT_MS) {
          if (frames.length >= n) return Promise.resolve(frames.slice(0, n));
          return new Promise((resolveFrames, rejectFrames) => {
            const check = () => {
              if (frames.length < n) return;
              clearTimeout(timer);
              waiting.delete(check);
              resolveFrames(frames.slice(0, n));
            };
            const timer = setTimeout(() => {
              waiting.delete(check);
              rejectFrames(new Error(`only ${frames.length} of ${n} frames arrived within ${timeoutMs} ms: ${JSON.stringify(frames)}`));
            }, timeoutMs);
            waiting.add(check);
          });
        },
        close: () => void req.destroy(),
      });
    });
    req.on('error', (err) => reject(err));
    req.end();
  });
}
