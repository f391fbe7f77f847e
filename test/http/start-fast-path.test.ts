import type { RequestListener } from 'node:http';
import request, { type Response } from 'supertest';
import type { Express } from 'express';
import { createApp, everyAnswer } from '../../src/app';
import { recordHeaders } from '../../src/http/fast-path';
import { startFastPath } from '../../src/transactions/start-fast-path';
import { pairPos, pairTechnician, testContext, TEST_TID, type TestContext } from '../helpers/context';
import { dbSnapshot } from '../helpers/db';
import { capturingLogger, MANUAL_SIMULATOR_ENV, TX_PATH, rowOf, transactionCount } from '../helpers/payments';
import { expectProblem } from '../helpers/problem';

// POST /transaction is answered without Express when all is well (src/transactions/start-fast-path.ts).
// Here the fast path serves alone (599 when it declines before reading the body), beside the whole app,
// whose route answers the same request with a trailing slash: the two answers must be the same.

const DECLINED = 599;
const SALE = { transType: 'SALE', amountTrans: 1000, reference: 'fast-1' };
const headersOf = (res: Response) => {
  const { date: _date, ...rest } = res.headers;
  return rest;
};
const auditOf = (t: TestContext) =>
  t.ctx.db.prepare(`SELECT actor, role, origin, event, outcome, uti FROM audit_events WHERE event = 'transaction.start' ORDER BY id`).all() as Record<string, unknown>[];

describe('POST /payntpos/1.0.0/transaction, answered by the fast path', () => {
  let t: TestContext;
  let app: Express;
  let fastOnly: RequestListener;
  let token: string;
  /** Set when the fast path hands a request over after reading its body. */
  let handedOver: unknown[];

  beforeEach(async () => {
    t = testContext({ env: MANUAL_SIMULATOR_ENV });
    app = createApp(t.ctx);
    const fast = startFastPath(t.ctx, TX_PATH, recordHeaders(everyAnswer()));
    handedOver = [];
    fastOnly = (req, res) => {
      const taken = fast(req, res, (failure) => {
        handedOver.push(failure);
        res.statusCode = DECLINED + 1;
        res.end();
      });
      if (taken) return;
      res.statusCode = DECLINED;
      res.end();
    };
    token = await pairPos(app, t.ctx);
  });
  afterEach(() => t.ctx.destroy());

  /** Ends the payment in progress (cancelled), so that the terminal is idle for the next one. */
  const finishPayment = () => {
    const s = t.ctx.engine.current;
    if (s.name !== 'IDLE') expect(t.ctx.engine.cancel(s.tx.uti, 'POS_CANCELLED')).toBe('CANCELLED');
  };

  it('answers a SALE as the route does: same status, headers and body, a committed transaction and the same audit entry', async () => {
    const fast = await request(fastOnly).post(`${TX_PATH}?tid=${TEST_TID}&disablePrinting=true`).set('Authorization', token).send(SALE);
    expect(fast.status).toBe(200);
    const fastUti = fast.body.uti as string;
    expect(rowOf(t.ctx, fastUti)).toMatchObject({ transType: 'SALE', amount: 1000, reference: 'fast-1', registerId: 'till-1', status: 'IN_PROGRESS', disablePrinting: 1 });
    expect(t.ctx.engine.current.name).toBe('AWAITING_CARD');
    finishPayment();

    const route = await request(app).post(`${TX_PATH}/?tid=${TEST_TID}&disablePrinting=true`).set('Authorization', token).send(SALE);
    expect(route.status).toBe(200);
    const routeUti = route.body.uti as string;
    expect(headersOf(fast)).toEqual(headersOf(route));
    expect(fast.text.replace(fastUti, 'UTI')).toBe(route.text.replace(routeUti, 'UTI'));
    const [a, b] = auditOf(t);
    expect(a).toEqual({ ...b, uti: fastUti });
    expect(b).toMatchObject({ actor: 'till-1', role: 'pos', outcome: 'OK', uti: routeUti });
  });

  it('answers a REFUND and a PREAUTH, with or without a query', async () => {
    for (const transType of ['REFUND', 'PREAUTH']) {
      const res = await request(fastOnly).post(TX_PATH).set('Authorization', token).send({ transType, amountTrans: 500 });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ transType, amountTrans: 500, uti: expect.any(String) });
      expect(rowOf(t.ctx, res.body.uti as string).disablePrinting).toBe(0);
      finishPayment();
    }
  });

  it('declines, before reading the body and changing nothing, what the route answers with an error or must check itself', async () => {
    const technician = await pairTechnician(app, t.ctx);
    const before = dbSnapshot(t.ctx.db);
    const cases: [string, (r: request.Test) => request.Test][] = [
      ['no token', (r) => r.send(SALE)],
      ['a technician', (r) => r.set('Authorization', technician).send(SALE)],
      ['another tid', (r) => r.query({ tid: '87654321' }).set('Authorization', token).send(SALE)],
      ['an unknown query parameter', (r) => r.query({ extra: '1' }).set('Authorization', token).send(SALE)],
      ['another media type', (r) => r.set('Authorization', token).set('Content-Type', 'text/plain').send(JSON.stringify(SALE))],
      ['another charset', (r) => r.set('Authorization', token).set('Content-Type', 'application/json; charset=latin1').send(JSON.stringify(SALE))],
      ['a compressed body', (r) => r.set('Authorization', token).set('Content-Encoding', 'gzip').send(SALE)],
      ['a body over 16 KiB', (r) => r.set('Authorization', token).send({ ...SALE, reference: 'x'.repeat(17_000) })],
    ];
    for (const [what, build] of cases) {
      const res = await build(request(fastOnly).post(TX_PATH));
      expect([what, res.status]).toEqual([what, DECLINED]);
    }
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
    expect(handedOver).toEqual([]);
  });

  it('declines while the terminal is busy, and the whole app answers 409 TERMINAL_BUSY as the route does', async () => {
    const first = await request(app).post(TX_PATH).set('Authorization', token).send(SALE);
    expect(first.status).toBe(200);
    expect((await request(fastOnly).post(TX_PATH).set('Authorization', token).send(SALE)).status).toBe(DECLINED);
    const before = dbSnapshot(t.ctx.db);
    const busy = await request(app).post(TX_PATH).set('Authorization', token).send(SALE);
    expectProblem(busy, 409, 'TERMINAL_BUSY');
    expect(busy.body).toMatchObject({ uti: first.body.uti });
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
  });

  it('hands over after reading the body what it does not answer itself, and the whole app answers it as the route does', async () => {
    const bodies: (object | string)[] = [
      { transType: 'SALE', amountTrans: 1000, uti: 'my-own-uti-1' }, // replays are the route's
      { transType: 'REVERSAL', uti: 'no-such-uti' },
      { transType: 'COMPLETION', amountTrans: 1000, uti: 'no-such-uti' },
      { transType: 'SALE' },
      { transType: 'SALE', amountTrans: 0 },
      { transType: 'SALE', amountTrans: 1000, colour: 'red' },
      [1, 2],
      'null',
      '{"transType": "SALE", ',
    ];
    for (const body of bodies) {
      handedOver = [];
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const post = (to: RequestListener | Express, path: string) => request(to).post(path).set('Authorization', token).set('Content-Type', 'application/json').send(text);
      const fast = await post(fastOnly, TX_PATH);
      expect([body, fast.status]).toEqual([body, DECLINED + 1]);
      const before = dbSnapshot(t.ctx.db);
      const whole = await post(app, TX_PATH);
      const route = await post(app, `${TX_PATH}/`);
      if (whole.status === 200) {
        // The replay: the same UTI, answered twice.
        expect(route.body).toEqual(whole.body);
        finishPayment();
        continue;
      }
      expect([body, whole.status, whole.body]).toEqual([body, route.status, route.body]);
      expect(dbSnapshot(t.ctx.db)).toEqual(before);
    }
  });

  it('when the terminal fails to act on a committed payment, the POS still has its UTI, and the payment is never started twice', async () => {
    t.ctx.destroy();
    let failNext = true;
    const { logger, lines } = capturingLogger('error');
    t = testContext({
      env: MANUAL_SIMULATOR_ENV,
      logger,
      screenOut: (line) => {
        if (failNext && line.includes('Present card')) {
          failNext = false;
          throw new Error('display failed');
        }
      },
    });
    app = createApp(t.ctx);
    token = await pairPos(app, t.ctx);
    const res = await request(app).post(TX_PATH).set('Authorization', token).send(SALE);
    expect(res.status).toBe(200);
    expect(rowOf(t.ctx, res.body.uti as string).status).toBe('IN_PROGRESS');
    expect(transactionCount(t.ctx.db)).toBe(1);
    expect(lines.filter((l) => l.msg === 'request failed')).toHaveLength(1);
  });
});
