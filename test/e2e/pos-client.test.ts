import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { createServer, type Server } from 'node:tls';
import { CertificateChangedError, EposdClient, TerminalStore, newUti, type PairedTerminal, type StreamEvent } from '../../src/client';
import { loadOrCreateCertificate } from '../../src/tls/certificate';
import { cleanupEposd, makeTempDir, startEposd, type EposdProcess } from '../helpers/process';
import { endpointOf, pairingCode, QUICK_SIMULATOR_ENV } from '../helpers/pos';
import { until } from '../helpers/until';
import { stringMatching } from '../helpers/matchers';

/** Drops the answer on the first connection: the request reaches the terminal, its answer never reaches the client. */
function loseFirstAnswer() {
  let connections = 0;
  let lost = 0;
  const wrapSocket = (socket: Duplex): Duplex => {
    if (connections++ > 0) return socket;
    const wrapped = new Duplex({
      write: (chunk, encoding, done) => void socket.write(chunk, encoding, done),
      read: () => undefined,
    });
    socket.on('data', () => {
      lost += 1;
      socket.destroy();
      wrapped.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    });
    return wrapped;
  };
  return { wrapSocket, lost: () => lost };
}

describe('The POS client library against a real eposd over HTTPS', () => {
  let eposd: EposdProcess;
  let configPath: string;
  let client: EposdClient;
  let paired: PairedTerminal;
  beforeAll(async () => {
    eposd = await startEposd({ env: QUICK_SIMULATOR_ENV });
    configPath = join(makeTempDir('eposd-pos-'), 'pos', 'terminals.json');
    client = new EposdClient({ configPath });
    paired = await client.pair({ ...endpointOf(eposd), code: await pairingCode(eposd), registerId: 'till-lib', registerName: 'Library till' });
  });
  afterAll(cleanupEposd);

  it('when it pairs with the code on the screen, then it pins the key fingerprint the terminal presented and keeps the token in a file only its owner can read', () => {
    expect(paired).toMatchObject({ tid: eposd.tid, registerId: 'till-lib', fingerprint: eposd.fingerprint, authToken: stringMatching(/\S{20,}/) });
    expect(statSync(configPath).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(configPath, 'utf8')) as { terminals: PairedTerminal[] };
    expect(stored.terminals).toEqual([paired]);
  });

  it('when it takes a sale, then the event stream shows its stages and the long-poll brings the approved outcome with receipts', async () => {
    const stop = new AbortController();
    const seen: StreamEvent[] = [];
    let opened!: () => void;
    const open = new Promise<void>((r) => (opened = r));
    const watching = (async () => {
      for await (const e of client.events({ signal: stop.signal, onOpen: opened })) seen.push(e);
    })();
    await open;

    const ack = await client.sale(1250, { reference: 'lib-sale' });
    expect(ack).toEqual({ transType: 'SALE', amountTrans: 1250, uti: stringMatching(/^[0-9a-f]{32}$/) });
    const progress: string[] = [];
    const final = await client.waitForOutcome(ack.uti, { onProgress: (s) => progress.push(s.stage) });
    stop.abort();
    await watching;

    expect(final).toMatchObject({ uti: ack.uti, status: 'APPROVED', transApproved: true, transAmount: 1250, reference: 'lib-sale', terminalId: eposd.tid });
    expect(final.cardholderReceipt).toEqual(expect.arrayContaining([['CARDHOLDER COPY', '5', 'C', 'B']]));
    const states = seen.flatMap((e) => (e.type === 'transaction' && e.uti === ack.uti ? [e.state] : []));
    expect(states.slice(0, 3)).toEqual(['AWAITING_CARD', 'READING_CARD', 'AUTHORIZING']);
  });

  it('when the answer to a sale is lost on the network, then the client sends it again with the same UTI and the terminal makes one transaction', async () => {
    const network = loseFirstAnswer();
    const flaky = new EposdClient({ configPath, retryDelayMs: 20, transport: { wrapSocket: network.wrapSocket } });
    const uti = newUti();

    const ack = await flaky.sale(1300, { uti, reference: 'lost-answer' });

    expect(network.lost()).toBe(1);
    expect(ack).toEqual({ transType: 'SALE', amountTrans: 1300, uti });
    await client.waitForOutcome(uti);
    const found = await client.list({ reference: 'lost-answer' });
    expect(found.transactions.map((t) => t.uti)).toEqual([uti]);
  });

  it('when the answer to a void is lost and the retry finds the void still running, then the client recognises it as its own', async () => {
    const sale = await client.sale(1400);
    await client.waitForOutcome(sale.uti);
    const network = loseFirstAnswer();
    const flaky = new EposdClient({ configPath, retryDelayMs: 20, transport: { wrapSocket: network.wrapSocket } });

    const ack = await flaky.void(sale.uti);

    expect(network.lost()).toBe(1);
    const outcome = await client.waitForOutcome(ack.uti);
    expect(outcome).toMatchObject({ transactionType: 'REVERSAL', originalUti: sale.uti, transApproved: true });
    const voids = await client.list({ type: 'REVERSAL' });
    expect(voids.transactions.filter((t) => t.originalUti === sale.uti).map((t) => t.uti)).toEqual([ack.uti]);
  });

  it('when the terminal restarts, then the event stream opens again with Last-Event-ID and misses nothing', async () => {
    const stop = new AbortController();
    const seen: StreamEvent[] = [];
    let opens = 0;
    const watching = (async () => {
      for await (const e of client.events({ signal: stop.signal, onOpen: () => void (opens += 1) })) seen.push(e);
    })();
    await until('the stream to open', () => opens === 1);
    const first = await client.sale(1401);
    await client.waitForOutcome(first.uti);

    expect(await eposd.stop()).toBe(0);
    eposd = await startEposd({ env: { ...QUICK_SIMULATOR_ENV, EPOSD_PORT: String(paired.port) }, dataDir: eposd.dataDir, certDir: eposd.certDir });
    const second = await client.sale(1402);
    await client.waitForOutcome(second.uti);
    await until('the events of the second sale', () => seen.some((e) => e.type === 'transaction' && e.uti === second.uti && e.state === 'IDLE'), 15_000);
    stop.abort();
    await watching;

    expect(opens).toBeGreaterThanOrEqual(2);
    const ids = seen.flatMap((e) => (e.type === 'transaction' ? [e.id] : []));
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
    const statesOf = (uti: string) => seen.flatMap((e) => (e.type === 'transaction' && e.uti === uti ? [e.state] : []));
    expect(statesOf(first.uti)).toEqual(['AWAITING_CARD', 'READING_CARD', 'AUTHORIZING', 'PRINTING', 'IDLE']);
    expect(statesOf(second.uti)).toEqual(['AWAITING_CARD', 'READING_CARD', 'AUTHORIZING', 'PRINTING', 'IDLE']);
  });

  describe('when someone else answers at the paired address with another key', () => {
    let impostor: Server;
    let connections = 0;
    let closed = 0;
    let bytesReceived = 0;
    let store: TerminalStore;
    beforeAll(async () => {
      const other = await loadOrCreateCertificate(makeTempDir('eposd-other-key-'), ['localhost', '127.0.0.1']);
      impostor = createServer({ key: other.key, cert: other.cert }, (socket) => {
        socket.on('data', (chunk: Buffer) => (bytesReceived += chunk.length));
        socket.on('error', () => undefined);
      });
      impostor.on('connection', (raw: Socket) => {
        connections += 1;
        raw.on('close', () => (closed += 1));
      });
      impostor.on('tlsClientError', () => undefined);
      await new Promise<void>((r) => impostor.listen(0, '127.0.0.1', r));
      store = new TerminalStore(join(makeTempDir('eposd-pos-'), 'terminals.json'));
      store.save({ ...paired, port: (impostor.address() as { port: number }).port });
    });
    afterAll(() => new Promise((r) => impostor.close(r)));

    it('then the client refuses after the handshake, before a byte of the request (and so the token) is sent', async () => {
      const victim = new EposdClient({ configPath: store.path });
      await expect(victim.sale(1000)).rejects.toBeInstanceOf(CertificateChangedError);
      await expect(victim.status('any-uti')).rejects.toThrow(/presented a different key/);
      // Every byte the client sent has arrived once the impostor's side of each connection is closed.
      await until('both connections to be closed', () => closed === 2);
      expect(connections).toBe(2);
      expect(bytesReceived).toBe(0);
    });
  });
});
