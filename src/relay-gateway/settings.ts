import { readFileSync } from 'node:fs';
import { integer, listenAddress, pattern, port, text } from '../config/parsers';
import type { ConnectionLimits } from './abuse';
import { parseApiKeys } from './api-keys';

/** A name that goes into topic names as one level: never a wildcard or a level separator. */
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** What `eposd-relay` is started with, from its environment and flags (docs/relay.md, "The gateway"). */
export interface GatewaySettings extends ConnectionLimits {
  port: number;
  host: string;
  brokerUrl: string;
  brokerUsername?: string;
  brokerPassword?: string;
  /** PEM texts, read from the files the environment names. */
  brokerCa?: string;
  brokerCert?: string;
  brokerKey?: string;
  tlsKey?: string;
  tlsCert?: string;
  /** Where a generated key and certificate are kept when RELAY_TLS_KEY/RELAY_TLS_CERT are not given. */
  certDir: string;
  /** RELAY_API_KEYS's entries, `key` or `key:scope` (api-keys.ts). Empty only with `open`. */
  apiKeys: string[];
  /** --open: no API keys, anyone who reaches the gateway may use it (said at start). */
  open: boolean;
  timeoutMs: number;
  /** How long the start waits for the broker before it gives up with an error. */
  brokerConnectTimeoutMs: number;
  /** This instance's name in its response topic; a random one by default. */
  instance?: string;
}

export class GatewaySettingsError extends Error {}

const VARIABLES = {
  RELAY_PORT: 'HTTPS port (default 9443; 0 takes a free one)',
  RELAY_HOST: 'address to listen on (default 0.0.0.0)',
  RELAY_BROKER_URL: 'the MQTT 5 broker, mqtts:// or mqtt:// (required)',
  RELAY_BROKER_USERNAME: "the gateway's user name at the broker",
  RELAY_BROKER_PASSWORD: "the gateway's password at the broker",
  RELAY_BROKER_CA: "CA certificate (PEM file) of the broker's certificate",
  RELAY_BROKER_CERT: 'client certificate (PEM file) for the broker',
  RELAY_BROKER_KEY: "the client certificate's key (PEM file)",
  RELAY_TLS_KEY: "the gateway's own HTTPS key (PEM file)",
  RELAY_TLS_CERT: "the gateway's own HTTPS certificate (PEM file)",
  RELAY_CERT_DIR: 'where a generated key and certificate are kept (default ./relay-certs)',
  RELAY_API_KEYS: 'API keys of the POS platforms (X-Api-Key), comma separated, each at least 32 characters, optionally key:TID|TID|PREFIX* (required unless --open)',
  RELAY_TIMEOUT_MS: "ms to wait for a terminal's answer (default 30000; a long poll gets its wait on top)",
  RELAY_BROKER_CONNECT_TIMEOUT_MS: 'ms the start waits for the broker before it exits with an error (default 15000)',
  RELAY_MAX_CONNECTIONS: 'open HTTPS connections at most (default 1024)',
  RELAY_MAX_CONNECTIONS_PER_ADDRESS: 'open HTTPS connections at most from one address (default 64)',
  RELAY_HEADERS_TIMEOUT_MS: "ms a request's headers may take (default 10000)",
  RELAY_BODY_TIMEOUT_MS: "ms a request's body may take once its headers came (default 10000)",
  RELAY_IDLE_TIMEOUT_MS: 'ms an idle kept-alive connection stays open (default 5000)',
  RELAY_INSTANCE: "this instance's name in its response topic (default: random)",
} as const;

export const gatewayHelp = (): string =>
  Object.entries(VARIABLES)
    .map(([name, what]) => `  ${name.padEnd(24)} ${what}`)
    .join('\n');

/** `argv`: --open (no API keys); --print-fingerprint (only the certificate's settings are needed). */
export function readGatewaySettings(env: NodeJS.ProcessEnv, argv: readonly string[] = []): GatewaySettings {
  const open = argv.includes('--open');
  const certificateOnly = argv.includes('--print-fingerprint');
  const problems: string[] = [];
  const read = <T>(name: keyof typeof VARIABLES, parse: (raw: string) => T): T | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    try {
      return parse(raw);
    } catch (err) {
      problems.push(`${name} ${(err as Error).message}`);
      return undefined;
    }
  };
  const file = (name: keyof typeof VARIABLES) =>
    read(name, (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        throw new Error(`names a file that cannot be read: ${path}`);
      }
    });
  const brokerUrl = read('RELAY_BROKER_URL', pattern(/^mqtts?:\/\/\S+$/, 'an mqtts:// or mqtt:// URL'));
  if (!certificateOnly && brokerUrl === undefined && !problems.some((p) => p.startsWith('RELAY_BROKER_URL'))) problems.push('RELAY_BROKER_URL is required: the MQTT 5 broker the terminals connect to');
  const apiKeys = (env.RELAY_API_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
  try {
    parseApiKeys(apiKeys);
  } catch (err) {
    problems.push(`RELAY_API_KEYS: ${(err as Error).message}`);
  }
  if (!certificateOnly && apiKeys.length === 0 && !open) {
    problems.push(
      'RELAY_API_KEYS is not set: the gateway would let anyone who reaches it use the relay. Give the POS platforms keys of at least 32 characters, or start with --open to run it open on purpose',
    );
  }
  if (apiKeys.length > 0 && open) problems.push('--open and RELAY_API_KEYS do not go together: give keys, or --open');
  const settings: GatewaySettings = {
    port: read('RELAY_PORT', port) ?? 9443,
    host: read('RELAY_HOST', listenAddress) ?? '0.0.0.0',
    brokerUrl: brokerUrl ?? '',
    // The user name goes into the gateway's response topics: never a wildcard or a level separator.
    brokerUsername: read('RELAY_BROKER_USERNAME', pattern(TOPIC_NAME, '1 to 64 letters, digits, dots, dashes or underscores (it goes into topic names)')),
    brokerPassword: read('RELAY_BROKER_PASSWORD', text(256)),
    brokerCa: file('RELAY_BROKER_CA'),
    brokerCert: file('RELAY_BROKER_CERT'),
    brokerKey: file('RELAY_BROKER_KEY'),
    tlsKey: file('RELAY_TLS_KEY'),
    tlsCert: file('RELAY_TLS_CERT'),
    certDir: read('RELAY_CERT_DIR', text(4096)) ?? './relay-certs',
    apiKeys,
    open,
    timeoutMs: read('RELAY_TIMEOUT_MS', integer(1_000, 600_000)) ?? 30_000,
    brokerConnectTimeoutMs: read('RELAY_BROKER_CONNECT_TIMEOUT_MS', integer(100, 600_000)) ?? 15_000,
    maxConnections: read('RELAY_MAX_CONNECTIONS', integer(1, 1_000_000)) ?? 1024,
    maxConnectionsPerAddress: read('RELAY_MAX_CONNECTIONS_PER_ADDRESS', integer(1, 1_000_000)) ?? 64,
    headersTimeoutMs: read('RELAY_HEADERS_TIMEOUT_MS', integer(100, 600_000)) ?? 10_000,
    bodyTimeoutMs: read('RELAY_BODY_TIMEOUT_MS', integer(100, 600_000)) ?? 10_000,
    idleTimeoutMs: read('RELAY_IDLE_TIMEOUT_MS', integer(100, 600_000)) ?? 5_000,
    instance: read('RELAY_INSTANCE', pattern(/^[A-Za-z0-9_-]{1,32}$/, '1 to 32 letters, digits, dashes or underscores')),
  };
  if ((settings.tlsKey === undefined) !== (settings.tlsCert === undefined)) problems.push('RELAY_TLS_KEY and RELAY_TLS_CERT go together: give both, or neither for a generated certificate');
  if (problems.length > 0) throw new GatewaySettingsError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return settings;
}
