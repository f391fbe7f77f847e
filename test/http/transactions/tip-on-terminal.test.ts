import request from 'supertest';
import { useApi } from '../../helpers/api';
import { expectProblem } from '../../helpers/problem';
import { dbSnapshot } from '../../helpers/db';
import { INSTANT_SIMULATOR_ENV, MANUAL_SIMULATOR_ENV, committedStates, getStatus, payAndWait, rowOf, startPayment, untilIdleAfter, untilStage } from '../../helpers/payments';
import { bodyOf, type FinalStatus, type InProgressStatus, type ScreenState } from '../../helpers/bodies';
import { testContext } from '../../helpers/context';

// tipOnTerminal: the terminal asks the cardholder for a tip before the card (AWAITING_TIP), a step of
// the state machine like any other: committed before acted on, cancellable, recovered after a crash.

describe('POST /payntpos/1.0.0/transaction with tipOnTerminal', () => {
  describe('in manual mode, a person at the screen chooses', () => {
    const t = useApi({ env: MANUAL_SIMULATOR_ENV, paired: true });
    const start = (body: Record<string, unknown> = {}) => startPayment(t.app, t.token, { transType: 'SALE', amountTrans: 1250, tipOnTerminal: true, ...body });
    const act = (body: Record<string, unknown>) => request(t.screen).post('/screen/actions').send(body);
    const shown = async () => bodyOf<ScreenState>(await request(t.screen).get('/screen'));
    const finish = async (uti: string) => {
      await act({ action: 'presentCard', card: 'visa-contactless' });
      await untilIdleAfter(t.ctx, uti);
      return bodyOf<FinalStatus>(await getStatus(t.app, t.token, uti));
    };

    it('asks before the card with the default choices (10, 15, 20 %), and charges the percentage chosen on top', async () => {
      const uti = await start();
      await untilStage(t.ctx, uti, 'AWAITING_TIP');
      const status = await getStatus(t.app, t.token, uti);
      expect(status.status).toBe(202);
      expect(bodyOf<InProgressStatus>(status).stage).toBe('AWAITING_TIP');
      expect((await shown()).payment).toMatchObject({
        uti,
        prompt: 'CHOOSE_TIP',
        tip: {
          choices: [
            { percent: 10, amount: 125 },
            { percent: 15, amount: 188 },
            { percent: 20, amount: 250 },
          ],
          maxCustom: 1250,
          text: { title: 'Add a tip?', noTip: 'No tip' },
        },
      });
      expect((await act({ action: 'chooseTip', percent: 15 })).status).toBe(200);
      expect((await shown()).payment).toMatchObject({ prompt: 'PRESENT_CARD', tipAmount: 188, total: 1438 });
      const final = await finish(uti);
      expect(final).toMatchObject({ status: 'APPROVED', transAmount: 1250, tipAmount: 188, totalAmount: 1438, amountAuthorised: 1438 });
      expect(committedStates(t.ctx.db, uti).slice(0, 2)).toEqual(['IDLE→AWAITING_TIP', 'AWAITING_TIP→AWAITING_CARD']);
    });

    it('offers the POS its own percentages, takes an amount of their own, or no tip at all', async () => {
      let uti = await start({ tipPercentages: [5, 12] });
      await untilStage(t.ctx, uti, 'AWAITING_TIP');
      expect((await shown()).payment?.tip?.choices).toEqual([
        { percent: 5, amount: 63 },
        { percent: 12, amount: 150 },
      ]);
      expectProblem(await act({ action: 'chooseTip', percent: 15 }), 400, 'VALIDATION_FAILED');
      expectProblem(await act({ action: 'chooseTip', amount: 1251 }), 400, 'VALIDATION_FAILED');
      await act({ action: 'chooseTip', amount: 300 });
      expect(await finish(uti)).toMatchObject({ tipAmount: 300, totalAmount: 1550 });

      uti = await start();
      await untilStage(t.ctx, uti, 'AWAITING_TIP');
      await act({ action: 'chooseTip', amount: 0 });
      const none = await finish(uti);
      expect(none).toMatchObject({ status: 'APPROVED', tipAmount: 0, totalAmount: 1250 });
      expect(committedStates(t.ctx.db, uti)[1]).toBe('AWAITING_TIP→AWAITING_CARD');
    });

    it('answers 409 ACTION_NOT_POSSIBLE to a tip when the terminal is not asking for one', async () => {
      expectProblem(await act({ action: 'chooseTip', percent: 10 }), 409, 'ACTION_NOT_POSSIBLE');
      const uti = await startPayment(t.app, t.token, { transType: 'SALE', amountTrans: 1000 });
      expectProblem(await act({ action: 'chooseTip', percent: 10 }), 409, 'ACTION_NOT_POSSIBLE');
      expect(rowOf(t.ctx, uti).tipAmount).toBeNull();
    });

    it('can be cancelled while it asks, by the customer or by the POS', async () => {
      let uti = await start();
      await untilStage(t.ctx, uti, 'AWAITING_TIP');
      await act({ action: 'cancel' });
      expect((await getStatus(t.app, t.token, uti)).body).toMatchObject({ status: 'CANCELLED', statusReason: 'CUSTOMER_CANCELLED' });
      uti = await start();
      await untilStage(t.ctx, uti, 'AWAITING_TIP');
      const cancelled = await request(t.app).delete('/payntpos/1.0.0/transaction').query({ uti }).set('Authorization', t.token);
      expect(cancelled.status).toBe(200);
      expect(bodyOf<FinalStatus>(cancelled)).toMatchObject({ status: 'CANCELLED', statusReason: 'POS_CANCELLED' });
      expect(committedStates(t.ctx.db, uti)).toEqual(['IDLE→AWAITING_TIP', 'AWAITING_TIP→IDLE']);
    });
  });

  describe('in auto mode, the simulated cardholder picks EPOSD_SIM_TIP', () => {
    const t = useApi({ env: { ...INSTANT_SIMULATOR_ENV, EPOSD_SIM_TIP: '20' }, paired: true });

    it('adds the configured percentage', async () => {
      const { uti } = await payAndWait(t.app, t.ctx, t.token, { transType: 'PREAUTH', amountTrans: 4000, tipOnTerminal: true });
      expect((await getStatus(t.app, t.token, uti)).body).toMatchObject({ status: 'APPROVED', tipAmount: 800, totalAmount: 4800 });
    });

    it('adds no tip by default (EPOSD_SIM_TIP=none)', async () => {
      await t.rebuild({ env: INSTANT_SIMULATOR_ENV, paired: true });
      const { uti } = await payAndWait(t.app, t.ctx, t.token, { transType: 'SALE', amountTrans: 4000, tipOnTerminal: true });
      expect((await getStatus(t.app, t.token, uti)).body).toMatchObject({ status: 'APPROVED', tipAmount: 0, totalAmount: 4000 });
    });

    it('times out TIMED_OUT TIP_TIMEOUT when nobody chooses', async () => {
      await t.rebuild({ env: { ...MANUAL_SIMULATOR_ENV, EPOSD_CARD_TIMEOUT_MS: '50' }, paired: true });
      const { uti } = await payAndWait(t.app, t.ctx, t.token, { transType: 'SALE', amountTrans: 4000, tipOnTerminal: true });
      expect((await getStatus(t.app, t.token, uti)).body).toMatchObject({ status: 'TIMED_OUT', statusReason: 'TIP_TIMEOUT' });
    });
  });

  describe('after a crash while it asked', () => {
    it('ends FAILED TERMINAL_RESTARTED with no tip and no reversal: the host never had it', async () => {
      const before = testContext({ env: MANUAL_SIMULATOR_ENV });
      const { uti } = before.ctx.transactions.start({ transType: 'SALE', amountTrans: 1000, tipOnTerminal: true }, 'till-1', true);
      await untilStage(before.ctx, uti, 'AWAITING_TIP');
      expect(rowOf(before.ctx, uti)).toMatchObject({ stage: 'AWAITING_TIP', tipOptions: '[10,15,20]' });
      before.ctx.engine.stop();
      const after = testContext({ db: before.ctx.db, clock: before.clock, env: MANUAL_SIMULATOR_ENV });
      try {
        const snapshot = dbSnapshot(after.ctx.db);
        after.ctx.start();
        expect(snapshot).not.toEqual(dbSnapshot(after.ctx.db));
        expect(rowOf(after.ctx, uti)).toMatchObject({ status: 'FAILED', statusReason: 'TERMINAL_RESTARTED', tipAmount: null, reversal: null });
        expect(committedStates(after.ctx.db, uti)).toEqual(['IDLE→AWAITING_TIP', 'AWAITING_TIP→IDLE']);
      } finally {
        after.ctx.destroy();
        before.ctx.destroy();
      }
    });
  });
});
