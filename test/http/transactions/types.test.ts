import request from 'supertest';
import type { PaymentHost } from '../../../src/host/payment-host';
import { javaDateString } from '../../../src/transactions/java-date';
import { useApi } from '../../helpers/api';
import { TEST_TID } from '../../helpers/context';
import { expectProblem } from '../../helpers/problem';
import { INSTANT_SIMULATOR_ENV, MANUAL_SIMULATOR_ENV, TX_PATH, committedStates, getStatus, payAndWait, untilIdleAfter, untilStage } from '../../helpers/payments';
import { stringMatching } from '../../helpers/matchers';
import { bodyOf, type Acknowledgement, type FinalStatus, type SearchPage } from '../../helpers/bodies';

// Every field a final status carries: Paynt's documented ones, its sibling model's, and eposd's own (SPEC §2–§3).
const FINAL_FIELDS = [
  'transApproved',
  'transactionType',
  'authCode',
  'transAmount',
  'primaryAccountNumber',
  'transactionDate',
  'cardholderReceipt',
  'merchantReceipt',
  'uti',
  'originalUti',
  'transCancelled',
  'voided',
  'transactionResponse',
  'transactionSource',
  'applicationId',
  'appName',
  'cardholderVerificationMethod',
  'currencyCode',
  'terminalId',
  'merchantId',
  'signature',
  'status',
  'statusReason',
  'reference',
  'createdAt',
  'completedAt',
];

describe('POST and GET /payntpos/1.0.0/transaction', () => {
  describe('a SALE', () => {
    const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true });
    const pay = (body: Record<string, unknown>) => payAndWait(t.app, t.ctx, t.token, body);

    it('answers at once with {transType, amountTrans, uti}, and nothing else', async () => {
      const res = await request(t.app).post(`${TX_PATH}?tid=${TEST_TID}&disablePrinting=false`).set('Authorization', t.token).send({ transType: 'SALE', reference: 'r1', amountTrans: 1000 });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ transType: 'SALE', amountTrans: 1000, uti: stringMatching(/^[A-Za-z0-9-]{1,64}$/) });
      const { uti } = bodyOf<Acknowledgement>(res);
      expect(t.ctx.transactionsRepo.findByUti(uti)).toBeDefined();
      await untilIdleAfter(t.ctx, uti);
    });

    it('answers 200 with every field of SPEC §2–§3 once approved', async () => {
      const { uti } = await pay({ transType: 'SALE', reference: 'r1', amountTrans: 1000 });
      const res = await getStatus(t.app, t.token, uti);
      expect(res.status).toBe(200);
      for (const field of FINAL_FIELDS) expect(res.body).toHaveProperty(field);
      const now = t.clock.now();
      expect(res.body).toMatchObject({
        uti,
        originalUti: null,
        transApproved: true,
        transCancelled: false,
        voided: false,
        transactionType: 'SALE',
        transAmount: 1000,
        authCode: stringMatching(/^\d{6}$/),
        primaryAccountNumber: '47**********0010',
        transactionDate: javaDateString(now),
        transactionResponse: '00',
        transactionSource: 'PICC',
        applicationId: 'A0000000031010',
        appName: 'VISA CREDIT',
        cardholderVerificationMethod: 'NO_CVM',
        currencyCode: 'EUR',
        terminalId: TEST_TID,
        merchantId: '000000000000001',
        signature: false,
        status: 'APPROVED',
        statusReason: 'APPROVED',
        reference: 'r1',
        createdAt: now.toISOString(),
        completedAt: now.toISOString(),
      });
      const status = bodyOf<FinalStatus>(res);
      expect(status.transactionDate).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} GMT[+-]\d{2}:\d{2} \d{4}$/);
      expect(status.merchantReceipt[1]).toEqual(['MERCHANT COPY', '5', 'C', 'B']);
      expect(status.cardholderReceipt[1]).toEqual(['CARDHOLDER COPY', '5', 'C', 'B']);
    });

    it('answers 200 with the decline, and transApproved false, for a declined card', async () => {
      const { uti } = await pay({ transType: 'SALE', amountTrans: 1051 });
      const res = await getStatus(t.app, t.token, uti);
      expect(res.status).toBe(200);
      for (const field of FINAL_FIELDS) expect(res.body).toHaveProperty(field);
      expect(res.body).toMatchObject({ transApproved: false, status: 'DECLINED', statusReason: 'INSUFFICIENT_FUNDS', transactionResponse: '51', authCode: null, reference: null });
    });

    it('answers 200 with CANCELLED, transCancelled and no receipts when the customer cancels', async () => {
      const { uti } = await pay({ transType: 'SALE', amountTrans: 1097 });
      const res = await getStatus(t.app, t.token, uti);
      for (const field of FINAL_FIELDS) expect(res.body).toHaveProperty(field);
      expect(res.body).toMatchObject({
        transApproved: false,
        transCancelled: true,
        status: 'CANCELLED',
        statusReason: 'CUSTOMER_CANCELLED',
        primaryAccountNumber: null,
        transactionSource: 'NONE',
        cardholderReceipt: [],
        merchantReceipt: [],
      });
    });

    it('answers 404 NOT_FOUND for a UTI this terminal never gave', async () => {
      const body = expectProblem(await getStatus(t.app, t.token, 'no-such-uti'), 404, 'NOT_FOUND');
      expect(body).toMatchObject({ uti: 'no-such-uti' });
    });

    it('lets another paired POS read the same transaction', async () => {
      const { uti } = await pay({ transType: 'SALE', amountTrans: 1000 });
      const other = await t.pairPos('till-2');
      expect((await getStatus(t.app, other, uti)).body).toMatchObject({ uti, status: 'APPROVED' });
    });
  });

  describe('while the payment runs', () => {
    let authorize: () => void;
    const host: PaymentHost = {
      authorize: () => new Promise((resolve) => (authorize = () => resolve({ responseCode: '00', authCode: '654321' }))),
      reverse: () => Promise.resolve(true),
    };
    const t = useApi({ env: MANUAL_SIMULATOR_ENV, host, paired: true });

    it('answers 202 IN_PROGRESS with the stage, and no transApproved, at every stage', async () => {
      const ack = await request(t.app).post(TX_PATH).set('Authorization', t.token).send({ transType: 'SALE', amountTrans: 6000, reference: 'r2' });
      const { uti } = bodyOf<Acknowledgement>(ack);
      const expectStage = async (stage: string) => {
        const res = await getStatus(t.app, t.token, uti);
        expect(res.status).toBe(202);
        expect(res.body).toMatchObject({ uti, transactionType: 'SALE', transAmount: 6000, status: 'IN_PROGRESS', stage });
        expect(res.body).not.toHaveProperty('transApproved');
        expect(res.body).not.toHaveProperty('authCode');
      };
      await expectStage('AWAITING_CARD');
      // The simulator reads a card within the same turn it is presented: report the detection alone
      // first, as a slow reader would, to see READING_CARD.
      t.ctx.engine.readerEvents.cardDetected(uti);
      await expectStage('READING_CARD');
      t.ctx.simulator!.presentCard('mastercard-chip');
      await untilStage(t.ctx, uti, 'AWAITING_PIN');
      await expectStage('AWAITING_PIN');
      t.ctx.simulator!.enterPin('1234');
      await expectStage('AUTHORIZING');
      authorize();
      await untilIdleAfter(t.ctx, uti);
      const res = await getStatus(t.app, t.token, uti);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'APPROVED', authCode: '654321', transactionSource: 'ICC', cardholderVerificationMethod: 'PIN', primaryAccountNumber: '54**********0434' });
    });
  });

  describe('the other types', () => {
    const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true });
    const pay = (body: Record<string, unknown>) => payAndWait(t.app, t.ctx, t.token, body);

    it('runs a REFUND with a card', async () => {
      const { ack, uti } = await pay({ transType: 'REFUND', amountTrans: 1500 });
      expect(ack).toEqual({ transType: 'REFUND', amountTrans: 1500, uti });
      expect((await getStatus(t.app, t.token, uti)).body).toMatchObject({ transactionType: 'REFUND', transAmount: 1500, transApproved: true, primaryAccountNumber: '47**********0010' });
      expect(committedStates(t.ctx.db, uti)[0]).toBe('IDLE→AWAITING_CARD');
    });

    it('runs a PREAUTH with a card', async () => {
      const { ack, uti } = await pay({ transType: 'PREAUTH', amountTrans: 3000 });
      expect(ack).toEqual({ transType: 'PREAUTH', amountTrans: 3000, uti });
      expect((await getStatus(t.app, t.token, uti)).body).toMatchObject({ transactionType: 'PREAUTH', transAmount: 3000, transApproved: true });
    });

    it.each([
      ['below', 2500],
      ['equal to', 3000],
    ])('completes an approved PREAUTH for an amount %s it, with a new UTI and no card', async (_how, amount) => {
      const preauth = await pay({ transType: 'PREAUTH', amountTrans: 3000 });
      const { ack, uti } = await pay({ transType: 'COMPLETION', uti: preauth.uti, amountTrans: amount });
      expect(ack).toEqual({ transType: 'COMPLETION', amountTrans: amount, uti });
      expect(uti).not.toBe(preauth.uti);
      const preauthStatus = bodyOf<FinalStatus>(await getStatus(t.app, t.token, preauth.uti));
      expect((await getStatus(t.app, t.token, uti)).body).toMatchObject({
        transactionType: 'COMPLETION',
        originalUti: preauth.uti,
        transAmount: amount,
        transApproved: true,
        authCode: preauthStatus.authCode,
        primaryAccountNumber: preauthStatus.primaryAccountNumber,
      });
      expect(preauthStatus).toMatchObject({ completedBy: uti, voided: false });
      expect(committedStates(t.ctx.db, uti)).toEqual(['IDLE→AUTHORIZING', 'AUTHORIZING→IDLE']);
    });

    it('voids an approved SALE with a REVERSAL: a new UTI, no amountTrans in the answer, the SALE voided', async () => {
      const sale = await pay({ transType: 'SALE', amountTrans: 1234 });
      const { ack, uti } = await pay({ transType: 'REVERSAL', uti: sale.uti });
      expect(ack).toEqual({ transType: 'REVERSAL', uti });
      expect(ack).not.toHaveProperty('amountTrans');
      expect(uti).not.toBe(sale.uti);
      expect((await getStatus(t.app, t.token, uti)).body).toMatchObject({ transactionType: 'REVERSAL', originalUti: sale.uti, transAmount: 1234, transApproved: true, voided: false });
      expect((await getStatus(t.app, t.token, sale.uti)).body).toMatchObject({ voided: true, voidedBy: uti, transApproved: true, status: 'APPROVED' });
      expect(committedStates(t.ctx.db, uti)).toEqual(['IDLE→AUTHORIZING', 'AUTHORIZING→IDLE']);
    });

    it('shows the voided amount for a REVERSAL everywhere: in GET /transaction, GET /transactions and the event replay', async () => {
      const sale = await pay({ transType: 'SALE', amountTrans: 1234 });
      const { uti } = await pay({ transType: 'REVERSAL', uti: sale.uti });
      const listed = await request(t.app).get(`${TX_PATH}s`).query({ type: 'REVERSAL' }).set('Authorization', t.token);
      expect(bodyOf<SearchPage>(listed).transactions).toEqual([expect.objectContaining({ uti, transAmount: 1234 })]);
      expect(
        t.ctx.feed
          .since(0)
          .events.filter((e) => e.uti === uti)
          .map((e) => e.transAmount),
      ).toEqual([1234, 1234]);
    });

    it.each(['REFUND', 'PREAUTH'])('voids an approved %s too', async (transType) => {
      const original = await pay({ transType, amountTrans: 700 });
      const { uti } = await pay({ transType: 'REVERSAL', uti: original.uti });
      expect((await getStatus(t.app, t.token, original.uti)).body).toMatchObject({ voided: true, voidedBy: uti });
    });

    it('voids a COMPLETION', async () => {
      const preauth = await pay({ transType: 'PREAUTH', amountTrans: 3000 });
      const completion = await pay({ transType: 'COMPLETION', uti: preauth.uti, amountTrans: 3000 });
      const { uti } = await pay({ transType: 'REVERSAL', uti: completion.uti });
      expect((await getStatus(t.app, t.token, completion.uti)).body).toMatchObject({ voided: true, voidedBy: uti });
      expect((await getStatus(t.app, t.token, uti)).body).toMatchObject({ originalUti: completion.uti, transAmount: 3000, status: 'APPROVED' });
    });
  });
});
