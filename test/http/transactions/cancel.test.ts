import request from 'supertest';
import { useApi } from '../../helpers/api';
import { HeldHost } from '../../helpers/held-host';
import { committedStates, getStatus, MANUAL_SIMULATOR_ENV, rowOf, TX_PATH, untilIdleAfter, untilStage, startPayment } from '../../helpers/payments';
import { expectProblem } from '../../helpers/problem';
import { bodyOf, type FinalStatus } from '../../helpers/bodies';

describe('DELETE /payntpos/1.0.0/transaction (cancel)', () => {
  let host: HeldHost;
  const t = useApi(() => ({ env: MANUAL_SIMULATOR_ENV, host: (host = new HeldHost()), paired: true }));

  const startSale = (amount = 1000, auth = t.token) => startPayment(t.app, auth, { transType: 'SALE', amountTrans: amount });
  const cancel = (uti: string, auth = t.token) => request(t.app).delete(TX_PATH).query({ uti }).set('Authorization', auth);

  const expectCancelled = async (uti: string, res: request.Response) => {
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ uti, status: 'CANCELLED', transCancelled: true, transApproved: false, statusReason: 'POS_CANCELLED' });
    expect(res.body).toEqual((await getStatus(t.app, t.token, uti)).body);
    expect(t.ctx.engine.current).toEqual({ name: 'IDLE' });
    expect(host.asked).toEqual([]);
  };

  it('cancels a payment that waits for a card: 200 CANCELLED POS_CANCELLED, and the terminal takes the next SALE', async () => {
    const uti = await startSale();
    await expectCancelled(uti, await cancel(uti));
    expect(committedStates(t.ctx.db, uti)).toEqual(['IDLE→AWAITING_CARD', 'AWAITING_CARD→IDLE']);
    const next = await startSale(2000);
    expect(rowOf(t.ctx, next)).toMatchObject({ status: 'IN_PROGRESS', stage: 'AWAITING_CARD' });
  });

  it('cancels a payment that waits for the PIN: 200 CANCELLED POS_CANCELLED, and the terminal takes the next SALE', async () => {
    const uti = await startSale(6000);
    t.ctx.simulator!.presentCard('mastercard-chip');
    await untilStage(t.ctx, uti, 'AWAITING_PIN');
    await expectCancelled(uti, await cancel(uti));
    expect(committedStates(t.ctx.db, uti)).toEqual(['IDLE→AWAITING_CARD', 'AWAITING_CARD→READING_CARD', 'READING_CARD→AWAITING_PIN', 'AWAITING_PIN→IDLE']);
    expect(rowOf(t.ctx, uti).maskedPan).toBe('54**********0434');
    await startSale(2000);
  });

  it('answers 409 CANNOT_CANCEL once the host has the payment, which then ends as the host says', async () => {
    const uti = await startSale();
    t.ctx.simulator!.presentCard('visa-contactless');
    await untilStage(t.ctx, uti, 'AUTHORIZING');
    const body = expectProblem(await cancel(uti), 409, 'CANNOT_CANCEL');
    expect(body).toMatchObject({ uti });
    expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'IN_PROGRESS', stage: 'AUTHORIZING' });
    host.approve();
    await untilIdleAfter(t.ctx, uti);
    expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'APPROVED', authCode: '123456' });
  });

  it('answers 409 CANNOT_CANCEL for a transaction that is already final, and changes nothing', async () => {
    const uti = await startSale();
    await cancel(uti).expect(200);
    const before = bodyOf<FinalStatus>(await getStatus(t.app, t.token, uti));
    const body = expectProblem(await cancel(uti), 409, 'CANNOT_CANCEL');
    expect(body).toMatchObject({ uti, transactionStatus: 'CANCELLED' });
    expect((await getStatus(t.app, t.token, uti)).body).toEqual(before);
  });

  it('answers 403 FORBIDDEN to another register, and the payment goes on', async () => {
    const uti = await startSale();
    const other = await t.pairPos('till-2');
    expectProblem(await cancel(uti, other), 403, 'FORBIDDEN');
    expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'IN_PROGRESS', stage: 'AWAITING_CARD' });
    expect(committedStates(t.ctx.db, uti)).toEqual(['IDLE→AWAITING_CARD']);
  });

  it('answers 404 NOT_FOUND for an unknown UTI', async () => {
    expectProblem(await cancel('no-such-uti'), 404, 'NOT_FOUND');
  });

  it('answers 401 without a token', async () => {
    const uti = await startSale();
    expectProblem(await request(t.app).delete(TX_PATH).query({ uti }), 401, 'UNAUTHORIZED');
    expect(rowOf(t.ctx, uti).status).toBe('IN_PROGRESS');
  });
});
