import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

// A POS's HTTP client as a real one works: keep-alive connections (a TLS handshake per request would
// measure the handshake, not eposd), a deadline on every exchange, and the raw answer kept.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- kept as the default for the callers that read a field or two; typed callers pass T
export interface Answer<T = any> {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  body: T;
  /** Milliseconds from sending the request to the end of the answer. */
  ms: number;
}

export interface CallOptions {
  method?: string;
  headers?: OutgoingHttpHeaders;
  /** An object or array is sent as JSON; a string or Buffer is sent as it is (no Content-Type added). */
  body?: unknown;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 20_000;

export class Client {
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;
  private readonly seen = new WeakSet<object>();
  private opened = 0;

  /** `base`: e.g. https://127.0.0.1:1234/payntpos/1.0.0 (no trailing slash); `token` goes in Authorization. */
  constructor(
    readonly base: string,
    readonly token?: string,
    sockets = 1,
  ) {
    const https = base.startsWith('https:');
    this.agent = https ? new HttpsAgent({ keepAlive: true, maxSockets: sockets, rejectUnauthorized: false }) : new HttpAgent({ keepAlive: true, maxSockets: sockets });
    this.send = https ? httpsRequest : httpRequest;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- kept as the default for the callers that read a field or two; typed callers pass T
  call<T = any>(path: string, options: CallOptions = {}): Promise<Answer<T>> {
    const { method = 'GET', body, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
    const headers: OutgoingHttpHeaders = { ...(this.token ? { authorization: this.token } : {}), ...options.headers };
    let payload: string | Buffer | undefined;
    if (typeof body === 'string' || Buffer.isBuffer(body)) payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }
    if (payload !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-length' || k.toLowerCase() === 'transfer-encoding')) {
      headers['content-length'] = Buffer.byteLength(payload);
    }
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = this.send(`${this.base}${path}`, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        // An event stream never ends by itself: its headers are the answer.
        if (/^text\/event-stream/.test(res.headers['content-type'] ?? '')) {
          clearTimeout(timer);
          res.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: '', body: undefined as T, ms: performance.now() - started });
          return;
        }
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          if (/json/i.test(res.headers['content-type'] ?? '') && text !== '') {
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = undefined;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed as T, ms: performance.now() - started });
        });
      });
      req.on('socket', (socket) => {
        if (this.seen.has(socket)) return;
        this.seen.add(socket);
        this.opened += 1;
      });
      const timer = setTimeout(() => req.destroy(new Error(`${method} ${path} timed out after ${timeoutMs} ms`)), timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end(payload);
    });
  }

  /** How many connections this client has opened so far. */
  socketsUsed(): number {
    return this.opened;
  }

  /** Drops every kept-alive connection. */
  close(): void {
    this.agent.destroy();
  }
}
