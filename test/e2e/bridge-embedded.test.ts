import { start, InProcessChannel, type Embedded } from '../../src/embedded';
import { SimulatedPaymentApp } from '../../src/bridge-sim/payment-app';
import { SimStore } from '../../src/bridge-sim/store';
import { PROTOCOL } from '../../src/bridge/protocol';
import { httpsJson } from '../helpers/http';
import { cleanupEposd, makeTempDir } from '../helpers/process';
import type { FinalStatus, PairingAnswer, ScreenState } from '../helpers/bodies';

// Issue 14: a host app that runs eposd inside its own process gives it the payment app over the
// in-process channel: the same protocol lines, no socket. Issue 25: start() can wait for the app, with a
// time limit, and its answer says whether payments can be taken.

describe('An embedded eposd with driver bridge over the in-process channel', () => {
  let eposd: Embedded | undefined;
  const options = () => ({
    dataDir: makeTempDir('eposd-emb-data-'),
    certDir: makeTempDir('eposd-emb-certs-'),
    port: 0,
    screenPort: 0,
    host: '127.0.0.1',
    mdns: false,
    logLevel: 'silent' as const,
    v8Flags: false,
  });
  afterAll(async () => {
    await eposd?.stop();
    await cleanupEposd();
  });

  it('waits for the payment app when asked (bridgeWaitMs): the ready answer says READY and the first payment is taken', async () => {
    const channel = new InProcessChannel();
    const app = new SimulatedPaymentApp({ mode: 'auto', cardDelayMs: 0, pinDelayMs: 0, authDelayMs: 0, protocol: PROTOCOL, holdResults: false, store: new SimStore(undefined), log: () => undefined });
    // The host app's payment app starts a moment after eposd.
    setTimeout(() => channel.accept((link) => app.connect(link)), 300);
    eposd = await start({ ...options(), driver: 'bridge', bridgeChannel: channel, bridgeWaitMs: 10_000 });
    expect(eposd.ready.paymentApp).toBe('READY');
    const { apiUrl, screenUrl } = eposd.ready;
    const code = (await httpsJson<ScreenState>(`${screenUrl}screen`)).body.pairingCode!;
    const token = (await httpsJson<PairingAnswer>(`${apiUrl}/pair?pairingCode=${code}&registerId=till-1`)).body.authToken;
    const ack = await httpsJson<{ uti: string }>(`${apiUrl}/transaction`, { method: 'POST', headers: { authorization: token }, body: { transType: 'SALE', amountTrans: 1000 } });
    expect(ack.status).toBe(200);
    const final = await httpsJson<FinalStatus>(`${apiUrl}/transaction?uti=${ack.body.uti}&wait=10`, { headers: { authorization: token } });
    expect(final.body).toMatchObject({ status: 'APPROVED', primaryAccountNumber: '47**********0010' });
  });

  it('waits no longer than the time limit when the payment app never comes, and says so', async () => {
    const started = performance.now();
    const alone = await start({ ...options(), driver: 'bridge', bridgeChannel: new InProcessChannel(), bridgeWaitMs: 300 });
    try {
      expect(alone.ready.paymentApp).toMatch(/^(CONNECTING|DISCONNECTED)$/);
      expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    } finally {
      await alone.stop();
    }
  });
});
