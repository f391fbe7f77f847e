import { EventEmitter } from 'node:events';
import type { Logger } from '../shared/logger';
import type { Connector, Link } from './link';
import { newNonce, proofOf, provesSecret } from './handshake';
import { assertToBridge, checkFromBridge, DISPLAY_CAPABILITY, PROMPT_CAPABILITY, PROTOCOL, SIMULATOR_CAPABILITY, type FromBridge, type Reply, type Request } from './protocol';
import { UntrustedPeer } from './socket-trust';

/** UNTRUSTED: the peer did not prove who it is (a wrong or missing proof, a socket another user could have made). */
export type BridgeState = 'CONNECTING' | 'CONNECTED' | 'DISCONNECTED' | 'INCOMPATIBLE' | 'UNTRUSTED' | 'STOPPED';

export interface BridgeClientOptions {
  connect: Connector;
  /** The shared secret (loopback TCP): each side proves it holds it (handshake.ts); it never crosses the link. */
  secret?: string;
  logger: Logger;
  version: string;
  /** Back-off between connection attempts: doubles from min to max. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** How long a request waits for its reply. */
  requestTimeoutMs?: number;
}

/** A request that failed: its `code` is the bridge's error code, or one of ours (NOT_CONNECTED, TIMEOUT, DISCONNECTED). */
export class BridgeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  resolve(reply: Reply): void;
  reject(err: BridgeError): void;
  timer: NodeJS.Timeout;
}

/**
 * eposd's end of the bridge: connects (the payment app listens), says hello, keeps the link, and
 * reconnects with back-off when it goes. Each request carries a correlation id and waits for the reply
 * naming it; a reply nobody waits for (late, or twice) is dropped. Every incoming line is checked
 * against the schema first: garbage is counted and dropped, an oversized line ends the link.
 *
 * Emits 'up' (hello answered), 'down' (link lost), 'event' (payment.stage, payment.result) and
 * 'screen' (prompt.result).
 */
export class BridgeClient extends EventEmitter {
  private link: Link | undefined;
  private stateName: BridgeState = 'DISCONNECTED';
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private seq = 0;
  private readonly pending = new Map<string, Pending>();
  private stopped = true;
  lastError: string | null = null;
  lastErrorAt: string | null = null;
  protocol: string | null = null;
  bridge: { name: string; version: string; capabilities: string[] } | null = null;
  connectedAt: string | null = null;
  readonly counters = { connectAttempts: 0, connects: 0, malformed: 0, unmatchedReplies: 0, timeouts: 0 };

  constructor(private readonly opts: BridgeClientOptions) {
    super();
    this.setMaxListeners(0);
    this.retryMs = opts.retryMinMs ?? 100;
  }

  get state(): BridgeState {
    return this.stateName;
  }

  get connected(): boolean {
    return this.stateName === 'CONNECTED';
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.attempt();
  }

  stop(): void {
    this.stopped = true;
    this.setState('STOPPED');
    clearTimeout(this.retryTimer);
    this.link?.close();
    this.failPending('DISCONNECTED', 'eposd is stopping');
  }

  /** Sends a request and resolves with its reply; an `error` reply rejects with its code. */
  request<T extends Exclude<Reply['type'], 'error'>>(message: Request, timeoutMs = this.opts.requestTimeoutMs ?? 5000): Promise<Extract<Reply, { type: T }>> {
    const link = this.link;
    const handshake = message.type === 'hello' || message.type === 'hello.proof';
    if (!link || (this.stateName !== 'CONNECTED' && !handshake)) return Promise.reject(new BridgeError('NOT_CONNECTED', 'no payment app is connected'));
    const id = `e${++this.seq}`;
    const full = { ...message, id };
    assertToBridge(full);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.counters.timeouts += 1;
        this.noteError('TIMEOUT', `no answer to ${message.type} within ${timeoutMs} ms`);
        reject(new BridgeError('TIMEOUT', `no answer to ${message.type}`));
      }, timeoutMs).unref();
      this.pending.set(id, {
        resolve: (reply) => (reply.type === 'error' ? reject(new BridgeError(reply.code, reply.message)) : resolve(reply as Extract<Reply, { type: T }>)),
        reject,
        timer,
      });
      link.send(JSON.stringify(full));
    });
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    this.setState('CONNECTING');
    this.counters.connectAttempts += 1;
    let link: Link;
    try {
      link = await this.opts.connect();
    } catch (err) {
      if (err instanceof UntrustedPeer) {
        this.noteError('UNTRUSTED', err.message);
        return this.retryLater('UNTRUSTED');
      }
      this.noteError('CONNECT_FAILED', (err as NodeJS.ErrnoException).code ?? 'the payment app does not answer');
      return this.retryLater('DISCONNECTED');
    }
    if (this.stopped) return link.close();
    this.link = link;
    link.onLine((line) => this.receive(line));
    link.onClose((reason) => this.lost(link, reason));
    try {
      const hello = await this.greet();
      this.protocol = hello.protocol;
      this.bridge = { ...hello.bridge, capabilities: hello.capabilities };
      this.connectedAt = new Date().toISOString();
      this.counters.connects += 1;
      this.retryMs = this.opts.retryMinMs ?? 100;
      this.setState('CONNECTED');
      this.opts.logger.info({ protocol: hello.protocol, bridge: hello.bridge }, 'payment app connected');
      this.emit('up');
    } catch (err) {
      const e = err instanceof BridgeError ? err : new BridgeError('HELLO_FAILED', String(err));
      this.noteError(e.code, e.message);
      // A v1 app refuses v2's hello: as another version, or as a message its schema does not know.
      this.refusedAs = e.code === 'UNSUPPORTED_VERSION' || e.code === 'MALFORMED_MESSAGE' ? 'INCOMPATIBLE' : e.code === 'UNTRUSTED' ? 'UNTRUSTED' : undefined;
      link.close();
    }
  }

  /** hello, and with a secret the proofs both ways: nothing but the handshake is sent before it succeeds. */
  private async greet(): Promise<Extract<Reply, { type: 'hello.ok' }>> {
    const secret = this.opts.secret;
    const eposd = newNonce();
    const hello = await this.request<'hello.ok'>({
      type: 'hello',
      protocols: [PROTOCOL],
      client: { name: 'eposd', version: this.opts.version },
      capabilities: ['payment', 'query', 'reversal', 'print', 'ping', SIMULATOR_CAPABILITY, DISPLAY_CAPABILITY, PROMPT_CAPABILITY],
      nonce: eposd,
    });
    if (hello.protocol !== PROTOCOL) throw new BridgeError('UNSUPPORTED_VERSION', `the payment app speaks ${hello.protocol}`);
    if (secret === undefined) return hello;
    const nonces = { eposd, app: hello.nonce ?? '' };
    if (!provesSecret(hello.proof, secret, 'app', nonces)) throw new BridgeError('UNTRUSTED', 'the payment app did not prove it holds the shared secret (a wrong or missing proof in hello.ok)');
    await this.request<'ack'>({ type: 'hello.proof', proof: proofOf(secret, 'eposd', nonces) });
    return hello;
  }

  /** Why the last hello failed, when it says what the link is: another version, or a peer that did not prove itself. */
  private refusedAs: 'INCOMPATIBLE' | 'UNTRUSTED' | undefined;

  private lost(link: Link, reason?: string): void {
    if (this.link !== link) return;
    this.link = undefined;
    const wasUp = this.stateName === 'CONNECTED';
    if (reason) this.noteError(reason, reason === 'MESSAGE_TOO_LARGE' ? 'the payment app sent an oversized message' : 'the link failed');
    this.failPending('DISCONNECTED', 'the payment app went away');
    if (wasUp) {
      if (!this.stopped) this.setState('DISCONNECTED');
      this.opts.logger.warn({ reason }, 'payment app disconnected');
      this.emit('down');
    }
    if (this.stopped) return;
    this.retryLater(this.refusedAs ?? 'DISCONNECTED');
  }

  private retryLater(state: BridgeState): void {
    if (this.stopped) return;
    this.setState(state);
    this.refusedAs = undefined;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.attempt(), this.retryMs).unref();
    this.retryMs = Math.min(this.retryMs * 2, this.opts.retryMaxMs ?? 2000);
  }

  private receive(line: string): void {
    const checked = checkFromBridge(line);
    if (!checked.ok) {
      this.counters.malformed += 1;
      this.noteError('MALFORMED_MESSAGE', checked.problem);
      return;
    }
    const message: FromBridge = checked.message;
    if ('re' in message && message.re !== undefined) {
      const waiting = this.pending.get(message.re);
      if (!waiting) {
        this.counters.unmatchedReplies += 1;
        this.opts.logger.warn({ type: message.type, re: message.re }, 'payment app: a reply nobody waits for (late or twice) dropped');
        return;
      }
      this.pending.delete(message.re);
      clearTimeout(waiting.timer);
      waiting.resolve(message);
      return;
    }
    if (message.type === 'error') return this.noteError(message.code, message.message);
    // A prompt's result is the screen's (bridge/screen.ts), not a payment's.
    if (this.stateName === 'CONNECTED') this.emit(message.type === 'prompt.result' ? 'screen' : 'event', message);
  }

  private failPending(code: string, why: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new BridgeError(code, why));
    }
  }

  /** Every change of state is told ('state'): readiness follows it. */
  private setState(state: BridgeState): void {
    if (state === this.stateName) return;
    this.stateName = state;
    this.emit('state', state);
  }

  private noteError(code: string, detail: string): void {
    this.lastError = `${code}: ${detail}`.slice(0, 300);
    this.lastErrorAt = new Date().toISOString();
    this.opts.logger.warn({ code, detail: detail.slice(0, 200) }, 'payment app problem');
  }
}
