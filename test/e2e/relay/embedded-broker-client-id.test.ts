import { readFileSync } from 'node:fs';
import { connect, type MqttClient } from 'mqtt';
import { parseAcl } from '../../../src/relay-gateway/broker-acl';
import { parsePasswords, passwordLine } from '../../../src/relay-gateway/broker-passwords';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../src/relay-gateway/embedded-broker';
import { ACL_FILE } from '../../helpers/mosquitto';

// The embedded broker (eposd-relay --embedded-broker) keeps a terminal's connection to the terminal, as
// the deployed Mosquitto does with use_username_as_clientid (mosquitto-config.test.ts).

const USERS = { '10000001': 'password-a', '10000002': 'password-b' };

function client(broker: EmbeddedBroker, username: string, clientId: string): Promise<MqttClient> {
  const c = connect(broker.url, { protocolVersion: 5, username, password: USERS[username as keyof typeof USERS], clientId, reconnectPeriod: 0, connectTimeout: 5_000 });
  return new Promise((resolve, reject) => {
    c.once('connect', () => resolve(c));
    c.once('error', (err) => {
      c.end(true);
      reject(err);
    });
  });
}

describe('The embedded broker', () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    const passwords = parsePasswords(
      Object.entries(USERS)
        .map(([u, p]) => passwordLine(u, p))
        .join('\n'),
    );
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, passwords, acl: parseAcl(readFileSync(ACL_FILE, 'utf8')) });
  });
  afterAll(() => broker?.close());

  it("refuses terminal B's credentials with terminal A's client id, and A stays connected", async () => {
    const a = await client(broker, '10000001', 'eposd-terminal');
    let closed = false;
    a.on('close', () => (closed = true));
    await expect(client(broker, '10000002', 'eposd-terminal')).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 300));
    expect(closed).toBe(false);
    expect(a.connected).toBe(true);
    a.end(true);
  });

  it('lets a terminal take its own session over with its own credentials (a reconnect)', async () => {
    const first = await client(broker, '10000001', 'eposd-again');
    const closedFirst = new Promise<void>((r) => first.once('close', () => r()));
    const second = await client(broker, '10000001', 'eposd-again');
    await closedFirst;
    expect(second.connected).toBe(true);
    second.end(true);
    first.end(true);
  });
});
