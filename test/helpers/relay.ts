import { connect, type MqttClient } from 'mqtt';
import { BASE_PATH } from '../../src/app';
import { startGateway, type RunningGateway } from '../../src/relay-gateway/gateway';
import { readGatewaySettings, type GatewaySettings } from '../../src/relay-gateway/settings';
import { loadOrCreateCertificate } from '../../src/tls/certificate';
import { silentLogger } from '../../src/shared/logger';
import { RelaySigner } from '../../src/client/relay';
import type { PairedTerminal } from '../../src/client';
import { httpsJson, type HttpAnswer, type HttpOptions } from './http';
import type { Broker } from './broker';
import { makeTempDir } from './process';

// The relay's gateway in the test process, and requests through it as a POS platform sends them.

export const API_KEY = 'test-platform-key-0123456789abcdefgh';
export const GATEWAY_USER = { relay: 'gateway-secret' };

let certificate: Promise<{ key: string; cert: string }> | undefined;
const gatewayCertificate = () => (certificate ??= loadOrCreateCertificate(makeTempDir('eposd-relay-cert-'), ['127.0.0.1', 'localhost'], { inProcess: true }));

export async function testGateway(broker: Broker, settings: Partial<GatewaySettings> = {}): Promise<RunningGateway> {
  const { key, cert } = await gatewayCertificate();
  // The command's own defaults (its timeouts and limits), then the test's.
  const defaults = readGatewaySettings({ RELAY_BROKER_URL: broker.url, RELAY_API_KEYS: API_KEY });
  return startGateway({ ...defaults, port: 0, host: '127.0.0.1', brokerUsername: 'relay', brokerPassword: GATEWAY_USER.relay, certDir: '', timeoutMs: 20_000, key, cert, ...settings }, silentLogger);
}

/** A request to a terminal's API through the gateway, with the platform's API key. */
export function viaRelay<T = unknown>(gateway: RunningGateway, tid: string, path: string, options: HttpOptions = {}): Promise<HttpAnswer<T>> {
  return httpsJson<T>(`${gateway.url}/terminals/${tid}${BASE_PATH}${path}`, { ...options, headers: { 'x-api-key': API_KEY, ...options.headers } });
}

/** A bare MQTT 5 client, for what neither eposd nor the gateway would do (a duplicate, a peek at another's topic). */
export function mqttClient(broker: Broker, username?: string, password?: string): Promise<MqttClient> {
  const client = connect(broker.url, { protocolVersion: 5, username, password, reconnectPeriod: 0, clientId: `test-${Math.random().toString(16).slice(2)}` });
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

/**
 * A request to a terminal's API through the gateway as the client library sends it: signed with the
 * relay key of `paired` (a terminal paired through the relay), with no token.
 */
export function signedViaRelay<T = unknown>(gateway: RunningGateway, paired: PairedTerminal, path: string, options: HttpOptions = {}): Promise<HttpAnswer<T>> {
  const signer = new RelaySigner(paired.tid, paired.registerId, paired.relay!);
  const body = options.body === undefined ? '' : JSON.stringify(options.body);
  const { headers } = signer.sign(options.method ?? 'GET', `${BASE_PATH}${path}`, body ? 'application/json' : '', body, path);
  return viaRelay<T>(gateway, paired.tid, path, { ...options, headers: { ...headers, ...options.headers } });
}
