import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { verify } from '../../../src/webhooks/signature';
import { useApi } from '../../helpers/api';
import { dbSnapshot } from '../../helpers/db';
import { INSTANT_SIMULATOR_ENV, payAndWait } from '../../helpers/payments';
import { expectProblem } from '../../helpers/problem';
import { LOOPBACK_WEBHOOKS_ENV, useWebhookReceiver, type ReceivedHook } from '../../helpers/webhook-receiver';
import { openSse, type SseClient } from '../../helpers/sse';

describe('webhook event types chosen at pairing (callbackEvents)', () => {
  const t = useApi({ env: { ...INSTANT_SIMULATOR_ENV, ...LOOPBACK_WEBHOOKS_ENV } });
  const receiver = useWebhookReceiver();

  const pair = async (registerId: string, extra: Record<string, unknown> = {}, how: 'GET' | 'POST' = 'POST') => {
    const { code } = t.ctx.pairing.openWindow();
    const input = { pairingCode: code, registerId, callbackUrl: receiver().url, ...extra };
    const res = how === 'GET' ? await request(t.app).get(`${BASE_PATH}/pair`).query(input) : await request(t.app).post(`${BASE_PATH}/pair`).send(input);
    expect(res.status).toBe(200);
    return res.body as { authToken: string; webhookSecret: string };
  };
  const event = (h: ReceivedHook) => h.headers['x-eposd-event'] as string;
  const settle = async () => {
    await t.ctx.webhooks.idle();
    await new Promise((r) => setTimeout(r, 20));
    await t.ctx.webhooks.idle();
  };

  it('sends only transaction.final by default, as before', async () => {
    const { authToken } = await pair('till-1');
    await payAndWait(t.app, t.ctx, authToken, { transType: 'SALE', amountTrans: 1000 });
    await settle();
    expect(receiver().received.map(event)).toEqual(['transaction.final']);
  });

  it('sends transaction.updated at every stage, then transaction.final, each signed, with the fields of GET /transaction', async () => {
    const { authToken, webhookSecret } = await pair('till-1', { callbackEvents: ['transaction.updated', 'transaction.final'] });
    const { uti } = await payAndWait(t.app, t.ctx, authToken, { transType: 'SALE', amountTrans: 1000, metadata: { order: '42' } });
    await settle();
    const types = receiver().received.map(event);
    expect(types.filter((e) => e === 'transaction.updated').length).toBeGreaterThanOrEqual(3);
    expect(types).toContain('transaction.final');
    for (const hook of receiver().received) {
      expect(verify(webhookSecret, hook.headers['x-eposd-timestamp'] as string, hook.body, hook.headers['x-eposd-signature'] as string)).toBe(true);
      expect(JSON.parse(hook.body)).toMatchObject({ uti, metadata: { order: '42' } });
    }
  });

  it('sends settlement.closed, register.paired and register.unpaired to a register that chose them (GET /pair: comma-separated)', async () => {
    const { authToken } = await pair('till-1', { callbackEvents: 'settlement.closed,register.paired,register.unpaired' }, 'GET');
    await settle();
    receiver().received.length = 0;
    const other = await pair('till-2');
    await request(t.app).post(`${BASE_PATH}/settlement`).set('Authorization', authToken).expect(200);
    await request(t.app).delete(`${BASE_PATH}/pair`).set('Authorization', other.authToken).expect(204);
    await settle();
    const bodies = receiver().received.map((h) => ({ event: event(h), body: JSON.parse(h.body) as Record<string, unknown> }));
    expect(bodies.map((b) => b.event)).toEqual(['register.paired', 'settlement.closed', 'register.unpaired']);
    expect(bodies[0]!.body).toMatchObject({ event: 'register.paired', registerId: 'till-2', role: 'pos' });
    expect(bodies[1]!.body).toMatchObject({ event: 'settlement.closed', status: 'CLOSED', batchNumber: 1 });
    expect(bodies[2]!.body).toMatchObject({ event: 'register.unpaired', registerId: 'till-2' });
  });

  it.each([
    ['an unknown event type', { callbackEvents: ['transaction.created'] }],
    ['an empty list', { callbackEvents: [] }],
    ['a repeated type', { callbackEvents: ['transaction.final', 'transaction.final'] }],
    ['callbackEvents without a callbackUrl', { callbackEvents: ['transaction.final'], callbackUrl: undefined }],
  ])('answers 400 VALIDATION_FAILED for %s and pairs nothing', async (_name, extra) => {
    const { code } = t.ctx.pairing.openWindow();
    const before = dbSnapshot(t.ctx.db);
    const res = await request(t.app)
      .post(`${BASE_PATH}/pair`)
      .send({ pairingCode: code, registerId: 'till-9', callbackUrl: receiver().url, ...extra });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
  });
});

describe('the event stream carries settlement.closed, register.paired and register.unpaired', () => {
  const streams: SseClient[] = [];
  const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true, listen: true, afterEach: () => streams.splice(0).forEach((s) => s.close()) });

  it('sends each as a frame of its own, beside the transaction frames', async () => {
    const stream = await openSse(`${t.server.url}${BASE_PATH}/events`, { authorization: t.token });
    streams.push(stream);
    const { code } = t.ctx.pairing.openWindow();
    const paired = await request(t.app).post(`${BASE_PATH}/pair`).send({ pairingCode: code, registerId: 'till-2' }).expect(200);
    await request(t.app).post(`${BASE_PATH}/settlement`).set('Authorization', t.token).expect(200);
    await request(t.app)
      .delete(`${BASE_PATH}/pair`)
      .set('Authorization', (paired.body as { authToken: string }).authToken)
      .expect(204);
    const frames = await stream.waitForFrames(3);
    expect(frames.map((f) => f.event)).toEqual(['register.paired', 'settlement.closed', 'register.unpaired']);
    expect(JSON.parse(frames[0]!.data)).toMatchObject({ registerId: 'till-2', role: 'pos' });
    expect(JSON.parse(frames[1]!.data)).toMatchObject({ batchNumber: 1, status: 'CLOSED' });
  });
});
