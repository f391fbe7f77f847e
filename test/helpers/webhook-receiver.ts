import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as it was signed. */
  body: string;
  /** The status this receiver answered. */
  answered: number;
}

/**
 * The receiver listens on 127.0.0.1, where a terminal sends no webhook (src/webhooks/target.ts): the
 * tests that use it run eposd as a laptop whose POS runs on the same machine does.
 */
export const LOOPBACK_WEBHOOKS_ENV: NodeJS.ProcessEnv = { EPOSD_WEBHOOK_LOOPBACK: 'true' };

/**
 * A POS's webhook endpoint: a plain node:http server on 127.0.0.1 that records every request. It can
 * be stopped (connections refused) and started again on the same port, and told what to answer.
 */
export class WebhookReceiver {
  readonly received: ReceivedHook[] = [];
  /** The status to answer each request with; 204 unless changed. */
  answer: (hook: Omit<ReceivedHook, 'answered'>) => number = () => 204;
  private server: Server | undefined;
  private listeners = new Set<() => void>();
  private boundPort = 0;

  get port(): number {
    return this.boundPort;
  }

  /** The callback URL to pair with. */
  get url(): string {
    return `http://127.0.0.1:${this.boundPort}/eposd-webhook`;
  }

  /** Listens on `port` (the one it had before, when started again; an ephemeral one the first time). */
  start(port = this.boundPort): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const hook = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        const status = this.answer(hook);
        this.received.push({ ...hook, answered: status });
        res.writeHead(status).end();
        for (const l of [...this.listeners]) l();
      });
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.boundPort = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** Stops listening and drops every open connection: from now on connections are refused. */
  stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** The hooks answered with a 2xx, i.e. delivered. */
  delivered(): ReceivedHook[] {
    return this.received.filter((h) => h.answered >= 200 && h.answered < 300);
  }

  /** Resolves once `check()` holds after a request (or at once); rejects after `timeoutMs`. */
  waitUntil(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const listener = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received ${this.received.length} requests`));
      }, timeoutMs);
      this.listeners.add(listener);
    });
  }
}

/** A receiver started before each test and stopped after it (`receiver()` is the current test's). */
export function useWebhookReceiver(): () => WebhookReceiver {
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = new WebhookReceiver();
    await receiver.start();
  });
  afterEach(() => receiver.stop());
  return () => receiver;
}
