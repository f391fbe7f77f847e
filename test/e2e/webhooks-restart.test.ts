import { createHmac } from 'node:crypto';
import { verify } from '../../src/webhooks/signature';
import { httpsJson } from '../helpers/http';
import { cleanupEposd, startEposd, type EposdProcess } from '../helpers/process';
import { LOOPBACK_WEBHOOKS_ENV, WebhookReceiver, type ReceivedHook } from '../helpers/webhook-receiver';
import { type Acknowledgement, type FinalStatus, type ScreenState } from '../helpers/bodies';

// The simulator in manual mode, answering at once: the test decides when a card is presented.
const ENV = { ...LOOPBACK_WEBHOOKS_ENV, EPOSD_SIM_MODE: 'manual', EPOSD_SIM_CARD_DELAY_MS: '0', EPOSD_SIM_AUTH_DELAY_MS: '0', EPOSD_LOG_LEVEL: 'warn' };
// Retries back off from 5 s; one delivery here is refused twice and answered 500 once.
const ALL_DELIVERED_WITHIN_MS = 90_000;

describe('When the webhook receiver is down while payments end, and eposd is killed and restarted meanwhile', () => {
  const receiver = new WebhookReceiver();
  afterAll(async () => {
    await receiver.stop();
    await cleanupEposd();
  });

  const api = <T = unknown>(eposd: EposdProcess, token: string, path: string, method = 'GET', body?: unknown) =>
    httpsJson<T>(`${eposd.apiUrl}${path}`, { method, body, headers: { authorization: token } });
  const startSale = async (eposd: EposdProcess, token: string, amount: number): Promise<string> => {
    const res = await api<Acknowledgement>(eposd, token, '/transaction?disablePrinting=true', 'POST', { transType: 'SALE', amountTrans: amount });
    expect(res.status).toBe(200);
    return res.body.uti;
  };
  /** A sale paid with the contactless test card at the screen; resolves with its final status. */
  const pay = async (eposd: EposdProcess, token: string, amount: number): Promise<string> => {
    const uti = await startSale(eposd, token, amount);
    const card = await httpsJson(`${eposd.screenUrl}screen/actions`, { method: 'POST', body: { action: 'presentCard', card: 'visa-contactless' } });
    expect(card.status).toBe(200);
    const final = await api(eposd, token, `/transaction?uti=${uti}&wait=30`);
    expect(final.status).toBe(200);
    return uti;
  };
  const deliveredUtis = () => new Set(receiver.delivered().map((h) => (JSON.parse(h.body) as FinalStatus).uti));

  it('then every outcome is delivered at least once, signed, with one delivery id per outcome, and none is lost', async () => {
    await receiver.start();
    const port = receiver.port;
    const first = await startEposd({ env: ENV });
    const code = (await httpsJson<ScreenState>(`${first.screenUrl}screen`)).body.pairingCode!;
    const paired = await httpsJson(`${first.apiUrl}/pair?pairingCode=${code}&registerId=till-1&callbackUrl=${encodeURIComponent(receiver.url)}`);
    expect(paired.status).toBe(200);
    const { authToken: token, webhookSecret: secret } = paired.body as { authToken: string; webhookSecret: string };

    const beforeOutage = await pay(first, token, 1000);
    await receiver.waitUntil('the first outcome', () => deliveredUtis().has(beforeOutage));

    await receiver.stop();
    const duringOutage = [await pay(first, token, 2000), await pay(first, token, 1005)];
    // And one that is still waiting for a card when the power goes.
    const interrupted = await startSale(first, token, 3000);
    expect([...deliveredUtis()]).toEqual([beforeOutage]);
    first.kill('SIGKILL');
    expect((await first.waitForExit()).signal).toBe('SIGKILL');

    const second = await startEposd({ env: ENV, dataDir: first.dataDir, certDir: first.certDir });
    // Back on the same port, and a first answer of 500 for good measure.
    receiver.answer = () => (receiver.received.filter((h) => h.answered === 500).length === 0 ? 500 : 204);
    await receiver.start(port);
    const afterRestart = await pay(second, token, 4000);

    const all = [beforeOutage, ...duringOutage, interrupted, afterRestart];
    await receiver.waitUntil('every outcome', () => all.every((uti) => deliveredUtis().has(uti)), ALL_DELIVERED_WITHIN_MS);

    const byUti = new Map<string, ReceivedHook[]>();
    for (const hook of receiver.received) {
      const { uti } = JSON.parse(hook.body) as FinalStatus;
      byUti.set(uti, [...(byUti.get(uti) ?? []), hook]);
    }
    expect([...byUti.keys()].sort()).toEqual([...all].sort());
    expect(receiver.received.some((h) => h.answered === 500)).toBe(true);
    for (const uti of all) {
      const hooks = byUti.get(uti)!;
      expect(new Set(hooks.map((h) => h.headers['x-eposd-delivery'])).size).toBe(1);
      const delivered = hooks.find((h) => h.answered < 300)!;
      const timestamp = delivered.headers['x-eposd-timestamp'] as string;
      const signature = delivered.headers['x-eposd-signature'] as string;
      expect(verify(secret, timestamp, delivered.body, signature)).toBe(true);
      expect(signature).toBe(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${delivered.body}`).digest('hex')}`);
      expect(JSON.parse(delivered.body)).toEqual((await api(second, token, `/transaction?uti=${uti}`)).body);
    }
    expect(JSON.parse(byUti.get(interrupted)![0]!.body)).toMatchObject({ status: 'FAILED', statusReason: 'TERMINAL_RESTARTED' });
    expect(duringOutage.map((uti) => (JSON.parse(byUti.get(uti)![0]!.body) as FinalStatus).status)).toEqual(['APPROVED', 'DECLINED']);

    expect(await second.stop()).toBe(0);
  }, 150_000);
});
