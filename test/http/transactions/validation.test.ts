import request from 'supertest';
import { stringMatching } from '../../helpers/matchers';
import { useApi } from '../../helpers/api';
import { dbSnapshot } from '../../helpers/db';
import { expectProblem } from '../../helpers/problem';
import { INSTANT_SIMULATOR_ENV, TX_PATH } from '../../helpers/payments';
import { arrayContaining, expectAny, objectContaining } from '../../helpers/matchers';

const SALE = { transType: 'SALE', amountTrans: 1000 };

describe('POST /payntpos/1.0.0/transaction with a bad request', () => {
  const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true, perFile: true });

  /** Each answers 400 VALIDATION_FAILED naming the field, writes nothing and starts nothing. */
  async function rejected(query: string, body: unknown, field: string) {
    const before = dbSnapshot(t.ctx.db);
    const res = await request(t.app)
      .post(`${TX_PATH}${query}`)
      .set('Authorization', t.token)
      .set('Content-Type', 'application/json')
      .send(typeof body === 'string' ? body : JSON.stringify(body));
    const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual(arrayContaining([objectContaining({ field, message: expectAny(String) })]));
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
    expect(t.ctx.engine.current).toEqual({ name: 'IDLE' });
  }

  it.each([
    ['an unknown field', { ...SALE, tip: 100 }, 'tip'],
    ['a field in the status spelling', { ...SALE, transAmount: 1000 }, 'transAmount'],
    ['no transType', { amountTrans: 1000 }, 'transType'],
    ['an unknown transType', { transType: 'PAYMENT', amountTrans: 1000 }, 'transType'],
    ['a lower-case transType', { transType: 'sale', amountTrans: 1000 }, 'transType'],
    ['an amount as a string', { transType: 'SALE', amountTrans: '1000' }, 'amountTrans'],
    ['a zero amount', { transType: 'SALE', amountTrans: 0 }, 'amountTrans'],
    ['a negative amount', { transType: 'SALE', amountTrans: -1000 }, 'amountTrans'],
    ['a fractional amount', { transType: 'SALE', amountTrans: 10.5 }, 'amountTrans'],
    ['a huge amount', { transType: 'SALE', amountTrans: 1e15 }, 'amountTrans'],
    ['an amount just above the largest', { transType: 'SALE', amountTrans: 100_000_000 }, 'amountTrans'],
    ['a null amount', { transType: 'SALE', amountTrans: null }, 'amountTrans'],
    ['no amount for a SALE', { transType: 'SALE' }, 'amountTrans'],
    ['no amount for a REFUND', { transType: 'REFUND' }, 'amountTrans'],
    ['an amount for a REVERSAL', { transType: 'REVERSAL', uti: 'abc', amountTrans: 1000 }, 'amountTrans'],
    ['no uti for a COMPLETION', { transType: 'COMPLETION', amountTrans: 1000 }, 'uti'],
    ['no uti for a REVERSAL', { transType: 'REVERSAL' }, 'uti'],
    ['a reference of 37 characters', { ...SALE, reference: 'r'.repeat(37) }, 'reference'],
    ['an empty reference', { ...SALE, reference: '' }, 'reference'],
    ['a reference with a space', { ...SALE, reference: 'order 1' }, 'reference'],
    ['a reference with an underscore', { ...SALE, reference: 'order_1' }, 'reference'],
    ['a reference with an accent', { ...SALE, reference: 'réf-1' }, 'reference'],
    ['a reference that is a number', { ...SALE, reference: 12345 }, 'reference'],
    ['a uti of 65 characters', { ...SALE, uti: 'u'.repeat(65) }, 'uti'],
    ['an empty uti', { ...SALE, uti: '' }, 'uti'],
    ['a uti with a slash', { ...SALE, uti: 'pos/0001' }, 'uti'],
    ['a uti with a dot', { ...SALE, uti: 'pos.0001' }, 'uti'],
  ])('answers 400 for %s, naming the field, and writes nothing', async (_name, body, field) => {
    await rejected('', body, field);
  });

  it.each([
    ['an unknown query parameter', '?amount=1000', 'amount'],
    ['disablePrinting that is not true or false', '?disablePrinting=yes', 'disablePrinting'],
  ])('answers 400 for %s, naming it, and writes nothing', async (_name, query, field) => {
    await rejected(query, SALE, field);
  });

  it('answers 400 for a body that is an array, and writes nothing', async () => {
    await rejected('', [SALE], 'body');
  });

  it('names every bad field at once', async () => {
    const res = await request(t.app).post(TX_PATH).set('Authorization', t.token).send({ transType: 'SALE', amountTrans: -5, reference: 'bad ref', extra: 1 });
    const fields = expectProblem(res, 400, 'VALIDATION_FAILED').errors!.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['amountTrans', 'reference', 'extra']));
  });

  it.each([
    ['malformed JSON', '{"transType": "SALE",', 400, 'MALFORMED_JSON'],
    ['a body that is not JSON', 'transType=SALE&amountTrans=1000', 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('answers %s with a problem and writes nothing', async (_name, text, status, code) => {
    const before = dbSnapshot(t.ctx.db);
    const contentType = code === 'MALFORMED_JSON' ? 'application/json' : 'application/x-www-form-urlencoded';
    expectProblem(await request(t.app).post(TX_PATH).set('Authorization', t.token).set('Content-Type', contentType).send(text), status, code);
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
  });

  describe('GET /payntpos/1.0.0/transaction', () => {
    it.each([
      ['no uti', {}],
      ['a uti of 65 characters', { uti: 'u'.repeat(65) }],
      ['a uti with bad characters', { uti: 'a b' }],
    ])('answers 400 naming uti for %s', async (_name, query) => {
      const problem = expectProblem(await request(t.app).get(TX_PATH).query(query).set('Authorization', t.token), 400, 'VALIDATION_FAILED');
      expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'uti' })]));
    });
  });
  it.each([
    ['transType', '{"transType":"SALE","transType":"REFUND","amountTrans":1250}'],
    ['amountTrans', '{"transType":"SALE","amountTrans":1250,"amountTrans":5}'],
    ['reference', '{"transType":"SALE","amountTrans":1250,"reference":"a","reference":"b"}'],
  ])('answers 400 naming %s when it is sent twice, and starts nothing (the last one must not silently win)', async (field, json) => {
    await rejected('', json, field);
  });

  it('says that amountTrans is in minor units when it is not a whole number', async () => {
    const res = await request(t.app).post(TX_PATH).set('Authorization', t.token).send({ transType: 'SALE', amountTrans: 12.5 });
    expect(expectProblem(res, 400, 'VALIDATION_FAILED').errors).toEqual([{ field: 'amountTrans', message: stringMatching(/minor units.*1250 for 12\.50/) }]);
  });
});
