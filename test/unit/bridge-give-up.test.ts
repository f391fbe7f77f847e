import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { PROTOCOL } from '../../src/bridge/protocol';
import type { AppContext } from '../../src/context';
import { answerQueries, bridgeTerminal, destroyBridgeTerminals, orphan, startedSale } from '../helpers/bridge-terminal';
import { testContext } from '../helpers/context';
import { makeTempDir } from '../helpers/process';
import { APPROVED_RESULT, FakeBridge } from '../helpers/fake-bridge';
import { until } from '../helpers/until';

// Issue 25, defects 2, 8 and 9: nothing the app approved is left behind. Before eposd gives up on a
// payment the app may still hold, it sends payment.cancel; on NOT_CANCELLABLE it keeps asking until the
// result comes or the host timeout passes. An approval for a payment already ended, or for a UTI eposd
// never had, is reversed through the app, counted and logged; `reversed` is true only when the app says so.

afterEach(destroyBridgeTerminals);

describe('Giving up on a payment the app may hold', () => {
  it('When the card does not come and the app answers the cancel NOT_CANCELLABLE, then eposd keeps asking and records the approval it gets (defect 8)', async () => {
    const bridge = new FakeBridge();
    const t = await bridgeTerminal(bridge, { cardTimeoutMs: 300 });
    const { uti } = await startedSale(bridge, t);
    const cancel = await bridge.next('payment.cancel');
    expect(cancel.uti).toBe(uti);
    bridge.send({ type: 'error', re: cancel.id, code: 'NOT_CANCELLABLE', message: 'the acquirer has it' });
    const query = await bridge.next('payment.query');
    expect(t.row(uti).status).toBe('IN_PROGRESS');
    bridge.send({ type: 'payment.status', re: query.id, uti, state: 'FINAL', result: APPROVED_RESULT });
    // The card comes with the result: the receipt has it.
    expect(await t.final(uti)).toMatchObject({ status: 'APPROVED', authCode: 'A1B2C3', maskedPan: '47**********0010', reversal: null });
  });

  it('When the app cannot cancel and never answers, then at the host timeout the payment ends FAILED, reversed through the app', async () => {
    const bridge = new FakeBridge();
    const t = await bridgeTerminal(bridge, { cardTimeoutMs: 300, hostTimeoutMs: 600 });
    const { uti } = await startedSale(bridge, t);
    const cancel = await bridge.next('payment.cancel');
    bridge.send({ type: 'error', re: cancel.id, code: 'NOT_CANCELLABLE', message: 'the acquirer has it' });
    expect(await t.final(uti)).toMatchObject({ status: 'FAILED', statusReason: 'PAYMENT_APP_UNAVAILABLE', reversal: 'PENDING' });
    expect((await bridge.next('reversal')).uti).toBe(uti);
  });

  it('When the card does not come and the app confirms the cancel, then it ends TIMED_OUT / CARD_TIMEOUT with nothing to reverse', async () => {
    const bridge = new FakeBridge();
    const t = await bridgeTerminal(bridge, { cardTimeoutMs: 300 });
    const { uti } = await startedSale(bridge, t);
    const cancel = await bridge.next('payment.cancel');
    expect(cancel).toMatchObject({ uti, reason: 'CARD_TIMEOUT' });
    expect(t.row(uti).status).toBe('IN_PROGRESS');
    // As an app does: the ack, and at once its CANCELLED result with eposd's reason.
    bridge.send({ type: 'ack', re: cancel.id });
    bridge.send({ type: 'payment.result', id: 'b1', uti, result: { outcome: 'CANCELLED', reason: 'CARD_TIMEOUT' } });
    expect(await t.final(uti)).toMatchObject({ status: 'TIMED_OUT', statusReason: 'CARD_TIMEOUT', reversal: null });
  });

  it('When a POS cancels and the app cannot stop the payment, then it stays CANCELLED and a reversal goes out, marked in the row until the app answers', async () => {
    const bridge = new FakeBridge();
    const t = await bridgeTerminal(bridge);
    const { uti } = await startedSale(bridge, t);
    t.ctx.transactions.cancel({ uti, registerId: 'till-1' });
    const cancel = await bridge.next('payment.cancel');
    expect(cancel).toMatchObject({ uti, reason: 'POS_CANCELLED' });
    bridge.send({ type: 'error', re: cancel.id, code: 'NOT_CANCELLABLE', message: 'the acquirer has it' });
    const reversal = await bridge.next('reversal');
    expect(reversal.uti).toBe(uti);
    expect(t.row(uti)).toMatchObject({ status: 'CANCELLED', reversal: 'PENDING' });
    bridge.send({ type: 'reversal.ok', re: reversal.id, uti, reversed: true });
    await until('reversed', () => t.row(uti).reversal === 'DONE');
    expect(t.ctx.transactions.status(uti)?.body).toMatchObject({ status: 'CANCELLED', reversed: true });
  });

  it('When payment.start is never acknowledged, then the payment ends FAILED / PAYMENT_APP_TIMEOUT and payment.cancel is sent', async () => {
    const bridge = new FakeBridge();
    const t = await bridgeTerminal(bridge, { replyTimeoutMs: 300 });
    const uti = t.sale();
    await bridge.next('payment.start');
    const cancel = await bridge.next('payment.cancel');
    bridge.send({ type: 'error', re: cancel.id, code: 'NOT_IN_PROGRESS', message: 'never saw it' });
    const query = await bridge.next('payment.query');
    bridge.send({ type: 'payment.status', re: query.id, uti, state: 'UNKNOWN' });
    expect(await t.final(uti)).toMatchObject({ status: 'FAILED', statusReason: 'PAYMENT_APP_TIMEOUT', reversal: null });
  });
});

describe('Over a socket, where the ack of a cancel and the CANCELLED result after it come in one read', () => {
  let server: Server | undefined;
  let ctx: AppContext | undefined;
  afterEach(() => {
    ctx?.destroy();
    server?.close();
  });

  it('When the app confirms eposd’s cancel, then the payment ends as eposd decided, not with the app’s CANCELLED', async () => {
    const socket = join(makeTempDir('eposd-cancel-'), 'bridge.sock');
    server = createServer((conn) => {
      let buffered = '';
      conn.on('data', (chunk) => {
        buffered += chunk.toString();
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          const m = JSON.parse(buffered.slice(0, nl)) as { type: string; id: string; uti?: string; reason?: string; transaction?: { uti: string } };
          buffered = buffered.slice(nl + 1);
          const line = (o: object) => `${JSON.stringify(o)}\n`;
          if (m.type === 'hello') conn.write(line({ type: 'hello.ok', re: m.id, protocol: PROTOCOL, bridge: { name: 'one-read', version: '1' }, capabilities: [] }));
          if (m.type === 'payment.start') conn.write(line({ type: 'ack', re: m.id }));
          if (m.type === 'payment.cancel') conn.write(line({ type: 'ack', re: m.id }) + line({ type: 'payment.result', id: 'r1', uti: m.uti, result: { outcome: 'CANCELLED', reason: m.reason } }));
        }
      });
    });
    await new Promise<void>((resolve) => server!.listen(socket, resolve));
    ctx = testContext({ env: { EPOSD_DRIVER: 'bridge', EPOSD_BRIDGE_SOCKET: socket, EPOSD_CARD_TIMEOUT_MS: '300' } }).ctx;
    ctx.start();
    const app = ctx.paymentApp!;
    await until('connected', () => app.client.connected && !app.report().reconciling);
    const { uti } = ctx.transactions.start({ transType: 'SALE', amountTrans: 1000 }, 'till-1', true);
    await until('final', () => ctx!.transactionsRepo.findByUti(uti)!.status !== 'IN_PROGRESS');
    expect(ctx.transactionsRepo.findByUti(uti)).toMatchObject({ status: 'TIMED_OUT', statusReason: 'CARD_TIMEOUT', reversal: null });
  });
});

describe('After a restart, a payment the app still has in progress (defect 2)', () => {
  const restarted = async (options: { hostTimeoutMs?: number } = {}) => {
    const bridge = new FakeBridge();
    const t = await bridgeTerminal(bridge, { waitReady: false, hostTimeoutMs: options.hostTimeoutMs, before: (ctx) => void ctx.transactionsRepo.insert(orphan('interrupted')) });
    const queries = answerQueries(bridge, () => ({ state: 'IN_PROGRESS' }));
    return { bridge, t, queries };
  };

  it('When the time to reconcile is up, then payment.cancel goes first; confirmed, it ends FAILED / TERMINAL_RESTARTED, and an approval sent after it is reversed, counted and logged', async () => {
    const { bridge, t } = await restarted();
    const cancel = await bridge.next('payment.cancel');
    expect(cancel).toMatchObject({ uti: 'interrupted', reason: 'TERMINAL_RESTARTED' });
    bridge.send({ type: 'ack', re: cancel.id });
    bridge.send({ type: 'payment.result', id: 'b1', uti: 'interrupted', result: { outcome: 'CANCELLED', reason: 'TERMINAL_RESTARTED' } });
    expect(await t.final('interrupted')).toMatchObject({ status: 'FAILED', statusReason: 'TERMINAL_RESTARTED', reversal: null });
    // The cardholder taps after all, and the app approves a payment it had agreed to cancel.
    bridge.send({ type: 'payment.result', id: 'late', uti: 'interrupted', result: APPROVED_RESULT });
    const reversal = await bridge.next('reversal');
    expect(reversal.uti).toBe('interrupted');
    bridge.send({ type: 'reversal.ok', re: reversal.id, uti: 'interrupted', reversed: true });
    await until('reversed', () => t.row('interrupted').reversal === 'DONE');
    expect(t.row('interrupted').status).toBe('FAILED');
    expect(t.app.report().counters).toMatchObject({ lateApprovals: 1 });
    expect(t.logged('warn', 'interrupted').length).toBeGreaterThan(0);
  });

  it('When the app cannot cancel and the host timeout passes, then it ends FAILED, reversed; and `reversed` stays false when the app had nothing to undo', async () => {
    const { bridge, t, queries } = await restarted({ hostTimeoutMs: 600 });
    const cancel = await bridge.next('payment.cancel');
    bridge.send({ type: 'error', re: cancel.id, code: 'NOT_CANCELLABLE', message: 'the acquirer has it' });
    const asked = queries.asked();
    expect(await t.final('interrupted')).toMatchObject({ status: 'FAILED', statusReason: 'PAYMENT_APP_UNAVAILABLE', reversal: 'PENDING' });
    expect(queries.asked()).toBeGreaterThan(asked);
    const reversal = await bridge.next('reversal');
    bridge.send({ type: 'reversal.ok', re: reversal.id, uti: 'interrupted', reversed: false });
    await until('the reversal answered', () => t.row('interrupted').reversal !== 'PENDING');
    expect(t.ctx.transactions.status('interrupted')?.body).toMatchObject({ status: 'FAILED', reversed: false });
  });
});

describe('Approvals eposd does not hold', () => {
  it('When the app approves a UTI eposd never had, then it is reversed through the app, counted and logged (defect 9)', async () => {
    const bridge = new FakeBridge();
    const t = await bridgeTerminal(bridge);
    bridge.send({ type: 'payment.result', id: 'stray', uti: 'never-had-this', result: APPROVED_RESULT });
    const reversal = await bridge.next('reversal');
    expect(reversal.uti).toBe('never-had-this');
    bridge.send({ type: 'reversal.ok', re: reversal.id, uti: 'never-had-this', reversed: true });
    expect(t.app.report().counters).toMatchObject({ lateApprovals: 1 });
    expect(t.logged('warn', 'never-had-this').length).toBeGreaterThan(0);
  });

  it('When eposd stops before the app answered the reversal of an unknown UTI, then the next run sends it again (the audit trail keeps it)', async () => {
    const bridge = new FakeBridge();
    const t = await bridgeTerminal(bridge);
    bridge.send({ type: 'payment.result', id: 'stray', uti: 'never-had-this', result: APPROVED_RESULT });
    await bridge.next('reversal');
    // The process dies before the answer: what it committed is all the next one has.
    t.app.stop();
    t.ctx.engine.stop();
    const again = new FakeBridge();
    const t2 = await bridgeTerminal(again, { db: t.ctx.db });
    const reversal = await again.next('reversal');
    expect(reversal.uti).toBe('never-had-this');
    again.send({ type: 'reversal.ok', re: reversal.id, uti: 'never-had-this', reversed: true });
    await until('the answer kept', () => t2.ctx.auditRepo.latest(20).some((e) => e.event === 'payment-app.unknown-reversed' && e.uti === 'never-had-this'));
  });

  it('When the app answers an approval twice, then the second is neither recorded again nor reversed', async () => {
    const bridge = new FakeBridge();
    const t = await bridgeTerminal(bridge);
    const { uti } = await startedSale(bridge, t);
    bridge.send({ type: 'payment.result', id: 'b1', uti, result: APPROVED_RESULT });
    await t.final(uti);
    bridge.send({ type: 'payment.result', id: 'b2', uti, result: APPROVED_RESULT });
    await expect(bridge.next('reversal', 300)).rejects.toThrow(/no reversal/);
    expect(t.row(uti)).toMatchObject({ status: 'APPROVED', reversal: null });
    expect(t.finals(uti)).toBe(1);
  });
});
