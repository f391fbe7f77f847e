import type { Socket } from 'node:net';
import type { MqttClient } from 'mqtt';

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

/**
 * Small packets leave at once: with Nagle's algorithm a request or an answer could wait some 40 ms for the
 * peer's delayed acknowledgement, at each hop (MQTT.js does not set it). The broker needs `set_tcp_nodelay true`.
 */
export function noDelay(client: MqttClient): void {
  (client.stream as Partial<Socket> | undefined)?.setNoDelay?.(true);
}

/** The broker's URL without a password in it, for the log. */
export const redactUrl = (url: string): string => url.replace(/\/\/[^@/]*@/, '//');
