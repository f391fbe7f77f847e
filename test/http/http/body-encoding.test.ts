import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { BASE_PATH, createApp } from '../../../src/app';
import { pairPos, testContext, type TestContext } from '../../helpers/context';
import { dbSnapshot } from '../../helpers/db';
import { expectProblem } from '../../helpers/problem';

// Found by the fuzzer (npm run test:faults): a body labelled gzip, deflate or br that was not answered
// 500. eposd takes plain JSON only.

describe('POST /payntpos/1.0.0/transaction with a Content-Encoding', () => {
  let t: TestContext;
  let app: ReturnType<typeof createApp>;
  let token: string;
  beforeEach(async () => {
    t = testContext();
    app = createApp(t.ctx);
    token = await pairPos(app, t.ctx);
  });
  afterEach(() => t.ctx.destroy());

  const post = (encoding: string, body: Buffer | string) =>
    request(app).post(`${BASE_PATH}/transaction`).set('Authorization', token).set('Content-Type', 'application/json').set('Content-Encoding', encoding).send(body);

  it.each(['gzip', 'deflate', 'br', 'x-gzip', 'compress'])('When the body claims %s but is not, then it answers 415 UNSUPPORTED_MEDIA_TYPE and changes nothing', async (encoding) => {
    const before = dbSnapshot(t.ctx.db);
    expectProblem(await post(encoding, 'not compressed at all'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
  });

  it('When the body really is gzip, then it answers 415 too: a POS sends plain JSON', async () => {
    expectProblem(await post('gzip', gzipSync(JSON.stringify({ transType: 'SALE', amountTrans: 1000 }))), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('When the encoding is identity, then the body is read as it is', async () => {
    const res = await post('identity', JSON.stringify({ transType: 'SALE', amountTrans: 1000 }));
    expect(res.status).toBe(200);
  });
});
