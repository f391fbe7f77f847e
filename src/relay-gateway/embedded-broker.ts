import { randomBytes } from 'node:crypto';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Aedes, AedesOptions, Client } from 'aedes' with { 'resolution-mode': 'import' };
import type { Logger } from '../shared/logger';
import type { Acl } from './broker-acl';
import { parsePasswords, passwordLine, verifyPassword, type Passwords } from './broker-passwords';

/**
 * An MQTT 5 broker inside the process (aedes), for a laptop or one shop: `eposd-relay --embedded-broker`
 * runs it beside the gateway, and the relay's tests run against it. It applies the same password file
 * and ACL as the repository's Mosquitto configuration (deploy/mosquitto/); a fleet runs Mosquitto or a
 * clustered broker instead (docs/relay.md). aedes 2 is an ES module: loaded with import(), and only
 * when a broker is started.
 */

export interface EmbeddedBrokerOptions {
  host: string;
  /** 0: a free one. */
  port: number;
  /** TLS (mqtts://) with this key and certificate, as PEM texts; without: plain MQTT. */
  tls?: { key: string; cert: string };
  /** Who may connect; without: anyone, and no ACL (a test of the relay's own checks). */
  passwords?: Passwords;
  acl?: Acl;
  /** Also listen on a free loopback port, plain MQTT, for a gateway in this process (the user it names, with a password made now). */
  loopbackUser?: string;
  logger?: Logger;
}

export interface EmbeddedBroker {
  url: string;
  port: number;
  /** The loopback listener and its user's credentials, when `loopbackUser` was given. */
  loopback?: { url: string; username: string; password: string };
  close(): Promise<void>;
}

/** The largest packet, as deploy/mosquitto/mosquitto.conf's max_packet_size: a request is at most 32 KiB. */
const MAX_PACKET_BYTES = 1_048_576;

const listen = (server: Server, port: number, host: string) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });

const url = (scheme: string, host: string, port: number) => `${scheme}://${host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host}:${port}`;

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const loopbackPassword = randomBytes(24).toString('base64url');
  const passwords = options.passwords && new Map([...options.passwords, ...(options.loopbackUser ? parsePasswords(passwordLine(options.loopbackUser, loopbackPassword)) : [])]);
  // aedes keeps no user name on its client: what authenticate() accepted, for the ACL.
  const users = new WeakMap<Client, string | undefined>();
  const { acl } = options;
  const who = (client: Client) => ({ username: users.get(client), clientId: client.id });
  const hooks: AedesOptions = {
    maximumPacketSize: MAX_PACKET_BYTES,
    authenticate(client, username, password, done) {
      if (passwords && !verifyPassword(passwords, username, password)) {
        options.logger?.warn({ clientId: client.id }, 'embedded broker: a client was refused (user name or password)');
        return done(Object.assign(new Error('bad user name or password'), { returnCode: 4 as const }), false);
      }
      // @NOTE A connection with the client id of another user's connection is refused, where MQTT would
      // let it take the session over: terminal B's credentials must never knock terminal A off line
      // (Mosquitto gets the same from use_username_as_clientid on the terminals' listener).
      const holder = (broker as unknown as { clients: Record<string, Client | undefined> }).clients[client.id];
      if (holder && holder !== client && users.get(holder) !== username) {
        options.logger?.warn({ clientId: client.id }, "embedded broker: a client was refused (the client id of another user's connection)");
        return done(Object.assign(new Error('client id in use'), { returnCode: 2 as const }), false);
      }
      users.set(client, username);
      done(null, true);
    },
    // Writes are checked as they are published (a refused one gets reason code 0x87); reads on each
    // delivery, as Mosquitto 2 does: a subscription to another's topic is granted and never receives anything.
    authorizePublish(client, packet, done) {
      if (!acl || (client && acl.allows('write', packet.topic, who(client)))) return done(null);
      done(new Error('not authorised'));
    },
    authorizeForward(client, packet) {
      return !acl || acl.allows('read', packet.topic, who(client)) ? packet : null;
    },
  };
  const { Aedes } = await import('aedes');
  // The hooks above run only once a client connects, after this assignment.
  const broker: Aedes = await Aedes.createBroker(hooks);
  const handle = (socket: Parameters<Aedes['handle']>[0]) => {
    socket.on('error', () => undefined);
    broker.handle(socket);
  };
  const servers: Server[] = [];
  try {
    const main = options.tls ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, handle) : createTcpServer(handle);
    servers.push(main);
    const port = await listen(main, options.port, options.host);
    let loopback: EmbeddedBroker['loopback'];
    if (options.loopbackUser) {
      const local = createTcpServer(handle);
      servers.push(local);
      loopback = { url: url('mqtt', '127.0.0.1', await listen(local, 0, '127.0.0.1')), username: options.loopbackUser, password: loopbackPassword };
    }
    return { url: url(options.tls ? 'mqtts' : 'mqtt', options.host, port), port, loopback, close: () => close(broker, servers) };
  } catch (err) {
    await close(broker, servers);
    throw err;
  }
}

/** Stops listening, then closes every client (a server's close waits for its connections to end). */
async function close(broker: Aedes, servers: Server[]): Promise<void> {
  const closed = servers.map((s) => new Promise((resolve) => s.close(resolve)));
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await Promise.all(closed);
}
