import { useApi } from '../helpers/api';
import { committedStates, recordTransitions, rowOf, simulatedHost, simulatedPrinter } from '../helpers/payments';
import { expectAny } from '../helpers/matchers';

// The engine driven by the real simulators with the default delays of SPEC §4 (card after 2000 ms,
// host after 1000 ms, PIN after 1500 ms, host timeout 15000 ms, card timeout 60000 ms), on fake timers.
const CARD_DELAY_MS = 2000;
const PIN_DELAY_MS = 1500;
const AUTH_DELAY_MS = 1000;
const HOST_TIMEOUT_MS = 15_000;
const CARD_TIMEOUT_MS = 60_000;

const CONTACTLESS = ['IDLE→AWAITING_CARD', 'AWAITING_CARD→READING_CARD', 'READING_CARD→AUTHORIZING'];
const WITH_PIN = ['IDLE→AWAITING_CARD', 'AWAITING_CARD→READING_CARD', 'READING_CARD→AWAITING_PIN', 'AWAITING_PIN→AUTHORIZING'];
const PRINTED = ['AUTHORIZING→PRINTING', 'PRINTING→IDLE'];
const VISA = '47**********0010';
const MASTERCARD = '54**********0434';

describe('the payment engine in auto mode, for each test amount of SPEC §4', () => {
  beforeEach(() => jest.useFakeTimers());
  const t = useApi();
  afterEach(() => jest.useRealTimers());

  const sale = (amount: number, disablePrinting = false) => t.ctx.transactions.start({ transType: 'SALE', amountTrans: amount }, 'till-1', disablePrinting).uti;
  /** Long enough for any of these payments, the 91's late host answer and its reversal included. */
  const runOut = () => jest.advanceTimersByTimeAsync(CARD_TIMEOUT_MS + HOST_TIMEOUT_MS);

  it.each([
    [
      'APPROVED up to 5000, contactless and without a PIN',
      5000,
      [...CONTACTLESS, ...PRINTED],
      { status: 'APPROVED', statusReason: 'APPROVED', responseCode: '00', maskedPan: VISA, entryMode: 'PICC', cvm: 'NO_CVM' },
    ],
    [
      'APPROVED above 5000, by chip and PIN',
      5001,
      [...WITH_PIN, ...PRINTED],
      { status: 'APPROVED', statusReason: 'APPROVED', responseCode: '00', maskedPan: MASTERCARD, entryMode: 'ICC', cvm: 'PIN' },
    ],
    ['DECLINED 05 DO_NOT_HONOUR', 1005, [...CONTACTLESS, ...PRINTED], { status: 'DECLINED', statusReason: 'DO_NOT_HONOUR', responseCode: '05', authCode: null, maskedPan: VISA }],
    ['DECLINED 51 INSUFFICIENT_FUNDS', 12351, [...WITH_PIN, ...PRINTED], { status: 'DECLINED', statusReason: 'INSUFFICIENT_FUNDS', responseCode: '51', authCode: null, maskedPan: MASTERCARD }],
    ['DECLINED 54 EXPIRED_CARD', 1054, [...CONTACTLESS, ...PRINTED], { status: 'DECLINED', statusReason: 'EXPIRED_CARD', responseCode: '54', authCode: null }],
    [
      'DECLINED 55 INCORRECT_PIN after a PIN prompt, even contactless',
      1055,
      [...WITH_PIN, ...PRINTED],
      { status: 'DECLINED', statusReason: 'INCORRECT_PIN', responseCode: '55', maskedPan: VISA, cvm: 'PIN' },
    ],
    [
      'DECLINED 91 ISSUER_UNAVAILABLE once the host times out',
      1091,
      [...CONTACTLESS, ...PRINTED],
      { status: 'DECLINED', statusReason: 'ISSUER_UNAVAILABLE', responseCode: '91', authCode: null, reversal: 'DONE' },
    ],
    [
      'FAILED CARD_READ_ERROR when the card cannot be read',
      1096,
      ['IDLE→AWAITING_CARD', 'AWAITING_CARD→READING_CARD', 'READING_CARD→IDLE'],
      { status: 'FAILED', statusReason: 'CARD_READ_ERROR', responseCode: null, maskedPan: null },
    ],
    [
      'CANCELLED CUSTOMER_CANCELLED by the customer at the terminal',
      1097,
      ['IDLE→AWAITING_CARD', 'AWAITING_CARD→IDLE'],
      { status: 'CANCELLED', statusReason: 'CUSTOMER_CANCELLED', responseCode: null, maskedPan: null },
    ],
    [
      'TIMED_OUT CARD_TIMEOUT when no card is presented',
      1098,
      ['IDLE→AWAITING_CARD', 'AWAITING_CARD→IDLE'],
      { status: 'TIMED_OUT', statusReason: 'CARD_TIMEOUT', responseCode: null, maskedPan: null },
    ],
  ] as const)('ends %s (amount %d) through exactly the committed states', async (_name, amount, states, row) => {
    const reported = recordTransitions(t.ctx);
    const uti = sale(amount);
    await runOut();
    expect(committedStates(t.ctx.db, uti)).toEqual(states);
    expect(reported.states()).toEqual(states);
    expect(rowOf(t.ctx, uti)).toMatchObject({ ...row, stage: null, completedAt: expectAny(Number) });
    expect(t.ctx.engine.current).toEqual({ name: 'IDLE' });
  });

  it.each([
    ['waiting for the card', 0, ['IDLE→AWAITING_CARD'], 'AWAITING_CARD'],
    ['at the host', CARD_DELAY_MS + AUTH_DELAY_MS / 2, CONTACTLESS, 'AUTHORIZING'],
  ] as const)('When it is stopped while %s, then the reader and the host answering later move nothing (recovery settles it at the next start)', async (_name, ms, states, stage) => {
    const uti = sale(5000);
    await jest.advanceTimersByTimeAsync(ms);
    t.ctx.engine.stop();
    await runOut();
    expect(committedStates(t.ctx.db, uti)).toEqual(states);
    expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'IN_PROGRESS', stage });
  });

  it('commits each transition before it reports it', async () => {
    const checked: boolean[] = [];
    t.ctx.engine.on('transition', (e: { uti: string; from: string; to: string }) => {
      checked.push(committedStates(t.ctx.db, e.uti).at(-1) === `${e.from}→${e.to}`);
    });
    sale(5001);
    await runOut();
    expect(checked).toEqual([true, true, true, true, true, true]);
  });

  it('approves with a 6-digit auth code and records the approval and the PIN in the event log', async () => {
    const uti = sale(5001);
    await runOut();
    expect(rowOf(t.ctx, uti).authCode).toMatch(/^\d{6}$/);
    const details = t.ctx.db.prepare(`SELECT detail FROM transaction_events WHERE transaction_id = ? ORDER BY id`).pluck().all(rowOf(t.ctx, uti).id);
    expect(details).toEqual([null, null, null, 'PIN_VERIFIED', 'APPROVED', 'PRINTED']);
  });

  it('waits the card delay, the PIN delay and the host delay, and no longer', async () => {
    const uti = sale(5001);
    const stage = () => rowOf(t.ctx, uti).stage;
    expect(stage()).toBe('AWAITING_CARD');
    await jest.advanceTimersByTimeAsync(CARD_DELAY_MS - 1);
    expect(stage()).toBe('AWAITING_CARD');
    await jest.advanceTimersByTimeAsync(1);
    expect(stage()).toBe('READING_CARD');
    // The read itself is a zero-delay timer, which Node (and so the fake clock) runs after 1 ms.
    await jest.advanceTimersByTimeAsync(1);
    expect(stage()).toBe('AWAITING_PIN');
    await jest.advanceTimersByTimeAsync(PIN_DELAY_MS - 1);
    expect(stage()).toBe('AWAITING_PIN');
    await jest.advanceTimersByTimeAsync(1);
    expect(stage()).toBe('AUTHORIZING');
    await jest.advanceTimersByTimeAsync(AUTH_DELAY_MS - 1);
    expect(rowOf(t.ctx, uti).status).toBe('IN_PROGRESS');
    await jest.advanceTimersByTimeAsync(1);
    expect(rowOf(t.ctx, uti).status).toBe('APPROVED');
  });

  it('times out a missing card after exactly the card timeout', async () => {
    const uti = sale(1098);
    await jest.advanceTimersByTimeAsync(CARD_TIMEOUT_MS - 1);
    expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'IN_PROGRESS', stage: 'AWAITING_CARD' });
    await jest.advanceTimersByTimeAsync(1);
    expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'TIMED_OUT', statusReason: 'CARD_TIMEOUT' });
  });

  it('prints the merchant copy, then the cardholder copy, for an approval and for a decline', async () => {
    const approved = sale(1000);
    await runOut();
    const declined = sale(1005);
    await runOut();
    expect(simulatedPrinter(t.ctx).jobs.map((j) => j.what)).toEqual([`merchant copy ${approved}`, `cardholder copy ${approved}`, `merchant copy ${declined}`, `cardholder copy ${declined}`]);
  });

  it.each([1096, 1097, 1098])('prints nothing for an outcome that never reached the host (amount %d)', async (amount) => {
    sale(amount);
    await runOut();
    expect(simulatedPrinter(t.ctx).jobs).toEqual([]);
    expect(simulatedHost(t.ctx).authorizations).toEqual([]);
  });

  it('goes from AUTHORIZING straight to IDLE, printing nothing, when printing is disabled', async () => {
    const uti = sale(1000, true);
    await runOut();
    expect(committedStates(t.ctx.db, uti)).toEqual([...CONTACTLESS, 'AUTHORIZING→IDLE']);
    expect(simulatedPrinter(t.ctx).jobs).toEqual([]);
  });

  it('sends the host the card reference and whether the PIN was verified, never a card number', async () => {
    const authorize = jest.spyOn(simulatedHost(t.ctx), 'authorize');
    sale(5001);
    await runOut();
    expect(authorize).toHaveBeenCalledTimes(1);
    const request = authorize.mock.calls[0]![0];
    expect(request).toMatchObject({ transType: 'SALE', amount: 5001, currency: 'EUR', hostData: 'sim:mastercard-chip', pinVerified: true });
    expect(JSON.stringify(request)).not.toMatch(/\d{13,19}/);
  });

  it('When a payment starts, then it is committed and acknowledged before the terminal acts on it, and its first step logged before that; a replay returns the same acknowledgement', async () => {
    const order: string[] = [];
    const logged = (uti: string) => committedStates(t.ctx.db, uti).join(', ');
    t.ctx.engine.on('transition', (e: { to: string; uti: string }) => order.push(`transition ${e.to}, logged: ${logged(e.uti)}`));
    const request = { transType: 'SALE', amountTrans: 1000, uti: 'my-own-uti-1' } as const;
    const ack = t.ctx.transactions.start(request, 'till-1', true);
    const row = rowOf(t.ctx, ack.uti);
    order.push(`acknowledged, committed: ${row.status} ${row.stage}, logged: ${logged(ack.uti)}, screen: ${t.screenLines.length} lines`);
    await Promise.resolve();
    expect(order).toEqual(['acknowledged, committed: IN_PROGRESS AWAITING_CARD, logged: , screen: 0 lines', 'transition AWAITING_CARD, logged: IDLE→AWAITING_CARD']);
    expect(t.screenLines.at(-1)).toMatch(/Present card/);
    expect(t.ctx.transactions.start(request, 'till-1', true)).toEqual(ack);
  });
});
