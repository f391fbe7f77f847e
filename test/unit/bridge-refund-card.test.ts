import type { AppContext } from '../../src/context';
import { checkFromBridge, checkToBridge } from '../../src/bridge/protocol';
import { testContext } from '../helpers/context';
import { APPROVED_RESULT, FakeBridge } from '../helpers/fake-bridge';
import { until } from '../helpers/until';

// Through the bridge, a linked refund pays back the card that paid too: the payment app names the card
// by an identity of its own making (card.cardId, docs/bridge.md), eposd keeps it with the payment, sends
// it back as originalCardId when the sale is refunded, and declines CARD_MISMATCH a refund whose card
// the app names otherwise, whenever it names it: at the card read (payment.cancel) or only in its
// answer (declined, and the app's approval reversed).

const VISA_ID = 'v'.repeat(20) + 'VisaCardIdentityOfTheApp';
const AMEX_ID = 'a'.repeat(20) + 'AmexCardIdentityOfTheApp';
const VISA = { ...APPROVED_RESULT.card, cardId: VISA_ID };
const AMEX = { maskedPan: '37*********0126', entryMode: 'MAG', cvm: 'SIGNATURE', cardBrand: 'AMEX', cardId: AMEX_ID } as const;

const contexts: AppContext[] = [];
afterEach(() => contexts.splice(0).forEach((ctx) => ctx.destroy()));

async function terminal(bridge: FakeBridge) {
  const { ctx } = testContext({ env: { EPOSD_DRIVER: 'bridge' }, bridgeConnector: bridge.channel.connector, timings: { cardTimeoutMs: 5000, hostTimeoutMs: 5000, printTimeoutMs: 1000 } });
  contexts.push(ctx);
  ctx.start();
  await until('the payment app connected', () => ctx.paymentApp!.client.connected && ctx.paymentApp!.report().reconciling === false);
  const row = (uti: string) => ctx.transactionsRepo.findByUti(uti)!;
  const begin = async (body: Parameters<AppContext['transactions']['start']>[0]) => {
    const { uti } = ctx.transactions.start(body, 'till-1', true);
    const start = await bridge.next('payment.start');
    bridge.send({ type: 'ack', re: start.id });
    return { uti, start };
  };
  /** A sale the app approves with the Visa it names. */
  const sale = async () => {
    const { uti } = await begin({ transType: 'SALE', amountTrans: 1000 });
    bridge.send({ type: 'payment.result', id: `r-${uti}`, uti, result: { ...APPROVED_RESULT, card: VISA } });
    await until('the sale approved', () => row(uti).status === 'APPROVED');
    return uti;
  };
  return { ctx, row, begin, sale };
}

describe('a linked REFUND through the bridge', () => {
  it("keeps the app's card identity with the sale, never in an answer, and sends it as originalCardId in the refund's payment.start", async () => {
    const bridge = new FakeBridge();
    const t = await terminal(bridge);
    const saleUti = await t.sale();
    expect(t.row(saleUti).cardId).toBe(VISA_ID);
    expect(JSON.stringify(t.ctx.transactions.status(saleUti)!.body)).not.toContain(VISA_ID);
    const { start } = await t.begin({ transType: 'REFUND', amountTrans: 1000, originalUti: saleUti });
    expect(start.transaction).toMatchObject({ transType: 'REFUND', originalUti: saleUti, originalCardId: VISA_ID });
  });

  it('declines CARD_MISMATCH, and cancels the payment at the app, when the app reads another card', async () => {
    const bridge = new FakeBridge();
    const t = await terminal(bridge);
    const saleUti = await t.sale();
    const { uti } = await t.begin({ transType: 'REFUND', amountTrans: 1000, originalUti: saleUti });
    bridge.send({ type: 'payment.stage', id: 's1', uti, stage: 'CARD_READ', card: AMEX });
    await until('the refund ended', () => t.row(uti).status !== 'IN_PROGRESS');
    expect(t.row(uti)).toMatchObject({ status: 'DECLINED', statusReason: 'CARD_MISMATCH', responseCode: null, maskedPan: '37*********0126' });
    expect((await bridge.next('payment.cancel')).uti).toBe(uti);
    // An approval the app sends all the same is undone.
    bridge.send({ type: 'payment.result', id: 'late', uti, result: { ...APPROVED_RESULT, card: AMEX } });
    expect((await bridge.next('reversal')).uti).toBe(uti);
    expect(t.row(uti).status).toBe('DECLINED');
  });

  it('declines CARD_MISMATCH and reverses the approval when the app names the other card only in its answer', async () => {
    const bridge = new FakeBridge();
    const t = await terminal(bridge);
    const saleUti = await t.sale();
    const { uti } = await t.begin({ transType: 'REFUND', amountTrans: 1000, originalUti: saleUti });
    bridge.send({ type: 'payment.result', id: 'r2', uti, result: { ...APPROVED_RESULT, card: AMEX, cardBrand: 'AMEX' } });
    await until('the refund ended', () => t.row(uti).status !== 'IN_PROGRESS');
    expect(t.row(uti)).toMatchObject({ status: 'DECLINED', statusReason: 'CARD_MISMATCH', reversal: 'PENDING' });
    expect((await bridge.next('reversal')).uti).toBe(uti);
    expect(t.row(saleUti).amountRefunded).toBeNull();
  });

  it('records the decline of an app that honours originalCardId itself (DECLINED, CARD_MISMATCH, no response code: it never went to the acquirer)', async () => {
    const bridge = new FakeBridge();
    const t = await terminal(bridge);
    const saleUti = await t.sale();
    const { uti } = await t.begin({ transType: 'REFUND', amountTrans: 1000, originalUti: saleUti });
    bridge.send({ type: 'payment.result', id: 'r3', uti, result: { outcome: 'DECLINED', reason: 'CARD_MISMATCH' } });
    await until('the refund ended', () => t.row(uti).status !== 'IN_PROGRESS');
    expect(t.row(uti)).toMatchObject({ status: 'DECLINED', statusReason: 'CARD_MISMATCH', responseCode: null });
  });

  it('pays back the card that paid when the app names the same card', async () => {
    const bridge = new FakeBridge();
    const t = await terminal(bridge);
    const saleUti = await t.sale();
    const { uti } = await t.begin({ transType: 'REFUND', amountTrans: 1000, originalUti: saleUti });
    bridge.send({ type: 'payment.stage', id: 's4', uti, stage: 'CARD_READ', card: VISA });
    bridge.send({ type: 'payment.result', id: 'r4', uti, result: { ...APPROVED_RESULT, card: VISA } });
    await until('the refund ended', () => t.row(uti).status !== 'IN_PROGRESS');
    expect(t.row(uti)).toMatchObject({ status: 'APPROVED', cardId: VISA_ID });
  });
});

describe('the protocol schema: a card identity', () => {
  const stage = (cardId: string) => JSON.stringify({ type: 'payment.stage', id: 'b1', uti: 'u1', stage: 'CARD_READ', card: { ...VISA, cardId } });

  it('takes 43 to 128 characters of base64url, and never a card number inside one', () => {
    expect(checkFromBridge(stage(VISA_ID)).ok).toBe(true);
    expect(checkFromBridge(stage('x'.repeat(42))).ok).toBe(false);
    expect(checkFromBridge(stage(`${'x'.repeat(30)}4761739001010010`)).ok).toBe(false);
    expect(checkFromBridge(stage(`${'x'.repeat(40)} !`)).ok).toBe(false);
  });

  it("takes originalCardId in payment.start's transaction, under the same rule", () => {
    const start = (originalCardId: string) => JSON.stringify({ type: 'payment.start', id: 'a1', transaction: { uti: 'u1', transType: 'REFUND', amountTrans: 100, currency: 'EUR', originalCardId } });
    expect(checkToBridge(start(VISA_ID)).ok).toBe(true);
    expect(checkToBridge(start('4761739001010010')).ok).toBe(false);
  });
});
