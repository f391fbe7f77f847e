import request from 'supertest';
import { useApi, type Api } from '../../helpers/api';
import { TEST_TID } from '../../helpers/context';
import { dbSnapshot } from '../../helpers/db';
import { expectProblem } from '../../helpers/problem';
import { INSTANT_SIMULATOR_ENV, MANUAL_SIMULATOR_ENV, TX_PATH, getStatus, payAndWait, transactionCount } from '../../helpers/payments';
import { bodyOf, type Acknowledgement } from '../../helpers/bodies';

describe('POST /payntpos/1.0.0/transaction: the rules checked before a UTI is given (SPEC §3)', () => {
  /** What the tests do with their fixture: post, pay, and send a request the rules refuse. */
  const using = (t: Api) => {
    const post = (body: Record<string, unknown>, query = '') => request(t.app).post(`${TX_PATH}${query}`).set('Authorization', t.token).send(body);
    const pay = (body: Record<string, unknown>) => payAndWait(t.app, t.ctx, t.token, body);
    /** Sends a request the rules refuse; checks the problem and that nothing was written. */
    const refused = async (body: Record<string, unknown>, status: number, code: string, query = '') => {
      const before = dbSnapshot(t.ctx.db);
      const problem = expectProblem(await post(body, query), status, code);
      expect(dbSnapshot(t.ctx.db)).toEqual(before);
      return problem as unknown as Record<string, unknown>;
    };
    return { post, pay, refused };
  };

  describe('voids across registers', () => {
    const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true });

    it('answers 403 FORBIDDEN when another register voids a sale, and creates nothing', async () => {
      const { pay } = using(t);
      const sale = await pay({ transType: 'SALE', amountTrans: 1000 });
      const other = await t.pairPos('till-2');
      const before = dbSnapshot(t.ctx.db);
      const res = await request(t.app).post(TX_PATH).set('Authorization', other).send({ transType: 'REVERSAL', uti: sale.uti });
      expect(expectProblem(res, 403, 'FORBIDDEN').detail).toMatch(/Only the register that made this transaction can void it/);
      expect(dbSnapshot(t.ctx.db)).toEqual(before);
    });

    it('lets any register void when EPOSD_VOID_ANY_REGISTER=true', async () => {
      await t.rebuild({ env: { ...INSTANT_SIMULATOR_ENV, EPOSD_VOID_ANY_REGISTER: 'true' } });
      const sale = await using(t).pay({ transType: 'SALE', amountTrans: 1000 });
      const other = await t.pairPos('till-2');
      const reversal = await payAndWait(t.app, t.ctx, other, { transType: 'REVERSAL', uti: sale.uti });
      expect((await getStatus(t.app, other, reversal.uti)).body).toMatchObject({ status: 'APPROVED', originalUti: sale.uti });
    });
  });

  describe('with the simulator answering at once', () => {
    const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true });
    const { post, pay, refused } = using(t);

    it("answers 400 TID_MISMATCH for another terminal's tid, on POST and on GET, and accepts its own", async () => {
      await refused({ transType: 'SALE', amountTrans: 1000 }, 400, 'TID_MISMATCH', '?tid=87654321');
      const ok = await post({ transType: 'SALE', amountTrans: 1000 }, `?tid=${TEST_TID}&disablePrinting=true`);
      expect(ok.status).toBe(200);
      expectProblem(
        await request(t.app)
          .get(TX_PATH)
          .query({ tid: '87654321', uti: bodyOf<Acknowledgement>(ok).uti })
          .set('Authorization', t.token),
        400,
        'TID_MISMATCH',
      );
      expect(
        (
          await request(t.app)
            .get(TX_PATH)
            .query({ tid: TEST_TID, uti: bodyOf<Acknowledgement>(ok).uti })
            .set('Authorization', t.token)
        ).status,
      ).toBeLessThan(300);
    });

    it.each(['COMPLETION', 'REVERSAL'])('answers 404 ORIGINAL_NOT_FOUND for a %s of an unknown UTI', async (transType) => {
      const body = await refused({ transType, uti: 'no-such-uti', ...(transType === 'COMPLETION' ? { amountTrans: 100 } : {}) }, 404, 'ORIGINAL_NOT_FOUND');
      expect(body.uti).toBe('no-such-uti');
    });

    it('answers 409 INVALID_ORIGINAL for a REVERSAL of a declined SALE', async () => {
      const declined = await pay({ transType: 'SALE', amountTrans: 1005 });
      await refused({ transType: 'REVERSAL', uti: declined.uti }, 409, 'INVALID_ORIGINAL');
    });

    it('answers 409 INVALID_ORIGINAL for a COMPLETION of a SALE', async () => {
      const sale = await pay({ transType: 'SALE', amountTrans: 1000 });
      await refused({ transType: 'COMPLETION', uti: sale.uti, amountTrans: 1000 }, 409, 'INVALID_ORIGINAL');
    });

    it('answers 409 INVALID_ORIGINAL for a COMPLETION of a declined PREAUTH, and for a REVERSAL of a REVERSAL', async () => {
      const declined = await pay({ transType: 'PREAUTH', amountTrans: 3054 });
      await refused({ transType: 'COMPLETION', uti: declined.uti, amountTrans: 1000 }, 409, 'INVALID_ORIGINAL');
      const sale = await pay({ transType: 'SALE', amountTrans: 1000 });
      const reversal = await pay({ transType: 'REVERSAL', uti: sale.uti });
      await refused({ transType: 'REVERSAL', uti: reversal.uti }, 409, 'INVALID_ORIGINAL');
    });

    it("answers 409 ALREADY_COMPLETED with the earlier completion's UTI", async () => {
      const preauth = await pay({ transType: 'PREAUTH', amountTrans: 3000 });
      const completion = await pay({ transType: 'COMPLETION', uti: preauth.uti, amountTrans: 1000 });
      const body = await refused({ transType: 'COMPLETION', uti: preauth.uti, amountTrans: 1000 }, 409, 'ALREADY_COMPLETED');
      expect(body.uti).toBe(completion.uti);
    });

    it("answers 409 ALREADY_VOIDED with the reversal's UTI", async () => {
      const sale = await pay({ transType: 'SALE', amountTrans: 1000 });
      const reversal = await pay({ transType: 'REVERSAL', uti: sale.uti });
      const body = await refused({ transType: 'REVERSAL', uti: sale.uti }, 409, 'ALREADY_VOIDED');
      expect(body.uti).toBe(reversal.uti);
    });

    it('answers 409 ALREADY_VOIDED for a COMPLETION of a voided PREAUTH', async () => {
      const preauth = await pay({ transType: 'PREAUTH', amountTrans: 3000 });
      const reversal = await pay({ transType: 'REVERSAL', uti: preauth.uti });
      const body = await refused({ transType: 'COMPLETION', uti: preauth.uti, amountTrans: 1000 }, 409, 'ALREADY_VOIDED');
      expect(body.uti).toBe(reversal.uti);
    });

    it("answers 409 ALREADY_COMPLETED, with the completion's UTI, for a REVERSAL of a completed PREAUTH", async () => {
      const preauth = await pay({ transType: 'PREAUTH', amountTrans: 3000 });
      const completion = await pay({ transType: 'COMPLETION', uti: preauth.uti, amountTrans: 3000 });
      const body = await refused({ transType: 'REVERSAL', uti: preauth.uti }, 409, 'ALREADY_COMPLETED');
      expect(body.uti).toBe(completion.uti);
    });

    it('answers 409 ALREADY_SETTLED for a REVERSAL of a settled SALE', async () => {
      const sale = await pay({ transType: 'SALE', amountTrans: 1000 });
      t.ctx.db.prepare('UPDATE transactions SET batch_id = 1 WHERE uti = ?').run(sale.uti);
      await refused({ transType: 'REVERSAL', uti: sale.uti }, 409, 'ALREADY_SETTLED');
    });

    it('answers 422 AMOUNT_EXCEEDS_PREAUTH for a COMPLETION above the pre-authorised amount', async () => {
      const preauth = await pay({ transType: 'PREAUTH', amountTrans: 3000 });
      const body = await refused({ transType: 'COMPLETION', uti: preauth.uti, amountTrans: 3001 }, 422, 'AMOUNT_EXCEEDS_PREAUTH');
      expect(body.preauthAmount).toBe(3000);
    });

    it('replays a finished payment with a client-chosen UTI: the same acknowledgement, nothing started', async () => {
      const first = await pay({ transType: 'SALE', amountTrans: 1000, reference: 'order-7', uti: 'pos-0007' });
      expect(first.ack).toEqual({ transType: 'SALE', amountTrans: 1000, uti: 'pos-0007' });
      const before = dbSnapshot(t.ctx.db);
      const again = await post({ transType: 'SALE', amountTrans: 1000, reference: 'order-7', uti: 'pos-0007' });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.ack);
      expect(dbSnapshot(t.ctx.db)).toEqual(before);
      expect(t.ctx.engine.current).toEqual({ name: 'IDLE' });
    });

    it.each([
      ['another amount', { transType: 'SALE', amountTrans: 1001, reference: 'order-7', uti: 'pos-0007' }],
      ['another reference', { transType: 'SALE', amountTrans: 1000, reference: 'order-8', uti: 'pos-0007' }],
      ['another type', { transType: 'REFUND', amountTrans: 1000, reference: 'order-7', uti: 'pos-0007' }],
    ])('answers 409 UTI_CONFLICT for a used UTI with %s', async (_name, body) => {
      await pay({ transType: 'SALE', amountTrans: 1000, reference: 'order-7', uti: 'pos-0007' });
      const problem = await refused(body, 409, 'UTI_CONFLICT');
      expect(problem.uti).toBe('pos-0007');
    });

    it('answers 409 UTI_CONFLICT for a UTI that the terminal gave to another payment', async () => {
      const generated = await pay({ transType: 'SALE', amountTrans: 1000 });
      await refused({ transType: 'SALE', amountTrans: 1000, uti: generated.uti }, 409, 'UTI_CONFLICT');
    });

    it('answers 403 FORBIDDEN to a technician token and starts nothing', async () => {
      const technician = await t.pairTechnician();
      const before = dbSnapshot(t.ctx.db);
      expectProblem(await request(t.app).post(TX_PATH).set('Authorization', technician).send({ transType: 'SALE', amountTrans: 1000 }), 403, 'FORBIDDEN');
      expect(dbSnapshot(t.ctx.db)).toEqual(before);
    });

    it('answers 401 UNAUTHORIZED without a token or with a wrong one, and starts nothing', async () => {
      const before = dbSnapshot(t.ctx.db);
      expectProblem(await request(t.app).post(TX_PATH).send({ transType: 'SALE', amountTrans: 1000 }), 401, 'UNAUTHORIZED');
      expectProblem(await request(t.app).post(TX_PATH).set('Authorization', `${t.token}x`).send({ transType: 'SALE', amountTrans: 1000 }), 401, 'UNAUTHORIZED');
      expectProblem(await getStatus(t.app, 'not-a-token', 'any-uti'), 401, 'UNAUTHORIZED');
      expect(dbSnapshot(t.ctx.db)).toEqual(before);
    });
  });

  describe('while a payment waits for its card', () => {
    const t = useApi({ env: MANUAL_SIMULATOR_ENV, paired: true });
    const { post, refused } = using(t);
    let running: string;
    beforeEach(async () => {
      const res = await post({ transType: 'SALE', amountTrans: 1000, reference: 'order-1', uti: 'pos-0001' });
      expect(res.status).toBe(200);
      running = bodyOf<Acknowledgement>(res).uti;
    });

    it('answers 409 TERMINAL_BUSY with the UTI in progress to another payment', async () => {
      const body = await refused({ transType: 'SALE', amountTrans: 2000 }, 409, 'TERMINAL_BUSY');
      expect(body.uti).toBe(running);
      expect(transactionCount(t.ctx.db)).toBe(1);
    });

    it('answers TERMINAL_BUSY to another POS too', async () => {
      const other = await t.pairPos('till-2');
      const before = dbSnapshot(t.ctx.db);
      const res = await request(t.app).post(TX_PATH).set('Authorization', other).send({ transType: 'REFUND', amountTrans: 500 });
      expect(expectProblem(res, 409, 'TERMINAL_BUSY')).toMatchObject({ uti: running });
      expect(dbSnapshot(t.ctx.db)).toEqual(before);
    });

    it('answers a retry of that same payment as a replay, not TERMINAL_BUSY', async () => {
      const before = dbSnapshot(t.ctx.db);
      const again = await post({ transType: 'SALE', amountTrans: 1000, reference: 'order-1', uti: 'pos-0001' });
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ transType: 'SALE', amountTrans: 1000, uti: 'pos-0001' });
      expect(dbSnapshot(t.ctx.db)).toEqual(before);
      expect((await getStatus(t.app, t.token, 'pos-0001')).status).toBe(202);
    });

    it('answers a different body under that UTI with UTI_CONFLICT, before the busy check', async () => {
      await refused({ transType: 'SALE', amountTrans: 999, reference: 'order-1', uti: 'pos-0001' }, 409, 'UTI_CONFLICT');
    });

    it('answers COMPLETION and REVERSAL with TERMINAL_BUSY as well', async () => {
      await refused({ transType: 'REVERSAL', uti: running }, 409, 'TERMINAL_BUSY');
      await refused({ transType: 'COMPLETION', uti: running, amountTrans: 100 }, 409, 'TERMINAL_BUSY');
    });
  });
});
