import request from 'supertest';
import { useApi } from '../../helpers/api';
import { dbSnapshot } from '../../helpers/db';
import { INSTANT_SIMULATOR_ENV, TX_PATH } from '../../helpers/payments';
import { expectProblem } from '../../helpers/problem';

// The words a POS developer new to the API meets first: each says what was wrong with what was sent.

describe('POST /payntpos/1.0.0/transaction, answered so that a developer knows what to change', () => {
  const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true, perFile: true });

  const post = async (body: unknown, authorization = t.token) => {
    const before = dbSnapshot(t.ctx.db);
    const res = await request(t.app)
      .post(TX_PATH)
      .set('Authorization', authorization)
      .send(body as object);
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
    return res;
  };

  it('when the amount is a string, then the error says a number was expected, not a string', async () => {
    const res = await post({ transType: 'SALE', amountTrans: '1250' });
    expect(expectProblem(res, 400, 'VALIDATION_FAILED').errors).toEqual([
      { field: 'amountTrans', message: 'must be a number, not a string: a whole number of minor units from 1 to 99999999: 1250 for 12.50' },
    ]);
  });

  it('when a field is unknown but close to a known one, then the error asks "did you mean …?"', async () => {
    const res = await post({ transType: 'SALE', amount: 1250 });
    expect(expectProblem(res, 400, 'VALIDATION_FAILED').errors).toEqual(expect.arrayContaining([{ field: 'amount', message: 'is not a known field: did you mean amountTrans?' }]));
    const far = await post({ transType: 'SALE', amountTrans: 1250, colour: 'red' });
    expect(expectProblem(far, 400, 'VALIDATION_FAILED').errors).toEqual([{ field: 'colour', message: 'is not a known field' }]);
  });

  it('when the token is sent in a scheme other than Bearer (Authorization: Token …), then the 401 says how to send it, not that none was sent', async () => {
    const res = await post({ transType: 'SALE', amountTrans: 1250 }, `Token ${t.token}`);
    const problem = expectProblem(res, 401, 'UNAUTHORIZED');
    expect(problem.detail).toBe('The Authorization header holds the token from pairing as it is, or after "Bearer ": "Token" is not understood.');
  });
});
