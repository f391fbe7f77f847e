import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { useApi } from '../../helpers/api';
import { dbSnapshot } from '../../helpers/db';
import { expectProblem } from '../../helpers/problem';

const PAIR = `${BASE_PATH}/pair`;

describe('the pairing rate limit (EPOSD_PAIR_RATE_LIMIT per minute per address)', () => {
  const t = useApi({ env: { EPOSD_PAIR_RATE_LIMIT: '3' } });

  it('answers 429 RATE_LIMITED once the limit is used up, even for the right code, and changes nothing', async () => {
    const { code } = t.ctx.pairing.openWindow();
    for (let i = 0; i < 3; i++) expectProblem(await request(t.app).get(PAIR).query({ pairingCode: 'x' }), 400, 'VALIDATION_FAILED');
    const before = dbSnapshot(t.ctx.db);
    const res = await request(t.app).get(PAIR).query({ pairingCode: code });
    expectProblem(res, 429, 'RATE_LIMITED');
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
    expect(t.ctx.pairing.currentWindow()?.code).toBe(code);
  });

  it('counts GET and POST together', async () => {
    await request(t.app).get(PAIR).query({ pairingCode: '000000' });
    await request(t.app).post(PAIR).send({ pairingCode: '000000' });
    await request(t.app).get(PAIR).query({ pairingCode: '000000' });
    expectProblem(await request(t.app).post(PAIR).send({ pairingCode: '000000' }), 429, 'RATE_LIMITED');
  });

  it('does not limit DELETE /pair or other routes', async () => {
    for (let i = 0; i < 3; i++) await request(t.app).get(PAIR).query({ pairingCode: '000000' });
    expectProblem(await request(t.app).delete(PAIR), 401, 'UNAUTHORIZED');
    await request(t.app).get(`${BASE_PATH}/health`).expect(200);
  });
});
