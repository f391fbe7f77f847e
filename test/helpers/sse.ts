import { request } from 'node:http';
import { sseFrames } from '../../src/client/sse';

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

/**
 * Opens a Server-Sent Events stream with node:http and parses its frames as they come. Resolves once
 * the response headers are in; for a non-200 answer `frames` stays empty and the connection is closed.
 */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const frames: SseFrame[] = [];
    const waiting = new Set<() => void>();
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
      res.on('error', () => undefined);
      if (res.statusCode !== 200) res.resume();
      else
        void (async () => {
          // The POS client's own reading of a stream (src/client/sse.ts).
          for await (const frame of sseFrames(res)) {
            if ('data' in frame) frames.push({ id: frame.id, event: frame.event, data: frame.data });
            for (const w of [...waiting]) w();
          }
        })().catch(() => undefined);
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
