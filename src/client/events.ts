import type { IncomingMessage } from 'node:http';
import { EposdApiError, isNetworkError } from './errors';
import { problemOf } from './pairing';
import { sseFrames } from './sse';
import type { StreamEvent, TransactionEvent } from './types';

export interface EventsOptions {
  /** Start after this event (the `id` of the last one seen), e.g. after a restart of the POS. */
  lastEventId?: string;
  signal?: AbortSignal;
  /** Called each time the stream is (re)opened. */
  onOpen?: () => void;
}

/** Resolves after `ms`; rejects with the signal's reason if it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function readText(res: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    let text = '';
    const done = () => {
      try {
        resolve(JSON.parse(text));
      } catch {
        resolve(text);
      }
    };
    res
      .setEncoding('utf8')
      .on('data', (c: string) => (text += c))
      .on('end', done)
      .on('error', done);
  });
}

/**
 * The terminal's event stream as an async iterator that reconnects: after a network error or the end of
 * the stream it waits the server's `retry:` and opens it again from the last id seen. Any other error
 * (a refused key, a 401) ends it by throwing.
 */
export async function* eventStream(open: (lastEventId: string | undefined) => Promise<IncomingMessage>, options: EventsOptions): AsyncGenerator<StreamEvent> {
  let lastId = options.lastEventId;
  let retryMs = 2_000;
  for (;;) {
    try {
      const res = await open(lastId);
      if (res.statusCode !== 200) throw new EposdApiError(problemOf(res.statusCode ?? 0, await readText(res)));
      options.onOpen?.();
      try {
        for await (const frame of sseFrames(res)) {
          if (frame.retry !== undefined) retryMs = frame.retry;
          if (!('data' in frame)) continue;
          if (frame.id) lastId = frame.id;
          if (frame.event === 'transaction') yield { type: 'transaction', ...(JSON.parse(frame.data) as TransactionEvent) };
          else if (frame.event === 'truncated') yield { type: 'truncated', message: (JSON.parse(frame.data) as { message: string }).message };
        }
      } finally {
        res.destroy();
      }
    } catch (err) {
      if (options.signal?.aborted) return;
      if (!isNetworkError(err)) throw err;
    }
    try {
      await sleep(retryMs, options.signal);
    } catch {
      return;
    }
  }
}
