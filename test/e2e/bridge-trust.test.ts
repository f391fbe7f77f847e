import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { unixConnector, type Link } from '../../src/bridge/link';
import { PROTOCOL } from '../../src/bridge/protocol';
import { BRIDGE_SIM, startBridgeSim, stopBridgeSims } from '../helpers/bridge-sim';
import { cleanupEposd, makeTempDir, ROOT, startEposd } from '../helpers/process';

// Issue 25, defects 7 and 9, with the real processes: eposd-bridge-sim's socket is its user's alone
// whatever the umask, and it serves one eposd at a time; eposd's ready line says whether the payment
// app is there.

afterAll(async () => {
  await stopBridgeSims();
  await cleanupEposd();
});

/** The lines a link receives, and a way to wait for the next one. */
function reader(link: Link) {
  const lines: string[] = [];
  let closed = false;
  link.onLine((l) => lines.push(l));
  link.onClose(() => (closed = true));
  const next = async (timeoutMs = 5000) => {
    for (const deadline = Date.now() + timeoutMs; lines.length === 0;) {
      if (Date.now() > deadline) throw new Error('no line in time');
      await new Promise((r) => setTimeout(r, 10));
    }
    return JSON.parse(lines.shift()!) as Record<string, unknown>;
  };
  return { next, closed: () => closed };
}

const hello = (id: string) => JSON.stringify({ type: 'hello', id, protocols: [PROTOCOL], client: { name: 'test', version: '1' }, nonce: 'c'.repeat(64) });

describe('eposd-bridge-sim', () => {
  it('creates its socket 0600 even under umask 000', async () => {
    const socket = join(makeTempDir('eposd-umask-'), 'bridge.sock');
    const child = spawn('/bin/sh', ['-c', `umask 000; exec "${process.execPath}" "${BRIDGE_SIM}" --socket "${socket}"`], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (l) => l.startsWith('eposd-bridge-sim ready') && resolve());
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      expect((statSync(socket).mode & 0o777).toString(8)).toBe('600');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('serves one eposd at a time: a second client saying hello is refused and closed, the first keeps its link', async () => {
    const socket = join(makeTempDir('eposd-one-'), 'bridge.sock');
    await startBridgeSim(['--socket', socket]);
    const first = await unixConnector(socket)();
    const a = reader(first);
    first.send(hello('h1'));
    expect(await a.next()).toMatchObject({ type: 'hello.ok', re: 'h1' });
    const second = await unixConnector(socket)();
    const b = reader(second);
    second.send(hello('h2'));
    expect(await b.next()).toMatchObject({ type: 'error', re: 'h2', code: 'ALREADY_CONNECTED' });
    for (const deadline = Date.now() + 2000; !b.closed() && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 10));
    expect(b.closed()).toBe(true);
    first.send(JSON.stringify({ type: 'ping', id: 'p1' }));
    expect(await a.next()).toMatchObject({ type: 'pong', re: 'p1' });
    first.close();
  });
});

describe('eposd’s ready line', () => {
  it('says the payment app is not there yet when nothing listens on the socket, and READY once it is', async () => {
    const dir = makeTempDir('eposd-ready-');
    const socket = join(dir, 'bridge.sock');
    const alone = await startEposd({ env: { EPOSD_DRIVER: 'bridge', EPOSD_BRIDGE_SOCKET: socket } });
    expect(alone.stdout().find((l) => l.startsWith('eposd ready'))).toMatch(/ paymentApp=(CONNECTING|DISCONNECTED)$/);
    // The app serves one eposd at a time: this one goes before the app comes.
    await alone.stop();
    await startBridgeSim(['--socket', socket]);
    const waited = await startEposd({ env: { EPOSD_DRIVER: 'bridge', EPOSD_BRIDGE_SOCKET: socket, EPOSD_BRIDGE_WAIT_MS: '10000' } });
    expect(waited.stdout().find((l) => l.startsWith('eposd ready'))).toMatch(/ paymentApp=READY$/);
  });
});
