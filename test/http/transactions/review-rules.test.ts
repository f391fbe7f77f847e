import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { useApi } from '../../helpers/api';
import { bodyOf, type Acknowledgement } from '../../helpers/bodies';
import { HeldHost } from '../../helpers/held-host';
import { INSTANT_SIMULATOR_ENV, MANUAL_SIMULATOR_ENV, TX_PATH, untilIdleAfter } from '../../helpers/payments';
import { expectProblem } from '../../helpers/problem';
import { until } from '../../helpers/until';

describe('client-chosen UTIs across registers', () => {
  const t = useApi({ env: INSTANT_SIMULATOR_ENV });

  it("when another register sends the same UTI and body, then it is a conflict, not a replay of someone else's payment", async () => {
    const a = await t.pairPos('till-a');
    const b = await t.pairPos('till-b');
    const body = { transType: 'SALE', amountTrans: 1000, uti: 'shared-uti-1' };
    await request(t.app).post(`${TX_PATH}?disablePrinting=true`).set('Authorization', a).send(body).expect(200);
    await untilIdleAfter(t.ctx, 'shared-uti-1');
    expectProblem(await request(t.app).post(TX_PATH).set('Authorization', b).send(body), 409, 'UTI_CONFLICT');
    await request(t.app).post(TX_PATH).set('Authorization', a).send(body).expect(200);
  });
});

describe('TERMINAL_BUSY', () => {
  const t = useApi({ env: MANUAL_SIMULATOR_ENV, paired: true });

  it('names the stage of the transaction in progress', async () => {
    const first = await request(t.app).post(TX_PATH).set('Authorization', t.token).send({ transType: 'SALE', amountTrans: 1000 }).expect(200);
    const busy = expectProblem(await request(t.app).post(TX_PATH).set('Authorization', t.token).send({ transType: 'SALE', amountTrans: 500 }), 409, 'TERMINAL_BUSY');
    expect(busy).toMatchObject({ uti: bodyOf<Acknowledgement>(first).uti, stage: 'AWAITING_CARD' });
  });
});

describe('tid on every POS endpoint', () => {
  const t = useApi({ env: INSTANT_SIMULATOR_ENV, perFile: true });

  it.each([
    ['GET', '/transactions'],
    ['GET', '/settlement'],
    ['POST', '/settlement'],
    ['GET', '/events'],
  ])("%s %s accepts this terminal's tid and answers 400 TID_MISMATCH to another", async (method, path) => {
    const token = await t.pairPos();
    const call = (tid: string) => (method === 'GET' ? request(t.app).get(`${BASE_PATH}${path}`) : request(t.app).post(`${BASE_PATH}${path}`)).query({ tid }).set('Authorization', token);
    expectProblem(await call('87654321'), 400, 'TID_MISMATCH');
    if (path !== '/events') expect((await call(t.ctx.identity.tid)).status).toBe(200);
  });
});

describe('the pairing code on the screen', () => {
  let host: HeldHost;
  const t = useApi(() => ({ env: INSTANT_SIMULATOR_ENV, host: (host = new HeldHost()), paired: true }));

  it('stays in GET /screen while a payment has the display', async () => {
    await request(t.app).post(TX_PATH).set('Authorization', t.token).send({ transType: 'SALE', amountTrans: 1000 }).expect(200);
    await until('the host is asked', () => host.asked.length === 1);
    const { code } = t.ctx.pairing.openWindow();
    expect(t.ctx.screen.state()).toMatchObject({ screen: 'payment', pairingCode: code });
  });
});
