import { start, InProcessChannel, type Embedded } from '../../src/embedded';
import { SimulatedPaymentApp } from '../../src/bridge-sim/payment-app';
import { SimStore } from '../../src/bridge-sim/store';
import { PROTOCOL } from '../../src/bridge/protocol';
import { httpsJson } from '../helpers/http';
import { cleanupEposd, makeTempDir } from '../helpers/process';
import type { FinalStatus, PairingAnswer, ScreenState } from '../helpers/bodies';

// Issue 14: a host app that runs eposd inside its own process gives it the payment app over the
// in-process channel: the same protocol lines, no socket.

describe('An embedded eposd with driver bridge over the in-process channel', () => {
  let eposd: Embedded | undefined;
  afterAll(async () => {
    await eposd?.stop();
    await cleanupEposd();
  });

  it('takes a payment from the host app’s payment app', async () => {
    const channel = new InProcessChannel();
    const app = new SimulatedPaymentApp({ mode: 'auto', cardDelayMs: 0, pinDelayMs: 0, authDelayMs: 0, protocol: PROTOCOL, holdResults: false, store: new SimStore(undefined), log: () => undefined });
    channel.accept((link) => app.connect(link));
    eposd = await start({
      dataDir: makeTempDir('eposd-emb-data-'),
      certDir: makeTempDir('eposd-emb-certs-'),
      port: 0,
      screenPort: 0,
      host: '127.0.0.1',
      mdns: false,
      logLevel: 'silent',
      driver: 'bridge',
      bridgeChannel: channel,
      v8Flags: false,
    });
    const { apiUrl, screenUrl } = eposd.ready;
    const code = (await httpsJson<ScreenState>(`${screenUrl}screen`)).body.pairingCode!;
    const token = (await httpsJson<PairingAnswer>(`${apiUrl}/pair?pairingCode=${code}&registerId=till-1`)).body.authToken;
    let ack = await httpsJson<{ uti: string }>(`${apiUrl}/transaction`, { method: 'POST', headers: { authorization: token }, body: { transType: 'SALE', amountTrans: 1000 } });
    for (let i = 0; ack.status === 503 && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 20));
      ack = await httpsJson<{ uti: string }>(`${apiUrl}/transaction`, { method: 'POST', headers: { authorization: token }, body: { transType: 'SALE', amountTrans: 1000 } });
    }
    expect(ack.status).toBe(200);
    const final = await httpsJson<FinalStatus>(`${apiUrl}/transaction?uti=${ack.body.uti}&wait=10`, { headers: { authorization: token } });
    expect(final.body).toMatchObject({ status: 'APPROVED', primaryAccountNumber: '47**********0010' });
  });
});
