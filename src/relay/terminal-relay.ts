import { randomBytes } from 'node:crypto';
import type { IClientOptions, IPublishPacket, MqttClient } from 'mqtt';
import type { Logger } from '../shared/logger';
import { noDelay, redactUrl, type BrokerSettings } from './mqtt-options';
import { RelayPresence } from './presence';
import { answerPayload, readRequest, RELAY_ANSWER_LIMIT_BYTES, type RelayAnswer, type RelayRequest } from './protocol';
import { RecentAnswers } from './recent-answers';
import type { RelayHandler } from './relay-handler';
import { requestTopic, TID, TOPIC_ROOT } from './topics';
import { TurnQueue } from './turns';

export interface TerminalRelayOptions {
  tid: string;
  broker: BrokerSettings;
  handle: RelayHandler;
  logger: Logger;
  now?: () => Date;
  heartbeatMs?: number;
  reconnect?: { firstMs: number; maxMs: number };
}

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

interface Pending {
  request: RelayRequest;
  responseTopic: string;
  correlation: Buffer;
  key: string;
}

/**
 * The terminal's side of the relay, its MQTT session: connects out to the broker (backing off while it
 * cannot), keeps its presence (presence.ts), takes requests from its own topic and answers each on the
 * request's Response Topic with its Correlation Data, through the same endpoint code as HTTPS. A
 * request delivered again is answered from the recent answers (recent-answers.ts), not run twice;
 * requests start a few a turn (turns.ts).
 */
export class TerminalRelay {
  private client?: MqttClient;
  private readonly recent = new RecentAnswers(RECENT_TTL_MS, RECENT_MAX_BYTES);
  private readonly queue = new TurnQueue<Pending>((p) => this.run(p), STARTS_PER_TURN, QUEUE_MAX);
  private readonly presence: RelayPresence;
  private readonly running = new Set<() => void>();
  private readonly reconnect: { firstMs: number; maxMs: number };
  private stopped = false;

  constructor(private readonly options: TerminalRelayOptions) {
    // The TID goes into topic names: never a wildcard or a level separator.
    if (!TID.test(options.tid)) throw new Error(`The relay needs an 8-digit TID, not "${options.tid}"`);
    this.reconnect = options.reconnect ?? RECONNECT;
    this.presence = new RelayPresence(options.tid, () => (options.now?.() ?? new Date()).toISOString(), options.heartbeatMs);
  }

  get connected(): boolean {
    return this.client?.connected === true;
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
      will: this.presence.will(),
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
      this.presence.online(client);
    });
    client.on('close', () => {
      this.presence.offline();
      // Back off: 1 s, 2 s, 4 s… up to maxMs, back to the first once connected.
      if (!this.stopped) client.options.reconnectPeriod = Math.min(this.reconnect.maxMs, this.reconnect.firstMs * 2 ** failures++);
    });
    client.on('error', (err) => logger.warn({ err: err.message }, 'relay: broker connection failed'));
    client.on('message', (_topic, payload, packet) => this.receive(payload, packet));
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
    if (!this.queue.push({ request, responseTopic, correlation, key })) {
      // Not remembered: a redelivery of it may run once there is room.
      this.recent.forget(key);
      this.options.logger.warn('relay: too many requests waiting, one dropped');
    }
  }

  private run({ request, responseTopic, correlation, key }: Pending): void {
    if (this.stopped) return;
    const { answer, abandon } = this.options.handle(request, `relay:${request.origin ?? 'unknown'}`);
    this.running.add(abandon);
    answer
      .then((a: RelayAnswer) => {
        const payload = answerPayload(a);
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
    this.presence.offline();
    this.queue.clear();
    for (const abandon of this.running) abandon();
    const client = this.client;
    if (!client) return;
    if (client.connected) await this.presence.goodbye(client);
    await client.endAsync(!client.connected);
  }
}
