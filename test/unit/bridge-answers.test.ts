import type { TransitionEvent } from '../../src/transactions/engine';
import type { FeedEvent } from '../../src/transactions/event-feed';
import { answerQueries, bridgeTerminal, destroyBridgeTerminals, orphan, startedSale } from '../helpers/bridge-terminal';
import { APPROVED_RESULT, FakeBridge } from '../helpers/fake-bridge';
import { until } from '../helpers/until';

// Issue 25, defects 1, 3, 4, 5 and 6: what eposd records of the payment app's answers. The live result,
// the status after a link drop and the status after a restart go through one decision: the UTI asked
// about, 00 and 10 as approvals, the amount approved against the total asked.

afterEach(destroyBridgeTerminals);

const approval = (amountAuthorised: number, responseCode: '00' | '10' = '00') => ({ ...APPROVED_RESULT, responseCode, amountAuthorised });

describe('The live payment.result', () => {
  it('When the app approves part of a sale that allows it with code 10, then it is APPROVED for that part, not reversed (defect 1)', async () => {
    const bridge = new FakeBridge();
    const t = await bridgeTerminal(bridge);
    const { uti } = await startedSale(bridge, t, 2000, { allowPartialApproval: true });
    bridge.send({ type: 'payment.result', id: 'b1', uti, result: approval(1000, '10') });
    expect(await t.final(uti)).toMatchObject({ status: 'APPROVED', statusReason: 'APPROVED', responseCode: '10', authCode: 'A1B2C3', amountAuthorised: 1000, reversal: null });
    expect(t.ctx.transactions.status(uti)?.body).toMatchObject({ transApproved: true, partialApproval: true, amountAuthorised: 1000 });
  });

  it('When the app approves in full with code 10, then it is APPROVED for the total', async () => {
    const bridge = new FakeBridge();
    const t = await bridgeTerminal(bridge);
    const { uti } = await startedSale(bridge, t, 1000);
    bridge.send({ type: 'payment.result', id: 'b1', uti, result: approval(1000, '10') });
    expect(await t.final(uti)).toMatchObject({ status: 'APPROVED', responseCode: '10', amountAuthorised: null, reversal: null });
  });

  it('When the app approves part of a sale that does not allow it (code 10), then it is DECLINED 51 and the part is reversed through the app', async () => {
    const bridge = new FakeBridge();
    const t = await bridgeTerminal(bridge);
    const { uti } = await startedSale(bridge, t, 2000);
    bridge.send({ type: 'payment.result', id: 'b1', uti, result: approval(1000, '10') });
    expect(await t.final(uti)).toMatchObject({ status: 'DECLINED', statusReason: 'INSUFFICIENT_FUNDS', responseCode: '51', authCode: null, reversal: 'PENDING' });
    expect((await bridge.next('reversal')).uti).toBe(uti);
    expect(t.app.report().refusals).toMatchObject({ PARTIAL_NOT_ALLOWED: 1 });
  });

  it('When the app approves more than the total, then it is DECLINED OVER_APPROVAL, reversed, refused where a technician sees it, and not settled (defect 3)', async () => {
    const bridge = new FakeBridge();
    const t = await bridgeTerminal(bridge);
    const { uti } = await startedSale(bridge, t, 1200);
    bridge.send({ type: 'payment.result', id: 'b1', uti, result: approval(1500) });
    expect(await t.final(uti)).toMatchObject({ status: 'DECLINED', statusReason: 'OVER_APPROVAL', authCode: null, amountAuthorised: null, reversal: 'PENDING' });
    expect((await bridge.next('reversal')).uti).toBe(uti);
    expect(t.ctx.settlement.current().totals).toMatchObject({ sales: { count: 0, amount: 0 }, net: 0 });
    expect(t.app.report().refusals).toMatchObject({ OVER_APPROVAL: 1 });
    expect(t.logged('warn', uti).some((l) => /refused/.test(String(l.msg)))).toBe(true);
    expect(t.ctx.auditRepo.latest(20)).toEqual(expect.arrayContaining([expect.objectContaining({ event: 'payment-app.answer-refused', outcome: 'OVER_APPROVAL', uti })]));
  });

  it('When the app approves zero, then it is DECLINED ZERO_APPROVAL and reversed', async () => {
    const bridge = new FakeBridge();
    const t = await bridgeTerminal(bridge);
    const { uti } = await startedSale(bridge, t, 1200);
    bridge.send({ type: 'payment.result', id: 'b1', uti, result: approval(0) });
    expect(await t.final(uti)).toMatchObject({ status: 'DECLINED', statusReason: 'ZERO_APPROVAL', reversal: 'PENDING' });
    expect((await bridge.next('reversal')).uti).toBe(uti);
  });
});

describe('payment.status after a link drop', () => {
  async function droppedAndAsked(amount: number) {
    const bridge = new FakeBridge();
    const t = await bridgeTerminal(bridge);
    const { uti } = await startedSale(bridge, t, amount);
    bridge.vanish();
    await until('the link lost', () => !t.app.client.connected);
    bridge.listen();
    const query = await bridge.next('payment.query');
    expect(query.uti).toBe(uti);
    return { bridge, t, uti, query };
  }

  it('When the app approves more than was asked, then it is DECLINED OVER_APPROVAL and reversed (defect 3)', async () => {
    const { bridge, t, uti, query } = await droppedAndAsked(2306);
    bridge.send({ type: 'payment.status', re: query.id, uti, state: 'FINAL', result: approval(9999) });
    expect(await t.final(uti)).toMatchObject({ status: 'DECLINED', statusReason: 'OVER_APPROVAL', reversal: 'PENDING' });
    expect((await bridge.next('reversal')).uti).toBe(uti);
  });

  it('When the status names another UTI, then it is not this payment’s approval: refused, and the payment is not approved (defect 4)', async () => {
    const { bridge, t, uti, query } = await droppedAndAsked(1000);
    bridge.send({ type: 'payment.status', re: query.id, uti: 'someone-else', state: 'FINAL', result: approval(1000) });
    const row = await t.final(uti);
    expect(row.status).not.toBe('APPROVED');
    expect(row.authCode).toBeNull();
    expect(t.app.report().refusals).toMatchObject({ OTHER_UTI: 1 });
  });
});

describe('payment.status after a restart', () => {
  async function restartedWith(answer: (uti: string) => object, row = orphan('interrupted')) {
    const bridge = new FakeBridge();
    const t = await bridgeTerminal(bridge, { waitReady: false, before: (ctx) => void ctx.transactionsRepo.insert(row) });
    answerQueries(bridge, answer);
    return { bridge, t };
  }

  it('When the app approved 99,999,999 of a sale of 1,000, then it is DECLINED OVER_APPROVAL, reversed, and no refund can lean on it (defect 3)', async () => {
    const { bridge, t } = await restartedWith(() => ({ state: 'FINAL', result: approval(99_999_999) }));
    expect(await t.final('interrupted')).toMatchObject({ status: 'DECLINED', statusReason: 'OVER_APPROVAL', reversal: 'PENDING' });
    expect((await bridge.next('reversal')).uti).toBe('interrupted');
    await until('open for payments', () => t.app.report().reconciling === false && t.app.client.connected);
    let refused: unknown;
    try {
      t.start({ transType: 'REFUND', amountTrans: 50_000, originalUti: 'interrupted' });
    } catch (err) {
      refused = err;
    }
    expect(refused).toMatchObject({ code: 'INVALID_ORIGINAL' });
  });

  it('When the status names another UTI, then the interrupted payment is not approved by it (defect 4)', async () => {
    const { t } = await restartedWith(() => ({ uti: 'someone-else', state: 'FINAL', result: approval(1000) }));
    const row = await t.final('interrupted');
    expect(row.status).not.toBe('APPROVED');
    expect(t.app.report().refusals.OTHER_UTI).toBeGreaterThanOrEqual(1);
  });

  it('When the app approved 1,355 of 2,711 and partials were not allowed, then it is DECLINED 51 and reversed, as live (defect 5)', async () => {
    const { bridge, t } = await restartedWith(() => ({ state: 'FINAL', result: approval(1355, '10') }), orphan('interrupted', 2711));
    expect(await t.final('interrupted')).toMatchObject({ status: 'DECLINED', statusReason: 'INSUFFICIENT_FUNDS', responseCode: '51', reversal: 'PENDING' });
    expect((await bridge.next('reversal')).uti).toBe('interrupted');
  });

  it('When the app approved part and partials were allowed, then it is APPROVED for that part', async () => {
    const { t } = await restartedWith(() => ({ state: 'FINAL', result: approval(1355, '10') }), orphan('interrupted', 2711, { allowPartial: 1 }));
    expect(await t.final('interrupted')).toMatchObject({ status: 'APPROVED', responseCode: '10', amountAuthorised: 1355, reversal: null });
  });

  it('When a reconciled outcome is recorded, then a waiting long-poll, the event stream and the screen hear of it as of a live one (defect 6)', async () => {
    const bridge = new FakeBridge();
    const heard: { woke?: string; feed: FeedEvent[]; transitions: TransitionEvent[] } = { feed: [], transitions: [] };
    const t = await bridgeTerminal(bridge, {
      waitReady: false,
      before: (ctx) => {
        ctx.transactionsRepo.insert(orphan('interrupted'));
        void ctx.waiters.wait('interrupted', 20_000).then(() => (heard.woke = ctx.transactionsRepo.findByUti('interrupted')?.status));
        ctx.feed.on('event', (e: FeedEvent) => heard.feed.push(e));
        ctx.engine.on('transition', (e: TransitionEvent) => heard.transitions.push(e));
      },
    });
    answerQueries(bridge, () => ({ state: 'FINAL', result: approval(1000) }));
    await t.final('interrupted');
    await until('the long-poll woken', () => heard.woke !== undefined, 2000);
    expect(heard.woke).toBe('APPROVED');
    expect(heard.feed).toEqual([expect.objectContaining({ uti: 'interrupted', state: 'IDLE', status: 'APPROVED' })]);
    expect(heard.transitions).toHaveLength(1);
    expect(heard.transitions[0]).toMatchObject({ uti: 'interrupted', to: 'IDLE', outcome: { status: 'APPROVED' } });
    await until('the screen shows it', () => t.ctx.screen.state().payment?.uti === 'interrupted', 2000);
  });
});
