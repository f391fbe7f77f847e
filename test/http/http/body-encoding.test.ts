import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { useApi } from '../../helpers/api';
import { dbSnapshot } from '../../helpers/db';
import { expectProblem } from '../../helpers/problem';

// Found by the fuzzer (npm run test:faults): a body labelled gzip, deflate or br that was not answered
// 500. eposd takes plain JSON only.

describe('POST /payntpos/1.0.0/transaction with a Content-Encoding', () => {
  const t = useApi({ paired: true });

  const post = (encoding: string, body: Buffer | string) =>
    request(t.app).post(`${BASE_PATH}/transaction`).set('Authorization', t.token).set('Content-Type', 'application/json').set('Content-Encoding', encoding).send(body);

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
