import request from 'supertest';
import { BASE_PATH, createApp } from '../../../src/app';
import { pairPos, testContext } from '../../helpers/context';
import { HeldHost } from '../../helpers/held-host';
import { INSTANT_SIMULATOR_ENV, MANUAL_SIMULATOR_ENV, TX_PATH, untilIdleAfter } from '../../helpers/payments';
import { expectProblem } from '../../helpers/problem';
import { until } from '../../helpers/until';

describe('client-chosen UTIs across registers', () => {
  it('when another register sends the same UTI and body, then it is a conflict, not a replay of someone else\'s payment', async () => {
    const t = testContext({ env: INSTANT_SIMULATOR_ENV });
    try {
      const app = createApp(t.ctx);
      const a = await pairPos(app, t.ctx, 'till-a');
      const b = await pairPos(app, t.ctx, 'till-b');
      const body = { transType: 'SALE', amountTrans: 1000, uti: 'shared-uti-1' };
      await request(app).post(`${TX_PATH}?disablePrinting=true`).set('Authorization', a).send(body).expect(200);
      await untilIdleAfter(t.ctx, 'shared-uti-1');
      expectProblem(await request(app).post(TX_PATH).set('Authorization', b).send(body), 409, 'UTI_CONFLICT');
      await request(app).post(TX_PATH).set('Authorization', a).send(body).expect(200);
    } finally {
      t.ctx.destroy();
    }
  });
});

describe('TERMINAL_BUSY', () => {
  it('names the stage of the transaction in progress', async () => {
    const t = testContext({ env: MANUAL_SIMULATOR_ENV });
    try {
      const app = createApp(t.ctx);
      const token = await pairPos(app, t.ctx);
      const first = await request(app).post(TX_PATH).set('Authorization', token).send({ transType: 'SALE', amountTrans: 1000 }).expect(200);
      const busy = expectProblem(await request(app).post(TX_PATH).set('Authorization', token).send({ transType: 'SALE', amountTrans: 500 }), 409, 'TERMINAL_BUSY');
      expect(busy).toMatchObject({ uti: first.body.uti, stage: 'AWAITING_CARD' });
    } finally {
      t.ctx.destroy();
    }
  });
});

describe('tid on every POS endpoint', () => {
  const t = testContext({ env: INSTANT_SIMULATOR_ENV });
  const app = createApp(t.ctx);
  afterAll(() => t.ctx.destroy());

  it.each([
    ['GET', '/transactions'],
    ['GET', '/settlement'],
    ['POST', '/settlement'],
    ['GET', '/events'],
  ])('%s %s accepts this terminal\'s tid and answers 400 TID_MISMATCH to another', async (method, path) => {
    const token = await pairPos(app, t.ctx);
    const call = (tid: string) => (method === 'GET' ? request(app).get(`${BASE_PATH}${path}`) : request(app).post(`${BASE_PATH}${path}`)).query({ tid }).set('Authorization', token);
    expectProblem(await call('87654321'), 400, 'TID_MISMATCH');
    if (path !== '/events') expect((await call(t.ctx.identity.tid)).status).toBe(200);
  });
});

describe('the pairing code on the screen', () => {
  it('stays in GET /screen while a payment has the display', async () => {
    const host = new HeldHost();
    const t = testContext({ env: INSTANT_SIMULATOR_ENV, host });
    try {
      const app = createApp(t.ctx);
      const token = await pairPos(app, t.ctx);
      await request(app).post(TX_PATH).set('Authorization', token).send({ transType: 'SALE', amountTrans: 1000 }).expect(200);
      await until('the host is asked', () => host.asked.length === 1);
      const { code } = t.ctx.pairing.openWindow();
      expect(t.ctx.screen.state()).toMatchObject({ screen: 'payment', pairingCode: code });
    } finally {
      t.ctx.destroy();
    }
  });
});
