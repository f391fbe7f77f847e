import { join } from 'node:path';
import { cleanupEposd, makeTempDir, startEposd, type EposdProcess } from '../helpers/process';
import { finalStatus, pairWithScreenCode, screenAction, startTransaction, untilScreen } from '../helpers/terminal';
import { startBridgeSim, stopBridgeSims, type BridgeSimProcess } from '../helpers/bridge-sim';

// A linked refund through eposd-bridge-sim, the reference payment app: the app names each card by an
// identity of its own (card.cardId), eposd sends the sale's back as originalCardId, and the app declines
// another card before the acquirer (DECLINED, CARD_MISMATCH), as docs/bridge.md asks of every app.

afterAll(async () => {
  await stopBridgeSims();
  await cleanupEposd();
});

describe('a linked REFUND through eposd-bridge-sim, in manual mode', () => {
  let sim: BridgeSimProcess;
  let eposd: EposdProcess;
  let token: string;
  beforeAll(async () => {
    const socket = join(makeTempDir('eposd-bridge-refund-'), 'bridge.sock');
    sim = await startBridgeSim(['--socket', socket, '--mode', 'manual']);
    eposd = await startEposd({ env: { EPOSD_DRIVER: 'bridge', EPOSD_BRIDGE_SOCKET: socket } });
    token = (await pairWithScreenCode(eposd, { registerId: 'till-1' })).authToken;
  });

  /** POST /transaction, trying again while the payment app is not connected yet (503 PAYMENT_APP_UNAVAILABLE, as a POS does). */
  const begin = async (body: Record<string, unknown>): Promise<string> => {
    for (let tries = 1; ; tries++) {
      try {
        return await startTransaction(eposd, token, body);
      } catch (err) {
        if (tries >= 50 || !/ 503: .*PAYMENT_APP_UNAVAILABLE/.test(String(err))) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
  /** A payment the cardholder pays with `card` at the screen page; its final status. */
  const pay = async (body: Record<string, unknown>, card: string) => {
    const uti = await begin(body);
    await untilScreen(eposd, 'a card awaited', (s) => s.payment?.uti === uti && s.payment.prompt === 'PRESENT_CARD');
    await screenAction(eposd, { action: 'presentCard', card });
    return finalStatus(eposd, token, uti);
  };

  it('is declined CARD_MISMATCH by the app with another card, before the acquirer, and approved with the card that paid', async () => {
    const sale = await pay({ transType: 'SALE', amountTrans: 1500 }, 'visa-contactless');
    expect(sale.status).toBe('APPROVED');
    const other = await pay({ transType: 'REFUND', amountTrans: 1500, originalUti: sale.uti }, 'amex-swipe');
    expect(other).toMatchObject({ status: 'DECLINED', statusReason: 'CARD_MISMATCH', transactionResponse: null, cardholderReceipt: [] });
    await sim.waitFor(new RegExp(`result ${other.uti} DECLINED$`, 'm'));
    const same = await pay({ transType: 'REFUND', amountTrans: 1500, originalUti: sale.uti }, 'visa-contactless');
    expect(same).toMatchObject({ status: 'APPROVED', primaryAccountNumber: '47**********0010' });
  });
});

// In auto mode the sim's cardholder taps up to the contactless limit and inserts the chip card above it;
// for a linked refund it brings back the card that paid (found by originalCardId), whatever the amount.
describe('a linked REFUND through eposd-bridge-sim, in auto mode', () => {
  let eposd: EposdProcess;
  let token: string;
  beforeAll(async () => {
    const socket = join(makeTempDir('eposd-bridge-refund-auto-'), 'bridge.sock');
    await startBridgeSim(['--socket', socket]);
    eposd = await startEposd({ env: { EPOSD_DRIVER: 'bridge', EPOSD_BRIDGE_SOCKET: socket, EPOSD_BRIDGE_WAIT_MS: '10000' } });
    token = (await pairWithScreenCode(eposd, { registerId: 'till-1' })).authToken;
  });

  it('is paid back to the card that paid when the refund is over the contactless limit and the sale was not', async () => {
    const sale = await finalStatus(eposd, token, await startTransaction(eposd, token, { transType: 'SALE', amountTrans: 4813, tipAmount: 300 }));
    expect(sale).toMatchObject({ status: 'APPROVED', primaryAccountNumber: '47**********0010' });
    const refund = await finalStatus(eposd, token, await startTransaction(eposd, token, { transType: 'REFUND', amountTrans: 5113, originalUti: sale.uti }));
    expect(refund).toMatchObject({ status: 'APPROVED', primaryAccountNumber: '47**********0010' });
  });
});
