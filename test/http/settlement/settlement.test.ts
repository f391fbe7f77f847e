import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { useApi } from '../../helpers/api';
import { bodyOf, type Acknowledgement, type Batch } from '../../helpers/bodies';
import { INSTANT_SIMULATOR_ENV, payAndWait, simulatedPrinter, transactionCount, TX_PATH, untilIdleAfter } from '../../helpers/payments';
import { HeldHost } from '../../helpers/held-host';
import { dbSnapshot } from '../../helpers/db';
import { until } from '../../helpers/until';
import { expectProblem } from '../../helpers/problem';

const SETTLEMENT_PATH = `${BASE_PATH}/settlement`;
const EMPTY_TOTALS = {
  currency: 'EUR',
  sales: { count: 0, amount: 0 },
  refunds: { count: 0, amount: 0 },
  preauths: { count: 0, amount: 0 },
  completions: { count: 0, amount: 0 },
  voided: { count: 0, amount: 0 },
  reversals: { count: 0 },
  declined: { count: 0 },
  notCompleted: { count: 0 },
  net: 0,
};

describe('GET and POST /payntpos/1.0.0/settlement', () => {
  const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true });

  const pay = (body: Record<string, unknown>) => payAndWait(t.app, t.ctx, t.token, body).then((r) => r.uti);
  const current = () => request(t.app).get(SETTLEMENT_PATH).set('Authorization', t.token);
  const settle = () => request(t.app).post(SETTLEMENT_PATH).set('Authorization', t.token);
  const zReports = () => simulatedPrinter(t.ctx).jobs.filter((j) => j.what.startsWith('Z report'));

  /** A day's trading: every type, a void, a decline and a customer cancel. */
  const trade = async () => {
    await pay({ transType: 'SALE', amountTrans: 1000 });
    await pay({ transType: 'SALE', amountTrans: 2500 });
    const voided = await pay({ transType: 'SALE', amountTrans: 700 });
    await pay({ transType: 'REVERSAL', uti: voided });
    await pay({ transType: 'SALE', amountTrans: 1005 });
    await pay({ transType: 'REFUND', amountTrans: 300 });
    const preauth = await pay({ transType: 'PREAUTH', amountTrans: 4000 });
    await pay({ transType: 'COMPLETION', uti: preauth, amountTrans: 3500 });
    await pay({ transType: 'SALE', amountTrans: 1097 });
  };
  const TRADED = {
    ...EMPTY_TOTALS,
    sales: { count: 2, amount: 3500 },
    refunds: { count: 1, amount: 300 },
    preauths: { count: 1, amount: 4000 },
    completions: { count: 1, amount: 3500 },
    voided: { count: 1, amount: 700 },
    reversals: { count: 1 },
    declined: { count: 1 },
    notCompleted: { count: 1 },
    // Sales and completions less refunds; the voided sale and the pre-authorisation are not money taken.
    net: 3500 + 3500 - 300,
  };

  it('GET counts and totals the open batch per type, with the net (sales + completions - refunds, voided excluded)', async () => {
    await trade();
    const res = await current();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ batchNumber: 1, status: 'OPEN', openedAt: t.clock.now().toISOString(), totals: TRADED });
  });

  it('POST closes the batch, answers its totals, prints a Z report, and the next batch opens empty', async () => {
    await trade();
    const before = bodyOf<Batch>(await current());
    const res = await settle();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ batchNumber: 1, status: 'CLOSED', openedAt: before.openedAt, closedAt: t.clock.now().toISOString(), closedBy: 'POS', totals: TRADED });

    expect(zReports()).toHaveLength(1);
    const text = zReports()[0]!.lines.map((l) => l[0]);
    expect(text).toEqual(
      expect.arrayContaining(['Z REPORT - SETTLEMENT', 'SALES 2  EUR 35.00', 'REFUNDS 1  EUR 3.00', 'COMPLETIONS 1  EUR 35.00', 'VOIDED 1  EUR 7.00', 'DECLINED 1', 'NET EUR 67.00']),
    );

    const next = await current();
    expect(next.body).toEqual({ batchNumber: 2, status: 'OPEN', openedAt: bodyOf<Batch>(res).closedAt, totals: EMPTY_TOTALS });
  });

  it('puts what is taken after a settlement in the next batch only', async () => {
    await pay({ transType: 'SALE', amountTrans: 1000 });
    await settle().expect(200);
    await pay({ transType: 'SALE', amountTrans: 2000 });
    const second = await settle();
    expect(second.body).toMatchObject({ batchNumber: 2, totals: { sales: { count: 1, amount: 2000 }, net: 2000 } });
  });

  it('answers 409 TERMINAL_BUSY while a payment is in progress, closes nothing, and settles once it has ended', async () => {
    const res = await request(t.app).post(`${TX_PATH}?disablePrinting=true`).set('Authorization', t.token).send({ transType: 'SALE', amountTrans: 1098 });
    const { uti } = bodyOf<Acknowledgement>(res);
    const before = dbSnapshot(t.ctx.db);
    expect(expectProblem(await settle(), 409, 'TERMINAL_BUSY')).toMatchObject({ uti });
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
    await request(t.app).delete(TX_PATH).query({ uti }).set('Authorization', t.token).expect(200);
    expect((await settle().expect(200)).body).toMatchObject({ batchNumber: 1, totals: { notCompleted: { count: 1 } } });
  });

  it('answers 409 ALREADY_SETTLED to a REVERSAL of a settled transaction, and creates nothing', async () => {
    const uti = await pay({ transType: 'SALE', amountTrans: 1000 });
    await settle().expect(200);
    const count = transactionCount(t.ctx.db);
    const body = expectProblem(await request(t.app).post(TX_PATH).set('Authorization', t.token).send({ transType: 'REVERSAL', uti }), 409, 'ALREADY_SETTLED');
    expect(body).toMatchObject({ uti });
    expect(transactionCount(t.ctx.db)).toBe(count);
  });

  it('closes the batch from the screen with the settle action', async () => {
    await pay({ transType: 'SALE', amountTrans: 1000 });
    const res = await request(t.screen).post('/screen/actions').send({ action: 'settle' });
    expect(res.status).toBe(200);
    expect(t.ctx.db.prepare('SELECT id, closed_by AS closedBy FROM batches').all()).toEqual([{ id: 1, closedBy: 'SCREEN' }]);
    expect(zReports()).toHaveLength(1);
    expect((await current()).body).toMatchObject({ batchNumber: 2, totals: EMPTY_TOTALS });
  });

  it('answers 401 without a token and 403 to a technician, and closes nothing', async () => {
    expectProblem(await request(t.app).get(SETTLEMENT_PATH), 401, 'UNAUTHORIZED');
    expectProblem(await request(t.app).post(SETTLEMENT_PATH), 401, 'UNAUTHORIZED');
    const technician = await t.pairTechnician();
    expectProblem(await request(t.app).post(SETTLEMENT_PATH).set('Authorization', technician), 403, 'FORBIDDEN');
    expect(t.ctx.db.prepare('SELECT count(*) FROM batches').pluck().get()).toBe(0);
  });
});

describe('POST /payntpos/1.0.0/settlement while the host holds a REVERSAL', () => {
  let host: HeldHost;
  const t = useApi(() => ({ env: INSTANT_SIMULATOR_ENV, host: (host = new HeldHost()), paired: true }));

  it('when the batch is closed during a REVERSAL, then it is refused, so settled money is never voided', async () => {
    const sale = t.ctx.transactions.start({ transType: 'SALE', amountTrans: 1000 }, 'till-1', true).uti;
    await until('the host is asked', () => host.asked.length === 1);
    host.approve();
    await untilIdleAfter(t.ctx, sale);
    const voidAck = await request(t.app).post(`${TX_PATH}?disablePrinting=true`).set('Authorization', t.token).send({ transType: 'REVERSAL', uti: sale }).expect(200);
    const reversal = bodyOf<Acknowledgement>(voidAck).uti;
    expect(t.ctx.engine.current.name).toBe('AUTHORIZING');

    const before = dbSnapshot(t.ctx.db);
    expectProblem(await request(t.app).post(SETTLEMENT_PATH).set('Authorization', t.token), 409, 'TERMINAL_BUSY');
    expect(dbSnapshot(t.ctx.db)).toEqual(before);

    host.approve();
    await untilIdleAfter(t.ctx, reversal);
    expect(t.ctx.transactionsRepo.findByUti(sale)).toMatchObject({ voidedBy: reversal, batchId: null });
    const closed = bodyOf<Batch>(await request(t.app).post(SETTLEMENT_PATH).set('Authorization', t.token).expect(200));
    expect(closed.totals).toMatchObject({ sales: { count: 0, amount: 0 }, voided: { count: 1, amount: 1000 }, net: 0 });
  });
});
