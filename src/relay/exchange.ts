import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { HeaderList, RelayAnswer, RelayRequest } from './protocol';

// One relayed request as the HTTP front door's endpoint code takes it: a request whose body is read
// from the payload, and a response that records what would have been written to the socket. The
// endpoint lookup, rate limit, body reading, dispatch and answer writing are the HTTPS port's own.

/** Hop-by-hop and transport headers: the terminal sets its own from the payload, never the gateway's. */
const DROPPED = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect']);

/** The Host every relayed request carries: not a loopback name, so never the screen's. */
export const RELAY_HOST = 'relay';

export function relayedRequest(request: RelayRequest, origin: string): IncomingMessage {
  const headers: Record<string, string> = { host: RELAY_HOST };
  for (const [name, value] of Object.entries(request.h)) if (!DROPPED.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  const body = request.b === undefined ? undefined : Buffer.from(request.b, 'utf8');
  if (body) headers['content-length'] = String(body.length);
  const stream = Readable.from(body && body.length > 0 ? [body] : [], { objectMode: false });
  return Object.assign(stream, { headers, url: request.u, method: request.m.toUpperCase(), socket: { remoteAddress: origin } }) as unknown as IncomingMessage;
}

/** A ServerResponse that keeps its answer: `answer` resolves once it ended. `abandon()` is the client going away. */
export interface RecordingResponse {
  res: ServerResponse;
  answer: Promise<RelayAnswer>;
  abandon: () => void;
}

export function recordingResponse(): RecordingResponse {
  const events = new EventEmitter();
  const set = new Map<string, [string, string]>();
  let status = 200;
  let list: HeaderList = [];
  let closed = false;
  let resolve!: (a: RelayAnswer) => void;
  const answer = new Promise<RelayAnswer>((r) => (resolve = r));
  const res = Object.assign(events, {
    headersSent: false,
    get closed() {
      return closed;
    },
    setHeader: (name: string, value: unknown) => void set.set(name.toLowerCase(), [name, String(value)]),
    getHeader: (name: string) => set.get(name.toLowerCase())?.[1],
    hasHeader: (name: string) => set.has(name.toLowerCase()),
    removeHeader: (name: string) => void set.delete(name.toLowerCase()),
    writeHead(code: number, headers: HeaderList = []) {
      status = code;
      list = headers;
      res.headersSent = true;
      return res;
    },
    end(body?: string) {
      const merged = [...[...set.values()].flat(), ...list];
      resolve({ s: status, h: merged, b: body ?? '' });
      closed = true;
      events.emit('finish');
      events.emit('close');
      return res;
    },
  });
  const abandon = () => {
    if (closed) return;
    closed = true;
    events.emit('close');
  };
  return { res: res as unknown as ServerResponse, answer, abandon };
}
