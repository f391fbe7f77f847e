import request from 'supertest';
import { useApi } from '../../helpers/api';
import { expectProblem } from '../../helpers/problem';
import { MANUAL_SIMULATOR_ENV, startPayment, untilIdleAfter, untilStage } from '../../helpers/payments';
import { DISPLAY_PATH, actOn, putDisplay, shownOn } from '../../helpers/screen-calls';
import type { DisplayAnswer } from '../../../src/display/display.schemas';
import { bodyOf } from '../../helpers/bodies';
import { TEST_TID } from '../../helpers/context';
import { dbSnapshot } from '../../helpers/db';

const BASKET = {
  lineItems: [
    { name: 'Flat white', quantity: 2, unitAmount: 350 },
    { name: 'Croissant', quantity: 1, unitAmount: 250 },
  ],
  currency: 'EUR',
};

describe('PUT /payntpos/1.0.0/display', () => {
  const t = useApi({ env: { ...MANUAL_SIMULATOR_ENV, EPOSD_CURRENCIES: 'EUR,JPY' }, paired: true });

  it('shows the basket on the screen with its total, in the merchant locale, and answers it as kept', async () => {
    const res = await putDisplay(t.app, t.token, BASKET);
    expect(res.status).toBe(200);
    expect(bodyOf<DisplayAnswer>(res)).toMatchObject({ lineItems: BASKET.lineItems, currency: 'EUR', subtotal: 950, tax: 0, total: 950, locale: 'en', shown: true });
    const s = await shownOn(t.screen);
    expect(s.screen).toBe('display');
    expect(s.display).toMatchObject({
      currency: 'EUR',
      total: 950,
      labels: { items: 'Your basket', total: 'Total' },
      lineItems: [
        { name: 'Flat white', quantity: 2, total: 700 },
        { name: 'Croissant', quantity: 1, total: 250 },
      ],
    });
    expect(t.screenLines.at(-1)).toBe('[screen] display 1: 2 item(s), total EUR 9.50');
  });

  it('marks what changed from the basket before: a line added, a quantity changed, a line removed', async () => {
    await putDisplay(t.app, t.token, BASKET);
    await putDisplay(t.app, t.token, {
      lineItems: [
        { name: 'Flat white', quantity: 3, unitAmount: 350 },
        { name: 'Water', quantity: 1, unitAmount: 150 },
      ],
    });
    const d = (await shownOn(t.screen)).display!;
    expect(d.lineItems).toEqual([
      { name: 'Flat white', quantity: 3, total: 1050, change: 'changed' },
      { name: 'Water', quantity: 1, total: 150, change: 'added' },
    ]);
    expect(d.removed).toEqual([{ name: 'Croissant', quantity: 1, total: 250 }]);
    expect(d.version).toBe(2);
  });

  it('adds tax on top and checks a total against the lines and the tax (LINE_ITEMS_MISMATCH), changing nothing', async () => {
    const ok = await putDisplay(t.app, t.token, { ...BASKET, tax: 76, total: 1026 });
    expect(bodyOf<DisplayAnswer>(ok)).toMatchObject({ subtotal: 950, tax: 76, total: 1026 });
    const before = await shownOn(t.screen);
    const bad = expectProblem(await putDisplay(t.app, t.token, { ...BASKET, tax: 76, total: 950 }), 400, 'LINE_ITEMS_MISMATCH');
    expect(bad).toMatchObject({ lineItemsTotal: 950, tax: 76, total: 950 });
    expect(await shownOn(t.screen)).toEqual(before);
  });

  it('shows a message and a QR code, in the locale asked', async () => {
    const res = await putDisplay(t.app, t.token, { message: 'Scan to join our club', qr: 'https://example.com/join?c=42', locale: 'ja' });
    expect(res.status).toBe(200);
    const d = (await shownOn(t.screen)).display!;
    expect(d).toMatchObject({ message: 'Scan to join our club', locale: 'ja', labels: { scan: 'スマートフォンで読み取ってください' } });
    expect(d.qr).toMatchObject({ text: 'https://example.com/join?c=42', size: 29 });
    expect(d.qr!.path).toMatch(/^M0 0h7v1h-7z/);
    expect(d.lineItems).toBeUndefined();
  });

  it.each([
    ['nothing to show', {}, 'body'],
    ['a tax without a basket', { message: 'Hi', tax: 10 }, 'tax'],
    ['a message with a line break', { message: 'Hi\nthere' }, 'message'],
    ['a QR text with an escape', { qr: 'https://x.example/\u001b[2J' }, 'qr'],
    ['an unknown field', { ...BASKET, colour: 'red' }, 'colour'],
    ['a line name with a control character', { lineItems: [{ name: 'Tea\u0007', quantity: 1, unitAmount: 1 }] }, 'lineItems.0.name'],
  ])('refuses %s with 400 VALIDATION_FAILED naming the field, and shows nothing', async (_what, body, field) => {
    const res = await putDisplay(t.app, t.token, body);
    const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.map((e) => e.field)).toContain(field);
    expect((await shownOn(t.screen)).screen).toBe('idle');
  });

  it('refuses a currency the terminal does not take (422 CURRENCY_NOT_SUPPORTED) and takes one it does', async () => {
    expectProblem(await putDisplay(t.app, t.token, { ...BASKET, currency: 'USD' }), 422, 'CURRENCY_NOT_SUPPORTED');
    expect((await putDisplay(t.app, t.token, { ...BASKET, currency: 'JPY' })).status).toBe(200);
  });

  it('is given up to a payment while it runs, and comes back once the payment has ended', async () => {
    await putDisplay(t.app, t.token, BASKET);
    const uti = await startPayment(t.app, t.token, { transType: 'SALE', amountTrans: 950 });
    await untilStage(t.ctx, uti, 'AWAITING_CARD');
    expect((await shownOn(t.screen)).screen).toBe('payment');
    const during = await putDisplay(t.app, t.token, { message: 'Thank you!' });
    expect(bodyOf<DisplayAnswer>(during).shown).toBe(false);
    await actOn(t.screen, { action: 'presentCard' });
    await untilIdleAfter(t.ctx, uti);
    // The outcome stays up for a while; then the screen returns to the display set since.
    await new Promise((r) => setTimeout(r, 5_100));
    expect(await shownOn(t.screen)).toMatchObject({ screen: 'display', display: { message: 'Thank you!' } });
  }, 15_000);

  it("keeps each register's display: the newest is shown, and clearing it brings the other's back", async () => {
    const other = await t.pairPos('till-2');
    await putDisplay(t.app, t.token, BASKET);
    await putDisplay(t.app, other, { message: 'Till 2 here' });
    expect((await shownOn(t.screen)).display?.message).toBe('Till 2 here');
    expect((await request(t.app).delete(DISPLAY_PATH).set('Authorization', other)).status).toBe(204);
    expect((await shownOn(t.screen)).display?.total).toBe(950);
    expect((await request(t.app).delete(DISPLAY_PATH).set('Authorization', t.token)).status).toBe(204);
    expect((await shownOn(t.screen)).screen).toBe('idle');
  });

  it("takes a register's display down when it unpairs", async () => {
    await putDisplay(t.app, t.token, BASKET);
    await request(t.app)
      .delete(`${DISPLAY_PATH.replace('/display', '/pair')}`)
      .set('Authorization', t.token);
    expect((await shownOn(t.screen)).screen).toBe('idle');
  });

  it('needs a POS token (401 without one) and writes nothing to the database', async () => {
    const before = dbSnapshot(t.ctx.db);
    expectProblem(await request(t.app).put(DISPLAY_PATH).send(BASKET), 401, 'UNAUTHORIZED');
    expectProblem(await request(t.app).delete(DISPLAY_PATH), 401, 'UNAUTHORIZED');
    expect(dbSnapshot(t.ctx.db).tables).toEqual(before.tables);
    expect((await shownOn(t.screen)).screen).toBe('idle');
  });

  it("answers 400 TID_MISMATCH for another terminal's tid, on PUT and on DELETE, and changes nothing on the screen", async () => {
    const audited = () => t.ctx.db.prepare<[], { event: string; outcome: string }>(`SELECT event, outcome FROM audit_events WHERE event LIKE 'display.%' ORDER BY id`).all();
    expectProblem(await request(t.app).put(DISPLAY_PATH).query({ tid: '87654321' }).set('Authorization', t.token).send(BASKET), 400, 'TID_MISMATCH');
    expect((await shownOn(t.screen)).screen).toBe('idle');
    expect((await request(t.app).put(DISPLAY_PATH).query({ tid: TEST_TID }).set('Authorization', t.token).send(BASKET)).status).toBe(200);
    expectProblem(await request(t.app).delete(DISPLAY_PATH).query({ tid: '87654321' }).set('Authorization', t.token), 400, 'TID_MISMATCH');
    expect((await shownOn(t.screen)).screen).toBe('display');
    // The audit trail records the refusals as such; only the right tid's display was taken.
    expect(audited()).toEqual([
      { event: 'display.update', outcome: 'TID_MISMATCH' },
      { event: 'display.update', outcome: 'OK' },
      { event: 'display.clear', outcome: 'TID_MISMATCH' },
    ]);
  });
});
