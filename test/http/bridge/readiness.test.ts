import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { PROTOCOL } from '../../../src/bridge/protocol';
import { useApi } from '../../helpers/api';
import { APPROVED_RESULT, FakeBridge } from '../../helpers/fake-bridge';
import { capturingLogger, TX_PATH } from '../../helpers/payments';
import { until } from '../../helpers/until';

// Issue 25, defect 9: while payments cannot be taken, /health is not UP and says why; a payment refused
// because the app is away is a warning once per change of state, never an error with a stack per
// request; receipts through the bridge always print, however long the order's description.

describe('The bridge driver, seen from the API', () => {
  let bridge: FakeBridge;
  const log = capturingLogger('info');
  const api = useApi(() => {
    bridge = new FakeBridge();
    log.lines.length = 0;
    return { env: { EPOSD_DRIVER: 'bridge', EPOSD_BRIDGE_GRACE_MS: '300' }, bridgeConnector: bridge.channel.connector, logger: log.logger, paired: true };
  });
  const ready = async () => {
    api.ctx.start();
    await until('the payment app connected', () => api.ctx.paymentApp!.client.connected && !api.ctx.paymentApp!.report().reconciling, 5000);
  };
  const health = async () => (await request(api.app).get(`${BASE_PATH}/health`)).body as { status: string; problems?: string[] };

  it('When the app is away, then /health is DEGRADED with PAYMENT_APP_UNAVAILABLE, and UP again once it is back', async () => {
    bridge.vanish();
    api.ctx.start();
    expect(await health()).toMatchObject({ status: 'DEGRADED', problems: ['PAYMENT_APP_UNAVAILABLE'] });
    bridge.listen();
    await until('connected', () => api.ctx.paymentApp!.client.connected && !api.ctx.paymentApp!.report().reconciling, 5000);
    const up = await health();
    expect(up.status).toBe('UP');
    expect(up.problems).toBeUndefined();
  });

  it('When the app speaks another version, then /health says PAYMENT_APP_INCOMPATIBLE', async () => {
    bridge = new FakeBridge('eposd-bridge/1');
    await api.rebuild({ env: { EPOSD_DRIVER: 'bridge' }, bridgeConnector: bridge.channel.connector, logger: log.logger });
    api.ctx.start();
    await until('the mismatch seen', () => api.ctx.paymentApp!.report().state === 'INCOMPATIBLE', 5000);
    expect(await health()).toMatchObject({ status: 'DEGRADED', problems: ['PAYMENT_APP_INCOMPATIBLE'] });
    expect(PROTOCOL).toBe('eposd-bridge/2');
  });

  it('When payments are refused while the app is away, then each answers 503 and one warning is logged, no error', async () => {
    bridge.vanish();
    api.ctx.start();
    for (let i = 0; i < 3; i++) {
      const res = await request(api.app).post(`${TX_PATH}?disablePrinting=true`).set('Authorization', api.token).send({ transType: 'SALE', amountTrans: 1000 });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'PAYMENT_APP_UNAVAILABLE' });
    }
    expect(log.lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    expect(log.lines.filter((l) => l.level === 40 && /payments are refused/.test(String(l.msg)))).toHaveLength(1);
  });

  it('When the description is longer than a printed line, then both receipts still print through the app, wrapped, and a reprint answers 200', async () => {
    await ready();
    const description = `A long order description: ${'table seven, two flat whites and a croissant, '.repeat(4)}`.trim();
    const res = await request(api.app).post(TX_PATH).set('Authorization', api.token).send({ transType: 'SALE', amountTrans: 1000, description });
    expect(res.status).toBe(200);
    const uti = (res.body as { uti: string }).uti;
    const start = await bridge.next('payment.start');
    bridge.send({ type: 'ack', re: start.id });
    bridge.send({ type: 'payment.result', id: 'b1', uti, result: APPROVED_RESULT });
    for (const copy of ['merchant', 'cardholder']) {
      const print = await bridge.next('print');
      expect(print.what).toBe(`${copy} copy ${uti}`);
      expect(print.lines.every(([text]) => text!.length <= 32)).toBe(true);
      expect(print.lines.map(([text]) => text).join(' ')).toContain('croissant');
      bridge.send({ type: 'ack', re: print.id });
    }
    await until('printed', () => api.ctx.engine.current.name === 'IDLE');
    const reprint = request(api.app).post(`${BASE_PATH}/print?uti=${uti}&copy=merchant`).set('Authorization', api.token).send({});
    const again = bridge.next('print').then((p) => bridge.send({ type: 'ack', re: p.id }));
    expect((await reprint).status).toBe(200);
    await again;
  });
});
