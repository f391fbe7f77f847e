import request from 'supertest';
import { useApi, type Api } from '../../helpers/api';
import { INSTANT_SIMULATOR_ENV, MANUAL_SIMULATOR_ENV, getStatus, rowOf, simulatedHost, simulatedPrinter, startPayment, untilIdleAfter, untilStage } from '../../helpers/payments';
import { bodyOf, type FinalStatus } from '../../helpers/bodies';

// A linked refund pays back the card that paid (docs/payments.md): the card read for it is compared with
// the original's by a card identity that is not card data (a keyed hash of the PAN, made where the PAN
// is read, stored, never shown); another card is declined before the host is asked, CARD_MISMATCH.

const TEST_PANS = ['4761739001010010', '5413330089010434', '374245455400126'];

describe('a linked REFUND, with the card it is presented', () => {
  const t = useApi({ env: MANUAL_SIMULATOR_ENV, paired: true });
  const act = (body: Record<string, unknown>) => request(t.screen).post('/screen/actions').send(body);
  /** A payment paid with `card` at the screen (and its PIN, for the chip card), with its receipts printed; its final status. */
  const pay = async (api: Api, body: Record<string, unknown>, card: string) => {
    const uti = await startPayment(api.app, api.token, body, 'disablePrinting=false');
    expect((await act({ action: 'presentCard', card })).status).toBe(200);
    if (card === 'mastercard-chip') {
      await untilStage(api.ctx, uti, 'AWAITING_PIN');
      expect((await act({ action: 'enterPin', pin: '1234' })).status).toBe(200);
    }
    await untilIdleAfter(api.ctx, uti);
    return bodyOf<FinalStatus>(await getStatus(api.app, api.token, uti));
  };

  it('is declined CARD_MISMATCH with another card, before the host is asked: nothing is refunded, printed or counted', async () => {
    const sale = await pay(t, { transType: 'SALE', amountTrans: 2000 }, 'visa-contactless');
    expect(sale.status).toBe('APPROVED');
    const printed = simulatedPrinter(t.ctx).jobs.length;
    const refund = await pay(t, { transType: 'REFUND', amountTrans: 2000, originalUti: sale.uti }, 'amex-swipe');
    expect(refund).toMatchObject({ status: 'DECLINED', statusReason: 'CARD_MISMATCH', transApproved: false, transactionResponse: null, primaryAccountNumber: '37*********0126' });
    expect(refund.cardholderReceipt).toEqual([]);
    expect(simulatedPrinter(t.ctx).jobs).toHaveLength(printed);
    expect(simulatedHost(t.ctx).authorizations).not.toContain(refund.uti);
    expect(bodyOf<FinalStatus>(await getStatus(t.app, t.token, sale.uti))).not.toHaveProperty('amountRefunded');
    const settlement = await request(t.app).get('/payntpos/1.0.0/settlement').set('Authorization', t.token);
    expect((settlement.body as { totals: { refunds: { count: number } } }).totals.refunds.count).toBe(0);
  });

  it('is approved with the card that paid, and the whole of the sale stays refundable after a refused card', async () => {
    const sale = await pay(t, { transType: 'SALE', amountTrans: 2000 }, 'mastercard-chip');
    expect(sale.status).toBe('APPROVED');
    expect((await pay(t, { transType: 'REFUND', amountTrans: 2000, originalUti: sale.uti }, 'visa-contactless')).statusReason).toBe('CARD_MISMATCH');
    const refund = await pay(t, { transType: 'REFUND', amountTrans: 2000, originalUti: sale.uti }, 'mastercard-chip');
    expect(refund).toMatchObject({ status: 'APPROVED', primaryAccountNumber: '54**********0434' });
    expect(rowOf(t.ctx, sale.uti)).toMatchObject({ amountRefunded: 2000 });
  });

  it('keeps the card identity out of every answer and away from the card number: stored, never shown', async () => {
    const sale = await pay(t, { transType: 'SALE', amountTrans: 1500 }, 'visa-contactless');
    const stored = t.ctx.db.prepare('SELECT card_id FROM transactions WHERE uti = ?').pluck().get(sale.uti) as string;
    expect(stored).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const pan of TEST_PANS) expect(stored).not.toContain(pan.slice(-8));
    const answers = [await getStatus(t.app, t.token, sale.uti), await request(t.app).get('/payntpos/1.0.0/transactions').set('Authorization', t.token)];
    for (const res of answers) expect(res.text).not.toContain(stored);
    // The same card read again has the same identity; another card another one.
    const again = await pay(t, { transType: 'SALE', amountTrans: 1600 }, 'visa-contactless');
    const other = await pay(t, { transType: 'SALE', amountTrans: 1700 }, 'amex-swipe');
    const idOf = (uti: string) => t.ctx.db.prepare('SELECT card_id FROM transactions WHERE uti = ?').pluck().get(uti);
    expect(idOf(again.uti)).toBe(stored);
    expect(idOf(other.uti)).not.toBe(stored);
  });

  it('goes to any card when unlinked (EPOSD_UNLINKED_REFUNDS), and when the original has no card identity to compare', async () => {
    const sale = await pay(t, { transType: 'SALE', amountTrans: 1000 }, 'visa-contactless');
    expect((await pay(t, { transType: 'REFUND', amountTrans: 500 }, 'amex-swipe')).status).toBe('APPROVED');
    t.ctx.db.prepare('UPDATE transactions SET card_id = NULL WHERE uti = ?').run(sale.uti);
    expect((await pay(t, { transType: 'REFUND', amountTrans: 500, originalUti: sale.uti }, 'amex-swipe')).status).toBe('APPROVED');
  });
});

// The auto mode's cardholder taps up to the contactless limit and inserts the chip card above it. For a
// linked refund that cardholder brings back the card that paid: a full refund of 48.13 + a 3.00 tip
// (51.13, over the limit) used to come with the chip card and was declined CARD_MISMATCH.
describe('a linked REFUND in the auto mode', () => {
  const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true });
  const pay = async (body: Record<string, unknown>) => {
    const uti = await startPayment(t.app, t.token, body);
    await untilIdleAfter(t.ctx, uti);
    return bodyOf<FinalStatus>(await getStatus(t.app, t.token, uti));
  };

  it.each([
    ['a tapped sale refunded over the contactless limit', { amountTrans: 4813, tipAmount: 300 }, 5113, '47**********0010'],
    ['a chip sale refunded under the contactless limit', { amountTrans: 6000 }, 1000, '54**********0434'],
  ])('is paid back to the card that paid: %s', async (_name, sale, refundAmount, pan) => {
    const paid = await pay({ transType: 'SALE', ...sale });
    expect(paid).toMatchObject({ status: 'APPROVED', primaryAccountNumber: pan });
    const refund = await pay({ transType: 'REFUND', amountTrans: refundAmount, originalUti: paid.uti });
    expect(refund).toMatchObject({ status: 'APPROVED', primaryAccountNumber: pan });
  });

  it('without a linked original, presents the card for the amount', async () => {
    expect(await pay({ transType: 'REFUND', amountTrans: 5113 })).toMatchObject({ status: 'APPROVED', primaryAccountNumber: '54**********0434' });
  });
});
