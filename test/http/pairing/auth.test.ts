import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { useApi } from '../../helpers/api';
import { dbSnapshot } from '../../helpers/db';
import { expectProblem } from '../../helpers/problem';

const PAIR = `${BASE_PATH}/pair`;

describe('DELETE /payntpos/1.0.0/pair (a route that needs a token)', () => {
  const t = useApi();

  async function expectUnauthorized(headers: Record<string, string>): Promise<void> {
    const before = dbSnapshot(t.ctx.db);
    const res = await request(t.app).delete(PAIR).set(headers);
    expectProblem(res, 401, 'UNAUTHORIZED');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="eposd"');
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
  }

  it('answers 204 for the raw token, as Paynt sends it', async () => {
    const token = await t.pairPos();
    await request(t.app).delete(PAIR).set('Authorization', token).expect(204);
  });

  it('answers 204 for a Bearer token', async () => {
    const token = await t.pairPos();
    await request(t.app).delete(PAIR).set('Authorization', `Bearer ${token}`).expect(204);
  });

  it('answers 204 for a technician token, unpairing the technician', async () => {
    const token = await t.pairTechnician();
    await request(t.app).delete(PAIR).set('Authorization', token).expect(204);
    expect(t.ctx.registers.list()[0]?.revokedAt).not.toBeNull();
  });

  it('unpairs only the caller', async () => {
    const mine = await t.pairPos('till-1');
    const theirs = await t.pairPos('till-2');
    await request(t.app).delete(PAIR).set('Authorization', mine).expect(204);
    expect(t.ctx.pairing.authenticate(theirs)?.registerId).toBe('till-2');
  });

  it('answers 401 UNAUTHORIZED without a token', async () => {
    await t.pairPos();
    await expectUnauthorized({});
  });

  it('answers 401 UNAUTHORIZED for an unknown token', async () => {
    await t.pairPos();
    await expectUnauthorized({ Authorization: `${'A'.repeat(16)}.${'B'.repeat(43)}` });
  });

  it('answers 401 UNAUTHORIZED for a token with a wrong secret', async () => {
    const token = await t.pairPos();
    await expectUnauthorized({ Authorization: `${token.slice(0, 17)}${'B'.repeat(43)}` });
  });

  it('answers 401 UNAUTHORIZED for a token in another scheme', async () => {
    const token = await t.pairPos();
    await expectUnauthorized({ Authorization: `Basic ${token}` });
  });

  it('answers 401 UNAUTHORIZED for a token revoked by pairing the register again', async () => {
    const old = await t.pairPos('till-1');
    await t.pairPos('till-1');
    await expectUnauthorized({ Authorization: old });
  });

  it('answers 401 UNAUTHORIZED for a token revoked by unpairing everything', async () => {
    const token = await t.pairPos();
    t.ctx.pairing.unpairAll();
    await expectUnauthorized({ Authorization: token });
  });

  it('answers 401 UNAUTHORIZED for a technician token 8 hours after pairing', async () => {
    const token = await t.pairTechnician();
    t.clock.advance(8 * 3600_000);
    await expectUnauthorized({ Authorization: `Bearer ${token}` });
  });
});
