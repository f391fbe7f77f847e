import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { onPath } from './programs';

// A real Mosquitto (Debian's package) for the relay's tests when EPOSD_TEST_BROKER=mosquitto (broker.ts): its own configuration, users and the
// repository's ACL (deploy/mosquitto/acl), on 127.0.0.1 and a free port. `restart()` keeps the port.

export const ACL_FILE = resolve(__dirname, '../../deploy/mosquitto/acl');

export interface BrokerOptions {
  /** User name → password; none: anonymous clients allowed, no ACL. */
  users?: Record<string, string>;
  /** A TLS listener with this key and certificate (PEM texts) instead of plain MQTT. */
  tls?: { key: string; cert: string };
}

export interface Broker {
  url: string;
  port: number;
  /** Stops the process (start() starts it again, on the same port). */
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it for good and removes its directory. */
  close(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolveOpen) => {
    const socket = connectTcp(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolveOpen(true);
    });
    socket.once('error', () => resolveOpen(false));
  });
}

export async function startMosquitto(options: BrokerOptions = {}): Promise<Broker> {
  for (const program of ['mosquitto', ...(options.users ? ['mosquitto_passwd'] : [])]) {
    if (!onPath(program)) throw new Error(`EPOSD_TEST_BROKER=mosquitto needs Debian's ${program} on PATH (apt-get install mosquitto)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'eposd-mosquitto-'));
  const port = await freePort();
  const lines = [`listener ${port} 127.0.0.1`, 'set_tcp_nodelay true', 'persistence false', 'log_dest stderr', 'log_type error', 'log_type warning'];
  // Started as root (CI, a container), Mosquitto would become the user mosquitto, who cannot read this directory.
  if (process.getuid?.() === 0) lines.push('user root');
  if (options.users) {
    const passwords = join(dir, 'passwords');
    writeFileSync(passwords, '');
    for (const [user, password] of Object.entries(options.users)) execFileSync('mosquitto_passwd', ['-b', passwords, user, password]);
    copyFileSync(ACL_FILE, join(dir, 'acl'));
    lines.push('allow_anonymous false', `password_file ${passwords}`, `acl_file ${join(dir, 'acl')}`);
  } else {
    lines.push('allow_anonymous true');
  }
  if (options.tls) {
    writeFileSync(join(dir, 'broker.key'), options.tls.key, { mode: 0o600 });
    writeFileSync(join(dir, 'broker.crt'), options.tls.cert);
    lines.push(`certfile ${join(dir, 'broker.crt')}`, `keyfile ${join(dir, 'broker.key')}`);
  }
  writeFileSync(join(dir, 'mosquitto.conf'), `${lines.join('\n')}\n`);
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const stderr: string[] = [];

  const start = async () => {
    const c = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    c.stderr.on('data', (d: Buffer) => stderr.push(d.toString()));
    exited = new Promise((r) => c.once('exit', () => r()));
    const deadline = Date.now() + 10_000;
    while (!(await accepting(port))) {
      if (c.exitCode !== null || Date.now() > deadline) throw new Error(`mosquitto did not start: ${stderr.join('')}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const stop = async () => {
    child?.kill('SIGTERM');
    await exited;
    child = undefined;
  };
  try {
    await start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `${options.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    port,
    start,
    async stop() {
      await stop();
    },
    async restart() {
      await stop();
      await start();
    },
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
