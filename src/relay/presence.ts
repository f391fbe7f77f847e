import type { MqttClient } from 'mqtt';
import { statePayload } from './protocol';
import { presenceTopic, seenTopic } from './topics';

const HEARTBEAT_MS = 60_000;
const GOODBYE_TIMEOUT_MS = 2_000;

/**
 * The terminal's presence on the broker, retained: online with a heartbeat while connected, offline by
 * its goodbye on a stop, and by the broker's last will (`will`) when the connection is lost without one.
 */
export class RelayPresence {
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly tid: string,
    private readonly now: () => string,
    private readonly heartbeatMs = HEARTBEAT_MS,
  ) {}

  /** The last will to connect with: the broker's word once the connection is lost without a goodbye. */
  will() {
    return { topic: presenceTopic(this.tid), payload: this.payload(false, null), qos: 1 as const, retain: true };
  }

  /** Connected: online now, and again every heartbeat. */
  online(client: MqttClient): void {
    this.announce(client);
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => this.announce(client), this.heartbeatMs).unref();
  }

  /** The connection is gone: no heartbeat until the next. */
  offline(): void {
    clearInterval(this.heartbeat);
  }

  /** Offline, retained; a broker that does not acknowledge it must not hold the stop: its will says the same. */
  goodbye(client: MqttClient): Promise<void> {
    this.offline();
    return new Promise<void>((resolve) => {
      setTimeout(resolve, GOODBYE_TIMEOUT_MS).unref();
      client.publish(presenceTopic(this.tid), this.payload(false, this.now()), { qos: 1, retain: true }, () => resolve());
    });
  }

  private announce(client: MqttClient): void {
    const seen = this.now();
    client.publish(presenceTopic(this.tid), this.payload(true, seen), { qos: 1, retain: true });
    client.publish(seenTopic(this.tid), statePayload({ lastSeen: seen }), { qos: 1, retain: true });
  }

  private payload(online: boolean, lastSeen: string | null): Buffer {
    return statePayload({ tid: this.tid, online, lastSeen });
  }
}
