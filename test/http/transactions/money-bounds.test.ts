import request from 'supertest';
import { useApi } from '../../helpers/api';
import { dbSnapshot } from '../../helpers/db';
import { expectProblem } from '../../helpers/problem';
import { INSTANT_SIMULATOR_ENV, MANUAL_SIMULATOR_ENV, TX_PATH, payAndWait, rowOf, startPayment, untilStage } from '../../helpers/payments';
import { bodyOf, type ScreenState } from '../../helpers/bodies';

// Every total stays within the documented bound (99,999,999 minor units, docs/payments.md) whatever
// the path: a tip set by the POS, one chosen on the terminal, and a pre-authorisation raised by INCREMENTs.

const MAX = 99_999_999;

describe('the bound of a total (99,999,999 minor units)', () => {
  describe('a tip chosen on the terminal', () => {
    const t = useApi({ env: MANUAL_SIMULATOR_ENV, paired: true });
    const act = (body: Record<string, unknown>) => request(t.screen).post('/screen/actions').send(body);

    it('offers no percentage and no amount of their own that would take the total past the bound, and refuses them with 400', async () => {
      const uti = await startPayment(t.app, t.token, { transType: 'SALE', amountTrans: MAX - 100, tipOnTerminal: true, tipPercentages: [100] });
      await untilStage(t.ctx, uti, 'AWAITING_TIP');
      const shown = bodyOf<ScreenState>(await request(t.screen).get('/screen')).payment?.tip;
      expect(shown).toMatchObject({ choices: [], maxCustom: 100 });
      const before = dbSnapshot(t.ctx.db);
      expectProblem(await act({ action: 'chooseTip', percent: 100 }), 400, 'VALIDATION_FAILED');
      expectProblem(await act({ action: 'chooseTip', amount: 101 }), 400, 'VALIDATION_FAILED');
      expect(dbSnapshot(t.ctx.db)).toEqual(before);
      expect((await act({ action: 'chooseTip', amount: 100 })).status).toBe(200);
      expect(rowOf(t.ctx, uti)).toMatchObject({ stage: 'AWAITING_CARD', tipAmount: 100 });
    });

    it('leaves room for the cashback: a tip never takes amount + tip + cashback past the bound', async () => {
      const uti = await startPayment(t.app, t.token, { transType: 'SALE', amountTrans: MAX - 10_000, cashbackAmount: 9_000, tipOnTerminal: true, tipPercentages: [1] });
      await untilStage(t.ctx, uti, 'AWAITING_TIP');
      expect(bodyOf<ScreenState>(await request(t.screen).get('/screen')).payment?.tip).toMatchObject({ choices: [], maxCustom: 1_000 });
      expectProblem(await act({ action: 'chooseTip', amount: 1_001 }), 400, 'VALIDATION_FAILED');
    });

    it('refuses a tip beyond the bound that a card reader reports, whatever the reader (the engine is the one place it is checked)', async () => {
      const uti = await startPayment(t.app, t.token, { transType: 'SALE', amountTrans: MAX, tipOnTerminal: true, tipPercentages: [100] });
      await untilStage(t.ctx, uti, 'AWAITING_TIP');
      const before = dbSnapshot(t.ctx.db);
      t.ctx.engine.readerEvents.tipChosen(uti, MAX);
      expect(dbSnapshot(t.ctx.db)).toEqual(before);
      expect(t.ctx.engine.current.name).toBe('AWAITING_TIP');
    });
  });

  describe('the simulated cardholder in auto mode (EPOSD_SIM_TIP)', () => {
    const t = useApi({ env: { ...INSTANT_SIMULATOR_ENV, EPOSD_SIM_TIP: '100' }, paired: true });

    it('picks at most what keeps the total within the bound', async () => {
      const { uti } = await payAndWait(t.app, t.ctx, t.token, { transType: 'SALE', amountTrans: MAX - 50, tipOnTerminal: true, tipPercentages: [100] });
      const row = rowOf(t.ctx, uti);
      expect(row.status).toBe('APPROVED');
      expect(row.amount + (row.tipAmount ?? 0)).toBeLessThanOrEqual(MAX);
    });
  });

  describe('a pre-authorisation raised by INCREMENTs', () => {
    const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true });

    it('refuses with 400 naming amountTrans an INCREMENT that would raise the hold past the bound, and creates nothing', async () => {
      const { uti: preauth } = await payAndWait(t.app, t.ctx, t.token, { transType: 'PREAUTH', amountTrans: MAX - 1_000 });
      const before = dbSnapshot(t.ctx.db);
      const res = await request(t.app).post(`${TX_PATH}?disablePrinting=true`).set('Authorization', t.token).send({ transType: 'INCREMENT', originalUti: preauth, amountTrans: 1_001 });
      expect(expectProblem(res, 400, 'VALIDATION_FAILED').errors).toEqual([expect.objectContaining({ field: 'amountTrans' })]);
      expect(dbSnapshot(t.ctx.db)).toEqual(before);
      const { uti } = await payAndWait(t.app, t.ctx, t.token, { transType: 'INCREMENT', originalUti: preauth, amountTrans: 1_000 });
      expect(rowOf(t.ctx, uti).status).toBe('APPROVED');
    });
  });
});
