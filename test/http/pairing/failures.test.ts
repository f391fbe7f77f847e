import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { MAX_WRONG_CODES } from '../../../src/pairing/pairing.service';
import { useApi } from '../../helpers/api';
import { otherCode } from '../../helpers/context';
import { dbSnapshot } from '../../helpers/db';
import { expectProblem } from '../../helpers/problem';

const PAIR = `${BASE_PATH}/pair`;

describe('GET /payntpos/1.0.0/pair with a code that does not pair', () => {
  const t = useApi();

  it('answers 401 PAIRING_FAILED for a wrong code and changes nothing', async () => {
    const { code } = t.ctx.pairing.openWindow();
    const before = dbSnapshot(t.ctx.db);
    const res = await request(t.app)
      .get(PAIR)
      .query({ pairingCode: otherCode(code), registerId: 'till-1' });
    expectProblem(res, 401, 'PAIRING_FAILED');
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
  });

  it('answers 401 PAIRING_FAILED for an expired code and changes nothing', async () => {
    const { code } = t.ctx.pairing.openWindow();
    t.clock.advance(600_000);
    const before = dbSnapshot(t.ctx.db);
    expectProblem(await request(t.app).get(PAIR).query({ pairingCode: code }), 401, 'PAIRING_FAILED');
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
  });

  it('answers 401 PAIRING_FAILED for a used code and changes nothing', async () => {
    const { code } = t.ctx.pairing.openWindow();
    await request(t.app).get(PAIR).query({ pairingCode: code, registerId: 'till-1' }).expect(200);
    const before = dbSnapshot(t.ctx.db);
    expectProblem(await request(t.app).get(PAIR).query({ pairingCode: code, registerId: 'till-2' }), 401, 'PAIRING_FAILED');
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
  });

  it('answers 401 PAIRING_FAILED when no window is open', async () => {
    expectProblem(await request(t.app).post(PAIR).send({ pairingCode: '123456' }), 401, 'PAIRING_FAILED');
  });

  it('answers wrong, expired and used codes with identical bodies and headers', async () => {
    const first = t.ctx.pairing.openWindow();
    const wrong = await request(t.app)
      .get(PAIR)
      .query({ pairingCode: otherCode(first.code) });
    await request(t.app).get(PAIR).query({ pairingCode: first.code }).expect(200);
    const used = await request(t.app).get(PAIR).query({ pairingCode: first.code });
    const second = t.ctx.pairing.openWindow();
    t.clock.advance(600_000);
    const expired = await request(t.app).get(PAIR).query({ pairingCode: second.code });
    for (const res of [used, expired]) {
      expect(res.status).toBe(wrong.status);
      expect(res.text).toBe(wrong.text);
      expect(res.headers['content-type']).toBe(wrong.headers['content-type']);
      expect(res.headers['www-authenticate']).toBe(wrong.headers['www-authenticate']);
    }
  });

  it(`closes the window after ${MAX_WRONG_CODES} wrong codes, so that the right code fails too`, async () => {
    const { code } = t.ctx.pairing.openWindow();
    for (let i = 0; i < MAX_WRONG_CODES; i++)
      expectProblem(
        await request(t.app)
          .get(PAIR)
          .query({ pairingCode: otherCode(code) }),
        401,
        'PAIRING_FAILED',
      );
    expect(t.ctx.screen.state().screen).toBe('idle');
    const before = dbSnapshot(t.ctx.db);
    expectProblem(await request(t.app).get(PAIR).query({ pairingCode: code }), 401, 'PAIRING_FAILED');
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
  });

  it('does not count a malformed code as a wrong try', async () => {
    const { code } = t.ctx.pairing.openWindow();
    for (let i = 0; i < MAX_WRONG_CODES + 2; i++) expectProblem(await request(t.app).get(PAIR).query({ pairingCode: '12345' }), 400, 'VALIDATION_FAILED');
    await request(t.app).get(PAIR).query({ pairingCode: code }).expect(200);
  });
});
