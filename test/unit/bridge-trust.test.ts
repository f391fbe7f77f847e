import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { acceptLinks, type Link } from '../../src/bridge/link';
import { distrust } from '../../src/bridge/socket-trust';
import type { AppContext } from '../../src/context';
import { testContext } from '../helpers/context';
import { makeTempDir } from '../helpers/process';
import { until } from '../helpers/until';

// Issue 25, defect 7: the payment app is authenticated before eposd believes it or sends it a payment.
// Over loopback TCP a process that bound the port first (another user, while the real app restarted)
// must learn nothing and be refused; over a Unix socket, a socket another user made, or one in a
// directory another user can write to, is refused, and diagnostics say why.

const SECRET = 'the-real-shared-secret-0123456789';
const NOBODY = 65534;

const servers: Server[] = [];
const contexts: AppContext[] = [];
afterEach(() => {
  contexts.splice(0).forEach((ctx) => ctx.destroy());
  servers.splice(0).forEach((s) => s.close());
});

/** A process that listens where the payment app should, says yes to every hello, and records what it is sent. */
function impostor(listen: (server: Server) => void): Promise<{ lines: string[]; links: Link[] }> {
  const lines: string[] = [];
  const links: Link[] = [];
  const server = createServer();
  servers.push(server);
  acceptLinks(server, (link) => {
    links.push(link);
    link.onLine((line) => {
      lines.push(line);
      const m = JSON.parse(line) as { type: string; id: string; protocols?: string[] };
      if (m.type === 'hello') {
        // It answers as an app would, in whatever protocol it is offered, with a made-up proof.
        link.send(
          JSON.stringify({ type: 'hello.ok', re: m.id, protocol: m.protocols![0], bridge: { name: 'impostor', version: '1' }, capabilities: [], nonce: 'a'.repeat(64), proof: 'b'.repeat(64) }),
        );
      } else if (m.type === 'hello.proof' || m.type === 'ping') link.send(JSON.stringify({ type: m.type === 'ping' ? 'pong' : 'ack', re: m.id }));
    });
  });
  return new Promise((resolve) => {
    server.once('listening', () => resolve({ lines, links }));
    listen(server);
  });
}

function terminal(env: NodeJS.ProcessEnv): AppContext {
  const { ctx } = testContext({ env: { EPOSD_DRIVER: 'bridge', ...env } });
  contexts.push(ctx);
  ctx.start();
  return ctx;
}

describe('Over loopback TCP', () => {
  it('When something else listens on the port, then it never sees the secret, is never believed, and is sent no payment', async () => {
    const fake = await impostor((s) => s.listen(0, '127.0.0.1'));
    const port = (servers[0]!.address() as { port: number }).port;
    const ctx = terminal({ EPOSD_BRIDGE_PORT: String(port), EPOSD_BRIDGE_SECRET: SECRET });
    await until('hello sent', () => fake.lines.some((l) => l.includes('"hello"')));
    expect(fake.lines.join('\n')).not.toContain(SECRET);
    await until('a second try', () => ctx.paymentApp!.client.counters.connectAttempts >= 2, 5000);
    expect(ctx.paymentApp!.client.connected).toBe(false);
    expect(ctx.paymentApp!.report().lastError).toMatch(/proof/i);
    expect(() => ctx.transactions.start({ transType: 'SALE', amountTrans: 1000 }, 'till-1', true)).toThrow(/payment application/);
    expect(fake.lines.filter((l) => /"type":"(payment|reversal|print)/.test(l))).toEqual([]);
  });
});

describe('Over a Unix socket', () => {
  async function socketIn(dirMode: number, owner?: number) {
    const base = makeTempDir('eposd-trust-');
    const dir = join(base, 'run');
    mkdirSync(dir);
    chmodSync(dir, dirMode);
    const path = join(dir, 'bridge.sock');
    const fake = await impostor((s) => s.listen(path));
    chmodSync(path, 0o600);
    if (owner !== undefined) chownSync(path, owner, owner);
    return { path, fake };
  }

  it('When another user owns the socket, then eposd refuses it and says why', async () => {
    const { path, fake } = await socketIn(0o700, NOBODY);
    const ctx = terminal({ EPOSD_BRIDGE_SOCKET: path });
    await until('the refusal noted', () => /owned by uid 65534/.test(ctx.paymentApp!.report().lastError ?? ''), 5000);
    expect(ctx.paymentApp!.client.connected).toBe(false);
    expect(fake.links).toHaveLength(0);
  });

  it('When a directory above the socket is writable by another user, then eposd refuses it and says why', async () => {
    const { path, fake } = await socketIn(0o777);
    const ctx = terminal({ EPOSD_BRIDGE_SOCKET: path });
    await until('the refusal noted', () => /writable by other users/.test(ctx.paymentApp!.report().lastError ?? ''), 5000);
    expect(ctx.paymentApp!.client.connected).toBe(false);
    expect(fake.links).toHaveLength(0);
  });

  it('When the socket and the directories above it are its own user’s (or root’s), then eposd connects', async () => {
    const { path, fake } = await socketIn(0o700);
    const ctx = terminal({ EPOSD_BRIDGE_SOCKET: path });
    await until('connected', () => ctx.paymentApp!.client.connected, 5000);
    expect(fake.links).toHaveLength(1);
  });
});

describe('Which sockets eposd trusts (the rule, on the owners and modes)', () => {
  const me = 1000;
  const dirs = (...owned: { uid: number; mode: number }[]) => owned.map((o, i) => ({ path: `/d${i}`, owned: o }));
  const mine = { uid: me, mode: 0o600 };

  it('When the socket and every directory above are eposd’s user’s or root’s and no one else can write them, then it is trusted', () => {
    expect(distrust('/run/eposd/bridge.sock', mine, dirs({ uid: me, mode: 0o700 }, { uid: 0, mode: 0o755 }), me)).toBeUndefined();
  });

  it('When a directory above is world-writable but sticky (/tmp), then the socket is trusted only if it is eposd’s user’s own', () => {
    expect(distrust('/tmp/bridge.sock', mine, dirs({ uid: 0, mode: 0o1777 }), me)).toBeUndefined();
    expect(distrust('/tmp/bridge.sock', { uid: 65534, mode: 0o600 }, dirs({ uid: 0, mode: 0o1777 }), me)).toMatch(/owned by uid 65534/);
  });

  it('When the socket is writable by others, or a directory is another user’s or writable by others without the sticky bit, then it is refused', () => {
    expect(distrust('/s', { uid: me, mode: 0o666 }, [], me)).toMatch(/socket \/s is writable by other users \(mode 0666\)/);
    expect(distrust('/s', mine, dirs({ uid: 4242, mode: 0o700 }), me)).toMatch(/\/d0, above the socket, is owned by uid 4242/);
    expect(distrust('/s', mine, dirs({ uid: me, mode: 0o770 }), me)).toMatch(/writable by other users \(mode 0770\)/);
  });
});
