import request from 'supertest';
import { useApi, type Api } from '../../helpers/api';
import { dbSnapshot } from '../../helpers/db';
import { expectProblem } from '../../helpers/problem';
import { INSTANT_SIMULATOR_ENV, TX_PATH, getStatus, payAndWait } from '../../helpers/payments';
import { bodyOf, type FinalStatus } from '../../helpers/bodies';

// One rule for what may be given back (docs/payments.md): a sale's refunds and its void together never
// exceed what it charged. A void gives back everything, so a sale with a refund is not voided (409
// ALREADY_REFUNDED) and a voided sale is not refunded (409 ALREADY_VOIDED). The original's status says
// what was refunded from it.

const using = (t: Api) => {
  const post = (body: Record<string, unknown>) => request(t.app).post(`${TX_PATH}?disablePrinting=true`).set('Authorization', t.token).send(body);
  const status = async (uti: string) => bodyOf<FinalStatus>(await getStatus(t.app, t.token, uti));
  const pay = async (body: Record<string, unknown>) => status((await payAndWait(t.app, t.ctx, t.token, body)).uti);
  const refused = async (body: Record<string, unknown>, httpStatus: number, code: string) => {
    const before = dbSnapshot(t.ctx.db);
    const problem = expectProblem(await post(body), httpStatus, code);
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
    return problem as unknown as Record<string, unknown>;
  };
  const totals = async () => (await request(t.app).get('/payntpos/1.0.0/settlement').set('Authorization', t.token)).body as { totals: Record<string, { count: number; amount: number }> };
  return { pay, status, refused, totals };
};

describe('POST /payntpos/1.0.0/transaction: what may be given back', () => {
  const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true });

  it('refuses the void of a sale refunded in full with 409 ALREADY_REFUNDED, and creates nothing: settlement counts the refund once and no void', async () => {
    const { pay, refused, totals } = using(t);
    const sale = await pay({ transType: 'SALE', amountTrans: 2000 });
    const refund = await pay({ transType: 'REFUND', originalUti: sale.uti, amountTrans: 2000 });
    expect(refund.status).toBe('APPROVED');
    const problem = await refused({ transType: 'REVERSAL', uti: sale.uti }, 409, 'ALREADY_REFUNDED');
    expect(problem).toMatchObject({ uti: sale.uti, refundedAmount: 2000, refunds: [refund.uti] });
    expect((await totals()).totals).toMatchObject({ sales: { count: 1, amount: 2000 }, refunds: { count: 1, amount: 2000 }, voided: { count: 0, amount: 0 }, net: 0 });
  });

  it('refuses the void of a sale refunded in part, and of a refunded COMPLETION', async () => {
    const { pay, refused } = using(t);
    const sale = await pay({ transType: 'SALE', amountTrans: 2000 });
    await pay({ transType: 'REFUND', originalUti: sale.uti, amountTrans: 1 });
    expect(await refused({ transType: 'REVERSAL', uti: sale.uti }, 409, 'ALREADY_REFUNDED')).toMatchObject({ refundedAmount: 1, refundableAmount: 1999 });
    const preauth = await pay({ transType: 'PREAUTH', amountTrans: 3000 });
    const completion = await pay({ transType: 'COMPLETION', uti: preauth.uti, amountTrans: 2500 });
    await pay({ transType: 'REFUND', originalUti: completion.uti, amountTrans: 500 });
    await refused({ transType: 'REVERSAL', uti: completion.uti }, 409, 'ALREADY_REFUNDED');
  });

  it("shows on the original what was refunded from it: amountRefunded and the refunds' UTIs, in order, approved and not voided ones only", async () => {
    const { pay, status } = using(t);
    const sale = await pay({ transType: 'SALE', amountTrans: 2000 });
    expect(sale).not.toHaveProperty('amountRefunded');
    expect(sale).not.toHaveProperty('refunds');
    const first = await pay({ transType: 'REFUND', originalUti: sale.uti, amountTrans: 300 });
    expect((await pay({ transType: 'REFUND', originalUti: sale.uti, amountTrans: 1005 })).status).toBe('DECLINED');
    const second = await pay({ transType: 'REFUND', originalUti: sale.uti, amountTrans: 200 });
    expect(await status(sale.uti)).toMatchObject({ amountRefunded: 500, refunds: [first.uti, second.uti] });
    const page = (await request(t.app).get('/payntpos/1.0.0/transactions').query({ type: 'SALE' }).set('Authorization', t.token)).body as { transactions: FinalStatus[] };
    expect(page.transactions.find((s) => s.uti === sale.uti)).toMatchObject({ amountRefunded: 500, refunds: [first.uti, second.uti] });
  });

  it('gives back again what a voided refund took back: the sale can then be refunded again, or voided once no refund stands', async () => {
    const { pay, status, refused } = using(t);
    const sale = await pay({ transType: 'SALE', amountTrans: 2000 });
    const refund = await pay({ transType: 'REFUND', originalUti: sale.uti, amountTrans: 2000 });
    await refused({ transType: 'REFUND', originalUti: sale.uti, amountTrans: 1 }, 422, 'AMOUNT_EXCEEDS_ORIGINAL');
    expect((await pay({ transType: 'REVERSAL', uti: refund.uti })).status).toBe('APPROVED');
    const after = await status(sale.uti);
    expect(after).not.toHaveProperty('amountRefunded');
    expect(after).not.toHaveProperty('refunds');
    expect((await pay({ transType: 'REVERSAL', uti: sale.uti })).status).toBe('APPROVED');
    await refused({ transType: 'REFUND', originalUti: sale.uti, amountTrans: 1 }, 409, 'ALREADY_VOIDED');
  });
});
