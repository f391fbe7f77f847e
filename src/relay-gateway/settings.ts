import { readFileSync } from 'node:fs';
import { integer, listenAddress, pattern, port, text } from '../config/parsers';

/** What `eposd-relay` is started with, from its environment (docs/relay.md, "The gateway"). */
export interface GatewaySettings {
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
  /** Empty: open to anyone (a warning at start). */
  apiKeys: string[];
  timeoutMs: number;
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
  RELAY_API_KEYS: 'API keys of the POS platforms allowed, comma separated (X-Api-Key); unset: open',
  RELAY_TIMEOUT_MS: "ms to wait for a terminal's answer (default 30000; a long poll gets its wait on top)",
  RELAY_INSTANCE: "this instance's name in its response topic (default: random)",
} as const;

export const gatewayHelp = (): string =>
  Object.entries(VARIABLES)
    .map(([name, what]) => `  ${name.padEnd(24)} ${what}`)
    .join('\n');

export function readGatewaySettings(env: NodeJS.ProcessEnv): GatewaySettings {
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
  if (brokerUrl === undefined && !problems.some((p) => p.startsWith('RELAY_BROKER_URL'))) problems.push('RELAY_BROKER_URL is required: the MQTT 5 broker the terminals connect to');
  const settings: GatewaySettings = {
    port: read('RELAY_PORT', port) ?? 9443,
    host: read('RELAY_HOST', listenAddress) ?? '0.0.0.0',
    brokerUrl: brokerUrl ?? '',
    brokerUsername: read('RELAY_BROKER_USERNAME', text(256)),
    brokerPassword: read('RELAY_BROKER_PASSWORD', text(256)),
    brokerCa: file('RELAY_BROKER_CA'),
    brokerCert: file('RELAY_BROKER_CERT'),
    brokerKey: file('RELAY_BROKER_KEY'),
    tlsKey: file('RELAY_TLS_KEY'),
    tlsCert: file('RELAY_TLS_CERT'),
    certDir: read('RELAY_CERT_DIR', text(4096)) ?? './relay-certs',
    apiKeys: (env.RELAY_API_KEYS ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k.length > 0),
    timeoutMs: read('RELAY_TIMEOUT_MS', integer(1_000, 600_000)) ?? 30_000,
    instance: read('RELAY_INSTANCE', pattern(/^[A-Za-z0-9_-]{1,32}$/, '1 to 32 letters, digits, dashes or underscores')),
  };
  if ((settings.tlsKey === undefined) !== (settings.tlsCert === undefined)) problems.push('RELAY_TLS_KEY and RELAY_TLS_CERT go together: give both, or neither for a generated certificate');
  if (problems.length > 0) throw new GatewaySettingsError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return settings;
}
