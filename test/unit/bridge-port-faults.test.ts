import { ApiError } from '../../src/shared/errors';
import { MAX_MESSAGE_BYTES } from '../../src/bridge/protocol';
import { answerQueries, bridgeTerminal as terminal, destroyBridgeTerminals, orphan, startedSale } from '../helpers/bridge-terminal';
import { APPROVED_RESULT, FakeBridge } from '../helpers/fake-bridge';
import { until } from '../helpers/until';

// Issue 14, faults at the port: a payment app (scripted, over the in-process channel) that hangs,
// answers twice, sends garbage or an oversized message, speaks another version, or goes away. The
// state machine never wedges, never loses a committed payment, and never records an approval the
// app did not give.

afterEach(destroyBridgeTerminals);

describe('The bridge driver, when the payment app misbehaves', () => {
  it('sends every request field in payment.start, and records a result the app sends twice exactly once', async () => {
    const bridge = new FakeBridge();
    const t = await terminal(bridge);
    const { uti, start } = await startedSale(bridge, t);
    expect(start.transaction).toMatchObject({ uti, transType: 'SALE', amountTrans: 1000, currency: 'EUR', registerId: 'till-1', disablePrinting: true });
    bridge.send({ type: 'ack', re: start.id });
    bridge.send({ type: 'payment.stage', id: 'b1', uti, stage: 'CARD_READ', card: APPROVED_RESULT.card });
    await until('AUTHORIZING', () => t.row(uti).stage === 'AUTHORIZING');
    bridge.send({ type: 'payment.result', id: 'b2', uti, result: APPROVED_RESULT });
    bridge.send({ type: 'payment.result', id: 'b3', uti, result: { outcome: 'DECLINED', reason: 'DECLINED', responseCode: '05' } });
    await until('final', () => t.row(uti).status !== 'IN_PROGRESS');
    await new Promise((r) => setTimeout(r, 50));
    expect(t.row(uti)).toMatchObject({ status: 'APPROVED', responseCode: '00', authCode: 'A1B2C3', maskedPan: '47**********0010', entryMode: 'PICC' });
    expect(t.finals(uti)).toBe(1);
    expect(t.app.client.counters.unmatchedReplies).toBeGreaterThanOrEqual(1);
  });

  it('drops garbage, a full card number and an approval with a decline code, and records only the valid result', async () => {
    const bridge = new FakeBridge();
    const t = await terminal(bridge);
    const { uti } = await startedSale(bridge, t);
    bridge.send('garbage{');
    bridge.send('[1,2,3]');
    bridge.send(JSON.stringify({ type: 'payment.result', id: 'x1', uti }));
    bridge.send(JSON.stringify({ type: 'payment.result', id: 'x2', uti, result: { ...APPROVED_RESULT, card: { ...APPROVED_RESULT.card, maskedPan: '4761739001010010' } } }));
    bridge.send(JSON.stringify({ type: 'payment.result', id: 'x3', uti, result: { ...APPROVED_RESULT, responseCode: '05' } }));
    bridge.send(JSON.stringify({ type: 'payment.teleport', id: 'x4', uti }));
    await until('the garbage counted', () => t.app.client.counters.malformed >= 6);
    expect(t.row(uti).status).toBe('IN_PROGRESS');
    expect(t.app.report().lastError).toMatch(/^MALFORMED_MESSAGE/);
    bridge.send({ type: 'payment.result', id: 'b9', uti, result: { outcome: 'DECLINED', reason: 'DECLINED', responseCode: '51', card: APPROVED_RESULT.card } });
    await until('final', () => t.row(uti).status !== 'IN_PROGRESS');
    expect(t.row(uti)).toMatchObject({ status: 'DECLINED', statusReason: 'INSUFFICIENT_FUNDS', responseCode: '51' });
    expect(t.app.client.connected).toBe(true);
  });

  it('ends the link on an oversized message, reconnects, asks, and records the result the app has', async () => {
    const bridge = new FakeBridge();
    const t = await terminal(bridge);
    const { uti } = await startedSale(bridge, t);
    bridge.send(JSON.stringify({ type: 'payment.stage', id: 'b1', uti, stage: 'CARD_AWAITED', pad: 'x'.repeat(MAX_MESSAGE_BYTES) }));
    const query = await bridge.next('payment.query');
    expect(query.uti).toBe(uti);
    expect(t.app.client.counters.connects).toBe(2);
    expect(t.app.report().lastError).toMatch(/MESSAGE_TOO_LARGE/);
    bridge.send({ type: 'payment.status', re: query.id, uti, state: 'FINAL', result: APPROVED_RESULT });
    await until('final', () => t.row(uti).status !== 'IN_PROGRESS');
    expect(t.row(uti)).toMatchObject({ status: 'APPROVED', maskedPan: '47**********0010' });
    expect(t.finals(uti)).toBe(1);
  });

  it('does not wedge on a hung app: no answer at the host ends DECLINED 91 and is reversed through the app', async () => {
    const bridge = new FakeBridge();
    const t = await terminal(bridge, { hostTimeoutMs: 300 });
    const { uti } = await startedSale(bridge, t);
    bridge.send({ type: 'payment.stage', id: 'b1', uti, stage: 'CARD_READ', card: APPROVED_RESULT.card });
    await until('final', () => t.row(uti).status !== 'IN_PROGRESS');
    expect(t.row(uti)).toMatchObject({ status: 'DECLINED', statusReason: 'ISSUER_UNAVAILABLE', responseCode: '91', reversal: 'PENDING' });
    expect(await bridge.next('payment.cancel')).toMatchObject({ uti, reason: 'ISSUER_UNAVAILABLE' });
    const reversal = await bridge.next('reversal');
    expect(reversal.uti).toBe(uti);
    // Nothing was approved: the reversal is answered, and `reversed` stays false.
    bridge.send({ type: 'reversal.ok', re: reversal.id, uti, reversed: false });
    await until('the reversal answered', () => t.row(uti).reversal === null);
    // A late approval of the payment it gave up on is not recorded: the engine's guard refuses it.
    bridge.send({ type: 'payment.result', id: 'late', uti, result: APPROVED_RESULT });
    await new Promise((r) => setTimeout(r, 50));
    expect(t.row(uti).status).toBe('DECLINED');
    expect(t.ctx.engine.current.name).toBe('IDLE');
  });

  it('refuses to start with an app of another protocol version: 503 and nothing created', async () => {
    const bridge = new FakeBridge('eposd-bridge/1');
    const t = await terminal(bridge, { waitReady: false });
    await until('the mismatch seen', () => /UNSUPPORTED_VERSION/.test(t.app.report().lastError ?? ''));
    expect(t.app.client.connected).toBe(false);
    let refused: unknown;
    try {
      t.sale();
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ code: 'PAYMENT_APP_UNAVAILABLE', status: 503, headers: { 'Retry-After': '2' } });
    expect(t.ctx.db.prepare('SELECT count(*) FROM transactions').pluck().get()).toBe(0);
  });

  it('ends a payment FAILED / PAYMENT_APP_UNAVAILABLE, reversed, when the app vanishes and does not come back in time', async () => {
    const bridge = new FakeBridge();
    const t = await terminal(bridge);
    const { uti } = await startedSale(bridge, t);
    bridge.vanish();
    await until('final', () => t.row(uti).status !== 'IN_PROGRESS');
    expect(t.row(uti)).toMatchObject({ status: 'FAILED', statusReason: 'PAYMENT_APP_UNAVAILABLE', reversal: 'PENDING' });
    expect(t.ctx.engine.current.name).toBe('IDLE');
    // Back later: the reversal goes out, and an approval it sends now for that payment is reversed too.
    bridge.listen();
    const reversal = await bridge.next('reversal');
    bridge.send({ type: 'reversal.ok', re: reversal.id, uti, reversed: true });
    await until('reversed', () => t.row(uti).reversal === 'DONE');
    expect(t.row(uti).status).toBe('FAILED');
  });

  it('asks after a reconnect: a payment the app never saw ends FAILED, not reversed', async () => {
    const bridge = new FakeBridge();
    const t = await terminal(bridge);
    const { uti } = await startedSale(bridge, t);
    bridge.vanish();
    await until('the link lost', () => !t.app.client.connected);
    bridge.listen();
    const query = await bridge.next('payment.query');
    bridge.send({ type: 'payment.status', re: query.id, uti, state: 'UNKNOWN' });
    await until('final', () => t.row(uti).status !== 'IN_PROGRESS');
    expect(t.row(uti)).toMatchObject({ status: 'FAILED', statusReason: 'PAYMENT_APP_UNAVAILABLE', reversal: null });
  });
});

describe('Reconcile before failing, at start with the bridge driver', () => {
  /** eposd starts with one transaction left in progress by a crash; the app answers every query with `answer`. */
  async function restartedWith(answer: object) {
    const bridge = new FakeBridge();
    const t = await terminal(bridge, { waitReady: false, before: (ctx) => void ctx.transactionsRepo.insert(orphan('interrupted')) });
    const { asked } = answerQueries(bridge, () => answer);
    return { bridge, t, asked };
  }

  it('records an approval the app has as it is: approved, not reversed', async () => {
    const { t } = await restartedWith({ state: 'FINAL', result: APPROVED_RESULT });
    await until('reconciled', () => t.row('interrupted').status !== 'IN_PROGRESS');
    expect(t.row('interrupted')).toMatchObject({ status: 'APPROVED', statusReason: 'APPROVED', authCode: 'A1B2C3', maskedPan: '47**********0010', reversal: null });
    expect(t.finals('interrupted')).toBe(1);
  });

  it('ends one the app never saw FAILED / TERMINAL_RESTARTED, not reversed', async () => {
    const { t } = await restartedWith({ state: 'UNKNOWN' });
    await until('reconciled', () => t.row('interrupted').status !== 'IN_PROGRESS');
    expect(t.row('interrupted')).toMatchObject({ status: 'FAILED', statusReason: 'TERMINAL_RESTARTED', reversal: null });
  });

  it('keeps asking about one still in progress there, refuses new payments meanwhile, and then reverses what the app could not account for (its cancel unanswered)', async () => {
    const { bridge, t, asked } = await restartedWith({ state: 'IN_PROGRESS' });
    await until('asked', () => asked() >= 1);
    expect(t.row('interrupted').status).toBe('IN_PROGRESS');
    expect(() => t.sale()).toThrow(/payment application/);
    expect((await bridge.next('payment.cancel')).uti).toBe('interrupted');
    await until('the time to reconcile up', () => t.row('interrupted').status !== 'IN_PROGRESS');
    expect(t.row('interrupted')).toMatchObject({ status: 'FAILED', statusReason: 'PAYMENT_APP_UNAVAILABLE', reversal: 'PENDING' });
    expect(asked()).toBeGreaterThanOrEqual(2);
    const reversal = await bridge.next('reversal');
    expect(reversal.uti).toBe('interrupted');
    await until('open for payments', () => t.app.report().reconciling === false);
  });
});
