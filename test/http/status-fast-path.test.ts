import type { RequestListener } from 'node:http';
import request, { type Response } from 'supertest';
import type { Express } from 'express';
import { createApp, everyAnswer } from '../../src/app';
import { recordHeaders } from '../../src/http/fast-path';
import { createScreenApp } from '../../src/screen/screen.app';
import { statusFastPath } from '../../src/transactions/status-fast-path';
import { pairPos, pairTechnician, testContext, TEST_TID, type TestContext } from '../helpers/context';
import { INSTANT_SIMULATOR_ENV, MANUAL_SIMULATOR_ENV, TX_PATH, untilIdleAfter } from '../helpers/payments';

// GET /transaction is answered without Express when all is well (src/transactions/status-fast-path.ts).
// Here the fast path serves alone (599 when it declines), beside the whole app, whose route answers
// the same request with a trailing slash: the two answers must be the same.

const DECLINED = 599;
const headersOf = (res: Response) => {
  const { date: _date, ...rest } = res.headers;
  return rest;
};

describe('GET /payntpos/1.0.0/transaction, answered by the fast path', () => {
  let t: TestContext;
  let app: Express;
  let fastOnly: RequestListener;
  let token: string;
  const setUp = async (env: NodeJS.ProcessEnv) => {
    t = testContext({ env });
    app = createApp(t.ctx);
    const fast = statusFastPath(t.ctx, TX_PATH, recordHeaders(everyAnswer()));
    fastOnly = (req, res) => {
      if (fast(req, res, () => undefined)) return;
      res.statusCode = DECLINED;
      res.end();
    };
    token = await pairPos(app, t.ctx);
  };
  const startSale = async (): Promise<string> => {
    const res = await request(app).post(`${TX_PATH}?disablePrinting=true`).set('Authorization', token).send({ transType: 'SALE', amountTrans: 1000 });
    expect(res.status).toBe(200);
    return res.body.uti as string;
  };
  const both = async (query: Record<string, string>, auth = token) => ({
    fast: await request(fastOnly).get(TX_PATH).query(query).set('Authorization', auth),
    route: await request(app).get(`${TX_PATH}/`).query(query).set('Authorization', auth),
  });
  afterEach(() => t.ctx.destroy());

  describe('When the transaction is final', () => {
    beforeEach(() => setUp(INSTANT_SIMULATOR_ENV));

    it('then it answers 200 with the same headers and body as the route', async () => {
      const uti = await startSale();
      await untilIdleAfter(t.ctx, uti);
      const queries: Record<string, string>[] = [{ uti }, { uti, tid: TEST_TID }, { uti, wait: '5' }];
      for (const query of queries) {
        const { fast, route } = await both(query);
        expect(fast.status).toBe(200);
        expect(headersOf(fast)).toEqual(headersOf(route));
        expect(fast.text).toBe(route.text);
      }
    });

    it('then, once the transaction changes (voided), it answers the change, not the answer it gave before', async () => {
      const uti = await startSale();
      await untilIdleAfter(t.ctx, uti);
      expect((await both({ uti })).fast.body).toMatchObject({ uti, voided: false, voidedBy: null });
      const reversal = await request(app).post(`${TX_PATH}?disablePrinting=true`).set('Authorization', token).send({ transType: 'REVERSAL', uti });
      expect(reversal.status).toBe(200);
      await untilIdleAfter(t.ctx, reversal.body.uti as string);
      const { fast, route } = await both({ uti });
      expect(fast.body).toMatchObject({ uti, voided: true, voidedBy: reversal.body.uti });
      expect(fast.text).toBe(route.text);
    });

    it('then it declines what the route answers with an error: no token, a technician, another tid, an unknown UTI, a bad query', async () => {
      const uti = await startSale();
      await untilIdleAfter(t.ctx, uti);
      const technician = await pairTechnician(app, t.ctx);
      const cases: [Record<string, string>, string, number][] = [
        [{ uti }, '', 401],
        [{ uti }, technician, 403],
        [{ uti, tid: '87654321' }, token, 400],
        [{ uti: 'no-such-uti' }, token, 404],
        [{ uti, extra: '1' }, token, 400],
      ];
      for (const [query, auth, status] of cases) {
        const { fast, route } = await both(query, auth);
        expect([fast.status, route.status]).toEqual([DECLINED, status]);
        const whole = await request(app).get(TX_PATH).query(query).set('Authorization', auth);
        expect(whole.status).toBe(status);
        expect(whole.body).toEqual(route.body);
      }
    });

    it('then a body or another method is left to the route', async () => {
      const uti = await startSale();
      await untilIdleAfter(t.ctx, uti);
      expect((await request(fastOnly).get(TX_PATH).query({ uti }).set('Authorization', token).send({})).status).toBe(DECLINED);
      expect((await request(fastOnly).head(TX_PATH).query({ uti }).set('Authorization', token)).status).toBe(DECLINED);
    });
  });

  describe('When the transaction is in progress', () => {
    beforeEach(() => setUp(MANUAL_SIMULATOR_ENV));

    it('then it answers 202 as the route does, and leaves a long-poll to the route', async () => {
      const uti = await startSale();
      const { fast, route } = await both({ uti });
      expect(fast.status).toBe(202);
      expect(headersOf(fast)).toEqual(headersOf(route));
      expect(fast.text).toBe(route.text);
      expect((await request(fastOnly).get(TX_PATH).query({ uti, wait: '1' }).set('Authorization', token)).status).toBe(DECLINED);
    });

    it('then it follows the payment: a new stage, then the outcome', async () => {
      const uti = await startSale();
      expect((await both({ uti })).fast.body).toMatchObject({ status: 'IN_PROGRESS', stage: 'AWAITING_CARD' });
      await request(createScreenApp(t.ctx)).post('/screen/actions').send({ action: 'presentCard', card: 'visa-contactless' }).expect(200);
      await untilIdleAfter(t.ctx, uti);
      const { fast, route } = await both({ uti });
      expect(fast.status).toBe(200);
      expect(fast.body).toMatchObject({ uti, status: 'APPROVED' });
      expect(fast.text).toBe(route.text);
    });
  });
});
