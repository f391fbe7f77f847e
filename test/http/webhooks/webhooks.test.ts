import { createHmac } from 'node:crypto';
import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { verify } from '../../../src/webhooks/signature';
import { useApi } from '../../helpers/api';
import { getStatus, INSTANT_SIMULATOR_ENV, payAndWait } from '../../helpers/payments';
import { expectProblem } from '../../helpers/problem';
import { LOOPBACK_WEBHOOKS_ENV, useWebhookReceiver, type ReceivedHook } from '../../helpers/webhook-receiver';
import { type FinalStatus } from '../../helpers/bodies';

const FIRST_RETRY_MS = 5_000;

describe('webhooks to a real local HTTP receiver', () => {
  const t = useApi({ env: { ...INSTANT_SIMULATOR_ENV, ...LOOPBACK_WEBHOOKS_ENV } });
  const receiver = useWebhookReceiver();

  const pairWithCallback = async (registerId = 'till-1') => {
    const { code } = t.ctx.pairing.openWindow();
    const res = await request(t.app).get(`${BASE_PATH}/pair`).query({ pairingCode: code, registerId, callbackUrl: receiver().url });
    expect(res.status).toBe(200);
    return res.body as { authToken: string; webhookSecret: string };
  };
  /** Pays and waits until the outbox has been sent (or has failed this attempt). */
  const pay = async (token: string, amount: number) => {
    const { uti } = await payAndWait(t.app, t.ctx, token, { transType: 'SALE', amountTrans: amount });
    await t.ctx.webhooks.idle();
    return uti;
  };
  const header = (hook: ReceivedHook, name: string) => hook.headers[name] as string;
  /** What a POS would do: verify with the library, and recompute the HMAC on its own. */
  const expectSigned = (hook: ReceivedHook, secret: string) => {
    const timestamp = header(hook, 'x-eposd-timestamp');
    const signature = header(hook, 'x-eposd-signature');
    expect(verify(secret, timestamp, hook.body, signature)).toBe(true);
    expect(signature).toBe(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${hook.body}`).digest('hex')}`);
  };

  it('answers a webhookSecret at pairing when a callbackUrl is given, and none otherwise', async () => {
    const { webhookSecret } = await pairWithCallback();
    expect(webhookSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { code } = t.ctx.pairing.openWindow();
    const plain = await request(t.app).get(`${BASE_PATH}/pair`).query({ pairingCode: code, registerId: 'till-2' });
    expect(plain.status).toBe(200);
    expect(plain.body).not.toHaveProperty('webhookSecret');
  });

  it('answers 400 for a callbackUrl that is not http(s), and for a technician with a callbackUrl', async () => {
    const bad = await request(t.app).get(`${BASE_PATH}/pair`).query({ pairingCode: t.ctx.pairing.openWindow().code, callbackUrl: 'ftp://pos.example/hook' });
    expect(expectProblem(bad, 400, 'VALIDATION_FAILED').errors!.map((e) => e.field)).toEqual(['callbackUrl']);
    const tech = await request(t.app).get(`${BASE_PATH}/pair`).query({ pairingCode: t.ctx.pairing.openWindow().code, role: 'technician', callbackUrl: receiver().url });
    expect(expectProblem(tech, 400, 'VALIDATION_FAILED').errors!.map((e) => e.field)).toEqual(['callbackUrl']);
  });

  it('POSTs every final outcome with the body of GET /transaction, signed under the secret, with a timestamp and a delivery id', async () => {
    const { authToken, webhookSecret } = await pairWithCallback();
    // Approved, declined, unreadable card, cancelled by the customer.
    const utis = [];
    for (const amount of [1000, 1005, 1096, 1097]) utis.push(await pay(authToken, amount));

    expect(receiver().received).toHaveLength(4);
    for (const [i, hook] of receiver().received.entries()) {
      const status = await getStatus(t.app, authToken, utis[i]!);
      expect(JSON.parse(hook.body)).toEqual(status.body);
      expect(hook.headers['content-type']).toBe('application/json');
      expect(hook.headers['x-eposd-event']).toBe('transaction.final');
      expect(header(hook, 'x-eposd-timestamp')).toBe(String(Math.floor(t.clock.now().getTime() / 1000)));
      expect(header(hook, 'x-eposd-signature')).toMatch(/^sha256=[0-9a-f]{64}$/);
      expectSigned(hook, webhookSecret);
    }
    expect(receiver().received.map((h) => (JSON.parse(h.body) as FinalStatus).status)).toEqual(['APPROVED', 'DECLINED', 'FAILED', 'CANCELLED']);
    const deliveryIds = receiver().received.map((h) => header(h, 'x-eposd-delivery'));
    expect(new Set(deliveryIds).size).toBe(4);
    expect(t.ctx.deliveries.counts()).toEqual({ pending: 0, delivered: 4, failed: 0 });
  });

  it('signs so that a changed body, timestamp or secret does not verify', async () => {
    const { authToken, webhookSecret } = await pairWithCallback();
    await pay(authToken, 1000);
    const [hook] = receiver().received;
    const timestamp = header(hook!, 'x-eposd-timestamp');
    const signature = header(hook!, 'x-eposd-signature');
    expect(verify(webhookSecret, timestamp, hook!.body.replace('"transAmount":1000', '"transAmount":1'), signature)).toBe(false);
    expect(verify(webhookSecret, String(Number(timestamp) + 1), hook!.body, signature)).toBe(false);
    expect(verify(`${webhookSecret}x`, timestamp, hook!.body, signature)).toBe(false);
  });

  it("sends only to the register's own callback: a register paired without one gets nothing", async () => {
    await pairWithCallback('till-1');
    const other = await t.pairPos('till-2');
    await pay(other, 1000);
    expect(receiver().received).toEqual([]);
  });

  it('sends the same delivery again after the back-off when the receiver answered 500', async () => {
    const { authToken, webhookSecret } = await pairWithCallback();
    receiver().answer = () => (receiver().received.length === 0 ? 500 : 204);
    await pay(authToken, 1000);
    expect(receiver().received.map((h) => h.answered)).toEqual([500]);
    expect(t.ctx.deliveries.counts()).toMatchObject({ pending: 1, delivered: 0 });

    t.clock.advance(FIRST_RETRY_MS);
    t.ctx.webhooks.kick();
    await t.ctx.webhooks.idle();
    expect(receiver().received.map((h) => h.answered)).toEqual([500, 204]);
    const [first, second] = receiver().received;
    expect(header(second!, 'x-eposd-delivery')).toBe(header(first!, 'x-eposd-delivery'));
    expect(second!.body).toBe(first!.body);
    expectSigned(second!, webhookSecret);
    expect(header(second!, 'x-eposd-timestamp')).toBe(String(Math.floor(t.clock.now().getTime() / 1000)));
    expect(t.ctx.deliveries.counts()).toMatchObject({ pending: 0, delivered: 1 });
  });

  it('delivers what was refused while the receiver was down once it listens again on the same port', async () => {
    const { authToken } = await pairWithCallback();
    await receiver().stop();
    const uti = await pay(authToken, 1000);
    expect(t.ctx.deliveries.counts()).toMatchObject({ pending: 1, delivered: 0 });

    await receiver().start();
    t.clock.advance(FIRST_RETRY_MS);
    t.ctx.webhooks.kick();
    await t.ctx.webhooks.idle();
    expect(receiver().received.map((h) => (JSON.parse(h.body) as FinalStatus).uti)).toEqual([uti]);
    expect(t.ctx.deliveries.counts()).toMatchObject({ pending: 0, delivered: 1 });
  });
});
