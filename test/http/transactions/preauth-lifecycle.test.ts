import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { useApi } from '../../helpers/api';
import { INSTANT_SIMULATOR_ENV, payAndWait, rowOf, TX_PATH } from '../../helpers/payments';

describe('a pre-authorisation after its completion is voided, and after settlement', () => {
  const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true, perFile: true });
  const pay = (body: Record<string, unknown>) => payAndWait(t.app, t.ctx, t.token, body).then((r) => r.uti);

  it('when the completion is voided, then the pre-auth can be completed again', async () => {
    const preauth = await pay({ transType: 'PREAUTH', amountTrans: 5000 });
    const completion = await pay({ transType: 'COMPLETION', uti: preauth, amountTrans: 4000 });
    await pay({ transType: 'REVERSAL', uti: completion });
    expect(rowOf(t.ctx, preauth).completedBy).toBeNull();
    const again = await pay({ transType: 'COMPLETION', uti: preauth, amountTrans: 4500 });
    expect(rowOf(t.ctx, again)).toMatchObject({ status: 'APPROVED', originalUti: preauth });
    expect(rowOf(t.ctx, preauth).completedBy).toBe(again);
  });

  it('when the batch has closed, then a pre-auth (a hold, no money moved) can still be released, but a sale cannot be voided', async () => {
    const preauth = await pay({ transType: 'PREAUTH', amountTrans: 3000 });
    const sale = await pay({ transType: 'SALE', amountTrans: 1000 });
    await request(t.app).post(`${BASE_PATH}/settlement`).set('Authorization', t.token).expect(200);
    const release = await pay({ transType: 'REVERSAL', uti: preauth });
    expect(rowOf(t.ctx, release).status).toBe('APPROVED');
    expect(rowOf(t.ctx, preauth).voidedBy).toBe(release);
    const refused = await request(t.app).post(TX_PATH).set('Authorization', t.token).send({ transType: 'REVERSAL', uti: sale });
    expect(refused.body).toMatchObject({ status: 409, code: 'ALREADY_SETTLED' });
  });
});
