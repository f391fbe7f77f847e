import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { useApi } from '../../helpers/api';
import { dbSnapshot } from '../../helpers/db';
import { arrayContaining, expectAny, objectContaining } from '../../helpers/matchers';
import { INSTANT_SIMULATOR_ENV, TX_PATH, getStatus, payAndWait } from '../../helpers/payments';
import { expectProblem } from '../../helpers/problem';
import { bodyOf, type FinalStatus, type SearchPage } from '../../helpers/bodies';

const ITEMS = [
  { name: 'Flat white', quantity: 2, unitAmount: 350 },
  { name: 'Croissant', quantity: 1, unitAmount: 300, totalAmount: 250, taxAmount: 23 },
];
const ORDER = { transType: 'SALE', amountTrans: 950, description: 'Table 7, lunch', metadata: { order: '42', table: '7' }, lineItems: ITEMS, locale: 'es' };

describe('POST /payntpos/1.0.0/transaction with order data', () => {
  const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true });
  const pay = (body: Record<string, unknown>) => payAndWait(t.app, t.ctx, t.token, body);

  it('returns description, metadata, line items and locale as sent in the final answer', async () => {
    const { uti } = await pay(ORDER);
    const final = bodyOf<FinalStatus>(await getStatus(t.app, t.token, uti).expect(200));
    expect(final).toMatchObject({ description: 'Table 7, lunch', metadata: { order: '42', table: '7' }, lineItems: ITEMS, locale: 'es', transAmount: 950 });
  });

  it('answers a SALE without order data with none of those fields', async () => {
    const { uti } = await pay({ transType: 'SALE', amountTrans: 1000 });
    const final = bodyOf<FinalStatus>(await getStatus(t.app, t.token, uti).expect(200));
    for (const field of ['description', 'metadata', 'lineItems', 'locale']) expect(final).not.toHaveProperty(field);
  });

  it('finds transactions by a metadata pair, newest first, and pages them', async () => {
    const a = await pay({ transType: 'SALE', amountTrans: 100, metadata: { order: '7' } });
    await pay({ transType: 'SALE', amountTrans: 200, metadata: { order: '8' } });
    const c = await pay({ transType: 'SALE', amountTrans: 300, metadata: { order: '7', till: '2' } });
    const page = bodyOf<SearchPage>(await request(t.app).get(`${BASE_PATH}/transactions`).query({ 'metadata.order': '7', limit: '1' }).set('Authorization', t.token).expect(200));
    expect(page.transactions.map((x) => x.uti)).toEqual([c.uti]);
    expect(page.transactions[0]).toMatchObject({ metadata: { order: '7', till: '2' } });
    const next = bodyOf<SearchPage>(
      await request(t.app).get(`${BASE_PATH}/transactions`).query({ 'metadata.order': '7', limit: '1', cursor: page.nextCursor! }).set('Authorization', t.token).expect(200),
    );
    expect(next.transactions.map((x) => x.uti)).toEqual([a.uti]);
    expect(next.nextCursor).toBeNull();
    const both = bodyOf<SearchPage>(await request(t.app).get(`${BASE_PATH}/transactions`).query({ 'metadata.order': '7', 'metadata.till': '2' }).set('Authorization', t.token).expect(200));
    expect(both.transactions.map((x) => x.uti)).toEqual([c.uti]);
    const none = bodyOf<SearchPage>(await request(t.app).get(`${BASE_PATH}/transactions`).query({ 'metadata.order': '9' }).set('Authorization', t.token).expect(200));
    expect(none.transactions).toEqual([]);
  });

  it('checks line items against the voided amount for a REVERSAL', async () => {
    const { uti } = await pay({ transType: 'SALE', amountTrans: 700 });
    const { uti: voidUti } = await pay({ transType: 'REVERSAL', uti, lineItems: [{ name: 'Flat white', quantity: 2, unitAmount: 350 }] });
    expect(bodyOf<FinalStatus>(await getStatus(t.app, t.token, voidUti).expect(200))).toMatchObject({ transApproved: true, lineItems: [{ name: 'Flat white', quantity: 2, unitAmount: 350 }] });
  });

  it('answers a replay with the same order data, and 409 UTI_CONFLICT for other order data under the same uti', async () => {
    const body = { ...ORDER, uti: 'order-replay-1' };
    const first = await request(t.app).post(TX_PATH).set('Authorization', t.token).send(body).expect(200);
    expect((await request(t.app).post(TX_PATH).set('Authorization', t.token).send(body)).body).toEqual(first.body);
    const other = await request(t.app)
      .post(TX_PATH)
      .set('Authorization', t.token)
      .send({ ...body, metadata: { order: '43' } });
    expectProblem(other, 409, 'UTI_CONFLICT');
  });
});

describe('POST /payntpos/1.0.0/transaction with bad order data', () => {
  const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true, perFile: true });

  async function refused(body: unknown, status: number, code: string, field?: string) {
    const before = dbSnapshot(t.ctx.db);
    const res = await request(t.app)
      .post(TX_PATH)
      .set('Authorization', t.token)
      .send(body as object);
    const problem = expectProblem(res, status, code);
    if (field) expect(problem.errors).toEqual(arrayContaining([objectContaining({ field, message: expectAny(String) })]));
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
    expect(t.ctx.engine.current).toEqual({ name: 'IDLE' });
    return problem;
  }

  const SALE = { transType: 'SALE', amountTrans: 1000 };
  const item = (over: Record<string, unknown> = {}) => ({ name: 'Item', quantity: 1, unitAmount: 1000, ...over });
  const meta = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));

  it.each([
    ['a description of 256 characters', { ...SALE, description: 'd'.repeat(256) }, 'description'],
    ['a description that is a number', { ...SALE, description: 5 }, 'description'],
    ['21 metadata keys', { ...SALE, metadata: meta(21) }, 'metadata'],
    ['an empty metadata key', { ...SALE, metadata: { '': 'v' } }, 'metadata'],
    ['a metadata key of 41 characters', { ...SALE, metadata: { ['k'.repeat(41)]: 'v' } }, 'metadata'],
    ['a metadata value of 501 characters', { ...SALE, metadata: { k: 'v'.repeat(501) } }, 'metadata.k'],
    ['a metadata value that is a number', { ...SALE, metadata: { k: 5 } }, 'metadata.k'],
    ['metadata that is a list', { ...SALE, metadata: ['a'] }, 'metadata'],
    ['101 line items', { ...SALE, amountTrans: 101, lineItems: Array.from({ length: 101 }, () => item({ unitAmount: 1 })) }, 'lineItems'],
    ['a line item without a name', { ...SALE, lineItems: [{ quantity: 1, unitAmount: 1000 }] }, 'lineItems.0.name'],
    ['a line item name of 61 characters', { ...SALE, lineItems: [item({ name: 'n'.repeat(61) })] }, 'lineItems.0.name'],
    ['an empty line item name', { ...SALE, lineItems: [item({ name: '' })] }, 'lineItems.0.name'],
    ['a quantity of 0', { ...SALE, lineItems: [item({ quantity: 0 })] }, 'lineItems.0.quantity'],
    ['a quantity of 10000', { ...SALE, lineItems: [item({ quantity: 10000 })] }, 'lineItems.0.quantity'],
    ['a fractional quantity', { ...SALE, lineItems: [item({ quantity: 1.5 })] }, 'lineItems.0.quantity'],
    ['a negative unit amount', { ...SALE, lineItems: [item({ unitAmount: -1 })] }, 'lineItems.0.unitAmount'],
    ['a negative tax amount', { ...SALE, lineItems: [item({ taxAmount: -1 })] }, 'lineItems.0.taxAmount'],
    ['an unknown line item field', { ...SALE, lineItems: [item({ sku: 'x' })] }, 'lineItems.0.sku'],
  ])('answers 400 VALIDATION_FAILED for %s, naming the field, and writes nothing', async (_name, body, field) => {
    await refused(body, 400, 'VALIDATION_FAILED', field);
  });

  it('answers 400 for an unknown locale, listing those supported, and writes nothing', async () => {
    const problem = await refused({ ...SALE, locale: 'fr' }, 400, 'VALIDATION_FAILED', 'locale');
    expect(problem.errors).toEqual([{ field: 'locale', message: 'must be one of en, es, ja, de' }]);
  });

  it.each([
    ['line totals below the amount', { ...SALE, lineItems: [item({ unitAmount: 999 })] }, 999],
    ['line totals above the amount', { ...SALE, lineItems: [item(), item({ unitAmount: 1 })] }, 1001],
    ['a totalAmount that replaces quantity × unitAmount', { ...SALE, lineItems: [item({ quantity: 2, unitAmount: 500, totalAmount: 900 })] }, 900],
    ['no line item at all', { ...SALE, lineItems: [] }, 0],
  ])('answers 400 LINE_ITEMS_MISMATCH for %s and writes nothing', async (_name, body, sum) => {
    const problem = await refused(body, 400, 'LINE_ITEMS_MISMATCH');
    expect(problem).toMatchObject({ lineItemsTotal: sum, amountTrans: 1000 });
  });

  it('accepts the limits: 255-character description, 20 keys of 40 characters with 500-character values, 100 line items', async () => {
    const metadata = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`${String(i).padStart(2, '0')}${'k'.repeat(38)}`, 'v'.repeat(500)]));
    const lineItems = Array.from({ length: 100 }, () => item({ name: 'n'.repeat(60), quantity: 9999, unitAmount: 0, totalAmount: 10 }));
    const a = await payAndWait(t.app, t.ctx, t.token, { ...SALE, description: 'd'.repeat(255), metadata });
    expect(bodyOf<FinalStatus>(await getStatus(t.app, t.token, a.uti).expect(200))).toMatchObject({ transApproved: true, metadata });
    const b = await payAndWait(t.app, t.ctx, t.token, { ...SALE, lineItems });
    expect(bodyOf<FinalStatus>(await getStatus(t.app, t.token, b.uti).expect(200)).lineItems).toHaveLength(100);
  });
});
