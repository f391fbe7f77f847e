import request from 'supertest';
import { useApi, type Api } from '../../helpers/api';
import { dbSnapshot } from '../../helpers/db';
import { expectProblem } from '../../helpers/problem';
import { INSTANT_SIMULATOR_ENV, TX_PATH, getStatus, payAndWait, simulatedPrinter, untilIdleAfter } from '../../helpers/payments';
import { bodyOf, type FinalStatus } from '../../helpers/bodies';

// Payment breadth's money (docs/payments.md): currencies, tips, cashback, linked refunds, partial
// approvals and INCREMENT. Every refused request leaves the database as it was.

const MULTI_CURRENCY_ENV = { ...INSTANT_SIMULATOR_ENV, EPOSD_CURRENCIES: 'EUR,GBP,JPY,KWD' };

const using = (t: Api) => {
  const post = (body: Record<string, unknown>) => request(t.app).post(`${TX_PATH}?disablePrinting=true`).set('Authorization', t.token).send(body);
  const pay = async (body: Record<string, unknown>) => {
    const { uti } = await payAndWait(t.app, t.ctx, t.token, body);
    return bodyOf<FinalStatus>(await getStatus(t.app, t.token, uti));
  };
  const refused = async (body: Record<string, unknown>, status: number, code: string) => {
    const before = dbSnapshot(t.ctx.db);
    const problem = expectProblem(await post(body), status, code);
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
    return problem as unknown as Record<string, unknown>;
  };
  return { post, pay, refused };
};

const MONEY_KEYS = ['currency', 'tipAmount', 'cashbackAmount', 'totalAmount', 'amountAuthorised', 'partialApproval'];

describe('POST /payntpos/1.0.0/transaction: payment breadth (money)', () => {
  describe('a Paynt POS that sends none of it', () => {
    const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true, perFile: true });

    it('gets exactly the answers it got before: no money field is added to a plain sale, refund or pre-authorisation', async () => {
      const { pay } = using(t);
      for (const transType of ['SALE', 'REFUND', 'PREAUTH']) {
        const status = await pay({ transType, amountTrans: 1000 });
        expect(status.status).toBe('APPROVED');
        for (const key of MONEY_KEYS) expect(status).not.toHaveProperty(key);
        expect(status.currencyCode).toBe('EUR');
      }
    });
  });

  describe('currencies', () => {
    const t = useApi({ env: MULTI_CURRENCY_ENV, paired: true });

    it('charges in a configured currency, in its minor units, and prints it in its format', async () => {
      const { pay } = using(t);
      const yen = await pay({ transType: 'SALE', amountTrans: 1250, currency: 'JPY' });
      expect(yen).toMatchObject({ status: 'APPROVED', currencyCode: 'JPY', currency: 'JPY', totalAmount: 1250, amountAuthorised: 1250, partialApproval: false });
      expect(yen.merchantReceipt.map((l) => l[0])).toContain('AMOUNT: JPY 1250');
      const dinar = await pay({ transType: 'SALE', amountTrans: 1250, currency: 'KWD' });
      expect(dinar.merchantReceipt.map((l) => l[0])).toContain('AMOUNT: KWD 1.250');
    });

    it('answers 422 CURRENCY_NOT_SUPPORTED for a currency not in EPOSD_CURRENCIES, and creates nothing', async () => {
      const problem = await using(t).refused({ transType: 'SALE', amountTrans: 1000, currency: 'USD' }, 422, 'CURRENCY_NOT_SUPPORTED');
      expect(problem.supported).toEqual(['EUR', 'GBP', 'JPY', 'KWD']);
    });

    it('answers 422 CURRENCY_NOT_SUPPORTED for any currency but EPOSD_CURRENCY when EPOSD_CURRENCIES is not set', async () => {
      await t.rebuild({ env: INSTANT_SIMULATOR_ENV, paired: true });
      await using(t).refused({ transType: 'SALE', amountTrans: 1000, currency: 'GBP' }, 422, 'CURRENCY_NOT_SUPPORTED');
      expect((await using(t).pay({ transType: 'SALE', amountTrans: 1000, currency: 'EUR' })).status).toBe('APPROVED');
    });

    it('has COMPLETION, INCREMENT, REVERSAL and a linked REFUND inherit the original currency, and refuses another with 422 CURRENCY_MISMATCH', async () => {
      const { pay, refused } = using(t);
      const preauth = await pay({ transType: 'PREAUTH', amountTrans: 5000, currency: 'GBP' });
      await refused({ transType: 'COMPLETION', uti: preauth.uti, amountTrans: 1000, currency: 'EUR' }, 422, 'CURRENCY_MISMATCH');
      await refused({ transType: 'INCREMENT', originalUti: preauth.uti, amountTrans: 1000, currency: 'JPY' }, 422, 'CURRENCY_MISMATCH');
      await refused({ transType: 'REVERSAL', uti: preauth.uti, currency: 'EUR' }, 422, 'CURRENCY_MISMATCH');
      const completion = await pay({ transType: 'COMPLETION', uti: preauth.uti, amountTrans: 4000 });
      expect(completion).toMatchObject({ status: 'APPROVED', currencyCode: 'GBP' });
      await refused({ transType: 'REFUND', originalUti: completion.uti, amountTrans: 100, currency: 'EUR' }, 422, 'CURRENCY_MISMATCH');
      const refund = await pay({ transType: 'REFUND', originalUti: completion.uti, amountTrans: 100, currency: 'GBP' });
      expect(refund).toMatchObject({ status: 'APPROVED', currency: 'GBP', originalUti: completion.uti });
    });

    it('totals the batch per currency: each reconciles on its own, the terminal currency first', async () => {
      const { pay } = using(t);
      await pay({ transType: 'SALE', amountTrans: 1000 });
      await pay({ transType: 'SALE', amountTrans: 300, currency: 'JPY' });
      await pay({ transType: 'SALE', amountTrans: 700, currency: 'JPY' });
      const batch = await request(t.app).get('/payntpos/1.0.0/settlement').set('Authorization', t.token);
      expect(batch.body).toMatchObject({ totals: { currency: 'EUR', net: 1000, sales: { count: 1, amount: 1000 } } });
      expect((batch.body as { totalsByCurrency: unknown[] }).totalsByCurrency).toEqual([
        expect.objectContaining({ currency: 'EUR', net: 1000 }),
        expect.objectContaining({ currency: 'JPY', net: 1000, sales: { count: 2, amount: 1000 } }),
      ]);
    });
  });

  describe('settlement per currency', () => {
    const t = useApi({ env: MULTI_CURRENCY_ENV, paired: true });

    it('closes a batch with each currency totalled apart (kept with the closed batch), and a Z report section per currency', async () => {
      const { pay } = using(t);
      await pay({ transType: 'SALE', amountTrans: 1000, tipAmount: 100 });
      await pay({ transType: 'SALE', amountTrans: 1250, currency: 'KWD', cashbackAmount: 500 });
      await pay({ transType: 'REFUND', amountTrans: 250, currency: 'KWD' });
      const closed = await request(t.app).post('/payntpos/1.0.0/settlement').set('Authorization', t.token);
      expect(closed.status).toBe(200);
      const body = closed.body as { totals: Record<string, unknown>; totalsByCurrency: Record<string, unknown>[] };
      expect(body.totals).toMatchObject({ currency: 'EUR', net: 1100, tips: { count: 1, amount: 100 } });
      expect(body.totalsByCurrency[1]).toMatchObject({ currency: 'KWD', sales: { count: 1, amount: 1750 }, refunds: { count: 1, amount: 250 }, cashback: { count: 1, amount: 500 }, net: 1500 });
      const report = simulatedPrinter(t.ctx)
        .jobs.find((j) => j.what.startsWith('Z report'))!
        .lines.map((l) => l[0]);
      expect(report).toEqual(expect.arrayContaining(['NET EUR 11.00', 'OF WHICH TIPS 1  EUR 1.00', '--- KWD ---', 'SALES 1  KWD 1.750', 'OF WHICH CASHBACK 1  KWD 0.500', 'NET KWD 1.500']));
      expect(report.at(-1)).toBe('*** END OF REPORT ***');
      const next = await request(t.app).get('/payntpos/1.0.0/settlement').set('Authorization', t.token);
      expect(next.body).not.toHaveProperty('totalsByCurrency');
    });
  });

  describe('tips and cashback', () => {
    const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true });

    it('charges tipAmount on top of a SALE and prints the amount, the tip and the total', async () => {
      const sale = await using(t).pay({ transType: 'SALE', amountTrans: 1250, tipAmount: 200 });
      expect(sale).toMatchObject({ status: 'APPROVED', transAmount: 1250, tipAmount: 200, totalAmount: 1450, amountAuthorised: 1450, partialApproval: false, currency: 'EUR' });
      expect(sale).not.toHaveProperty('cashbackAmount');
      expect(sale.cardholderReceipt.map((l) => l[0])).toEqual(expect.arrayContaining(['AMOUNT: EUR 12.50', 'TIP: EUR 2.00', 'TOTAL: EUR 14.50']));
    });

    it('adds a tip to a COMPLETION within the pre-authorised amount, and refuses one beyond it with 422 AMOUNT_EXCEEDS_PREAUTH', async () => {
      const { pay, refused } = using(t);
      const preauth = await pay({ transType: 'PREAUTH', amountTrans: 5000 });
      await refused({ transType: 'COMPLETION', uti: preauth.uti, amountTrans: 4500, tipAmount: 501 }, 422, 'AMOUNT_EXCEEDS_PREAUTH');
      expect(await pay({ transType: 'COMPLETION', uti: preauth.uti, amountTrans: 4500, tipAmount: 500 })).toMatchObject({ status: 'APPROVED', totalAmount: 5000 });
    });

    it('gives cashback on a SALE up to EPOSD_CASHBACK_MAX, and answers 422 CASHBACK_NOT_ALLOWED beyond it', async () => {
      const { pay, refused } = using(t);
      const sale = await pay({ transType: 'SALE', amountTrans: 1000, cashbackAmount: 10000 });
      expect(sale).toMatchObject({ status: 'APPROVED', cashbackAmount: 10000, totalAmount: 11000 });
      expect(sale.merchantReceipt.map((l) => l[0])).toEqual(expect.arrayContaining(['CASHBACK: EUR 100.00', 'TOTAL: EUR 110.00']));
      const problem = await refused({ transType: 'SALE', amountTrans: 1000, cashbackAmount: 10001 }, 422, 'CASHBACK_NOT_ALLOWED');
      expect(problem.cashbackMax).toBe(10000);
    });

    it('answers 422 CASHBACK_NOT_ALLOWED for any cashback when EPOSD_CASHBACK_MAX=0', async () => {
      await t.rebuild({ env: { ...INSTANT_SIMULATOR_ENV, EPOSD_CASHBACK_MAX: '0' }, paired: true });
      await using(t).refused({ transType: 'SALE', amountTrans: 1000, cashbackAmount: 1 }, 422, 'CASHBACK_NOT_ALLOWED');
    });

    it.each([
      ['tipAmount on a REFUND', { transType: 'REFUND', amountTrans: 1000, tipAmount: 100 }, 'tipAmount'],
      ['cashbackAmount on a PREAUTH', { transType: 'PREAUTH', amountTrans: 1000, cashbackAmount: 100 }, 'cashbackAmount'],
      ['tipOnTerminal on a REFUND', { transType: 'REFUND', amountTrans: 1000, tipOnTerminal: true }, 'tipOnTerminal'],
      ['tipPercentages without tipOnTerminal', { transType: 'SALE', amountTrans: 1000, tipPercentages: [10] }, 'tipPercentages'],
      ['tipAmount with tipOnTerminal', { transType: 'SALE', amountTrans: 1000, tipOnTerminal: true, tipAmount: 100 }, 'tipAmount'],
      ['four tip percentages', { transType: 'SALE', amountTrans: 1000, tipOnTerminal: true, tipPercentages: [5, 10, 15, 20] }, 'tipPercentages'],
      ['a tip percentage above 100', { transType: 'SALE', amountTrans: 1000, tipOnTerminal: true, tipPercentages: [101] }, 'tipPercentages.0'],
      ['a negative tip', { transType: 'SALE', amountTrans: 1000, tipAmount: -1 }, 'tipAmount'],
      ['allowPartialApproval on a REFUND', { transType: 'REFUND', amountTrans: 1000, allowPartialApproval: true }, 'allowPartialApproval'],
      ['originalUti on a SALE', { transType: 'SALE', amountTrans: 1000, originalUti: 'x-1' }, 'originalUti'],
      ['an INCREMENT without originalUti', { transType: 'INCREMENT', amountTrans: 1000 }, 'originalUti'],
      ['a lower-case currency', { transType: 'SALE', amountTrans: 1000, currency: 'eur' }, 'currency'],
      ['a total above 99999999', { transType: 'SALE', amountTrans: 99_999_000, tipAmount: 1000 }, 'amountTrans'],
    ])('answers 400 VALIDATION_FAILED for %s, naming the field, and creates nothing', async (_what, body, field) => {
      const problem = await using(t).refused(body, 400, 'VALIDATION_FAILED');
      expect((problem.errors as { field: string }[]).map((e) => e.field)).toContain(field);
    });
  });

  describe('linked refunds', () => {
    const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true });

    it('refunds a sale in parts up to what it charged (tip included), voided refunds not counted, and answers 422 AMOUNT_EXCEEDS_ORIGINAL beyond', async () => {
      const { pay, refused } = using(t);
      const sale = await pay({ transType: 'SALE', amountTrans: 1000, tipAmount: 100 });
      const first = await pay({ transType: 'REFUND', originalUti: sale.uti, amountTrans: 600 });
      expect(first).toMatchObject({ status: 'APPROVED', originalUti: sale.uti, totalAmount: 600, currency: 'EUR' });
      const problem = await refused({ transType: 'REFUND', originalUti: sale.uti, amountTrans: 501 }, 422, 'AMOUNT_EXCEEDS_ORIGINAL');
      expect(problem).toMatchObject({ originalAmount: 1100, refundedAmount: 600, refundableAmount: 500 });
      await pay({ transType: 'REVERSAL', uti: first.uti });
      expect(await pay({ transType: 'REFUND', originalUti: sale.uti, amountTrans: 1100 })).toMatchObject({ status: 'APPROVED' });
      await refused({ transType: 'REFUND', originalUti: sale.uti, amountTrans: 1 }, 422, 'AMOUNT_EXCEEDS_ORIGINAL');
    });

    it('does not count a declined refund', async () => {
      const { pay } = using(t);
      const sale = await pay({ transType: 'SALE', amountTrans: 2000 });
      expect(await pay({ transType: 'REFUND', originalUti: sale.uti, amountTrans: 1005 })).toMatchObject({ status: 'DECLINED' });
      expect(await pay({ transType: 'REFUND', originalUti: sale.uti, amountTrans: 2000 })).toMatchObject({ status: 'APPROVED' });
    });

    it('refunds against a COMPLETION, and refuses other originals', async () => {
      const { pay, refused } = using(t);
      const preauth = await pay({ transType: 'PREAUTH', amountTrans: 3000 });
      await refused({ transType: 'REFUND', originalUti: preauth.uti, amountTrans: 100 }, 409, 'INVALID_ORIGINAL');
      const declined = await pay({ transType: 'SALE', amountTrans: 1051 });
      await refused({ transType: 'REFUND', originalUti: declined.uti, amountTrans: 100 }, 409, 'INVALID_ORIGINAL');
      await refused({ transType: 'REFUND', originalUti: 'no-such-sale', amountTrans: 100 }, 404, 'ORIGINAL_NOT_FOUND');
      const voided = await pay({ transType: 'SALE', amountTrans: 1000 });
      await pay({ transType: 'REVERSAL', uti: voided.uti });
      await refused({ transType: 'REFUND', originalUti: voided.uti, amountTrans: 100 }, 409, 'ALREADY_VOIDED');
      const completion = await pay({ transType: 'COMPLETION', uti: preauth.uti, amountTrans: 2500 });
      expect(await pay({ transType: 'REFUND', originalUti: completion.uti, amountTrans: 2500 })).toMatchObject({ status: 'APPROVED' });
    });

    it('answers 422 UNLINKED_REFUND_NOT_ALLOWED for a refund without originalUti when EPOSD_UNLINKED_REFUNDS=false', async () => {
      await t.rebuild({ env: { ...INSTANT_SIMULATOR_ENV, EPOSD_UNLINKED_REFUNDS: 'false' }, paired: true });
      const { pay, refused } = using(t);
      await refused({ transType: 'REFUND', amountTrans: 100 }, 422, 'UNLINKED_REFUND_NOT_ALLOWED');
      const sale = await pay({ transType: 'SALE', amountTrans: 1000 });
      expect(await pay({ transType: 'REFUND', originalUti: sale.uti, amountTrans: 100 })).toMatchObject({ status: 'APPROVED' });
    });

    it('caps an unlinked refund at EPOSD_REFUND_MAX (422 UNLINKED_REFUND_NOT_ALLOWED beyond), not a linked one', async () => {
      await t.rebuild({ env: { ...INSTANT_SIMULATOR_ENV, EPOSD_REFUND_MAX: '5000' }, paired: true });
      const { pay, refused } = using(t);
      expect(await pay({ transType: 'REFUND', amountTrans: 5000 })).toMatchObject({ status: 'APPROVED' });
      expect(await refused({ transType: 'REFUND', amountTrans: 5001 }, 422, 'UNLINKED_REFUND_NOT_ALLOWED')).toMatchObject({ refundMax: 5000 });
      const sale = await pay({ transType: 'SALE', amountTrans: 8000 });
      expect(await pay({ transType: 'REFUND', originalUti: sale.uti, amountTrans: 8000 })).toMatchObject({ status: 'APPROVED' });
    });
  });

  describe('partial approvals (amount ending 10)', () => {
    const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true });

    it('approves half (rounded down) when allowPartialApproval, and says so on the answer and the receipt', async () => {
      const sale = await using(t).pay({ transType: 'SALE', amountTrans: 2510, tipAmount: 1, allowPartialApproval: true });
      expect(sale).toMatchObject({ status: 'APPROVED', transApproved: true, totalAmount: 2511, amountAuthorised: 1255, partialApproval: true });
      expect(sale.cardholderReceipt.map((l) => l[0])).toEqual(expect.arrayContaining(['PARTIAL APPROVAL', 'AUTHORISED: EUR 12.55', 'NOT PAID: EUR 12.56']));
    });

    it('voids what was charged: the void of a partial approval carries the authorised amount, of a tipped sale its tip and total', async () => {
      const { pay } = using(t);
      const partial = await pay({ transType: 'SALE', amountTrans: 2510, allowPartialApproval: true });
      expect(await pay({ transType: 'REVERSAL', uti: partial.uti })).toMatchObject({ status: 'APPROVED', transAmount: 2510, amountAuthorised: 1255, partialApproval: true });
      const tipped = await pay({ transType: 'SALE', amountTrans: 1250, tipAmount: 200 });
      const voided = await pay({ transType: 'REVERSAL', uti: tipped.uti });
      expect(voided).toMatchObject({ tipAmount: 200, totalAmount: 1450 });
      expect(voided.merchantReceipt.map((l) => l[0])).toEqual(expect.arrayContaining(['VOID', 'TIP: EUR 2.00', 'TOTAL: EUR 14.50']));
      const plainVoid = await pay({ transType: 'REVERSAL', uti: (await pay({ transType: 'SALE', amountTrans: 700 })).uti });
      for (const key of MONEY_KEYS) expect(plainVoid).not.toHaveProperty(key);
    });

    it('declines 51 INSUFFICIENT_FUNDS without allowPartialApproval', async () => {
      const sale = await using(t).pay({ transType: 'SALE', amountTrans: 2510 });
      expect(sale).toMatchObject({ status: 'DECLINED', transactionResponse: '51', statusReason: 'INSUFFICIENT_FUNDS' });
      for (const key of MONEY_KEYS) expect(sale).not.toHaveProperty(key);
    });

    it('says partialApproval: false when the host approved in full, and refunds at most the partial amount', async () => {
      const { pay, refused } = using(t);
      expect(await pay({ transType: 'SALE', amountTrans: 2500, allowPartialApproval: true })).toMatchObject({ amountAuthorised: 2500, partialApproval: false });
      const partial = await pay({ transType: 'SALE', amountTrans: 3010, allowPartialApproval: true });
      await refused({ transType: 'REFUND', originalUti: partial.uti, amountTrans: 1506 }, 422, 'AMOUNT_EXCEEDS_ORIGINAL');
      expect(await pay({ transType: 'REFUND', originalUti: partial.uti, amountTrans: 1500 })).toMatchObject({ status: 'APPROVED' });
    });
  });

  describe('INCREMENT of a pre-authorisation', () => {
    const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true });

    it('raises the authorised total without a card; COMPLETION may then take up to the new total', async () => {
      const { pay, post, refused } = using(t);
      const preauth = await pay({ transType: 'PREAUTH', amountTrans: 5000 });
      const ack = await post({ transType: 'INCREMENT', originalUti: preauth.uti, amountTrans: 2000 });
      expect(ack.status).toBe(200);
      expect(ack.body).toMatchObject({ transType: 'INCREMENT', amountTrans: 2000 });
      const increment = await pay({ transType: 'INCREMENT', originalUti: preauth.uti, amountTrans: 1000 });
      expect(increment).toMatchObject({ status: 'APPROVED', transactionType: 'INCREMENT', originalUti: preauth.uti, transactionSource: 'NONE', totalAmount: 1000, currency: 'EUR' });
      expect(increment.merchantReceipt.map((l) => l[0])).toContain('PRE-AUTH INCREMENT');
      expect(await refused({ transType: 'COMPLETION', uti: preauth.uti, amountTrans: 8001 }, 422, 'AMOUNT_EXCEEDS_PREAUTH')).toMatchObject({ preauthAmount: 8000 });
      expect(await pay({ transType: 'COMPLETION', uti: preauth.uti, amountTrans: 8000 })).toMatchObject({ status: 'APPROVED' });
    });

    it('takes its own uti, so that a retry is a replay and never a second increment (409 UTI_CONFLICT for another body)', async () => {
      const { pay, post } = using(t);
      const preauth = await pay({ transType: 'PREAUTH', amountTrans: 5000 });
      const body = { transType: 'INCREMENT', originalUti: preauth.uti, amountTrans: 700, uti: 'inc-retry-1' };
      const first = await post(body);
      await untilIdleAfter(t.ctx, 'inc-retry-1');
      const again = await post(body);
      expect([first.status, again.status]).toEqual([200, 200]);
      expect(again.body).toEqual(first.body);
      expect(t.ctx.transactionsRepo.linkedTotal(preauth.uti, 'INCREMENT')).toBe(700);
      expectProblem(await post({ ...body, amountTrans: 800 }), 409, 'UTI_CONFLICT');
    });

    it('declines 05 for an amount ending 12, which does not raise the cap', async () => {
      const { pay, refused } = using(t);
      const preauth = await pay({ transType: 'PREAUTH', amountTrans: 5000 });
      expect(await pay({ transType: 'INCREMENT', originalUti: preauth.uti, amountTrans: 1012 })).toMatchObject({ status: 'DECLINED', transactionResponse: '05' });
      await refused({ transType: 'COMPLETION', uti: preauth.uti, amountTrans: 5001 }, 422, 'AMOUNT_EXCEEDS_PREAUTH');
    });

    it("answers COMPLETION's rule errors, and creates nothing", async () => {
      const { pay, refused } = using(t);
      await refused({ transType: 'INCREMENT', originalUti: 'no-such-preauth', amountTrans: 100 }, 404, 'ORIGINAL_NOT_FOUND');
      const sale = await pay({ transType: 'SALE', amountTrans: 1000 });
      await refused({ transType: 'INCREMENT', originalUti: sale.uti, amountTrans: 100 }, 409, 'INVALID_ORIGINAL');
      const completed = await pay({ transType: 'PREAUTH', amountTrans: 1000 });
      await pay({ transType: 'COMPLETION', uti: completed.uti, amountTrans: 1000 });
      await refused({ transType: 'INCREMENT', originalUti: completed.uti, amountTrans: 100 }, 409, 'ALREADY_COMPLETED');
      const voided = await pay({ transType: 'PREAUTH', amountTrans: 1000 });
      await pay({ transType: 'REVERSAL', uti: voided.uti });
      await refused({ transType: 'INCREMENT', originalUti: voided.uti, amountTrans: 100 }, 409, 'ALREADY_VOIDED');
    });

    it('is not voided alone (409 INVALID_ORIGINAL); voiding the pre-authorisation releases its increments too', async () => {
      const { pay, refused } = using(t);
      const preauth = await pay({ transType: 'PREAUTH', amountTrans: 5000 });
      const increment = await pay({ transType: 'INCREMENT', originalUti: preauth.uti, amountTrans: 1000 });
      await refused({ transType: 'REVERSAL', uti: increment.uti }, 409, 'INVALID_ORIGINAL');
      const reversal = await pay({ transType: 'REVERSAL', uti: preauth.uti });
      expect(bodyOf<FinalStatus>(await getStatus(t.app, t.token, increment.uti))).toMatchObject({ voided: true, voidedBy: reversal.uti });
    });

    it('stays open across settlement, as the hold it raises, and is totalled apart from the net', async () => {
      const { pay } = using(t);
      const preauth = await pay({ transType: 'PREAUTH', amountTrans: 5000 });
      await request(t.app).post('/payntpos/1.0.0/settlement').set('Authorization', t.token).expect(200);
      await pay({ transType: 'INCREMENT', originalUti: preauth.uti, amountTrans: 1500 });
      const batch = await request(t.app).get('/payntpos/1.0.0/settlement').set('Authorization', t.token);
      expect(batch.body).toMatchObject({ totals: { increments: { count: 1, amount: 1500 }, net: 0 } });
    });
  });
});
