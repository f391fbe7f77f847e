import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { useApi } from '../../helpers/api';
import { bodyOf, type Acknowledgement } from '../../helpers/bodies';
import { dbSnapshot } from '../../helpers/db';
import { expectProblem } from '../../helpers/problem';
import { MANUAL_SIMULATOR_ENV, TX_PATH, getStatus } from '../../helpers/payments';

// The fast twin of test/faults/storage-faults.test.ts (which fills a real tmpfs): here every write is
// refused at the database layer (`PRAGMA query_only`, SQLITE_READONLY), a storage failure like a full disk.

describe('When the database refuses writes', () => {
  const t = useApi({ env: MANUAL_SIMULATOR_ENV, paired: true });
  let uti: string;
  beforeEach(async () => {
    uti = bodyOf<Acknowledgement>(await request(t.app).post(TX_PATH).set('Authorization', t.token).send({ transType: 'SALE', amountTrans: 1000 })).uti;
    t.ctx.engine.cancel(uti, 'POS_CANCELLED');
    t.ctx.db.pragma('query_only = ON');
  });

  const post = (body: Record<string, unknown> = { transType: 'SALE', amountTrans: 1000 }) => request(t.app).post(TX_PATH).set('Authorization', t.token).send(body);

  it('then POST /transaction answers 503 STORAGE_UNAVAILABLE, gives no UTI and writes nothing', async () => {
    const before = dbSnapshot(t.ctx.db);
    for (const body of [undefined, { transType: 'SALE', amountTrans: 1000, uti: 'chosen-by-the-pos' }]) {
      const res = await post(body);
      expectProblem(res, 503, 'STORAGE_UNAVAILABLE');
      expect(bodyOf<{ uti?: string }>(res).uti).toBeUndefined();
    }
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
    expect(t.ctx.engine.current.name).toBe('IDLE');
  });

  it('then reads go on working', async () => {
    expect((await getStatus(t.app, t.token, uti)).body).toMatchObject({ uti, status: 'CANCELLED' });
    expect((await request(t.app).get(`${BASE_PATH}/transactions`).set('Authorization', t.token)).status).toBe(200);
    expect((await request(t.app).get(`${BASE_PATH}/settlement`).set('Authorization', t.token)).status).toBe(200);
  });

  it('then it takes payments again by itself once writes work again', async () => {
    expectProblem(await post(), 503, 'STORAGE_UNAVAILABLE');
    t.ctx.db.pragma('query_only = OFF');
    const res = await post();
    expect(res.status).toBe(200);
    expect((await getStatus(t.app, t.token, bodyOf<Acknowledgement>(res).uti)).body).toMatchObject({ status: 'IN_PROGRESS', stage: 'AWAITING_CARD' });
  });
});
