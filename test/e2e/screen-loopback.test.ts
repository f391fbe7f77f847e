import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { cleanupEposd, startEposd, type EposdProcess } from '../helpers/process';
import { httpsJson } from '../helpers/http';

/** Connects and resolves 'connected' or the error code: nothing is sent. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolveResult) => {
    const socket = connect({ host, port });
    socket.setTimeout(5000, () => {
      socket.destroy();
      resolveResult('TIMEOUT');
    });
    socket.once('connect', () => {
      socket.destroy();
      resolveResult('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolveResult(err.code ?? 'ERROR'));
  });
}

/** The local addresses of the sockets listening on `port`, from /proc/net/tcp and tcp6 (Linux). */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let table: string;
    try {
      table = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const row of table.trim().split('\n').slice(1)) {
      const [, local, , state] = row.trim().split(/\s+/);
      const [addr, p] = local!.split(':');
      if (state === '0A' && p === hexPort)
        out.push(
          file.endsWith('6')
            ? `v6:${addr}`
            : addr!
                .match(/../g)!
                .reverse()
                .map((b) => parseInt(b, 16))
                .join('.'),
        );
    }
  }
  return out;
}

const nonLoopback = Object.values(networkInterfaces())
  .flat()
  .filter((a) => a && !a.internal && a.family === 'IPv4')
  .map((a) => a!.address);
const onLinux = (() => {
  try {
    readFileSync('/proc/net/tcp');
    return true;
  } catch {
    return false;
  }
})();

describe('the screen port', () => {
  let eposd: EposdProcess;
  let port: number;
  beforeAll(async () => {
    eposd = await startEposd({ env: { EPOSD_HOST: '0.0.0.0' } });
    port = Number(new URL(eposd.screenUrl).port);
  });
  afterAll(cleanupEposd);

  it('answers on 127.0.0.1', async () => {
    expect((await httpsJson(`http://127.0.0.1:${port}/screen`)).status).toBe(200);
  });

  (onLinux ? it : it.skip)('listens on 127.0.0.1 and nothing else', () => {
    expect(listeningAddresses(port)).toEqual(['127.0.0.1']);
  });

  (nonLoopback.length > 0 ? it : it.skip)(`refuses connections on this machine's other addresses (${nonLoopback.join(', ')})`, async () => {
    const apiPort = Number(new URL(eposd.apiUrl).port);
    for (const address of nonLoopback) {
      // The API, which listens on every interface, is reachable there: the address itself works.
      expect(await tryConnect(address, apiPort)).toBe('connected');
      expect(await tryConnect(address, port)).toBe('ECONNREFUSED');
    }
  });
});
