import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { IClientOptions, IPublishPacket, MqttClient } from 'mqtt';
import type { Logger } from '../shared/logger';
import { readRequest, RELAY_ANSWER_LIMIT_BYTES, type Presence, type RelayAnswer, type RelayRequest } from './protocol';
import { RecentAnswers } from './recent-answers';
import type { RelayHandler } from './relay-handler';
import { presenceTopic, requestTopic, seenTopic, TID, TOPIC_ROOT } from './topics';

/** How the terminal reaches its broker (src/config/options.ts: EPOSD_RELAY_*). */
export interface BrokerSettings {
  url: string;
  username?: string;
  password?: string;
  /** PEM texts: a client certificate and its key, and the CA that signed the broker's certificate. */
  cert?: string;
  key?: string;
  ca?: string;
}

export interface TerminalRelayOptions {
  tid: string;
  broker: BrokerSettings;
  handle: RelayHandler;
  logger: Logger;
  now?: () => Date;
  heartbeatMs?: number;
  reconnect?: { firstMs: number; maxMs: number };
}

const HEARTBEAT_MS = 60_000;
const RECONNECT = { firstMs: 1_000, maxMs: 30_000 };
const KEEPALIVE_S = 30;
// A redelivered request comes within a reconnect or two: ten minutes of answers is far more than enough.
const RECENT_TTL_MS = 10 * 60_000;
/** The recent answers' bytes: a few hundred status answers, or eight of the largest an answer may be. */
const RECENT_MAX_BYTES = 8 * RELAY_ANSWER_LIMIT_BYTES;
/** Requests started in one turn of the event loop: payment work (reader, host, HTTPS) runs between batches. */
const STARTS_PER_TURN = 4;
/** Waiting requests beyond this are dropped (the gateway answers 504): the terminal is a till's, not a server farm's. */
const QUEUE_MAX = 256;
const CORRELATION_MAX_BYTES = 64;
const GOODBYE_TIMEOUT_MS = 2_000;

interface Pending {
  request: RelayRequest;
  responseTopic: string;
  correlation: Buffer;
  key: string;
}

/**
 * The terminal's side of the relay: connects out to the broker, announces itself on a retained presence
 * (the broker's last will says offline), takes requests from its own topic and answers each on the
 * request's Response Topic with its Correlation Data, through the same endpoint code as HTTPS.
 * @NOTE Relay traffic yields to payments: requests are started from setImmediate, a few a turn, so a
 * burst of relayed status reads never holds the event loop while the card reader or the host answers.
 */
export class TerminalRelay {
  private client?: MqttClient;
  private readonly recent = new RecentAnswers(RECENT_TTL_MS, RECENT_MAX_BYTES);
  private readonly queue: Pending[] = [];
  private draining = false;
  private heartbeat?: NodeJS.Timeout;
  private readonly running = new Set<() => void>();
  private readonly reconnect: { firstMs: number; maxMs: number };
  private stopped = false;
  /** Requests received, for tests and diagnostics; a duplicate counts once. */
  executed = 0;

  constructor(private readonly options: TerminalRelayOptions) {
    // The TID goes into topic names: never a wildcard or a level separator.
    if (!TID.test(options.tid)) throw new Error(`The relay needs an 8-digit TID, not "${options.tid}"`);
    this.reconnect = options.reconnect ?? RECONNECT;
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  private presence(online: boolean, lastSeen: string | null): Buffer {
    return Buffer.from(JSON.stringify({ tid: this.options.tid, online, lastSeen } satisfies Presence));
  }

  private now(): string {
    return (this.options.now?.() ?? new Date()).toISOString();
  }

  start(): void {
    const { tid, broker, logger } = this.options;
    const settings: IClientOptions = {
      protocolVersion: 5,
      // Not guessable: another client that knew it could take this connection over on a broker that does
      // not tie client ids to users (deploy/mosquitto does: use_username_as_clientid).
      clientId: `eposd-${tid}-${randomBytes(8).toString('hex')}`,
      username: broker.username,
      password: broker.password,
      cert: broker.cert,
      key: broker.key,
      ca: broker.ca,
      clean: true,
      keepalive: KEEPALIVE_S,
      connectTimeout: 10_000,
      reconnectPeriod: this.reconnect.firstMs,
      // The will is the broker's word once the connection is lost without a goodbye.
      will: { topic: presenceTopic(tid), payload: this.presence(false, null), qos: 1, retain: true },
    };
    // Loaded only when the relay is on: a terminal without it never reads MQTT.js (scripts/bundle.mjs).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { connect } = require('mqtt') as typeof import('mqtt');
    const client = (this.client = connect(broker.url, settings));
    let failures = 0;
    client.on('connect', () => {
      noDelay(client);
      failures = 0;
      client.options.reconnectPeriod = this.reconnect.firstMs;
      logger.info({ broker: redactUrl(broker.url) }, 'relay connected');
      client.subscribe(requestTopic(tid), { qos: 1 }, (err) => err && logger.error({ err: err.message }, 'relay: could not subscribe'));
      this.announce();
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => this.announce(), this.options.heartbeatMs ?? HEARTBEAT_MS).unref();
    });
    client.on('close', () => {
      clearInterval(this.heartbeat);
      // Back off: 1 s, 2 s, 4 s… up to maxMs, back to the first once connected.
      if (!this.stopped) client.options.reconnectPeriod = Math.min(this.reconnect.maxMs, this.reconnect.firstMs * 2 ** failures++);
    });
    client.on('error', (err) => logger.warn({ err: err.message }, 'relay: broker connection failed'));
    client.on('message', (_topic, payload, packet) => this.receive(payload, packet));
  }

  private announce(): void {
    const seen = this.now();
    this.client?.publish(presenceTopic(this.options.tid), this.presence(true, seen), { qos: 1, retain: true });
    this.client?.publish(seenTopic(this.options.tid), Buffer.from(JSON.stringify({ lastSeen: seen })), { qos: 1, retain: true });
  }

  private receive(payload: Buffer, packet: IPublishPacket): void {
    const responseTopic = packet.properties?.responseTopic;
    const correlation = packet.properties?.correlationData;
    const request = readRequest(payload);
    const ours = `/responses/${this.options.tid}`;
    // @NOTE Answers go only to a gateway's response topic for this TID: a request cannot make the terminal publish elsewhere.
    if (!request || !responseTopic || !responseTopic.startsWith(`${TOPIC_ROOT}/gateways/`) || !responseTopic.endsWith(ours) || responseTopic.includes('+') || responseTopic.includes('#')) {
      this.options.logger.warn('relay: a message that is not a request was dropped');
      return;
    }
    if (!correlation || correlation.length === 0 || correlation.length > CORRELATION_MAX_BYTES) return;
    const key = correlation.toString('hex');
    const seen = this.recent.begin(key);
    if (seen === 'running') return;
    if (seen !== 'new') return this.publishAnswer(responseTopic, correlation, seen.answer);
    if (this.queue.length >= QUEUE_MAX) {
      // Not remembered: a redelivery of it may run once there is room.
      this.recent.forget(key);
      this.options.logger.warn('relay: too many requests waiting, one dropped');
      return;
    }
    this.queue.push({ request, responseTopic, correlation, key });
    this.drain();
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    setImmediate(() => {
      this.draining = false;
      for (const pending of this.queue.splice(0, STARTS_PER_TURN)) this.run(pending);
      if (this.queue.length > 0) this.drain();
    });
  }

  private run({ request, responseTopic, correlation, key }: Pending): void {
    if (this.stopped) return;
    this.executed += 1;
    const { answer, abandon } = this.options.handle(request, `relay:${request.o ?? 'unknown'}`);
    this.running.add(abandon);
    answer
      .then((a: RelayAnswer) => {
        const payload = Buffer.from(JSON.stringify(a));
        // The handler bounds its answers (src/relay/trust.ts answers a problem instead); this is the last line.
        if (payload.length > RELAY_ANSWER_LIMIT_BYTES) throw new Error(`an answer of ${payload.length} bytes, over the relay's limit`);
        this.recent.finish(key, payload);
        this.publishAnswer(responseTopic, correlation, payload);
      })
      .catch((err: unknown) => {
        this.recent.forget(key);
        this.options.logger.error({ err }, 'relay: no answer');
      })
      .finally(() => this.running.delete(abandon));
  }

  private publishAnswer(topic: string, correlation: Buffer, payload: Buffer): void {
    this.client?.publish(topic, payload, { qos: 1, properties: { correlationData: correlation, contentType: 'application/json' } });
  }

  /** Says goodbye (offline, retained), ends the requests still waiting, and disconnects. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.heartbeat);
    this.queue.length = 0;
    for (const abandon of this.running) abandon();
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      // A broker that does not acknowledge the goodbye must not hold the terminal's stop: its will says the same.
      await new Promise<void>((resolve) => {
        setTimeout(resolve, GOODBYE_TIMEOUT_MS).unref();
        client.publish(presenceTopic(this.options.tid), this.presence(false, this.now()), { qos: 1, retain: true }, () => resolve());
      });
    }
    await client.endAsync(!client.connected);
  }
}

/**
 * Small packets leave at once: with Nagle's algorithm a request or an answer could wait some 40 ms for the
 * peer's delayed acknowledgement, at each hop (MQTT.js does not set it). The broker needs `set_tcp_nodelay true`.
 */
export function noDelay(client: MqttClient): void {
  (client.stream as Partial<Socket> | undefined)?.setNoDelay?.(true);
}

/** The broker's URL without a password in it, for the log. */
export const redactUrl = (url: string): string => url.replace(/\/\/[^@/]*@/, '//');
