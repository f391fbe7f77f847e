import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { useApi } from '../../helpers/api';
import { pairingAnswerOf, TEST_FINGERPRINT, TEST_TID } from '../../helpers/context';
import { stringMatching } from '../../helpers/matchers';
import { bodyOf, type PairingAnswer } from '../../helpers/bodies';

const PAIR = `${BASE_PATH}/pair`;

describe('GET and POST /payntpos/1.0.0/pair', () => {
  const t = useApi();

  it('When the code on the screen is sent as a query, then it answers 200 with the token and the terminal identity, not to be cached', async () => {
    t.ctx.start();
    const code = t.ctx.screen.state().pairingCode!;
    expect(code).toMatch(/^\d{6}$/);
    const res = await request(t.app).get(PAIR).query({ pairingCode: code, registerId: 'till-1', registerName: 'Front till' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual(pairingAnswerOf('till-1'));
  });

  it('When the code is sent as a JSON body, then it pairs the same way', async () => {
    const { code } = t.ctx.pairing.openWindow();
    const res = await request(t.app).post(PAIR).send({ pairingCode: code, registerId: 'till-2' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ registerId: 'till-2', tid: TEST_TID });
  });

  it('When a technician pairs, then the answer carries the role and when the token expires', async () => {
    const { code } = t.ctx.pairing.openWindow();
    const res = await request(t.app).get(PAIR).query({ pairingCode: code, role: 'technician' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ role: 'technician', registerId: stringMatching(/^tech-/), expiresAt: '2025-04-28T17:27:25.000Z' });
  });

  it('When pairing succeeds, then the screen showed the code and then leaves the pairing screen', async () => {
    t.ctx.start();
    const code = t.ctx.screen.state().pairingCode!;
    expect(t.screenLines).toEqual([`[screen] pairing: code ${code} valid until 2025-04-28T09:37:25.000Z, fingerprint ${TEST_FINGERPRINT}`]);
    await request(t.app).get(PAIR).query({ pairingCode: code }).expect(200);
    expect(t.ctx.screen.state()).toMatchObject({ screen: 'idle' });
    expect(t.ctx.screen.state()).not.toHaveProperty('pairingCode');
    expect(t.screenLines).toHaveLength(2);
    expect(t.screenLines[1]).toMatch(/^\[screen\] idle: TID 12345678 ready at 192\.0\.2\.10:8443/);
  });

  it('When the token is used with DELETE /pair, then the register is unpaired and the token no longer works', async () => {
    const { code } = t.ctx.pairing.openWindow();
    const { authToken } = bodyOf<PairingAnswer>(await request(t.app).get(PAIR).query({ pairingCode: code, registerId: 'till-1' }));
    const res = await request(t.app).delete(PAIR).set('Authorization', authToken);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(t.ctx.registers.list()[0]).toMatchObject({ registerId: 'till-1', revokedAt: '2025-04-28T09:27:25.000Z', tokenHash: null });
    expect((await request(t.app).delete(PAIR).set('Authorization', authToken)).status).toBe(401);
  });

  it('When the same register pairs again, then its old token is refused and the new one accepted', async () => {
    const first = bodyOf<PairingAnswer>(await request(t.app).get(PAIR).query({ pairingCode: t.ctx.pairing.openWindow().code, registerId: 'till-1' })).authToken;
    const second = bodyOf<PairingAnswer>(await request(t.app).get(PAIR).query({ pairingCode: t.ctx.pairing.openWindow().code, registerId: 'till-1' })).authToken;
    expect((await request(t.app).delete(PAIR).set('Authorization', first)).status).toBe(401);
    expect((await request(t.app).delete(PAIR).set('Authorization', `Bearer ${second}`)).status).toBe(204);
  });
});
