import request from 'supertest';
import { useApi } from '../../helpers/api';
import { expectProblem } from '../../helpers/problem';
import { MANUAL_SIMULATOR_ENV, getStatus, untilIdleAfter, untilStage, startPayment } from '../../helpers/payments';
import { bodyOf, type FinalStatus, type ScreenState } from '../../helpers/bodies';

describe('When the simulator is in manual mode, a person at the screen drives the payment', () => {
  const t = useApi({ env: MANUAL_SIMULATOR_ENV, paired: true });

  const start = (amountTrans: number) => startPayment(t.app, t.token, { transType: 'SALE', amountTrans });
  const act = (body: Record<string, unknown>) => request(t.screen).post('/screen/actions').send(body);
  const shown = async () => bodyOf<ScreenState>(await request(t.screen).get('/screen'));

  it('then a chip card presented on the screen asks for the PIN, and the PIN approves it', async () => {
    const uti = await start(6000);
    expect(await shown()).toMatchObject({ screen: 'payment', payment: { uti, amount: 6000, prompt: 'PRESENT_CARD', message: 'Present card' } });
    expect((await act({ action: 'presentCard', card: 'mastercard-chip' })).status).toBe(200);
    await untilStage(t.ctx, uti, 'AWAITING_PIN');
    expect(await shown()).toMatchObject({ payment: { uti, prompt: 'ENTER_PIN', card: '54**********0434' } });
    expect((await act({ action: 'enterPin', pin: '1234' })).status).toBe(200);
    await untilIdleAfter(t.ctx, uti);
    expect((await getStatus(t.app, t.token, uti)).body).toMatchObject({ status: 'APPROVED', transactionSource: 'ICC', cardholderVerificationMethod: 'PIN' });
    expect(await shown()).toMatchObject({ payment: { uti, prompt: 'APPROVED' } });
    const lines = t.screenLines.filter((l) => l.includes(uti));
    expect(lines.map((l) => l.replace(/^\[screen\] SALE EUR 60\.00: /, '').replace(/ \[.*$/, ''))).toEqual([
      'Present card',
      'Reading card…',
      'Enter PIN (54**********0434)',
      'Authorising… (54**********0434)',
      'Approved (54**********0434)',
    ]);
  });

  it('then a cancel on the screen ends it CANCELLED CUSTOMER_CANCELLED', async () => {
    const uti = await start(1000);
    expect((await act({ action: 'cancel' })).status).toBe(200);
    const status = bodyOf<FinalStatus>(await getStatus(t.app, t.token, uti));
    expect(status).toMatchObject({ status: 'CANCELLED', statusReason: 'CUSTOMER_CANCELLED', transCancelled: true, transApproved: false });
    expect(t.ctx.engine.current).toEqual({ name: 'IDLE' });
  });

  it('then a cancel while it waits for the PIN ends it CANCELLED too', async () => {
    const uti = await start(6000);
    await act({ action: 'presentCard', card: 'mastercard-chip' });
    await untilStage(t.ctx, uti, 'AWAITING_PIN');
    expect((await act({ action: 'cancel' })).status).toBe(200);
    expect((await getStatus(t.app, t.token, uti)).body).toMatchObject({ status: 'CANCELLED', statusReason: 'CUSTOMER_CANCELLED' });
  });

  describe('then every card follows the contactless CVM limit (50.00)', () => {
    it.each([
      ['visa-contactless', 'APPROVED', '47**********0010'],
      ['visa-declined', 'DECLINED', '40**********0002'],
    ])('when %s is tapped for 50.01, then it asks for the PIN, and the outcome comes after it', async (card, status, pan) => {
      const uti = await start(5001);
      await act({ action: 'presentCard', card });
      await untilStage(t.ctx, uti, 'AWAITING_PIN');
      expect(await shown()).toMatchObject({ payment: { uti, prompt: 'ENTER_PIN', card: pan } });
      expect((await act({ action: 'enterPin', pin: '1234' })).status).toBe(200);
      await untilIdleAfter(t.ctx, uti);
      expect((await getStatus(t.app, t.token, uti)).body).toMatchObject({ status, transactionSource: 'PICC', cardholderVerificationMethod: 'PIN' });
    });

    it('when a contactless card is tapped for exactly 50.00, then no PIN is asked', async () => {
      const uti = await start(5000);
      await act({ action: 'presentCard', card: 'visa-contactless' });
      await untilIdleAfter(t.ctx, uti);
      expect((await getStatus(t.app, t.token, uti)).body).toMatchObject({ status: 'APPROVED', transactionSource: 'PICC', cardholderVerificationMethod: 'NO_CVM' });
    });

    it('when the swiped card is used above the limit, then it is still signed for (the limit is for contactless)', async () => {
      const uti = await start(6000);
      await act({ action: 'presentCard', card: 'amex-swipe' });
      await untilIdleAfter(t.ctx, uti);
      expect((await getStatus(t.app, t.token, uti)).body).toMatchObject({ status: 'APPROVED', transactionSource: 'MAG', cardholderVerificationMethod: 'SIGNATURE', signature: true });
    });
  });

  it('then a card that the host declines is declined', async () => {
    const uti = await start(1000);
    await act({ action: 'presentCard', card: 'visa-declined' });
    await untilIdleAfter(t.ctx, uti);
    expect((await getStatus(t.app, t.token, uti)).body).toMatchObject({ status: 'DECLINED', transactionResponse: '05', primaryAccountNumber: '40**********0002' });
  });

  it('then the screen refuses a card, a PIN or a cancel when nothing waits for one', async () => {
    expectProblem(await act({ action: 'presentCard', card: 'visa-contactless' }), 409, 'ACTION_NOT_POSSIBLE');
    expectProblem(await act({ action: 'cancel' }), 409, 'ACTION_NOT_POSSIBLE');
    await start(1000);
    expectProblem(await act({ action: 'enterPin', pin: '1234' }), 409, 'ACTION_NOT_POSSIBLE');
  });

  it('then the payment waits for the card: nothing happens by itself', async () => {
    const uti = await start(1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await getStatus(t.app, t.token, uti)).body).toMatchObject({ status: 'IN_PROGRESS', stage: 'AWAITING_CARD' });
  });
});
