import { readFileSync } from 'node:fs';
import { parseAcl } from '../../src/relay-gateway/broker-acl';
import { parsePasswords, passwordLine } from '../../src/relay-gateway/broker-passwords';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/relay-gateway/embedded-broker';
import { ACL_FILE, startMosquitto, type Broker, type BrokerOptions } from './mosquitto';

// The relay's tests run against an MQTT 5 broker from npm, in this process (aedes, as eposd-relay
// --embedded-broker runs it), or with EPOSD_TEST_BROKER=mosquitto against Debian's Mosquitto (.ci/run
// runs both). Either way: the users given, the repository's ACL (deploy/mosquitto/acl), 127.0.0.1, a
// free port that restart() keeps.

export type { Broker, BrokerOptions };
export { freePort } from './mosquitto';

/** Which broker the relay's tests use: `embedded` (the default) or `mosquitto`. */
export const TEST_BROKER = process.env.EPOSD_TEST_BROKER === 'mosquitto' ? 'mosquitto' : 'embedded';

export function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  return TEST_BROKER === 'mosquitto' ? startMosquitto(options) : startAedes(options);
}

async function startAedes(options: BrokerOptions): Promise<Broker> {
  const users =
    options.users &&
    parsePasswords(
      Object.entries(options.users)
        .map(([user, password]) => passwordLine(user, password))
        .join('\n'),
    );
  const acl = users && parseAcl(readFileSync(ACL_FILE, 'utf8'));
  let port = 0;
  let running: EmbeddedBroker | undefined;
  const start = async () => {
    running = await startEmbeddedBroker({ host: '127.0.0.1', port, tls: options.tls, passwords: users, acl });
    port = running.port;
  };
  const stop = async () => {
    await running?.close();
    running = undefined;
  };
  await start();
  return {
    url: running!.url,
    port,
    start,
    stop,
    async restart() {
      await stop();
      await start();
    },
    close: stop,
  };
}
