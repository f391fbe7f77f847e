import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { port } from '../config/parsers';
import type { Logger } from '../shared/logger';
import { parseAcl } from './broker-acl';
import { parsePasswords, passwordLine } from './broker-passwords';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker';
import type { GatewaySettings } from './settings';
import { GatewaySettingsError } from './settings';

/**
 * `eposd-relay --embedded-broker`: the gateway runs its own MQTT 5 broker, for a laptop or one shop
 * (docs/relay.md, "A relay with nothing installed"). Terminals connect to it over TLS with the gateway's
 * own certificate (EPOSD_RELAY_CA=relay-certs/cert.pem), as users of a Mosquitto password file, under
 * the repository's ACL; the gateway itself connects on a loopback listener with a password made at
 * start. `eposd-relay --add-broker-user <name>` adds a user to that file. A fleet runs Mosquitto or a
 * clustered broker instead.
 */

export const EMBEDDED_BROKER_FLAG = '--embedded-broker';
export const ADD_USER_FLAG = '--add-broker-user';

export const EMBEDDED_VARIABLES = {
  RELAY_BROKER_PORT: `with ${EMBEDDED_BROKER_FLAG}: its MQTT over TLS port (default 8883)`,
  RELAY_BROKER_PASSWORDS: `with ${EMBEDDED_BROKER_FLAG}: its users, a Mosquitto password file (default ./relay-passwords)`,
  RELAY_BROKER_ACL: `with ${EMBEDDED_BROKER_FLAG}: its ACL, in Mosquitto's format (default: the package's deploy/mosquitto/acl)`,
} as const;

/** The ACL every eposd relay deployment starts from, shipped with the package. */
const REPOSITORY_ACL = join(__dirname, '..', '..', 'deploy', 'mosquitto', 'acl');

const passwordsFile = (env: NodeJS.ProcessEnv) => env.RELAY_BROKER_PASSWORDS || './relay-passwords';

export interface EmbeddedSettings {
  port: number;
  passwordsFile: string;
  aclFile: string;
}

export function readEmbeddedSettings(env: NodeJS.ProcessEnv): EmbeddedSettings {
  const problems: string[] = [];
  if (env.RELAY_BROKER_URL) problems.push(`RELAY_BROKER_URL names a broker, and ${EMBEDDED_BROKER_FLAG} runs one: give one or the other`);
  let brokerPort = 8883;
  try {
    if (env.RELAY_BROKER_PORT) brokerPort = port(env.RELAY_BROKER_PORT);
  } catch (err) {
    problems.push(`RELAY_BROKER_PORT ${(err as Error).message}`);
  }
  const settings = { port: brokerPort, passwordsFile: passwordsFile(env), aclFile: env.RELAY_BROKER_ACL || REPOSITORY_ACL };
  if (!existsSync(settings.passwordsFile)) problems.push(`RELAY_BROKER_PASSWORDS: ${settings.passwordsFile} does not exist: add a user for each terminal with eposd-relay ${ADD_USER_FLAG} <TID>`);
  if (problems.length > 0) throw new GatewaySettingsError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return settings;
}

/** The environment readGatewaySettings sees: the broker's URL is the embedded broker's, given at start. */
export const withEmbeddedBrokerUrl = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...env, RELAY_BROKER_URL: 'mqtt://127.0.0.1' });

export async function startEmbedded(
  settings: EmbeddedSettings,
  gateway: GatewaySettings & { key: string; cert: string },
  logger: Logger,
): Promise<{ broker: EmbeddedBroker; connection: Partial<GatewaySettings> }> {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      throw new GatewaySettingsError(`${what} cannot be read: ${file}`);
    }
  };
  const parse = <T>(parser: (t: string) => T, file: string, what: string): T => {
    try {
      return parser(read(file, what));
    } catch (err) {
      throw err instanceof GatewaySettingsError ? err : new GatewaySettingsError(`${what} ${file}: ${(err as Error).message}`);
    }
  };
  const broker = await startEmbeddedBroker({
    host: gateway.host,
    port: settings.port,
    tls: { key: gateway.key, cert: gateway.cert },
    passwords: parse(parsePasswords, settings.passwordsFile, 'RELAY_BROKER_PASSWORDS'),
    acl: parse(parseAcl, settings.aclFile, 'RELAY_BROKER_ACL'),
    loopbackUser: gateway.brokerUsername ?? 'relay',
    logger,
  });
  const { url, username, password } = broker.loopback!;
  return { broker, connection: { brokerUrl: url, brokerUsername: username, brokerPassword: password, brokerCa: undefined, brokerCert: undefined, brokerKey: undefined } };
}

/** `eposd-relay --add-broker-user <name>`: a new password for that user (a terminal: its TID), printed once; its hash replaces the user's line in the file. */
export function addBrokerUser(env: NodeJS.ProcessEnv, user: string | undefined): string {
  if (user === undefined || !/^[A-Za-z0-9_.-]{1,64}$/.test(user))
    throw new GatewaySettingsError(`${ADD_USER_FLAG} takes a user name: a terminal's TID, or the gateway's (1 to 64 letters, digits, dots, dashes or underscores)`);
  const file = passwordsFile(env);
  const kept = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '' && !line.startsWith(`${user}:`))
    : [];
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, `${[...kept, passwordLine(user, password)].join('\n')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return password;
}
