import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { createScreenApp } from '../../../src/screen/screen.app';
import type { TransitionEvent } from '../../../src/transactions/engine';
import { useApi } from '../../helpers/api';
import { getStatus, MANUAL_SIMULATOR_ENV, recordTransitions, rowOf, TX_PATH, untilIdleAfter, startPayment } from '../../helpers/payments';
import { expectProblem } from '../../helpers/problem';
import { listenOnLoopback } from '../../helpers/server';
import { until } from '../../helpers/until';
import { expectAny } from '../../helpers/matchers';
import { bodyOf, type FinalStatus } from '../../helpers/bodies';

describe('GET /payntpos/1.0.0/transaction?wait=N (long-poll)', () => {
  const t = useApi({ env: MANUAL_SIMULATOR_ENV, paired: true });

  const startSale = (amount = 1000) => startPayment(t.app, t.token, { transType: 'SALE', amountTrans: amount });
  const longPoll = (uti: string, wait: string) => request(t.app).get(TX_PATH).query({ uti, wait }).set('Authorization', t.token);
  const presentCard = () => request(createScreenApp(t.ctx)).post('/screen/actions').send({ action: 'presentCard', card: 'visa-contactless' }).expect(200);

  it('answers 200 with the outcome as soon as it is final, while the request is still waiting', async () => {
    const uti = await startSale();
    const order: string[] = [];
    // Ahead of the waiters' own listener: it sees whether the request was still waiting when the outcome came.
    t.ctx.engine.prependListener('transition', (e: TransitionEvent) => {
      if (e.outcome) order.push(`outcome committed, ${t.ctx.waiters.count} waiting`);
    });
    const answered = longPoll(uti, '5').then((res) => (order.push('answered'), res));
    await until('the request to wait for the outcome', () => t.ctx.waiters.count === 1);
    order.push('card presented');
    await presentCard();
    const res = await answered;

    expect(order).toEqual(['card presented', 'outcome committed, 1 waiting', 'answered']);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ uti, status: 'APPROVED', transApproved: true, statusReason: 'APPROVED', completedAt: expectAny(String) });
    expect(res.body).toEqual((await getStatus(t.app, t.token, uti)).body);
    expect(t.ctx.waiters.count).toBe(0);
  });

  it('answers 202 IN_PROGRESS with the stage when the wait runs out and nothing happened', async () => {
    const uti = await startSale();
    const moves = recordTransitions(t.ctx);
    const res = await longPoll(uti, '1');
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ uti, transactionType: 'SALE', transAmount: 1000, originalUti: null, status: 'IN_PROGRESS', stage: 'AWAITING_CARD', reference: null, createdAt: expectAny(String) });
    expect(res.body).not.toHaveProperty('transApproved');
    expect(moves.states()).toEqual([]);
    expect(t.ctx.waiters.count).toBe(0);
  });

  it('answers a transaction that is already final at once, without waiting', async () => {
    const uti = await startSale();
    await presentCard();
    await untilIdleAfter(t.ctx, uti);
    const wait = jest.spyOn(t.ctx.waiters, 'wait');
    const res = await longPoll(uti, '60');
    expect(res.status).toBe(200);
    expect(bodyOf<FinalStatus>(res).status).toBe('APPROVED');
    expect(wait).not.toHaveBeenCalled();
  });

  it('wakes every POS waiting on the same transaction, and a cancel is an outcome too', async () => {
    const uti = await startSale();
    const other = await t.pairPos('till-2');
    const first = longPoll(uti, '30').then((r) => r);
    const second = request(t.app)
      .get(TX_PATH)
      .query({ uti, wait: '30' })
      .set('Authorization', other)
      .then((r) => r);
    await until('both requests to wait', () => t.ctx.waiters.count === 2);
    await request(t.app).delete(TX_PATH).query({ uti }).set('Authorization', t.token).expect(200);
    for (const res of await Promise.all([first, second])) {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ uti, status: 'CANCELLED', statusReason: 'POS_CANCELLED', transCancelled: true });
    }
    expect(t.ctx.waiters.count).toBe(0);
  });

  it.each(['0', '61', 'abc', '-1', '1.5', ''])('answers 400 VALIDATION_FAILED for wait=%j and waits for nothing', async (wait) => {
    const uti = await startSale();
    const body = expectProblem(await longPoll(uti, wait), 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ field: 'wait', message: 'must be whole seconds from 1 to 60' }]);
    expect(t.ctx.waiters.count).toBe(0);
  });

  it('answers 404 NOT_FOUND for an unknown UTI without waiting', async () => {
    expectProblem(await longPoll('no-such-uti', '30'), 404, 'NOT_FOUND');
    expect(t.ctx.waiters.count).toBe(0);
  });

  it('leaves no waiter behind when the client disconnects, and the payment goes on', async () => {
    const uti = await startSale();
    const server = await listenOnLoopback(t.app);
    try {
      const req = httpRequest(`${server.url}${TX_PATH}?uti=${uti}&wait=30`, { headers: { authorization: t.token }, agent: false });
      req.on('error', () => undefined);
      req.end();
      await until('the request to wait', () => t.ctx.waiters.count === 1);
      req.destroy();
      await until('the waiter to go', () => t.ctx.waiters.count === 0);
      expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'IN_PROGRESS', stage: 'AWAITING_CARD' });
    } finally {
      await server.close();
    }
  });
});
