import { randomBytes } from 'node:crypto';
import { connect, type MqttClient } from 'mqtt';
import { readAnswer, type RelayAnswer } from '../relay/protocol';
import { PRESENCE_FILTER, requestTopic, responseFilter, responseTopic, SEEN_FILTER, tidOfTopic } from '../relay/topics';
import { noDelay, redactUrl } from '../relay/mqtt-options';
import type { Logger } from '../shared/logger';
import type { PresenceBoard } from './presence-board';
import type { GatewaySettings } from './settings';

/** The gateway's side of the broker: presences into the board, requests out, answers back to whoever waits. */
export interface GatewayBroker {
  readonly connected: boolean;
  /** Publishes a request to `tid` and waits for its answer: undefined when none came in time, 'malformed' when it is not one. */
  ask(tid: string, payload: Buffer, timeoutMs: number): Promise<RelayAnswer | 'malformed' | undefined>;
  stop(): Promise<void>;
}

/**
 * Connects and subscribes, or throws once `brokerConnectTimeoutMs` has passed without it (with the
 * broker's last word, such as "Not authorized" or a refused connection): a gateway that cannot reach its
 * broker must not sit there without a ready line.
 */
export async function connectBroker(settings: GatewaySettings, instance: string, board: PresenceBoard, logger: Logger): Promise<GatewayBroker> {
  const user = settings.brokerUsername ?? 'anonymous';
  const waiting = new Map<string, { tid: string; settle: (answer: RelayAnswer | 'malformed') => void }>();
  const client: MqttClient = connect(settings.brokerUrl, {
    protocolVersion: 5,
    // Not the instance's name: a terminal sees that name in response topics and must not be able to take this connection over.
    clientId: `eposd-relay-${randomBytes(9).toString('hex')}`,
    username: settings.brokerUsername,
    password: settings.brokerPassword,
    ca: settings.brokerCa,
    cert: settings.brokerCert,
    key: settings.brokerKey,
    clean: true,
    reconnectPeriod: 1_000,
    connectTimeout: Math.min(10_000, settings.brokerConnectTimeoutMs),
  });
  let lastError = '';
  client.on('error', (err) => {
    lastError = err.message;
    logger.warn({ err: err.message }, 'broker connection failed');
  });
  client.on('connect', () => noDelay(client));
  client.on('message', (topic, payload, packet) => {
    const tid = tidOfTopic(topic);
    if (tid === undefined) return;
    if (topic.endsWith('/presence')) return board.update(tid, 'presence', payload);
    if (topic.endsWith('/seen')) return board.update(tid, 'seen', payload);
    const key = packet.properties?.correlationData?.toString('hex');
    const w = key === undefined ? undefined : waiting.get(key);
    // @NOTE The broker lets a terminal write only to responses/<its TID>: an answer for another terminal's request is refused here.
    if (!w || w.tid !== tid) return;
    w.settle(readAnswer(payload) ?? 'malformed');
  });
  const stop = () => client.endAsync(true).catch(() => undefined);
  const subscribed = new Promise<void>((resolve, reject) => {
    client.once('connect', () =>
      client.subscribe({ [PRESENCE_FILTER]: { qos: 1 }, [SEEN_FILTER]: { qos: 1 }, [responseFilter(user, instance)]: { qos: 1 } }, (err, granted) => {
        if (err) return reject(err);
        const refused = (granted ?? []).filter((g) => g.qos > 2);
        if (refused.length > 0) return reject(new Error(`the broker refused the subscriptions ${refused.map((g) => g.topic).join(', ')}: check the gateway's ACL`));
        // The retained presences arrive right after the subscription's acknowledgement.
        setTimeout(resolve, 200);
      }),
    );
  });
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const seconds = settings.brokerConnectTimeoutMs / 1000;
      reject(
        new Error(
          `the broker at ${redactUrl(settings.brokerUrl)} did not accept a connection within ${seconds} s${lastError ? ` (${lastError})` : ''}: check RELAY_BROKER_URL and the gateway's credentials`,
        ),
      );
    }, settings.brokerConnectTimeoutMs);
  });
  try {
    await Promise.race([subscribed, limit]);
  } catch (err) {
    await stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }

  return {
    get connected() {
      return client.connected;
    },
    ask(tid, payload, timeoutMs) {
      const correlation = randomBytes(16);
      const key = correlation.toString('hex');
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(key);
          resolve(undefined);
        }, timeoutMs);
        waiting.set(key, {
          tid,
          settle: (a) => {
            clearTimeout(timer);
            waiting.delete(key);
            resolve(a);
          },
        });
        client.publish(requestTopic(tid), payload, {
          qos: 1,
          // A request that waits at the broker longer than the POS does is dropped there, never run late.
          properties: { responseTopic: responseTopic(user, instance, tid), correlationData: correlation, messageExpiryInterval: Math.ceil(timeoutMs / 1000), contentType: 'application/json' },
        });
      });
    },
    stop,
  };
}
